# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: a size × colour entry saved in one go becomes, on submit, a Purchase Order, a Stock Entry
(Material Transfer) or a Stock Reconciliation draft with one line per filled cell, which ERPNext accepts;
a size or colour the template lacks is refused with a message; cancelling the entry removes its draft."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from retail_suite.apparel.erpnext import style_grid_for_form
from retail_suite.tests.utils import apparel_chain, set_stock

SUPPLIER = "_Test Apparel Supplier"


class TestApparelMatrixEntry(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		cls.chain = apparel_chain()
		if not frappe.db.exists("Supplier", SUPPLIER):
			frappe.get_doc(
				{
					"doctype": "Supplier",
					"supplier_name": SUPPLIER,
					"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}) or "All Supplier Groups",
				}
			).insert(ignore_permissions=True)
		set_stock(cls.chain["company"], cls.chain["variants"][("Medium", "Blue")], cls.chain["warehouses"]["TAP2"], 4)
		set_stock(cls.chain["company"], cls.chain["variants"][("Small", "Blue")], cls.chain["warehouses"]["TAP1"], 3)
		set_stock(cls.chain["company"], cls.chain["variants"][("Large", "Blue")], cls.chain["warehouses"]["TAP1"], 2)
		frappe.db.commit()

	def entry(self, purpose: str, cells: list[tuple[str, str, float]], **values):
		return frappe.get_doc(
			{
				"doctype": "Apparel Matrix Entry",
				"purpose": purpose,
				"company": self.chain["company"],
				"style": self.chain["style"],
				"posting_date": getdate(),
				"warehouse": self.chain["warehouses"]["TAP1"],
				"cells": [{"size": size, "colour": colour, "qty": qty} for size, colour, qty in cells],
				**values,
			}
		)

	def test_the_form_grid(self) -> None:
		grid = style_grid_for_form(self.chain["style"], self.chain["warehouses"]["TAP1"])
		self.assertEqual(grid["sizes"], ["Small", "Medium", "Large"])
		self.assertEqual(grid["colours"], ["Blue", "Red"])
		small_blue = next(cell for cell in grid["cells"] if (cell["size"], cell["colour"]) == ("Small", "Blue"))
		self.assertEqual((small_blue["item_code"], small_blue["on_hand"]), (self.chain["variants"][("Small", "Blue")], 3))

	def test_purchase_order_draft_one_line_per_cell(self) -> None:
		entry = self.entry(
			"Purchase Order",
			[("Large", "Red", 4), ("Small", "Red", 2), ("Medium", "Blue", 0), ("Medium", "Blue", 3)],  # a zero is no line
			supplier=SUPPLIER,
			schedule_date=add_days(getdate(), 10),
		)
		entry.insert()
		# cells in grid order (colour, then size), the variant filled in
		self.assertEqual(
			[(row.size, row.colour, row.item_code, row.qty) for row in entry.cells],
			[("Medium", "Blue", self.chain["variants"][("Medium", "Blue")], 3),
				("Small", "Red", self.chain["variants"][("Small", "Red")], 2),
				("Large", "Red", self.chain["variants"][("Large", "Red")], 4)],
		)
		self.assertEqual(entry.total_qty, 9)
		entry.submit()
		order = frappe.get_doc("Purchase Order", entry.created_document)
		self.assertEqual((entry.created_doctype, order.docstatus, order.supplier), ("Purchase Order", 0, SUPPLIER))
		self.assertEqual(
			[(row.item_code, row.qty, row.warehouse) for row in order.items],
			[(row.item_code, row.qty, self.chain["warehouses"]["TAP1"]) for row in entry.cells],
		)
		entry.cancel()
		self.assertFalse(frappe.db.exists("Purchase Order", order.name))

	def test_transfer_draft(self) -> None:
		entry = self.entry("Material Transfer", [("Medium", "Blue", 2)], from_warehouse=self.chain["warehouses"]["TAP2"])
		entry.insert()
		entry.submit()
		transfer = frappe.get_doc("Stock Entry", entry.created_document)
		self.assertEqual((transfer.docstatus, transfer.purpose), (0, "Material Transfer"))
		self.assertEqual(
			[(row.item_code, row.qty, row.s_warehouse, row.t_warehouse) for row in transfer.items],
			[(self.chain["variants"][("Medium", "Blue")], 2, self.chain["warehouses"]["TAP2"], self.chain["warehouses"]["TAP1"])],
		)

	def test_stock_count_draft_keeps_a_counted_zero(self) -> None:
		entry = self.entry("Stock Count", [("Small", "Blue", 5), ("Large", "Blue", 0)])
		entry.insert()
		self.assertEqual(len(entry.cells), 2)
		entry.submit()
		count = frappe.get_doc("Stock Reconciliation", entry.created_document)
		self.assertEqual((count.docstatus, count.purpose), (0, "Stock Reconciliation"))
		# counted 5 of the 3 Small Blue on hand, none of the 2 Large Blue
		self.assertEqual(
			[(row.item_code, row.qty, row.warehouse) for row in count.items],
			[(self.chain["variants"][("Small", "Blue")], 5, self.chain["warehouses"]["TAP1"]),
				(self.chain["variants"][("Large", "Blue")], 0, self.chain["warehouses"]["TAP1"])],
		)

	def test_unknown_size_or_colour_is_refused(self) -> None:
		entry = self.entry("Purchase Order", [("XXL", "Red", 1), ("Medium", "Green", 2)], supplier=SUPPLIER)
		with self.assertRaises(frappe.ValidationError) as refused:
			entry.insert()
		message = str(refused.exception)
		self.assertIn(f"size XXL is not a size of template {self.chain['style']} (its sizes: Small, Medium, Large)", message)
		self.assertIn(f"colour Green is not a colour of template {self.chain['style']} (its colours: Blue, Red)", message)

	def test_a_transfer_needs_two_warehouses_of_the_company(self) -> None:
		entry = self.entry("Material Transfer", [("Medium", "Blue", 1)], from_warehouse=self.chain["warehouses"]["TAP1"])
		with self.assertRaises(frappe.ValidationError):
			entry.insert()
