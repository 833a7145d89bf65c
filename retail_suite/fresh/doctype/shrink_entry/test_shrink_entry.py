# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: waste recorded per batch and reason posts an ERPNext Stock Entry (Material Issue) whose GL
debits the reason's waste account; cancelling reverses it; wrong lines are refused; a blocked (disabled)
batch can still be withdrawn; a cashier records waste but cannot post it."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt, nowdate

from retail_suite.fresh.erpnext import ensure_shrink_accounts
from retail_suite.tests.utils import demo_chain, make_user, restock


class TestShrinkEntry(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		cls.chain = demo_chain()
		restock(cls.chain, qty=20)
		cls.store = cls.chain.stores[0].code
		cls.company = cls.chain.config.company
		cls.accounts = ensure_shrink_accounts(cls.company)
		cls.fresh = next(item for item in cls.chain.items if item.is_fresh)
		cls.plain = next(item for item in cls.chain.items if not item.is_fresh and not item.style)
		cls.batch = frappe.get_all("Batch", {"item": cls.fresh.code}, pluck="name", order_by="expiry_date desc")[0]
		frappe.db.commit()

	def entry(self, lines: list[dict], **fields) -> frappe.model.document.Document:
		return frappe.get_doc(
			{"doctype": "Shrink Entry", "store": self.store, "posting_date": nowdate(), "lines": lines, **fields}
		)

	def test_waste_posts_a_stock_entry_to_the_reason_account(self) -> None:
		doc = self.entry(
			[
				{"item_code": self.fresh.code, "batch_no": self.batch, "qty": 2, "reason": "Damaged"},
				{"item_code": self.plain.code, "qty": 1, "reason": "Theft"},
			]
		).insert(ignore_permissions=True)
		self.assertEqual([row.expense_account for row in doc.lines], [self.accounts["Damaged"], self.accounts["Theft"]])
		self.assertGreater(doc.total_value, 0)
		doc.submit()
		doc.reload()
		self.assertEqual(doc.posting_status, "Posted")
		entry = frappe.get_doc("Stock Entry", doc.stock_entry)
		self.assertEqual((entry.docstatus, entry.purpose), (1, "Material Issue"))
		self.assertEqual(
			[(row.item_code, row.batch_no or None, flt(row.qty), row.expense_account) for row in entry.items],
			[(self.fresh.code, self.batch, 2.0, self.accounts["Damaged"]), (self.plain.code, None, 1.0, self.accounts["Theft"])],
		)
		gl = frappe.get_all(
			"GL Entry",
			{"voucher_type": "Stock Entry", "voucher_no": entry.name, "is_cancelled": 0},
			["account", "debit", "credit"],
		)
		debits = {row.account: flt(row.debit) for row in gl if row.debit}
		self.assertEqual(set(debits), {self.accounts["Damaged"], self.accounts["Theft"]})
		value = {row.item_code: flt(row.amount) for row in entry.items}
		self.assertAlmostEqual(debits[self.accounts["Damaged"]], value[self.fresh.code], places=2)
		self.assertAlmostEqual(sum(debits.values()), sum(flt(row.credit) for row in gl), places=2)
		ledger = frappe.get_all(
			"Stock Ledger Entry", {"voucher_no": entry.name, "is_cancelled": 0}, ["item_code", "actual_qty"]
		)
		self.assertEqual(sorted((row.item_code, flt(row.actual_qty)) for row in ledger), sorted([(self.fresh.code, -2.0), (self.plain.code, -1.0)]))

		# the loss-rate report counts the waste at cost, per reason
		from retail_suite.fresh.report.fresh_loss_rate.fresh_loss_rate import execute

		_columns, rows, _message, chart, summary = execute({"from_date": doc.posting_date, "to_date": doc.posting_date, "store": self.store})
		fresh_row = next(row for row in rows if row["item_group"] == self.fresh.item_group)
		# (other tests and the browser layer may have recorded damage in this store today: all of it counts)
		damaged = frappe.db.sql(
			"SELECT COALESCE(SUM(line.amount), 0) FROM `tabShrink Entry Line` line JOIN `tabShrink Entry` entry "
			"ON entry.name = line.parent JOIN `tabItem` item ON item.name = line.item_code WHERE entry.docstatus = 1 "
			"AND entry.store = %s AND entry.posting_date = %s AND line.reason = 'Damaged' AND item.item_group = %s",
			(self.store, doc.posting_date, self.fresh.item_group),
		)[0][0]
		self.assertGreaterEqual(flt(damaged), flt(doc.lines[0].amount))
		self.assertAlmostEqual(flt(fresh_row["shrink_damaged"]), flt(damaged), places=2)
		self.assertEqual(len(chart["data"]["datasets"]), 2)
		self.assertTrue(any(item["label"] == "Shrink at Cost" for item in summary))

		doc.cancel()
		self.assertEqual(frappe.db.get_value("Stock Entry", entry.name, "docstatus"), 2)

	def test_a_blocked_batch_is_still_withdrawn(self) -> None:
		frappe.db.set_value("Batch", self.batch, "disabled", 1)
		try:
			doc = self.entry([{"item_code": self.fresh.code, "batch_no": self.batch, "qty": 1, "reason": "Expired"}])
			doc.insert(ignore_permissions=True).submit()
			self.assertEqual(frappe.db.get_value("Stock Entry", doc.stock_entry, "docstatus"), 1)
			self.assertEqual(doc.lines[0].expense_account, self.accounts["Expired"])
			doc.cancel()
		finally:
			frappe.db.set_value("Batch", self.batch, "disabled", 0)

	def test_wrong_lines_are_refused_with_the_line_and_the_fix(self) -> None:
		other = frappe.get_all("Batch", {"item": ["!=", self.fresh.code]}, pluck="name", limit=1)[0]
		cases = [
			([{"item_code": self.fresh.code, "qty": 1, "reason": "Damaged"}], "is tracked by batch: scan the label or pick the batch"),
			([{"item_code": self.fresh.code, "batch_no": other, "qty": 1, "reason": "Damaged"}], f"batch {other} belongs to"),
			([{"item_code": self.plain.code, "qty": 0, "reason": "Damaged"}], "must be above 0"),
			([{"item_code": self.plain.code, "qty": 1, "reason": "Lost"}], "Could not find Row #1: Reason: Lost"),
		]
		for lines, message in cases:
			with self.assertRaises(frappe.ValidationError) as raised:
				self.entry(lines).insert(ignore_permissions=True)
			self.assertIn(message, str(raised.exception))

	def test_a_cashier_records_waste_but_cannot_post_it(self) -> None:
		cashier = make_user("fresh.cashier@example.com", ["Retail Cashier"])
		manager = make_user("fresh.manager@example.com", ["Store Manager"])
		self.assertTrue(frappe.has_permission("Shrink Entry", "create", user=cashier))
		self.assertFalse(frappe.has_permission("Shrink Entry", "submit", user=cashier))
		self.assertTrue(frappe.has_permission("Shrink Entry", "submit", user=manager))
		self.assertFalse(frappe.has_permission("Stock Entry", "read", user=cashier))
		self.assertFalse(frappe.has_permission("Shrink Reason", "write", user=manager))

	def test_the_phone_page_records_waste(self) -> None:
		from retail_suite.fresh.api import record_shrink, shrink_context, shrink_scan
		from retail_suite.fresh.labels import gs1_element_string

		cashier = make_user("fresh.cashier@example.com", ["Retail Cashier"])
		manager = make_user("fresh.manager@example.com", ["Store Manager"])
		expiry = frappe.db.get_value("Batch", self.batch, "expiry_date")
		label = gs1_element_string(self.fresh.barcode, expiry, self.batch)
		line = [{"item_code": self.fresh.code, "batch_no": self.batch, "qty": 1, "reason": "Quality"}]
		try:
			frappe.set_user(cashier)
			context = shrink_context()
			self.assertIn(self.store, [store.name for store in context["stores"]])
			self.assertEqual(context["reasons"], ["Damaged", "Expired", "Quality", "Stocktake", "Theft"])
			self.assertFalse(context["can_submit"])
			found = shrink_scan(self.store, label)
			self.assertEqual((found["item_code"], found["batch_no"]), (self.fresh.code, self.batch))
			self.assertIn(self.batch, [batch["batch_no"] for batch in found["batches"]])
			draft = record_shrink(self.store, line)
			self.assertEqual((draft["submitted"], draft["stock_entry"]), (False, None))
			frappe.set_user("Administrator")
			managed_before = frappe.db.get_value("Retail Store", self.store, "store_manager")
			frappe.db.set_value("Retail Store", self.store, "store_manager", manager)
			frappe.set_user(manager)
			# the page starts with the store the user manages
			self.assertEqual(shrink_context()["default_store"], self.store)
			posted = record_shrink(self.store, line)
			self.assertTrue(posted["submitted"])
			self.assertEqual(frappe.db.get_value("Stock Entry", posted["stock_entry"], "docstatus"), 1)
		finally:
			frappe.set_user("Administrator")
			if "managed_before" in locals():
				frappe.db.set_value("Retail Store", self.store, "store_manager", managed_before)
		with self.assertRaises(frappe.ValidationError):
			shrink_scan(self.store, "NOTHING-LIKE-THIS")
		frappe.get_doc("Shrink Entry", posted["name"]).cancel()
