# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Membership Overview: member share of sales, member and non-member baskets, repurchase and retention per
month, and the points liability (figures from `membership/figures.py`)."""

from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.membership.figures import monthly_repurchase, points_liability, sales_split


@frappe.read_only()
def execute(filters: dict | None = None) -> tuple[list[dict], list[dict], str, dict, list[dict]]:
	filters = frappe._dict(filters or {})
	to_date = getdate(filters.to_date or today())
	from_date = getdate(filters.from_date or add_days(to_date, -89))
	if from_date > to_date:
		frappe.throw(_("From Date {0} is after To Date {1}").format(from_date, to_date))
	db = FrappeDatabase()
	store = filters.store or None
	split = sales_split(db, from_date, to_date, store)
	months = monthly_repurchase(db, from_date, to_date, store)
	point_value = Decimal(str(frappe.db.get_value("Retail Points Programme", {"enabled": 1}, "point_value") or "0.01"))
	liability = points_liability(db, to_date, point_value)
	rows = [
		{
			"month": month.month,
			"buying_members": month.buying_members,
			"bought_twice": month.bought_twice,
			"repurchase_rate": month.repurchase_rate_percent,
			"retention": month.retention_percent,
		}
		for month in months
	]
	summary = [
		{"label": _("Member Share of Sales"), "value": f"{split.member_share_percent}%", "indicator": "Blue"},
		{"label": _("Average Member Basket"), "value": split.member_basket, "datatype": "Currency"},
		{"label": _("Average Non-member Basket"), "value": split.other_basket, "datatype": "Currency"},
		{"label": _("Points Outstanding"), "value": liability.points_outstanding, "datatype": "Int"},
		{"label": _("Points Liability"), "value": liability.liability, "datatype": "Currency", "indicator": "Orange"},
	]
	chart = {
		"data": {
			"labels": [row["month"] for row in rows],
			"datasets": [{"name": _("Repurchase Rate %"), "values": [float(row["repurchase_rate"]) for row in rows]}],
		},
		"type": "line",
	}
	return columns(), rows, None, chart, summary


def columns() -> list[dict]:
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 100},
		{"fieldname": "buying_members", "label": _("Members Who Bought"), "fieldtype": "Int", "width": 150},
		{"fieldname": "bought_twice", "label": _("Came Back in the Month"), "fieldtype": "Int", "width": 170},
		{"fieldname": "repurchase_rate", "label": _("Repurchase Rate %"), "fieldtype": "Percent", "width": 150},
		{"fieldname": "retention", "label": _("Kept from Last Month %"), "fieldtype": "Percent", "width": 170},
	]
