"""Member statistics and tags on real MariaDB: a member set with known attributes and purchases, folded and
tagged; exactly the expected members per tag; the fold is idempotent; a new day folds incrementally and
matches a full recompute; voids after the fold are taken back; a bad rule is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import insert_rows
from retail_suite.membership.member_stats import fold_transactions, recompute_all
from retail_suite.membership.tag_rules import MATCH_ANY, Condition, RuleInvalid, TagRule
from retail_suite.membership.tagging import assign_tags, count_matching, member_tags, save_rule

AS_OF = date(2026, 11, 30)
NEXT_DAY = date(2026, 12, 1)
NOW = datetime(2026, 11, 30, 23, 0)
ITEMS = {"MILK": "Dairy", "BREAD": "Bakery", "WINE": "Wine", "CHEESE": "Dairy"}


@dataclass
class Member:
	code: str
	gender: str | None
	birthday: date | None
	card: bool = True
	disabled: bool = False
	home_store: str = "S001"


MEMBERS = [
	Member("M-AVA", "Female", date(1990, 3, 15)),  # 36: frequent wine buyer
	Member("M-BEN", "Male", date(1950, 11, 2), home_store="S002"),  # 76: one sale in May, lapsed
	Member("M-CLEO", "Female", date(2000, 11, 20)),  # 26: dairy, and a return the next day
	Member("M-DAN", "Other", date(1985, 11, 9)),  # no purchases yet
	Member("M-EVE", "Female", date(1970, 11, 1), disabled=True),  # disabled: never tagged
	Member("M-FAY", None, date(1995, 6, 1), card=False),  # no card, buys as a member: a member
	Member("C-WALKIN", None, date(1980, 11, 5), card=False),  # no card, no purchases: not a member
]


@dataclass
class Log:
	"""Transactions written straight into the log, numbered per day."""

	db: MariaDBDatabase
	numbers: dict[date, int] = field(default_factory=dict)

	def add(
		self,
		member: str | None,
		day: date,
		lines: list[tuple[str, str]],
		kind: str = "Sale",
		status: str = "Audited",
	) -> str:
		number = self.numbers[day] = self.numbers.get(day, 0) + 1
		name = f"T01-{day:%Y%m%d}-{number:06d}"
		direction = -1 if kind == "Return" else 1
		net_total = sum(Decimal(amount) for _, amount in lines) * direction
		insert_rows(
			self.db,
			"tabPOS Transaction",
			(
				"name",
				"transaction_key",
				"terminal",
				"store",
				"business_day",
				"transaction_number",
				"transaction_type",
				"status",
				"member",
				"net_total",
				"grand_total",
				"creation",
				"modified",
			),
			[(name, name, "T01", "S001", day, number, kind, status, member, net_total, net_total, NOW, NOW)],
		)
		insert_rows(
			self.db,
			"tabPOS Transaction Line",
			(
				"name",
				"parent",
				"parentfield",
				"parenttype",
				"idx",
				"line_id",
				"item_code",
				"qty",
				"net_amount",
				"direction",
			),
			[
				(
					f"{name}-L{idx}",
					name,
					"lines",
					"POS Transaction",
					idx,
					idx,
					item,
					1,
					Decimal(amount),
					direction,
				)
				for idx, (item, amount) in enumerate(lines, 1)
			],
		)
		return name


# --- fixtures ----------------------------------------------------------------------------------------------------


@pytest.fixture
def member_db(empty_database: DatabaseSettings) -> Iterator[MariaDBDatabase]:
	db = MariaDBDatabase(empty_database)
	schema.migrate(db)
	insert_rows(
		db,
		"tabItem Group",
		("name", "item_group_name"),
		[(group, group) for group in sorted(set(ITEMS.values()))],
	)
	insert_rows(
		db,
		"tabItem",
		("name", "item_code", "item_group"),
		[(code, code, group) for code, group in ITEMS.items()],
	)
	insert_rows(db, "tabRetail Store", ("name", "store_code"), [("S001", "S001"), ("S002", "S002")])
	insert_rows(
		db,
		"tabCustomer",
		(
			"name",
			"customer_name",
			"gender",
			"disabled",
			"retail_card_number",
			"retail_birthday",
			"retail_join_date",
			"retail_home_store",
			"modified",
		),
		[
			(
				m.code,
				m.code.title(),
				m.gender,
				int(m.disabled),
				f"CARD-{m.code}" if m.card else None,
				m.birthday,
				date(2020, 1, 1),
				m.home_store,
				NOW,
			)
			for m in MEMBERS
		],
	)
	yield db
	db.close()


@pytest.fixture
def log(member_db: MariaDBDatabase) -> Log:
	"""The purchases every test starts from (as of 2026-11-30), and some that must not count."""
	log = Log(member_db)
	for days_ago in (1, 5, 12, 20, 33, 60):  # Ava: six wine sales in the last 90 days, 600.00
		log.add("M-AVA", AS_OF - timedelta(days=days_ago), [("WINE", "80.00"), ("BREAD", "20.00")])
	log.add("M-AVA", AS_OF - timedelta(days=200), [("MILK", "10.00")])  # before the window: 610.00 in all
	log.add("M-BEN", date(2026, 5, 1), [("CHEESE", "30.00"), ("MILK", "20.00")])  # Ben: 50.00, lapsed
	log.add("M-CLEO", AS_OF - timedelta(days=1), [("MILK", "25.00"), ("BREAD", "5.00")])  # Cleo: 30.00 …
	log.add("M-CLEO", AS_OF, [("MILK", "10.00")], kind="Return")  # … less a 10.00 return: 20.00, one visit
	log.add("M-EVE", AS_OF - timedelta(days=3), [("WINE", "300.00")])  # disabled, but has statistics
	log.add("M-FAY", AS_OF - timedelta(days=40), [("BREAD", "80.00")], status="Posted")
	# not counted: not yet audited, in error, voided, a void itself, no member
	log.add("M-AVA", AS_OF, [("WINE", "999.00")], status="Received")
	log.add("M-BEN", AS_OF, [("WINE", "999.00")], status="Error")
	log.add("M-DAN", AS_OF, [("WINE", "999.00")], status="Voided")
	log.add("M-DAN", AS_OF, [("WINE", "999.00")], kind="Void", status="Voided")
	log.add(None, AS_OF, [("WINE", "999.00")])
	return log


def rule(tag: str, *conditions: tuple, match: str = "All conditions") -> TagRule:
	return TagRule(
		tag, match, tuple(Condition(row, *condition) for row, condition in enumerate(conditions, 1))
	)


RULES = [
	rule("VIP", ("Total Spend", ">=", "500"), ("Visits in Last 90 Days", ">=", "5")),
	rule("Lapsed", ("Days Since Last Visit", ">=", "90")),
	rule("Birthday Month", ("Birthday Month", "=", "11")),
	rule("Young Dairy", ("Age", "<=", "30"), ("Preferred Item Group", "=", "Dairy")),
	rule("Not Male", ("Gender", "!=", "Male")),
	rule("Top Spenders", ("Monetary Score (1-5)", ">=", "3")),
	rule(
		"S002 or Wine", ("Home Store", "=", "S002"), ("Preferred Item Group", "in", "Wine"), match=MATCH_ANY
	),
]
EXPECTED = {
	"VIP": {"M-AVA"},
	"Lapsed": {"M-BEN"},
	"Birthday Month": {"M-BEN", "M-CLEO", "M-DAN"},  # not Eve (disabled), not the walk-in (no member)
	"Young Dairy": {"M-CLEO"},
	"Not Male": {"M-AVA", "M-CLEO", "M-DAN", "M-FAY"},  # Fay has no gender recorded: "not Male" too
	# monetary ranks all five with statistics: Cleo 20 (1), Ben 50 (2), Fay 80 (3), Eve 300 (4), Ava 610 (5)
	"Top Spenders": {"M-FAY", "M-AVA"},
	"S002 or Wine": {"M-BEN", "M-AVA"},
}


def save_rules(db: MariaDBDatabase) -> None:
	for tag_rule in RULES:
		save_rule(db, tag_rule)


def stats_snapshot(db: MariaDBDatabase) -> dict[str, list[dict[str, Any]]]:
	"""The statistics tables without their row stamps."""
	return {
		"stats": db.sql(
			"SELECT stats.member, stats.first_visit, stats.last_visit, stats.visits, stats.total_spend, "
			"stats.preferred_item_group, stats.visits_90d, stats.spend_90d, stats.recency_score, stats.frequency_score, "
			"stats.monetary_score, stats.scored_on FROM `tabRetail Member Stats` stats ORDER BY stats.member"
		),
		"days": db.sql(
			"SELECT visit_day.name, visit_day.member, visit_day.business_day, visit_day.visits, visit_day.spend "
			"FROM `tabRetail Member Visit Day` visit_day ORDER BY visit_day.member, visit_day.business_day"
		),
		"groups": db.sql(
			"SELECT group_spend.name, group_spend.member, group_spend.item_group, group_spend.spend "
			"FROM `tabRetail Member Group Spend` group_spend ORDER BY group_spend.member, group_spend.item_group"
		),
	}


def customer_tags(db: MariaDBDatabase) -> dict[str, str | None]:
	return {
		row["name"]: row["retail_member_tags"]
		for row in db.sql("SELECT customer.name, customer.retail_member_tags FROM `tabCustomer` customer")
	}


def flags(db: MariaDBDatabase) -> dict[str, int]:
	return {
		row["name"]: row["member_stats_applied"]
		for row in db.sql("SELECT txn.name, txn.member_stats_applied FROM `tabPOS Transaction` txn")
	}


# --- tests -------------------------------------------------------------------------------------------------------


def test_fold_and_tag_give_exactly_the_expected_members(member_db: MariaDBDatabase, log: Log) -> None:
	save_rules(member_db)
	stages: list[tuple[str, int]] = []
	ticks: list[tuple[str, int]] = []

	def progress(stage: str, total: int):
		stages.append((stage, total))
		return lambda what, units: ticks.append((what, units))

	folded = fold_transactions(member_db, progress=progress, batch_size=4)
	assert (folded.folded, folded.unfolded, folded.members) == (12, 0, 5)
	assert stages[0] == ("Member statistics", 12)
	assert sum(units for what, units in ticks if what == "transactions") == 12

	summary = assign_tags(member_db, AS_OF, progress=progress)
	assert not [result.problems for result in summary.rules if result.problems]
	assert member_tags(member_db) == EXPECTED
	assert {result.tag: result.matched for result in summary.rules} == {
		tag: len(m) for tag, m in EXPECTED.items()
	}
	assert summary.removed == 0 and summary.added == sum(len(members) for members in EXPECTED.values())

	stats = {row["member"]: row for row in stats_snapshot(member_db)["stats"]}
	ava = stats["M-AVA"]
	assert (ava["visits"], ava["total_spend"], ava["preferred_item_group"]) == (7, Decimal("610"), "Wine")
	assert (ava["first_visit"], ava["last_visit"]) == (AS_OF - timedelta(days=200), AS_OF - timedelta(days=1))
	assert (ava["visits_90d"], ava["spend_90d"], ava["scored_on"]) == (6, Decimal("600"), AS_OF)
	cleo = stats["M-CLEO"]
	# the return lowers spend and is no visit: the last visit stays the sale's day
	assert (cleo["visits"], cleo["total_spend"], cleo["last_visit"]) == (
		1,
		Decimal("20"),
		AS_OF - timedelta(days=1),
	)
	assert cleo["preferred_item_group"] == "Dairy"
	assert {member: row["monetary_score"] for member, row in stats.items()} == {
		"M-CLEO": 1,
		"M-BEN": 2,
		"M-FAY": 3,
		"M-EVE": 4,
		"M-AVA": 5,
	}
	assert stats["M-BEN"]["recency_score"] == 1 and stats["M-BEN"]["visits_90d"] == 0
	assert "M-DAN" not in stats  # only voided purchases

	tags = customer_tags(member_db)
	assert tags["M-AVA"] == ",Not Male,S002 or Wine,Top Spenders,VIP,"
	assert tags["M-BEN"] == ",Birthday Month,Lapsed,S002 or Wine,"
	assert tags["M-EVE"] is None and tags["C-WALKIN"] is None
	# the list filter "like %,VIP,%" finds exactly the VIPs
	vips = member_db.sql(
		"SELECT customer.name FROM `tabCustomer` customer WHERE customer.retail_member_tags LIKE '%,VIP,%'"
	)
	assert [row["name"] for row in vips] == ["M-AVA"]
	rule_rows = member_db.sql(
		"SELECT tag_rule.name, tag_rule.matched_members FROM `tabMember Tag Rule` tag_rule"
	)
	assert {row["name"]: row["matched_members"] for row in rule_rows} == {
		tag: len(m) for tag, m in EXPECTED.items()
	}

	# a second run on the same day changes nothing and touches no customer
	again = assign_tags(member_db, AS_OF)
	assert (again.added, again.removed, again.members_changed) == (0, 0, 0)
	assert member_tags(member_db) == EXPECTED


def test_fold_is_idempotent(member_db: MariaDBDatabase, log: Log) -> None:
	first = fold_transactions(member_db)
	assign_tags(member_db, AS_OF)
	snapshot = stats_snapshot(member_db)
	second = fold_transactions(member_db)
	assert (second.folded, second.unfolded) == (0, 0)
	assign_tags(member_db, AS_OF)
	assert stats_snapshot(member_db) == snapshot
	assert first.folded == 12
	counted = {name for name, flag in flags(member_db).items() if flag}
	assert len(counted) == 12


def test_new_day_folds_incrementally_and_matches_a_full_recompute(
	member_db: MariaDBDatabase, log: Log
) -> None:
	save_rules(member_db)
	fold_transactions(member_db)
	assign_tags(member_db, AS_OF)
	before_flags = flags(member_db)
	customers_before = {
		row["name"]: row["modified"]
		for row in member_db.sql("SELECT customer.name, customer.modified FROM `tabCustomer` customer")
	}
	ava_sale = f"T01-{AS_OF - timedelta(days=1):%Y%m%d}-000001"  # Ava's sale a day ago
	assert before_flags[ava_sale] == 1

	# the next day: Dan buys for the first time, Ben comes back, a void arrives for one of Ava's folded sales
	new = [
		log.add("M-DAN", NEXT_DAY, [("CHEESE", "40.00")]),
		log.add("M-BEN", NEXT_DAY, [("WINE", "15.00")]),
		log.add("M-DAN", NEXT_DAY, [("BREAD", "4.00")], status="Received"),  # not audited yet
	]
	member_db.execute("UPDATE `tabPOS Transaction` SET status = 'Voided' WHERE name = %s", (ava_sale,))
	incremental = fold_transactions(member_db)
	assert (incremental.folded, incremental.unfolded, incremental.members) == (2, 1, 3)
	after_flags = flags(member_db)
	changed = {name for name in after_flags if after_flags[name] != before_flags.get(name, 0)}
	assert changed == {new[0], new[1], ava_sale}  # nothing else was read back or rewritten
	assert after_flags[new[2]] == 0

	summary = assign_tags(member_db, NEXT_DAY)
	incremental_snapshot = stats_snapshot(member_db)
	incremental_tags = member_tags(member_db)
	# Ben came back: no longer lapsed; Ava keeps VIP with 5 visits in the window after the void
	assert incremental_tags == {**{tag: m for tag, m in EXPECTED.items() if tag != "Lapsed"}}
	stats = {row["member"]: row for row in incremental_snapshot["stats"]}
	assert (stats["M-AVA"]["visits"], stats["M-AVA"]["visits_90d"], stats["M-AVA"]["total_spend"]) == (
		6,
		5,
		Decimal("510"),
	)
	assert (
		stats["M-DAN"]["visits"],
		stats["M-DAN"]["first_visit"],
		stats["M-DAN"]["preferred_item_group"],
	) == (
		1,
		NEXT_DAY,
		"Dairy",
	)
	assert (stats["M-BEN"]["last_visit"], stats["M-BEN"]["preferred_item_group"]) == (NEXT_DAY, "Dairy")
	assert (summary.added, summary.removed, summary.members_changed) == (0, 1, 1)
	customers_after = {
		row["name"]: row["modified"]
		for row in member_db.sql("SELECT customer.name, customer.modified FROM `tabCustomer` customer")
	}
	assert {name for name in customers_before if customers_after[name] != customers_before[name]} == {"M-BEN"}

	full = recompute_all(member_db, batch_size=3)
	assert (full.folded, full.unfolded) == (13, 0)
	assign_tags(member_db, NEXT_DAY)
	assert stats_snapshot(member_db) == incremental_snapshot
	assert member_tags(member_db) == incremental_tags


def test_a_bad_rule_is_refused_before_any_write(member_db: MariaDBDatabase) -> None:
	with pytest.raises(RuleInvalid) as raised:
		save_rule(
			member_db, rule("Spring", ("Birthday Month", "between", "5", "3"), ("Shoe Size", "=", "42"))
		)
	assert raised.value.problems == [
		"Condition 1 (Birthday Month): from 5 is greater than to 3; no member can match — swap them",
		"Condition 2: 'Shoe Size' is not a field rules know; choose one of "
		+ raised.value.problems[1].split("one of ")[1],
	]
	with pytest.raises(RuleInvalid, match=r"Condition 1 \(Home Store\): no Retail Store named 'S999'"):
		save_rule(member_db, rule("Far Away", ("Home Store", "=", "S999")))
	assert member_db.sql("SELECT COUNT(*) AS n FROM `tabMember Tag Rule`")[0]["n"] == 0


def test_disabled_rule_loses_its_tags_and_preview_counts(member_db: MariaDBDatabase, log: Log) -> None:
	save_rules(member_db)
	fold_transactions(member_db)
	assign_tags(member_db, AS_OF)
	assert count_matching(member_db, RULES[2], AS_OF) == 3
	member_db.execute("UPDATE `tabMember Tag Rule` SET enabled = 0 WHERE name = 'Birthday Month'")
	summary = assign_tags(member_db, AS_OF)
	assert summary.retired == 3
	assert "Birthday Month" not in member_tags(member_db)
	assert customer_tags(member_db)["M-DAN"] == ",Not Male,"
	# a rule broken around the form is skipped with its problems; its tags stay
	member_db.execute(
		"UPDATE `tabMember Tag Rule Condition` SET value = '130' WHERE parent = 'Young Dairy' AND idx = 1"
	)
	summary = assign_tags(member_db, AS_OF)
	broken = next(result for result in summary.rules if result.tag == "Young Dairy")
	assert broken.problems == ["Condition 1 (Age): 130 is outside 0–120; write years, 0–120"]
	assert member_tags(member_db)["Young Dairy"] == {"M-CLEO"}


def test_members_tag_command(member_db: MariaDBDatabase, log: Log, empty_database: DatabaseSettings) -> None:
	save_rules(member_db)
	env = {
		**os.environ,
		"COLUMNS": "120",
		"RETAIL_SUITE_DB": f"mariadb://{empty_database.user}@{empty_database.host}:{empty_database.port}/{empty_database.database}",
	}
	command = [sys.executable, "-m", "retail_suite.cli", "members", "tag", "--as-of", AS_OF.isoformat()]
	result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
	assert result.returncode == 0, result.stderr
	assert "12 transactions folded" in result.stdout
	for tag, members in EXPECTED.items():
		assert any(
			tag in line and f" {len(members)} " in f" {line} " for line in result.stdout.splitlines()
		), tag
	assert member_tags(member_db) == EXPECTED
	full = subprocess.run([*command, "--full"], capture_output=True, text=True, env=env, timeout=300)
	assert full.returncode == 0, full.stderr
	assert "full recompute" in full.stdout and "12 transactions folded" in full.stdout
	assert member_tags(member_db) == EXPECTED


def test_a_member_with_a_very_long_name_is_folded(member_db: MariaDBDatabase) -> None:
	"""Row names start with the member; a name too long for that (Frappe's name is 140 characters) gets an MD5."""
	long_name = "M-" + "Long" * 33  # 134 characters
	insert_rows(
		member_db,
		"tabCustomer",
		("name", "customer_name", "retail_card_number"),
		[(long_name, "Long", "CARD-L")],
	)
	log = Log(member_db)
	log.add(long_name, AS_OF, [("WINE", "12.00"), ("MILK", "3.00")])
	assert fold_transactions(member_db).folded == 1
	stats = stats_snapshot(member_db)
	assert [(row["member"], row["total_spend"], row["preferred_item_group"]) for row in stats["stats"]] == [
		(long_name, Decimal("15"), "Wine")
	]
	assert all(len(row["name"]) == 32 for row in stats["days"] + stats["groups"])
