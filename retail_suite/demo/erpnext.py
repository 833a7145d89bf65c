"""Frappe host: create the demo chain's masters as real ERPNext documents (never raw SQL into ERPNext).

Company set-up if missing (ERPNext's setup wizard on a fresh site, a new Company
otherwise), item groups, warehouses and cost centers per store, suppliers, item
attributes, items with EAN-13 barcodes (apparel as templates and variants, fresh
items batch-tracked with shelf life), Item Prices, Retail Stores with POS
Profiles and POS Terminals, members as Customers, and opening stock by Stock
Reconciliation. Every step is idempotent: what exists is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import frappe
from frappe.utils import add_days, getdate, nowdate

from retail_suite.demo.chain import Chain, DemoConfig, Item, Member, StockLine, Store, generate_chain
from retail_suite.demo.traffic import TAX_TEMPLATE, TAXED_DEPARTMENTS

Progress = Callable[[str, int, int], None]
RECONCILIATION_LINES = 400  # lines per opening-stock document: ERPNext submits each line's ledger entries


def create_demo_masters(
	config: DemoConfig, progress: Progress | None = None, with_programme: bool = True
) -> dict[str, int]:
	"""Create (or complete) the demo chain on the current site; returns documents created per doctype.

	`with_programme`: also the demo's promotions, tag rules and birthday campaign (the live tests' chain
	leaves them out: running promotions would price every test's till traffic)."""
	report = progress or (lambda stage, done, total: None)
	chain = generate_chain(config)
	created: dict[str, int] = {}

	def count(doctype: str, n: int = 1) -> None:
		created[doctype] = created.get(doctype, 0) + n

	company = ensure_company(config, count)
	abbr = frappe.db.get_value("Company", company, "abbr")
	ensure_fiscal_year(company, count)
	ensure_payment_and_tax_accounts(company, abbr, count)
	ensure_item_groups(chain, count)
	attribute_values = ensure_item_attributes(chain, count)
	ensure_suppliers(chain, count)
	for store in chain.stores:
		ensure_store(chain, store, company, abbr, count)
	frappe.db.commit()

	suppliers = supplier_names(chain)
	warehouses = {store.code: store_warehouse(store, abbr) for store in chain.stores}
	stock_by_item: dict[str, list] = {}
	for line in chain.stock:
		stock_by_item.setdefault(line.item, []).append(line)
	for done, item in _with_progress(report, "Items", chain.items):
		ensure_item(chain, item, company, suppliers, warehouses, stock_by_item.get(item.code, []), attribute_values, count)
		if done % 200 == 0:
			frappe.db.commit()
	frappe.db.commit()

	for done, member in enumerate(chain.members, 1):
		ensure_member(member, count)
		if done % 200 == 0 or done == len(chain.members):
			frappe.db.commit()
			report("Members", done, len(chain.members))

	create_opening_stock(chain, company, abbr, count, report)
	frappe.db.commit()
	if with_programme:
		ensure_promotions_and_membership(chain, company, count)
		frappe.db.commit()
	return created


def ensure_promotions_and_membership(chain: Chain, company: str, count: Callable[[str, int], None]) -> None:
	"""The demo's promotions (running from today, as Retail Promotion documents — the clearance compiles
	into a Pricing Rule), its member tag rules and the birthday campaign with its coupon promotion."""
	from retail_suite.demo.membership import BIRTHDAY_CAMPAIGN, BIRTHDAY_PROMOTION, DEMO_TAG_RULES
	from retail_suite.demo.promotions import demo_promotions

	today = getdate()
	specs = demo_promotions(chain)
	first = min((spec.header.get("valid_from") for spec in specs if spec.header.get("valid_from")), default=today)
	shift = today - first
	for spec in specs:
		if frappe.db.exists("Retail Promotion", spec.name):
			continue
		header = {key: value for key, value in spec.header.items() if key != "name"}
		for key in ("valid_from", "valid_upto"):
			if header.get(key):
				header[key] = header[key] + shift
		header["company"] = company
		_insert(
			{"doctype": "Retail Promotion", **header, "items": spec.items, "tiers": spec.tiers, "hours": spec.hours,
				"stores": spec.stores},
			count,
		)
	if not frappe.db.exists("Retail Promotion", BIRTHDAY_PROMOTION):
		_insert(
			{"doctype": "Retail Promotion", "promotion_code": BIRTHDAY_PROMOTION, "title": "Birthday treat: 15 % off the basket",
				"promotion_type": "Percent Off", "discount_percent": 15, "source": "Campaign", "members_only": 1,
				"limit_per_member": 1, "company": company},
			count,
		)
	if not frappe.db.exists("Retail Campaign", BIRTHDAY_CAMPAIGN):
		_insert(
			{"doctype": "Retail Campaign", "campaign_name": BIRTHDAY_CAMPAIGN, "campaign_type": "Birthday Care",
				"period": "Year", "promotion": BIRTHDAY_PROMOTION, "coupon_prefix": "BDAY", "channel": "Email",
				"follow_up_days": 30, "subject": "Happy birthday, {{ member_name }}",
				"message": "Happy birthday, {{ member_name }}! Show {{ coupon_code }} at the till for 15 % off your basket this week."},
			count,
		)
	for rule in DEMO_TAG_RULES:
		if frappe.db.exists("Member Tag Rule", rule.tag):
			continue
		_insert(
			{"doctype": "Member Tag Rule", "tag": rule.tag, "enabled": 1, "match_mode": rule.match,
				"conditions": [{"field": c.field, "operator": c.operator, "value": c.value, "value_to": c.value_to}
					for c in rule.conditions]},
			count,
		)


def _with_progress(report: Progress, stage: str, items: list[Item]) -> Iterator[tuple[int, Item]]:
	total = len(items)
	for done, item in enumerate(items, 1):
		yield done, item
		if done % 100 == 0 or done == total:
			report(stage, done, total)


def ensure_company(config: DemoConfig, count: Callable[[str, int], None]) -> str:
	"""The demo company: ERPNext's setup wizard on a fresh site, else a new Company if missing."""
	if frappe.db.exists("Company", config.company):
		return config.company
	if not frappe.db.a_row_exists("Company"):
		from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

		year = getdate(nowdate()).year
		setup_complete(
			{
				"currency": config.currency,
				"full_name": "Retail Demo Admin",
				"company_name": config.company,
				"company_abbr": config.abbr,
				"timezone": "America/New_York",
				"industry": "Retail",
				"country": "United States",
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"language": "english",
				"company_tagline": "Retail demo chain",
				"email": "retail-demo@example.com",
				"password": "retail-demo",
				"chart_of_accounts": "Standard",
			}
		)
	else:
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": config.company,
				"abbr": config.abbr,
				"default_currency": config.currency,
				"country": "United States",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	count("Company", 1)
	return config.company


def ensure_fiscal_year(company: str, count: Callable[[str, int], None]) -> None:
	"""A fiscal year covering today, so opening stock and postings have one."""
	from erpnext.accounts.utils import get_fiscal_year

	today = getdate(nowdate())
	try:
		get_fiscal_year(today, company=company)
	except Exception:
		frappe.clear_messages()
		frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": str(today.year),
				"year_start_date": date(today.year, 1, 1),
				"year_end_date": date(today.year, 12, 31),
			}
		).insert(ignore_permissions=True, ignore_if_duplicate=True)
		count("Fiscal Year", 1)


def _insert(doc: dict, count: Callable[[str, int], None]) -> frappe.model.document.Document:
	document = frappe.get_doc(doc).insert(ignore_permissions=True)
	count(doc["doctype"], 1)
	return document


#: demo modes of payment beyond ERPNext's Cash: (mode, type, settlement account name)
DEMO_MODES = (("Credit Card", "Bank", "Card Settlement"), ("Mobile Wallet", "Phone", "Wallet Settlement"))


def ensure_payment_and_tax_accounts(company: str, abbr: str, count: Callable[[str, int], None]) -> None:
	"""Settlement accounts per card and wallet, the sales tax account and its Item Tax Template, the
	cash over/short account: what the till's tenders and taxes post to."""
	bank_group = frappe.db.get_value("Account", {"company": company, "account_type": "Bank", "is_group": 1}) or frappe.db.get_value(
		"Account", {"company": company, "account_name": "Bank Accounts", "is_group": 1}
	)
	cash_account = frappe.db.get_value("Company", company, "default_cash_account") or frappe.db.get_value(
		"Account", {"company": company, "account_type": "Cash", "is_group": 0}
	)
	ensure_mode_of_payment_account("Cash", company, cash_account)
	for mode, kind, account_name in DEMO_MODES:
		account = f"{account_name} - {abbr}"
		if not frappe.db.exists("Account", account):
			_insert({"doctype": "Account", "account_name": account_name, "company": company, "parent_account": bank_group, "account_type": "Bank"}, count)
		if not frappe.db.exists("Mode of Payment", mode):
			_insert({"doctype": "Mode of Payment", "mode_of_payment": mode, "type": kind, "enabled": 1}, count)
		ensure_mode_of_payment_account(mode, company, account)
	tax_group = frappe.db.get_value("Account", {"company": company, "account_name": "Duties and Taxes", "is_group": 1})
	tax_account = f"US Sales Tax - {abbr}"
	if not frappe.db.exists("Account", tax_account):
		_insert({"doctype": "Account", "account_name": "US Sales Tax", "company": company, "parent_account": tax_group, "account_type": "Tax", "tax_rate": 8}, count)
	if not frappe.db.exists("Item Tax Template", {"title": TAX_TEMPLATE, "company": company}):
		_insert({"doctype": "Item Tax Template", "title": TAX_TEMPLATE, "company": company, "taxes": [{"tax_type": tax_account, "tax_rate": 8}]}, count)
	expense_group = frappe.db.get_value("Account", {"company": company, "account_name": "Indirect Expenses", "is_group": 1})
	if not frappe.db.exists("Account", f"Cash Over and Short - {abbr}"):
		_insert({"doctype": "Account", "account_name": "Cash Over and Short", "company": company, "parent_account": expense_group}, count)


def tax_template_name(company: str) -> str | None:
	return frappe.db.get_value("Item Tax Template", {"title": TAX_TEMPLATE, "company": company})


def ensure_item_groups(chain: Chain, count: Callable[[str, int], None]) -> None:
	root = frappe.db.get_value("Item Group", {"is_group": 1}, order_by="lft asc") or "All Item Groups"
	for group in chain.item_groups:
		if not frappe.db.exists("Item Group", group.name):
			_insert({"doctype": "Item Group", "item_group_name": group.name, "parent_item_group": root}, count)


def ensure_item_attributes(chain: Chain, count: Callable[[str, int], None]) -> dict[str, dict[str, str]]:
	"""Size and Colour attributes with the chain's values; returns {attribute: {demo value: value on this site}}.

	ERPNext's setup wizard already makes Size (Extra Small = XS …) and Colour: their values are reused,
	matched by value or abbreviation, and only what is missing is added."""
	sizes = ["XS", "S", "M", "L", "XL"]
	colours = sorted({colour for style in chain.styles for colour in style.colours})
	mapping: dict[str, dict[str, str]] = {}
	for attribute, values in (("Size", sizes), ("Colour", colours)):
		if not frappe.db.exists("Item Attribute", attribute):
			_insert({"doctype": "Item Attribute", "attribute_name": attribute, "item_attribute_values": []}, count)
		document = frappe.get_doc("Item Attribute", attribute)
		by_value = {row.attribute_value.lower(): row.attribute_value for row in document.item_attribute_values}
		by_abbr = {row.abbr.upper(): row.attribute_value for row in document.item_attribute_values}
		mapping[attribute] = {}
		changed = False
		for value in values:
			found = by_value.get(value.lower()) or by_abbr.get(value.upper() if attribute == "Size" else "")
			if not found:
				abbr = value.upper() if attribute == "Size" else value[:3].upper()
				while abbr in by_abbr:
					abbr += "X"
				document.append("item_attribute_values", {"attribute_value": value, "abbr": abbr})
				by_abbr[abbr] = value
				found = value
				changed = True
			mapping[attribute][value] = found
		if changed:
			document.save(ignore_permissions=True)
	return mapping


def ensure_suppliers(chain: Chain, count: Callable[[str, int], None]) -> None:
	group = frappe.db.get_value("Supplier Group", {"is_group": 0}) or "All Supplier Groups"
	for supplier in chain.suppliers:
		if frappe.db.exists("Supplier", {"supplier_name": supplier.name}):
			continue
		_insert(
			{
				"doctype": "Supplier",
				"supplier_name": supplier.name,
				"supplier_group": group,
				"retail_lead_time_days": supplier.lead_time_days,
			},
			count,
		)


def supplier_names(chain: Chain) -> dict[str, str]:
	"""Demo supplier code → the Supplier's document name on this site."""
	return {
		supplier.code: frappe.db.get_value("Supplier", {"supplier_name": supplier.name})
		for supplier in chain.suppliers
	}


def store_warehouse(store: Store, abbr: str) -> str:
	return f"{store.warehouse_name} - {abbr}"


def ensure_store(chain: Chain, store: Store, company: str, abbr: str, count: Callable[[str, int], None]) -> None:
	"""Warehouse, cost center, POS Profile, Retail Store and its POS Terminals for one store."""
	warehouse = store_warehouse(store, abbr)
	if not frappe.db.exists("Warehouse", warehouse):
		parent = frappe.db.get_value("Warehouse", {"company": company, "is_group": 1}, order_by="lft asc")
		_insert({"doctype": "Warehouse", "warehouse_name": store.warehouse_name, "company": company, "parent_warehouse": parent}, count)
	cost_center = f"{store.warehouse_name} - {abbr}"
	if not frappe.db.exists("Cost Center", cost_center):
		parent = frappe.db.get_value("Cost Center", {"company": company, "is_group": 1}, order_by="lft asc")
		_insert({"doctype": "Cost Center", "cost_center_name": store.warehouse_name, "company": company, "parent_cost_center": parent}, count)
	profile = f"{store.code} {store.name}"
	if not frappe.db.exists("POS Profile", profile):
		# its modes of payment got their company accounts in ensure_payment_and_tax_accounts
		_insert(
			{
				"doctype": "POS Profile",
				"name": profile,
				"__newname": profile,
				"company": company,
				"warehouse": warehouse,
				"cost_center": cost_center,
				"currency": frappe.db.get_value("Company", company, "default_currency"),
				"selling_price_list": "Standard Selling",
				"write_off_account": frappe.db.get_value("Company", company, "write_off_account")
				or frappe.db.get_value("Account", {"company": company, "account_name": "Write Off"}),
				"write_off_cost_center": cost_center,
				"update_stock": 1,
				"payments": [{"mode_of_payment": "Cash", "default": 1}] + [{"mode_of_payment": mode} for mode, _kind, _account in DEMO_MODES],
			},
			count,
		)
	if not frappe.db.exists("Retail Store", store.code):
		_insert(
			{
				"doctype": "Retail Store",
				"store_code": store.code,
				"store_name": store.name,
				"store_format": store.store_format,
				"company": company,
				"warehouse": warehouse,
				"cost_center": cost_center,
				"pos_profile": profile,
				"price_list": "Standard Selling",
				"time_zone": store.time_zone,
				"opening_time": store.opening_time.isoformat(),
				"closing_time": store.closing_time.isoformat(),
				"business_day_cutoff": store.business_day_cutoff.isoformat(),
				"cash_over_short_account": f"Cash Over and Short - {abbr}",
			},
			count,
		)
	if not frappe.db.get_value("POS Profile", profile, "customer"):
		# ERPNext's POS page starts each sale with the profile's customer: the walk-in customer, not a member
		from retail_suite.posdm.erpnext import ensure_walk_in_customer

		frappe.db.set_value("POS Profile", profile, "customer", ensure_walk_in_customer())
	for terminal in store.terminals:
		if not frappe.db.exists("POS Terminal", terminal):
			_insert(
				{
					"doctype": "POS Terminal",
					"store": store.code,
					"terminal_code": terminal.split("-")[-1],
					"device_id": f"DEV-{terminal}",
				},
				count,
			)


def ensure_mode_of_payment_account(mode: str, company: str, account: str | None) -> None:
	if not account:
		return
	document = frappe.get_doc("Mode of Payment", mode)
	if not any(row.company == company for row in document.accounts):
		document.append("accounts", {"company": company, "default_account": account})
		document.save(ignore_permissions=True)


def ensure_item(
	chain: Chain,
	item: Item,
	company: str,
	suppliers: dict[str, str],
	warehouses: dict[str, str],
	stock_lines: list[StockLine],
	attribute_values: dict[str, dict[str, str]],
	count: Callable[[str, int], None],
) -> None:
	"""One SKU (and its apparel template when missing) with barcode, defaults, reorder levels and prices."""
	if frappe.db.exists("Item", item.code):
		ensure_item_prices(item, count)
		return
	if item.style and not frappe.db.exists("Item", item.style):
		style = next(style for style in chain.styles if style.code == item.style)
		_insert(
			{
				"doctype": "Item",
				"item_code": style.code,
				"item_name": style.name,
				"item_group": style.item_group,
				"stock_uom": "Nos",
				"has_variants": 1,
				"variant_based_on": "Item Attribute",
				"attributes": [{"attribute": "Size"}, {"attribute": "Colour"}],
				"valuation_rate": style.cost,
				"item_defaults": [
					{"company": company, "default_supplier": suppliers[style.supplier], "default_warehouse": next(iter(warehouses.values()))}
				],
			},
			count,
		)
	document = {
		"doctype": "Item",
		"item_code": item.code,
		"item_name": item.name,
		"item_group": item.item_group,
		"stock_uom": item.uom,
		"is_stock_item": 1,
		"valuation_rate": item.cost,
		"barcodes": [{"barcode": item.barcode, "barcode_type": "EAN"}],
		"item_defaults": [
			{"company": company, "default_supplier": suppliers[item.supplier], "default_warehouse": next(iter(warehouses.values()))}
		],
	}
	if item.department in TAXED_DEPARTMENTS:
		document["taxes"] = [{"item_tax_template": tax_template_name(company)}]
	if item.style:
		document.update(
			{
				"variant_of": item.style,
				"attributes": [
					{"attribute": "Size", "attribute_value": attribute_values["Size"][item.size]},
					{"attribute": "Colour", "attribute_value": attribute_values["Colour"][item.colour]},
				],
			}
		)
	if item.is_fresh:
		document.update(
			{
				"has_batch_no": 1,
				"create_new_batch": 1,
				"has_expiry_date": 1,
				"shelf_life_in_days": item.shelf_life_days,
				"batch_number_series": f"{item.code}-.#####",
			}
		)
	if item.department in ("grocery", "household"):
		document["reorder_levels"] = [
			{
				"warehouse": warehouses[line.store],
				"warehouse_reorder_level": line.reorder_level,
				"warehouse_reorder_qty": line.reorder_qty,
				"material_request_type": "Purchase",
			}
			for line in stock_lines
			if line.reorder_level > 0
		]
	_insert(document, count)
	ensure_item_prices(item, count)


def ensure_item_prices(item: Item, count: Callable[[str, int], None]) -> None:
	for price_list, rate in (("Standard Selling", item.price), ("Standard Buying", item.cost)):
		if not frappe.db.exists("Item Price", {"item_code": item.code, "price_list": price_list}):
			_insert({"doctype": "Item Price", "item_code": item.code, "price_list": price_list, "price_list_rate": rate}, count)


def ensure_member(member: Member, count: Callable[[str, int], None]) -> None:
	if frappe.db.exists("Customer", {"retail_card_number": member.card_number}):
		return
	_insert(
		{
			"doctype": "Customer",
			"customer_name": member.name,
			"customer_type": "Individual",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}) or "All Customer Groups",
			"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			"gender": member.gender if frappe.db.exists("Gender", member.gender) else None,
			"retail_card_number": member.card_number,
			"retail_phone": member.phone,
			"retail_birthday": member.birthday,
			"retail_join_date": member.join_date,
			"retail_home_store": member.home_store,
			"retail_marketing_consent": int(member.marketing_consent),
		},
		count,
	)


def create_opening_stock(chain: Chain, company: str, abbr: str, count: Callable[[str, int], None], report: Progress) -> None:
	"""Opening stock per store through Stock Reconciliation (purpose Opening Stock), batches for fresh items."""
	if frappe.db.exists("Stock Reconciliation", {"company": company, "purpose": "Opening Stock", "docstatus": 1}):
		return
	opening_account = frappe.db.get_value("Account", {"company": company, "account_name": "Temporary Opening"})
	posting_date = opening_stock_date(company)
	items = {item.code: item for item in chain.items}
	lines: list[dict] = []
	for batch in chain.batches:
		if not frappe.db.exists("Batch", batch.batch_id):
			_insert(
				{
					"doctype": "Batch",
					"batch_id": batch.batch_id,
					"item": batch.item,
					"manufacturing_date": batch.manufacturing_date,
					"expiry_date": batch.expiry_date,
				},
				count,
			)
		lines.append(
			{
				"item_code": batch.item,
				"warehouse": store_warehouse(_store(chain, batch.store), abbr),
				"qty": batch.qty,
				"valuation_rate": items[batch.item].cost,
				"use_serial_batch_fields": 1,
				"batch_no": batch.batch_id,
			}
		)
	for line in chain.stock:
		item = items[line.item]
		if item.is_fresh or line.qty <= 0:
			continue
		lines.append(
			{
				"item_code": line.item,
				"warehouse": store_warehouse(_store(chain, line.store), abbr),
				"qty": line.qty,
				"valuation_rate": line.valuation_rate,
			}
		)
	total = len(lines)
	for start in range(0, total, RECONCILIATION_LINES):
		document = frappe.get_doc(
			{
				"doctype": "Stock Reconciliation",
				"company": company,
				"purpose": "Opening Stock",
				"posting_date": posting_date,
				# at the start of the day: a later receipt that day is no back-dated entry before it
				"posting_time": "00:00:00",
				"set_posting_time": 1,
				"expense_account": opening_account,
				"items": lines[start : start + RECONCILIATION_LINES],
			}
		)
		document.insert(ignore_permissions=True)
		document.submit()
		frappe.db.commit()
		count("Stock Reconciliation", 1)
		report("Opening stock", min(start + RECONCILIATION_LINES, total), total)


def opening_stock_date(company: str) -> date:
	"""Opening stock stands at the start of the current fiscal year, before any till day the demo replays."""
	from erpnext.accounts.utils import get_fiscal_year

	try:
		return getdate(get_fiscal_year(nowdate(), company=company)[1])
	except Exception:
		frappe.clear_messages()
		return getdate(add_days(nowdate(), -1))


def _store(chain: Chain, code: str) -> Store:
	return next(store for store in chain.stores if store.code == code)
