"""The fresh expiry job (store layer): markdowns, labels to reprint, blocked and withdrawn batches.

Run hourly and on demand, as of a moment. For every batch with stock in a store's warehouse (ERPNext's
per-batch stock: Serial and Batch Entry rows of submitted bundles, and ledger entries from before v15 that
carry the batch) it finds the item's ladder (the item's own, else its item group's or the nearest
group above) and where the batch stands at the store's local time (`ladders.markdown_step`):

* **Markdowns.** The ladder's steps, cut into local days (`ladders.step_segments`), become Retail Promotions
  made by "Markdown": one per store, day, hours and percent, listing the batches (with their items) it is
  for, exclusive with priority 100, so the tills apply them and POSDM audit checks them like any promotion.
  A run makes the rest of today's and those starting within the next 6 hours, so the evening's runs make
  the small hours' of tomorrow before midnight. The name says what it is:
  MD-<store>-<yyyymmdd>-<hhmm>-<hhmm>-<percent>.
* **Labels.** A batch that has entered a step gets one Fresh Label to print (store, batch, percent), with the
  marked-down price and the GS1 data that carries the batch.
* **Expired.** From the day after its expiry date the batch is blocked from sale (Batch.disabled, once it
  has expired in every store of the run that holds it) and proposed for withdrawal: a line (reason Expired)
  on the store's draft Shrink Entry of the day (`shrink.propose_withdrawals`), the store's list to pull.

Only batches that expire by the end of tomorrow plus the longest ladder lead (first step, near-expiry
window) are read: nothing happens to the others yet, so an hourly run reads a few days of a chain's batches.

A rerun writes nothing new: promotions, labels and withdrawal lines are keyed by what they are for. A
promotion that gains a batch (stock of the same expiry arrived) is rewritten with it.
"""

from __future__ import annotations

import hashlib
import time as clock
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from retail_suite.promotions.active import save_promotions

OWNER = "Administrator"
PRIORITY = 100
CHUNK = 2000
LOOKAHEAD = timedelta(hours=6)
Progress = Callable[[str, int], Callable[[str, int], None]]

LABEL_COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "store", "status", "item_code", "item_name",
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
	#: batch -> its item
	batches: dict[str, str] = field(default_factory=dict)


@dataclass
class PlannedLabel:
	name: str
	store: str
	batch: BatchStock
	percent: Decimal
	valid_from: datetime
	valid_until: datetime
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
	#: store -> labels made for it by this run
	labels_by_store: dict[str, int] = field(default_factory=dict)
	blocked: list[str] = field(default_factory=list)
	withdrawals: dict[str, int] = field(default_factory=dict)
	no_ladder: int = 0
	ladder_problems: dict[str, list[str]] = field(default_factory=dict)
	#: every batch in a markdown step now, per store: (store, item, batch, percent off, expiry date)
	marked_down: list[tuple[str, str, str, Decimal, date | None]] = field(default_factory=list)
	seconds: float = 0.0


@dataclass(frozen=True)
class BatchPrice:
	"""A batch's marked-down selling price on a price list, for ERPNext's own pricing (Item Price with a
	batch): the POS page and sales documents charge it when the batch is scanned or picked."""

	price_list: str
	item_code: str
	batch_no: str
	rate: Decimal
	percent: Decimal
	regular: Decimal
	expiry: date | None
	stores: tuple[str, ...]


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


def batch_stock(db: Database, warehouses: Sequence[str], expiring_by: date | None = None) -> list[BatchStock]:
	"""Batches with stock above 0 in the warehouses, as ERPNext v15 counts them (see the module docstring);
	with `expiring_by`, only batches expiring by that day or without an expiry date.

	A bundle's Serial and Batch Entry rows carry its docstatus (ERPNext cancels the bundle, rows and all, with
	its voucher), so submitted rows are the live ones without a join. Quantities are summed here, not in a
	GROUP BY: over hundreds of thousands of rows MariaDB's temporary table for (batch, warehouse) keys of 140
	characters goes to disk and costs seconds."""
	if not warehouses:
		return []
	placeholders = in_placeholders(warehouses)
	if expiring_by is None:
		rows = db.sql(
			"SELECT entry.batch_no, entry.warehouse, entry.qty, batch.item, batch.expiry_date, batch.manufacturing_date, "
			"batch.disabled FROM `tabSerial and Batch Entry` entry JOIN `tabBatch` batch ON batch.name = entry.batch_no "
			"WHERE entry.docstatus = 1 AND entry.parenttype = 'Serial and Batch Bundle' AND entry.warehouse IN " + placeholders,
			list(warehouses),
		)
	else:
		rows = db.sql(
			"SELECT entry.batch_no, entry.warehouse, entry.qty, batch.item, batch.expiry_date, batch.manufacturing_date, "
			"batch.disabled FROM `tabSerial and Batch Entry` entry JOIN `tabBatch` batch ON batch.name = entry.batch_no "
			"WHERE entry.docstatus = 1 AND entry.parenttype = 'Serial and Batch Bundle' AND entry.warehouse IN " + placeholders
			+ " AND (batch.expiry_date IS NULL OR batch.expiry_date <= %s)",
			[*warehouses, expiring_by],
		)
	totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
	details: dict[str, dict[str, Any]] = {}
	for row in rows:
		qty = row["qty"]
		totals[(row["batch_no"], row["warehouse"])] += qty if isinstance(qty, Decimal) else Decimal(str(qty or 0))
		details[row["batch_no"]] = row
	# ledger entries from before v15 carry the batch themselves (no bundle)
	legacy = db.sql(
		"SELECT sle.batch_no, sle.warehouse, SUM(sle.actual_qty) AS qty FROM `tabStock Ledger Entry` sle "
		"WHERE sle.batch_no IS NOT NULL AND sle.batch_no <> '' AND sle.serial_and_batch_bundle IS NULL "
		"AND sle.is_cancelled = 0 AND sle.warehouse IN " + placeholders + " GROUP BY sle.batch_no, sle.warehouse",
		list(warehouses),
	)
	for row in legacy:
		totals[(row["batch_no"], row["warehouse"])] += Decimal(str(row["qty"] or 0))
	missing = sorted({row["batch_no"] for row in legacy} - set(details))
	for start in range(0, len(missing), CHUNK):
		chunk = missing[start : start + CHUNK]
		for row in db.sql(
			"SELECT batch.name AS batch_no, batch.item, batch.expiry_date, batch.manufacturing_date, batch.disabled "
			"FROM `tabBatch` batch WHERE batch.name IN " + in_placeholders(chunk),
			chunk,
		):
			details[row["batch_no"]] = row
	codes = sorted({row["item"] for row in details.values()})
	items: dict[str, dict[str, Any]] = {}
	for start in range(0, len(codes), CHUNK):
		chunk = codes[start : start + CHUNK]
		for row in db.sql(
			"SELECT item.name, item.item_name, item.item_group, item.shelf_life_in_days FROM `tabItem` item "
			"WHERE item.name IN " + in_placeholders(chunk),
			chunk,
		):
			items[row["name"]] = row
	found = [
		_batch(details[batch], items[details[batch]["item"]], warehouse, qty)
		for (batch, warehouse), qty in totals.items()
		if qty > 0
		and batch in details
		and details[batch]["item"] in items
		and (expiring_by is None or details[batch]["expiry_date"] is None or details[batch]["expiry_date"] <= expiring_by)
	]
	return sorted(found, key=lambda stock: (stock.warehouse, stock.batch_no))


def _batch(row: dict[str, Any], item: dict[str, Any], warehouse: str, qty: Decimal) -> BatchStock:
	return BatchStock(
		batch_no=row["batch_no"],
		warehouse=warehouse,
		qty=qty.normalize(),
		item_code=row["item"],
		item_name=item["item_name"],
		item_group=item["item_group"],
		expiry_date=row["expiry_date"],
		manufacturing_date=row["manufacturing_date"],
		disabled=bool(row["disabled"]),
		shelf_life_days=int(item["shelf_life_in_days"] or 0),
	)


# --- planning (no database) ---------------------------------------------------------------------------


def promotion_name(store: str, segment: Segment) -> str:
	"""MD-<store>-<yyyymmdd>-<hhmm>-<hhmm>-<percent>: what a markdown promotion is for, as its name."""
	return (
		f"MD-{store}-{segment.day:%Y%m%d}-{_hhmm(segment.start_minute)}-{_hhmm(segment.end_minute)}-"
		f"{plain_percent(segment.percent)}"
	)


def _hhmm(minute: int) -> str:
	return f"{minute // 60:02d}{minute % 60:02d}"


def label_name(store: str, batch_no: str, percent: Decimal) -> str:
	key = f"{store}\x1f{batch_no}\x1f{plain_percent(percent)}"
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
	#: store -> (local now, start of the local day, the end of what a run makes: the later of midnight and
	#: now + the lookahead)
	clocks: dict[str, tuple[datetime, datetime, datetime]] = {}
	for store in stores:
		now = store_local(as_of, store.time_zone)
		today = datetime.combine(now.date(), time(0, 0))
		clocks[store.name] = (now, today, max(today + timedelta(days=1), now + LOOKAHEAD))
		plan.local_day[store.name] = now.date()
	ladders: dict[tuple[str, str | None], Ladder | None] = {}
	#: (store, ladder, expiry) -> (state, [(promotion, segment)], the promotion of the current moment): batches
	#: of one expiry date in one store stand at the same place, so it is worked out once for all of them
	standing: dict[tuple[str, str, date], tuple[MarkdownState, list[tuple[str, Segment]], str | None]] = {}
	phases = plan.phases
	for batch in batches:
		key = (batch.item_code, batch.item_group)
		if key not in ladders:
			ladders[key] = book.for_item(batch.item_code, batch.item_group)
		ladder = ladders[key]
		expiry = batch_expiry(batch, ladder)
		for store in by_warehouse.get(batch.warehouse, ()):
			now, today, until = clocks[store.name]
			if expiry is None:
				phases["no expiry date"] = phases.get("no expiry date", 0) + 1
				continue
			if ladder is None:
				plan.no_ladder += 1
				state, pieces, current = (MarkdownState("expired") if now.date() > expiry else MarkdownState("fresh")), [], None
			else:
				found = standing.get((store.name, ladder.name, expiry))
				if found is None:
					found = standing[(store.name, ladder.name, expiry)] = _standing(store.name, expiry, ladder, now, today, until)
				state, pieces, current = found
			phases[state.phase] = phases.get(state.phase, 0) + 1
			if state.phase == "expired":
				plan.expired.setdefault(store.name, []).append((batch.item_code, batch.batch_no, batch.qty))
				expired_everywhere.setdefault(batch.batch_no, True)
				if not batch.disabled:
					plan.to_block.append(batch.batch_no)
				continue
			expired_everywhere[batch.batch_no] = False
			for name, segment in pieces:
				planned = plan.promotions.get(name)
				if planned is None:
					planned = plan.promotions[name] = PlannedPromotion(name, store.name, store.company, segment)
				planned.batches[batch.batch_no] = batch.item_code
			if state.phase == "markdown":
				plan.labels.append(
					PlannedLabel(
						label_name(store.name, batch.batch_no, state.percent), store.name, batch, state.percent, state.starts,
						state.ends, current, now, expiry,
					)
				)
	plan.to_block = sorted({batch for batch in plan.to_block if expired_everywhere.get(batch)})
	return plan


def _standing(
	store: str, expiry: date, ladder: Ladder, now: datetime, today: datetime, until: datetime
) -> tuple[MarkdownState, list[tuple[str, Segment]], str | None]:
	"""Where batches of one expiry date stand in a store, the promotions they belong in, and the current one."""
	if now.date() <= expiry and ladder.steps and ladder.steps[0].starts(expiry) >= until:
		# the first step starts after what this run makes: nothing to make yet (most batches, most hours)
		watch_from = datetime.combine(expiry - timedelta(days=ladder.near_expiry_days), time(0, 0))
		return MarkdownState("near_expiry" if now >= watch_from else "fresh"), [], None
	state = markdown_step(expiry, now, ladder)
	if state.phase == "expired":
		return state, [], None
	pieces, current = [], None
	# whole days' pieces, so a piece made ahead is never cut at the lookahead
	for segment in step_segments(expiry, ladder, today, datetime.combine(until.date() + timedelta(days=1), time(0, 0))):
		if segment.ends <= now or segment.starts >= until:
			continue
		name = promotion_name(store, segment)
		pieces.append((name, segment))
		if segment.starts <= now < segment.ends:
			current = name
	return state, pieces, current


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
		"hours": hours,
		"stores": [{"store": planned.store}],
		"batches": [{"batch_no": batch, "item_code": planned.batches[batch]} for batch in sorted(planned.batches)],
	}
	return header, children


def _clock(minute: int) -> str:
	return f"{minute // 60:02d}:{minute % 60:02d}:00"


def _existing_batches(db: Database, names: Sequence[str]) -> dict[str, dict[str, str]]:
	found: dict[str, dict[str, str]] = {}
	for start in range(0, len(names), CHUNK):
		chunk = list(names[start : start + CHUNK])
		for row in db.sql(
			"SELECT promo.name FROM `tabRetail Promotion` promo WHERE promo.name IN " + in_placeholders(chunk), chunk
		):
			found[row["name"]] = {}
		for row in db.sql(
			"SELECT link.parent, link.batch_no, link.item_code FROM `tabRetail Promotion Batch` link WHERE link.parent IN "
			+ in_placeholders(chunk),
			chunk,
		):
			found.setdefault(row["parent"], {})[row["batch_no"]] = row["item_code"]
	return found


def write_promotions(db: Database, plan: MarkdownPlan, run: MarkdownRun) -> None:
	"""Create the planned markdown promotions that are missing; add new batches to existing ones."""
	names = sorted(plan.promotions)
	existing = _existing_batches(db, names)
	extended = [name for name in names if name in existing and not plan.promotions[name].batches.keys() <= existing[name].keys()]
	for name in extended:
		plan.promotions[name].batches = {**existing[name], **plan.promotions[name].batches}
	run.promotions_extended.extend(extended)
	run.promotions_created.extend(name for name in names if name not in existing)
	save_promotions(db, [_promotion_rows(plan.promotions[name]) for name in [*run.promotions_created, *extended]])


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
				label.name, now, now, OWNER, OWNER, label.store, "To Print", label.batch.item_code,
				label.batch.item_name, label.batch.batch_no, label.expiry, label.batch.qty, label.percent,
				prices.get((label.store, label.batch.item_code)) or 0,
				label_price(prices.get((label.store, label.batch.item_code)), label.percent) or 0,
				label.valid_from, label.valid_until, label.promotion,
				gs1_element_string(barcodes.get(label.batch.item_code), label.expiry, label.batch.batch_no), label.run_at,
			)
			for label in new
		],
		ignore_duplicates=True,
	)
	run.labels.extend(label.name for label in new)
	for label in new:
		run.labels_by_store[label.store] = run.labels_by_store.get(label.store, 0) + 1


def regular_prices(db: Database, wanted: dict[str, set[str]]) -> dict[tuple[str, str], Decimal]:
	"""(price list, item) -> the item's regular selling price on the list ({price list: items}): the Item Price
	for no batch and no customer, the latest valid from."""
	found: dict[tuple[str, str], Decimal] = {}
	for price_list, items in wanted.items():
		codes = sorted(items)
		for start in range(0, len(codes), CHUNK):
			chunk = codes[start : start + CHUNK]
			for row in db.sql(
				"SELECT price.item_code, price.price_list_rate FROM `tabItem Price` price WHERE price.price_list = %s "
				"AND price.selling = 1 AND IFNULL(price.batch_no, '') = '' AND IFNULL(price.customer, '') = '' "
				"AND price.item_code IN " + in_placeholders(chunk) + " ORDER BY price.valid_from",
				[price_list, *chunk],
			):
				found[(price_list, row["item_code"])] = Decimal(str(row["price_list_rate"]))
	return found


def store_price_lists(db: Database) -> dict[str, str | None]:
	return {row["name"]: row["price_list"] for row in db.sql("SELECT store.name, store.price_list FROM `tabRetail Store` store")}


def shelf_prices(
	db: Database, pairs: Iterable[tuple[str, str]], price_lists: Mapping[str, str | None] | None = None
) -> dict[tuple[str, str], Decimal]:
	"""(store, item) -> the item's regular selling price on the store's price list, of the pairs that have one."""
	price_lists = store_price_lists(db) if price_lists is None else price_lists
	pairs = list(pairs)
	wanted: dict[str, set[str]] = defaultdict(set)
	for store, item_code in pairs:
		if price_lists.get(store):
			wanted[price_lists[store]].add(item_code)
	by_list = regular_prices(db, wanted)
	return {
		(store, item_code): by_list[(price_lists[store], item_code)]
		for store, item_code in pairs
		if (price_lists.get(store), item_code) in by_list
	}


def _prices(db: Database, labels: Sequence[PlannedLabel]) -> dict[tuple[str, str], Decimal]:
	"""(store, item) -> regular selling price on the store's price list."""
	return shelf_prices(db, [(label.store, label.batch.item_code) for label in labels])


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
	"""Disable the batches (ERPNext then offers them to no sale); the plan lists only batches it read enabled."""
	now = datetime.now()
	for start in range(0, len(batches), CHUNK):
		chunk = list(batches[start : start + CHUNK])
		db.execute(
			"UPDATE `tabBatch` SET disabled = 1, modified = %s WHERE disabled = 0 AND name IN " + in_placeholders(chunk),
			[now, *chunk],
		)
	return sorted(batches)


def read_until(stores: Sequence[StoreInfo], book: LadderBook, as_of: datetime) -> date:
	"""The last expiry date the job must read: a batch expiring later has no step before the end of tomorrow
	and is not near expiry yet in any store."""
	latest = max((store_local(as_of, store.time_zone).date() for store in stores), default=as_of.date())
	ladders = [*book.by_item.values(), *book.by_group.values()]
	lead = max((max([ladder.near_expiry_days, *(step.days_before for step in ladder.steps)]) for ladder in ladders), default=0)
	return latest + timedelta(days=2 + lead)


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
	batches = batch_stock(db, sorted({info.warehouse for info in stores}), expiring_by=read_until(stores, book, as_of))
	tick("batches", 1)
	run.batches = len(batches)
	plan = plan_markdowns(stores, batches, book, as_of)
	run.phases, run.no_ladder = plan.phases, plan.no_ladder
	run.marked_down = [
		(label.store, label.batch.item_code, label.batch.batch_no, label.percent, label.expiry) for label in plan.labels
	]
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


def batch_prices(db: Database, marked_down: Sequence[tuple[str, str, str, Decimal, date | None]]) -> list[BatchPrice]:
	"""The markdown price of each batch on each store's price list, from the item's regular price there. Stores
	sharing a price list but standing at different steps for one batch (other time zones) get the smallest
	markdown: ERPNext's price never undercuts a store's current step (the app's tills price each store
	exactly). A batch without a regular price on the list has no markdown price."""
	price_lists = store_price_lists(db)
	regular = shelf_prices(db, [(store, item_code) for store, item_code, *_rest in marked_down], price_lists)
	# (price list, batch) -> each store's step: (percent, store, item, expiry)
	steps: dict[tuple[str, str], list[tuple[Decimal, str, str, date | None]]] = defaultdict(list)
	for store, item_code, batch_no, percent, expiry in marked_down:
		if (store, item_code) in regular:
			steps[(price_lists[store], batch_no)].append((percent, store, item_code, expiry))
	prices = []
	for (price_list, batch_no), found in sorted(steps.items()):
		percent, store, item_code, expiry = min(found)
		price = regular[(store, item_code)]
		rate = label_price(price, percent)
		if rate is not None:
			stores = tuple(sorted(store for _percent, store, _item, _expiry in found))
			prices.append(BatchPrice(price_list, item_code, batch_no, rate, percent, price, expiry, stores))
	return prices


def labels_to_print(db: Database, store: str | None = None) -> list[dict[str, Any]]:
	"""The store manager's list: labels not printed yet, by store, item and batch."""
	return db.sql(
		"SELECT label.name, label.store, label.item_code, label.item_name, label.batch_no, label.expiry_date, "
		"label.qty, label.percent_off, label.regular_price, label.label_price, label.valid_from, label.valid_until, "
		"label.gs1_element_string FROM `tabFresh Label` label WHERE label.status = 'To Print' "
		"AND (%s IS NULL OR label.store = %s) ORDER BY label.store, label.item_code, label.batch_no",
		(store, store),
	)
