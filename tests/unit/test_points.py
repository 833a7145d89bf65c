"""Loyalty points, pure: earn, burn, tiers, rounding, excluded groups, returns, expiry arithmetic on known numbers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from retail_suite.errors import ValidationError
from retail_suite.membership.points import (
	LedgerEntry,
	PointsLine,
	PointsProgramme,
	PointsRefused,
	Tier,
	allocate,
	balance,
	expand_item_groups,
	expiries_due,
)

D = Decimal
TIERS = (Tier("Member", D(0), D(1)), Tier("Silver", D(1000), D("1.25")), Tier("Gold", D(5000), D(2)))


def line(amount: str, group: str | None = "Grocery", direction: int = 1) -> PointsLine:
	return PointsLine(group, D(amount), direction)


# --- the defaults and the programme's own checks -----------------------------------------------------------


def test_default_is_one_point_per_currency_unit_floored() -> None:
	programme = PointsProgramme()
	earning = programme.earn([line("10.99"), line("5.50")])
	assert earning.sold_amount == D("16.49")
	assert earning.earned == 16 and earning.points == 16
	assert earning.tier == "Standard" and earning.multiplier == 1
	assert programme.expiry_days == 365 and programme.point_value == D("0.01")


@pytest.mark.parametrize(
	("values", "needle"),
	[
		({"points_per_unit": 0}, "points per currency unit 0 must be above 0"),
		({"rounding": "Ceiling"}, "rounding 'Ceiling' is not one of Floor, Half Up"),
		({"point_value": D("-0.01")}, "value of one point -0.01 must be above 0"),
		({"expiry_days": -1}, "expiry days -1 is negative"),
		({"tiers": (Tier("A", 0), Tier("A", 10))}, "tiers ['A'] are listed twice"),
		({"tiers": (Tier("A", 0), Tier("B", 0))}, "two tiers start at the same minimum spent"),
	],
)
def test_programme_refuses_bad_rules(values: dict, needle: str) -> None:
	with pytest.raises(ValidationError, match=needle.replace("[", r"\[").replace("]", r"\]")):
		PointsProgramme(**values)


def test_tier_refuses_zero_multiplier() -> None:
	with pytest.raises(ValidationError, match="multiplier 0 must be above 0"):
		Tier("Broken", D(0), D(0))


# --- earning -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("rounding", "amount", "expected"),
	[("Floor", "99.99", 99), ("Floor", "0.99", 0), ("Half Up", "99.50", 100), ("Half Up", "99.49", 99)],
)
def test_rounding(rounding: str, amount: str, expected: int) -> None:
	assert PointsProgramme(rounding=rounding).earn([line(amount)]).earned == expected


def test_rate_and_tier_multiplier_multiply() -> None:
	programme = PointsProgramme(points_per_unit=D(2), tiers=TIERS)
	# 2 points per unit × 1.25 (Silver) on 40.10 = 100.25 → 100
	assert programme.earn([line("40.10")], programme.tier_for(1000)).earned == 100
	# Gold: 2 × 2 × 40.10 = 160.4 → 160
	assert programme.earn([line("40.10")], programme.tier_for(D("5000.00"))).earned == 160


def test_excluded_item_groups_earn_nothing_and_are_not_spend() -> None:
	programme = PointsProgramme(excluded_item_groups=frozenset({"Gift Cards", "Tobacco"}))
	earning = programme.earn([line("50.00", "Gift Cards"), line("12.40", "Tobacco"), line("7.80", "Grocery")])
	assert earning.sold_amount == D("7.80") and earning.earned == 7


def test_excluded_groups_reach_the_groups_below_them() -> None:
	tree = {
		"All Item Groups": None,
		"Vouchers": "All Item Groups",
		"Gift Cards": "Vouchers",
		"Grocery": "All Item Groups",
	}
	assert expand_item_groups({"Vouchers"}, tree) == {"Vouchers", "Gift Cards"}
	assert expand_item_groups(set(), tree) == frozenset()


def test_points_do_not_earn_points() -> None:
	"""As ERPNext: the part paid with points earns nothing."""
	earning = PointsProgramme().earn([line("30.00")], paid_with_points=D("12.50"))
	assert earning.sold_amount == D("17.50") and earning.earned == 17
	assert PointsProgramme().earn([line("5.00")], paid_with_points=D("9.00")).earned == 0


def test_return_claws_back_what_the_sale_earned() -> None:
	programme = PointsProgramme(tiers=TIERS)
	silver = programme.tier_for(D("2000"))
	sale = programme.earn([line("10.50"), line("20.25")], silver)
	assert sale.earned == 38  # 30.75 × 1.25 = 38.4375
	# the member is Gold by now, but the goods were bought as Silver: the claw-back uses Silver
	gold = programme.tier_for(D("9000"))
	back = programme.earn(
		[line("10.50", direction=-1), line("20.25", direction=-1)], gold, return_tier=silver
	)
	assert back.earned == 0 and back.clawed_back == -38 and back.points == -38
	assert back.purchase_amount == D("-30.75")


def test_partial_returns_never_claw_back_more_than_was_earned() -> None:
	programme = PointsProgramme()
	assert programme.earn([line("10.60")]).earned == 10
	first = programme.earn([line("5.30", direction=-1)], clawback_limit=10)
	assert first.clawed_back == -5
	second = programme.earn([line("5.30", direction=-1)], clawback_limit=10 + first.clawed_back)
	assert second.clawed_back == -5
	assert programme.earn([line("5.30", direction=-1)], clawback_limit=0).clawed_back == 0


def test_exchange_earns_on_goods_sold_and_claws_back_goods_returned() -> None:
	earning = PointsProgramme(excluded_item_groups=frozenset({"Gift Cards"})).earn(
		[line("25.00"), line("19.99", direction=-1), line("3.00", "Gift Cards")]
	)
	assert (earning.earned, earning.clawed_back, earning.points) == (25, -19, 6)
	assert earning.purchase_amount == D("5.01")


# --- tiers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("spend", "tier"),
	[("0", "Member"), ("999.99", "Member"), ("1000", "Silver"), ("4999.99", "Silver"), ("5000", "Gold")],
)
def test_tier_for_lifetime_spend(spend: str, tier: str) -> None:
	assert PointsProgramme(tiers=TIERS).tier_for(D(spend)).name == tier


def test_below_the_lowest_tier_earns_the_base_rate() -> None:
	programme = PointsProgramme(tiers=(Tier("Silver", D(1000), D("1.5")),))
	tier = programme.tier_for(D(10))
	assert tier.name == "Standard" and tier.multiplier == 1


def test_erpnext_loyalty_program_values() -> None:
	values = PointsProgramme(
		points_per_unit=D(2), tiers=TIERS, expiry_days=180, point_value=D("0.05")
	).loyalty_program_values()
	assert values["loyalty_program_type"] == "Multiple Tier Program"
	assert values["conversion_factor"] == 0.05 and values["expiry_duration"] == 180
	# collection factor = currency spent per point = 1 / (points per unit × multiplier)
	assert [
		(rule["tier_name"], rule["min_spent"], rule["collection_factor"])
		for rule in values["collection_rules"]
	] == [
		("Member", 0.0, 0.5),
		("Silver", 1000.0, 0.4),
		("Gold", 5000.0, 0.25),
	]
	assert PointsProgramme().loyalty_program_values()["loyalty_program_type"] == "Single Tier Program"
	assert PointsProgramme().collection_factor(Tier("x", 0, D(3))) == D("0.333333333")


# --- burning -----------------------------------------------------------------------------------------------


def test_burn_a_points_tender() -> None:
	programme = PointsProgramme()  # one point pays 0.01
	assert programme.burn(D("4.37"), balance=500) == 437
	assert programme.value_of(437) == D("4.37")


def test_burn_refuses_fractional_points() -> None:
	programme = PointsProgramme(point_value=D("0.05"))
	assert programme.burn(D("1.05")) == 21
	with pytest.raises(
		PointsRefused, match=r"1.03 is 20.6 points, not a whole number — tender a multiple of 0.05"
	):
		programme.burn(D("1.03"))


def test_burn_refuses_more_than_the_balance() -> None:
	with pytest.raises(
		PointsRefused,
		match=r"member M1 holds 320 points; a tender of 5.00 needs 500 — redeem at most 320 points \(3.20\)",
	):
		PointsProgramme().burn(D("5.00"), balance=320, member="M1")


def test_burn_refuses_below_the_minimum_and_non_payments() -> None:
	programme = PointsProgramme(min_redeem_points=100)
	with pytest.raises(PointsRefused, match="50 points are fewer than the 100 a redemption needs"):
		programme.burn(D("0.50"))
	with pytest.raises(PointsRefused, match="not a payment"):
		programme.burn(D("0"))
	with pytest.raises(PointsRefused, match="uses nothing"):
		programme.check_redemption(0)


# --- the ledger: FIFO, balance and expiry ------------------------------------------------------------------

DAY = date(2026, 1, 10)


def entry(
	name: str, kind: str, points: int, day: date, expiry: date | None = None, against: str | None = None
) -> LedgerEntry:
	return LedgerEntry(name, kind, points, day, expiry, against)


def test_expiry_date_per_programme() -> None:
	assert PointsProgramme(expiry_days=30).expiry_date(DAY) == date(2026, 2, 9)
	assert PointsProgramme(expiry_days=0).expiry_date(DAY) is None


def test_redemptions_use_the_first_expiring_points_first() -> None:
	entries = [
		entry("E1", "Earn", 100, DAY, DAY + timedelta(days=30)),
		entry("E2", "Earn", 50, DAY + timedelta(days=1), DAY + timedelta(days=10)),  # expires first
		entry("R1", "Redeem", -70, DAY + timedelta(days=2)),
	]
	state = allocate(entries)
	assert state.lots["E2"].remaining == 0 and state.lots["E1"].remaining == 80
	assert [(a.lot, a.points) for a in state.allocations] == [("E2", -50), ("E1", -20)]
	assert balance(entries, DAY + timedelta(days=2)) == 80


def test_points_lapse_after_their_last_day() -> None:
	entries = [
		entry("E1", "Earn", 100, DAY, DAY + timedelta(days=30)),
		entry("R1", "Redeem", -40, DAY + timedelta(days=5)),
		entry("E2", "Earn", 25, DAY + timedelta(days=20), DAY + timedelta(days=50)),
	]
	last_day = DAY + timedelta(days=30)
	assert balance(entries, last_day) == 85  # the last day still counts
	assert balance(entries, last_day + timedelta(days=1)) == 25
	due = expiries_due(entries, last_day + timedelta(days=1))
	assert [(lot.entry, lot.remaining, lapsed) for lot, lapsed in due] == [
		("E1", 60, last_day + timedelta(days=1))
	]
	assert expiries_due(entries, last_day) == []
	# once the Expire entry is booked, nothing more is due and the ledger sum is the balance
	booked = [*entries, entry("X1", "Expire", -60, last_day + timedelta(days=1), against="E1")]
	assert expiries_due(booked, last_day + timedelta(days=10)) == []
	assert sum(e.points for e in booked) == balance(booked, last_day + timedelta(days=1)) == 25


def test_a_redemption_never_uses_expired_points() -> None:
	entries = [
		entry("E1", "Earn", 100, DAY, DAY + timedelta(days=3)),
		entry("E2", "Earn", 10, DAY + timedelta(days=1), DAY + timedelta(days=100)),
		entry("R1", "Redeem", -30, DAY + timedelta(days=10)),
	]
	state = allocate(entries)
	assert state.lots["E1"].remaining == 100  # lapsed, untouched: all of it is due to expire
	assert state.lots["E2"].remaining == 0 and state.deficit == 20
	assert state.balance(DAY + timedelta(days=10)) == -20


def test_a_deficit_is_repaid_by_the_next_points() -> None:
	entries = [
		entry("E1", "Earn", 10, DAY, DAY + timedelta(days=30)),
		entry("C1", "Return", -25, DAY + timedelta(days=1)),
		entry("E2", "Earn", 40, DAY + timedelta(days=2), DAY + timedelta(days=32)),
	]
	state = allocate(entries)
	assert state.deficit == 0 and state.lots["E2"].remaining == 25
	assert balance(entries, DAY + timedelta(days=2)) == 25 == sum(e.points for e in entries)


def test_never_expiring_lots_are_used_last() -> None:
	entries = [
		entry("A1", "Adjust", 20, DAY),
		entry("E1", "Earn", 20, DAY, DAY + timedelta(days=5)),
		entry("R1", "Redeem", -25, DAY + timedelta(days=1)),
	]
	state = allocate(entries)
	assert state.lots["E1"].remaining == 0 and state.lots["A1"].remaining == 15
