# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class RetailMemberStats(Document):
	"""A member's purchase statistics, folded from the transaction log (retail_suite.membership.member_stats)."""
