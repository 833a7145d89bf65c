# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class POSTransactionLine(Document):
	pass


def on_doctype_update() -> None:
	apply_composite_indexes("POS Transaction Line")
