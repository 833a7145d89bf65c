"""POSDM on real MariaDB: one generated business day of 2 stores × 2 tills (≈500 transactions) through
ingest, audit, aggregation and store-day close; resends (also shuffled and from two processes at once),
malformed records, and the `retail-suite ingest` command."""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.demo.standalone import warehouse_name, write_chain
from retail_suite.demo.traffic import Traffic, TrafficConfig, generate_traffic
from retail_suite.errors import ValidationError
from retail_suite.posdm.audit_sql import AuditSummary, acknowledge_gap, run_audit
from retail_suite.posdm.ingest import IngestResult, ingest_records, read_json_lines
from retail_suite.posdm.posting import aggregate_all, log_totals, outbox_totals
from retail_suite.posdm.store_day import close_store_day, expected_tenders
from retail_suite.posdm.tlog import DEFAULT_MODES_OF_PAYMENT, RecordRejected

CHAIN_CONFIG = DemoConfig(stores=2, skus=300, members=100, seed=5, terminals_per_store=2)
# S001 has 1.4× the average traffic, S002 1.0×: 104 a till-day gives 2 × 146 + 2 × 104 sales slots,
# plus a float and a cash pickup per till — about 500 records in the business day
TRAFFIC_CONFIG = TrafficConfig(
	transactions_per_terminal_day=104,
	return_rate=0.03,
	exchange_rate=0.01,
	void_rate=0.01,
	no_sale_rate=0.01,
	split_tender_rate=0.1,
)
BUSINESS_DAY = CHAIN_CONFIG.start_date
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
POSTABLE = ("sale", "return", "exchange")


# --- fixtures ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(CHAIN_CONFIG)


@pytest.fixture(scope="module")
def traffic(chain: Chain) -> Traffic:
	"""One business day (faults on day 0: one missing number, one wrong total). Tests never mutate it."""
	return generate_traffic(chain, days=1, config=TRAFFIC_CONFIG)


@pytest.fixture(scope="module")
def next_day_records(chain: Chain) -> list[dict[str, Any]]:
	"""A second business day's records: new keys, none stored by the fixtures."""
	later = generate_traffic(chain, days=2, config=replace(TRAFFIC_CONFIG, faults=False))
	assert later.days[1][0] == date(2026, 11, 3)
	return later.days[1][1]


@pytest.fixture
def chain_db(empty_database: DatabaseSettings, chain: Chain) -> Iterator[MariaDBDatabase]:
	"""A fresh database with the schema and the demo chain, no transactions yet."""
	db = MariaDBDatabase(empty_database)
	schema.migrate(db)
	write_chain(db, chain)
	yield db
	db.close()


@pytest.fixture
def audited(
	chain_db: MariaDBDatabase, traffic: Traffic
) -> tuple[MariaDBDatabase, list[IngestResult], AuditSummary]:
	"""The business day ingested and audited."""
	results = ingest_records(chain_db, traffic.records(), "Offline Till")
	return chain_db, results, run_audit(chain_db)


# --- helpers -----------------------------------------------------------------------------------------------------


def key_name(record: dict[str, Any]) -> str:
	return (
		f"{record['terminal']}-{record['business_day'].replace('-', '')}-{record['transaction_number']:06d}"
	)


def money(value: Decimal) -> Decimal:
	return value.quantize(CENT, rounding=ROUND_HALF_UP)


def dec(value: Any) -> Decimal:
	return Decimal(str(value if value is not None else 0))


def store_of(chain: Chain, terminal: str) -> str:
	return next(store.code for store in chain.stores if terminal in store.terminals)


def table_counts(db: MariaDBDatabase) -> dict[str, int]:
	"""COUNT(*) of every table of the database."""
	tables = [
		row["name"]
		for row in db.sql(
			"SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
			(db.database_name,),
		)
	]
	assert len(tables) > 20
	return {table: int(db.sql(f"SELECT COUNT(*) AS n FROM `{table}`")[0]["n"]) for table in tables}


def pos_checksums(db: MariaDBDatabase) -> dict[str, Any]:
	tables = [name for name in table_counts(db) if name.startswith("tabPOS")]
	return {
		row["Table"]: row["Checksum"]
		for row in db.sql("CHECKSUM TABLE " + ", ".join(f"`{t}`" for t in tables))
	}


def statuses(db: MariaDBDatabase) -> dict[str, str]:
	return {row["name"]: row["status"] for row in db.sql("SELECT name, status FROM `tabPOS Transaction`")}


def excluded(traffic: Traffic) -> set[str]:
	"""Transactions that must never reach the books: the wrong total and every voided original."""
	return set(traffic.truth.wrong_totals) | set(traffic.truth.voided)


def expected_books(chain: Chain, traffic: Traffic) -> dict[tuple[str, date], dict[str, Any]]:
	"""What the outbox must hold per store-day, computed straight from the generated records:
	valid sales minus returns (exchanges both ways), without the wrong total, voids and voided originals."""
	books: dict[tuple[str, date], dict[str, Any]] = {}
	skip = excluded(traffic)
	for record in traffic.records():
		if record["type"] not in POSTABLE or key_name(record) in skip:
			continue
		store = store_of(chain, record["terminal"])
		day = date.fromisoformat(record["business_day"])
		book = books.setdefault(
			(store, day),
			{
				"net": ZERO,
				"tax": ZERO,
				"discount": ZERO,
				"qty": defaultdict(Decimal),
				"tenders": defaultdict(lambda: ZERO),
			},
		)
		for line in record["lines"]:
			sign = -1 if record["type"] == "return" or line.get("returned") else 1
			gross = money(dec(line["qty"]) * dec(line["unit_price"]))
			discount = dec(line.get("discount"))
			book["net"] += sign * (gross - discount)
			book["tax"] += sign * dec(line.get("tax"))
			book["discount"] += sign * discount
			book["qty"][(line["item_code"], warehouse_name(chain, store))] += sign * dec(line["qty"])
		refund = dec(record["totals"]["grand"]) < 0
		for tender in record["tenders"]:
			mode = tender.get("mode_of_payment") or DEFAULT_MODES_OF_PAYMENT[tender["type"]]
			paid = dec(tender["amount"]) - dec(tender.get("change"))
			book["tenders"][mode] += -paid if refund else paid
	for book in books.values():
		book["qty"] = {key: qty for key, qty in book["qty"].items() if qty}
		book["tenders"] = {mode: amount for mode, amount in book["tenders"].items() if amount}
	return books


def expected_drawer(chain: Chain, traffic: Traffic, store: str) -> dict[str, Decimal]:
	"""What each mode of payment should hold at close, from the records: takings less refunds, cash pickups
	out, floats in; without the wrong total, voids and voided originals."""
	skip = excluded(traffic)
	drawer: dict[str, Decimal] = defaultdict(lambda: ZERO)
	for record in traffic.records():
		if store_of(chain, record["terminal"]) != store or key_name(record) in skip:
			continue
		for tender in record["tenders"]:
			mode = tender.get("mode_of_payment") or DEFAULT_MODES_OF_PAYMENT[tender["type"]]
			if record["type"] == "cash_pickup":
				drawer[mode] -= dec(tender["amount"])
			elif record["type"] == "float":
				drawer[mode] += dec(tender["amount"])
			elif dec(record["totals"]["grand"]) < 0:
				drawer[mode] -= dec(tender["amount"]) - dec(tender.get("change"))
			else:
				drawer[mode] += dec(tender["amount"]) - dec(tender.get("change"))
	return dict(sorted(drawer.items()))


def decimal_as_float(value: Any) -> float:
	if isinstance(value, Decimal):
		return float(value)
	raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def write_json_lines(path: Path, records: list[dict[str, Any]]) -> Path:
	path.write_text("".join(json.dumps(record, default=decimal_as_float) + "\n" for record in records))
	return path


def db_url(settings: DatabaseSettings) -> str:
	password = f":{settings.password}" if settings.password else ""
	return f"mariadb://{settings.user}{password}@{settings.host}:{settings.port}/{settings.database}"


# --- the generated day -------------------------------------------------------------------------------------------


def test_the_generated_day_has_every_kind_of_transaction(traffic: Traffic) -> None:
	records = traffic.records()
	assert 480 <= len(records) <= 520
	kinds = {record["type"] for record in records}
	assert {"sale", "return", "exchange", "void", "no_sale", "float", "cash_pickup"} <= kinds
	assert any(len(record["tenders"]) == 2 for record in records), "no split tender"
	assert any(tender.get("change") for record in records for tender in record["tenders"]), (
		"no cash with change"
	)
	assert len(traffic.truth.missing_numbers) == 1 and len(traffic.truth.wrong_totals) == 1
	assert traffic.truth.voided
	names = [key_name(record) for record in records]
	assert len(set(names)) == len(names)
	missing_terminal, missing_day, missing_number = traffic.truth.missing_numbers[0]
	assert missing_day == BUSINESS_DAY
	assert f"{missing_terminal}-{missing_day:%Y%m%d}-{missing_number:06d}" not in names
	assert traffic.truth.wrong_totals[0] in names


# --- a. ingest and audit -----------------------------------------------------------------------------------------


def test_ingest_accepts_every_record_and_audit_finds_the_two_faults(
	audited: tuple[MariaDBDatabase, list[IngestResult], AuditSummary], traffic: Traffic
) -> None:
	db, results, summary = audited
	records = traffic.records()
	assert [result.status for result in results] == ["accepted"] * len(records)
	assert [result.name for result in results] == [key_name(record) for record in records]
	assert db.sql("SELECT COUNT(*) AS n FROM `tabPOS Transaction`")[0]["n"] == len(records)
	assert db.sql("SELECT COUNT(*) AS n FROM `tabPOS Transaction Line`")[0]["n"] == sum(
		len(r["lines"]) for r in records
	)
	assert db.sql("SELECT COUNT(*) AS n FROM `tabPOS Transaction Tender`")[0]["n"] == sum(
		len(r["tenders"]) for r in records
	)

	(wrong,) = traffic.truth.wrong_totals
	errors = db.sql("SELECT name, audit_messages FROM `tabPOS Transaction` WHERE status = 'Error'")
	assert [row["name"] for row in errors] == [wrong]
	assert "Wrong total" in errors[0]["audit_messages"]
	assert "difference 1.00" in errors[0]["audit_messages"]
	assert list(summary.findings) == [wrong] and summary.errors == 1

	((terminal, business_day, number),) = traffic.truth.missing_numbers
	gaps = db.sql(
		"SELECT terminal, store, business_day, missing_from, missing_to, missing_count, status FROM `tabPOS Sequence Gap`"
	)
	assert gaps == [
		{
			"terminal": terminal,
			"store": terminal.split("-")[0],
			"business_day": business_day,
			"missing_from": number,
			"missing_to": number,
			"missing_count": 1,
			"status": "Open",
		}
	]
	assert summary.gaps_opened == 1

	found = statuses(db)
	voids = {key_name(record) for record in records if record["type"] == "void"}
	assert {name for name, status in found.items() if status == "Voided"} >= voids
	assert {found[name] for name in voids} == {"Voided"}
	assert summary.voided == len(voids)
	assert not [name for name, status in found.items() if status == "Received"]


def test_voided_originals_are_voided_and_stay_out_of_the_books(
	audited: tuple[MariaDBDatabase, list[IngestResult], AuditSummary], traffic: Traffic
) -> None:
	db, _, _ = audited
	found = statuses(db)
	assert {name: found[name] for name in traffic.truth.voided} == {
		name: "Voided" for name in traffic.truth.voided
	}
	messages = {
		row["name"]: row["audit_messages"]
		for row in db.sql("SELECT name, audit_messages FROM `tabPOS Transaction` WHERE status = 'Voided'")
	}
	for record in traffic.records():
		if record["type"] == "void":
			assert messages[key_name(record["original"])] == f"Voided by {key_name(record)}"
	aggregate_all(db)
	posted = {
		row["name"]
		for row in db.sql("SELECT name FROM `tabPOS Transaction` WHERE posting_document IS NOT NULL")
	}
	assert not posted & set(traffic.truth.voided)


def test_a_second_audit_run_changes_nothing(
	audited: tuple[MariaDBDatabase, list[IngestResult], AuditSummary],
) -> None:
	db, _, _ = audited
	before = statuses(db), table_counts(db)
	again = run_audit(db)
	assert (again.audited, again.errors, again.voided, again.gaps_opened) == (0, 0, 0, 0)
	assert (statuses(db), table_counts(db)) == before


# --- b. aggregation ----------------------------------------------------------------------------------------------


def test_outbox_equals_the_log_and_each_transaction_is_posted_once(
	audited: tuple[MariaDBDatabase, list[IngestResult], AuditSummary], chain: Chain
) -> None:
	db, _, _ = audited
	created = aggregate_all(db)
	assert created and len(set(created)) == len(created)
	documents = {
		row["name"]: row
		for row in db.sql(
			"SELECT name, store, business_day, kind, transaction_count FROM `tabPOS Posting Document`"
		)
	}
	assert set(documents) == set(created)
	store_days = {(row["store"], row["business_day"]) for row in documents.values()}
	assert store_days == {(store.code, BUSINESS_DAY) for store in chain.stores}
	for store, business_day in sorted(store_days):
		from_log, in_outbox = log_totals(db, store, business_day), outbox_totals(db, store, business_day)
		assert from_log == in_outbox, (store, business_day)
		assert (
			in_outbox["net"] > 0 and in_outbox["qty"] and {"Cash", "Credit Card"} <= set(in_outbox["tenders"])
		)

	rows = db.sql("SELECT name, status, transaction_type, posting_document FROM `tabPOS Transaction`")
	posted = [row for row in rows if row["status"] == "Posted"]
	assert posted
	assert all(row["posting_document"] in documents for row in posted)
	assert all(row["posting_document"] is None for row in rows if row["status"] != "Posted")
	assert not [
		row
		for row in rows
		if row["status"] == "Audited" and row["transaction_type"] in ("Sale", "Return", "Exchange")
	]
	assert {row["transaction_type"] for row in rows if row["status"] == "Audited"} <= {
		"Float",
		"Cash Pickup",
		"No Sale",
	}
	# an exchange sits in a Sales and a Returns document but is claimed by one of them
	exchanges = sum(1 for row in posted if row["transaction_type"] == "Exchange")
	assert sum(int(doc["transaction_count"]) for doc in documents.values()) == len(posted) + exchanges
	claimed_by: dict[str, int] = defaultdict(int)
	for row in posted:
		claimed_by[row["posting_document"]] += 1
	for name, count in claimed_by.items():
		assert count <= documents[name]["transaction_count"]

	before = table_counts(db)
	assert aggregate_all(db) == []
	assert table_counts(db) == before


def test_outbox_equals_the_books_computed_from_the_records(
	audited: tuple[MariaDBDatabase, list[IngestResult], AuditSummary], chain: Chain, traffic: Traffic
) -> None:
	db, _, _ = audited
	aggregate_all(db)
	books = expected_books(chain, traffic)
	assert set(books) == {(store.code, BUSINESS_DAY) for store in chain.stores}
	for (store, business_day), expected in sorted(books.items()):
		assert outbox_totals(db, store, business_day) == expected, (store, business_day)
	posted = {row["name"] for row in db.sql("SELECT name FROM `tabPOS Transaction` WHERE status = 'Posted'")}
	should_post = {key_name(r) for r in traffic.records() if r["type"] in POSTABLE} - excluded(traffic)
	assert posted == should_post


# --- c. resends --------------------------------------------------------------------------------------------------


def test_resend_of_the_batch_writes_nothing_even_shuffled(
	audited: tuple[MariaDBDatabase, list[IngestResult], AuditSummary], traffic: Traffic
) -> None:
	db, _, _ = audited
	aggregate_all(db)
	records = traffic.records()
	counts, checksums = table_counts(db), pos_checksums(db)
	again = ingest_records(db, records, "Offline Till")
	assert [(result.status, result.name) for result in again] == [
		("duplicate", key_name(record)) for record in records
	]
	assert table_counts(db) == counts
	assert pos_checksums(db) == checksums

	shuffled = list(records)
	random.Random(11).shuffle(shuffled)
	again = ingest_records(db, shuffled, "External API")
	assert [(result.status, result.name) for result in again] == [
		("duplicate", key_name(record)) for record in shuffled
	]
	assert [result.index for result in again] == list(range(len(shuffled)))
	assert table_counts(db) == counts
	assert pos_checksums(db) == checksums


CONCURRENT_INGEST = textwrap.dedent(
	"""
	import json, sys, time
	from retail_suite.config import DatabaseSettings
	from retail_suite.db.mariadb_db import MariaDBDatabase
	from retail_suite.posdm.ingest import ingest_records
	from retail_suite.posdm.tlog import loads

	host, port, user, password, database, path, start = sys.argv[1:]
	records = [loads(line) for line in open(path, encoding="utf-8") if line.strip()]
	db = MariaDBDatabase(DatabaseSettings(host, int(port), user, password, database))
	db.sql("SELECT 1")
	while time.time() < float(start) - 0.02:
		time.sleep(0.005)
	while time.time() < float(start):
		pass
	results = ingest_records(db, records, "Offline Till")
	print(json.dumps([result.as_dict() for result in results]))
	"""
)


def test_concurrent_resend_from_two_processes_stores_each_transaction_once(
	audited: tuple[MariaDBDatabase, list[IngestResult], AuditSummary],
	next_day_records: list[dict[str, Any]],
	empty_database: DatabaseSettings,
	tmp_path: Path,
) -> None:
	db, _, _ = audited
	records = next_day_records
	day = records[0]["business_day"]
	assert {record["business_day"] for record in records} == {day} and len(records) <= 1000
	source = write_json_lines(tmp_path / "next_day.jsonl", records)
	script = tmp_path / "ingest_at.py"
	script.write_text(CONCURRENT_INGEST)
	start = time.time() + 1.5
	settings = empty_database
	args = [
		sys.executable,
		str(script),
		settings.host,
		str(settings.port),
		settings.user,
		settings.password,
		settings.database,
		str(source),
		repr(start),
	]
	processes = [
		subprocess.Popen(
			args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2]
		)
		for _ in range(2)
	]
	outputs = [process.communicate(timeout=120) for process in processes]
	for process, (_stdout, stderr) in zip(processes, outputs, strict=True):
		assert process.returncode == 0, stderr
	first, second = (json.loads(stdout) for stdout, _ in outputs)
	assert len(first) == len(second) == len(records)
	for record, one, other in zip(records, first, second, strict=True):
		assert one["name"] == other["name"] == key_name(record)
		assert {one["status"], other["status"]} == {"accepted", "duplicate"}, (one, other)

	names = [key_name(record) for record in records]
	stored = db.sql("SELECT name FROM `tabPOS Transaction` WHERE business_day = %s", (day,))
	assert sorted(row["name"] for row in stored) == sorted(names)
	lines = db.sql(
		"SELECT COUNT(*) AS n, COUNT(DISTINCT line.name) AS distinct_names FROM `tabPOS Transaction Line` line "
		"JOIN `tabPOS Transaction` txn ON txn.name = line.parent WHERE txn.business_day = %s",
		(day,),
	)[0]
	assert lines["n"] == lines["distinct_names"] == sum(len(record["lines"]) for record in records)
	tenders = db.sql(
		"SELECT COUNT(*) AS n FROM `tabPOS Transaction Tender` tender "
		"JOIN `tabPOS Transaction` txn ON txn.name = tender.parent WHERE txn.business_day = %s",
		(day,),
	)[0]["n"]
	assert tenders == sum(len(record["tenders"]) for record in records)
	# and the stored amounts are the records' (floats in the file, exact decimals again after loads)
	totals = db.sql(
		"SELECT SUM(claimed_grand_total) AS total FROM `tabPOS Transaction` WHERE business_day = %s", (day,)
	)
	assert dec(totals[0]["total"]) == sum((dec(record["totals"]["grand"]) for record in records), ZERO)


# --- d. malformed records ----------------------------------------------------------------------------------------


def a_sale(traffic: Traffic, terminal: str | None = None) -> dict[str, Any]:
	"""A copy of a generated sale with at least two lines and a discount-free first line."""
	for record in traffic.records():
		if (
			record["type"] == "sale"
			and len(record["lines"]) >= 2
			and (terminal is None or record["terminal"] == terminal)
		):
			return copy.deepcopy(record)
	raise AssertionError("no such sale")


def test_malformed_records_are_rejected_with_a_reason_and_nothing_is_written(
	chain_db: MariaDBDatabase, traffic: Traffic
) -> None:
	def variant(number: int, **changes: Any) -> dict[str, Any]:
		record = a_sale(traffic)
		record["transaction_number"] = 9000 + number
		record.update(changes)
		return record

	wrong_type = variant(1, transaction_number="9001")
	missing_key = variant(2)
	del missing_key["totals"]
	unknown_terminal = variant(3, terminal="S009-T01")
	negative_qty = variant(4)
	negative_qty["lines"][0]["qty"] = Decimal("-1")
	repeated_ids = variant(5)
	repeated_ids["lines"][1]["line_id"] = repeated_ids["lines"][0]["line_id"]
	huge_line = '{"pad": "' + "x" * (2_000_000 - len('{"pad": ""}')) + '"}'
	assert len(huge_line.encode()) == 2_000_000
	(huge,) = list(read_json_lines([huge_line]))
	assert isinstance(huge, RecordRejected)
	unknown_property = variant(7, colour="red")
	discount_above = variant(8)
	discount_above["lines"][0]["discount"] = (
		money(dec(discount_above["lines"][0]["unit_price"]) * dec(discount_above["lines"][0]["qty"])) + CENT
	)
	return_without_original = variant(9, type="return")
	bad_date = variant(10, business_day="2026-02-30")
	not_an_object = [variant(11)]
	batch = [
		wrong_type,
		missing_key,
		unknown_terminal,
		negative_qty,
		repeated_ids,
		huge,
		unknown_property,
		discount_above,
		return_without_original,
		bad_date,
		not_an_object,
	]
	before = table_counts(chain_db)
	results = ingest_records(chain_db, batch, "External API")
	assert [result.status for result in results] == ["rejected"] * len(batch)
	assert [result.index for result in results] == list(range(len(batch)))
	reasons = [result.reason for result in results]
	expected = [
		"transaction_number: transaction_number must be integer",
		"record: record must contain ['totals'] properties",
		"terminal: unknown terminal S009-T01; register it as a POS Terminal first",
		"lines.0.qty: lines[0].qty must be bigger than 0",
		f"lines[1].line_id {repeated_ids['lines'][0]['line_id']} is repeated: each line needs its own id",
		"line 1: record of 2,000,000 bytes is larger than 65,536",
		"record: record must not contain {'colour'} properties",
		f"lines[0].discount {discount_above['lines'][0]['discount']} is larger than the line amount",
		"original: a return must name the transaction it refers to",
		"business_day: business_day must be date",
		"a record must be a JSON object, not list",
	]
	for reason, start in zip(reasons, expected, strict=True):
		assert reason.startswith(start), (reason, start)
	assert table_counts(chain_db) == before


def test_a_batch_of_1001_raises_and_writes_nothing(chain_db: MariaDBDatabase, traffic: Traffic) -> None:
	records = traffic.records()
	batch = (records * 3)[:1001]
	before = table_counts(chain_db)
	with pytest.raises(ValidationError, match="at most 1000 transactions, this one 1001"):
		ingest_records(chain_db, batch)
	assert table_counts(chain_db) == before
	assert len(ingest_records(chain_db, batch[:1000])) == 1000  # the limit itself is fine


def test_a_till_may_send_only_its_own_transactions(chain_db: MariaDBDatabase, traffic: Traffic) -> None:
	own, other = a_sale(traffic, "S001-T01"), a_sale(traffic, "S001-T02")
	results = ingest_records(chain_db, [own, other], "External API", only_terminal="S001-T01")
	assert [(result.status, result.name) for result in results[:1]] == [("accepted", key_name(own))]
	assert results[1].status == "rejected"
	assert results[1].reason == "terminal: signed in as S001-T01, a till may send only its own transactions"
	stored = chain_db.sql("SELECT name FROM `tabPOS Transaction`")
	assert stored == [{"name": key_name(own)}]


def test_same_key_with_other_content_is_a_conflict(chain_db: MariaDBDatabase, traffic: Traffic) -> None:
	first = a_sale(traffic)
	assert ingest_records(chain_db, [first])[0].status == "accepted"
	changed = copy.deepcopy(first)
	changed["cashier"] = "C99"
	before, checksums = table_counts(chain_db), pos_checksums(chain_db)
	(result,) = ingest_records(chain_db, [changed])
	assert result.status == "rejected"
	assert result.reason == f"conflicts with {key_name(first)}, received before with other content"
	assert table_counts(chain_db) == before and pos_checksums(chain_db) == checksums
	# within one batch: the second of two different records under one key
	newer = a_sale(traffic, "S002-T01")
	other = copy.deepcopy(newer)
	other["cashier"] = "C98"
	results = ingest_records(chain_db, [newer, other, copy.deepcopy(newer)])
	assert [result.status for result in results] == ["accepted", "rejected", "duplicate"]
	assert results[1].reason == "conflicts with record #0 of this batch (same key, other content)"


# --- e. store-day close ------------------------------------------------------------------------------------------


def fault_stores(chain: Chain, traffic: Traffic) -> tuple[str, str]:
	"""(store with the wrong total, store with the missing number): different stores with this seed."""
	error_store = store_of(chain, traffic.truth.wrong_totals[0].rsplit("-", 2)[0])
	gap_store = store_of(chain, traffic.truth.missing_numbers[0][0])
	assert error_store != gap_store
	return error_store, gap_store


def test_expected_tenders_are_the_records_takings_less_refunds_pickups_and_floats(
	audited: tuple[MariaDBDatabase, list[IngestResult], AuditSummary], chain: Chain, traffic: Traffic
) -> None:
	db, _, _ = audited
	aggregate_all(db)
	for store in chain.stores:
		expected = expected_tenders(db, store.code, BUSINESS_DAY)
		assert expected == expected_drawer(chain, traffic, store.code), store.code
		# each till's float (150) in and midday pickup (300) out
		assert set(expected) == {"Cash", "Credit Card", "Mobile Wallet"}


def test_close_is_refused_with_errors_and_gaps_then_records_the_variance(
	audited: tuple[MariaDBDatabase, list[IngestResult], AuditSummary], chain: Chain, traffic: Traffic
) -> None:
	db, _, _ = audited
	aggregate_all(db)
	error_store, gap_store = fault_stores(chain, traffic)
	with pytest.raises(
		ValidationError,
		match=rf"Store {error_store}, business day {BUSINESS_DAY}: cannot close with 1 transaction\(s\) in Error",
	):
		close_store_day(db, error_store, BUSINESS_DAY, {})
	with pytest.raises(ValidationError, match=r"cannot close with 1 unacknowledged sequence gap\(s\)"):
		close_store_day(db, gap_store, BUSINESS_DAY, {})
	assert db.sql("SELECT COUNT(*) AS n FROM `tabStore Day`")[0]["n"] == 0

	(gap,) = db.sql("SELECT name FROM `tabPOS Sequence Gap` WHERE store = %s", (gap_store,))
	with pytest.raises(ValidationError, match="give the reason"):
		acknowledge_gap(db, gap["name"], "  ")
	acknowledge_gap(db, gap["name"], "Till restarted after a power cut")
	acknowledged = db.sql(
		"SELECT status, reason, acknowledged_by FROM `tabPOS Sequence Gap` WHERE name = %s", (gap["name"],)
	)
	assert acknowledged == [
		{
			"status": "Acknowledged",
			"reason": "Till restarted after a power cut",
			"acknowledged_by": "Administrator",
		}
	]

	expected = expected_tenders(db, gap_store, BUSINESS_DAY)
	counted = dict(expected)
	counted["Cash"] = expected["Cash"] - Decimal("2.35")
	counted["Mobile Wallet"] = expected["Mobile Wallet"] + Decimal("0.10")
	closed = close_store_day(db, gap_store, BUSINESS_DAY, counted)
	name = f"DAY-{gap_store}-{BUSINESS_DAY}"
	assert closed["name"] == name and closed["expected"] == expected
	assert closed["total_variance"] == Decimal("-2.25")
	day_row = db.sql(
		"SELECT status, total_variance, transactions FROM `tabStore Day` WHERE name = %s", (name,)
	)[0]
	assert day_row["status"] == "Closed" and dec(day_row["total_variance"]) == Decimal("-2.25")
	stored = {
		row["mode_of_payment"]: (
			dec(row["expected_amount"]),
			dec(row["counted_amount"]),
			dec(row["variance"]),
		)
		for row in db.sql(
			"SELECT mode_of_payment, expected_amount, counted_amount, variance FROM `tabStore Day Tender` WHERE parent = %s",
			(name,),
		)
	}
	assert stored == {
		mode: (expected[mode], counted[mode], counted[mode] - expected[mode]) for mode in expected
	}
	assert stored["Cash"][2] == Decimal("-2.35") and stored["Credit Card"][2] == 0
	with pytest.raises(ValidationError, match="already closed"):
		close_store_day(db, gap_store, BUSINESS_DAY, counted)
	# the store with the wrong total stays refused
	with pytest.raises(ValidationError, match="in Error"):
		close_store_day(db, error_store, BUSINESS_DAY, {})


# --- f. the command ----------------------------------------------------------------------------------------------


def test_retail_suite_ingest_command_then_all_duplicates(
	chain_db: MariaDBDatabase, empty_database: DatabaseSettings, traffic: Traffic, tmp_path: Path
) -> None:
	records = traffic.records()
	source = write_json_lines(tmp_path / "day.jsonl", records)
	env = {**os.environ, "RETAIL_SUITE_DB": db_url(empty_database), "COLUMNS": "200"}
	command = [sys.executable, "-m", "retail_suite.cli", "ingest", str(source)]
	first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
	assert first.returncode == 0, first.stdout + first.stderr
	assert f"{len(records)} accepted, 0 duplicates, 0 rejected" in first.stdout
	assert "1 in error" in first.stdout and "1 new gaps" in first.stdout
	assert chain_db.sql("SELECT COUNT(*) AS n FROM `tabPOS Transaction`")[0]["n"] == len(records)
	assert chain_db.sql("SELECT COUNT(*) AS n FROM `tabPOS Posting Document`")[0]["n"] > 0
	counts = table_counts(chain_db)

	second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
	assert second.returncode == 0, second.stdout + second.stderr
	assert f"0 accepted, {len(records)} duplicates, 0 rejected" in second.stdout
	assert "0 posting documents created" in second.stdout
	assert table_counts(chain_db) == counts
