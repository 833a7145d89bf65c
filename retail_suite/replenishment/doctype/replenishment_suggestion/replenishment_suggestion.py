# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class ReplenishmentSuggestion(Document):
	"""An order the replenishment run suggests for a store's item, with its reasons; on a site it becomes a Material Request line."""


def on_doctype_update() -> None:
	apply_composite_indexes("Replenishment Suggestion")
