"""Fresh in the standalone demo: batch stock as ERPNext keeps it, markdown ladders, the expiry job, shrink
and the loss rate against its target.

Standalone there is no ERPNext to keep the stock ledger, so the demo writes the chain's opening batch
stock the way a site holds it (a Stock Ledger Entry with its Serial and Batch Entry per batch and
warehouse), just as `standalone.py` writes Bin for the other goods; the app itself never writes these.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from retail_suite.db.port import Database, insert_rows
from retail_suite.demo.chain import Chain
from retail_suite.demo.report import ReportSection, Table, bar_chart
from retail_suite.demo.standalone import warehouse_name
from retail_suite.fresh.loss_report import chain_loss, loss_rates, order_proposals
from retail_suite.fresh.markdowns import BatchStock, batch_stock, run_markdowns, save_ladder
from retail_suite.fresh.shrink import confirm_withdrawal, ensure_shrink_reasons, record_shrink

OWNER = "Administrator"


@dataclass(frozen=True)
class BatchMove:
	"""Stock of a batch entering (qty > 0) or leaving a warehouse, as one ERPNext ledger entry."""

	batch_no: str
	item_code: str
	warehouse: str
	qty: float
	posting_date: date
	cancelled: bool = False
	legacy: bool = False  # a ledger entry from before v15: the batch on the entry itself, no bundle
	valuation_rate: float = 0.0
	company: str | None = None


def write_batches(
	db: Database, batches: Iterable[tuple[str, str, date | None, date | None]], disabled: Sequence[str] = ()
) -> int:
	"""Batch masters (batch, item, manufacturing date, expiry date) that a test or benchmark makes up."""
	now = datetime.now()
	return insert_rows(
		db,
		"tabBatch",
		("name", "batch_id", "item", "manufacturing_date", "expiry_date", "disabled", "stock_uom", "creation", "modified",
			"owner", "modified_by"),
		(
			(batch, batch, item, made, expiry, int(batch in disabled), "Nos", now, now, OWNER, OWNER)
			for batch, item, made, expiry in batches
		),
	)


def write_batch_stock(db: Database, moves: Iterable[BatchMove], prefix: str = "DEMO") -> int:
	"""Ledger entries for batch moves, shaped as ERPNext v15 writes them: the entry names a Serial and
	Batch Bundle whose Serial and Batch Entry carries batch, warehouse and signed quantity; a cancelled
	move leaves the ledger entry marked cancelled and the bundle cancelled."""
	now = datetime.now()
	ledger, bundles, entries = [], [], []
	for number, move in enumerate(moves, 1):
		name = f"{prefix}-{number:08d}"
		bundle = None if move.legacy else f"SBB-{name}"
		ledger.append(
			(
				f"SLE-{name}", now, now, OWNER, OWNER, 1, move.item_code, move.warehouse, move.posting_date,
				"Stock Reconciliation", f"DEMO-OPENING-{move.posting_date}", move.qty, move.valuation_rate, move.company,
				int(move.cancelled), move.batch_no if move.legacy else None, bundle,
			)
		)
		if bundle:
			# a cancelled voucher cancels its bundle: docstatus 2 and is_cancelled on the bundle and its rows
			docstatus = 2 if move.cancelled else 1
			bundles.append(
				(bundle, now, now, OWNER, OWNER, docstatus, move.company, move.item_code, move.warehouse, "Stock Reconciliation",
					f"DEMO-OPENING-{move.posting_date}", "Inward" if move.qty > 0 else "Outward", move.posting_date,
					int(move.cancelled))
			)
			entries.append(
				(f"SBE-{name}", now, now, OWNER, OWNER, docstatus, bundle, "entries", "Serial and Batch Bundle", 1,
					move.batch_no, move.warehouse, move.qty, move.valuation_rate)
			)
	written = insert_rows(
		db,
		"tabStock Ledger Entry",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "item_code", "warehouse", "posting_date",
			"voucher_type", "voucher_no", "actual_qty", "valuation_rate", "company", "is_cancelled", "batch_no",
			"serial_and_batch_bundle"),
		ledger,
	)
	insert_rows(
		db,
		"tabSerial and Batch Bundle",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "company", "item_code", "warehouse",
			"voucher_type", "voucher_no", "type_of_transaction", "posting_date", "is_cancelled"),
		bundles,
	)
	insert_rows(
		db,
		"tabSerial and Batch Entry",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "parent", "parentfield", "parenttype", "idx",
			"batch_no", "warehouse", "qty", "incoming_rate"),
		entries,
	)
	return written


# --- the demo's fresh department -------------------------------------------------------------------------

#: the demo's ladders: (item group, shelf life for batches without a date, near-expiry days, loss target %,
#: steps as (days before expiry, from time, percent off))
DEMO_LADDERS: tuple[tuple[str, int, int, int, tuple[tuple[int, str | None, int], ...]], ...] = (
	("Produce", 7, 2, 4, ((1, None, 25), (0, None, 40), (0, "18:00", 60))),
	("Dairy", 14, 3, 2, ((2, None, 20), (1, None, 40), (0, "18:00", 70))),
	("Bakery", 3, 1, 6, ((0, None, 30), (0, "17:00", 60))),
	("Meat and Fish", 5, 2, 3, ((1, None, 30), (0, None, 50), (0, "18:00", 70))),
)
DAMAGE_REASONS = ("Damaged", "Quality", "Theft")


@dataclass
class FreshOutcome:
	"""What the demo's fresh department did over the replayed days."""

	markdowns: int = 0
	labels: int = 0
	blocked: int = 0
	withdrawn_units: float = 0.0
	withdrawals: int = 0
	damaged: int = 0
	delivered_units: float = 0.0
	deliveries: int = 0
	job_seconds: list[float] | None = None


def save_demo_ladders(db: Database) -> None:
	for group, shelf_life, near, target, steps in DEMO_LADDERS:
		save_ladder(
			db,
			{"ladder_name": f"{group} markdowns", "item_group": group, "shelf_life_days": shelf_life, "near_expiry_days": near,
				"loss_target_percent": target},
			[{"days_before_expiry": days, "from_time": when, "percent_off": percent} for days, when, percent in steps],
		)


def opening_batch_stock(db: Database, chain: Chain) -> int:
	"""The chain's opening fresh batches as ledger entries in their store's warehouse."""
	costs = {item.code: item.cost for item in chain.items}
	with db.transaction():
		return write_batch_stock(
			db,
			(
				BatchMove(batch.batch_id, batch.item, warehouse_name(chain, batch.store), batch.qty, batch.manufacturing_date,
					valuation_rate=costs[batch.item], company=chain.config.company)
				for batch in chain.batches
			),
			prefix="OPEN",
		)


def run_fresh_days(db: Database, chain: Chain) -> FreshOutcome:
	"""Day by day over the replayed days, in each store's own time: deliveries from the order proposal, the
	expiry job in the morning and at 18:00, expired batches counted and withdrawn, a little damage, and the
	day's till sales taken from the batches first-expiring-first-out (as ERPNext's posting of the day would)."""
	config = chain.config
	rng = random.Random(config.seed * 7919 + 11)
	outcome = FreshOutcome(job_seconds=[])
	warehouses = {store.code: warehouse_name(chain, store.code) for store in chain.stores}
	store_of = {warehouse: code for code, warehouse in warehouses.items()}
	items = {item.code: item for item in chain.items if item.is_fresh}
	sold: dict[tuple[str, date], dict[str, float]] = {}
	for row in db.sql(
		"SELECT txn.store, txn.business_day, line.item_code, SUM(line.direction * line.qty) AS units "
		"FROM `tabPOS Transaction` txn JOIN `tabPOS Transaction Line` line ON line.parent = txn.name "
		"JOIN `tabItem` item ON item.name = line.item_code WHERE item.has_batch_no = 1 "
		"AND txn.status IN ('Audited', 'Posted') AND txn.transaction_type IN ('Sale', 'Return', 'Exchange') "
		"GROUP BY txn.store, txn.business_day, line.item_code"
	):
		sold.setdefault((row["store"], row["business_day"]), {})[row["item_code"]] = float(row["units"] or 0)
	moves = 0
	for offset in range(config.days):
		day = config.start_date + timedelta(days=offset)
		# morning deliveries: the order proposal of the day (from the days before), a new batch per item
		if offset:
			new_batches, receipts = [], []
			for line in order_proposals(db, day, history_days=7, lead_days=0, cover_days=1):
				if line.proposal.order_qty <= 0 or line.item_code not in items:
					continue
				batch = f"{line.item_code}-{line.store}-{day:%y%m%d}"
				shelf_life = items[line.item_code].shelf_life_days
				new_batches.append((batch, line.item_code, day, day + timedelta(days=shelf_life)))
				receipts.append(BatchMove(batch, line.item_code, warehouses[line.store], float(line.proposal.order_qty), day,
					valuation_rate=items[line.item_code].cost, company=config.company))
				outcome.delivered_units += line.proposal.order_qty
			with db.transaction():
				write_batches(db, new_batches)
				moves += write_batch_stock(db, receipts, prefix=f"RCV{offset:03d}")
			outcome.deliveries += len(receipts)
		for moment in (time(7, 0), time(18, 0)):
			run = run_markdowns(db, datetime.combine(day, moment))
			outcome.job_seconds.append(run.seconds)
			outcome.markdowns += len(run.promotions_created)
			outcome.labels += len(run.labels)
			outcome.blocked += len(run.blocked)
			for name in run.withdrawals:
				withdrawn = confirm_withdrawal(db, name)
				outcome.withdrawals += 1
				out = [BatchMove(batch, item, warehouses[withdrawn.store], -float(qty), day) for item, batch, qty in withdrawn.lines]
				outcome.withdrawn_units += -sum(move.qty for move in out)
				with db.transaction():
					moves += write_batch_stock(db, out, prefix=f"WDR{offset:03d}{moment.hour:02d}{outcome.withdrawals:05d}")
		stock = batch_stock(db, sorted(warehouses.values()))
		by_store_item: dict[tuple[str, str], list[BatchStock]] = {}
		for found in stock:
			by_store_item.setdefault((store_of[found.warehouse], found.item_code), []).append(found)
		out_moves = []
		for store in chain.stores:
			# a little damage: a unit or two of what is on the shelf
			shelf = [found for (code, _item), batches in sorted(by_store_item.items()) if code == store.code for found in batches
				if found.expiry_date is None or found.expiry_date >= day]
			for found in rng.sample(shelf, min(len(shelf), rng.randint(0, 2))):
				reason = rng.choice(DAMAGE_REASONS)
				record_shrink(db, store.code, [{"item_code": found.item_code, "batch_no": found.batch_no, "qty": 1, "reason": reason}], day)
				out_moves.append(BatchMove(found.batch_no, found.item_code, found.warehouse, -1.0, day))
				found_key = (store.code, found.item_code)
				by_store_item[found_key] = [b if b is not found else _less(b, 1) for b in by_store_item[found_key]]
				outcome.damaged += 1
			# the day's sales, first-expiring-first-out from batches still in date
			for item_code, units in sorted(sold.get((store.code, day), {}).items()):
				left = units
				for found in sorted(by_store_item.get((store.code, item_code), []), key=lambda b: (b.expiry_date or day, b.batch_no)):
					if left <= 0 or (found.expiry_date and found.expiry_date < day) or found.qty <= 0:
						continue
					take = min(float(found.qty), left)
					out_moves.append(BatchMove(found.batch_no, item_code, found.warehouse, -take, day))
					left -= take
		with db.transaction():
			moves += write_batch_stock(db, out_moves, prefix=f"OUT{offset:03d}")
	return outcome


def _less(stock: BatchStock, qty: float) -> BatchStock:
	return replace(stock, qty=stock.qty - Decimal(str(qty)))


def fresh_section(db: Database, chain: Chain, result: object | None = None) -> ReportSection:
	"""Fresh in the demo: ladders, the expiry job over the replayed days, shrink, and the loss rate per item
	group against its target, with an excerpt of the order proposal."""
	config = chain.config
	ensure_shrink_reasons(db)
	save_demo_ladders(db)
	opening_batch_stock(db, chain)
	outcome = run_fresh_days(db, chain)
	last_day = config.start_date + timedelta(days=config.days - 1)
	rows = loss_rates(db, config.start_date, last_day)
	groups: dict[str, list] = {}
	for row in rows:
		groups.setdefault(row.item_group, []).append(row)
	per_group = {group: chain_loss(found) for group, found in sorted(groups.items())}
	targets = {group: found[0].target_percent for group, found in groups.items()}
	total = chain_loss(rows)
	weeks = sorted({row.week for row in rows})
	last_week = {group: chain_loss([row for row in found if row.week == weeks[-1]]) for group, found in sorted(groups.items())}
	first_week = chain_loss([row for row in rows if row.week == weeks[0]]) if weeks else total
	proposals = sorted(
		(line for line in order_proposals(db, last_day + timedelta(days=1), history_days=7) if line.proposal.order_qty),
		key=lambda line: (-line.proposal.order_qty, line.store, line.item_code),
	)[:8]
	seconds = outcome.job_seconds or [0.0]
	currency = config.currency
	return ReportSection(
		title="Fresh: markdowns, shrink and the loss rate",
		intro=(
			f"{len(DEMO_LADDERS)} markdown ladders (one per fresh item group). Each morning the stores received what the "
			f"newsvendor order proposal said for a day's cover ({outcome.deliveries:,} deliveries, {outcome.delivered_units:,.0f} units); the "
			f"expiry job ran at 07:00 and 18:00 store time ({len(seconds)} runs, median {sorted(seconds)[len(seconds) // 2]:.2f} s) "
			f"and made {outcome.markdowns:,} markdown promotions and {outcome.labels:,} labels to print, blocked "
			f"{outcome.blocked:,} expired batches and proposed their withdrawal ({outcome.withdrawals:,} shrink entries, "
			f"{outcome.withdrawn_units:,.0f} units), which the stores confirmed; {outcome.damaged:,} units were recorded as "
			f"damaged, spoiled or stolen. Loss rate = shrink ÷ (sales + shrink) at cost: "
			f"{total['loss_percent'] if total['loss_percent'] is not None else '—'} % chain-wide over the period, "
			f"{first_week['loss_percent'] if first_week['loss_percent'] is not None else '—'} % in the first week: the opening "
			"fresh stock was sized by the chain's demand figures, above what the tills sell at this size, and much of it "
			"expires in the first days; the chart shows the last week, on deliveries the order proposal sized. The demo "
			"tills do not scan batch labels yet, so the markdown recovery (what marked-down goods still sold for) stays 0 here."
		),
		tables=[
			Table(
				"Loss rate per item group",
				("Item group", f"Sales at cost ({currency})", f"Shrink at cost ({currency})", "Loss rate %", "Target %",
					f"Markdown discount ({currency})", f"Recovered by markdowns ({currency})"),
				[
					(group, float(figures["sales_cost"]), float(figures["shrink_cost"]),
						"—" if figures["loss_percent"] is None else float(figures["loss_percent"]), float(targets[group]),
						float(figures["markdown_discount"]), float(figures["markdown_sales"]))
					for group, figures in per_group.items()
				],
			),
			Table(
				"Loss rate per store, item group and week",
				("Store", "Item group", "Week", "Loss rate %", "Target %", "Over target"),
				[(row.store, row.item_group, row.week, "—" if row.loss_percent is None else float(row.loss_percent),
					float(row.target_percent), "yes" if row.over_target else "") for row in rows],
			),
			Table(
				f"Order proposal for {last_day + timedelta(days=1)} (largest orders)",
				("Store", "Item", "Order", "Why"),
				[(line.store, line.item_code, line.proposal.order_qty, line.proposal.explanation) for line in proposals]
				or [("—", "—", 0, "nothing to order")],
			),
		],
		charts=[
			bar_chart(
				f"Fresh loss rate per item group, week {weeks[-1] if weeks else '—'}",
				list(last_week),
				[float(figures["loss_percent"] or 0) for figures in last_week.values()],
				"loss rate %",
				reference=3.0,
				reference_label="3 % target",
			),
		],
	)
