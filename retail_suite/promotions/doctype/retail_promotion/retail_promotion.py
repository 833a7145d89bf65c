# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.promotions.definition import engine_promotion, form_problems


class RetailPromotion(Document):
	"""A promotion the tills apply through the promotion engine, checked by POSDM audit; compiled into an
	ERPNext Pricing Rule when ERPNext can express it (see `promotions/erpnext.py`)."""

	def validate(self) -> None:
		self.validate_definition()
		self.validate_exclusive_overlap()

	def as_engine_promotion(self) -> dict:
		return engine_promotion(
			{**self.as_dict(), "name": self.promotion_code or self.name},
			[row.as_dict() for row in self.items],
			[row.as_dict() for row in self.tiers],
			[row.as_dict() for row in self.hours],
			[row.as_dict() for row in self.stores],
			batches=[row.as_dict() for row in self.batches],
		)

	def validate_definition(self) -> None:
		problems = form_problems(self.as_engine_promotion(), [row.as_dict() for row in self.items])
		if problems:
			frappe.throw(
				"<br>".join(frappe.bold(self.promotion_code) + ": " + _(problem) for problem in problems),
				title=_("This promotion cannot run"),
			)

	def validate_exclusive_overlap(self) -> None:
		"""Two exclusive promotions that could meet on one item at one moment would leave the till guessing."""
		if not self.enabled or self.stacking != "Exclusive":
			return
		from retail_suite.promotions.erpnext import exclusive_overlaps

		clashes = exclusive_overlaps(self)
		if clashes:
			frappe.throw(
				_("{0} is exclusive and overlaps {1} (same items, days and hours). Change the dates, hours or items, "
				"or make one of them stackable.").format(frappe.bold(self.promotion_code), ", ".join(map(frappe.bold, clashes))),
				title=_("Overlapping exclusive promotions"),
			)

	def on_update(self) -> None:
		from retail_suite.promotions.erpnext import sync_pricing_rule

		sync_pricing_rule(self)

	def on_trash(self) -> None:
		from retail_suite.promotions.erpnext import remove_pricing_rule

		remove_pricing_rule(self)
