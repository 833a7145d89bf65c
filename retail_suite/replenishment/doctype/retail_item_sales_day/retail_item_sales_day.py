# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class RetailItemSalesDay(Document):
	"""Units of an item a store sold on a business day (net of returns), and whether it ended the day out of stock: the history replenishment forecasts from."""


def on_doctype_update() -> None:
	apply_composite_indexes("Retail Item Sales Day")
