"""Retail Promotion rows → engine promotion, the form's checks, overlapping exclusives, the Pricing Rule plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from retail_suite.promotions.definition import engine_promotion, form_problems, pricing_rule_plan
from retail_suite.promotions.engine import overlapping_exclusive, promotion_problems


def header(**fields) -> dict:
	return {"name": "P", "promotion_type": "Percent Off", "discount_percent": 10} | fields


def test_rows_become_the_engine_promotion() -> None:
	promotion = engine_promotion(
		header(
			name="HAPPY", stacking="Best for the Customer", priority=3, valid_from=date(2026, 11, 2), friday=1, saturday=1,
			members_only=1, member_tags="VIP, Gold\nGold", coupon_code="SAVE", limit_per_member=1,
		),
		items=[{"item_code": "A"}, {"item_group": "Bakery"}],
		hours=[{"start_time": timedelta(hours=22), "end_time": "02:00:00"}],
		stores=[{"store": "S2"}, {"store": "S1"}],
		extra_coupons=["CAMPAIGN:HAPPY"],
	)
	assert promotion == {
		"name": "HAPPY", "kind": "percent_off", "stacking": "best", "priority": 3, "items": ["A"],
		"item_groups": ["Bakery"], "percent": "10",
		"window": {"valid_from": "2026-11-02", "days": [5, 6], "hours": [{"start": "22:00", "end": "02:00"}]},
		"stores": ["S1", "S2"], "members_only": True, "member_tags": ["Gold", "VIP"],
		"coupon_codes": ["CAMPAIGN:HAPPY", "SAVE"], "limit_per_member": 1,
	}  # fmt: skip


def test_each_type_reads_its_own_fields() -> None:
	b2g1 = engine_promotion(
		header(promotion_type="Buy X Get Y", buy_qty=2, get_qty=1, discount_percent=0),
		items=[{"item_code": "A"}, {"item_group": "Sauce", "is_reward": 1}],
	)
	assert (b2g1["buy_qty"], b2g1["get_qty"], b2g1["percent"], b2g1["reward_item_groups"]) == (2, 1, "100", ["Sauce"])
	bundle = engine_promotion(
		header(promotion_type="Bundle", special_price="5.50"), items=[{"item_code": "A", "qty": 2}, {"item_code": "B"}]
	)
	assert bundle["components"] == [{"item_code": "A", "qty": 2}, {"item_code": "B", "qty": 1}]
	assert bundle["price"] == "5.5"
	tiers = engine_promotion(
		header(promotion_type="Spend Tiers", repeat_tier=0),
		tiers=[{"threshold": 100, "discount_amount": 20}, {"threshold": 200, "discount_percent": 5}],
	)
	assert tiers["tiers"] == [{"threshold": "100", "amount": "20"}, {"threshold": "200", "percent": "5"}]
	with pytest.raises(ValueError, match="promotion type 'Free Lunch'"):
		engine_promotion(header(promotion_type="Free Lunch"))


@pytest.mark.parametrize(
	("fields", "rows", "problem"),
	[
		({"promotion_type": "Spend Tiers"}, {"tiers": [{"threshold": 200, "discount_amount": 50}, {"threshold": 100, "discount_amount": 20}]},
			"tier 2: spend must be higher than tier 1's"),
		({"promotion_type": "Spend Tiers"}, {"tiers": [{"threshold": 100, "discount_amount": 20}, {"threshold": 200, "discount_amount": 10}]},
			"tier 2: the discount must be higher than tier 1's"),
		({"promotion_type": "Spend Tiers"}, {"tiers": [{"threshold": 10, "discount_amount": 20}]},
			"tier 1: the discount is larger than the spend that earns it"),
		({}, {"hours": [{"start_time": "17:00:00", "end_time": "17:00:00"}]}, "the hours 17:00–17:00 are an empty window"),
		({"valid_from": date(2026, 11, 9), "valid_upto": date(2026, 11, 2)}, {}, "ends on 2026-11-02, before it starts on 2026-11-09"),
		({"discount_percent": 120}, {}, "percent off must be above 0 and at most 100"),
		({"promotion_type": "Mix and Match", "group_qty": 1, "special_price": 5}, {}, "mix and match needs a group of at least 2"),
		({"limit_per_member": 1}, {}, "a limit per member needs a promotion for members only"),
		({"promotion_type": "Buy X Get Y", "buy_qty": 0, "get_qty": 1}, {}, "buy X get Y needs X and Y of at least 1"),
	],
)
def test_the_form_refuses_bad_definitions(fields: dict, rows: dict, problem: str) -> None:
	promotion = engine_promotion(header(**fields), **rows)
	problems = promotion_problems(promotion)
	assert any(problem in found for found in problems), problems


def test_item_rows_must_name_one_thing() -> None:
	promotion = engine_promotion(header(), items=[{"item_code": "A"}])
	assert form_problems(promotion, [{}, {"item_code": "A", "item_group": "Bakery"}]) == [
		"Items row 1: pick an item or an item group",
		"Items row 2: pick an item or an item group, not both",
	]


def exclusive(name: str, **fields) -> dict:
	return {"name": name, "kind": "percent_off", "percent": "10", "stacking": "exclusive"} | fields


def test_overlapping_exclusives() -> None:
	lunch = exclusive("LUNCH", items=["A"], window={"hours": [{"start": "11:00", "end": "14:00"}]})
	dinner = exclusive("DINNER", items=["A"], window={"hours": [{"start": "18:00", "end": "21:00"}]})
	night = exclusive("NIGHT", items=["A"], window={"hours": [{"start": "20:00", "end": "02:00"}]})
	weekend = exclusive("WEEKEND", items=["A"], window={"days": [6, 7]})
	fridays = exclusive("FRIDAYS", items=["A"], window={"days": [5]})
	other_item = exclusive("OTHER", items=["B"])
	stackable = {**exclusive("STACK", items=["A"]), "stacking": "stackable"}
	pairs = overlapping_exclusive([lunch, dinner, night, weekend, fridays, other_item, stackable])
	assert pairs == [
		("DINNER", "FRIDAYS"), ("DINNER", "NIGHT"), ("DINNER", "WEEKEND"), ("FRIDAYS", "LUNCH"), ("FRIDAYS", "NIGHT"),
		("LUNCH", "WEEKEND"), ("NIGHT", "WEEKEND"),
	]  # fmt: skip
	# an item against a group: they meet only when the item is in the group, when the groups are known
	snacks = exclusive("SNACKS", item_groups=["Snacks"])
	duo = exclusive("DUO", items=["MUFFIN"])
	assert overlapping_exclusive([snacks, duo]) == [("DUO", "SNACKS")]
	assert overlapping_exclusive([snacks, duo], {"MUFFIN": "Bakery"}) == []
	assert overlapping_exclusive([snacks, duo], {"MUFFIN": "Snacks"}) == [("DUO", "SNACKS")]


def test_pricing_rule_plan() -> None:
	plan, reasons = pricing_rule_plan(
		{"name": "CLEAR", "kind": "percent_off", "percent": "20", "items": ["A", "B"], "stacking": "stackable",
			"window": {"valid_from": "2026-11-09", "valid_upto": "2026-11-15"}}
	)  # fmt: skip
	assert reasons == []
	assert plan["apply_on"] == "Item Code" and plan["items"] == [{"item_code": "A"}, {"item_code": "B"}]
	assert (plan["rate_or_discount"], plan["discount_percentage"]) == ("Discount Percentage", 20.0)
	assert (plan["valid_from"], plan["valid_upto"], plan["selling"], plan["apply_multiple_pricing_rules"]) == (
		"2026-11-09", "2026-11-15", 1, 1
	)
	price, _ = pricing_rule_plan({"name": "M", "kind": "fixed_price", "price": "8.88", "item_groups": ["Dairy"]})
	assert (price["apply_on"], price["item_groups"], price["rate_or_discount"], price["rate"]) == (
		"Item Group", [{"item_group": "Dairy"}], "Rate", 8.88
	)
	everything, _ = pricing_rule_plan({"name": "ALL", "kind": "amount_off", "amount": "1"})
	assert everything["item_groups"] == [{"item_group": "All Item Groups"}]
	none, reasons = pricing_rule_plan(
		{"name": "HH", "kind": "buy_x_get_y", "items": ["A"], "buy_qty": 2, "get_qty": 1, "percent": "100",
			"window": {"hours": [{"start": "17:00", "end": "19:00"}], "days": [5]}, "members_only": True, "stores": ["S1"]}
	)  # fmt: skip
	assert none is None
	assert reasons == [
		"Pricing Rule has no 'cheapest of each group free' (its free items are extra lines)",
		"Pricing Rule has no hours of the day",
		"Pricing Rule has no weekdays",
		"Pricing Rule cannot be limited to stores",
		"Pricing Rule does not know members or member tags",
	]
	both, reasons = pricing_rule_plan({"name": "X", "kind": "percent_off", "percent": "5", "items": ["A"], "item_groups": ["G"]})
	assert both is None and reasons == ["a Pricing Rule applies to items or to item groups, not both"]
