"""Benchmark of member statistics and tags (store layer): figures, never a timed test.

`benchmark_member_tags(db)` writes a chain of 100,000 members with a history of business days
of 20,000 transactions each (about 75 % with a member, 1–5 lines), folds and tags the history
(not timed), then adds one more day and times (a) the incremental fold and tagging of that
day and (b) a full recompute of the statistics and tags from the whole log, with its peak
Python memory (tracemalloc) and the process's peak resident size. It returns the figures as
dicts; `retail_suite.benchmarks` may report them. Target: (a) within 30 s.

Run it alone on a throwaway database next to RETAIL_SUITE_DB's:
	python -m retail_suite.membership.benchmark [members] [transactions_per_day] [history_days]
"""

from __future__ import annotations

import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, insert_rows
from retail_suite.membership.member_stats import fold_transactions, recompute_all
from retail_suite.membership.tag_rules import MATCH_ANY, Condition, TagRule
from retail_suite.membership.tagging import assign_tags, save_rule

INCREMENTAL_TARGET_SECONDS = 30.0
ITEM_GROUPS = (
	"Dairy",
	"Bakery",
	"Produce",
	"Meat",
	"Seafood",
	"Frozen",
	"Beverages",
	"Wine",
	"Snacks",
	"Household",
	"Personal Care",
	"Baby",
	"Pet",
	"Deli",
	"Pantry",
	"Breakfast",
	"Health",
	"Stationery",
	"Garden",
	"Toys",
)
STORES = tuple(f"S{number:03d}" for number in range(1, 11))
GENDERS = ("Female", "Male", "Other")
NOW = datetime(2026, 12, 1, 23, 0)
OWNER = "Administrator"
RULES = (
	TagRule(
		"VIP",
		conditions=(
			Condition(1, "Total Spend", ">=", "1500"),
			Condition(2, "Visits in Last 90 Days", ">=", "6"),
		),
	),
	TagRule("Lapsed", conditions=(Condition(1, "Days Since Last Visit", ">=", "21"),)),
	TagRule("Birthday This Month", conditions=(Condition(1, "Birthday Month", "=", "12"),)),
	TagRule(
		"Young Wine Lovers",
		conditions=(
			Condition(1, "Age", "between", "25", "35"),
			Condition(2, "Preferred Item Group", "=", "Wine"),
		),
	),
	TagRule(
		"Champions",
		conditions=(
			Condition(1, "Recency Score (1-5)", ">=", "4"),
			Condition(2, "Frequency Score (1-5)", ">=", "4"),
			Condition(3, "Monetary Score (1-5)", ">=", "4"),
		),
	),
	TagRule(
		"S001 or New",
		match=MATCH_ANY,
		conditions=(
			Condition(1, "Home Store", "=", "S001"),
			Condition(2, "Member Since Days", "<=", "30"),
		),
	),
)


def _peak_rss_mb() -> float:
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_chain(db: Database, members: int, seed: int = 7) -> list[str]:
	"""Item groups, 2,000 items, 10 stores, `members` customers with member cards and the benchmark's rules."""
	rng = random.Random(seed)
	insert_rows(db, "tabItem Group", ("name", "item_group_name"), [(group, group) for group in ITEM_GROUPS])
	insert_rows(
		db,
		"tabItem",
		("name", "item_code", "item_group"),
		[
			(f"SKU{number:05d}", f"SKU{number:05d}", ITEM_GROUPS[number % len(ITEM_GROUPS)])
			for number in range(2000)
		],
	)
	insert_rows(db, "tabRetail Store", ("name", "store_code"), [(store, store) for store in STORES])
	codes = [f"MB{number:07d}" for number in range(members)]
	insert_rows(
		db,
		"tabCustomer",
		(
			"name",
			"customer_name",
			"customer_type",
			"gender",
			"retail_card_number",
			"retail_birthday",
			"retail_join_date",
			"retail_home_store",
			"retail_marketing_consent",
			"creation",
			"modified",
			"owner",
			"modified_by",
		),
		(
			(
				code,
				code,
				"Individual",
				rng.choice(GENDERS),
				f"C{code}",
				date(1940 + rng.randrange(65), rng.randint(1, 12), rng.randint(1, 28)),
				NOW.date() - timedelta(days=rng.randrange(2000)),
				rng.choice(STORES),
				int(rng.random() < 0.7),
				NOW,
				NOW,
				OWNER,
				OWNER,
			)
			for code in codes
		),
	)
	for rule in RULES:
		save_rule(db, rule)
	return codes


def day_of_transactions(
	members: list[str],
	business_day: date,
	count: int,
	status: str,
	rng: random.Random,
	terminal: str = "BENCH",
) -> Iterator[tuple[tuple, list[tuple]]]:
	"""(transaction row, line rows) of one business day; members drawn skewed (a few come often)."""
	for number in range(1, count + 1):
		name = f"{terminal}-{business_day:%Y%m%d}-{number:06d}"
		member = members[int(len(members) * rng.random() ** 2)] if rng.random() < 0.75 else None
		roll = rng.random()
		kind = "Return" if roll < 0.03 else "Exchange" if roll < 0.05 else "Sale"
		lines = []
		net_total = Decimal("0.00")
		for idx in range(1, rng.randint(1, 5) + 1):
			amount = Decimal(rng.randrange(100, 6000)) / 100
			direction = -1 if kind == "Return" or (kind == "Exchange" and idx == 1) else 1
			net_total += amount * direction
			lines.append(
				(
					f"{name}-L{idx}",
					name,
					"lines",
					"POS Transaction",
					idx,
					idx,
					f"SKU{rng.randrange(2000):05d}",
					1,
					amount,
					amount,
					direction,
					NOW,
					NOW,
					OWNER,
					OWNER,
				)
			)
		yield (
			(
				name,
				name,
				terminal,
				rng.choice(STORES),
				business_day,
				number,
				kind,
				status,
				member,
				net_total,
				net_total,
				NOW,
				NOW,
				OWNER,
				OWNER,
			),
			lines,
		)


def write_day(
	db: Database, members: list[str], business_day: date, count: int, status: str, seed: int
) -> int:
	"""Write a business day of transactions straight into the log (already audited or posted)."""
	rng = random.Random(seed)
	transactions, lines = [], []
	for transaction, transaction_lines in day_of_transactions(members, business_day, count, status, rng):
		transactions.append(transaction)
		lines += transaction_lines
	with db.transaction():
		insert_rows(
			db,
			"tabPOS Transaction",
			(
				"name",
				"transaction_key",
				"terminal",
				"store",
				"business_day",
				"transaction_number",
				"transaction_type",
				"status",
				"member",
				"net_total",
				"grand_total",
				"creation",
				"modified",
				"owner",
				"modified_by",
			),
			transactions,
		)
		insert_rows(
			db,
			"tabPOS Transaction Line",
			(
				"name",
				"parent",
				"parentfield",
				"parenttype",
				"idx",
				"line_id",
				"item_code",
				"qty",
				"unit_price",
				"net_amount",
				"direction",
				"creation",
				"modified",
				"owner",
				"modified_by",
			),
			lines,
		)
	return len(transactions)


def benchmark_member_tags(
	db: Database,
	members: int = 100_000,
	transactions_per_day: int = 20_000,
	history_days: int = 30,
	log: Callable[[str], None] = print,
) -> dict[str, Any]:
	"""Figures of (a) the incremental fold and tagging after one new day and (b) a full recompute.

	`db` must be a migrated, empty database (the chain and the log are written into it)."""
	first_day = date(2026, 12, 1) - timedelta(days=history_days)
	started = time.perf_counter()
	codes = write_chain(db, members)
	for offset in range(history_days):
		write_day(db, codes, first_day + timedelta(days=offset), transactions_per_day, "Posted", seed=offset)
	generated = time.perf_counter() - started
	log(
		f"written: {members:,} members, {history_days} days × {transactions_per_day:,} transactions ({generated:.0f} s)"
	)
	history_day = first_day + timedelta(days=history_days - 1)
	started = time.perf_counter()
	fold_transactions(db)
	assign_tags(db, history_day)
	history = time.perf_counter() - started
	log(f"history folded and tagged ({history:.0f} s)")

	new_day = history_day + timedelta(days=1)
	write_day(db, codes, new_day, transactions_per_day, "Audited", seed=10_000)
	started = time.perf_counter()
	folded = fold_transactions(db)
	fold_seconds = time.perf_counter() - started
	tagged = assign_tags(db, new_day)
	incremental_seconds = time.perf_counter() - started
	incremental = {
		"transactions": folded.folded,
		"members_touched": folded.members,
		"fold_seconds": round(fold_seconds, 2),
		"tag_seconds": round(tagged.seconds, 2),
		"seconds": round(incremental_seconds, 2),
		"target_seconds": INCREMENTAL_TARGET_SECONDS,
		"within_target": incremental_seconds <= INCREMENTAL_TARGET_SECONDS,
		"tags_added": tagged.added,
		"tags_removed": tagged.removed,
		"customers_updated": tagged.members_changed,
		"members_per_tag": {result.tag: result.matched for result in tagged.rules},
	}
	log(f"incremental: {incremental}")

	rss_before = _peak_rss_mb()
	tracemalloc.start()
	started = time.perf_counter()
	full_fold = recompute_all(db)
	full_fold_seconds = time.perf_counter() - started
	full_tagged = assign_tags(db, new_day)
	full_seconds = time.perf_counter() - started
	_, peak = tracemalloc.get_traced_memory()
	tracemalloc.stop()
	full = {
		"transactions": full_fold.folded,
		"members": full_fold.members,
		"fold_seconds": round(full_fold_seconds, 2),
		"tag_seconds": round(full_tagged.seconds, 2),
		"seconds": round(full_seconds, 2),
		"transactions_per_second": round(full_fold.folded / full_fold_seconds) if full_fold_seconds else None,
		"peak_python_mb": round(peak / 2**20, 1),
		"peak_rss_mb_before": round(rss_before, 1),
		"peak_rss_mb_after": round(_peak_rss_mb(), 1),
		"tags_unchanged": full_tagged.added == 0 and full_tagged.removed == 0,
	}
	log(f"full recompute: {full}")
	return {
		"members": members,
		"transactions_per_day": transactions_per_day,
		"history_days": history_days,
		"log_transactions": transactions_per_day * (history_days + 1),
		"generate_seconds": round(generated, 1),
		"history_fold_and_tag_seconds": round(history, 1),
		"incremental": incremental,
		"full": full,
	}


def main(argv: list[str]) -> int:
	"""Run the benchmark on a throwaway database beside RETAIL_SUITE_DB's, then drop it."""
	from retail_suite.db.scratch import benchmark_main

	return benchmark_main(benchmark_member_tags, argv, "members", 3)


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
