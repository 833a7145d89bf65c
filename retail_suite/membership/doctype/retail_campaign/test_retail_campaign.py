# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: a birthday campaign reaches the member born this week once per year, Frappe's Notification
queues the email with the coupon, a member without email is recorded as No contact, a coupon presented at
the till is recorded as redeemed; cashiers cannot see who was reached."""

from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate

from retail_suite.db import get_database
from retail_suite.membership.erpnext_campaigns import (
	NOTIFICATION,
	ensure_campaign_notification,
	run_campaign_on_site,
)
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records
from retail_suite.tests.utils import demo_chain, make_user

CAMPAIGN = "_Test Birthday Care"
TAG = "_Test Birthday"


def demo_customers(chain) -> list[str]:
	return [
		frappe.db.get_value("Customer", {"retail_card_number": member.card_number})
		for member in chain.members
	]


class TestRetailCampaign(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		chain = demo_chain()
		ensure_campaign_notification()
		if not frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "_Test Retail Outgoing",
					"email_id": "retail.outgoing@example.com",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "localhost",
					"no_smtp_authentication": 1,
				}
			).insert(ignore_permissions=True)
		# a rerun reuses the members' row names: the emails queued by the last run must go with the rows
		earlier_rows = frappe.get_all("Retail Campaign Member", {"campaign": CAMPAIGN}, pluck="name")
		for queued in frappe.get_all(
			"Email Queue",
			{"reference_doctype": "Retail Campaign Member", "reference_name": ["in", earlier_rows or [""]]},
			pluck="name",
		):
			frappe.db.delete("Email Queue Recipient", {"parent": queued})
			frappe.db.delete("Email Queue", {"name": queued})
		frappe.db.delete("Retail Campaign Member", {"campaign": CAMPAIGN})
		if not frappe.db.exists("Retail Campaign", CAMPAIGN):
			frappe.get_doc(
				{
					"doctype": "Retail Campaign",
					"campaign_name": CAMPAIGN,
					"campaign_type": "Birthday Care",
					"period": "Year",
					"coupon_prefix": "TBDAY",
					"channel": "Email",
					"subject": "Happy birthday, {{ member_name }}",
					"message": "Show coupon {{ coupon_code }} at the till this week, {{ member_name }}.",
					"follow_up_days": 30,
					"target_tags": TAG,  # other test data on the site may have birthdays this week too
				}
			).insert(ignore_permissions=True)
		customers = demo_customers(chain)
		cls.with_email, cls.without_email = customers[0], customers[1]
		frappe.db.delete("Retail Member Tag", {"tag": TAG})
		for customer in (cls.with_email, cls.without_email):
			frappe.db.set_value(
				"Customer",
				customer,
				{
					"retail_birthday": getdate().replace(year=1988),
					"retail_marketing_consent": 1,
					"disabled": 0,
				},
			)
			frappe.get_doc({"doctype": "Retail Member Tag", "member": customer, "tag": TAG}).insert(
				ignore_permissions=True
			)
		# a rerun would meet the sale of the last run presenting the same (deterministic) coupon
		earlier = frappe.get_all(
			"POS Transaction",
			{"member": ["in", [cls.with_email, cls.without_email]], "coupons": ["like", "TBDAY-%"]},
			pluck="name",
		)
		for doctype in ("POS Transaction Line", "POS Transaction Tender", "POS Transaction Discount"):
			frappe.db.delete(doctype, {"parent": ["in", earlier or [""]]})
		frappe.db.delete("POS Transaction", {"name": ["in", earlier or [""]]})
		frappe.db.set_value("Customer", cls.with_email, "email_id", "birthday.member@example.com")
		frappe.db.set_value("Customer", cls.without_email, "email_id", None)
		frappe.db.commit()

	def test_notification_is_set_up(self) -> None:
		notification = frappe.get_doc("Notification", NOTIFICATION)
		self.assertEqual(
			(notification.document_type, notification.event, notification.channel),
			("Retail Campaign Member", "New", "Email"),
		)
		self.assertEqual([row.receiver_by_document_field for row in notification.recipients], ["email"])

	def test_birthday_campaign_sends_once_and_tracks_redemption(self) -> None:
		result = run_campaign_on_site(CAMPAIGN)
		self.assertEqual(result["issued"], 2, result)
		rows = {
			row.member: row
			for row in frappe.get_all(
				"Retail Campaign Member",
				{"campaign": CAMPAIGN},
				["name", "member", "coupon_code", "message_status", "email", "message", "period_key"],
			)
		}
		self.assertEqual(set(rows), {self.with_email, self.without_email})
		self.assertEqual(rows[self.with_email].message_status, "Queued")
		self.assertEqual(rows[self.without_email].message_status, "No contact")
		self.assertEqual(rows[self.with_email].period_key, str(getdate().year))
		code = rows[self.with_email].coupon_code
		self.assertIn(code, rows[self.with_email].message)
		queued = frappe.get_all(
			"Email Queue",
			{"reference_doctype": "Retail Campaign Member", "reference_name": rows[self.with_email].name},
			["name", "message"],
		)
		self.assertEqual(len(queued), 1)
		self.assertIn(code, queued[0].message)
		self.assertTrue(
			frappe.db.exists(
				"Email Queue Recipient",
				{"parent": queued[0].name, "recipient": "birthday.member@example.com"},
			)
		)
		self.assertFalse(
			frappe.db.exists(
				"Email Queue",
				{
					"reference_doctype": "Retail Campaign Member",
					"reference_name": rows[self.without_email].name,
				},
			)
		)
		# a second run the same year reaches nobody again
		self.assertEqual(run_campaign_on_site(CAMPAIGN)["issued"], 0)

		# the member shows the coupon at the till: the sale records the redemption
		chain = demo_chain()
		terminal = frappe.db.get_value("POS Terminal", {"store": chain.stores[0].code})
		item = chain.items[0]
		price = Decimal(str(item.price))
		total = (price * 2).quantize(Decimal("0.01"))
		day = getdate()
		number = 1 + (frappe.db.get_value("POS Terminal", terminal, "last_transaction_number") or 0)
		record = {
			"terminal": terminal,
			"business_day": day.isoformat(),
			"transaction_number": number,
			"type": "sale",
			"ended_at": f"{day.isoformat()}T12:00:00",
			"member": self.with_email,
			"coupons": [code],
			"lines": [{"line_id": 1, "item_code": item.code, "qty": 2, "unit_price": price}],
			"tenders": [{"type": "card", "amount": total}],
			"totals": {"grand": total},
		}
		db = get_database()
		(ingested,) = ingest_records(db, [record], source="Offline Till")
		self.assertEqual(ingested.status, "accepted", ingested)
		run_audit(db, store=chain.stores[0].code, business_day=day)
		frappe.db.commit()
		outcome = run_campaign_on_site(CAMPAIGN)
		self.assertEqual((outcome["issued"], outcome["redeemed_now"]), (0, 1))
		redeemed = frappe.db.get_value(
			"Retail Campaign Member",
			rows[self.with_email].name,
			["redeemed_transaction", "redeemed_on", "sales_after"],
			as_dict=True,
		)
		self.assertEqual(redeemed.redeemed_transaction, ingested.name)
		self.assertEqual(getdate(redeemed.redeemed_on), day)
		self.assertAlmostEqual(redeemed.sales_after, float(total), places=2)
		self.assertEqual(outcome["redeemed"], 1)
		self.assertAlmostEqual(outcome["redemption_rate"], 0.5)

	def test_cashiers_cannot_see_who_was_reached(self) -> None:
		cashier = make_user("campaign.cashier@example.com", ["Retail Cashier"])
		try:
			frappe.set_user(cashier)
			self.assertFalse(frappe.has_permission("Retail Campaign Member", "read"))
			self.assertFalse(frappe.has_permission("Retail Campaign", "read"))
		finally:
			frappe.set_user("Administrator")
