# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: POSDM from ingest to submitted ERPNext documents, with the ledgers checked against the log."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from retail_suite.db import get_database
from retail_suite.demo.traffic import TrafficConfig, generate_traffic
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.erpnext import alert_low_stock, post_pending
from retail_suite.posdm.ingest import ingest_records
from retail_suite.posdm.posting import aggregate_all, log_totals
from retail_suite.tests.utils import demo_chain, reset_posdm, restock


def day_of_traffic(chain, offset_days: int, per_terminal: int = 12):
	"""One business day of generated till traffic, moved to a date in the current fiscal year."""
	traffic = generate_traffic(
		chain,
		days=1,
		seed=chain.config.seed + offset_days,
		config=TrafficConfig(
			transactions_per_terminal_day=per_terminal,
			faults=False,
			void_rate=0.05,
			return_rate=0.08,
			exchange_rate=0.05,
		),
	)
	business_day = frappe.utils.getdate() - timedelta(days=offset_days)
	records = traffic.records()
	shift = (business_day - chain.config.start_date).days
	for record in records:
		record["business_day"] = business_day.isoformat()
		for key in ("started_at", "ended_at"):
			if record.get(key):
				moment = frappe.utils.get_datetime(record[key]) + timedelta(days=shift)
				record[key] = moment.isoformat()
		record["transaction_number"] += 100000 * offset_days
		if record.get("original"):
			record["original"]["business_day"] = business_day.isoformat()
			record["original"]["transaction_number"] += 100000 * offset_days
	return business_day, records


class TestPOSDMPosting(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		restock(demo_chain())
		reset_posdm()

	def test_store_day_posts_as_sales_invoices_matching_the_log(self) -> None:
		chain = demo_chain()
		store = chain.stores[0].code
		business_day, records = day_of_traffic(chain, offset_days=3)
		db = get_database()
		results = ingest_records(db, records, source="Offline Till")
		self.assertTrue(
			all(r.status == "accepted" for r in results), [r for r in results if r.status != "accepted"][:3]
		)
		summary = run_audit(db, store=store)
		self.assertEqual(summary.errors, 0, summary.findings)
		created = aggregate_all(db, store)
		self.assertTrue(created)
		expected = log_totals(db, store, business_day)
		# one sold grocery item gets a reorder level it is sure to be under after the sale: the store manager
		# must hear of it once
		sold = next(
			code for code, _warehouse in expected["qty"] if frappe.db.exists("Item Reorder", {"parent": code})
		)
		frappe.db.set_value("Item Reorder", {"parent": sold}, "warehouse_reorder_level", 10**6)
		frappe.db.set_value("Retail Store", store, "store_manager", "Administrator")
		frappe.clear_document_cache("Retail Store", store)
		frappe.db.delete("ToDo", {"reference_type": "Item", "reference_name": sold})
		from retail_suite.db.cache import get_cache

		get_cache().delete(f"lowstock:{store}:{sold}:{business_day}")
		frappe.db.commit()

		outcome = post_pending(store)
		self.assertEqual(
			outcome["failed"],
			0,
			frappe.get_all("POS Posting Document", {"status": "Error"}, ["name", "error_message"]),
		)
		postings = frappe.get_all(
			"POS Posting Document",
			{"store": store, "business_day": business_day},
			["name", "kind", "status", "sales_invoice"],
		)
		self.assertTrue(postings)
		invoices = [p.sales_invoice for p in postings]
		for posting in postings:
			self.assertEqual(posting.status, "Posted")
			self.assertEqual(frappe.db.get_value("Sales Invoice", posting.sales_invoice, "docstatus"), 1)
		# posting twice is impossible
		self.assertEqual(post_pending(store), {"posted": 0, "failed": 0})
		alerts = frappe.get_all(
			"ToDo",
			{"reference_type": "Item", "reference_name": sold, "allocated_to": "Administrator"},
			pluck="description",
		)
		self.assertEqual(len(alerts), 1, alerts)
		self.assertIn("below its reorder level", alerts[0])
		sales_posting = frappe.get_doc(
			"POS Posting Document", next(p.name for p in postings if p.kind == "Sales")
		)
		self.assertEqual(alert_low_stock(sales_posting), [])  # once per item, store and day

		gl = frappe.db.sql(
			"select account, sum(debit) debit, sum(credit) credit from `tabGL Entry` where voucher_type='Sales Invoice' "
			"and voucher_no in %(invoices)s and is_cancelled=0 group by account",
			{"invoices": invoices},
			as_dict=True,
		)
		self.assertAlmostEqual(sum(flt(r.debit) for r in gl), sum(flt(r.credit) for r in gl), places=2)
		by_account = {r.account: flt(r.credit) - flt(r.debit) for r in gl}
		company = frappe.db.get_value("Retail Store", store, "company")
		income = frappe.get_cached_value("Company", company, "default_income_account")
		tax_account = frappe.db.get_value("Account", {"company": company, "account_name": "US Sales Tax"})
		self.assertAlmostEqual(by_account.get(income, 0), float(expected["net"]), places=2)
		self.assertAlmostEqual(by_account.get(tax_account, 0), float(expected["tax"]), places=2)
		cash_account = frappe.db.get_value(
			"Mode of Payment Account", {"parent": "Cash", "company": company}, "default_account"
		)
		self.assertAlmostEqual(
			-by_account.get(cash_account, 0), float(expected["tenders"].get("Cash", 0)), places=2
		)
		cogs = frappe.get_cached_value("Company", company, "default_expense_account")
		self.assertGreater(-by_account.get(cogs, 0), 0)  # cost of goods sold was booked by ERPNext

		warehouse = frappe.db.get_value("Retail Store", store, "warehouse")
		moved = defaultdict(Decimal)
		for row in frappe.db.sql(
			"select item_code, sum(actual_qty) qty from `tabStock Ledger Entry` where voucher_type='Sales Invoice' "
			"and voucher_no in %(invoices)s and is_cancelled=0 group by item_code",
			{"invoices": invoices},
			as_dict=True,
		):
			moved[(row.item_code, warehouse)] = -Decimal(str(row.qty))
		self.assertEqual(
			{k: v for k, v in moved.items() if v}, {k: Decimal(str(v)) for k, v in expected["qty"].items()}
		)

	def test_posting_error_is_recorded_and_retried(self) -> None:
		chain = demo_chain()
		store = chain.stores[0].code
		business_day, records = day_of_traffic(chain, offset_days=5, per_terminal=3)
		db = get_database()
		ingest_records(db, records, source="Offline Till")
		run_audit(db, store=store)
		created = aggregate_all(db, store)
		frappe.db.commit()
		# take the card settlement account away from the company: ERPNext refuses the invoice and says why
		company = frappe.db.get_value("Retail Store", store, "company")
		accounts = frappe.get_all(
			"Mode of Payment Account",
			{"parent": "Credit Card", "company": company},
			["name", "default_account"],
		)
		frappe.db.set_value("Mode of Payment Account", accounts[0].name, "default_account", None)
		frappe.db.commit()
		try:
			outcome = post_pending(store)
		finally:
			frappe.db.set_value(
				"Mode of Payment Account", accounts[0].name, "default_account", accounts[0].default_account
			)
			frappe.db.commit()
		self.assertGreater(outcome["failed"], 0)
		failed = frappe.get_all(
			"POS Posting Document", {"name": ["in", created], "status": "Error"}, ["name", "error_message"]
		)
		self.assertTrue(failed and all(row.error_message for row in failed))
		self.assertIn("Credit Card", failed[0].error_message)
		# nothing half-done: no draft invoice left behind, no link on the posting
		self.assertFalse(
			frappe.db.exists("Sales Invoice", {"retail_posting_document": failed[0].name, "docstatus": 0})
		)
		self.assertIsNone(frappe.db.get_value("POS Posting Document", failed[0].name, "sales_invoice"))
		for row in failed:
			frappe.db.set_value("POS Posting Document", row.name, "status", "Pending")
		frappe.db.commit()
		self.assertEqual(post_pending(store)["failed"], 0)
