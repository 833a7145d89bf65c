"""Fresh loss rate and the fresh ordering model (pure).

**Loss rate** = shrink at cost ÷ (sales at cost + shrink at cost): of what the store had to sell, valued at
what it paid, the share that left without a sale. Measured per store, item group and ISO week against a
target (3 % unless a ladder says otherwise).

**Ordering (newsvendor).** A delivery must cover the demand until the next one arrives (`cover_days`,
1 for daily fresh deliveries, never more than the shelf life), and what is not sold within its shelf life
is waste. Each unit short loses the margin (price − cost); each unit thrown away loses its cost less what
a markdown still recovers, plus disposal. The stock to hold after the delivery is where the chance of
selling out over the cover equals the critical ratio margin ÷ (margin + waste cost); its expected waste
is what demand over the shelf life leaves of it (first expiring, first sold). Demand is Poisson for slow
sellers (under 10 units expected) and normal above (with the measured spread, never less than
Poisson's), read from the days the item was still on the shelf at the close: a sold-out day's sales are
a floor of the demand, not the demand (`Demand.from_days`). When the expected loss rate (waste ÷ stock) is above the target, the stock is cut, unit by
unit, until it is not; the order is that stock less what is usable on hand. Each line says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist

ZERO = Decimal("0")
HUNDRED = Decimal("100")
POISSON_BELOW = 10.0  # expected units of a period under which demand is counted as Poisson


def loss_rate(shrink_cost: Decimal, sales_cost: Decimal) -> Decimal | None:
	"""Shrink ÷ (sales + shrink) at cost, in percent to 0.01 (None when nothing was sold or lost)."""
	denominator = sales_cost + shrink_cost
	if denominator <= 0:
		return None
	return (shrink_cost / denominator * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


#: the step above the floors when every informative day sold out: the order probes demand upwards
SOLD_OUT_PROBE = 1.0


@dataclass(frozen=True)
class Demand:
	"""Units sold per day: the mean and standard deviation over the days the store traded.

	A day the item **sold out** (none left at the close) is censored: what it sold is a floor of the demand,
	not the demand — counting it as it is makes every order a little smaller than the last, until the item
	is gone. The mean and spread come from the days it was still on the shelf at the close; a sold-out day
	counts only when it sold more than that mean (still a floor). When every day with sales sold out, the
	floors are all there is: their mean plus `SOLD_OUT_PROBE` a day, so the next order tries a little more.
	A day without stock and without sales tells nothing and is left out."""

	mean: float
	sd: float
	#: days left out or counted as floors because the item sold out
	sold_out_days: int = 0
	#: the demand was set above what sold, every day having sold out
	probed: bool = False

	@classmethod
	def from_days(cls, units_per_day: list[float], sold_out: list[bool] | None = None) -> Demand:
		if sold_out is None or not any(sold_out):
			return cls._plain(units_per_day)
		if len(sold_out) != len(units_per_day):
			raise ValueError("one sold-out mark a day")
		in_stock = [units for units, out in zip(units_per_day, sold_out, strict=True) if not out]
		floors = [units for units, out in zip(units_per_day, sold_out, strict=True) if out and units > 0]
		censored = sum(sold_out)
		if not in_stock:
			if not floors:
				return cls(0.0, 0.0, censored)
			plain = cls._plain(floors)
			return cls(plain.mean + SOLD_OUT_PROBE, plain.sd, censored, probed=True)
		plain = cls._plain(in_stock)
		above = [units for units in floors if units > plain.mean]
		if above:
			plain = cls._plain(in_stock + above)
		return cls(plain.mean, plain.sd, censored)

	@classmethod
	def _plain(cls, units_per_day: list[float]) -> Demand:
		if not units_per_day:
			return cls(0.0, 0.0)
		mean = sum(units_per_day) / len(units_per_day)
		if len(units_per_day) < 2:
			return cls(mean, 0.0)
		variance = sum((units - mean) ** 2 for units in units_per_day) / (len(units_per_day) - 1)
		return cls(mean, math.sqrt(variance))


@dataclass(frozen=True)
class OrderInput:
	item_code: str
	demand: Demand
	shelf_life_days: int
	price: Decimal
	cost: Decimal
	salvage: Decimal = ZERO  # what a markdown recovers on a unit that would be waste
	disposal: Decimal = ZERO  # what throwing a unit away costs on top
	on_hand: Decimal = ZERO  # usable stock when the delivery arrives
	target_percent: Decimal = Decimal("3")
	cover_days: int = 1  # days until the next delivery arrives


@dataclass(frozen=True)
class OrderProposal:
	item_code: str
	cover_days: int
	shelf_life_days: int
	distribution: str  # "Poisson" | "normal" | "none"
	expected_demand: float  # units over the cover days
	spread: float  # standard deviation of demand over the cover days
	margin: Decimal
	waste_cost: Decimal
	critical_ratio: float
	newsvendor_qty: int  # the stock at the critical ratio
	stock_qty: int  # the stock to hold after the delivery (≤ newsvendor_qty: the target may cut it)
	order_qty: int  # stock_qty less usable stock on hand
	expected_sales: float  # of the stock, within its shelf life
	expected_waste: float  # of the stock, not sold within its shelf life
	expected_loss_percent: float
	explanation: str


class _Poisson:
	def __init__(self, mean: float) -> None:
		self.mean = mean
		self._pmf = [math.exp(-mean)]
		self._cdf = [self._pmf[0]]

	def _grow(self, k: int) -> None:
		while len(self._pmf) <= k:
			n = len(self._pmf)
			self._pmf.append(self._pmf[-1] * self.mean / n)
			self._cdf.append(self._cdf[-1] + self._pmf[-1])

	def quantile(self, probability: float) -> int:
		"""The smallest whole q with P(D ≤ q) ≥ probability."""
		k = 0
		while True:
			self._grow(k)
			if self._cdf[k] >= probability - 1e-12 or k > 10 * self.mean + 100:
				return k
			k += 1

	def leftover(self, qty: int) -> float:
		"""E[(qty − D)+]."""
		if qty <= 0:
			return 0.0
		self._grow(qty)
		return sum((qty - k) * self._pmf[k] for k in range(qty))


class _Normal:
	def __init__(self, mean: float, sd: float) -> None:
		self.dist = NormalDist(mean, sd)
		self.mean, self.sd = mean, sd

	def quantile(self, probability: float) -> int:
		return max(0, math.ceil(self.dist.inv_cdf(min(max(probability, 1e-9), 1 - 1e-9)) - 1e-9))

	def leftover(self, qty: int) -> float:
		"""E[(qty − D)+] = (q − μ)Φ(z) + σφ(z)."""
		z = (qty - self.mean) / self.sd
		standard = NormalDist()
		return (qty - self.mean) * standard.cdf(z) + self.sd * standard.pdf(z)


def _money(value: Decimal) -> str:
	return f"{value.quantize(Decimal('0.01'))}"


def _model(mean: float, sd: float) -> _Poisson | _Normal:
	"""Demand of a period: Poisson under 10 units expected, else normal with at least Poisson's spread."""
	return _Poisson(mean) if mean < POISSON_BELOW else _Normal(mean, max(sd, math.sqrt(mean)))


def propose_order(line: OrderInput) -> OrderProposal:
	"""The newsvendor stock and order for one item in one store, cut to the loss target, explained."""
	shelf_life = max(1, line.shelf_life_days or 1)
	cover = max(1, min(line.cover_days or 1, shelf_life))
	margin = max(line.price - line.cost, ZERO)
	waste_cost = max(line.cost - line.salvage + line.disposal, ZERO)
	mean = line.demand.mean * cover
	if mean <= 0:
		return OrderProposal(
			line.item_code, cover, shelf_life, "none", 0.0, 0.0, margin, waste_cost, 0.0, 0, 0, 0, 0.0, 0.0, 0.0,
			"no sales in the history: order nothing until it sells",
		)
	during_cover = _model(mean, line.demand.sd * math.sqrt(cover))
	during_life = during_cover if shelf_life == cover else _model(line.demand.mean * shelf_life, line.demand.sd * math.sqrt(shelf_life))
	distribution = "Poisson" if isinstance(during_cover, _Poisson) else "normal"
	spread = math.sqrt(mean) if isinstance(during_cover, _Poisson) else during_cover.sd
	ratio = float(margin / (margin + waste_cost)) if margin + waste_cost > 0 else 0.0
	newsvendor = during_cover.quantile(ratio) if ratio > 0 else 0
	target = float(line.target_percent)

	def outcome(qty: int) -> tuple[float, float, float]:
		waste = during_life.leftover(qty)
		loss = 100.0 * waste / qty if qty > 0 else 0.0  # waste ÷ (sales + waste), all at the same cost
		return qty - waste, waste, loss

	qty = newsvendor
	sold, waste, loss = outcome(qty)
	while qty > 0 and loss > target:
		qty -= 1
		sold, waste, loss = outcome(qty)
	on_hand = max(line.on_hand, ZERO)
	order = max(0, qty - math.floor(on_hand))
	days = "day" if cover == 1 else "days"
	sold_out = ""
	if line.demand.probed:
		sold_out = f" (sold out on all {line.demand.sold_out_days} days: planned {SOLD_OUT_PROBE:g} a day above what sold)"
	elif line.demand.sold_out_days:
		sold_out = f" (not counting {line.demand.sold_out_days} sold-out days, whose sales are a floor)"
	why = [
		f"sells {line.demand.mean:.1f} a day{sold_out} (sd {line.demand.sd:.1f}); a delivery covers {cover} {days} until the next "
		f"and keeps {shelf_life}: {mean:.1f} expected, {distribution} (spread {spread:.1f})",
		f"margin {_money(margin)} against waste {_money(waste_cost)} a unit: critical ratio {ratio:.2f} → {newsvendor} units",
	]
	if qty < newsvendor:
		_sold_n, waste_n, loss_n = outcome(newsvendor)
		why.append(
			f"expected waste {waste_n:.1f} ({loss_n:.1f} %) is above the {target:g} % target: cut to {qty} "
			f"(waste {waste:.1f}, {loss:.1f} %)"
		)
	else:
		why.append(f"expected waste {waste:.1f} ({loss:.1f} %), within the {target:g} % target")
	if on_hand:
		why.append(f"{on_hand.normalize()} usable on hand: order {order}")
	return OrderProposal(
		item_code=line.item_code,
		cover_days=cover,
		shelf_life_days=shelf_life,
		distribution=distribution,
		expected_demand=round(mean, 3),
		spread=round(spread, 3),
		margin=margin,
		waste_cost=waste_cost,
		critical_ratio=round(ratio, 4),
		newsvendor_qty=newsvendor,
		stock_qty=qty,
		order_qty=order,
		expected_sales=round(sold, 3),
		expected_waste=round(waste, 3),
		expected_loss_percent=round(loss, 2),
		explanation="; ".join(why),
	)
