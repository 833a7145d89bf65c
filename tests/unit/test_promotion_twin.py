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
	edge("items written as one string", promotions=[{**PERCENT, "items": "A"}]),
	edge("items as a mapping", promotions=[{**PERCENT, "items": {"A": 1}}]),
	edge("a kind nobody knows", promotions=[{**PERCENT, "kind": "half_off"}]),
	edge("a promotion listed twice", promotions=[PERCENT, PERCENT]),
	edge("an item group that is a list", lines=[{**LINE, "item_group": ["G1"]}]),
	edge(
		"names sorted by code point past U+FFFF",
		promotions=[{**PERCENT, "name": "\uff21"}, {**PERCENT, "name": "\U0001f600", "percent": "20"}],
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

BUNDLE = {"name": "D", "kind": "bundle", "price": "5"}
BUY_GET = {"name": "B", "kind": "buy_x_get_y", "items": ["A"], "buy_qty": 1, "get_qty": 1, "percent": "100"}
MIX = {"name": "M", "kind": "mix_match", "items": ["A"], "group_qty": 2, "price": "15"}
NOT_WHOLE = "promotion P10: priority must be a whole number, not "
USAGE = 'context.usage must map each promotion to {"member": uses, "total": uses}'
TWICE = "is listed twice in the bundle; give it a quantity instead"
BATCH_TEXT = "basket.lines[0].batch_no must be a batch number written as text, not "


def bundle(components: Any, **fields: Any) -> list[dict]:
	return [{**BUNDLE, "components": components, **fields}]


def exclusive(name: str, priority: Any, percent: str) -> dict:
	return {**PERCENT, "name": name, "stacking": "exclusive", "priority": priority, "percent": percent}


#: The definitions and contexts engine.py refuses (whole numbers, bundle items once, X and Y at least 1, the
#: shape of context.usage), each with the exact message: Python's repr of the value, the first check that
#: fails when several would. None: read without complaint (the result is compared whole, as for any edge).
CHECKS: list[tuple[dict, str | None]] = [
	(edge("priority that is no number", promotions=[{**PERCENT, "priority": "high"}]), NOT_WHOLE + "'high'"),
	(edge("priority with a quote", promotions=[{**PERCENT, "priority": "it's"}]), NOT_WHOLE + '"it\'s"'),
	(
		edge("priority with both quotes", promotions=[{**PERCENT, "priority": 'say "hi", it\'s'}]),
		NOT_WHOLE + "'say \"hi\", it\\'s'",
	),
	(edge("priority with a tab", promotions=[{**PERCENT, "priority": "1\t2"}]), NOT_WHOLE + "'1\\t2'"),
	(
		edge("priority with a trailing newline", promotions=[{**PERCENT, "priority": "3\n"}]),
		NOT_WHOLE + "'3\\n'",
	),
	(edge("priority with spaces", promotions=[{**PERCENT, "priority": " 3"}]), NOT_WHOLE + "' 3'"),
	(edge("priority with a plus sign", promotions=[{**PERCENT, "priority": "+3"}]), NOT_WHOLE + "'+3'"),
	(
		edge("priority a no-break space", promotions=[{**PERCENT, "priority": "\u00a0"}]),
		NOT_WHOLE + "'\\xa0'",
	),
	(edge("priority in Chinese", promotions=[{**PERCENT, "priority": "高"}]), NOT_WHOLE + "'高'"),
	(edge("priority 1.5", promotions=[{**PERCENT, "priority": 1.5}]), NOT_WHOLE + "1.5"),
	(edge("priority 1e-07", promotions=[{**PERCENT, "priority": 1e-7}]), NOT_WHOLE + "1e-07"),
	(edge("priority -0.25", promotions=[{**PERCENT, "priority": -0.25}]), NOT_WHOLE + "-0.25"),
	(edge("priority true", promotions=[{**PERCENT, "priority": True}]), NOT_WHOLE + "True"),
	(
		edge(
			"priority a list", promotions=[{**PERCENT, "priority": [1, "a", None, True, False, 1.5, "it's"]}]
		),
		NOT_WHOLE + "[1, 'a', None, True, False, 1.5, \"it's\"]",
	),
	(
		edge("priority a mapping", promotions=[{**PERCENT, "priority": {"level": ["x", 2], "on": None}}]),
		NOT_WHOLE + "{'level': ['x', 2], 'on': None}",
	),
	(
		edge("priority of 4301 digits", promotions=[{**PERCENT, "priority": "1" * 4301}]),
		"Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits; "
		"use sys.set_int_max_str_digits() to increase the limit",
	),
	(edge("priority of 4300 digits", promotions=[{**PERCENT, "priority": "1" * 4300}]), None),
	(edge("priority false", promotions=[{**PERCENT, "priority": False}]), None),
	(edge("priority none", promotions=[{**PERCENT, "priority": None}]), None),
	(edge("priority empty", promotions=[{**PERCENT, "priority": ""}]), None),
	(
		edge(
			"priority in another script orders",
			promotions=[exclusive("E1", 2, "10"), exclusive("E2", "\u0663", "20")],
		),
		None,
	),
	(
		edge(
			"priority negative in a string orders",
			promotions=[exclusive("E1", "-2", "10"), exclusive("E2", -1, "20")],
		),
		None,
	),
	(
		edge("buy_qty 2.0 in a string", promotions=[{**BUY_GET, "buy_qty": "2.0"}]),
		"promotion B: buy_qty must be a whole number, not '2.0'",
	),
	(
		edge("get_qty 1.5", promotions=[{**BUY_GET, "get_qty": 1.5}]),
		"promotion B: get_qty must be a whole number, not 1.5",
	),
	(
		edge("group_qty in words", promotions=[{**MIX, "group_qty": "two"}]),
		"promotion M: group_qty must be a whole number, not 'two'",
	),
	(
		edge("limit per member as a list", promotions=[{**PERCENT, "limit_per_member": ["1"]}]),
		"promotion P10: limit_per_member must be a whole number, not ['1']",
	),
	(
		edge("limit total in words", promotions=[{**PERCENT, "limit_total": "ten"}]),
		"promotion P10: limit_total must be a whole number, not 'ten'",
	),
	(
		edge("weekday by name", promotions=window(days=["Fri"])),
		"promotion P10: window.days must be a whole number, not 'Fri'",
	),
	(
		edge("weekday 5.5", promotions=window(days=[5.5])),
		"promotion P10: window.days must be a whole number, not 5.5",
	),
	(
		edge("weekday true", promotions=window(days=[True])),
		"promotion P10: window.days must be a whole number, not True",
	),
	(
		edge("weekday none", promotions=window(days=[5, None])),
		"promotion P10: window.days must be a whole number, not None",
	),
	(
		edge("weekdays a string with a letter", promotions=window(days="5x")),
		"promotion P10: window.days must be a whole number, not 'x'",
	),
	(edge("weekdays in strings and another script", promotions=window(days=["5", "\u0666"])), None),
	(
		edge("components one string", promotions=bundle("A")),
		"promotion D: components must be a list of items",
	),
	(
		edge("components a mapping", promotions=bundle({"A": 1})),
		"promotion D: components must be a list of items",
	),
	(edge("components a number", promotions=bundle(5)), "promotion D: components must be a list of items"),
	(edge("components true", promotions=bundle(True)), "promotion D: components must be a list of items"),
	(
		edge("a component without an item code", promotions=bundle([{"qty": 2}])),
		"promotion D: components[0] needs an item_code",
	),
	(
		edge("a component that is a string", promotions=bundle(["A"])),
		"promotion D: components[0] needs an item_code",
	),
	(
		edge(
			"a component with an empty item code", promotions=bundle([{"item_code": "A"}, {"item_code": ""}])
		),
		"promotion D: components[1] needs an item_code",
	),
	(
		edge("a component quantity -1", promotions=bundle([{"item_code": "A", "qty": -1}])),
		"promotion D: components[0].qty must be at least 1",
	),
	(
		edge("a component quantity 1.5", promotions=bundle([{"item_code": "A", "qty": 1.5}])),
		"promotion D: components[0].qty must be a whole number, not 1.5",
	),
	(
		edge(
			"a repeated component's quantity is read first",
			promotions=bundle([{"item_code": "A"}, {"item_code": "A", "qty": -1}]),
		),
		"promotion D: components[1].qty must be at least 1",
	),
	(
		edge(
			"a bundle naming one item twice",
			promotions=bundle([{"item_code": "A"}, {"item_code": "A"}]),
			lines=[{**LINE, "qty": "4"}],
		),
		f"promotion D: A {TWICE}",
	),
	(
		edge(
			"an item code twice, once as a number",
			promotions=bundle([{"item_code": 5}, {"item_code": "5", "qty": 2}]),
		),
		f"promotion D: 5 {TWICE}",
	),
	(
		edge(
			"any kind refuses an item twice",
			promotions=[{**PERCENT, "components": [{"item_code": "A"}, {"item_code": "A"}]}],
		),
		f"promotion P10: A {TWICE}",
	),
	(edge("a component quantity 0 is 1", promotions=bundle([{"item_code": "A", "qty": 0}])), None),
	(edge("a component quantity in a string", promotions=bundle([{"item_code": "A", "qty": "2"}])), None),
	(edge("a bundle without items", promotions=[BUNDLE]), "promotion D: a bundle needs its items"),
	(edge("a bundle with an empty list", promotions=bundle([])), "promotion D: a bundle needs its items"),
	(
		edge("buy 0 get 0", promotions=[{"name": "B", "kind": "buy_x_get_y", "items": ["A"]}]),
		"promotion B: buy X get Y needs X and Y of at least 1",
	),
	(
		edge("buy -3 get 1", promotions=[{**BUY_GET, "buy_qty": -3}], lines=[{**LINE, "qty": "5"}]),
		"promotion B: buy X get Y needs X and Y of at least 1",
	),
	(
		edge("buy 2 get 0", promotions=[{**BUY_GET, "buy_qty": 2, "get_qty": 0}]),
		"promotion B: buy X get Y needs X and Y of at least 1",
	),
	(edge("buy 1 get 1 in strings", promotions=[{**BUY_GET, "buy_qty": "1", "get_qty": "1"}]), None),
	(
		edge("mix and match without a group", promotions=[{**MIX, "group_qty": None}]),
		"promotion M: mix and match needs a group of at least 2 items",
	),
	(
		edge("mix and match of -1", promotions=[{**MIX, "group_qty": -1}]),
		"promotion M: mix and match needs a group of at least 2 items",
	),
	(edge("mix and match of 1", promotions=[{**MIX, "group_qty": 1, "price": "5"}]), None),
	(
		edge(
			"the priority is read before buy_qty", promotions=[{**BUY_GET, "priority": "x", "buy_qty": "y"}]
		),
		"promotion B: priority must be a whole number, not 'x'",
	),
	(
		edge(
			"the window is read before the priority",
			promotions=[{**PERCENT, "priority": "x", "window": {"days": ["y"]}}],
		),
		"promotion P10: window.days must be a whole number, not 'y'",
	),
	(
		edge("components are read before the limits", promotions=bundle("A", limit_total="x")),
		"promotion D: components must be a list of items",
	),
	(
		edge(
			"limits are read before X and Y are checked",
			promotions=[{**BUY_GET, "get_qty": 0, "limit_total": "x"}],
		),
		"promotion B: limit_total must be a whole number, not 'x'",
	),
	(
		edge(
			"limits are read before a bundle's items are checked",
			promotions=[{**BUNDLE, "limit_per_member": "x"}],
		),
		"promotion D: limit_per_member must be a whole number, not 'x'",
	),
	(edge("usage that is no mapping", promotions=[{**PERCENT, "limit_total": 1}], usage={"P10": 5}), USAGE),
	(edge("usage a list", usage=["P10"]), USAGE),
	(edge("usage a number", usage=5), USAGE),
	(edge("usage a string", usage="P10"), USAGE),
	(edge("usage true", usage=True), USAGE),
	(edge("usage of none", usage={"P10": None}), USAGE),
	(edge("usage of a list", usage={"P10": []}), USAGE),
	(edge("usage checked before the basket", usage=5, lines=[{**LINE, "qty": "0"}]), USAGE),
	(
		edge("member tags read before usage", usage=5, member="M1", member_tags=[["V"]]),
		"unhashable type: 'list'",
	),
	(edge("usage empty", usage=""), None),
	(edge("usage of an empty mapping", promotions=[{**PERCENT, "limit_total": 1}], usage={"P10": {}}), None),
	(edge("usage used up", promotions=[{**PERCENT, "limit_total": 1}], usage={"P10": {"total": 1}}), None),
	(edge("a batch number as a number", lines=[{**LINE, "batch_no": 7}]), BATCH_TEXT + "7"),
	(edge("a batch number true", lines=[{**LINE, "batch_no": True}]), BATCH_TEXT + "True"),
	(edge("a batch number 1.5", lines=[{**LINE, "batch_no": 1.5}]), BATCH_TEXT + "1.5"),
	(edge("a batch number in a list", lines=[{**LINE, "batch_no": ["B1"]}]), BATCH_TEXT + "['B1']"),
	(edge("a batch number as a mapping", lines=[{**LINE, "batch_no": {"id": "B1"}}]), BATCH_TEXT + "{'id': 'B1'}"),
	(edge("a batch number zero", lines=[{**LINE, "batch_no": 0}]), BATCH_TEXT + "0"),
	(
		edge("the batch is read after the price", lines=[{**LINE, "unit_price": "x", "batch_no": 7}]),
		"basket.lines[0].unit_price 'x' is not a number",
	),
	(
		edge("batches one string", promotions=[{**PERCENT, "batches": "B1"}]),
		"batches must be a list of names",
	),
	(edge("an empty batch number is no batch", lines=[{**LINE, "batch_no": ""}]), None),
	(edge("a null batch number is no batch", lines=[{**LINE, "batch_no": None}]), None),
	(
		edge("batches as a mapping", promotions=[{**PERCENT, "batches": {"B1": 1}}], lines=[{**LINE, "batch_no": "B1"}]),
		None,
	),
	(
		edge("batches of numbers", promotions=[{**PERCENT, "batches": [1]}], lines=[{**LINE, "batch_no": "1"}]),
		None,
	),
	(
		edge(
			"a batch in another script",
			promotions=[{**PERCENT, "batches": ["\u0661"]}],
			lines=[{**LINE, "batch_no": "\u0661"}, {**LINE, "line_id": 2, "batch_no": "1"}],
		),
		None,
	),
]
EDGE_CASES += [case for case, _ in CHECKS]

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


@pytest.mark.parametrize("check", CHECKS, ids=[case["name"] for case, _ in CHECKS])
def test_checks_refuse_with_the_exact_message(check: tuple[dict, str | None]) -> None:
	case, message = check
	expected = python_outcome(case)
	if message is None:
		assert "result" in expected
	else:
		promotion_error = not message.startswith(("Exceeds the limit", "unhashable"))
		assert expected == {"error": message, "promotion_error": promotion_error}
	assert node_run()["edges"][EDGE_CASES.index(case)] == expected


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
