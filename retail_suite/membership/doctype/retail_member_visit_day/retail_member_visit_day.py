# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class RetailMemberVisitDay(Document):
	"""A member's visits and spend on one business day: the small table 90-day windows are computed from."""


def on_doctype_update() -> None:
	apply_composite_indexes("Retail Member Visit Day")
