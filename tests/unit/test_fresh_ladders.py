"""Fresh markdown ladders: where a batch stands at a local moment (time zones, end of day), the steps cut
into promotion days, and bad ladders refused with a message that names the step and the fix."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from retail_suite.errors import ValidationError
from retail_suite.fresh.ladders import (
	Ladder,
	LadderError,
	LadderStep,
	Segment,
	ladder_book,
	ladder_problems,
	markdown_step,
	read_ladder,
	step_segments,
	store_local,
)

D = Decimal
EXPIRY = date(2026, 11, 28)  # a Saturday
#: the issue's ladder: 2 days before 20 %, 1 day before 40 %, expiry day after 18:00 70 %, then withdraw
HEADER = {"name": "Dairy", "item_group": "Dairy", "shelf_life_days": 10, "near_expiry_days": 3, "loss_target_percent": 3}
STEPS = [
	{"days_before_expiry": 2, "from_time": None, "percent_off": 20},
	{"days_before_expiry": 1, "from_time": "", "percent_off": 40},
	{"days_before_expiry": 0, "from_time": "18:00:00", "percent_off": 70},
]
LADDER = read_ladder(HEADER, STEPS)


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
	return datetime(2026, month, day, hour, minute, second)


@pytest.mark.parametrize(
	("moment", "phase", "percent"),
	[
		(at(24, 23, 59, 59), "fresh", 0),
		(at(25, 0, 0), "near_expiry", 0),  # the window opens at midnight, three days before
		(at(25, 23, 59, 59), "near_expiry", 0),
		(at(26, 0, 0), "markdown", 20),  # a step starts at its first second
		(at(26, 23, 59, 59), "markdown", 20),
		(at(27, 0, 0), "markdown", 40),
		(at(28, 17, 59, 59), "markdown", 40),  # 40 % runs on into the expiry day until 18:00
		(at(28, 18, 0), "markdown", 70),
		(at(28, 23, 59, 59), "markdown", 70),  # the last second of the expiry day still sells
		(at(29, 0, 0), "expired", 0),
		(at(30, 12, 0), "expired", 0),
	],
)
def test_where_a_batch_stands(moment: datetime, phase: str, percent: int) -> None:
	state = markdown_step(EXPIRY, moment, LADDER)
	assert (state.phase, state.percent) == (phase, D(percent))


def test_a_step_says_when_it_started_and_ends() -> None:
	state = markdown_step(EXPIRY, at(28, 9, 30), LADDER)
	assert (state.step, state.starts, state.ends) == (1, at(27, 0, 0), at(28, 18, 0))
	last = markdown_step(EXPIRY, at(28, 20, 0), LADDER)
	assert (last.step, last.starts, last.ends) == (2, at(28, 18, 0), at(29, 0, 0))


def test_store_time_zone_decides_the_step() -> None:
	"""10:00 UTC is 18:00 in Shanghai (the 70 % step) but 05:00 in New York (still 40 %)."""
	moment = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
	shanghai = markdown_step(EXPIRY, store_local(moment, "Asia/Shanghai"), LADDER)
	new_york = markdown_step(EXPIRY, store_local(moment, "America/New_York"), LADDER)
	assert (shanghai.percent, new_york.percent) == (D(70), D(40))
	one_second_before = store_local(moment - timedelta(seconds=1), "Asia/Shanghai")
	assert markdown_step(EXPIRY, one_second_before, LADDER).percent == D(40)


def test_end_of_day_in_the_store_not_in_utc() -> None:
	"""At 16:00 UTC on the expiry day it is already the next day in Shanghai (expired) and still the expiry
	evening in Los Angeles (70 %)."""
	moment = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
	assert markdown_step(EXPIRY, store_local(moment, "Asia/Shanghai"), LADDER).phase == "expired"
	assert markdown_step(EXPIRY, store_local(moment, "America/Los_Angeles"), LADDER).percent == D(40)
	evening = datetime(2026, 11, 29, 2, 30, tzinfo=UTC)  # 18:30 on the 28th in Los Angeles
	assert markdown_step(EXPIRY, store_local(evening, "America/Los_Angeles"), LADDER).percent == D(70)
	assert markdown_step(EXPIRY, store_local(evening + timedelta(hours=6), "America/Los_Angeles"), LADDER).phase == "expired"


def test_daylight_saving_change_keeps_the_shelf_clock() -> None:
	"""New York falls back on 1 November 2026: 18:00 on the clock is 23:00 UTC that day (22:00 the day before)."""
	expiry = date(2026, 11, 1)
	before = datetime(2026, 11, 1, 22, 59, 59, tzinfo=UTC)
	after = datetime(2026, 11, 1, 23, 0, 0, tzinfo=UTC)
	assert markdown_step(expiry, store_local(before, "America/New_York"), LADDER).percent == D(40)
	assert markdown_step(expiry, store_local(after, "America/New_York"), LADDER).percent == D(70)
	spring = date(2027, 3, 14)  # the clock jumps from 02:00 to 03:00; the 70 % still starts at 18:00
	start = datetime(2027, 3, 14, 18, 0, tzinfo=ZoneInfo("America/New_York"))
	assert markdown_step(spring, store_local(start, "America/New_York"), LADDER).percent == D(70)


def test_a_naive_moment_is_the_store_clock_and_an_aware_one_is_converted() -> None:
	assert store_local(at(28, 18, 0), "Asia/Shanghai") == at(28, 18, 0)
	assert store_local(datetime(2026, 11, 28, 10, 0, tzinfo=UTC), "Asia/Shanghai") == at(28, 18, 0)
	with pytest.raises(ValueError, match="naive"):
		markdown_step(EXPIRY, datetime(2026, 11, 28, 10, 0, tzinfo=UTC), LADDER)
	with pytest.raises(ValidationError, match="time zone 'Mars/Base' is unknown"):
		store_local(datetime(2026, 11, 28, tzinfo=UTC), "Mars/Base")


def test_a_ladder_without_steps_only_watches_and_withdraws() -> None:
	bare = Ladder("Bread", near_expiry_days=1)
	assert markdown_step(EXPIRY, at(27, 12), bare).phase == "near_expiry"
	assert markdown_step(EXPIRY, at(28, 23), bare).phase == "near_expiry"
	assert markdown_step(EXPIRY, at(29, 0), bare).phase == "expired"


def test_expiry_from_shelf_life_when_the_batch_has_no_date() -> None:
	assert LADDER.expiry_of(None, date(2026, 11, 18)) == EXPIRY
	assert LADDER.expiry_of(date(2026, 12, 1), date(2026, 11, 18)) == date(2026, 12, 1)
	assert Ladder("x").expiry_of(None, date(2026, 11, 18)) is None


def test_steps_cut_into_promotion_days() -> None:
	since, until = at(27, 0), at(29, 0)
	assert step_segments(EXPIRY, LADDER, since, until) == [
		Segment(date(2026, 11, 27), 0, 1440, D(40), 1),
		Segment(date(2026, 11, 28), 0, 1080, D(40), 1),
		Segment(date(2026, 11, 28), 1080, 1440, D(70), 2),
	]
	# a window that starts mid-step keeps the day's piece from the window on
	assert step_segments(EXPIRY, LADDER, at(28, 12, 0), at(29, 0))[0] == Segment(date(2026, 11, 28), 720, 1080, D(40), 1)
	assert step_segments(EXPIRY, LADDER, at(29, 0), at(30, 0)) == []
	first = step_segments(EXPIRY, LADDER, at(20, 0), at(27, 0))
	assert first == [Segment(date(2026, 11, 26), 0, 1440, D(20), 0)]
	assert first[0].starts == at(26, 0) and first[0].ends == at(27, 0)


def test_the_nearest_ladder_up_the_item_group_tree() -> None:
	milk_ladder = Ladder("Milk only", (LadderStep(0, D(50)),), item_code="MILK")
	fresh = Ladder("Fresh", (LadderStep(1, D(30)),), item_group="Fresh")
	book = ladder_book([milk_ladder, fresh], {"Dairy": "Fresh", "Fresh": "All Item Groups", "All Item Groups": None})
	assert book.for_item("MILK", "Dairy") is milk_ladder
	assert book.for_item("CREAM", "Dairy") is fresh
	assert book.for_item("SOAP", "Household") is None
	looped = ladder_book([fresh], {"A": "B", "B": "A"})
	assert looped.for_item("X", "A") is None  # a loop in the tree ends the search
	with pytest.raises(LadderError, match="item group Fresh already follows ladder Fresh"):
		ladder_book([fresh, Ladder("Again", item_group="Fresh")])


# --- bad configuration is refused with a message -----------------------------------------------------


def problems(header: dict | None = None, steps: list | None = None) -> list[str]:
	return ladder_problems({**HEADER, **(header or {})}, STEPS if steps is None else steps)


def test_the_issue_ladder_is_good() -> None:
	assert problems() == []
	assert LADDER.steps == (
		LadderStep(2, D(20)),
		LadderStep(1, D(40)),
		LadderStep(0, D(70), time(18, 0)),
	)


def test_steps_out_of_order_are_refused() -> None:
	swapped = [STEPS[1], STEPS[0], STEPS[2]]
	assert problems(steps=swapped) == [
		"steps out of order: step 2 (2 days before expiry: 20 % off) does not start after step 1 "
		"(1 day before expiry: 40 % off); list the steps from the first to the last"
	]
	same_moment = [STEPS[0], {"days_before_expiry": 2, "from_time": "00:00", "percent_off": 30}]
	assert "step 2" in problems(steps=same_moment)[0] and "out of order" in problems(steps=same_moment)[0]
	evening_first = [{"days_before_expiry": 0, "from_time": "18:00", "percent_off": 50}, {"days_before_expiry": 0, "from_time": "12:00", "percent_off": 70}]
	assert problems(steps=evening_first)[0].startswith(
		"steps out of order: step 2 (on the expiry day from 12:00: 70 % off) does not start after step 1"
	)


def test_percent_must_rise_and_lie_in_range() -> None:
	flat = [STEPS[0], {**STEPS[1], "percent_off": 20}]
	assert problems(steps=flat) == [
		"step 2 takes 20 % off, not more than step 1's 20 %: each step must take more off than the one before"
	]
	assert problems(steps=[{**STEPS[0], "percent_off": 0}]) == ["step 1: percent off must be above 0 and at most 100, not 0"]
	assert problems(steps=[{**STEPS[0], "percent_off": 120}]) == ["step 1: percent off must be above 0 and at most 100, not 120"]


def test_negative_shelf_life_and_windows_are_refused() -> None:
	assert problems({"shelf_life_days": -3}) == ["shelf life cannot be negative (-3 days): enter 0 or more days"]
	assert problems({"near_expiry_days": -1}) == ["the near-expiry window cannot be negative (-1 days): enter 0 or more days"]
	assert problems({"shelf_life_days": 2.5}) == ["shelf life must be a whole number of days"]
	assert problems(steps=[{**STEPS[0], "days_before_expiry": -1}]) == [
		"step 1: days before expiry must be 0 (the expiry day) or more, not -1"
	]


def test_times_must_be_times_of_day() -> None:
	for bad in ("25:00", "18:60", "six pm", "18:00:30"):
		assert problems(steps=[{**STEPS[2], "from_time": bad}]) == [
			f"step 1: from time {bad!r} is not a time of day like 18:00"
		], bad
	assert problems(steps=[{**STEPS[2], "from_time": timedelta(hours=18)}]) == []
	assert problems(steps=[{**STEPS[2], "from_time": time(18, 0)}]) == []


def test_steps_must_fit_the_shelf_life_and_the_window() -> None:
	assert problems({"shelf_life_days": 2}) == [
		"step 1 starts 2 days before expiry, but a batch lasts only 2 days: start later or lengthen the shelf life"
	]
	assert problems({"near_expiry_days": 1}) == [
		"the near-expiry window (1 days) must cover the first step (2 days before expiry)"
	]
	assert problems({"near_expiry_days": 0}) == []  # no window: watched from the first step on


def test_a_ladder_names_what_it_is_for() -> None:
	assert problems({"item_group": None}) == ["pick the item or the item group the ladder is for"]
	assert problems({"item_code": "MILK"}) == ["pick an item or an item group, not both"]
	assert problems({"loss_target_percent": -1}) == ["the loss target must be a percentage from 0 to below 100"]


def test_read_ladder_raises_with_every_problem_and_the_record() -> None:
	with pytest.raises(LadderError) as raised:
		read_ladder({**HEADER, "shelf_life_days": -1}, [STEPS[1], STEPS[0]])
	error = raised.value
	assert len(error.problems) == 2
	assert str(error).startswith("Fresh Markdown Ladder Dairy: shelf life cannot be negative")
	assert isinstance(error, ValidationError)
