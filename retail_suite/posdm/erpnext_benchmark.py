"""Live-site benchmark of POSDM against ERPNext's own POS path (Frappe shell).

    bench --site S execute retail_suite.posdm.erpnext_benchmark.run --kwargs "{'transactions': 5000, 'erpnext_sample': 100}"

POSDM: `transactions` sales of one store-day (5 lines, 1–2 tenders) go through ingest →
audit → aggregation → submitted Sales Invoice(s). ERPNext: `erpnext_sample` of the same
sales as POS Invoices, then a POS Closing Entry that consolidates them; its time per
transaction is scaled to `transactions`. Both use the store's non-batch stock items,
restocked first so neither path runs out. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import frappe
from frappe.utils import add_days, flt, getdate, now_datetime, nowdate

from retail_suite.benchmarks import synthetic_sales
from retail_suite.db import get_database
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.erpnext import post_pending
from retail_suite.posdm.ingest import batches, ingest_records
from retail_suite.posdm.posting import aggregate_store_day


@dataclass
class _Item:
	code: str
	price: float
	barcode: str | None
	department: str = "grocery"


@dataclass
class _Chain:
	items: list[_Item]


def _items(store) -> list[_Item]:
	"""Priced, untaxed, non-batch stock items of the store's price list."""
	taxed = set(frappe.get_all("Item Tax", {"parenttype": "Item"}, pluck="parent"))
	prices = frappe.get_all(
		"Item Price", {"price_list": store.price_list or "Standard Selling", "selling": 1}, ["item_code", "price_list_rate"]
	)
	sellable = set(
		frappe.get_all(
			"Item",
			{"is_stock_item": 1, "has_batch_no": 0, "has_serial_no": 0, "disabled": 0, "has_variants": 0},
			pluck="name",
		)
	)
	barcodes = {row.parent: row.barcode for row in frappe.get_all("Item Barcode", ["parent", "barcode"])}
	return [
		_Item(row.item_code, flt(row.price_list_rate), barcodes.get(row.item_code))
		for row in sorted(prices, key=lambda row: row.item_code)
		if row.item_code in sellable and row.item_code not in taxed
	][:400]


def _restock(store, items: list[_Item], qty: float) -> None:
	from retail_suite.demo.erpnext import opening_stock_date

	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": store.company,
			"posting_date": opening_stock_date(store.company),
			"set_posting_time": 1,
			"items": [{"item_code": i.code, "qty": qty, "t_warehouse": store.warehouse, "basic_rate": max(i.price * 0.6, 0.01)} for i in items],
		}
	)
	entry.insert(ignore_permissions=True)
	entry.submit()
	frappe.db.commit()


def run(transactions: int = 5000, erpnext_sample: int = 100, store: str | None = None) -> str:
	store_doc = frappe.get_doc("Retail Store", store or frappe.get_all("Retail Store", pluck="name", order_by="name")[0])
	items = _items(store_doc)
	if len(items) < 20:
		frappe.throw("the store needs at least 20 priced, untaxed, non-batch stock items: run bench retail-demo first")
	terminal = frappe.get_all("POS Terminal", {"store": store_doc.name, "terminal_code": ["!=", "ERP"]}, pluck="name", order_by="name")[0]
	sold_per_item = transactions * 5 / len(items) + erpnext_sample * 5 / len(items) + 50
	_restock(store_doc, items, round(sold_per_item * 2))
	business_day = add_days(nowdate(), -1)
	start = 1 + (frappe.db.get_value("POS Terminal", terminal, "last_transaction_number") or 0)
	records = list(synthetic_sales(_Chain(items), transactions, terminal, str(business_day), start_number=start))
	db = get_database()

	timings = {}
	started = time.perf_counter()
	for batch in batches(records):
		ingest_records(db, batch, source="External API")
		frappe.db.commit()
	timings["ingest"] = time.perf_counter() - started
	mark = time.perf_counter()
	run_audit(db, store=store_doc.name, business_day=getdate(business_day))
	frappe.db.commit()
	timings["audit"] = time.perf_counter() - mark
	mark = time.perf_counter()
	postings = aggregate_store_day(db, store_doc.name, getdate(business_day))
	frappe.db.commit()
	timings["aggregate"] = time.perf_counter() - mark
	lines = frappe.db.count("POS Posting Item", {"parent": ["in", postings]})
	mark = time.perf_counter()
	outcome = post_pending(store_doc.name)
	timings["post"] = time.perf_counter() - mark
	posdm_total = time.perf_counter() - started

	invoices_seconds, closing_seconds = _erpnext_path(store_doc, records[:erpnext_sample], business_day)
	erpnext_seconds = invoices_seconds + closing_seconds
	# POS Invoices grow with the sales; the closing's consolidated invoice grows with distinct lines, which a
	# bigger day shares: scale the first, keep the second as measured (the conservative choice for us)
	erpnext_scaled = invoices_seconds / erpnext_sample * transactions + closing_seconds
	table = [
		"| Live site: one store-day | Transactions | Seconds | Per transaction | Notes |",
		"| --- | ---: | ---: | ---: | --- |",
		f"| POSDM ingest → audit → aggregation → submitted Sales Invoice | {transactions:,} | {posdm_total:,.1f} | "
		f"{posdm_total / transactions * 1000:,.1f} ms | ingest {timings['ingest']:.1f} s, audit {timings['audit']:.1f} s, "
		f"aggregation {timings['aggregate']:.1f} s, posting {timings['post']:.1f} s for {lines:,} invoice lines "
		f"({timings['post'] / max(lines, 1) * 1000:,.0f} ms per posted line); postings {outcome} |",
		f"| ERPNext: POS Invoice per sale + POS Closing Entry | {erpnext_sample:,} measured | {erpnext_seconds:,.1f} | "
		f"{erpnext_seconds / erpnext_sample * 1000:,.1f} ms | POS Invoices {invoices_seconds:,.1f} s "
		f"({invoices_seconds / erpnext_sample * 1000:,.0f} ms each), POS Closing Entry {closing_seconds:,.1f} s; "
		f"scaled to {transactions:,} (invoices × {transactions / erpnext_sample:,.0f}, closing as measured): "
		f"{erpnext_scaled:,.0f} s |",
		f"| Speed-up | | | **{erpnext_scaled / posdm_total:,.1f}×** | target ≥ 8× |",
	]
	text = "\n".join(table)
	print(text)
	return text


def _erpnext_path(store, records: list[dict], business_day) -> tuple[float, float]:
	"""The same sales as POS Invoices (each inserted and submitted), then a POS Closing Entry that consolidates them."""
	from erpnext.accounts.doctype.pos_closing_entry.pos_closing_entry import make_closing_entry_from_opening

	customer = frappe.get_cached_value("POS Profile", store.pos_profile, "customer") or frappe.db.get_value(
		"Customer", {"customer_name": "Walk-in Customer"}
	)
	from retail_suite.posdm.erpnext import walk_in_customer

	customer = customer or walk_in_customer(store)
	started = time.perf_counter()
	opening = frappe.get_doc(
		{
			"doctype": "POS Opening Entry",
			"company": store.company,
			"pos_profile": store.pos_profile,
			"user": frappe.session.user,
			"period_start_date": now_datetime() - timedelta(minutes=1),
			"posting_date": nowdate(),
			"balance_details": [{"mode_of_payment": "Cash", "opening_amount": 0}],
		}
	)
	opening.submit()
	for record in records:
		total = sum(flt(line["unit_price"]) for line in record["lines"])
		invoice = frappe.get_doc(
			{
				"doctype": "POS Invoice",
				"company": store.company,
				"pos_profile": store.pos_profile,
				"customer": customer,
				"update_stock": 1,
				"items": [
					{"item_code": line["item_code"], "qty": 1, "rate": flt(line["unit_price"]), "warehouse": store.warehouse}
					for line in record["lines"]
				],
				"payments": [{"mode_of_payment": "Cash", "amount": total, "default": 1}],
			}
		)
		invoice.set_missing_values()
		invoice.calculate_taxes_and_totals()
		invoice.payments[0].amount = invoice.rounded_total or invoice.grand_total
		invoice.insert()
		invoice.submit()
	frappe.db.commit()
	invoices_done = time.perf_counter()
	closing = make_closing_entry_from_opening(opening)
	closing.insert()
	frappe.flags.in_test = True  # ERPNext merges 10+ invoices in a background job; run it inline to time it
	try:
		closing.submit()
	finally:
		frappe.flags.in_test = False
	frappe.db.commit()
	return invoices_done - started, time.perf_counter() - invoices_done
