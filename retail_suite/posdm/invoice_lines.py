"""Invoice lines of a posting (pure): rates to the cent, so that each line carries its own discount."""

from __future__ import annotations

from decimal import Decimal


def rate_pieces(qty: Decimal, unit_price: Decimal, net: Decimal) -> list[tuple[Decimal, Decimal]] | None:
	"""A posting line's net amount as invoice rates to the cent: q units at one rate, or k units one cent
	dearer than the other q − k, so that the rates times quantities give the till's net exactly; each line
	then carries its own discount (list price − rate). None for a fractional quantity (weighed goods)."""
	if qty != qty.to_integral_value() or qty <= 0:
		return None
	units = int(qty)
	cents = int((net * 100).to_integral_value())
	if net == unit_price * qty:
		return [(qty, unit_price)]
	low, dearer = divmod(cents, units)
	pieces = []
	if dearer:
		pieces.append((Decimal(dearer), Decimal(low + 1) / 100))
	if units - dearer:
		pieces.append((Decimal(units - dearer), Decimal(low) / 100))
	return pieces


def with_batches(
	batches: list[tuple[str | None, float]], pieces: list[tuple[Decimal, Decimal]]
) -> list[tuple[str | None, float, Decimal]]:
	"""Batches and rate pieces of one line walked together: (batch, qty, rate) segments."""
	segments = []
	pieces = [[qty, rate] for qty, rate in pieces]
	index = 0
	for batch_no, batch_qty in batches:
		left = Decimal(str(batch_qty))
		while left > 0 and index < len(pieces):
			take = min(left, pieces[index][0])
			segments.append((batch_no, float(take), pieces[index][1]))
			left -= take
			pieces[index][0] -= take
			if pieces[index][0] <= 0:
				index += 1
		if left > 0:  # more batch quantity than pieces (cannot happen): keep the last rate
			segments.append((batch_no, float(left), pieces[-1][1]))
	return segments
