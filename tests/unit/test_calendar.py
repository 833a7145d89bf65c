from datetime import datetime, time, timedelta, timezone

import pytest

from retail_suite.stores.calendar import StoreCalendar, calendar_problems, parse_time


def test_sale_before_cutoff_belongs_to_previous_business_day() -> None:
	calendar = StoreCalendar("Asia/Shanghai", time(4, 0))
	assert str(calendar.business_day(datetime(2026, 3, 2, 1, 30))) == "2026-03-01"
	assert str(calendar.business_day(datetime(2026, 3, 2, 4, 0))) == "2026-03-02"
	assert str(calendar.business_day(datetime(2026, 3, 2, 23, 59))) == "2026-03-02"


def test_aware_moment_is_converted_to_store_time_zone() -> None:
	calendar = StoreCalendar("America/New_York", time(4, 0))
	# 06:00 UTC is 01:00 in New York (EST): still the previous business day there
	assert str(calendar.business_day(datetime(2026, 1, 15, 6, 0, tzinfo=timezone.utc))) == "2026-01-14"
	# 10:00 UTC is 05:00 in New York: the same calendar day
	assert str(calendar.business_day(datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc))) == "2026-01-15"


def test_midnight_cutoff_is_the_calendar_day() -> None:
	calendar = StoreCalendar("UTC", time(0, 0))
	assert str(calendar.business_day(datetime(2026, 5, 1, 0, 0))) == "2026-05-01"


def test_parse_time_accepts_mariadb_timedelta_and_strings() -> None:
	assert parse_time(timedelta(hours=4, minutes=30)) == time(4, 30)
	assert parse_time("22:15") == time(22, 15)
	assert parse_time("07:00:00.000000") == time(7, 0)
	assert parse_time("25:99") is None
	assert parse_time("") is None


@pytest.mark.parametrize(
	("settings", "field"),
	[
		(("Mars/Olympus", "04:00", "07:00", "22:00"), "time_zone"),
		(("UTC", "4 o'clock", None, None), "business_day_cutoff"),
		(("UTC", "12:00", "07:00", "22:00"), "business_day_cutoff"),
		(("UTC", "04:00", "7am", "22:00"), "opening_time"),
	],
)
def test_calendar_problems_name_the_field(settings: tuple, field: str) -> None:
	problems = calendar_problems(*settings)
	assert [fieldname for fieldname, _ in problems] == [field]


def test_good_calendar_has_no_problems() -> None:
	assert calendar_problems("Europe/Berlin", "04:00", "07:00", "22:00") == []
	# a late-night store whose cut-off is after midnight closing
	assert calendar_problems("Asia/Tokyo", "05:00", "10:00", "02:00") == []
