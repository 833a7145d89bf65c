# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.membership.campaign_rules import check_template


class RetailCampaign(Document):
	"""A member campaign: who gets a coupon and a message, how often, and which promotion the coupon unlocks."""

	def validate(self) -> None:
		self.validate_message()
		self.validate_prefix()

	def validate_message(self) -> None:
		for fieldname in ("subject", "message"):
			problem = check_template(self.get(fieldname) or "")
			if problem:
				frappe.throw(_("{0}: {1}").format(self.meta.get_label(fieldname), problem))
		if self.channel != "None" and not (self.message or "").strip():
			frappe.throw(_("Campaign {0}: write the message, or send by None.").format(self.name))

	def validate_prefix(self) -> None:
		self.coupon_prefix = (self.coupon_prefix or "RS").strip().upper()
		if not self.coupon_prefix.replace("-", "").isalnum() or len(self.coupon_prefix) > 12:
			frappe.throw(_("Coupon prefix {0}: use up to 12 letters and digits.").format(self.coupon_prefix))
