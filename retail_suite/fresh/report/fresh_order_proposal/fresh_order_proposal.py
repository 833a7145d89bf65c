# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Fresh Order Proposal: per store and fresh item, the newsvendor quantity from recent daily sales, shelf
life, margin and waste cost, cut to the loss target, less usable stock, explained per line
(fresh/loss.py, fresh/loss_report.py)."""

import frappe
from frappe import _
from frappe.utils import cint, getdate, today

from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.fresh.loss_report import order_proposals


@frappe.read_only()
def execute(filters: dict | None = None) -> tuple[list[dict], list[dict]]:
	filters = frappe._dict(filters or {})
	as_of = getdate(filters.as_of or today())
	history = cint(filters.history_days) or 28
	if not 7 <= history <= 365:
		frappe.throw(_("History must be 7 to 365 days, not {0}").format(history))
	lines = order_proposals(
		FrappeDatabase(), as_of, filters.store or None, history, cint(filters.lead_days) or 1, cint(filters.cover_days) or 1
	)
	rows = [line.as_row() for line in lines if line.proposal.order_qty or not filters.only_orders]
	return columns(), rows


def columns() -> list[dict]:
	return [
		{"fieldname": "store", "label": _("Store"), "fieldtype": "Link", "options": "Retail Store", "width": 80},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 110},
		{"fieldname": "item_name", "label": _("Item Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "item_group", "label": _("Item Group"), "fieldtype": "Link", "options": "Item Group", "width": 110},
		{"fieldname": "mean_daily", "label": _("Sells a Day"), "fieldtype": "Float", "precision": 1, "width": 90},
		{"fieldname": "cover_days", "label": _("Days Covered"), "fieldtype": "Int", "width": 90},
		{"fieldname": "shelf_life_days", "label": _("Keeps (Days)"), "fieldtype": "Int", "width": 90},
		{"fieldname": "critical_ratio", "label": _("Critical Ratio"), "fieldtype": "Float", "precision": 2, "width": 100},
		{"fieldname": "newsvendor_qty", "label": _("Best Stock"), "fieldtype": "Int", "width": 90},
		{"fieldname": "stock_qty", "label": _("Stock within Target"), "fieldtype": "Int", "width": 120},
		{"fieldname": "on_hand", "label": _("Usable on Hand"), "fieldtype": "Float", "width": 110},
		{"fieldname": "order_qty", "label": _("Order"), "fieldtype": "Int", "width": 80},
		{"fieldname": "expected_loss_percent", "label": _("Expected Loss %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "explanation", "label": _("Why"), "fieldtype": "Data", "width": 520},
	]
