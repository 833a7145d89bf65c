"""The style × size × colour matrix (pure): size order, the grid a buyer fills in, and its rows.

An apparel style is an ERPNext Item template whose variants carry a Size and a Colour attribute. The
matrix shows sizes across (in the order a store manager says them: XS, S, M, L, XL, and numeric sizes
by number) and colours down. The form's grid and the entry's child rows are two views of the same cells:
`grid_from_rows` and `rows_from_grid` turn one into the other; `check_cells` refuses a size or colour the
template does not have, naming it and the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

#: the Item Attribute names read as size and colour (ERPNext's setup wizard creates "Size" and "Colour")
SIZE_ATTRIBUTE = "Size"
COLOUR_ATTRIBUTE = "Colour"

#: letter sizes from small to large; long names (ERPNext's "Extra Small" …) rank with their short form
LETTER_SIZES = (
	("XXXS", "3XS"),
	("XXS", "2XS", "Extra Extra Small"),
	("XS", "Extra Small"),
	("S", "Small"),
	("M", "Medium"),
	("L", "Large"),
	("XL", "Extra Large"),
	("XXL", "2XL", "Extra Extra Large"),
	("XXXL", "3XL"),
	("4XL", "XXXXL"),
	("5XL", "XXXXXL"),
)
LETTER_RANK = {name.upper(): rank for rank, names in enumerate(LETTER_SIZES) for name in names}
NUMERIC = re.compile(r"^\s*(\d+(?:[.,]\d+)?)")


@lru_cache(maxsize=4096)  # a chain has a few dozen sizes; the broken-size scan sorts by them tens of thousands of times
def size_sort_key(size: str) -> tuple[int, float, str]:
	"""Sort key of a size: letter sizes XS < S < M < L < XL …, then numeric sizes by number (28, 30, 32;
	EU 38, 40), then anything else alphabetically."""
	text = (size or "").strip()
	rank = LETTER_RANK.get(text.upper())
	if rank is not None:
		return (0, float(rank), text)
	number = NUMERIC.match(text)
	if number:
		return (1, float(number.group(1).replace(",", ".")), text)
	return (2, 0.0, text.lower())


def order_sizes(sizes: Iterable[str]) -> list[str]:
	"""Distinct sizes in a store manager's order."""
	return sorted({size for size in sizes if size}, key=size_sort_key)


def order_colours(colours: Iterable[str]) -> list[str]:
	"""Distinct colours alphabetically (case-insensitive)."""
	return sorted({colour for colour in colours if colour}, key=lambda colour: (colour.lower(), colour))


def sell_through(sold: float | Decimal, on_hand: float | Decimal) -> float | None:
	"""Sold ÷ (sold + on hand), between 0 and 1; None when there was nothing to sell. Returns and negative
	stock count as nothing: a cell that took back more than it sold has sold 0."""
	sold_units = max(float(sold or 0), 0.0)
	stock = max(float(on_hand or 0), 0.0)
	if sold_units + stock <= 0:
		return None
	return sold_units / (sold_units + stock)


@dataclass(frozen=True)
class Variant:
	"""One cell of a style: the variant Item with its size and colour."""

	item_code: str
	size: str
	colour: str | None


@dataclass
class StyleGrid:
	"""A template's sizes (ordered), colours and the variant in each cell."""

	style: str
	sizes: list[str] = field(default_factory=list)
	colours: list[str] = field(default_factory=list)
	variants: dict[tuple[str, str | None], str] = field(default_factory=dict)

	@classmethod
	def from_variants(cls, style: str, variants: Iterable[Variant]) -> StyleGrid:
		"""Build the grid from the template's variants (a variant without colour sits in a colour of None)."""
		found = list(variants)
		grid = cls(style)
		grid.sizes = order_sizes(variant.size for variant in found)
		grid.colours = order_colours(variant.colour for variant in found if variant.colour)
		grid.variants = {(variant.size, variant.colour): variant.item_code for variant in found}
		return grid

	def item_code(self, size: str, colour: str | None) -> str | None:
		return self.variants.get((size, colour or None))

	def as_dict(self) -> dict:
		"""What the form's grid needs: sizes across, colours down, the variant of each cell."""
		return {
			"style": self.style,
			"sizes": self.sizes,
			"colours": self.colours or [None],
			"cells": [
				{"size": size, "colour": colour, "item_code": item_code}
				for (size, colour), item_code in sorted(
					self.variants.items(), key=lambda entry: (entry[0][1] or "", size_sort_key(entry[0][0]))
				)
			],
		}


@dataclass(frozen=True)
class Cell:
	size: str
	colour: str | None
	qty: Decimal


def _quantity(value: object) -> Decimal:
	if value in (None, ""):
		return Decimal(0)
	return Decimal(str(value))


def rows_from_grid(grid: Mapping[str, Mapping[str, object]], keep_zero: bool = False) -> list[Cell]:
	"""The grid as entered ({colour: {size: qty}}; blank cells left out) as cells, colours then sizes in
	order; zero cells are dropped unless `keep_zero` (a stock count records a counted zero)."""
	cells = []
	for colour in order_colours(grid) + ([""] if "" in grid else []):
		for size, value in sorted(grid[colour].items(), key=lambda entry: size_sort_key(entry[0])):
			if value in (None, ""):
				continue
			qty = _quantity(value)
			if qty or keep_zero:
				cells.append(Cell(size, colour or None, qty))
	return cells


def grid_from_rows(rows: Iterable[Mapping[str, object]]) -> dict[str, dict[str, Decimal]]:
	"""Child rows ({size, colour, qty}) back into the grid {colour: {size: qty}}; a repeated cell adds up."""
	grid: dict[str, dict[str, Decimal]] = {}
	for row in rows:
		colour = str(row.get("colour") or "")
		size = str(row.get("size") or "")
		line = grid.setdefault(colour, {})
		line[size] = line.get(size, Decimal(0)) + _quantity(row.get("qty"))
	return grid


def check_cells(grid: StyleGrid, rows: Sequence[Mapping[str, object]], allow_negative: bool = False) -> list[str]:
	"""Problems of the rows against the template, one message each, naming the row, the size or colour and
	the fix: a size or colour the template has no variant for, a cell entered twice, a negative quantity."""
	problems = []
	seen: dict[tuple[str, str | None], int] = {}
	sizes = ", ".join(grid.sizes) or "none"
	colours = ", ".join(grid.colours) or "none"
	for number, row in enumerate(rows, 1):
		size = str(row.get("size") or "").strip()
		colour = str(row.get("colour") or "").strip() or None
		where = f"row {number}"
		if not size:
			problems.append(f"{where}: no size; the template {grid.style} has sizes {sizes}")
			continue
		if size not in grid.sizes:
			problems.append(
				f"{where}: size {size} is not a size of template {grid.style} (its sizes: {sizes})"
			)
			continue
		if colour and colour not in grid.colours:
			problems.append(
				f"{where}: colour {colour} is not a colour of template {grid.style} (its colours: {colours})"
			)
			continue
		if grid.item_code(size, colour) is None:
			problems.append(
				f"{where}: template {grid.style} has no variant in size {size}"
				+ (f" and colour {colour}" if colour else "")
				+ "; create the variant first"
			)
			continue
		key = (size, colour)
		if key in seen:
			problems.append(f"{where}: size {size} {colour or ''} is entered twice (also row {seen[key]})".replace("  ", " "))
			continue
		seen[key] = number
		try:
			qty = _quantity(row.get("qty"))
		except ArithmeticError:
			problems.append(f"{where}: quantity {row.get('qty')!r} is not a number")
			continue
		if qty < 0 and not allow_negative:
			problems.append(f"{where}: quantity {qty} for size {size} is negative; enter 0 or more")
	return problems
