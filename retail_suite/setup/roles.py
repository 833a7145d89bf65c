"""The four retail roles, created at install (Frappe host)."""

from __future__ import annotations

import frappe

#: role name -> desk access (the terminal role is an API user, never at the desk)
RETAIL_ROLES: dict[str, int] = {
	"Retail Cashier": 1,
	"Store Manager": 1,
	"Retail Manager": 1,
	"Retail Terminal": 0,
}


def create_roles() -> None:
	for role_name, desk_access in RETAIL_ROLES.items():
		if frappe.db.exists("Role", role_name):
			frappe.db.set_value("Role", role_name, "desk_access", desk_access, update_modified=False)
			continue
		frappe.get_doc(
			{"doctype": "Role", "role_name": role_name, "desk_access": desk_access, "is_custom": 0}
		).insert(ignore_permissions=True)


def require_roles(*roles: str) -> None:
	"""Refuse the current user unless they hold one of `roles` (Administrator always passes).

	Used instead of frappe.only_for, which lets everybody through while tests run, so that the
	live-site tests prove the real rule."""
	if frappe.session.user == "Administrator":
		return
	if set(roles).isdisjoint(frappe.get_roles()):
		frappe.throw(
			frappe._("Only a {0} may do this.").format(" or ".join(roles)),
			frappe.PermissionError,
			title=frappe._("Not permitted"),
		)
