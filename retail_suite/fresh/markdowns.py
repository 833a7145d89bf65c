"""The fresh expiry job (store layer): markdowns, labels to reprint, blocked and withdrawn batches.

Run hourly and on demand, as of a moment. For every batch with stock in a store's warehouse (ERPNext's
per-batch stock: Serial and Batch Entry rows of ledger entries not cancelled, and ledger entries from before
v15 that carry the batch) it finds the item's ladder (the item's own, else its item group's or the nearest
group above) and where the batch stands at the store's local time (`ladders.markdown_step`):

* **Markdowns.** The ladder's steps, cut into local days (`ladders.step_segments`), from today until the end
  of tomorrow, become Retail Promotions made by "Markdown": one per store, day, hours and percent, listing
  the batches (and their items) it is for, exclusive with priority 100, so the tills apply them and POSDM
  audit checks them like any promotion. Tomorrow's are made ahead so a till that loaded its promotions
  before midnight has them. The name says what it is: MD-<store>-<yyyymmdd>-<hhmm>-<hhmm>-<percent>.
* **Labels.** A batch that has entered a step gets one Fresh Label to print (store, batch, percent), with the
  marked-down price and the GS1 data that carries the batch.
* **Expired.** From the day after its expiry date the batch is blocked from sale (Batch.disabled, once it
  has expired in every store of the run that holds it), gets a Withdraw label, and is proposed for
  withdrawal: a line (reason Expired) on the store's draft Shrink Entry of the day (`shrink.propose_withdrawals`).

A rerun writes nothing new: promotions, labels and withdrawal lines are keyed by what they are for. A
promotion that gains a batch (stock of the same expiry arrived) is rewritten with it.
"""

from __future__ import annotations

import hashlib
import time as clock
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, in_placeholders, insert_rows
from retail_suite.fresh.labels import gs1_element_string, label_price
from retail_suite.fresh.ladders import (
	Ladder,
	LadderBook,
	LadderError,
	MarkdownState,
	Segment,
	ladder_book,
	markdown_step,
	plain_percent,
	read_ladder,
	step_segments,
	store_local,
)
from retail_suite.fresh.shrink import propose_withdrawals
from retail_suite.promotions.active import save_promotion

OWNER = "Administrator"
PRIORITY = 100
CHUNK = 2000
Progress = Callable[[str, int], Callable[[str, int], None]]

LABEL_COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "store", "action", "status", "item_code", "item_name",
	"batch_no", "expiry_date", "qty", "percent_off", "regular_price", "label_price", "valid_from", "valid_until",
	"promotion", "gs1_element_string", "job_run_at",
)  # fmt: skip


@dataclass(frozen=True)
class StoreInfo:
	name: str
	warehouse: str
	time_zone: str
	company: str | None
	price_list: str | None


@dataclass(frozen=True)
class BatchStock:
	batch_no: str
	warehouse: str
	qty: Decimal
	item_code: str
	item_name: str | None
	item_group: str | None
	expiry_date: date | None
	manufacturing_date: date | None
	disabled: bool
	shelf_life_days: int = 0


@dataclass
class PlannedPromotion:
	name: str
	store: str
	company: str | None
	segment: Segment
	batches: set[str] = field(default_factory=set)
	items: set[str] = field(default_factory=set)


@dataclass
class PlannedLabel:
	name: str
	store: str
	action: str
	batch: BatchStock
	percent: Decimal
	valid_from: datetime
	valid_until: datetime | None
	promotion: str | None
	run_at: datetime
	expiry: date | None


@dataclass
class MarkdownPlan:
	promotions: dict[str, PlannedPromotion] = field(default_factory=dict)
	labels: list[PlannedLabel] = field(default_factory=list)
	#: store -> (item, batch, qty) expired at the store's local time
	expired: dict[str, list[tuple[str, str, Decimal]]] = field(default_factory=dict)
	#: batches expired in every store row of the plan that holds them, not yet disabled
	to_block: list[str] = field(default_factory=list)
	phases: dict[str, int] = field(default_factory=dict)
	no_ladder: int = 0
	local_day: dict[str, date] = field(default_factory=dict)


@dataclass
class MarkdownRun:
	as_of: datetime
	batches: int = 0
	phases: dict[str, int] = field(default_factory=dict)
	promotions_created: list[str] = field(default_factory=list)
	promotions_extended: list[str] = field(default_factory=list)
	labels: list[str] = field(default_factory=list)
	blocked: list[str] = field(default_factory=list)
	withdrawals: dict[str, int] = field(default_factory=dict)
	no_ladder: int = 0
	ladder_problems: dict[str, list[str]] = field(default_factory=dict)
	seconds: float = 0.0


# --- reading -------------------------------------------------------------------------------------------


def load_ladders(db: Database) -> tuple[LadderBook, dict[str, list[str]]]:
	"""Enabled ladders and the item-group tree; a ladder that cannot be used is left out, with its problems."""
	steps: dict[str, list[dict[str, Any]]] = defaultdict(list)
	for row in db.sql(
		"SELECT step.parent, step.days_before_expiry, step.from_time, step.percent_off FROM `tabFresh Markdown Step` step "
		"WHERE step.parenttype = 'Fresh Markdown Ladder' ORDER BY step.parent, step.idx"
	):
		steps[row["parent"]].append(row)
	ladders: list[Ladder] = []
	problems: dict[str, list[str]] = {}
	for row in db.sql(
		"SELECT ladder.name, ladder.item_code, ladder.item_group, ladder.shelf_life_days, ladder.near_expiry_days, "
		"ladder.loss_target_percent FROM `tabFresh Markdown Ladder` ladder WHERE ladder.enabled = 1 ORDER BY ladder.name"
	):
		try:
			ladders.append(read_ladder(row, steps[row["name"]]))
		except LadderError as error:
			problems[row["name"]] = error.problems
	parents = {row["name"]: row["parent_item_group"] for row in db.sql("SELECT grp.name, grp.parent_item_group FROM `tabItem Group` grp")}
	book = LadderBook(parent_group=parents)
	for ladder in ladders:
		try:
			single = ladder_book([ladder])
			clash = [key for key in single.by_item if key in book.by_item] + [key for key in single.by_group if key in book.by_group]
			if clash:
				raise LadderError(ladder.name, [f"{clash[0]} already follows another ladder"])
			book.by_item.update(single.by_item)
			book.by_group.update(single.by_group)
		except LadderError as error:
			problems[ladder.name] = error.problems
	return book, problems


LADDER_COLUMNS = ("shelf_life_days", "near_expiry_days", "loss_target_percent", "item_code", "item_group")


def save_ladder(db: Database, header: dict[str, Any], steps: Sequence[dict[str, Any]]) -> str:
	"""Write one Fresh Markdown Ladder with its steps (standalone host and demo; the desk form does this on a
	site). A ladder that cannot be used is refused with every problem before anything is written; an existing
	ladder of the same name is replaced."""
	name = header.get("ladder_name") or header["name"]
	ladder = read_ladder({**header, "name": name}, steps)
	book, _problems = load_ladders(db)
	other = book.by_item.get(ladder.item_code or "") or book.by_group.get(ladder.item_group or "")
	if other is not None and other.name != name and header.get("enabled", 1):
		target = ladder.item_code or ladder.item_group
		raise LadderError(name, [f"{target} already follows ladder {other.name}: change that one, or disable it first"])
	now = datetime.now()
	stamp = (now, now, OWNER, OWNER)
	with db.transaction():
		db.execute("DELETE FROM `tabFresh Markdown Ladder` WHERE name = %s", (name,))
		db.execute("DELETE FROM `tabFresh Markdown Step` WHERE parent = %s", (name,))
		insert_rows(
			db,
			"tabFresh Markdown Ladder",
			("name", "ladder_name", "enabled", *LADDER_COLUMNS, "creation", "modified", "owner", "modified_by"),
			[
				(name, name, int(header.get("enabled", 1)), ladder.shelf_life_days, ladder.near_expiry_days,
					ladder.loss_target_percent, ladder.item_code, ladder.item_group, *stamp)
			],
		)
		insert_rows(
			db,
			"tabFresh Markdown Step",
			("name", "parent", "parentfield", "parenttype", "idx", "days_before_expiry", "from_time", "percent_off",
				"creation", "modified", "owner", "modified_by"),
			[
				(f"{name}-step-{idx}", name, "steps", "Fresh Markdown Ladder", idx, step.days_before,
					f"{step.from_time:%H:%M}" if step.from_time else None, step.percent, *stamp)
				for idx, step in enumerate(ladder.steps, 1)
			],
		)
	return name


def load_stores(db: Database, store: str | None = None) -> list[StoreInfo]:
	rows = db.sql(
		"SELECT store.name, store.warehouse, store.time_zone, store.company, store.price_list FROM `tabRetail Store` store "
		"WHERE store.disabled = 0 AND store.warehouse IS NOT NULL AND (%s IS NULL OR store.name = %s) ORDER BY store.name",
		(store, store),
	)
	return [StoreInfo(r["name"], r["warehouse"], r["time_zone"] or "UTC", r["company"], r["price_list"]) for r in rows]


def batch_stock(db: Database, warehouses: Sequence[str]) -> list[BatchStock]:
	"""Batches with stock above 0 in the warehouses, as ERPNext v15 counts them (see the module docstring)."""
	if not warehouses:
		return []
	placeholders = in_placeholders(warehouses)
	rows = db.sql(
		"SELECT stock.batch_no, stock.warehouse, stock.qty, batch.item, batch.expiry_date, batch.manufacturing_date, "
		"batch.disabled, item.item_name, item.item_group, item.shelf_life_in_days "
		"FROM (SELECT entry.batch_no AS batch_no, entry.warehouse AS warehouse, SUM(entry.qty) AS qty "
		"FROM `tabSerial and Batch Entry` entry "
		"JOIN `tabStock Ledger Entry` sle ON sle.serial_and_batch_bundle = entry.parent "
		"WHERE sle.is_cancelled = 0 AND entry.warehouse IN " + placeholders + " "
		"GROUP BY entry.batch_no, entry.warehouse HAVING SUM(entry.qty) > 0) stock "
		"JOIN `tabBatch` batch ON batch.name = stock.batch_no "
		"JOIN `tabItem` item ON item.name = batch.item",
		list(warehouses),
	)
	# ledger entries from before v15 carry the batch themselves (no bundle)
	legacy = db.sql(
		"SELECT sle.batch_no, sle.warehouse, SUM(sle.actual_qty) AS qty FROM `tabStock Ledger Entry` sle "
		"WHERE sle.batch_no IS NOT NULL AND sle.batch_no <> '' AND sle.serial_and_batch_bundle IS NULL "
		"AND sle.is_cancelled = 0 AND sle.warehouse IN " + placeholders + " GROUP BY sle.batch_no, sle.warehouse",
		list(warehouses),
	)
	found = {(row["batch_no"], row["warehouse"]): _batch(row) for row in rows}
	extra = {(row["batch_no"], row["warehouse"]): Decimal(str(row["qty"] or 0)) for row in legacy}
	if extra:
		names = sorted({batch for batch, _warehouse in extra})
		details = {}
		for start in range(0, len(names), CHUNK):
			chunk = names[start : start + CHUNK]
			for row in db.sql(
				"SELECT batch.name AS batch_no, batch.item, batch.expiry_date, batch.manufacturing_date, batch.disabled, "
				"item.item_name, item.item_group, item.shelf_life_in_days FROM `tabBatch` batch "
				"JOIN `tabItem` item ON item.name = batch.item WHERE batch.name IN " + in_placeholders(chunk),
				chunk,
			):
				details[row["batch_no"]] = row
		for (batch, warehouse), qty in extra.items():
			known = found.get((batch, warehouse))
			if known is not None:
				found[(batch, warehouse)] = _replace_qty(known, known.qty + qty)
			elif batch in details:
				found[(batch, warehouse)] = _batch({**details[batch], "warehouse": warehouse, "qty": qty})
	return sorted((stock for stock in found.values() if stock.qty > 0), key=lambda s: (s.warehouse, s.batch_no))


def _batch(row: dict[str, Any]) -> BatchStock:
	return BatchStock(
		batch_no=row["batch_no"],
		warehouse=row["warehouse"],
		qty=Decimal(str(row["qty"] or 0)).normalize(),
		item_code=row["item"],
		item_name=row["item_name"],
		item_group=row["item_group"],
		expiry_date=row["expiry_date"],
		manufacturing_date=row["manufacturing_date"],
		disabled=bool(row["disabled"]),
		shelf_life_days=int(row["shelf_life_in_days"] or 0),
	)


def _replace_qty(stock: BatchStock, qty: Decimal) -> BatchStock:
	return BatchStock(**{**stock.__dict__, "qty": qty.normalize()})


# --- planning (no database) ---------------------------------------------------------------------------


def promotion_name(store: str, segment: Segment) -> str:
	"""MD-<store>-<yyyymmdd>-<hhmm>-<hhmm>-<percent>: what a markdown promotion is for, as its name."""
	return (
		f"MD-{store}-{segment.day:%Y%m%d}-{_hhmm(segment.start_minute)}-{_hhmm(segment.end_minute)}-"
		f"{plain_percent(segment.percent)}"
	)


def _hhmm(minute: int) -> str:
	return f"{minute // 60:02d}{minute % 60:02d}"


def label_name(store: str, batch_no: str, action: str, percent: Decimal) -> str:
	key = f"{store}\x1f{batch_no}\x1f{action}\x1f{plain_percent(percent)}"
	return "FL-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def batch_expiry(batch: BatchStock, ladder: Ladder | None) -> date | None:
	"""The batch's expiry date; without one, its manufacturing date plus the ladder's (else the item's) shelf life."""
	if batch.expiry_date:
		return batch.expiry_date
	shelf_life = (ladder.shelf_life_days if ladder else 0) or batch.shelf_life_days
	if batch.manufacturing_date and shelf_life > 0:
		return batch.manufacturing_date + timedelta(days=shelf_life)
	return None


def plan_markdowns(
	stores: Sequence[StoreInfo], batches: Sequence[BatchStock], book: LadderBook, as_of: datetime
) -> MarkdownPlan:
	"""What the job should make for these batches as of `as_of` (aware, or naive as each store's local time)."""
	plan = MarkdownPlan()
	by_warehouse: dict[str, list[StoreInfo]] = defaultdict(list)
	for store in stores:
		by_warehouse[store.warehouse].append(store)
	expired_everywhere: dict[str, bool] = {}
	for store in stores:
		plan.local_day[store.name] = store_local(as_of, store.time_zone).date()
	for batch in batches:
		for store in by_warehouse.get(batch.warehouse, ()):
			now = store_local(as_of, store.time_zone)
			ladder = book.for_item(batch.item_code, batch.item_group)
			expiry = batch_expiry(batch, ladder)
			if expiry is None:
				plan.phases["no expiry date"] = plan.phases.get("no expiry date", 0) + 1
				continue
			if ladder is None:
				plan.no_ladder += 1
				state = MarkdownState("expired") if now.date() > expiry else MarkdownState("fresh")
			else:
				state = markdown_step(expiry, now, ladder)
			plan.phases[state.phase] = plan.phases.get(state.phase, 0) + 1
			if state.phase == "expired":
				plan.expired.setdefault(store.name, []).append((batch.item_code, batch.batch_no, batch.qty))
				expired_everywhere.setdefault(batch.batch_no, True)
				plan.labels.append(
					PlannedLabel(
						label_name(store.name, batch.batch_no, "Withdraw", Decimal(0)), store.name, "Withdraw", batch,
						Decimal(0), datetime.combine(expiry + timedelta(days=1), time(0, 0)), None, None, now, expiry,
					)
				)
				if not batch.disabled:
					plan.to_block.append(batch.batch_no)
				continue
			expired_everywhere[batch.batch_no] = False
			if ladder is None:
				continue
			today = datetime.combine(now.date(), time(0, 0))
			current = None
			for segment in step_segments(expiry, ladder, today, today + timedelta(days=2)):
				if segment.ends <= now:
					continue
				name = promotion_name(store.name, segment)
				planned = plan.promotions.setdefault(name, PlannedPromotion(name, store.name, store.company, segment))
				planned.batches.add(batch.batch_no)
				planned.items.add(batch.item_code)
				if segment.starts <= now < segment.ends:
					current = name
			if state.phase == "markdown":
				plan.labels.append(
					PlannedLabel(
						label_name(store.name, batch.batch_no, "Markdown", state.percent), store.name, "Markdown", batch,
						state.percent, state.starts, state.ends, current, now, expiry,
					)
				)
	plan.to_block = sorted({batch for batch in plan.to_block if expired_everywhere.get(batch)})
	return plan


# --- writing -------------------------------------------------------------------------------------------


def _promotion_rows(planned: PlannedPromotion) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
	segment = planned.segment
	hours = []
	if not (segment.start_minute == 0 and segment.end_minute == 1440):
		# a span ending at midnight is written 00:00: the engine reads an end before the start as the next day's
		hours = [{"start_time": _clock(segment.start_minute), "end_time": _clock(segment.end_minute % 1440)}]
	header = {
		"promotion_code": planned.name,
		"title": (
			f"Fresh markdown {plain_percent(segment.percent)} % · {planned.store} · {segment.day:%d %b} "
			f"{_clock(segment.start_minute)[:5]}–{_clock(segment.end_minute)[:5]}"
		),
		"promotion_type": "Percent Off",
		"source": "Markdown",
		"enabled": 1,
		"company": planned.company,
		"stacking": "Exclusive",
		"priority": PRIORITY,
		"discount_percent": segment.percent,
		"valid_from": segment.day,
		"valid_upto": segment.day,
	}
	children = {
		"items": [{"item_code": code} for code in sorted(planned.items)],
		"hours": hours,
		"stores": [{"store": planned.store}],
		"batches": [{"batch_no": batch} for batch in sorted(planned.batches)],
	}
	return header, children


def _clock(minute: int) -> str:
	return f"{minute // 60:02d}:{minute % 60:02d}:00"


def _existing_batches(db: Database, names: Sequence[str]) -> dict[str, set[str]]:
	found: dict[str, set[str]] = {}
	for start in range(0, len(names), CHUNK):
		chunk = list(names[start : start + CHUNK])
		for row in db.sql(
			"SELECT promo.name FROM `tabRetail Promotion` promo WHERE promo.name IN " + in_placeholders(chunk), chunk
		):
			found[row["name"]] = set()
		for row in db.sql(
			"SELECT link.parent, link.batch_no FROM `tabRetail Promotion Batch` link WHERE link.parent IN "
			+ in_placeholders(chunk),
			chunk,
		):
			found.setdefault(row["parent"], set()).add(row["batch_no"])
	return found


def write_promotions(db: Database, plan: MarkdownPlan, run: MarkdownRun) -> None:
	"""Create the planned markdown promotions that are missing; add new batches to existing ones."""
	names = sorted(plan.promotions)
	existing = _existing_batches(db, names)
	for name in names:
		planned = plan.promotions[name]
		if name in existing:
			if planned.batches <= existing[name]:
				continue
			planned.batches |= existing[name]
			items = db.sql("SELECT item.item_code FROM `tabRetail Promotion Item` item WHERE item.parent = %s", (name,))
			planned.items |= {row["item_code"] for row in items if row["item_code"]}
			run.promotions_extended.append(name)
		else:
			run.promotions_created.append(name)
		header, children = _promotion_rows(planned)
		save_promotion(db, header, children)


def write_labels(db: Database, plan: MarkdownPlan, run: MarkdownRun) -> None:
	"""Insert the labels not made before (their names say what they are for)."""
	names = [label.name for label in plan.labels]
	existing: set[str] = set()
	for start in range(0, len(names), CHUNK):
		chunk = names[start : start + CHUNK]
		existing.update(
			row["name"]
			for row in db.sql("SELECT label.name FROM `tabFresh Label` label WHERE label.name IN " + in_placeholders(chunk), chunk)
		)
	new = [label for label in plan.labels if label.name not in existing]
	if not new:
		return
	prices = _prices(db, new)
	barcodes = _barcodes(db, sorted({label.batch.item_code for label in new}))
	now = datetime.now()
	insert_rows(
		db,
		"tabFresh Label",
		LABEL_COLUMNS,
		[
			(
				label.name, now, now, OWNER, OWNER, label.store, label.action, "To Print", label.batch.item_code,
				label.batch.item_name, label.batch.batch_no, label.expiry, label.batch.qty, label.percent,
				prices.get((label.store, label.batch.item_code)) or 0,
				(label_price(prices.get((label.store, label.batch.item_code)), label.percent) if label.action == "Markdown" else None)
				or 0,
				label.valid_from, label.valid_until, label.promotion,
				gs1_element_string(barcodes.get(label.batch.item_code), label.expiry, label.batch.batch_no), label.run_at,
			)
			for label in new
		],
		ignore_duplicates=True,
	)
	run.labels.extend(label.name for label in new)


def _prices(db: Database, labels: Sequence[PlannedLabel]) -> dict[tuple[str, str], Decimal]:
	"""(store, item) -> selling price on the store's price list."""
	price_lists = {row["name"]: row["price_list"] for row in db.sql("SELECT store.name, store.price_list FROM `tabRetail Store` store")}
	wanted: dict[str, set[str]] = defaultdict(set)
	for label in labels:
		if price_lists.get(label.store):
			wanted[price_lists[label.store]].add(label.batch.item_code)
	by_list: dict[tuple[str, str], Decimal] = {}
	for price_list, items in wanted.items():
		codes = sorted(items)
		for start in range(0, len(codes), CHUNK):
			chunk = codes[start : start + CHUNK]
			for row in db.sql(
				"SELECT price.item_code, price.price_list_rate FROM `tabItem Price` price WHERE price.price_list = %s "
				"AND price.selling = 1 AND price.item_code IN " + in_placeholders(chunk),
				[price_list, *chunk],
			):
				by_list[(price_list, row["item_code"])] = Decimal(str(row["price_list_rate"]))
	return {
		(label.store, label.batch.item_code): by_list[(price_lists[label.store], label.batch.item_code)]
		for label in labels
		if (price_lists.get(label.store), label.batch.item_code) in by_list
	}


def _barcodes(db: Database, items: Sequence[str]) -> dict[str, str]:
	found: dict[str, str] = {}
	for start in range(0, len(items), CHUNK):
		chunk = list(items[start : start + CHUNK])
		for row in db.sql(
			"SELECT barcode.parent, barcode.barcode FROM `tabItem Barcode` barcode WHERE barcode.parent IN "
			+ in_placeholders(chunk)
			+ " ORDER BY barcode.parent, barcode.idx",
			chunk,
		):
			found.setdefault(row["parent"], row["barcode"])
	return found


def block_batches(db: Database, batches: Sequence[str]) -> list[str]:
	"""Disable the batches (ERPNext then offers them to no sale); returns the ones this call disabled."""
	blocked: list[str] = []
	now = datetime.now()
	for start in range(0, len(batches), CHUNK):
		chunk = list(batches[start : start + CHUNK])
		still = [
			row["name"]
			for row in db.sql(
				"SELECT batch.name FROM `tabBatch` batch WHERE batch.disabled = 0 AND batch.name IN " + in_placeholders(chunk),
				chunk,
			)
		]
		if still:
			db.execute(
				"UPDATE `tabBatch` SET disabled = 1, modified = %s WHERE name IN " + in_placeholders(still), [now, *still]
			)
			blocked.extend(still)
	return sorted(blocked)


def run_markdowns(
	db: Database, as_of: datetime, store: str | None = None, progress: Progress | None = None
) -> MarkdownRun:
	"""The expiry job as of a moment (aware; naive = each store's local wall-clock time); see the module docstring."""
	started = clock.perf_counter()
	stage = progress or (lambda _title, _total: lambda _what, _units: None)
	run = MarkdownRun(as_of=as_of)
	book, run.ladder_problems = load_ladders(db)
	stores = load_stores(db, store)
	tick = stage("Reading batch stock", 1)
	batches = batch_stock(db, sorted({info.warehouse for info in stores}))
	tick("batches", 1)
	run.batches = len(batches)
	plan = plan_markdowns(stores, batches, book, as_of)
	run.phases, run.no_ladder = plan.phases, plan.no_ladder
	tick = stage("Markdowns", 4)
	with db.transaction():
		write_promotions(db, plan, run)
	tick("promotions", 1)
	with db.transaction():
		write_labels(db, plan, run)
	tick("labels", 1)
	with db.transaction():
		run.blocked = block_batches(db, plan.to_block)
	tick("blocked batches", 1)
	with db.transaction():
		for info in stores:
			expired = plan.expired.get(info.name)
			if expired:
				name, added = propose_withdrawals(db, info.__dict__, plan.local_day[info.name], expired)
				if name:
					run.withdrawals[name] = run.withdrawals.get(name, 0) + added
	tick("withdrawals", 1)
	run.seconds = clock.perf_counter() - started
	return run


def labels_to_print(db: Database, store: str | None = None) -> list[dict[str, Any]]:
	"""The store manager's list: labels not printed yet, withdrawals first, then by item and batch."""
	return db.sql(
		"SELECT label.name, label.store, label.action, label.item_code, label.item_name, label.batch_no, label.expiry_date, "
		"label.qty, label.percent_off, label.regular_price, label.label_price, label.valid_from, label.valid_until, "
		"label.gs1_element_string FROM `tabFresh Label` label WHERE label.status = 'To Print' "
		"AND (%s IS NULL OR label.store = %s) ORDER BY label.store, label.action DESC, label.item_code, label.batch_no",
		(store, store),
	)
