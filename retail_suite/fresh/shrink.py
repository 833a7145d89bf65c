"""Shrink entries (store layer): record waste per batch with a reason, valued at cost, and propose withdrawals.

A Shrink Entry is recorded for a store: its lines are checked (`shrink_rules.shrink_problems`), valued
at the warehouse's valuation rate (Bin; the item's when the warehouse has none) and given the expense
account of their reason for the store's company. On a site the submitted document posts an ERPNext Stock
Entry (Material Issue, `fresh/erpnext.py`); standalone it stays in its table with posting status Pending,
the outbox a ledger reads. The expiry job proposes the withdrawal of expired batches as a draft entry per
store and day (`propose_withdrawals`), which the store manager counts and submits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, in_placeholders, insert_rows
from retail_suite.errors import ValidationError
from retail_suite.fresh.shrink_rules import REASONS, ShrinkLine, read_lines, shrink_problems

OWNER = "Administrator"
ENTRY_COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "store", "posting_date", "source",
	"company", "warehouse", "total_qty", "total_value", "posting_status",
)  # fmt: skip
LINE_COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "parent", "parentfield", "parenttype",
	"idx", "item_code", "batch_no", "qty", "uom", "reason", "valuation_rate", "amount", "expense_account", "note",
)  # fmt: skip


@dataclass
class ShrinkRecord:
	name: str
	store: str
	posting_date: date
	lines: list[ShrinkLine] = field(default_factory=list)

	@property
	def total_qty(self) -> Decimal:
		return sum((line.qty for line in self.lines), Decimal("0"))

	@property
	def total_value(self) -> Decimal:
		return sum((line.amount for line in self.lines), Decimal("0"))


def ensure_shrink_reasons(db: Database) -> int:
	"""Create the standard reasons that are missing (Expired, Damaged, Quality, Theft, Stocktake)."""
	now = datetime.now()
	return insert_rows(
		db,
		"tabShrink Reason",
		("name", "reason_code", "description", "creation", "modified", "owner", "modified_by"),
		[(code, code, text, now, now, OWNER, OWNER) for code, text in REASONS.items()],
		ignore_duplicates=True,
	)


def store_row(db: Database, store: str) -> dict[str, Any]:
	rows = db.sql(
		"SELECT store.name, store.company, store.warehouse, store.cost_center, store.time_zone "
		"FROM `tabRetail Store` store WHERE store.name = %s",
		(store,),
	)
	if not rows:
		raise ValidationError(f"store {store} does not exist", field="store", fix="use a Retail Store's code")
	return rows[0]


def reason_accounts(db: Database, company: str | None) -> dict[str, str]:
	"""Reason -> waste expense account of the company."""
	if not company:
		return {}
	return {
		row["parent"]: row["expense_account"]
		for row in db.sql(
			"SELECT link.parent, link.expense_account FROM `tabShrink Reason Account` link "
			"WHERE link.company = %s AND link.parenttype = 'Shrink Reason'",
			(company,),
		)
	}


def known_reasons(db: Database) -> list[str]:
	return [row["name"] for row in db.sql("SELECT reason.name FROM `tabShrink Reason` reason ORDER BY reason.name")]


def item_costs(db: Database, warehouse: str | None, items: Sequence[str]) -> dict[str, Decimal]:
	"""Cost per unit: the warehouse's moving valuation rate (Bin), else the item's valuation rate."""
	items = sorted(set(items))
	if not items:
		return {}
	costs = {
		row["name"]: Decimal(str(row["valuation_rate"] or 0))
		for row in db.sql(
			"SELECT item.name, item.valuation_rate FROM `tabItem` item WHERE item.name IN " + in_placeholders(items),
			items,
		)
	}
	if warehouse:
		for row in db.sql(
			"SELECT bin.item_code, bin.valuation_rate FROM `tabBin` bin WHERE bin.warehouse = %s AND bin.item_code IN "
			+ in_placeholders(items),
			[warehouse, *items],
		):
			if row["valuation_rate"]:
				costs[row["item_code"]] = Decimal(str(row["valuation_rate"]))
	return costs


def check_lines(db: Database, store: dict[str, Any], rows: Sequence[Mapping[str, Any]]) -> list[ShrinkLine]:
	"""Read, check and value shrink lines for a store; raises ValidationError naming every problem."""
	lines, problems = read_lines(rows)
	codes = sorted({line.item_code for line in lines if line.item_code})
	batches = sorted({line.batch_no for line in lines if line.batch_no})
	items = (
		{
			row["name"]: bool(row["has_batch_no"])
			for row in db.sql(
				"SELECT item.name, item.has_batch_no FROM `tabItem` item WHERE item.name IN " + in_placeholders(codes),
				codes,
			)
		}
		if codes
		else {}
	)
	batch_items = (
		{
			row["name"]: row["item"]
			for row in db.sql(
				"SELECT batch.name, batch.item FROM `tabBatch` batch WHERE batch.name IN " + in_placeholders(batches),
				batches,
			)
		}
		if batches
		else {}
	)
	unreadable = {int(problem.split(":")[0].split()[1]) for problem in problems}
	problems += shrink_problems(lines, known_reasons(db), items, batch_items, unreadable)
	if problems:
		raise ValidationError("; ".join(problems), record=f"Shrink Entry for store {store['name']}", field="lines")
	costs = item_costs(db, store["warehouse"], codes)
	accounts = reason_accounts(db, store["company"])
	return [
		ShrinkLine(
			item_code=line.item_code,
			qty=line.qty,
			reason=line.reason,
			batch_no=line.batch_no,
			uom=line.uom,
			note=line.note,
			valuation_rate=costs.get(line.item_code, Decimal("0")),
			expense_account=accounts.get(line.reason),
		)
		for line in lines
	]


def next_name(db: Database, store: str) -> str:
	"""SHR-<store>-00001, the next number of the store's entries (the site's naming series does the same)."""
	prefix = f"SHR-{store}-"
	numbers = [
		int(match[1])
		for row in db.sql("SELECT entry.name FROM `tabShrink Entry` entry WHERE entry.name LIKE %s", (prefix + "%",))
		if (match := re.fullmatch(re.escape(prefix) + r"(\d+)", row["name"]))
	]
	return f"{prefix}{max(numbers, default=0) + 1:05d}"


def record_shrink(
	db: Database,
	store: str,
	rows: Sequence[Mapping[str, Any]],
	posting_date: date,
	source: str = "Manual",
	submit: bool = True,
	name: str | None = None,
	user: str = OWNER,
) -> ShrinkRecord:
	"""Write one Shrink Entry (submitted unless `submit` is False) with its lines; standalone it waits in the
	table, posting status Pending. Raises ValidationError before any write when a line is wrong."""
	found = store_row(db, store)
	lines = check_lines(db, found, rows)
	with db.transaction():
		record = ShrinkRecord(name or next_name(db, store), store, posting_date, lines)
		_write_entry(db, record, found, source, 1 if submit else 0, user)
	return record


def _write_entry(db: Database, record: ShrinkRecord, store: dict[str, Any], source: str, docstatus: int, user: str) -> None:
	now = datetime.now()
	insert_rows(
		db,
		"tabShrink Entry",
		ENTRY_COLUMNS,
		[
			(
				record.name, now, now, user, user, docstatus, record.store, record.posting_date, source,
				store["company"], store["warehouse"], record.total_qty, record.total_value, "Pending",
			)
		],
	)
	_write_lines(db, record.name, record.lines, docstatus, 1, user, now)


def _write_lines(
	db: Database, parent: str, lines: Sequence[ShrinkLine], docstatus: int, first_idx: int, user: str, now: datetime
) -> None:
	insert_rows(
		db,
		"tabShrink Entry Line",
		LINE_COLUMNS,
		[
			(
				f"{parent}-{idx}", now, now, user, user, docstatus, parent, "lines", "Shrink Entry", idx,
				line.item_code, line.batch_no, line.qty, line.uom, line.reason, line.valuation_rate, line.amount,
				line.expense_account, line.note,
			)
			for idx, line in enumerate(lines, first_idx)
		],
	)


def withdrawn_batches(db: Database, store: str, batches: Sequence[str]) -> set[str]:
	"""Batches of the store already on a shrink entry for Expired (draft or submitted, not cancelled)."""
	found: set[str] = set()
	for start in range(0, len(batches), 1000):
		chunk = list(batches[start : start + 1000])
		found.update(
			row["batch_no"]
			for row in db.sql(
				"SELECT line.batch_no FROM `tabShrink Entry Line` line JOIN `tabShrink Entry` entry ON entry.name = line.parent "
				"WHERE entry.store = %s AND entry.docstatus < 2 AND line.reason = 'Expired' AND line.batch_no IN "
				+ in_placeholders(chunk),
				[store, *chunk],
			)
		)
	return found


def propose_withdrawals(
	db: Database, store: Mapping[str, Any], day: date, expired: Sequence[tuple[str, str, Decimal]]
) -> tuple[str | None, int]:
	"""Add expired (item, batch, qty on hand) of a store to its withdrawal proposal of `day`: a draft Shrink
	Entry SHR-<store>-W<yyyymmdd>, reason Expired, made by the expiry job. A batch already on an Expired line
	of the store is left out. Returns (the entry's name or None, lines added)."""
	batches = [batch for _item, batch, _qty in expired]
	already = withdrawn_batches(db, store["name"], batches)
	new = [(item, batch, qty) for item, batch, qty in expired if batch not in already]
	if not new:
		return None, 0
	costs = item_costs(db, store["warehouse"], [item for item, _batch, _qty in new])
	account = reason_accounts(db, store["company"]).get("Expired")
	lines = [
		ShrinkLine(item, qty, "Expired", batch, valuation_rate=costs.get(item, Decimal("0")), expense_account=account)
		for item, batch, qty in new
	]
	base = f"SHR-{store['name']}-W{day:%Y%m%d}"
	existing = {
		row["name"]: row
		for row in db.sql(
			"SELECT entry.name, entry.docstatus FROM `tabShrink Entry` entry WHERE entry.name = %s OR entry.name LIKE %s",
			(base, base + "-%"),
		)
	}
	draft = next((name for name, row in sorted(existing.items()) if row["docstatus"] == 0), None)
	now = datetime.now()
	if draft:
		last = db.sql("SELECT MAX(line.idx) AS idx FROM `tabShrink Entry Line` line WHERE line.parent = %s", (draft,))[0]["idx"]
		_write_lines(db, draft, lines, 0, int(last or 0) + 1, OWNER, now)
		added_qty = sum((line.qty for line in lines), Decimal("0"))
		added_value = sum((line.amount for line in lines), Decimal("0"))
		db.execute(
			"UPDATE `tabShrink Entry` SET total_qty = total_qty + %s, total_value = total_value + %s, modified = %s "
			"WHERE name = %s",
			(added_qty, added_value, now, draft),
		)
		return draft, len(lines)
	name = base if base not in existing else f"{base}-{len(existing) + 1}"
	_write_entry(db, ShrinkRecord(name, store["name"], day, lines), dict(store), "Expiry Job", 0, OWNER)
	return name, len(lines)


@dataclass
class ConfirmedWithdrawal:
	name: str
	store: str
	#: (item, batch, qty) withdrawn
	lines: list[tuple[str, str | None, Decimal]] = field(default_factory=list)


def confirm_withdrawal(db: Database, name: str, counted: Mapping[str, Decimal] | None = None) -> ConfirmedWithdrawal:
	"""The store's count of a withdrawal proposal: the draft Shrink Entry is submitted (standalone: it waits in
	the table, posting Pending). `counted` (batch -> quantity found) replaces proposed quantities; 0 drops the
	line. The desk does the same by editing and submitting the document."""
	found = db.sql("SELECT entry.name, entry.store, entry.docstatus FROM `tabShrink Entry` entry WHERE entry.name = %s", (name,))
	if not found:
		raise ValidationError(f"no shrink entry {name}", record=name)
	if found[0]["docstatus"] != 0:
		raise ValidationError("is not a draft: it was confirmed or cancelled already", record=f"Shrink Entry {name}")
	lines = db.sql(
		"SELECT line.name, line.item_code, line.batch_no, line.qty, line.valuation_rate FROM `tabShrink Entry Line` line "
		"WHERE line.parent = %s ORDER BY line.idx",
		(name,),
	)
	now = datetime.now()
	kept = []
	with db.transaction():
		for line in lines:
			qty = Decimal(str(line["qty"]))
			if counted is not None and line["batch_no"] in counted:
				qty = Decimal(str(counted[line["batch_no"]]))
				if qty <= 0:
					db.execute("DELETE FROM `tabShrink Entry Line` WHERE name = %s", (line["name"],))
					continue
				amount = (qty * Decimal(str(line["valuation_rate"] or 0))).quantize(Decimal("0.01"))
				db.execute(
					"UPDATE `tabShrink Entry Line` SET qty = %s, amount = %s, modified = %s WHERE name = %s",
					(qty, amount, now, line["name"]),
				)
			kept.append((line["item_code"], line["batch_no"], qty))
		db.execute("UPDATE `tabShrink Entry Line` SET docstatus = 1, modified = %s WHERE parent = %s", (now, name))
		db.execute(
			"UPDATE `tabShrink Entry` SET docstatus = 1, modified = %s, total_qty = (SELECT COALESCE(SUM(line.qty), 0) "
			"FROM `tabShrink Entry Line` line WHERE line.parent = %s), total_value = (SELECT COALESCE(SUM(line.amount), 0) "
			"FROM `tabShrink Entry Line` line WHERE line.parent = %s) WHERE name = %s",
			(now, name, name, name),
		)
	return ConfirmedWithdrawal(name, found[0]["store"], kept)


def pending_postings(db: Database, store: str | None = None) -> list[dict[str, Any]]:
	"""Submitted shrink entries not posted to a ledger yet (standalone: all of them, the outbox)."""
	return db.sql(
		"SELECT entry.name, entry.store, entry.posting_date, entry.total_qty, entry.total_value "
		"FROM `tabShrink Entry` entry WHERE entry.docstatus = 1 AND entry.posting_status <> 'Posted' "
		"AND (%s IS NULL OR entry.store = %s) ORDER BY entry.posting_date, entry.name",
		(store, store),
	)


@dataclass(frozen=True)
class Scanned:
	"""What a scan at the shrink page found: the item, the batch the label carried (if any), and the item's
	batches with stock in the store, first expiring first."""

	item_code: str
	item_name: str | None
	stock_uom: str | None
	has_batch_no: bool
	batch_no: str | None
	batches: list[dict[str, Any]] = field(default_factory=list)


def scan_code(db: Database, store: str, code: str) -> Scanned | None:
	"""Read a scan: a GS1 fresh label ((01) GTIN, (10) batch), an item barcode, an item code or a batch number."""
	from retail_suite.fresh.labels import parse_gs1

	code = (code or "").strip()
	if not code:
		return None
	found = store_row(db, store)
	item_code, batch_no = None, None
	gs1 = parse_gs1(code)
	candidates = [code]
	if gs1:
		batch_no = gs1.get("10")
		gtin = gs1.get("01")
		candidates = [gtin, gtin.lstrip("0"), gtin[1:]] if gtin else []
	for candidate in candidates:
		rows = db.sql("SELECT barcode.parent FROM `tabItem Barcode` barcode WHERE barcode.barcode = %s", (candidate,))
		if rows:
			item_code = rows[0]["parent"]
			break
	if item_code is None and not gs1:
		if db.sql("SELECT item.name FROM `tabItem` item WHERE item.name = %s", (code,)):
			item_code = code
		else:
			rows = db.sql("SELECT batch.name, batch.item FROM `tabBatch` batch WHERE batch.name = %s", (code,))
			if rows:
				item_code, batch_no = rows[0]["item"], rows[0]["name"]
	if item_code is None and batch_no:
		rows = db.sql("SELECT batch.item FROM `tabBatch` batch WHERE batch.name = %s", (batch_no,))
		item_code = rows[0]["item"] if rows else None
	if item_code is None:
		return None
	item = db.sql(
		"SELECT item.name, item.item_name, item.stock_uom, item.has_batch_no FROM `tabItem` item WHERE item.name = %s",
		(item_code,),
	)[0]
	batches = db.sql(
		"SELECT entry.batch_no, batch.expiry_date, SUM(entry.qty) AS qty FROM `tabSerial and Batch Entry` entry "
		"JOIN `tabBatch` batch ON batch.name = entry.batch_no "
		"WHERE entry.docstatus = 1 AND entry.warehouse = %s AND batch.item = %s "
		"GROUP BY entry.batch_no, batch.expiry_date HAVING SUM(entry.qty) > 0 ORDER BY batch.expiry_date, entry.batch_no",
		(found["warehouse"], item_code),
	)
	return Scanned(
		item_code=item["name"],
		item_name=item["item_name"],
		stock_uom=item["stock_uom"],
		has_batch_no=bool(item["has_batch_no"]),
		batch_no=batch_no,
		batches=[{"batch_no": row["batch_no"], "expiry_date": row["expiry_date"], "qty": float(row["qty"])} for row in batches],
	)
