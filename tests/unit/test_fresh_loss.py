"""Fresh loss rate and newsvendor order quantities, checked against figures worked out independently
(Poisson by summing the probabilities, normal by integrating the density)."""

from __future__ import annotations

import math
from decimal import Decimal
from statistics import NormalDist

import pytest

from retail_suite.fresh.loss import Demand, OrderInput, loss_rate, propose_order

D = Decimal


def poisson_pmf(mean: float, k: int) -> float:
	return math.exp(-mean) * mean**k / math.factorial(k)


def poisson_leftover(mean: float, qty: int) -> float:
	return sum((qty - k) * poisson_pmf(mean, k) for k in range(qty))


def normal_leftover(mean: float, sd: float, qty: float) -> float:
	"""E[(q − D)+] by integrating (q − x) f(x) from far left to q."""
	density = NormalDist(mean, sd)
	low, steps = mean - 10 * sd, 20000
	width = (qty - low) / steps
	return sum((qty - (low + (i + 0.5) * width)) * density.pdf(low + (i + 0.5) * width) * width for i in range(steps))


def test_loss_rate_is_shrink_over_sales_and_shrink_at_cost() -> None:
	assert loss_rate(D("3"), D("97")) == D("3.00")
	assert loss_rate(D("12.34"), D("0")) == D("100.00")
	assert loss_rate(D("1"), D("2")) == D("33.33")
	assert loss_rate(D("0"), D("0")) is None


def test_daily_demand_mean_and_sample_spread() -> None:
	demand = Demand.from_days([2, 4, 4, 4, 5, 5, 7, 9])
	assert demand.mean == 5
	assert demand.sd == pytest.approx(math.sqrt(32 / 7))
	assert Demand.from_days([]) == Demand(0.0, 0.0) and Demand.from_days([3]) == Demand(3.0, 0.0)


def test_poisson_newsvendor_for_a_slow_seller() -> None:
	"""1 a day, three days to the next delivery and to expiry: λ = 3; margin 1 against waste 1 → ratio 0.5 →
	the median, 3 units; what the three days leave is waste."""
	line = OrderInput("BREAD", Demand(1.0, 0.0), 3, D("2.00"), D("1.00"), target_percent=D("100"), cover_days=3)
	proposal = propose_order(line)
	assert proposal.distribution == "Poisson" and proposal.expected_demand == 3
	assert proposal.critical_ratio == 0.5
	cumulative = [sum(poisson_pmf(3, k) for k in range(q + 1)) for q in range(6)]
	assert cumulative[2] < 0.5 <= cumulative[3]
	assert proposal.newsvendor_qty == proposal.stock_qty == proposal.order_qty == 3
	assert proposal.expected_waste == pytest.approx(poisson_leftover(3, 3), abs=1e-3)
	assert proposal.expected_loss_percent == pytest.approx(100 * poisson_leftover(3, 3) / 3, abs=0.01)


def test_normal_newsvendor_for_a_fast_seller() -> None:
	"""10 a day (sd 4) for one day: normal; margin 2 against waste 1 → ratio 2/3 → μ + 0.4307σ, rounded up."""
	line = OrderInput("MILK", Demand(10.0, 4.0), 1, D("3.00"), D("1.00"), target_percent=D("100"))
	proposal = propose_order(line)
	assert proposal.distribution == "normal" and proposal.spread == 4
	assert proposal.critical_ratio == pytest.approx(2 / 3, abs=1e-4)
	assert proposal.newsvendor_qty == math.ceil(10 + 4 * NormalDist().inv_cdf(2 / 3)) == 12
	assert proposal.expected_waste == pytest.approx(normal_leftover(10, 4, 12), abs=1e-3)
	# the spread is never less than Poisson's: a steady 20 a day still varies like counts do
	steady = propose_order(OrderInput("EGGS", Demand(20.0, 0.5), 1, D("3.00"), D("1.00"), target_percent=D("100")))
	assert steady.spread == pytest.approx(math.sqrt(20), abs=1e-3)


def test_the_loss_target_cuts_the_quantity_until_expected_loss_is_within_it() -> None:
	line = OrderInput("MILK", Demand(10.0, 4.0), 1, D("3.00"), D("1.00"), target_percent=D("3"))
	proposal = propose_order(line)
	assert proposal.newsvendor_qty == 12 and proposal.stock_qty < 12
	qty = proposal.stock_qty
	assert 100 * normal_leftover(10, 4, qty) / qty <= 3 < 100 * normal_leftover(10, 4, qty + 1) / (qty + 1)
	assert proposal.expected_loss_percent <= 3
	assert "above the 3 % target: cut to" in proposal.explanation


def test_daily_deliveries_cover_a_day_and_waste_what_the_shelf_life_leaves() -> None:
	"""10 a day (sd 4), delivered daily, keeps 3 days: the stock covers a day (ratio 2/3 → 12) and only what
	three days of demand leave of it is waste."""
	proposal = propose_order(OrderInput("MILK", Demand(10.0, 4.0), 3, D("3.00"), D("1.00"), target_percent=D("3")))
	assert (proposal.cover_days, proposal.shelf_life_days, proposal.newsvendor_qty) == (1, 3, 12)
	life_sd = 4 * math.sqrt(3)
	assert proposal.stock_qty == 12
	assert proposal.expected_waste == pytest.approx(normal_leftover(30, life_sd, 12), abs=1e-3)
	assert proposal.expected_loss_percent < 0.2  # 12 units against 30 expected over three days
	once = propose_order(OrderInput("MILK", Demand(10.0, 4.0), 3, D("3.00"), D("1.00"), target_percent=D("100"), cover_days=3))
	assert once.newsvendor_qty == math.ceil(30 + life_sd * NormalDist().inv_cdf(2 / 3)) and once.expected_waste > 1
	assert propose_order(OrderInput("MILK", Demand(10.0, 4.0), 3, D("3"), D("1"), cover_days=10)).cover_days == 3


def test_stock_on_hand_and_the_explanation() -> None:
	line = OrderInput("MILK", Demand(10.0, 4.0), 2, D("3.00"), D("1.00"), on_hand=D("5"), target_percent=D("50"), cover_days=2)
	proposal = propose_order(line)
	assert proposal.order_qty == proposal.stock_qty - 5
	assert proposal.explanation.startswith(
		"sells 10.0 a day (sd 4.0); a delivery covers 2 days until the next and keeps 2: 20.0 expected, normal"
	)
	assert "margin 2.00 against waste 1.00 a unit: critical ratio 0.67" in proposal.explanation
	assert proposal.explanation.endswith(f"5 usable on hand: order {proposal.order_qty}")


def test_markdown_recovery_lowers_the_waste_cost() -> None:
	plain = propose_order(OrderInput("FISH", Demand(30.0, 6.0), 1, D("10.00"), D("6.00"), target_percent=D("100")))
	marked = propose_order(
		OrderInput("FISH", Demand(30.0, 6.0), 1, D("10.00"), D("6.00"), salvage=D("3.00"), target_percent=D("100"))
	)
	assert (plain.waste_cost, marked.waste_cost) == (D("6.00"), D("3.00"))
	assert marked.critical_ratio > plain.critical_ratio and marked.newsvendor_qty > plain.newsvendor_qty


def test_edges() -> None:
	nothing = propose_order(OrderInput("NEW", Demand(0.0, 0.0), 3, D("2"), D("1")))
	assert (nothing.order_qty, nothing.distribution) == (0, "none")
	assert "no sales in the history" in nothing.explanation
	weekly = propose_order(OrderInput("CHEESE", Demand(2.0, 1.0), 30, D("5"), D("3"), target_percent=D("100"), cover_days=7))
	assert (weekly.cover_days, weekly.shelf_life_days, weekly.expected_demand) == (7, 30, 14.0)
	loss_leader = propose_order(OrderInput("BANANA", Demand(5.0, 1.0), 2, D("1.00"), D("1.20")))
	assert loss_leader.critical_ratio == 0 and loss_leader.stock_qty == 0


def test_sold_out_days_are_floors_not_demand() -> None:
	"""Eight days: on the shelf at the close on five (4, 6, 5, 5, 5 sold), sold out on three (3, 7, 0 sold)."""
	units = [4, 3, 6, 5, 7, 5, 0, 5]
	out = [False, True, False, False, True, False, True, False]
	demand = Demand.from_days(units, out)
	# the 3 is below the in-stock mean (5): a floor that says nothing; the 7 is above: counted; the 0 day is left out
	counted = Demand.from_days([4, 6, 5, 5, 5, 7])
	assert demand == Demand(counted.mean, counted.sd, sold_out_days=3)
	assert demand.mean == pytest.approx(32 / 6) and not demand.probed
	# counted as they are, the same days would say 4.375 a day
	assert Demand.from_days(units).mean == 4.375
	# no day marked: as before
	assert Demand.from_days(units, [False] * 8) == Demand.from_days(units)


def test_every_day_sold_out_probes_above_the_floors() -> None:
	"""An item ordered too short sold all of it every day: demand is at least what sold; the plan tries one more."""
	demand = Demand.from_days([3, 3, 4, 2], [True] * 4)
	assert (demand.mean, demand.sold_out_days, demand.probed) == (4.0, 4, True)
	proposal = propose_order(OrderInput("MILK", demand, 5, D("2.00"), D("1.00"), target_percent=D("100")))
	assert "sold out on all 4 days: planned 1 a day above what sold" in proposal.explanation
	assert proposal.newsvendor_qty >= 4
	# never stocked and never sold: nothing to go by, nothing ordered
	assert Demand.from_days([0, 0, 0], [True] * 3) == Demand(0.0, 0.0, 3)
	assert propose_order(OrderInput("MILK", Demand(0.0, 0.0, 3), 5, D("2.00"), D("1.00"))).order_qty == 0
	with pytest.raises(ValueError, match="one sold-out mark a day"):
		Demand.from_days([1, 2], [True])


def test_the_explanation_names_the_sold_out_days() -> None:
	demand = Demand.from_days([5, 5, 2, 5], [False, False, True, False])
	assert (demand.mean, demand.sold_out_days) == (5.0, 1)
	proposal = propose_order(OrderInput("BREAD", demand, 2, D("3.00"), D("1.00"), target_percent=D("100")))
	assert proposal.explanation.startswith("sells 5.0 a day (not counting 1 sold-out days, whose sales are a floor)")
