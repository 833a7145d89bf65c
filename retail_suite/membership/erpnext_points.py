"""Frappe shell of the points: ERPNext's Loyalty Program, Loyalty Point Entries, and the daily job.

- At install and migrate a Retail Points Programme exists (the defaults: 1 point a currency unit), and each
  company gets an ERPNext Loyalty Program "<programme> - <abbr>" mirroring its tiers (collection factor),
  point value (conversion factor) and expiry; members without a Loyalty Program get their company's.
- When POSDM posts a posting document as a Sales Invoice, the points of its transactions are booked in the
  ledger (`points_ledger.book_points`) and every entry becomes ERPNext Loyalty Point Entries per member and
  transaction against that invoice — inserted as documents; ERPNext's GL is not touched (redeemed value is
  already in the invoice as the Loyalty Points tender).
- Daily: book what was audited but not posted, take back voided points, lapse expired ones, mirror the rest.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from retail_suite.db import get_database
from retail_suite.errors import RetailSuiteError
from retail_suite.membership.points import PointsProgramme, allocate
from retail_suite.membership.points_ledger import (
	assign_loyalty_program,
	book_points,
	entries_to_mirror,
	load_programme,
	mark_mirrored,
	member_ledger,
	mirrored_as,
)

DEFAULT_PROGRAMME = "Retail Points"
#: ERPNext counts a Loyalty Point Entry while its expiry date has not passed; never-expiring points get this one
NEVER = date(2099, 12, 31)


# --- install: programme, Loyalty Programs, members --------------------------------------------------------


def ensure_loyalty_program() -> list[str]:
	"""Install and migrate: the default Retail Points Programme when there is none, a Loyalty Program per
	company mirroring it, and members without a Loyalty Program enrolled. Returns the Loyalty Programs."""
	if not frappe.db.exists("Retail Points Programme", {"enabled": 1}) and not frappe.db.count(
		"Retail Points Programme"
	):
		programme = frappe.get_doc(
			{
				"doctype": "Retail Points Programme",
				"programme_name": DEFAULT_PROGRAMME,
				"enabled": 1,
				"points_per_unit": 1,
				"rounding": "Floor",
				"point_value": 0.01,
				"expiry_days": 365,
				"tiers": [{"tier_name": "Member", "min_spent": 0, "multiplier": 1}],
			}
		)
		programme.flags.skip_sync = True
		programme.insert(ignore_permissions=True)
	return sync_loyalty_programs()


def loyalty_program_name(programme: PointsProgramme, company: str) -> str:
	return f"{programme.name} - {frappe.get_cached_value('Company', company, 'abbr')}"


def sync_loyalty_programs() -> list[str]:
	"""Create or update each company's Loyalty Program from the enabled programme; enrol members."""
	db = get_database()
	programme = load_programme(db)
	companies = frappe.get_all("Company", pluck="name", order_by="creation asc")
	names = []
	for company in companies:
		name = loyalty_program_name(programme, company)
		values = programme.loyalty_program_values()
		if frappe.db.exists("Loyalty Program", name):
			program = frappe.get_doc("Loyalty Program", name)
			program.set("collection_rules", [])
		else:
			program = frappe.new_doc("Loyalty Program")
			program.loyalty_program_name = name
			program.from_date = _programme_start()
		program.update(
			{
				"company": company,
				"loyalty_program_type": values["loyalty_program_type"],
				"conversion_factor": values["conversion_factor"],
				"expiry_duration": values["expiry_duration"],
				"cost_center": program.cost_center
				or frappe.get_cached_value("Company", company, "cost_center"),
				"expense_account": program.expense_account or _marketing_expense_account(company),
			}
		)
		for rule in values["collection_rules"]:
			program.append("collection_rules", rule)
		program.save(ignore_permissions=True)
		names.append(program.name)
		assign_loyalty_program(db, program.name, company)
	if names:  # members without a home store: the first company's programme
		assign_loyalty_program(db, names[0])
	return names


def _programme_start() -> date:
	"""The programme counts from the first business day in the log (back-dated postings earn too), else today."""
	first = frappe.db.sql("SELECT MIN(business_day) FROM `tabPOS Transaction`")[0][0]
	return min(getdate(first), getdate(today())) if first else getdate(today())


def _marketing_expense_account(company: str) -> str | None:
	return frappe.db.get_value(
		"Account", {"company": company, "account_name": ["like", "%Marketing%"], "is_group": 0}
	) or frappe.get_cached_value("Company", company, "default_expense_account")


# --- after a POSDM posting --------------------------------------------------------------------------------


def book_points_for_posting(posting_document_name: str) -> list[str]:
	"""After a posting document became a submitted Sales Invoice: book its transactions' points and create the
	Loyalty Point Entries against the invoice. Never fails the posting: a problem is logged and the daily job
	catches up. Returns the Loyalty Point Entries created."""
	try:
		posting = frappe.db.get_value(
			"POS Posting Document", posting_document_name, ["name", "sales_invoice"], as_dict=True
		)
		if not posting or not posting.sales_invoice:
			return []
		transactions = frappe.get_all("POS Transaction", {"posting_document": posting.name}, pluck="name")
		if not transactions:
			return []
		db = get_database()
		programme = load_programme(db)
		book_points(db, programme, transactions=transactions, expire=False)
		created = mirror_to_erpnext(programme, transactions)
		frappe.db.commit()
		return created
	except Exception:
		frappe.db.rollback()
		frappe.log_error(
			title=_("Points of posting {0}").format(posting_document_name), message=frappe.get_traceback()
		)
		frappe.db.commit()
		return []


def mirror_to_erpnext(
	programme: PointsProgramme | None = None, transactions: list[str] | None = None
) -> list[str]:
	"""Loyalty Point Entries for ledger entries not yet mirrored: a positive entry as one; a negative one split
	over the lots it used (first-expiring-first-out), each against that lot's entry and with its expiry date,
	so that ERPNext's balance on any day is the ledger's."""
	db = get_database()
	programme = programme or load_programme(db)
	created: list[str] = []
	ledgers: dict[str, Any] = {}
	customers: dict[str, bool] = {}
	for entry in entries_to_mirror(db, transactions):
		if entry["member"] not in customers:
			customers[entry["member"]] = bool(frappe.db.exists("Customer", entry["member"]))
		if not customers[entry["member"]]:
			continue  # the till named no Customer of this site: stays in the ledger, unmirrored
		company = entry["company"] or entry["home_company"] or _default_company()
		program = loyalty_program_name(programme, company)
		common = {
			"doctype": "Loyalty Point Entry",
			"company": company,
			"customer": entry["member"],
			"loyalty_program": program if frappe.db.exists("Loyalty Program", program) else None,
			"loyalty_program_tier": entry["tier"],
			"posting_date": entry["business_day"],
			"invoice_type": "Sales Invoice" if entry["sales_invoice"] else None,
			"invoice": entry["sales_invoice"],
		}
		parts: list[dict[str, Any]] = []
		if entry["points"] >= 0:
			parts.append(
				{
					"loyalty_points": entry["points"],
					"purchase_amount": float(entry["purchase_amount"] or 0),
					"expiry_date": entry["expiry_date"] or NEVER,
				}
			)
		else:
			if entry["member"] not in ledgers:
				ledgers[entry["member"]] = allocate(member_ledger(db, entry["member"]))
			state = ledgers[entry["member"]]
			chunks = [allocation for allocation in state.allocations if allocation.entry == entry["name"]]
			lots = mirrored_as(db, [chunk.lot for chunk in chunks if chunk.lot])
			for position, chunk in enumerate(chunks):
				parts.append(
					{
						"loyalty_points": chunk.points,
						# the purchase amount (spend taken back) once, on the first part
						"purchase_amount": float(entry["purchase_amount"] or 0) if position == 0 else 0,
						"expiry_date": chunk.expiry_date
						or add_days(entry["business_day"], programme.expiry_days or 36500),
						"redeem_against": lots.get(chunk.lot) if entry["entry_type"] == "Redeem" else None,
					}
				)
		names = []
		savepoint = f"points_mirror_{len(created)}"
		frappe.db.savepoint(savepoint)
		try:
			for part in parts:
				document = frappe.get_doc({**common, **part})
				document.flags.ignore_permissions = True
				document.insert()
				names.append(document.name)
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			frappe.log_error(
				title=_("Loyalty Point Entry for {0}").format(entry["name"]), message=frappe.get_traceback()
			)
			continue
		if names:
			mark_mirrored(db, entry["name"], names)
			created += names
	return created


def _default_company() -> str:
	return (
		frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name", limit=1)[0]
	)


# --- the daily job ----------------------------------------------------------------------------------------


def book_points_daily() -> dict[str, Any]:
	"""Scheduled daily: book pending points, take back voided ones, lapse expired ones, mirror to ERPNext,
	enrol new members."""
	db = get_database()
	programme = load_programme(db)
	if any(
		not frappe.db.exists("Loyalty Program", loyalty_program_name(programme, company))
		for company in frappe.get_all("Company", pluck="name")
	):
		sync_loyalty_programs()  # a company set up since the last migrate

	def progress(stage: str, total: int):
		done = [0]

		def tick(_what: str, units: int) -> None:
			done[0] += units
			if total:
				frappe.publish_progress(done[0] * 100 / total, title=_(stage))

		return tick

	try:
		result = book_points(db, programme, progress=progress)
	except RetailSuiteError as error:
		frappe.throw(str(error), title=_("Points"))
	frappe.db.commit()
	created = mirror_to_erpnext(programme)
	programs = frappe.get_all("Loyalty Program", {"name": ["like", f"{programme.name} - %"]}, pluck="name")
	if programs:
		assign_loyalty_program(db, programs[0])
	frappe.db.commit()
	for _transaction, why in result.refused:
		frappe.log_error(title=_("Points redemption refused"), message=why)
	return {
		"transactions": result.transactions,
		"entries": result.written,
		"refused": len(result.refused),
		"loyalty_point_entries": len(created),
	}
