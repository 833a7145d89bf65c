# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Style Matrix: one style's stock on hand, units sold and sell-through (sold ÷ (sold + on hand)) per store,
colour and size: sizes across, stores and colours down (figures from `apparel/style_matrix.py`)."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from retail_suite.apparel.style_matrix import StyleMatrix, style_matrix
from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.errors import RetailSuiteError


@frappe.read_only()
def execute(filters: dict | None = None) -> tuple[list[dict], list[dict], str | None, dict | None, list[dict]]:
	filters = frappe._dict(filters or {})
	if not filters.style:
		return columns([]), [], _("Choose a style (an Item template with size and colour variants)."), None, []
	to_date = getdate(filters.to_date or add_days(today(), -1))
	from_date = getdate(filters.from_date or add_days(to_date, -27))
	if from_date > to_date:
		frappe.throw(_("From Date {0} is after To Date {1}").format(from_date, to_date))
	try:
		matrix = style_matrix(FrappeDatabase(), filters.style, from_date, to_date, filters.store or None)
	except RetailSuiteError as error:
		frappe.throw(str(error))
	sizes = matrix.grid.sizes
	return columns(sizes), rows(matrix), None, chart(matrix), summary(matrix)


def _key(index: int) -> str:
	return f"size_{index}"


def columns(sizes: list[str]) -> list[dict]:
	found = [
		{"fieldname": "location", "label": _("Store / Warehouse"), "fieldtype": "Data", "width": 150},
		{"fieldname": "colour", "label": _("Colour"), "fieldtype": "Data", "width": 90},
	]
	for index, size in enumerate(sizes):
		found += [
			{"fieldname": f"{_key(index)}_on_hand", "label": _("{0} On Hand").format(size), "fieldtype": "Float", "precision": 0, "width": 90},
			{"fieldname": f"{_key(index)}_sold", "label": _("{0} Sold").format(size), "fieldtype": "Float", "precision": 0, "width": 80},
			{"fieldname": f"{_key(index)}_st", "label": _("{0} Sell-through %").format(size), "fieldtype": "Percent", "width": 110},
		]
	found += [
		{"fieldname": "on_hand", "label": _("On Hand"), "fieldtype": "Float", "precision": 0, "width": 90},
		{"fieldname": "sold", "label": _("Sold"), "fieldtype": "Float", "precision": 0, "width": 80},
		{"fieldname": "sell_through", "label": _("Sell-through %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "sales_value", "label": _("Sales"), "fieldtype": "Currency", "width": 110},
	]
	return found


def _percent(value: float | None) -> float | None:
	return None if value is None else round(value * 100, 1)


def rows(matrix: StyleMatrix) -> list[dict]:
	sizes, colours = matrix.grid.sizes, matrix.grid.colours or [None]
	found = []
	for location in matrix.locations:
		for colour in [*colours, "total"]:
			match = {"location": location} if colour == "total" else {"location": location, "colour": colour}
			on_hand, sold, through = matrix.totals(**match)
			row = {
				"location": location,
				"colour": _("All colours") if colour == "total" else colour,
				"is_total": colour == "total",
				"on_hand": on_hand,
				"sold": sold,
				"sell_through": _percent(through),
				"sales_value": sum(cell.sales_value for cell in matrix.cells if all(getattr(cell, k) == v for k, v in match.items())),
			}
			for index, size in enumerate(sizes):
				size_on_hand, size_sold, size_through = matrix.totals(**match, size=size)
				row[f"{_key(index)}_on_hand"] = size_on_hand
				row[f"{_key(index)}_sold"] = size_sold
				row[f"{_key(index)}_st"] = _percent(size_through)
			found.append(row)
	return found


def chart(matrix: StyleMatrix) -> dict:
	sizes = matrix.grid.sizes
	return {
		"data": {
			"labels": sizes,
			"datasets": [
				{"name": _("On Hand"), "values": [matrix.totals(size=size)[0] for size in sizes]},
				{"name": _("Sold"), "values": [matrix.totals(size=size)[1] for size in sizes]},
			],
		},
		"type": "bar",
	}


def summary(matrix: StyleMatrix) -> list[dict]:
	on_hand, sold, through = matrix.totals()
	return [
		{"label": _("On Hand"), "value": on_hand, "datatype": "Float"},
		{"label": _("Sold {0} to {1}").format(matrix.from_date, matrix.to_date), "value": sold, "datatype": "Float"},
		{"label": _("Sell-through"), "value": f"{_percent(through) or 0}%", "indicator": "Blue"},
	]
