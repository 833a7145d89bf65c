# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class BrokenSizeTransfer(Document):
	"""A suggested transfer of a missing variant from a store (or the distribution warehouse) that sells it slowly."""
