# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: the daily broken-size job finds the style broken in one store, suggests the missing size from
the store that sells it slowly, and "Make Transfer Draft" turns the suggestion into a Stock Entry draft that
ERPNext accepts (and submits); a rule whose key size the template lacks is refused with a message; a
cashier cannot make the draft; the Style Matrix report reads stock, sales and sell-through per cell."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from retail_suite.apparel.erpnext import make_transfer_draft, run_broken_sizes_job
from retail_suite.apparel.report.style_matrix.style_matrix import execute as style_matrix_report
from retail_suite.apparel.scenario_writer import write_till_transaction
from retail_suite.db import get_database
from retail_suite.tests.utils import apparel_chain, make_user, set_stock

RULE = "_Test Tee key sizes"
TERMINAL = "TAP1-TST"


class TestBrokenSizeAlert(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		cls.chain = apparel_chain()
		variants, warehouses, company = cls.chain["variants"], cls.chain["warehouses"], cls.chain["company"]
		# TAP1 sells the tee but holds no Medium Red; TAP2 holds 6 and sells none of them
		for (size, colour), item in variants.items():
			set_stock(company, item, warehouses["TAP1"], 0 if (size, colour) == ("Medium", "Red") else 3)
			set_stock(company, item, warehouses["TAP2"], 6 if (size, colour) == ("Medium", "Red") else 0)
		cls.today = getdate()
		frappe.db.delete("Broken Size Alert Cell", {"parent": ["like", f"BSA-%-TAP_-{cls.chain['style']}"]})
		frappe.db.delete("Broken Size Transfer", {"parent": ["like", f"BSA-%-TAP_-{cls.chain['style']}"]})
		frappe.db.delete("Broken Size Alert", {"style": cls.chain["style"]})
		earlier = frappe.get_all("POS Transaction", {"terminal": TERMINAL}, pluck="name")
		frappe.db.delete("POS Transaction Line", {"parent": ["in", earlier or [""]]})
		frappe.db.delete("POS Transaction", {"name": ["in", earlier or [""]]})
		# posted already (so no POSDM cycle of another test posts it): Small Red 2, Large Red 2 last week
		write_till_transaction(
			get_database(), "TAP1", add_days(cls.today, -7),
			[(variants[("Small", "Red")], 2, 20.0), (variants[("Large", "Red")], 2, 20.0)],
			status="Posted", terminal=TERMINAL,
		)
		if frappe.db.exists("Broken Size Rule", RULE):
			frappe.delete_doc("Broken Size Rule", RULE, force=True)
		frappe.get_doc(
			{
				"doctype": "Broken Size Rule",
				"rule_name": RULE,
				"style": cls.chain["style"],
				"min_style_sales": 2,
				"lookback_days": 28,
				"cover_days": 14,
				"donor_max_sell_through": 30,
				"key_sizes": [{"size": size, "min_depth": 1} for size in ("Small", "Medium", "Large")],
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls) -> None:
		earlier = frappe.get_all("POS Transaction", {"terminal": TERMINAL}, pluck="name")
		frappe.db.delete("POS Transaction Line", {"parent": ["in", earlier or [""]]})
		frappe.db.delete("POS Transaction", {"name": ["in", earlier or [""]]})
		frappe.db.commit()
		super().tearDownClass()

	def test_a_key_size_not_in_the_template_is_refused(self) -> None:
		rule = frappe.get_doc(
			{
				"doctype": "Broken Size Rule",
				"rule_name": "_Test Tee bad rule",
				"style": self.chain["style"],
				"key_sizes": [{"size": "Medium", "min_depth": 1}, {"size": "XXL", "min_depth": 1}],
			}
		)
		with self.assertRaises(frappe.ValidationError) as refused:
			rule.insert(ignore_permissions=True)
		self.assertIn(f"key size XXL is not a size of template {self.chain['style']}", str(refused.exception))
		self.assertIn("its sizes: Small, Medium, Large", str(refused.exception))

	def test_suggestion_becomes_a_valid_stock_entry_draft(self) -> None:
		result = run_broken_sizes_job(str(self.today))
		self.assertGreaterEqual(result["alerts"], 1)
		name = frappe.db.get_value("Broken Size Alert", {"store": "TAP1", "style": self.chain["style"], "business_day": self.today})
		alert = frappe.get_doc("Broken Size Alert", name)
		medium_red = self.chain["variants"][("Medium", "Red")]
		self.assertEqual((alert.status, alert.rank, alert.missing_sizes, alert.style_sold), ("Open", 1, "Medium Red", 4))
		self.assertEqual([(row.item_code, row.on_hand, row.min_depth) for row in alert.cells], [(medium_red, 0, 1)])
		warehouses = self.chain["warehouses"]
		self.assertEqual(
			[(row.item_code, row.from_warehouse, row.from_store, row.qty) for row in alert.transfers],
			[(medium_red, warehouses["TAP2"], "TAP2", 1)],
		)
		self.assertFalse(frappe.db.exists("Broken Size Alert", {"store": "TAP2", "style": self.chain["style"]}))

		cashier = make_user("apparel.cashier@example.com", ["Retail Cashier"])
		frappe.set_user(cashier)
		try:
			with self.assertRaises(frappe.PermissionError):
				make_transfer_draft(name)
		finally:
			frappe.set_user("Administrator")

		entry_name = make_transfer_draft(name)
		entry = frappe.get_doc("Stock Entry", entry_name)
		self.assertEqual((entry.docstatus, entry.purpose, entry.company), (0, "Material Transfer", self.chain["company"]))
		self.assertEqual(
			[(row.item_code, row.qty, row.s_warehouse, row.t_warehouse) for row in entry.items],
			[(medium_red, 1, warehouses["TAP2"], warehouses["TAP1"])],
		)
		alert.reload()
		self.assertEqual((alert.status, alert.stock_entry), ("Transfer Drafted", entry_name))
		self.assertEqual(make_transfer_draft(name), entry_name)  # a second click opens the same draft
		# a rerun of the day keeps the drafted alert as it is
		run_broken_sizes_job(str(self.today))
		self.assertEqual(frappe.db.get_value("Broken Size Alert", name, "status"), "Transfer Drafted")
		# the draft is a valid document: ERPNext submits it and moves the unit
		entry.submit()
		self.assertEqual(frappe.db.get_value("Bin", {"item_code": medium_red, "warehouse": warehouses["TAP1"]}, "actual_qty"), 1)
		entry.cancel()

	def test_style_matrix_report(self) -> None:
		columns, rows, _message, chart, summary = style_matrix_report(
			{"style": self.chain["style"], "store": "TAP1", "from_date": add_days(self.today, -28), "to_date": self.today}
		)
		labels = [column["label"] for column in columns]
		self.assertEqual(labels[2:5], ["Small On Hand", "Small Sold", "Small Sell-through %"])
		red = next(row for row in rows if row["location"] == "TAP1" and row["colour"] == "Red")
		# Small: 3 on hand, 2 sold: 2 / 5 = 40 %; Medium: none on hand, none sold
		self.assertEqual((red["size_0_on_hand"], red["size_0_sold"], red["size_0_st"]), (3, 2, 40.0))
		self.assertEqual((red["size_1_on_hand"], red["size_1_sold"], red["size_1_st"]), (0, 0, None))
		self.assertEqual((red["on_hand"], red["sold"]), (6, 4))
		self.assertEqual(chart["data"]["labels"], ["Small", "Medium", "Large"])
