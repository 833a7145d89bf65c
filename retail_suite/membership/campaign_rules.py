"""Member campaigns (pure): periods, the birthday week, coupon codes, messages and results.

A campaign reaches each member at most once per period: the period key of the run date ("2026",
"2026-11" or the ISO week "2026-W48") is part of the unique key of what was issued. A coupon code is
the campaign's prefix and a hash of (campaign, member, period): the same run always issues the same code.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

PERIODS = ("Year", "Month", "Week")
CAMPAIGN_TYPES = ("Birthday Care", "Slow Mover", "Custom")
CHANNELS = ("Email", "SMS", "None")
PLACEHOLDERS = ("member_name", "coupon_code")
PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
COUPON_HASH_LENGTH = 10


def period_key(period: str, as_of: date) -> str:
	"""The period a run on `as_of` belongs to: "2026" (Year), "2026-11" (Month), "2026-W48" (ISO week)."""
	if period == "Year":
		return f"{as_of.year}"
	if period == "Month":
		return f"{as_of.year}-{as_of.month:02d}"
	if period == "Week":
		iso = as_of.isocalendar()
		return f"{iso[0]}-W{iso[1]:02d}"
	raise ValueError(f"period {period!r} is not one of {', '.join(PERIODS)}")


def iso_week(as_of: date) -> tuple[date, date]:
	"""Monday and Sunday of the ISO week of `as_of`."""
	monday = as_of - timedelta(days=as_of.weekday())
	return monday, monday + timedelta(days=6)


def birthday_codes(as_of: date) -> list[int]:
	"""Birthdays (month × 100 + day) celebrated in the ISO week of `as_of`. A 29 February birthday is
	celebrated on 28 February in years without that day."""
	monday, _sunday = iso_week(as_of)
	codes = set()
	for offset in range(7):
		day = monday + timedelta(days=offset)
		codes.add(day.month * 100 + day.day)
		if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
			codes.add(229)
	return sorted(codes)


def celebrates_in_week(birthday: date, as_of: date) -> bool:
	"""Whether a member born on `birthday` has a birthday in the ISO week of `as_of`."""
	return birthday.month * 100 + birthday.day in birthday_codes(as_of)


def coupon_code(prefix: str, campaign: str, member: str, period: str, salt: int = 0) -> str:
	"""`PREFIX-XXXXXXXXXX`: deterministic per (campaign, member, period); `salt` gives another code after a clash."""
	digest = hashlib.sha256(f"{campaign}|{member}|{period}|{salt}".encode()).hexdigest().upper()
	return f"{(prefix or 'RS').strip().upper()}-{digest[:COUPON_HASH_LENGTH]}"


def check_template(template: str) -> str | None:
	"""None when every {{ placeholder }} is one we fill in; else what is wrong."""
	unknown = sorted({name for name in PLACEHOLDER.findall(template or "") if name not in PLACEHOLDERS})
	if unknown:
		return f"{', '.join('{{ ' + name + ' }}' for name in unknown)} cannot be filled in; use {{{{ member_name }}}} or {{{{ coupon_code }}}}"
	return None


def render_message(template: str, **values: str) -> str:
	"""The template with {{ member_name }} and {{ coupon_code }} filled in (other text left as written)."""
	return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), template or "")


def parse_tags(text: str | None) -> list[str]:
	"""Tags of a comma (or line) separated list, without blanks and repeats, in order."""
	seen: list[str] = []
	for tag in (text or "").replace("\n", ",").split(","):
		tag = tag.strip()
		if tag and tag not in seen:
			seen.append(tag)
	return seen


def coupons_presented(text: str | None) -> list[str]:
	"""The codes of a transaction's `coupons` field (comma separated), upper case as the engine reads them."""
	return [code.strip().upper() for code in (text or "").split(",") if code.strip()]


@dataclass(frozen=True)
class CampaignResult:
	"""What a campaign achieved: members targeted, coupons redeemed, and the targeted members' sales after."""

	campaign: str
	targeted: int
	redeemed: int
	sales_after: Decimal

	@property
	def redemption_rate(self) -> Decimal:
		"""Redeemed ÷ targeted, as a fraction rounded to 4 places (0 when nobody was targeted)."""
		if not self.targeted:
			return Decimal(0)
		return (Decimal(self.redeemed) / Decimal(self.targeted)).quantize(Decimal("0.0001"))
