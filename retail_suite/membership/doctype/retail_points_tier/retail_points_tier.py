# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class RetailPointsTier(Document):
	"""A tier of the points programme: reached at a lifetime spend, earning a multiple of the base rate."""
