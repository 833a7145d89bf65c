"""Benchmark of the fresh expiry job (store layer): figures, never a timed test.

`benchmark_expiry_job(db)` writes a chain of fresh batches (200,000 by default) spread over 50 stores in
three time zones, with expiry dates from two days ago to three weeks ahead, their stock as ERPNext v15
keeps it (a ledger entry and a Serial and Batch Entry per receipt, a sale out of one batch in ten), and a
ladder per fresh item group. It then times (a) the job's first run as of one moment — reading batch stock,
planning, writing markdown promotions, labels, blocked batches and withdrawal proposals — and (b) a rerun
of the same moment, which writes nothing. Target: (a) within 10 s.

Run it alone on a throwaway database next to RETAIL_SUITE_DB's:
	python -m retail_suite.fresh.benchmark [batches] [stores]
"""

from __future__ import annotations

import random
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from retail_suite.db.port import Database, insert_rows
from retail_suite.fresh.markdowns import batch_stock, load_stores, run_markdowns, save_ladder
from retail_suite.fresh.shrink import ensure_shrink_reasons

TARGET_SECONDS = 10.0
AS_OF = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # morning in the Americas, evening in Asia
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Shanghai")
GROUPS = {
	"Produce": ((1, None, 25), (0, None, 40), (0, "18:00", 60)),
	"Dairy": ((2, None, 20), (1, None, 40), (0, "18:00", 70)),
	"Bakery": ((0, None, 30), (0, "17:00", 60)),
	"Meat and Fish": ((1, None, 30), (0, None, 50), (0, "18:00", 70)),
}
OWNER = "Administrator"


def write_fresh_chain(db: Database, batches: int, stores: int, items: int = 2000, seed: int = 5) -> dict[str, int]:
	"""Stores, fresh items with prices and barcodes, ladders, and `batches` batches with their stock."""
	rng = random.Random(seed)
	now = datetime.now()
	stamp = (now, now, OWNER, OWNER)
	standard = ("creation", "modified", "owner", "modified_by")
	today = AS_OF.date()
	with db.transaction():
		insert_rows(db, "tabItem Group", ("name", "item_group_name", "parent_item_group", "is_group", *standard),
			[("All Item Groups", "All Item Groups", None, 1, *stamp)] + [(g, g, "All Item Groups", 0, *stamp) for g in GROUPS])
		codes = [f"FB-{number:05d}" for number in range(1, items + 1)]
		groups = {code: list(GROUPS)[number % len(GROUPS)] for number, code in enumerate(codes)}
		costs = {code: round(rng.uniform(0.5, 9.0), 2) for code in codes}
		insert_rows(db, "tabItem", ("name", "item_code", "item_name", "item_group", "stock_uom", "is_stock_item",
			"has_batch_no", "has_expiry_date", "shelf_life_in_days", "valuation_rate", *standard),
			[(code, code, f"Fresh {code}", groups[code], "Nos", 1, 1, 1, 10, costs[code], *stamp) for code in codes])
		insert_rows(db, "tabItem Price", ("name", "item_code", "price_list", "price_list_rate", "selling", *standard),
			[(f"{code}-SELL", code, "Standard Selling", round(costs[code] * 1.6, 2), 1, *stamp) for code in codes])
		insert_rows(db, "tabItem Barcode", ("name", "barcode", "barcode_type", "parent", "parentfield", "parenttype", "idx", *standard),
			[(f"{code}-EAN", f"20{number:011d}", "EAN", code, "barcodes", "Item", 1, *stamp) for number, code in enumerate(codes)])
		store_codes = [f"B{number:03d}" for number in range(1, stores + 1)]
		warehouses = {code: f"{code} Fresh - BEN" for code in store_codes}
		insert_rows(db, "tabWarehouse", ("name", "warehouse_name", "company", "is_group", *standard),
			[(warehouses[code], f"{code} Fresh", "Bench Co", 0, *stamp) for code in store_codes])
		insert_rows(db, "tabRetail Store", ("name", "store_code", "store_name", "company", "warehouse", "price_list", "time_zone",
			*standard), [(code, code, f"Store {code}", "Bench Co", warehouses[code], "Standard Selling",
				ZONES[number % len(ZONES)], *stamp) for number, code in enumerate(store_codes)])
	for group, steps in GROUPS.items():
		save_ladder(db, {"ladder_name": group, "item_group": group, "near_expiry_days": 3},
			[{"days_before_expiry": days, "from_time": when, "percent_off": percent} for days, when, percent in steps])
	ensure_shrink_reasons(db)
	batch_rows, ledger, bundles, entries = [], [], [], []
	for number in range(1, batches + 1):
		code = codes[rng.randrange(items)]
		store = store_codes[rng.randrange(stores)]
		expiry = today + timedelta(days=rng.randint(-2, 20))
		name = f"BB{number:07d}"
		batch_rows.append((name, name, code, expiry - timedelta(days=10), expiry, 0, "Nos", *stamp))
		qty = rng.randint(2, 40)
		moves = [qty] + ([-rng.randint(1, qty - 1)] if number % 10 == 0 else [])
		for move_number, move in enumerate(moves):
			key = f"{name}-{move_number}"
			ledger.append((f"SLE-{key}", *stamp, 1, code, warehouses[store], expiry - timedelta(days=10), "Stock Entry", f"BENCH-{key}",
				move, costs[code], "Bench Co", 0, None, f"SBB-{key}"))
			bundles.append((f"SBB-{key}", *stamp, 1, "Bench Co", code, warehouses[store], "Stock Entry", f"BENCH-{key}",
				"Inward" if move > 0 else "Outward", expiry - timedelta(days=10), 0))
			entries.append((f"SBE-{key}", *stamp, 1, f"SBB-{key}", "entries", "Serial and Batch Bundle", 1, name, warehouses[store], move, costs[code]))
	with db.transaction():
		insert_rows(db, "tabBatch", ("name", "batch_id", "item", "manufacturing_date", "expiry_date", "disabled", "stock_uom", *standard), batch_rows)
		insert_rows(db, "tabStock Ledger Entry", ("name", *standard, "docstatus", "item_code", "warehouse", "posting_date", "voucher_type",
			"voucher_no", "actual_qty", "valuation_rate", "company", "is_cancelled", "batch_no", "serial_and_batch_bundle"), ledger)
		insert_rows(db, "tabSerial and Batch Bundle", ("name", *standard, "docstatus", "company", "item_code", "warehouse",
			"voucher_type", "voucher_no", "type_of_transaction", "posting_date", "is_cancelled"), bundles)
		insert_rows(db, "tabSerial and Batch Entry", ("name", *standard, "docstatus", "parent", "parentfield", "parenttype", "idx",
			"batch_no", "warehouse", "qty", "incoming_rate"), entries)
	return {"batches": batches, "stores": stores, "items": items, "ledger_entries": len(ledger)}


def _count(db: Database, table: str) -> int:
	return int(db.sql(f"SELECT COUNT(*) AS n FROM `{table}`")[0]["n"])


def benchmark_expiry_job(
	db: Database, batches: int = 200_000, stores: int = 50, log: Callable[[str], None] = print
) -> dict[str, Any]:
	"""Write the fresh chain, then time the expiry job's first run and its rerun (see the module docstring)."""
	started = time.perf_counter()
	written = write_fresh_chain(db, batches, stores)
	generated = time.perf_counter() - started
	log(f"wrote {written} in {generated:.1f} s")
	warehouses = sorted(info.warehouse for info in load_stores(db))
	started = time.perf_counter()
	stock = batch_stock(db, warehouses)
	read_seconds = time.perf_counter() - started
	first = run_markdowns(db, AS_OF)
	log(f"first run: {first.seconds:.2f} s")
	again = run_markdowns(db, AS_OF)
	log(f"rerun: {again.seconds:.2f} s")
	return {
		"batches": written["batches"],
		"batches_with_stock": len(stock),
		"stores": written["stores"],
		"ledger_entries": written["ledger_entries"],
		"generate_seconds": round(generated, 1),
		"read_stock_seconds": round(read_seconds, 2),
		"first_run_seconds": round(first.seconds, 2),
		"rerun_seconds": round(again.seconds, 2),
		"target_seconds": TARGET_SECONDS,
		"within_target": first.seconds <= TARGET_SECONDS,
		"phases": first.phases,
		"promotions": len(first.promotions_created),
		"promotion_batch_rows": _count(db, "tabRetail Promotion Batch"),
		"batches_read": first.batches,
		"labels": len(first.labels),
		"blocked": len(first.blocked),
		"withdrawal_lines": sum(first.withdrawals.values()),
		"rerun_writes": len(again.promotions_created) + len(again.promotions_extended) + len(again.labels) + len(again.blocked)
		+ sum(again.withdrawals.values()),
		"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
	}


def main(argv: list[str]) -> int:
	"""Run the benchmark on a throwaway database beside RETAIL_SUITE_DB's, then drop it."""
	from retail_suite.db.scratch import benchmark_main

	return benchmark_main(benchmark_expiry_job, argv, "fresh", 2, show=True)


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))

