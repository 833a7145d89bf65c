"""Frappe shell of fresh: the hourly expiry job, "Run Now" with progress, shrink posted as Stock Entries, and
the shrink reasons and waste accounts created at install.

The work is the store layer's (`markdowns.run_markdowns`, `shrink`), run through `frappe.db` on the "long"
queue, one job per site at a time (deduplicated), with progress published to the user who asked.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from retail_suite.db import get_database
from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.fresh.markdowns import BatchPrice, batch_prices, run_markdowns
from retail_suite.fresh.shrink import ensure_shrink_reasons
from retail_suite.fresh.shrink_rules import ACCOUNT_NAMES, ShrinkLine, stock_entry_plan
from retail_suite.setup.roles import require_roles

QUEUE = "long"
RUN_ROLES = ("Store Manager", "Retail Manager", "System Manager")


def job_id() -> str:
	return f"retail_suite:fresh_markdowns:{frappe.local.site}"


def enqueue_hourly() -> None:
	"""scheduler_events hourly: queue the expiry job on the long queue (once per site at a time)."""
	frappe.enqueue(
		"retail_suite.fresh.erpnext.run_expiry_job", queue=QUEUE, timeout=3600, job_id=job_id(), deduplicate=True
	)


@frappe.whitelist(methods=["POST"])
def run_markdowns_now(store: str | None = None) -> str:
	"""Queue the expiry job now (Store Manager, Retail Manager); progress shows on the caller's desk. Returns
	the job id, or "" when the job is already queued or running."""
	require_roles(*RUN_ROLES)
	job = frappe.enqueue(
		"retail_suite.fresh.erpnext.run_expiry_job",
		queue=QUEUE,
		timeout=3600,
		job_id=job_id(),
		deduplicate=True,
		store=store or None,
	)
	return getattr(job, "id", "") or ""


def run_expiry_job(as_of: str | datetime | None = None, store: str | None = None) -> dict[str, Any]:
	"""Markdowns, labels, blocked batches and withdrawal proposals as of now (or `as_of`, ISO with an offset,
	or naive as each store's local time)."""
	moment = _moment(as_of)
	db = get_database()
	run = run_markdowns(db, moment, store=store, progress=_progress())
	for batch in run.blocked:
		frappe.clear_document_cache("Batch", batch)
	prices = sync_batch_prices(batch_prices(db, run.marked_down))
	frappe.db.commit()
	if run.labels or run.withdrawals:
		_tell_store_managers(run.labels_by_store, run.withdrawals)
	for ladder, problems in run.ladder_problems.items():
		frappe.log_error(_("Fresh Markdown Ladder {0} was skipped").format(ladder), "\n".join(problems), "Fresh Markdown Ladder")
	return {
		"as_of": str(moment),
		"batches": run.batches,
		"phases": run.phases,
		"promotions_created": run.promotions_created,
		"promotions_extended": run.promotions_extended,
		"labels": len(run.labels),
		"blocked": run.blocked,
		"withdrawals": run.withdrawals,
		"skipped_ladders": run.ladder_problems,
		"batch_prices": prices,
		"seconds": round(run.seconds, 3),
	}


def sync_batch_prices(prices: list[BatchPrice]) -> dict[str, int]:
	"""The markdowns in ERPNext's own pricing: each marked-down batch gets a selling Item Price for that batch
	on the store's price list, valid from today (ERPNext takes the latest valid-from first, so it wins over
	the regular price) to the batch's expiry date. ERPNext's POS page, which scans the batch from the label,
	and every sales document with the batch then charge the markdown. The job runs hourly, so a step that
	starts at 18:00 reaches these prices within the hour; the app's tills and POSDM audit follow the
	promotion's exact hours. Returns the prices created and changed."""
	today = getdate(nowdate())
	created = changed = 0
	for price in prices:
		# (a store west of the site can still be on the day before: never valid from after the expiry)
		valid_from = min(today, price.expiry) if price.expiry else today
		note = _("Fresh markdown {0} % off {1} (stores {2}); set by the expiry job").format(
			price.percent.normalize(), price.regular, ", ".join(price.stores)
		)
		name = frappe.db.get_value(
			"Item Price",
			{"price_list": price.price_list, "item_code": price.item_code, "batch_no": price.batch_no, "selling": 1,
				"customer": ["is", "not set"]},
		)
		if name:
			doc = frappe.get_doc("Item Price", name)
			if Decimal(str(doc.price_list_rate)) == price.rate and doc.valid_upto == price.expiry:
				continue
			doc.update({"price_list_rate": price.rate, "valid_from": valid_from, "valid_upto": price.expiry, "note": note})
			doc.save(ignore_permissions=True)
			changed += 1
		else:
			frappe.get_doc(
				{
					"doctype": "Item Price",
					"price_list": price.price_list,
					"item_code": price.item_code,
					"batch_no": price.batch_no,
					"uom": frappe.get_cached_value("Item", price.item_code, "stock_uom"),
					"price_list_rate": price.rate,
					"valid_from": valid_from,
					"valid_upto": price.expiry,
					"note": note,
				}
			).insert(ignore_permissions=True)
			created += 1
	return {"created": created, "changed": changed}


def _moment(as_of: str | datetime | None) -> datetime:
	if as_of is None:
		return datetime.now(UTC)
	if isinstance(as_of, datetime):
		return as_of
	return datetime.fromisoformat(str(as_of))


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


def _tell_store_managers(per_store: dict[str, int], withdrawals: dict[str, int]) -> None:
	"""A bell notification to each store's manager: labels to print, withdrawals to count."""
	proposals = {frappe.db.get_value("Shrink Entry", name, "store"): name for name in withdrawals}
	for store in sorted(set(per_store) | set(proposals)):
		manager = frappe.db.get_value("Retail Store", store, "store_manager")
		if not manager:
			continue
		subject = _("Store {0}: {1} fresh labels to print").format(store, per_store.get(store, 0))
		if store in proposals:
			subject += _("; expired batches to withdraw on {0}").format(proposals[store])
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": manager,
				"type": "Alert",
				"subject": subject,
				"document_type": "Shrink Entry" if store in proposals else "Fresh Label",
				"document_name": proposals.get(store) or "",
			}
		).insert(ignore_permissions=True)


# --- shrink posting ------------------------------------------------------------------------------------


def post_shrink(doc: Any) -> None:
	"""Shrink Entry on_submit: an ERPNext Stock Entry (Material Issue) from the store's warehouse, each row to
	its reason's waste expense account; ERPNext makes the stock ledger and GL entries."""
	cost_center = frappe.db.get_value("Retail Store", doc.store, "cost_center")
	lines = [
		ShrinkLine(
			item_code=row.item_code,
			qty=Decimal(str(row.qty)),
			reason=row.reason,
			batch_no=row.batch_no or None,
			uom=row.uom or None,
			valuation_rate=Decimal(str(row.valuation_rate or 0)),
			expense_account=row.expense_account or None,
		)
		for row in doc.lines
	]
	plan, problems = stock_entry_plan(
		company=doc.company,
		warehouse=doc.warehouse,
		cost_center=cost_center,
		posting_date=frappe.utils.getdate(doc.posting_date),
		lines=lines,
		remarks=_("Shrink {0} of store {1}").format(doc.name, doc.store),
	)
	if problems:
		frappe.throw("<br>".join(_(problem) for problem in problems), title=_("The shrink cannot be posted"))
	entry = frappe.get_doc(plan)
	meta = frappe.get_meta("Stock Entry Detail")
	if meta.has_field("retail_store"):
		for row in entry.items:
			row.retail_store = doc.store
	entry.flags.ignore_permissions = True
	with _as_system():  # ERPNext makes the batch bundles as the session user; a Store Manager is no Stock User
		entry.insert()
		entry.submit()
	doc.db_set({"stock_entry": entry.name, "posting_status": "Posted", "posting_error": None})


@contextmanager
def _as_system():
	"""Post ERPNext's documents as Administrator: the user was allowed to submit the shrink entry, and ERPNext
	creates the documents behind a Stock Entry (Serial and Batch Bundles) with the session user's rights."""
	user = frappe.session.user
	if user == "Administrator":
		yield
		return
	frappe.set_user("Administrator")
	try:
		yield
	finally:
		frappe.set_user(user)


def cancel_shrink(doc: Any) -> None:
	"""Shrink Entry on_cancel: cancel its Stock Entry, so ERPNext reverses the stock and GL entries."""
	if not doc.stock_entry or not frappe.db.exists("Stock Entry", doc.stock_entry):
		return
	entry = frappe.get_doc("Stock Entry", doc.stock_entry)
	if entry.docstatus == 1:
		entry.flags.ignore_permissions = True
		with _as_system():
			entry.cancel()


# --- install ---------------------------------------------------------------------------------------------


def ensure_shrink_setup() -> None:
	"""after_install / after_migrate: the standard shrink reasons, and for every company a waste expense
	account per reason (under the group of its stock adjustment account) mapped on the reason."""
	ensure_shrink_reasons(FrappeDatabase())
	for company in frappe.get_all("Company", pluck="name"):
		ensure_shrink_accounts(company)


def ensure_shrink_accounts(company: str) -> dict[str, str]:
	"""Reason -> account for a company, creating "Shrink - <reason>" accounts and mappings that are missing."""
	parent = _waste_parent(company)
	if not parent:
		return {}
	abbr = frappe.get_cached_value("Company", company, "abbr")
	mapped = {}
	for reason, account_name in ACCOUNT_NAMES.items():
		if not frappe.db.exists("Shrink Reason", reason):
			continue
		doc = frappe.get_doc("Shrink Reason", reason)
		row = next((row for row in doc.accounts if row.company == company), None)
		if row:
			mapped[reason] = row.expense_account
			continue
		account = f"{account_name} - {abbr}"
		if not frappe.db.exists("Account", account):
			account = (
				frappe.get_doc(
					{
						"doctype": "Account",
						"account_name": account_name,
						"parent_account": parent,
						"company": company,
						"root_type": "Expense",
						"report_type": "Profit and Loss",
						"is_group": 0,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		doc.append("accounts", {"company": company, "expense_account": account})
		doc.flags.ignore_permissions = True
		doc.save()
		mapped[reason] = account
	return mapped


def _waste_parent(company: str) -> str | None:
	"""The expense group the waste accounts go under: that of the company's stock adjustment account, else
	its Stock Expenses group, else its root expense group."""
	adjustment = frappe.get_cached_value("Company", company, "stock_adjustment_account")
	if adjustment:
		parent = frappe.db.get_value("Account", adjustment, "parent_account")
		if parent:
			return parent
	for filters in (
		{"company": company, "is_group": 1, "account_name": "Stock Expenses"},
		{"company": company, "is_group": 1, "root_type": "Expense", "parent_account": ["in", ["", None]]},
	):
		found = frappe.db.get_value("Account", filters, "name")
		if found:
			return found
	return None
