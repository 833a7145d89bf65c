"""Frappe shell of member campaigns: the daily run, Frappe's Notification for the email, SMS when configured.

The store layer (`campaigns.py`) decides who is reached; here each planned row is inserted as a Retail
Campaign Member document, so that the Notification "Retail Campaign Coupon" (created at install: document
type Retail Campaign Member, event New, channel Email, to the member's email) sends the message through
Frappe's email queue. A campaign sent by SMS uses Frappe's SMS Settings when a gateway is set up, else email.
Then redemptions and sales after are recorded by the same SQL as the standalone host.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import frappe
from frappe import _
from frappe.utils import getdate, today, validate_email_address

from retail_suite.db import get_database
from retail_suite.membership.campaign_rules import CampaignResult
from retail_suite.membership.campaigns import (
	Campaign,
	campaign_summary,
	load_campaigns,
	member_row,
	plan_campaign,
	track_redemptions,
	update_sales_after,
)
from retail_suite.setup.roles import require_roles

NOTIFICATION = "Retail Campaign Coupon"
CAMPAIGN_QUEUE = "long"


# --- install ----------------------------------------------------------------------------------------------


def ensure_campaign_notification() -> str:
	"""The Notification that emails a member the coupon when a Retail Campaign Member is created (idempotent)."""
	values = {
		"enabled": 1,
		"channel": "Email",
		"document_type": "Retail Campaign Member",
		"event": "New",
		"subject": "{{ doc.subject or doc.campaign }}",
		"message": "{{ doc.message }}",
		"message_type": "Plain Text",
		"condition": 'doc.channel == "Email" and doc.email',
	}
	if frappe.db.exists("Notification", NOTIFICATION):
		notification = frappe.get_doc("Notification", NOTIFICATION)
		notification.update(values)
		notification.set("recipients", [])
	else:
		notification = frappe.new_doc("Notification")
		notification.name = NOTIFICATION
		notification.update(values)
	notification.append("recipients", {"receiver_by_document_field": "email"})
	notification.flags.ignore_permissions = True
	if notification.is_new():
		notification.insert(set_name=NOTIFICATION)
	else:
		notification.save()
	return notification.name


# --- running ----------------------------------------------------------------------------------------------


def sms_configured() -> bool:
	return bool(frappe.db.get_single_value("SMS Settings", "sms_gateway_url"))


def run_campaigns_daily() -> list[dict[str, Any]]:
	"""Scheduled daily: every enabled campaign as of today."""
	return [run_campaign_on_site(campaign) for campaign in load_campaigns(get_database())]


def run_campaign_on_site(campaign: Campaign | str, as_of: date | str | None = None) -> dict[str, Any]:
	"""Reach the campaign's members for the period of `as_of` (today): one Retail Campaign Member each, whose
	creation sends the email (Notification) or an SMS; then record redemptions and sales after."""
	db = get_database()
	if isinstance(campaign, str):
		(campaign,) = load_campaigns(db, campaign)
	as_of = getdate(as_of or today())
	plan = plan_campaign(db, campaign, as_of)
	sms = campaign.channel == "SMS" and sms_configured()
	issued = 0
	for row in plan.rows:
		row = _contactable(row, sms)
		document = _insert_member(campaign, row, as_of)
		if document is None:
			continue
		issued += 1
		status = row["message_status"]
		if status == "Pending" and row["channel"] == "Email":
			status = _email_status(document.name)
		elif status == "Pending" and row["channel"] == "SMS":
			status = _send_sms(row)
		document.db_set("message_status", status, update_modified=False)
		if issued % 200 == 0:
			frappe.db.commit()
			frappe.publish_progress(
				issued * 100 / len(plan.rows), title=_("Campaign {0}").format(campaign.name)
			)
	frappe.db.commit()
	redeemed = track_redemptions(db, as_of, campaign.name)
	update_sales_after(db, as_of, campaign.name)
	frappe.db.set_value("Retail Campaign", campaign.name, "last_run_on", as_of, update_modified=False)
	frappe.db.commit()
	summary = campaign_summary(db, campaign.name)
	result = summary[0] if summary else CampaignResult(campaign.name, 0, 0, 0)
	return {
		"campaign": campaign.name,
		"period": plan.period_key,
		"issued": issued,
		"redeemed_now": redeemed,
		"targeted": result.targeted,
		"redeemed": result.redeemed,
		"redemption_rate": float(result.redemption_rate),
		"sales_after": float(result.sales_after),
	}


def _contactable(row: dict[str, Any], sms: bool) -> dict[str, Any]:
	"""The row with a valid email only, sent by email when SMS is not configured or the member has no phone."""
	row = dict(row)
	if row["email"] and not validate_email_address(row["email"]):
		row["email"] = None
	if row["channel"] == "SMS" and not (sms and row["phone"]):
		row["channel"] = "Email"
	if row["message_status"] in ("Pending", "No contact"):
		contact = row["phone"] if row["channel"] == "SMS" else row["email"]
		row["message_status"] = "Pending" if contact else "No contact"
	return row


def _insert_member(campaign: Campaign, row: dict[str, Any], as_of: date):
	"""Insert the row as a document (the Notification fires on New); None when the member was reached meanwhile.
	A coupon code that clashes with another is drawn again."""
	for salt in range(4):
		values = {key: value for key, value in row.items() if key != "name"}
		document = frappe.get_doc({"doctype": "Retail Campaign Member", **values})
		document.flags.ignore_permissions = True
		savepoint = "retail_campaign_member"
		frappe.db.savepoint(savepoint)
		try:
			return document.insert(set_name=row["name"])
		except frappe.DuplicateEntryError:
			frappe.db.rollback(save_point=savepoint)
			if frappe.db.exists(
				"Retail Campaign Member",
				{"campaign": row["campaign"], "member": row["member"], "period_key": row["period_key"]},
			):
				return None
			fresh = member_row(
				campaign,
				{
					"name": row["member"],
					"customer_name": row["member_name"],
					"email_id": row["email"],
					"retail_phone": row["phone"],
				},
				as_of,
				row["period_key"],
				salt + 1,
			)
			row = {
				**row,
				"coupon_code": fresh["coupon_code"],
				"subject": fresh["subject"],
				"message": fresh["message"],
			}
	frappe.throw(_("Campaign {0}: no free coupon code for member {1}").format(campaign.name, row["member"]))


def _email_status(name: str) -> str:
	"""Queued when the Notification put the email in Frappe's queue; Failed when it could not (no outgoing
	Email Account, for one: Frappe's Error Log says why)."""
	queued = frappe.db.exists(
		"Email Queue", {"reference_doctype": "Retail Campaign Member", "reference_name": name}
	)
	return "Queued" if queued else "Failed"


def _send_sms(row: dict[str, Any]) -> str:
	from frappe.core.doctype.sms_settings.sms_settings import send_sms

	try:
		send_sms([row["phone"]], row["message"] or "", success_msg=False)
	except Exception:
		frappe.log_error(title=_("Campaign SMS to {0}").format(row["member"]), message=frappe.get_traceback())
		return "Failed"
	return "Sent"


# --- desk -------------------------------------------------------------------------------------------------


@frappe.whitelist()
def run_campaign_now(campaign: str) -> str:
	"""Run one campaign now on the long queue (Retail Manager, System Manager)."""
	require_roles("Retail Manager", "System Manager")
	if not frappe.db.exists("Retail Campaign", campaign):
		frappe.throw(_("No Retail Campaign {0}").format(campaign))
	frappe.enqueue(
		"retail_suite.membership.erpnext_campaigns.run_campaign_on_site",
		queue=CAMPAIGN_QUEUE,
		timeout=3600,
		job_id=f"retail_suite:campaign:{frappe.local.site}:{campaign}",
		deduplicate=True,
		campaign=campaign,
	)
	return _("Campaign {0} is running; its results update when it is done.").format(campaign)


@frappe.whitelist()
def campaign_results(campaign: str) -> dict[str, Any]:
	"""Targeted, redeemed, redemption rate and sales after, overall and per period, for the campaign form."""
	frappe.has_permission("Retail Campaign", "read", campaign, throw=True)
	db = get_database()
	periods = frappe.get_all(
		"Retail Campaign Member",
		{"campaign": campaign},
		pluck="period_key",
		distinct=True,
		order_by="period_key desc",
	)

	def as_dict(result: CampaignResult, period: str | None) -> dict[str, Any]:
		return {
			"period": period,
			"targeted": result.targeted,
			"redeemed": result.redeemed,
			"redemption_rate": float(result.redemption_rate),
			"sales_after": float(result.sales_after),
		}

	overall = campaign_summary(db, campaign)
	return {
		"overall": as_dict(overall[0], None) if overall else None,
		"periods": [as_dict(campaign_summary(db, campaign, period)[0], period) for period in periods[:12]],
	}
