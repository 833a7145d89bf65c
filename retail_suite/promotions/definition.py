"""Retail Promotion documents as the engine reads them, and what of them ERPNext's Pricing Rule can hold (pure).

A Retail Promotion (header fields + Items, Tiers, Hours, Stores, Batches rows, as dicts from a form or a query)
becomes one engine promotion dict (`engine_promotion`). `pricing_rule_plan` says whether ERPNext's
Pricing Rule can express it — then standard quotations, orders and invoices honour it too — and if
not, why, in words for the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from retail_suite.promotions.engine import promotion_problems

KIND_BY_TYPE = {
	"Percent Off": "percent_off",
	"Amount Off": "amount_off",
	"Fixed Price": "fixed_price",
	"Buy X Get Y": "buy_x_get_y",
	"Mix and Match": "mix_match",
	"Bundle": "bundle",
	"Spend Tiers": "spend_tiers",
}
STACKING_BY_LABEL = {"Stackable": "stackable", "Exclusive": "exclusive", "Best for the Customer": "best"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _text(value: Any) -> str:
	"""A number from a form or a query as an exact decimal string ('12.50', '3')."""
	number = Decimal(str(value or 0))
	text = format(number.normalize(), "f")
	return text


def _clock(value: Any) -> str:
	"""HH:MM of a Time field (Frappe gives '17:00:00', MariaDB a timedelta)."""
	if isinstance(value, timedelta):
		minutes = int(value.total_seconds()) // 60
		return f"{minutes // 60:02d}:{minutes % 60:02d}"
	if isinstance(value, time):
		return f"{value.hour:02d}:{value.minute:02d}"
	parts = str(value).split(":")
	if len(parts) < 2:
		return str(value)
	return f"{int(parts[0]):02d}:{int(parts[1]):02d}"


def _date(value: Any) -> str | None:
	if not value:
		return None
	return value.isoformat() if isinstance(value, date) else str(value)


def _tags(value: Any) -> list[str]:
	return sorted({tag.strip() for tag in str(value or "").replace("\n", ",").split(",") if tag.strip()})


def engine_promotion(
	header: Mapping[str, Any],
	items: Sequence[Mapping[str, Any]] = (),
	tiers: Sequence[Mapping[str, Any]] = (),
	hours: Sequence[Mapping[str, Any]] = (),
	stores: Sequence[Mapping[str, Any]] = (),
	extra_coupons: Sequence[str] = (),
	batches: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
	"""One Retail Promotion as the engine's promotion dict."""
	kind = KIND_BY_TYPE.get(header.get("promotion_type") or "")
	if kind is None:
		raise ValueError(
			f"promotion type {header.get('promotion_type')!r} is not one of {', '.join(KIND_BY_TYPE)}"
		)
	promotion: dict[str, Any] = {
		"name": header["name"],
		"kind": kind,
		"stacking": STACKING_BY_LABEL.get(header.get("stacking") or "Stackable", "stackable"),
		"priority": int(header.get("priority") or 0),
	}
	targets = [row for row in items if not row.get("is_reward")]
	rewards = [row for row in items if row.get("is_reward")]
	if kind == "bundle":
		promotion["components"] = [
			{"item_code": row["item_code"], "qty": int(row.get("qty") or 1)}
			for row in targets
			if row.get("item_code")
		]
	else:
		promotion["items"] = sorted({row["item_code"] for row in targets if row.get("item_code")})
		promotion["item_groups"] = sorted({row["item_group"] for row in targets if row.get("item_group")})
	if kind == "buy_x_get_y":
		promotion["reward_items"] = sorted({row["item_code"] for row in rewards if row.get("item_code")})
		promotion["reward_item_groups"] = sorted(
			{row["item_group"] for row in rewards if row.get("item_group")}
		)
		promotion["buy_qty"] = int(header.get("buy_qty") or 0)
		promotion["get_qty"] = int(header.get("get_qty") or 0)
		promotion["percent"] = _text(header.get("discount_percent") or 100)
	elif kind == "percent_off":
		promotion["percent"] = _text(header.get("discount_percent"))
	elif kind == "amount_off":
		promotion["amount"] = _text(header.get("discount_amount"))
	elif kind in ("fixed_price", "mix_match", "bundle"):
		promotion["price"] = _text(header.get("special_price"))
	if kind == "mix_match":
		promotion["group_qty"] = int(header.get("group_qty") or 0)
	if kind in ("percent_off", "amount_off", "fixed_price") and header.get("min_qty"):
		promotion["min_qty"] = _text(header.get("min_qty"))
	if kind == "spend_tiers":
		promotion["tiers"] = [
			{"threshold": _text(row.get("threshold"))}
			| ({"amount": _text(row.get("discount_amount"))} if row.get("discount_amount") else {})
			| ({"percent": _text(row.get("discount_percent"))} if row.get("discount_percent") else {})
			for row in tiers
		]
		promotion["repeat"] = bool(header.get("repeat_tier"))
	window: dict[str, Any] = {}
	if header.get("valid_from"):
		window["valid_from"] = _date(header["valid_from"])
	if header.get("valid_upto"):
		window["valid_upto"] = _date(header["valid_upto"])
	days = [number for number, day in enumerate(WEEKDAYS, 1) if header.get(day)]
	if days:
		window["days"] = days
	if hours:
		window["hours"] = [
			{"start": _clock(row.get("start_time")), "end": _clock(row.get("end_time"))} for row in hours
		]
	if window:
		promotion["window"] = window
	batch_numbers = sorted({row["batch_no"] for row in batches if row.get("batch_no")})
	if batch_numbers:
		promotion["batches"] = batch_numbers
	store_names = sorted({row["store"] for row in stores if row.get("store")})
	if store_names:
		promotion["stores"] = store_names
	if header.get("members_only"):
		promotion["members_only"] = True
	tags = _tags(header.get("member_tags"))
	if tags:
		promotion["member_tags"] = tags
	codes = sorted({code for code in [header.get("coupon_code"), *extra_coupons] if code})
	if codes:
		promotion["coupon_codes"] = codes
	if header.get("limit_per_member"):
		promotion["limit_per_member"] = int(header["limit_per_member"])
	if header.get("limit_total"):
		promotion["limit_total"] = int(header["limit_total"])
	return promotion


def form_problems(promotion: Mapping[str, Any], items: Sequence[Mapping[str, Any]] = ()) -> list[str]:
	"""The engine's checks plus what only the form can get wrong (an item row naming nothing)."""
	problems = promotion_problems(promotion)
	for number, row in enumerate(items, 1):
		if not row.get("item_code") and not row.get("item_group"):
			problems.append(f"Items row {number}: pick an item or an item group")
		if row.get("item_code") and row.get("item_group"):
			problems.append(f"Items row {number}: pick an item or an item group, not both")
	if promotion["kind"] == "bundle" and any(row.get("item_group") for row in items):
		problems.append("a bundle is made of items, not item groups")
	return problems


def pricing_rule_plan(promotion: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
	"""(Pricing Rule fields, []) when ERPNext can hold the promotion, else (None, reasons it cannot)."""
	reasons = []
	kind = promotion["kind"]
	if kind not in ("percent_off", "amount_off", "fixed_price"):
		reasons.append(
			"Pricing Rule has no "
			+ {
				"buy_x_get_y": "'cheapest of each group free' (its free items are extra lines)",
				"mix_match": "mixed-item group price",
				"bundle": "bundle price",
				"spend_tiers": "basket spend tiers per line",
			}[kind]
		)
	window = promotion.get("window") or {}
	if window.get("hours"):
		reasons.append("Pricing Rule has no hours of the day")
	if window.get("days"):
		reasons.append("Pricing Rule has no weekdays")
	if promotion.get("stores"):
		reasons.append("Pricing Rule cannot be limited to stores")
	if promotion.get("batches"):
		reasons.append("Pricing Rule cannot be limited to batches")
	if promotion.get("members_only") or promotion.get("member_tags"):
		reasons.append("Pricing Rule does not know members or member tags")
	if promotion.get("coupon_codes"):
		reasons.append("coupon codes are checked at the till")
	if promotion.get("limit_per_member") or promotion.get("limit_total"):
		reasons.append("Pricing Rule has no usage limits")
	if promotion.get("stacking") == "best":
		reasons.append("'best for the customer' is decided at the till")
	if reasons:
		return None, reasons
	items, groups = promotion.get("items") or [], promotion.get("item_groups") or []
	if items and groups:
		return None, ["a Pricing Rule applies to items or to item groups, not both"]
	fields: dict[str, Any] = {
		"title": promotion["name"],
		"selling": 1,
		"buying": 0,
		"price_or_product_discount": "Price",
		"valid_from": window.get("valid_from"),
		"valid_upto": window.get("valid_upto"),
		"priority": str(min(max(int(promotion.get("priority") or 0), 1), 20))
		if promotion.get("priority")
		else None,
		"apply_multiple_pricing_rules": 1 if promotion.get("stacking") == "stackable" else 0,
		"min_qty": float(Decimal(promotion.get("min_qty") or 0)),
	}
	if items:
		fields["apply_on"] = "Item Code"
		fields["items"] = [{"item_code": code} for code in items]
	else:
		fields["apply_on"] = "Item Group"
		fields["item_groups"] = [{"item_group": group} for group in groups] or [
			{"item_group": "All Item Groups"}
		]
	if kind == "percent_off":
		fields["rate_or_discount"] = "Discount Percentage"
		fields["discount_percentage"] = float(Decimal(promotion["percent"]))
	elif kind == "amount_off":
		fields["rate_or_discount"] = "Discount Amount"
		fields["discount_amount"] = float(Decimal(promotion["amount"]))
	else:
		fields["rate_or_discount"] = "Rate"
		fields["rate"] = float(Decimal(promotion["price"]))
	return fields, []
