# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class RetailMemberTag(Document):
	"""A tag a member holds because a Member Tag Rule matched (written by retail_suite.membership.tagging)."""


def on_doctype_update() -> None:
	apply_composite_indexes("Retail Member Tag")
