"""Benchmark of the promotion engine (pure): a 50-line basket against 500 active promotions.

The inputs come from a seeded 32-bit linear congruential generator, drawn in the same order as
`tests/js/bench_promotions.js` draws them for the JS twin, so both engines are timed on the same
promotions and baskets (tests/unit/test_promotion_twin.py checks that the inputs and the discounts are
the same). The Catalogue is compiled once and reused for every basket, as at a till. Targets live in
BENCHMARKS.md, never in a timed test.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from retail_suite.promotions.engine import Catalogue, evaluate

SEED = 20261127
ITEMS = 2000
#: promotions target items I0000..I0599; baskets draw most lines from them
PROMOTED = 600
#: bundles pair items I0000..I0049; baskets draw a fifth of their lines from them
HOT = 50
GROUPS = 40
CONTEXT: dict[str, Any] = {
	"at": "2026-11-27T18:30:00+08:00",
	"timezone": "Asia/Shanghai",
	"store": "S1",
	"member": "M1",
	"member_tags": ["VIP"],
	"coupons": ["SAVE7"],
	"usage": {},
}


class Lcg:
	"""32-bit linear congruential generator (Numerical Recipes constants), the same as the JS benchmark's."""

	def __init__(self, seed: int) -> None:
		self.state = seed % 4294967296

	def next(self) -> int:
		self.state = (self.state * 1664525 + 1013904223) % 4294967296
		return self.state

	def below(self, count: int) -> int:
		return self.next() // 256 % count

	def pick(self, choices: list[Any]) -> Any:
		return choices[self.below(len(choices))]


def _money(minor: int) -> str:
	return f"{minor // 100}.{minor % 100:02d}"


def _item_code(index: int) -> str:
	return f"I{index:04d}"


def _item_group(index: int) -> str:
	return f"G{index % GROUPS:02d}"


def _promoted_items(random: Lcg, count: int) -> list[str]:
	return [_item_code(random.below(PROMOTED)) for _ in range(count)]


def _promotion(random: Lcg, number: int) -> dict[str, Any]:
	roll = random.below(100)
	kind = (
		"percent_off"
		if roll < 30
		else "amount_off"
		if roll < 45
		else "fixed_price"
		if roll < 55
		else "buy_x_get_y"
		if roll < 70
		else "mix_match"
		if roll < 80
		else "bundle"
		if roll < 90
		else "spend_tiers"
	)
	stacking_roll = random.below(100)
	raw: dict[str, Any] = {
		"name": f"PROMO{number:03d}",
		"kind": kind,
		"stacking": "exclusive" if stacking_roll < 10 else "best" if stacking_roll < 35 else "stackable",
		"priority": random.below(5),
	}
	target = random.below(100)
	if kind == "bundle":
		first, second = _item_code(random.below(HOT)), _item_code(random.below(HOT))
		if first == second:  # an item is listed once in a bundle, with its quantity
			raw["components"] = [{"item_code": first, "qty": 2}]
		else:
			raw["components"] = [{"item_code": first, "qty": 1}, {"item_code": second, "qty": 1}]
		raw["price"] = _money(200 + random.below(1500))
	elif kind == "spend_tiers":
		if target >= 30:  # else: the whole basket
			raw["item_groups"] = [_item_group(random.below(GROUPS))]
		tiers = 1 + random.below(3)
		by_percent = random.below(2) == 1
		raw["tiers"] = [
			{"threshold": _money((5000, 10000, 20000)[tier]), "percent": ("5", "10", "15")[tier]}
			if by_percent
			else {"threshold": _money((5000, 10000, 20000)[tier]), "amount": _money((500, 1200, 3000)[tier])}
			for tier in range(tiers)
		]
		raw["repeat"] = tiers == 1 and not by_percent and random.below(4) == 0
	else:
		if target < 85:
			raw["items"] = _promoted_items(random, 1 + random.below(4))
		else:
			raw["item_groups"] = [_item_group(random.below(GROUPS))]
		if kind == "percent_off":
			raw["percent"] = random.pick(["5", "10", "12.5", "15", "20", "25", "30"])
			if random.below(10) == 0:
				raw["min_qty"] = "2"
		elif kind == "amount_off":
			raw["amount"] = _money(10 + random.below(300))
		elif kind == "fixed_price":
			raw["price"] = _money(50 + random.below(2000))
		elif kind == "buy_x_get_y":
			raw["buy_qty"] = 1 + random.below(3)
			raw["get_qty"] = 1
			raw["percent"] = random.pick(["100", "50"])
			if random.below(10) < 3:
				raw["reward_items"] = _promoted_items(random, 1 + random.below(2))
		else:
			raw["group_qty"] = 2 + random.below(3)
			raw["price"] = _money(100 * raw["group_qty"] + random.below(1000))
	window = random.below(100)
	if window < 10:
		raw["window"] = {"hours": [{"start": "17:00", "end": "19:00"}]}
	elif window < 15:
		raw["window"] = {"hours": [{"start": "22:00", "end": "02:00"}], "days": [5, 6]}
	elif window < 25:
		raw["window"] = {"days": [1 + random.below(7), 1 + random.below(7)]}
	elif window < 30:
		raw["window"] = {"valid_from": "2026-11-01", "valid_upto": "2026-11-20"}
	audience = random.below(100)
	if audience < 8:
		raw["members_only"] = True
	elif audience < 11:
		raw["member_tags"] = [random.pick(["VIP", "STAFF"])]
	elif audience < 15:
		raw["coupon_codes"] = [f"save{random.below(10)}"]
	elif audience < 18:
		raw["stores"] = [random.pick(["S1", "S2"])]
	if 90 <= audience < 93:
		raw["limit_total"] = 100
	return raw


def _basket(random: Lcg) -> dict[str, Any]:
	lines = []
	for line_id in range(1, 51):
		where = random.below(10)
		if where < 2:
			index = random.below(HOT)
		elif where < 6:
			index = random.below(PROMOTED)
		else:
			index = PROMOTED + random.below(ITEMS - PROMOTED)
		weighed = index % 10 == 9
		lines.append(
			{
				"line_id": line_id,
				"item_code": _item_code(index),
				"item_group": _item_group(index),
				"qty": f"0.{100 + random.below(900)}" if weighed else str(1 + random.below(3)),
				"unit_price": _money(50 + index * 7919 % 5951),
			}
		)
	return {"lines": lines}


def benchmark_inputs(promotions: int = 500, baskets: int = 20, seed: int = SEED) -> dict[str, Any]:
	"""{"promotions", "baskets", "context"}: the same, value for value, as benchmarkInputs() in the JS bench."""
	random = Lcg(seed)
	raws = [_promotion(random, number) for number in range(promotions)]
	return {
		"promotions": raws,
		"baskets": [_basket(random) for _ in range(baskets)],
		"context": dict(CONTEXT),
	}


def write_benchmark_inputs(path: str | Path) -> Path:
	"""The benchmark's inputs as one JSON file (to replay them elsewhere, or read them)."""
	path = Path(path)
	path.write_text(json.dumps(benchmark_inputs(), indent=1))
	return path


def promotion_benchmark(repeat: int = 2000) -> dict[str, Any]:
	"""Median and 95th percentile (ms) of one evaluation: 50 lines, 500 promotions, Catalogue built once."""
	inputs = benchmark_inputs()
	catalogue = Catalogue(inputs["promotions"])
	baskets, context = inputs["baskets"], inputs["context"]
	for index in range(min(200, repeat)):
		evaluate(catalogue, baskets[index % len(baskets)], context)  # warm-up, as the JS bench does
	samples = []
	for index in range(repeat):
		started = time.perf_counter()
		evaluate(catalogue, baskets[index % len(baskets)], context)
		samples.append((time.perf_counter() - started) * 1000)
	ordered = sorted(samples)
	first = evaluate(catalogue, baskets[0], context)
	return {
		"engine": "python",
		"median_ms": round(statistics.median(samples), 4),
		"p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 4),
		"promotions": len(inputs["promotions"]),
		"lines": len(baskets[0]["lines"]),
		"applied": len(first["promotions"]),
		"skipped": len(first["skipped"]),
		"total_discount": first["total_discount"],
		"repeat": repeat,
	}
