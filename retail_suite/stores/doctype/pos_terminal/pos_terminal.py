# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.db.frappe_indexes import apply_composite_indexes

TERMINAL_ROLE = "Retail Terminal"


class POSTerminal(Document):
	def validate(self) -> None:
		self.validate_terminal_code()
		self.validate_terminal_user()

	def validate_terminal_code(self) -> None:
		code = (self.terminal_code or "").strip()
		if not code or not code.replace("-", "").replace("_", "").isalnum():
			frappe.throw(
				_("Till Number {0!r} of store {1} may hold only letters, digits, - and _ (e.g. T01)").format(
					self.terminal_code, self.store
				)
			)
		self.terminal_code = code

	def validate_terminal_user(self) -> None:
		if self.terminal_user and TERMINAL_ROLE not in frappe.get_roles(self.terminal_user):
			frappe.throw(
				_(
					"User {0} needs the {1} role to act as till {2}. Add the role in the user's settings."
				).format(frappe.bold(self.terminal_user), TERMINAL_ROLE, self.name or self.terminal_code),
				title=_("Missing role"),
			)


def on_doctype_update() -> None:
	apply_composite_indexes("POS Terminal")
