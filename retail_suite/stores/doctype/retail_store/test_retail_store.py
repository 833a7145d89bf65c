# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe.tests.utils import FrappeTestCase

from retail_suite.setup.custom_fields import ACCOUNTING_DIMENSIONS, CUSTOM_FIELDS
from retail_suite.setup.roles import RETAIL_ROLES
from retail_suite.tests.utils import demo_chain, make_store, make_user

#: make_store uses ERPNext's _Test Company and _Test Warehouse: `run-tests --module` builds only these records
test_dependencies = ["Warehouse"]


class TestRetailStore(FrappeTestCase):
	def test_store_is_named_by_its_code(self) -> None:
		store = make_store("TST1")
		self.assertEqual(store.name, "TST1")
		self.assertEqual(store.company, "_Test Company")

	def test_unknown_time_zone_is_refused(self) -> None:
		with self.assertRaisesRegex(frappe.ValidationError, "Time zone 'Mars/Olympus' is unknown"):
			make_store("TST2", time_zone="Mars/Olympus")
		self.assertFalse(frappe.db.exists("Retail Store", "TST2"))

	def test_cutoff_inside_opening_hours_is_refused(self) -> None:
		with self.assertRaisesRegex(frappe.ValidationError, "falls inside opening hours"):
			make_store("TST3", business_day_cutoff="12:00:00")

	def test_warehouse_of_another_company_is_refused(self) -> None:
		other = demo_chain()
		warehouse = frappe.db.get_value("Retail Store", other.stores[0].code, "warehouse")
		with self.assertRaisesRegex(frappe.ValidationError, f"belongs to company {other.config.company}"):
			make_store("TST4", warehouse=warehouse)


class TestRetailInstall(FrappeTestCase):
	def test_roles_exist_and_terminal_has_no_desk(self) -> None:
		for role, desk_access in RETAIL_ROLES.items():
			self.assertEqual(frappe.db.get_value("Role", role, "desk_access"), desk_access, role)

	def test_custom_fields_exist_on_erpnext_doctypes(self) -> None:
		for doctype, fields in CUSTOM_FIELDS.items():
			meta = frappe.get_meta(doctype, cached=False)
			for docfield in fields:
				self.assertTrue(meta.has_field(docfield["fieldname"]), f"{doctype}.{docfield['fieldname']}")
		self.assertTrue(frappe.db.has_column("Customer", "retail_phone"))

	def test_store_and_terminal_are_accounting_dimensions(self) -> None:
		for fieldname, _label, document_type in ACCOUNTING_DIMENSIONS:
			self.assertTrue(frappe.db.exists("Accounting Dimension", {"document_type": document_type}))
			for voucher in ("Sales Invoice", "Sales Invoice Item", "GL Entry", "Journal Entry Account", "Stock Entry"):
				self.assertTrue(frappe.db.has_column(voucher, fieldname), f"{voucher}.{fieldname}")

	def test_cashier_reads_stores_but_not_ledgers(self) -> None:
		cashier = make_user("retail-cashier@example.com", ["Retail Cashier"])
		self.assertTrue(frappe.has_permission("Retail Store", "read", user=cashier))
		self.assertFalse(frappe.has_permission("Retail Store", "write", user=cashier))
		for ledger in (
			"GL Entry",
			"Stock Ledger Entry",
			"Purchase Invoice",
			"Purchase Order",
			"Journal Entry",
		):
			self.assertFalse(frappe.has_permission(ledger, "read", user=cashier), ledger)

	def test_store_manager_edits_but_does_not_create_stores(self) -> None:
		manager = make_user("store-manager@example.com", ["Store Manager"])
		self.assertTrue(frappe.has_permission("Retail Store", "write", user=manager))
		self.assertFalse(frappe.has_permission("Retail Store", "create", user=manager))
		self.assertTrue(frappe.has_permission("POS Terminal", "write", user=manager))
