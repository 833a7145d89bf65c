"""Fresh in the standalone demo: batch stock as ERPNext keeps it, markdown ladders, the expiry job, shrink
and the loss rate against its target.

Standalone there is no ERPNext to keep the stock ledger, so the demo writes the batch moves (the chain's
opening batches, deliveries, what the tills sold, withdrawals, damage) the way a site holds them (a Stock
Ledger Entry with its Serial and Batch Entry per batch and warehouse), just as `standalone.py` writes Bin
for the other goods; the app itself never writes these. `FreshDepartment` works around the POSDM replay's
days (pipeline.posdm_section); `fresh_section` reports what it did.
"""

from __future__ import annotations

import random
import time as clock
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from retail_suite.db.port import Database, insert_rows
from retail_suite.demo.chain import Chain
from retail_suite.demo.report import ReportSection, Table, bar_chart
from retail_suite.demo.standalone import warehouse_name
from retail_suite.demo.traffic import ShelfBatch, Shelves
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
#: the demo's order proposal: the sales of the last week (a sold-out day counted as a floor of its demand);
#: a delivery every morning, sized to hold this many days' cover. Sized for one day, the loss target cuts
#: the slow sellers' one-day orders to nothing and the shelves keep about half the fresh range (1,200 of
#: 2,250 store-items after two weeks of the default demo, against 1,841 with two days).
HISTORY_DAYS = 7
COVER_DAYS = 2
#: how the demo's customers meet the fresh shelves (traffic.TrafficConfig): the share who also take a pack from
#: the reduced-to-clear shelf when there is one, and the share who take another item of the group when an
#: item's shelf is empty (the others buy something else)
MARKDOWN_PULL = 0.2
SUBSTITUTE_RATE = 0.6


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
	#: units the tills sold from batches, and units customers brought back (not put back on a shelf: shrink)
	sold_units: float = 0.0
	returned_units: float = 0.0
	job_seconds: list[float] = field(default_factory=list)
	#: (store, item) pairs with something on the shelf, per replayed day
	on_shelf: list[int] = field(default_factory=list)
	#: seconds per part of the department's days: deliveries, expiry job, shelves, evening
	seconds: dict[str, float] = field(default_factory=dict)


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


class FreshDepartment:
	"""The demo's fresh department, day by day around the tills, in each store's own time:

	* `morning(day)`: the delivery the order proposal of the day asks for (from the audited sales of the days
	  before), a new batch per item; the expiry job at 07:00 and 18:00 (markdown promotions for the day's
	  ladder steps, labels, expired batches blocked and proposed for withdrawal);
	* `shelves(day)`: what the tills may sell today: batches in date, not blocked;
	* `evening(day)`: the day's audited till lines taken from the batches they name (what a customer brought
	  back is not put back on a shelf: it is recorded as shrink, reason Quality), the withdrawals the stores
	  confirmed, and a little damage.

	ERPNext would post the sales' batch moves from the invoices; standalone the demo writes them as ledger
	entries, as it writes the opening stock."""

	def __init__(self, db: Database, chain: Chain) -> None:
		self.db = db
		self.chain = chain
		self.rng = random.Random(chain.config.seed * 7919 + 11)
		self.outcome = FreshOutcome()
		self.warehouses = {store.code: warehouse_name(chain, store.code) for store in chain.stores}
		self.store_of = {warehouse: code for code, warehouse in self.warehouses.items()}
		self.items = {item.code: item for item in chain.items if item.is_fresh}
		self.withdrawals: list[str] = []

	def _timed(self, part: str, started: float) -> None:
		self.outcome.seconds[part] = self.outcome.seconds.get(part, 0.0) + clock.perf_counter() - started

	def open(self) -> None:
		"""Shrink reasons, the demo's ladders and the chain's opening batches."""
		ensure_shrink_reasons(self.db)
		save_demo_ladders(self.db)
		opening_batch_stock(self.db, self.chain)

	def morning(self, day: date) -> None:
		db, config, outcome = self.db, self.chain.config, self.outcome
		offset = (day - config.start_date).days
		started = clock.perf_counter()
		if offset:
			new_batches, receipts = [], []
			for line in order_proposals(db, day, history_days=HISTORY_DAYS, lead_days=0, cover_days=COVER_DAYS):
				if line.proposal.order_qty <= 0 or line.item_code not in self.items:
					continue
				item = self.items[line.item_code]
				batch = f"{line.item_code}-{line.store}-{day:%y%m%d}"
				new_batches.append((batch, line.item_code, day, day + timedelta(days=item.shelf_life_days)))
				receipts.append(BatchMove(batch, line.item_code, self.warehouses[line.store], float(line.proposal.order_qty), day,
					valuation_rate=item.cost, company=config.company))
				outcome.delivered_units += line.proposal.order_qty
			with db.transaction():
				write_batches(db, new_batches)
				write_batch_stock(db, receipts, prefix=f"RCV{offset:03d}")
			outcome.deliveries += len(receipts)
		self._timed("deliveries", started)
		started = clock.perf_counter()
		for moment in (time(7, 0), time(18, 0)):
			# the 18:00 run's steps are promotions whose hours start at 18:00: made now, the tills apply them then
			run = run_markdowns(db, datetime.combine(day, moment))
			outcome.job_seconds.append(run.seconds)
			outcome.markdowns += len(run.promotions_created)
			outcome.labels += len(run.labels)
			outcome.blocked += len(run.blocked)
			self.withdrawals += list(run.withdrawals)
		self._timed("expiry job", started)

	def shelves(self, day: date) -> Shelves:
		"""The stores' batches the tills may sell on `day`: in date, not blocked, with stock."""
		started = clock.perf_counter()
		found: dict[tuple[str, str], list[ShelfBatch]] = {}
		for stock in batch_stock(self.db, sorted(self.warehouses.values())):
			if stock.disabled or (stock.expiry_date is not None and stock.expiry_date < day) or stock.qty < 1:
				continue
			found.setdefault((self.store_of[stock.warehouse], stock.item_code), []).append(
				ShelfBatch(stock.batch_no, stock.expiry_date, int(stock.qty))
			)
		self._timed("shelves", started)
		self.outcome.on_shelf.append(len(found))
		return Shelves(found)

	def evening(self, day: date) -> None:
		db, outcome = self.db, self.outcome
		offset = (day - self.chain.config.start_date).days
		started = clock.perf_counter()
		out_moves: list[BatchMove] = []
		# what left the shelves through the tills: every line of the day's sales that names a batch, but those of
		# voided sales (the goods went back); a sale audit holds in error still took its goods
		for row in db.sql(
			"SELECT txn.store, line.batch_no, line.item_code, SUM(line.qty) AS units FROM `tabPOS Transaction` txn "
			"JOIN `tabPOS Transaction Line` line ON line.parent = txn.name WHERE txn.business_day = %s "
			"AND txn.transaction_type IN ('Sale', 'Exchange') AND txn.status <> 'Voided' AND line.direction = 1 "
			"AND line.batch_no IS NOT NULL GROUP BY txn.store, line.batch_no, line.item_code ORDER BY txn.store, line.batch_no",
			(day,),
		):
			units = float(row["units"])
			out_moves.append(BatchMove(row["batch_no"], row["item_code"], self.warehouses[row["store"]], -units, day))
			outcome.sold_units += units
		# fresh goods a customer brought back are not sold again: shrink at cost (their sale was taken back)
		returned: dict[str, list[dict]] = {}
		for row in db.sql(
			"SELECT txn.store, line.item_code, line.batch_no, SUM(line.qty) AS units FROM `tabPOS Transaction` txn "
			"JOIN `tabPOS Transaction Line` line ON line.parent = txn.name WHERE txn.business_day = %s "
			"AND txn.transaction_type IN ('Return', 'Exchange') AND txn.status IN ('Audited', 'Posted') "
			"AND line.direction = -1 AND line.batch_no IS NOT NULL GROUP BY txn.store, line.item_code, line.batch_no "
			"ORDER BY txn.store, line.item_code, line.batch_no",
			(day,),
		):
			returned.setdefault(row["store"], []).append(
				{"item_code": row["item_code"], "batch_no": row["batch_no"], "qty": row["units"], "reason": "Quality",
					"note": "brought back by a customer"}
			)
			outcome.returned_units += float(row["units"])
		for store, rows in sorted(returned.items()):
			record_shrink(db, store, rows, day)
		with db.transaction():
			write_batch_stock(db, out_moves, prefix=f"OUT{offset:03d}")
		# the withdrawals the expiry job proposed today, counted and confirmed by the stores
		for name in self.withdrawals:
			withdrawn = confirm_withdrawal(db, name)
			outcome.withdrawals += 1
			out = [BatchMove(batch, item, self.warehouses[withdrawn.store], -float(qty), day) for item, batch, qty in withdrawn.lines]
			outcome.withdrawn_units += -sum(move.qty for move in out)
			with db.transaction():
				write_batch_stock(db, out, prefix=f"WDR{offset:03d}{outcome.withdrawals:05d}")
		self.withdrawals = []
		# a little damage: a unit or two of what is on the shelf
		by_store: dict[str, list[BatchStock]] = {}
		for found in batch_stock(db, sorted(self.warehouses.values())):
			if not found.disabled and (found.expiry_date is None or found.expiry_date >= day) and found.qty >= 1:
				by_store.setdefault(self.store_of[found.warehouse], []).append(found)
		damage = []
		for store in self.chain.stores:
			shelf = by_store.get(store.code, [])
			for found in self.rng.sample(shelf, min(len(shelf), self.rng.randint(0, 2))):
				reason = self.rng.choice(DAMAGE_REASONS)
				record_shrink(db, store.code, [{"item_code": found.item_code, "batch_no": found.batch_no, "qty": 1, "reason": reason}], day)
				damage.append(BatchMove(found.batch_no, found.item_code, found.warehouse, -1.0, day))
				outcome.damaged += 1
		with db.transaction():
			write_batch_stock(db, damage, prefix=f"DMG{offset:03d}")
		self._timed("evening", started)


def markdown_sales_at_tills(db: Database, first_day: date, last_day: date) -> dict[str, Decimal]:
	"""Audited till lines a fresh markdown discounted: lines, units, discount and what they sold for."""
	row = db.sql(
		"SELECT COUNT(DISTINCT line.name) AS line_count, SUM(line.qty) AS units, SUM(line.net_amount) AS sales FROM "
		"`tabPOS Transaction Line` line JOIN `tabPOS Transaction` txn ON txn.name = line.parent WHERE line.direction = 1 "
		"AND txn.status IN ('Audited', 'Posted') AND txn.business_day BETWEEN %s AND %s AND EXISTS (SELECT 1 FROM "
		"`tabPOS Transaction Discount` disc JOIN `tabRetail Promotion` promo ON promo.name = disc.promotion "
		"WHERE disc.parent = line.parent AND disc.line_id = line.line_id AND promo.source = 'Markdown')",
		(first_day, last_day),
	)[0]
	return {"lines": Decimal(row["line_count"] or 0), "units": Decimal(str(row["units"] or 0)), "sales": Decimal(str(row["sales"] or 0))}


def _percent(figures: dict[str, Decimal | None]) -> str:
	return "—" if figures["loss_percent"] is None else f"{figures['loss_percent']} %"


def fresh_section(db: Database, chain: Chain, result: object | None = None) -> ReportSection:
	"""Fresh in the demo: what the fresh department did over the replay (`FreshDepartment`, run by the POSDM
	replay), the loss rate per item group and week against its target, and an excerpt of the order proposal."""
	config = chain.config
	outcome = getattr(result, "fresh", None) or FreshOutcome()
	last_day = config.start_date + timedelta(days=config.days - 1)
	rows = loss_rates(db, config.start_date, last_day)
	groups: dict[str, list] = {}
	for row in rows:
		groups.setdefault(row.item_group, []).append(row)
	per_group = {group: chain_loss(found) for group, found in sorted(groups.items())}
	targets = {group: found[0].target_percent for group, found in groups.items()}
	total = chain_loss(rows)
	weeks = sorted({row.week for row in rows})
	per_week = {week: chain_loss([row for row in rows if row.week == week]) for week in weeks}
	last_week = {group: chain_loss([row for row in found if row.week == weeks[-1]]) for group, found in sorted(groups.items())}
	at_tills = markdown_sales_at_tills(db, config.start_date, last_day)
	proposals = sorted(
		(line for line in order_proposals(db, last_day + timedelta(days=1), history_days=HISTORY_DAYS, lead_days=0,
			cover_days=COVER_DAYS)
			if line.proposal.order_qty),
		key=lambda line: (-line.proposal.order_qty, line.store, line.item_code),
	)[:8]
	seconds = outcome.job_seconds or [0.0]
	currency = config.currency
	cover = (
		"a day's cover" if COVER_DAYS == 1 else
		f"{COVER_DAYS} days' cover (a day more than the delivery interval, so that the slow sellers' orders stay "
		"within their loss target)"
	)
	weekly = "; ".join(f"{week}: {_percent(figures)}" for week, figures in per_week.items())
	return ReportSection(
		title="Fresh: markdowns, shrink and the loss rate",
		intro=(
			f"{len(DEMO_LADDERS)} markdown ladders (one per fresh item group); the fresh department worked around the "
			f"tills day by day. Each morning the stores received what the newsvendor order proposal said to hold for {cover} "
			f"from the audited sales of the {HISTORY_DAYS} days before, a day an item sold out counting as a floor of its demand "
			f"({outcome.deliveries:,} deliveries, "
			f"{outcome.delivered_units:,.0f} units), and the expiry job ran at 07:00 and 18:00 store time "
			f"({len(outcome.job_seconds)} runs, median {sorted(seconds)[len(seconds) // 2]:.2f} s): {outcome.markdowns:,} "
			f"markdown promotions for the day's ladder steps, {outcome.labels:,} labels to print, {outcome.blocked:,} "
			f"expired batches blocked and proposed for withdrawal ({outcome.withdrawals:,} shrink entries, "
			f"{outcome.withdrawn_units:,.0f} units, confirmed by the stores in the evening). "
			+ (
				f"The shelves held {outcome.on_shelf[0]:,} of the {len(chain.stores) * sum(1 for item in chain.items if item.is_fresh):,} "
				f"store-items on the first day and {outcome.on_shelf[-1]:,} on the last: the proposal orders nothing of an "
				f"item too slow to sell within its loss target, and {SUBSTITUTE_RATE * 100:.0f} % of its customers take another "
				"of the group. "
				if outcome.on_shelf else ""
			)
			+ "The tills sold fresh goods from the batches on the shelf, first expiring first, each line naming its batch "
			f"({outcome.sold_units:,.0f} units), and applied the markdowns like any promotion, checked by audit "
			f"({MARKDOWN_PULL * 100:.0f} % of customers also took a pack from the reduced-to-clear shelf when there was one): "
			f"{int(at_tills['lines']):,} lines, "
			f"{at_tills['units']:,.0f} marked-down units sold for {at_tills['sales']:,.2f} {currency} "
			f"({total['markdown_discount']:,.2f} {currency} off). Customers brought back {outcome.returned_units:,.0f} "
			f"units (not sold again: shrink, reason Quality); {outcome.damaged:,} units were recorded as damaged, spoiled "
			f"or stolen. Loss rate = shrink ÷ (sales + shrink) at cost: {weekly} (the first week includes the opening "
			f"stock); {_percent(per_week[weeks[-1]]) if weeks else '—'} in the last week against the 3 % target, "
			f"{_percent(total)} over the period; markdowns recovered {total['markdown_sales']:,.2f} {currency}."
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
				"Loss rate per week, chain-wide",
				("Week", f"Sales at cost ({currency})", f"Shrink at cost ({currency})", "Loss rate %",
					f"Markdown discount ({currency})", f"Recovered by markdowns ({currency})"),
				[
					(week, float(figures["sales_cost"]), float(figures["shrink_cost"]),
						"—" if figures["loss_percent"] is None else float(figures["loss_percent"]),
						float(figures["markdown_discount"]), float(figures["markdown_sales"]))
					for week, figures in per_week.items()
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
