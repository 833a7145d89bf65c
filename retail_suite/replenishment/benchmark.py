"""Benchmark of replenishment (store layer): figures, never a timed test.

`benchmark_replenishment(db)` writes the demo chain at 3 stores × 50,000 SKUs, ten weeks of purchase
orders and receipts, stock on hand somewhere in each item's order cycle (as in a chain that has been
replenishing, so that a fraction of the items is due for an order on a given day), and a year of daily
item sales (written by SQL inside MariaDB: one statement per day, each item selling about its demand × a
weekday factor, 1 % of item-days out of stock) — not timed.
Then it times, each with its peak Python memory (tracemalloc) and the process's peak resident size:

(a) the first run: no forecasts yet, every series smoothed from the history window (26 weeks), states
    saved, every item planned, suggestions written;
(b) the daily run the morning after one more day of sales: stock-outs marked, suppliers rated, the
    forecasts advanced by the days after the saved state (4 days read), every item planned, suggestions
    written — the run the scheduler makes each night. Target: within 60 s;
(c) a recompute from a full year of history (`history_days=365`).

Run it alone on a throwaway database next to RETAIL_SUITE_DB's:
	python -m retail_suite.replenishment.benchmark [skus] [stores] [history_days]
"""

from __future__ import annotations

import math
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from retail_suite.db.port import Database, insert_rows
from retail_suite.demo.chain import DemoConfig, generate_chain
from retail_suite.demo.replenishment import write_purchase_history
from retail_suite.demo.standalone import warehouse_name, write_chain
from retail_suite.replenishment.suggestions import run_replenishment

TARGET_SECONDS = 60.0
DEMAND_TABLE = "replenishment_bench_demand"
#: Monday … Sunday
WEEKDAY_FACTORS = (0.9, 0.85, 0.9, 0.95, 1.1, 1.3, 1.0)


def _peak_rss_mb() -> float:
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_demand_table(db: Database, chain, seed: int = 5) -> None:
	"""A scratch table of each store's items: units a day, and a stock in the middle of its order cycle."""
	import random

	rng = random.Random(seed)
	lead = {supplier.code: supplier.lead_time_days for supplier in chain.suppliers}
	db.execute(f"DROP TABLE IF EXISTS `{DEMAND_TABLE}`")
	db.execute(
		f"CREATE TABLE `{DEMAND_TABLE}` (store varchar(140), item_code varchar(140), warehouse varchar(140), "
		"demand double, stock double, PRIMARY KEY (store, item_code)) "
		"ENGINE=InnoDB CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
	)
	insert_rows(
		db,
		DEMAND_TABLE,
		("store", "item_code", "warehouse", "demand", "stock"),
		[
			(
				store.code,
				item.code,
				warehouse_name(chain, store.code),
				item.daily_demand * store.traffic,
				steady_stock(item.daily_demand * store.traffic, lead[item.supplier], rng.random()),
			)
			for store in chain.stores
			for item in chain.items
		],
	)


def steady_stock(demand: float, lead_time: float, cycle_part: float) -> float:
	"""On hand in a replenished chain: the safety stock (95 %, Poisson spread), the demand until an order placed
	now arrives, and what is left of the last order's week of cover (`cycle_part` of it, 0 … 1)."""
	protection = lead_time + 1
	return float(round(demand * (protection + 7 * cycle_part) + 1.645 * math.sqrt(protection * demand)))


def set_steady_stock(db: Database) -> int:
	"""Stock on hand as in a chain that has been replenishing (the demo's opening stock is not)."""
	return db.execute(
		f"""
		UPDATE `tabBin` bin
		JOIN `{DEMAND_TABLE}` bench ON bench.item_code = bin.item_code AND bench.warehouse = bin.warehouse
		SET bin.actual_qty = bench.stock, bin.ordered_qty = 0, bin.indented_qty = 0
		"""
	)


def write_history(db: Database, first: date, last: date, log: Callable[[str], None] = print) -> int:
	"""Daily sales from `first` to `last` for every store and item, generated inside MariaDB; returns rows."""
	rows = 0
	day = first
	started = time.perf_counter()
	while day <= last:
		factor = WEEKDAY_FACTORS[day.weekday()]
		with db.transaction():
			rows += db.execute(
				f"""
				INSERT INTO `tabRetail Item Sales Day`
					(name, store, item_code, business_day, sold_qty, stockout, creation, modified, owner, modified_by)
				SELECT CONCAT(%s, ':', demand.store, ':', demand.item_code), demand.store, demand.item_code, %s,
					demand.qty, demand.stockout, NOW(), NOW(), 'Administrator', 'Administrator'
				FROM (
					SELECT bench.store, bench.item_code,
						FLOOR(bench.demand * %s * (0.5 + RAND()) + RAND()) AS qty,
						IF(RAND() < 0.01, 1, 0) AS stockout
					FROM `{DEMAND_TABLE}` bench
				) demand
				WHERE demand.qty > 0 OR demand.stockout = 1
				ORDER BY demand.store, demand.item_code
				""",
				(day.isoformat(), day, factor),
			)
		if day.day == 1 or day == last:
			log(f"  history to {day}: {rows:,} rows ({time.perf_counter() - started:.0f} s)")
		day += timedelta(days=1)
	return rows


def timed(label: str, work: Callable[[], Any], log: Callable[[str], None]) -> dict[str, Any]:
	tracemalloc.start()
	started = time.perf_counter()
	result = work()
	seconds = time.perf_counter() - started
	_, peak = tracemalloc.get_traced_memory()
	tracemalloc.stop()
	figures = {
		"seconds": round(seconds, 2),
		"peak_python_mb": round(peak / 2**20, 1),
		"peak_rss_mb": round(_peak_rss_mb(), 1),
		# other work on the machine slows MariaDB and the run: the 1-minute load average when it ended
		"load_average": round(os.getloadavg()[0], 2),
		"stages": result.seconds,
		"series": len(result.forecasts),
		"days_read": result.forecasts.days_read,
		"rows_read": result.forecasts.rows_read,
		"planned": result.planned,
		"suggestions": len(result.suggestions),
	}
	log(f"{label}: {figures}")
	return figures


def benchmark_replenishment(
	db: Database,
	skus: int = 50_000,
	stores: int = 3,
	history_days: int = 365,
	log: Callable[[str], None] = print,
) -> dict[str, Any]:
	"""Set up the chain and its history (not timed), then time the first run, a daily run and a full recompute."""
	started = time.perf_counter()
	chain = generate_chain(DemoConfig(stores=stores, skus=skus, members=0, days=1, seed=3))
	write_chain(db, chain)
	as_of = chain.config.start_date
	write_purchase_history(db, chain, as_of)
	write_demand_table(db, chain)
	set_steady_stock(db)
	history_rows = write_history(db, as_of - timedelta(days=history_days), as_of - timedelta(days=1), log)
	log(
		f"set-up: {stores} stores × {skus:,} SKUs, {history_rows:,} daily rows over {history_days} days "
		f"({time.perf_counter() - started:.0f} s)"
	)
	figures: dict[str, Any] = {
		"stores": stores,
		"skus": skus,
		"history_days": history_days,
		"history_rows": history_rows,
	}
	figures["first_run"] = timed("first run (26 weeks smoothed)", lambda: run_replenishment(db, as_of), log)
	write_history(db, as_of, as_of, log)
	figures["daily_run"] = timed("daily run", lambda: run_replenishment(db, as_of + timedelta(days=1)), log)
	figures["recompute_year"] = timed(
		"recompute from a year",
		lambda: _recompute(db, as_of + timedelta(days=1), history_days + 1),
		log,
	)
	figures["daily_within_target"] = figures["daily_run"]["seconds"] <= TARGET_SECONDS
	db.execute(f"DROP TABLE IF EXISTS `{DEMAND_TABLE}`")
	return figures


def _recompute(db: Database, as_of: date, history_days: int):
	from retail_suite.replenishment.demand import advance_forecasts
	from retail_suite.replenishment.suggestions import ReplenishmentRun, plan_suggestions, write_suggestions

	run = ReplenishmentRun(as_of=as_of, store=None)
	started = time.perf_counter()
	run.forecasts = advance_forecasts(db, as_of, recompute=True, history_days=history_days)
	run.seconds["forecasts"] = round(time.perf_counter() - started, 3)
	started = time.perf_counter()
	run.planned, run.suggestions = plan_suggestions(db, as_of, run.forecasts)
	write_suggestions(db, as_of, run.suggestions)
	run.seconds["suggestions"] = round(time.perf_counter() - started, 3)
	return run


def main(argv: list[str]) -> int:
	"""Run the benchmark on a throwaway database beside RETAIL_SUITE_DB's, then drop it."""
	from retail_suite.db.scratch import benchmark_main

	return benchmark_main(benchmark_replenishment, argv, "replenish", 3)


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
