# Copyright (c) 2026, retail_suite developers
# License: MIT
"""Live site: a Member Tag Rule is refused with the row and field when it cannot work; the nightly job folds
the log into member statistics and tags exactly the matching customers; a Store Manager reads rules but
cannot change them or start a recompute."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate

from retail_suite.db import get_database
from retail_suite.demo.traffic import TrafficConfig, generate_traffic
from retail_suite.membership.erpnext_tags import preview, recompute_now, run_tagging
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records
from retail_suite.tests.utils import demo_chain, make_user, reset_posdm

PREFIX = "_Test Tag"
TODAY = getdate()
OTHER_MONTH = TODAY.month % 12 + 1


def make_customer(name: str, gender: str, birthday_month: int, disabled: int = 0) -> str:
	"""A member customer with a card (created once; attributes reset on every call)."""
	for gender_name in ("Female", "Male"):
		if not frappe.db.exists("Gender", gender_name):
			frappe.get_doc({"doctype": "Gender", "gender": gender_name}).insert(ignore_permissions=True)
	values = {
		"gender": gender,
		"disabled": disabled,
		"retail_card_number": f"CARD-{name}",
		"retail_birthday": TODAY.replace(year=1990, month=birthday_month, day=1),
		"retail_member_tags": None,  # a run stopped half-way must not leave a tag on the customer
	}
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"name": name,
				"customer_type": "Individual",
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
				**values,
			}
		).insert(ignore_permissions=True, set_name=name)
	frappe.db.set_value("Customer", name, values)
	return name


def condition(field: str, operator: str, value: str, value_to: str | None = None) -> dict:
	return {"field": field, "operator": operator, "value": value, "value_to": value_to}


class TestMemberTagRule(FrappeTestCase):
	@classmethod
	def setUpClass(cls) -> None:
		super().setUpClass()
		demo_chain()
		frappe.db.delete("Retail Member Tag", {"tag": ["like", f"{PREFIX}%"]})
		for name in frappe.get_all("Member Tag Rule", {"name": ["like", f"{PREFIX}%"]}, pluck="name"):
			frappe.delete_doc("Member Tag Rule", name, force=True)
		cls.members = {
			"ada": make_customer(f"{PREFIX} Ada", "Female", TODAY.month),
			"bob": make_customer(f"{PREFIX} Bob", "Male", TODAY.month),
			"cat": make_customer(f"{PREFIX} Cat", "Female", OTHER_MONTH),
			"dot": make_customer(f"{PREFIX} Dot", "Female", TODAY.month, disabled=1),
		}
		frappe.db.commit()

	def tearDown(self) -> None:
		frappe.set_user("Administrator")

	def test_a_rule_that_cannot_work_is_refused_naming_the_row_and_field(self) -> None:
		rule = frappe.get_doc(
			{
				"doctype": "Member Tag Rule",
				"tag": f"{PREFIX} Spring",
				"conditions": [condition("Age", ">=", "18"), condition("Birthday Month", "=", "13")],
			}
		)
		with self.assertRaisesRegex(
			frappe.ValidationError, r"Condition 2 \(Birthday Month\): 13 is outside 1–12"
		):
			rule.insert()
		rule.conditions[1].value = "3"
		rule.append("conditions", condition("Total Spend", "=", "100"))
		with self.assertRaisesRegex(
			frappe.ValidationError, r"Condition 3 \(Total Spend\): operator = is not allowed"
		):
			rule.insert()
		rule.conditions[2].operator = ">="
		rule.append("conditions", condition("Preferred Item Group", "=", "No Such Group"))
		with self.assertRaisesRegex(frappe.ValidationError, r"no Item Group named .{1,6}No Such Group"):
			rule.insert()
		self.assertFalse(frappe.db.exists("Member Tag Rule", f"{PREFIX} Spring"))

	def test_tags_exactly_the_matching_customers_and_only_changes_what_changed(self) -> None:
		tag = f"{PREFIX} Birthday Women"
		frappe.get_doc(
			{
				"doctype": "Member Tag Rule",
				"tag": tag,
				"conditions": [
					condition("Birthday Month", "=", str(TODAY.month)),
					condition("Gender", "=", "Female"),
				],
			}
		).insert()
		frappe.db.commit()
		self.assertEqual(
			preview({"tag": tag, "conditions": [condition("Gender", "=", "Female")]})["rule"],
			"Gender = Female",
		)

		run_tagging()
		mine = set(self.members.values())
		tagged = set(frappe.get_all("Retail Member Tag", {"tag": tag}, pluck="member"))
		self.assertEqual(tagged & mine, {self.members["ada"]})
		self.assertIn(f",{tag},", frappe.db.get_value("Customer", self.members["ada"], "retail_member_tags"))
		self.assertFalse(frappe.db.get_value("Customer", self.members["cat"], "retail_member_tags"))
		self.assertEqual(frappe.db.get_value("Member Tag Rule", tag, "matched_members"), len(tagged))
		self.assertEqual(preview(frappe.get_doc("Member Tag Rule", tag).as_dict())["matched"], len(tagged))

		# Cat's birthday moves into this month: the next run adds her and leaves Ada's row as it was
		ada_row = frappe.db.get_value(
			"Retail Member Tag", {"tag": tag, "member": self.members["ada"]}, "name"
		)
		frappe.db.set_value(
			"Customer", self.members["cat"], "retail_birthday", TODAY.replace(year=1991, day=1)
		)
		frappe.db.commit()
		result = run_tagging()
		self.assertEqual(result["tags"][tag], len(tagged) + 1)
		self.assertEqual(
			frappe.db.get_value("Retail Member Tag", {"tag": tag, "member": self.members["ada"]}, "name"),
			ada_row,
		)
		self.assertIn(f",{tag},", frappe.db.get_value("Customer", self.members["cat"], "retail_member_tags"))

		# disabling the rule takes its tags away
		frappe.db.set_value("Member Tag Rule", tag, "enabled", 0)
		frappe.db.commit()
		run_tagging()
		self.assertFalse(frappe.get_all("Retail Member Tag", {"tag": tag}))
		self.assertFalse(frappe.db.get_value("Customer", self.members["ada"], "retail_member_tags"))

		# a rule can be deleted while it has tags: they go with it
		frappe.db.set_value("Member Tag Rule", tag, "enabled", 1)
		run_tagging()
		self.assertTrue(frappe.get_all("Retail Member Tag", {"tag": tag}))
		frappe.delete_doc("Member Tag Rule", tag)
		self.assertFalse(frappe.get_all("Retail Member Tag", {"tag": tag}))
		self.assertFalse(frappe.db.get_value("Customer", self.members["ada"], "retail_member_tags"))

	def test_statistics_are_the_log_folded(self) -> None:
		chain = demo_chain()
		reset_posdm()
		traffic = generate_traffic(
			chain,
			days=1,
			seed=chain.config.seed + 41,
			config=TrafficConfig(transactions_per_terminal_day=10, faults=False),
		)
		business_day = TODAY - timedelta(days=2)
		records = traffic.records()
		shift = (business_day - chain.config.start_date).days
		for record in records:
			record["business_day"] = business_day.isoformat()
			for key in ("started_at", "ended_at"):
				if record.get(key):
					record[key] = (frappe.utils.get_datetime(record[key]) + timedelta(days=shift)).isoformat()
			record["transaction_number"] += 4_100_000
			if record.get("original"):
				record["original"]["business_day"] = business_day.isoformat()
				record["original"]["transaction_number"] += 4_100_000
		db = get_database()
		ingest_records(db, records, source="Offline Till")
		run_audit(db)
		frappe.db.commit()
		run_tagging(full=True)
		expected = frappe.db.sql(
			"""
			SELECT txn.member, SUM(txn.net_total) AS spend,
				SUM(CASE WHEN txn.transaction_type = 'Return' THEN 0 ELSE 1 END) AS visits
			FROM `tabPOS Transaction` txn
			WHERE txn.status IN ('Audited', 'Posted') AND txn.transaction_type IN ('Sale', 'Return', 'Exchange')
				AND IFNULL(txn.member, '') <> ''
			GROUP BY txn.member
			""",
			as_dict=True,
		)
		self.assertTrue(expected, "the generated day has member baskets")
		for row in expected:
			stats = frappe.db.get_value(
				"Retail Member Stats", row.member, ["total_spend", "visits"], as_dict=True
			)
			self.assertAlmostEqual(float(stats.total_spend), float(row.spend), places=2)
			self.assertEqual(stats.visits, int(row.visits))
		self.assertEqual(
			frappe.db.count("POS Transaction", {"member_stats_applied": 1}),
			sum(
				1
				for _ in frappe.get_all(
					"POS Transaction",
					{
						"status": ["in", ["Audited", "Posted"]],
						"member": ["is", "set"],
						"transaction_type": ["in", ["Sale", "Return", "Exchange"]],
					},
				)
			),
		)

	def test_store_manager_reads_rules_but_cannot_change_them_or_recompute(self) -> None:
		manager = make_user("tag-store-manager@example.com", ["Store Manager"])
		frappe.set_user(manager)
		self.assertTrue(frappe.has_permission("Member Tag Rule", "read"))
		self.assertFalse(frappe.has_permission("Member Tag Rule", "write"))
		self.assertFalse(frappe.has_permission("Member Tag Rule", "create"))
		with self.assertRaises(frappe.PermissionError):
			recompute_now()
		frappe.set_user("Administrator")
		retail_manager = make_user("tag-retail-manager@example.com", ["Retail Manager"])
		frappe.set_user(retail_manager)
		self.assertTrue(frappe.has_permission("Member Tag Rule", "create"))
		frappe.set_user("Administrator")
		cashier = make_user("tag-cashier@example.com", ["Retail Cashier"])
		frappe.set_user(cashier)
		self.assertFalse(frappe.has_permission("Retail Member Stats", "read"))
		with self.assertRaises(frappe.PermissionError):
			preview({"tag": "X", "conditions": [condition("Gender", "=", "Female")]})
