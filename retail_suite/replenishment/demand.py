"""Demand forecasts (store layer): the daily item sales smoothed into one state per store and item.

Retail Demand Forecast keeps each series' smoothing state (`forecast.SeriesState`) as of its
`smoothed_through` day. A run reads only the days after it — a range of the daily sales' key —
and folds them in, all series at once, day by day (numpy):

- Days up to `through − settle_days` are folded for good and saved: late transactions (a till that
  synced a day late, a void) land in the daily sales of a past day, and the last `settle_days` days
  are still re-read on the next run, so they are counted. A correction older than that changes the
  daily sales but not the saved state; `recompute` rebuilds every state from the history window.
- The last `settle_days` days are folded into a copy only: the forecast the run plans with is as of
  the last closed day (`through`), the saved one a few days behind.

A series starts on its first sale; every later day counts, as zero when there is no row, unless it
is censored: the item ended the day out of stock, or the store did not trade at all that day (closed,
or its tills have not sent the day yet) — see `sales_history`.

The first run (no states) and `recompute` start `history_days` before the last closed day.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from retail_suite.db.port import Database, insert_rows
from retail_suite.replenishment.forecast import DEFAULT_SMOOTHING, SeriesState, Smoothing, smooth_day
from retail_suite.replenishment.sales_history import OWNER, day_range

#: days re-read on every run (late transactions); folded for good after that
SETTLE_DAYS = 3
#: days of history the first run or a recompute smooths (26 weeks: the weekday indices settle in ~20)
HISTORY_DAYS = 182
FORECAST_TABLE = "tabRetail Demand Forecast"
SEASON_COLUMNS = (
	"season_mon",
	"season_tue",
	"season_wed",
	"season_thu",
	"season_fri",
	"season_sat",
	"season_sun",
)
STATE_COLUMNS = (
	"name",
	"store",
	"item_code",
	"smoothed_through",
	"level",
	*SEASON_COLUMNS,
	"observations",
	"censored_days",
	"error_variance",
	"creation",
	"modified",
	"owner",
	"modified_by",
)

Progress = Callable[[str, int], Callable[[str, int], None]]
Checkpoint = Callable[[], None]


@dataclass
class Forecasts:
	"""Every series' forecast as of `through` (the last closed business day), in arrays by series."""

	through: date
	stores: list[str] = field(default_factory=list)
	items: list[str] = field(default_factory=list)
	state: SeriesState = field(default_factory=lambda: SeriesState.empty(0))
	censored_days: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
	#: the day the saved states are folded through (None: nothing saved this run)
	saved_through: date | None = None
	saved: int = 0
	days_read: int = 0
	rows_read: int = 0
	new_series: int = 0
	seconds: float = 0.0

	def __len__(self) -> int:
		return len(self.items)


class _Series:
	"""The series met so far: (store, item) -> position in the arrays, which grow by doubling."""

	def __init__(self) -> None:
		self.index: dict[tuple[str, str], int] = {}
		self.stores: list[str] = []
		self.items: list[str] = []
		self.state = SeriesState.empty(1024)
		self.censored = np.zeros(1024, dtype=np.int64)
		#: the day each series is folded through, as a day ordinal (-1: not started)
		self.through = np.full(1024, -1, dtype=np.int64)

	def __len__(self) -> int:
		return len(self.items)

	def add(self, store: str, item: str) -> int:
		position = len(self.items)
		if position == len(self.state):
			size = 2 * len(self.state)
			self.state = self.state.grow(size)
			self.censored = np.concatenate(
				[self.censored, np.zeros(size - len(self.censored), dtype=np.int64)]
			)
			self.through = np.concatenate(
				[self.through, np.full(size - len(self.through), -1, dtype=np.int64)]
			)
		self.index[(store, item)] = position
		self.stores.append(store)
		self.items.append(item)
		return position

	def position(self, store: str, item: str) -> int:
		found = self.index.get((store, item))
		return self.add(store, item) if found is None else found


def series_name(store: str, item_code: str) -> str:
	"""The name of a store's item in Retail Demand Forecast: "<store>:<item>", an MD5 when that is too long."""
	if len(store) + len(item_code) <= 138:
		return f"{store}:{item_code}"
	return hashlib.md5(f"{store}|{item_code}".encode()).hexdigest()


def load_states(db: Database, store: str | None = None) -> list[dict]:
	"""Saved states (numbers as floats)."""
	store_filter = "WHERE forecast.store = %s" if store else ""
	return db.sql(
		f"""
		SELECT forecast.store, forecast.item_code, forecast.smoothed_through,
			CAST(forecast.level AS DOUBLE) AS level,
			CAST(forecast.season_mon AS DOUBLE) AS season_mon, CAST(forecast.season_tue AS DOUBLE) AS season_tue,
			CAST(forecast.season_wed AS DOUBLE) AS season_wed, CAST(forecast.season_thu AS DOUBLE) AS season_thu,
			CAST(forecast.season_fri AS DOUBLE) AS season_fri, CAST(forecast.season_sat AS DOUBLE) AS season_sat,
			CAST(forecast.season_sun AS DOUBLE) AS season_sun,
			forecast.observations, forecast.censored_days, CAST(forecast.error_variance AS DOUBLE) AS error_variance
		FROM `tabRetail Demand Forecast` forecast {store_filter}
		""",
		[store] if store else None,
	)


def read_day(db: Database, day: date, store: str | None = None) -> list[dict]:
	"""One business day of the daily sales (a range of the key: no scan of the history)."""
	first, after = day_range(day, day)
	store_filter = "AND sales_day.store = %s" if store else ""
	return db.sql(
		f"""
		SELECT sales_day.store, sales_day.item_code, CAST(sales_day.sold_qty AS DOUBLE) AS sold_qty, sales_day.stockout
		FROM `tabRetail Item Sales Day` sales_day
		WHERE sales_day.name >= %s AND sales_day.name < %s {store_filter}
		""",
		[first, after, *([store] if store else [])],
	)


def advance_forecasts(
	db: Database,
	as_of: date,
	store: str | None = None,
	smoothing: Smoothing = DEFAULT_SMOOTHING,
	settle_days: int = SETTLE_DAYS,
	history_days: int = HISTORY_DAYS,
	recompute: bool = False,
	progress: Progress | None = None,
	checkpoint: Checkpoint | None = None,
) -> Forecasts:
	"""Fold the closed business days before `as_of` into every series (of one store, or all); save the states
	folded for good; return the forecasts as of the day before `as_of`."""
	started = time.perf_counter()
	through = as_of - timedelta(days=1)
	keep = through - timedelta(days=settle_days)
	earliest = through - timedelta(days=history_days - 1)
	series = _Series()
	if recompute:
		with db.transaction():
			if store:
				db.execute("DELETE FROM `tabRetail Demand Forecast` WHERE store = %s", (store,))
			else:
				db.execute("DELETE FROM `tabRetail Demand Forecast`")
		if checkpoint:
			checkpoint()
	saved = [] if recompute else load_states(db, store)
	for row in saved:
		position = series.add(row["store"], row["item_code"])
		series.state.level[position] = row["level"]
		series.state.season[position] = [row[column] for column in SEASON_COLUMNS]
		series.state.observations[position] = int(row["observations"] or 0)
		series.state.error_variance[position] = row["error_variance"]
		series.censored[position] = int(row["censored_days"] or 0)
		series.through[position] = row["smoothed_through"].toordinal()
	start = earliest
	if saved:
		start = max(earliest, date.fromordinal(int(series.through[: len(series)].min()) + 1))
	forecasts = Forecasts(through=through)
	day_count = (through - start).days + 1
	tick = progress("Demand forecasts", max(day_count, 0)) if progress else None
	snapshot: tuple[SeriesState, np.ndarray, np.ndarray, int] | None = None
	day = start
	while day <= through:
		rows = read_day(db, day, store)
		forecasts.rows_read += len(rows)
		forecasts.days_read += 1
		before = len(series)
		positions = np.fromiter(
			(series.position(row["store"], row["item_code"]) for row in rows), dtype=np.int64, count=len(rows)
		)
		forecasts.new_series += len(series) - before
		count = len(series)
		sales = np.zeros(count)
		stockout = np.zeros(count, dtype=bool)
		if rows:
			sales[positions] = np.fromiter((row["sold_qty"] for row in rows), dtype=float, count=len(rows))
			stockout[positions] = np.fromiter(
				(bool(row["stockout"]) for row in rows), dtype=bool, count=len(rows)
			)
		traded = {row["store"] for row in rows if row["sold_qty"] > 0}
		store_traded = np.fromiter((name in traded for name in series.stores), dtype=bool, count=count)
		pending = series.through[:count] < day.toordinal()
		state = _view(series.state, count)
		smooth_day(state, sales, pending & store_traded & ~stockout, day.weekday(), smoothing)
		series.censored[:count] += pending & stockout & state.started
		series.through[:count] = np.where(pending & state.started, day.toordinal(), series.through[:count])
		if day == keep:
			snapshot = (state.copy(), series.censored[:count].copy(), series.through[:count].copy(), count)
		if tick:
			tick(day.isoformat(), 1)
		day += timedelta(days=1)
	if snapshot is not None:
		forecasts.saved = save_states(db, series, snapshot, store)
		forecasts.saved_through = keep
		if checkpoint:
			checkpoint()
	count = len(series)
	forecasts.stores = series.stores
	forecasts.items = series.items
	forecasts.state = _view(series.state, count).copy()
	forecasts.censored_days = series.censored[:count].copy()
	forecasts.seconds = time.perf_counter() - started
	return forecasts


def _view(state: SeriesState, count: int) -> SeriesState:
	"""The first `count` series (numpy views: updates write through)."""
	return SeriesState(
		state.level[:count], state.season[:count], state.observations[:count], state.error_variance[:count]
	)


def save_states(
	db: Database,
	series: _Series,
	snapshot: tuple[SeriesState, np.ndarray, np.ndarray, int],
	store: str | None,
) -> int:
	"""Replace the saved states (of one store, or all) by the snapshot's started series, in one transaction."""
	state, censored, through, count = snapshot
	now = datetime.now()
	started = np.flatnonzero(state.observations > 0)
	rows = (
		(
			series_name(series.stores[i], series.items[i]),
			series.stores[i],
			series.items[i],
			date.fromordinal(int(through[i])),
			round(float(state.level[i]), 9),
			*(round(float(value), 9) for value in state.season[i]),
			int(state.observations[i]),
			int(censored[i]),
			round(float(state.error_variance[i]), 9),
			now,
			now,
			OWNER,
			OWNER,
		)
		for i in started
	)
	with db.transaction():
		if store:
			db.execute("DELETE FROM `tabRetail Demand Forecast` WHERE store = %s", (store,))
		else:
			db.execute("DELETE FROM `tabRetail Demand Forecast`")
		return insert_rows(db, FORECAST_TABLE, STATE_COLUMNS, rows)
