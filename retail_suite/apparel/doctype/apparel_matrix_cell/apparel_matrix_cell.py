# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class ApparelMatrixCell(Document):
	"""One size × colour cell of a matrix entry: the variant and its quantity."""
