"""The points ledger on real MariaDB: a week of one store's till traffic (members on 60 % of baskets, returns,
exchanges, points tenders) through ingest and audit, some of it posted; the ledger per member must equal the
points computed here from the records, a second booking writes nothing, redemptions reduce the balance, a
redemption above the balance is refused until the balance allows it, voids take points back, points lapse."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import insert_rows
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.demo.standalone import write_chain
from retail_suite.demo.traffic import TrafficConfig, generate_traffic
from retail_suite.membership.points_ledger import (
	adjust_points,
	book_points,
	ledger_balances,
	load_programme,
	member_points,
	redeem_for_coupon,
)
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records
from retail_suite.posdm.posting import aggregate_store_day

CHAIN_CONFIG = DemoConfig(stores=1, skus=200, members=30, seed=7, terminals_per_store=1)
TRAFFIC_CONFIG = TrafficConfig(
	transactions_per_terminal_day=60,
	return_rate=0.08,
	exchange_rate=0.04,
	void_rate=0.0,
	no_sale_rate=0.0,
	member_rate=0.6,
	faults=False,
)
DAYS = 7
CENT = Decimal("0.01")
POINT_VALUE = Decimal("0.01")
REDEEMED_AMOUNT = Decimal("1.00")  # 100 points
SILVER_FROM = Decimal("300")
SILVER = Decimal("1.5")
BOOKABLE = ("sale", "return", "exchange")


# --- fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(CHAIN_CONFIG)


@pytest.fixture(scope="module")
def excluded_group(chain: Chain) -> str:
	"""The item group whose goods earn no points: the most sold one, so that exclusion matters."""
	return sorted(chain.item_groups, key=lambda group: group.name)[0].name


@pytest.fixture(scope="module")
def week(chain: Chain, excluded_group: str) -> list[dict[str, Any]]:
	"""A week of records; some members pay 1.00 of a card sale with points once they surely hold 200."""
	records = generate_traffic(chain, days=DAYS, config=TRAFFIC_CONFIG).records()
	return add_points_tenders(records, item_groups(chain), excluded_group)


@pytest.fixture
def ledger_db(
	empty_database: DatabaseSettings, chain: Chain, excluded_group: str
) -> Iterator[MariaDBDatabase]:
	"""Schema, the chain and a points programme: 1 point a unit, floored; Silver ×1.5 from 300 spent;
	one item group excluded; points lapse after 365 days."""
	db = MariaDBDatabase(empty_database)
	schema.migrate(db)
	write_chain(db, chain)
	write_programme(db, excluded_group)
	yield db
	db.close()


@pytest.fixture
def booked_week(ledger_db: MariaDBDatabase, week: list[dict[str, Any]]) -> MariaDBDatabase:
	"""The week ingested and audited, the first three days aggregated (Posted), the rest Audited."""
	results = ingest_records(ledger_db, week[:1000], "Offline Till")
	results += ingest_records(ledger_db, week[1000:], "Offline Till")
	assert {result.status for result in results} == {"accepted"}, [
		r for r in results if r.status != "accepted"
	][:3]
	summary = run_audit(ledger_db)
	assert summary.errors == 0, summary.findings
	for offset in range(3):
		aggregate_store_day(
			ledger_db, chain_store(ledger_db), CHAIN_CONFIG.start_date + timedelta(days=offset)
		)
	return ledger_db


# --- helpers -----------------------------------------------------------------------------------------------


def chain_store(db: MariaDBDatabase) -> str:
	return db.sql("SELECT name FROM `tabRetail Store` LIMIT 1")[0]["name"]


def item_groups(chain: Chain) -> dict[str, str]:
	return {item.code: item.item_group for item in chain.items}


def key_name(record: dict[str, Any]) -> str:
	return (
		f"{record['terminal']}-{record['business_day'].replace('-', '')}-{record['transaction_number']:06d}"
	)


def dec(value: Any) -> Decimal:
	return Decimal(str(value if value is not None else 0))


def line_net(line: dict[str, Any]) -> Decimal:
	gross = (dec(line["qty"]) * dec(line["unit_price"])).quantize(CENT, rounding=ROUND_HALF_UP)
	return gross - dec(line.get("discount"))


def floor(value: Decimal) -> int:
	return int(value.quantize(Decimal(1), rounding=ROUND_FLOOR))


def write_programme(db: MariaDBDatabase, excluded_group: str) -> None:
	now = datetime.now()
	stamp = (now, now, "Administrator", "Administrator")
	insert_rows(
		db,
		"tabRetail Points Programme",
		(
			"name",
			"programme_name",
			"enabled",
			"points_per_unit",
			"rounding",
			"point_value",
			"min_redeem_points",
			"expiry_days",
			"creation",
			"modified",
			"owner",
			"modified_by",
		),
		[("Chain Points", "Chain Points", 1, 1, "Floor", POINT_VALUE, 50, 365, *stamp)],
	)
	child = ("parent", "parenttype", "parentfield", "idx")
	insert_rows(
		db,
		"tabRetail Points Tier",
		(
			"name",
			*child,
			"tier_name",
			"min_spent",
			"multiplier",
			"creation",
			"modified",
			"owner",
			"modified_by",
		),
		[
			("CP-T1", "Chain Points", "Retail Points Programme", "tiers", 1, "Member", 0, 1, *stamp),
			(
				"CP-T2",
				"Chain Points",
				"Retail Points Programme",
				"tiers",
				2,
				"Silver",
				SILVER_FROM,
				SILVER,
				*stamp,
			),
		],
	)
	insert_rows(
		db,
		"tabRetail Points Excluded Group",
		("name", *child, "item_group", "creation", "modified", "owner", "modified_by"),
		[
			(
				"CP-X1",
				"Chain Points",
				"Retail Points Programme",
				"excluded_item_groups",
				1,
				excluded_group,
				*stamp,
			)
		],
	)


def add_points_tenders(
	records: list[dict[str, Any]], group_of: dict[str, str], excluded: str
) -> list[dict[str, Any]]:
	"""Pay 1.00 of a single-card sale with points, once per member, when the member surely holds 200 points
	from earlier days (earned at ×1, less any return at ×1.5, rounded against the member)."""
	records = copy.deepcopy(records)
	surely: dict[str, int] = defaultdict(int)
	redeemed: set[str] = set()
	by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
	for record in records:
		by_day[record["business_day"]].append(record)
	for day in sorted(by_day):
		taking_back = {r.get("member") for r in by_day[day] if r["type"] in ("return", "exchange")}
		today: dict[str, int] = defaultdict(int)
		for record in by_day[day]:
			member = record.get("member")
			if not member or record["type"] not in BOOKABLE:
				continue
			tenders = record["tenders"]
			if (
				record["type"] == "sale"
				and member not in redeemed
				and member not in taking_back
				and surely[member] >= 200
				and len(tenders) == 1
				and tenders[0]["type"] == "card"
				and dec(tenders[0]["amount"]) > 5
			):
				tenders[0]["amount"] = dec(tenders[0]["amount"]) - REDEEMED_AMOUNT
				tenders.append({"type": "points", "amount": REDEEMED_AMOUNT})
				redeemed.add(member)
				today[member] -= 100
			for line in record["lines"]:
				if group_of[line["item_code"]] == excluded:
					continue
				if record["type"] == "return" or line.get("returned"):
					today[member] -= int(
						(line_net(line) * SILVER).quantize(Decimal(1), rounding=ROUND_CEILING)
					)
				else:
					today[member] += floor(line_net(line)) - 1
		for member, points in today.items():
			surely[member] += points
	assert len(redeemed) >= 3, "the week should have some redemptions"
	return records


def expected_points(
	db: MariaDBDatabase, records: list[dict[str, Any]], group_of: dict[str, str], excluded: str
) -> dict[str, dict[str, int]]:
	"""Per member, the points the programme gives, computed here from the records: in the order the log
	holds them (business day, end time), tier from the spend so far, returns at the original's tier and at
	most what the original still holds, points tendered neither earn nor stay."""
	order = {
		row["name"]: (row["business_day"], row["ended_at"], row["name"])
		for row in db.sql("SELECT name, business_day, ended_at FROM `tabPOS Transaction`")
	}
	spend: dict[str, Decimal] = defaultdict(Decimal)
	result: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
	earned: dict[tuple[str, str], tuple[Decimal, int]] = {}  # (original, member) -> (multiplier, points left)
	bookable = [r for r in records if r["type"] in BOOKABLE and r.get("member")]
	for record in sorted(bookable, key=lambda r: order[key_name(r)]):
		member, name = record["member"], key_name(record)
		multiplier = SILVER if spend[member] >= SILVER_FROM else Decimal(1)
		points_paid = sum((dec(t["amount"]) for t in record["tenders"] if t["type"] == "points"), Decimal(0))
		sold = returned = Decimal(0)
		for line in record["lines"]:
			if group_of[line["item_code"]] == excluded:
				continue
			if record["type"] == "return" or line.get("returned"):
				returned += line_net(line)
			else:
				sold += line_net(line)
		sold = max(sold - points_paid, Decimal(0))
		if sold:
			result[member]["Earn"] += floor(sold * multiplier)
			earned[(name, member)] = (multiplier, floor(sold * multiplier))
			spend[member] += sold
		if returned:
			original = key_name(record["original"]) if record.get("original") else None
			if original is None:
				result[member]["Return"] -= floor(returned * multiplier)
				spend[member] -= returned
			elif (original, member) in earned:
				original_multiplier, left = earned[(original, member)]
				clawed = min(floor(returned * original_multiplier), left)
				earned[(original, member)] = (original_multiplier, left - clawed)
				result[member]["Return"] -= clawed
				spend[member] -= returned
		if points_paid:
			result[member]["Redeem"] -= int(points_paid / POINT_VALUE)
	return result


def ledger_by_type(db: MariaDBDatabase) -> dict[str, dict[str, int]]:
	found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
	for row in db.sql(
		"SELECT member, entry_type, SUM(points) AS points FROM `tabRetail Points Entry` GROUP BY member, entry_type"
	):
		found[row["member"]][row["entry_type"]] = int(row["points"])
	return found


def entry_count(db: MariaDBDatabase) -> int:
	return int(db.sql("SELECT COUNT(*) AS n FROM `tabRetail Points Entry`")[0]["n"])


def as_plain(by_member: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
	return {
		member: {kind: points for kind, points in kinds.items() if points}
		for member, kinds in by_member.items()
	}


# --- tests -------------------------------------------------------------------------------------------------


def test_the_programme_is_read_from_the_database(ledger_db: MariaDBDatabase, excluded_group: str) -> None:
	programme = load_programme(ledger_db)
	assert programme.name == "Chain Points" and programme.min_redeem_points == 50
	assert [(tier.name, tier.min_spent, tier.multiplier) for tier in programme.tiers] == [
		("Member", Decimal(0), Decimal(1)),
		("Silver", SILVER_FROM, SILVER),
	]
	assert excluded_group in programme.excluded_item_groups
	assert programme.point_value == POINT_VALUE and programme.expiry_days == 365


def test_the_week_books_per_member_what_the_rules_give(
	booked_week: MariaDBDatabase, week: list[dict[str, Any]], chain: Chain, excluded_group: str
) -> None:
	db = booked_week
	statuses = {row["status"] for row in db.sql("SELECT DISTINCT status FROM `tabPOS Transaction`")}
	assert {"Audited", "Posted"} <= statuses
	stages: list[tuple[str, int]] = []
	ticks: dict[str, int] = defaultdict(int)

	def progress(stage: str, total: int):
		stages.append((stage, total))
		return lambda _what, units: ticks.__setitem__(stage, ticks[stage] + units)

	result = book_points(db, as_of=CHAIN_CONFIG.start_date + timedelta(days=DAYS), progress=progress)
	assert not result.refused, result.refused
	expected = expected_points(db, week, item_groups(chain), excluded_group)
	assert as_plain(ledger_by_type(db)) == as_plain(expected)
	balances = ledger_balances(db)
	assert balances == {member: sum(kinds.values()) for member, kinds in expected.items()}
	assert sum(1 for kinds in expected.values() if kinds.get("Redeem")) >= 3
	assert sum(1 for kinds in expected.values() if kinds.get("Return")) >= 1
	# every bookable transaction with a member is marked, in the same transaction as its entries
	unbooked = db.sql(
		"SELECT COUNT(*) AS n FROM `tabPOS Transaction` WHERE member IS NOT NULL AND points_applied = 0 "
		"AND transaction_type IN ('Sale', 'Return', 'Exchange')"
	)[0]["n"]
	assert unbooked == 0
	assert result.transactions == stages[0][1] == ticks["Booking points"]
	assert result.written == entry_count(db)
	# the tier is the one at the time: some Earn entries say Silver, members' first ones say Member
	tiers = {
		row["tier"]
		for row in db.sql("SELECT DISTINCT tier FROM `tabRetail Points Entry` WHERE entry_type = 'Earn'")
	}
	assert tiers == {"Member", "Silver"}

	# a second run writes nothing
	before = db.sql("CHECKSUM TABLE `tabRetail Points Entry`, `tabPOS Transaction`")
	again = book_points(db, as_of=CHAIN_CONFIG.start_date + timedelta(days=DAYS))
	assert (again.transactions, again.written, again.refused) == (0, 0, [])
	assert db.sql("CHECKSUM TABLE `tabRetail Points Entry`, `tabPOS Transaction`") == before


def test_redemptions_reduce_the_balance(booked_week: MariaDBDatabase, week: list[dict[str, Any]]) -> None:
	db = booked_week
	book_points(db, as_of=CHAIN_CONFIG.start_date + timedelta(days=DAYS))
	redeemers = {
		record["member"]: key_name(record)
		for record in week
		if any(tender["type"] == "points" for tender in record["tenders"])
	}
	for member, transaction in redeemers.items():
		(redeem,) = db.sql(
			"SELECT points, business_day FROM `tabRetail Points Entry` WHERE transaction = %s AND entry_type = 'Redeem'",
			(transaction,),
		)
		assert redeem["points"] == -100
		day = redeem["business_day"]
		without = db.sql(
			"SELECT SUM(points) AS points FROM `tabRetail Points Entry` WHERE member = %s AND entry_type <> 'Redeem'",
			(member,),
		)[0]["points"]
		assert member_points(db, member, as_of=day + timedelta(days=30)).balance == int(without) - 100


def test_a_redemption_above_the_balance_waits_for_points(booked_week: MariaDBDatabase, chain: Chain) -> None:
	db = booked_week
	as_of = CHAIN_CONFIG.start_date + timedelta(days=DAYS)
	book_points(db, as_of=as_of)
	member = chain.members[0].code
	held = member_points(db, member, as_of=as_of).balance
	terminal = db.sql("SELECT name FROM `tabPOS Terminal` LIMIT 1")[0]["name"]
	item = chain.items[0]
	price = Decimal(str(item.price))
	amount = (Decimal(held + 500) * POINT_VALUE).quantize(CENT)
	qty = int(amount / price) + 1
	gross = (price * qty).quantize(CENT)
	tax = Decimal("0.00")
	record = {
		"terminal": terminal,
		"business_day": as_of.isoformat(),
		"transaction_number": 900001,
		"type": "sale",
		"ended_at": f"{as_of.isoformat()}T15:00:00+00:00",
		"member": member,
		"lines": [{"line_id": 1, "item_code": item.code, "qty": qty, "unit_price": price, "tax": tax}],
		"tenders": [{"type": "points", "amount": amount}, {"type": "card", "amount": gross - amount}],
		"totals": {"grand": gross},
	}
	assert ingest_records(db, [record], "Offline Till")[0].status == "accepted"
	run_audit(db)
	name = key_name(record)
	result = book_points(db, as_of=as_of)
	assert [why for _, why in result.refused] == [
		f"{name}: member {member} holds {held} points; a tender of {amount} needs {held + 500} — "
		f"redeem at most {held} points ({(Decimal(held) * POINT_VALUE).quantize(CENT)})"
	]
	assert (
		db.sql("SELECT points_applied FROM `tabPOS Transaction` WHERE name = %s", (name,))[0][
			"points_applied"
		]
		== 0
	)
	assert not db.sql("SELECT name FROM `tabRetail Points Entry` WHERE transaction = %s", (name,))
	# a manager credits the member; the next run books the sale
	adjust_points(db, member, 600, "goodwill: points card not read last month", as_of=as_of)
	again = book_points(db, as_of=as_of)
	assert again.refused == [] and again.transactions == 1
	assert member_points(db, member, as_of=as_of).balance == held + 600 - (held + 500) + again.points["Earn"]


def test_points_for_a_coupon_and_the_minimum(booked_week: MariaDBDatabase) -> None:
	db = booked_week
	as_of = CHAIN_CONFIG.start_date + timedelta(days=DAYS)
	book_points(db, as_of=as_of)
	member, held = max(ledger_balances(db).items(), key=lambda pair: pair[1])
	assert held > 120
	redeem_for_coupon(db, member, 100, "PTS-COUPON-1", as_of=as_of)
	assert member_points(db, member, as_of=as_of).balance == held - 100
	from retail_suite.errors import ValidationError

	with pytest.raises(ValidationError, match="already paid with points"):
		redeem_for_coupon(db, member, 100, "PTS-COUPON-1", as_of=as_of)
	with pytest.raises(ValidationError, match="fewer than the 50 a redemption needs"):
		redeem_for_coupon(db, member, 10, "PTS-COUPON-2", as_of=as_of)


def test_a_void_after_booking_takes_the_points_back(
	booked_week: MariaDBDatabase, week: list[dict[str, Any]]
) -> None:
	db = booked_week
	as_of = CHAIN_CONFIG.start_date + timedelta(days=DAYS)
	book_points(db, as_of=as_of)
	last_day = max(record["business_day"] for record in week)
	sale = next(
		record
		for record in reversed(week)
		if record["type"] == "sale"
		and record.get("member")
		and record["business_day"] == last_day
		and not any(t["type"] == "points" for t in record["tenders"])
		and not any(r.get("original") and key_name(r["original"]) == key_name(record) for r in week)
	)
	name = key_name(sale)
	earned = db.sql(
		"SELECT SUM(points) AS points FROM `tabRetail Points Entry` WHERE transaction = %s", (name,)
	)[0]["points"]
	assert earned is not None
	before = ledger_balances(db)[sale["member"]]
	number = max(
		r["transaction_number"]
		for r in week
		if r["terminal"] == sale["terminal"] and r["business_day"] == last_day
	)
	void = {
		"terminal": sale["terminal"],
		"business_day": last_day,
		"transaction_number": number + 1,
		"type": "void",
		"ended_at": sale["ended_at"],
		"lines": sale["lines"],
		"tenders": [],
		"original": {k: sale[k] for k in ("terminal", "business_day", "transaction_number")},
		"totals": {"grand": sale["totals"]["grand"]},
	}
	assert ingest_records(db, [void], "Offline Till")[0].status == "accepted"
	run_audit(db)
	assert db.sql("SELECT status FROM `tabPOS Transaction` WHERE name = %s", (name,))[0]["status"] == "Voided"
	result = book_points(db, as_of=as_of)
	assert result.entries == {"Adjust": 1} and result.points["Adjust"] == -int(earned)
	assert ledger_balances(db)[sale["member"]] == before - int(earned)
	assert book_points(db, as_of=as_of).written == 0


def test_points_lapse_after_the_programme_expiry(booked_week: MariaDBDatabase) -> None:
	db = booked_week
	db.execute("UPDATE `tabRetail Points Programme` SET expiry_days = 2")
	book_points(db, as_of=CHAIN_CONFIG.start_date + timedelta(days=DAYS))
	last = CHAIN_CONFIG.start_date + timedelta(days=DAYS - 1)
	# lots of the last days are still usable; the ledger sum is the balance once lapsed points are booked
	result = book_points(db, as_of=last + timedelta(days=2))
	assert result.entries["Expire"] > 0 and result.points["Expire"] < 0
	expired = db.sql(
		"SELECT COUNT(*) AS n FROM `tabRetail Points Entry` x JOIN `tabRetail Points Entry` lot ON lot.name = x.against_entry "
		"WHERE x.entry_type = 'Expire' AND x.business_day <> DATE_ADD(lot.expiry_date, INTERVAL 1 DAY)"
	)[0]["n"]
	assert expired == 0
	for member, points in ledger_balances(db).items():
		assert member_points(db, member, as_of=last + timedelta(days=2)).balance == points, member
	assert book_points(db, as_of=last + timedelta(days=2)).written == 0
	# a week later everything earned has lapsed: no member holds points
	book_points(db, as_of=last + timedelta(days=10))
	assert {points for points in ledger_balances(db).values() if points > 0} == set()


def test_points_commands(booked_week: MariaDBDatabase, chain: Chain) -> None:
	settings = booked_week.settings
	password = f":{settings.password}" if settings.password else ""
	url = f"mariadb://{settings.user}{password}@{settings.host}:{settings.port}/{settings.database}"
	env_args = [sys.executable, "-m", "retail_suite.cli", "--db", url]
	as_of = (CHAIN_CONFIG.start_date + timedelta(days=DAYS)).isoformat()
	book = subprocess.run(
		[*env_args, "points", "book", "--as-of", as_of], capture_output=True, text=True, timeout=300
	)
	assert book.returncode == 0, book.stderr
	assert "transactions booked" in book.stdout
	again = subprocess.run(
		[*env_args, "points", "book", "--as-of", as_of], capture_output=True, text=True, timeout=300
	)
	assert "0 transactions booked" in again.stdout and "0 entries written" in again.stdout
	member, held = max(ledger_balances(booked_week).items(), key=lambda pair: pair[1])
	shown = subprocess.run(
		[*env_args, "points", "balance", member, "--as-of", as_of],
		capture_output=True,
		text=True,
		timeout=300,
	)
	assert shown.returncode == 0, shown.stderr
	assert f"{held:,} points" in shown.stdout
	unknown = subprocess.run(
		[*env_args, "points", "balance", "NOBODY"], capture_output=True, text=True, timeout=300
	)
	assert (
		unknown.returncode != 0 and "no member NOBODY" in unknown.stderr and "Traceback" not in unknown.stderr
	)


def test_schema_is_current(ledger_db: MariaDBDatabase) -> None:
	assert schema.stored_fingerprint(ledger_db) == schema.schema_fingerprint()
	indexes = {
		row["Key_name"]: row["Non_unique"]
		for row in ledger_db.sql("SHOW INDEX FROM `tabRetail Points Entry`")
	}
	assert indexes["transaction_member_type"] == 0 and "member_day" in indexes
