# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from retail_suite.db.frappe_indexes import apply_composite_indexes


class POSSequenceGap(Document):
	"""Missing transaction numbers of a till on a business day; a manager acknowledges them with a reason."""

	def validate(self) -> None:
		self.validate_acknowledgement()

	def validate_acknowledgement(self) -> None:
		if self.status == "Open" and (self.reason or "").strip():
			self.status = "Acknowledged"
		if self.status == "Acknowledged":
			if not (self.reason or "").strip():
				frappe.throw(
					_("Gap {0}: give the reason numbers {1}–{2} are missing before acknowledging it.").format(
						self.name, self.missing_from, self.missing_to
					)
				)
			if not self.acknowledged_by:
				self.acknowledged_by = frappe.session.user
				self.acknowledged_at = now_datetime()


def on_doctype_update() -> None:
	apply_composite_indexes("POS Sequence Gap")
