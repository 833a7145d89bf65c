# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Fresh Loss Rate: shrink at cost ÷ (sales + shrink) at cost per store, item group and ISO week against the
group's target, with the markdown discount and what marked-down goods still sold for (fresh/loss_report.py)."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.fresh.loss_report import chain_loss, loss_rates
from retail_suite.fresh.shrink_rules import REASONS


@frappe.read_only()
def execute(filters: dict | None = None) -> tuple[list[dict], list[dict], None, dict, list[dict]]:
	filters = frappe._dict(filters or {})
	to_date = getdate(filters.to_date or today())
	from_date = getdate(filters.from_date or add_days(to_date, -27))
	if from_date > to_date:
		frappe.throw(_("From Date {0} is after To Date {1}").format(from_date, to_date))
	found = loss_rates(FrappeDatabase(), from_date, to_date, filters.store or None, fresh_only=not filters.all_groups)
	rows = [row.as_row() for row in found]
	labels = [f"{row['store']} · {row['item_group']} · {row['week']}" for row in rows]
	chart = {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("Loss Rate %"), "chartType": "bar", "values": [float(row["loss_percent"] or 0) for row in rows]},
				{"name": _("Target %"), "chartType": "line", "values": [float(row["target_percent"]) for row in rows]},
			],
		},
		"type": "axis-mixed",
		"colors": ["#c53030", "#2f855a"],
	}
	total = chain_loss(found)
	summary = [
		{"label": _("Sales at Cost"), "value": total["sales_cost"], "datatype": "Currency"},
		{"label": _("Shrink at Cost"), "value": total["shrink_cost"], "datatype": "Currency", "indicator": "Red"},
		{"label": _("Loss Rate %"), "value": total["loss_percent"] or 0, "datatype": "Percent"},
		{"label": _("Markdown Discount"), "value": total["markdown_discount"], "datatype": "Currency"},
		{"label": _("Recovered by Markdowns"), "value": total["markdown_sales"], "datatype": "Currency", "indicator": "Green"},
	]
	return columns(), rows, None, chart, summary


def columns() -> list[dict]:
	return [
		{"fieldname": "store", "label": _("Store"), "fieldtype": "Link", "options": "Retail Store", "width": 90},
		{"fieldname": "item_group", "label": _("Item Group"), "fieldtype": "Link", "options": "Item Group", "width": 130},
		{"fieldname": "week", "label": _("Week"), "fieldtype": "Data", "width": 90},
		{"fieldname": "sales_cost", "label": _("Sales at Cost"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "shrink_cost", "label": _("Shrink at Cost"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "loss_percent", "label": _("Loss Rate %"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "target_percent", "label": _("Target %"), "fieldtype": "Percent", "width": 80},
		{"fieldname": "over_target", "label": _("Over Target"), "fieldtype": "Check", "width": 90},
		{"fieldname": "markdown_discount", "label": _("Markdown Discount"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "markdown_sales", "label": _("Recovered by Markdowns"), "fieldtype": "Currency", "width": 150},
		*[
			{"fieldname": f"shrink_{reason.lower()}", "label": _("Shrink: {0}").format(_(reason)), "fieldtype": "Currency", "width": 120}
			for reason in REASONS
		],
	]
