"""Frappe shell of apparel: the daily broken-size job, "Make Transfer Draft", the matrix entry's documents.

The scan is the store layer's (`broken_sizes.py`) through `frappe.db`, queued on the "long" queue (one job
per site at a time) with progress published to the user who asked. ERPNext posts the stock: a transfer
suggestion becomes a Stock Entry (Material Transfer) draft; a matrix entry becomes a Purchase Order, a Stock
Entry or a Stock Reconciliation draft with one line per cell. retail_suite writes no ledger entry.
"""

from __future__ import annotations

from typing import Any

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate, today

from retail_suite.apparel.broken_sizes import run_broken_sizes
from retail_suite.apparel.matrix import StyleGrid
from retail_suite.apparel.styles import style_grid
from retail_suite.db import get_database
from retail_suite.errors import RetailSuiteError
from retail_suite.setup.roles import require_roles

QUEUE = "long"
SCAN_ROLES = ("Retail Manager", "Store Manager", "Stock Manager", "System Manager")
TRANSFER_ROLES = ("Retail Manager", "Store Manager", "Stock Manager", "Stock User", "System Manager")


# --- the daily broken-size job ----------------------------------------------------------------------------


def job_id() -> str:
	return f"retail_suite:broken_sizes:{frappe.local.site}"


def enqueue_broken_sizes() -> None:
	"""scheduler_events daily: queue the scan on the long queue (deduplicated)."""
	frappe.enqueue(
		"retail_suite.apparel.erpnext.run_broken_sizes_job",
		queue=QUEUE,
		timeout=3600,
		job_id=job_id(),
		deduplicate=True,
	)


@frappe.whitelist(methods=["POST"])
def scan_now() -> str:
	"""Queue today's broken-size scan now; returns the job id, or "" when it is already queued or running."""
	require_roles(*SCAN_ROLES)
	job = frappe.enqueue(
		"retail_suite.apparel.erpnext.run_broken_sizes_job",
		queue=QUEUE,
		timeout=3600,
		job_id=job_id(),
		deduplicate=True,
	)
	return getattr(job, "id", "") or ""


def run_broken_sizes_job(as_of: str | None = None) -> dict[str, Any]:
	"""Scan every store for broken styles as of `as_of` (today) and write the day's Broken Size Alerts."""
	day = getdate(as_of or today())
	scan = run_broken_sizes(get_database(), day, progress=_progress())
	frappe.db.commit()
	return {
		"business_day": str(day),
		"alerts": len(scan.broken),
		"pairs_selling": scan.pairs_selling,
		"transfers": len(scan.transfers),
		"units_suggested": sum(transfer.qty for transfer in scan.transfers),
		"seconds": round(scan.seconds, 2),
	}


def _progress():
	"""The store layer's progress(stage, total) -> tick(what, units), published as Frappe progress."""

	def stage(title: str, total: int):
		done = 0

		def tick(what: str, units: int) -> None:
			nonlocal done
			done += units
			if total:
				frappe.publish_progress(min(done * 100 / total, 100), title=_(title), description=what)

		return tick

	return stage


# --- transfer drafts --------------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def make_transfer_draft(alert: str) -> str:
	"""Turn a Broken Size Alert's transfer suggestions into one Stock Entry (Material Transfer) draft, a line
	per suggestion from its warehouse to the store's; returns the Stock Entry's name (the same one when the
	draft was made before). The user needs the right to create Stock Entries."""
	require_roles(*TRANSFER_ROLES)
	doc = frappe.get_doc("Broken Size Alert", alert)
	doc.check_permission("write")
	if doc.stock_entry and frappe.db.exists("Stock Entry", doc.stock_entry):
		return doc.stock_entry
	if not doc.transfers:
		frappe.throw(
			_("Broken Size Alert {0}: no store or warehouse holds spare units of {1}; order them instead.").format(
				doc.name, doc.missing_sizes
			),
			title=_("Nothing to transfer"),
		)
	company = frappe.db.get_value("Warehouse", doc.warehouse, "company")
	entry = frappe.new_doc("Stock Entry")
	entry.stock_entry_type = "Material Transfer"
	entry.purpose = "Material Transfer"
	entry.company = company
	entry.to_warehouse = doc.warehouse
	entry.remarks = _("Broken sizes of {0} in store {1} on {2}: {3} (alert {4})").format(
		doc.style, doc.store, doc.business_day, doc.missing_sizes, doc.name
	)
	for row in doc.transfers:
		entry.append(
			"items",
			{"item_code": row.item_code, "qty": flt(row.qty), "s_warehouse": row.from_warehouse, "t_warehouse": doc.warehouse},
		)
	entry.insert()
	doc.db_set({"stock_entry": entry.name, "status": "Transfer Drafted"})
	return entry.name


# --- matrix entry -----------------------------------------------------------------------------------------


def grid_or_throw(style: str) -> StyleGrid:
	try:
		return style_grid(get_database(), style)
	except RetailSuiteError as error:
		frappe.throw(str(error), title=_("Not a style with size variants"))


@frappe.whitelist()
def style_grid_for_form(style: str, warehouse: str | None = None) -> dict[str, Any]:
	"""The template's sizes, colours and variants for the matrix form, with on hand per variant in the
	warehouse when one is given."""
	frappe.has_permission("Item", "read", style, throw=True)
	grid = grid_or_throw(style).as_dict()
	if warehouse:
		frappe.has_permission("Warehouse", "read", warehouse, throw=True)
		stock = dict(
			frappe.get_all(
				"Bin",
				{"warehouse": warehouse, "item_code": ["in", [cell["item_code"] for cell in grid["cells"]]]},
				["item_code", "actual_qty"],
				as_list=True,
			)
		)
		for cell in grid["cells"]:
			cell["on_hand"] = flt(stock.get(cell["item_code"]))
	return grid


def make_matrix_document(entry) -> frappe.model.document.Document:
	"""The ERPNext draft an Apparel Matrix Entry stands for: a Purchase Order, a Stock Entry (Material
	Transfer) or a Stock Reconciliation, with one line per cell."""
	cells = [row for row in entry.cells if flt(row.qty) or entry.purpose == "Stock Count"]
	if entry.purpose == "Purchase Order":
		document = frappe.new_doc("Purchase Order")
		document.update(
			{
				"supplier": entry.supplier,
				"company": entry.company,
				"transaction_date": entry.posting_date,
				"schedule_date": entry.schedule_date or add_days(entry.posting_date, 7),
				"set_warehouse": entry.warehouse,
			}
		)
		for row in cells:
			document.append(
				"items",
				{
					"item_code": row.item_code,
					"qty": flt(row.qty),
					"warehouse": entry.warehouse,
					"schedule_date": entry.schedule_date or add_days(entry.posting_date, 7),
				},
			)
		document.set_missing_values()
	elif entry.purpose == "Material Transfer":
		document = frappe.new_doc("Stock Entry")
		document.update(
			{
				"stock_entry_type": "Material Transfer",
				"purpose": "Material Transfer",
				"company": entry.company,
				"from_warehouse": entry.from_warehouse,
				"to_warehouse": entry.warehouse,
			}
		)
		for row in cells:
			document.append(
				"items",
				{"item_code": row.item_code, "qty": flt(row.qty), "s_warehouse": entry.from_warehouse,
					"t_warehouse": entry.warehouse},
			)
	else:
		document = frappe.new_doc("Stock Reconciliation")
		document.update({"purpose": "Stock Reconciliation", "company": entry.company})
		for row in cells:
			line = {"item_code": row.item_code, "warehouse": entry.warehouse, "qty": flt(row.qty)}
			rate = _valuation_rate(row.item_code, entry.warehouse, entry.style)
			if rate:
				line["valuation_rate"] = rate
			document.append("items", line)
	document.flags.retail_matrix_entry = entry.name
	try:
		document.insert()
	except Exception as error:
		if type(error).__name__ == "EmptyStockReconciliationItemsError":
			frappe.throw(
				_("Matrix entry {0}: every counted cell equals the stock on hand; there is nothing to reconcile.").format(
					entry.name
				),
				title=_("Nothing changed"),
			)
		raise
	return document


def _valuation_rate(item_code: str, warehouse: str, style: str) -> float:
	"""The variant's rate in the warehouse, else the variant's or the template's valuation rate (a counted
	variant the warehouse never held needs one)."""
	rate = frappe.db.get_value("Bin", {"item_code": item_code, "warehouse": warehouse}, "valuation_rate")
	return flt(rate) or flt(frappe.db.get_value("Item", item_code, "valuation_rate")) or flt(
		frappe.db.get_value("Item", style, "valuation_rate")
	)

