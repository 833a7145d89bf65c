"""Posting lines as invoice rates: quantity × rate must give the till's net amount to the cent."""

from decimal import Decimal

import pytest

from retail_suite.posdm.invoice_lines import rate_pieces, with_batches

D = Decimal


@pytest.mark.parametrize(
	("qty", "price", "net", "pieces"),
	[
		(D(3), D("5.00"), D("15.00"), [(D(3), D("5.00"))]),  # no discount: one rate, the list price
		(D(3), D("5.00"), D("10.00"), [(D(1), D("3.34")), (D(2), D("3.33"))]),  # buy 2 get 1: 10.00 over 3
		(D(2), D("9.99"), D("17.76"), [(D(2), D("8.88"))]),  # member price 8.88
		(D(7), D("1.99"), D("12.53"), [(D(7), D("1.79"))]),
		(D(4), D("2.50"), D("0.03"), [(D(3), D("0.01")), (D(1), D("0.00"))]),
	],
)
def test_rates_multiply_back_to_the_net(qty: Decimal, price: Decimal, net: Decimal, pieces: list) -> None:
	found = rate_pieces(qty, price, net)
	assert found == pieces
	assert sum(q * rate for q, rate in found) == net
	assert all(rate <= price for _, rate in found)


def test_weighed_goods_have_no_exact_rates() -> None:
	assert rate_pieces(D("0.755"), D("12.99"), D("6.87")) is None


def test_batches_and_rates_are_walked_together() -> None:
	segments = with_batches([("B1", 2.0), ("B2", 3.0)], [(D(1), D("3.34")), (D(4), D("3.33"))])
	assert segments == [("B1", 1.0, D("3.34")), ("B1", 1.0, D("3.33")), ("B2", 3.0, D("3.33"))]
	assert sum(D(str(qty)) * rate for _b, qty, rate in segments) == D("16.66")
