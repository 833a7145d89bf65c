"""Install, migrate and uninstall steps of the Frappe host (wired in hooks.py)."""

from __future__ import annotations

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from retail_suite.db.frappe_indexes import apply_all_indexes, drop_erpnext_indexes
from retail_suite.fresh.erpnext import ensure_shrink_setup
from retail_suite.membership.erpnext_campaigns import ensure_campaign_notification
from retail_suite.membership.erpnext_points import ensure_loyalty_program
from retail_suite.setup.custom_fields import ACCOUNTING_DIMENSIONS, CUSTOM_FIELDS, FRAPPE_ONLY_CUSTOM_FIELDS
from retail_suite.setup.roles import create_roles


def after_install() -> None:
	create_roles()
	sync_custom_fields()
	apply_all_indexes()
	create_accounting_dimensions()
	ensure_loyalty_program()
	ensure_campaign_notification()
	ensure_shrink_setup()
	frappe.db.commit()


def after_migrate() -> None:
	create_roles()
	sync_custom_fields()
	apply_all_indexes()
	create_accounting_dimensions()
	ensure_loyalty_program()
	ensure_campaign_notification()
	ensure_shrink_setup()


def sync_custom_fields() -> None:
	"""Create or update retail_suite's custom fields on ERPNext doctypes (idempotent)."""
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True, update=True)
	create_custom_fields(FRAPPE_ONLY_CUSTOM_FIELDS, ignore_validate=True, update=True)


def create_accounting_dimensions() -> None:
	"""Store and Terminal as ERPNext accounting dimensions on every voucher.

	ERPNext adds the dimension's field to its vouchers in a background job; we add
	them at once so that a fresh site has them before any worker runs.
	"""
	from erpnext.accounts.doctype.accounting_dimension.accounting_dimension import (
		make_dimension_in_accounting_doctypes,
	)

	for fieldname, label, document_type in ACCOUNTING_DIMENSIONS:
		name = frappe.db.get_value("Accounting Dimension", {"document_type": document_type})
		if name:
			dimension = frappe.get_doc("Accounting Dimension", name)
		else:
			dimension = frappe.get_doc(
				{
					"doctype": "Accounting Dimension",
					"document_type": document_type,
					"label": label,
					"fieldname": fieldname,
				}
			).insert(ignore_permissions=True)
		make_dimension_in_accounting_doctypes(doc=dimension)


def before_uninstall() -> None:
	"""Remove what retail_suite added to ERPNext doctypes, so the site is as before."""
	from erpnext.accounts.doctype.accounting_dimension.accounting_dimension import (
		delete_accounting_dimension,
	)

	for _fieldname, _label, document_type in ACCOUNTING_DIMENSIONS:
		for name in frappe.get_all("Accounting Dimension", {"document_type": document_type}, pluck="name"):
			dimension = frappe.get_doc("Accounting Dimension", name)
			delete_accounting_dimension(doc=dimension)
			frappe.db.delete("Accounting Dimension Detail", {"parent": name})
			frappe.db.delete("Accounting Dimension", {"name": name})
	drop_erpnext_indexes()
	for doctype, fields in [*CUSTOM_FIELDS.items(), *FRAPPE_ONLY_CUSTOM_FIELDS.items()]:
		for docfield in fields:
			frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": docfield["fieldname"]})
		frappe.clear_cache(doctype=doctype)


def before_tests() -> None:
	"""Live-site tests: ERPNext's test set-up, then our install steps, jobs run inline."""
	frappe.flags.in_test = True
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	after_migrate()
	frappe.db.commit()
