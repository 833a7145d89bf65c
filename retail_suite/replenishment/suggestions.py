"""Replenishment run (store layer): daily sales → stock-outs → supplier ratings → forecasts → order suggestions.

`run_replenishment(db, as_of)` is the daily job of both hosts. It plans every store's items that have
a forecast from at least MIN_HISTORY_DAYS counted days and are stock items that may be purchased (not
disabled, not templates; a newer item is left to the buyer): the position
(on hand, never below 0, + on order + requested − reserved, from the store warehouse's Bin), the
supplier (the item's default supplier for the store's company) and its lead time (`suppliers.lead_time`),
the pack (the conversion factor of the item's purchase unit) and minimum order, the shelf life (an
order covers at most that many days), then `forecast.plan_orders`. Each item to order becomes one
Replenishment Suggestion of the run day, with its reasons in words; a rerun on the same day replaces
the day's suggestions (of that store), so it is idempotent. On a site the shell turns them into
Material Request drafts, one per store and supplier (`erpnext.py`); standalone they are the result.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from retail_suite.db.port import Database, in_placeholders, insert_rows
from retail_suite.replenishment.demand import Forecasts, advance_forecasts
from retail_suite.replenishment.forecast import (
	DEFAULT_POLICY,
	DEFAULT_SMOOTHING,
	MIN_HISTORY_DAYS,
	Policy,
	SeriesState,
	Smoothing,
	explain,
	plan_orders,
)
from retail_suite.replenishment.sales_history import SalesFold, fold_sales, record_stockouts
from retail_suite.replenishment.suppliers import SupplierRating, lead_time, rate_suppliers

OWNER = "Administrator"
SUGGESTION_COLUMNS = (
	"name",
	"run_date",
	"store",
	"warehouse",
	"item_code",
	"supplier",
	"stock_uom",
	"daily_forecast",
	"sigma",
	"stock",
	"on_order",
	"requested",
	"reserved",
	"position",
	"lead_time_days",
	"lead_time_std",
	"lead_time_source",
	"safety_stock",
	"reorder_point",
	"order_up_to",
	"suggested_qty",
	"explanation",
	"creation",
	"modified",
	"owner",
	"modified_by",
)

Progress = Callable[[str, int], Callable[[str, int], None]]
Checkpoint = Callable[[], None]


@dataclass
class Suggestion:
	store: str
	warehouse: str
	item_code: str
	supplier: str | None
	stock_uom: str | None
	daily_forecast: float
	sigma: float
	stock: float
	on_order: float
	requested: float
	reserved: float
	position: float
	lead_time_days: float
	lead_time_std: float
	lead_time_source: str
	safety_stock: float
	reorder_point: float
	order_up_to: float
	suggested_qty: float
	explanation: str


@dataclass
class ReplenishmentRun:
	as_of: date
	store: str | None
	sales: SalesFold | None = None
	stockouts: int = 0
	ratings: dict[str, SupplierRating] = field(default_factory=dict)
	forecasts: Forecasts | None = None
	planned: int = 0
	suggestions: list[Suggestion] = field(default_factory=list)
	seconds: dict[str, float] = field(default_factory=dict)

	def by_supplier(self) -> dict[tuple[str, str | None], list[Suggestion]]:
		"""Suggestions grouped by (store, supplier), in order."""
		groups: dict[tuple[str, str | None], list[Suggestion]] = {}
		for line in self.suggestions:
			groups.setdefault((line.store, line.supplier), []).append(line)
		return groups


def suggestion_name(run_date: date, store: str, item_code: str) -> str:
	text = f"{run_date.isoformat()}:{store}:{item_code}"
	return (
		text
		if len(text) <= 140
		else f"{run_date.isoformat()}:{hashlib.md5(f'{store}|{item_code}'.encode()).hexdigest()}"
	)


def load_stores(db: Database, store: str | None = None) -> list[dict]:
	store_filter = "AND store.name = %s" if store else ""
	return db.sql(
		f"""
		SELECT store.name, store.warehouse, store.company FROM `tabRetail Store` store
		WHERE store.disabled = 0 AND store.warehouse IS NOT NULL {store_filter} ORDER BY store.name
		""",
		[store] if store else None,
	)


def load_items(db: Database) -> dict[str, dict]:
	"""Stock items that may be purchased: unit, whole units or not, pack, minimum order, shelf life, lead time."""
	rows = db.sql(
		"""
		SELECT item.name, item.stock_uom, item.shelf_life_in_days, item.lead_time_days,
			CAST(item.min_order_qty AS DOUBLE) AS min_order_qty,
			CAST(COALESCE(conversion.conversion_factor, 1) AS DOUBLE) AS pack,
			COALESCE(uom.must_be_whole_number, 1) AS whole
		FROM `tabItem` item
		LEFT JOIN `tabUOM Conversion Detail` conversion ON conversion.parent = item.name
			AND conversion.parenttype = 'Item' AND conversion.uom = item.purchase_uom
		LEFT JOIN `tabUOM` uom ON uom.name = item.stock_uom
		WHERE item.disabled = 0 AND item.is_stock_item = 1 AND item.has_variants = 0 AND item.is_purchase_item = 1
		"""
	)
	return {row["name"]: row for row in rows}


def load_default_suppliers(db: Database) -> dict[tuple[str, str], str]:
	"""(item, company) -> the item's default supplier for that company."""
	rows = db.sql(
		"""
		SELECT item_default.parent, item_default.company, item_default.default_supplier
		FROM `tabItem Default` item_default
		WHERE item_default.parenttype = 'Item' AND item_default.default_supplier IS NOT NULL
			AND item_default.default_supplier <> ''
		"""
	)
	return {(row["parent"], row["company"]): row["default_supplier"] for row in rows}


def load_bins(
	db: Database, warehouses: list[str]
) -> dict[tuple[str, str], tuple[float, float, float, float]]:
	"""(item, warehouse) -> (on hand, on order, requested, reserved)."""
	if not warehouses:
		return {}
	rows = db.sql(
		"""
		SELECT bin.item_code, bin.warehouse, CAST(bin.actual_qty AS DOUBLE) AS actual_qty,
			CAST(bin.ordered_qty AS DOUBLE) AS ordered_qty, CAST(bin.indented_qty AS DOUBLE) AS indented_qty,
			CAST(bin.reserved_qty AS DOUBLE) AS reserved_qty
		FROM `tabBin` bin WHERE bin.warehouse IN """
		+ in_placeholders(warehouses),
		warehouses,
	)
	return {
		(row["item_code"], row["warehouse"]): (
			row["actual_qty"] or 0.0,
			row["ordered_qty"] or 0.0,
			row["indented_qty"] or 0.0,
			row["reserved_qty"] or 0.0,
		)
		for row in rows
	}


def load_supplier_lead_times(db: Database) -> dict[str, dict]:
	rows = db.sql(
		"""
		SELECT supplier.name, supplier.retail_lead_time_days, rating.deliveries,
			CAST(rating.lead_time_mean AS DOUBLE) AS lead_time_mean, CAST(rating.lead_time_std AS DOUBLE) AS lead_time_std
		FROM `tabSupplier` supplier
		LEFT JOIN `tabRetail Supplier Rating` rating ON rating.supplier = supplier.name
		"""
	)
	return {row["name"]: row for row in rows}


def plan_suggestions(
	db: Database,
	run_date: date,
	forecasts: Forecasts,
	policy: Policy = DEFAULT_POLICY,
	smoothing: Smoothing = DEFAULT_SMOOTHING,
	store: str | None = None,
) -> tuple[int, list[Suggestion]]:
	"""Plan every forecast series of the enabled stores; returns (series planned, the lines to order)."""
	stores = {row["name"]: row for row in load_stores(db, store)}
	items = load_items(db)
	counted = forecasts.state.observations
	chosen = [
		i
		for i, (store_code, item_code) in enumerate(zip(forecasts.stores, forecasts.items, strict=True))
		if store_code in stores and item_code in items and counted[i] >= MIN_HISTORY_DAYS
	]
	if not chosen:
		return 0, []
	positions = np.array(chosen, dtype=np.int64)
	defaults = load_default_suppliers(db)
	bins = load_bins(db, sorted({row["warehouse"] for row in stores.values()}))
	suppliers = load_supplier_lead_times(db)

	count = len(chosen)
	stock = np.zeros(count)
	on_order = np.zeros(count)
	requested = np.zeros(count)
	reserved = np.zeros(count)
	lead = np.zeros(count)
	spread = np.zeros(count)
	pack = np.zeros(count)
	minimum = np.zeros(count)
	whole = np.zeros(count, dtype=bool)
	shelf_life = np.zeros(count)
	line_supplier: list[str | None] = []
	lead_source: list[str] = []
	for row_number, i in enumerate(chosen):
		store_row = stores[forecasts.stores[i]]
		item = items[forecasts.items[i]]
		actual, ordered, indented, held = bins.get(
			(forecasts.items[i], store_row["warehouse"]), (0.0, 0.0, 0.0, 0.0)
		)
		stock[row_number] = max(actual, 0.0)
		on_order[row_number] = ordered
		requested[row_number] = indented
		reserved[row_number] = held
		supplier = defaults.get((forecasts.items[i], store_row["company"]))
		record = suppliers.get(supplier or "", {})
		chosen_lead = lead_time(
			record.get("deliveries"),
			record.get("lead_time_mean"),
			record.get("lead_time_std"),
			record.get("retail_lead_time_days"),
			item["lead_time_days"],
		)
		lead[row_number] = chosen_lead.days
		spread[row_number] = chosen_lead.spread
		line_supplier.append(supplier)
		lead_source.append(chosen_lead.source)
		pack[row_number] = item["pack"] or 1.0
		minimum[row_number] = item["min_order_qty"] or 0.0
		whole[row_number] = bool(item["whole"])
		shelf_life[row_number] = item["shelf_life_in_days"] or 0
	state = _take(forecasts, positions)
	position = stock + on_order + requested - reserved
	first_day = run_date
	plan = plan_orders(
		state, first_day, position, lead, spread, pack, minimum, whole, shelf_life, policy, smoothing
	)
	lines = []
	# Monday … Sunday forecasts of every line: the level times its weekday indices
	week = state.level[:, None] * state.season
	for row_number in np.flatnonzero(plan.qty > 0):
		i = chosen[row_number]
		store_row = stores[forecasts.stores[i]]
		item = items[forecasts.items[i]]
		weekdays = [float(units) for units in week[row_number]]
		cover = (
			policy.cover_days
			if not shelf_life[row_number]
			else min(policy.cover_days, shelf_life[row_number])
		)
		lines.append(
			Suggestion(
				store=forecasts.stores[i],
				warehouse=store_row["warehouse"],
				item_code=forecasts.items[i],
				supplier=line_supplier[row_number],
				stock_uom=item["stock_uom"],
				daily_forecast=round(float(plan.daily[row_number]), 3),
				sigma=round(float(plan.sigma[row_number]), 3),
				stock=float(stock[row_number]),
				on_order=float(on_order[row_number]),
				requested=float(requested[row_number]),
				reserved=float(reserved[row_number]),
				position=float(position[row_number]),
				lead_time_days=round(float(lead[row_number]), 3),
				lead_time_std=round(float(spread[row_number]), 3),
				lead_time_source=lead_source[row_number],
				safety_stock=round(float(plan.safety_stock[row_number]), 3),
				reorder_point=round(float(plan.reorder_point[row_number]), 3),
				order_up_to=round(float(plan.order_up_to[row_number]), 3),
				suggested_qty=float(plan.qty[row_number]),
				explanation=explain(
					daily=float(plan.daily[row_number]),
					weekday_forecast=weekdays,
					sigma=float(plan.sigma[row_number]),
					stock=float(stock[row_number]),
					on_order=float(on_order[row_number]),
					requested=float(requested[row_number]),
					reserved=float(reserved[row_number]),
					lead_time=float(lead[row_number]),
					lead_time_std=float(spread[row_number]),
					lead_time_source=lead_source[row_number],
					review_days=policy.review_days,
					cover_days=float(cover),
					service_level=policy.service_level,
					demand_protection=float(plan.demand_protection[row_number]),
					safety_stock=float(plan.safety_stock[row_number]),
					reorder_point=float(plan.reorder_point[row_number]),
					order_up_to=float(plan.order_up_to[row_number]),
					raw_qty=float(plan.raw_qty[row_number]),
					qty=float(plan.qty[row_number]),
					pack=float(pack[row_number]),
					minimum=float(minimum[row_number]),
					censored_days=int(forecasts.censored_days[i]),
				),
			)
		)
	lines.sort(key=lambda line: (line.store, line.supplier or "", line.item_code))
	return count, lines


def _take(forecasts: Forecasts, positions: np.ndarray) -> SeriesState:
	state = forecasts.state
	return SeriesState(
		state.level[positions],
		state.season[positions],
		state.observations[positions],
		state.error_variance[positions],
	)


def write_suggestions(db: Database, run_date: date, lines: list[Suggestion], store: str | None = None) -> int:
	"""Replace the run day's suggestions (of one store, or all) with `lines`, in one transaction."""
	now = datetime.now()
	rows = (
		(
			suggestion_name(run_date, line.store, line.item_code),
			run_date,
			line.store,
			line.warehouse,
			line.item_code,
			line.supplier,
			line.stock_uom,
			line.daily_forecast,
			line.sigma,
			line.stock,
			line.on_order,
			line.requested,
			line.reserved,
			line.position,
			line.lead_time_days,
			line.lead_time_std,
			line.lead_time_source,
			line.safety_stock,
			line.reorder_point,
			line.order_up_to,
			line.suggested_qty,
			line.explanation,
			now,
			now,
			OWNER,
			OWNER,
		)
		for line in lines
	)
	with db.transaction():
		if store:
			db.execute(
				"DELETE FROM `tabReplenishment Suggestion` WHERE run_date = %s AND store = %s",
				(run_date, store),
			)
		else:
			db.execute("DELETE FROM `tabReplenishment Suggestion` WHERE run_date = %s", (run_date,))
		return insert_rows(db, "tabReplenishment Suggestion", SUGGESTION_COLUMNS, rows)


def run_replenishment(
	db: Database,
	as_of: date | None = None,
	store: str | None = None,
	policy: Policy = DEFAULT_POLICY,
	smoothing: Smoothing = DEFAULT_SMOOTHING,
	recompute: bool = False,
	progress: Progress | None = None,
	checkpoint: Checkpoint | None = None,
) -> ReplenishmentRun:
	"""The daily run for `as_of` (default today): fold the log's new sales, mark yesterday's stock-outs, rate
	the suppliers, advance the forecasts, and write the day's suggestions."""
	as_of = as_of or date.today()
	run = ReplenishmentRun(as_of=as_of, store=store)

	def timed(stage: str, started: float) -> None:
		run.seconds[stage] = round(time.perf_counter() - started, 3)

	started = time.perf_counter()
	run.sales = fold_sales(db, progress=progress, checkpoint=checkpoint)
	timed("daily sales", started)
	started = time.perf_counter()
	with db.transaction():
		run.stockouts = record_stockouts(db, as_of - timedelta(days=1), store)
	if checkpoint:
		checkpoint()
	timed("stock-outs", started)
	started = time.perf_counter()
	run.ratings = rate_suppliers(db, as_of)
	if checkpoint:
		checkpoint()
	timed("supplier ratings", started)
	started = time.perf_counter()
	run.forecasts = advance_forecasts(
		db, as_of, store, smoothing, recompute=recompute, progress=progress, checkpoint=checkpoint
	)
	timed("forecasts", started)
	started = time.perf_counter()
	run.planned, run.suggestions = plan_suggestions(db, as_of, run.forecasts, policy, smoothing, store)
	write_suggestions(db, as_of, run.suggestions, store)
	if checkpoint:
		checkpoint()
	timed("suggestions", started)
	return run
