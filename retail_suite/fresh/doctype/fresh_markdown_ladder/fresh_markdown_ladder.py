# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.fresh.ladders import ladder_problems


class FreshMarkdownLadder(Document):
	"""Shelf life, near-expiry window and markdown steps of an item or item group; the expiry job
	(fresh/markdowns.py) turns them into markdown promotions, labels and withdrawals."""

	def validate(self) -> None:
		self.validate_ladder()
		self.validate_one_ladder_per_target()

	def validate_ladder(self) -> None:
		problems = ladder_problems(self.as_dict(), [row.as_dict() for row in self.steps])
		if problems:
			frappe.throw(
				"<br>".join(frappe.bold(self.ladder_name) + ": " + _(problem) for problem in problems),
				title=_("This ladder cannot be used"),
			)

	def validate_one_ladder_per_target(self) -> None:
		if not self.enabled:
			return
		field, value = ("item_code", self.item_code) if self.item_code else ("item_group", self.item_group)
		other = frappe.db.get_value(
			"Fresh Markdown Ladder", {field: value, "enabled": 1, "name": ["!=", self.name or ""]}, "name"
		)
		if other:
			frappe.throw(
				_("{0} already follows ladder {1}: change that one, or disable it first.").format(
					frappe.bold(value), frappe.bold(other)
				),
				title=_("One ladder per item or item group"),
			)
