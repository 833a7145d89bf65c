# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: the ingest API's permissions and limits, and capture of ERPNext's own POS sales."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from retail_suite.db import get_database
from retail_suite.posdm.api import ingest_body
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.posting import aggregate_all
from retail_suite.tests.utils import demo_chain, make_user, reset_posdm


def sale(terminal: str, number: int, item, day: str) -> dict:
	price = item.price
	return {
		"terminal": terminal,
		"business_day": day,
		"transaction_number": number,
		"type": "sale",
		"ended_at": f"{day}T12:00:00",
		"lines": [{"line_id": 1, "item_code": item.code, "qty": 1, "unit_price": price}],
		"tenders": [{"type": "card", "amount": price}],
		"totals": {"grand": price},
	}


class TestIngestAPI(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		demo_chain()
		reset_posdm()

	def setUp(self) -> None:
		self.chain = demo_chain()
		self.store = self.chain.stores[0]
		self.item = next(item for item in self.chain.items if item.department == "grocery")
		self.day = frappe.utils.today()

	def tearDown(self) -> None:
		frappe.set_user("Administrator")

	def test_cashier_cannot_ingest_or_read_ledgers(self) -> None:
		cashier = make_user("posdm-cashier@example.com", ["Retail Cashier"])
		frappe.set_user(cashier)
		body = json.dumps([sale(self.store.terminals[0], 900001, self.item, self.day)]).encode()
		with self.assertRaises(frappe.PermissionError):
			ingest_body(body)
		for ledger in (
			"GL Entry",
			"Stock Ledger Entry",
			"POS Posting Document",
			"POS Transaction",
			"Journal Entry",
		):
			self.assertFalse(frappe.has_permission(ledger, "read"), ledger)
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("POS Transaction", {"transaction_number": 900001}))

	def test_terminal_user_sends_only_for_its_own_terminal(self) -> None:
		till = make_user("till-s001-t01@example.com", ["Retail Terminal"])
		own, other = self.store.terminals[0], self.store.terminals[1]
		frappe.db.set_value("POS Terminal", own, "terminal_user", till)
		frappe.set_user(till)
		body = json.dumps(
			[sale(own, 900002, self.item, self.day), sale(other, 900003, self.item, self.day)]
		).encode()
		answer = ingest_body(body)
		self.assertEqual([r["status"] for r in answer["results"]], ["accepted", "rejected"])
		self.assertIn("only its own", answer["results"][1]["reason"])
		again = ingest_body(body)
		self.assertEqual(
			again["results"][0], {"index": 0, "status": "duplicate", "name": answer["results"][0]["name"]}
		)

	def test_monitor_lists_the_log_without_filters_and_keeps_cashiers_out(self) -> None:
		from retail_suite.posdm.api import monitor

		ingest_body(json.dumps([sale(self.store.terminals[0], 900010, self.item, self.day)]).encode())
		data = monitor()
		rows = [
			row
			for row in data["log"]
			if row["terminal"] == self.store.terminals[0] and str(row["business_day"]) == self.day
		]
		self.assertTrue(rows and rows[0]["received"] >= 1)
		self.assertIsInstance(data["postings"], list)
		frappe.set_user(make_user("monitor-cashier@example.com", ["Retail Cashier"]))
		with self.assertRaises(frappe.PermissionError):
			monitor()

	def test_malformed_and_oversized_bodies_write_nothing(self) -> None:
		before = frappe.db.count("POS Transaction")
		for body in (b"{not json", b'{"transactions": 5}', b"x" * 1_600_000):
			with self.assertRaises(frappe.ValidationError):
				ingest_body(body)
		self.assertEqual(frappe.db.count("POS Transaction"), before)


class TestCaptureERPNextPOS(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		demo_chain()
		reset_posdm()

	def test_pos_invoice_enters_the_log_once_and_is_not_posted_again(self) -> None:
		chain = demo_chain()
		store = frappe.get_doc("Retail Store", chain.stores[0].code)
		item = next(item for item in chain.items if item.department == "grocery")
		if not frappe.db.exists(
			"POS Opening Entry", {"pos_profile": store.pos_profile, "status": "Open", "docstatus": 1}
		):
			frappe.get_doc(
				{
					"doctype": "POS Opening Entry",
					"company": store.company,
					"pos_profile": store.pos_profile,
					"user": frappe.session.user,
					"period_start_date": frappe.utils.now_datetime(),
					"posting_date": frappe.utils.today(),
					"balance_details": [{"mode_of_payment": "Cash", "opening_amount": 100}],
				}
			).submit()
		invoice = frappe.get_doc(
			{
				"doctype": "POS Invoice",
				"company": store.company,
				"pos_profile": store.pos_profile,
				"customer": frappe.db.get_value(
					"Customer", {"retail_card_number": chain.members[0].card_number}
				),
				"posting_date": frappe.utils.today(),
				"update_stock": 1,
				"items": [
					{"item_code": item.code, "qty": 2, "rate": item.price, "warehouse": store.warehouse}
				],
				"payments": [{"mode_of_payment": "Cash", "amount": round(2 * item.price, 2), "default": 1}],
			}
		)
		invoice.insert()
		invoice.submit()
		logged = frappe.get_all(
			"POS Transaction",
			{"erpnext_invoice_type": "POS Invoice", "erpnext_invoice": invoice.name},
			["name", "source", "grand_total", "member"],
		)
		self.assertEqual(len(logged), 1)
		self.assertEqual(logged[0].source, "ERPNext POS")
		self.assertAlmostEqual(float(logged[0].grand_total), float(invoice.grand_total), places=2)
		self.assertEqual(logged[0].member, invoice.customer)
		db = get_database()
		run_audit(db, store=store.name)
		aggregate_all(db, store.name)
		row = frappe.db.get_value(
			"POS Transaction", logged[0].name, ["status", "posting_document"], as_dict=True
		)
		self.assertEqual(row.status, "Posted")  # ERPNext posted it; POSDM never posts it again
		self.assertIsNone(row.posting_document)
		invoice.cancel()
		self.assertEqual(frappe.db.get_value("POS Transaction", logged[0].name, "status"), "Voided")
