# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Promotion Performance: per promotion and period, uses, discount given, sales of the promoted items and
incremental sales against the same weekdays before (computed in `promotions/performance.py`)."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.promotions.performance import promotion_performance


@frappe.read_only()
def execute(filters: dict | None = None) -> tuple[list[dict], list[dict], None, dict]:
	filters = frappe._dict(filters or {})
	to_date = getdate(filters.to_date or today())
	from_date = getdate(filters.from_date or add_days(to_date, -27))
	if from_date > to_date:
		frappe.throw(_("From Date {0} is after To Date {1}").format(from_date, to_date))
	rows = [row.as_row() for row in promotion_performance(FrappeDatabase(), from_date, to_date, filters.store or None)]
	titles = dict(frappe.get_all("Retail Promotion", fields=["name", "title"], as_list=True))
	for row in rows:
		row["title"] = titles.get(row["promotion"], "")
	chart = {
		"data": {
			"labels": [row["promotion"] for row in rows],
			"datasets": [{"name": _("Discount"), "values": [float(row["discount"]) for row in rows]}],
		},
		"type": "bar",
	}
	return columns(), rows, None, chart


def columns() -> list[dict]:
	return [
		{"fieldname": "promotion", "label": _("Promotion"), "fieldtype": "Link", "options": "Retail Promotion", "width": 150},
		{"fieldname": "title", "label": _("Title"), "fieldtype": "Data", "width": 220},
		{"fieldname": "active_days", "label": _("Days Running"), "fieldtype": "Int", "width": 90},
		{"fieldname": "uses", "label": _("Uses"), "fieldtype": "Int", "width": 80},
		{"fieldname": "discount", "label": _("Discount Given"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "promoted_sales", "label": _("Sales of Promoted Items"), "fieldtype": "Currency", "width": 150},
		{"fieldname": "baseline_sales", "label": _("Same Weekdays Before"), "fieldtype": "Currency", "width": 150},
		{"fieldname": "incremental_sales", "label": _("Incremental Sales"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "uplift_percent", "label": _("Uplift %"), "fieldtype": "Percent", "width": 90},
	]
