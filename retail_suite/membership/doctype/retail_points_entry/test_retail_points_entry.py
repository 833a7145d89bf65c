# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: members' points after a POSDM posting are ERPNext Loyalty Point Entries per member and
transaction against the posting's Sales Invoice, equal to the points ledger; the ledger is closed to cashiers."""

from collections import defaultdict
from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase

from retail_suite.db import get_database
from retail_suite.demo.traffic import TrafficConfig, generate_traffic
from retail_suite.membership.erpnext_points import (
	book_points_for_posting,
	ensure_loyalty_program,
	loyalty_program_name,
)
from retail_suite.membership.points_ledger import load_programme
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.erpnext import post_pending
from retail_suite.posdm.ingest import ingest_records
from retail_suite.posdm.posting import aggregate_all
from retail_suite.tests.utils import demo_chain, make_user, reset_posdm, restock


def members_day(chain, offset_days: int, per_terminal: int = 12):
	"""A business day of till traffic with members on most baskets, moved to `offset_days` ago; members are named
	as the site's Customers (the demo's member codes are not Customer names on a site)."""
	traffic = generate_traffic(
		chain,
		days=1,
		seed=chain.config.seed + 100 + offset_days,
		config=TrafficConfig(
			transactions_per_terminal_day=per_terminal,
			faults=False,
			void_rate=0.0,
			return_rate=0.1,
			exchange_rate=0.0,
			member_rate=0.9,
		),
	)
	customers = {
		member.code: frappe.db.get_value("Customer", {"retail_card_number": member.card_number})
		for member in chain.members
	}
	business_day = frappe.utils.getdate() - timedelta(days=offset_days)
	shift = (business_day - chain.config.start_date).days
	records = traffic.records()
	for record in records:
		record["business_day"] = business_day.isoformat()
		for key in ("started_at", "ended_at"):
			if record.get(key):
				record[key] = (frappe.utils.get_datetime(record[key]) + timedelta(days=shift)).isoformat()
		record["transaction_number"] += 200000 + 1000 * offset_days
		if record.get("original"):
			record["original"]["business_day"] = business_day.isoformat()
			record["original"]["transaction_number"] += 200000 + 1000 * offset_days
		if record.get("member"):
			record["member"] = customers[record["member"]]
	return business_day, records


def reset_points(chain) -> None:
	"""The ledger and the Loyalty Point Entries of the demo members (a rerun would meet its own)."""
	frappe.db.delete("Retail Points Entry")
	members = [
		frappe.db.get_value("Customer", {"retail_card_number": member.card_number})
		for member in chain.members
	]
	frappe.db.delete("Loyalty Point Entry", {"customer": ["in", [m for m in members if m]]})
	frappe.db.commit()


class TestRetailPointsEntry(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		chain = demo_chain()
		restock(chain)
		reset_posdm()
		reset_points(chain)
		ensure_loyalty_program()
		frappe.db.commit()

	def test_loyalty_program_mirrors_the_programme(self) -> None:
		chain = demo_chain()
		programme = load_programme(get_database())
		name = loyalty_program_name(programme, chain.config.company)
		program = frappe.get_doc("Loyalty Program", name)
		self.assertEqual(program.company, chain.config.company)
		self.assertEqual(program.expiry_duration, programme.expiry_days)
		self.assertAlmostEqual(program.conversion_factor, float(programme.point_value))
		self.assertEqual(
			[(rule.tier_name, rule.collection_factor) for rule in program.collection_rules],
			[(tier.name, float(programme.collection_factor(tier))) for tier in programme.tiers],
		)
		# members are enrolled; the walk-in customer is not a member
		enrolled = {
			frappe.db.get_value("Customer", {"retail_card_number": member.card_number}, "loyalty_program")
			for member in chain.members
		}
		self.assertEqual(enrolled, {name})

	def test_points_after_posting_match_loyalty_point_entries(self) -> None:
		chain = demo_chain()
		store = chain.stores[0].code
		business_day, records = members_day(chain, offset_days=4)
		db = get_database()
		results = ingest_records(db, records, source="Offline Till")
		self.assertEqual(
			{r.status for r in results}, {"accepted"}, [r for r in results if r.status != "accepted"][:3]
		)
		self.assertEqual(run_audit(db, store=store).errors, 0)
		self.assertTrue(aggregate_all(db, store))
		frappe.db.commit()

		outcome = post_pending(store)  # posting books the points and their Loyalty Point Entries
		self.assertEqual(outcome["failed"], 0)
		postings = frappe.get_all(
			"POS Posting Document", {"store": store, "business_day": business_day}, ["name", "sales_invoice"]
		)
		invoices = [posting.sales_invoice for posting in postings]
		transactions = frappe.get_all(
			"POS Transaction",
			{"posting_document": ["in", [p.name for p in postings]], "member": ["is", "set"]},
			pluck="name",
		)
		self.assertTrue(transactions)
		ledger = defaultdict(int)
		for row in frappe.get_all(
			"Retail Points Entry",
			{"transaction": ["in", transactions]},
			["member", "points", "loyalty_point_entry", "entry_type"],
		):
			ledger[row.member] += row.points
			self.assertTrue(row.loyalty_point_entry, row)
		self.assertTrue(any(points > 0 for points in ledger.values()))
		erpnext = defaultdict(int)
		entries = frappe.get_all(
			"Loyalty Point Entry",
			{"invoice_type": "Sales Invoice", "invoice": ["in", invoices]},
			["customer", "loyalty_points", "loyalty_program", "company", "posting_date", "expiry_date"],
		)
		for row in entries:
			erpnext[row.customer] += row.loyalty_points
			self.assertEqual(row.company, chain.config.company)
			self.assertEqual(str(row.posting_date), str(business_day))
			self.assertTrue(row.loyalty_program and row.expiry_date)
		self.assertEqual(dict(erpnext), dict(ledger))
		# the points moved no money: no GL Entry for a Loyalty Point Entry
		self.assertFalse(frappe.db.exists("GL Entry", {"voucher_type": "Loyalty Point Entry"}))
		# booking the posting again writes nothing
		count = frappe.db.count("Loyalty Point Entry")
		self.assertEqual(book_points_for_posting(postings[0].name), [])
		self.assertEqual(frappe.db.count("Loyalty Point Entry"), count)
		# ERPNext's own balance of a member equals the ledger's
		from erpnext.accounts.doctype.loyalty_program.loyalty_program import get_loyalty_details

		member, points = max(ledger.items(), key=lambda pair: pair[1])
		program = frappe.db.get_value("Customer", member, "loyalty_program")
		details = get_loyalty_details(member, program, expiry_date=business_day, company=chain.config.company)
		self.assertEqual(int(details["loyalty_points"]), points)

	def test_cashiers_cannot_read_the_ledger(self) -> None:
		cashier = make_user("points.cashier@example.com", ["Retail Cashier"])
		manager = make_user("points.storemanager@example.com", ["Store Manager"])
		try:
			frappe.set_user(cashier)
			self.assertFalse(frappe.has_permission("Retail Points Entry", "read"))
			self.assertFalse(frappe.has_permission("Retail Points Programme", "read"))
			frappe.set_user(manager)
			self.assertTrue(frappe.has_permission("Retail Points Entry", "read"))
			self.assertFalse(frappe.has_permission("Retail Points Entry", "write"))
			self.assertFalse(frappe.has_permission("Retail Points Entry", "create"))
		finally:
			frappe.set_user("Administrator")
