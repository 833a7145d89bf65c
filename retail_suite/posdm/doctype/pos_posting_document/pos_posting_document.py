# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class POSPostingDocument(Document):
	"""Outbox: the aggregated sales or returns of a store and business day, posted as a Sales Invoice."""

	def on_trash(self) -> None:
		if self.status == "Posted":
			frappe.throw(_("Posting {0} is posted in {1}; cancel that invoice instead.").format(self.name, self.sales_invoice))


def on_doctype_update() -> None:
	apply_composite_indexes("POS Posting Document")
