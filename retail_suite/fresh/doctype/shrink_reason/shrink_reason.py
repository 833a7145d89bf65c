# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document


class ShrinkReason(Document):
	"""Why stock was thrown away, and the waste expense account it is posted to, per company."""

	def validate(self) -> None:
		seen = set()
		for row in self.accounts:
			if row.company in seen:
				frappe.throw(_("Row {0}: company {1} is listed twice").format(row.idx, frappe.bold(row.company)))
			seen.add(row.company)
			account = frappe.db.get_value("Account", row.expense_account, ["company", "root_type", "is_group"], as_dict=True)
			if not account or account.company != row.company:
				frappe.throw(
					_("Row {0}: account {1} is not an account of {2}").format(row.idx, frappe.bold(row.expense_account), row.company)
				)
			if account.is_group or account.root_type != "Expense":
				frappe.throw(
					_("Row {0}: {1} must be an expense account that is not a group").format(row.idx, frappe.bold(row.expense_account))
				)
