# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: ERPNext's POS page reads a fresh label. Through the page's own lookup
(`erpnext.selling.page.point_of_sale.point_of_sale.get_items`, overridden in hooks) a GS1 label gives the item
with the label's batch; a batch past its expiry date, or blocked, is refused with what to do; an ordinary
barcode still finds its item as before."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate

from retail_suite.fresh.labels import gs1_element_string
from retail_suite.tests.utils import demo_chain

GET_ITEMS = "erpnext.selling.page.point_of_sale.point_of_sale.get_items"


class TestFreshLabelAtThePOSPage(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		chain = demo_chain()
		cls.item = next(item for item in chain.items if item.is_fresh and item.barcode)
		store = chain.stores[0].code
		cls.profile = frappe.db.get_value("Retail Store", store, "pos_profile") or frappe.get_all(
			"POS Profile", {"company": chain.config.company}, pluck="name", limit=1
		)[0]
		cls.price_list = frappe.db.get_value("POS Profile", cls.profile, "selling_price_list")
		today = getdate(nowdate())
		for batch_id, expiry, disabled in (
			("TEST-LABEL-FRESH", today + timedelta(days=2), 0),
			("TEST-LABEL-EXPIRED", today - timedelta(days=1), 0),
			("TEST-LABEL-BLOCKED", today + timedelta(days=1), 1),
		):
			if frappe.db.exists("Batch", batch_id):
				frappe.db.set_value("Batch", batch_id, {"expiry_date": expiry, "disabled": disabled})
			else:
				frappe.get_doc(
					{"doctype": "Batch", "batch_id": batch_id, "item": cls.item.code, "expiry_date": expiry, "disabled": disabled}
				).insert(ignore_permissions=True)
		cls.today = today
		frappe.db.commit()

	def lookup(self, search_term: str) -> list[dict]:
		"""The page's call as Frappe's handler dispatches it: through the override hook, whitelisted."""
		method = frappe.get_attr(frappe.get_hooks("override_whitelisted_methods")[GET_ITEMS][-1])
		frappe.is_whitelisted(method)
		return frappe.call(
			method, start=0, page_length=40, price_list=self.price_list, item_group="", pos_profile=self.profile, search_term=search_term
		)["items"]

	def test_label_adds_the_item_with_its_batch(self) -> None:
		self.assertIn(GET_ITEMS, frappe.get_hooks("override_whitelisted_methods"))
		label = gs1_element_string(self.item.barcode, self.today + timedelta(days=2), "TEST-LABEL-FRESH")
		found = self.lookup(label)
		self.assertEqual([(row["item_code"], row["batch_no"]) for row in found], [(self.item.code, "TEST-LABEL-FRESH")])
		# as the scanner sends it (no brackets)
		raw = label.replace("(01)", "01").replace("(17)", "17").replace("(10)", "10")
		self.assertEqual([row["batch_no"] for row in self.lookup(raw)], ["TEST-LABEL-FRESH"])
		# an ordinary barcode: ERPNext's lookup as before, no batch
		plain = self.lookup(self.item.barcode)
		self.assertEqual([(row["item_code"], row["batch_no"]) for row in plain], [(self.item.code, "")])

	def test_expired_or_blocked_batch_is_refused(self) -> None:
		expired = gs1_element_string(self.item.barcode, self.today - timedelta(days=1), "TEST-LABEL-EXPIRED")
		with self.assertRaisesRegex(frappe.ValidationError, "TEST-LABEL-EXPIRED.*expired on .*blocked from sale"):
			self.lookup(expired)
		with self.assertRaisesRegex(frappe.ValidationError, "TEST-LABEL-BLOCKED.*is blocked from sale"):
			self.lookup(gs1_element_string(self.item.barcode, None, "TEST-LABEL-BLOCKED"))
		with self.assertRaisesRegex(frappe.ValidationError, "Label not accepted: the label's batch NOPE-1 is not known here"):
			self.lookup("(10)NOPE-1")
