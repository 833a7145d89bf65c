# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class RetailPointsEntry(Document):
	"""One movement of a member's points: written by the points ledger (membership/points_ledger.py), never in the desk."""


def on_doctype_update() -> None:
	apply_composite_indexes("Retail Points Entry")
