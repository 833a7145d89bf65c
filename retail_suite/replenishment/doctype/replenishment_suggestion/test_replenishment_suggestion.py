# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: the replenishment run turns a store's forecasts into Material Request drafts, one per supplier,
with the right items, quantities, warehouse and dates; a rerun replaces its drafts, a submitted request is
counted as requested; cashiers neither read suggestions nor start a run, a Store Manager only for their store."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate

from retail_suite.demo.erpnext import supplier_names
from retail_suite.replenishment.erpnext import check_store_access, replenish_now, run
from retail_suite.tests.utils import demo_chain, make_store, make_user

STORE = "TRPL"
TODAY = getdate()
HISTORY_DAYS = 28
#: units a day of the items: two from one supplier, one from another
DAILY = (20, 5, 8)


class TestReplenishmentSuggestion(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		chain = demo_chain()
		company = chain.config.company
		abbr = chain.config.abbr
		cls.warehouse = f"Replenishment Test - {abbr}"
		if not frappe.db.exists("Warehouse", cls.warehouse):
			frappe.get_doc(
				{
					"doctype": "Warehouse",
					"warehouse_name": "Replenishment Test",
					"company": company,
					"parent_warehouse": f"All Warehouses - {abbr}",
				}
			).insert(ignore_permissions=True)
		make_store(STORE, company=company, warehouse=cls.warehouse)
		names = supplier_names(chain)
		by_supplier: dict[str, list[str]] = {}
		for item in chain.items:
			if not item.style and not item.is_fresh:
				by_supplier.setdefault(names[item.supplier], []).append(item.code)
		first, second = [supplier for supplier, items in by_supplier.items() if items][:2]
		if len(by_supplier[first]) < 2:
			first, second = second, first
		cls.suppliers = (first, second)
		cls.items = (by_supplier[first][0], by_supplier[first][1], by_supplier[second][0])
		cls.clean()
		for offset in range(1, HISTORY_DAYS + 1):
			day = TODAY - timedelta(days=offset)
			for item, units in zip(cls.items, DAILY, strict=True):
				frappe.db.sql(
					"""
					INSERT INTO `tabRetail Item Sales Day` (name, store, item_code, business_day, sold_qty, stockout,
						creation, modified, owner, modified_by)
					VALUES (%s, %s, %s, %s, %s, 0, NOW(), NOW(), 'Administrator', 'Administrator')
					""",
					(f"{day.isoformat()}:{STORE}:{item}", STORE, item, day, units),
				)
		frappe.db.commit()

	@classmethod
	def clean(cls) -> None:
		"""What earlier runs of this test left: the store's history, forecasts, suggestions and requests."""
		for request in frappe.get_all(
			"Material Request", {"set_warehouse": cls.warehouse}, ["name", "docstatus"]
		):
			frappe.db.set_value(
				"Replenishment Suggestion", {"material_request": request.name}, "material_request", None
			)
			document = frappe.get_doc("Material Request", request.name)
			if document.docstatus == 1:
				document.cancel()
			frappe.delete_doc("Material Request", request.name, ignore_permissions=True, force=True)
		for doctype in ("Retail Item Sales Day", "Retail Demand Forecast", "Replenishment Suggestion"):
			frappe.db.delete(doctype, {"store": STORE})
		frappe.db.commit()

	def tearDown(self) -> None:
		frappe.set_user("Administrator")

	def requests(self, docstatus: int = 0) -> dict[str, frappe.model.document.Document]:
		return {
			request.retail_supplier: frappe.get_doc("Material Request", request.name)
			for request in frappe.get_all(
				"Material Request",
				{"set_warehouse": self.warehouse, "docstatus": docstatus},
				["name", "retail_supplier"],
			)
		}

	def test_1_material_requests_per_supplier(self) -> None:
		result = run(store=STORE)
		requests = self.requests()
		self.assertEqual(set(requests), set(self.suppliers))
		self.assertEqual(sorted(result["material_requests"]), sorted(r.name for r in requests.values()))
		suggestions = {
			row.item_code: row
			for row in frappe.get_all(
				"Replenishment Suggestion",
				{"store": STORE, "run_date": TODAY},
				[
					"item_code",
					"supplier",
					"suggested_qty",
					"lead_time_days",
					"material_request",
					"daily_forecast",
				],
			)
		}
		self.assertEqual(set(suggestions), set(self.items))
		expected_items = {self.suppliers[0]: sorted(self.items[:2]), self.suppliers[1]: [self.items[2]]}
		for supplier, request in requests.items():
			self.assertEqual(request.material_request_type, "Purchase")
			self.assertEqual(request.docstatus, 0)
			self.assertEqual(request.company, demo_chain().config.company)
			self.assertEqual(sorted(line.item_code for line in request.items), expected_items[supplier])
			for line in request.items:
				suggestion = suggestions[line.item_code]
				self.assertEqual(suggestion.supplier, supplier)
				self.assertEqual(suggestion.material_request, request.name)
				self.assertEqual(float(line.qty), float(suggestion.suggested_qty))
				self.assertGreater(float(line.qty), 0)
				self.assertEqual(line.warehouse, self.warehouse)
				lead = max(1, -(-float(suggestion.lead_time_days) // 1))
				self.assertEqual(getdate(line.schedule_date), TODAY + timedelta(days=int(lead)))
				self.assertIn(f"Forecast {suggestion.daily_forecast:.2f}/day", line.retail_replenishment_note)
		self.assertAlmostEqual(float(suggestions[self.items[0]].daily_forecast), 20.0, places=3)

		# the same day again: the drafts are replaced (Frappe may give a replacement the freed name), not doubled
		first_created = {r.creation for r in requests.values()}
		run(store=STORE)
		again = self.requests()
		self.assertEqual(set(again), set(self.suppliers))
		self.assertFalse(first_created & {r.creation for r in again.values()})
		self.assertEqual(frappe.db.count("Material Request", {"set_warehouse": self.warehouse}), 2)

		# the buyer submits the first supplier's request: the next run counts it as requested and orders only
		# from the other supplier
		submitted = again[self.suppliers[0]]
		submitted.submit()
		frappe.db.commit()
		run(store=STORE)
		drafts = self.requests()
		self.assertEqual(set(drafts), {self.suppliers[1]})
		self.assertEqual(set(self.requests(docstatus=1)), {self.suppliers[0]})
		requested = frappe.get_all(
			"Replenishment Suggestion",
			{"store": STORE, "run_date": TODAY},
			pluck="item_code",
		)
		self.assertEqual(requested, [self.items[2]])

	def test_2_who_may_run_and_read(self) -> None:
		cashier = make_user("replenish-cashier@example.com", ["Retail Cashier"])
		frappe.set_user(cashier)
		self.assertFalse(frappe.has_permission("Replenishment Suggestion", "read"))
		self.assertFalse(frappe.has_permission("Retail Supplier Rating", "read"))
		with self.assertRaises(frappe.PermissionError):
			replenish_now(STORE)

		frappe.set_user("Administrator")
		manager = make_user("replenish-store-manager@example.com", ["Store Manager"])
		frappe.db.set_value("Retail Store", STORE, "store_manager", None)
		frappe.set_user(manager)
		self.assertTrue(frappe.has_permission("Replenishment Suggestion", "read"))
		self.assertFalse(frappe.has_permission("Replenishment Suggestion", "write"))
		with self.assertRaises(frappe.PermissionError):
			check_store_access(STORE)
		with self.assertRaises(frappe.PermissionError):
			check_store_access(None)
		frappe.set_user("Administrator")
		frappe.db.set_value("Retail Store", STORE, "store_manager", manager)
		frappe.set_user(manager)
		check_store_access(STORE)

		frappe.set_user("Administrator")
		chain_manager = make_user("replenish-retail-manager@example.com", ["Retail Manager"])
		frappe.set_user(chain_manager)
		check_store_access(None)

	def test_3_supplier_rating_from_real_orders_and_receipts(self) -> None:
		"""Two suppliers of our own: one delivers 6 days after ordering, a day late and 8 of 10 (the 2 still to
		come keep its order open, 15 days past due); the other has an order 5 days past due and nothing received. Rated from submitted ERPNext documents, in the rating the
		replenishment run writes and in the Supplier Performance report."""
		from erpnext.buying.doctype.purchase_order.purchase_order import make_purchase_receipt

		from retail_suite.db.frappe_db import FrappeDatabase
		from retail_suite.replenishment.report.supplier_performance.supplier_performance import execute
		from retail_suite.replenishment.suppliers import compute_ratings, rate_suppliers

		company = demo_chain().config.company
		late_one, prompt_one = "Retail Test Supplier Late", "Retail Test Supplier Short"
		for name in (late_one, prompt_one):
			for order in frappe.get_all("Purchase Order", {"supplier": name}, ["name", "docstatus"]):
				for receipt in frappe.get_all("Purchase Receipt Item", {"purchase_order": order.name}, pluck="parent"):
					document = frappe.get_doc("Purchase Receipt", receipt)
					if document.docstatus == 1:
						document.cancel()
					frappe.delete_doc("Purchase Receipt", receipt, force=True, ignore_permissions=True)
				document = frappe.get_doc("Purchase Order", order.name)
				if document.docstatus == 1:
					document.cancel()
				frappe.delete_doc("Purchase Order", order.name, force=True, ignore_permissions=True)
			if not frappe.db.exists("Supplier", name):
				frappe.get_doc({"doctype": "Supplier", "supplier_name": name, "supplier_group": frappe.db.get_value(
					"Supplier Group", {"is_group": 0}, "name")}).insert(ignore_permissions=True)

		def order(supplier: str, ordered_days_ago: int, due_days_ago: int) -> frappe.model.document.Document:
			document = frappe.get_doc(
				{
					"doctype": "Purchase Order",
					"supplier": supplier,
					"company": company,
					"transaction_date": TODAY - timedelta(days=ordered_days_ago),
					"schedule_date": TODAY - timedelta(days=due_days_ago),
					"set_warehouse": self.warehouse,
					"items": [{"item_code": self.items[0], "qty": 10, "rate": 2.5, "warehouse": self.warehouse,
						"schedule_date": TODAY - timedelta(days=due_days_ago)}],
				}
			)
			document.insert(ignore_permissions=True)
			document.submit()
			return document

		delivered = order(prompt_one, 20, 15)
		receipt = make_purchase_receipt(delivered.name)
		receipt.set_posting_time = 1
		receipt.posting_date = TODAY - timedelta(days=14)
		receipt.items[0].qty = 8
		receipt.insert(ignore_permissions=True)
		receipt.submit()
		pending = order(late_one, 9, 5)
		frappe.db.commit()

		ratings = compute_ratings(FrappeDatabase(), TODAY)
		short = ratings[prompt_one]
		self.assertEqual((short.orders, short.lines_due, short.lines_on_time), (1, 1, 0))
		self.assertEqual((short.ordered_qty, short.received_qty, short.fill_rate), (10.0, 8.0, 80.0))
		self.assertEqual((short.deliveries, short.lead_time_mean), (1, 6.0))
		self.assertEqual([(o.purchase_order, o.days_late, o.open_qty) for o in short.late_orders], [(delivered.name, 15, 2.0)])
		late = ratings[late_one]
		self.assertEqual([(o.purchase_order, o.days_late, o.open_qty) for o in late.late_orders], [(pending.name, 5, 10.0)])
		self.assertEqual(late.on_time_rate, 0.0)
		# written as the replenishment run writes it: a supplier without deliveries has no lead time yet (0, not NULL)
		rate_suppliers(FrappeDatabase(), TODAY)
		self.assertEqual(
			frappe.db.get_value("Retail Supplier Rating", late_one, ["deliveries", "lead_time_mean", "late_open_orders", "most_days_late"]),
			(0, 0.0, 1, 5),
		)
		self.assertEqual(frappe.db.get_value("Retail Supplier Rating", prompt_one, ["deliveries", "lead_time_mean", "fill_rate"]), (1, 6.0, 80.0))

		columns, rows, message, chart, summary = execute({"as_of": TODAY, "window_days": 365, "late_only": 1})
		ours = [row for row in rows if row["supplier"] in (late_one, prompt_one)]
		self.assertEqual(
			[(row["indent"], row.get("purchase_order"), row.get("days_late")) for row in ours],
			[(0, None, None), (1, pending.name, 5), (0, None, None), (1, delivered.name, 15)],
		)
		self.assertIn("Lead time", message)
		self.assertIn("purchase_order", {column["fieldname"] for column in columns})

		cashier = make_user("replenish-cashier@example.com", ["Retail Cashier"])
		frappe.set_user(cashier)
		self.assertFalse(frappe.get_doc("Report", "Supplier Performance").is_permitted())
