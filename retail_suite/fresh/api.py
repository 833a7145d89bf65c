"""Whitelisted API of fresh (Frappe shell): the Record Waste page for phones, and the expiry job's Run Now."""

from __future__ import annotations

import json
from typing import Any

import frappe
from frappe import _
from frappe.utils import nowdate

from retail_suite.db import get_database
from retail_suite.fresh.shrink import scan_code
from retail_suite.setup.roles import require_roles

WASTE_ROLES = ("Retail Cashier", "Store Manager", "Retail Manager", "System Manager")


@frappe.whitelist(methods=["GET"])
def shrink_context() -> dict[str, Any]:
	"""The stores the user may record waste for (their default first) and the reasons."""
	require_roles(*WASTE_ROLES)
	stores = frappe.get_all("Retail Store", {"disabled": 0}, ["name", "store_name", "store_manager"], order_by="name")
	return {
		"stores": [frappe._dict(name=store.name, store_name=store.store_name) for store in stores],
		"default_store": default_store(stores),
		"reasons": frappe.get_all("Shrink Reason", pluck="name", order_by="name"),
		"can_submit": frappe.has_permission("Shrink Entry", "submit"),
	}


def default_store(stores: list) -> str | None:
	"""The store the page starts with: the user's default (a session default or a default User Permission on
	Retail Store), else the one they manage, else the only one."""
	names = [store.name for store in stores]
	default = frappe.defaults.get_user_default("Retail Store")
	if default in names:
		return default
	managed = [store.name for store in stores if store.store_manager == frappe.session.user]
	if len(managed) == 1:
		return managed[0]
	return names[0] if len(names) == 1 else None


@frappe.whitelist(methods=["GET"])
def shrink_scan(store: str, code: str) -> dict[str, Any]:
	"""What a scan found: item, batch from the label, the item's batches in the store (first expiring first)."""
	require_roles(*WASTE_ROLES)
	found = scan_code(get_database(), store, code)
	if found is None:
		frappe.throw(_("Nothing found for {0}: scan the shelf label or the item's barcode, or type the item code").format(frappe.bold(code)))
	return {
		"item_code": found.item_code,
		"item_name": found.item_name,
		"stock_uom": found.stock_uom,
		"has_batch_no": found.has_batch_no,
		"batch_no": found.batch_no,
		"batches": found.batches,
	}


@frappe.whitelist(methods=["POST"])
def record_shrink(store: str, lines: str | list) -> dict[str, Any]:
	"""Record the waste as a Shrink Entry; a Store Manager's is submitted at once (posting the Stock Entry), a
	cashier's waits as a draft for the manager."""
	require_roles(*WASTE_ROLES)
	rows = json.loads(lines) if isinstance(lines, str) else lines
	doc = frappe.get_doc(
		{
			"doctype": "Shrink Entry",
			"store": store,
			"posting_date": nowdate(),
			"source": "Manual",
			"lines": [
				{key: row.get(key) for key in ("item_code", "batch_no", "qty", "reason", "note") if row.get(key) not in (None, "")}
				for row in rows
			],
		}
	)
	doc.insert()
	if frappe.has_permission("Shrink Entry", "submit", doc):
		doc.submit()
	return {
		"name": doc.name,
		"submitted": doc.docstatus == 1,
		"stock_entry": doc.stock_entry,
		"total_value": doc.total_value,
	}
