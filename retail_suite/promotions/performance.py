"""Promotion performance over a period (store layer): uses, discount given, sales of the promoted items,
and incremental sales against the same weekdays in the weeks before.

For the accountant: what each promotion cost (the discount booked through POSDM). For the marketer: what it
sold, and how much more than the promoted items sold on the same weekdays before it (up to four weeks back,
as far as the log goes): incremental = sales on the promotion's days − the average of those baselines.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, in_placeholders
from retail_suite.posdm.tlog import ZERO, exact
from retail_suite.promotions.active import load_promotions
from retail_suite.promotions.engine import compile_promotion, window_reason

BASELINE_WEEKS = 4


@dataclass(frozen=True)
class PromotionPerformance:
	promotion: str
	uses: int
	discount: Decimal
	promoted_sales: Decimal  # net sales of the promotion's items on the days it ran
	baseline_sales: Decimal | None  # the same items on the same weekdays before, averaged; None: no history
	active_days: int

	@property
	def incremental(self) -> Decimal | None:
		return None if self.baseline_sales is None else self.promoted_sales - self.baseline_sales

	@property
	def uplift_percent(self) -> Decimal | None:
		if self.baseline_sales is None or not self.baseline_sales:
			return None
		return ((self.promoted_sales / self.baseline_sales - 1) * 100).quantize(Decimal("0.1"))

	def as_row(self) -> dict[str, Any]:
		return {
			"promotion": self.promotion,
			"uses": self.uses,
			"discount": self.discount,
			"promoted_sales": self.promoted_sales,
			"baseline_sales": self.baseline_sales,
			"incremental_sales": self.incremental,
			"uplift_percent": self.uplift_percent,
			"active_days": self.active_days,
		}


def _days(first: date, last: date) -> list[date]:
	return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def promotion_performance(
	db: Database, first_day: date, last_day: date, store: str | None = None, only: Collection[str] | None = None
) -> list[PromotionPerformance]:
	"""One row per promotion that ran (or was used) between first_day and last_day, optionally in one store
	and of the promotions named in `only`."""
	store_filter = " AND txn.store = %s" if store else ""
	store_params = [store] if store else []
	used: dict[str, tuple[int, Decimal]] = {}
	for row in db.sql(
		"SELECT disc.promotion, COUNT(DISTINCT disc.parent) AS uses, SUM(disc.amount) AS discount "
		"FROM `tabPOS Transaction Discount` disc JOIN `tabPOS Transaction` txn ON txn.name = disc.parent "
		"JOIN `tabPOS Transaction Line` line ON line.parent = disc.parent AND line.line_id = disc.line_id "
		"WHERE txn.status IN ('Audited', 'Posted') AND line.direction = 1 "
		"AND txn.business_day BETWEEN %s AND %s" + store_filter + " GROUP BY disc.promotion",
		[first_day, last_day, *store_params],
	):
		used[row["promotion"]] = (int(row["uses"]), exact(row["discount"]).quantize(ZERO))
	history_start = db.sql("SELECT MIN(txn.business_day) AS first FROM `tabPOS Transaction` txn")[0]["first"]
	results = []
	for definition in load_promotions(db, first_day, last_day, store=store):
		if only is not None and definition["name"] not in only:
			continue
		promotion = compile_promotion(definition)
		# a day counts when the promotion was open at some hour of it
		active = [
			day
			for day in _days(
				max(first_day, promotion.window.valid_from or first_day),
				min(last_day, promotion.window.valid_upto or last_day),
			)
			if _open_on(promotion, day)
		]
		uses, discount = used.get(promotion.name, (0, ZERO))
		if not active and not uses:
			continue
		# whole weeks back that the log covers for every active day
		weeks = [
			week
			for week in range(1, BASELINE_WEEKS + 1)
			if active and history_start and min(active) - timedelta(weeks=week) >= history_start
		]
		earliest = min(active, default=first_day) - timedelta(weeks=max(weeks, default=0))
		sales = _sales_by_day(db, definition, earliest, last_day, store)
		promoted = sum((sales.get(day, ZERO) for day in active), ZERO)
		baseline = None
		if weeks:
			total = sum(
				(sales.get(day - timedelta(weeks=week), ZERO) for week in weeks for day in active), ZERO
			)
			baseline = (total / len(weeks)).quantize(ZERO)
		results.append(PromotionPerformance(promotion.name, uses, discount, promoted, baseline, len(active)))
	return sorted(results, key=lambda row: (-row.discount, row.promotion))


def _open_on(promotion: Any, day: date) -> bool:
	"""Whether the promotion is open at some moment of the day (its first hour span's start, or noon)."""
	spans = promotion.window.hours or ((720, 721),)
	return any(window_reason(promotion.window, day, start * 60) is None for start, _end in spans)


def _sales_by_day(
	db: Database, definition: dict[str, Any], first_day: date, last_day: date, store: str | None
) -> dict[date, Decimal]:
	"""Net sales (sales less returns) of the promotion's items per business day (of its batches only, for a
	promotion that lists batches: a fresh markdown)."""
	items = list(definition.get("items") or []) + [
		part["item_code"] for part in definition.get("components") or []
	]
	groups = list(definition.get("item_groups") or [])
	batches = list(definition.get("batches") or [])
	conditions = []
	params: list[Any] = [first_day, last_day]
	if items:
		conditions.append("line.item_code IN " + in_placeholders(items))
		params += items
	if groups:
		conditions.append("item.item_group IN " + in_placeholders(groups))
		params += groups
	target = (" AND (" + " OR ".join(conditions) + ")") if conditions else ""
	if batches:
		target += " AND line.batch_no IN " + in_placeholders(batches)
		params += batches
	store_filter = ""
	if store:
		store_filter = " AND txn.store = %s"
		params.append(store)
	rows = db.sql(
		"SELECT txn.business_day, SUM(line.net_amount * line.direction) AS sales FROM `tabPOS Transaction Line` line "
		"JOIN `tabPOS Transaction` txn ON txn.name = line.parent JOIN `tabItem` item ON item.name = line.item_code "
		"WHERE txn.status IN ('Audited', 'Posted') AND txn.business_day BETWEEN %s AND %s"
		+ target
		+ store_filter
		+ " GROUP BY txn.business_day",
		params,
	)
	return {row["business_day"]: exact(row["sales"]).quantize(ZERO) for row in rows}
