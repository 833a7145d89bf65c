# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: `retail-demo` creates the chain as ERPNext documents, and again creates nothing."""

import frappe
from frappe.tests.utils import FrappeTestCase

from retail_suite.demo.erpnext import create_demo_masters
from retail_suite.tests.utils import demo_chain


class TestERPNextDemo(FrappeTestCase):
	def test_demo_created_masters_and_again_creates_nothing(self) -> None:
		chain = demo_chain()
		store = chain.stores[0]
		self.assertTrue(frappe.db.exists("Retail Store", store.code))
		self.assertEqual(
			frappe.db.count("POS Terminal", {"store": store.code, "terminal_code": ["!=", "ERP"]}), 2
		)
		for item in chain.items:
			self.assertEqual(
				frappe.db.get_value("Item Barcode", {"barcode": item.barcode}, "parent"), item.code
			)
		item = chain.items[-1]
		self.assertEqual(
			frappe.db.get_value(
				"Item Price", {"item_code": item.code, "price_list": "Standard Selling", "batch_no": ["is", "not set"]},
				"price_list_rate",
			),
			item.price,
		)
		style = chain.styles[0] if chain.styles else None
		if style:
			self.assertEqual(frappe.db.get_value("Item", style.code, "has_variants"), 1)
			self.assertEqual(
				frappe.db.count("Item", {"variant_of": style.code}), len(style.sizes) * len(style.colours)
			)
		warehouse = frappe.db.get_value("Retail Store", store.code, "warehouse")
		# the opening stock is a submitted Stock Reconciliation holding the chain's quantities, and ERPNext
		# (not retail_suite) wrote its stock ledger entries
		opening = {
			row.item_code: float(row.qty)
			for row in frappe.db.sql(
				"select item.item_code, sum(item.qty) qty from `tabStock Reconciliation Item` item "
				"join `tabStock Reconciliation` doc on doc.name = item.parent where doc.docstatus = 1 "
				"and doc.purpose = 'Opening Stock' and item.warehouse = %s group by item.item_code",
				warehouse,
				as_dict=True,
			)
		}
		expected = {line.item: line.qty for line in chain.stock if line.store == store.code and line.qty > 0}
		self.assertEqual(opening, expected)
		vouchers = frappe.get_all(
			"Stock Reconciliation",
			{"docstatus": 1, "purpose": "Opening Stock", "company": chain.config.company},
			pluck="name",
		)
		self.assertTrue(
			frappe.db.exists("Stock Ledger Entry", {"voucher_no": ["in", vouchers], "warehouse": warehouse})
		)
		member = chain.members[0]
		self.assertEqual(
			frappe.db.get_value("Customer", {"retail_phone": member.phone}, "retail_card_number"),
			member.card_number,
		)
		self.assertEqual(create_demo_masters(chain.config, with_programme=False), {})
		# ERPNext's POS page starts a sale with the profile's customer: the walk-in customer, who is no member
		profile = frappe.db.get_value("Retail Store", store.code, "pos_profile")
		self.assertEqual(frappe.db.get_value("POS Profile", profile, "customer"), "Walk-in Customer")
		self.assertFalse(frappe.db.get_value("Customer", "Walk-in Customer", "retail_card_number"))
