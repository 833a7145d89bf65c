"""Idempotent test-data helpers for the live-site tests (import from here only, never from another test file)."""

from __future__ import annotations

import frappe

TEST_COMPANY = "_Test Company"
TEST_WAREHOUSE = "_Test Warehouse - _TC"


def make_store(store_code: str = "TST1", **overrides) -> frappe.model.document.Document:
	"""A Retail Store on ERPNext's _Test Company (created once, reused)."""
	if frappe.db.exists("Retail Store", store_code):
		return frappe.get_doc("Retail Store", store_code)
	return frappe.get_doc(
		{
			"doctype": "Retail Store",
			"store_code": store_code,
			"store_name": f"Test Store {store_code}",
			"company": TEST_COMPANY,
			"warehouse": TEST_WAREHOUSE,
			"time_zone": "America/New_York",
			"opening_time": "07:00:00",
			"closing_time": "22:00:00",
			"business_day_cutoff": "04:00:00",
			**overrides,
		}
	).insert(ignore_permissions=True)


def make_user(email: str, roles: list[str]) -> str:
	"""A user with exactly these roles (created once; roles reset on every call)."""
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.set("roles", [])
	user.add_roles(*roles)
	return email


DEMO = None


def demo_chain():
	"""A small demo chain created once per test site as ERPNext documents (1 store, 2 tills, 60 SKUs)."""
	global DEMO
	from retail_suite.demo.chain import DemoConfig, generate_chain
	from retail_suite.demo.erpnext import create_demo_masters

	# fresh batches are dated from today, so the days the tests replay sell batches that have not expired
	config = DemoConfig(
		stores=1,
		skus=60,
		members=8,
		seed=11,
		company="Retail Test Chain",
		abbr="RTC",
		start_date=frappe.utils.getdate(),
	)
	if DEMO is None:
		create_demo_masters(config, with_programme=False)
		frappe.db.commit()
		DEMO = generate_chain(config)
	return DEMO


POSDM_TABLES = (
	"POS Transaction Line",
	"POS Transaction Tender",
	"POS Transaction Discount",
	"POS Transaction",
	"POS Sequence Gap",
	"POS Posting Item",
	"POS Posting Tender",
	"POS Posting Discount",
	"POS Posting Document",
	"Store Day Tender",
	"Store Day",
)


def reset_posdm() -> None:
	"""Empty the POSDM tables of the test site (postings commit, so a rerun would otherwise meet its own data)."""
	for doctype in POSDM_TABLES:
		frappe.db.delete(doctype)
	frappe.db.commit()


def restock(chain, qty: float = 300) -> None:
	"""Receive `qty` more of every item into every batch (or the item), dated at the opening stock: posting
	tests replay back-dated till days, and on a rerun the earlier runs' sales have used the stock."""
	from retail_suite.demo.erpnext import opening_stock_date

	company = chain.config.company
	warehouse = frappe.db.get_value("Retail Store", chain.stores[0].code, "warehouse")
	rows = []
	for item in chain.items:
		base = {"item_code": item.code, "qty": qty, "t_warehouse": warehouse, "basic_rate": item.cost}
		if item.is_fresh:
			for batch in frappe.get_all("Batch", {"item": item.code}, pluck="name"):
				rows.append({**base, "batch_no": batch, "use_serial_batch_fields": 1})
		else:
			rows.append(base)
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company,
			"posting_date": opening_stock_date(company),
			# late that day: after the opening Stock Reconciliation whatever the hour it was made at (ERPNext
			# refuses a batch entry dated before a reconciliation of that batch)
			"posting_time": "23:59:00",
			"set_posting_time": 1,
			"items": rows,
		}
	)
	entry.insert(ignore_permissions=True)
	entry.submit()
	frappe.db.commit()


APPAREL_STYLE = "_Test Apparel Tee"
APPAREL_STORES = {"TAP1": "_Test Apparel Downtown", "TAP2": "_Test Apparel Uptown"}


def apparel_chain() -> dict:
	"""An apparel style on the demo chain's company: template APPAREL_STYLE in sizes Small, Medium, Large and
	colours Red and Blue (ERPNext's own Size and Colour values), and two stores TAP1, TAP2 with their own
	warehouses (created once). Returns {"company", "style", "variants": {(size, colour): item}, "warehouses"}."""
	from erpnext.controllers.item_variant import create_variant

	company = demo_chain().config.company
	warehouses = {}
	for code, warehouse_name in APPAREL_STORES.items():
		abbr = frappe.get_cached_value("Company", company, "abbr")
		warehouse = f"{warehouse_name} - {abbr}"
		if not frappe.db.exists("Warehouse", warehouse):
			frappe.get_doc({"doctype": "Warehouse", "warehouse_name": warehouse_name, "company": company}).insert(
				ignore_permissions=True
			)
		make_store(code, company=company, warehouse=warehouse, store_name=warehouse_name)
		warehouses[code] = warehouse
	if not frappe.db.exists("Item", APPAREL_STYLE):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": APPAREL_STYLE,
				"item_name": "Test Apparel Tee",
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, order_by="name asc"),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_variants": 1,
				"variant_based_on": "Item Attribute",
				"valuation_rate": 12,
				"attributes": [{"attribute": "Size"}, {"attribute": "Colour"}],
			}
		).insert(ignore_permissions=True)
	cells: dict[str, dict[str, str]] = {}
	for parent, attribute, value in frappe.db.sql(
		"select parent, attribute, attribute_value from `tabItem Variant Attribute` where variant_of = %s",
		APPAREL_STYLE,
	):
		cells.setdefault(parent, {})[attribute] = value
	variants = {(found.get("Size"), found.get("Colour")): parent for parent, found in cells.items()}
	for size in ("Small", "Medium", "Large"):
		for colour in ("Red", "Blue"):
			if (size, colour) not in variants:
				variant = create_variant(APPAREL_STYLE, {"Size": size, "Colour": colour})
				variant.valuation_rate = 12
				variant.insert(ignore_permissions=True)
				variants[(size, colour)] = variant.name
	frappe.db.commit()
	return {"company": company, "style": APPAREL_STYLE, "variants": variants, "warehouses": warehouses}


def set_stock(company: str, item_code: str, warehouse: str, qty: float, rate: float = 12) -> None:
	"""Bring an item's stock in a warehouse to `qty` with a submitted Material Receipt or Issue (reruns start
	from what the last run left)."""
	current = frappe.db.get_value("Bin", {"item_code": item_code, "warehouse": warehouse}, "actual_qty") or 0
	difference = qty - current
	if not difference:
		return
	receipt = difference > 0
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt" if receipt else "Material Issue",
			"company": company,
			"items": [
				{
					"item_code": item_code,
					"qty": abs(difference),
					("t_warehouse" if receipt else "s_warehouse"): warehouse,
					"basic_rate": rate,
				}
			],
		}
	)
	entry.insert(ignore_permissions=True)
	entry.submit()
