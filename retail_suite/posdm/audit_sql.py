"""Audit run over the transaction log (store layer): load, apply the pure rules, store results and gaps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from retail_suite.db.port import Database, in_placeholders, insert_rows, where_equal
from retail_suite.posdm.audit import (
	AuditContext,
	AuditLine,
	AuditTransaction,
	OriginalSale,
	audit_transaction,
	find_gaps,
)
from retail_suite.posdm.tlog import exact
from retail_suite.promotions.active import coupon_tokens, load_promotions, member_tags, usage_counts
from retail_suite.promotions.engine import Catalogue

CHUNK = 2000


@dataclass
class AuditSummary:
	audited: int = 0
	errors: int = 0
	voided: int = 0
	gaps_opened: int = 0
	gaps_filled: int = 0
	findings: dict[str, list[str]] = field(default_factory=dict)


def load_transactions(db: Database, names: list[str]) -> list[AuditTransaction]:
	parents = db.sql(
		"SELECT txn.name, txn.transaction_type, txn.tender_total, txn.change_total, txn.claimed_grand_total, "
		"txn.original_transaction, txn.source, txn.ended_at, txn.member, txn.coupons, txn.business_day "
		"FROM `tabPOS Transaction` txn WHERE txn.name IN " + in_placeholders(names),
		names,
	)
	split: dict[tuple[str, int], list[tuple[str, Decimal]]] = defaultdict(list)
	for row in db.sql(
		"SELECT disc.parent, disc.line_id, disc.promotion, disc.amount FROM `tabPOS Transaction Discount` disc "
		"WHERE disc.parent IN " + in_placeholders(names) + " ORDER BY disc.parent, disc.idx",
		names,
	):
		split[(row["parent"], row["line_id"])].append(
			(row["promotion"], exact(row["amount"]).quantize(Decimal("0.01")))
		)
	lines: dict[str, list[AuditLine]] = defaultdict(list)
	for row in db.sql(
		"SELECT line.parent, line.line_id, line.item_code, line.qty, line.unit_price, line.discount_amount, "
		"line.tax_amount, line.direction, line.scanned_code, line.promotion, line.batch_no FROM `tabPOS Transaction Line` line "
		"WHERE line.parent IN " + in_placeholders(names) + " ORDER BY line.parent, line.idx",
		names,
	):
		lines[row["parent"]].append(
			AuditLine(
				line_id=row["line_id"],
				item_code=row["item_code"],
				qty=exact(row["qty"]).normalize(),
				unit_price=exact(row["unit_price"]).normalize(),
				discount=exact(row["discount_amount"]).quantize(Decimal("0.01")),
				tax=exact(row["tax_amount"]).quantize(Decimal("0.01")),
				direction=int(row["direction"]),
				scanned_code=row["scanned_code"],
				promotion=row["promotion"],
				promotions=tuple(split.get((row["parent"], row["line_id"]), ())),
				batch_no=row["batch_no"] or None,
			)
		)
	return [
		AuditTransaction(
			name=row["name"],
			transaction_type=row["transaction_type"],
			lines=tuple(lines[row["name"]]),
			tender_total=exact(row["tender_total"]).quantize(Decimal("0.01")),
			change_total=exact(row["change_total"]).quantize(Decimal("0.01")),
			claimed_grand_total=exact(row["claimed_grand_total"]).quantize(Decimal("0.01")),
			original_transaction=row["original_transaction"],
			source=row["source"],
			ended_at=row["ended_at"].isoformat() if row["ended_at"] else None,
			member=row["member"],
			coupons=tuple(code for code in (row["coupons"] or "").split(",") if code),
			business_day=row["business_day"],
		)
		for row in parents
	]


def load_context(db: Database, store: str, transactions: list[AuditTransaction]) -> AuditContext:
	"""Master data for one store's transactions: items, barcodes, list prices, originals of returns."""
	store_row = db.sql(
		"SELECT store.price_list, store.price_tolerance_percent, store.time_zone, store.company "
		"FROM `tabRetail Store` store WHERE store.name = %s",
		(store,),
	)[0]
	items = sorted({line.item_code for txn in transactions for line in txn.lines})
	codes = sorted({line.scanned_code for txn in transactions for line in txn.lines if line.scanned_code})
	context = AuditContext(
		price_tolerance_percent=exact(store_row["price_tolerance_percent"] or 1),
		store=store,
		time_zone=store_row["time_zone"] or "UTC",
	)
	if items:
		for row in db.sql(
			"SELECT item.name, item.disabled, item.has_variants, item.item_group FROM `tabItem` item WHERE item.name IN "
			+ in_placeholders(items),
			items,
		):
			context.items[row["name"]] = not (row["disabled"] or row["has_variants"])
			context.item_groups[row["name"]] = row["item_group"]
		for row in db.sql(
			"SELECT price.item_code, price.price_list_rate FROM `tabItem Price` price "
			"WHERE price.price_list = %s AND price.selling = 1 AND IFNULL(price.batch_no, '') = '' "
			"AND IFNULL(price.customer, '') = '' AND price.item_code IN " + in_placeholders(items) + " "
			"ORDER BY price.valid_from",  # the regular price (a batch's markdown price is no shelf price), the latest

			[store_row["price_list"], *items],
		):
			context.prices[row["item_code"]] = exact(row["price_list_rate"]).normalize()
	batches = sorted({line.batch_no for txn in transactions for line in txn.lines if line.batch_no})
	for start in range(0, len(batches), 1000):
		chunk = batches[start : start + 1000]
		for row in db.sql(
			"SELECT batch.name, batch.expiry_date, batch.disabled FROM `tabBatch` batch WHERE batch.name IN "
			+ in_placeholders(chunk),
			chunk,
		):
			context.batches[row["name"]] = (row["expiry_date"], bool(row["disabled"]))
	if codes:
		for row in db.sql(
			"SELECT barcode.barcode, barcode.parent FROM `tabItem Barcode` barcode WHERE barcode.barcode IN "
			+ in_placeholders(codes),
			codes,
		):
			context.barcodes[row["barcode"]] = row["parent"]
	originals = sorted({txn.original_transaction for txn in transactions if txn.original_transaction})
	if originals:
		sold: dict[str, dict[str, Decimal]] = defaultdict(dict)
		for row in db.sql(
			"SELECT line.parent, line.item_code, SUM(line.qty) AS qty FROM `tabPOS Transaction Line` line "
			"WHERE line.direction = 1 AND line.parent IN "
			+ in_placeholders(originals)
			+ " GROUP BY line.parent, line.item_code",
			originals,
		):
			sold[row["parent"]][row["item_code"]] = exact(row["qty"])
		for row in db.sql(
			"SELECT txn.name, txn.transaction_type, txn.status FROM `tabPOS Transaction` txn WHERE txn.name IN "
			+ in_placeholders(originals),
			originals,
		):
			context.originals[row["name"]] = OriginalSale(
				row["name"], row["transaction_type"], row["status"], sold[row["name"]]
			)
		for row in db.sql(
			"SELECT txn.original_transaction, line.item_code, SUM(line.qty) AS qty FROM `tabPOS Transaction` txn "
			"JOIN `tabPOS Transaction Line` line ON line.parent = txn.name "
			"WHERE line.direction = -1 AND txn.status IN ('Audited', 'Posted') AND txn.original_transaction IN "
			+ in_placeholders(originals)
			+ " GROUP BY txn.original_transaction, line.item_code",
			originals,
		):
			context.returned_before[(row["original_transaction"], row["item_code"])] = exact(row["qty"])
	_load_promotions(db, context, store_row["company"], transactions)
	return context


def _load_promotions(
	db: Database, context: AuditContext, company: str | None, transactions: list[AuditTransaction]
) -> None:
	"""The store's promotions over the chunk's days (from the day before, for night windows) and their uses."""
	moments = sorted(txn.ended_at for txn in transactions if txn.ended_at)
	if not moments:
		return
	first, last = date.fromisoformat(moments[0][:10]), date.fromisoformat(moments[-1][:10])
	promotions = load_promotions(db, first - timedelta(days=1), last, store=context.store, company=company)
	if not promotions:
		return
	context.promotions = Catalogue(promotions)
	limited = [p.name for p in context.promotions.promotions if p.limit_total or p.limit_per_member]
	totals, by_member = usage_counts(db, limited)
	context.usage_total.update(totals)
	context.usage_member.update(by_member)
	members = sorted({txn.member for txn in transactions if txn.member})
	if members:
		context.member_tags.update(member_tags(db, members))
	presented = sorted({(txn.member, code) for txn in transactions if txn.member for code in txn.coupons})
	if presented:
		context.coupon_tokens.update(coupon_tokens(db, presented))


def run_audit(
	db: Database,
	store: str | None = None,
	business_day: date | None = None,
	retry_errors: bool = False,
	progress: Callable[[int, int], None] | None = None,
) -> AuditSummary:
	"""Audit every Received transaction (and Error ones with `retry_errors`), then refresh sequence gaps."""
	statuses = ["Received", "Error"] if retry_errors else ["Received"]
	conditions, params = where_equal(txn__store=store or None, txn__business_day=business_day)
	conditions.insert(0, "txn.status IN " + in_placeholders(statuses))
	params[:0] = statuses
	pending = db.sql(
		"SELECT txn.name, txn.store, txn.terminal, txn.business_day FROM `tabPOS Transaction` txn WHERE "
		+ " AND ".join(conditions)
		+ " ORDER BY txn.store, txn.business_day, txn.ended_at, txn.name",
		params,
	)
	summary = AuditSummary()
	by_store: dict[str, list[str]] = defaultdict(list)
	terminal_days: set[tuple[str, str, date]] = set()
	for row in pending:
		by_store[row["store"]].append(row["name"])
		terminal_days.add((row["store"], row["terminal"], row["business_day"]))
	done = 0
	for store_name, names in by_store.items():
		for start in range(0, len(names), CHUNK):
			chunk = names[start : start + CHUNK]
			transactions = load_transactions(db, chunk)
			order = {name: position for position, name in enumerate(chunk)}
			transactions.sort(key=lambda txn: order[txn.name])
			context = load_context(db, store_name, transactions)
			with db.transaction():
				_audit_chunk(db, transactions, context, summary)
			done += len(chunk)
			if progress:
				progress(done, len(pending))
	with db.transaction():
		opened, filled = refresh_gaps(db, terminal_days)
	summary.gaps_opened, summary.gaps_filled = opened, filled
	return summary


def _audit_chunk(
	db: Database, transactions: list[AuditTransaction], context: AuditContext, summary: AuditSummary
) -> None:
	now = datetime.now()
	updates: dict[tuple[str, str], list[str]] = defaultdict(list)
	voided_originals: dict[str, str] = {}  # original -> the void that voided it
	for txn in transactions:
		findings = audit_transaction(txn, context)
		if findings:
			status, message = "Error", "\n".join(findings)
			summary.errors += 1
			summary.findings[txn.name] = findings
		elif txn.transaction_type == "Void":
			status, message = "Voided", ""
			summary.voided += 1
			voided_originals[txn.original_transaction] = txn.name
			if txn.original_transaction in context.originals:
				original = context.originals[txn.original_transaction]
				context.originals[original.name] = OriginalSale(
					original.name, original.transaction_type, "Voided", original.sold
				)
		else:
			status, message = "Audited", ""
			summary.audited += 1
			context.count_use(txn)
			# later returns in the same run see what this one took back
			if txn.original_transaction:
				for line in txn.lines:
					if line.direction < 0:
						key = (txn.original_transaction, line.item_code)
						context.returned_before[key] = context.returned_before.get(key, Decimal(0)) + line.qty
		updates[(status, message)].append(txn.name)
	for (status, message), names in updates.items():
		db.execute(
			"UPDATE `tabPOS Transaction` SET status = %s, audit_messages = %s, audited_at = %s, modified = %s "
			"WHERE name IN " + in_placeholders(names),
			[status, message or None, now, now, *names],
		)
	# originals voided in this chunk: applied after the batched updates, which may have just audited them
	for original, void in voided_originals.items():
		db.execute(
			"UPDATE `tabPOS Transaction` SET status = 'Voided', modified = %s, audit_messages = %s "
			"WHERE name = %s AND status <> 'Posted'",
			(now, f"Voided by {void}", original),
		)
		summary.audited -= sum(
			1 for (status, _m), names in updates.items() if status == "Audited" and original in names
		)
	# sales made in ERPNext's own POS were posted by ERPNext: audited, they are done
	passed = updates.get(("Audited", ""), [])
	if passed:
		db.execute(
			"UPDATE `tabPOS Transaction` SET status = 'Posted' WHERE source = 'ERPNext POS' AND status = 'Audited' "
			"AND name IN " + in_placeholders(passed),
			passed,
		)


def refresh_gaps(db: Database, terminal_days: set[tuple[str, str, date]]) -> tuple[int, int]:
	"""Record missing number ranges per terminal and day; mark recorded gaps Filled when late numbers arrived."""
	now = datetime.now()
	opened = filled = 0
	for store, terminal, business_day in sorted(terminal_days):
		numbers = [
			row["transaction_number"]
			for row in db.sql(
				"SELECT txn.transaction_number FROM `tabPOS Transaction` txn WHERE txn.terminal = %s AND txn.business_day = %s",
				(terminal, business_day),
			)
		]
		previous = db.sql(
			"SELECT MAX(txn.transaction_number) AS last FROM `tabPOS Transaction` txn "
			"WHERE txn.terminal = %s AND txn.business_day < %s",
			(terminal, business_day),
		)[0]["last"]
		gaps = find_gaps(numbers, previous)
		missing = {(start, end) for start, end in gaps}
		recorded = db.sql(
			"SELECT gap.name, gap.missing_from, gap.missing_to, gap.status FROM `tabPOS Sequence Gap` gap "
			"WHERE gap.terminal = %s AND gap.business_day = %s",
			(terminal, business_day),
		)
		for gap in recorded:
			if (gap["missing_from"], gap["missing_to"]) not in missing and gap["status"] != "Filled":
				db.execute(
					"UPDATE `tabPOS Sequence Gap` SET status = 'Filled', modified = %s WHERE name = %s",
					(now, gap["name"]),
				)
				filled += 1
		known = {(gap["missing_from"], gap["missing_to"]) for gap in recorded}
		new = [gap for gap in gaps if gap not in known]
		if new:
			for start, _end in new:
				# a recorded gap with the same start but another end is now a different range
				db.execute(
					"DELETE FROM `tabPOS Sequence Gap` WHERE terminal = %s AND business_day = %s AND missing_from = %s",
					(terminal, business_day, start),
				)
			opened += insert_rows(
				db,
				"tabPOS Sequence Gap",
				(
					"name",
					"terminal",
					"store",
					"business_day",
					"missing_from",
					"missing_to",
					"missing_count",
					"status",
					"creation",
					"modified",
					"owner",
					"modified_by",
				),
				[
					(
						f"GAP-{terminal}-{business_day}-{start}",
						terminal,
						store,
						business_day,
						start,
						end,
						end - start + 1,
						"Open",
						now,
						now,
						"Administrator",
						"Administrator",
					)
					for start, end in new
				],
			)
	return opened, filled


def acknowledge_gap(db: Database, name: str, reason: str, user: str = "Administrator") -> None:
	"""A manager's acknowledgement of missing numbers (the Frappe form does the same through the document)."""
	from retail_suite.errors import ValidationError

	if not reason.strip():
		raise ValidationError("give the reason the numbers are missing", record=name, field="reason")
	now = datetime.now()
	changed = db.execute(
		"UPDATE `tabPOS Sequence Gap` SET status = 'Acknowledged', reason = %s, acknowledged_by = %s, "
		"acknowledged_at = %s, modified = %s WHERE name = %s AND status = 'Open'",
		(reason, user, now, now, name),
	)
	if not changed:
		raise ValidationError("no open gap by that name", record=name)
