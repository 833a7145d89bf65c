"""Member campaigns, pure: period keys, the birthday week (29 February), coupon codes, messages, results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from retail_suite.membership.campaign_rules import (
	CampaignResult,
	birthday_codes,
	celebrates_in_week,
	check_template,
	coupon_code,
	coupons_presented,
	iso_week,
	parse_tags,
	period_key,
	render_message,
)


@pytest.mark.parametrize(
	("period", "day", "key"),
	[
		("Year", date(2026, 11, 18), "2026"),
		("Month", date(2026, 11, 18), "2026-11"),
		("Week", date(2026, 11, 18), "2026-W47"),
		("Week", date(2027, 1, 1), "2026-W53"),  # ISO: 1 January 2027 is in the last week of 2026
		("Week", date(2024, 12, 30), "2025-W01"),
	],
)
def test_period_key(period: str, day: date, key: str) -> None:
	assert period_key(period, day) == key


def test_unknown_period_is_refused() -> None:
	with pytest.raises(ValueError, match="period 'Day' is not one of Year, Month, Week"):
		period_key("Day", date(2026, 1, 1))


def test_birthday_week_spans_months_and_years() -> None:
	assert iso_week(date(2026, 11, 18)) == (date(2026, 11, 16), date(2026, 11, 22))
	assert birthday_codes(date(2026, 12, 31)) == [101, 102, 103, 1228, 1229, 1230, 1231]


def test_29_february_is_celebrated_on_28_february_in_common_years() -> None:
	leapling = date(2004, 2, 29)
	assert 229 in birthday_codes(date(2027, 2, 28)) and 228 in birthday_codes(date(2027, 2, 28))
	assert celebrates_in_week(leapling, date(2027, 2, 22))
	assert not celebrates_in_week(leapling, date(2027, 3, 1))
	# 2028 has the day: the week with 29 February, not the week before with only the 28th
	assert 229 not in birthday_codes(date(2028, 2, 22))
	assert celebrates_in_week(leapling, date(2028, 3, 5))


def test_coupon_codes_are_deterministic_and_distinct() -> None:
	code = coupon_code("bday", "Birthday", "M0000001", "2026")
	assert code == coupon_code("BDAY", "Birthday", "M0000001", "2026")
	assert code.startswith("BDAY-") and len(code) == 15
	assert code != coupon_code("BDAY", "Birthday", "M0000001", "2027")
	assert code != coupon_code("BDAY", "Birthday", "M0000002", "2026")
	assert code != coupon_code("BDAY", "Birthday", "M0000001", "2026", salt=1)


def test_messages() -> None:
	template = "Hi {{member_name}}, coupon {{ coupon_code }} — {{ unknown }}"
	assert render_message(template, member_name="Ann Lee", coupon_code="BDAY-1") == (
		"Hi Ann Lee, coupon BDAY-1 — {{ unknown }}"
	)
	assert check_template(template) == (
		"{{ unknown }} cannot be filled in; use {{ member_name }} or {{ coupon_code }}"
	)
	assert check_template("Happy birthday, {{ member_name }}!") is None


def test_lists() -> None:
	assert parse_tags(" VIP, Lapsed\nVIP,, ") == ["VIP", "Lapsed"]
	assert coupons_presented("bday-1, OTHER") == ["BDAY-1", "OTHER"]
	assert coupons_presented(None) == []


def test_redemption_rate() -> None:
	assert CampaignResult("B", 8, 3, Decimal("10")).redemption_rate == Decimal("0.3750")
	assert CampaignResult("B", 0, 0, Decimal("0")).redemption_rate == 0
