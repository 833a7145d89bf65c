# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: store-day close posts the counted variance; blocked by errors; reopened only by a Retail Manager."""

from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from retail_suite.db import get_database
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.doctype.pos_posting_document.test_pos_posting_document import day_of_traffic
from retail_suite.posdm.erpnext import close_store_day, reopen_store_day
from retail_suite.posdm.ingest import ingest_records
from retail_suite.posdm.store_day import expected_tenders
from retail_suite.tests.utils import demo_chain, make_user, reset_posdm


class TestStoreDay(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		demo_chain()
		reset_posdm()

	def tearDown(self) -> None:
		frappe.set_user("Administrator")

	def test_close_posts_variance_and_reopen_cancels_it(self) -> None:
		chain = demo_chain()
		store = chain.stores[0].code
		business_day, records = day_of_traffic(chain, offset_days=7, per_terminal=6)
		db = get_database()
		ingest_records(db, records, source="Offline Till")
		run_audit(db, store=store)
		expected = expected_tenders(db, store, business_day)
		day = frappe.get_doc({"doctype": "Store Day", "store": store, "business_day": business_day})
		for mode, amount in expected.items():
			counted = amount - Decimal("2.35") if mode == "Cash" else amount
			day.append("tenders", {"mode_of_payment": mode, "counted_amount": float(counted)})
		day.insert()
		journal = close_store_day(day.name)
		day.reload()
		self.assertEqual(day.status, "Closed")
		self.assertAlmostEqual(day.total_variance, -2.35, places=2)
		over_short = frappe.db.get_value("Retail Store", store, "cash_over_short_account")
		gl = frappe.db.sql(
			"select account, debit, credit from `tabGL Entry` where voucher_no=%s and is_cancelled=0",
			journal,
			as_dict=True,
		)
		self.assertIn((over_short, 2.35, 0.0), [(r.account, float(r.debit), float(r.credit)) for r in gl])

		manager = make_user("store-day-manager@example.com", ["Store Manager"])
		frappe.set_user(manager)
		with self.assertRaises(frappe.PermissionError):
			reopen_store_day(day.name, "recount")
		frappe.set_user("Administrator")
		reopen_store_day(day.name, "recount after the safe was opened")
		self.assertEqual(frappe.db.get_value("Journal Entry", journal, "docstatus"), 2)
		self.assertEqual(frappe.db.get_value("Store Day", day.name, "status"), "Reopened")

	def test_close_is_refused_with_a_transaction_in_error(self) -> None:
		chain = demo_chain()
		store = chain.stores[0].code
		business_day, records = day_of_traffic(chain, offset_days=9, per_terminal=4)
		bad = next(r for r in records if r["type"] == "sale")
		bad["totals"]["grand"] = bad["totals"]["grand"] + Decimal("1.00")
		db = get_database()
		ingest_records(db, records, source="Offline Till")
		run_audit(db, store=store)
		day = frappe.get_doc({"doctype": "Store Day", "store": store, "business_day": business_day}).insert()
		with self.assertRaisesRegex(frappe.ValidationError, "in Error"):
			close_store_day(day.name)
		self.assertEqual(frappe.db.get_value("Store Day", day.name, "status"), "Open")
