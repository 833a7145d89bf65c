# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: `retail-demo` creates the chain as ERPNext documents, and again creates nothing."""

import frappe
from frappe.tests.utils import FrappeTestCase

from retail_suite.demo.chain import DemoConfig, generate_chain
from retail_suite.demo.erpnext import create_demo_masters

CONFIG = DemoConfig(stores=1, skus=60, members=8, seed=11, company="Retail Test Chain", abbr="RTC")


class TestERPNextDemo(FrappeTestCase):
	def test_demo_creates_masters_then_nothing(self) -> None:
		chain = generate_chain(CONFIG)
		created = create_demo_masters(CONFIG)
		self.assertEqual(created.get("Retail Store"), 1)
		self.assertEqual(created.get("POS Terminal"), 2)
		self.assertEqual(created.get("Customer"), 8)
		self.assertEqual(created.get("Item"), 60 + len(chain.styles))
		self.assertGreaterEqual(created.get("Stock Reconciliation", 0), 1)

		item = chain.items[-1]
		self.assertEqual(frappe.db.get_value("Item Barcode", {"barcode": item.barcode}, "parent"), item.code)
		self.assertEqual(
			frappe.db.get_value(
				"Item Price", {"item_code": item.code, "price_list": "Standard Selling"}, "price_list_rate"
			),
			item.price,
		)
		store = chain.stores[0]
		warehouse = frappe.db.get_value("Retail Store", store.code, "warehouse")
		expected_units = sum(line.qty for line in chain.stock)
		actual_units = frappe.db.sql("select sum(actual_qty) from `tabBin` where warehouse = %s", warehouse)[
			0
		][0]
		self.assertAlmostEqual(float(actual_units), expected_units, places=3)
		# ERPNext, not retail_suite, wrote the ledger: stock ledger entries exist for the opening stock
		self.assertTrue(
			frappe.db.exists(
				"Stock Ledger Entry", {"warehouse": warehouse, "voucher_type": "Stock Reconciliation"}
			)
		)
		member = chain.members[0]
		self.assertEqual(
			frappe.db.get_value("Customer", {"retail_phone": member.phone}, "retail_card_number"),
			member.card_number,
		)

		again = create_demo_masters(CONFIG)
		self.assertEqual(again, {})
