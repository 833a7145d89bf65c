# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class RetailPromotionBatch(Document):
	"""A batch a promotion is limited to: a fresh markdown takes only the lines of its batches."""
