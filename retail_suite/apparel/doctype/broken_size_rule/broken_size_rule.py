# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, flt

from retail_suite.apparel.broken_size import BrokenSizeRule as SizeRule
from retail_suite.apparel.broken_size import KeySize
from retail_suite.apparel.broken_sizes import rule_problems
from retail_suite.db import get_database


class BrokenSizeRule(Document):
	"""Key sizes and their minimum depth for a style or an item group, in one store or all: the broken-size
	job alerts where a key size is out while the style still sells."""

	def validate(self) -> None:
		self.validate_key_sizes()
		self.validate_against_template()

	def validate_key_sizes(self) -> None:
		for row in self.key_sizes:
			row.size = (row.size or "").strip()

	def validate_against_template(self) -> None:
		problems = rule_problems(get_database(), self.as_rule())
		if problems:
			frappe.throw(
				"<br>".join(frappe.utils.escape_html(problem) for problem in problems),
				title=_("Broken Size Rule cannot be saved"),
			)

	def as_rule(self) -> SizeRule:
		return SizeRule(
			name=self.name or self.rule_name or _("New rule"),
			key_sizes=tuple(KeySize(row.size, cint(row.min_depth)) for row in self.key_sizes),
			style=self.style or None,
			item_group=self.item_group or None,
			store=self.store or None,
			min_style_sales=cint(self.min_style_sales),
			lookback_days=cint(self.lookback_days),
			cover_days=cint(self.cover_days),
			donor_max_sell_through=flt(self.donor_max_sell_through) / 100,
			distribution_warehouse=self.distribution_warehouse or None,
			enabled=bool(cint(self.enabled)),
		)
