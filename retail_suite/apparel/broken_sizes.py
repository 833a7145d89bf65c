"""Broken-size scan (store layer): the daily job that lists broken styles per store with transfer suggestions.

`scan_broken_sizes(db, as_of)` reads, per store, the units each variant sold (net of returns, audited or
posted till transactions) in the rules' look-back windows — the days before `as_of` — and the stock on hand
now (`tabBin`; a variant without a Bin holds 0) of the styles that still sell there, then applies the pure
rules of `broken_size.py`. Reads go through indexes: POS Transaction (store, business_day, status), POS
Transaction Line (parent, item_code, qty, direction, net_amount), and the (item_code, warehouse, actual_qty)
index retail_suite adds to ERPNext's Bin (`db/indexes.py`), so that no Bin row itself is read.

`run_broken_sizes(db, as_of)` writes the result as Broken Size Alert rows (with their missing cells and
transfer suggestions), one per store, style and day: a rerun on the same day replaces the day's Open alerts
and keeps the ones a transfer draft was made for.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np

from retail_suite.apparel.broken_size import (
	BrokenSizeRule,
	BrokenStyle,
	CellStock,
	DonorStock,
	KeySize,
	RuleIndex,
	Transfer,
	check_rule,
	evaluate_style,
	plan_transfers,
	rank_broken,
	shares,
)
from retail_suite.apparel.matrix import COLOUR_ATTRIBUTE, SIZE_ATTRIBUTE, sell_through
from retail_suite.apparel.styles import ancestry, group_sizes, item_group_tree, style_variants, templates
from retail_suite.db.port import Database, chunked, in_placeholders, insert_rows, where_equal
from retail_suite.errors import ValidationError

OWNER = "Administrator"
CHUNK = 1000
#: stores asked for each missing variant's stock (those that sold it least), besides distribution warehouses
DONOR_CANDIDATES = 4
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
	pairs_selling: int = 0
	#: of those, the pairs with a key size under its depth (or without a Bin) in the store: evaluated in full
	pairs_checked: int = 0
	#: seconds per step
	timings: dict[str, float] = field(default_factory=dict)
	#: seconds of the work done on the second connection alongside the steps (the Bin pass), when there is one
	alongside: dict[str, float] = field(default_factory=dict)
	seconds: float = 0.0

	def transfers_for(self, store: str, style: str) -> list[Transfer]:
		return self._by_pair().get((store, style), [])

	def _by_pair(self) -> dict[tuple[str, str], list[Transfer]]:
		if getattr(self, "_transfer_index", None) is None or self._indexed != len(self.transfers):
			index: dict[tuple[str, str], list[Transfer]] = {}
			for transfer in self.transfers:
				index.setdefault((transfer.store, transfer.style), []).append(transfer)
			self._transfer_index, self._indexed = index, len(self.transfers)
		return self._transfer_index


def stores(db: Database) -> dict[str, StoreInfo]:
	"""Open stores with their warehouse and its company."""
	rows = db.sql(
		"SELECT store.name, store.warehouse, warehouse.company FROM `tabRetail Store` store "
		"LEFT JOIN `tabWarehouse` warehouse ON warehouse.name = store.warehouse "
		"WHERE store.disabled = 0 AND store.warehouse IS NOT NULL ORDER BY store.name"
	)
	return {row["name"]: StoreInfo(row["name"], row["warehouse"], row["company"]) for row in rows}


class StyleVariant(NamedTuple):
	"""A variant's template, size and colour (a named tuple: the scan makes one per variant of the chain)."""

	style: str
	size: str
	colour: str | None


def variant_attributes(db: Database) -> dict[str, StyleVariant]:
	"""Every enabled variant with a size: item -> its template, size and colour. One pass over the Size and
	Colour rows of Item Variant Attribute (ERPNext sets variant_of on every variant's rows), in the order
	read."""
	disabled = {
		name
		for (name,) in db.rows("SELECT item.name FROM `tabItem` item WHERE item.disabled = 1 AND item.variant_of IS NOT NULL")
	}
	sizes: dict[str, tuple[str, str]] = {}
	colours: dict[str, str] = {}
	for parent, style, attribute, value in db.rows(
		"SELECT attr.parent, attr.variant_of, attr.attribute, attr.attribute_value FROM `tabItem Variant Attribute` attr "
		"WHERE attr.parenttype = 'Item' AND attr.variant_of IS NOT NULL AND attr.attribute IN (%s, %s)",
		(SIZE_ATTRIBUTE, COLOUR_ATTRIBUTE),
	):
		if attribute == SIZE_ATTRIBUTE:
			if value and parent not in disabled:
				sizes[parent] = (style, value)
		else:
			colours[parent] = value
	return {item: StyleVariant(style, size, colours.get(item) or None) for item, (style, size) in sizes.items()}


class VariantIndex:
	"""The chain's variants numbered 0 … n-1 and their styles 0 … m-1 (in the order read): the scan keeps
	sales as arrays over these numbers, summed by numpy, instead of a dict entry per store and variant."""

	def __init__(self, attributes: Mapping[str, StyleVariant]) -> None:
		self.items: list[str] = list(attributes)
		self.code: dict[str, int] = {item: number for number, item in enumerate(self.items)}
		self.styles: list[str] = list(dict.fromkeys(variant.style for variant in attributes.values()))
		self.style_code: dict[str, int] = {style: number for number, style in enumerate(self.styles)}
		style_code = self.style_code
		self.style_of = np.fromiter(
			(style_code[variant.style] for variant in attributes.values()), np.int64, len(self.items)
		)
		#: style -> its variants as (item, number, size, colour), in the order read
		self.variants_of: dict[str, list[tuple[str, int, str, str | None]]] = {}
		for number, (item, variant) in enumerate(attributes.items()):
			self.variants_of.setdefault(variant.style, []).append((item, number, variant.size, variant.colour))


@dataclass
class ChainSales:
	"""What the stores sold (audited or posted till transactions; a return counts back) in each look-back
	window before a day, variants only, as arrays over the `VariantIndex` numbers (read-only views: indexing
	one gives a float)."""

	#: {days: {store: units per variant number}}
	units: dict[int, dict[str, memoryview]]
	#: {days: {store: units per style number}}
	style_units: dict[int, dict[str, memoryview]]
	#: {store: the style numbers with a line in the store over the longest window}
	styles_sold: dict[str, list[int]]
	#: over the longest window, across the chain: units per variant, whether the variant had a line, and per
	#: style units and net amount (its average price)
	chain_units: memoryview
	chain_sold: memoryview
	chain_style_units: memoryview
	chain_style_amount: memoryview


def _sums(numbers: np.ndarray, weights: np.ndarray | None, size: int) -> memoryview:
	"""Weights summed per number (0 … size-1), in the order given, as a read-only view of floats."""
	return np.bincount(numbers, weights=weights, minlength=size).astype(np.float64, copy=False).data


def chain_sales(
	db: Database,
	stores: Iterable[str],
	as_of: date,
	lookbacks: Iterable[int],
	index: VariantIndex,
	tick: Callable[[str, int], None] | None = None,
) -> ChainSales:
	"""Each store's sales per variant and per style in each look-back window before `as_of`, and the chain's
	per style and variant over the longest, of the `index`'s variants only.

	A store's lines of the longest window are read as they are, as tuples (item code and amounts from the
	lines' (parent, item_code, qty, direction, net_amount) index; the day within the window too when there
	are several windows: a GROUP BY on the item code costs the server more per line than sending it), then
	numbered and summed per variant and per style by numpy, in the order read."""
	windows = sorted(set(lookbacks))
	longest = windows[-1]
	first_day, last_day = _window(as_of, longest)
	# windows end on the same day: a line counts in every window whose first day is on or before its day
	# (days counted from the longest window's first day)
	shorter = [(longest - days, days) for days in windows[:-1]]
	variants, styles = len(index.items), len(index.styles)
	number_of = index.code.get
	style_of = index.style_of
	units_of: dict[int, dict[str, memoryview]] = {days: {} for days in windows}
	style_units_of: dict[int, dict[str, memoryview]] = {days: {} for days in windows}
	styles_sold: dict[str, list[int]] = {}
	chain_numbers: list[np.ndarray] = []
	chain_units: list[np.ndarray] = []
	chain_amounts: list[np.ndarray] = []
	empty = np.zeros(0, np.int64)
	for store in stores:
		rows = db.rows(
			"SELECT " + ("DATEDIFF(txn.business_day, %s) AS day, " if shorter else "") + "line.item_code, "
			"CAST(COALESCE(line.qty * line.direction, 0) AS DOUBLE) AS units, "
			"CAST(COALESCE(line.net_amount * line.direction, 0) AS DOUBLE) AS amount "
			"FROM `tabPOS Transaction` txn JOIN `tabPOS Transaction Line` line ON line.parent = txn.name "
			"WHERE txn.store = %s AND txn.business_day BETWEEN %s AND %s AND txn.status IN ('Audited', 'Posted')",
			([first_day] if shorter else []) + [store, first_day, last_day],
		)
		columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()][: 4 if shorter else 3]
		numbers = np.fromiter(map(number_of, columns[-3], repeat(-1)), np.int64, len(rows))
		units = np.array(columns[-2], dtype=np.float64)
		amounts = np.array(columns[-1], dtype=np.float64)
		days = np.array(columns[0], dtype=np.int64) if shorter else empty
		known = numbers >= 0
		if not known.all():
			numbers, units, amounts = numbers[known], units[known], amounts[known]
			if shorter:
				days = days[known]
		style_numbers = style_of[numbers]
		units_of[longest][store] = _sums(numbers, units, variants)
		style_units_of[longest][store] = _sums(style_numbers, units, styles)
		styles_sold[store] = np.unique(style_numbers).tolist()
		for start, window in shorter:
			inside = days >= start
			units_of[window][store] = _sums(numbers[inside], units[inside], variants)
			style_units_of[window][store] = _sums(style_numbers[inside], units[inside], styles)
		chain_numbers.append(numbers)
		chain_units.append(units)
		chain_amounts.append(amounts)
		if tick:
			tick(store, 1)
	numbers = np.concatenate(chain_numbers) if chain_numbers else empty
	units = np.concatenate(chain_units) if chain_units else np.zeros(0)
	amounts = np.concatenate(chain_amounts) if chain_amounts else np.zeros(0)
	style_numbers = style_of[numbers]
	return ChainSales(
		units_of,
		style_units_of,
		styles_sold,
		chain_units=_sums(numbers, units, variants),
		chain_sold=_sums(numbers, None, variants),
		chain_style_units=_sums(style_numbers, units, styles),
		chain_style_amount=_sums(style_numbers, amounts, styles),
	)


def short_and_missing_bins(
	db: Database, warehouses: Sequence[str], below: float
) -> tuple[list[tuple[str, str, float]], dict[str, set[str]]]:
	"""One pass over Bin's (item_code, warehouse, actual_qty) index (`db/indexes.py`), in item order, reading
	no Bin row itself: (warehouse, item, on hand) of every Bin in the warehouses holding less than `below`
	(zero and negative stock included), and the items that have a Bin in some but not all of the warehouses,
	with the warehouses that have one. Frappe names never hold '<' or '>': they separate the values. The
	server builds the result before sending it (SQL_BUFFER_RESULT; see `scan_broken_sizes`)."""
	if not warehouses:
		return [], {}
	short: list[tuple[str, str, float]] = []
	held: dict[str, set[str]] = {}
	for row in db.sql(
		"SELECT SQL_BUFFER_RESULT bin.item_code, COUNT(*) AS bins, "
		"GROUP_CONCAT(IF(bin.actual_qty < %s, CONCAT(bin.warehouse, '>', bin.actual_qty), NULL) SEPARATOR '<') AS short, "
		"IF(COUNT(*) < %s, GROUP_CONCAT(bin.warehouse SEPARATOR '<'), NULL) AS held "
		"FROM `tabBin` bin WHERE bin.warehouse IN " + in_placeholders(warehouses) + " "
		"GROUP BY bin.item_code HAVING bins < %s OR short IS NOT NULL",
		[below, len(warehouses), *warehouses, len(warehouses)],
	):
		item = row["item_code"]
		if row["short"] is not None:
			for entry in str(row["short"]).split("<"):
				warehouse, _, qty = entry.rpartition(">")
				short.append((warehouse, item, float(qty)))
		if row["held"] is not None:
			held[item] = set(str(row["held"]).split("<"))
	return short, held


def stock_asked(db: Database, asked: Mapping[str, set[str]]) -> dict[str, list[tuple[str, float]]]:
	"""Stock above 0 of each variant in the warehouses asked for it ({variant: warehouses}), read in item
	order from Bin's (item_code, warehouse, actual_qty) index: each variant's Bins lie side by side there, so
	reading them all (one row per variant) and keeping the asked ones reads less than looking each Bin up.
	Frappe names never hold '<' or '>': they separate the values."""
	held: dict[str, list[tuple[str, float]]] = {}
	for chunk in chunked([(item,) for item in sorted(asked)], CHUNK):
		names = [item for (item,) in chunk]
		for item, holding in db.rows(
			"SELECT bin.item_code, GROUP_CONCAT(CONCAT(bin.warehouse, '>', bin.actual_qty) SEPARATOR '<') AS held "
			"FROM `tabBin` bin WHERE bin.item_code IN " + in_placeholders(names) + " AND bin.actual_qty > 0 "
			"GROUP BY bin.item_code",
			names,
		):
			wanted = asked.get(item, ())
			holdings = []
			for entry in str(holding).split("<"):
				warehouse, _, qty = entry.rpartition(">")
				if warehouse in wanted:
					holdings.append((warehouse, float(qty)))
			if holdings:
				holdings.sort()
				held[item] = holdings
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


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
	"""The scan makes a few million small lists, dicts and tuples, none of them in a reference cycle: Python's
	cyclic collector would walk the growing heap again and again for nothing (about a tenth of the scan)."""
	enabled = gc.isenabled()
	gc.disable()
	try:
		yield
	finally:
		if enabled:
			gc.enable()


def scan_broken_sizes(
	db: Database, as_of: date, progress: Progress | None = None, stock_db: Database | None = None
) -> BrokenSizeScan:
	"""Broken styles per store as of a day (ranked by lost sales) and the transfers that would fill them.

	Reads: the variants' sizes and colours (one pass), each store's sales per item over the rules' windows
	(through the POS Transaction (store, business_day, status) index and the lines' (parent, item_code, …)
	index), then one pass over Bin's (item_code, warehouse, actual_qty) index for the Bins under the deepest
	key-size depth and the variants some store has no Bin for. Only the selling (store, style) pairs with a
	key size among those are evaluated in full; any other cell holds at least the deepest depth. A variant no
	store has a Bin for was never in the assortment: not a broken size.

	With `stock_db`, a second connection to the same database (the standalone host; a Frappe job has one),
	the pass over the Bin index runs on it in a thread while `db` reads the sales: the server walks the index
	while Python sums the lines. The pass asks the server to build its result before sending it
	(SQL_BUFFER_RESULT): the connector lets go of the GIL while it waits for the server, but not while rows
	trickle in, which would stall the sales read for the whole pass. Without `stock_db` the same steps run one
	after the other; the result is the same."""
	with cyclic_gc_paused(), (ThreadPoolExecutor(1, "broken-sizes-bins") if stock_db else nullcontext()) as pool:
		# (leaving the block waits for the thread, also on error)
		return _scan(db, as_of, progress, stock_db, pool)


def _scan(
	db: Database,
	as_of: date,
	progress: Progress | None,
	stock_db: Database | None = None,
	pool: ThreadPoolExecutor | None = None,
) -> BrokenSizeScan:
	started = time.perf_counter()
	clock = started
	scan = BrokenSizeScan(as_of)

	def lap(step: str) -> None:
		nonlocal clock
		now = time.perf_counter()
		scan.timings[step] = round(now - clock, 3)
		clock = now

	rules = load_rules(db)
	if not rules:
		return scan
	scan.rules = {rule.name: rule for rule in rules}
	scan.stores = stores(db)
	deepest = max((key.min_depth for rule in rules for key in rule.key_sizes), default=1)
	warehouses = [info.warehouse for info in scan.stores.values()]

	def bin_pass() -> tuple[list[tuple[str, str, float]], dict[str, set[str]]]:
		begun = time.perf_counter()
		found = short_and_missing_bins(stock_db or db, warehouses, deepest)
		if pool is not None:  # (else the pass is the low-stock step's)
			scan.alongside["bin pass"] = round(time.perf_counter() - begun, 3)
		return found

	stage = progress or (lambda _stage, _total: (lambda _what, _units: None))
	tree = item_group_tree(db)
	lookbacks = sorted({rule.lookback_days for rule in rules})
	longest = lookbacks[-1]
	key_sizes = {key.size for rule in rules for key in rule.key_sizes}
	attributes = variant_attributes(db)
	index = VariantIndex(attributes)
	variants_of, number_of = index.variants_of, index.code
	lap("variants")
	# the Bin pass: on the second connection alongside the sales read (started after the variants read, whose
	# index pages it would otherwise push out of the buffer pool), else when the low-stock step asks for it
	bins = pool.submit(bin_pass).result if pool is not None else bin_pass

	# what each store sold per look-back window, variants only
	sales = chain_sales(db, scan.stores, as_of, lookbacks, index, stage("Broken sizes: sales", len(scan.stores)))
	lap("sales")
	style_names = index.styles
	scan.styles = templates(db, sorted({style_names[number] for sold in sales.styles_sold.values() for number in sold}))
	# (tuples: the rule index keys its cache on them)
	groups = {style: tuple(ancestry(tree, row["item_group"])) for style, row in scan.styles.items()}

	# (store, style) pairs that still sell under their rule
	rule_of = RuleIndex(rules)
	selling: dict[tuple[str, str], BrokenSizeRule] = {}
	for store in scan.stores:
		sold_in = {days: sales.style_units[days][store] for days in lookbacks}
		for number in sales.styles_sold.get(store, ()):
			style = style_names[number]
			in_group = groups.get(style)
			if in_group is None:  # not an enabled template
				continue
			rule = rule_of(style, in_group, store)
			if rule is not None and sold_in[rule.lookback_days][number] >= rule.min_style_sales:
				selling[(store, style)] = rule
	scan.pairs_selling = len(selling)
	lap("rules")

	# cells that may be missing: Bins under the deepest depth, and variants some store has no Bin for
	tick = stage("Broken sizes: stock", 3)
	store_of_warehouse = {info.warehouse: store for store, info in scan.stores.items()}
	short, held = bins()
	low: dict[tuple[str, str], float] = {}
	short_in: dict[str, set[str]] = {}  # variant -> the stores short of it, for choosing donors
	for warehouse, item, qty in short:
		store = store_of_warehouse.get(warehouse)
		variant = attributes.get(item)
		if store is None or variant is None:
			continue
		short_in.setdefault(item, set()).add(store)
		if (store, variant.style) in selling:
			low[(store, item)] = qty
	tick("low stock", 1)
	lap("low stock")
	selling_styles = {style for _, style in selling}
	# variant -> the stores without a Bin for it (some other store has one), of the selling styles' variants
	without_bin: dict[str, list[str]] = {}
	absent: set[tuple[str, str]] = set()
	store_warehouses = [(store, info.warehouse) for store, info in scan.stores.items()]
	for item, holding in held.items():
		variant = attributes.get(item)
		if variant is None or variant.style not in selling_styles:
			continue
		missing_in = without_bin[item] = [store for store, warehouse in store_warehouses if warehouse not in holding]
		absent.update((store, item) for store in missing_in if (store, variant.style) in selling)
	tick("stores without a Bin", 1)
	# (a variant no store has a Bin for was never in the assortment: no broken size, and nothing to transfer)
	candidates: dict[tuple[str, str], None] = dict.fromkeys(
		(store, attributes[item].style) for store, item in [*low, *absent] if attributes[item].size in key_sizes
	)
	lap("missing bins")

	# the chain's size curve, colour mix and average price per style (longest window)
	candidate_styles = {style for _, style in candidates}
	unit_price: dict[str, float] = {}
	for style in candidate_styles:
		number = index.style_code[style]
		sold = sales.chain_style_units[number]
		unit_price[style] = sales.chain_style_amount[number] / sold if sold > 0 else 0.0
	curves: dict[str, tuple[dict[str, float], dict[str, float]]] = {}
	chain_units, chain_sold = sales.chain_units, sales.chain_sold
	for style in candidate_styles:
		items = variants_of[style]
		by_size: dict[str, float] = {}
		by_colour: dict[str, float] = {}
		for _item, number, size, colour in items:
			if chain_sold[number]:
				units = chain_units[number]
				by_size[size] = by_size.get(size, 0.0) + units
				by_colour[colour or ""] = by_colour.get(colour or "", 0.0) + units
		curves[style] = (
			shares(by_size, {size for _item, _number, size, _colour in items}),
			shares(by_colour, {colour or "" for _item, _number, _size, colour in items}),
		)
	broken: list[BrokenStyle] = []
	for store, style in candidates:
		rule = selling[(store, style)]
		window_sales = sales.units[rule.lookback_days][store]
		cells = []
		for item, number, size, colour in variants_of[style]:
			on_hand = low.get((store, item))
			if on_hand is None:
				# at least the deepest depth when neither low nor without a Bin
				on_hand = 0.0 if (store, item) in absent else float(deepest)
			cells.append(CellStock(item, size, colour, on_hand, window_sales[number]))
		scan.pairs_checked += 1
		size_share, colour_share = curves[style]
		result = evaluate_style(store, style, rule, cells, size_share, colour_share, unit_price.get(style, 0.0))
		if result is not None:
			broken.append(result)
	scan.broken = rank_broken(broken)
	lap("evaluate")

	# donors: stores (same company) and distribution warehouses holding the missing variants
	centres = sorted({rule.distribution_warehouse for rule in rules if rule.distribution_warehouse})
	# Each missing cell asks the DONOR_CANDIDATES stores that sold the variant least among those not short
	# of it (and every distribution warehouse).
	asked: dict[str, set[str]] = {}
	slowest: dict[str, list[str]] = {}  # variant -> stores not short of it, the least sold first
	longest_sales = sales.units[longest]
	for found in scan.broken:
		for cell in found.missing:
			item = cell.item_code
			if item not in slowest:
				not_donors = [*short_in.get(item, ()), *without_bin.get(item, ())]
				sold_by = []
				number = number_of[item]
				for store in scan.stores:
					if store not in not_donors:
						sold_by.append((longest_sales[store][number], store))
				slowest[item] = [store for _, store in sorted(sold_by)]
			wanted = asked.setdefault(item, set(centres))
			chosen = [store for store in slowest[item][: DONOR_CANDIDATES + 1] if store != found.store]
			wanted.update(scan.stores[store].warehouse for store in chosen[:DONOR_CANDIDATES])
	held_elsewhere = stock_asked(db, asked)
	tick("stock elsewhere", 1)
	companies = warehouse_companies(db, centres)
	loosest = max(rule.donor_max_sell_through for rule in rules)
	donors: dict[str, list[DonorStock]] = {}
	for item, holdings in held_elsewhere.items():
		variant = attributes[item]
		for warehouse, qty in holdings:
			donor_store = store_of_warehouse.get(warehouse)
			key_depth, sold = 0, 0.0
			if donor_store is not None:
				rule = selling.get((donor_store, variant.style)) or rule_of(variant.style, groups.get(variant.style, ()), donor_store)
				key_depth = (rule.depth(variant.size) or 0) if rule else 0
				sold = longest_sales[donor_store][number_of[item]]
				# a store that cannot spare a unit, or sells the size too fast for any rule, is no donor
				if qty - key_depth < 1 or (sell_through(sold, qty) or 0.0) > loosest + 1e-9:
					continue
			donors.setdefault(item, []).append(DonorStock(warehouse, item, qty, sold, donor_store, key_depth, longest))
	receiving = {store: info.warehouse for store, info in scan.stores.items()}
	company_of = {**{info.warehouse: info.company for info in scan.stores.values()}, **companies}
	# a transfer stays within one company
	planned: list[Transfer] = []
	for company in sorted({info.company or "" for info in scan.stores.values()}):
		in_company = [found for found in scan.broken if (scan.stores[found.store].company or "") == company]
		if not in_company:
			continue
		company_donors = {
			item: [donor for donor in found if (company_of.get(donor.warehouse) or "") == company]
			for item, found in donors.items()
		}
		planned += plan_transfers(in_company, scan.rules, company_donors, receiving)
	scan.transfers = planned
	lap("transfers")
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


def run_broken_sizes(
	db: Database, as_of: date, progress: Progress | None = None, stock_db: Database | None = None
) -> BrokenSizeScan:
	"""The daily job: scan (the Bins on `stock_db` alongside, when given) and write the day's alerts."""
	scan = scan_broken_sizes(db, as_of, progress, stock_db)
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
