"""Write a generated chain into the standalone database: retail_suite's tables and the ERPNext slice.

Store layer: SQL through the Database port, multi-row inserts, one transaction.
Names follow ERPNext's conventions ("<warehouse> - <abbr>", items named by code)
so that the same queries read the same shapes in both hosts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from retail_suite.db.port import Database, insert_rows, quote_identifier
from retail_suite.db.schema import META_TABLE, all_table_specs
from retail_suite.demo.chain import Chain
from retail_suite.errors import ValidationError

OWNER = "Administrator"
MODES_OF_PAYMENT = (
	("Cash", "Cash"), ("Credit Card", "Bank"), ("Mobile Wallet", "Phone"), ("Voucher", "General"), ("Loyalty Points", "General"),
)


def warehouse_name(chain: Chain, store_code: str) -> str:
	store = next(store for store in chain.stores if store.code == store_code)
	return f"{store.warehouse_name} - {chain.config.abbr}"


def _write(
	db: Database, doctype: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], now: datetime
) -> int:
	"""Insert rows with the standard columns (creation, modified, owner…) filled in."""
	standard = ("creation", "modified", "modified_by", "owner")
	stamp = (now, now, OWNER, OWNER)
	return insert_rows(db, f"tab{doctype}", (*columns, *standard), ((*row, *stamp) for row in rows))


def ensure_demo_database(db: Database) -> None:
	"""Refuse to overwrite a database that holds data the demo did not write."""
	marker = db.sql(f"SELECT `value` FROM `{META_TABLE}` WHERE `key` = 'contents'")
	if marker and marker[0]["value"] == "demo":
		return
	in_use = db.sql("SELECT COUNT(*) AS n FROM `tabRetail Store`")[0]["n"]
	if in_use:
		raise ValidationError(
			f"database {db.database_name} holds {in_use} stores that the demo did not create",
			fix="point RETAIL_SUITE_DB (or --db) at another database for the demo",
		)


def clear_tables(db: Database) -> None:
	"""Empty every table of the schema (the demo database is rebuilt on each run)."""
	for spec in all_table_specs():
		db.execute(f"DELETE FROM {quote_identifier(spec.table)}")


def write_chain(db: Database, chain: Chain, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
	"""Replace the demo database's contents with the chain; returns rows written per doctype."""
	tick = progress or (lambda stage, units: None)
	config = chain.config
	abbr = config.abbr
	now = datetime.now()
	written: dict[str, int] = {}
	ensure_demo_database(db)
	with db.transaction():
		clear_tables(db)
		db.execute(f"REPLACE INTO `{META_TABLE}` (`key`, `value`) VALUES ('contents', 'demo')")

		def put(doctype: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
			count = _write(db, doctype, columns, rows, now)
			written[doctype] = written.get(doctype, 0) + count
			tick(doctype, count)

		main_cost_center = f"Main - {abbr}"
		put(
			"Company",
			("name", "company_name", "abbr", "default_currency", "country", "cost_center"),
			[(config.company, config.company, abbr, config.currency, "United States", main_cost_center)],
		)
		put(
			"Cost Center",
			("name", "cost_center_name", "company", "is_group", "parent_cost_center"),
			[(f"{config.company} - {abbr}", config.company, config.company, 1, None), (main_cost_center, "Main", config.company, 0, f"{config.company} - {abbr}")]
			+ [
				(f"{store.warehouse_name} - {abbr}", store.warehouse_name, config.company, 0, f"{config.company} - {abbr}")
				for store in chain.stores
			],
		)
		root_warehouse = f"All Warehouses - {abbr}"
		put(
			"Warehouse",
			("name", "warehouse_name", "company", "is_group", "parent_warehouse"),
			[(root_warehouse, "All Warehouses", config.company, 1, None)]
			+ [
				(warehouse_name(chain, store.code), store.warehouse_name, config.company, 0, root_warehouse)
				for store in chain.stores
			],
		)
		put(
			"Mode of Payment",
			("name", "mode_of_payment", "type", "enabled"),
			[(mode, mode, kind, 1) for mode, kind in MODES_OF_PAYMENT],
		)
		put(
			"Price List",
			("name", "price_list_name", "currency", "selling", "buying", "enabled"),
			[("Standard Selling", "Standard Selling", config.currency, 1, 0, 1), ("Standard Buying", "Standard Buying", config.currency, 0, 1, 1)],
		)
		put("UOM", ("name", "uom_name", "must_be_whole_number"), [("Nos", "Nos", 1), ("Kg", "Kg", 0)])
		put(
			"Item Group",
			("name", "item_group_name", "parent_item_group", "is_group"),
			[("All Item Groups", "All Item Groups", None, 1)]
			+ [(group.name, group.name, "All Item Groups", 0) for group in chain.item_groups],
		)
		put(
			"Retail Store",
			(
				"name", "store_code", "store_name", "store_format", "company", "warehouse", "cost_center",
				"price_list", "time_zone", "opening_time", "closing_time", "business_day_cutoff",
			),
			[
				(
					store.code, store.code, store.name, store.store_format, config.company,
					warehouse_name(chain, store.code), f"{store.warehouse_name} - {abbr}", "Standard Selling",
					store.time_zone, store.opening_time, store.closing_time, store.business_day_cutoff,
				)
				for store in chain.stores
			],
		)
		put(
			"POS Terminal",
			("name", "store", "terminal_code", "device_id", "last_transaction_number"),
			[
				(terminal, store.code, terminal.split("-")[-1], f"DEV-{terminal}", 0)
				for store in chain.stores
				for terminal in store.terminals
			],
		)
		put(
			"Supplier",
			("name", "supplier_name", "supplier_group", "country", "retail_lead_time_days"),
			[(s.code, s.name, s.department.title(), "United States", s.lead_time_days) for s in chain.suppliers],
		)
		put("Item Attribute", ("name", "attribute_name"), [("Size", "Size"), ("Colour", "Colour")])
		colours = sorted({colour for style in chain.styles for colour in style.colours})
		put(
			"Item Attribute Value",
			("name", "attribute_value", "abbr", "parent", "parentfield", "parenttype", "idx"),
			[(f"Size-{size}", size, size, "Size", "item_attribute_values", "Item Attribute", idx)
				for idx, size in enumerate(("XS", "S", "M", "L", "XL"), 1)]
			+ [(f"Colour-{colour}", colour, colour[:3].upper(), "Colour", "item_attribute_values", "Item Attribute", idx)
				for idx, colour in enumerate(colours, 1)],
		)

		item_columns = (
			"name", "item_code", "item_name", "item_group", "stock_uom", "is_stock_item", "has_variants",
			"variant_of", "has_batch_no", "create_new_batch", "has_expiry_date", "shelf_life_in_days",
			"standard_rate", "valuation_rate", "lead_time_days",
		)
		lead_times = {supplier.code: supplier.lead_time_days for supplier in chain.suppliers}
		put(
			"Item",
			item_columns,
			[
				(s.code, s.code, s.name, s.item_group, "Nos", 0, 1, None, 0, 0, 0, 0, s.price, s.cost, lead_times[s.supplier])
				for s in chain.styles
			]
			+ [
				(
					i.code, i.code, i.name, i.item_group, i.uom, 1, 0, i.style, int(i.is_fresh), int(i.is_fresh),
					int(i.is_fresh), i.shelf_life_days, i.price, i.cost, lead_times[i.supplier],
				)
				for i in chain.items
			],
		)
		child = ("parent", "parentfield", "parenttype", "idx")
		put(
			"Item Barcode",
			("name", "barcode", "barcode_type", "uom", *child),
			((f"{i.code}-EAN", i.barcode, "EAN", i.uom, i.code, "barcodes", "Item", 1) for i in chain.items),
		)
		put(
			"Item Variant Attribute",
			("name", "variant_of", "attribute", "attribute_value", *child),
			[
				row
				for i in chain.items
				if i.style
				for row in (
					(f"{i.code}-Size", i.style, "Size", i.size, i.code, "attributes", "Item", 1),
					(f"{i.code}-Colour", i.style, "Colour", i.colour, i.code, "attributes", "Item", 2),
				)
			]
			+ [
				row
				for s in chain.styles
				for row in (
					(f"{s.code}-Size", None, "Size", None, s.code, "attributes", "Item", 1),
					(f"{s.code}-Colour", None, "Colour", None, s.code, "attributes", "Item", 2),
				)
			],
		)
		put(
			"Item Default",
			("name", "company", "default_supplier", "default_price_list", *child),
			((f"{i.code}-DEF", config.company, i.supplier, "Standard Selling", i.code, "item_defaults", "Item", 1) for i in chain.items),
		)
		put(
			"Item Price",
			("name", "item_code", "price_list", "price_list_rate", "uom", "selling", "buying", "currency"),
			(
				row
				for i in chain.items
				for row in (
					(f"{i.code}-SELL", i.code, "Standard Selling", i.price, i.uom, 1, 0, config.currency),
					(f"{i.code}-BUY", i.code, "Standard Buying", i.cost, i.uom, 0, 1, config.currency),
				)
			),
		)
		warehouses = {store.code: warehouse_name(chain, store.code) for store in chain.stores}
		reorder_departments = {"grocery", "household"}
		departments = {item.code: item.department for item in chain.items}
		put(
			"Item Reorder",
			("name", "warehouse", "warehouse_reorder_level", "warehouse_reorder_qty", "material_request_type", *child),
			(
				(f"{line.item}-{line.store}-RO", warehouses[line.store], line.reorder_level, line.reorder_qty,
					"Purchase", line.item, "reorder_levels", "Item", 1)
				for line in chain.stock
				if departments[line.item] in reorder_departments
			),
		)
		put(
			"Bin",
			("name", "item_code", "warehouse", "actual_qty", "projected_qty", "valuation_rate", "stock_value", "stock_uom"),
			(
				(f"{line.item}-{line.store}", line.item, warehouses[line.store], line.qty, line.qty,
					line.valuation_rate, round(line.qty * line.valuation_rate, 2), "Nos")
				for line in chain.stock
			),
		)
		put(
			"Batch",
			("name", "batch_id", "item", "expiry_date", "manufacturing_date", "batch_qty", "stock_uom"),
			((b.batch_id, b.batch_id, b.item, b.expiry_date, b.manufacturing_date, b.qty, "Nos") for b in chain.batches),
		)
		put(
			"Customer",
			(
				"name", "customer_name", "customer_type", "customer_group", "territory", "mobile_no", "gender",
				"retail_card_number", "retail_phone", "retail_birthday", "retail_join_date", "retail_home_store",
				"retail_marketing_consent",
			),
			(
				(m.code, m.name, "Individual", "Individual", "All Territories", m.phone, m.gender, m.card_number,
					m.phone, m.birthday, m.join_date, m.home_store, int(m.marketing_consent))
				for m in chain.members
			),
		)
	return written
