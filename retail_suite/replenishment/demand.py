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
from operator import itemgetter

import numpy as np

from retail_suite.db.port import Database, chunked, multi_row_insert_sql
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
UPSERT_TAIL = (
	" ON DUPLICATE KEY UPDATE smoothed_through = VALUES(smoothed_through), level = VALUES(level),"
	" season_mon = VALUES(season_mon), season_tue = VALUES(season_tue), season_wed = VALUES(season_wed),"
	" season_thu = VALUES(season_thu), season_fri = VALUES(season_fri), season_sat = VALUES(season_sat),"
	" season_sun = VALUES(season_sun), observations = VALUES(observations), censored_days = VALUES(censored_days),"
	" error_variance = VALUES(error_variance), modified = VALUES(modified), modified_by = VALUES(modified_by)"
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
	"""The series met so far: "<store>\t<item>" -> position in the arrays, which grow by doubling."""

	def __init__(self) -> None:
		self.index: dict[str, int] = {}
		self.stores: list[str] = []
		self.items: list[str] = []
		#: the store of each series as a number (`store_numbers`), to tell per store whether it traded
		self.store_numbers: dict[str, int] = {}
		self.store_of = np.zeros(1024, dtype=np.int64)
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
			self.censored = np.concatenate([self.censored, np.zeros(size - position, dtype=np.int64)])
			self.through = np.concatenate([self.through, np.full(size - position, -1, dtype=np.int64)])
			self.store_of = np.concatenate([self.store_of, np.zeros(size - position, dtype=np.int64)])
		self.index[f"{store}\t{item}"] = position
		self.store_of[position] = self.store_numbers.setdefault(store, len(self.store_numbers))
		self.stores.append(store)
		self.items.append(item)
		return position

	def positions(self, rows: list[dict]) -> np.ndarray:
		"""The position of each row's series (new series added), in the rows' order."""
		found = list(map(self.index.get, map(itemgetter("series"), rows)))
		for number, position in enumerate(found):
			if position is None:
				key = rows[number]["series"]
				found[number] = self.index.get(key)
				if found[number] is None:
					store, item = key.split("\t", 1)
					found[number] = self.add(store, item)
		return np.array(found, dtype=np.int64)


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
		SELECT CONCAT(sales_day.store, '\t', sales_day.item_code) AS series,
			CAST(sales_day.sold_qty AS DOUBLE) AS sold_qty, sales_day.stockout
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
		positions = series.positions(rows)
		forecasts.new_series += len(series) - before
		count = len(series)
		sales = np.zeros(count)
		stockout = np.zeros(count, dtype=bool)
		store_traded = np.zeros(count, dtype=bool)
		if rows:
			sold = np.fromiter(map(itemgetter("sold_qty"), rows), dtype=float, count=len(rows))
			sales[positions] = sold
			stockout[positions] = (
				np.fromiter(map(itemgetter("stockout"), rows), dtype=np.int64, count=len(rows)) > 0
			)
			# a store that sold nothing at all that day did not trade (closed, or its tills have not sent it)
			store_traded = np.isin(series.store_of[:count], np.unique(series.store_of[positions[sold > 0]]))
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
		forecasts.saved = save_states(db, series, snapshot)
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
	db: Database, series: _Series, snapshot: tuple[SeriesState, np.ndarray, np.ndarray, int]
) -> int:
	"""Save the snapshot's started series (of one store, or all) in one transaction; returns the states written."""
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
	written = 0
	with db.transaction():
		for chunk in chunked(rows):
			db.execute(*upsert_statement(db, chunk))
			written += len(chunk)
	return written


def upsert_statement(db: Database, chunk: list) -> tuple[str, list | None]:
	"""A multi-row INSERT … ON DUPLICATE KEY UPDATE of states (a state is only deleted by a recompute). The
	standalone adapter gets the values escaped client-side (as its insert_many), the Frappe host bound."""
	literal = getattr(db, "literal", None)
	if literal is None:
		sql = multi_row_insert_sql(FORECAST_TABLE, STATE_COLUMNS, len(chunk)) + UPSERT_TAIL
		return sql, [value for row in chunk for value in row]
	head = multi_row_insert_sql(FORECAST_TABLE, STATE_COLUMNS, 0).rsplit(" VALUES ", 1)[0] + " VALUES "
	values = ",".join("(" + ",".join([literal(value) for value in row]) + ")" for row in chunk)
	return head + values + UPSERT_TAIL, None
