"""Frappe host: apply the composite indexes declared in `indexes.py` (called from on_doctype_update)."""

from __future__ import annotations

import frappe

from retail_suite.db.indexes import composite_indexes


def apply_composite_indexes(doctype: str) -> None:
	for index in composite_indexes(doctype):
		if index.unique:
			frappe.db.add_unique(doctype, list(index.columns), constraint_name=index.name)
		else:
			frappe.db.add_index(doctype, list(index.columns), index_name=index.name)
