# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: a promotion at the till, through POSDM audit and posting, to the invoice and the GL; a promotion
compiled into ERPNext's Pricing Rule honoured by a standard Sales Invoice; the form refuses bad definitions."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from retail_suite.db import get_database
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.erpnext import post_pending
from retail_suite.posdm.ingest import ingest_records
from retail_suite.posdm.posting import aggregate_all
from retail_suite.promotions.active import load_promotions
from retail_suite.promotions.engine import evaluate
from retail_suite.tests.utils import demo_chain, make_user, reset_posdm, restock

D = Decimal


def make_promotion(code: str, **fields) -> frappe.model.document.Document:
	if frappe.db.exists("Retail Promotion", code):
		frappe.delete_doc("Retail Promotion", code, ignore_permissions=True, force=True)
	doc = frappe.get_doc({"doctype": "Retail Promotion", "promotion_code": code, "title": code, **fields})
	return doc.insert(ignore_permissions=True)


class TestRetailPromotion(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		cls.chain = demo_chain()
		restock(cls.chain)
		reset_posdm()
		plain = [item for item in cls.chain.items if not item.is_fresh and not item.style]
		cls.percent_item, cls.b2g1_item, cls.rule_item = plain[0], plain[1], plain[2]

	def tearDown(self) -> None:
		for code in frappe.get_all("Retail Promotion", {"promotion_code": ["like", "TEST-%"]}, pluck="name"):
			frappe.delete_doc("Retail Promotion", code, ignore_permissions=True, force=True)
		frappe.db.commit()

	def sale(self, business_day, number: int, lines: list[dict], promotions: list[dict]) -> dict:
		"""A till sale priced by the promotion engine, as the till would send it."""
		store = self.chain.stores[0]
		ended = datetime.combine(business_day, time(12, 30), tzinfo=ZoneInfo(store.time_zone))
		priced = evaluate(
			promotions,
			{"lines": [{**line, "qty": str(line["qty"]), "unit_price": str(line["unit_price"])} for line in lines]},
			{"at": ended.isoformat(), "timezone": store.time_zone, "store": store.code},
		)
		record_lines = []
		for line, result in zip(lines, priced["lines"], strict=True):
			record_line = {key: line[key] for key in ("line_id", "item_code", "qty", "unit_price")}
			record_line["discount"] = D(result["discount"])
			if result["promotions"]:
				record_line["promotion"] = result["promotions"][0]["promotion"]
			record_lines.append(record_line)
		grand = D(priced["net_total"])
		return {
			"terminal": store.terminals[0],
			"business_day": business_day.isoformat(),
			"transaction_number": number,
			"type": "sale",
			"ended_at": ended.isoformat(),
			"lines": record_lines,
			"tenders": [{"type": "card", "amount": grand}],
			"totals": {"grand": grand},
		}

	def test_till_promotion_reaches_the_invoice_and_the_ledger(self) -> None:
		company = self.chain.config.company
		today = frappe.utils.getdate()
		business_day = today - timedelta(days=2)
		make_promotion(
			"TEST-PCT20",
			promotion_type="Percent Off",
			discount_percent=20,
			company=company,
			valid_from=business_day,
			valid_upto=today,
			items=[{"item_code": self.percent_item.code}],
			hours=[{"start_time": "10:00:00", "end_time": "14:00:00"}],
		)
		make_promotion(
			"TEST-B2G1",
			promotion_type="Buy X Get Y",
			buy_qty=2,
			get_qty=1,
			discount_percent=100,
			stacking="Exclusive",
			company=company,
			valid_from=business_day,
			valid_upto=today,
			items=[{"item_code": self.b2g1_item.code}],
		)
		store = self.chain.stores[0].code
		db = get_database()
		promotions = load_promotions(db, business_day, business_day, store=store, company=company)
		self.assertEqual({p["name"] for p in promotions} & {"TEST-PCT20", "TEST-B2G1"}, {"TEST-PCT20", "TEST-B2G1"})
		lines = [
			{"line_id": 1, "item_code": self.percent_item.code, "qty": 2, "unit_price": D(str(self.percent_item.price))},
			{"line_id": 2, "item_code": self.b2g1_item.code, "qty": 3, "unit_price": D(str(self.b2g1_item.price))},
		]
		good = self.sale(business_day, 900001, lines, promotions)
		expected_discount = sum(line["discount"] for line in good["lines"])
		self.assertEqual(good["lines"][1]["discount"], D(str(self.b2g1_item.price)))  # one of three free
		# a till with a stale clock gives the lunch-time percent at 15:00: audit must name the promotion
		wrong = self.sale(business_day, 900002, lines[:1], promotions)
		wrong["ended_at"] = wrong["ended_at"].replace("T12:30:00", "T15:00:00")
		results = ingest_records(db, [good, wrong], source="Offline Till")
		self.assertEqual([r.status for r in results], ["accepted", "accepted"], results)
		summary = run_audit(db, store=store)
		bad_name = results[1].name
		self.assertEqual(list(summary.findings), [bad_name], summary.findings)
		self.assertIn("promotion TEST-PCT20 is outside its hours", summary.findings[bad_name][0])
		self.assertEqual(frappe.db.get_value("POS Transaction", results[0].name, "status"), "Audited")

		aggregate_all(db, store)
		frappe.db.commit()
		self.assertEqual(post_pending(store)["failed"], 0)
		posting = frappe.get_doc("POS Posting Document", frappe.db.get_value("POS Transaction", results[0].name, "posting_document"))
		by_promotion = {row.promotion: flt(row.amount) for row in posting.discounts}
		self.assertAlmostEqual(by_promotion["TEST-B2G1"], float(D(str(self.b2g1_item.price))), places=2)
		self.assertAlmostEqual(by_promotion["TEST-PCT20"], float(good["lines"][0]["discount"]), places=2)
		invoice = frappe.get_doc("Sales Invoice", posting.sales_invoice)
		self.assertEqual(invoice.docstatus, 1)
		# the discount sits on the invoice lines (list price − rate), not as one lump at the bottom
		line_discount = sum(flt(row.discount_amount) * flt(row.qty) for row in invoice.items)
		self.assertAlmostEqual(line_discount, float(expected_discount), places=2)
		self.assertAlmostEqual(flt(invoice.discount_amount), 0.0, places=2)
		self.assertAlmostEqual(flt(invoice.net_total), float(D(good["totals"]["grand"])), places=2)
		gl = frappe.db.sql(
			"select account, sum(credit) - sum(debit) as net from `tabGL Entry` where voucher_type = 'Sales Invoice' "
			"and voucher_no = %s and is_cancelled = 0 group by account",
			invoice.name,
			as_dict=True,
		)
		income = frappe.get_cached_value("Company", company, "default_income_account")
		self.assertAlmostEqual({row.account: flt(row.net) for row in gl}[income], float(good["totals"]["grand"]), places=2)
		# the accountant's and marketer's report counts the use and the discount
		from retail_suite.promotions.report.promotion_performance.promotion_performance import execute

		_columns, rows, _message, chart = execute({"from_date": business_day, "to_date": business_day, "store": store})
		row = next(row for row in rows if row["promotion"] == "TEST-B2G1")
		self.assertEqual(row["uses"], 1)
		self.assertAlmostEqual(float(row["discount"]), float(D(str(self.b2g1_item.price))), places=2)
		self.assertIn("TEST-B2G1", chart["data"]["labels"])

	def test_compiled_pricing_rule_is_honoured_by_a_standard_invoice(self) -> None:
		company = self.chain.config.company
		today = frappe.utils.getdate()
		promotion = make_promotion(
			"TEST-RULE15",
			promotion_type="Percent Off",
			discount_percent=15,
			company=company,
			valid_from=today - timedelta(days=1),
			valid_upto=today + timedelta(days=1),
			items=[{"item_code": self.rule_item.code}],
		)
		promotion.reload()
		self.assertTrue(promotion.pricing_rule, promotion.erpnext_mapping)
		self.assertIn(promotion.pricing_rule, promotion.erpnext_mapping)
		invoice = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"company": company,
				"customer": frappe.get_all("Customer", {"retail_card_number": ["is", "set"]}, pluck="name", limit=1)[0],
				"posting_date": today,
				"due_date": today,
				"selling_price_list": "Standard Selling",
				"currency": frappe.get_cached_value("Company", company, "default_currency"),
				"items": [{"item_code": self.rule_item.code, "qty": 2}],
			}
		)
		invoice.set_missing_values()
		invoice.insert(ignore_permissions=True)
		row = invoice.items[0]
		self.assertAlmostEqual(flt(row.discount_percentage), 15.0, places=2)
		self.assertAlmostEqual(flt(row.rate), flt(self.rule_item.price * 0.85, 2), places=2)
		self.assertIn(promotion.pricing_rule, row.pricing_rules or "")
		invoice.delete(ignore_permissions=True)
		# with hours the Pricing Rule cannot hold it: it goes, and the form says why
		promotion.append("hours", {"start_time": "17:00:00", "end_time": "19:00:00"})
		promotion.save(ignore_permissions=True)
		promotion.reload()
		self.assertFalse(promotion.pricing_rule)
		self.assertIn("hours of the day", promotion.erpnext_mapping)
		self.assertFalse(frappe.db.exists("Pricing Rule", {"title": ["like", "TEST-RULE15%"]}))

	def test_bad_definitions_are_refused_with_a_message(self) -> None:
		company = self.chain.config.company
		with self.assertRaisesRegex(frappe.ValidationError, "spend must be higher than tier 1"):
			make_promotion(
				"TEST-TIERS",
				promotion_type="Spend Tiers",
				company=company,
				tiers=[{"threshold": 200, "discount_amount": 50}, {"threshold": 100, "discount_amount": 20}],
			)
		with self.assertRaisesRegex(frappe.ValidationError, "empty window"):
			make_promotion(
				"TEST-EMPTY",
				promotion_type="Percent Off",
				discount_percent=10,
				company=company,
				hours=[{"start_time": "17:00:00", "end_time": "17:00:00"}],
			)
		make_promotion(
			"TEST-EXCL-A", promotion_type="Percent Off", discount_percent=10, stacking="Exclusive", company=company,
			items=[{"item_code": self.percent_item.code}],
		)
		with self.assertRaisesRegex(frappe.ValidationError, "overlaps TEST-EXCL-A|overlaps .*TEST-EXCL-A"):
			make_promotion(
				"TEST-EXCL-B", promotion_type="Amount Off", discount_amount=1, stacking="Exclusive", company=company,
				items=[{"item_code": self.percent_item.code}],
			)
		self.assertFalse(frappe.db.exists("Retail Promotion", "TEST-EXCL-B"))

	def test_cashier_reads_the_tills_promotions_but_cannot_change_them(self) -> None:
		from retail_suite.promotions.erpnext import member_context, till_promotions

		company = self.chain.config.company
		make_promotion(
			"TEST-TILL", promotion_type="Percent Off", discount_percent=5, company=company,
			items=[{"item_code": self.percent_item.code}],
		)
		cashier = make_user("promo-cashier@example.com", ["Retail Cashier"])
		frappe.set_user(cashier)
		try:
			names = {promotion["name"] for promotion in till_promotions(self.chain.stores[0].code)}
			self.assertIn("TEST-TILL", names)
			member = frappe.get_all("Customer", {"retail_card_number": ["is", "set"]}, pluck="name", limit=1)[0]
			context = member_context(member, '["NOT-A-CODE"]')
			self.assertEqual(context["member"], member)
			self.assertEqual(context["coupons"], ["NOT-A-CODE"])  # unknown codes unlock nothing
			self.assertFalse(frappe.has_permission("Retail Promotion", "write"))
			self.assertFalse(frappe.has_permission("Pricing Rule", "read"))
		finally:
			frappe.set_user("Administrator")
