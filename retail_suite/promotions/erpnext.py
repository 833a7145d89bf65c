"""Frappe shell of promotions: Pricing Rule compile, the tills' promotion list, overlap checks."""

from __future__ import annotations

from typing import Any

import frappe
from frappe import _
from frappe.utils import nowdate

from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.promotions.active import load_promotions
from retail_suite.promotions.definition import pricing_rule_plan
from retail_suite.promotions.engine import overlapping_exclusive
from retail_suite.setup.roles import require_roles


def exclusive_overlaps(doc: Any) -> list[str]:
	"""Other enabled exclusive promotions that could meet this one on an item, a day and an hour."""
	mine = doc.as_engine_promotion()
	others = [
		promotion
		for promotion in load_promotions(FrappeDatabase(), doc.valid_from or "2000-01-01", doc.valid_upto or "2999-12-31")
		if promotion["name"] != mine["name"] and promotion.get("stacking") == "exclusive"
	]
	named = sorted(
		{code for promotion in [mine, *others] for code in promotion.get("items") or []}
		| {part["item_code"] for promotion in [mine, *others] for part in promotion.get("components") or []}
	)
	groups = dict(frappe.get_all("Item", {"name": ["in", named]}, ["name", "item_group"], as_list=True)) if named else {}
	pairs = overlapping_exclusive([mine, *others], groups)
	return sorted({second if first == mine["name"] else first for first, second in pairs if mine["name"] in (first, second)})


def sync_pricing_rule(doc: Any) -> None:
	"""Create, update or remove the promotion's Pricing Rule, and say on the form what ERPNext honours."""
	plan, reasons = pricing_rule_plan(doc.as_engine_promotion())
	if not doc.enabled:
		plan, reasons = None, [_("the promotion is disabled")]
	if plan is None:
		remove_pricing_rule(doc)
		message = _("Only at the tills: {0}.").format("; ".join(_(reason) for reason in reasons))
		doc.db_set({"pricing_rule": None, "erpnext_mapping": message}, update_modified=False)
		return
	company = doc.company or frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
		"Global Defaults", "default_company"
	)
	rule = frappe.get_doc("Pricing Rule", doc.pricing_rule) if doc.pricing_rule and frappe.db.exists(
		"Pricing Rule", doc.pricing_rule
	) else frappe.new_doc("Pricing Rule")
	rule.update({key: value for key, value in plan.items() if key not in ("items", "item_groups")})
	rule.title = f"{doc.promotion_code}: {doc.title}"[:140]
	rule.company = company
	rule.currency = frappe.get_cached_value("Company", company, "default_currency") if company else None
	rule.disable = 0
	rule.set("items", plan.get("items") or [])
	rule.set("item_groups", plan.get("item_groups") or [])
	rule.flags.ignore_permissions = True
	rule.save()
	doc.db_set(
		{
			"pricing_rule": rule.name,
			"erpnext_mapping": _("Also in quotations, orders and invoices: Pricing Rule {0}.").format(rule.name),
		},
		update_modified=False,
	)


def remove_pricing_rule(doc: Any) -> None:
	if doc.pricing_rule and frappe.db.exists("Pricing Rule", doc.pricing_rule):
		frappe.delete_doc("Pricing Rule", doc.pricing_rule, ignore_permissions=True, force=True)


@frappe.whitelist(methods=["GET"])
def till_promotions(store: str, business_day: str | None = None) -> list[dict[str, Any]]:
	"""The promotions a store's tills apply today, as the promotion engine (and its JS twin) reads them."""
	require_roles("Retail Cashier", "Retail Terminal", "Store Manager", "Retail Manager", "System Manager")
	if not frappe.db.exists("Retail Store", store):
		frappe.throw(_("Store {0} does not exist").format(store), frappe.DoesNotExistError)
	day = business_day or nowdate()
	company = frappe.db.get_value("Retail Store", store, "company")
	return load_promotions(FrappeDatabase(), frappe.utils.add_days(day, -1), day, store=store, company=company)


@frappe.whitelist(methods=["GET", "POST"])
def member_context(member: str, coupons: str | list | None = None) -> dict[str, Any]:
	"""What the till's promotion engine needs to know about a member: tags, which presented coupons are the
	member's own unredeemed campaign coupons, and uses so far of promotions with a limit."""
	require_roles("Retail Cashier", "Retail Terminal", "Store Manager", "Retail Manager", "System Manager")
	from retail_suite.promotions.active import coupon_tokens, member_tags, usage_counts

	if not frappe.db.exists("Customer", member):
		frappe.throw(_("Member {0} does not exist").format(member), frappe.DoesNotExistError)
	presented = frappe.parse_json(coupons) if isinstance(coupons, str) and coupons.startswith("[") else coupons
	presented = [code for code in (presented if isinstance(presented, list) else [presented] if presented else []) if code]
	db = FrappeDatabase()
	tokens = coupon_tokens(db, [(member, code) for code in presented])
	limited = frappe.get_all(
		"Retail Promotion",
		filters={"enabled": 1},
		or_filters={"limit_total": [">", 0], "limit_per_member": [">", 0]},
		pluck="name",
	)
	totals, by_member = usage_counts(db, limited)
	return {
		"member": member,
		"member_tags": sorted(member_tags(db, [member]).get(member, ())),
		"coupons": presented + [token for token, redeemed in tokens.values() if not redeemed],
		"usage": {name: {"total": totals.get(name, 0), "member": by_member.get((name, member), 0)} for name in limited},
	}
