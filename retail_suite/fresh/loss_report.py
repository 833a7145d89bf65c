"""Fresh loss rate and order proposal (store layer): one SQL per figure, the same text in both hosts.

Loss rate per store, item group and ISO week: sales at cost are the audited and posted till lines
(returns taken back) at the store warehouse's valuation rate (the item's when the warehouse has none),
shrink at cost the submitted Shrink Entry lines; the markdown recovery is what lines marked down by a
"Markdown" promotion still sold for, beside the discount they gave. The target is the item group's ladder's
(its own or the nearest group's above), else 3 %.

The order proposal runs the newsvendor (`loss.propose_order`) per store and fresh item from its daily sales
over the last weeks, its shelf life, price and cost, and the batch stock that will still sell.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, in_placeholders
from retail_suite.fresh.ladders import DEFAULT_LOSS_TARGET_PERCENT
from retail_suite.fresh.loss import Demand, OrderInput, OrderProposal, loss_rate, propose_order
from retail_suite.fresh.markdowns import batch_expiry, batch_stock, load_ladders, load_stores

ZERO = Decimal("0")


@dataclass
class LossRow:
	store: str
	item_group: str
	week: str  # ISO week, 2026-W48
	sales_cost: Decimal = ZERO
	shrink_cost: Decimal = ZERO
	markdown_discount: Decimal = ZERO
	markdown_sales: Decimal = ZERO  # what marked-down lines sold for: the recovery
	target_percent: Decimal = DEFAULT_LOSS_TARGET_PERCENT
	shrink_by_reason: dict[str, Decimal] = field(default_factory=dict)

	@property
	def loss_percent(self) -> Decimal | None:
		return loss_rate(self.shrink_cost, self.sales_cost)

	@property
	def over_target(self) -> bool:
		return self.loss_percent is not None and self.loss_percent > self.target_percent

	def as_row(self) -> dict[str, Any]:
		return {
			"store": self.store,
			"item_group": self.item_group,
			"week": self.week,
			"sales_cost": self.sales_cost,
			"shrink_cost": self.shrink_cost,
			"loss_percent": self.loss_percent,
			"target_percent": self.target_percent,
			"over_target": int(self.over_target),
			"markdown_discount": self.markdown_discount,
			"markdown_sales": self.markdown_sales,
			**{f"shrink_{reason.lower()}": amount for reason, amount in self.shrink_by_reason.items()},
		}


def iso_week(yearweek: int | str) -> str:
	"""MariaDB's YEARWEEK(day, 3) (ISO: 202648) as 2026-W48."""
	number = int(yearweek)
	return f"{number // 100}-W{number % 100:02d}"


def _d(value: Any) -> Decimal:
	return Decimal(str(value or 0))


def group_targets(db: Database) -> dict[str, Decimal]:
	"""Item group -> loss target of its ladder (its own or the nearest group's above)."""
	book, _problems = load_ladders(db)
	targets = {}
	for group in book.parent_group:
		ladder = book.for_item("", group)
		if ladder is not None:
			targets[group] = ladder.loss_target_percent
	return targets


def loss_rates(
	db: Database, first_day: date, last_day: date, store: str | None = None, fresh_only: bool = True
) -> list[LossRow]:
	"""Loss rate per store, item group and ISO week of business days in [first_day, last_day]; `fresh_only`
	keeps item groups with batch-tracked items or with shrink."""
	rows: dict[tuple[str, str, str], LossRow] = {}
	targets = group_targets(db)

	def row(store_name: str, group: str, week: Any) -> LossRow:
		key = (store_name, group, iso_week(week))
		if key not in rows:
			rows[key] = LossRow(store_name, group, key[2], target_percent=targets.get(group, DEFAULT_LOSS_TARGET_PERCENT))
		return rows[key]

	params = {"first": first_day, "last": last_day, "store": store}
	for found in db.sql(
		"""
		SELECT txn.store AS store, item.item_group AS item_group, YEARWEEK(txn.business_day, 3) AS week,
			SUM(line.direction * line.qty * COALESCE(NULLIF(bin.valuation_rate, 0), item.valuation_rate)) AS sales_cost
		FROM `tabPOS Transaction` txn
		JOIN `tabPOS Transaction Line` line ON line.parent = txn.name
		JOIN `tabItem` item ON item.name = line.item_code
		JOIN `tabRetail Store` store ON store.name = txn.store
		LEFT JOIN `tabBin` bin ON bin.item_code = line.item_code AND bin.warehouse = store.warehouse
		WHERE txn.business_day BETWEEN %(first)s AND %(last)s AND txn.status IN ('Audited', 'Posted')
			AND txn.transaction_type IN ('Sale', 'Return', 'Exchange')
			AND (%(store)s IS NULL OR txn.store = %(store)s)
		GROUP BY txn.store, item.item_group, YEARWEEK(txn.business_day, 3)
		""",
		params,
	):
		row(found["store"], found["item_group"], found["week"]).sales_cost += _d(found["sales_cost"]).quantize(Decimal("0.01"))
	for found in db.sql(
		"""
		SELECT entry.store AS store, item.item_group AS item_group, YEARWEEK(entry.posting_date, 3) AS week,
			line.reason AS reason, SUM(line.amount) AS shrink_cost
		FROM `tabShrink Entry` entry
		JOIN `tabShrink Entry Line` line ON line.parent = entry.name
		JOIN `tabItem` item ON item.name = line.item_code
		WHERE entry.docstatus = 1 AND entry.posting_date BETWEEN %(first)s AND %(last)s
			AND (%(store)s IS NULL OR entry.store = %(store)s)
		GROUP BY entry.store, item.item_group, YEARWEEK(entry.posting_date, 3), line.reason
		""",
		params,
	):
		target = row(found["store"], found["item_group"], found["week"])
		amount = _d(found["shrink_cost"])
		target.shrink_cost += amount
		target.shrink_by_reason[found["reason"]] = target.shrink_by_reason.get(found["reason"], ZERO) + amount
	for found in db.sql(
		"""
		SELECT txn.store AS store, item.item_group AS item_group, YEARWEEK(txn.business_day, 3) AS week,
			SUM(disc.amount) AS markdown_discount, SUM(line.net_amount) AS markdown_sales
		FROM `tabPOS Transaction Discount` disc
		JOIN `tabPOS Transaction` txn ON txn.name = disc.parent
		JOIN `tabPOS Transaction Line` line ON line.parent = disc.parent AND line.line_id = disc.line_id
		JOIN `tabRetail Promotion` promo ON promo.name = disc.promotion
		JOIN `tabItem` item ON item.name = line.item_code
		WHERE promo.source = 'Markdown' AND line.direction = 1 AND txn.status IN ('Audited', 'Posted')
			AND txn.transaction_type IN ('Sale', 'Exchange') AND txn.business_day BETWEEN %(first)s AND %(last)s
			AND (%(store)s IS NULL OR txn.store = %(store)s)
		GROUP BY txn.store, item.item_group, YEARWEEK(txn.business_day, 3)
		""",
		params,
	):
		target = row(found["store"], found["item_group"], found["week"])
		target.markdown_discount += _d(found["markdown_discount"])
		target.markdown_sales += _d(found["markdown_sales"])
	if fresh_only:
		fresh = {
			found["item_group"]
			for found in db.sql(
				"SELECT DISTINCT item.item_group FROM `tabItem` item WHERE item.has_batch_no = 1 AND item.has_expiry_date = 1"
			)
		}
		rows = {key: value for key, value in rows.items() if value.item_group in fresh or value.shrink_cost}
	return [rows[key] for key in sorted(rows)]


def chain_loss(rows: list[LossRow]) -> dict[str, Decimal | None]:
	"""Totals over rows: sales and shrink at cost, the loss rate, markdown discount and recovery."""
	sales = sum((row.sales_cost for row in rows), ZERO)
	shrink = sum((row.shrink_cost for row in rows), ZERO)
	return {
		"sales_cost": sales,
		"shrink_cost": shrink,
		"loss_percent": loss_rate(shrink, sales),
		"markdown_discount": sum((row.markdown_discount for row in rows), ZERO),
		"markdown_sales": sum((row.markdown_sales for row in rows), ZERO),
	}


@dataclass(frozen=True)
class ProposalLine:
	store: str
	item_code: str
	item_name: str | None
	item_group: str | None
	price: Decimal
	cost: Decimal
	on_hand: Decimal
	proposal: OrderProposal

	def as_row(self) -> dict[str, Any]:
		p = self.proposal
		return {
			"store": self.store,
			"item_code": self.item_code,
			"item_name": self.item_name,
			"item_group": self.item_group,
			"mean_daily": p.expected_demand / p.cover_days,
			"cover_days": p.cover_days,
			"shelf_life_days": p.shelf_life_days,
			"distribution": p.distribution,
			"price": self.price,
			"cost": self.cost,
			"critical_ratio": p.critical_ratio,
			"newsvendor_qty": p.newsvendor_qty,
			"stock_qty": p.stock_qty,
			"on_hand": self.on_hand,
			"order_qty": p.order_qty,
			"expected_waste": p.expected_waste,
			"expected_loss_percent": p.expected_loss_percent,
			"explanation": p.explanation,
		}


def closing_stock(db: Database, warehouses: list[str], first: date, last: date) -> dict[tuple[str, str], dict[date, float]]:
	"""Stock of each fresh item (batch-tracked with an expiry date) at the close of each day from `first` to
	`last` in the warehouses, from the stock ledger: the balance before `first`, then each day's moves.
	Only (warehouse, item) pairs with a ledger entry by `last` are returned."""
	if not warehouses:
		return {}
	placeholders = in_placeholders(warehouses)
	balance: dict[tuple[str, str], float] = {
		(row["warehouse"], row["item_code"]): float(row["qty"] or 0)
		for row in db.sql(
			"SELECT sle.warehouse, sle.item_code, SUM(sle.actual_qty) AS qty FROM `tabStock Ledger Entry` sle "
			"JOIN `tabItem` item ON item.name = sle.item_code AND item.has_batch_no = 1 AND item.has_expiry_date = 1 "
			"WHERE sle.is_cancelled = 0 AND sle.posting_date < %s AND sle.warehouse IN " + placeholders
			+ " GROUP BY sle.warehouse, sle.item_code",
			[first, *warehouses],
		)
	}
	moves: dict[tuple[str, str], dict[date, float]] = defaultdict(dict)
	for row in db.sql(
		"SELECT sle.warehouse, sle.item_code, sle.posting_date, SUM(sle.actual_qty) AS qty FROM `tabStock Ledger Entry` sle "
		"JOIN `tabItem` item ON item.name = sle.item_code AND item.has_batch_no = 1 AND item.has_expiry_date = 1 "
		"WHERE sle.is_cancelled = 0 AND sle.posting_date BETWEEN %s AND %s AND sle.warehouse IN " + placeholders
		+ " GROUP BY sle.warehouse, sle.item_code, sle.posting_date",
		[first, last, *warehouses],
	):
		moves[(row["warehouse"], row["item_code"])][row["posting_date"]] = float(row["qty"] or 0)
	closing: dict[tuple[str, str], dict[date, float]] = {}
	for key in set(balance) | set(moves):
		running = balance.get(key, 0.0)
		day_moves = moves.get(key, {})
		days: dict[date, float] = {}
		day = first
		while day <= last:
			running += day_moves.get(day, 0.0)
			days[day] = running
			day += timedelta(days=1)
		closing[key] = days
	return closing


def order_proposals(
	db: Database,
	as_of: date,
	store: str | None = None,
	history_days: int = 28,
	lead_days: int = 1,
	cover_days: int = 1,
) -> list[ProposalLine]:
	"""Newsvendor order quantities per store and fresh item (batch-tracked with an expiry date) for a delivery
	`lead_days` after `as_of` that covers `cover_days` until the next, from the daily sales of the
	`history_days` before it — over the days the store traded, a day the item sold out counted as a floor of
	its demand (`closing_stock`, `loss.Demand.from_days`)."""
	first = as_of - timedelta(days=history_days)
	last = as_of - timedelta(days=1)
	stores = load_stores(db, store)
	if not stores:
		return []
	book, _problems = load_ladders(db)
	items = {
		row["name"]: row
		for row in db.sql(
			"SELECT item.name, item.item_name, item.item_group, item.shelf_life_in_days, item.valuation_rate "
			"FROM `tabItem` item WHERE item.has_batch_no = 1 AND item.has_expiry_date = 1 AND item.disabled = 0 "
			"AND item.has_variants = 0 ORDER BY item.name"
		)
	}
	if not items:
		return []
	names = [info.name for info in stores]
	traded: dict[str, list[date]] = defaultdict(list)
	for row in db.sql(
		"SELECT DISTINCT txn.store, txn.business_day FROM `tabPOS Transaction` txn "
		"WHERE txn.business_day BETWEEN %s AND %s AND txn.status IN ('Audited', 'Posted') AND txn.store IN "
		+ in_placeholders(names)
		+ " ORDER BY txn.store, txn.business_day",
		[first, last, *names],
	):
		traded[row["store"]].append(row["business_day"])
	daily: dict[tuple[str, str], dict[date, float]] = defaultdict(dict)
	for row in db.sql(
		"SELECT txn.store, line.item_code, txn.business_day, SUM(line.direction * line.qty) AS units "
		"FROM `tabPOS Transaction` txn JOIN `tabPOS Transaction Line` line ON line.parent = txn.name "
		"JOIN `tabItem` item ON item.name = line.item_code "
		"WHERE txn.business_day BETWEEN %s AND %s AND txn.status IN ('Audited', 'Posted') "
		"AND txn.transaction_type IN ('Sale', 'Return', 'Exchange') AND item.has_batch_no = 1 AND item.has_expiry_date = 1 "
		"AND txn.store IN " + in_placeholders(names) + " GROUP BY txn.store, line.item_code, txn.business_day",
		[first, last, *names],
	):
		daily[(row["store"], row["item_code"])][row["business_day"]] = float(row["units"] or 0)
	by_warehouse = {info.warehouse: info.name for info in stores}
	closing = closing_stock(db, sorted(by_warehouse), first, last)
	prices: dict[tuple[str, str], Decimal] = {}
	costs: dict[tuple[str, str], Decimal] = {}
	for info in stores:
		for row in db.sql(
			"SELECT price.item_code, price.price_list_rate FROM `tabItem Price` price JOIN `tabItem` item ON item.name = price.item_code "
			"WHERE price.price_list = %s AND price.selling = 1 AND item.has_batch_no = 1 AND item.has_expiry_date = 1 "
			"AND IFNULL(price.batch_no, '') = '' AND IFNULL(price.customer, '') = '' ORDER BY price.valid_from",
			(info.price_list,),
		):
			prices[(info.name, row["item_code"])] = _d(row["price_list_rate"])
		for row in db.sql(
			"SELECT bin.item_code, bin.valuation_rate FROM `tabBin` bin JOIN `tabItem` item ON item.name = bin.item_code "
			"WHERE bin.warehouse = %s AND item.has_batch_no = 1 AND item.has_expiry_date = 1",
			(info.warehouse,),
		):
			if row["valuation_rate"]:
				costs[(info.name, row["item_code"])] = _d(row["valuation_rate"])
	arrival = as_of + timedelta(days=lead_days)
	usable: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
	for stock in batch_stock(db, sorted(by_warehouse)):
		ladder = book.for_item(stock.item_code, stock.item_group)
		expiry = batch_expiry(stock, ladder)
		if expiry is None or expiry >= arrival:
			usable[(by_warehouse[stock.warehouse], stock.item_code)] += stock.qty
	lines = []
	for info in stores:
		days = traded.get(info.name, [])
		for code, item in items.items():
			key = (info.name, code)
			if key not in prices:
				continue
			sold = daily.get(key, {})
			per_day = [sold.get(day, 0.0) for day in days]
			stock = closing.get((info.warehouse, code))
			# sold out: nothing left at the close (only known where the item has a stock ledger in the store)
			sold_out = [stock[day] <= 0 for day in days] if stock is not None else None
			ladder = book.for_item(code, item["item_group"])
			shelf_life = (ladder.shelf_life_days if ladder and ladder.shelf_life_days else 0) or int(item["shelf_life_in_days"] or 0)
			cost = costs.get(key) or _d(item["valuation_rate"])
			target = ladder.loss_target_percent if ladder else DEFAULT_LOSS_TARGET_PERCENT
			proposal = propose_order(
				OrderInput(code, Demand.from_days(per_day, sold_out), shelf_life, prices[key], cost, on_hand=usable.get(key, ZERO),
					target_percent=target, cover_days=cover_days)
			)
			lines.append(ProposalLine(info.name, code, item["item_name"], item["item_group"], prices[key], cost, usable.get(key, ZERO), proposal))
	return lines
