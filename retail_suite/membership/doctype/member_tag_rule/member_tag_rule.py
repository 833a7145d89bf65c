# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.db import get_database
from retail_suite.membership.tag_rules import rule_from_dict, validate_rule
from retail_suite.membership.tagging import write_customer_tags


class MemberTagRule(Document):
	"""A tag members get when they meet its conditions (all, or any); tagged nightly by
	retail_suite.membership.erpnext_tags. Checked by the pure rules in retail_suite.membership.tag_rules."""

	def validate(self) -> None:
		self.validate_conditions()

	def validate_conditions(self) -> None:
		problems = validate_rule(
			rule_from_dict(self.as_dict()), exists=lambda doctype, name: bool(frappe.db.exists(doctype, name))
		)
		if problems:
			frappe.throw(
				"<br>".join(frappe.utils.escape_html(problem) for problem in problems),
				title=_("Rule cannot be used"),
			)

	def on_trash(self) -> None:
		# the rule's tags go with it (they link to the rule and would otherwise block the deletion)
		members = frappe.get_all("Retail Member Tag", {"rule": self.name}, pluck="member")
		frappe.db.delete("Retail Member Tag", {"rule": self.name})
		write_customer_tags(get_database(), sorted(set(members)))
