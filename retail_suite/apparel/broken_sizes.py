"""Broken-size scan (store layer): the daily job that lists broken styles per store with transfer suggestions.

`scan_broken_sizes(db, as_of)` reads, per store, the units each variant sold (net of returns, audited or
posted till transactions) in the rules' look-back windows — the days before `as_of` — and the stock on hand
now (`tabBin`; a variant without a Bin holds 0) of the styles that still sell there, then applies the pure
rules of `broken_size.py`. Reads are per store and per chunk of styles, through indexes: POS Transaction
(store, business_day, status), Item.variant_of, Bin (item_code, warehouse).

`run_broken_sizes(db, as_of)` writes the result as Broken Size Alert rows (with their missing cells and
transfer suggestions), one per store, style and day: a rerun on the same day replaces the day's Open alerts
and keeps the ones a transfer draft was made for.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from retail_suite.apparel.broken_size import (
	BrokenSizeRule,
	BrokenStyle,
	CellStock,
	DonorStock,
	KeySize,
	Transfer,
	check_rule,
	evaluate_style,
	plan_transfers,
	rank_broken,
	rule_for,
	shares,
)
from retail_suite.apparel.matrix import Variant
from retail_suite.apparel.styles import (
	ancestry,
	group_sizes,
	item_group_tree,
	style_variants,
	templates,
)
from retail_suite.db.port import Database, chunked, in_placeholders, insert_rows, where_equal
from retail_suite.errors import ValidationError

OWNER = "Administrator"
CHUNK = 1000
Progress = Callable[[str, int], Callable[[str, int], None]]

ALERT_COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "business_day", "store", "warehouse", "style",
	"style_name", "item_group", "status", "rank", "missing_sizes", "lost_sales_qty", "lost_sales_value",
	"style_sold", "rule", "suggested_qty",
)  # fmt: skip
CELL_COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "parent", "parentfield", "parenttype", "idx",
	"item_code", "size", "colour", "on_hand", "min_depth", "daily_rate", "lost_units", "need",
)  # fmt: skip
TRANSFER_COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "parent", "parentfield", "parenttype", "idx",
	"item_code", "size", "colour", "from_warehouse", "from_store", "qty", "donor_on_hand", "donor_sell_through",
)  # fmt: skip


# --- rules ------------------------------------------------------------------------------------------------


def load_rules(db: Database, name: str | None = None, enabled_only: bool = True) -> list[BrokenSizeRule]:
	"""Broken Size Rules with their key sizes: one by name, or every enabled one."""
	if name:
		rows = db.sql(
			"SELECT rule.name, rule.enabled, rule.style, rule.item_group, rule.store, rule.min_style_sales, "
			"rule.lookback_days, rule.cover_days, rule.donor_max_sell_through, rule.distribution_warehouse "
			"FROM `tabBroken Size Rule` rule WHERE rule.name = %s",
			(name,),
		)
		if not rows:
			raise ValidationError(f"no Broken Size Rule {name}", fix="check the rule's name")
	else:
		rows = db.sql(
			"SELECT rule.name, rule.enabled, rule.style, rule.item_group, rule.store, rule.min_style_sales, "
			"rule.lookback_days, rule.cover_days, rule.donor_max_sell_through, rule.distribution_warehouse "
			"FROM `tabBroken Size Rule` rule WHERE rule.enabled = 1 OR %s = 0 ORDER BY rule.name",
			(int(enabled_only),),
		)
	keys: dict[str, list[KeySize]] = {}
	for row in db.sql(
		"SELECT key_size.parent, key_size.size, key_size.min_depth FROM `tabBroken Size Key Size` key_size "
		"WHERE key_size.parenttype = 'Broken Size Rule' ORDER BY key_size.parent, key_size.idx"
	):
		keys.setdefault(row["parent"], []).append(KeySize((row["size"] or "").strip(), int(row["min_depth"] or 0)))
	return [
		BrokenSizeRule(
			name=row["name"],
			key_sizes=tuple(keys.get(row["name"], ())),
			style=row["style"] or None,
			item_group=row["item_group"] or None,
			store=row["store"] or None,
			min_style_sales=int(row["min_style_sales"] or 0),
			lookback_days=int(row["lookback_days"] or 0),
			cover_days=int(row["cover_days"] or 0),
			donor_max_sell_through=float(row["donor_max_sell_through"] or 0) / 100,
			distribution_warehouse=row["distribution_warehouse"] or None,
			enabled=bool(row["enabled"]),
		)
		for row in rows
	]


def rule_problems(db: Database, rule: BrokenSizeRule) -> list[str]:
	"""The rule checked against the template (or the item group's templates) it is for."""
	template_sizes = None
	sizes_of_group = None
	if rule.style:
		found = templates(db, [rule.style])
		if not found:
			return [f"rule {rule.name}: style {rule.style} is not an Item template (Has Variants is off)"]
		template_sizes = [variant.size for variant in style_variants(db, [rule.style]).get(rule.style, [])]
	elif rule.item_group:
		sizes_of_group = group_sizes(db, rule.item_group)
	return check_rule(rule, template_sizes, sizes_of_group)


def save_rule(db: Database, rule: BrokenSizeRule) -> None:
	"""Write a rule and its key sizes (standalone; on a site the form saves it), refused when it is bad."""
	problems = rule_problems(db, rule)
	if problems:
		raise ValidationError("; ".join(problems), record=f"Broken Size Rule {rule.name}")
	now = datetime.now()
	with db.transaction():
		db.execute("DELETE FROM `tabBroken Size Key Size` WHERE parent = %s AND parenttype = 'Broken Size Rule'", (rule.name,))
		db.execute("DELETE FROM `tabBroken Size Rule` WHERE name = %s", (rule.name,))
		insert_rows(
			db,
			"tabBroken Size Rule",
			("name", "creation", "modified", "owner", "modified_by", "rule_name", "enabled", "style", "item_group",
				"store", "min_style_sales", "lookback_days", "cover_days", "donor_max_sell_through",
				"distribution_warehouse"),
			[(rule.name, now, now, OWNER, OWNER, rule.name, int(rule.enabled), rule.style, rule.item_group, rule.store,
				rule.min_style_sales, rule.lookback_days, rule.cover_days, round(rule.donor_max_sell_through * 100, 6),
				rule.distribution_warehouse)],
		)
		insert_rows(
			db,
			"tabBroken Size Key Size",
			("name", "creation", "modified", "owner", "modified_by", "parent", "parentfield", "parenttype", "idx",
				"size", "min_depth"),
			[(f"{rule.name}-{idx}", now, now, OWNER, OWNER, rule.name, "key_sizes", "Broken Size Rule", idx, key.size,
				key.min_depth) for idx, key in enumerate(rule.key_sizes, 1)],
		)


# --- the scan ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreInfo:
	name: str
	warehouse: str
	company: str | None


@dataclass
class SoldUnits:
	style: str
	sold: float = 0.0
	amount: float = 0.0


@dataclass
class BrokenSizeScan:
	as_of: date
	broken: list[BrokenStyle] = field(default_factory=list)
	transfers: list[Transfer] = field(default_factory=list)
	rules: dict[str, BrokenSizeRule] = field(default_factory=dict)
	stores: dict[str, StoreInfo] = field(default_factory=dict)
	styles: dict[str, dict[str, Any]] = field(default_factory=dict)
	#: (store, style) pairs a rule applied to and that still sold there
	pairs_checked: int = 0
	seconds: float = 0.0

	def transfers_for(self, store: str, style: str) -> list[Transfer]:
		return [transfer for transfer in self.transfers if transfer.store == store and transfer.style == style]


def stores(db: Database) -> dict[str, StoreInfo]:
	"""Open stores with their warehouse and its company."""
	rows = db.sql(
		"SELECT store.name, store.warehouse, warehouse.company FROM `tabRetail Store` store "
		"LEFT JOIN `tabWarehouse` warehouse ON warehouse.name = store.warehouse "
		"WHERE store.disabled = 0 AND store.warehouse IS NOT NULL ORDER BY store.name"
	)
	return {row["name"]: StoreInfo(row["name"], row["warehouse"], row["company"]) for row in rows}


def variant_sales(db: Database, store: str, first_day: date, last_day: date) -> dict[str, SoldUnits]:
	"""Units and net amount each variant sold in a store over the days (audited or posted; returns count back)."""
	rows = db.sql(
		"SELECT line.item_code, variant.variant_of AS style, SUM(line.qty * line.direction) AS sold, "
		"SUM(line.net_amount * line.direction) AS amount "
		"FROM `tabPOS Transaction` txn "
		"JOIN `tabPOS Transaction Line` line ON line.parent = txn.name "
		"JOIN `tabItem` variant ON variant.name = line.item_code "
		"WHERE txn.store = %s AND txn.business_day BETWEEN %s AND %s AND txn.status IN ('Audited', 'Posted') "
		"AND variant.variant_of IS NOT NULL "
		"GROUP BY line.item_code, variant.variant_of",
		(store, first_day, last_day),
	)
	return {
		row["item_code"]: SoldUnits(row["style"], float(row["sold"] or 0), float(row["amount"] or 0)) for row in rows
	}


def stock_of_styles(db: Database, warehouse: str, styles: Sequence[str]) -> dict[str, float]:
	"""On hand per variant of the styles in one warehouse (variants without a Bin are left out)."""
	on_hand: dict[str, float] = {}
	for chunk in chunked([(style,) for style in styles], CHUNK):
		names = [style for (style,) in chunk]
		for row in db.sql(
			"SELECT bin.item_code, bin.actual_qty FROM `tabBin` bin JOIN `tabItem` variant ON variant.name = bin.item_code "
			"WHERE bin.warehouse = %s AND variant.variant_of IN " + in_placeholders(names),
			[warehouse, *names],
		):
			on_hand[row["item_code"]] = float(row["actual_qty"] or 0)
	return on_hand


def stock_elsewhere(db: Database, variants: Iterable[str]) -> dict[str, list[tuple[str, float]]]:
	"""Warehouses holding each variant (on hand above 0)."""
	held: dict[str, list[tuple[str, float]]] = {}
	for chunk in chunked([(variant,) for variant in sorted(set(variants))], CHUNK):
		names = [variant for (variant,) in chunk]
		for row in db.sql(
			"SELECT bin.item_code, bin.warehouse, bin.actual_qty FROM `tabBin` bin "
			"WHERE bin.actual_qty > 0 AND bin.item_code IN " + in_placeholders(names),
			names,
		):
			held.setdefault(row["item_code"], []).append((row["warehouse"], float(row["actual_qty"])))
	return held


def warehouse_companies(db: Database, warehouses: Iterable[str]) -> dict[str, str | None]:
	names = sorted({name for name in warehouses if name})
	if not names:
		return {}
	return {
		row["name"]: row["company"]
		for row in db.sql(
			"SELECT warehouse.name, warehouse.company FROM `tabWarehouse` warehouse WHERE warehouse.name IN "
			+ in_placeholders(names),
			names,
		)
	}


def _window(as_of: date, lookback_days: int) -> tuple[date, date]:
	return as_of - timedelta(days=lookback_days), as_of - timedelta(days=1)


def scan_broken_sizes(db: Database, as_of: date, progress: Progress | None = None) -> BrokenSizeScan:
	"""Broken styles per store as of a day (ranked by lost sales) and the transfers that would fill them."""
	started = time.perf_counter()
	scan = BrokenSizeScan(as_of)
	rules = load_rules(db)
	if not rules:
		return scan
	scan.rules = {rule.name: rule for rule in rules}
	scan.stores = stores(db)
	stage = progress or (lambda _stage, _total: (lambda _what, _units: None))
	tree = item_group_tree(db)
	lookbacks = sorted({rule.lookback_days for rule in rules})
	longest = lookbacks[-1]

	# pass 1: what each store sold per look-back window
	tick = stage("Broken sizes: sales", len(scan.stores) * len(lookbacks))
	sales: dict[int, dict[str, dict[str, SoldUnits]]] = {days: {} for days in lookbacks}
	for store in scan.stores:
		for days in lookbacks:
			sales[days][store] = variant_sales(db, store, *_window(as_of, days))
			tick(store, 1)
	sold_styles = sorted({units.style for by_store in sales[longest].values() for units in by_store.values()})
	scan.styles = templates(db, sold_styles)
	groups = {style: ancestry(tree, row["item_group"]) for style, row in scan.styles.items()}

	# which (store, style) still sell under their rule
	selling: dict[str, list[tuple[str, BrokenSizeRule]]] = {}
	style_rule: dict[tuple[str, str], BrokenSizeRule | None] = {}
	for store in scan.stores:
		style_sold: dict[int, dict[str, float]] = {}
		for days in lookbacks:
			totals = style_sold.setdefault(days, {})
			for units in sales[days][store].values():
				totals[units.style] = totals.get(units.style, 0.0) + units.sold
		for style in sorted(style_sold[longest]):
			if style not in scan.styles:
				continue
			rule = rule_for(rules, style, groups[style], store)
			style_rule[(store, style)] = rule
			if rule is not None and style_sold[rule.lookback_days].get(style, 0.0) >= rule.min_style_sales:
				selling.setdefault(store, []).append((style, rule))
	checked_styles = sorted({style for pairs in selling.values() for style, _ in pairs})
	variants = style_variants(db, checked_styles)

	# the chain's size curve, colour mix and average price per style (longest window)
	by_size: dict[str, dict[str, float]] = {}
	by_colour: dict[str, dict[str, float]] = {}
	price: dict[str, list[float]] = {}
	attributes = {variant.item_code: variant for found in variants.values() for variant in found}
	for by_store in sales[longest].values():
		for item_code, units in by_store.items():
			totals = price.setdefault(units.style, [0.0, 0.0])
			totals[0] += units.sold
			totals[1] += units.amount
			variant = attributes.get(item_code)
			if variant is None:
				continue
			sizes = by_size.setdefault(units.style, {})
			sizes[variant.size] = sizes.get(variant.size, 0.0) + units.sold
			colours = by_colour.setdefault(units.style, {})
			colours[variant.colour or ""] = colours.get(variant.colour or "", 0.0) + units.sold
	unit_price = {style: (amount / sold if sold > 0 else 0.0) for style, (sold, amount) in price.items()}

	# pass 2: stock of the selling styles, store by store
	tick = stage("Broken sizes: stock", len(scan.stores))
	broken: list[BrokenStyle] = []
	for store, info in scan.stores.items():
		pairs = selling.get(store, [])
		on_hand = stock_of_styles(db, info.warehouse, [style for style, _ in pairs]) if pairs else {}
		for style, rule in pairs:
			found_variants: list[Variant] = variants.get(style, [])
			if not found_variants:
				continue
			scan.pairs_checked += 1
			window_sales = sales[rule.lookback_days][store]
			cells = [
				CellStock(
					variant.item_code, variant.size, variant.colour, on_hand.get(variant.item_code, 0.0),
					window_sales[variant.item_code].sold if variant.item_code in window_sales else 0.0,
				)
				for variant in found_variants
			]
			size_share = shares(by_size.get(style, {}), {variant.size for variant in found_variants})
			colour_share = shares(by_colour.get(style, {}), {variant.colour or "" for variant in found_variants})
			result = evaluate_style(store, style, rule, cells, size_share, colour_share, unit_price.get(style, 0.0))
			if result is not None:
				broken.append(result)
		tick(store, 1)
	scan.broken = rank_broken(broken)

	# donors: stores (same company) and distribution warehouses holding the missing variants
	missing_variants = {cell.item_code for found in scan.broken for cell in found.missing}
	held = stock_elsewhere(db, missing_variants) if missing_variants else {}
	store_of_warehouse = {info.warehouse: store for store, info in scan.stores.items()}
	centres = {rule.distribution_warehouse for rule in rules if rule.distribution_warehouse}
	companies = warehouse_companies(db, centres)
	style_of = {variant.item_code: style for style, found in variants.items() for variant in found}
	donors: dict[str, list[DonorStock]] = {}
	for item_code, holdings in held.items():
		variant, style = attributes[item_code], style_of[item_code]
		for warehouse, qty in holdings:
			donor_store = store_of_warehouse.get(warehouse)
			if donor_store is None and warehouse not in centres:
				continue  # neither a store nor a distribution warehouse: work in progress, transit, returns …
			key_depth, sold = 0, 0.0
			if donor_store is not None:
				rule = style_rule.get((donor_store, style)) or rule_for(rules, style, groups.get(style, []), donor_store)
				key_depth = (rule.depth(variant.size) or 0) if rule else 0
				units = sales[longest][donor_store].get(item_code)
				sold = units.sold if units else 0.0
			donors.setdefault(item_code, []).append(
				DonorStock(warehouse, item_code, qty, sold, donor_store, key_depth, longest)
			)
	receiving = {store: info.warehouse for store, info in scan.stores.items()}
	company_of = {
		**{info.warehouse: info.company for info in scan.stores.values()},
		**companies,
	}
	# a transfer stays within one company: drop donors of another company, per receiving store
	planned: list[Transfer] = []
	for company in sorted({info.company or "" for info in scan.stores.values()}):
		in_company = [found for found in scan.broken if (scan.stores[found.store].company or "") == company]
		company_donors = {
			item_code: [donor for donor in found if (company_of.get(donor.warehouse) or "") == company]
			for item_code, found in donors.items()
		}
		planned += plan_transfers(in_company, scan.rules, company_donors, receiving)
	scan.transfers = planned
	scan.seconds = time.perf_counter() - started
	return scan


# --- writing alerts ---------------------------------------------------------------------------------------


def alert_name(as_of: date, store: str, style: str) -> str:
	return f"BSA-{as_of:%Y%m%d}-{store}-{style}"


def write_alerts(db: Database, scan: BrokenSizeScan) -> int:
	"""Replace the day's Open alerts with the scan's; alerts a transfer draft was made for (or closed) stay.
	Returns the alerts written."""
	day = scan.as_of
	now = datetime.now()
	with db.transaction():
		for child in ("tabBroken Size Alert Cell", "tabBroken Size Transfer"):
			db.execute(
				f"DELETE FROM `{child}` WHERE parenttype = 'Broken Size Alert' AND parent IN "
				"(SELECT alert.name FROM `tabBroken Size Alert` alert WHERE alert.business_day = %s AND alert.status = 'Open')",
				(day,),
			)
		db.execute("DELETE FROM `tabBroken Size Alert` WHERE business_day = %s AND status = 'Open'", (day,))
		kept = {
			(row["store"], row["style"])
			for row in db.sql(
				"SELECT alert.store, alert.style FROM `tabBroken Size Alert` alert WHERE alert.business_day = %s", (day,)
			)
		}
		alerts, cells, transfers = [], [], []
		for found in scan.broken:
			if (found.store, found.style) in kept:
				continue
			name = alert_name(day, found.store, found.style)
			style = scan.styles.get(found.style, {})
			suggested = scan.transfers_for(found.store, found.style)
			alerts.append(
				(name, now, now, OWNER, OWNER, day, found.store, scan.stores[found.store].warehouse, found.style,
					style.get("item_name"), style.get("item_group"), "Open", found.rank, found.missing_sizes,
					round(found.lost_units, 2), round(found.lost_value, 2), found.style_sold, found.rule,
					sum(transfer.qty for transfer in suggested))
			)
			for idx, cell in enumerate(found.missing, 1):
				cells.append(
					(f"{name}-C{idx}", now, now, OWNER, OWNER, name, "cells", "Broken Size Alert", idx, cell.item_code,
						cell.size, cell.colour, cell.on_hand, cell.min_depth, round(cell.daily_rate, 6), round(cell.lost_units, 2),
						cell.need)
				)
			for idx, transfer in enumerate(suggested, 1):
				transfers.append(
					(f"{name}-T{idx}", now, now, OWNER, OWNER, name, "transfers", "Broken Size Alert", idx,
						transfer.item_code, transfer.size, transfer.colour, transfer.from_warehouse, transfer.from_store,
						transfer.qty, transfer.donor_on_hand, round(transfer.donor_sell_through * 100, 2))
				)
		insert_rows(db, "tabBroken Size Alert", ALERT_COLUMNS, alerts)
		insert_rows(db, "tabBroken Size Alert Cell", CELL_COLUMNS, cells)
		insert_rows(db, "tabBroken Size Transfer", TRANSFER_COLUMNS, transfers)
	return len(alerts)


def run_broken_sizes(db: Database, as_of: date, progress: Progress | None = None) -> BrokenSizeScan:
	"""The daily job: scan and write the day's alerts."""
	scan = scan_broken_sizes(db, as_of, progress)
	write_alerts(db, scan)
	return scan


def alert_rows(db: Database, as_of: date, store: str | None = None) -> list[dict[str, Any]]:
	"""The day's alerts (of one store, or all), per store by rank."""
	conditions, params = where_equal(alert__business_day=as_of, alert__store=store)
	return db.sql(
		"SELECT alert.name, alert.store, alert.style, alert.style_name, alert.rank, alert.missing_sizes, "
		"alert.lost_sales_qty, alert.lost_sales_value, alert.style_sold, alert.suggested_qty, alert.status, "
		"alert.stock_entry FROM `tabBroken Size Alert` alert WHERE " + " AND ".join(conditions) + " "
		"ORDER BY alert.store, alert.rank",
		params,
	)
