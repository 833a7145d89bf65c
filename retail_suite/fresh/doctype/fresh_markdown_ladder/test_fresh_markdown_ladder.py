# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: a ladder refused with a message when its steps are out of order or its shelf life negative;
the expiry job's markdown of a batch reaches the till's promotions and price, passes POSDM audit, and a
till that forgets it is named; the store gets the label to print."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest.mock import patch
from zoneinfo import ZoneInfo

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from retail_suite.db import get_database
from retail_suite.fresh.erpnext import run_expiry_job
from retail_suite.fresh.ladders import markdown_step, read_ladder, store_local
from retail_suite.fresh.markdowns import promotion_name
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records
from retail_suite.promotions.engine import evaluate
from retail_suite.promotions.erpnext import till_promotions
from retail_suite.stores.calendar import StoreCalendar, parse_time
from retail_suite.tests.utils import demo_chain, reset_posdm

D = Decimal
LADDER = "_Test Fresh Ladder"
STEPS = [
	{"days_before_expiry": 2, "percent_off": 20},
	{"days_before_expiry": 1, "percent_off": 40},
	{"days_before_expiry": 0, "from_time": "18:00:00", "percent_off": 70},
]


class TestFreshMarkdownLadder(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		cls.chain = demo_chain()
		cls.item = [item for item in cls.chain.items if item.is_fresh][-1]
		cls.store = frappe.get_doc("Retail Store", cls.chain.stores[0].code)

	def tearDown(self) -> None:
		frappe.db.rollback()
		for name in frappe.get_all("Retail Promotion", {"source": "Markdown", "name": ["like", "MD-%"]}, pluck="name"):
			frappe.delete_doc("Retail Promotion", name, ignore_permissions=True, force=True)
		frappe.db.delete("Fresh Label")
		frappe.db.delete("Item Price", {"batch_no": ["is", "set"], "note": ["like", "Fresh markdown%"]})
		for name in frappe.get_all("Shrink Entry", {"source": "Expiry Job", "docstatus": 0}, pluck="name"):
			frappe.delete_doc("Shrink Entry", name, ignore_permissions=True, force=True)
		if frappe.db.exists("Fresh Markdown Ladder", LADDER):
			frappe.delete_doc("Fresh Markdown Ladder", LADDER, ignore_permissions=True, force=True)
		for batch in getattr(self, "blocked", []):
			frappe.db.set_value("Batch", batch, "disabled", 0)
		frappe.db.commit()

	def ladder(self, steps: list[dict], **fields) -> frappe.model.document.Document:
		return frappe.get_doc(
			{"doctype": "Fresh Markdown Ladder", "ladder_name": LADDER, "item_code": self.item.code, "near_expiry_days": 3,
				"steps": steps, **fields}
		)

	def test_bad_ladders_are_refused(self) -> None:
		with self.assertRaises(frappe.ValidationError) as raised:
			self.ladder([STEPS[1], STEPS[0]]).insert(ignore_permissions=True)
		self.assertIn("steps out of order: step 2 (2 days before expiry: 20 % off) does not start after step 1", str(raised.exception))
		with self.assertRaises(frappe.ValidationError) as raised:
			self.ladder(STEPS, shelf_life_days=-1).insert(ignore_permissions=True)
		self.assertIn("shelf life cannot be negative (-1 days)", str(raised.exception))
		self.ladder(STEPS).insert(ignore_permissions=True)
		with self.assertRaises(frappe.ValidationError) as raised:
			self.ladder(STEPS, ladder_name=LADDER + " 2").insert(ignore_permissions=True)
		self.assertIn("already follows ladder", str(raised.exception))

	def receive_batch(self, expiry) -> str:
		batch = f"_TEST-FRESH-{self.item.code}-{expiry:%y%m%d}"
		if not frappe.db.exists("Batch", batch):
			frappe.get_doc(
				{"doctype": "Batch", "batch_id": batch, "item": self.item.code, "manufacturing_date": add_days(expiry, -5),
					"expiry_date": expiry}
			).insert(ignore_permissions=True)
		frappe.db.set_value("Batch", batch, "disabled", 0)
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"company": self.chain.config.company,
				"items": [{"item_code": self.item.code, "qty": 10, "t_warehouse": self.store.warehouse, "basic_rate": self.item.cost,
					"batch_no": batch, "use_serial_batch_fields": 1}],
			}
		)
		entry.insert(ignore_permissions=True)
		entry.submit()
		return batch

	def test_markdown_reaches_the_till_price_and_posdm_audit(self) -> None:
		reset_posdm()
		doc = self.ladder(STEPS).insert(ignore_permissions=True)
		now = datetime.now(UTC)
		local = store_local(now, self.store.time_zone)
		expiry = local.date() + timedelta(days=1)
		if local.hour >= 23:  # keep clear of midnight, when the step changes under the test
			expiry += timedelta(days=1)
		batch = self.receive_batch(expiry)
		frappe.db.commit()

		summary = run_expiry_job(now.isoformat(), store=self.store.name)
		self.blocked = summary["blocked"]
		state = markdown_step(expiry, local, read_ladder(doc.as_dict(), [row.as_dict() for row in doc.steps]))
		self.assertEqual(state.phase, "markdown")
		current = [name for name in summary["promotions_created"] if name.startswith(f"MD-{self.store.name}-{local:%Y%m%d}")]
		self.assertTrue(current, summary)
		label = frappe.get_all("Fresh Label", {"batch_no": batch, "store": self.store.name}, ["percent_off", "promotion", "status"])
		self.assertEqual(len(label), 1)
		self.assertEqual((D(str(label[0].percent_off)), label[0].status), (state.percent, "To Print"))
		promotion = label[0].promotion
		self.assertIn(promotion, current)
		self.assertEqual(frappe.db.get_value("Retail Promotion", promotion, "source"), "Markdown")

		# the till: its promotion list has the markdown, and the engine prices the batch with it
		promotions = till_promotions(self.store.name, str(local.date()))
		self.assertIn(promotion, {p["name"] for p in promotions})
		price = D(str(frappe.db.get_value("Item Price", {"item_code": self.item.code, "price_list": self.store.price_list, "selling": 1, "batch_no": ["is", "not set"]}, "price_list_rate")))
		at = now.astimezone(ZoneInfo(self.store.time_zone)).replace(microsecond=0)
		lines = [{"line_id": 1, "item_code": self.item.code, "qty": "2", "unit_price": str(price), "batch_no": batch}]
		priced = evaluate(promotions, {"lines": lines}, {"at": at.isoformat(), "timezone": self.store.time_zone, "store": self.store.name})
		markdown = (price * 2 * state.percent / 100).quantize(D("0.01"))
		self.assertEqual(priced["lines"][0]["promotions"], [{"promotion": promotion, "amount": str(markdown)}])

		# ERPNext's own pricing: an Item Price for the batch at the markdown price, which ERPNext's price
		# lookup (the POS page's and every sales document's) gives for that batch and not for others
		marked = (price - (price * state.percent / 100).quantize(D("0.01"))).quantize(D("0.01"))
		# one price per marked-down batch of the store (the test's and any other batch of the item on a step)
		self.assertEqual(summary["batch_prices"], {"created": summary["labels"], "changed": 0})
		batch_price = frappe.get_all(
			"Item Price", {"item_code": self.item.code, "batch_no": batch, "price_list": self.store.price_list},
			["price_list_rate", "selling", "valid_upto", "note"],
		)
		self.assertEqual(len(batch_price), 1)
		self.assertEqual((D(str(batch_price[0].price_list_rate)), batch_price[0].selling, batch_price[0].valid_upto), (marked, 1, expiry))
		self.assertIn(f"{state.percent.normalize()} % off", batch_price[0].note)
		from erpnext.stock.get_item_details import get_price_list_rate_for

		uom = frappe.db.get_value("Item", self.item.code, "stock_uom")
		lookup = {"price_list": self.store.price_list, "uom": uom, "stock_uom": uom, "transaction_date": str(local.date()),
			"customer": frappe.db.get_value("POS Profile", {"warehouse": self.store.warehouse}, "customer")}
		self.assertEqual(D(str(get_price_list_rate_for({**lookup, "batch_no": batch}, self.item.code))), marked)
		self.assertEqual(D(str(get_price_list_rate_for({**lookup, "batch_no": None}, self.item.code))), price)

		# POSDM: the till's markdown passes audit; a till that forgot it is named
		calendar = StoreCalendar(self.store.time_zone, parse_time(self.store.business_day_cutoff) or parse_time("00:00"))
		business_day = calendar.business_day(at)
		terminal = frappe.get_all("POS Terminal", {"store": self.store.name}, pluck="name", order_by="name")[0]

		def sale(number: int, discount: Decimal, promotion_name: str | None) -> dict:
			line = {"line_id": 1, "item_code": self.item.code, "qty": 2, "unit_price": price, "discount": discount, "batch_no": batch}
			if promotion_name:
				line["discounts"] = [{"promotion": promotion_name, "amount": discount}]
			grand = price * 2 - discount
			return {"terminal": terminal, "business_day": str(business_day), "transaction_number": number, "type": "sale",
				"ended_at": at.isoformat(), "lines": [line], "tenders": [{"type": "card", "amount": grand}], "totals": {"grand": grand}}

		db = get_database()
		results = ingest_records(db, [sale(910001, markdown, promotion), sale(910002, D("0"), None)], "Offline Till")
		self.assertEqual([r.status for r in results], ["accepted", "accepted"], results)
		audit = run_audit(db, store=self.store.name)
		self.assertEqual(list(audit.findings), [results[1].name], audit.findings)
		self.assertEqual(audit.findings[results[1].name], [f"Line 1: promotion {promotion} gives {markdown} off, but the till gave none"])
		self.assertEqual(frappe.db.get_value("POS Transaction", results[0].name, "status"), "Audited")

		# the same hour again: nothing new
		again = run_expiry_job(now.isoformat(), store=self.store.name)
		self.assertEqual((again["promotions_created"], again["promotions_extended"], again["labels"]), ([], [], 0))
		self.assertEqual(again["batch_prices"], {"created": 0, "changed": 0})
		self.assertEqual(promotion_name(self.store.name, _segment_of(promotions, promotion)), promotion)
		reset_posdm()


def _segment_of(promotions: list[dict], name: str):
	"""The segment a markdown promotion was made for, read back from its definition."""
	from retail_suite.fresh.ladders import Segment

	found = next(p for p in promotions if p["name"] == name)
	window = found["window"]
	hours = (window.get("hours") or [{"start": "00:00", "end": "00:00"}])[0]
	start = int(hours["start"][:2]) * 60 + int(hours["start"][3:])
	end = int(hours["end"][:2]) * 60 + int(hours["end"][3:]) or 1440
	return Segment(getdate(window["valid_from"]), start, end, D(found["percent"]), 0)



class TestRunMarkdownsNow(FrappeTestCase):
	def test_only_managers_start_the_expiry_job(self) -> None:
		from retail_suite.fresh.erpnext import run_markdowns_now
		from retail_suite.tests.utils import make_user

		cashier = make_user("fresh.cashier@example.com", ["Retail Cashier"])
		manager = make_user("fresh.manager@example.com", ["Store Manager"])
		try:
			frappe.set_user(cashier)
			with self.assertRaises(frappe.PermissionError):
				run_markdowns_now()
			frappe.set_user(manager)
			with patch("frappe.enqueue") as enqueue:  # no job left in the queue of the test site
				run_markdowns_now("S001")
			kwargs = enqueue.call_args.kwargs
			self.assertEqual(enqueue.call_args.args, ("retail_suite.fresh.erpnext.run_expiry_job",))
			self.assertEqual((kwargs["queue"], kwargs["deduplicate"], kwargs["store"]), ("long", True, "S001"))
			self.assertTrue(kwargs["job_id"].startswith("retail_suite:fresh_markdowns:"))
		finally:
			frappe.set_user("Administrator")
