"""Promotions limited to batches (fresh markdowns): the catalogue finds them through the batch alone, the
form's definition carries them, ERPNext's Pricing Rule cannot hold them, and they meet another exclusive
promotion only on a batch both name."""

from __future__ import annotations

from retail_suite.promotions.definition import engine_promotion, pricing_rule_plan
from retail_suite.promotions.engine import Catalogue, compile_promotion, overlapping_exclusive

MARKDOWN = {"name": "MD", "kind": "percent_off", "percent": "40", "batches": ["B1"], "stacking": "exclusive"}


def test_the_catalogue_finds_a_batch_promotion_through_its_batch() -> None:
	catalogue = Catalogue([MARKDOWN])
	assert catalogue.by_batch == {"B1": [0]} and not catalogue.for_all and not catalogue.by_item
	assert catalogue.touches([("A", "G", "B1")]) is True
	assert catalogue.touches([("A", "G", "B2"), ("A", "G")]) is False
	assert catalogue.touches([("A", "G", None)]) is False


def test_a_batch_promotion_is_no_promotion_for_every_item() -> None:
	promotion = compile_promotion(MARKDOWN)
	assert promotion.every_item and not promotion.targets_all
	assert promotion.targets("ANY", None, "B1") and not promotion.targets("ANY", None, None)
	assert not compile_promotion({**MARKDOWN, "items": ["A"]}).targets("B", None, "B1")


def test_a_retail_promotion_with_batch_rows() -> None:
	header = {"name": "MD-1", "promotion_type": "Percent Off", "discount_percent": 40, "stacking": "Exclusive"}
	promotion = engine_promotion(header, [{"item_code": "MILK"}], batches=[{"batch_no": "B2"}, {"batch_no": "B1"}, {}])
	assert promotion["batches"] == ["B1", "B2"] and promotion["items"] == ["MILK"]
	assert "batches" not in engine_promotion(header, [{"item_code": "MILK"}])
	plan, reasons = pricing_rule_plan(promotion)
	assert plan is None and reasons == ["Pricing Rule cannot be limited to batches"]


def test_exclusive_batch_promotions_meet_only_on_a_shared_batch() -> None:
	item_promotion = {"name": "MILK10", "kind": "percent_off", "percent": "10", "items": ["MILK"], "stacking": "exclusive"}
	other_batch = {**MARKDOWN, "name": "MD2", "batches": ["B2"]}
	same_batch = {**MARKDOWN, "name": "MD3", "batches": ["B1", "B3"]}
	assert overlapping_exclusive([MARKDOWN, item_promotion, other_batch, same_batch]) == [("MD", "MD3")]
