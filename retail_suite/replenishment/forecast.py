"""Demand forecast and order plan (pure): exponential smoothing with day-of-week seasonality, safety stock,
reorder point, order-up-to level and the order quantity, each line explained. numpy in, numpy out.

The forecast of a (store, item) series is a level — units a day on an average weekday — times seven
weekday indices (Monday first, averaging 1), smoothed day by day as sales come in (Holt-Winters without
a trend, multiplicative season):

	error     e = y − level · s[k]                         (k: the day's weekday; only after `warmup` days)
	level     level ← level + a · (y / s[k] − level)       a = max(alpha, 1 / (n + 1))
	season    s[k]  ← s[k] + g · (y / level − s[k])        g = max(gamma, 1 / (n div 7 + 1))
	variance  v     ← v + b · (e² − v)                     b = max(beta, 1 / (errors + 1))

then the indices are scaled back to average 1 (and the level by the inverse, so the forecast does not
move). `n` is the number of days the series has been observed: the smoothing constants start at
1/n, so the first days of a new item set its level and indices as running means — no separate
initialisation, and every series can start on any day.

A day is *observed* unless it is censored: a day the item ended out of stock (sales on it are a
floor of demand, and zero sales on it mean nothing) or the store did not trade. Censored days leave
the state as it was: they are skipped, not counted as zero demand. A weekday whose index is almost
zero (a store closed on Sundays) updates its index but not the level. The indices learn only while
the level is at least MIN_SEASONAL_LEVEL a day: an item selling a unit every few days shows no weekday
pattern, only noise, and keeps the indices it has (1 for a slow seller from the start).

The plan for a series, with a lead time L (mean, standard deviation in days), a review period R and
the days of cover an order should bring (C):

	protection P = L + R
	safety stock   SS = z(service level) · sqrt(P · σ² + d² · σ_L²)   σ: daily error, d: mean daily demand
	reorder point  ROP = D(P) + SS                                    D(h): forecast demand, next h days
	order-up-to    S   = D(P + C) + SS                                C capped at the shelf life
	order          S − position, when position ≤ ROP; rounded up to whole packs, at least the minimum order

where the position is stock on hand + on order (purchase orders) + requested (submitted material
requests) − reserved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: a weekday index below this carries no information on the level (y / s would explode)
MIN_INDEX = 0.05
#: units a day below which the weekday indices do not learn (too sparse to tell weekdays apart)
MIN_SEASONAL_LEVEL = 1.0
#: one-step errors needed before their variance is trusted; before, σ² = level (Poisson)
MIN_ERRORS = 7
#: counted days before an item is planned: a forecast from fewer days is a guess (new listings are ordered by hand)
MIN_HISTORY_DAYS = 7


@dataclass(frozen=True)
class Smoothing:
	"""Smoothing constants: level `alpha`, weekday indices `gamma`, error variance `beta`; errors count
	from the `warmup`-th observed day on."""

	alpha: float = 0.1
	gamma: float = 0.05
	beta: float = 0.05
	warmup: int = 7

	def __post_init__(self) -> None:
		for name in ("alpha", "gamma", "beta"):
			value = getattr(self, name)
			if not 0 < value <= 1:
				raise ValueError(f"smoothing constant {name} = {value} must be above 0 and at most 1")
		if self.warmup < 0:
			raise ValueError(f"warmup {self.warmup} must be 0 or more days")


#: the defaults, shared (both are frozen)
DEFAULT_SMOOTHING = Smoothing()


@dataclass
class SeriesState:
	"""The smoothing state of n series: arrays of equal length (season: n × 7, Monday first)."""

	level: np.ndarray
	season: np.ndarray
	observations: np.ndarray
	error_variance: np.ndarray

	@classmethod
	def empty(cls, count: int) -> SeriesState:
		return cls(
			level=np.zeros(count),
			season=np.ones((count, 7)),
			observations=np.zeros(count, dtype=np.int64),
			error_variance=np.zeros(count),
		)

	def __len__(self) -> int:
		return len(self.level)

	def copy(self) -> SeriesState:
		return SeriesState(
			self.level.copy(), self.season.copy(), self.observations.copy(), self.error_variance.copy()
		)

	def grow(self, count: int) -> SeriesState:
		"""The same series followed by empty ones, `count` in all."""
		extra = SeriesState.empty(count - len(self))
		return SeriesState(
			np.concatenate([self.level, extra.level]),
			np.concatenate([self.season, extra.season]),
			np.concatenate([self.observations, extra.observations]),
			np.concatenate([self.error_variance, extra.error_variance]),
		)

	@property
	def started(self) -> np.ndarray:
		return self.observations > 0


def smooth_day(
	state: SeriesState,
	sales: np.ndarray,
	observed: np.ndarray,
	weekday: int,
	smoothing: Smoothing = DEFAULT_SMOOTHING,
) -> None:
	"""Fold one business day into every series, in place.

	`sales`: the day's net units sold per series (negative days count as 0); `observed`: False where
	the day is censored (out of stock, store not trading) or the series should not move. A series that
	has not started starts on its first observed day with a sale; days before it are not zeros."""
	y = np.maximum(sales, 0.0)
	n = state.observations
	update = observed & ((n > 0) | (y > 0))
	if not update.any():
		return
	index = np.flatnonzero(update)
	y = y[index]
	n = n[index]
	level = state.level[index]
	s = state.season[index, weekday]
	variance = state.error_variance[index]

	errors_before = n - smoothing.warmup
	counts = errors_before >= 0
	error = y - level * s
	b = np.maximum(smoothing.beta, 1.0 / (np.maximum(errors_before, 0) + 1.0))
	variance = np.where(counts, variance + b * (error * error - variance), variance)

	a = np.maximum(smoothing.alpha, 1.0 / (n + 1.0))
	informative = s >= MIN_INDEX
	deseasoned = np.divide(y, s, out=np.zeros_like(y), where=informative)
	level = np.where(informative, level + a * (deseasoned - level), level)

	g = np.maximum(smoothing.gamma, 1.0 / (n // 7 + 1.0))
	scaled = level >= MIN_SEASONAL_LEVEL
	ratio = np.divide(y, level, out=np.zeros_like(y), where=scaled)
	s = np.where(scaled, s + g * (ratio - s), s)

	season = state.season[index]
	season[:, weekday] = s
	total = season.sum(axis=1)
	factor = np.divide(7.0, total, out=np.ones_like(total), where=total > 0)
	season *= factor[:, None]
	level = level / factor

	state.level[index] = level
	state.season[index] = season
	state.error_variance[index] = variance
	state.observations[index] = n + 1


def smooth_series(
	sales: Sequence[float | None], first_day: date, smoothing: Smoothing = DEFAULT_SMOOTHING
) -> SeriesState:
	"""One series from its daily sales from `first_day` on; None marks a censored day."""
	state = SeriesState.empty(1)
	for offset, units in enumerate(sales):
		day = first_day + timedelta(days=offset)
		observed = np.array([units is not None])
		smooth_day(state, np.array([float(units or 0.0)]), observed, day.weekday(), smoothing)
	return state


def daily_sigma(state: SeriesState, smoothing: Smoothing = DEFAULT_SMOOTHING) -> np.ndarray:
	"""Standard deviation of a day's demand: from the one-step errors once there are MIN_ERRORS of them,
	otherwise √level (as if demand were Poisson)."""
	errors = state.observations - smoothing.warmup
	poisson = np.sqrt(np.maximum(state.level, 0.0))
	return np.where(errors >= MIN_ERRORS, np.sqrt(np.maximum(state.error_variance, 0.0)), poisson)


def daily_forecast(state: SeriesState, day: date) -> np.ndarray:
	"""Forecast units for one day."""
	return state.level * state.season[:, day.weekday()]


def demand_over(state: SeriesState, first_day: date, days: np.ndarray | float) -> np.ndarray:
	"""Forecast demand over the next `days` days from `first_day` on (a fraction of a day counts pro rata)."""
	count = len(state)
	days = np.broadcast_to(np.asarray(days, dtype=float), (count,))
	start = first_day.weekday()
	rotated = state.season[:, (start + np.arange(7)) % 7]
	cumulative = np.concatenate([np.zeros((count, 1)), np.cumsum(rotated, axis=1)], axis=1)
	whole = np.floor(np.maximum(days, 0.0)).astype(np.int64)
	fraction = np.maximum(days, 0.0) - whole
	weeks, rest = np.divmod(whole, 7)
	rows = np.arange(count)
	units = weeks * cumulative[:, 7] + cumulative[rows, rest] + fraction * rotated[rows, rest]
	return state.level * units


def z_value(service_level: float) -> float:
	"""The standard normal quantile of a cycle service level (0.95 → 1.645)."""
	if not 0.5 <= service_level < 1:
		raise ValueError(f"service level {service_level} must be from 0.5 to below 1 (e.g. 0.95)")
	return NormalDist().inv_cdf(service_level)


def safety_stock(
	z: float | np.ndarray,
	protection_days: np.ndarray,
	sigma: np.ndarray,
	mean_daily: np.ndarray,
	lead_time_std: np.ndarray,
) -> np.ndarray:
	"""z · sqrt(P · σ² + d² · σ_L²): demand uncertainty over the protection period plus lead-time spread."""
	return z * np.sqrt(protection_days * sigma**2 + mean_daily**2 * lead_time_std**2)


def round_order(raw: np.ndarray, pack: np.ndarray, minimum: np.ndarray, whole: np.ndarray) -> np.ndarray:
	"""An order of `raw` units rounded up to whole packs (pack ≤ 0 means 1, or no rounding for units that
	need not be whole) and raised to the minimum order (itself in whole packs); 0 stays 0."""
	pack = np.where(pack > 0, pack, np.where(whole, 1.0, 0.0))
	minimum = np.maximum(minimum, 0.0)
	packed = np.where(pack > 0, np.ceil(np.round(raw / np.where(pack > 0, pack, 1.0), 9)) * pack, raw)
	least = np.where(pack > 0, np.ceil(np.round(minimum / np.where(pack > 0, pack, 1.0), 9)) * pack, minimum)
	return np.where(raw > 0, np.maximum(packed, least), 0.0)


@dataclass(frozen=True)
class Policy:
	"""How much to protect and how much to order: service level, review period (days between runs, 1 for
	the daily job) and days of demand an order should cover beyond the protection period."""

	service_level: float = 0.95
	review_days: float = 1.0
	cover_days: float = 7.0

	def __post_init__(self) -> None:
		z_value(self.service_level)
		if self.review_days < 0 or self.cover_days < 0:
			raise ValueError("review and cover days must be 0 or more")


DEFAULT_POLICY = Policy()


@dataclass
class OrderPlan:
	"""The plan of n series (arrays)."""

	daily: np.ndarray  # mean daily demand (the level)
	sigma: np.ndarray  # standard deviation of a day's demand
	protection_days: np.ndarray
	demand_protection: np.ndarray  # D(P)
	safety_stock: np.ndarray
	reorder_point: np.ndarray
	order_up_to: np.ndarray
	position: np.ndarray
	raw_qty: np.ndarray
	qty: np.ndarray


def plan_orders(
	state: SeriesState,
	first_day: date,
	position: np.ndarray,
	lead_time: np.ndarray,
	lead_time_std: np.ndarray,
	pack: np.ndarray,
	minimum: np.ndarray,
	whole: np.ndarray,
	shelf_life: np.ndarray,
	policy: Policy = DEFAULT_POLICY,
	smoothing: Smoothing = DEFAULT_SMOOTHING,
) -> OrderPlan:
	"""Safety stock, reorder point, order-up-to level and the rounded order of every series (see the module)."""
	z = z_value(policy.service_level)
	sigma = daily_sigma(state, smoothing)
	daily = np.maximum(state.level, 0.0)
	protection = np.maximum(lead_time, 0.0) + policy.review_days
	cover = np.where(shelf_life > 0, np.minimum(policy.cover_days, shelf_life), policy.cover_days)
	stock_safety = safety_stock(z, protection, sigma, daily, np.maximum(lead_time_std, 0.0))
	demand_protection = demand_over(state, first_day, protection)
	reorder_point = demand_protection + stock_safety
	order_up_to = demand_over(state, first_day, protection + cover) + stock_safety
	raw = np.where((position <= reorder_point) & (daily > 0), order_up_to - position, 0.0)
	raw = np.maximum(raw, 0.0)
	return OrderPlan(
		daily=daily,
		sigma=sigma,
		protection_days=protection,
		demand_protection=demand_protection,
		safety_stock=stock_safety,
		reorder_point=reorder_point,
		order_up_to=order_up_to,
		position=position,
		raw_qty=raw,
		qty=round_order(raw, pack, minimum, whole),
	)


def _units(value: float) -> str:
	return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


def explain(
	*,
	daily: float,
	weekday_forecast: Sequence[float],
	sigma: float,
	stock: float,
	on_order: float,
	requested: float,
	reserved: float,
	lead_time: float,
	lead_time_std: float,
	lead_time_source: str,
	review_days: float,
	cover_days: float,
	service_level: float,
	demand_protection: float,
	safety_stock: float,
	reorder_point: float,
	order_up_to: float,
	raw_qty: float,
	qty: float,
	pack: float,
	minimum: float,
	censored_days: int = 0,
) -> str:
	"""One order line's reasons in a store manager's words (units in the stock UOM)."""
	week = " ".join(f"{day} {units:.1f}" for day, units in zip(WEEKDAYS, weekday_forecast, strict=True))
	parts = [
		f"Forecast {daily:.2f}/day ({week}), σ {sigma:.2f}/day"
		+ (f"; {censored_days} out-of-stock day(s) not counted as demand" if censored_days else ""),
		f"stock {_units(stock)} + on order {_units(on_order)}"
		+ (f" + requested {_units(requested)}" if requested else "")
		+ (f" − reserved {_units(reserved)}" if reserved else "")
		+ f" = position {_units(stock + on_order + requested - reserved)}",
		f"lead time {lead_time:.1f} ± {lead_time_std:.1f} days ({lead_time_source}) + review {review_days:g} day(s): "
		f"demand {demand_protection:.1f}",
		f"safety stock {safety_stock:.1f} for {service_level:.0%} service",
		f"reorder point {reorder_point:.1f}, order up to {order_up_to:.1f} ({cover_days:g} days' cover)",
	]
	rounding = []
	if pack and pack != 1:
		rounding.append(f"packs of {_units(pack)}")
	if minimum and qty <= minimum + 1e-9:
		rounding.append(f"minimum order {_units(minimum)}")
	parts.append(f"order {raw_qty:.1f} → {_units(qty)}" + (f" ({', '.join(rounding)})" if rounding else ""))
	return "; ".join(parts) + "."
