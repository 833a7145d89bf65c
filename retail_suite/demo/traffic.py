"""Deterministic till traffic for the demo chain (pure): what the tills of each store send, day by day.

Sales with 1–8 lines, members on about 40 % of baskets, cash with change, bank
cards, mobile wallets and split tenders, returns and exchanges against earlier
sales, post-voids, no-sales, an opening float and a midday cash pickup per till —
plus the two faults POSDM must catch: one missing transaction number and one
transaction whose total is wrong. The faults are reported in `Traffic.truth` so
tests can assert they were found.
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

from retail_suite.demo.chain import Chain, Item, Store
from retail_suite.posdm.tlog import money
from retail_suite.promotions.engine import Catalogue, evaluate

TAX_RATE = Decimal("0.08")
TAXED_DEPARTMENTS = {"household", "apparel"}
TAX_TEMPLATE = "US Sales Tax 8%"
WALLETS = ("Apple Pay", "Google Pay", "Alipay", "WeChat Pay")


@dataclass(frozen=True)
class TrafficConfig:
	transactions_per_terminal_day: int = 130
	return_rate: float = 0.02
	exchange_rate: float = 0.005
	void_rate: float = 0.006
	no_sale_rate: float = 0.005
	split_tender_rate: float = 0.08
	member_rate: float = 0.4
	#: of regular members' sales (their sixth on), the share paying 1.00 with points
	points_tender_rate: float = 0.0
	faults: bool = True


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


def _key_name(record: dict[str, Any]) -> str:
	return f"{record['terminal']}-{record['business_day'].replace('-', '')}-{record['transaction_number']:06d}"


class _Picker:
	"""Items drawn by their daily demand."""

	def __init__(self, items: list[Item]) -> None:
		self.items = items
		self.cumulative = list(itertools.accumulate(max(item.daily_demand, 0.01) for item in items))

	def pick(self, rng: random.Random) -> Item:
		return self.items[bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


def _line(line_id: int, item: Item, qty: int, rng: random.Random, direction_returned: bool = False) -> dict[str, Any]:
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
	promoted_now: set[str] = field(default_factory=set)
	#: member -> (coupon code, engine token) of a campaign coupon, good from `coupons_from`, once
	coupons: dict[str, tuple[str, str]] = field(default_factory=dict)
	coupons_from: date | None = None
	coupons_used: set[str] = field(default_factory=set)
	#: sales per member so far: regulars pay a little with points now and then
	member_sales: dict[str, int] = field(default_factory=dict)

	def basket(self, lines: list[dict[str, Any]]) -> dict[str, Any]:
		"""The engine's basket for record lines (each with its item group)."""
		return {
			"lines": [
				{"line_id": line["line_id"], "item_code": line["item_code"], "item_group": self.groups.get(line["item_code"]),
					"qty": str(line["qty"]), "unit_price": str(line["unit_price"])}
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
	promotions' discounts from the promotion engine, as a till would."""
	config = config or TrafficConfig()
	till = Till(
		promotions=Catalogue(promotions) if promotions else None,
		member_tags=member_tags or {},
		groups={item.code: item.item_group for item in chain.items},
		coupons=coupons or {},
		coupons_from=coupons_from,
	)
	days = days if days is not None else chain.config.days
	rng = random.Random((seed if seed is not None else chain.config.seed) * 7919 + 17)
	sellable = [item for item in chain.items]
	picker = _Picker(sellable)
	members_by_store: dict[str, list[str]] = {}
	for member in chain.members:
		members_by_store.setdefault(member.home_store, []).append(member.code)
	all_members = [member.code for member in chain.members]
	truth = Truth()
	counters: dict[str, int] = {}
	history: dict[str, list[dict[str, Any]]] = {store.code: [] for store in chain.stores}
	returned: dict[tuple[str, str], int] = {}
	out: list[tuple[date, list[dict[str, Any]]]] = []
	fault_day = min(days - 1, days // 2)
	for day_index in range(days):
		business_day = chain.config.start_date + timedelta(days=day_index)
		records: list[dict[str, Any]] = []
		for store in chain.stores:
			for terminal in store.terminals:
				records += _terminal_day(
					store, terminal, business_day, rng, config, picker, members_by_store.get(store.code) or all_members,
					counters, history[store.code], returned, truth, till,
				)
		if config.faults and day_index == fault_day and records:
			# the two faults: one number never arrives, one total is wrong
			sales = [r for r in records if r["type"] == "sale" and r is not records[-1]]
			missing = sales[len(sales) // 3]
			records.remove(missing)
			truth.missing_numbers.append((missing["terminal"], business_day, missing["transaction_number"]))
			for store_history in history.values():
				if missing in store_history:
					store_history.remove(missing)
			wrong = sales[2 * len(sales) // 3]
			wrong["totals"]["grand"] = wrong["totals"]["grand"] + Decimal("1.00")
			truth.wrong_totals.append(_key_name(wrong))
			if till.promotions is not None:
				_wrong_promotion(sales, till, rng, config, truth, exclude={_key_name(wrong), _key_name(missing)})
		for record in records:
			truth.counts[record["type"]] = truth.counts.get(record["type"], 0) + 1
		out.append((business_day, records))
	# a void of a transaction that went missing would refer to nothing: drop those
	missing_keys = {(t, d.isoformat(), n) for t, d, n in truth.missing_numbers}
	for _, records in out:
		for record in list(records):
			original = record.get("original")
			if original and (original["terminal"], original["business_day"], original["transaction_number"]) in missing_keys:
				record["original"] = None if record["type"] == "exchange" else original
				if record["type"] in ("return", "void"):
					records.remove(record)
					truth.counts[record["type"]] -= 1
	return Traffic(out, truth)


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
	"""Which of the basket's items a running promotion discounts on its own at this moment (into till.promoted_now)."""
	till.promoted_now = set()
	if till.promotions is None:
		return False
	result = evaluate(
		till.promotions,
		till.basket(record["lines"]),
		till.context(record, store),
	)
	till.promoted_now = {
		line["item_code"] for line, priced in zip(record["lines"], result["lines"], strict=True) if priced["promotions"]
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
	size = rng.choices((1, 2, 3, 4, 5, 6, 8), weights=(22, 20, 18, 14, 12, 8, 6))[0]
	chosen: dict[str, Item] = {}
	while len(chosen) < size:
		item = picker.pick(rng)
		chosen[item.code] = item
	record["lines"] = [
		_line(line_id, item, rng.choices((1, 2, 3, 4), weights=(70, 20, 7, 3))[0] if item.department != "apparel" else 1, rng)
		for line_id, item in enumerate(chosen.values(), 1)
	]
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
			if line["item_code"] in till.promoted_now and line["qty"] < 6 and rng.random() < 0.45:
				line["qty"] += 1
				_retax(line)
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
	record["lines"] = [taken, _line(2, new_item, 1, rng)]
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
