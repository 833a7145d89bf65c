"""Benchmark of the broken-size scan (store layer): figures, never a timed test.

`benchmark_broken_sizes(db)` writes a generated apparel chain (`scenario.py`) of 10,000 styles × 20 stores —
about 125,000 variants in 2 or 3 colours × 5 sizes, a Bin per store and variant (2.5 million), a distribution
warehouse, 28 days of audited till sales — with a chain rule (S, M, L at depth 1), not timed; then times
the scan (`scan_broken_sizes`: sales per store, stock of the selling styles, rules, ranking, transfers) and
the writing of the day's alerts, `repeat` times. The scan reads the Bins on a second connection while the
first reads the sales (the standalone host's way). It returns the figures as a dict, with the precision and
recall of the alerts against the generator's truth. Target: the scan within 10 s.

The scan is timed twice: with the server's InnoDB buffer pool as it is (MariaDB's default is 128 MB, less
than the Bin index at this scale: each scan reads it from the disk cache again), then with the pool set to
`pool_mb` (default 2048 MB, enough for the indexes the scan reads, as a production ERPNext database server
is configured; 0 skips it) — set at runtime with SET GLOBAL, which needs that privilege, and put back as it
was afterwards, also on error. The log names both pool sizes.

Run it alone on a throwaway database next to RETAIL_SUITE_DB's:
	python -m retail_suite.apparel.benchmark [styles] [stores] [repeat] [pool_mb]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from retail_suite.apparel.broken_size import score_alerts
from retail_suite.apparel.broken_sizes import scan_broken_sizes, write_alerts
from retail_suite.apparel.scenario import ScenarioConfig, generate_scenario
from retail_suite.apparel.scenario_writer import write_scenario
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import Database

TARGET_SECONDS = 10.0
#: the buffer pool of the second timing: the Bin and sales indexes at benchmark scale fit in it
POOL_MB = 2048
MB = 1024 * 1024


def benchmark_config(styles: int = 10_000, stores: int = 20, seed: int = 17) -> ScenarioConfig:
	"""A chain at benchmark scale: a style sells 0.05 to 0.4 units a day in a store where it sells (60 %),
	under 0.03 where it hardly does — about 1,400 units per store and day for 10,000 styles; one pair in ten
	has a key size out (the precision test's chain has three in ten, for more cases to score)."""
	return ScenarioConfig(
		stores=stores,
		styles=styles,
		seed=seed,
		live_rate=(0.05, 0.4),
		tail_rate=(0.0, 0.03),
		# one (store, style) pair in ten has a key size out; one in twenty a colour the store does not carry
		broken_share=0.1,
		odd_size_share=0.05,
		daily_sales=False,
		company="Apparel Bench Co",
		abbr="ABC",
	)


def buffer_pool_bytes(db: Database) -> int:
	return int(db.sql("SELECT @@GLOBAL.innodb_buffer_pool_size AS size")[0]["size"])


def _set_buffer_pool(db: Database, size: int, log: Callable[[str], None]) -> None:
	"""Resize the pool at runtime and wait until the server says it is done (it resizes in the background)."""
	db.execute(f"SET GLOBAL innodb_buffer_pool_size = {int(size)}")
	deadline = time.monotonic() + 120
	while time.monotonic() < deadline:
		rows = db.sql("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_resize_status'")
		status = str(rows[0].get("Value", "")) if rows else ""
		if not status or status.startswith("Completed") or "resized" in status.lower():
			break
		time.sleep(0.2)
	log(f"InnoDB buffer pool now {buffer_pool_bytes(db) // MB:,} MB")


@contextmanager
def buffer_pool(db: Database, size_mb: int, log: Callable[[str], None]) -> Iterator[int]:
	"""The server's InnoDB buffer pool at `size_mb` within the block, put back to its size before after it."""
	before = buffer_pool_bytes(db)
	_set_buffer_pool(db, size_mb * MB, log)
	try:
		yield buffer_pool_bytes(db) // MB
	finally:
		_set_buffer_pool(db, before, log)


def time_scans(
	db: Database, scenario: Any, repeat: int, label: str, log: Callable[[str], None]
) -> tuple[list[float], list[float], Any]:
	"""`repeat` scans (Bins read on a second connection when the host is standalone) and alert writes."""
	stock_db = MariaDBDatabase(db.settings) if isinstance(db, MariaDBDatabase) else None
	scans, writes = [], []
	scan = None
	try:
		for run in range(repeat):
			started = time.perf_counter()
			scan = scan_broken_sizes(db, scenario.config.as_of, stock_db=stock_db)
			scans.append(time.perf_counter() - started)
			started = time.perf_counter()
			write_alerts(db, scan)
			writes.append(time.perf_counter() - started)
			alongside = "".join(f"; alongside: {step} {seconds:.2f}" for step, seconds in scan.alongside.items())
			log(
				f"{label} run {run + 1}: scan {scans[-1]:.2f} s ({', '.join(f'{step} {seconds:.2f}' for step, seconds in scan.timings.items())}"
				f"{alongside}), {len(scan.broken):,} broken styles, alerts written in {writes[-1]:.2f} s"
			)
	finally:
		if stock_db is not None:
			stock_db.close()
	return scans, writes, scan


def _outcome(scan: Any) -> tuple[list[tuple], list[tuple]]:
	return (
		[(found.store, found.style, found.rank, found.missing_sizes) for found in scan.broken],
		[(move.store, move.style, move.item_code, move.from_warehouse, move.qty) for move in scan.transfers],
	)


def benchmark_broken_sizes(
	db: Database,
	styles: int = 10_000,
	stores: int = 20,
	repeat: int = 3,
	pool_mb: int = POOL_MB,
	log: Callable[[str], None] = print,
) -> dict[str, Any]:
	"""Write the chain (not timed), then time the scan and the writing of its alerts: with the buffer pool as
	the server has it, then (`pool_mb` > 0) with the pool at `pool_mb`."""
	started = time.perf_counter()
	scenario = generate_scenario(benchmark_config(styles, stores))
	generated = time.perf_counter() - started
	log(f"generated {styles:,} styles × {stores} stores in {generated:.1f} s")
	started = time.perf_counter()
	written = write_scenario(db, scenario)
	write_seconds = time.perf_counter() - started
	log(f"written in {write_seconds:.1f} s: " + ", ".join(f"{table[3:]} {rows:,}" for table, rows in written.items()))
	pool_before = buffer_pool_bytes(db) // MB
	label = f"pool {pool_before:,} MB"
	scans, writes, scan = time_scans(db, scenario, repeat, label, log)
	sized: dict[str, Any] = {}
	if pool_mb > 0:
		with buffer_pool(db, pool_mb, log) as pool_now:
			sized_scans, _writes, sized_scan = time_scans(db, scenario, repeat, f"pool {pool_now:,} MB", log)
		assert sized_scan is not None and scan is not None
		if _outcome(sized_scan) != _outcome(scan):
			raise AssertionError("the scan found other alerts with the larger buffer pool")
		sized = {
			"pool_sized_mb": pool_now,
			"scan_seconds_median_pool_sized": round(statistics.median(sized_scans), 2),
			"scan_seconds_max_pool_sized": round(max(sized_scans), 2),
			"scan_steps_pool_sized": sized_scan.timings,
			"within_target_pool_sized": statistics.median(sized_scans) <= TARGET_SECONDS,
		}
	assert scan is not None
	score = score_alerts({(found.store, found.style) for found in scan.broken}, scenario.truly_broken)
	figures = {
		"styles": styles,
		"stores": stores,
		"variants": written.get("tabItem", 0) - styles,
		"bins": written.get("tabBin", 0),
		"sales_lines": written.get("tabPOS Transaction Line", 0),
		"units_sold": sum(scenario.sales.values()),
		"write_seconds": round(write_seconds, 1),
		"pairs_selling": scan.pairs_selling,
		"pairs_checked": scan.pairs_checked,
		"pool_mb": pool_before,
		"scan_steps": scan.timings,
		"broken": len(scan.broken),
		"transfers": len(scan.transfers),
		"units_suggested": sum(transfer.qty for transfer in scan.transfers),
		"scan_seconds_median": round(statistics.median(scans), 2),
		"scan_seconds_max": round(max(scans), 2),
		"write_alerts_seconds_median": round(statistics.median(writes), 2),
		"precision": round(score.precision, 3),
		"recall": round(score.recall, 3),
		"target_seconds": TARGET_SECONDS,
		"within_target": statistics.median(scans) <= TARGET_SECONDS,
		**sized,
	}
	pooled = (
		f"; pool {sized['pool_sized_mb']:,} MB: median {sized['scan_seconds_median_pool_sized']} s "
		f"(max {sized['scan_seconds_max_pool_sized']} s)"
		if sized
		else ""
	)
	log(
		f"broken-size scan of {styles:,} styles × {stores} stores: pool {pool_before:,} MB: median "
		f"{figures['scan_seconds_median']} s (max {figures['scan_seconds_max']} s){pooled}; target {TARGET_SECONDS:g} s; "
		f"{figures['pairs_selling']:,} selling pairs, "
		f"{figures['broken']:,} broken, {figures['transfers']:,} transfers; precision {figures['precision']}, "
		f"recall {figures['recall']}"
	)
	return figures


def main(argv: list[str]) -> int:
	"""Run the benchmark on a throwaway database beside RETAIL_SUITE_DB's, then drop it."""
	from retail_suite.db.scratch import benchmark_main

	return benchmark_main(benchmark_broken_sizes, argv, "apparel", 4)


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
