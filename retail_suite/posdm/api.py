"""Whitelisted API of POSDM (Frappe shell): tills send transactions, managers act on the monitor."""

from __future__ import annotations

from typing import Any

import frappe
from frappe import _

from retail_suite.db import get_database
from retail_suite.errors import RetailSuiteError
from retail_suite.posdm.ingest import ingest_records
from retail_suite.posdm.tlog import MAX_BATCH, MAX_BODY_BYTES, loads
from retail_suite.setup.roles import require_roles

INGEST_ROLES = ("Retail Terminal", "System Manager")


@frappe.whitelist(methods=["POST"])
def ingest() -> dict[str, Any]:
	"""POST a JSON body `{"transactions": [...]}` (or a bare list) of up to 1,000 till transactions.

	Retail Terminal users send only for their own terminal. Answers a result per record:
	accepted, duplicate of <name>, or rejected with the reason. Nothing is written for
	a malformed body.
	"""
	body = frappe.request.get_data(cache=True) if frappe.request else b""
	return ingest_body(body)


def ingest_body(body: bytes) -> dict[str, Any]:
	"""The ingest endpoint's work on a raw body, for the current session user."""
	roles = set(frappe.get_roles())
	if not roles.intersection(INGEST_ROLES):
		frappe.throw(_("Only tills (Retail Terminal users) and System Managers may send transactions."), frappe.PermissionError)
	if len(body) > MAX_BODY_BYTES:
		frappe.local.response.http_status_code = 413
		frappe.throw(
			_("Body of {0:,} bytes is larger than {1:,}: send at most {2} transactions per request.").format(
				len(body), MAX_BODY_BYTES, MAX_BATCH
			),
			title=_("Request too large"),
		)
	try:
		payload = loads(body or b"null")
	except ValueError as error:
		frappe.throw(_("Body is not JSON: {0}").format(error), title=_("Malformed request"))
	records = payload.get("transactions") if isinstance(payload, dict) else payload
	if not isinstance(records, list):
		frappe.throw(_('Send a JSON list of transactions, or {"transactions": [...]}.'), title=_("Malformed request"))
	only_terminal = None
	if "System Manager" not in roles:
		only_terminal = frappe.db.get_value("POS Terminal", {"terminal_user": frappe.session.user, "disabled": 0})
		if not only_terminal:
			frappe.throw(_("User {0} is not the API user of any POS Terminal.").format(frappe.session.user), frappe.PermissionError)
	try:
		results = ingest_records(get_database(), records, source="External API", only_terminal=only_terminal)
	except RetailSuiteError as error:
		frappe.throw(error.one_line(), title=_("Malformed request"))
	return {
		"accepted": sum(1 for r in results if r.status == "accepted"),
		"duplicates": sum(1 for r in results if r.status == "duplicate"),
		"rejected": sum(1 for r in results if r.status == "rejected"),
		"results": [result.as_dict() for result in results],
	}


@frappe.whitelist()
def run_now(store: str | None = None) -> str:
	"""Queue an audit-aggregate-post cycle now (Retail Manager, System Manager)."""
	require_roles("Retail Manager", "System Manager")
	job = frappe.enqueue(
		"retail_suite.posdm.erpnext.run_cycle",
		queue="long",
		job_id=f"retail_suite:cycle:{frappe.local.site}:{store or 'all'}",
		deduplicate=True,
		store=store,
	)
	return getattr(job, "id", "") or ""


@frappe.whitelist()
def monitor(store: str | None = None, business_day: str | None = None) -> dict[str, Any]:
	"""Data of the POSDM Monitor page: per store, terminal and day, and the posting documents."""
	require_roles("Store Manager", "Retail Manager", "System Manager")
	from frappe.utils import getdate

	from retail_suite.posdm.status import error_transactions, log_status, posting_status

	db = get_database()
	day = getdate(business_day) if business_day else None
	return {
		"log": log_status(db, store or None, day),
		"postings": posting_status(db, store or None),
		"errors": error_transactions(db, store or None, limit=50),
		"posting_errors": frappe.get_all(
			"POS Posting Document", {"status": "Error", **({"store": store} if store else {})},
			["name", "store", "business_day", "kind", "error_message"], limit=50,
		),
	}


@frappe.whitelist()
def acknowledge_gap(name: str, reason: str) -> None:
	"""Acknowledge a sequence gap with a reason (Store Manager and up, through the document's permissions)."""
	gap = frappe.get_doc("POS Sequence Gap", name)
	gap.check_permission("write")
	gap.reason = reason
	gap.status = "Acknowledged"
	gap.save()
