"""Deterministic till traffic for the demo chain (pure): what the tills of each store send, day by day.

Sales with 1–8 lines, members on about 40 % of baskets, cash with change, bank
cards, mobile wallets and split tenders, returns and exchanges against earlier
sales, post-voids, no-sales, an opening float and a midday cash pickup per till —
plus the two faults POSDM must catch: one missing transaction number and one
transaction whose total is wrong. The faults are reported in `Traffic.truth` so
tests can assert they were found.

Given the stores' shelves of batch-tracked (fresh) goods for the day (`Shelves`), the tills sell them from
a batch, first-expiring-first-out, each line naming its batch as a GS1 label scan would; a customer who
finds an item's shelf empty picks something else, and some customers go for the reduced-to-clear shelf
(batches a markdown promotion discounts at that moment). `TrafficGenerator` makes one business day at a
time, so the fresh department can work between the days; `generate_traffic` makes them all at once.
"""

from __future__ import annotations

import itertools
import random
import zlib
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from retail_suite.demo.chain import (
	BASKET_LINES,
	LINE_UNITS,
	TILL_TRANSACTIONS_PER_TERMINAL_DAY,
	Chain,
	Item,
	Store,
)
from retail_suite.posdm.tlog import money
from retail_suite.promotions.engine import Catalogue, evaluate

TAX_RATE = Decimal("0.08")
TAXED_DEPARTMENTS = {"household", "apparel"}
TAX_TEMPLATE = "US Sales Tax 8%"
WALLETS = ("Apple Pay", "Google Pay", "Alipay", "WeChat Pay")


@dataclass(frozen=True)
class TrafficConfig:
	transactions_per_terminal_day: int = TILL_TRANSACTIONS_PER_TERMINAL_DAY
	return_rate: float = 0.02
	exchange_rate: float = 0.005
	void_rate: float = 0.006
	no_sale_rate: float = 0.005
	split_tender_rate: float = 0.08
	member_rate: float = 0.4
	#: of regular members' sales (their sixth on), the share paying 1.00 with points
	points_tender_rate: float = 0.0
	faults: bool = True
	#: with shelves: the share of sales where the customer also takes a pack from the reduced-to-clear shelf
	markdown_pull: float = 0.0
	#: the share of customers who take one more of a line a running promotion discounts
	one_more_rate: float = 0.45
	#: with shelves: the share of customers who, finding an item's shelf empty, take another of its item group
	#: (the others pick something else)
	substitute_rate: float = 0.0


@dataclass
class Truth:
	"""What the generator did on purpose, for tests and the report."""

	missing_numbers: list[tuple[str, date, int]] = field(default_factory=list)
	wrong_totals: list[str] = field(default_factory=list)
	#: a till that gave a promotion it should not have (transaction, promotion)
	wrong_promotions: list[tuple[str, str]] = field(default_factory=list)
	#: discount the tills gave per promotion (sales only)
	promotion_discounts: dict[str, Decimal] = field(default_factory=dict)
	voided: list[str] = field(default_factory=list)
	counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Traffic:
	days: list[tuple[date, list[dict[str, Any]]]]
	truth: Truth

	def records(self) -> list[dict[str, Any]]:
		return [record for _, records in self.days for record in records]


@dataclass
class ShelfBatch:
	batch_no: str
	expiry_date: date | None
	qty: int


class Shelves:
	"""What each store's shelves hold of batch-tracked goods the tills may sell on a business day (batches in
	date, not blocked): a sale takes first-expiring-first-out, a post-void puts the goods back."""

	def __init__(self, batches: dict[tuple[str, str], list[ShelfBatch]]) -> None:
		#: (store, item) -> its batches, first expiring first
		self.batches = {
			key: sorted((batch for batch in found if batch.qty > 0), key=lambda b: (b.expiry_date or date.max, b.batch_no))
			for key, found in batches.items()
		}
		self.item_of = {batch.batch_no: item for (_store, item), found in self.batches.items() for batch in found}

	def has(self, store: str, item_code: str) -> bool:
		return any(batch.qty > 0 for batch in self.batches.get((store, item_code), ()))

	def left(self, store: str, batch_no: str) -> int:
		item_code = self.item_of.get(batch_no)
		return sum(batch.qty for batch in self.batches.get((store, item_code), ()) if batch.batch_no == batch_no)

	def take(self, store: str, item_code: str, qty: int, batch_no: str | None = None) -> list[tuple[str, int]]:
		"""Up to `qty` units (of one batch, when named), first expiring first: [(batch, units)]."""
		taken = []
		for batch in self.batches.get((store, item_code), ()):
			if qty <= 0:
				break
			if batch.qty <= 0 or (batch_no is not None and batch.batch_no != batch_no):
				continue
			units = min(batch.qty, qty)
			batch.qty -= units
			qty -= units
			taken.append((batch.batch_no, units))
		return taken

	def put_back(self, store: str, item_code: str, batch_no: str, qty: int) -> None:
		for batch in self.batches.get((store, item_code), ()):
			if batch.batch_no == batch_no:
				batch.qty += qty
				return


def _key_name(record: dict[str, Any]) -> str:
	return f"{record['terminal']}-{record['business_day'].replace('-', '')}-{record['transaction_number']:06d}"


class _Picker:
	"""Items drawn by their daily demand."""

	def __init__(self, items: list[Item]) -> None:
		self.items = items
		self.cumulative = list(itertools.accumulate(max(item.daily_demand, 0.01) for item in items))

	def pick(self, rng: random.Random) -> Item:
		return self.items[bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


def _line(
	line_id: int, item: Item, qty: int, rng: random.Random, direction_returned: bool = False, batch_no: str | None = None
) -> dict[str, Any]:
	price = Decimal(str(item.price))
	gross = money(price * qty)
	discount = money(gross * Decimal("0.10")) if rng.random() < 0.03 else Decimal("0.00")
	net = gross - discount
	taxed = item.department in TAXED_DEPARTMENTS
	line = {
		"line_id": line_id,
		"item_code": item.code,
		"scanned_code": item.barcode,
		"qty": qty,
		"uom": item.uom,
		"unit_price": price,
		"discount": discount,
		"tax_template": TAX_TEMPLATE if taxed else None,
		"tax": money(net * TAX_RATE) if taxed else Decimal("0.00"),
	}
	if batch_no:
		line["batch_no"] = batch_no
	if discount:
		line["promotion"] = None  # a manual markdown at the till; promotions come with the promotion engine
	if direction_returned:
		line["returned"] = True
	return line


def _totals(lines: list[dict[str, Any]], sign_of: callable) -> Decimal:
	return sum(
		(sign_of(line) * (money(Decimal(str(line["unit_price"])) * Decimal(str(line["qty"]))) - line["discount"] + line["tax"]) for line in lines),
		Decimal("0.00"),
	)


def _cash_tendered(amount: Decimal, rng: random.Random) -> Decimal:
	"""Customers hand over round notes."""
	step = Decimal(rng.choice((1, 5, 10, 20)))
	return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def _tenders(amount: Decimal, rng: random.Random, config: TrafficConfig, refund: bool = False) -> list[dict[str, Any]]:
	if amount == 0:
		return []
	draw = rng.random()
	if refund:
		return [{"type": "cash" if draw < 0.5 else "card", "amount": amount}]
	if draw < config.split_tender_rate and amount > 5:
		card = money(amount * Decimal(str(rng.uniform(0.3, 0.8))))
		cash = amount - card
		given = _cash_tendered(cash, rng)
		return [
			{"type": "card", "amount": card, "provider": "Visa", "reference": f"AUTH{rng.randint(100000, 999999)}"},
			{"type": "cash", "amount": given, "change": given - cash},
		]
	if draw < 0.5:
		given = _cash_tendered(amount, rng)
		return [{"type": "cash", "amount": given, "change": given - amount}]
	if draw < 0.85:
		return [{"type": "card", "amount": amount, "provider": rng.choice(("Visa", "Mastercard", "Amex")), "reference": f"AUTH{rng.randint(100000, 999999)}"}]
	return [{"type": "mobile_wallet", "amount": amount, "provider": rng.choice(WALLETS), "reference": f"W{rng.randint(10**9, 10**10 - 1)}"}]


@dataclass
class Till:
	"""What a till knows besides the basket: the running promotions and the members' tags."""

	promotions: Catalogue | None = None
	member_tags: dict[str, frozenset[str]] = field(default_factory=dict)
	groups: dict[str, str] = field(default_factory=dict)
	#: line ids of the basket a running promotion discounts at this moment (see `_promoted`)
	promoted_now: set[int] = field(default_factory=set)
	#: member -> (coupon code, engine token) of a campaign coupon, good from `coupons_from`, once
	coupons: dict[str, tuple[str, str]] = field(default_factory=dict)
	coupons_from: date | None = None
	coupons_used: set[str] = field(default_factory=set)
	#: sales per member so far: regulars pay a little with points now and then
	member_sales: dict[str, int] = field(default_factory=dict)
	#: the day's shelves of batch-tracked goods (None: the tills sell them without a batch, as before batches)
	shelves: Shelves | None = None
	#: store -> batches a markdown promotion of the day is for (the reduced-to-clear shelf)
	reduced: dict[str, list[str]] = field(default_factory=dict)
	items: dict[str, Item] = field(default_factory=dict)
	#: item group -> its items drawn by their daily demand (for a customer who substitutes)
	group_pickers: dict[str, _Picker] = field(default_factory=dict)

	def sells(self, store: str, item: Item) -> bool:
		"""Whether the store has the item to sell: fresh goods only from a batch on the shelf."""
		return self.shelves is None or not item.is_fresh or self.shelves.has(store, item.code)

	def basket(self, lines: list[dict[str, Any]]) -> dict[str, Any]:
		"""The engine's basket for record lines (each with its item group)."""
		return {
			"lines": [
				{"line_id": line["line_id"], "item_code": line["item_code"], "item_group": self.groups.get(line["item_code"]),
					"qty": str(line["qty"]), "unit_price": str(line["unit_price"]), "batch_no": line.get("batch_no")}
				for line in lines
			]
		}

	def context(self, record: dict[str, Any], store: Store) -> dict[str, Any]:
		"""The engine's context for a record: the store's clock, the member, their tags and coupons."""
		member = record.get("member")
		coupons = list(record.get("coupons") or ())
		if member and coupons and member in self.coupons and coupons[0] == self.coupons[member][0]:
			coupons.append(self.coupons[member][1])
		return {"at": record["ended_at"], "timezone": store.time_zone, "store": store.code, "member": member,
			"member_tags": sorted(self.member_tags.get(member or "", ())), "coupons": coupons}


def generate_traffic(
	chain: Chain,
	days: int | None = None,
	seed: int | None = None,
	config: TrafficConfig | None = None,
	promotions: list[dict[str, Any]] | None = None,
	member_tags: dict[str, frozenset[str]] | None = None,
	coupons: dict[str, tuple[str, str]] | None = None,
	coupons_from: date | None = None,
) -> Traffic:
	"""Records every till of every store sends, per business day in arrival order; sales get the running
	promotions' discounts from the promotion engine, as a till would. Fresh goods are sold without a batch."""
	generator = TrafficGenerator(
		chain, days=days, seed=seed, config=config, promotions=promotions, member_tags=member_tags, coupons=coupons,
		coupons_from=coupons_from,
	)
	for day_index in range(generator.days):
		generator.day(day_index)
	return generator.traffic()


class TrafficGenerator:
	"""The tills of the chain, one business day at a time (in order): `day()` gives that day's records."""

	def __init__(
		self,
		chain: Chain,
		days: int | None = None,
		seed: int | None = None,
		config: TrafficConfig | None = None,
		promotions: list[dict[str, Any]] | None = None,
		member_tags: dict[str, frozenset[str]] | None = None,
		coupons: dict[str, tuple[str, str]] | None = None,
		coupons_from: date | None = None,
	) -> None:
		self.chain = chain
		self.config = config or TrafficConfig()
		self.till = Till(
			promotions=Catalogue(promotions) if promotions else None,
			member_tags=member_tags or {},
			groups={item.code: item.item_group for item in chain.items},
			coupons=coupons or {},
			coupons_from=coupons_from,
			items={item.code: item for item in chain.items},
		)
		by_group: dict[str, list[Item]] = {}
		for item in chain.items:
			by_group.setdefault(item.item_group, []).append(item)
		self.till.group_pickers = {group: _Picker(items) for group, items in by_group.items()}
		self.days = days if days is not None else chain.config.days
		self.rng = random.Random((seed if seed is not None else chain.config.seed) * 7919 + 17)
		self.picker = _Picker(list(chain.items))
		self.members_by_store: dict[str, list[str]] = {}
		for member in chain.members:
			self.members_by_store.setdefault(member.home_store, []).append(member.code)
		self.all_members = [member.code for member in chain.members]
		self.truth = Truth()
		self.counters: dict[str, int] = {}
		self.history: dict[str, list[dict[str, Any]]] = {store.code: [] for store in chain.stores}
		self.returned: dict[tuple[str, str], int] = {}
		self.out: list[tuple[date, list[dict[str, Any]]]] = []
		self.fault_day = min(self.days - 1, self.days // 2)

	def day(
		self, day_index: int, promotions: list[dict[str, Any]] | None = None, shelves: Shelves | None = None
	) -> list[dict[str, Any]]:
		"""The records of business day `day_index` (0 = the chain's start date). `promotions`, when given, are the
		tills' catalogue from this day on; `shelves` what the stores hold of batch-tracked goods today."""
		if day_index != len(self.out):
			raise ValueError(f"business days come in order: day {len(self.out)} is next, not {day_index}")
		config, till, rng, truth = self.config, self.till, self.rng, self.truth
		business_day = self.chain.config.start_date + timedelta(days=day_index)
		if promotions is not None:
			till.promotions = Catalogue(promotions) if promotions else None
		till.shelves = shelves
		till.reduced = _reduced_shelf(promotions or [], business_day, [store.code for store in self.chain.stores]) if shelves else {}
		records: list[dict[str, Any]] = []
		for store in self.chain.stores:
			for terminal in store.terminals:
				records += _terminal_day(
					store, terminal, business_day, rng, config, self.picker,
					self.members_by_store.get(store.code) or self.all_members, self.counters, self.history[store.code],
					self.returned, truth, till,
				)
		if config.faults and day_index == self.fault_day and records:
			# the two faults: one number never arrives, one total is wrong
			sales = [r for r in records if r["type"] == "sale" and r is not records[-1]]
			missing = sales[len(sales) // 3]
			records.remove(missing)
			truth.missing_numbers.append((missing["terminal"], business_day, missing["transaction_number"]))
			for store_history in self.history.values():
				if missing in store_history:
					store_history.remove(missing)
			wrong = sales[2 * len(sales) // 3]
			wrong["totals"]["grand"] = wrong["totals"]["grand"] + Decimal("1.00")
			truth.wrong_totals.append(_key_name(wrong))
			if till.promotions is not None:
				_wrong_promotion(sales, till, rng, config, truth, exclude={_key_name(wrong), _key_name(missing)})
			# a void or return of the transaction that went missing would refer to nothing (only this day's can:
			# the missing sale left the history the later days draw from): drop those
			key = (missing["terminal"], missing["business_day"], missing["transaction_number"])
			for record in list(records):
				original = record.get("original")
				if original and (original["terminal"], original["business_day"], original["transaction_number"]) == key:
					if record["type"] == "exchange":
						record["original"] = None
					elif record["type"] in ("return", "void"):
						records.remove(record)
		for record in records:
			truth.counts[record["type"]] = truth.counts.get(record["type"], 0) + 1
		self.out.append((business_day, records))
		return records

	def traffic(self) -> Traffic:
		"""The days made so far and what was done on purpose."""
		return Traffic(self.out, self.truth)


def _reduced_shelf(promotions: list[dict[str, Any]], day: date, stores: list[str]) -> dict[str, list[str]]:
	"""Store -> the batches a batch promotion (a fresh markdown) running on `day` is for."""
	found: dict[str, set[str]] = {}
	text = day.isoformat()
	for promotion in promotions:
		if not promotion.get("batches"):
			continue
		window = promotion.get("window") or {}
		if window.get("valid_from", text) > text or window.get("valid_upto", text) < text:
			continue
		for store in promotion.get("stores") or stores:
			found.setdefault(store, set()).update(promotion["batches"])
	return {store: sorted(batches) for store, batches in found.items()}


def _terminal_day(
	store: Store,
	terminal: str,
	business_day: date,
	rng: random.Random,
	config: TrafficConfig,
	picker: _Picker,
	members: list[str],
	counters: dict[str, int],
	history: list[dict[str, Any]],
	returned: dict[tuple[str, str], int],
	truth: Truth,
	till: Till,
) -> list[dict[str, Any]]:
	zone = ZoneInfo(store.time_zone)
	opening = datetime.combine(business_day, store.opening_time, tzinfo=zone)
	closing_day = business_day + timedelta(days=1) if store.closing_time <= store.opening_time else business_day
	closing = datetime.combine(closing_day, store.closing_time, tzinfo=zone)
	count = max(5, round(config.transactions_per_terminal_day * store.traffic))
	step = (closing - opening) / (count + 2)
	records: list[dict[str, Any]] = []

	def next_record(kind: str, moment: datetime) -> dict[str, Any]:
		counters[terminal] = counters.get(terminal, 0) + 1
		return {
			"terminal": terminal,
			"business_day": business_day.isoformat(),
			"transaction_number": counters[terminal],
			"type": kind,
			"started_at": (moment - timedelta(seconds=rng.randint(20, 240))).isoformat(),
			"ended_at": moment.isoformat(),
			"cashier": f"C{zlib.crc32(f'{terminal}{business_day}'.encode()) % 90 + 10:02d}",
			"lines": [],
			"tenders": [],
		}

	float_record = next_record("float", opening - timedelta(minutes=10))
	float_record["tenders"] = [{"type": "cash", "amount": Decimal("150.00")}]
	float_record["totals"] = {"grand": Decimal("0.00")}
	records.append(float_record)
	for position in range(count):
		moment = opening + step * (position + 1) + timedelta(seconds=rng.randint(0, 59))
		draw = rng.random()
		sales_so_far = [r for r in history if r["type"] == "sale"]
		if draw < config.return_rate and sales_so_far:
			record = _return(next_record("return", moment), rng.choice(sales_so_far[-400:]), returned, rng, config)
		elif draw < config.return_rate + config.exchange_rate and sales_so_far:
			record = _exchange(
				next_record("exchange", moment), rng.choice(sales_so_far[-400:]), returned, picker, rng, config, store, till, truth
			)
		elif draw < config.return_rate + config.exchange_rate + config.void_rate and records and records[-1]["type"] == "sale":
			record = _void(next_record("void", moment), records[-1])
			truth.voided.append(_key_name(records[-1]))
			if till.shelves is not None:  # the goods of a voided sale go back on the shelf
				for line in records[-1]["lines"]:
					if line.get("batch_no") and not line.get("returned"):
						till.shelves.put_back(store.code, line["item_code"], line["batch_no"], line["qty"])
			if records[-1] in history:
				history.remove(records[-1])
		elif draw < config.return_rate + config.exchange_rate + config.void_rate + config.no_sale_rate:
			record = next_record("no_sale", moment)
			record["totals"] = {"grand": Decimal("0.00")}
		else:
			record = _sale(next_record("sale", moment), picker, members, rng, config, store, till, truth)
		if record is None:
			continue
		records.append(record)
		if record["type"] == "sale":
			history.append(record)
		if position == count // 2:
			pickup = next_record("cash_pickup", moment + timedelta(seconds=30))
			pickup["tenders"] = [{"type": "cash", "amount": Decimal("300.00")}]
			pickup["totals"] = {"grand": Decimal("0.00")}
			records.append(pickup)
	return records


def _apply_promotions(record: dict[str, Any], store: Store, till: Till, truth: Truth) -> None:
	"""The till's promotion engine on a sale: discounts per line and per promotion, tax on what is left."""
	if till.promotions is None:
		return
	sold = [line for line in record["lines"] if not line.get("returned")]
	result = evaluate(
		till.promotions,
		till.basket(sold),
		till.context(record, store),
	)
	for line, priced in zip(sold, result["lines"], strict=True):
		if not priced["promotions"]:
			continue
		parts = [(part["promotion"], Decimal(part["amount"])) for part in priced["promotions"]]
		line["discount"] = Decimal(priced["discount"])
		line.pop("promotion", None)
		if len(parts) == 1:
			line["promotion"] = parts[0][0]
		else:
			line["discounts"] = [{"promotion": name, "amount": amount} for name, amount in parts]
		for name, amount in parts:
			truth.promotion_discounts[name] = truth.promotion_discounts.get(name, Decimal("0.00")) + amount
		_retax(line)


def _promoted(record: dict[str, Any], store: Store, till: Till) -> bool:
	"""Which of the basket's lines a running promotion discounts at this moment (their ids into till.promoted_now)."""
	till.promoted_now = set()
	if till.promotions is None:
		return False
	result = evaluate(
		till.promotions,
		till.basket(record["lines"]),
		till.context(record, store),
	)
	till.promoted_now = {
		line["line_id"] for line, priced in zip(record["lines"], result["lines"], strict=True) if priced["promotions"]
	}
	return bool(till.promoted_now)


def _retax(line: dict[str, Any]) -> None:
	if line.get("tax_template"):
		line["tax"] = money((money(Decimal(str(line["unit_price"])) * Decimal(str(line["qty"]))) - line["discount"]) * TAX_RATE)


def _reprice(record: dict[str, Any], rng: random.Random, config: TrafficConfig) -> None:
	record["totals"] = {"grand": _totals(record["lines"], lambda line: 1)}
	record["tenders"] = _tenders(record["totals"]["grand"], rng, config)


def _wrong_promotion(
	sales: list[dict[str, Any]], till: Till, rng: random.Random, config: TrafficConfig, truth: Truth, exclude: set[str]
) -> None:
	"""The third fault: a till gives the happy-hour discount outside happy hour (a stale clock)."""
	for record in sales:
		if _key_name(record) in exclude or any(line["discount"] for line in record["lines"]):
			continue
		bakery = [line for line in record["lines"] if till.groups.get(line["item_code"]) == "Bakery"]
		if not bakery or int(record["ended_at"][11:13]) >= 16:
			continue
		line = bakery[0]
		line["discount"] = money(money(Decimal(str(line["unit_price"])) * Decimal(str(line["qty"]))) * Decimal("0.30"))
		line["promotion"] = "HAPPY-HOUR"
		_retax(line)
		_reprice(record, rng, config)
		truth.wrong_promotions.append((_key_name(record), "HAPPY-HOUR"))
		return


def _sale(
	record: dict[str, Any],
	picker: _Picker,
	members: list[str],
	rng: random.Random,
	config: TrafficConfig,
	store: Store,
	till: Till,
	truth: Truth,
) -> dict[str, Any]:
	size = rng.choices([lines for lines, _ in BASKET_LINES], weights=[share for _, share in BASKET_LINES])[0]
	chosen: dict[str, Item] = {}
	tries = 0
	while len(chosen) < size:
		item = picker.pick(rng)
		tries += 1
		if not till.sells(store.code, item) and rng.random() < config.substitute_rate:
			item = _substitute(item, chosen, rng, store, till) or item
		if till.sells(store.code, item):
			chosen[item.code] = item
		elif tries > 4 * size and chosen:
			break  # the shelves are thin today: a smaller basket
	record["lines"] = []
	for item in chosen.values():
		qty = rng.choices([units for units, _ in LINE_UNITS], weights=[share for _, share in LINE_UNITS])[0] if item.department != "apparel" else 1
		_add_line(record, item, qty, rng, store, till)
	pulled = None
	if till.reduced and rng.random() < config.markdown_pull:
		pulled = _from_reduced_shelf(record, rng, store, till)
	if rng.random() < config.member_rate:
		record["member"] = rng.choice(members)
	member = record.get("member")
	if (
		member in till.coupons
		and member not in till.coupons_used
		and till.coupons_from is not None
		and record["business_day"] >= till.coupons_from.isoformat()
		and rng.random() < 0.8
	):
		record["coupons"] = [till.coupons[member][0]]  # the birthday coupon the campaign sent
		till.coupons_used.add(member)
	if till.promotions is not None and _promoted(record, store, till):
		# a promotion on the shelf makes some customers take one more (what the report's uplift measures)
		for line in record["lines"]:
			if line["line_id"] in till.promoted_now and line["qty"] < 6 and rng.random() < config.one_more_rate:
				if line.get("batch_no") and not till.shelves.take(store.code, line["item_code"], 1, line["batch_no"]):
					continue  # that was the batch's last pack
				line["qty"] += 1
				_retax(line)
	if pulled is not None and pulled["line_id"] not in till.promoted_now:
		# the pack is not reduced at this hour after all: the customer puts it back
		record["lines"].remove(pulled)
		till.shelves.put_back(store.code, pulled["item_code"], pulled["batch_no"], pulled["qty"])
	_apply_promotions(record, store, till, truth)
	grand = _totals(record["lines"], lambda line: 1)
	record["totals"] = {"grand": grand}
	if member:
		till.member_sales[member] = till.member_sales.get(member, 0) + 1
	if config.points_tender_rate and member and till.member_sales[member] > 5 and grand > 5 and rng.random() < config.points_tender_rate:
		# a regular pays 1.00 of it with points (100 points at 0.01)
		record["tenders"] = [{"type": "points", "amount": Decimal("1.00")}, *_tenders(grand - Decimal("1.00"), rng, config)]
	else:
		record["tenders"] = _tenders(grand, rng, config)
	return record


def _substitute(wanted: Item, chosen: dict[str, Item], rng: random.Random, store: Store, till: Till) -> Item | None:
	"""Another item of the wanted one's item group that the store has on the shelf (a few looks), or None."""
	picker = till.group_pickers.get(wanted.item_group)
	for _ in range(8 if picker else 0):
		other = picker.pick(rng)
		if other.code not in chosen and till.sells(store.code, other):
			return other
	return None


def _add_line(record: dict[str, Any], item: Item, qty: int, rng: random.Random, store: Store, till: Till) -> None:
	"""The item on the sale: a line, or with shelves of fresh goods a line per batch it came from (FEFO)."""
	if till.shelves is None or not item.is_fresh:
		record["lines"].append(_line(len(record["lines"]) + 1, item, qty, rng))
		return
	for batch_no, units in till.shelves.take(store.code, item.code, qty):
		record["lines"].append(_line(len(record["lines"]) + 1, item, units, rng, batch_no=batch_no))


def _from_reduced_shelf(record: dict[str, Any], rng: random.Random, store: Store, till: Till) -> dict[str, Any] | None:
	"""A pack of a marked-down batch the customer adds from the reduced-to-clear shelf (an item not in the basket)."""
	in_basket = {line["item_code"] for line in record["lines"]}
	shelves = till.shelves
	offered = [
		batch for batch in till.reduced.get(store.code, ())
		if shelves.item_of.get(batch) not in in_basket and shelves.left(store.code, batch) > 0
	]
	if not offered:
		return None
	batch_no = rng.choice(offered)
	item = till.items[shelves.item_of[batch_no]]
	shelves.take(store.code, item.code, 1, batch_no)
	line = _line(len(record["lines"]) + 1, item, 1, rng, batch_no=batch_no)
	record["lines"].append(line)
	return line


def _original_key(original: dict[str, Any]) -> dict[str, Any]:
	return {
		"terminal": original["terminal"],
		"business_day": original["business_day"],
		"transaction_number": original["transaction_number"],
	}


def _take_back(original: dict[str, Any], returned: dict[tuple[str, str], int], rng: random.Random) -> dict[str, Any] | None:
	key = _key_name(original)
	candidates = [line for line in original["lines"] if returned.get((key, line["item_code"]), 0) < line["qty"]]
	if not candidates:
		return None
	line = rng.choice(candidates)
	qty = line["qty"] - returned.get((key, line["item_code"]), 0)
	returned[(key, line["item_code"])] = returned.get((key, line["item_code"]), 0) + qty
	taken = dict(line)
	taken["qty"] = qty
	if qty != line["qty"]:  # part of a discounted line: take back the same share of discount and tax
		share = Decimal(qty) / Decimal(line["qty"])
		taken["discount"] = money(line["discount"] * share)
		taken["tax"] = money(line["tax"] * share)
		if line.get("discounts"):  # the split per promotion shrinks with it; the last part takes the cents
			parts = [dict(part, amount=money(part["amount"] * share)) for part in line["discounts"]]
			parts[-1]["amount"] = taken["discount"] - sum((part["amount"] for part in parts[:-1]), Decimal("0.00"))
			taken["discounts"] = [part for part in parts if part["amount"] > 0]
	return taken


def _return(record: dict[str, Any], original: dict[str, Any], returned: dict[tuple[str, str], int], rng: random.Random, config: TrafficConfig) -> dict[str, Any] | None:
	taken = _take_back(original, returned, rng)
	if taken is None:
		return None
	taken["line_id"] = 1
	record["lines"] = [taken]
	record["original"] = _original_key(original)
	refund = _totals(record["lines"], lambda line: 1)
	record["totals"] = {"grand": -refund}
	record["tenders"] = _tenders(refund, rng, config, refund=True)
	record["member"] = original.get("member")
	return record


def _exchange(
	record: dict[str, Any],
	original: dict[str, Any],
	returned: dict[tuple[str, str], int],
	picker: _Picker,
	rng: random.Random,
	config: TrafficConfig,
	store: Store,
	till: Till,
	truth: Truth,
) -> dict[str, Any] | None:
	taken = _take_back(original, returned, rng)
	if taken is None:
		return None
	taken["line_id"] = 1
	taken["returned"] = True
	new_item = picker.pick(rng)
	for _ in range(100):
		if till.sells(store.code, new_item):
			break
		new_item = picker.pick(rng)
	record["lines"] = [taken]
	_add_line(record, new_item, 1, rng, store, till)
	_apply_promotions(record, store, till, truth)
	record["original"] = _original_key(original)
	grand = _totals(record["lines"], lambda line: -1 if line.get("returned") else 1)
	record["totals"] = {"grand": grand}
	record["tenders"] = _tenders(abs(grand), rng, config, refund=grand < 0)
	return record


def _void(record: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
	record["lines"] = [dict(line) for line in original["lines"]]
	record["original"] = _original_key(original)
	record["totals"] = {"grand": original["totals"]["grand"]}
	return record
