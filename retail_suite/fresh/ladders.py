"""Fresh markdown ladders (pure): shelf life, near-expiry window and markdown steps per item or item group.

A ladder says, for a batch with an expiry date E, what it costs at each moment of the store's own
(local, wall-clock) time:

* **Steps.** Each step starts on day E − `days_before` at `from_time` (00:00 when not given) and takes
  `percent` off; it runs until the next step starts, the last one until the end of the expiry day
  (E + 1 at 00:00). Steps are listed from the first to the last: each starts later and takes more off
  than the one before (2 days before 20 %, 1 day before 40 %, expiry day from 18:00 70 %).
* **Near expiry.** From day E − `near_expiry_days` at 00:00 until the first step the batch is watched
  (shown to the store, no markdown).
* **Expired.** From E + 1 at 00:00 the batch may not be sold: it is blocked and withdrawn.

Start moments are inclusive, end moments exclusive, all in the store's time zone, so a daylight-saving
change moves nothing: 18:00 is 18:00 on the clock on the shelf. A batch without an expiry date gets one
from its manufacturing date and the shelf life, when both are known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retail_suite.errors import ValidationError

ZERO = Decimal("0")
HUNDRED = Decimal("100")
#: the loss target of the loss-rate analysis when a ladder names none
DEFAULT_LOSS_TARGET_PERCENT = Decimal("3")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")


class LadderError(ValidationError):
	"""A ladder that cannot be used; `problems` lists each, in words for the person filling the form."""

	def __init__(self, ladder: str, problems: Sequence[str]) -> None:
		self.problems = list(problems)
		super().__init__("; ".join(self.problems), record=f"Fresh Markdown Ladder {ladder}")


@dataclass(frozen=True)
class LadderStep:
	days_before: int  # 0 = the expiry day
	percent: Decimal  # 20 = 20 % off
	from_time: time | None = None  # None: from the start of that day

	def starts(self, expiry: date) -> datetime:
		"""The local moment this step starts for a batch expiring on `expiry`."""
		return datetime.combine(expiry - timedelta(days=self.days_before), self.from_time or time(0, 0))

	def describe(self) -> str:
		day = "on the expiry day" if self.days_before == 0 else f"{self.days_before} day{'s' if self.days_before > 1 else ''} before expiry"
		when = f" from {self.from_time:%H:%M}" if self.from_time else ""
		return f"{day}{when}: {plain_percent(self.percent)} % off"


@dataclass(frozen=True)
class Ladder:
	name: str
	steps: tuple[LadderStep, ...] = ()
	shelf_life_days: int = 0
	near_expiry_days: int = 0
	loss_target_percent: Decimal = DEFAULT_LOSS_TARGET_PERCENT
	item_code: str | None = None
	item_group: str | None = None

	def expiry_of(self, expiry_date: date | None, manufacturing_date: date | None) -> date | None:
		"""The batch's expiry date, or its manufacturing date plus the shelf life when it has none."""
		if expiry_date:
			return expiry_date
		if manufacturing_date and self.shelf_life_days > 0:
			return manufacturing_date + timedelta(days=self.shelf_life_days)
		return None


@dataclass(frozen=True)
class MarkdownState:
	"""Where a batch stands on its ladder at one local moment."""

	phase: str  # "fresh" | "near_expiry" | "markdown" | "expired"
	step: int | None = None  # index of the current step (0 = first) when phase is "markdown"
	percent: Decimal = ZERO
	starts: datetime | None = None  # local start of the current step (inclusive)
	ends: datetime | None = None  # local end of the current step (exclusive)


@dataclass(frozen=True)
class Segment:
	"""One step of one batch on one local day: [start, end) in minutes of the day (end 1440 = midnight)."""

	day: date
	start_minute: int
	end_minute: int
	percent: Decimal
	step: int

	@property
	def starts(self) -> datetime:
		return datetime.combine(self.day, time(0, 0)) + timedelta(minutes=self.start_minute)

	@property
	def ends(self) -> datetime:
		return datetime.combine(self.day, time(0, 0)) + timedelta(minutes=self.end_minute)


# --- reading a ladder ------------------------------------------------------------------------------


def plain_percent(value: Decimal) -> str:
	"""20, 12.5 — a percentage as a store manager writes it."""
	text = format(Decimal(value).normalize(), "f")
	return text


def read_time(value: Any) -> time | None:
	"""A Time field's value (HH:MM[:SS] text, a time, or MariaDB's timedelta) or None when empty.

	Raises ValueError for text that is no time of day; seconds must be 0 (steps start on a minute)."""
	if value in (None, ""):
		return None
	if isinstance(value, time):
		moment = value
	elif isinstance(value, timedelta):
		seconds = int(value.total_seconds())
		if not 0 <= seconds < 86400:
			raise ValueError(str(value))
		moment = time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
	else:
		match = _CLOCK.match(str(value).strip())
		if not match or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
			raise ValueError(str(value))
		moment = time(int(match[1]), int(match[2]), int(match[3] or 0))
	if moment.second or moment.microsecond:
		raise ValueError(str(value))
	return moment


def _number(value: Any) -> Decimal | None:
	try:
		number = Decimal(str(value if value not in (None, "") else 0))
	except InvalidOperation:
		return None
	return number if number.is_finite() else None


def _whole(value: Any) -> int | None:
	number = _number(value)
	if number is None or number != number.to_integral_value():
		return None
	return int(number)


def ladder_problems(header: Mapping[str, Any], steps: Sequence[Mapping[str, Any]]) -> list[str]:
	"""What is wrong with a ladder (header fields and step rows, as a form or a query gives them)."""
	problems = []
	shelf_life = _whole(header.get("shelf_life_days"))
	near = _whole(header.get("near_expiry_days"))
	target = _number(header.get("loss_target_percent"))
	if shelf_life is None:
		problems.append("shelf life must be a whole number of days")
	elif shelf_life < 0:
		problems.append(f"shelf life cannot be negative ({shelf_life} days): enter 0 or more days")
	if near is None:
		problems.append("the near-expiry window must be a whole number of days")
	elif near < 0:
		problems.append(f"the near-expiry window cannot be negative ({near} days): enter 0 or more days")
	if target is None or target < 0 or target >= 100:
		problems.append("the loss target must be a percentage from 0 to below 100")
	item_code, item_group = header.get("item_code"), header.get("item_group")
	if not item_code and not item_group:
		problems.append("pick the item or the item group the ladder is for")
	elif item_code and item_group:
		problems.append("pick an item or an item group, not both")
	read: list[tuple[int, LadderStep]] = []
	for number, row in enumerate(steps, 1):
		where = f"step {number}"
		days = _whole(row.get("days_before_expiry"))
		percent = _number(row.get("percent_off"))
		try:
			from_time = read_time(row.get("from_time"))
		except ValueError:
			problems.append(f"{where}: from time {row.get('from_time')!r} is not a time of day like 18:00")
			continue
		if days is None or days < 0:
			problems.append(f"{where}: days before expiry must be 0 (the expiry day) or more, not {row.get('days_before_expiry')!r}")
			continue
		if percent is None or not ZERO < percent <= HUNDRED:
			problems.append(f"{where}: percent off must be above 0 and at most 100, not {row.get('percent_off')!r}")
			continue
		read.append((number, LadderStep(days, percent, from_time)))
	reference = date(2000, 1, 10)
	for (before_number, before), (number, step) in zip(read, read[1:], strict=False):
		if step.starts(reference) <= before.starts(reference):
			problems.append(
				f"steps out of order: step {number} ({step.describe()}) does not start after step {before_number} "
				f"({before.describe()}); list the steps from the first to the last"
			)
		elif step.percent <= before.percent:
			problems.append(
				f"step {number} takes {plain_percent(step.percent)} % off, not more than step {before_number}'s "
				f"{plain_percent(before.percent)} %: each step must take more off than the one before"
			)
	if read and shelf_life and shelf_life > 0 and read[0][1].days_before >= shelf_life:
		problems.append(
			f"step {read[0][0]} starts {read[0][1].days_before} days before expiry, but a batch lasts only "
			f"{shelf_life} days: start later or lengthen the shelf life"
		)
	if read and near and near > 0 and near < read[0][1].days_before:
		problems.append(
			f"the near-expiry window ({near} days) must cover the first step ({read[0][1].days_before} days before expiry)"
		)
	return problems


def read_ladder(header: Mapping[str, Any], steps: Sequence[Mapping[str, Any]]) -> Ladder:
	"""A ladder from its header and step rows; raises LadderError naming every problem."""
	name = str(header.get("name") or header.get("ladder_name") or "")
	problems = ladder_problems(header, steps)
	if problems:
		raise LadderError(name, problems)
	target = _number(header.get("loss_target_percent"))
	return Ladder(
		name=name,
		steps=tuple(
			LadderStep(int(_whole(row.get("days_before_expiry")) or 0), Decimal(str(row["percent_off"])), read_time(row.get("from_time")))
			for row in steps
		),
		shelf_life_days=int(_whole(header.get("shelf_life_days")) or 0),
		near_expiry_days=int(_whole(header.get("near_expiry_days")) or 0),
		loss_target_percent=DEFAULT_LOSS_TARGET_PERCENT if target in (None, ZERO) else target,
		item_code=header.get("item_code") or None,
		item_group=header.get("item_group") or None,
	)


# --- where a batch stands ---------------------------------------------------------------------------


def store_local(moment: datetime, time_zone: str) -> datetime:
	"""A moment as the store's wall-clock time (naive). An aware moment is converted to the store's time
	zone; a naive one is already the store's wall-clock time."""
	if moment.tzinfo is None:
		return moment
	try:
		zone = ZoneInfo(time_zone or "UTC")
	except (ZoneInfoNotFoundError, ValueError) as error:
		raise ValidationError(f"time zone {time_zone!r} is unknown", fix="use an IANA name such as Asia/Shanghai") from error
	return moment.astimezone(zone).replace(tzinfo=None)


def _bounds(expiry: date, ladder: Ladder) -> list[tuple[datetime, datetime, int, Decimal]]:
	"""(start, end, step index, percent) of every step of a batch, in order."""
	starts = [step.starts(expiry) for step in ladder.steps]
	end_of_life = datetime.combine(expiry + timedelta(days=1), time(0, 0))
	return [
		(start, starts[index + 1] if index + 1 < len(starts) else end_of_life, index, ladder.steps[index].percent)
		for index, start in enumerate(starts)
	]


def markdown_step(expiry_date: date, now_local: datetime, ladder: Ladder) -> MarkdownState:
	"""Where a batch expiring on `expiry_date` stands on `ladder` at the store's local time `now_local`
	(naive wall-clock time; see `store_local`). See the module docstring for the boundaries."""
	if now_local.tzinfo is not None:
		raise ValueError("now_local is the store's wall-clock time: pass a naive datetime (see store_local)")
	if now_local >= datetime.combine(expiry_date + timedelta(days=1), time(0, 0)):
		return MarkdownState("expired")
	for start, end, index, percent in _bounds(expiry_date, ladder):
		if start <= now_local < end:
			return MarkdownState("markdown", index, percent, start, end)
	watch_from = datetime.combine(expiry_date - timedelta(days=ladder.near_expiry_days), time(0, 0))
	if now_local >= watch_from:
		return MarkdownState("near_expiry")
	return MarkdownState("fresh")


def step_segments(expiry_date: date, ladder: Ladder, since: datetime, until: datetime) -> list[Segment]:
	"""The ladder's steps for a batch cut into local days, as much of them as lies in [since, until)
	(local wall-clock times): each piece is one markdown promotion's day and hours."""
	segments = []
	for start, end, index, percent in _bounds(expiry_date, ladder):
		start, end = max(start, since), min(end, until)
		day = start.date()
		while start < end:
			midnight = datetime.combine(day + timedelta(days=1), time(0, 0))
			piece_end = min(end, midnight)
			day_start = datetime.combine(day, time(0, 0))
			segments.append(
				Segment(
					day,
					int((start - day_start).total_seconds() // 60),
					int((piece_end - day_start).total_seconds() // 60),
					percent,
					index,
				)
			)
			start, day = piece_end, day + timedelta(days=1)
	return segments


# --- which ladder an item follows --------------------------------------------------------------------


@dataclass
class LadderBook:
	"""Enabled ladders by item and item group, with the item-group tree to find the nearest one."""

	by_item: dict[str, Ladder] = field(default_factory=dict)
	by_group: dict[str, Ladder] = field(default_factory=dict)
	parent_group: dict[str, str | None] = field(default_factory=dict)

	def for_item(self, item_code: str, item_group: str | None) -> Ladder | None:
		"""The item's own ladder, else the ladder of its item group or the nearest group above it."""
		if item_code in self.by_item:
			return self.by_item[item_code]
		seen: set[str] = set()
		group = item_group
		while group and group not in seen:
			if group in self.by_group:
				return self.by_group[group]
			seen.add(group)
			group = self.parent_group.get(group)
		return None


def ladder_book(ladders: Iterable[Ladder], parent_group: Mapping[str, str | None] | None = None) -> LadderBook:
	"""Index ladders; two ladders for the same item or item group are refused."""
	book = LadderBook(parent_group=dict(parent_group or {}))
	for ladder in ladders:
		if ladder.item_code:
			if ladder.item_code in book.by_item:
				raise LadderError(ladder.name, [f"item {ladder.item_code} already follows ladder {book.by_item[ladder.item_code].name}"])
			book.by_item[ladder.item_code] = ladder
		elif ladder.item_group:
			if ladder.item_group in book.by_group:
				raise LadderError(
					ladder.name, [f"item group {ladder.item_group} already follows ladder {book.by_group[ladder.item_group].name}"]
				)
			book.by_group[ladder.item_group] = ladder
	return book
