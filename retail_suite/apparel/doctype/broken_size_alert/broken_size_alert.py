# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class BrokenSizeAlert(Document):
	"""A style broken in a store on a business day: the missing key sizes, the sales they lose, and transfers
	that would fill them. Written by the daily broken-size job (apparel/broken_sizes.py), never in the desk;
	"Make Transfer Draft" turns the suggestions into a Stock Entry."""


def on_doctype_update() -> None:
	apply_composite_indexes("Broken Size Alert")
