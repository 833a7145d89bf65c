"""The transaction log's inbound records (pure): validate, normalise, key.

A record is one till transaction as JSON (schema: `schema/pos_transaction.schema.json`).
`parse_record` checks it against the schema and the rules the schema cannot say
(repeated line ids, a discount above its line, a return without its original …)
and returns a `Transaction` with exact Decimal amounts, or raises `RecordRejected`
with a reason that names the field. Nothing here touches a database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import fastjsonschema

SCHEMA_PATH = Path(__file__).parent / "schema" / "pos_transaction.schema.json"
MAX_BATCH = 1000
MAX_RECORD_BYTES = 64 * 1024
MAX_BODY_BYTES = 1_500_000
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

TRANSACTION_TYPES = {
	"sale": "Sale",
	"return": "Return",
	"exchange": "Exchange",
	"void": "Void",
	"no_sale": "No Sale",
	"cash_pickup": "Cash Pickup",
	"float": "Float",
}
#: tender type -> ERPNext Mode of Payment used when the till names none
DEFAULT_MODES_OF_PAYMENT = {
	"cash": "Cash",
	"card": "Credit Card",
	"mobile_wallet": "Mobile Wallet",
	"voucher": "Voucher",
	"points": "Loyalty Points",
}
TENDER_LABELS = {"cash": "Cash", "card": "Bank Card", "mobile_wallet": "Mobile Wallet", "voucher": "Voucher", "points": "Points"}
SOURCES = ("ERPNext POS", "Offline Till", "External API")


class RecordRejected(ValueError):
	"""A record that cannot enter the log; the message names the field and the fix."""


def money(value: Any) -> Decimal:
	"""An amount at the currency's precision (2 places, half up)."""
	return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def exact(value: Any) -> Decimal:
	"""A number read back from the database as an exact Decimal (NULL is zero)."""
	return Decimal(str(value if value is not None else 0))


@cache
def schema() -> dict[str, Any]:
	return json.loads(SCHEMA_PATH.read_text())


@cache
def _validator():
	return fastjsonschema.compile(schema(), formats={"date-time": _is_datetime, "date": _is_date})


def _is_datetime(value: str) -> bool:
	try:
		datetime.fromisoformat(value.replace("Z", "+00:00"))
		return True
	except ValueError:
		return False


def _is_date(value: str) -> bool:
	try:
		date.fromisoformat(value)
		return True
	except ValueError:
		return False


@dataclass(frozen=True)
class Line:
	line_id: int
	item_code: str
	qty: Decimal
	unit_price: Decimal
	discount: Decimal = Decimal("0")
	tax: Decimal = Decimal("0")
	scanned_code: str | None = None
	uom: str | None = None
	promotion: str | None = None
	batch_no: str | None = None
	serial_no: str | None = None
	tax_template: str | None = None
	returned: bool = False
	#: (promotion, amount) per promotion that discounted this line; sums to `discount` less any manual part
	discounts: tuple[tuple[str, Decimal], ...] = ()

	@cached_property
	def gross(self) -> Decimal:
		"""qty × unit price, rounded to the cent."""
		return money(self.qty * self.unit_price)

	@cached_property
	def net(self) -> Decimal:
		return self.gross - self.discount


@dataclass(frozen=True)
class Tender:
	tender_type: str
	amount: Decimal
	change: Decimal = Decimal("0")
	mode_of_payment: str | None = None
	provider: str | None = None
	reference: str | None = None

	@property
	def mode(self) -> str:
		return self.mode_of_payment or DEFAULT_MODES_OF_PAYMENT[self.tender_type]

	@property
	def net_amount(self) -> Decimal:
		return self.amount - self.change


@dataclass(frozen=True)
class TransactionKey:
	terminal: str
	business_day: date
	transaction_number: int

	@cached_property
	def name(self) -> str:
		return f"{self.terminal}-{self.business_day:%Y%m%d}-{self.transaction_number:06d}"


@dataclass(frozen=True)
class Transaction:
	key: TransactionKey
	transaction_type: str  # record value: sale, return, …
	ended_at: datetime
	lines: tuple[Line, ...]
	tenders: tuple[Tender, ...]
	claimed_grand_total: Decimal
	started_at: datetime | None = None
	offline_id: str | None = None
	cashier: str | None = None
	sales_person: str | None = None
	member: str | None = None
	currency: str | None = None
	original: TransactionKey | None = None
	coupons: tuple[str, ...] = ()
	payload_hash: str = ""
	raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

	@cached_property
	def name(self) -> str:
		return self.key.name

	@property
	def type_label(self) -> str:
		return TRANSACTION_TYPES[self.transaction_type]

	def sign(self, line: Line) -> int:
		"""+1 for goods leaving the store, -1 for goods coming back."""
		if self.transaction_type == "return" or (self.transaction_type == "exchange" and line.returned):
			return -1
		return 1

	@property
	def net_total(self) -> Decimal:
		return sum((self.sign(line) * line.net for line in self.lines), Decimal("0.00"))

	@property
	def discount_total(self) -> Decimal:
		return sum((self.sign(line) * line.discount for line in self.lines), Decimal("0.00"))

	@property
	def tax_total(self) -> Decimal:
		return sum((self.sign(line) * line.tax for line in self.lines), Decimal("0.00"))

	@property
	def grand_total(self) -> Decimal:
		"""What the customer owes (negative: what the store pays back)."""
		return self.net_total + self.tax_total

	@property
	def tender_total(self) -> Decimal:
		return sum((tender.amount for tender in self.tenders), Decimal("0.00"))

	@property
	def change_total(self) -> Decimal:
		return sum((tender.change for tender in self.tenders), Decimal("0.00"))


def _number(value: Any, where: str) -> Decimal:
	"""A JSON number as an exact, finite Decimal."""
	number = value if type(value) is Decimal else Decimal(str(value))
	if not number.is_finite():
		raise RecordRejected(f"{where} must be a finite number, not {value}")
	return number


def _decimal_places(value: Decimal) -> int:
	exponent = value.normalize().as_tuple().exponent
	return max(0, -exponent) if isinstance(exponent, int) else 0


def _check_places(value: Decimal, places: int, where: str) -> None:
	exponent = value.as_tuple().exponent
	if isinstance(exponent, int) and exponent >= -places:
		return  # the common case, without normalising (1.50 has two places as written)
	if _decimal_places(value) > places:
		raise RecordRejected(f"{where} {value} has more than {places} decimal places")


def _parse_moment(value: str, where: str) -> datetime:
	try:
		return datetime.fromisoformat(value.replace("Z", "+00:00"))
	except ValueError:
		raise RecordRejected(f"{where} {value!r} is not an ISO date-time")


def payload_hash(record: dict[str, Any]) -> str:
	"""A stable hash of a record's content, to tell a true resend from a conflicting one."""
	text = json.dumps(record, sort_keys=True, separators=(",", ":"), default=str)
	return hashlib.sha256(text.encode()).hexdigest()[:32]


def parse_record(record: Any) -> Transaction:
	"""Validate one inbound record and return it as a Transaction; raises RecordRejected."""
	if not isinstance(record, dict):
		raise RecordRejected(f"a record must be a JSON object, not {type(record).__name__}")
	try:
		_validator()(record)
	except fastjsonschema.JsonSchemaValueException as error:
		path = error.path[1:] if error.path and error.path[0] == "data" else error.path
		where = ".".join(str(part) for part in path) or "record"
		message = error.message.replace("data.", "").replace("data ", "record ")
		raise RecordRejected(f"{where}: {message}")

	kind = record["type"]
	seen_ids: set[int] = set()
	lines = []
	for position, raw in enumerate(record["lines"]):
		where = f"lines[{position}]"
		if raw["line_id"] in seen_ids:
			raise RecordRejected(f"{where}.line_id {raw['line_id']} is repeated: each line needs its own id")
		seen_ids.add(raw["line_id"])
		qty = _number(raw["qty"], f"{where}.qty")
		unit_price = _number(raw["unit_price"], f"{where}.unit_price")
		discount = _number(raw.get("discount") or 0, f"{where}.discount")
		tax = _number(raw.get("tax") or 0, f"{where}.tax")
		_check_places(qty, 3, f"{where}.qty")
		_check_places(unit_price, 4, f"{where}.unit_price")
		_check_places(discount, 2, f"{where}.discount")
		_check_places(tax, 2, f"{where}.tax")
		promotion = raw.get("promotion")
		split = _promotion_split(raw, promotion, discount, where)
		line = Line(
			line_id=raw["line_id"],
			item_code=raw["item_code"],
			qty=qty,
			unit_price=unit_price,
			discount=discount,
			tax=tax,
			scanned_code=raw.get("scanned_code"),
			uom=raw.get("uom"),
			promotion=promotion or (split[0][0] if split else None),
			batch_no=raw.get("batch_no"),
			serial_no=raw.get("serial_no"),
			tax_template=raw.get("tax_template"),
			returned=bool(raw.get("returned")),
			discounts=split,
		)
		if line.discount > line.gross:
			raise RecordRejected(f"{where}.discount {line.discount} is larger than the line amount {line.gross}")
		if line.returned and kind != "exchange":
			raise RecordRejected(f"{where}.returned is only allowed in an exchange")
		lines.append(line)

	tenders = []
	for position, raw in enumerate(record["tenders"]):
		where = f"tenders[{position}]"
		amount = _number(raw["amount"], f"{where}.amount")
		change = _number(raw.get("change") or 0, f"{where}.change")
		_check_places(amount, 2, f"{where}.amount")
		_check_places(change, 2, f"{where}.change")
		if change and raw["type"] != "cash":
			raise RecordRejected(f"{where}.change: only cash gives change")
		if change > amount:
			raise RecordRejected(f"{where}.change {change} is larger than the tendered {amount}")
		tenders.append(
			Tender(
				tender_type=raw["type"],
				amount=amount,
				change=change,
				mode_of_payment=raw.get("mode_of_payment"),
				provider=raw.get("provider"),
				reference=raw.get("reference"),
			)
		)

	if kind in ("sale", "return", "exchange", "void") and not lines:
		raise RecordRejected(f"lines: a {kind} needs at least one line")
	if kind in ("no_sale", "cash_pickup", "float") and lines:
		raise RecordRejected(f"lines: a {kind} has no item lines")
	if kind == "no_sale" and tenders:
		raise RecordRejected("tenders: a no_sale moves no money")
	if kind in ("cash_pickup", "float") and (not tenders or any(t.tender_type != "cash" for t in tenders)):
		raise RecordRejected(f"tenders: a {kind} moves cash only, as one or more cash tenders")
	original_raw = record.get("original")
	if kind in ("return", "void") and not original_raw:
		raise RecordRejected(f"original: a {kind} must name the transaction it refers to")

	ended_at = _parse_moment(record["ended_at"], "ended_at")
	started_at = _parse_moment(record["started_at"], "started_at") if record.get("started_at") else None
	if started_at and (started_at.tzinfo is None) != (ended_at.tzinfo is None):
		# one side without an offset: read it in the other's
		if started_at.tzinfo is None:
			started_at = started_at.replace(tzinfo=ended_at.tzinfo)
		else:
			ended_at = ended_at.replace(tzinfo=started_at.tzinfo)
	if started_at and started_at > ended_at:
		raise RecordRejected("started_at is after ended_at")
	try:
		business_day = date.fromisoformat(record["business_day"])
	except ValueError:
		raise RecordRejected(f"business_day {record['business_day']!r} is not a date")
	if abs((ended_at.date() - business_day).days) > 1:
		raise RecordRejected(f"ended_at {record['ended_at']} is not within a day of business_day {business_day}")
	totals = record["totals"]
	claimed = _number(totals["grand"], "totals.grand")
	_check_places(claimed, 2, "totals.grand")
	original = None
	if original_raw:
		try:
			original_day = date.fromisoformat(original_raw["business_day"])
		except ValueError:
			raise RecordRejected(f"original.business_day {original_raw['business_day']!r} is not a date")
		original = TransactionKey(original_raw["terminal"], original_day, original_raw["transaction_number"])
	return Transaction(
		key=TransactionKey(record["terminal"], business_day, record["transaction_number"]),
		transaction_type=kind,
		ended_at=ended_at,
		started_at=started_at,
		lines=tuple(lines),
		tenders=tuple(tenders),
		claimed_grand_total=claimed,
		offline_id=record.get("offline_id"),
		cashier=record.get("cashier"),
		sales_person=record.get("sales_person"),
		member=record.get("member"),
		currency=record.get("currency"),
		original=original,
		coupons=tuple(record.get("coupons") or ()),
		payload_hash=payload_hash(record),
		raw=record,
	)


def _promotion_split(
	raw: dict[str, Any], promotion: str | None, discount: Decimal, where: str
) -> tuple[tuple[str, Decimal], ...]:
	"""The line's discount per promotion: the `discounts` list, or the whole discount for `promotion`."""
	if not raw.get("discounts"):
		return ((promotion, discount),) if promotion and discount else ()
	split: list[tuple[str, Decimal]] = []
	for position, part in enumerate(raw["discounts"]):
		amount = _number(part["amount"], f"{where}.discounts[{position}].amount")
		_check_places(amount, 2, f"{where}.discounts[{position}].amount")
		if any(name == part["promotion"] for name, _ in split):
			raise RecordRejected(f"{where}.discounts: promotion {part['promotion']} is listed twice")
		split.append((part["promotion"], amount))
	total = sum((amount for _, amount in split), Decimal("0"))
	if total > discount:
		raise RecordRejected(f"{where}.discounts add up to {total}, more than the line's discount {discount}")
	if promotion and promotion not in {name for name, _ in split}:
		raise RecordRejected(f"{where}.promotion {promotion} is not among the line's discounts")
	return tuple(split)


def _no_constant(name: str) -> Any:
	raise ValueError(f"{name} is not a number JSON allows")


def loads(text: str | bytes) -> Any:
	"""JSON with exact decimals (floats never touch an amount); NaN and Infinity refused."""
	return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
