# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class StoreDay(Document):
	"""Cash-up and close of a store's business day (see retail_suite.posdm.erpnext for close and reopen)."""

	def validate(self) -> None:
		self.validate_not_closed()
		self.compute_variances()

	def validate_not_closed(self) -> None:
		before = None if self.is_new() else self.get_doc_before_save()
		if before and before.status == "Closed" and self.status == "Closed" and not self.flags.closing:
			frappe.throw(
				_("Store Day {0} is closed. A Retail Manager can reopen it.").format(self.name),
				title=_("Day closed"),
			)

	def compute_variances(self) -> None:
		total = 0.0
		for row in self.tenders:
			row.variance = (row.counted_amount or 0) - (row.expected_amount or 0)
			total += row.variance
		self.total_variance = total


def on_doctype_update() -> None:
	apply_composite_indexes("Store Day")
