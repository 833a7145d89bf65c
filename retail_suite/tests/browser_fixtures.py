"""What the browser layer (tests/browser) needs on the test site, made by `bench execute` before it opens a page:
the demo chain, a fresh batch in date with stock in the first store, one past its date, one expiring tomorrow
that the expiry job marks down (its batch Item Price), the Administrator's
POS Opening Entry for that store's POS Profile (opened today: ERPNext's POS page asks to close an older one),
and that store as the Administrator's default store (the Record Waste page starts with it)."""

from __future__ import annotations

import frappe
from frappe.utils import add_days, getdate, now_datetime, nowdate

from retail_suite.fresh.erpnext import run_expiry_job
from retail_suite.fresh.labels import gs1_element_string
from retail_suite.posdm.erpnext import walk_in_customer
from retail_suite.tests.utils import demo_chain

FRESH_BATCH = "TEST-BROWSER-FRESH"
EXPIRED_BATCH = "TEST-BROWSER-EXPIRED"
MARKDOWN_BATCH = "TEST-BROWSER-MKDOWN"  # (a GS1 (10) batch holds at most 20 characters)
LADDER = "_Test Browser Ladder"


def prepare() -> dict:
	frappe.set_user("Administrator")
	chain = demo_chain()
	store = frappe.get_doc("Retail Store", chain.stores[0].code)
	profile = frappe.get_doc("POS Profile", store.pos_profile)
	if not profile.customer:
		profile.db_set("customer", walk_in_customer(store))
	item = next(item for item in chain.items if item.is_fresh and item.barcode)
	today = getdate(nowdate())
	batches = ((FRESH_BATCH, add_days(today, 3)), (EXPIRED_BATCH, add_days(today, -2)), (MARKDOWN_BATCH, add_days(today, 1)))
	for batch, expiry in batches:
		if frappe.db.exists("Batch", batch):
			frappe.db.set_value("Batch", batch, {"expiry_date": expiry, "disabled": 0})
		else:
			frappe.get_doc({"doctype": "Batch", "batch_id": batch, "item": item.code, "expiry_date": expiry}).insert()
	for batch in (FRESH_BATCH, MARKDOWN_BATCH):
		on_hand = frappe.db.sql(
			"SELECT COALESCE(SUM(entry.qty), 0) FROM `tabSerial and Batch Entry` entry WHERE entry.batch_no = %s "
			"AND entry.warehouse = %s AND entry.docstatus = 1",
			(batch, store.warehouse),
		)[0][0]
		if on_hand < 5:
			receipt = frappe.get_doc(
				{
					"doctype": "Stock Entry",
					"stock_entry_type": "Material Receipt",
					"company": store.company,
					"items": [{"item_code": item.code, "qty": 10, "t_warehouse": store.warehouse, "basic_rate": item.cost,
						"use_serial_batch_fields": 1, "batch_no": batch}],
				}
			)
			receipt.insert()
			receipt.submit()
	# the expiry job marks the batch expiring tomorrow down and writes its batch Item Price (the ladder is
	# removed again: the price stays, as it would until the batch's expiry)
	if not frappe.db.exists("Fresh Markdown Ladder", LADDER):
		frappe.get_doc(
			{"doctype": "Fresh Markdown Ladder", "ladder_name": LADDER, "item_code": item.code, "near_expiry_days": 3,
				"steps": [{"days_before_expiry": 2, "percent_off": 20}, {"days_before_expiry": 1, "percent_off": 40},
					{"days_before_expiry": 0, "from_time": "18:00:00", "percent_off": 70}]}
		).insert()
	run_expiry_job(store=store.name)
	frappe.delete_doc("Fresh Markdown Ladder", LADDER, force=True)
	regular, markdown = (
		frappe.db.get_value(
			"Item Price", {"item_code": item.code, "price_list": store.price_list, "selling": 1, "batch_no": batch}, "price_list_rate"
		)
		for batch in (["is", "not set"], MARKDOWN_BATCH)
	)
	for opening in frappe.get_all(
		"POS Opening Entry", {"user": "Administrator", "status": "Open", "docstatus": 1}, ["name", "posting_date", "pos_profile"]
	):
		if getdate(opening.posting_date) != today or opening.pos_profile != profile.name:
			frappe.get_doc("POS Opening Entry", opening.name).cancel()
	if not frappe.db.exists("POS Opening Entry", {"user": "Administrator", "status": "Open", "docstatus": 1}):
		opening = frappe.get_doc(
			{
				"doctype": "POS Opening Entry",
				"pos_profile": profile.name,
				"company": profile.company,
				"user": "Administrator",
				"period_start_date": now_datetime(),
				"posting_date": nowdate(),
				"balance_details": [{"mode_of_payment": row.mode_of_payment, "opening_amount": 0} for row in profile.payments],
			}
		)
		opening.insert()
		opening.submit()
	# as the desk's Session Defaults sets it (the scrubbed doctype name)
	frappe.defaults.set_user_default("retail_store", store.name, "Administrator")
	frappe.db.commit()
	return {
		"store": store.name,
		"pos_profile": profile.name,
		"item_code": item.code,
		"item_name": item.name,
		"fresh_batch": FRESH_BATCH,
		"fresh_label": gs1_element_string(item.barcode, add_days(today, 3), FRESH_BATCH),
		"expired_label": gs1_element_string(item.barcode, add_days(today, -2), EXPIRED_BATCH),
		"markdown_batch": MARKDOWN_BATCH,
		"markdown_label": gs1_element_string(item.barcode, add_days(today, 1), MARKDOWN_BATCH),
		"regular_rate": float(regular or 0),
		"markdown_rate": float(markdown or 0),
	}


def clean_up() -> None:
	"""After the pages: the Administrator's default store goes again. Left set, it fills the Store accounting
	dimension of every new voucher, also those ERPNext's test records make for another company, which ERPNext
	then refuses ("S001 does not belong to the Company")."""
	frappe.set_user("Administrator")
	frappe.defaults.clear_user_default("retail_store", "Administrator")
	frappe.db.commit()
