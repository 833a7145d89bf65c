"""Audit rules (pure): totals, items and barcodes, prices, references to originals, sequence gaps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from retail_suite.posdm.audit import (
	AuditContext,
	AuditLine,
	AuditTransaction,
	OriginalSale,
	audit_transaction,
	check_items,
	check_prices,
	check_reference,
	check_totals,
	find_gaps,
)

D = Decimal


def line(
	line_id: int = 1,
	item_code: str = "GRO-0001",
	qty: str = "2",
	unit_price: str = "4.50",
	discount: str = "0.00",
	tax: str = "0.00",
	direction: int = 1,
	scanned_code: str | None = None,
	promotion: str | None = None,
) -> AuditLine:
	return AuditLine(
		line_id, item_code, D(qty), D(unit_price), D(discount), D(tax), direction, scanned_code, promotion
	)


def txn(
	*lines: AuditLine,
	transaction_type: str = "Sale",
	tendered: str = "0.00",
	change: str = "0.00",
	claimed: str | None = None,
	original: str | None = None,
	name: str = "S001-T01-20261102-000010",
) -> AuditTransaction:
	draft = AuditTransaction(name, transaction_type, tuple(lines), D(tendered), D(change), D("0"), original)
	claim = D(claimed) if claimed is not None else draft.grand_total
	return AuditTransaction(name, transaction_type, tuple(lines), D(tendered), D(change), claim, original)


def context(**overrides) -> AuditContext:
	found = AuditContext(
		items={"GRO-0001": True, "GRO-0002": True, "APP-TPL": False, "GRO-OLD": False},
		barcodes={"4006381333931": "GRO-0001", "4006381333948": "GRO-0002"},
		prices={"GRO-0001": D("4.5"), "GRO-0002": D("10"), "APP-TPL": D("20")},
		price_tolerance_percent=D("1"),
	)
	for key, value in overrides.items():
		setattr(found, key, value)
	return found


# --- check_totals ----------------------------------------------------------------------------------------------


def test_balanced_sale_has_no_findings() -> None:
	sale = txn(
		line(discount="0.90", tax="0.65"),
		line(2, "GRO-0002", "1", "10", tax="0.80"),
		tendered="20.00",
		change="0.45",
	)
	assert sale.grand_total == D("19.55")
	assert check_totals(sale) == []
	assert audit_transaction(sale, context()) == []


def test_wrong_claimed_total() -> None:
	sale = txn(line(tax="0.72"), tendered="10.72", claimed="10.72")
	assert check_totals(sale) == [
		"Wrong total: lines − discounts + taxes = 9.72, but the till recorded 10.72 (difference 1.00)",
		"Tenders do not balance: tendered less change 10.72, but the transaction totals 9.72",
	]


def test_sale_tenders_do_not_balance() -> None:
	sale = txn(line(), tendered="20.00", change="10.00")
	assert check_totals(sale) == [
		"Tenders do not balance: tendered less change 10.00, but the transaction totals 9.00"
	]


def test_return_refund_does_not_balance() -> None:
	ret = txn(
		line(direction=-1), transaction_type="Return", tendered="8.00", original="S001-T01-20261101-000003"
	)
	assert ret.grand_total == D("-9.00")
	assert check_totals(ret) == ["Tenders do not balance: refunded 8.00, but the transaction totals 9.00"]
	assert check_totals(txn(line(direction=-1), transaction_type="Return", tendered="9.00")) == []


def test_exchange_balances_on_the_difference() -> None:
	back = line(1, "GRO-0002", "1", "10", direction=-1)
	out = line(2, "GRO-0001", "3", "4.50")
	assert check_totals(txn(back, out, transaction_type="Exchange", tendered="3.50")) == []
	assert check_totals(txn(back, out, transaction_type="Exchange", tendered="5.00")) == [
		"Tenders do not balance: tendered less change 5.00, but the transaction totals 3.50"
	]
	refund = txn(back, line(2, "GRO-0001", "1", "4.50"), transaction_type="Exchange", tendered="5.00")
	assert refund.grand_total == D("-5.50")
	assert check_totals(refund) == ["Tenders do not balance: refunded 5.00, but the transaction totals 5.50"]


def test_void_with_tenders() -> None:
	assert check_totals(txn(line(), transaction_type="Void", original="X")) == []
	assert check_totals(txn(line(), transaction_type="Void", tendered="9.00", original="X")) == [
		"A void moves no money, but 9.00 was tendered"
	]


def test_money_movements_are_not_balanced_against_lines() -> None:
	assert check_totals(txn(transaction_type="Float", tendered="150.00")) == []
	assert check_totals(txn(transaction_type="Cash Pickup", tendered="300.00")) == []


# --- check_items -----------------------------------------------------------------------------------------------


def test_unknown_item() -> None:
	assert check_items(txn(line(item_code="NOPE-1")), context()) == ["Line 1: unknown item NOPE-1"]


@pytest.mark.parametrize("item_code", ["APP-TPL", "GRO-OLD"])
def test_disabled_or_template_item(item_code: str) -> None:
	assert check_items(txn(line(3, item_code)), context()) == [
		f"Line 3: item {item_code} is disabled or a template and cannot be sold"
	]


def test_barcode_of_another_item() -> None:
	assert check_items(txn(line(2, "GRO-0001", scanned_code="4006381333948")), context()) == [
		"Line 2: barcode 4006381333948 belongs to GRO-0002, not GRO-0001"
	]


def test_unknown_barcode() -> None:
	assert check_items(txn(line(scanned_code="2000000000008")), context()) == [
		"Line 1: barcode 2000000000008 belongs to no item"
	]


def test_own_barcode_is_fine() -> None:
	assert check_items(txn(line(scanned_code="4006381333931")), context()) == []


# --- check_prices ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("price", ["4.50", "4.545", "4.455", "4.5000"])
def test_price_within_tolerance(price: str) -> None:
	assert check_prices(txn(line(unit_price=price)), context()) == []


def test_price_outside_tolerance() -> None:
	assert check_prices(txn(line(unit_price="4.55")), context()) == [
		"Line 1: price 4.55 of GRO-0001 is 1.1% off the list price 4.50 (tolerance 1%)"
	]
	assert check_prices(txn(line(2, "GRO-0002", "1", "8.00")), context(price_tolerance_percent=D("5"))) == [
		"Line 2: price 8.00 of GRO-0002 is 20.0% off the list price 10.00 (tolerance 5%)"
	]


def test_promotion_explains_a_price() -> None:
	assert check_prices(txn(line(unit_price="2.25", promotion="PROMO-HALF")), context()) == []


def test_missing_price() -> None:
	found = context(prices={})
	assert check_prices(txn(line()), found) == ["Line 1: GRO-0001 has no price on the store's price list"]


def test_unknown_item_is_reported_once_not_as_a_price() -> None:
	assert check_prices(txn(line(item_code="NOPE-1")), context()) == []
	assert audit_transaction(txn(line(item_code="NOPE-1"), tendered="9.00"), context()) == [
		"Line 1: unknown item NOPE-1"
	]


# --- check_reference -------------------------------------------------------------------------------------------

ORIGINAL = "S001-T01-20261101-000003"


def with_original(status: str = "Audited", transaction_type: str = "Sale", **context_changes) -> AuditContext:
	sold = {"GRO-0001": D("2"), "GRO-0002": D("1")}
	return context(
		originals={ORIGINAL: OriginalSale(ORIGINAL, transaction_type, status, sold)}, **context_changes
	)


def test_return_within_what_was_sold() -> None:
	ret = txn(line(direction=-1), transaction_type="Return", original=ORIGINAL)
	assert check_reference(ret, with_original()) == []
	assert check_reference(ret, with_original(status="Posted")) == []


def test_return_of_more_than_was_sold() -> None:
	ret = txn(line(qty="3", direction=-1), transaction_type="Return", original=ORIGINAL)
	assert check_reference(ret, with_original()) == [f"Returns 3.00 of GRO-0001 but {ORIGINAL} sold 2"]
	other = txn(
		line(item_code="GRO-0009", qty="1", direction=-1), transaction_type="Return", original=ORIGINAL
	)
	assert check_reference(other, with_original()) == [f"Returns 1.00 of GRO-0009 but {ORIGINAL} sold 0.00"]


def test_return_after_earlier_returns() -> None:
	found = with_original(returned_before={(ORIGINAL, "GRO-0001"): D("1")})
	assert (
		check_reference(txn(line(qty="1", direction=-1), transaction_type="Return", original=ORIGINAL), found)
		== []
	)
	assert check_reference(
		txn(line(qty="2", direction=-1), transaction_type="Return", original=ORIGINAL), found
	) == [f"Returns 2.00 of GRO-0001 but {ORIGINAL} sold 2 and 1 came back already"]


def test_two_lines_of_one_item_add_up() -> None:
	ret = txn(
		line(1, qty="1", direction=-1),
		line(2, qty="2", direction=-1),
		transaction_type="Return",
		original=ORIGINAL,
	)
	assert check_reference(ret, with_original()) == [f"Returns 3.00 of GRO-0001 but {ORIGINAL} sold 2"]


def test_exchange_checks_only_the_goods_coming_back() -> None:
	exchange = txn(
		line(1, qty="1", direction=-1),
		line(2, "GRO-0002", "5", "10"),
		transaction_type="Exchange",
		original=ORIGINAL,
	)
	assert check_reference(exchange, with_original()) == []
	assert (
		check_reference(txn(line(), transaction_type="Exchange"), with_original()) == []
	)  # an exchange may stand alone


def test_return_of_a_voided_original() -> None:
	ret = txn(line(direction=-1), transaction_type="Return", original=ORIGINAL)
	assert check_reference(ret, with_original(status="Voided")) == [
		f"Original {ORIGINAL} was voided; nothing can be returned against it"
	]


def test_return_against_a_non_sale() -> None:
	ret = txn(line(direction=-1), transaction_type="Return", original=ORIGINAL)
	assert check_reference(ret, with_original(transaction_type="Return")) == [
		f"Original {ORIGINAL} is a Return, not a sale"
	]


def test_void_of_a_posted_original() -> None:
	void = txn(line(), transaction_type="Void", original=ORIGINAL)
	assert check_reference(void, with_original(status="Audited")) == []
	assert check_reference(void, with_original(status="Received")) == []
	assert check_reference(void, with_original(status="Posted")) == [
		f"Original {ORIGINAL} is already posted: take the goods back with a return instead of a void"
	]


@pytest.mark.parametrize("transaction_type", ["Return", "Void", "Exchange"])
def test_missing_original(transaction_type: str) -> None:
	ref = txn(line(direction=-1), transaction_type=transaction_type, original="S009-T01-20261101-000001")
	assert check_reference(ref, context()) == [
		"Original transaction S009-T01-20261101-000001 is not in the log"
	]


@pytest.mark.parametrize("transaction_type", ["Return", "Void"])
def test_return_or_void_naming_no_original(transaction_type: str) -> None:
	assert check_reference(txn(line(direction=-1), transaction_type=transaction_type), context()) == [
		f"A {transaction_type.lower()} must name its original"
	]


def test_sale_needs_no_reference() -> None:
	assert check_reference(txn(line(), original="whatever"), context()) == []


# --- find_gaps -------------------------------------------------------------------------------------------------


def test_gap_inside_a_day() -> None:
	assert find_gaps([1, 2, 3, 5, 6, 10]) == [(4, 4), (7, 9)]


def test_gap_after_the_previous_days_last_number() -> None:
	assert find_gaps([204, 205, 206], previous_last=200) == [(201, 203)]
	assert find_gaps([201, 202, 205], previous_last=200) == [(203, 204)]


def test_no_gaps() -> None:
	assert find_gaps([3, 1, 2]) == []
	assert find_gaps([201, 202], previous_last=200) == []
	assert find_gaps([]) == []
	assert find_gaps([], previous_last=200) == []
	assert find_gaps([1, 2], previous_last=350) == []  # the till restarted its numbering: not a gap


def test_duplicate_numbers_are_not_gaps() -> None:
	assert find_gaps([1, 2, 2, 3, 3, 3, 5, 5]) == [(4, 4)]


def test_unordered_numbers() -> None:
	assert find_gaps([9, 1, 5, 3]) == [(2, 2), (4, 4), (6, 8)]
