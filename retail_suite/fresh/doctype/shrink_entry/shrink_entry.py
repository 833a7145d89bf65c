# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.db.frappe_indexes import apply_composite_indexes
from retail_suite.errors import ValidationError
from retail_suite.fresh.shrink import check_lines, store_row


class ShrinkEntry(Document):
	"""Waste of a store, per batch and reason, valued at cost. Submitting posts an ERPNext Stock Entry
	(Material Issue) with each line's waste expense account (fresh/erpnext.py)."""

	def validate(self) -> None:
		self.validate_lines()

	def validate_lines(self) -> None:
		db = FrappeDatabase()
		try:
			store = store_row(db, self.store)
			lines = check_lines(db, store, [row.as_dict() for row in self.lines])
		except ValidationError as error:
			frappe.throw(_(error.message), title=_("This shrink entry cannot be recorded"))
		self.company, self.warehouse = store["company"], store["warehouse"]
		for row, line in zip(self.lines, lines, strict=True):
			row.valuation_rate = float(line.valuation_rate)
			row.amount = float(line.amount)
			row.expense_account = line.expense_account
		self.total_qty = float(sum(line.qty for line in lines))
		self.total_value = float(sum(line.amount for line in lines))

	def on_submit(self) -> None:
		from retail_suite.fresh.erpnext import post_shrink

		post_shrink(self)

	def on_cancel(self) -> None:
		from retail_suite.fresh.erpnext import cancel_shrink

		cancel_shrink(self)


def on_doctype_update() -> None:
	apply_composite_indexes("Shrink Entry")
