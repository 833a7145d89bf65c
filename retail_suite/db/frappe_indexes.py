"""Frappe host: apply the composite indexes declared in `indexes.py` (called from on_doctype_update; those on
ERPNext's tables at install and migrate)."""

from __future__ import annotations

import frappe

from retail_suite.db.indexes import COMPOSITE_INDEXES, ERPNEXT_INDEXES, composite_indexes


def apply_composite_indexes(doctype: str) -> None:
	for index in composite_indexes(doctype):
		if index.unique:
			frappe.db.add_unique(doctype, list(index.columns), constraint_name=index.name)
		else:
			frappe.db.add_index(doctype, list(index.columns), index_name=index.name)


def apply_all_indexes() -> None:
	"""Every declared index, ours and on ERPNext's tables (install and migrate; idempotent). `bench migrate`
	runs a doctype's on_doctype_update only when its JSON changed, so an index added to an unchanged doctype
	would otherwise reach a site only on a fresh install."""
	for doctype in (*COMPOSITE_INDEXES, *ERPNEXT_INDEXES):
		if frappe.db.table_exists(doctype):
			apply_composite_indexes(doctype)


def drop_erpnext_indexes() -> None:
	"""Remove them again (uninstall)."""
	for doctype, indexes in ERPNEXT_INDEXES.items():
		for index in indexes:
			if frappe.db.has_index(f"tab{doctype}", index.name):
				frappe.db.sql_ddl(f"ALTER TABLE `tab{doctype}` DROP INDEX `{index.name}`")
