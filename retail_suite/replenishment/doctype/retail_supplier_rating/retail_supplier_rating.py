# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class RetailSupplierRating(Document):
	"""A supplier's delivery record from Purchase Orders and Purchase Receipts: on time, fill rate, lead time, prices, late open orders."""


def on_doctype_update() -> None:
	apply_composite_indexes("Retail Supplier Rating")
