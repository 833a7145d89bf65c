"""Benchmark of the broken-size scan (store layer): figures, never a timed test.

`benchmark_broken_sizes(db)` writes a generated apparel chain (`scenario.py`) of 10,000 styles × 20 stores —
about 125,000 variants in 2 or 3 colours × 5 sizes, a Bin per store and variant (2.5 million), a distribution
warehouse, 28 days of audited till sales — with a chain rule (S, M, L at depth 1), not timed; then times
the scan (`scan_broken_sizes`: sales per store, stock of the selling styles, rules, ranking, transfers) and
the writing of the day's alerts, `repeat` times. It returns the figures as a dict, with the precision and
recall of the alerts against the generator's truth. Target: the scan within 10 s.

Run it alone on a throwaway database next to RETAIL_SUITE_DB's:
	python -m retail_suite.apparel.benchmark [styles] [stores] [repeat]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from retail_suite.apparel.broken_size import score_alerts
from retail_suite.apparel.broken_sizes import scan_broken_sizes, write_alerts
from retail_suite.apparel.scenario import ScenarioConfig, generate_scenario
from retail_suite.apparel.scenario_writer import write_scenario
from retail_suite.db.port import Database

TARGET_SECONDS = 10.0


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


def benchmark_broken_sizes(
	db: Database, styles: int = 10_000, stores: int = 20, repeat: int = 3, log: Callable[[str], None] = print
) -> dict[str, Any]:
	"""Write the chain (not timed), then time the scan and the writing of its alerts."""
	started = time.perf_counter()
	scenario = generate_scenario(benchmark_config(styles, stores))
	generated = time.perf_counter() - started
	log(f"generated {styles:,} styles × {stores} stores in {generated:.1f} s")
	started = time.perf_counter()
	written = write_scenario(db, scenario)
	write_seconds = time.perf_counter() - started
	log(f"written in {write_seconds:.1f} s: " + ", ".join(f"{table[3:]} {rows:,}" for table, rows in written.items()))
	scans, writes = [], []
	scan = None
	for run in range(repeat):
		started = time.perf_counter()
		scan = scan_broken_sizes(db, scenario.config.as_of)
		scans.append(time.perf_counter() - started)
		started = time.perf_counter()
		write_alerts(db, scan)
		writes.append(time.perf_counter() - started)
		log(
			f"run {run + 1}: scan {scans[-1]:.2f} s ({', '.join(f'{step} {seconds:.2f}' for step, seconds in scan.timings.items())}), "
			f"{len(scan.broken):,} broken styles, alerts written in {writes[-1]:.2f} s"
		)
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
		"within_target": max(scans) <= TARGET_SECONDS,
	}
	log(
		f"broken-size scan of {styles:,} styles × {stores} stores: median {figures['scan_seconds_median']} s "
		f"(max {figures['scan_seconds_max']} s, target {TARGET_SECONDS:g} s); {figures['pairs_selling']:,} selling pairs, "
		f"{figures['broken']:,} broken, {figures['transfers']:,} transfers; precision {figures['precision']}, "
		f"recall {figures['recall']}"
	)
	return figures


def main(argv: list[str]) -> int:
	"""Run the benchmark on a throwaway database beside RETAIL_SUITE_DB's, then drop it."""
	from retail_suite.db.scratch import benchmark_main

	return benchmark_main(benchmark_broken_sizes, argv, "apparel", 3)


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
