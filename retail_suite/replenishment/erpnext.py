"""Frappe shell of replenishment: the daily job, "Replenish Now", and the Material Request drafts.

The work is the store layer's (`suggestions.run_replenishment`) through `frappe.db`, on the "long"
queue, one job per site and store at a time (deduplicated), with progress published. Its suggestions
become Material Request drafts (type Purchase), one per store and supplier: each line for the store's
warehouse, required by the run day plus the supplier's lead time, with the suggestion's reasons on the
line (`retail_replenishment_note`) and the suggestion linked to its request.

A buyer reviews the drafts and submits them (ERPNext then counts them as requested in Bin, so the next
run does not order the same again), or creates Purchase Orders from them. A draft still unsubmitted
at the next run of its store is replaced by that run's: the plan is redone from the newer stock and
forecast, so the drafts never pile up or double.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import frappe
from frappe import _
from frappe.utils import getdate, today

from retail_suite.db import get_database
from retail_suite.replenishment.suggestions import ReplenishmentRun, run_replenishment, suggestion_name
from retail_suite.setup.roles import require_roles

QUEUE = "long"
RUN_ROLES = ("Store Manager", "Retail Manager", "System Manager")
CHAIN_ROLES = ("Retail Manager", "System Manager")


def job_id(store: str | None = None) -> str:
	return f"retail_suite:replenishment:{frappe.local.site}:{store or 'all stores'}"


def enqueue_daily() -> None:
	"""scheduler_events daily: queue the chain's run on the long queue (the daily queue's timeout is short)."""
	frappe.enqueue(
		"retail_suite.replenishment.erpnext.run",
		queue=QUEUE,
		timeout=4 * 3600,
		job_id=job_id(),
		deduplicate=True,
	)


def check_store_access(store: str | None) -> None:
	"""Retail and System Managers run any store or the chain; a Store Manager only a store they manage."""
	require_roles(*RUN_ROLES)
	user = frappe.session.user
	if user == "Administrator" or not set(CHAIN_ROLES).isdisjoint(frappe.get_roles()):
		return
	if not store:
		frappe.throw(
			_("Choose your store: only a Retail Manager replenishes the whole chain."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	if frappe.db.get_value("Retail Store", store, "store_manager") != user:
		frappe.throw(
			_("You are not the store manager of {0}.").format(store),
			frappe.PermissionError,
			title=_("Not permitted"),
		)


@frappe.whitelist(methods=["POST"])
def replenish_now(store: str | None = None) -> str:
	"""Queue a run now for one store (its Store Manager, a Retail Manager) or the chain (Retail Manager).
	Progress shows on the caller's desk. Returns the job id, or "" when that run is already queued."""
	check_store_access(store)
	if store and not frappe.db.exists("Retail Store", store):
		frappe.throw(_("Retail Store {0} does not exist.").format(store))
	job = frappe.enqueue(
		"retail_suite.replenishment.erpnext.run",
		queue=QUEUE,
		timeout=4 * 3600,
		job_id=job_id(store),
		deduplicate=True,
		store=store,
	)
	return getattr(job, "id", "") or ""


def run(as_of: str | date | None = None, store: str | None = None) -> dict[str, Any]:
	"""The run for `as_of` (default today): replace the store's (or chain's) unsubmitted drafts, plan, and
	write one Material Request draft per store and supplier."""
	day = getdate(as_of or today())
	replaced = release_drafts(day, store)
	result = run_replenishment(get_database(), day, store, progress=_progress(), checkpoint=frappe.db.commit)
	requests = make_material_requests(result)
	frappe.db.commit()
	return {
		"as_of": str(day),
		"transactions_folded": result.sales.folded if result.sales else 0,
		"stockouts": result.stockouts,
		"suppliers_rated": len(result.ratings),
		"series": len(result.forecasts) if result.forecasts else 0,
		"suggestions": len(result.suggestions),
		"material_requests": requests,
		"drafts_replaced": replaced,
		"seconds": result.seconds,
	}


def release_drafts(day: date, store: str | None = None) -> list[str]:
	"""Delete the Material Request drafts that earlier runs (up to `day`) made for the store(s) and nobody
	submitted; their suggestions keep their figures and lose the link."""
	filters: dict[str, Any] = {"material_request": ["is", "set"], "run_date": ["<=", day]}
	if store:
		filters["store"] = store
	linked = set(frappe.get_all("Replenishment Suggestion", filters, pluck="material_request"))
	if not linked:
		return []
	drafts = frappe.get_all(
		"Material Request", {"name": ["in", sorted(linked)], "docstatus": 0}, pluck="name", order_by="name"
	)
	if drafts:
		frappe.db.set_value(
			"Replenishment Suggestion", {"material_request": ["in", drafts]}, "material_request", None
		)
		for name in drafts:
			frappe.delete_doc("Material Request", name, ignore_permissions=True, force=True)
	return drafts


def make_material_requests(result: ReplenishmentRun) -> list[str]:
	"""One Material Request draft (Purchase) per store and supplier of the run's suggestions."""
	names: list[str] = []
	failed: list[str] = []
	stores: dict[str, Any] = {}
	for (store, supplier), lines in result.by_supplier().items():
		if store not in stores:
			stores[store] = frappe.db.get_value("Retail Store", store, ["company", "warehouse"], as_dict=True)
		company, warehouse = stores[store].company, stores[store].warehouse
		items = []
		for line in lines:
			required_by = result.as_of + timedelta(days=max(1, math.ceil(line.lead_time_days)))
			items.append(
				{
					"item_code": line.item_code,
					"qty": line.suggested_qty,
					"uom": line.stock_uom,
					"stock_uom": line.stock_uom,
					"conversion_factor": 1,
					"warehouse": warehouse,
					"schedule_date": required_by,
					"retail_store": store,
					"retail_replenishment_note": line.explanation,
				}
			)
		supplier_name = frappe.db.get_value("Supplier", supplier, "supplier_name") if supplier else None
		request = frappe.get_doc(
			{
				"doctype": "Material Request",
				"material_request_type": "Purchase",
				"title": _("Replenishment {0}: {1}").format(store, supplier_name or _("no supplier")),
				"company": company,
				"transaction_date": result.as_of,
				"schedule_date": min(item["schedule_date"] for item in items),
				"set_warehouse": warehouse,
				"retail_supplier": supplier,
				"items": items,
			}
		)
		request.flags.ignore_permissions = True
		# one group ERPNext refuses (an item made non-purchasable meanwhile …) must not stop the others
		savepoint = f"replenishment_request_{len(names) + len(failed)}"
		frappe.db.savepoint(savepoint)
		try:
			request.insert()
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			frappe.log_error(
				_("Replenishment could not draft a Material Request for {0} from {1}").format(
					store, supplier
				),
				frappe.get_traceback(),
				"Replenishment Suggestion",
			)
			failed.append(f"{store}: {supplier or _('no supplier')}")
			continue
		frappe.db.set_value(
			"Replenishment Suggestion",
			{"name": ["in", [suggestion_name(result.as_of, store, line.item_code) for line in lines]]},
			"material_request",
			request.name,
			update_modified=False,
		)
		names.append(request.name)
	if failed:
		frappe.msgprint(
			_("No Material Request could be drafted for {0}; see the Error Log.").format(", ".join(failed)),
			indicator="orange",
		)
	return names


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
