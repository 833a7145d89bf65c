# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe.tests.utils import FrappeTestCase

from retail_suite.tests.utils import make_store, make_user

#: make_store uses ERPNext's _Test Company and _Test Warehouse: `run-tests --module` builds only these records
test_dependencies = ["Warehouse"]


def make_terminal(store: str, code: str, **overrides):
	return frappe.get_doc(
		{"doctype": "POS Terminal", "store": store, "terminal_code": code, **overrides}
	).insert(ignore_permissions=True)


class TestPOSTerminal(FrappeTestCase):
	def setUp(self) -> None:
		make_store("TST1")
		frappe.db.delete("POS Terminal", {"store": "TST1"})

	def test_terminal_is_named_store_and_till(self) -> None:
		terminal = make_terminal("TST1", "T01")
		self.assertEqual(terminal.name, "TST1-T01")
		self.assertEqual(terminal.last_transaction_number, 0)

	def test_same_till_number_twice_in_a_store_is_refused(self) -> None:
		make_terminal("TST1", "T02")
		with self.assertRaises(frappe.DuplicateEntryError):
			make_terminal("TST1", "T02")

	def test_composite_unique_index_exists(self) -> None:
		indexes = frappe.db.sql(
			"SHOW INDEX FROM `tabPOS Terminal` WHERE Key_name = 'store_terminal_code'", as_dict=True
		)
		self.assertEqual([row.Column_name for row in indexes], ["store", "terminal_code"])
		self.assertEqual(indexes[0].Non_unique, 0)

	def test_bad_till_number_is_refused(self) -> None:
		with self.assertRaisesRegex(frappe.ValidationError, "only letters, digits"):
			make_terminal("TST1", "T 03!")

	def test_terminal_user_needs_the_terminal_role(self) -> None:
		plain = make_user("not-a-till@example.com", ["Retail Cashier"])
		with self.assertRaisesRegex(frappe.ValidationError, "needs the Retail Terminal role"):
			make_terminal("TST1", "T04", terminal_user=plain)
		till = make_user("till-t05@example.com", ["Retail Terminal"])
		self.assertEqual(make_terminal("TST1", "T05", terminal_user=till).terminal_user, till)
