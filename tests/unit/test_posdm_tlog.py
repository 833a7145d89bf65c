"""Inbound till records (pure): exact Decimal totals, and every rule of parse_record rejecting with the field named."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from retail_suite.posdm.tlog import RecordRejected, TransactionKey, loads, parse_record, payload_hash


def sale(**changes: Any) -> dict[str, Any]:
	"""A good sale: two lines (one discounted, one taxed), paid by card and cash with change."""
	record: dict[str, Any] = {
		"terminal": "S001-T01",
		"business_day": "2026-11-02",
		"transaction_number": 42,
		"type": "sale",
		"started_at": "2026-11-02T10:01:30-05:00",
		"ended_at": "2026-11-02T10:03:00-05:00",
		"cashier": "C17",
		"member": "M0001",
		"currency": "USD",
		"lines": [
			{
				"line_id": 1,
				"item_code": "GRO-0001",
				"scanned_code": "4006381333931",
				"qty": Decimal("3"),
				"unit_price": Decimal("1.99"),
				"discount": Decimal("0.60"),
			},
			{
				"line_id": 2,
				"item_code": "HOU-0002",
				"qty": Decimal("0.755"),
				"unit_price": Decimal("12.3456"),
				"tax": Decimal("0.75"),
				"tax_template": "US Sales Tax 8%",
			},
		],
		"tenders": [
			{"type": "card", "amount": Decimal("10.00"), "provider": "Visa", "reference": "AUTH123456"},
			{"type": "cash", "amount": Decimal("10.00"), "change": Decimal("4.56")},
		],
		"totals": {"grand": Decimal("15.44")},
	}
	record.update(changes)
	return record


def rejected(record: Any) -> str:
	with pytest.raises(RecordRejected) as caught:
		parse_record(record)
	return str(caught.value)


def changed(edit: Callable[[dict[str, Any]], Any], **changes: Any) -> dict[str, Any]:
	record = copy.deepcopy(sale(**changes))
	edit(record)
	return record


# --- a good record ---------------------------------------------------------------------------------------------


def test_good_sale_is_parsed_with_exact_decimal_totals() -> None:
	txn = parse_record(sale())
	assert txn.name == "S001-T01-20261102-000042"
	assert txn.key == TransactionKey("S001-T01", date(2026, 11, 2), 42)
	assert txn.type_label == "Sale"
	first, second = txn.lines
	assert first.gross == Decimal("5.97") and first.net == Decimal("5.37")
	# 0.755 × 12.3456 = 9.320928 → 9.32 (half up at the cent)
	assert second.gross == Decimal("9.32") and second.net == Decimal("9.32")
	assert txn.net_total == Decimal("14.69")
	assert txn.discount_total == Decimal("0.60")
	assert txn.tax_total == Decimal("0.75")
	assert txn.grand_total == Decimal("15.44")
	assert txn.claimed_grand_total == Decimal("15.44")
	assert txn.tender_total == Decimal("20.00")
	assert txn.change_total == Decimal("4.56")
	assert [tender.mode for tender in txn.tenders] == ["Credit Card", "Cash"]
	assert [tender.net_amount for tender in txn.tenders] == [Decimal("10.00"), Decimal("5.44")]
	for amount in (txn.net_total, txn.discount_total, txn.tax_total, txn.grand_total):
		assert isinstance(amount, Decimal)


def test_amounts_from_json_text_are_exact_decimals() -> None:
	record = loads(
		'{"terminal": "S001-T01", "business_day": "2026-11-02", "transaction_number": 7, "type": "sale", '
		'"ended_at": "2026-11-02T15:00:00Z", "lines": [{"line_id": 1, "item_code": "A", "qty": 3, "unit_price": 0.1}, '
		'{"line_id": 2, "item_code": "B", "qty": 1, "unit_price": 0.2, "tax": 0.02}], '
		'"tenders": [{"type": "card", "amount": 0.52}], "totals": {"grand": 0.52}}'
	)
	txn = parse_record(record)
	assert txn.net_total == Decimal("0.50")  # 0.1 × 3 + 0.2, never 0.30000000000000004
	assert txn.grand_total == Decimal("0.52") == txn.claimed_grand_total


def test_return_and_exchange_signs() -> None:
	ret = parse_record(
		sale(
			type="return",
			original={"terminal": "S001-T01", "business_day": "2026-11-01", "transaction_number": 9},
			lines=[
				{
					"line_id": 1,
					"item_code": "A",
					"qty": Decimal("2"),
					"unit_price": Decimal("4.50"),
					"tax": Decimal("0.72"),
				}
			],
			tenders=[{"type": "cash", "amount": Decimal("9.72")}],
			totals={"grand": Decimal("-9.72")},
		)
	)
	assert (
		ret.net_total == Decimal("-9.00")
		and ret.tax_total == Decimal("-0.72")
		and ret.grand_total == Decimal("-9.72")
	)
	assert ret.original == TransactionKey("S001-T01", date(2026, 11, 1), 9)
	assert ret.original.name == "S001-T01-20261101-000009"
	exchange = parse_record(
		sale(
			type="exchange",
			lines=[
				{"line_id": 1, "item_code": "A", "qty": 1, "unit_price": Decimal("20.00"), "returned": True},
				{
					"line_id": 2,
					"item_code": "B",
					"qty": 1,
					"unit_price": Decimal("25.50"),
					"discount": Decimal("0.50"),
				},
			],
			tenders=[{"type": "card", "amount": Decimal("5.00")}],
			totals={"grand": Decimal("5.00")},
		)
	)
	assert [exchange.sign(line) for line in exchange.lines] == [-1, 1]
	assert exchange.net_total == Decimal("5.00") and exchange.discount_total == Decimal("0.50")


def test_payload_hash_tells_a_resend_from_a_change() -> None:
	assert parse_record(sale()).payload_hash == parse_record(sale()).payload_hash
	assert parse_record(sale()).payload_hash != parse_record(sale(cashier="C18")).payload_hash
	assert payload_hash({"b": 1, "a": 2}) == payload_hash({"a": 2, "b": 1})


@pytest.mark.parametrize(
	"kind, tenders",
	[
		("no_sale", []),
		("float", [{"type": "cash", "amount": Decimal("150.00")}]),
		("cash_pickup", [{"type": "cash", "amount": Decimal("300.00")}]),
	],
)
def test_money_movements_without_lines_are_accepted(kind: str, tenders: list[dict[str, Any]]) -> None:
	txn = parse_record(sale(type=kind, lines=[], tenders=tenders, totals={"grand": Decimal("0.00")}))
	assert txn.lines == () and txn.grand_total == Decimal("0.00")


# --- the rules the schema cannot say ---------------------------------------------------------------------------


def test_repeated_line_id() -> None:
	record = changed(lambda r: r["lines"][1].update(line_id=1))
	assert rejected(record) == "lines[1].line_id 1 is repeated: each line needs its own id"


def test_discount_above_the_line() -> None:
	record = changed(lambda r: r["lines"][0].update(discount=Decimal("5.98")))
	assert rejected(record) == "lines[0].discount 5.98 is larger than the line amount 5.97"


def test_discount_equal_to_the_line_is_allowed() -> None:
	assert parse_record(changed(lambda r: r["lines"][0].update(discount=Decimal("5.97")))).lines[
		0
	].net == Decimal("0.00")


def test_returned_line_outside_an_exchange() -> None:
	record = changed(lambda r: r["lines"][1].update(returned=True))
	assert rejected(record) == "lines[1].returned is only allowed in an exchange"


def test_change_on_a_card_tender() -> None:
	record = changed(lambda r: r["tenders"][0].update(change=Decimal("1.00")))
	assert rejected(record) == "tenders[0].change: only cash gives change"


def test_change_above_the_tendered_amount() -> None:
	record = changed(lambda r: r["tenders"][1].update(change=Decimal("10.01")))
	assert rejected(record) == "tenders[1].change 10.01 is larger than the tendered 10.00"


@pytest.mark.parametrize("kind", ["sale", "return", "exchange", "void"])
def test_goods_transaction_without_lines(kind: str) -> None:
	original = {"terminal": "S001-T01", "business_day": "2026-11-02", "transaction_number": 1}
	assert (
		rejected(sale(type=kind, lines=[], original=original)) == f"lines: a {kind} needs at least one line"
	)


def test_money_movement_with_lines() -> None:
	record = sale(type="float", tenders=[{"type": "cash", "amount": Decimal("150.00")}])
	assert rejected(record) == "lines: a float has no item lines"


def test_no_sale_with_tenders() -> None:
	record = sale(type="no_sale", lines=[], tenders=[{"type": "cash", "amount": Decimal("1.00")}])
	assert rejected(record) == "tenders: a no_sale moves no money"


def test_cash_pickup_with_a_card() -> None:
	record = sale(type="cash_pickup", lines=[], tenders=[{"type": "card", "amount": Decimal("300.00")}])
	assert rejected(record) == "tenders: a cash_pickup moves cash only, as one or more cash tenders"
	assert (
		rejected(sale(type="float", lines=[], tenders=[]))
		== "tenders: a float moves cash only, as one or more cash tenders"
	)


@pytest.mark.parametrize("kind", ["return", "void"])
def test_return_or_void_without_original(kind: str) -> None:
	assert rejected(sale(type=kind)) == f"original: a {kind} must name the transaction it refers to"
	assert (
		rejected(sale(type=kind, original=None))
		== f"original: a {kind} must name the transaction it refers to"
	)


def test_exchange_without_original_is_accepted() -> None:
	record = sale(
		type="exchange",
		lines=[{"line_id": 1, "item_code": "A", "qty": 1, "unit_price": Decimal("3.00")}],
		tenders=[{"type": "card", "amount": Decimal("3.00")}],
	)
	assert parse_record(record).original is None


def test_started_after_ended() -> None:
	assert rejected(sale(started_at="2026-11-02T10:03:01-05:00")) == "started_at is after ended_at"


def test_ended_at_far_from_the_business_day() -> None:
	assert rejected(sale(ended_at="2026-11-04T10:03:00-05:00", started_at=None)) == (
		"ended_at 2026-11-04T10:03:00-05:00 is not within a day of business_day 2026-11-02"
	)
	# a late-night sale before the store's cutoff belongs to the previous business day: one day is allowed
	assert parse_record(sale(ended_at="2026-11-03T01:30:00-05:00", started_at=None)).key.business_day == date(
		2026, 11, 2
	)


@pytest.mark.parametrize(
	"edit, reason",
	[
		(
			lambda r: r["lines"][0].update(qty=Decimal("1.0005")),
			"lines[0].qty 1.0005 has more than 3 decimal places",
		),
		(
			lambda r: r["lines"][0].update(unit_price=Decimal("1.23456")),
			"lines[0].unit_price 1.23456 has more than 4 decimal places",
		),
		(
			lambda r: r["lines"][0].update(discount=Decimal("0.605")),
			"lines[0].discount 0.605 has more than 2 decimal places",
		),
		(
			lambda r: r["lines"][1].update(tax=Decimal("0.751")),
			"lines[1].tax 0.751 has more than 2 decimal places",
		),
		(
			lambda r: r["tenders"][0].update(amount=Decimal("10.001")),
			"tenders[0].amount 10.001 has more than 2 decimal places",
		),
		(
			lambda r: r["tenders"][1].update(change=Decimal("4.561")),
			"tenders[1].change 4.561 has more than 2 decimal places",
		),
		(
			lambda r: r["totals"].update(grand=Decimal("15.445")),
			"totals.grand 15.445 has more than 2 decimal places",
		),
	],
)
def test_too_many_decimal_places(edit: Callable[[dict[str, Any]], Any], reason: str) -> None:
	assert rejected(changed(edit)) == reason


def test_trailing_zeros_are_not_extra_places() -> None:
	record = changed(lambda r: r["lines"][0].update(unit_price=Decimal("1.990000"), qty=Decimal("3.000")))
	assert parse_record(record).lines[0].gross == Decimal("5.97")


# --- the schema, with the field named --------------------------------------------------------------------------


@pytest.mark.parametrize(
	"edit, reason",
	[
		(lambda r: r.update(colour="red"), "record: record must not contain {'colour'} properties"),
		(
			lambda r: r["lines"][0].update(colour="red"),
			"lines.0: lines[0] must not contain {'colour'} properties",
		),
		(
			lambda r: r["totals"].update(rounding=Decimal("0.01")),
			"totals: totals must not contain {'rounding'} properties",
		),
	],
)
def test_unknown_property(edit: Callable[[dict[str, Any]], Any], reason: str) -> None:
	assert rejected(changed(edit)) == reason


@pytest.mark.parametrize(
	"edit, reason",
	[
		(
			lambda r: r.update(transaction_number="42"),
			"transaction_number: transaction_number must be integer",
		),
		(
			lambda r: r.update(transaction_number=True),
			"transaction_number: transaction_number must be integer",
		),
		(lambda r: r["lines"][0].update(qty="3"), "lines.0.qty: lines[0].qty must be number"),
		(lambda r: r["lines"][0].update(qty=True), "lines.0.qty: lines[0].qty must be number"),
		(lambda r: r.update(lines={"line_id": 1}), "lines: lines must be array"),
		(lambda r: r.update(type="refund"), "type: type must be one of"),
		(lambda r: r["tenders"][0].update(type="cheque"), "tenders.0.type: tenders[0].type must be one of"),
		(lambda r: r.update(currency="usd"), "currency: currency must match pattern"),
	],
)
def test_wrong_type(edit: Callable[[dict[str, Any]], Any], reason: str) -> None:
	assert rejected(changed(edit)).startswith(reason)


@pytest.mark.parametrize(
	"key",
	["terminal", "business_day", "transaction_number", "type", "ended_at", "lines", "tenders", "totals"],
)
def test_missing_key(key: str) -> None:
	record = changed(lambda r: r.pop(key))
	assert rejected(record) == f"record: record must contain ['{key}'] properties"


@pytest.mark.parametrize(
	"edit, reason",
	[
		(
			lambda r: r["lines"][0].pop("unit_price"),
			"lines.0: lines[0] must contain ['unit_price'] properties",
		),
		(lambda r: r["tenders"][0].pop("amount"), "tenders.0: tenders[0] must contain ['amount'] properties"),
		(lambda r: r["totals"].pop("grand"), "totals: totals must contain ['grand'] properties"),
	],
)
def test_missing_key_inside(edit: Callable[[dict[str, Any]], Any], reason: str) -> None:
	assert rejected(changed(edit)) == reason


@pytest.mark.parametrize(
	"edit, reason",
	[
		(
			lambda r: r["lines"][0].update(qty=Decimal("-1")),
			"lines.0.qty: lines[0].qty must be bigger than 0",
		),
		(lambda r: r["lines"][0].update(qty=0), "lines.0.qty: lines[0].qty must be bigger than 0"),
		(
			lambda r: r["lines"][0].update(unit_price=Decimal("-1.99")),
			"lines.0.unit_price: lines[0].unit_price must be bigger than or equal to 0",
		),
		(
			lambda r: r["lines"][0].update(discount=Decimal("-0.60")),
			"lines.0.discount: lines[0].discount must be bigger than or equal to 0",
		),
		(
			lambda r: r["tenders"][0].update(amount=Decimal("-10.00")),
			"tenders.0.amount: tenders[0].amount must be bigger than or equal to 0",
		),
		(
			lambda r: r.update(transaction_number=0),
			"transaction_number: transaction_number must be bigger than or equal to 1",
		),
	],
)
def test_negative_amounts(edit: Callable[[dict[str, Any]], Any], reason: str) -> None:
	assert rejected(changed(edit)) == reason


@pytest.mark.parametrize(
	"edit, field",
	[
		(lambda r: r.update(business_day="2026-02-30"), "business_day"),
		(lambda r: r.update(business_day="02/11/2026"), "business_day"),
		(lambda r: r.update(ended_at="yesterday"), "ended_at"),
		(lambda r: r.update(started_at="2026-11-02 25:00"), "started_at"),
	],
)
def test_bad_dates(edit: Callable[[dict[str, Any]], Any], field: str) -> None:
	assert rejected(changed(edit)).startswith(f"{field}: {field} must ")


@pytest.mark.parametrize("record", [[sale()], "a sale", 42, None])
def test_non_object_record(record: Any) -> None:
	assert rejected(record) == f"a record must be a JSON object, not {type(record).__name__}"


# --- bad input that must be rejected, not crash the batch -------------------------------------------------------


def test_original_with_an_impossible_date_is_rejected() -> None:
	record = sale(
		type="return",
		original={"terminal": "S001-T01", "business_day": "2026-13-45", "transaction_number": 9},
	)
	assert "original" in rejected(record)


def test_naive_started_at_with_an_aware_ended_at_does_not_crash() -> None:
	record = sale(started_at="2026-11-02T10:01:30", ended_at="2026-11-02T10:03:00-05:00")
	try:
		parse_record(record)
	except RecordRejected as error:
		assert "started_at" in str(error)


@pytest.mark.parametrize(
	"text, field",
	[
		('"qty": NaN, "unit_price": 2.5', "qty"),
		('"qty": 1, "unit_price": Infinity', "unit_price"),
	],
)
def test_non_finite_numbers_in_json_text_are_rejected(text: str, field: str) -> None:
	# Python's json accepts NaN and Infinity; loads refuses them, and parse_record refuses them as numbers
	with pytest.raises(ValueError, match="not a number JSON allows"):
		loads(
			'{"terminal": "S001-T01", "business_day": "2026-11-02", "transaction_number": 7, "type": "sale", '
			'"ended_at": "2026-11-02T15:00:00Z", "lines": [{"line_id": 1, "item_code": "A", ' + text + "}], "
			'"tenders": [], "totals": {"grand": 0}}'
		)
	line = {
		"line_id": 1,
		"item_code": "A",
		"qty": 1,
		"unit_price": 2.5,
		field: float("nan" if "NaN" in text else "inf"),
	}
	record = {
		"terminal": "S001-T01",
		"business_day": "2026-11-02",
		"transaction_number": 7,
		"type": "sale",
		"ended_at": "2026-11-02T15:00:00Z",
		"lines": [line],
		"tenders": [],
		"totals": {"grand": 0},
	}
	assert field in rejected(record)


@pytest.mark.parametrize(
	"totals, tender, field",
	[
		('"totals": {"grand": NaN}', '{"type": "card", "amount": 2.5}', "totals.grand"),
		('"totals": {"grand": 2.5}', '{"type": "card", "amount": Infinity}', "tenders[0].amount"),
		('"totals": {"grand": 2.5}', '{"type": "cash", "amount": 5, "change": NaN}', "tenders[0].change"),
	],
)
def test_non_finite_totals_and_tenders_are_rejected(totals: str, tender: str, field: str) -> None:
	text = (
		'{"terminal": "S001-T01", "business_day": "2026-11-02", "transaction_number": 7, "type": "sale", '
		'"ended_at": "2026-11-02T15:00:00Z", "lines": [{"line_id": 1, "item_code": "A", "qty": 1, "unit_price": 2.5}], '
		f'"tenders": [{tender}], {totals}}}'
	)
	with pytest.raises(ValueError, match="not a number JSON allows"):
		loads(text)
	# the same record built in Python (floats) is refused by parse_record, naming the field
	record = json.loads(text)
	assert field in rejected(record)
