"""The replenishment forecast and order plan on known series (retail_suite.replenishment.forecast)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from retail_suite.replenishment.forecast import (
	Policy,
	SeriesState,
	Smoothing,
	daily_forecast,
	daily_sigma,
	demand_over,
	explain,
	plan_orders,
	round_order,
	safety_stock,
	smooth_day,
	smooth_series,
	z_value,
)
from retail_suite.replenishment.suppliers import lead_time

MONDAY = date(2026, 1, 5)
WEEK = [10.0, 10.0, 10.0, 10.0, 10.0, 20.0, 30.0]  # Mon … Sun, 100 a week


def weekly(weeks: int, pattern: list[float] = WEEK) -> list[float]:
	return [pattern[day % 7] for day in range(7 * weeks)]


def test_constant_series_is_forecast_exactly() -> None:
	state = smooth_series([5.0] * 60, MONDAY)
	assert state.level[0] == pytest.approx(5.0)
	assert state.season[0] == pytest.approx(np.ones(7))
	assert daily_sigma(state)[0] == pytest.approx(0.0)
	assert demand_over(state, MONDAY, 10.0)[0] == pytest.approx(50.0)


def test_weekly_pattern_is_learnt() -> None:
	state = smooth_series(weekly(26), MONDAY)
	by_weekday = [daily_forecast(state, MONDAY + timedelta(days=k))[0] for k in range(7)]
	assert by_weekday == pytest.approx(WEEK, rel=0.015)
	assert state.season[0].sum() == pytest.approx(7.0)
	assert state.level[0] == pytest.approx(100 / 7, rel=0.01)
	# a week from any weekday is the week's total; three days from Friday are Fri + Sat + Sun
	assert demand_over(state, MONDAY + timedelta(days=3), 7.0)[0] == pytest.approx(100.0, rel=0.01)
	assert demand_over(state, MONDAY + timedelta(days=4), 3.0)[0] == pytest.approx(60.0, rel=0.015)
	# half a day counts half
	assert demand_over(state, MONDAY + timedelta(days=5), 1.5)[0] == pytest.approx(20 + 15, rel=0.015)


def test_weekly_pattern_after_four_weeks_is_close() -> None:
	state = smooth_series(weekly(4), MONDAY)
	by_weekday = [daily_forecast(state, MONDAY + timedelta(days=k))[0] for k in range(7)]
	assert by_weekday == pytest.approx(WEEK, rel=0.06)


@pytest.mark.parametrize(("seed", "mean"), [(7, 4.0), (11, 0.4), (23, 25.0)])
def test_poisson_noise_mean_and_spread(seed: int, mean: float) -> None:
	"""Trend-free Poisson demand: the level is near the mean, σ near √mean, the indices near 1."""
	sales = np.random.default_rng(seed).poisson(mean, 365).astype(float)
	state = smooth_series(list(sales), MONDAY)
	assert state.level[0] == pytest.approx(mean, rel=0.2)
	assert daily_sigma(state)[0] == pytest.approx(np.sqrt(mean), rel=0.2)
	assert demand_over(state, MONDAY, 28.0)[0] == pytest.approx(28 * mean, rel=0.2)


def test_slow_seller_keeps_flat_weekday_indices() -> None:
	"""Below one unit a day the weekday indices do not learn: a sale every few days is noise, not a pattern."""
	sales = np.random.default_rng(11).poisson(0.4, 365).astype(float)
	state = smooth_series(list(sales), MONDAY)
	assert state.season[0] == pytest.approx(np.ones(7))


def test_normal_noise_level_within_its_standard_error() -> None:
	sales = np.maximum(np.random.default_rng(3).normal(20.0, 3.0, 365), 0)
	state = smooth_series(list(sales), MONDAY)
	assert state.level[0] == pytest.approx(20.0, abs=1.5)
	assert daily_sigma(state)[0] == pytest.approx(3.0, rel=0.2)


def test_censored_days_are_skipped_not_zero() -> None:
	censored = smooth_series([5.0] * 30 + [None] * 10 + [5.0] * 10, MONDAY)
	zeros = smooth_series([5.0] * 30 + [0.0] * 10 + [5.0] * 10, MONDAY)
	assert censored.level[0] == pytest.approx(5.0)
	assert censored.observations[0] == 40
	assert zeros.level[0] < 4.5
	assert zeros.observations[0] == 50


def test_series_starts_on_its_first_sale() -> None:
	late = smooth_series([0.0] * 20 + [5.0] * 30, MONDAY)
	assert late.observations[0] == 30
	assert late.level[0] == pytest.approx(5.0)


def test_closed_weekday_does_not_drag_the_level() -> None:
	sundays_closed = [units if day % 7 != 6 else 0.0 for day, units in enumerate(weekly(26))]
	state = smooth_series(sundays_closed, MONDAY)
	sunday = daily_forecast(state, MONDAY + timedelta(days=6))[0]
	saturday = daily_forecast(state, MONDAY + timedelta(days=5))[0]
	assert sunday < 0.5
	assert saturday == pytest.approx(20.0, rel=0.02)
	assert demand_over(state, MONDAY, 7.0)[0] == pytest.approx(70.0, rel=0.02)


def test_many_series_at_once_equal_one_by_one() -> None:
	rng = np.random.default_rng(5)
	days = 120
	sales = rng.poisson([[0.3], [2.0], [12.0]], (3, days)).astype(float)
	censored = rng.random((3, days)) < 0.05
	together = SeriesState.empty(3)
	for offset in range(days):
		day = MONDAY + timedelta(days=offset)
		smooth_day(together, sales[:, offset], ~censored[:, offset], day.weekday())
	for series in range(3):
		alone = smooth_series(
			[None if censored[series, t] else sales[series, t] for t in range(days)], MONDAY
		)
		assert together.level[series] == pytest.approx(alone.level[0])
		assert together.season[series] == pytest.approx(alone.season[0])
		assert together.error_variance[series] == pytest.approx(alone.error_variance[0])


def test_smoothing_constants_are_checked() -> None:
	with pytest.raises(ValueError, match="alpha"):
		Smoothing(alpha=0)
	with pytest.raises(ValueError, match="service level"):
		Policy(service_level=1.0)


def test_safety_stock_formula() -> None:
	assert z_value(0.95) == pytest.approx(1.644854, abs=1e-6)
	assert z_value(0.5) == pytest.approx(0.0)
	# z · sqrt(P σ² + d² σ_L²) = 1.644854 · sqrt(5 · 4 + 16 · 1) = 1.644854 · 6
	stock = safety_stock(z_value(0.95), np.array([5.0]), np.array([2.0]), np.array([4.0]), np.array([1.0]))
	assert stock[0] == pytest.approx(9.869122, abs=1e-6)


def test_round_order_to_packs_and_minimum() -> None:
	raw = np.array([0.0, 0.2, 13.0, 13.0, 2.3, 24.0000000001])
	pack = np.array([12.0, 12.0, 12.0, 1.0, 0.0, 12.0])
	minimum = np.array([0.0, 0.0, 30.0, 20.0, 0.0, 0.0])
	whole = np.array([True, True, True, True, False, True])
	assert list(round_order(raw, pack, minimum, whole)) == [0.0, 12.0, 36.0, 20.0, 2.3, 24.0]


def constant_state(units: float) -> SeriesState:
	state = SeriesState.empty(1)
	state.level[:] = units
	state.observations[:] = 100
	return state


def plan(state: SeriesState, position: float, **overrides):
	values = {
		"lead_time": np.array([4.0]),
		"lead_time_std": np.array([0.0]),
		"pack": np.array([1.0]),
		"minimum": np.array([0.0]),
		"whole": np.array([True]),
		"shelf_life": np.array([0.0]),
		"policy": Policy(service_level=0.95, review_days=1, cover_days=7),
	}
	values.update(overrides)
	return plan_orders(state, MONDAY, np.array([position]), **values)


def test_plan_for_steady_demand() -> None:
	"""10 a day, no error: lead 4 + review 1 → reorder point 50, order up to 50 + 70 = 120."""
	result = plan(constant_state(10.0), 30.0)
	assert result.safety_stock[0] == pytest.approx(0.0)
	assert result.reorder_point[0] == pytest.approx(50.0)
	assert result.order_up_to[0] == pytest.approx(120.0)
	assert result.qty[0] == pytest.approx(90.0)
	assert plan(constant_state(10.0), 30.0, pack=np.array([12.0])).qty[0] == pytest.approx(96.0)
	# above the reorder point nothing is ordered
	assert plan(constant_state(10.0), 51.0).qty[0] == 0.0


def test_plan_safety_stock_from_errors_and_lead_time_spread() -> None:
	state = constant_state(10.0)
	state.error_variance[:] = 4.0  # σ = 2 a day
	result = plan(state, 0.0, lead_time_std=np.array([1.0]))
	expected = z_value(0.95) * np.sqrt(5 * 4.0 + 100 * 1.0)
	assert result.safety_stock[0] == pytest.approx(expected)
	assert result.reorder_point[0] == pytest.approx(50 + expected)
	assert result.qty[0] == pytest.approx(np.ceil(120 + expected))


def test_plan_shelf_life_caps_the_cover() -> None:
	result = plan(constant_state(10.0), 0.0, shelf_life=np.array([3.0]))
	assert result.order_up_to[0] == pytest.approx(80.0)  # 5 days' protection + 3 days' cover


def test_new_item_uses_poisson_spread_and_no_demand_no_order() -> None:
	state = smooth_series([4.0, 4.0, 4.0], MONDAY)
	assert daily_sigma(state)[0] == pytest.approx(2.0)
	assert plan(SeriesState.empty(1), 0.0).qty[0] == 0.0


def test_explanation_names_every_figure() -> None:
	text = explain(
		daily=3.2,
		weekday_forecast=[3.0, 3.0, 3.0, 3.0, 3.0, 4.0, 4.4],
		sigma=1.5,
		stock=4,
		on_order=10,
		requested=0,
		reserved=1,
		lead_time=5.0,
		lead_time_std=1.2,
		lead_time_source="12 deliveries",
		review_days=1,
		cover_days=7,
		service_level=0.95,
		demand_protection=19.4,
		safety_stock=6.3,
		reorder_point=25.7,
		order_up_to=48.1,
		raw_qty=35.1,
		qty=36,
		pack=12,
		minimum=0,
		censored_days=2,
	)
	assert text == (
		"Forecast 3.20/day (Mon 3.0 Tue 3.0 Wed 3.0 Thu 3.0 Fri 3.0 Sat 4.0 Sun 4.4), σ 1.50/day; "
		"2 out-of-stock day(s) not counted as demand; stock 4 + on order 10 − reserved 1 = position 13; "
		"lead time 5.0 ± 1.2 days (12 deliveries) + review 1 day(s): demand 19.4; safety stock 6.3 for 95% "
		"service; reorder point 25.7, order up to 48.1 (7 days' cover); order 35.1 → 36 (packs of 12)."
	)


def test_lead_time_sources() -> None:
	assert lead_time(12, 5.5, 1.25, 3, 9).source == "12 deliveries"
	assert lead_time(12, 5.5, 1.25, 3, 9).spread == 1.25
	assert lead_time(2, 5.5, 1.25, 3, 9) == lead_time(None, None, None, 3, 9)
	assert lead_time(None, None, None, 3, 9).days == 3.0
	assert lead_time(None, None, None, None, 9).source == "item's lead time"
	assert lead_time(None, None, None, 0, 0).days == 7.0
