# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class BrokenSizeAlertCell(Document):
	"""A missing size × colour cell of a broken style: on hand, expected sales, lost sales, units needed."""
