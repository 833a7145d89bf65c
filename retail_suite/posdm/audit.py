"""Audit rules of the transaction log (pure): dataclasses in, findings out.

Checks per transaction: totals (lines − discounts + taxes = tenders − change, at
the currency's precision), unknown items and barcodes, batches blocked from sale
(expired or disabled), prices against the store's price list, returns against
their original, voids. Sequence gaps per terminal and
business day are found by `find_gaps`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from retail_suite.posdm.tlog import ZERO, money
from retail_suite.promotions.engine import SKIP_REASONS, Catalogue, evaluate


@dataclass(frozen=True)
class AuditLine:
	line_id: int
	item_code: str
	qty: Decimal
	unit_price: Decimal
	discount: Decimal
	tax: Decimal
	direction: int
	scanned_code: str | None = None
	promotion: str | None = None
	#: (promotion, amount) the till gave on this line
	promotions: tuple[tuple[str, Decimal], ...] = ()
	batch_no: str | None = None

	@property
	def gross(self) -> Decimal:
		return money(self.qty * self.unit_price)

	@property
	def net(self) -> Decimal:
		return self.gross - self.discount


@dataclass(frozen=True)
class AuditTransaction:
	name: str
	transaction_type: str  # Sale, Return, Exchange, Void, No Sale, Cash Pickup, Float
	lines: tuple[AuditLine, ...]
	tender_total: Decimal
	change_total: Decimal
	claimed_grand_total: Decimal
	original_transaction: str | None = None
	source: str | None = None
	ended_at: str | None = None  # the store's wall-clock time, ISO
	member: str | None = None
	coupons: tuple[str, ...] = ()
	business_day: date | None = None

	@property
	def grand_total(self) -> Decimal:
		return sum((line.direction * (line.net + line.tax) for line in self.lines), ZERO)


@dataclass(frozen=True)
class OriginalSale:
	"""What a return may take back: the original's type, status, and quantities sold per item."""

	name: str
	transaction_type: str
	status: str
	sold: dict[str, Decimal]


@dataclass
class AuditContext:
	"""Master data and history the rules need, loaded once per audit run."""

	items: dict[str, bool] = field(
		default_factory=dict
	)  # item code -> sellable (exists, enabled, not a template)
	barcodes: dict[str, str] = field(default_factory=dict)  # barcode -> item code
	prices: dict[str, Decimal] = field(
		default_factory=dict
	)  # item code -> list price of the store's price list
	price_tolerance_percent: Decimal = Decimal("1")
	originals: dict[str, OriginalSale] = field(default_factory=dict)
	#: (original, item) -> quantity already taken back by other, earlier-audited returns
	returned_before: dict[tuple[str, str], Decimal] = field(default_factory=dict)
	#: promotions running in the store over the audited days, and what the engine needs besides
	promotions: Catalogue | None = None
	store: str | None = None
	time_zone: str = "UTC"
	item_groups: dict[str, str] = field(default_factory=dict)
	member_tags: dict[str, frozenset[str]] = field(default_factory=dict)
	#: uses so far of promotions with a limit: promotion -> total, (promotion, member) -> by the member
	usage_total: dict[str, int] = field(default_factory=dict)
	usage_member: dict[tuple[str, str], int] = field(default_factory=dict)
	#: (member, coupon code) -> (what the code unlocks in the engine, the transaction that redeemed it):
	#: a campaign coupon of that member, good once
	coupon_tokens: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
	#: batch -> (expiry date, disabled) of the batches the transactions name
	batches: dict[str, tuple[date | None, bool]] = field(default_factory=dict)

	def coupons_of(self, txn: AuditTransaction) -> list[str]:
		"""The codes the engine sees: as presented, plus campaign tokens for the member's unredeemed coupons."""
		seen = list(txn.coupons)
		for code in txn.coupons:
			token = self.coupon_tokens.get((txn.member or "", code))
			if token and token[1] in (None, txn.name):
				seen.append(token[0])
		return seen

	def count_use(self, txn: AuditTransaction) -> None:
		"""A transaction that passed uses each promotion on its lines once (for usage limits)."""
		for code in txn.coupons:  # a campaign coupon is good once
			key = (txn.member or "", code)
			if key in self.coupon_tokens and self.coupon_tokens[key][1] is None:
				self.coupon_tokens[key] = (self.coupon_tokens[key][0], txn.name)
		used = {promotion for line in txn.lines for promotion, _ in line.promotions}
		for promotion in used:
			self.usage_total[promotion] = self.usage_total.get(promotion, 0) + 1
			if txn.member:
				key = (promotion, txn.member)
				self.usage_member[key] = self.usage_member.get(key, 0) + 1


def plain(value: Decimal, places: int = 0) -> str:
	"""A number as a store manager writes it, with at least `places` decimals: 100.00, not 1E+2; 1, not
	1.000000000."""
	whole, _, fraction = format(value.normalize(), "f").partition(".")
	fraction = fraction.ljust(places, "0")
	return f"{whole}.{fraction}" if fraction else whole


def check_totals(txn: AuditTransaction) -> list[str]:
	"""Lines − discounts + taxes must equal what the till claimed and what was tendered."""
	findings = []
	grand = txn.grand_total
	if grand != txn.claimed_grand_total:
		findings.append(
			f"Wrong total: lines − discounts + taxes = {grand}, but the till recorded {txn.claimed_grand_total} "
			f"(difference {txn.claimed_grand_total - grand})"
		)
	paid = txn.tender_total - txn.change_total
	if txn.transaction_type in ("Sale", "Return", "Exchange"):
		expected = abs(grand)
		if paid != expected:
			what = "refunded" if grand < 0 else "tendered less change"
			findings.append(f"Tenders do not balance: {what} {paid}, but the transaction totals {expected}")
	elif txn.transaction_type == "Void" and txn.tender_total:
		findings.append(f"A void moves no money, but {txn.tender_total} was tendered")
	return findings


def check_items(txn: AuditTransaction, context: AuditContext) -> list[str]:
	findings = []
	for line in txn.lines:
		sellable = context.items.get(line.item_code)
		if sellable is None:
			findings.append(f"Line {line.line_id}: unknown item {line.item_code}")
		elif not sellable:
			findings.append(
				f"Line {line.line_id}: item {line.item_code} is disabled or a template and cannot be sold"
			)
		if line.scanned_code:
			owner = context.barcodes.get(line.scanned_code)
			if owner is None:
				findings.append(f"Line {line.line_id}: barcode {line.scanned_code} belongs to no item")
			elif owner != line.item_code:
				findings.append(
					f"Line {line.line_id}: barcode {line.scanned_code} belongs to {owner}, not {line.item_code}"
				)
	return findings


def check_batches(txn: AuditTransaction, context: AuditContext) -> list[str]:
	"""A batch past its expiry date on the business day, or disabled (blocked by the fresh expiry job), may
	not be sold; ERPNext would refuse the invoice for the same reason. Returns take goods back and pass."""
	findings = []
	if txn.transaction_type not in ("Sale", "Exchange"):
		return findings
	for line in txn.lines:
		if line.direction < 0 or not line.batch_no:
			continue
		known = context.batches.get(line.batch_no)
		if known is None:
			continue  # an unknown batch number is ERPNext's to refuse at posting
		expiry, disabled = known
		if expiry and txn.business_day and txn.business_day > expiry:
			findings.append(
				f"Line {line.line_id}: batch {line.batch_no} of {line.item_code} expired on {expiry} and may not be "
				"sold: take it off the shelf"
			)
		elif disabled:
			findings.append(
				f"Line {line.line_id}: batch {line.batch_no} of {line.item_code} is blocked from sale (disabled)"
			)
	return findings


def check_prices(txn: AuditTransaction, context: AuditContext) -> list[str]:
	"""Till prices must be within the store's tolerance of the price list, unless a promotion explains them."""
	findings = []
	for line in txn.lines:
		if line.promotion or context.items.get(line.item_code) is None:
			continue
		list_price = context.prices.get(line.item_code)
		if list_price is None:
			findings.append(f"Line {line.line_id}: {line.item_code} has no price on the store's price list")
			continue
		if list_price == 0:
			continue
		deviation = abs(line.unit_price - list_price) / list_price * 100
		if deviation > context.price_tolerance_percent:
			findings.append(
				f"Line {line.line_id}: price {plain(line.unit_price, 2)} of {line.item_code} is {deviation:.1f}% off the list "
				f"price {plain(list_price, 2)} (tolerance {plain(context.price_tolerance_percent)}%)"
			)
	return findings


def check_reference(txn: AuditTransaction, context: AuditContext) -> list[str]:
	"""Returns take back at most what the original sold; voids need an original that is not yet posted."""
	if txn.transaction_type not in ("Return", "Exchange", "Void"):
		return []
	if not txn.original_transaction:
		return (
			[]
			if txn.transaction_type == "Exchange"
			else [f"A {txn.transaction_type.lower()} must name its original"]
		)
	original = context.originals.get(txn.original_transaction)
	if original is None:
		return [f"Original transaction {txn.original_transaction} is not in the log"]
	if txn.transaction_type == "Void":
		if original.status == "Posted":
			return [
				f"Original {original.name} is already posted: take the goods back with a return instead of a void"
			]
		return []
	findings = []
	if original.transaction_type not in ("Sale", "Exchange"):
		return [f"Original {original.name} is a {original.transaction_type}, not a sale"]
	if original.status == "Voided":
		return [f"Original {original.name} was voided; nothing can be returned against it"]
	taken: dict[str, Decimal] = {}
	for line in txn.lines:
		if line.direction < 0:
			taken[line.item_code] = taken.get(line.item_code, ZERO) + line.qty
	for item_code, qty in taken.items():
		sold = original.sold.get(item_code, ZERO)
		before = context.returned_before.get((original.name, item_code), ZERO)
		if qty + before > sold:
			findings.append(
				f"Returns {qty} of {item_code} but {original.name} sold {sold}"
				+ (f" and {before} came back already" if before else "")
			)
	return findings


def check_promotions(txn: AuditTransaction, context: AuditContext) -> list[str]:
	"""The till's discount per promotion and line must be what the promotion engine gives for the same
	basket, customer and moment: a promotion the till gave wrongly, gave a different amount of, or left out
	is named. Discounts without a promotion (manual markdowns) and ERPNext's own POS are not checked here."""
	catalogue = context.promotions
	if catalogue is None or txn.source == "ERPNext POS" or txn.transaction_type not in ("Sale", "Exchange"):
		return []
	lines = [line for line in txn.lines if line.direction > 0]
	given = {(line.line_id, promotion): amount for line in lines for promotion, amount in line.promotions}
	if not given and not catalogue.touches(
		(line.item_code, context.item_groups.get(line.item_code), line.batch_no) for line in lines
	):
		return []
	names = {promotion.name for promotion in catalogue.promotions}
	limited = [p.name for p in catalogue.promotions if p.limit_total or p.limit_per_member]
	usage = {
		name: {
			"total": context.usage_total.get(name, 0),
			"member": context.usage_member.get((name, txn.member), 0) if txn.member else 0,
		}
		for name in limited
	}
	result = evaluate(
		catalogue,
		{
			"lines": [
				{
					"line_id": line.line_id,
					"item_code": line.item_code,
					"item_group": context.item_groups.get(line.item_code),
					"qty": str(line.qty),
					"unit_price": str(line.unit_price),
					"batch_no": line.batch_no,
				}
				for line in lines
			]
		},
		{
			"at": txn.ended_at,
			"timezone": context.time_zone,
			"store": context.store,
			"member": txn.member,
			"member_tags": sorted(context.member_tags.get(txn.member or "", ())),
			"coupons": context.coupons_of(txn),
			"usage": usage,
			"precision": catalogue.precision,
		},
	)
	expected = {
		(line["line_id"], part["promotion"]): Decimal(part["amount"])
		for line in result["lines"]
		for part in line["promotions"]
	}
	findings = []
	for line_id, promotion in sorted(set(given) | set(expected)):
		till, engine = given.get((line_id, promotion)), expected.get((line_id, promotion))
		if till == engine:
			continue
		if engine is None:
			if promotion not in names:
				why = "is not a promotion running in this store"
			elif promotion in result["skipped"]:
				why = SKIP_REASONS[result["skipped"][promotion]]
			else:
				why = "gives nothing on this line"
			findings.append(f"Line {line_id}: promotion {promotion} {why}, but the till gave {till} off")
		elif till is None:
			findings.append(
				f"Line {line_id}: promotion {promotion} gives {engine} off, but the till gave none"
			)
		else:
			findings.append(
				f"Line {line_id}: promotion {promotion} gives {engine} off, but the till gave {till}"
			)
	return findings


def audit_transaction(txn: AuditTransaction, context: AuditContext) -> list[str]:
	"""Every finding for one transaction (empty: it passes)."""
	return (
		check_totals(txn)
		+ check_items(txn, context)
		+ check_batches(txn, context)
		+ check_prices(txn, context)
		+ check_reference(txn, context)
		+ check_promotions(txn, context)
	)


def find_gaps(numbers: Iterable[int], previous_last: int | None = None) -> list[tuple[int, int]]:
	"""Missing ranges in a till's numbers for a day: inside the day, and after the previous day's last number."""
	ordered = sorted(set(numbers))
	if not ordered:
		return []
	gaps = []
	if previous_last is not None and ordered[0] > previous_last + 1:
		gaps.append((previous_last + 1, ordered[0] - 1))
	for before, after in zip(ordered, ordered[1:], strict=False):
		if after > before + 1:
			gaps.append((before + 1, after - 1))
	return gaps
