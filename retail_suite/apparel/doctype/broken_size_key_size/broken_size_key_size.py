# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class BrokenSizeKeySize(Document):
	"""A key size of a broken-size rule and the depth a store should hold of it."""
