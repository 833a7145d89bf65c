# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from retail_suite.stores.calendar import calendar_problems


class RetailStore(Document):
	def validate(self) -> None:
		self.validate_calendar()
		self.validate_company_links()

	def validate_calendar(self) -> None:
		for fieldname, message in calendar_problems(
			self.time_zone, self.business_day_cutoff, self.opening_time, self.closing_time
		):
			frappe.throw(
				_("Store {0}, {1}: {2}").format(self.store_code, self.meta.get_label(fieldname), message),
				title=_("Invalid store calendar"),
			)

	def validate_company_links(self) -> None:
		"""Warehouse and cost center must belong to the store's company."""
		for doctype, fieldname in (("Warehouse", "warehouse"), ("Cost Center", "cost_center")):
			value = self.get(fieldname)
			if not value:
				continue
			company = frappe.db.get_value(doctype, value, "company")
			if company and company != self.company:
				frappe.throw(
					_("Store {0}: {1} {2} belongs to company {3}, not {4}. Pick one of {4}.").format(
						self.store_code, _(doctype), frappe.bold(value), company, self.company
					),
					title=_("Wrong company"),
				)
