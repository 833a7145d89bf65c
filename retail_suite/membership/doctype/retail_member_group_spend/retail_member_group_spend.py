# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class RetailMemberGroupSpend(Document):
	"""A member's spend per item group (the largest is the preferred item group)."""


def on_doctype_update() -> None:
	apply_composite_indexes("Retail Member Group Spend")
