# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe.model.document import Document

from retail_suite.errors import ValidationError
from retail_suite.membership.points import PointsProgramme, Tier


class RetailPointsProgramme(Document):
	"""The chain's points rules; ERPNext's Loyalty Program of each company mirrors them."""

	def validate(self) -> None:
		self.validate_rules()

	def validate_rules(self) -> None:
		try:
			PointsProgramme(
				name=self.programme_name,
				points_per_unit=self.points_per_unit,
				rounding=self.rounding or "Floor",
				tiers=tuple(Tier(row.tier_name, row.min_spent or 0, row.multiplier) for row in self.tiers),
				expiry_days=self.expiry_days or 0,
				point_value=self.point_value,
				min_redeem_points=self.min_redeem_points or 0,
			)
		except ValidationError as error:
			frappe.throw(f"{self.programme_name}: {error}", title="Points Programme")

	def on_update(self) -> None:
		from retail_suite.membership.erpnext_points import sync_loyalty_programs

		if self.enabled and not self.flags.skip_sync:
			sync_loyalty_programs()
