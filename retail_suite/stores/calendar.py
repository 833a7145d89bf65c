"""Store calendar rules (pure): time zones, opening hours and the business day.

A business day runs from one cut-off to the next in the store's own time zone:
with a 04:00 cut-off, a sale at 01:30 on 2 March belongs to business day 1 March.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def parse_time(value: str | time | timedelta | None) -> time | None:
	"""Accept `HH:MM[:SS]`, a time, or the timedelta MariaDB returns for TIME columns."""
	if value in (None, ""):
		return None
	if isinstance(value, time):
		return value
	if isinstance(value, timedelta):
		seconds = int(value.total_seconds()) % 86400
		return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
	try:
		return time.fromisoformat(str(value).split(".")[0])
	except ValueError:
		return None


@dataclass(frozen=True)
class StoreCalendar:
	"""The parts of a Retail Store that fix when its business day starts and ends."""

	time_zone: str = "UTC"
	business_day_cutoff: time = time(0, 0)
	opening_time: time | None = None
	closing_time: time | None = None

	def zone(self) -> ZoneInfo:
		return ZoneInfo(self.time_zone)

	def business_day(self, moment: datetime) -> date:
		"""The business day a moment belongs to. A naive moment is taken as store-local time."""
		local = moment.astimezone(self.zone()).replace(tzinfo=None) if moment.tzinfo else moment
		cutoff = timedelta(hours=self.business_day_cutoff.hour, minutes=self.business_day_cutoff.minute)
		return (local - cutoff).date()

	def local_time(self, moment: datetime) -> datetime:
		"""A moment in the store's time zone (naive moments are already local)."""
		return moment.astimezone(self.zone()) if moment.tzinfo else moment.replace(tzinfo=self.zone())


def calendar_problems(
	time_zone: str | None,
	business_day_cutoff: str | time | None,
	opening_time: str | time | None,
	closing_time: str | time | None,
) -> list[tuple[str, str]]:
	"""Check a store's calendar settings; returns (fieldname, message) for each problem."""
	problems: list[tuple[str, str]] = []
	if time_zone:
		try:
			ZoneInfo(time_zone)
		except (ZoneInfoNotFoundError, ValueError):
			problems.append(
				("time_zone", f"Time zone {time_zone!r} is unknown: use an IANA name such as Asia/Shanghai")
			)
	for fieldname, value in (
		("business_day_cutoff", business_day_cutoff),
		("opening_time", opening_time),
		("closing_time", closing_time),
	):
		if value not in (None, "") and parse_time(value) is None:
			problems.append((fieldname, f"{value!r} is not a time of day: use HH:MM"))
	cutoff = parse_time(business_day_cutoff)
	opening = parse_time(opening_time)
	closing = parse_time(closing_time)
	if cutoff and opening and closing and opening < closing and opening < cutoff < closing:
		problems.append(
			(
				"business_day_cutoff",
				f"The business-day cut-off {cutoff:%H:%M} falls inside opening hours "
				f"{opening:%H:%M}–{closing:%H:%M}: one day's trading would be split over two business days",
			)
		)
	return problems
