"""Ingest into the transaction log (store layer): one function for both hosts.

`ingest_records` takes up to 1,000 records, validates every one before any write,
and returns a result per record: accepted, duplicate of <name>, or rejected with a
reason. The natural key (terminal, business day, transaction number) and the
offline id are unique indexes, so a resend — even a concurrent one from another
process — writes nothing and answers with the first result.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from retail_suite.db.port import Database, chunked, in_placeholders, insert_rows
from retail_suite.errors import ValidationError
from retail_suite.posdm.tlog import (
	MAX_BATCH,
	MAX_RECORD_BYTES,
	TENDER_LABELS,
	RecordRejected,
	Transaction,
	loads,
	parse_record,
)
from retail_suite.stores.calendar import StoreCalendar, parse_time

OWNER = "Administrator"

PARENT_COLUMNS = (
	"name", "transaction_key", "terminal", "store", "business_day", "transaction_number", "transaction_type",
	"source", "offline_id", "status", "started_at", "ended_at", "cashier", "sales_person", "member", "currency",
	"coupons", "original_transaction", "erpnext_invoice_type", "erpnext_invoice", "net_total", "discount_total", "tax_total",
	"grand_total", "claimed_grand_total", "tender_total", "change_total", "payload_hash", "ingest_token",
	"received_at", "creation", "modified", "owner", "modified_by",
)
LINE_COLUMNS = (
	"name", "parent", "parentfield", "parenttype", "idx", "line_id", "item_code", "scanned_code", "qty", "uom",
	"unit_price", "discount_amount", "promotion", "batch_no", "serial_no", "item_tax_template", "tax_amount",
	"net_amount", "returned", "direction", "creation", "modified", "owner", "modified_by",
)
DISCOUNT_COLUMNS = (
	"name", "parent", "parentfield", "parenttype", "idx", "line_id", "promotion", "amount",
	"creation", "modified", "owner", "modified_by",
)
TENDER_COLUMNS = (
	"name", "parent", "parentfield", "parenttype", "idx", "tender_type", "mode_of_payment", "amount",
	"change_amount", "provider", "reference", "creation", "modified", "owner", "modified_by",
)


@dataclass(frozen=True)
class IngestResult:
	index: int
	status: str  # accepted | duplicate | rejected
	name: str | None = None
	reason: str | None = None

	def as_dict(self) -> dict[str, Any]:
		result: dict[str, Any] = {"index": self.index, "status": self.status}
		if self.name:
			result["name"] = self.name
		if self.reason:
			result["reason"] = self.reason
		return result

	def __str__(self) -> str:
		if self.status == "accepted":
			return f"#{self.index}: accepted as {self.name}"
		if self.status == "duplicate":
			return f"#{self.index}: duplicate of {self.name}"
		return f"#{self.index}: rejected: {self.reason}"


@dataclass(frozen=True)
class TerminalInfo:
	name: str
	store: str
	calendar: StoreCalendar
	currency: str | None
	disabled: bool


def load_terminals(db: Database, names: Iterable[str]) -> dict[str, TerminalInfo]:
	names = sorted(set(names))
	if not names:
		return {}
	rows = db.sql(
		"""
		SELECT terminal.name AS name, terminal.store AS store, terminal.disabled AS disabled,
			store.time_zone AS time_zone, store.business_day_cutoff AS business_day_cutoff,
			company.default_currency AS currency, store.disabled AS store_disabled
		FROM `tabPOS Terminal` terminal
		JOIN `tabRetail Store` store ON store.name = terminal.store
		LEFT JOIN `tabCompany` company ON company.name = store.company
		WHERE terminal.name IN """
		+ in_placeholders(names),
		names,
	)
	return {
		row["name"]: TerminalInfo(
			name=row["name"],
			store=row["store"],
			calendar=StoreCalendar(row["time_zone"] or "UTC", parse_time(row["business_day_cutoff"]) or time(0)),
			currency=row["currency"],
			disabled=bool(row["disabled"] or row["store_disabled"]),
		)
		for row in rows
	}


def _local(moment: datetime | None, calendar: StoreCalendar) -> datetime | None:
	"""Store-local naive time, as Frappe keeps datetimes."""
	if moment is None:
		return None
	return calendar.local_time(moment).replace(tzinfo=None)


def parse_batch(records: Sequence[Any]) -> tuple[list[Transaction | None], list[IngestResult | None]]:
	"""Validate every record of a batch (no database): parsed transactions and early rejections."""
	parsed: list[Transaction | None] = []
	results: list[IngestResult | None] = []
	for index, record in enumerate(records):
		try:
			if isinstance(record, RecordRejected):
				raise record
			parsed.append(parse_record(record))
			results.append(None)
		except RecordRejected as error:
			parsed.append(None)
			results.append(IngestResult(index, "rejected", reason=str(error)))
	return parsed, results


def ingest_records(
	db: Database,
	records: Sequence[Any],
	source: str = "External API",
	only_terminal: str | None = None,
	erpnext_invoice: tuple[str, str] | None = None,
) -> list[IngestResult]:
	"""Validate and store a batch of records; one result per record, in order.

	`only_terminal` restricts a terminal's API user to its own transactions;
	`erpnext_invoice` (doctype, name) links records captured from ERPNext's own POS.
	"""
	if len(records) > MAX_BATCH:
		raise ValidationError(f"a batch holds at most {MAX_BATCH} transactions, this one {len(records)}", fix="split it")
	parsed, results = parse_batch(records)
	terminals = load_terminals(db, (txn.key.terminal for txn in parsed if txn))
	now = datetime.now()
	by_name: dict[str, int] = {}
	by_offline_id: dict[str, int] = {}
	for index, txn in enumerate(parsed):
		if txn is None:
			continue
		reason = None
		terminal = terminals.get(txn.key.terminal)
		if terminal is None:
			reason = f"terminal: unknown terminal {txn.key.terminal}; register it as a POS Terminal first"
		elif terminal.disabled:
			reason = f"terminal: {txn.key.terminal} or its store is disabled"
		elif only_terminal and txn.key.terminal != only_terminal:
			reason = f"terminal: signed in as {only_terminal}, a till may send only its own transactions"
		elif txn.currency and terminal.currency and txn.currency != terminal.currency:
			reason = f"currency: {txn.currency} is not the store's currency {terminal.currency}"
		elif txn.original and txn.original.name == txn.name:
			reason = "original: a transaction cannot refer to itself"
		if reason is None and txn.name in by_name:
			first = parsed[by_name[txn.name]]
			if first and first.payload_hash == txn.payload_hash:
				results[index] = IngestResult(index, "duplicate", name=txn.name)
			else:
				results[index] = IngestResult(index, "rejected", reason=f"conflicts with record #{by_name[txn.name]} of this batch (same key, other content)")
			parsed[index] = None
			continue
		if reason is None and txn.offline_id and txn.offline_id in by_offline_id:
			reason = f"offline_id {txn.offline_id} is used by record #{by_offline_id[txn.offline_id]} of this batch"
		if reason:
			results[index] = IngestResult(index, "rejected", reason=reason)
			parsed[index] = None
			continue
		by_name[txn.name] = index
		if txn.offline_id:
			by_offline_id[txn.offline_id] = index

	candidates = [(index, txn) for index, txn in enumerate(parsed) if txn is not None]
	if not candidates:
		return [result for result in results if result is not None]

	token = uuid.uuid4().hex
	with db.transaction():
		_insert_parents(db, candidates, terminals, source, token, now, erpnext_invoice)
		mine = {row["name"] for row in db.sql("SELECT name FROM `tabPOS Transaction` WHERE ingest_token = %s", (token,))}
		_insert_children(db, [txn for _, txn in candidates if txn.name in mine], now)
		_advance_terminal_numbers(db, [txn for _, txn in candidates if txn.name in mine])
		others = [txn for _, txn in candidates if txn.name not in mine]
		existing = _existing(db, others)
	for index, txn in candidates:
		if txn.name in mine:
			results[index] = IngestResult(index, "accepted", name=txn.name)
			continue
		first = existing.get(("name", txn.name)) or (existing.get(("offline_id", txn.offline_id)) if txn.offline_id else None)
		if first is None:
			results[index] = IngestResult(index, "rejected", reason="not stored: retry the record")
		elif first["name"] == txn.name and first["payload_hash"] != txn.payload_hash:
			results[index] = IngestResult(
				index, "rejected", reason=f"conflicts with {first['name']}, received before with other content"
			)
		else:
			results[index] = IngestResult(index, "duplicate", name=first["name"])
	return [result for result in results if result is not None]


def _existing(db: Database, transactions: list[Transaction]) -> dict[tuple[str, str], dict[str, Any]]:
	if not transactions:
		return {}
	names = [txn.name for txn in transactions]
	offline_ids = [txn.offline_id for txn in transactions if txn.offline_id] or [""]
	rows = db.sql(
		"SELECT name, offline_id, payload_hash FROM `tabPOS Transaction` "
		f"WHERE name IN {in_placeholders(names)} OR offline_id IN {in_placeholders(offline_ids)}",
		[*names, *offline_ids],
	)
	found: dict[tuple[str, str], dict[str, Any]] = {}
	for row in rows:
		found[("name", row["name"])] = row
		if row["offline_id"]:
			found[("offline_id", row["offline_id"])] = row
	return found


def _insert_parents(
	db: Database,
	candidates: list[tuple[int, Transaction]],
	terminals: dict[str, TerminalInfo],
	source: str,
	token: str,
	now: datetime,
	erpnext_invoice: tuple[str, str] | None,
) -> None:
	def rows() -> Iterator[tuple]:
		for _, txn in candidates:
			terminal = terminals[txn.key.terminal]
			yield (
				txn.name, txn.name, txn.key.terminal, terminal.store, txn.key.business_day, txn.key.transaction_number,
				txn.type_label, source, txn.offline_id, "Received", _local(txn.started_at, terminal.calendar),
				_local(txn.ended_at, terminal.calendar), txn.cashier, txn.sales_person, txn.member,
				txn.currency or terminal.currency, ",".join(txn.coupons) or None, txn.original.name if txn.original else None,
				erpnext_invoice[0] if erpnext_invoice else None, erpnext_invoice[1] if erpnext_invoice else None,
				txn.net_total, txn.discount_total, txn.tax_total, txn.grand_total, txn.claimed_grand_total,
				txn.tender_total, txn.change_total, txn.payload_hash, token, now, now, now, OWNER, OWNER,
			)

	insert_rows(db, "tabPOS Transaction", PARENT_COLUMNS, rows(), ignore_duplicates=True)


def _insert_children(db: Database, transactions: list[Transaction], now: datetime) -> None:
	def lines() -> Iterator[tuple]:
		for txn in transactions:
			for idx, line in enumerate(txn.lines, 1):
				yield (
					f"{txn.name}-L{line.line_id}", txn.name, "lines", "POS Transaction", idx, line.line_id,
					line.item_code, line.scanned_code, line.qty, line.uom, line.unit_price, line.discount,
					line.promotion, line.batch_no, line.serial_no, line.tax_template, line.tax, line.net,
					int(line.returned), txn.sign(line), now, now, OWNER, OWNER,
				)

	def tenders() -> Iterator[tuple]:
		for txn in transactions:
			for idx, tender in enumerate(txn.tenders, 1):
				yield (
					f"{txn.name}-P{idx}", txn.name, "tenders", "POS Transaction", idx, TENDER_LABELS[tender.tender_type],
					tender.mode, tender.amount, tender.change, tender.provider, tender.reference, now, now, OWNER, OWNER,
				)

	def discounts() -> Iterator[tuple]:
		for txn in transactions:
			idx = 0
			for line in txn.lines:
				for promotion, amount in line.discounts:
					idx += 1
					yield (
						f"{txn.name}-D{idx}", txn.name, "promotion_discounts", "POS Transaction", idx, line.line_id,
						promotion, amount, now, now, OWNER, OWNER,
					)

	insert_rows(db, "tabPOS Transaction Line", LINE_COLUMNS, lines())
	insert_rows(db, "tabPOS Transaction Discount", DISCOUNT_COLUMNS, discounts())
	insert_rows(db, "tabPOS Transaction Tender", TENDER_COLUMNS, tenders())


def _advance_terminal_numbers(db: Database, transactions: list[Transaction]) -> None:
	highest: dict[str, int] = {}
	for txn in transactions:
		highest[txn.key.terminal] = max(highest.get(txn.key.terminal, 0), txn.key.transaction_number)
	for terminal, number in sorted(highest.items()):
		db.execute(
			"UPDATE `tabPOS Terminal` SET last_transaction_number = GREATEST(last_transaction_number, %s) WHERE name = %s",
			(number, terminal),
		)


def read_json_lines(lines: Iterable[str | bytes]) -> Iterator[Any]:
	"""Records of a JSON Lines stream; an unreadable or oversized line becomes a RecordRejected in its place."""
	for number, line in enumerate(lines, 1):
		if isinstance(line, bytes):
			size = len(line)
		else:
			size = len(line.encode())
		if not line.strip():
			continue
		if size > MAX_RECORD_BYTES:
			yield RecordRejected(f"line {number}: record of {size:,} bytes is larger than {MAX_RECORD_BYTES:,}")
			continue
		try:
			yield loads(line)
		except ValueError as error:
			yield RecordRejected(f"line {number}: not JSON ({error})")


def batches(records: Iterable[Any], size: int = MAX_BATCH) -> Iterator[list[Any]]:
	"""Records in batches of at most `size` (the ingest limit by default)."""
	return chunked(records, size)
