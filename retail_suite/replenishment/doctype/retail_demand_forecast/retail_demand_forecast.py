# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class RetailDemandForecast(Document):
	"""The smoothing state of a store's item: units a day, weekday indices and the error spread."""


def on_doctype_update() -> None:
	apply_composite_indexes("Retail Demand Forecast")
