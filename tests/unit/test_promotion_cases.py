"""The shared promotion case table, run against the Python engine (the JS twin runs the same table)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retail_suite.promotions.engine import PromotionError, evaluate

CASES = json.loads((Path(__file__).parents[1] / "cases" / "promotions.json").read_text())["cases"]


def observed(result: dict) -> dict:
	discounts = {
		str(line["line_id"]): {part["promotion"]: part["amount"] for part in line["promotions"]}
		for line in result["lines"]
		if line["promotions"]
	}
	return {"discounts": discounts, "total_discount": result["total_discount"], "skipped": result["skipped"]}


def test_the_table_has_enough_cases() -> None:
	assert len(CASES) >= 60
	assert len({case["name"] for case in CASES}) == len(CASES), "case names are unique"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(case: dict) -> None:
	expect = case["expect"]
	if "error" in expect:
		with pytest.raises(PromotionError, match=expect["error"]):
			evaluate(case["promotions"], case["basket"], case["context"])
		return
	result = evaluate(case["promotions"], case["basket"], case["context"])
	assert observed(result) == expect
	# invariants on every case: per line, parts add up and nothing goes negative
	for line in result["lines"]:
		parts = sum(float(part["amount"]) for part in line["promotions"])
		assert round(parts, 4) == round(float(line["discount"]), 4)
		assert float(line["net"]) >= 0
