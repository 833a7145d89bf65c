"""Frappe shell of POSDM: ERPNext documents, jobs and hooks.

- Posting documents become Sales Invoices (is_pos, update_stock; a return invoice for
  returns) with payments per tender, tax rows per account and the store's accounting
  dimension and cost center. ERPNext makes the GL and stock ledger entries.
- Jobs run on RQ through frappe.enqueue, one per store so stores post in parallel.
- doc_events capture sales made in ERPNext's own POS into the log (never posted again).
- Store-day close posts the counted variance as a Journal Entry.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime

from retail_suite.db import get_database
from retail_suite.db.cache import get_cache
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records
from retail_suite.posdm.invoice_lines import rate_pieces, with_batches
from retail_suite.posdm.posting import EXCHANGE_CREDIT, aggregate_all
from retail_suite.posdm.store_day import blockers, expected_tenders
from retail_suite.setup.roles import require_roles

WALK_IN_CUSTOMER = "Walk-in Customer"
POSTING_QUEUE = "long"
ERPNEXT_POS_TERMINAL_CODE = "ERP"


# --------------------------------------------------------------------------- jobs


def run_cycle(store: str | None = None) -> dict[str, Any]:
	"""Audit what arrived, aggregate what passed, and enqueue postings per store (scheduled and on demand)."""
	db = get_database()
	summary = run_audit(db, store=store, progress=_progress("Auditing till transactions"))
	created = aggregate_all(db, store, progress=_progress("Aggregating store-days"))
	frappe.db.commit()
	stores = sorted({row[0] for row in frappe.get_all("POS Posting Document", {"status": "Pending"}, ["store"], as_list=True)})
	for store_name in stores:
		enqueue_posting(store_name)
	return {"audited": summary.audited, "errors": summary.errors, "postings": len(created), "stores_queued": stores}


def enqueue_posting(store: str) -> None:
	"""One posting job per store (deduplicated), so stores post in parallel on the RQ workers."""
	frappe.enqueue(
		"retail_suite.posdm.erpnext.post_pending",
		queue=POSTING_QUEUE,
		timeout=3600,
		job_id=f"retail_suite:post:{frappe.local.site}:{store}",
		deduplicate=True,
		store=store,
	)


def post_pending(store: str | None = None) -> dict[str, int]:
	"""Post every Pending posting document (of a store), oldest first; restartable."""
	filters: dict[str, Any] = {"status": ["in", ["Pending", "Queued"]]}
	if store:
		filters["store"] = store
	names = frappe.get_all("POS Posting Document", filters, pluck="name", order_by="business_day asc, kind desc, creation asc")
	posted = failed = 0
	for done, name in enumerate(names, 1):
		if post_posting_document(name):
			posted += 1
		else:
			failed += 1
		frappe.publish_progress(done * 100 / len(names), title=_("Posting to ERPNext"), description=name)
	return {"posted": posted, "failed": failed}


def _progress(title: str):
	def report(done: int, total: int) -> None:
		if total:
			frappe.publish_progress(done * 100 / total, title=_(title))

	return report


# --------------------------------------------------------------------------- posting


def post_posting_document(name: str) -> bool:
	"""Turn one posting document into a submitted Sales Invoice; on an ERPNext error record it and offer retry."""
	posting = frappe.get_doc("POS Posting Document", name, for_update=True)
	if posting.status == "Posted" or posting.sales_invoice:
		return True  # posting twice is impossible: the link is set in the same transaction as the invoice
	posting.db_set({"status": "Queued", "attempts": cint(posting.attempts) + 1}, update_modified=False)
	frappe.db.commit()
	try:
		invoice = build_sales_invoice(posting)
		invoice.insert(ignore_permissions=True)
		invoice.submit()
		posting.db_set({"status": "Posted", "sales_invoice": invoice.name, "posted_at": now_datetime(), "error_message": None})
		frappe.db.sql(
			"UPDATE `tabPOS Transaction` SET sales_invoice = %s WHERE posting_document = %s", (invoice.name, posting.name)
		)
		frappe.db.commit()
	except Exception as error:
		frappe.db.rollback()
		message = _error_text(error)
		frappe.db.set_value(
			"POS Posting Document", name, {"status": "Error", "error_message": message}, update_modified=True
		)
		frappe.db.commit()
		frappe.clear_messages()
		return False
	from retail_suite.membership.erpnext_points import book_points_for_posting

	book_points_for_posting(posting.name)  # members' points, Loyalty Point Entries against the invoice
	alert_low_stock(posting)
	return True


def _error_text(error: Exception) -> str:
	messages = [frappe.utils.strip_html(str(m.get("message") if isinstance(m, dict) else m)) for m in _message_log()]
	return "\n".join(filter(None, [*messages, f"{type(error).__name__}: {error}"]))[:10000]


def _message_log() -> list:
	log = getattr(frappe.local, "message_log", None) or []
	parsed = []
	for entry in log:
		try:
			parsed.append(frappe.parse_json(entry) if isinstance(entry, str) else entry)
		except Exception:
			parsed.append(entry)
	return parsed


def build_sales_invoice(posting) -> Any:
	"""The Sales Invoice (or return invoice) of a posting document, not yet inserted."""
	store = frappe.get_cached_doc("Retail Store", posting.store)
	is_return = posting.kind == "Returns"
	sign = -1 if is_return else 1
	invoice = frappe.new_doc("Sales Invoice")
	invoice.update(
		{
			"company": store.company,
			"customer": walk_in_customer(store),
			"posting_date": posting.business_day,
			"posting_time": "23:59:59",
			"set_posting_time": 1,
			"due_date": posting.business_day,
			"is_pos": 1,
			"pos_profile": store.pos_profile,
			"update_stock": 1,
			"is_return": int(is_return),
			"set_warehouse": store.warehouse,
			"cost_center": store.cost_center,
			"selling_price_list": store.price_list or "Standard Selling",
			"ignore_pricing_rule": 1,
			"disable_rounded_total": 1,
			"retail_store": store.name,
			"retail_posting_document": posting.name,
			"remarks": _("POSDM {0}: {1} till transactions of store {2} on {3}").format(
				posting.kind.lower(), posting.transaction_count, store.name, posting.business_day
			),
		}
	)
	line_discounts = Decimal("0")
	for row in posting.items:
		warehouse = row.warehouse or store.warehouse
		pieces = rate_pieces(Decimal(str(row.qty)), Decimal(str(row.unit_price)), Decimal(str(row.net_amount)))
		if pieces is None:  # weighed goods: the discount goes on the invoice as a whole
			pieces = [(Decimal(str(row.qty)), Decimal(str(row.unit_price)))]
		else:
			line_discounts += Decimal(str(row.discount_amount))
		for batch_no, qty, rate in with_batches(_batches(row, warehouse, posting.business_day, is_return), pieces):
			invoice.append(
				"items",
				{
					"item_code": row.item_code,
					"qty": sign * qty,
					"uom": row.uom,
					"price_list_rate": flt(row.unit_price),
					"discount_amount": flt(Decimal(str(row.unit_price)) - rate),
					"rate": flt(rate),
					"warehouse": warehouse,
					"batch_no": batch_no,
					"use_serial_batch_fields": 1 if batch_no else 0,
					"item_tax_template": _tax_template(row.item_tax_template, store.company),
					"cost_center": store.cost_center,
				},
			)
	rest = Decimal(str(posting.discount_total)) - line_discounts
	if rest:
		invoice.apply_discount_on = "Net Total"
		invoice.discount_amount = sign * flt(rest)
	for account, amount in _tax_by_account(posting).items():
		invoice.append(
			"taxes",
			{
				"charge_type": "Actual",
				"account_head": account,
				"description": account,
				"tax_amount": sign * amount,
				"cost_center": store.cost_center,
			},
		)
	for row in posting.tenders:
		invoice.append(
			"payments",
			{"mode_of_payment": _mode_of_payment(row.mode_of_payment, store.company), "amount": sign * flt(row.amount)},
		)
	return invoice


def _batches(row, warehouse: str, business_day, is_return: bool) -> list[tuple[str | None, float]]:
	"""Batch-tracked goods the till sold without a batch are taken first-expiring-first-out (returns come
	back into the newest batch); the rest is posted as the till sent it."""
	qty = flt(row.qty)
	if row.batch_no or not frappe.get_cached_value("Item", row.item_code, "has_batch_no"):
		return [(row.batch_no, qty)]
	if is_return:
		newest = frappe.db.get_value("Batch", {"item": row.item_code, "disabled": 0}, "name", order_by="expiry_date desc")
		return [(newest, qty)]
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import get_auto_batch_nos

	picked = get_auto_batch_nos(
		frappe._dict(
			item_code=row.item_code,
			warehouse=warehouse,
			qty=qty,
			based_on="Expiry",
			posting_date=business_day,
			posting_time="23:59:59",
		)
	)
	rows = [(batch.batch_no, flt(batch.qty)) for batch in picked]
	short = qty - sum(batch_qty for _batch, batch_qty in rows)
	if short > 0:
		rows.append((None, short))  # not enough batch stock: ERPNext will say so, and the posting shows it
	return rows


def _tax_by_account(posting) -> dict[str, float]:
	"""Line taxes of the posting summed per tax account of their Item Tax Template."""
	by_account: dict[str, Decimal] = defaultdict(Decimal)
	for row in posting.items:
		if not flt(row.tax_amount):
			continue
		if not row.item_tax_template:
			frappe.throw(_("Item {0} carries tax without an Item Tax Template").format(row.item_code))
		template = _tax_template(row.item_tax_template, posting.company)
		accounts = frappe.get_all("Item Tax Template Detail", {"parent": template}, pluck="tax_type", order_by="idx")
		if not accounts:
			frappe.throw(_("Item Tax Template {0} names no tax account").format(row.item_tax_template))
		by_account[accounts[0]] += Decimal(str(row.tax_amount))
	return {account: float(amount) for account, amount in by_account.items()}


def _tax_template(name: str | None, company: str) -> str | None:
	"""Tills name the template by its title; ERPNext names it '<title> - <company abbr>'."""
	if not name or frappe.db.exists("Item Tax Template", name):
		return name
	found = frappe.db.get_value("Item Tax Template", {"title": name, "company": company})
	if not found:
		frappe.throw(_("No Item Tax Template {0} for company {1}").format(name, company))
	return found


def _mode_of_payment(mode: str, company: str) -> str:
	"""Exchange credit is an internal tender: a Mode of Payment on a clearing account, created on first use."""
	if mode != EXCHANGE_CREDIT or frappe.db.exists("Mode of Payment Account", {"parent": mode, "company": company}):
		return mode
	abbr = frappe.get_cached_value("Company", company, "abbr")
	account = f"Exchange Clearing - {abbr}"
	if not frappe.db.exists("Account", account):
		parent = frappe.db.get_value("Account", {"company": company, "account_type": "Cash", "is_group": 1}) or frappe.db.get_value(
			"Account", {"company": company, "root_type": "Asset", "is_group": 1, "parent_account": ["like", "%Current Assets%"]}
		)
		frappe.get_doc(
			{"doctype": "Account", "account_name": "Exchange Clearing", "parent_account": parent, "company": company, "account_type": "Cash"}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Mode of Payment", mode):
		frappe.get_doc({"doctype": "Mode of Payment", "mode_of_payment": mode, "type": "Cash"}).insert(ignore_permissions=True)
	document = frappe.get_doc("Mode of Payment", mode)
	document.append("accounts", {"company": company, "default_account": account})
	document.save(ignore_permissions=True)
	return mode


def walk_in_customer(store) -> str:
	"""The POS Profile's customer, else a Walk-in Customer created once."""
	if store.pos_profile:
		customer = frappe.get_cached_value("POS Profile", store.pos_profile, "customer")
		if customer:
			return customer
	return ensure_walk_in_customer()


def ensure_walk_in_customer() -> str:
	"""The Walk-in Customer (no member: no card number), created once."""
	if not frappe.db.exists("Customer", WALK_IN_CUSTOMER):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": WALK_IN_CUSTOMER,
				"customer_type": "Individual",
				"customer_group": frappe.db.get_single_value("Selling Settings", "customer_group")
				or frappe.db.get_value("Customer Group", {"is_group": 0}),
				"territory": frappe.db.get_single_value("Selling Settings", "territory")
				or frappe.db.get_value("Territory", {"is_group": 0}),
			}
		).insert(ignore_permissions=True)
	return WALK_IN_CUSTOMER


@frappe.whitelist()
def retry_posting(name: str) -> bool:
	"""Retry a posting document in Error (Retail Manager, System Manager)."""
	require_roles("Retail Manager", "System Manager")
	status = frappe.db.get_value("POS Posting Document", name, "status")
	if status != "Error":
		frappe.throw(_("Posting {0} is {1}; only postings in Error can be retried.").format(name, status))
	frappe.db.set_value("POS Posting Document", name, "status", "Pending")
	enqueue_posting(frappe.db.get_value("POS Posting Document", name, "store"))
	return True


# --------------------------------------------------------------------------- low stock


def alert_low_stock(posting) -> list[str]:
	"""After a sale posts: items whose projected quantity fell below the reorder level notify the store manager,
	at most once per item, store and day."""
	if posting.kind != "Sales":
		return []
	store = frappe.get_cached_doc("Retail Store", posting.store)
	items = sorted({row.item_code for row in posting.items})
	if not items:
		return []
	low = frappe.db.sql(
		"""
		SELECT bin.item_code, bin.projected_qty, reorder.warehouse_reorder_level
		FROM `tabBin` bin
		JOIN `tabItem Reorder` reorder ON reorder.parent = bin.item_code AND reorder.warehouse = bin.warehouse
		WHERE bin.warehouse = %(warehouse)s AND bin.item_code IN %(items)s
			AND bin.projected_qty < reorder.warehouse_reorder_level
		""",
		{"warehouse": store.warehouse, "items": items},
		as_dict=True,
	)
	cache = get_cache()
	alerted = []
	recipients = [store.store_manager] if store.store_manager else frappe.get_all(
		"Has Role", {"role": "Store Manager", "parenttype": "User"}, pluck="parent"
	)
	for row in low:
		if not cache.set_once(f"lowstock:{store.name}:{row.item_code}:{posting.business_day}", 1, 36 * 3600):
			continue
		alerted.append(row.item_code)
		description = _("Low stock in {0}: {1} is at {2}, below its reorder level {3}").format(
			store.store_name, row.item_code, flt(row.projected_qty), flt(row.warehouse_reorder_level)
		)
		for user in recipients:
			frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": user,
					"description": description,
					"reference_type": "Item",
					"reference_name": row.item_code,
					"priority": "High",
				}
			).insert(ignore_permissions=True)
			frappe.publish_realtime("retail_low_stock", {"store": store.name, "item_code": row.item_code, "message": description}, user=user)
	frappe.db.commit()
	return alerted


# --------------------------------------------------------------------------- capture ERPNext POS sales


def capture_invoice(doc, method: str | None = None) -> None:
	"""doc_events on_submit of POS Invoice and Sales Invoice: ERPNext's own POS sales enter the log."""
	if doc.doctype == "Sales Invoice" and (not doc.is_pos or doc.get("is_consolidated") or doc.get("retail_posting_document")):
		return
	store = frappe.db.get_value("Retail Store", {"pos_profile": doc.pos_profile}, ["name", "time_zone", "business_day_cutoff"], as_dict=True) if doc.get("pos_profile") else None
	if not store:
		return
	terminal = erpnext_pos_terminal(store.name)
	number = frappe.db.sql(
		"SELECT last_transaction_number FROM `tabPOS Terminal` WHERE name = %s FOR UPDATE", terminal
	)[0][0] + 1
	record = invoice_record(doc, store, terminal, number)
	results = ingest_records(get_database(), [record], source="ERPNext POS", erpnext_invoice=(doc.doctype, doc.name))
	if results[0].status == "rejected":
		frappe.log_error(f"POSDM could not capture {doc.doctype} {doc.name}", results[0].reason)


def cancel_invoice(doc, method: str | None = None) -> None:
	"""doc_events on_cancel: a cancelled ERPNext POS sale is voided in the log."""
	frappe.db.sql(
		"UPDATE `tabPOS Transaction` SET status = 'Voided', audit_messages = %s, modified = %s "
		"WHERE erpnext_invoice_type = %s AND erpnext_invoice = %s",
		(_("Cancelled in ERPNext as {0} {1}").format(doc.doctype, doc.name), now_datetime(), doc.doctype, doc.name),
	)


def erpnext_pos_terminal(store: str) -> str:
	"""The terminal that stands for ERPNext's POS page in a store (created on first use)."""
	name = f"{store}-{ERPNEXT_POS_TERMINAL_CODE}"
	if not frappe.db.exists("POS Terminal", name):
		frappe.get_doc(
			{"doctype": "POS Terminal", "store": store, "terminal_code": ERPNEXT_POS_TERMINAL_CODE, "device_id": f"ERPNEXT-POS-{store}"}
		).insert(ignore_permissions=True)
	return name


def invoice_record(doc, store, terminal: str, number: int) -> dict[str, Any]:
	"""An ERPNext POS Invoice or POS Sales Invoice as a transaction-log record."""
	from retail_suite.stores.calendar import StoreCalendar, parse_time

	moment: datetime = get_datetime(f"{doc.posting_date} {doc.posting_time}")
	calendar = StoreCalendar(store.time_zone or "UTC", parse_time(store.business_day_cutoff) or datetime.min.time())
	business_day: date = calendar.business_day(moment)
	is_return = bool(doc.is_return)
	tax_total = Decimal(str(abs(flt(doc.total_taxes_and_charges))))
	net_total = Decimal(str(abs(flt(doc.net_total))))
	lines = []
	allocated = Decimal("0")
	for position, item in enumerate(doc.items, 1):
		qty = abs(flt(item.qty))
		amount = Decimal(str(abs(flt(item.amount))))
		net = Decimal(str(abs(flt(item.net_amount))))
		if position == len(doc.items):
			tax = tax_total - allocated
		else:
			tax = (tax_total * net / net_total).quantize(Decimal("0.01")) if net_total else Decimal("0")
			allocated += tax
		lines.append(
			{
				"line_id": position,
				"item_code": item.item_code,
				"scanned_code": item.get("barcode") or None,
				"qty": Decimal(str(qty)),
				"uom": item.uom,
				"unit_price": Decimal(str(abs(flt(item.rate)))),
				"discount": max(amount - net, Decimal("0")),
				"batch_no": item.get("batch_no") or None,
				"tax_template": item.item_tax_template or None,
				"tax": tax,
			}
		)
	tenders = []
	for payment in doc.payments:
		amount = Decimal(str(abs(flt(payment.amount))))
		if not amount:
			continue
		kind = frappe.get_cached_value("Mode of Payment", payment.mode_of_payment, "type")
		tenders.append(
			{
				"type": {"Cash": "cash", "Bank": "card", "Phone": "mobile_wallet"}.get(kind, "card"),
				"amount": amount,
				"mode_of_payment": payment.mode_of_payment,
			}
		)
	change = Decimal(str(abs(flt(doc.change_amount))))
	if change:
		cash = next((t for t in tenders if t["type"] == "cash"), None)
		if cash:
			cash["change"] = change
	grand = Decimal(str(abs(flt(doc.grand_total))))
	record: dict[str, Any] = {
		"terminal": terminal,
		"business_day": business_day.isoformat(),
		"transaction_number": number,
		"offline_id": f"{doc.doctype}:{doc.name}",
		"type": "return" if is_return else "sale",
		"ended_at": moment.isoformat(),
		"cashier": doc.owner,
		"member": doc.customer if frappe.db.get_value("Customer", doc.customer, "retail_card_number") else None,
		"currency": doc.currency,
		"lines": lines,
		"tenders": tenders,
		"totals": {"grand": -grand if is_return else grand},
	}
	if doc.get("sales_team"):
		record["sales_person"] = doc.sales_team[0].sales_person
	if is_return and doc.return_against:
		original = frappe.db.get_value(
			"POS Transaction", {"erpnext_invoice_type": doc.doctype, "erpnext_invoice": doc.return_against},
			["terminal", "business_day", "transaction_number"], as_dict=True,
		)
		if original:
			record["original"] = {
				"terminal": original.terminal,
				"business_day": str(original.business_day),
				"transaction_number": original.transaction_number,
			}
	return record


# --------------------------------------------------------------------------- store-day close


@frappe.whitelist()
def refresh_store_day(name: str) -> dict[str, Any]:
	"""Fill a Store Day's expected amounts and blockers from the log."""
	day = frappe.get_doc("Store Day", name)
	day.check_permission("write")
	_fill_expected(day)
	day.save()
	return day.as_dict()


def _fill_expected(day) -> None:
	db = get_database()
	expected = expected_tenders(db, day.store, getdate(day.business_day))
	counted = {row.mode_of_payment: row.counted_amount for row in day.tenders}
	day.set("tenders", [])
	for mode, amount in expected.items():
		day.append("tenders", {"mode_of_payment": mode, "expected_amount": float(amount), "counted_amount": counted.get(mode, 0)})
	found = blockers(db, day.store, getdate(day.business_day))
	day.open_errors, day.open_gaps = found.errors, found.open_gaps
	day.transactions = frappe.db.count("POS Transaction", {"store": day.store, "business_day": day.business_day})


@frappe.whitelist()
def close_store_day(name: str) -> str | None:
	"""Close a store day: refused while it has errors or open gaps; the variance becomes a Journal Entry."""
	day = frappe.get_doc("Store Day", name)
	day.check_permission("write")
	if day.status == "Closed":
		frappe.throw(_("Store Day {0} is already closed.").format(name))
	counted = {row.mode_of_payment: row.counted_amount for row in day.tenders}
	_fill_expected(day)
	for row in day.tenders:
		row.counted_amount = counted.get(row.mode_of_payment, 0)
	found = blockers(get_database(), day.store, getdate(day.business_day))
	if found.blocking:
		frappe.throw(_(found.message(day.store, day.business_day)) + ". " + _("Fix the errors and acknowledge the gaps first."), title=_("Cannot close"))
	day.compute_variances()
	journal = _variance_journal(day) if flt(day.total_variance) or any(flt(row.variance) for row in day.tenders) else None
	day.flags.closing = True
	day.status = "Closed"
	day.journal_entry = journal
	day.closed_by = frappe.session.user
	day.closed_at = now_datetime()
	day.save()
	return journal


def _variance_journal(day) -> str:
	store = frappe.get_cached_doc("Retail Store", day.store)
	if not store.cash_over_short_account:
		frappe.throw(
			_("Store {0} has no Cash Over / Short Account: set it on the store before closing a day with a variance.").format(store.name)
		)
	accounts = []
	for row in day.tenders:
		variance = flt(row.variance)
		if not variance:
			continue
		tender_account = frappe.db.get_value(
			"Mode of Payment Account", {"parent": row.mode_of_payment, "company": store.company}, "default_account"
		)
		if not tender_account:
			frappe.throw(_("Mode of Payment {0} has no account for company {1}").format(row.mode_of_payment, store.company))
		common = {"cost_center": store.cost_center, "retail_store": store.name}
		accounts.append({"account": tender_account, "debit_in_account_currency": max(variance, 0), "credit_in_account_currency": max(-variance, 0), **common})
		accounts.append({"account": store.cash_over_short_account, "debit_in_account_currency": max(-variance, 0), "credit_in_account_currency": max(variance, 0), **common})
	journal = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"voucher_type": "Journal Entry",
			"company": store.company,
			"posting_date": day.business_day,
			"user_remark": _("Cash-up variance of store {0} on {1}").format(store.name, day.business_day),
			"accounts": accounts,
		}
	)
	journal.insert(ignore_permissions=True)
	journal.submit()
	return journal.name


@frappe.whitelist()
def reopen_store_day(name: str, reason: str) -> None:
	"""Reopen a closed day (Retail Manager only): the variance Journal Entry is cancelled."""
	require_roles("Retail Manager", "System Manager")
	if not (reason or "").strip():
		frappe.throw(_("Give the reason for reopening {0}.").format(name))
	day = frappe.get_doc("Store Day", name)
	if day.status != "Closed":
		frappe.throw(_("Store Day {0} is not closed.").format(name))
	if day.journal_entry:
		journal = frappe.get_doc("Journal Entry", day.journal_entry)
		if journal.docstatus == 1:
			journal.cancel()
	day.flags.closing = True
	day.update({"status": "Reopened", "journal_entry": None, "reopened_by": frappe.session.user, "reopened_at": now_datetime(), "reopen_reason": reason})
	day.save()
