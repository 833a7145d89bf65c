"""Member campaigns (store layer): who is targeted, the coupons issued, what was redeemed, the sales after.

`run_campaigns` runs every enabled Retail Campaign as of a date: it picks the members the campaign is for
(with marketing consent; Birthday Care: born in the ISO week of the date; with target tags: carrying one
of them) that it has not reached in the period yet, and records each as a Retail Campaign Member with a
deterministic coupon code. (campaign, member, period) is unique and rows are written with INSERT IGNORE,
so a second run in the same period issues nothing. Then coupons presented at the till (the transaction's
`coupons`) mark the row redeemed, and each member's sales from the day of issue to the end of the
follow-up are summed. The Frappe shell issues the same planned rows as documents so that Frappe's
Notification sends the message; the standalone host sends nothing (status Pending).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, chunked, in_placeholders, insert_rows
from retail_suite.errors import ValidationError
from retail_suite.membership.campaign_rules import (
	CampaignResult,
	birthday_codes,
	coupon_code,
	coupons_presented,
	parse_tags,
	period_key,
	render_message,
)

OWNER = "Administrator"
MEMBER_TABLE = "tabRetail Campaign Member"
MEMBER_COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "campaign", "member", "member_name", "period_key",
	"coupon_code", "promotion", "issued_on", "follow_up_until", "channel", "email", "phone", "message_status",
	"subject", "message", "sales_after",
)  # fmt: skip
#: days after a campaign's follow-up ends during which late-arriving till data still updates its results
GRACE_DAYS = 7
CHUNK = 1000

Progress = Callable[[str, int], Callable[[str, int], None]]


@dataclass(frozen=True)
class Campaign:
	name: str
	campaign_type: str
	period: str
	target_tags: tuple[str, ...] = ()
	promotion: str | None = None
	coupon_prefix: str = "RS"
	follow_up_days: int = 30
	channel: str = "Email"
	subject: str = ""
	message: str = ""
	enabled: bool = True


@dataclass
class CampaignPlan:
	"""The members a run would reach, as Retail Campaign Member rows (not written yet)."""

	campaign: Campaign
	as_of: date
	period_key: str
	rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CampaignRun:
	campaign: str
	period_key: str
	issued: int = 0
	redeemed: int = 0  # coupons found redeemed by this run
	result: CampaignResult | None = None


def load_campaigns(db: Database, name: str | None = None, enabled_only: bool = True) -> list[Campaign]:
	"""Campaigns by name (one) or every enabled one."""
	condition, params = (
		("WHERE campaign.name = %s", (name,))
		if name
		else ("WHERE campaign.enabled = 1" if enabled_only else "", None)
	)
	rows = db.sql(
		"SELECT campaign.name, campaign.campaign_type, campaign.enabled, campaign.period, campaign.target_tags, "
		"campaign.promotion, campaign.coupon_prefix, campaign.follow_up_days, campaign.channel, campaign.subject, "
		f"campaign.message FROM `tabRetail Campaign` campaign {condition} ORDER BY campaign.name",
		params,
	)
	if name and not rows:
		raise ValidationError(
			f"no Retail Campaign {name}",
			fix="check the name (`retail-suite campaign run` without --campaign runs all)",
		)
	return [
		Campaign(
			name=row["name"],
			campaign_type=row["campaign_type"] or "Custom",
			period=row["period"] or "Year",
			target_tags=tuple(parse_tags(row["target_tags"])),
			promotion=row["promotion"] or None,
			coupon_prefix=(row["coupon_prefix"] or "RS").strip().upper(),
			follow_up_days=int(row["follow_up_days"] if row["follow_up_days"] is not None else 30),
			channel=row["channel"] or "None",
			subject=row["subject"] or "",
			message=row["message"] or "",
			enabled=bool(row["enabled"]),
		)
		for row in rows
	]


# --- who is targeted --------------------------------------------------------------------------------------


def eligible_members(db: Database, campaign: Campaign, as_of: date, key: str) -> list[dict[str, Any]]:
	"""Members the campaign may reach on `as_of` and has not reached in period `key`: members (card or member
	phone) who agree to marketing messages and are not disabled; born in the week (Birthday Care); carrying
	one of the target tags (when any). Member tags are read from the tagging's `tabRetail Member Tag`, in
	this one statement."""
	birthdays = birthday_codes(as_of) if campaign.campaign_type == "Birthday Care" else [0]
	tags = list(campaign.target_tags) or [""]
	return db.sql(
		"SELECT customer.name, customer.customer_name, customer.email_id, customer.retail_phone, customer.mobile_no "
		"FROM `tabCustomer` customer WHERE customer.retail_marketing_consent = 1 AND customer.disabled = 0 "
		"AND (COALESCE(customer.retail_card_number, '') <> '' OR COALESCE(customer.retail_phone, '') <> '') "
		"AND customer.name NOT IN (SELECT reached.member FROM `tabRetail Campaign Member` reached "
		"WHERE reached.campaign = %s AND reached.period_key = %s) "
		"AND (%s = 0 OR (MONTH(customer.retail_birthday) * 100 + DAYOFMONTH(customer.retail_birthday)) IN "
		+ in_placeholders(birthdays)
		+ ") AND (%s = 0 OR customer.name IN (SELECT tag.member FROM `tabRetail Member Tag` tag WHERE tag.tag IN "
		+ in_placeholders(tags)
		+ ")) ORDER BY customer.name",
		[
			campaign.name,
			key,
			int(campaign.campaign_type == "Birthday Care"),
			*birthdays,
			int(bool(campaign.target_tags)),
			*tags,
		],
	)


def plan_campaign(db: Database, campaign: Campaign, as_of: date) -> CampaignPlan:
	"""The rows a run of `campaign` on `as_of` would write (members already reached in the period left out)."""
	key = period_key(campaign.period, as_of)
	plan = CampaignPlan(campaign, as_of, key)
	for member in eligible_members(db, campaign, as_of, key):
		plan.rows.append(member_row(campaign, member, as_of, key))
	return plan


def member_row(
	campaign: Campaign, member: dict[str, Any], as_of: date, key: str, salt: int = 0
) -> dict[str, Any]:
	code = coupon_code(campaign.coupon_prefix, campaign.name, member["name"], key, salt)
	name = member.get("customer_name") or member["name"]
	email = (member.get("email_id") or "").strip() or None
	phone = (member.get("retail_phone") or member.get("mobile_no") or "").strip() or None
	if campaign.channel == "None" or not campaign.message.strip():
		status = "No message"
	elif (campaign.channel == "Email" and not email) or (campaign.channel == "SMS" and not (phone or email)):
		status = "No contact"
	else:
		status = "Pending"
	return {
		"name": "RCM-"
		+ hashlib.sha1(f"{campaign.name}|{member['name']}|{key}".encode()).hexdigest()[:16].upper(),
		"campaign": campaign.name,
		"member": member["name"],
		"member_name": name,
		"period_key": key,
		"coupon_code": code,
		"promotion": campaign.promotion,
		"issued_on": as_of,
		"follow_up_until": as_of + timedelta(days=max(int(campaign.follow_up_days), 0)),
		"channel": campaign.channel,
		"email": email,
		"phone": phone,
		"message_status": status,
		"subject": render_message(campaign.subject, member_name=name, coupon_code=code) or None,
		"message": render_message(campaign.message, member_name=name, coupon_code=code) or None,
	}


def issue(db: Database, plan: CampaignPlan) -> int:
	"""Write the planned rows (INSERT IGNORE on (campaign, member, period)); returns the members newly reached.
	A coupon code that clashes with another one (a hash collision) is drawn again."""
	rows = plan.rows
	written = 0
	for salt in range(4):
		if not rows:
			break
		with db.transaction():
			written += insert_member_rows(db, rows)
			reached = _reached(db, plan.campaign.name, plan.period_key, [row["member"] for row in rows])
		rows = [
			member_row(plan.campaign, _member_of(row), plan.as_of, plan.period_key, salt + 1)
			for row in rows
			if row["member"] not in reached
		]
	if rows:
		raise RuntimeError(f"campaign {plan.campaign.name}: no free coupon code for {len(rows)} members")
	return written


def _member_of(row: dict[str, Any]) -> dict[str, Any]:
	return {
		"name": row["member"],
		"customer_name": row["member_name"],
		"email_id": row["email"],
		"retail_phone": row["phone"],
	}


def _reached(db: Database, campaign: str, key: str, members: list[str]) -> set[str]:
	found: set[str] = set()
	for part in chunked(members, CHUNK):
		found |= {
			row["member"]
			for row in db.sql(
				"SELECT reached.member FROM `tabRetail Campaign Member` reached WHERE reached.campaign = %s "
				"AND reached.period_key = %s AND reached.member IN " + in_placeholders(part),
				[campaign, key, *part],
			)
		}
	return found


def insert_member_rows(db: Database, rows: list[dict[str, Any]]) -> int:
	now = datetime.now()
	return insert_rows(
		db,
		MEMBER_TABLE,
		MEMBER_COLUMNS,
		(
			(
				row["name"],
				now,
				now,
				OWNER,
				OWNER,
				*(row[column] for column in MEMBER_COLUMNS[5:-1]),
				Decimal(0),
			)
			for row in rows
		),
		ignore_duplicates=True,
	)


# --- outcome ----------------------------------------------------------------------------------------------


def track_redemptions(db: Database, as_of: date, campaign: str | None = None) -> int:
	"""Mark coupons presented at the till as redeemed (the first audited or posted sale or exchange from the day
	of issue that carries the code). Coupons are watched until their follow-up ended plus a grace week.
	Returns the coupons newly found redeemed."""
	condition, params = ("AND cm.campaign = %s", [campaign]) if campaign else ("", [])
	open_rows = db.sql(
		"SELECT cm.name, cm.coupon_code, cm.issued_on FROM `tabRetail Campaign Member` cm "
		"WHERE cm.redeemed_transaction IS NULL AND cm.issued_on <= %s AND cm.follow_up_until >= %s "
		+ condition,
		[as_of, as_of - timedelta(days=GRACE_DAYS), *params],
	)
	if not open_rows:
		return 0
	waiting = {row["coupon_code"].upper(): row for row in open_rows if row["coupon_code"]}
	found: dict[str, tuple[str, date]] = {}
	for txn in db.sql(
		"SELECT txn.name, txn.business_day, txn.coupons FROM `tabPOS Transaction` txn "
		"WHERE txn.coupons IS NOT NULL AND txn.coupons <> '' AND txn.business_day >= %s AND txn.business_day <= %s "
		"AND txn.status IN ('Audited', 'Posted') AND txn.transaction_type IN ('Sale', 'Exchange') "
		"ORDER BY txn.business_day, txn.ended_at, txn.name",
		(min(row["issued_on"] for row in open_rows), as_of),
	):
		for code in coupons_presented(txn["coupons"]):
			row = waiting.get(code)
			if row and row["name"] not in found and txn["business_day"] >= row["issued_on"]:
				found[row["name"]] = (txn["name"], txn["business_day"])
	if found:
		with db.transaction():
			for name, (transaction, day) in found.items():
				db.execute(
					"UPDATE `tabRetail Campaign Member` SET redeemed_transaction = %s, redeemed_on = %s, modified = %s "
					"WHERE name = %s AND redeemed_transaction IS NULL",
					(transaction, day, datetime.now(), name),
				)
	return len(found)


def update_sales_after(db: Database, as_of: date, campaign: str | None = None) -> int:
	"""Each targeted member's sales (grand totals of audited or posted sales and exchanges, less returns) from
	the day of issue to the end of the follow-up, for rows still in their follow-up (plus a grace week)."""
	condition, params = ("AND cm.campaign = %s", [campaign]) if campaign else ("", [])
	return db.execute(
		"UPDATE `tabRetail Campaign Member` cm SET cm.sales_after = COALESCE(("
		"SELECT SUM(txn.grand_total) FROM `tabPOS Transaction` txn WHERE txn.member = cm.member "
		"AND txn.business_day >= cm.issued_on AND txn.business_day <= cm.follow_up_until "
		"AND txn.status IN ('Audited', 'Posted') AND txn.transaction_type IN ('Sale', 'Exchange', 'Return')"
		"), 0) WHERE cm.issued_on <= %s AND cm.follow_up_until >= %s " + condition,
		[as_of, as_of - timedelta(days=GRACE_DAYS), *params],
	)


def campaign_summary(
	db: Database, campaign: str | None = None, period: str | None = None
) -> list[CampaignResult]:
	"""Per campaign: members targeted, coupons redeemed (rate: `CampaignResult.redemption_rate`), sales after."""
	conditions, params = [], []
	if campaign:
		conditions.append("cm.campaign = %s")
		params.append(campaign)
	if period:
		conditions.append("cm.period_key = %s")
		params.append(period)
	where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
	return [
		CampaignResult(
			campaign=row["campaign"],
			targeted=int(row["targeted"]),
			redeemed=int(row["redeemed"] or 0),
			sales_after=Decimal(str(row["sales_after"] or 0)).quantize(Decimal("0.01")),
		)
		for row in db.sql(
			"SELECT cm.campaign, COUNT(*) AS targeted, SUM(CASE WHEN cm.redeemed_transaction IS NULL THEN 0 ELSE 1 END) "
			f"AS redeemed, SUM(cm.sales_after) AS sales_after FROM `tabRetail Campaign Member` cm {where} "
			"GROUP BY cm.campaign ORDER BY cm.campaign",
			params or None,
		)
	]


def campaign_coupons(db: Database, promotions: Sequence[str]) -> dict[str, list[str]]:
	"""promotion -> the coupon codes campaigns issued for it (the till accepts them for that promotion)."""
	if not promotions:
		return {}
	codes: dict[str, list[str]] = {}
	for row in db.sql(
		"SELECT cm.promotion, cm.coupon_code FROM `tabRetail Campaign Member` cm WHERE cm.promotion IN "
		+ in_placeholders(promotions)
		+ " ORDER BY cm.coupon_code",
		list(promotions),
	):
		codes.setdefault(row["promotion"], []).append(row["coupon_code"])
	return codes


# --- the run ----------------------------------------------------------------------------------------------


def run_campaigns(
	db: Database, as_of: date, campaign: str | None = None, progress: Progress | None = None
) -> list[CampaignRun]:
	"""Run enabled campaigns (or the one named, enabled or not) as of `as_of`: issue, then track the outcome."""
	campaigns = load_campaigns(db, campaign)
	tick = progress("Running campaigns", len(campaigns)) if progress else None
	runs = []
	for item in campaigns:
		plan = plan_campaign(db, item, as_of)
		run = CampaignRun(item.name, plan.period_key, issued=issue(db, plan))
		run.redeemed = track_redemptions(db, as_of, item.name)
		update_sales_after(db, as_of, item.name)
		summary = campaign_summary(db, item.name)
		run.result = summary[0] if summary else CampaignResult(item.name, 0, 0, Decimal("0.00"))
		runs.append(run)
		if tick:
			tick(item.name, 1)
	return runs
