# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class RetailCampaignMember(Document):
	"""A member targeted by a campaign in a period: the coupon issued, the message, what came of it.
	Written by the campaign run (membership/campaigns.py), never in the desk."""


def on_doctype_update() -> None:
	apply_composite_indexes("Retail Campaign Member")
