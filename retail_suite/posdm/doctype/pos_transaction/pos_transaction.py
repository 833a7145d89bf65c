# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes


class POSTransaction(Document):
	"""One till transaction in the log. Written by ingest, never from the form; read-only once posted."""

	def validate(self) -> None:
		self.validate_not_posted()

	def validate_not_posted(self) -> None:
		if self.is_new():
			return
		before = self.get_doc_before_save()
		if before and before.status == "Posted":
			frappe.throw(
				_("POS Transaction {0} is posted in {1} and can no longer change.").format(
					self.name, self.posting_document
				),
				title=_("Read-only once posted"),
			)

	def on_trash(self) -> None:
		if self.status == "Posted":
			frappe.throw(_("POS Transaction {0} is posted and cannot be deleted.").format(self.name))


def on_doctype_update() -> None:
	apply_composite_indexes("POS Transaction")
