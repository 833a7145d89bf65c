"""Aggregation of audited transactions into posting documents (store layer): the POSDM outbox.

Per store and business day (or per transaction, as the store is set), valid sales
become a Sales posting document and goods that came back a Returns one: items by
(item, uom, batch, tax template, unit price) with quantities and amounts, tender
totals per mode of payment, discounts per promotion. A transaction is claimed by
exactly one posting document: the claim is one UPDATE guarded by
`posting_document IS NULL` on rows locked FOR UPDATE, in the same database
transaction that writes the document.

Exchanges are split: the goods sold go to the Sales document, the goods taken back
to the Returns document, and an internal "Exchange Credit" tender carries the value
between them so that each document balances and the two net to what was paid.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, in_placeholders, insert_rows
from retail_suite.posdm.tlog import ZERO, exact

EXCHANGE_CREDIT = "Exchange Credit"
OWNER = "Administrator"
POSTABLE_TYPES = ("Sale", "Return", "Exchange")


class PostingConflict(RuntimeError):
	"""Another process claimed some of the same transactions; nothing was written."""


@dataclass
class PostingDraft:
	key: str
	store: str
	business_day: date
	kind: str  # Sales | Returns
	posting_mode: str
	transactions: list[str] = field(default_factory=list)
	items: list[dict[str, Any]] = field(default_factory=list)
	tenders: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
	discounts: dict[str, list] = field(default_factory=dict)  # promotion -> [amount, lines]

	@property
	def name(self) -> str:
		return "PST-" + hashlib.sha1(self.key.encode()).hexdigest()[:12].upper()

	def totals(self) -> dict[str, Decimal]:
		net = sum((row["net_amount"] for row in self.items), ZERO)
		tax = sum((row["tax_amount"] for row in self.items), ZERO)
		return {
			"total_qty": sum((row["qty"] for row in self.items), Decimal(0)),
			"net_total": net,
			"discount_total": sum((row["discount_amount"] for row in self.items), ZERO),
			"tax_total": tax,
			"grand_total": net + tax,
		}


def pending_store_days(db: Database, store: str | None = None) -> list[tuple[str, date]]:
	"""Store-days with audited transactions not yet in a posting document."""
	condition = "AND txn.store = %s" if store else ""
	rows = db.sql(
		"SELECT DISTINCT txn.store, txn.business_day FROM `tabPOS Transaction` txn "
		f"WHERE txn.status = 'Audited' AND txn.posting_document IS NULL {condition} ORDER BY txn.store, txn.business_day",
		(store,) if store else None,
	)
	return [(row["store"], row["business_day"]) for row in rows]


def aggregate_store_day(db: Database, store: str, business_day: date) -> list[str]:
	"""Create the posting documents of one store-day from its audited, unclaimed transactions; returns their names.

	The claim is one UPDATE that marks the store-day's unclaimed, audited transactions with a claim token
	(row locks held to the end of the transaction: a concurrent aggregation waits, then finds nothing);
	the grouping queries join on that token; the token is then replaced by the posting document's name.
	"""
	with db.transaction():
		store_row = db.sql(
			"SELECT store.name, store.company, store.warehouse, store.cost_center, store.posting_mode, "
			"company.default_currency AS currency FROM `tabRetail Store` store "
			"LEFT JOIN `tabCompany` company ON company.name = store.company WHERE store.name = %s",
			(store,),
		)[0]
		claim = "CLAIM-" + uuid.uuid4().hex
		now = datetime.now()
		claimed = db.execute(
			"UPDATE `tabPOS Transaction` SET posting_document = %s, status = 'Posted', modified = %s "
			"WHERE store = %s AND business_day = %s AND status = 'Audited' AND posting_document IS NULL "
			"AND source <> 'ERPNext POS' AND transaction_type IN " + in_placeholders(POSTABLE_TYPES),
			[claim, now, store, business_day, *POSTABLE_TYPES],
		)
		if not claimed:
			return []
		mode = store_row["posting_mode"] or "Per Business Day"
		drafts = build_drafts(db, store, business_day, mode, claim)
		claimed_by: dict[str, str] = {}
		for draft in drafts:
			_write_draft(db, draft, store_row, now)
			# an exchange sits in a Sales and a Returns document; it belongs to the first (Sales)
			for name in draft.transactions:
				claimed_by.setdefault(name, draft.name)
		if len(claimed_by) != claimed:
			raise PostingConflict(f"{store} {business_day}: claimed {claimed} transactions but grouped {len(claimed_by)}; retry")
		by_document: dict[str, list[str]] = defaultdict(list)
		for name, document in claimed_by.items():
			by_document[document].append(name)
		# the largest document takes every claimed row in one statement, the others by name
		largest = max(by_document, key=lambda document: len(by_document[document]))
		for document, names in by_document.items():
			if document != largest:
				db.execute(
					"UPDATE `tabPOS Transaction` SET posting_document = %s WHERE posting_document = %s AND name IN "
					+ in_placeholders(names),
					[document, claim, *names],
				)
		db.execute("UPDATE `tabPOS Transaction` SET posting_document = %s WHERE posting_document = %s", (largest, claim))
		return [draft.name for draft in drafts]


def build_drafts(db: Database, store: str, business_day: date, mode: str, claim: str) -> list[PostingDraft]:
	"""Group lines, tenders and discounts of the claimed transactions into Sales and Returns drafts."""
	sequence = 1 + int(
		db.sql(
			"SELECT COUNT(*) AS n FROM `tabPOS Posting Document` doc WHERE doc.store = %s AND doc.business_day = %s",
			(store, business_day),
		)[0]["n"]
	)

	def new_draft(kind: str, scope: str) -> PostingDraft:
		return PostingDraft(f"{store}|{business_day}|{kind}|{scope}", store, business_day, kind, mode)

	drafts: dict[tuple[str, str], PostingDraft] = {}

	def draft_for(kind: str, transaction: str) -> PostingDraft:
		scope = transaction if mode == "Per Transaction" else f"#{sequence}"
		key = (kind, scope)
		if key not in drafts:
			drafts[key] = new_draft(kind, scope)
		return drafts[key]

	# items: one SQL GROUP BY over the claimed transactions' lines
	group_scope = "line.parent, " if mode == "Per Transaction" else ""
	for row in db.sql(
		f"SELECT {group_scope}line.direction, line.item_code, line.uom, line.batch_no, line.item_tax_template, line.unit_price, "
		"SUM(line.qty) AS qty, SUM(line.net_amount + line.discount_amount) AS gross_amount, "
		"SUM(line.discount_amount) AS discount_amount, SUM(line.net_amount) AS net_amount, SUM(line.tax_amount) AS tax_amount, "
		"MIN(line.parent) AS first_transaction "
		"FROM `tabPOS Transaction Line` line JOIN `tabPOS Transaction` txn ON txn.name = line.parent "
		"WHERE txn.posting_document = %s "
		f"GROUP BY {group_scope}line.direction, line.item_code, line.uom, line.batch_no, line.item_tax_template, line.unit_price "
		f"ORDER BY {group_scope}line.direction DESC, line.item_code, line.batch_no, line.unit_price",
		(claim,),
	):
		kind = "Sales" if row["direction"] > 0 else "Returns"
		draft = draft_for(kind, row.get("parent") or row["first_transaction"])
		draft.items.append(
			{
				"item_code": row["item_code"],
				"uom": row["uom"],
				"batch_no": row["batch_no"],
				"item_tax_template": row["item_tax_template"],
				"unit_price": exact(row["unit_price"]),
				"qty": exact(row["qty"]),
				"gross_amount": exact(row["gross_amount"]).quantize(ZERO),
				"discount_amount": exact(row["discount_amount"]).quantize(ZERO),
				"net_amount": exact(row["net_amount"]).quantize(ZERO),
				"tax_amount": exact(row["tax_amount"]).quantize(ZERO),
			}
		)
	# per transaction: which side its lines went to, and its value on each side
	sides: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"Sales": ZERO, "Returns": ZERO})
	has_lines: dict[str, set[str]] = defaultdict(set)
	for row in db.sql(
		"SELECT line.parent, line.direction, SUM(line.net_amount + line.tax_amount) AS value "
		"FROM `tabPOS Transaction Line` line JOIN `tabPOS Transaction` txn ON txn.name = line.parent "
		"WHERE txn.posting_document = %s GROUP BY line.parent, line.direction",
		(claim,),
	):
		side = "Sales" if row["direction"] > 0 else "Returns"
		sides[row["parent"]][side] = exact(row["value"]).quantize(ZERO)
		has_lines[row["parent"]].add(side)
	paid: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
	for row in db.sql(
		"SELECT tender.parent, tender.mode_of_payment, SUM(tender.amount - tender.change_amount) AS amount "
		"FROM `tabPOS Transaction Tender` tender JOIN `tabPOS Transaction` txn ON txn.name = tender.parent "
		"WHERE txn.posting_document = %s GROUP BY tender.parent, tender.mode_of_payment",
		(claim,),
	):
		paid[row["parent"]][row["mode_of_payment"]] += exact(row["amount"]).quantize(ZERO)
	for name in sorted(has_lines):
		sold, taken_back = sides[name]["Sales"], sides[name]["Returns"]
		if sold and taken_back:  # an exchange: the smaller side is settled by exchange credit
			credit = min(sold, taken_back)
			draft_for("Sales", name).tenders[EXCHANGE_CREDIT] += credit
			draft_for("Returns", name).tenders[EXCHANGE_CREDIT] += credit
		side = "Sales" if sold >= taken_back and "Sales" in has_lines[name] else "Returns"
		for mode_of_payment, amount in paid[name].items():
			draft_for(side, name).tenders[mode_of_payment] += amount
		for kind in ("Sales", "Returns"):
			if kind in has_lines[name]:
				draft_for(kind, name).transactions.append(name)
	parts: dict[tuple[str, int], list[tuple[str, Decimal]]] = defaultdict(list)
	for row in db.sql(
		"SELECT disc.parent, disc.line_id, disc.promotion, disc.amount FROM `tabPOS Transaction Discount` disc "
		"JOIN `tabPOS Transaction` txn ON txn.name = disc.parent WHERE txn.posting_document = %s",
		(claim,),
	):
		parts[(row["parent"], row["line_id"])].append((row["promotion"], exact(row["amount"]).quantize(ZERO)))
	for row in db.sql(
		"SELECT line.parent, line.line_id, line.direction, line.discount_amount FROM `tabPOS Transaction Line` line "
		"JOIN `tabPOS Transaction` txn ON txn.name = line.parent "
		"WHERE txn.posting_document = %s AND line.discount_amount <> 0",
		(claim,),
	):
		draft = draft_for("Sales" if row["direction"] > 0 else "Returns", row["parent"])
		line_parts = parts.get((row["parent"], row["line_id"]), [])
		manual = exact(row["discount_amount"]).quantize(ZERO) - sum((amount for _, amount in line_parts), ZERO)
		if manual:
			line_parts = [*line_parts, ("(manual discount)", manual)]
		for promotion, amount in line_parts:  # per promotion: its amount and the lines it discounted
			entry = draft.discounts.setdefault(promotion, [ZERO, 0])
			entry[0] += amount
			entry[1] += 1
	return [draft for _, draft in sorted(drafts.items(), key=lambda pair: (pair[0][1], pair[0][0] != "Sales"))]


def _write_draft(db: Database, draft: PostingDraft, store_row: dict[str, Any], now: datetime) -> None:
	totals = draft.totals()
	stamp = (now, now, OWNER, OWNER)
	insert_rows(
		db,
		"tabPOS Posting Document",
		("name", "posting_key", "store", "business_day", "kind", "posting_mode", "status", "company", "currency",
			"warehouse", "cost_center", "transaction_count", "total_qty", "net_total", "discount_total", "tax_total",
			"grand_total", "attempts", "creation", "modified", "owner", "modified_by"),
		[(draft.name, draft.key, draft.store, draft.business_day, draft.kind, draft.posting_mode, "Pending",
			store_row["company"], store_row["currency"], store_row["warehouse"], store_row["cost_center"],
			len(set(draft.transactions)), totals["total_qty"], totals["net_total"], totals["discount_total"],
			totals["tax_total"], totals["grand_total"], 0, *stamp)],
	)
	child = ("parent", "parentfield", "parenttype", "idx")
	insert_rows(
		db,
		"tabPOS Posting Item",
		("name", *child, "item_code", "uom", "warehouse", "batch_no", "item_tax_template", "qty", "unit_price",
			"gross_amount", "discount_amount", "net_amount", "tax_amount", "creation", "modified", "owner", "modified_by"),
		[(f"{draft.name}-I{idx}", draft.name, "items", "POS Posting Document", idx, row["item_code"], row["uom"],
			store_row["warehouse"], row["batch_no"], row["item_tax_template"], row["qty"], row["unit_price"],
			row["gross_amount"], row["discount_amount"], row["net_amount"], row["tax_amount"], *stamp)
			for idx, row in enumerate(draft.items, 1)],
	)
	insert_rows(
		db,
		"tabPOS Posting Tender",
		("name", *child, "mode_of_payment", "amount", "creation", "modified", "owner", "modified_by"),
		[(f"{draft.name}-T{idx}", draft.name, "tenders", "POS Posting Document", idx, mode, amount, *stamp)
			for idx, (mode, amount) in enumerate(sorted(draft.tenders.items()), 1) if amount],
	)
	insert_rows(
		db,
		"tabPOS Posting Discount",
		("name", *child, "promotion", "amount", "line_count", "creation", "modified", "owner", "modified_by"),
		[(f"{draft.name}-D{idx}", draft.name, "discounts", "POS Posting Document", idx, promotion, amount, line_count, *stamp)
			for idx, (promotion, (amount, line_count)) in enumerate(sorted(draft.discounts.items()), 1)],
	)


def aggregate_all(
	db: Database, store: str | None = None, progress: Callable[[int, int], None] | None = None
) -> list[str]:
	"""Aggregate every pending store-day; returns the posting documents created."""
	created: list[str] = []
	days = pending_store_days(db, store)
	for done, (store_name, business_day) in enumerate(days, 1):
		created += aggregate_store_day(db, store_name, business_day)
		if progress:
			progress(done, len(days))
	return created


def log_totals(db: Database, store: str, business_day: date) -> dict[str, Any]:
	"""What the posted transactions of a store-day add up to, straight from the log."""
	condition = "txn.store = %s AND txn.business_day = %s AND txn.posting_document IS NOT NULL"
	lines = db.sql(
		"SELECT SUM(line.direction * line.net_amount) AS net, SUM(line.direction * line.tax_amount) AS tax, "
		"SUM(line.direction * line.discount_amount) AS discount FROM `tabPOS Transaction Line` line "
		f"JOIN `tabPOS Transaction` txn ON txn.name = line.parent WHERE {condition}",
		(store, business_day),
	)[0]
	qty = {
		(row["item_code"], row["warehouse"]): exact(row["qty"])
		for row in db.sql(
			"SELECT line.item_code, store.warehouse, SUM(line.direction * line.qty) AS qty FROM `tabPOS Transaction Line` line "
			"JOIN `tabPOS Transaction` txn ON txn.name = line.parent JOIN `tabRetail Store` store ON store.name = txn.store "
			f"WHERE {condition} GROUP BY line.item_code, store.warehouse",
			(store, business_day),
		)
	}
	tenders = {
		row["mode_of_payment"]: exact(row["amount"]).quantize(ZERO)
		for row in db.sql(
			"SELECT tender.mode_of_payment, SUM(CASE WHEN txn.grand_total < 0 THEN -(tender.amount - tender.change_amount) "
			"ELSE tender.amount - tender.change_amount END) AS amount FROM `tabPOS Transaction Tender` tender "
			f"JOIN `tabPOS Transaction` txn ON txn.name = tender.parent WHERE {condition} GROUP BY tender.mode_of_payment",
			(store, business_day),
		)
	}
	return {
		"net": exact(lines["net"]).quantize(ZERO),
		"tax": exact(lines["tax"]).quantize(ZERO),
		"discount": exact(lines["discount"]).quantize(ZERO),
		"qty": {key: value for key, value in qty.items() if value},
		"tenders": {mode: amount for mode, amount in tenders.items() if amount},
	}


def outbox_totals(db: Database, store: str, business_day: date) -> dict[str, Any]:
	"""The same figures from the posting documents (Sales minus Returns); exchange credit nets to zero."""
	sign = "CASE WHEN doc.kind = 'Returns' THEN -1 ELSE 1 END"
	head = db.sql(
		f"SELECT SUM({sign} * doc.net_total) AS net, SUM({sign} * doc.tax_total) AS tax, "
		f"SUM({sign} * doc.discount_total) AS discount FROM `tabPOS Posting Document` doc "
		"WHERE doc.store = %s AND doc.business_day = %s",
		(store, business_day),
	)[0]
	qty = {
		(row["item_code"], row["warehouse"]): exact(row["qty"])
		for row in db.sql(
			f"SELECT item.item_code, item.warehouse, SUM({sign} * item.qty) AS qty FROM `tabPOS Posting Item` item "
			"JOIN `tabPOS Posting Document` doc ON doc.name = item.parent WHERE doc.store = %s AND doc.business_day = %s "
			"GROUP BY item.item_code, item.warehouse",
			(store, business_day),
		)
	}
	tenders = {
		row["mode_of_payment"]: exact(row["amount"]).quantize(ZERO)
		for row in db.sql(
			f"SELECT tender.mode_of_payment, SUM({sign} * tender.amount) AS amount FROM `tabPOS Posting Tender` tender "
			"JOIN `tabPOS Posting Document` doc ON doc.name = tender.parent WHERE doc.store = %s AND doc.business_day = %s "
			"GROUP BY tender.mode_of_payment",
			(store, business_day),
		)
	}
	return {
		"net": exact(head["net"]).quantize(ZERO),
		"tax": exact(head["tax"]).quantize(ZERO),
		"discount": exact(head["discount"]).quantize(ZERO),
		"qty": {key: value for key, value in qty.items() if value},
		"tenders": {mode: amount for mode, amount in tenders.items() if amount},
	}
