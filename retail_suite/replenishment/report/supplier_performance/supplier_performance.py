# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Supplier Performance: the procurement cycle per supplier from ERPNext's Purchase Orders and Receipts —
on-time rate, fill rate, lead time and its spread, price change (replenishment/suppliers.py, the figures
replenishment plans with) — and each supplier's late open orders under it, oldest first, to chase."""

import frappe
from frappe import _
from frappe.utils import cint, getdate, today

from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.replenishment.suppliers import MIN_DELIVERIES, compute_ratings


@frappe.read_only()
def execute(filters: dict | None = None) -> tuple[list[dict], list[dict], str, dict, list[dict]]:
	filters = frappe._dict(filters or {})
	as_of = getdate(filters.as_of or today())
	window_days = cint(filters.window_days or 365)
	if window_days < 1:
		frappe.throw(_("Orders of the Last (Days) must be at least 1, not {0}").format(window_days))
	ratings = compute_ratings(FrappeDatabase(), as_of, window_days)
	rows: list[dict] = []
	for supplier, rating in ratings.items():
		if filters.supplier and supplier != filters.supplier:
			continue
		if filters.late_only and not rating.late_orders:
			continue
		rows.append(
			{
				"name": supplier,
				"parent_supplier": None,
				"indent": 0,
				"supplier": supplier,
				"orders": rating.orders,
				"lines_due": rating.lines_due,
				"on_time_rate": rating.on_time_rate,
				"fill_rate": rating.fill_rate,
				"deliveries": rating.deliveries,
				"lead_time_mean": rating.lead_time_mean,
				"lead_time_std": rating.lead_time_std,
				"plans_with": _("its deliveries") if rating.deliveries >= MIN_DELIVERIES else _("its stated lead time"),
				"price_change_percent": rating.price_change_percent,
				"late_open_orders": len(rating.late_orders),
			}
		)
		for late in rating.late_orders:
			rows.append(
				{
					"name": late.purchase_order,
					"parent_supplier": supplier,
					"indent": 1,
					"supplier": supplier,
					"purchase_order": late.purchase_order,
					"due": late.due,
					"days_late": late.days_late,
					"open_qty": late.open_qty,
				}
			)
	suppliers = [row for row in rows if row["indent"] == 0]
	late = [row for row in rows if row["indent"] == 1]
	chart = {
		"data": {
			"labels": [row["supplier"] for row in suppliers],
			"datasets": [
				{"name": _("On-Time Rate %"), "values": [row["on_time_rate"] or 0 for row in suppliers]},
				{"name": _("Fill Rate %"), "values": [row["fill_rate"] or 0 for row in suppliers]},
			],
		},
		"type": "bar",
		"colors": ["#2b6cb0", "#2f855a"],
	}
	summary = [
		{"label": _("Suppliers"), "value": len(suppliers), "datatype": "Int"},
		{"label": _("Late Open Orders"), "value": len(late), "datatype": "Int", "indicator": "Red" if late else "Green"},
		{"label": _("Most Days Late"), "value": max((row["days_late"] for row in late), default=0), "datatype": "Int"},
	]
	message = _(
		"Lead time and its spread come from the supplier's deliveries once it has {0}; before that replenishment "
		"plans with the supplier's Delivery Lead Time."
	).format(MIN_DELIVERIES)
	return columns(), rows, message, chart, summary


def columns() -> list[dict]:
	return [
		{"fieldname": "supplier", "label": _("Supplier"), "fieldtype": "Link", "options": "Supplier", "width": 180},
		{"fieldname": "purchase_order", "label": _("Late Purchase Order"), "fieldtype": "Link", "options": "Purchase Order", "width": 170},
		{"fieldname": "due", "label": _("Required By"), "fieldtype": "Date", "width": 100},
		{"fieldname": "days_late", "label": _("Days Late"), "fieldtype": "Int", "width": 90},
		{"fieldname": "open_qty", "label": _("Qty to Come"), "fieldtype": "Float", "width": 100},
		{"fieldname": "orders", "label": _("Purchase Orders"), "fieldtype": "Int", "width": 110},
		{"fieldname": "lines_due", "label": _("Lines Due"), "fieldtype": "Int", "width": 90},
		{"fieldname": "on_time_rate", "label": _("On-Time Rate %"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "fill_rate", "label": _("Fill Rate %"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "deliveries", "label": _("Deliveries"), "fieldtype": "Int", "width": 90},
		{"fieldname": "lead_time_mean", "label": _("Lead Time (Days)"), "fieldtype": "Float", "width": 120},
		{"fieldname": "lead_time_std", "label": _("Lead Time Spread (Days)"), "fieldtype": "Float", "width": 150},
		{"fieldname": "plans_with", "label": _("Replenishment Plans With"), "fieldtype": "Data", "width": 170},
		{"fieldname": "price_change_percent", "label": _("Price Change %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "late_open_orders", "label": _("Late Open Orders"), "fieldtype": "Int", "width": 120},
	]
