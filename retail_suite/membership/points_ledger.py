"""The points ledger (store layer): members' points booked from the transaction log, one SQL for both hosts.

`book_points` takes the audited or posted sales, returns and exchanges that carry a member and have not been
booked (`points_applied = 0`), in business-day order, and writes per member and transaction an Earn entry for
the goods sold, a Return entry clawing back the goods taken back and a Redeem entry for a points tender; the
transaction's `points_applied` is set in the same database transaction. Points are the pure engine's
(`points.py`): the member's tier from the lifetime spend booked so far, redemptions checked against the
balance on that day. A redemption the rules refuse leaves its transaction unbooked and is reported, so a
manager can fix the balance (an Adjust entry) and the next run books it.

Then transactions voided after booking get an Adjust entry that takes their points back, and lots past their
expiry date an Expire entry for what is left of them (first-expiring-first-out). Every entry has a
deterministic name and (transaction, member, entry type) is unique: a second run writes nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, chunked, in_placeholders, insert_rows
from retail_suite.errors import ValidationError
from retail_suite.membership.points import (
	ZERO,
	LedgerEntry,
	PointsLine,
	PointsProgramme,
	PointsRefused,
	Tier,
	allocate,
	expand_item_groups,
	expiries_due,
)

OWNER = "Administrator"
ENTRY_TABLE = "tabRetail Points Entry"
ENTRY_COLUMNS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"member",
	"entry_type",
	"points",
	"business_day",
	"transaction",
	"store",
	"tier",
	"purchase_amount",
	"expiry_date",
	"against_entry",
	"coupon_code",
	"remarks",
	"expiry_booked",
)
BOOKABLE_TYPES = ("Sale", "Return", "Exchange")
BOOKABLE_STATUSES = ("Audited", "Posted")
CHUNK = 500
CENT = Decimal("0.01")

Progress = Callable[[str, int], Callable[[str, int], None]]


def entry_name(*key: Any) -> str:
	"""A deterministic entry name from its natural key: booking twice cannot write a second row."""
	return "RPE-" + hashlib.sha1("|".join(str(part) for part in key).encode()).hexdigest()[:16].upper()


def exact(value: Any) -> Decimal:
	return Decimal(str(value if value is not None else 0))


# --- the programme ----------------------------------------------------------------------------------------


def load_programme(db: Database, name: str | None = None) -> PointsProgramme:
	"""The enabled Retail Points Programme (the first by creation, or the one named), with its tiers and its
	excluded item groups expanded to the groups below them; the defaults when none is set up."""
	if name:
		rows = db.sql(
			"SELECT programme.name, programme.points_per_unit, programme.rounding, programme.point_value, "
			"programme.min_redeem_points, programme.expiry_days FROM `tabRetail Points Programme` programme "
			"WHERE programme.name = %s",
			(name,),
		)
		if not rows:
			raise ValidationError(f"no Retail Points Programme {name}", fix="check the name")
	else:
		rows = db.sql(
			"SELECT programme.name, programme.points_per_unit, programme.rounding, programme.point_value, "
			"programme.min_redeem_points, programme.expiry_days FROM `tabRetail Points Programme` programme "
			"WHERE programme.enabled = 1 ORDER BY programme.creation, programme.name LIMIT 1"
		)
	if not rows:
		return PointsProgramme()
	row = rows[0]
	tiers = tuple(
		Tier(tier["tier_name"], exact(tier["min_spent"]), exact(tier["multiplier"]).normalize())
		for tier in db.sql(
			"SELECT tier.tier_name, tier.min_spent, tier.multiplier FROM `tabRetail Points Tier` tier "
			"WHERE tier.parent = %s AND tier.parenttype = 'Retail Points Programme' ORDER BY tier.idx",
			(row["name"],),
		)
	)
	excluded = [
		group["item_group"]
		for group in db.sql(
			"SELECT excluded.item_group FROM `tabRetail Points Excluded Group` excluded "
			"WHERE excluded.parent = %s AND excluded.parenttype = 'Retail Points Programme'",
			(row["name"],),
		)
	]
	if excluded:
		tree = {
			group["name"]: group["parent_item_group"]
			for group in db.sql("SELECT name, parent_item_group FROM `tabItem Group`")
		}
		excluded = sorted(expand_item_groups(excluded, tree))
	return PointsProgramme(
		name=row["name"],
		points_per_unit=exact(row["points_per_unit"]).normalize(),
		rounding=row["rounding"] or "Floor",
		excluded_item_groups=frozenset(excluded),
		tiers=tiers or PointsProgramme().tiers,
		expiry_days=int(row["expiry_days"] or 0),
		point_value=exact(row["point_value"]).normalize(),
		min_redeem_points=int(row["min_redeem_points"] or 0),
	)


# --- results ----------------------------------------------------------------------------------------------


@dataclass
class BookingResult:
	transactions: int = 0
	entries: dict[str, int] = field(default_factory=lambda: defaultdict(int))
	points: dict[str, int] = field(default_factory=lambda: defaultdict(int))
	members: set[str] = field(default_factory=set)
	refused: list[tuple[str, str]] = field(default_factory=list)  # (transaction, why)

	@property
	def written(self) -> int:
		return sum(self.entries.values())

	def add(self, entry: dict[str, Any]) -> None:
		self.entries[entry["entry_type"]] += 1
		self.points[entry["entry_type"]] += entry["points"]
		self.members.add(entry["member"])


@dataclass
class _Member:
	"""A member's ledger as far as this run knows it."""

	entries: list[LedgerEntry] = field(default_factory=list)
	lifetime_spend: Decimal = ZERO


@dataclass
class _Original:
	"""What an original sale earned a member, and what returns took back of it so far."""

	tier: str | None = None
	earned: int = 0
	clawed_back: int = 0


# --- booking ----------------------------------------------------------------------------------------------


def pending_transactions(
	db: Database, transactions: Sequence[str] | None = None, store: str | None = None
) -> list[dict[str, Any]]:
	"""Booked-to-be transactions: audited or posted sales, returns and exchanges with a member, not booked yet,
	in the order points accrue (business day, end time)."""
	conditions, params = [], [*BOOKABLE_STATUSES, *BOOKABLE_TYPES]
	if transactions is not None:
		if not transactions:
			return []
		conditions.append("AND txn.name IN " + in_placeholders(transactions))
		params += list(transactions)
	if store:
		conditions.append("AND txn.store = %s")
		params.append(store)
	return db.sql(
		"SELECT txn.name, txn.member, txn.store, txn.business_day, txn.transaction_type, txn.grand_total, "
		"txn.original_transaction FROM `tabPOS Transaction` txn "
		"WHERE txn.points_applied = 0 AND txn.member IS NOT NULL AND txn.member <> '' "
		f"AND txn.status IN {in_placeholders(BOOKABLE_STATUSES)} AND txn.transaction_type IN {in_placeholders(BOOKABLE_TYPES)} "
		+ " ".join(conditions)
		+ " ORDER BY txn.business_day, txn.ended_at, txn.name",
		params,
	)


def book_points(
	db: Database,
	programme: PointsProgramme | None = None,
	as_of: date | None = None,
	transactions: Sequence[str] | None = None,
	store: str | None = None,
	progress: Progress | None = None,
	expire: bool = True,
) -> BookingResult:
	"""Book the points of every pending transaction (or of the ones named), take back the points of
	transactions voided since, and (`expire`) lapse what expired before `as_of` (today by default). Idempotent."""
	programme = programme or load_programme(db)
	as_of = as_of or date.today()
	result = BookingResult()
	pending = pending_transactions(db, transactions, store)
	tick = progress("Booking points", len(pending)) if progress else None
	members: dict[str, _Member] = {}
	originals: dict[tuple[str, str], _Original] = {}
	clock = _Clock()
	for chunk in chunked(pending, CHUNK):
		_book_chunk(db, programme, chunk, members, originals, clock, result)
		if tick:
			tick("transactions", len(chunk))
	reverse_voided(db, programme, clock, result, transactions)
	if expire:
		expire_points(db, programme, as_of, clock, result, progress)
	return result


class _Clock:
	"""Creation stamps one microsecond apart, so entries of a business day replay in booking order."""

	def __init__(self) -> None:
		self.start = datetime.now()
		self.count = 0

	def next(self) -> datetime:
		self.count += 1
		return self.start + timedelta(microseconds=self.count)


def _load_members(db: Database, names: Iterable[str], members: dict[str, _Member]) -> None:
	missing = sorted({name for name in names if name not in members})
	for part in chunked(missing, CHUNK):
		for name in part:
			members[name] = _Member()
		for row in db.sql(
			"SELECT entry.name, entry.member, entry.entry_type, entry.points, entry.business_day, entry.expiry_date, "
			"entry.against_entry, entry.transaction, entry.purchase_amount FROM `tabRetail Points Entry` entry "
			"WHERE entry.member IN "
			+ in_placeholders(part)
			+ " ORDER BY entry.business_day, entry.creation, entry.name",
			list(part),
		):
			member = members[row["member"]]
			member.entries.append(_ledger_entry(row))
			if row["entry_type"] in ("Earn", "Return"):
				member.lifetime_spend += exact(row["purchase_amount"])


def _ledger_entry(row: dict[str, Any]) -> LedgerEntry:
	return LedgerEntry(
		name=row["name"],
		entry_type=row["entry_type"],
		points=int(row["points"] or 0),
		business_day=row["business_day"],
		expiry_date=row["expiry_date"],
		against_entry=row["against_entry"],
		transaction=row["transaction"],
	)


def _load_originals(
	db: Database, wanted: set[tuple[str, str]], originals: dict[tuple[str, str], _Original]
) -> None:
	"""Earn and Return points per (original sale, member) for originals not seen in this run."""
	missing = sorted(key for key in wanted if key not in originals)
	for part in chunked(missing, CHUNK):
		names = sorted({original for original, _member in part})
		for key in part:
			originals[key] = _Original()
		for row in db.sql(
			"SELECT entry.transaction, entry.member, entry.tier, entry.points FROM `tabRetail Points Entry` entry "
			"WHERE entry.entry_type = 'Earn' AND entry.transaction IN " + in_placeholders(names),
			names,
		):
			key = (row["transaction"], row["member"])
			if key in originals:
				originals[key].tier = row["tier"]
				originals[key].earned = int(row["points"] or 0)
		for row in db.sql(
			"SELECT txn.original_transaction, entry.member, SUM(entry.points) AS points "
			"FROM `tabRetail Points Entry` entry JOIN `tabPOS Transaction` txn ON txn.name = entry.transaction "
			"WHERE entry.entry_type = 'Return' AND txn.original_transaction IN "
			+ in_placeholders(names)
			+ " GROUP BY txn.original_transaction, entry.member",
			names,
		):
			key = (row["original_transaction"], row["member"])
			if key in originals:
				originals[key].clawed_back = int(row["points"] or 0)


def _book_chunk(
	db: Database,
	programme: PointsProgramme,
	chunk: list[dict[str, Any]],
	members: dict[str, _Member],
	originals: dict[tuple[str, str], _Original],
	clock: _Clock,
	result: BookingResult,
) -> None:
	names = [row["name"] for row in chunk]
	with db.transaction():
		# lock the chunk's rows; a concurrent booking waits here, then finds them booked
		free = {
			row["name"]
			for row in db.sql(
				"SELECT txn.name FROM `tabPOS Transaction` txn WHERE txn.points_applied = 0 AND txn.name IN "
				+ in_placeholders(names)
				+ " FOR UPDATE",
				names,
			)
		}
		chunk = [row for row in chunk if row["name"] in free]
		if not chunk:
			return
		names = [row["name"] for row in chunk]
		lines: dict[str, list[PointsLine]] = defaultdict(list)
		for row in db.sql(
			"SELECT line.parent, line.net_amount, line.direction, item.item_group FROM `tabPOS Transaction Line` line "
			"LEFT JOIN `tabItem` item ON item.name = line.item_code WHERE line.parent IN "
			+ in_placeholders(names),
			names,
		):
			lines[row["parent"]].append(
				PointsLine(row["item_group"], exact(row["net_amount"]), int(row["direction"] or 1))
			)
		points_tendered = {
			row["parent"]: exact(row["amount"]).quantize(CENT)
			for row in db.sql(
				"SELECT tender.parent, SUM(tender.amount - tender.change_amount) AS amount FROM `tabPOS Transaction Tender` tender "
				"WHERE tender.tender_type = 'Points' AND tender.parent IN "
				+ in_placeholders(names)
				+ " GROUP BY tender.parent",
				names,
			)
		}
		_load_members(db, (row["member"] for row in chunk), members)
		_load_originals(
			db,
			{(row["original_transaction"], row["member"]) for row in chunk if row["original_transaction"]},
			originals,
		)
		rows: list[dict[str, Any]] = []
		booked: list[str] = []
		for txn in chunk:
			try:
				entries = transaction_entries(
					programme,
					txn,
					lines[txn["name"]],
					points_tendered.get(txn["name"], ZERO),
					members[txn["member"]],
					originals,
				)
			except PointsRefused as error:
				result.refused.append((txn["name"], f"{txn['name']}: {error}"))
				continue
			for entry in entries:
				entry["creation"] = clock.next()
				_remember(entry, members[txn["member"]], originals, txn)
				rows.append(entry)
			booked.append(txn["name"])
		_insert_and_count(db, rows, result)
		if booked:
			db.execute(
				"UPDATE `tabPOS Transaction` SET points_applied = 1 WHERE name IN " + in_placeholders(booked),
				booked,
			)
		result.transactions += len(booked)


def transaction_entries(
	programme: PointsProgramme,
	txn: dict[str, Any],
	lines: list[PointsLine],
	points_tendered: Decimal,
	member: _Member,
	originals: dict[tuple[str, str], _Original],
) -> list[dict[str, Any]]:
	"""The entries of one transaction (no database): Earn, Return and Redeem as they apply. Raises PointsRefused."""
	day: date = txn["business_day"]
	refund = exact(txn["grand_total"]) < 0
	tier = programme.tier_for(member.lifetime_spend)
	return_tier, limit = None, None
	if txn["original_transaction"]:
		original = originals.get((txn["original_transaction"], txn["member"]), _Original())
		return_tier = programme.tier_named(original.tier) if original.tier else None
		if return_tier is None and original.tier:
			return_tier = Tier(original.tier, ZERO, tier.multiplier)
		limit = original.earned + original.clawed_back
		# the original earned this member nothing: nothing to take back, no spend to undo
		if original.tier is None:
			lines = [line for line in lines if line.direction > 0]
	redeemed = 0
	if points_tendered and not refund:
		redeemed = programme.burn(
			points_tendered, balance=allocate(member.entries).balance(day), member=txn["member"]
		)
	elif points_tendered:
		redeemed = -programme.burn(points_tendered)  # paid back into points
	earning = programme.earn(
		lines,
		tier,
		paid_with_points=points_tendered if not refund else ZERO,
		return_tier=return_tier,
		clawback_limit=limit,
	)
	common = {"member": txn["member"], "business_day": day, "transaction": txn["name"], "store": txn["store"]}
	entries = []
	if earning.sold_amount > 0 or earning.earned:
		entries.append(
			_row(
				common,
				"Earn",
				earning.earned,
				tier=earning.tier,
				purchase_amount=earning.sold_amount,
				expiry_date=programme.expiry_date(day),
			)
		)
	if earning.returned_amount > 0 or earning.clawed_back:
		entries.append(
			_row(
				common,
				"Return",
				earning.clawed_back,
				tier=(return_tier or tier).name,
				purchase_amount=-earning.returned_amount,
			)
		)
	if redeemed:
		entries.append(
			_row(
				common,
				"Redeem",
				-redeemed,
				tier=tier.name,
				purchase_amount=ZERO,
				expiry_date=programme.expiry_date(day) if redeemed < 0 else None,
			)
		)
	return entries


def _row(common: dict[str, Any], entry_type: str, points: int, **values: Any) -> dict[str, Any]:
	row = {
		**common,
		"name": entry_name(common.get("transaction"), common["member"], entry_type),
		"entry_type": entry_type,
		"points": int(points),
		"tier": None,
		"purchase_amount": ZERO,
		"expiry_date": None,
		"against_entry": None,
		"coupon_code": None,
		"remarks": None,
		"expiry_booked": 0,
	}
	row.update(values)
	return row


def _remember(
	entry: dict[str, Any], member: _Member, originals: dict[tuple[str, str], _Original], txn: dict[str, Any]
) -> None:
	member.entries.append(_ledger_entry(entry))
	if entry["entry_type"] in ("Earn", "Return"):
		member.lifetime_spend += entry["purchase_amount"]
	if entry["entry_type"] == "Earn":
		original = originals.setdefault((txn["name"], txn["member"]), _Original())
		original.tier, original.earned = entry["tier"], entry["points"]
	elif entry["entry_type"] == "Return" and txn["original_transaction"]:
		originals.setdefault((txn["original_transaction"], txn["member"]), _Original()).clawed_back += entry[
			"points"
		]


def _insert_entries(db: Database, rows: list[dict[str, Any]]) -> int:
	if not rows:
		return 0

	def values() -> Iterable[tuple]:
		for row in rows:
			stamp = row.get("creation") or datetime.now()
			yield (
				row["name"],
				stamp,
				stamp,
				OWNER,
				OWNER,
				row["member"],
				row["entry_type"],
				row["points"],
				row["business_day"],
				row.get("transaction"),
				row.get("store"),
				row.get("tier"),
				row.get("purchase_amount") or ZERO,
				row.get("expiry_date"),
				row.get("against_entry"),
				row.get("coupon_code"),
				row.get("remarks"),
				row.get("expiry_booked") or 0,
			)

	return insert_rows(db, ENTRY_TABLE, ENTRY_COLUMNS, values(), ignore_duplicates=True)


def _insert_and_count(db: Database, rows: list[dict[str, Any]], result: BookingResult) -> None:
	"""Insert (ignoring entries already booked) and count the ones this call wrote, known by their creation stamp."""
	written = _insert_entries(db, rows)
	if written == len(rows):
		for entry in rows:
			result.add(entry)
		return
	ours = {entry["name"]: entry for entry in rows}
	for part in chunked(list(ours), CHUNK):
		for row in db.sql(
			"SELECT entry.name, entry.creation FROM `tabRetail Points Entry` entry WHERE entry.name IN "
			+ in_placeholders(part),
			list(part),
		):
			if row["creation"] == ours[row["name"]]["creation"]:
				result.add(ours[row["name"]])


# --- voids and expiry -------------------------------------------------------------------------------------


def reverse_voided(
	db: Database,
	programme: PointsProgramme,
	clock: _Clock,
	result: BookingResult,
	transactions: Sequence[str] | None = None,
) -> None:
	"""Transactions voided after their points were booked: an Adjust entry takes the points back."""
	condition, params = "", []
	if transactions is not None:
		if not transactions:
			return
		condition, params = "AND txn.name IN " + in_placeholders(transactions), list(transactions)
	rows = db.sql(
		"SELECT entry.transaction, entry.member, txn.store, txn.business_day, SUM(entry.points) AS points, "
		"SUM(entry.purchase_amount) AS purchase_amount FROM `tabRetail Points Entry` entry "
		"JOIN `tabPOS Transaction` txn ON txn.name = entry.transaction "
		f"WHERE txn.status = 'Voided' AND txn.points_applied = 1 {condition} "
		"GROUP BY entry.transaction, entry.member, txn.store, txn.business_day",
		params or None,
	)
	if not rows:
		return
	with db.transaction():
		adjustments = [
			_row(
				{
					"member": row["member"],
					"business_day": row["business_day"],
					"transaction": row["transaction"],
					"store": row["store"],
				},
				"Adjust",
				-int(row["points"] or 0),
				purchase_amount=-exact(row["purchase_amount"]),
				expiry_date=programme.expiry_date(row["business_day"])
				if int(row["points"] or 0) < 0
				else None,
				remarks=f"{row['transaction']} was voided: its points are taken back",
				creation=clock.next(),
			)
			for row in rows
			if int(row["points"] or 0) or exact(row["purchase_amount"])
		]
		_insert_and_count(db, adjustments, result)
		voided = sorted({row["transaction"] for row in rows})
		db.execute(
			"UPDATE `tabPOS Transaction` SET points_applied = 0 WHERE name IN " + in_placeholders(voided),
			voided,
		)


def expire_points(
	db: Database,
	programme: PointsProgramme,
	as_of: date,
	clock: _Clock | None = None,
	result: BookingResult | None = None,
	progress: Progress | None = None,
) -> BookingResult:
	"""Lapse what is left of every lot whose expiry date is before `as_of` (one Expire entry per lot, FIFO)."""
	clock = clock or _Clock()
	result = result if result is not None else BookingResult()
	members = [
		row["member"]
		for row in db.sql(
			"SELECT DISTINCT entry.member FROM `tabRetail Points Entry` entry "
			"WHERE entry.expiry_booked = 0 AND entry.expiry_date < %s AND entry.points > 0 ORDER BY entry.member",
			(as_of,),
		)
	]
	tick = progress("Expiring points", len(members)) if progress else None
	for part in chunked(members, CHUNK):
		with db.transaction():
			ledgers: dict[str, list[LedgerEntry]] = defaultdict(list)
			for row in db.sql(
				"SELECT entry.name, entry.member, entry.entry_type, entry.points, entry.business_day, entry.expiry_date, "
				"entry.against_entry, entry.transaction FROM `tabRetail Points Entry` entry WHERE entry.member IN "
				+ in_placeholders(part)
				+ " ORDER BY entry.business_day, entry.creation, entry.name FOR UPDATE",
				list(part),
			):
				ledgers[row["member"]].append(_ledger_entry(row))
			rows = []
			for member in part:
				for lot, lapsed_on in expiries_due(ledgers[member], as_of):
					rows.append(
						_row(
							{"member": member, "business_day": lapsed_on, "transaction": None, "store": None},
							"Expire",
							-lot.remaining,
							name=entry_name(lot.entry, "Expire"),
							against_entry=lot.entry,
							remarks=f"points of {lot.transaction or lot.entry} not used by {lot.expiry_date}",
							expiry_booked=1,
							creation=clock.next(),
						)
					)
			_insert_and_count(db, rows, result)
			db.execute(
				"UPDATE `tabRetail Points Entry` SET expiry_booked = 1 WHERE expiry_booked = 0 AND expiry_date < %s "
				"AND points > 0 AND member IN " + in_placeholders(part),
				[as_of, *part],
			)
		if tick:
			tick("members", len(part))
	return result


# --- balances and manual entries --------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberPoints:
	member: str
	as_of: date
	balance: int
	value: Decimal
	lifetime_spend: Decimal
	tier: str
	expiring: list[tuple[date, int]]  # (last day, points) of the lots still holding points, soonest first
	entries: list[dict[str, Any]]


def member_entries(db: Database, member: str) -> list[dict[str, Any]]:
	return db.sql(
		"SELECT entry.name, entry.member, entry.entry_type, entry.points, entry.business_day, entry.expiry_date, "
		"entry.against_entry, entry.transaction, entry.store, entry.tier, entry.purchase_amount, entry.coupon_code, "
		"entry.remarks FROM `tabRetail Points Entry` entry WHERE entry.member = %s "
		"ORDER BY entry.business_day, entry.creation, entry.name",
		(member,),
	)


def member_points(
	db: Database, member: str, programme: PointsProgramme | None = None, as_of: date | None = None
) -> MemberPoints:
	"""A member's usable points on `as_of` (today), what they are worth, tier and the lots that will lapse."""
	programme = programme or load_programme(db)
	as_of = as_of or date.today()
	rows = member_entries(db, member)
	if not rows and not db.sql("SELECT name FROM `tabCustomer` WHERE name = %s", (member,)):
		raise ValidationError(f"no member {member}", fix="give the customer's name (the member code)")
	state = allocate(_ledger_entry(row) for row in rows if row["business_day"] <= as_of)
	spend = sum(
		(exact(row["purchase_amount"]) for row in rows if row["entry_type"] in ("Earn", "Return")), ZERO
	)
	usable = state.balance(as_of)
	expiring: dict[date, int] = defaultdict(int)
	for lot in state.lots.values():
		if lot.remaining > 0 and lot.expiry_date and lot.usable_on(as_of):
			expiring[lot.expiry_date] += lot.remaining
	return MemberPoints(
		member=member,
		as_of=as_of,
		balance=usable,
		value=programme.value_of(max(usable, 0)),
		lifetime_spend=spend,
		tier=programme.tier_for(spend).name,
		expiring=sorted(expiring.items()),
		entries=rows,
	)


def ledger_balances(db: Database, members: Sequence[str] | None = None) -> dict[str, int]:
	"""SUM(points) per member: the balance once every due expiry is booked."""
	if members is not None and not members:
		return {}
	condition = "WHERE entry.member IN " + in_placeholders(members) if members else ""
	return {
		row["member"]: int(row["points"] or 0)
		for row in db.sql(
			"SELECT entry.member, SUM(entry.points) AS points FROM `tabRetail Points Entry` entry "
			f"{condition} GROUP BY entry.member",
			list(members) if members else None,
		)
	}


def redeem_for_coupon(
	db: Database,
	member: str,
	points: int,
	coupon_code: str,
	programme: PointsProgramme | None = None,
	as_of: date | None = None,
	store: str | None = None,
) -> str:
	"""Exchange `points` for a coupon: a Redeem entry naming the coupon, refused above the balance or below the
	programme's minimum. Returns the entry's name; the same coupon code twice is refused."""
	programme = programme or load_programme(db)
	as_of = as_of or date.today()
	if not (coupon_code or "").strip():
		raise ValidationError("a redemption for a coupon needs the coupon code", field="coupon_code")
	with db.transaction():
		rows = db.sql(
			"SELECT entry.name, entry.member, entry.entry_type, entry.points, entry.business_day, entry.expiry_date, "
			"entry.against_entry, entry.transaction FROM `tabRetail Points Entry` entry WHERE entry.member = %s "
			"ORDER BY entry.business_day, entry.creation, entry.name FOR UPDATE",
			(member,),
		)
		if db.sql(
			"SELECT entry.name FROM `tabRetail Points Entry` entry WHERE entry.coupon_code = %s",
			(coupon_code,),
		):
			raise ValidationError(f"coupon {coupon_code} was already paid with points", field="coupon_code")
		held = allocate(_ledger_entry(row) for row in rows if row["business_day"] <= as_of).balance(as_of)
		programme.check_redemption(int(points), balance=held, member=member)
		entry = _row(
			{"member": member, "business_day": as_of, "transaction": None, "store": store},
			"Redeem",
			-int(points),
			name=entry_name(member, coupon_code, "Redeem"),
			coupon_code=coupon_code,
			remarks=f"{points} points for coupon {coupon_code}",
		)
		_insert_entries(db, [entry])
	return entry["name"]


def adjust_points(
	db: Database,
	member: str,
	points: int,
	reason: str,
	programme: PointsProgramme | None = None,
	as_of: date | None = None,
	store: str | None = None,
) -> str:
	"""A manual correction of a member's points (positive points lapse like earned ones). Returns its name."""
	if not (reason or "").strip():
		raise ValidationError("say why the points are adjusted", field="remarks")
	if not int(points):
		raise ValidationError("an adjustment of 0 points changes nothing", field="points")
	programme = programme or load_programme(db)
	as_of = as_of or date.today()
	entry = _row(
		{"member": member, "business_day": as_of, "transaction": None, "store": store},
		"Adjust",
		int(points),
		name=entry_name(member, "Adjust", uuid.uuid4().hex),
		expiry_date=programme.expiry_date(as_of) if points > 0 else None,
		remarks=reason.strip(),
	)
	with db.transaction():
		_insert_entries(db, [entry])
	return entry["name"]


# --- ERPNext's mirror (read and marked here, written by the Frappe shell) ----------------------------------

MIRRORED_TYPES = ("Earn", "Return", "Redeem", "Adjust")


def entries_to_mirror(db: Database, transactions: Sequence[str] | None = None) -> list[dict[str, Any]]:
	"""Entries not yet in ERPNext as Loyalty Point Entries, in ledger order: those of transactions posted to a
	Sales Invoice by POSDM, and those without a transaction (adjustments, points paid for coupons). Expire
	entries are not mirrored: ERPNext lapses points by their expiry date itself. Sales made in ERPNext's own POS
	carry no POSDM invoice; ERPNext gives their points."""
	condition, params = "", [*MIRRORED_TYPES]
	if transactions is not None:
		if not transactions:
			return []
		condition = "AND entry.transaction IN " + in_placeholders(transactions)
		params += list(transactions)
	return db.sql(
		"SELECT entry.name, entry.member, entry.entry_type, entry.points, entry.business_day, entry.expiry_date, "
		"entry.transaction, entry.store, entry.tier, entry.purchase_amount, txn.sales_invoice, "
		"store.company AS company, home.company AS home_company FROM `tabRetail Points Entry` entry "
		"LEFT JOIN `tabPOS Transaction` txn ON txn.name = entry.transaction "
		"LEFT JOIN `tabRetail Store` store ON store.name = COALESCE(txn.store, entry.store) "
		"LEFT JOIN `tabCustomer` customer ON customer.name = entry.member "
		"LEFT JOIN `tabRetail Store` home ON home.name = customer.retail_home_store "
		"WHERE entry.loyalty_point_entry IS NULL AND entry.entry_type IN "
		+ in_placeholders(MIRRORED_TYPES)
		+ " AND (entry.transaction IS NULL OR txn.sales_invoice IS NOT NULL) "
		+ condition
		+ " ORDER BY entry.business_day, entry.creation, entry.name",
		params,
	)


def member_ledger(db: Database, member: str) -> list[LedgerEntry]:
	"""A member's entries as the FIFO arithmetic takes them."""
	return [_ledger_entry(row) for row in member_entries(db, member)]


def mirrored_as(db: Database, entries: Sequence[str]) -> dict[str, str]:
	"""entry -> the first ERPNext Loyalty Point Entry it became."""
	if not entries:
		return {}
	return {
		row["name"]: row["loyalty_point_entry"].split(",")[0]
		for row in db.sql(
			"SELECT entry.name, entry.loyalty_point_entry FROM `tabRetail Points Entry` entry "
			"WHERE entry.loyalty_point_entry IS NOT NULL AND entry.name IN " + in_placeholders(entries),
			list(entries),
		)
	}


def mark_mirrored(db: Database, entry: str, loyalty_point_entries: Sequence[str]) -> None:
	db.execute(
		"UPDATE `tabRetail Points Entry` SET loyalty_point_entry = %s WHERE name = %s",
		(",".join(loyalty_point_entries)[:140], entry),
	)


def assign_loyalty_program(db: Database, loyalty_program: str, company: str | None = None) -> int:
	"""Set the Loyalty Program on members (customers with a card number or member phone) that have none: those
	whose home store belongs to `company`, or (no company) all of them. Returns the customers changed."""
	if company:
		return db.execute(
			"UPDATE `tabCustomer` customer JOIN `tabRetail Store` store ON store.name = customer.retail_home_store "
			"SET customer.loyalty_program = %s WHERE store.company = %s "
			"AND (customer.loyalty_program IS NULL OR customer.loyalty_program = '') "
			"AND (COALESCE(customer.retail_card_number, '') <> '' OR COALESCE(customer.retail_phone, '') <> '')",
			(loyalty_program, company),
		)
	return db.execute(
		"UPDATE `tabCustomer` customer SET customer.loyalty_program = %s "
		"WHERE (customer.loyalty_program IS NULL OR customer.loyalty_program = '') "
		"AND (COALESCE(customer.retail_card_number, '') <> '' OR COALESCE(customer.retail_phone, '') <> '')",
		(loyalty_program,),
	)
