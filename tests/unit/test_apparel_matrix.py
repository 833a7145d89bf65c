"""The style × size × colour matrix (pure): size order, sell-through, grid ⇄ rows, unknown cells refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from retail_suite.apparel.matrix import (
	Cell,
	StyleGrid,
	Variant,
	check_cells,
	grid_from_rows,
	order_colours,
	order_sizes,
	rows_from_grid,
	sell_through,
)


def tee() -> StyleGrid:
	variants = [Variant(f"TEE-{size}-{colour[:3].upper()}", size, colour) for size in ("XL", "S", "M", "L") for colour in ("Navy", "Black")]
	variants.remove(Variant("TEE-XL-NAV", "XL", "Navy"))  # no navy XL was made
	return StyleGrid.from_variants("TEE", variants)


@pytest.mark.parametrize(
	("sizes", "ordered"),
	[
		(["L", "XS", "M", "XXL", "S", "XL"], ["XS", "S", "M", "L", "XL", "XXL"]),
		(["Large", "Extra Small", "Medium", "Small", "Extra Large"], ["Extra Small", "Small", "Medium", "Large", "Extra Large"]),
		(["34", "30", "32", "28"], ["28", "30", "32", "34"]),
		(["40.5", "38", "9", "One Size", "M"], ["M", "9", "38", "40.5", "One Size"]),
		(["3XL", "2XL", "xl", "M", "M"], ["M", "xl", "2XL", "3XL"]),
	],
)
def test_sizes_in_a_store_managers_order(sizes: list[str], ordered: list[str]) -> None:
	assert order_sizes(sizes) == ordered


def test_colours_alphabetically() -> None:
	assert order_colours(["navy", "Black", "Olive", "", None]) == ["Black", "navy", "Olive"]


@pytest.mark.parametrize(
	("sold", "on_hand", "expected"),
	[(3, 1, 0.75), (0, 4, 0.0), (2, 0, 1.0), (0, 0, None), (-2, 3, 0.0), (2, -1, 1.0), (Decimal("1"), Decimal("3"), 0.25)],
)
def test_sell_through(sold, on_hand, expected) -> None:
	assert sell_through(sold, on_hand) == expected


def test_the_grid_of_a_template() -> None:
	grid = tee()
	assert grid.sizes == ["S", "M", "L", "XL"]
	assert grid.colours == ["Black", "Navy"]
	assert grid.item_code("M", "Navy") == "TEE-M-NAV"
	assert grid.item_code("XL", "Navy") is None
	shown = grid.as_dict()
	assert shown["sizes"] == ["S", "M", "L", "XL"]
	assert [cell["item_code"] for cell in shown["cells"]][:4] == ["TEE-S-BLA", "TEE-M-BLA", "TEE-L-BLA", "TEE-XL-BLA"]


def test_grid_to_rows_and_back() -> None:
	entered = {"Navy": {"L": "2", "S": 1, "M": ""}, "Black": {"XL": 0, "M": "3"}}
	rows = rows_from_grid(entered)
	assert rows == [Cell("M", "Black", Decimal(3)), Cell("S", "Navy", Decimal(1)), Cell("L", "Navy", Decimal(2))]
	counted = rows_from_grid(entered, keep_zero=True)
	assert Cell("XL", "Black", Decimal(0)) in counted and len(counted) == 4
	back = grid_from_rows([{"size": c.size, "colour": c.colour, "qty": c.qty} for c in counted])
	assert back == {"Black": {"M": Decimal(3), "XL": Decimal(0)}, "Navy": {"S": Decimal(1), "L": Decimal(2)}}


def test_good_cells_pass() -> None:
	assert check_cells(tee(), [{"size": "M", "colour": "Navy", "qty": 2}, {"size": "XL", "colour": "Black", "qty": 1}]) == []


def test_a_size_or_colour_the_template_does_not_have_is_refused_with_a_message() -> None:
	rows = [
		{"size": "XXL", "colour": "Navy", "qty": 1},
		{"size": "M", "colour": "Pink", "qty": 1},
		{"size": "XL", "colour": "Navy", "qty": 1},
		{"size": "M", "colour": "Navy", "qty": 1},
		{"size": "M", "colour": "Navy", "qty": 2},
		{"size": "S", "colour": "Black", "qty": -1},
		{"size": "", "colour": "Black", "qty": 1},
		{"size": "L", "colour": "Black", "qty": "lots"},
	]
	assert check_cells(tee(), rows) == [
		"row 1: size XXL is not a size of template TEE (its sizes: S, M, L, XL)",
		"row 2: colour Pink is not a colour of template TEE (its colours: Black, Navy)",
		"row 3: template TEE has no variant in size XL and colour Navy; create the variant first",
		"row 5: size M Navy is entered twice (also row 4)",
		"row 6: quantity -1 for size S is negative; enter 0 or more",
		"row 7: no size; the template TEE has sizes S, M, L, XL",
		"row 8: quantity 'lots' is not a number",
	]
