"""Write a generated apparel scenario (`scenario.py`) into a database (store layer).

Writes the ERPNext slice the scan reads — company, warehouses, item groups, templates and variants with
their Size and Colour rows, Bins — the Retail Stores, the sales as audited till transactions (one per
store and business day, a line per variant sold that day) and the rule. Rows are written with multi-row
inserts; the standalone host only (on a site the same data would be ERPNext documents).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from retail_suite.apparel.broken_size import BrokenSizeRule, KeySize
from retail_suite.apparel.broken_sizes import save_rule
from retail_suite.apparel.matrix import COLOUR_ATTRIBUTE, SIZE_ATTRIBUTE
from retail_suite.apparel.scenario import KEY_SIZES, SIZES, Scenario
from retail_suite.db.port import Database, insert_rows

OWNER = "Administrator"
SCENARIO_RULE = "Scenario key sizes"

Tick = Callable[[str, int], None]


def scenario_rule(scenario: Scenario, min_style_sales: int = 3, cover_days: int = 14) -> BrokenSizeRule:
	"""The rule the scenario is measured with: S, M and L at depth 1 for both item groups' root."""
	return BrokenSizeRule(
		name=SCENARIO_RULE,
		key_sizes=tuple(KeySize(size, 1) for size in KEY_SIZES),
		item_group="Apparel",
		min_style_sales=min_style_sales,
		lookback_days=scenario.config.lookback_days,
		cover_days=cover_days,
		donor_max_sell_through=0.3,
		distribution_warehouse=scenario.distribution_warehouse,
	)


def _stamped(rows: Iterator[Sequence[Any]], now: datetime) -> Iterator[tuple[Any, ...]]:
	for row in rows:
		yield (*row, now, now, OWNER, OWNER)


STAMP = ("creation", "modified", "owner", "modified_by")


def _hash_name(*parts: str) -> str:
	# 16 hex digits: 10 (ERPNext's random hash length) collide among a benchmark's 2.5 million Bins
	return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def write_scenario(
	db: Database, scenario: Scenario, rule: BrokenSizeRule | None = None, progress: Tick | None = None
) -> dict[str, int]:
	"""Write the scenario and its rule (default `scenario_rule`); returns rows written per table."""
	tick = progress or (lambda _what, _units: None)
	config = scenario.config
	now = datetime.now()
	written: dict[str, int] = {}

	def put(table: str, columns: Sequence[str], rows) -> None:
		count = insert_rows(db, table, (*columns, *STAMP), _stamped(iter(rows), now))
		written[table] = written.get(table, 0) + count
		tick(table, count)

	with db.transaction():
		put("tabCompany", ("name", "company_name", "abbr", "default_currency"), [(config.company, config.company, config.abbr, "USD")])
		root = f"All Warehouses - {config.abbr}"
		warehouses = [(root, "All Warehouses", config.company, 1, None)]
		warehouses += [(scenario.warehouse(store), f"{store} Store", config.company, 0, root) for store in scenario.stores]
		if scenario.distribution_warehouse:
			warehouses.append((scenario.distribution_warehouse, "Distribution Centre", config.company, 0, root))
		put("tabWarehouse", ("name", "warehouse_name", "company", "is_group", "parent_warehouse"), warehouses)
		put(
			"tabRetail Store",
			("name", "store_code", "store_name", "store_format", "company", "warehouse", "time_zone"),
			[(store, store, f"Apparel store {store}", "Apparel", config.company, scenario.warehouse(store), "UTC")
				for store in scenario.stores],
		)
		groups = sorted({style.item_group for style in scenario.styles})
		put(
			"tabItem Group",
			("name", "item_group_name", "parent_item_group", "is_group"),
			[("Apparel", "Apparel", None, 1)] + [(group, group, "Apparel", 0) for group in groups],
		)
		put(
			"tabItem",
			("name", "item_code", "item_name", "item_group", "stock_uom", "is_stock_item", "has_variants", "variant_of",
				"standard_rate"),
			(
				row
				for style in scenario.styles
				for row in (
					[(style.code, style.code, style.name, style.item_group, "Nos", 0, 1, None, style.price)]
					+ [
						(style.variant(size, colour), style.variant(size, colour), f"{style.name} {colour} {size}",
							style.item_group, "Nos", 1, 0, style.code, style.price)
						for colour in style.colours
						for size in SIZES
					]
				)
			),
		)
		put(
			"tabItem Variant Attribute",
			("name", "parent", "parentfield", "parenttype", "idx", "variant_of", "attribute", "attribute_value"),
			(
				row
				for style in scenario.styles
				for colour in style.colours
				for size in SIZES
				for row in (
					(f"{style.variant(size, colour)}-Size", style.variant(size, colour), "attributes", "Item", 1, style.code,
						SIZE_ATTRIBUTE, size),
					(f"{style.variant(size, colour)}-Colour", style.variant(size, colour), "attributes", "Item", 2, style.code,
						COLOUR_ATTRIBUTE, colour),
				)
			),
		)
		put(
			"tabBin",
			("name", "item_code", "warehouse", "actual_qty", "projected_qty", "stock_uom"),
			# named by a hash, as ERPNext names Bins: rows lie in no useful order on disk
			((_hash_name(item, warehouse), item, warehouse, qty, qty, "Nos") for (warehouse, item), qty in scenario.stock.items()),
		)
		prices = {style.variant(size, colour): style.price for style in scenario.styles for colour in style.colours for size in SIZES}
		by_day: dict[tuple[str, date], list[tuple[str, int]]] = {}
		for (store, day, item), qty in scenario.sales.items():
			by_day.setdefault((store, day), []).append((item, qty))
		transactions = []
		lines = []
		for number, ((store, day), sold) in enumerate(sorted(by_day.items()), 1):
			terminal = f"{store}-{config.terminal_suffix}"
			name = f"{terminal}-{day:%Y%m%d}-{number:06d}"
			total = round(sum(prices[item] * qty for item, qty in sold), 2)
			transactions.append(
				(name, name, terminal, store, day, number, "Sale", "Offline Till", "Audited", "USD", total, total, total)
			)
			for idx, (item, qty) in enumerate(sorted(sold), 1):
				lines.append(
					(f"{name}-{idx}", name, "lines", "POS Transaction", idx, idx, item, qty, "Nos", prices[item],
						round(prices[item] * qty, 2), 1)
				)
		put(
			"tabPOS Transaction",
			("name", "transaction_key", "terminal", "store", "business_day", "transaction_number", "transaction_type",
				"source", "status", "currency", "net_total", "grand_total", "tender_total"),
			transactions,
		)
		put(
			"tabPOS Transaction Line",
			("name", "parent", "parentfield", "parenttype", "idx", "line_id", "item_code", "qty", "uom", "unit_price",
				"net_amount", "direction"),
			lines,
		)
	save_rule(db, rule or scenario_rule(scenario))
	return written


def write_till_transaction(
	db: Database,
	store: str,
	business_day: date,
	lines: Sequence[tuple[str, float, float]],
	number: int = 1,
	status: str = "Audited",
	terminal: str | None = None,
) -> str:
	"""One till transaction of a store and day with `lines` (variant, qty, unit price; a negative qty is
	goods taken back), written as the POSDM log holds it; returns its name."""
	terminal = terminal or f"{store}-T01"
	name = f"{terminal}-{business_day:%Y%m%d}-{number:06d}"
	now = datetime.now()
	total = round(sum(qty * price for _item, qty, price in lines), 2)
	kind = "Return" if total < 0 else "Sale"
	with db.transaction():
		insert_rows(
			db,
			"tabPOS Transaction",
			("name", "transaction_key", "terminal", "store", "business_day", "transaction_number", "transaction_type",
				"source", "status", "currency", "net_total", "grand_total", "tender_total", *STAMP),
			[(name, name, terminal, store, business_day, number, kind, "External API", status, "USD", total, total, total,
				now, now, OWNER, OWNER)],
		)
		insert_rows(
			db,
			"tabPOS Transaction Line",
			("name", "parent", "parentfield", "parenttype", "idx", "line_id", "item_code", "qty", "uom", "unit_price",
				"net_amount", "direction", "returned", *STAMP),
			[(f"{name}-{idx}", name, "lines", "POS Transaction", idx, idx, item, abs(qty), "Nos", price,
				round(abs(qty) * price, 2), -1 if qty < 0 else 1, int(qty < 0), now, now, OWNER, OWNER)
				for idx, (item, qty, price) in enumerate(lines, 1)],
		)
	return name
