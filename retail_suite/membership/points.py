"""Loyalty points (pure): what a transaction earns, what a points tender burns, tiers, balance and expiry.

A `PointsProgramme` holds the rules; it maps one to one onto an ERPNext Loyalty Program
(`loyalty_program_values()`): each tier becomes a collection rule whose collection factor
(currency spent per point) is 1 / (points per unit × tier multiplier), the value of one point
is the conversion factor, the expiry days the expiry duration. Rounding, excluded item groups
and the minimum to redeem are ours (ERPNext always truncates and knows no exclusions).

The ledger arithmetic treats every positive entry as a lot of points with its own expiry date;
negative entries use lots first-expiring-first-out (FIFO), an Expire entry empties the lot it
names. Points are whole numbers, amounts exact Decimals; nothing here touches a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from retail_suite.errors import ValidationError

ZERO = Decimal("0.00")
ONE = Decimal(1)
FLOOR = "Floor"
HALF_UP = "Half Up"
ROUNDINGS = {FLOOR: ROUND_FLOOR, HALF_UP: ROUND_HALF_UP}
ENTRY_TYPES = ("Earn", "Redeem", "Return", "Expire", "Adjust")
DEFAULT_TIER = "Standard"
#: ERPNext stores the collection factor with 9 decimal places (Currency column decimal(21,9))
COLLECTION_FACTOR_PLACES = Decimal("0.000000001")


class PointsRefused(ValidationError):
	"""A redemption the rules do not allow (fractional points, below the minimum, above the balance)."""


def _decimal(value: Any, what: str) -> Decimal:
	try:
		number = value if isinstance(value, Decimal) else Decimal(str(value))
	except (InvalidOperation, ValueError):
		raise ValidationError(f"{what} {value!r} is not a number", fix="enter a number")
	if not number.is_finite():
		raise ValidationError(f"{what} must be a finite number, not {value}")
	return number


@dataclass(frozen=True)
class Tier:
	"""A membership tier: reached at `min_spent` lifetime spend, earning `multiplier` × the base rate."""

	name: str
	min_spent: Decimal = ZERO
	multiplier: Decimal = ONE

	def __post_init__(self) -> None:
		object.__setattr__(self, "min_spent", _decimal(self.min_spent, f"tier {self.name}: minimum spent"))
		object.__setattr__(self, "multiplier", _decimal(self.multiplier, f"tier {self.name}: multiplier"))
		if not (self.name or "").strip():
			raise ValidationError("a tier needs a name", field="tier_name")
		if self.min_spent < 0:
			raise ValidationError(
				f"tier {self.name}: minimum spent {self.min_spent} is negative", field="min_spent"
			)
		if self.multiplier <= 0:
			raise ValidationError(
				f"tier {self.name}: multiplier {self.multiplier} must be above 0",
				field="multiplier",
				fix="e.g. 1 or 1.5",
			)


@dataclass(frozen=True)
class PointsLine:
	"""What points need of a transaction line: its item group, net amount (after discount, before tax) and
	direction (+1 goods sold, -1 goods taken back)."""

	item_group: str | None
	net_amount: Decimal
	direction: int = 1


@dataclass(frozen=True)
class Earning:
	"""Points of one transaction: `earned` on goods sold (≥ 0), `clawed_back` on goods returned (≤ 0)."""

	tier: str
	multiplier: Decimal
	sold_amount: Decimal  # eligible net amount of goods sold, less what was paid with points
	returned_amount: Decimal  # eligible net amount of goods taken back (positive)
	earned: int
	clawed_back: int

	@property
	def points(self) -> int:
		return self.earned + self.clawed_back

	@property
	def purchase_amount(self) -> Decimal:
		return self.sold_amount - self.returned_amount


@dataclass(frozen=True)
class PointsProgramme:
	"""The rules of a points programme.

	points_per_unit: points per currency unit spent (1 by default); rounding: Floor (default) or Half Up,
	applied to each transaction's points; excluded_item_groups: goods in these groups earn nothing
	(gift cards, tobacco …); tiers: (name, minimum lifetime spend, multiplier); expiry_days: points
	lapse this many days after the business day they were earned (0: never); point_value: what one
	point pays as a tender; min_redeem_points: the fewest points a redemption may use.
	"""

	name: str = "Retail Points"
	points_per_unit: Decimal = ONE
	rounding: str = FLOOR
	excluded_item_groups: frozenset[str] = frozenset()
	tiers: tuple[Tier, ...] = (Tier(DEFAULT_TIER),)
	expiry_days: int = 365
	point_value: Decimal = Decimal("0.01")
	min_redeem_points: int = 0

	def __post_init__(self) -> None:
		object.__setattr__(
			self, "points_per_unit", _decimal(self.points_per_unit, "points per currency unit")
		)
		object.__setattr__(self, "point_value", _decimal(self.point_value, "value of one point"))
		object.__setattr__(self, "excluded_item_groups", frozenset(self.excluded_item_groups))
		object.__setattr__(
			self, "tiers", tuple(sorted(self.tiers or (Tier(DEFAULT_TIER),), key=lambda t: t.min_spent))
		)
		if self.points_per_unit <= 0:
			raise ValidationError(
				f"points per currency unit {self.points_per_unit} must be above 0",
				field="points_per_unit",
				fix="e.g. 1",
			)
		if self.rounding not in ROUNDINGS:
			raise ValidationError(
				f"rounding {self.rounding!r} is not one of {', '.join(ROUNDINGS)}", field="rounding"
			)
		if self.point_value <= 0:
			raise ValidationError(
				f"value of one point {self.point_value} must be above 0", field="point_value", fix="e.g. 0.01"
			)
		if int(self.expiry_days) < 0:
			raise ValidationError(
				f"expiry days {self.expiry_days} is negative", field="expiry_days", fix="0 means never"
			)
		if int(self.min_redeem_points) < 0:
			raise ValidationError(
				f"minimum points to redeem {self.min_redeem_points} is negative", field="min_redeem_points"
			)
		names = [tier.name for tier in self.tiers]
		repeated = sorted({name for name in names if names.count(name) > 1})
		if repeated:
			raise ValidationError(f"tiers {repeated} are listed twice", field="tiers")
		levels = [tier.min_spent for tier in self.tiers]
		if len(set(levels)) != len(levels):
			raise ValidationError(
				"two tiers start at the same minimum spent", field="tiers", fix="give each its own level"
			)

	# --- tiers ---------------------------------------------------------------------------------------------

	def tier_for(self, lifetime_spend: Decimal | int | str) -> Tier:
		"""The tier of a member who has spent `lifetime_spend` so far: the highest whose minimum is reached.
		Below the lowest tier's minimum the member earns the base rate, as the lowest tier without multiplier."""
		spend = _decimal(lifetime_spend, "lifetime spend")
		reached = [tier for tier in self.tiers if tier.min_spent <= spend]
		if reached:
			return reached[-1]
		return Tier(
			DEFAULT_TIER if self.tier_named(DEFAULT_TIER) is None else f"{DEFAULT_TIER} (base)", ZERO, ONE
		)

	def tier_named(self, name: str | None) -> Tier | None:
		return next((tier for tier in self.tiers if tier.name == name), None)

	# --- earning -------------------------------------------------------------------------------------------

	def round_points(self, raw: Decimal) -> int:
		"""Whole points of a non-negative raw amount, by the programme's rounding."""
		return int(raw.quantize(ONE, rounding=ROUNDINGS[self.rounding]))

	def eligible(self, line: PointsLine) -> bool:
		return not (line.item_group and line.item_group in self.excluded_item_groups)

	def earn(
		self,
		lines: Iterable[PointsLine],
		tier: Tier | None = None,
		paid_with_points: Decimal | int | str = ZERO,
		return_tier: Tier | None = None,
		clawback_limit: int | None = None,
	) -> Earning:
		"""Points of one transaction.

		Goods sold earn `points_per_unit × tier multiplier` per unit of their net amount (after discount), less
		the part paid with points (as ERPNext: points do not earn points); goods in excluded groups earn
		nothing. Goods taken back claw back what they earned, at `return_tier` (the tier of the original sale)
		when known, at most `clawback_limit` points (what the original sale still holds). Each side is rounded
		on its own, by magnitude, so a full return claws back exactly what the sale earned.
		"""
		tier = tier or self.tier_for(ZERO)
		return_tier = return_tier or tier
		sold = returned = ZERO
		for line in lines:
			if not self.eligible(line):
				continue
			amount = _decimal(line.net_amount, "line net amount")
			if line.direction < 0:
				returned += amount
			else:
				sold += amount
		paid = _decimal(paid_with_points, "amount paid with points")
		sold = max(sold - paid, ZERO)
		earned = self.round_points(sold * self.points_per_unit * tier.multiplier) if sold > 0 else 0
		clawed = (
			self.round_points(returned * self.points_per_unit * return_tier.multiplier) if returned > 0 else 0
		)
		if clawback_limit is not None:
			clawed = min(clawed, max(int(clawback_limit), 0))
		return Earning(tier.name, tier.multiplier, sold, returned, earned, -clawed)

	# --- burning -------------------------------------------------------------------------------------------

	def burn(self, amount: Decimal | int | str, balance: int | None = None, member: str | None = None) -> int:
		"""Points a points tender of `amount` uses; refuses a fractional number of points, fewer than the
		minimum, or more than the member's `balance` (when given) — the message says what would pass."""
		amount = _decimal(amount, "points tender amount")
		if amount <= 0:
			raise PointsRefused(
				f"a points tender of {amount} is not a payment",
				fix="tender a positive amount",
			)
		points = amount / self.point_value
		if points != points.to_integral_value():
			raise PointsRefused(
				f"a points tender of {amount} is {points.normalize()} points, not a whole number",
				fix=f"tender a multiple of {self.point_value} (one point)",
			)
		return self.check_redemption(int(points), balance, member, amount)

	def check_redemption(
		self,
		points: int,
		balance: int | None = None,
		member: str | None = None,
		amount: Decimal | None = None,
	) -> int:
		"""`points` if a redemption of them is allowed: at least the minimum, at most the `balance` (when given)."""
		who = f"member {member}" if member else "the member"
		what = (
			f"a tender of {amount} needs {points}" if amount is not None else f"the redemption needs {points}"
		)
		if points <= 0:
			raise PointsRefused(
				f"a redemption of {points} points uses nothing", fix="redeem at least 1 point"
			)
		if points < self.min_redeem_points:
			raise PointsRefused(
				f"{points} points are fewer than the {self.min_redeem_points} a redemption needs",
				fix=f"redeem at least {self.min_redeem_points} points ({self.value_of(self.min_redeem_points)})",
			)
		if balance is not None and points > balance:
			raise PointsRefused(
				f"{who} holds {balance} points; {what}",
				fix=f"redeem at most {max(balance, 0)} points ({self.value_of(max(balance, 0))})",
			)
		return points

	def value_of(self, points: int) -> Decimal:
		"""What `points` pay as a tender."""
		return (Decimal(points) * self.point_value).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)

	# --- expiry --------------------------------------------------------------------------------------------

	def expiry_date(self, business_day: date) -> date | None:
		"""The last day points earned on `business_day` can be used (None: they never lapse)."""
		if not self.expiry_days:
			return None
		return business_day + timedelta(days=int(self.expiry_days))

	# --- ERPNext -------------------------------------------------------------------------------------------

	def collection_factor(self, tier: Tier) -> Decimal:
		"""ERPNext's collection factor of a tier: currency spent per point."""
		return (ONE / (self.points_per_unit * tier.multiplier)).quantize(
			COLLECTION_FACTOR_PLACES, rounding=ROUND_HALF_UP
		)

	def loyalty_program_values(self) -> dict[str, Any]:
		"""The fields of the ERPNext Loyalty Program that mirrors this programme (without name, company, dates)."""
		return {
			"loyalty_program_type": "Multiple Tier Program" if len(self.tiers) > 1 else "Single Tier Program",
			"conversion_factor": float(self.point_value),
			"expiry_duration": int(self.expiry_days),
			"collection_rules": [
				{
					"tier_name": tier.name,
					"min_spent": float(tier.min_spent),
					"collection_factor": float(self.collection_factor(tier)),
				}
				for tier in self.tiers
			],
		}


def expand_item_groups(groups: Iterable[str], parent_of: Mapping[str, str | None]) -> frozenset[str]:
	"""The groups and every group below them in the item group tree (`parent_of`: group -> parent)."""
	wanted = set(groups)
	expanded = set(wanted)
	for group in parent_of:
		seen: set[str] = set()
		current: str | None = group
		while current and current not in seen:
			if current in wanted:
				expanded.add(group)
				break
			seen.add(current)
			current = parent_of.get(current)
	return frozenset(expanded)


# --- the ledger -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
	"""One row of a member's points ledger, as the arithmetic needs it."""

	name: str
	entry_type: str
	points: int
	business_day: date
	expiry_date: date | None = None
	against_entry: str | None = None
	transaction: str | None = None


@dataclass
class Lot:
	"""Points added by one positive entry, and what is left of them."""

	entry: str
	business_day: date
	expiry_date: date | None
	points: int
	remaining: int
	transaction: str | None = None

	def usable_on(self, day: date) -> bool:
		return self.expiry_date is None or self.expiry_date >= day


@dataclass(frozen=True)
class Allocation:
	"""Part of a negative entry taken from one lot (lot None: the balance went below zero)."""

	entry: str
	lot: str | None
	points: int  # negative
	expiry_date: date | None


@dataclass
class LedgerState:
	lots: dict[str, Lot] = field(default_factory=dict)
	allocations: list[Allocation] = field(default_factory=list)
	deficit: int = 0  # points used beyond what the lots held; repaid by the next positive entries

	def balance(self, as_of: date) -> int:
		"""Points usable on `as_of`: what unexpired lots hold, less any deficit."""
		return sum(lot.remaining for lot in self.lots.values() if lot.usable_on(as_of)) - self.deficit

	def expired(self, as_of: date) -> list[Lot]:
		"""Lots whose last day is before `as_of` and that still hold points (an Expire entry is due)."""
		return sorted(
			(lot for lot in self.lots.values() if lot.remaining > 0 and not lot.usable_on(as_of)),
			key=lambda lot: (lot.expiry_date, lot.business_day, lot.entry),
		)


def allocate(entries: Iterable[LedgerEntry]) -> LedgerState:
	"""Replay a member's entries in order of business day (ties: in the order given) and apply FIFO.

	A positive entry is a lot (first repaying any deficit). An Expire entry empties the lot it names. Any
	other negative entry uses the lots usable on its day, earliest expiry first (never-expiring lots last);
	what they cannot cover becomes a deficit."""
	state = LedgerState()
	ordered = sorted(enumerate(entries), key=lambda pair: (pair[1].business_day, pair[0]))
	for _, entry in ordered:
		if entry.points > 0:
			repaid = min(entry.points, state.deficit)
			state.deficit -= repaid
			state.lots[entry.name] = Lot(
				entry.name,
				entry.business_day,
				entry.expiry_date,
				entry.points,
				entry.points - repaid,
				entry.transaction,
			)
			continue
		needed = -entry.points
		if not needed:
			continue
		if entry.entry_type == "Expire" and entry.against_entry:
			candidates = [state.lots[entry.against_entry]] if entry.against_entry in state.lots else []
		else:
			candidates = sorted(
				(
					lot
					for lot in state.lots.values()
					if lot.remaining > 0 and lot.usable_on(entry.business_day)
				),
				key=lambda lot: (lot.expiry_date is None, lot.expiry_date or date.max, lot.business_day),
			)
		for lot in candidates:
			if not needed:
				break
			taken = min(lot.remaining, needed)
			if taken <= 0:
				continue
			lot.remaining -= taken
			needed -= taken
			state.allocations.append(Allocation(entry.name, lot.entry, -taken, lot.expiry_date))
		if needed:
			state.deficit += needed
			state.allocations.append(Allocation(entry.name, None, -needed, entry.expiry_date))
	return state


def balance(entries: Iterable[LedgerEntry], as_of: date) -> int:
	"""A member's usable points on `as_of`, from the entries up to that day."""
	return allocate(entry for entry in entries if entry.business_day <= as_of).balance(as_of)


def expiries_due(entries: Iterable[LedgerEntry], as_of: date) -> list[tuple[Lot, date]]:
	"""(lot, day it lapsed) for every lot past its last day before `as_of` with points left: each needs an
	Expire entry of `-lot.remaining` on the day after its expiry date."""
	state = allocate(entry for entry in entries if entry.business_day <= as_of)
	return [(lot, lot.expiry_date + timedelta(days=1)) for lot in state.expired(as_of) if lot.expiry_date]
