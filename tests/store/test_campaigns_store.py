"""Member campaigns on real MariaDB: a birthday campaign issues one coupon per member born in the week who
agrees to marketing, never twice in a period; 29 February birthdays are kept on 28 February; slow-mover
coupons go to tagged members; a coupon presented at the till is recorded as redeemed and the member's sales
after the coupon are summed; the `retail-suite campaign run` command."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import insert_rows
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.demo.standalone import write_chain
from retail_suite.membership.campaign_rules import period_key
from retail_suite.membership.campaigns import campaign_summary, load_campaigns, run_campaigns
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records

CHAIN_CONFIG = DemoConfig(stores=1, skus=60, members=400, seed=9, terminals_per_store=1)
AS_OF = date(2026, 11, 18)  # a Wednesday: the ISO week 2026-W47 runs Monday 16 to Sunday 22 November
WEEK = [date(2026, 11, 16) + timedelta(days=offset) for offset in range(7)]


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(CHAIN_CONFIG)


@pytest.fixture
def campaign_db(empty_database: DatabaseSettings, chain: Chain) -> Iterator[MariaDBDatabase]:
	db = MariaDBDatabase(empty_database)
	schema.migrate(db)
	write_chain(db, chain)
	yield db
	db.close()


def add_campaign(db: MariaDBDatabase, name: str, **values: Any) -> None:
	row = {
		"campaign_name": name,
		"campaign_type": "Birthday Care",
		"enabled": 1,
		"period": "Year",
		"target_tags": None,
		"promotion": "BDAY-10",
		"coupon_prefix": "BDAY",
		"follow_up_days": 30,
		"channel": "Email",
		"subject": "A gift for you, {{ member_name }}",
		"message": "Happy birthday, {{member_name}}! Show coupon {{ coupon_code }} at the till.",
		**values,
	}
	now = datetime.now()
	columns = ("name", *row, "creation", "modified", "owner", "modified_by")
	insert_rows(
		db, "tabRetail Campaign", columns, [(name, *row.values(), now, now, "Administrator", "Administrator")]
	)


def members(db: MariaDBDatabase) -> dict[str, dict[str, Any]]:
	return {
		row["name"]: row
		for row in db.sql(
			"SELECT name, customer_name, retail_birthday, retail_marketing_consent, disabled FROM `tabCustomer`"
		)
	}


def issued(db: MariaDBDatabase, campaign: str) -> list[dict[str, Any]]:
	return db.sql(
		"SELECT member, member_name, period_key, coupon_code, promotion, issued_on, follow_up_until, message_status, "
		"subject, message, redeemed_transaction, redeemed_on, sales_after FROM `tabRetail Campaign Member` "
		"WHERE campaign = %s ORDER BY member",
		(campaign,),
	)


def born_in(week: list[date], birthday: date) -> bool:
	"""Independently of the code: the birthday's date in each day's year, 29 February on the 28th when missing."""
	for day in week:
		try:
			celebrated = birthday.replace(year=day.year)
		except ValueError:
			celebrated = date(day.year, 2, 28)
		if celebrated == day:
			return True
	return False


def set_member(db: MariaDBDatabase, member: str, **values: Any) -> None:
	sets = ", ".join(f"`{column}` = %s" for column in values)
	db.execute(f"UPDATE `tabCustomer` SET {sets} WHERE name = %s", (*values.values(), member))


def sale(
	db: MariaDBDatabase, chain: Chain, number: int, day: date, member: str, amount_items: int, coupons=()
) -> str:
	"""A sale of `amount_items` × the first item, ingested and audited; returns its name."""
	terminal = db.sql("SELECT name FROM `tabPOS Terminal` ORDER BY name LIMIT 1")[0]["name"]
	item = chain.items[0]
	price = Decimal(str(item.price))
	gross = (price * amount_items).quantize(Decimal("0.01"))
	record = {
		"terminal": terminal,
		"business_day": day.isoformat(),
		"transaction_number": number,
		"type": "sale",
		"ended_at": f"{day.isoformat()}T15:00:00+00:00",
		"member": member,
		"coupons": list(coupons),
		"lines": [{"line_id": 1, "item_code": item.code, "qty": amount_items, "unit_price": price}],
		"tenders": [{"type": "card", "amount": gross}],
		"totals": {"grand": gross},
	}
	(result,) = ingest_records(db, [record], "Offline Till")
	assert result.status == "accepted", result
	run_audit(db)
	return result.name


# --- tests -------------------------------------------------------------------------------------------------


def test_birthday_care_reaches_each_member_born_in_the_week_once(campaign_db: MariaDBDatabase) -> None:
	db = campaign_db
	everyone = members(db)
	born = sorted(name for name, row in everyone.items() if born_in(WEEK, row["retail_birthday"]))
	consenting = [name for name in born if everyone[name]["retail_marketing_consent"]]
	refusing = [name for name in born if not everyone[name]["retail_marketing_consent"]]
	assert len(consenting) >= 3 and refusing, (
		"the chain should have birthdays with and without consent this week"
	)
	add_campaign(db, "Birthday 2026")

	(run,) = run_campaigns(db, AS_OF)
	rows = issued(db, "Birthday 2026")
	assert [row["member"] for row in rows] == consenting
	assert run.issued == len(consenting) and run.period_key == "2026"
	codes = [row["coupon_code"] for row in rows]
	assert len(set(codes)) == len(codes) and all(
		code.startswith("BDAY-") and len(code) == 15 for code in codes
	)
	first = rows[0]
	assert first["promotion"] == "BDAY-10" and first["issued_on"] == AS_OF
	assert first["follow_up_until"] == AS_OF + timedelta(days=30)
	assert first["subject"] == f"A gift for you, {first['member_name']}"
	assert (
		first["message"]
		== f"Happy birthday, {first['member_name']}! Show coupon {first['coupon_code']} at the till."
	)
	assert {row["message_status"] for row in rows} <= {"Pending", "No contact"}

	# the same week, the next day, and a later week of the same year: nobody gets it twice in 2026
	before = db.sql("CHECKSUM TABLE `tabRetail Campaign Member`")
	(again,) = run_campaigns(db, AS_OF + timedelta(days=1))
	assert again.issued == 0
	assert db.sql("CHECKSUM TABLE `tabRetail Campaign Member`") == before
	for member in consenting[:2]:  # even when a member's birthday is moved into a later week of 2026
		set_member(db, member, retail_birthday=date(1990, 12, 9))
	(later,) = run_campaigns(db, date(2026, 12, 9))
	assert not {row["member"] for row in issued(db, "Birthday 2026") if row["issued_on"] > AS_OF} & set(
		consenting
	)
	assert later.issued == len({row["member"] for row in issued(db, "Birthday 2026")}) - len(consenting)
	# next year the members are reached again, with new codes
	set_member(db, consenting[0], retail_birthday=date(1990, 11, 17))
	(next_year,) = run_campaigns(db, date(2027, 11, 17))
	reached = {
		row["member"]: row["coupon_code"]
		for row in issued(db, "Birthday 2026")
		if row["period_key"] == "2027"
	}
	assert consenting[0] in reached and next_year.issued == len(reached)
	assert reached[consenting[0]] != codes[0]


def test_members_without_consent_or_disabled_are_skipped(campaign_db: MariaDBDatabase) -> None:
	db = campaign_db
	chosen = sorted(members(db))[:3]
	for member in chosen:
		set_member(db, member, retail_birthday=date(1985, 11, 19), retail_marketing_consent=1, disabled=0)
	set_member(db, chosen[1], retail_marketing_consent=0)
	set_member(db, chosen[2], disabled=1)
	add_campaign(db, "Birthday")
	run_campaigns(db, AS_OF)
	reached = {row["member"] for row in issued(db, "Birthday")}
	assert chosen[0] in reached and chosen[1] not in reached and chosen[2] not in reached


def test_29_february_birthdays(campaign_db: MariaDBDatabase) -> None:
	db = campaign_db
	leapling = sorted(members(db))[5]
	set_member(db, leapling, retail_birthday=date(2004, 2, 29), retail_marketing_consent=1, disabled=0)
	add_campaign(db, "Birthday Weekly", period="Week")

	def reached_on(day: date) -> bool:
		run_campaigns(db, day)
		return any(
			row["member"] == leapling and row["period_key"] == period_key("Week", day)
			for row in issued(db, "Birthday Weekly")
		)

	assert reached_on(date(2027, 2, 25))  # week of Mon 22 – Sun 28 February 2027: no 29th, kept on the 28th
	assert not reached_on(date(2027, 3, 3))  # the week after
	assert reached_on(date(2028, 3, 1))  # 2028 has 29 February (a Tuesday, week of 28 February – 5 March)
	assert not reached_on(date(2028, 2, 22))  # the week before: 28 February 2028 is a Monday of the next week
	assert {row["period_key"] for row in issued(db, "Birthday Weekly") if row["member"] == leapling} == {
		"2027-W08",
		"2028-W09",
	}


def test_slow_mover_coupons_go_to_tagged_members(campaign_db: MariaDBDatabase) -> None:
	db = campaign_db
	everyone = members(db)
	consenting = sorted(
		name for name, row in everyone.items() if row["retail_marketing_consent"] and not row["disabled"]
	)
	refusing = sorted(name for name, row in everyone.items() if not row["retail_marketing_consent"])
	tagged = {
		consenting[0]: "Bargain Hunter",
		consenting[1]: "Lapsed",
		consenting[2]: "VIP",
		refusing[0]: "Lapsed",
	}
	now = datetime.now()
	insert_rows(
		db,
		"tabRetail Member Tag",
		("name", "member", "tag", "tagged_on", "creation", "modified", "owner", "modified_by"),
		[
			(f"TAG-{index}", member, tag, AS_OF, now, now, "Administrator", "Administrator")
			for index, (member, tag) in enumerate(tagged.items())
		],
	)
	add_campaign(
		db, "Clear the shelf", campaign_type="Slow Mover", period="Month", target_tags="Bargain Hunter, Lapsed",
		promotion="SLOW-30", coupon_prefix="SLOW", channel="None", message="",
	)  # fmt: skip
	(run,) = run_campaigns(db, AS_OF)
	rows = issued(db, "Clear the shelf")
	assert [row["member"] for row in rows] == sorted([consenting[0], consenting[1]])
	assert {row["message_status"] for row in rows} == {"No message"} and run.period_key == "2026-11"
	# a month later the same members are reached again (period Month)
	(december,) = run_campaigns(db, date(2026, 12, 2))
	assert december.issued == 2 and december.period_key == "2026-12"


def test_redemption_and_sales_after(campaign_db: MariaDBDatabase, chain: Chain) -> None:
	db = campaign_db
	member = sorted(members(db))[7]
	other = sorted(members(db))[8]
	for name in (member, other):
		set_member(db, name, retail_birthday=date(1979, 11, 20), retail_marketing_consent=1, disabled=0)
	add_campaign(db, "Birthday", follow_up_days=10)
	run_campaigns(db, AS_OF)
	rows = {row["member"]: row for row in issued(db, "Birthday")}
	code = rows[member]["coupon_code"]

	# presented the day before the coupon was issued: not a redemption
	before = sale(db, chain, 700001, AS_OF - timedelta(days=1), member, 1, coupons=[code])
	redeemed = sale(
		db, chain, 700002, AS_OF + timedelta(days=2), member, 3, coupons=["OTHER-1", code.lower()]
	)
	sale(db, chain, 700003, AS_OF + timedelta(days=5), member, 2)
	sale(db, chain, 700004, AS_OF + timedelta(days=11), member, 5)  # after the follow-up: not counted
	(run,) = run_campaigns(db, AS_OF + timedelta(days=12))  # a later week: its own birthdays are issued too
	assert run.redeemed == 1
	rows = {row["member"]: row for row in issued(db, "Birthday")}
	assert rows[member]["redeemed_transaction"] == redeemed != before
	assert rows[member]["redeemed_on"] == AS_OF + timedelta(days=2)
	assert rows[other]["redeemed_transaction"] is None
	price = Decimal(str(chain.items[0].price))
	assert rows[member]["sales_after"] == (price * 5).quantize(Decimal("0.01"))  # 3 + 2 items, within 10 days
	assert rows[other]["sales_after"] == 0
	(summary,) = campaign_summary(db, "Birthday")
	assert (summary.targeted, summary.redeemed) == (len(rows), 1)
	assert summary.redemption_rate == (Decimal(1) / Decimal(len(rows))).quantize(Decimal("0.0001"))
	assert summary.sales_after == (price * 5).quantize(Decimal("0.01"))
	assert run.result == summary
	# a second run finds nothing new
	(again,) = run_campaigns(db, AS_OF + timedelta(days=12))
	assert (again.issued, again.redeemed) == (0, 0)


def test_campaigns_are_read_with_their_settings(campaign_db: MariaDBDatabase) -> None:
	add_campaign(campaign_db, "Tagged", target_tags="VIP,\nLapsed, VIP", enabled=0)
	assert load_campaigns(campaign_db) == []
	(campaign,) = load_campaigns(campaign_db, "Tagged")
	assert campaign.target_tags == ("VIP", "Lapsed") and not campaign.enabled


def test_campaign_command(campaign_db: MariaDBDatabase) -> None:
	add_campaign(campaign_db, "Birthday")
	settings = campaign_db.settings
	password = f":{settings.password}" if settings.password else ""
	url = f"mariadb://{settings.user}{password}@{settings.host}:{settings.port}/{settings.database}"
	command = [
		sys.executable,
		"-m",
		"retail_suite.cli",
		"--db",
		url,
		"campaign",
		"run",
		"--as-of",
		AS_OF.isoformat(),
	]
	first = subprocess.run(command, capture_output=True, text=True, timeout=300)
	assert first.returncode == 0, first.stderr
	issued_count = len(issued(campaign_db, "Birthday"))
	assert issued_count and f"{issued_count:,} coupons issued" in first.stdout
	second = subprocess.run(command, capture_output=True, text=True, timeout=300)
	assert "0 coupons issued" in second.stdout
	unknown = subprocess.run([*command, "--campaign", "Nope"], capture_output=True, text=True, timeout=300)
	assert (
		unknown.returncode != 0
		and "no Retail Campaign Nope" in unknown.stderr
		and "Traceback" not in unknown.stderr
	)
