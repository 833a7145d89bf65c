"""Broken-size rules (pure): when a style is broken, what a missing cell loses, which rule applies, bad rules
refused with a message, transfer suggestions from slow sellers, precision and recall."""

from __future__ import annotations

import pytest

from retail_suite.apparel.broken_size import (
	BrokenSizeRule,
	BrokenStyle,
	CellStock,
	DonorStock,
	KeySize,
	MissingCell,
	RuleIndex,
	check_rule,
	donor_spare,
	evaluate_style,
	plan_transfers,
	rank_broken,
	rule_for,
	score_alerts,
	shares,
)
from retail_suite.apparel.scenario import ScenarioConfig, generate_scenario

SIZES = ("XS", "S", "M", "L", "XL")
RULE = BrokenSizeRule(
	"Tops", (KeySize("S", 1), KeySize("M", 2), KeySize("L", 1)), item_group="Tops", min_style_sales=5,
	lookback_days=28, cover_days=14,
)
EVEN = {size: 0.2 for size in SIZES}


def cells(colour: str, on_hand: dict[str, float], sold: dict[str, float] | None = None) -> list[CellStock]:
	sold = sold or {}
	return [CellStock(f"T-{size}-{colour}", size, colour, on_hand.get(size, 0), sold.get(size, 0)) for size in SIZES]


def full(colour: str, qty: float = 3) -> dict[str, float]:
	return dict.fromkeys(SIZES, qty)


def test_a_key_size_out_in_a_style_that_sells_is_broken() -> None:
	stock = {**full("Navy"), "M": 0}
	found = evaluate_style("S1", "T", RULE, cells("Navy", stock, {"S": 3, "L": 3}), EVEN, {"Navy": 1.0}, 20.0)
	assert found is not None
	assert [(cell.size, cell.colour, cell.on_hand, cell.min_depth) for cell in found.missing] == [("M", "Navy", 0, 2)]
	assert found.missing_sizes == "M Navy"
	assert found.style_sold == 6


def test_a_style_that_no_longer_sells_is_not_broken() -> None:
	stock = {**full("Navy"), "M": 0}
	assert evaluate_style("S1", "T", RULE, cells("Navy", stock, {"S": 2, "L": 2}), EVEN, {"Navy": 1.0}) is None


def test_returns_count_back_against_sales() -> None:
	stock = {**full("Navy"), "M": 0}
	sold = {"S": 4, "L": 3, "XL": -3}  # 7 sold, 3 taken back: 4 net, under 5
	assert evaluate_style("S1", "T", RULE, cells("Navy", stock, sold), EVEN, {"Navy": 1.0}) is None


def test_depth_is_per_key_size_and_non_key_sizes_never_break() -> None:
	stock = {"XS": 0, "S": 1, "M": 1, "L": 1, "XL": 0}  # M holds 1 of a depth of 2; XS and XL are no key sizes
	found = evaluate_style("S1", "T", RULE, cells("Navy", stock, {"S": 5, "L": 5}), EVEN, {"Navy": 1.0})
	assert [cell.label for cell in found.missing] == ["M Navy"]


def test_each_colour_the_store_carries_is_checked_and_others_are_not() -> None:
	line = cells("Navy", {**full("Navy"), "S": 0}, {"M": 6}) + cells("Black", {**full("Black"), "L": 0})
	line += cells("Red", {})  # never carried: no stock, no sales
	found = evaluate_style("S1", "T", RULE, line, EVEN, {"Navy": 0.5, "Black": 0.3, "Red": 0.2})
	assert found.missing_sizes == "S Navy, L Black"


def test_a_colour_sold_out_entirely_still_counts_when_it_sold() -> None:
	line = cells("Navy", full("Navy"), {"M": 5}) + cells("Black", {}, {"M": 2})
	found = evaluate_style("S1", "T", RULE, line, EVEN, {"Navy": 0.5, "Black": 0.5})
	assert found.missing_sizes == "S Black, M Black, L Black"


def test_lost_sales_from_the_other_sizes_and_the_size_curve() -> None:
	"""Worked by hand: Navy sold 8 in S and L (shares 0.25 + 0.25), the style 8 with Navy's chain share 1.0:
	line rate = (8 + 0.5 × 8) / ((0.5 + 0.5) × 28) = 12 / 28 a day; M (share 0.3) sells 0.128571 a day, loses
	1.8 units over 14 days, needs max(2, ceil(1.8)) = 2."""
	size_share = {"XS": 0.1, "S": 0.25, "M": 0.3, "L": 0.25, "XL": 0.1}
	stock = {"XS": 0, "S": 2, "M": 0, "L": 2, "XL": 0}
	found = evaluate_style("S1", "T", RULE, cells("Navy", stock, {"S": 4, "L": 4}), size_share, {"Navy": 1.0}, 10.0)
	(cell,) = found.missing
	assert cell.daily_rate == pytest.approx(12 / 28 * 0.3, abs=1e-6)
	assert cell.lost_units == pytest.approx(1.8, abs=1e-4)
	assert cell.need == 2
	assert found.lost_value == pytest.approx(18.0, abs=1e-3)


def test_units_on_hand_reduce_lost_sales_and_need() -> None:
	size_share = {"XS": 0.1, "S": 0.25, "M": 0.3, "L": 0.25, "XL": 0.1}
	stock = {"XS": 0, "S": 2, "M": 1, "L": 2, "XL": 0}
	found = evaluate_style("S1", "T", RULE, cells("Navy", stock, {"S": 4, "L": 4}), size_share, {"Navy": 1.0})
	(cell,) = found.missing
	assert cell.lost_units == pytest.approx(0.8, abs=1e-4)
	assert cell.need == 1


def test_shares_add_one_unit_to_every_key() -> None:
	assert shares({"S": 2, "M": 5}, ["S", "M", "L"]) == pytest.approx({"S": 3 / 10, "M": 6 / 10, "L": 1 / 10})
	assert shares({}, ["S", "M"]) == {"S": 0.5, "M": 0.5}
	assert shares({"S": -3}, ["S"]) == {"S": 1.0}


def test_ranked_per_store_by_lost_value() -> None:
	def broken(store: str, style: str, lost: float, price: float) -> BrokenStyle:
		found = BrokenStyle(store, style, "Tops", 10, price)
		found.missing.append(MissingCell(f"{style}-M", "M", None, 0, 1, 0.1, lost, 1))
		return found

	ranked = rank_broken([broken("S2", "A", 1, 10), broken("S1", "B", 1, 50), broken("S1", "C", 3, 20), broken("S1", "D", 2, 5)])
	assert [(found.store, found.style, found.rank) for found in ranked] == [
		("S1", "C", 1), ("S1", "B", 2), ("S1", "D", 3), ("S2", "A", 1),
	]


def test_the_most_specific_rule_applies() -> None:
	chain = BrokenSizeRule("Chain tops", (KeySize("M"),), item_group="Tops")
	store_tops = BrokenSizeRule("S1 tops", (KeySize("M"),), item_group="Tops", store="S1")
	apparel = BrokenSizeRule("Apparel", (KeySize("M"),), item_group="Apparel")
	style = BrokenSizeRule("Tee", (KeySize("M"),), style="TEE")
	off = BrokenSizeRule("Off", (KeySize("M"),), style="TEE", store="S1", enabled=False)
	rules = [chain, store_tops, apparel, style, off]
	groups = ["Tops", "Apparel", "All Item Groups"]
	assert rule_for(rules, "TEE", groups, "S1") is style
	assert rule_for(rules, "POLO", groups, "S1") is store_tops
	assert rule_for(rules, "POLO", groups, "S2") is chain
	assert rule_for(rules, "COAT", ["Coats", "Apparel", "All Item Groups"], "S2") is apparel
	assert rule_for(rules, "MUG", ["Kitchen", "All Item Groups"], "S1") is None


def test_the_rule_index_chooses_as_rule_for_does() -> None:
	rules = [
		BrokenSizeRule("Chain tops", (KeySize("M"),), item_group="Tops"),
		BrokenSizeRule("S1 tops", (KeySize("M"),), item_group="Tops", store="S1"),
		BrokenSizeRule("Apparel", (KeySize("M"),), item_group="Apparel"),
		BrokenSizeRule("Tee S2", (KeySize("M"),), style="TEE", store="S2"),
		BrokenSizeRule("Off", (KeySize("M"),), item_group="Tops", store="S3", enabled=False),
	]
	index = RuleIndex(rules)
	for style in ("TEE", "POLO"):
		for groups in (["Tops", "Apparel"], ["Coats", "Apparel"], ["Kitchen"]):
			for store in ("S1", "S2", "S3"):
				assert index(style, groups, store) is rule_for(rules, style, groups, store), (style, groups, store)
	assert index("TEE", ["Tops", "Apparel"], "S1").name == "S1 tops"  # TEE's own rule is for S2 only


def test_a_key_size_the_template_does_not_have_is_refused_with_a_message() -> None:
	rule = BrokenSizeRule("Tee rule", (KeySize("M"), KeySize("XXL")), style="TEE")
	assert check_rule(rule, template_sizes=["S", "M", "L", "XS"]) == [
		"rule Tee rule: key size XXL is not a size of template TEE (its sizes: XS, S, M, L); "
		"remove it or create the variants first"
	]
	assert check_rule(rule, template_sizes=["S", "M", "XXL"]) == []


def test_an_item_group_rule_needs_its_sizes_somewhere_in_the_group() -> None:
	rule = BrokenSizeRule("Jeans", (KeySize("32"), KeySize("M")), item_group="Jeans")
	assert check_rule(rule, group_sizes=["30", "32", "34"]) == [
		"rule Jeans: key size M is not a size of any style in item group Jeans (their sizes: 30, 32, 34)"
	]


@pytest.mark.parametrize(
	("rule", "message"),
	[
		(BrokenSizeRule("R", (KeySize("M"),)), "rule R: set either a style (an Item template) or an item group, not both"),
		(BrokenSizeRule("R", (KeySize("M"),), style="T", item_group="G"), "not both"),
		(BrokenSizeRule("R", (), style="T"), "rule R: add at least one key size"),
		(BrokenSizeRule("R", (KeySize("M"), KeySize("M")), style="T"), "rule R: key size M is listed twice"),
		(BrokenSizeRule("R", (KeySize("M", 0),), style="T"), "rule R: key size M needs a minimum depth of 1 or more, not 0"),
		(BrokenSizeRule("R", (KeySize(" "),), style="T"), "rule R: a key size row has no size"),
		(BrokenSizeRule("R", (KeySize("M"),), style="T", lookback_days=0), "lookback days must be a whole number from 1 to 365"),
		(BrokenSizeRule("R", (KeySize("M"),), style="T", min_style_sales=0), "min style sales must be a whole number"),
		(BrokenSizeRule("R", (KeySize("M"),), style="T", donor_max_sell_through=1.5), "donor sell-through must be from 0 % to 100 %"),
	],
)
def test_bad_rules_are_refused(rule: BrokenSizeRule, message: str) -> None:
	problems = check_rule(rule)
	assert any(message in problem for problem in problems), problems


def test_a_donor_keeps_its_depth_and_its_cover() -> None:
	assert donor_spare(DonorStock("W2", "T-M", 6, sold=0, store="S2", key_depth=2), cover_days=14) == 4
	# sells 28 in 28 days: keeps 14 days of cover
	assert donor_spare(DonorStock("W2", "T-M", 20, sold=28, store="S2", key_depth=2), cover_days=14) == 6
	assert donor_spare(DonorStock("DC", "T-M", 7.5), cover_days=14) == 7  # a distribution warehouse keeps nothing
	assert donor_spare(DonorStock("W2", "T-M", 1, store="S2", key_depth=2), cover_days=14) == 0


def test_transfers_come_from_slow_sellers_largest_loss_first_and_never_twice() -> None:
	rule = BrokenSizeRule("Tops", (KeySize("M", 1),), item_group="Tops", donor_max_sell_through=0.3)

	def broken(store: str, lost: float, need: int) -> BrokenStyle:
		found = BrokenStyle(store, "T", "Tops", 10, 10.0)
		found.missing.append(MissingCell("T-M-NAV", "M", "Navy", 0, 1, 0.1, lost, need))
		return found

	donors = {
		"T-M-NAV": [
			DonorStock("W1", "T-M-NAV", 1, sold=0, store="S1", key_depth=1),  # S1 keeps its one unit (depth 1)
			DonorStock("W3", "T-M-NAV", 4, sold=1, store="S3", key_depth=1),  # sell-through 0.2: spare 3
			DonorStock("W4", "T-M-NAV", 5, sold=5, store="S4", key_depth=1),  # sell-through 0.5: sells fast
			DonorStock("DC", "T-M-NAV", 2),  # sell-through 0: first
		]
	}
	transfers = plan_transfers(
		[broken("S1", 1.0, 3), broken("S2", 2.0, 4)], {"Tops": rule}, donors, {"S1": "W1", "S2": "W2"}
	)
	assert [(t.store, t.from_warehouse, t.qty, t.donor_sell_through) for t in transfers] == [
		("S2", "DC", 2, 0.0),  # S2 loses more: served first, from the distribution warehouse
		("S2", "W3", 2, 0.2),
		("S1", "W3", 1, 0.2),  # what S3 has left
	]


def test_score() -> None:
	score = score_alerts([("S1", "A"), ("S1", "B"), ("S2", "A")], [("S1", "A"), ("S2", "A"), ("S2", "C")])
	assert (score.true_positives, score.false_positives, score.false_negatives) == (2, 1, 1)
	assert score.precision == pytest.approx(2 / 3)
	assert score.recall == pytest.approx(2 / 3)
	assert score_alerts([], []).precision == 1.0


def test_the_scenario_is_deterministic_and_knows_its_truth() -> None:
	config = ScenarioConfig(stores=2, styles=10, seed=3)
	first, second = generate_scenario(config), generate_scenario(config)
	assert first.sales == second.sales and first.stock == second.stock
	assert first.truly_broken == {
		(store, variant.split("-")[0] + "-" + variant.split("-")[1])
		for store, variant in first.emptied_key_cells
		if first.live(store, "-".join(variant.split("-")[:2]))
	}
	for store, variant in first.emptied_key_cells:
		assert first.stock[(first.warehouse(store), variant)] == 0
