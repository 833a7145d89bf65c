# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class FreshLabel(Document):
	"""A shelf label a store must print: a batch's markdown price and its GS1 data. Made by the expiry job
	(fresh/markdowns.py), once per store, batch and step; the store marks it Printed."""


def on_doctype_update() -> None:
	apply_composite_indexes("Fresh Label")
