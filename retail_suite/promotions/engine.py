"""The promotion engine (pure): basket + customer context + time + promotions → discounts per line.

One engine for the till (its JS twin `public/js/retail_promotions.js` gives the same result on the same
input; both read `tests/cases/promotions.json`), for POSDM audit (a till's discount is checked against it)
and for the demo. Everything is integer arithmetic in the currency's minor units, so Python and JS agree
to the cent.

Rules, in the order they apply:

* **Who and when.** A promotion is a candidate when it targets an item or item group in the basket (or
  all items). It is skipped, with a reason code, when the store's local time is outside its window, the
  store is not listed, the customer is not a member or lacks a listed member tag, no listed coupon was
  presented, or its usage limit (per member, total) is used up. Local time is the store's time zone; an
  hour window that crosses midnight (22:00–02:00) belongs to the day it opens, for its date range and
  weekdays. Start is inclusive, end exclusive.
* **Batches.** A promotion that lists batch numbers (a fresh markdown) sees only basket lines carrying
  one of them (`batch_no`), for every rule below, rewards and bundle parts included; of those lines it
  targets the items or groups it names (all, when it names none). A line without a batch is never in it.
* **Item level first, basket level after.** Item promotions (percent off, amount off, fixed price,
  buy X get Y, mix and match, bundle) apply before spend tiers, which see the basket after item
  discounts.
* **Stacking** within each level: *exclusive* promotions (priority high → low, then name) take lines
  nobody discounted yet and lock them; then *best* promotions compete: each is tried alone on the
  unlocked lines, the one giving the customer most is applied and locks its lines, and so on; then
  *stackable* promotions (priority, name) apply in turn to unlocked lines, each on what the line still
  costs. A locked line takes no later promotion, basket-level ones included.
* **Units.** Buy X get Y, mix and match and bundles count whole units of lines with a whole quantity; a
  unit serves one such set at most. A unit is valued at the line's remaining amount ÷ quantity, rounded.
  Buy X get Y in one pool groups units from dearest to cheapest, X + Y at a time, the cheapest Y of each
  group rewarded; with a separate reward pool the cheapest reward units are rewarded. Mix and match and
  bundles take the dearest units first.
* **Rounding.** Percentages round half up per line. A discount spread over lines (spend tiers, sets)
  is split in proportion to each line's share by the largest-remainder rule: every line gets the floor
  of its share, and the cents left go one each to the lines with the largest remainders (ties: larger
  share, then lower line id). A discount never exceeds what a line still costs, so no line and no total
  goes negative.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

KINDS = ("percent_off", "amount_off", "fixed_price", "buy_x_get_y", "mix_match", "bundle", "spend_tiers")
UNIT_KINDS = ("buy_x_get_y", "mix_match", "bundle")
STACKING = ("exclusive", "best", "stackable")
#: reason code -> what a store manager reads
SKIP_REASONS = {
	"not_started": "has not started yet",
	"ended": "has ended",
	"wrong_day": "does not run on this weekday",
	"outside_hours": "is outside its hours",
	"other_store": "does not run in this store",
	"members_only": "is for members only",
	"member_tag": "is for members with another tag",
	"coupon": "needs a coupon that was not presented",
	"limit_member": "was used up by this member",
	"limit_total": "is used up",
}
_MOMENT = re.compile(
	r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


class PromotionError(ValueError):
	"""A promotion, basket or context the engine cannot read; the message names the field."""


# --- exact numbers ---------------------------------------------------------------------------------


def scaled(value: Any, places: int, where: str) -> int:
	"""A decimal number (string or int) as an integer in units of 10^-places; refuses more places."""
	if isinstance(value, float | bool) or value is None:
		raise PromotionError(f"{where} must be a number written as a string or an integer, not {value!r}")
	try:
		number = Decimal(str(value))
	except ArithmeticError:
		raise PromotionError(f"{where} {value!r} is not a number")
	if not number.is_finite():
		raise PromotionError(f"{where} {value!r} is not a number")
	result = number.scaleb(places)
	if result != result.to_integral_value():
		raise PromotionError(f"{where} {value} has more than {places} decimal places")
	return int(result)


def half_up(numerator: int, denominator: int) -> int:
	"""numerator ÷ denominator rounded half up, for numerator ≥ 0 and denominator > 0."""
	return (2 * numerator + denominator) // (2 * denominator)


def format_minor(amount: int, precision: int) -> str:
	"""Minor units as a decimal string with the currency's places (150, 2 → '1.50')."""
	sign = "-" if amount < 0 else ""
	amount = abs(amount)
	if precision == 0:
		return f"{sign}{amount}"
	unit = 10**precision
	return f"{sign}{amount // unit}.{amount % unit:0{precision}d}"


def split_largest_remainder(total: int, weights: Sequence[tuple[int, int]]) -> dict[int, int]:
	"""Split `total` minor units over (line_id, weight) pairs in proportion to weight; see module rules."""
	weight_sum = sum(weight for _, weight in weights)
	if total <= 0 or weight_sum <= 0:
		return {}
	total = min(total, weight_sum)
	shares = {line_id: total * weight // weight_sum for line_id, weight in weights}
	left = total - sum(shares.values())
	if left:
		order = sorted(weights, key=lambda pair: (-(total * pair[1] % weight_sum), -pair[1], pair[0]))
		for line_id, _ in order[:left]:
			shares[line_id] += 1
	return {line_id: share for line_id, share in shares.items() if share}


# --- compiled promotions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
	valid_from: date | None = None
	valid_upto: date | None = None
	days: frozenset[int] = frozenset()  # ISO weekdays, 1 = Monday; empty = every day
	hours: tuple[
		tuple[int, int], ...
	] = ()  # (start, end) in minutes of the day; end < start crosses midnight


@dataclass(frozen=True)
class Promotion:
	name: str
	kind: str
	stacking: str = "stackable"
	priority: int = 0
	items: frozenset[str] = frozenset()
	item_groups: frozenset[str] = frozenset()
	percent: int = 0  # hundredths of a percent (20 % → 2000)
	amount: int = 0  # minor units
	price: int = 0  # minor units
	min_qty: int = 0  # thousandths
	buy_qty: int = 0
	get_qty: int = 0
	reward_items: frozenset[str] = frozenset()
	reward_item_groups: frozenset[str] = frozenset()
	group_qty: int = 0
	components: tuple[tuple[str, int], ...] = ()
	tiers: tuple[tuple[int, int, int], ...] = ()  # (threshold, amount, percent)
	repeat: bool = False
	window: Window = field(default_factory=Window)
	stores: frozenset[str] = frozenset()
	members_only: bool = False
	member_tags: frozenset[str] = frozenset()
	coupon_codes: frozenset[str] = frozenset()
	limit_per_member: int = 0
	limit_total: int = 0
	#: batch numbers: when given, the promotion sees only basket lines of these batches (a fresh markdown)
	batches: frozenset[str] = frozenset()

	@cached_property
	def every_item(self) -> bool:
		return not self.items and not self.item_groups and not self.components

	@cached_property
	def targets_all(self) -> bool:
		"""Whether it targets every line of every basket (no items, groups, components or batches)."""
		return self.every_item and not self.batches

	def sees(self, batch_no: str | None) -> bool:
		"""Whether a line of this batch (None: no batch) is one the promotion may touch."""
		return not self.batches or batch_no in self.batches

	def targets(self, item_code: str, item_group: str | None, batch_no: str | None = None) -> bool:
		if self.batches and batch_no not in self.batches:
			return False
		if self.components:
			return any(code == item_code for code, _ in self.components)
		return (
			self.every_item
			or item_code in self.items
			or (item_group is not None and item_group in self.item_groups)
		)

	def rewards(self, item_code: str, item_group: str | None, batch_no: str | None = None) -> bool:
		if self.batches and batch_no not in self.batches:
			return False
		return item_code in self.reward_items or (
			item_group is not None and item_group in self.reward_item_groups
		)

	@property
	def separate_reward_pool(self) -> bool:
		return bool(self.reward_items or self.reward_item_groups)


def _names(raw: Mapping[str, Any], key: str) -> frozenset[str]:
	value = raw.get(key) or ()
	if isinstance(value, str) or not isinstance(value, Iterable):
		raise PromotionError(f"{key} must be a list of names")
	return frozenset(str(name) for name in value)


def _minutes(value: Any, where: str) -> int:
	match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value))
	if not match or int(match[2]) > 59 or int(match[1]) > 24 or (int(match[1]) == 24 and int(match[2])):
		raise PromotionError(f"{where} {value!r} is not a time of day like 17:30")
	return int(match[1]) * 60 + int(match[2])


def _date(value: Any, where: str) -> date | None:
	if not value:
		return None
	try:
		return date.fromisoformat(str(value))
	except ValueError:
		raise PromotionError(f"{where} {value!r} is not a date like 2026-11-28")


def compile_promotion(raw: Mapping[str, Any], precision: int = 2) -> Promotion:
	"""A promotion dict (as stored, as in the case table) read into exact integers; raises PromotionError."""
	name = str(raw.get("name") or "")
	if not name:
		raise PromotionError("a promotion needs a name")
	kind = raw.get("kind")
	if kind not in KINDS:
		raise PromotionError(f"promotion {name}: kind {kind!r} is not one of {', '.join(KINDS)}")
	stacking = raw.get("stacking") or "stackable"
	if stacking not in STACKING:
		raise PromotionError(f"promotion {name}: stacking {stacking!r} is not one of {', '.join(STACKING)}")
	window_raw = raw.get("window") or {}
	window = Window(
		valid_from=_date(window_raw.get("valid_from"), f"promotion {name}: window.valid_from"),
		valid_upto=_date(window_raw.get("valid_upto"), f"promotion {name}: window.valid_upto"),
		days=frozenset(_whole(day, f"promotion {name}: window.days") for day in window_raw.get("days") or ()),
		hours=tuple(
			(
				_minutes(span.get("start"), f"promotion {name}: window.hours.start"),
				_minutes(span.get("end"), f"promotion {name}: window.hours.end"),
			)
			for span in window_raw.get("hours") or ()
		),
	)
	where = f"promotion {name}:"
	tiers = tuple(
		(
			scaled(tier.get("threshold", 0), precision, f"{where} tier threshold"),
			scaled(tier.get("amount", 0), precision, f"{where} tier amount"),
			scaled(tier.get("percent", 0), 2, f"{where} tier percent"),
		)
		for tier in raw.get("tiers") or ()
	)
	promotion = Promotion(
		name=name,
		kind=kind,
		stacking=stacking,
		priority=_whole(raw.get("priority") or 0, f"promotion {name}: priority"),
		items=_names(raw, "items"),
		item_groups=_names(raw, "item_groups"),
		batches=_names(raw, "batches"),
		percent=scaled(raw.get("percent", 0), 2, f"{where} percent"),
		amount=scaled(raw.get("amount", 0), precision, f"{where} amount"),
		price=scaled(raw.get("price", 0), precision, f"{where} price"),
		min_qty=scaled(raw.get("min_qty", 0), 3, f"{where} min_qty"),
		buy_qty=_whole(raw.get("buy_qty") or 0, f"promotion {name}: buy_qty"),
		get_qty=_whole(raw.get("get_qty") or 0, f"promotion {name}: get_qty"),
		reward_items=_names(raw, "reward_items"),
		reward_item_groups=_names(raw, "reward_item_groups"),
		group_qty=_whole(raw.get("group_qty") or 0, f"promotion {name}: group_qty"),
		components=_components(raw.get("components") or (), name),
		tiers=tiers,
		repeat=bool(raw.get("repeat")),
		window=window,
		stores=_names(raw, "stores"),
		members_only=bool(raw.get("members_only")),
		member_tags=_names(raw, "member_tags"),
		coupon_codes=frozenset(code.upper() for code in _names(raw, "coupon_codes")),
		limit_per_member=_whole(raw.get("limit_per_member") or 0, f"promotion {name}: limit_per_member"),
		limit_total=_whole(raw.get("limit_total") or 0, f"promotion {name}: limit_total"),
	)
	if kind == "buy_x_get_y" and (promotion.buy_qty < 1 or promotion.get_qty < 1):
		raise PromotionError(f"promotion {name}: buy X get Y needs X and Y of at least 1")
	if kind == "mix_match" and promotion.group_qty < 1:
		raise PromotionError(f"promotion {name}: mix and match needs a group of at least 2 items")
	if kind == "bundle" and not promotion.components:
		raise PromotionError(f"promotion {name}: a bundle needs its items")
	return promotion


def _whole(value: Any, where: str) -> int:
	"""A whole number from a form or JSON (an int, or digits in a string)."""
	if (
		isinstance(value, bool)
		or not isinstance(value, int | str)
		or (isinstance(value, str) and not re.fullmatch(r"-?\d+", value))
	):
		raise PromotionError(f"{where} must be a whole number, not {value!r}")
	return int(value)


def _components(raw: Any, name: str) -> tuple[tuple[str, int], ...]:
	"""A bundle's items: each once, with a quantity of at least 1."""
	if isinstance(raw, str | Mapping) or not isinstance(raw, Iterable):
		raise PromotionError(f"promotion {name}: components must be a list of items")
	parts: list[tuple[str, int]] = []
	for position, part in enumerate(raw):
		where = f"promotion {name}: components[{position}]"
		if not isinstance(part, Mapping) or not part.get("item_code"):
			raise PromotionError(f"{where} needs an item_code")
		qty = _whole(part.get("qty") or 1, f"{where}.qty")
		if qty < 1:
			raise PromotionError(f"{where}.qty must be at least 1")
		code = str(part["item_code"])
		if any(code == known for known, _ in parts):
			raise PromotionError(
				f"promotion {name}: {code} is listed twice in the bundle; give it a quantity instead"
			)
		parts.append((code, qty))
	return tuple(parts)


def promotion_problems(raw: Mapping[str, Any], precision: int = 2) -> list[str]:
	"""What is wrong with one promotion definition, in words for the person filling the form."""
	try:
		promotion = compile_promotion(raw, precision)
	except PromotionError as error:
		return [str(error)]
	except (TypeError, ValueError, KeyError) as error:
		return [f"promotion {raw.get('name')}: {error}"]
	problems = []
	window = promotion.window
	if window.valid_from and window.valid_upto and window.valid_upto < window.valid_from:
		problems.append(f"ends on {window.valid_upto}, before it starts on {window.valid_from}")
	if any(day < 1 or day > 7 for day in window.days):
		problems.append("weekdays must be 1 (Monday) to 7 (Sunday)")
	for start, end in window.hours:
		if start == end:
			problems.append(f"the hours {_clock(start)}–{_clock(end)} are an empty window")
	kind = promotion.kind
	if kind == "percent_off" and not 0 < promotion.percent <= 10000:
		problems.append("percent off must be above 0 and at most 100")
	if kind == "amount_off" and promotion.amount <= 0:
		problems.append("amount off must be above 0")
	if kind == "fixed_price" and promotion.price < 0:
		problems.append("the price cannot be negative")
	if kind == "buy_x_get_y":
		if promotion.buy_qty < 1 or promotion.get_qty < 1:
			problems.append("buy X get Y needs X and Y of at least 1")
		if not 0 < promotion.percent <= 10000:
			problems.append("the reward discount must be above 0 and at most 100 % (100 = free)")
	if kind == "mix_match" and (promotion.group_qty < 2 or promotion.price <= 0):
		problems.append("mix and match needs a group of at least 2 items and a price above 0")
	if kind == "bundle" and (not promotion.components or promotion.price <= 0):
		problems.append("a bundle needs its items and a price above 0")
	if kind == "spend_tiers":
		if not promotion.tiers:
			problems.append("spend tiers need at least one tier")
		previous: tuple[int, int, int] | None = None
		for number, tier in enumerate(promotion.tiers, 1):
			threshold, amount, percent = tier
			if (amount > 0) == (percent > 0):
				problems.append(f"tier {number}: give either an amount off or a percent off")
			if amount > threshold > 0:
				problems.append(f"tier {number}: the discount is larger than the spend that earns it")
			if percent > 10000:
				problems.append(f"tier {number}: percent off cannot exceed 100")
			if previous and threshold <= previous[0]:
				problems.append(f"tier {number}: spend must be higher than tier {number - 1}'s")
			if previous and (amount, percent) <= (previous[1], previous[2]):
				problems.append(f"tier {number}: the discount must be higher than tier {number - 1}'s")
			previous = tier
		if promotion.repeat and len(promotion.tiers) != 1:
			problems.append("a repeating spend discount (every 100 spent, 20 off) has exactly one tier")
	if promotion.limit_per_member < 0 or promotion.limit_total < 0:
		problems.append("usage limits cannot be negative")
	if promotion.limit_per_member and not (promotion.members_only or promotion.member_tags):
		problems.append("a limit per member needs a promotion for members only")
	return problems


def _clock(minutes: int) -> str:
	return f"{minutes // 60:02d}:{minutes % 60:02d}"


def overlapping_exclusive(
	promotions: Sequence[Mapping[str, Any]], item_groups: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
	"""Pairs of exclusive promotions that could meet on the same item at the same time in the same store.

	`item_groups` (item code -> item group, for the items the promotions name) tells whether an item one
	promotion names belongs to a group the other names; without it, such a pair counts as meeting. A
	promotion for batches (a fresh markdown, resolved by its priority) meets only one naming the same batch."""
	compiled = [compile_promotion(raw) for raw in promotions]
	exclusive = sorted((p for p in compiled if p.stacking == "exclusive"), key=lambda p: p.name)
	pairs = []
	for index, first in enumerate(exclusive):
		for second in exclusive[index + 1 :]:
			if (first.kind == "spend_tiers") != (second.kind == "spend_tiers"):
				continue  # item level and basket level never compete for a line's first discount
			if _overlap(first, second, item_groups):
				pairs.append((first.name, second.name))
	return pairs


def _overlap(first: Promotion, second: Promotion, item_groups: Mapping[str, str] | None = None) -> bool:
	if first.stores and second.stores and not first.stores & second.stores:
		return False
	if (first.batches or second.batches) and not first.batches & second.batches:
		return False  # a batch promotion (a markdown) meets another only on a batch both name
	targets_first = first.items | {code for code, _ in first.components}
	targets_second = second.items | {code for code, _ in second.components}
	if not (first.every_item or second.every_item):
		if not (targets_first & targets_second or first.item_groups & second.item_groups):
			# different items, but an item may belong to a group the other names
			if item_groups is not None:
				crossing = any(item_groups.get(code) in second.item_groups for code in targets_first) or any(
					item_groups.get(code) in first.item_groups for code in targets_second
				)
			else:
				crossing = bool((targets_first and second.item_groups) or (targets_second and first.item_groups))
			if not crossing:
				return False
	one, two = first.window, second.window
	if one.valid_upto and two.valid_from and one.valid_upto < two.valid_from:
		return False
	if two.valid_upto and one.valid_from and two.valid_upto < one.valid_from:
		return False
	if one.days and two.days and not one.days & two.days:
		return False
	if one.hours and two.hours:
		return any(_spans_meet(a, b) for a in one.hours for b in two.hours)
	return True


def _spans_meet(first: tuple[int, int], second: tuple[int, int]) -> bool:
	def pieces(span: tuple[int, int]) -> list[tuple[int, int]]:
		start, end = span
		return [(start, end)] if end > start else [(start, 1440), (0, end)]

	return any(a < d and c < b for a, b in pieces(first) for c, d in pieces(second))


# --- context and basket ------------------------------------------------------------------------------


@dataclass
class LineState:
	line_id: int
	item_code: str
	item_group: str | None
	qty: int  # thousandths
	remaining: int  # minor units still to pay
	base: int
	units_free: int  # whole units not yet in a unit-based set
	discounts: dict[str, int] = field(default_factory=dict)
	locked: bool = False
	batch_no: str | None = None

	def unit_value(self) -> int:
		return half_up(self.remaining * 1000, self.qty)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
	try:
		return ZoneInfo(name)
	except (ValueError, KeyError, OSError):
		raise PromotionError(f"time zone {name!r} is unknown")


def local_moment(at: str, timezone: str) -> tuple[date, int]:
	"""The store's local date and second of the day for an ISO moment; a moment without an offset is
	already the store's wall-clock time."""
	match = _MOMENT.match(at or "")
	if not match:
		raise PromotionError(f"context.at {at!r} is not an ISO date-time like 2026-11-28T18:30:00+08:00")
	year, month, day, hour, minute = (int(match[i]) for i in range(1, 6))
	second = int(match[6] or 0)
	wall = datetime(year, month, day, hour, minute, second)
	if match[7]:
		offset = match[7]
		if offset == "Z":
			delta = timedelta(0)
		else:
			digits = offset[1:].replace(":", "")
			delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
			delta = -delta if offset[0] == "-" else delta
		utc = (wall - delta).replace(tzinfo=UTC)
		wall = utc.astimezone(_zone(timezone)).replace(tzinfo=None)
	else:
		_zone(timezone)  # an unknown zone is an error even when the moment needs no conversion
	return wall.date(), wall.hour * 3600 + wall.minute * 60 + wall.second


@dataclass(frozen=True)
class Context:
	day: date
	second: int
	store: str | None
	member: str | None
	member_tags: frozenset[str]
	coupons: frozenset[str]
	usage: Mapping[str, Mapping[str, int]]
	precision: int


def read_context(raw: Mapping[str, Any]) -> Context:
	precision = int(raw.get("precision", 2))
	if not 0 <= precision <= 4:
		raise PromotionError(f"context.precision {precision} must be 0 to 4")
	day, second = local_moment(str(raw.get("at") or ""), str(raw.get("timezone") or "UTC"))
	return Context(
		day=day,
		second=second,
		store=raw.get("store"),
		member=raw.get("member") or None,
		member_tags=frozenset(raw.get("member_tags") or ()),
		coupons=frozenset(str(code).upper() for code in raw.get("coupons") or ()),
		usage=_usage(raw.get("usage") or {}),
		precision=precision,
	)


def _day_reason(window: Window, day: date) -> str | None:
	if window.valid_from and day < window.valid_from:
		return "not_started"
	if window.valid_upto and day > window.valid_upto:
		return "ended"
	if window.days and day.isoweekday() not in window.days:
		return "wrong_day"
	return None


def window_reason(window: Window, day: date, second: int) -> str | None:
	"""None when the local moment is inside the window, else the reason code.

	Each hour span is tried in turn with the day it opened on (yesterday for the small hours of a span
	that crosses midnight); the first span that holds wins."""
	if not window.hours:
		return _day_reason(window, day)
	first_reason = None
	for start, end in window.hours:
		if end > start:
			opened = day if start * 60 <= second < end * 60 else None
		elif second >= start * 60:
			opened = day
		elif second < end * 60:
			opened = day - timedelta(days=1)
		else:
			opened = None
		if opened is None:
			continue
		reason = _day_reason(window, opened)
		if reason is None:
			return None
		first_reason = first_reason or reason
	return first_reason or "outside_hours"


def _usage(raw: Any) -> Mapping[str, Mapping[str, int]]:
	if not isinstance(raw, Mapping) or not all(isinstance(used, Mapping) for used in raw.values()):
		raise PromotionError('context.usage must map each promotion to {"member": uses, "total": uses}')
	return raw


def skip_reason(promotion: Promotion, context: Context) -> str | None:
	"""Why a promotion does not apply to this customer at this moment (None: it applies)."""
	reason = window_reason(promotion.window, context.day, context.second)
	if reason:
		return reason
	if promotion.stores and context.store not in promotion.stores:
		return "other_store"
	if promotion.members_only and not context.member:
		return "members_only"
	if promotion.member_tags and not (context.member and promotion.member_tags & context.member_tags):
		return "member_tag" if context.member else "members_only"
	if promotion.coupon_codes and not promotion.coupon_codes & context.coupons:
		return "coupon"
	used = context.usage.get(promotion.name) or {}
	if (
		promotion.limit_per_member
		and context.member
		and int(used.get("member", 0)) >= promotion.limit_per_member
	):
		return "limit_member"
	if promotion.limit_total and int(used.get("total", 0)) >= promotion.limit_total:
		return "limit_total"
	return None


# --- evaluation --------------------------------------------------------------------------------------


class Catalogue:
	"""Active promotions, compiled once and indexed by item and item group, for many baskets."""

	def __init__(self, promotions: Iterable[Mapping[str, Any] | Promotion], precision: int = 2) -> None:
		self.precision = precision
		self.promotions: list[Promotion] = []
		self.by_item: dict[str, list[int]] = {}
		self.by_group: dict[str, list[int]] = {}
		self.by_batch: dict[str, list[int]] = {}
		self.for_all: list[int] = []
		seen: set[str] = set()
		for raw in promotions:
			promotion = raw if isinstance(raw, Promotion) else compile_promotion(raw, precision)
			if promotion.name in seen:
				raise PromotionError(f"promotion {promotion.name} is listed twice")
			seen.add(promotion.name)
			index = len(self.promotions)
			self.promotions.append(promotion)
			if promotion.targets_all:
				self.for_all.append(index)
				continue
			if promotion.batches:  # it sees only lines of its batches: found through them alone
				for batch_no in promotion.batches:
					self.by_batch.setdefault(batch_no, []).append(index)
				continue
			codes = (
				set(promotion.items)
				| {code for code, _ in promotion.components}
				| set(promotion.reward_items)
			)
			for code in codes:
				self.by_item.setdefault(code, []).append(index)
			for group in promotion.item_groups | promotion.reward_item_groups:
				self.by_group.setdefault(group, []).append(index)

	def touches(self, items: Iterable[tuple[str, str | None] | tuple[str, str | None, str | None]]) -> bool:
		"""Whether any promotion could apply to these (item code, item group[, batch number]) tuples."""
		if self.for_all:
			return True
		for code, group, *batch in items:
			if code in self.by_item or (group is not None and group in self.by_group):
				return True
			if batch and batch[0] is not None and batch[0] in self.by_batch:
				return True
		return False

	def lines_by_candidate(self, lines: Sequence[LineState]) -> dict[int, list[LineState]]:
		"""Each candidate promotion (by index) with the basket lines it targets or rewards, in basket order."""
		found: dict[int, list[LineState]] = {index: list(lines) for index in self.for_all}
		for line in lines:
			matches = set(self.by_item.get(line.item_code, ()))
			if line.item_group is not None:
				matches.update(self.by_group.get(line.item_group, ()))
			if line.batch_no is not None:
				matches.update(self.by_batch.get(line.batch_no, ()))
			for index in matches:
				found.setdefault(index, []).append(line)
		return dict(sorted(found.items()))

	def candidates(self, lines: Iterable[LineState]) -> list[Promotion]:
		found = set(self.for_all)
		for line in lines:
			found.update(self.by_item.get(line.item_code, ()))
			if line.item_group is not None:
				found.update(self.by_group.get(line.item_group, ()))
			if line.batch_no is not None:
				found.update(self.by_batch.get(line.batch_no, ()))
		return [self.promotions[index] for index in sorted(found)]


def read_basket(raw: Mapping[str, Any], precision: int) -> list[LineState]:
	lines = []
	seen: set[int] = set()
	for position, line in enumerate(raw.get("lines") or ()):
		where = f"basket.lines[{position}]"
		line_id = line.get("line_id")
		if not isinstance(line_id, int) or isinstance(line_id, bool) or line_id in seen:
			raise PromotionError(f"{where}.line_id must be a whole number, once per basket")
		seen.add(line_id)
		qty = scaled(line.get("qty"), 3, f"{where}.qty")
		price = scaled(line.get("unit_price"), 4, f"{where}.unit_price")
		if qty <= 0 or price < 0:
			raise PromotionError(f"{where}: quantity must be above 0 and the price at least 0")
		batch_no = line.get("batch_no")
		if batch_no == "":
			batch_no = None
		if batch_no is not None and not isinstance(batch_no, str):
			raise PromotionError(f"{where}.batch_no must be a batch number written as text, not {batch_no!r}")
		base = half_up(qty * price * 10**precision, 10**7)
		lines.append(
			LineState(
				line_id=line_id,
				item_code=str(line.get("item_code")),
				item_group=line.get("item_group"),
				qty=qty,
				remaining=base,
				base=base,
				units_free=qty // 1000 if qty % 1000 == 0 else 0,
				batch_no=batch_no,
			)
		)
	return lines


def _order(promotion: Promotion) -> tuple[int, str]:
	return (-promotion.priority, promotion.name)


def _cap(line: LineState, amount: int) -> int:
	return max(0, min(amount, line.remaining))


def _apply_simple(promotion: Promotion, lines: list[LineState]) -> dict[int, int]:
	"""percent off, amount off, fixed price: each line on its own."""
	result = {}
	for line in lines:
		if not promotion.targets(line.item_code, line.item_group, line.batch_no) or line.qty < promotion.min_qty:
			continue
		if promotion.kind == "percent_off":
			amount = half_up(line.remaining * promotion.percent, 10000)
		elif promotion.kind == "amount_off":
			amount = half_up(promotion.amount * line.qty, 1000)
		else:
			amount = line.remaining - half_up(promotion.price * line.qty, 1000)
		amount = _cap(line, amount)
		if amount:
			result[line.line_id] = amount
	return result


def _units(lines: Iterable[LineState]) -> list[tuple[int, int, LineState]]:
	"""Every free whole unit as (unit value, line id, line), dearest first, then by line id."""
	units = []
	for line in lines:
		if line.units_free:
			value = line.unit_value()
			units.extend((value, line.line_id, line) for _ in range(line.units_free))
	units.sort(key=lambda unit: (-unit[0], unit[1]))
	return units


def _reward(units: Iterable[tuple[int, int, LineState]], percent: int) -> dict[int, int]:
	"""Discount `percent` on the given units, rounded once per line."""
	value_by_line: dict[int, tuple[LineState, int]] = {}
	for value, line_id, line in units:
		_, total = value_by_line.get(line_id, (line, 0))
		value_by_line[line_id] = (line, total + value)
	result = {}
	for line_id, (line, total) in value_by_line.items():
		amount = _cap(line, half_up(total * percent, 10000))
		if amount:
			result[line_id] = amount
	return result


def _consume(units: Iterable[tuple[int, int, LineState]], consumed: dict[int, int]) -> None:
	for _, line_id, _line in units:
		consumed[line_id] = consumed.get(line_id, 0) + 1


def _apply_buy_get(promotion: Promotion, lines: list[LineState], consumed: dict[int, int]) -> dict[int, int]:
	buy_units = _units(line for line in lines if promotion.targets(line.item_code, line.item_group, line.batch_no))
	if not promotion.separate_reward_pool:
		size = promotion.buy_qty + promotion.get_qty
		sets = len(buy_units) // size
		rewarded = []
		for number in range(sets):
			group = buy_units[number * size : (number + 1) * size]
			rewarded.extend(group[promotion.buy_qty :])
		_consume(buy_units[: sets * size], consumed)
		return _reward(rewarded, promotion.percent)
	sets = len(buy_units) // promotion.buy_qty
	if not sets:
		return {}
	paid = buy_units[: sets * promotion.buy_qty]
	taken = {}
	for _, line_id, _line in paid:
		taken[line_id] = taken.get(line_id, 0) + 1
	reward_units = []
	for line in lines:
		if promotion.rewards(line.item_code, line.item_group, line.batch_no) and line.units_free:
			spare = line.units_free - taken.get(line.line_id, 0)
			value = line.unit_value()
			reward_units.extend((value, line.line_id, line) for _ in range(spare))
	reward_units.sort(key=lambda unit: (unit[0], unit[1]))  # cheapest first
	rewarded = reward_units[: sets * promotion.get_qty]
	if not rewarded:
		return {}
	_consume(paid, consumed)
	_consume(rewarded, consumed)
	return _reward(rewarded, promotion.percent)


def _spread(total: int, units: list[tuple[int, int, LineState]]) -> dict[int, int]:
	"""A set discount spread over the lines of its units by the largest-remainder rule, within each line."""
	weights: dict[int, int] = {}
	by_id: dict[int, LineState] = {}
	for value, line_id, line in units:
		weights[line_id] = weights.get(line_id, 0) + value
		by_id[line_id] = line
	capped = {line_id: min(weight, by_id[line_id].remaining) for line_id, weight in weights.items()}
	shares = split_largest_remainder(total, sorted(capped.items()))
	return shares


def _apply_mix_match(
	promotion: Promotion, lines: list[LineState], consumed: dict[int, int]
) -> dict[int, int]:
	units = _units(line for line in lines if promotion.targets(line.item_code, line.item_group, line.batch_no))
	sets = len(units) // promotion.group_qty
	chosen = units[: sets * promotion.group_qty]
	discount = 0
	for number in range(sets):
		group = chosen[number * promotion.group_qty : (number + 1) * promotion.group_qty]
		discount += max(0, sum(unit[0] for unit in group) - promotion.price)
	if not discount:
		return {}
	_consume(chosen, consumed)
	return _spread(discount, chosen)


def _apply_bundle(promotion: Promotion, lines: list[LineState], consumed: dict[int, int]) -> dict[int, int]:
	by_component = {
		code: _units(line for line in lines if line.item_code == code and promotion.sees(line.batch_no))
		for code, _ in promotion.components
	}
	sets = min(len(by_component[code]) // qty for code, qty in promotion.components)
	if not sets:
		return {}
	chosen = []
	for code, qty in promotion.components:
		chosen.extend(by_component[code][: sets * qty])
	discount = max(0, sum(unit[0] for unit in chosen) - sets * promotion.price)
	if not discount:
		return {}
	_consume(chosen, consumed)
	return _spread(discount, chosen)


def _apply_tiers(promotion: Promotion, lines: list[LineState]) -> dict[int, int]:
	eligible = [
		line for line in lines if promotion.targets(line.item_code, line.item_group, line.batch_no) and line.remaining > 0
	]
	spend = sum(line.remaining for line in eligible)
	reached = [tier for tier in promotion.tiers if tier[0] <= spend]
	if not reached:
		return {}
	threshold, amount, percent = reached[-1]
	if promotion.repeat and threshold > 0:
		discount = spend // threshold * amount
	elif amount:
		discount = amount
	else:
		discount = half_up(spend * percent, 10000)
	return split_largest_remainder(
		min(discount, spend), [(line.line_id, line.remaining) for line in eligible]
	)


def _try(promotion: Promotion, lines: list[LineState]) -> tuple[dict[int, int], dict[int, int]]:
	"""(discount per line id, whole units used per line id) of one promotion on the given lines."""
	consumed: dict[int, int] = {}
	if promotion.kind in ("percent_off", "amount_off", "fixed_price"):
		return _apply_simple(promotion, lines), consumed
	if promotion.kind == "buy_x_get_y":
		return _apply_buy_get(promotion, lines, consumed), consumed
	if promotion.kind == "mix_match":
		return _apply_mix_match(promotion, lines, consumed), consumed
	if promotion.kind == "bundle":
		return _apply_bundle(promotion, lines, consumed), consumed
	return _apply_tiers(promotion, lines), consumed


def _commit(
	promotion: Promotion,
	lines: list[LineState],
	discounts: dict[int, int],
	consumed: dict[int, int],
	lock: bool,
	applied: list[str],
) -> None:
	if not discounts:
		return
	by_id = {line.line_id: line for line in lines}
	for line_id, amount in discounts.items():
		line = by_id[line_id]
		line.remaining -= amount
		line.discounts[promotion.name] = line.discounts.get(promotion.name, 0) + amount
		if lock:
			line.locked = True
	for line_id, units in consumed.items():
		by_id[line_id].units_free -= units
	applied.append(promotion.name)


def _phase(
	promotions: list[Promotion],
	lines: list[LineState],
	applied: list[str],
	relevant: dict[str, list[LineState]],
) -> None:
	"""One level's promotions in stacking order; `relevant` holds each promotion's own lines (found once
	through the catalogue's index: the rules below only ever look at those)."""
	for promotion in sorted((p for p in promotions if p.stacking == "exclusive"), key=_order):
		open_lines = [line for line in relevant[promotion.name] if not line.locked and not line.discounts]
		discounts, consumed = _try(promotion, open_lines)
		_commit(promotion, lines, discounts, consumed, True, applied)
	contenders = sorted((p for p in promotions if p.stacking == "best"), key=_order)
	# a contender's trial stays valid until a committed promotion touches one of its lines
	trials: dict[str, tuple[int, dict[int, int], dict[int, int]]] = {}
	while contenders:
		best: tuple[int, int, Promotion, dict[int, int], dict[int, int]] | None = None
		for position, promotion in enumerate(contenders):
			if promotion.name not in trials:
				open_lines = [line for line in relevant[promotion.name] if not line.locked]
				discounts, consumed = _try(promotion, open_lines)
				trials[promotion.name] = (sum(discounts.values()), discounts, consumed)
			total, discounts, consumed = trials[promotion.name]
			if total and (best is None or total > best[0]):
				best = (total, position, promotion, discounts, consumed)
		if best is None:
			break
		_, position, promotion, discounts, consumed = best
		_commit(promotion, lines, discounts, consumed, True, applied)
		contenders.pop(position)
		touched = set(discounts) | set(consumed)
		for other in contenders:
			if any(line.line_id in touched for line in relevant[other.name]):
				trials.pop(other.name, None)
	for promotion in sorted((p for p in promotions if p.stacking == "stackable"), key=_order):
		open_lines = [line for line in relevant[promotion.name] if not line.locked]
		discounts, consumed = _try(promotion, open_lines)
		_commit(promotion, lines, discounts, consumed, False, applied)


def evaluate(
	catalogue: Catalogue | Sequence[Mapping[str, Any]],
	basket: Mapping[str, Any],
	context: Mapping[str, Any],
) -> dict[str, Any]:
	"""Discounts per line and per promotion for one basket; see the module docstring for the rules.

	Returns {"lines": [{"line_id", "amount", "discount", "net", "promotions": [{"promotion", "amount"}]}],
	"promotions": [{"promotion", "discount", "lines"}] in the order applied, "total_discount", "net_total",
	"skipped": {promotion: reason code}}; amounts are decimal strings at the currency's precision."""
	ctx = read_context(context)
	if not isinstance(catalogue, Catalogue):
		catalogue = Catalogue(catalogue, ctx.precision)
	elif catalogue.precision != ctx.precision:
		raise PromotionError(
			f"the catalogue was read at precision {catalogue.precision}, not {ctx.precision}"
		)
	lines = read_basket(basket, ctx.precision)
	skipped: dict[str, str] = {}
	item_level: list[Promotion] = []
	basket_level: list[Promotion] = []
	relevant: dict[str, list[LineState]] = {}
	for index, own_lines in catalogue.lines_by_candidate(lines).items():
		promotion = catalogue.promotions[index]
		relevant[promotion.name] = own_lines
		reason = skip_reason(promotion, ctx)
		if reason:
			skipped[promotion.name] = reason
		elif promotion.kind == "spend_tiers":
			basket_level.append(promotion)
		else:
			item_level.append(promotion)
	applied: list[str] = []
	_phase(item_level, lines, applied, relevant)
	_phase(basket_level, lines, applied, relevant)
	return _result(lines, applied, skipped, ctx.precision)


def _result(
	lines: list[LineState], applied: list[str], skipped: dict[str, str], precision: int
) -> dict[str, Any]:
	position = {name: index for index, name in enumerate(applied)}
	per_promotion: dict[str, list[int]] = {name: [0, []] for name in applied}  # type: ignore[misc]
	out_lines = []
	for line in lines:
		parts = sorted(line.discounts.items(), key=lambda part: position[part[0]])
		for name, amount in parts:
			per_promotion[name][0] += amount
			per_promotion[name][1].append(line.line_id)
		out_lines.append(
			{
				"line_id": line.line_id,
				"amount": format_minor(line.base, precision),
				"discount": format_minor(line.base - line.remaining, precision),
				"net": format_minor(line.remaining, precision),
				"promotions": [
					{"promotion": name, "amount": format_minor(amount, precision)} for name, amount in parts
				],
			}
		)
	return {
		"lines": out_lines,
		"promotions": [
			{"promotion": name, "discount": format_minor(total, precision), "lines": line_ids}
			for name, (total, line_ids) in per_promotion.items()
		],
		"total_discount": format_minor(sum(line.base - line.remaining for line in lines), precision),
		"net_total": format_minor(sum(line.remaining for line in lines), precision),
		"skipped": dict(sorted(skipped.items())),
	}
