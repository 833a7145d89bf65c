"""The JS twin (public/js/retail_promotions.js, run by node) against the Python engine, output for output.

The shared case table checks what a case expects; here the whole result is compared (every line's amount,
net and parts, the promotions in the order applied, the skipped reasons, the error message), on the case
table and on the benchmark's generated promotions and baskets, which both benchmarks draw from the same
seeded generator, and on inputs at the edge of what Python reads (its Decimal, int(), date.fromisoformat,
regular expressions and time zones), where a twin is most likely to drift.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from retail_suite.promotions.benchmark import benchmark_inputs
from retail_suite.promotions.engine import Catalogue, PromotionError, evaluate

REPO = Path(__file__).resolve().parents[2]
CASES = json.loads((REPO / "tests" / "cases" / "promotions.json").read_text())["cases"]

AT = "2026-11-27T18:30:00+08:00"  # a Friday evening in Shanghai
LINE = {"line_id": 1, "item_code": "A", "item_group": "G1", "qty": "2", "unit_price": "10.00"}
PERCENT = {"name": "P10", "kind": "percent_off", "percent": "10", "items": ["A"]}


def edge(name: str, promotions: list | None = None, lines: list | None = None, **context: Any) -> dict:
	return {
		"name": name,
		"promotions": [PERCENT] if promotions is None else promotions,
		"basket": {"lines": [LINE] if lines is None else lines},
		"context": {"at": AT, "timezone": "Asia/Shanghai", "store": "S1", **context},
	}


def window(**fields: Any) -> list[dict]:
	return [{**PERCENT, "window": fields}]


EDGE_CASES = [
	edge("digits of another script", lines=[{**LINE, "qty": "\u0662", "unit_price": "\u0661\u0662.\u0665"}]),
	edge("underscores, spaces and exponents", lines=[{**LINE, "qty": " 1_0 ", "unit_price": "1.5E1"}]),
	edge(
		"29 significant digits round to Decimal's 28",
		lines=[{**LINE, "qty": "1.0000000000000000000000000001"}],
	),
	edge("a quantity past 2^53 thousandths", lines=[{**LINE, "qty": "9007199254740993.001"}]),
	edge("infinity is not a number", lines=[{**LINE, "unit_price": "Infinity"}]),
	edge("a price written as a list", lines=[{**LINE, "unit_price": ["1"]}]),
	edge("a quantity given as true", lines=[{**LINE, "qty": True}]),
	edge("line id written as a string", lines=[{**LINE, "line_id": "1"}]),
	edge("the same line id twice", lines=[LINE, LINE]),
	edge("no quantity", lines=[{"line_id": 1, "item_code": "A", "unit_price": "1"}]),
	edge("an ISO week date", promotions=window(valid_from="2026-W48-5", valid_upto="2026W485")),
	edge("a compact date with a tail Python ignores", promotions=window(valid_upto="2026112699")),
	edge("February 30th", promotions=window(valid_from="2026-02-30")),
	edge("a week 53 the year does not have", promotions=window(valid_from="2025-W53")),
	edge("weekdays written as a string", promotions=window(days="56")),
	edge("hours in another script", promotions=window(hours=[{"start": "\u0661\u0667:00", "end": "19:00"}])),
	edge("an hour of 24:01", promotions=window(hours=[{"start": "17:00", "end": "24:01"}])),
	edge(
		"a night window from the day before",
		promotions=window(hours=[{"start": "22:00", "end": "02:00"}], days=[4]),
		at="2026-11-27T01:30:00+08:00",
	),
	edge("a moment with a trailing newline", at=AT + "\n"),
	edge("a moment with fractions of a second", at="2026-11-27T18:30:00.999-0930"),
	edge("a moment on February 30th", at="2026-02-30T10:00"),
	edge("a moment at second 60", at="2026-11-27 10:00:60"),
	edge("year one in a zone east of Greenwich", at="0001-01-01T00:30:00+01:00"),
	edge("a time zone in lower case", timezone="asia/shanghai"),
	edge("a zone alias", timezone="US/Eastern", at="2026-03-08T07:30:00Z"),
	edge("precision as a string", precision="3"),
	edge("precision 5", precision=5),
	edge("priority that is no number", promotions=[{**PERCENT, "priority": "high"}]),
	edge("items written as one string", promotions=[{**PERCENT, "items": "A"}]),
	edge("items as a mapping", promotions=[{**PERCENT, "items": {"A": 1}}]),
	edge("a kind nobody knows", promotions=[{**PERCENT, "kind": "half_off"}]),
	edge("a promotion listed twice", promotions=[PERCENT, PERCENT]),
	edge("buy 0 get 0", promotions=[{"name": "B", "kind": "buy_x_get_y", "items": ["A"]}]),
	edge(
		"buy -3 get 1",
		promotions=[
			{
				"name": "B",
				"kind": "buy_x_get_y",
				"items": ["A"],
				"buy_qty": -3,
				"get_qty": 1,
				"percent": "100",
			}
		],
		lines=[{**LINE, "qty": "5"}],
	),
	edge(
		"a bundle naming one item twice",
		promotions=[
			{
				"name": "D",
				"kind": "bundle",
				"components": [{"item_code": "A"}, {"item_code": "A"}],
				"price": "5",
			}
		],
		lines=[{**LINE, "qty": "4"}],
	),
	edge("a bundle without items", promotions=[{"name": "D", "kind": "bundle", "price": "5"}]),
	edge(
		"a component without an item code",
		promotions=[{"name": "D", "kind": "bundle", "components": [{"qty": 2}], "price": "5"}],
	),
	edge("an item group that is a list", lines=[{**LINE, "item_group": ["G1"]}]),
	edge(
		"names sorted by code point past U+FFFF",
		promotions=[{**PERCENT, "name": "\uff21"}, {**PERCENT, "name": "\U0001f600", "percent": "20"}],
	),
	edge(
		"usage that is no mapping",
		promotions=[{**PERCENT, "limit_total": 1}],
		usage={"P10": 5},
	),
	edge(
		"a coupon in any case", promotions=[{**PERCENT, "coupon_codes": ["stra\u00dfe"]}], coupons=["STRASSE"]
	),
	edge(
		"member tags as a string",
		promotions=[{**PERCENT, "member_tags": ["V"]}],
		member="M1",
		member_tags="VIP",
	),
]

NODE_SCRIPT = """
const repo = %s;
const promotions = require(repo + "/retail_suite/public/js/retail_promotions.js");
const bench = require(repo + "/tests/js/bench_promotions.js");
const fs = require("node:fs");
function outcome(run) {
	try {
		return { result: run() };
	} catch (error) {
		return { error: error.message, promotion_error: error instanceof promotions.PromotionError };
	}
}
const table = JSON.parse(fs.readFileSync(repo + "/tests/cases/promotions.json", "utf8")).cases;
const edges = JSON.parse(fs.readFileSync(0, "utf8"));
const inputs = bench.benchmarkInputs();
const catalogue = new promotions.Catalogue(inputs.promotions);
process.stdout.write(JSON.stringify({
	cases: table.map((c) => outcome(() => promotions.evaluate(c.promotions, c.basket, c.context))),
	edges: edges.map((c) => outcome(() => promotions.evaluate(c.promotions, c.basket, c.context))),
	inputs,
	baskets: inputs.baskets.map((basket) => promotions.evaluate(catalogue, basket, inputs.context)),
}));
"""


@cache
def node_run() -> dict[str, Any]:
	script = NODE_SCRIPT % json.dumps(str(REPO))
	done = subprocess.run(
		["node", "-e", script],
		input=json.dumps(EDGE_CASES),
		capture_output=True,
		text=True,
		check=True,
		timeout=120,
	)
	return json.loads(done.stdout)


def python_outcome(case: dict) -> dict[str, Any]:
	try:
		return {"result": evaluate(case["promotions"], case["basket"], case["context"])}
	except PromotionError as error:
		return {"error": str(error), "promotion_error": True}
	except Exception as error:  # what Python raises on input it cannot read at all: the twin says the same
		return {"error": str(error), "promotion_error": False}


@pytest.mark.parametrize("number", range(len(CASES)), ids=[case["name"] for case in CASES])
def test_case_table_whole_result(number: int) -> None:
	assert node_run()["cases"][number] == python_outcome(CASES[number])


@pytest.mark.parametrize("number", range(len(EDGE_CASES)), ids=[case["name"] for case in EDGE_CASES])
def test_edge_inputs_whole_result(number: int) -> None:
	assert node_run()["edges"][number] == python_outcome(EDGE_CASES[number])


def test_benchmark_generators_agree() -> None:
	assert node_run()["inputs"] == benchmark_inputs()


def test_benchmark_baskets_give_the_same_discounts() -> None:
	inputs = benchmark_inputs()
	catalogue = Catalogue(inputs["promotions"])
	expected = [evaluate(catalogue, basket, inputs["context"]) for basket in inputs["baskets"]]
	assert node_run()["baskets"] == expected
	# the generated baskets exercise the engine: every kind and every stacking applies somewhere
	applied = {entry["promotion"] for result in expected for entry in result["promotions"]}
	kinds = {raw["kind"] for raw in inputs["promotions"] if raw["name"] in applied}
	stackings = {raw["stacking"] for raw in inputs["promotions"] if raw["name"] in applied}
	assert kinds == {
		"percent_off",
		"amount_off",
		"fixed_price",
		"buy_x_get_y",
		"mix_match",
		"bundle",
		"spend_tiers",
	}
	assert stackings == {"exclusive", "best", "stackable"}
