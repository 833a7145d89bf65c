"""Fresh loss rate and order proposal on real MariaDB, against figures worked out by hand: sales at cost from
audited till lines (returns taken back), shrink at cost from submitted shrink entries, the markdown discount
and what marked-down lines still sold for, per store, item group and ISO week, against each group's target."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.demo.fresh import BatchMove, write_batch_stock, write_batches
from retail_suite.demo.standalone import warehouse_name
from retail_suite.errors import ValidationError
from retail_suite.fresh.loss import Demand, OrderInput, propose_order
from retail_suite.fresh.loss_report import chain_loss, closing_stock, loss_rates, order_proposals
from retail_suite.fresh.markdowns import save_ladder
from retail_suite.fresh.shrink import ensure_shrink_reasons, pending_postings, record_shrink
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records
from retail_suite.promotions.active import save_promotion

D = Decimal
CENT = D("0.01")
NOTHING = D("0")


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(DemoConfig(stores=1, skus=200, members=0, seed=8, days=1))


@pytest.fixture
def db(chain_db: MariaDBDatabase) -> MariaDBDatabase:
	ensure_shrink_reasons(chain_db)
	return chain_db


class Till:
	def __init__(self, chain: Chain) -> None:
		self.store = chain.stores[0]
		self.number = 0

	def record(self, day: date, lines: list[dict], kind: str = "sale", original: dict | None = None) -> dict:
		self.number += 1
		at = datetime.combine(day, time(12, self.number), tzinfo=ZoneInfo(self.store.time_zone))
		grand = sum((D(str(line["unit_price"])) * line["qty"] - line["discount"] for line in lines), D("0"))
		record = {"terminal": self.store.terminals[0], "business_day": day.isoformat(), "transaction_number": self.number,
			"type": kind, "ended_at": at.isoformat(), "lines": lines, "tenders": [{"type": "card", "amount": grand}],
			"totals": {"grand": -grand if kind == "return" else grand}}
		if kind == "return":
			record["original"] = {key: original[key] for key in ("terminal", "business_day", "transaction_number")}
		return record


def line(line_id: int, item, qty: int, discount: Decimal = NOTHING, batch: str | None = None, promotion: str | None = None) -> dict:
	found = {"line_id": line_id, "item_code": item.code, "qty": qty, "unit_price": D(str(item.price)), "discount": discount}
	if batch:
		found["batch_no"] = batch
	if promotion:
		found["discounts"] = [{"promotion": promotion, "amount": discount}]
	return found


def test_loss_rate_per_store_group_and_week(db: MariaDBDatabase, chain: Chain) -> None:
	milk = next(item for item in chain.items if item.item_group == "Dairy")
	bread = next(item for item in chain.items if item.item_group == "Bakery")
	save_ladder(db, {"ladder_name": "Dairy", "item_group": "Dairy", "loss_target_percent": 5}, [{"days_before_expiry": 0, "percent_off": 50}])
	with db.transaction():
		write_batches(db, [("MILK-B1", milk.code, date(2026, 11, 20), date(2026, 11, 26)),
			("BREAD-B1", bread.code, date(2026, 11, 24), date(2026, 11, 27))])
		save_promotion(db, {"promotion_code": "MD-S001-20261125-0000-2400-50", "title": "Markdown", "promotion_type": "Percent Off",
			"source": "Markdown", "stacking": "Exclusive", "priority": 100, "discount_percent": 50, "valid_from": date(2026, 11, 25),
			"valid_upto": date(2026, 11, 25)}, {"items": [{"item_code": milk.code}], "stores": [{"store": "S001"}],
			"batches": [{"batch_no": "MILK-B1"}]})
	till = Till(chain)
	price = D(str(milk.price))
	markdown = (price * 2 * D("0.5")).quantize(CENT)
	first = till.record(date(2026, 11, 24), [line(1, milk, 3), line(2, bread, 2)])
	records = [
		first,
		till.record(date(2026, 11, 25), [line(1, milk, 2, markdown, "MILK-B1", "MD-S001-20261125-0000-2400-50")]),
		till.record(date(2026, 11, 25), [line(1, milk, 1)], kind="return", original=first),
	]
	results = ingest_records(db, records, "Offline Till")
	assert [r.status for r in results] == ["accepted"] * 3, [str(r) for r in results]
	audit = run_audit(db)
	assert audit.findings == {} and audit.audited == 3

	record_shrink(db, "S001", [{"item_code": milk.code, "batch_no": "MILK-B1", "qty": 1, "reason": "Expired"},
		{"item_code": bread.code, "batch_no": "BREAD-B1", "qty": 2, "reason": "Quality"}], date(2026, 11, 26))
	record_shrink(db, "S001", [{"item_code": milk.code, "batch_no": "MILK-B1", "qty": 1, "reason": "Damaged"}], date(2026, 11, 30))
	record_shrink(db, "S001", [{"item_code": bread.code, "batch_no": "BREAD-B1", "qty": 5, "reason": "Quality"}], date(2026, 11, 26), submit=False)  # a draft

	rows = {(row.store, row.item_group, row.week): row.as_row() for row in loss_rates(db, date(2026, 11, 23), date(2026, 12, 6))}
	milk_cost, bread_cost = D(str(milk.cost)), D(str(bread.cost))
	assert set(rows) == {("S001", "Dairy", "2026-W48"), ("S001", "Bakery", "2026-W48"), ("S001", "Dairy", "2026-W49")}
	dairy = rows[("S001", "Dairy", "2026-W48")]
	assert (dairy["sales_cost"], dairy["shrink_cost"]) == ((4 * milk_cost).quantize(CENT), milk_cost.quantize(CENT))
	assert dairy["loss_percent"] == D("20.00") and dairy["target_percent"] == D("5") and dairy["over_target"] == 1
	assert (dairy["markdown_discount"], dairy["markdown_sales"]) == (markdown, price * 2 - markdown)
	assert dairy["shrink_expired"] == milk_cost.quantize(CENT)
	bakery = rows[("S001", "Bakery", "2026-W48")]
	assert (bakery["sales_cost"], bakery["shrink_cost"], bakery["loss_percent"]) == (
		(2 * bread_cost).quantize(CENT), (2 * bread_cost).quantize(CENT), D("50.00"))
	assert bakery["target_percent"] == D("3") and bakery["shrink_quality"] == (2 * bread_cost).quantize(CENT)
	later = rows[("S001", "Dairy", "2026-W49")]
	assert (later["sales_cost"], later["loss_percent"], later["shrink_damaged"]) == (D("0"), D("100.00"), milk_cost.quantize(CENT))
	total = chain_loss(loss_rates(db, date(2026, 11, 23), date(2026, 11, 29)))
	assert total["shrink_cost"] == (milk_cost + 2 * bread_cost).quantize(CENT)
	assert total["loss_percent"] == (total["shrink_cost"] / (total["shrink_cost"] + total["sales_cost"]) * 100).quantize(CENT)
	# standalone the submitted entries wait in their table, the outbox a ledger reads
	assert [row["posting_date"] for row in pending_postings(db, "S001")] == [date(2026, 11, 26), date(2026, 11, 30)]


def test_shrink_is_refused_before_any_write(db: MariaDBDatabase, chain: Chain) -> None:
	milk = next(item for item in chain.items if item.item_group == "Dairy")
	with pytest.raises(ValidationError) as raised:
		record_shrink(db, "S001", [{"item_code": milk.code, "qty": 2, "reason": "Expired"},
			{"item_code": milk.code, "batch_no": "NOPE", "qty": "two", "reason": "Lost"}], date(2026, 11, 26))
	assert str(raised.value) == (
		"Shrink Entry for store S001, field lines: line 2: quantity 'two' is not a number; "
		f"line 1: {milk.code} is tracked by batch: scan the label or pick the batch; line 2: Lost is not a shrink reason; "
		"use one of Damaged, Expired, Quality, Stocktake, Theft; line 2: batch NOPE does not exist"
	)
	with pytest.raises(ValidationError, match="store S999 does not exist"):
		record_shrink(db, "S999", [], date(2026, 11, 26))
	assert db.sql("SELECT COUNT(*) AS n FROM `tabShrink Entry`")[0]["n"] == 0


def test_order_proposal_from_sales_shelf_life_and_stock(db: MariaDBDatabase, chain: Chain) -> None:
	milk = next(item for item in chain.items if item.item_group == "Dairy")
	save_ladder(db, {"ladder_name": "Dairy", "item_group": "Dairy", "shelf_life_days": 4, "loss_target_percent": 10},
		[{"days_before_expiry": 0, "percent_off": 50}])
	till = Till(chain)
	sold = {date(2026, 11, 23): 6, date(2026, 11, 24): 9, date(2026, 11, 25): 0, date(2026, 11, 26): 12}
	records = [till.record(day, [line(1, milk, qty)]) for day, qty in sold.items() if qty]
	other = next(item for item in chain.items if item.department == "grocery")
	records.append(till.record(date(2026, 11, 25), [line(1, other, 1)]))  # the store traded that day
	assert [r.status for r in ingest_records(db, records, "Offline Till")] == ["accepted"] * 4
	run_audit(db)
	warehouse = warehouse_name(chain, "S001")
	with db.transaction():
		write_batches(db, [("MILK-OLD", milk.code, date(2026, 11, 20), date(2026, 11, 27)),
			("MILK-NEW", milk.code, date(2026, 11, 26), date(2026, 12, 3))])
		write_batch_stock(db, [BatchMove("MILK-OLD", milk.code, warehouse, 4, date(2026, 11, 20)),
			BatchMove("MILK-NEW", milk.code, warehouse, 3, date(2026, 11, 26))])
	lines = {(line.store, line.item_code): line for line in order_proposals(db, date(2026, 11, 27), history_days=7, cover_days=2)}
	found = lines[("S001", milk.code)]
	assert found.on_hand == D(3)  # the batch expiring before the delivery arrives does not count
	expected = propose_order(OrderInput(milk.code, Demand.from_days([6, 9, 0, 12]), 4, D(str(milk.price)), D(str(milk.cost)),
		on_hand=D(3), target_percent=D("10"), cover_days=2))
	assert found.proposal == expected
	assert (found.proposal.cover_days, found.proposal.shelf_life_days) == (2, 4)
	assert found.proposal.expected_demand == pytest.approx(13.5)
	assert found.as_row()["order_qty"] == expected.order_qty
	unsold = [line for key, line in lines.items() if key[1] != milk.code]
	assert unsold and all(line.proposal.order_qty == 0 for line in unsold)


def test_order_proposal_counts_sold_out_days_as_floors(db: MariaDBDatabase, chain: Chain) -> None:
	"""Milk sold out at the close on 23, 25 and 27 November (8, 6 and 3 sold), not on 24 and 26 (6 and 5 sold):
	demand 6.25 a day (the in-stock days and the floors above their mean 5.5), not the 5.6 the sales say.
	Cream sold out every day: planned one a day above what sold. Yoghurt, stocked before the window, never
	sold out. Butter has no stock ledger in the store: its days count as they are."""
	dairy = [item for item in chain.items if item.item_group == "Dairy"]
	milk, cream, yoghurt, butter = dairy[:4]
	save_ladder(db, {"ladder_name": "Dairy", "item_group": "Dairy", "shelf_life_days": 4, "loss_target_percent": 10},
		[{"days_before_expiry": 0, "percent_off": 50}])
	warehouse = warehouse_name(chain, "S001")
	days = [date(2026, 11, day) for day in range(23, 28)]
	received = {milk: [8, 10, 2, 8, 0], cream: [2, 2, 2, 2, 2]}
	sold = {milk: [8, 6, 6, 5, 3], cream: [2, 2, 2, 2, 2], yoghurt: [1, 0, 1, 0, 1], butter: [2, 2, 2, 2, 2]}
	till = Till(chain)
	records = [
		till.record(day, [line(idx, item, units[position]) for idx, (item, units) in enumerate(sold.items(), 1) if units[position]])
		for position, day in enumerate(days)
	]
	assert {r.status for r in ingest_records(db, records, "Offline Till")} == {"accepted"}
	run_audit(db)
	moves = [BatchMove(f"{item.code}-B", item.code, warehouse, qty, day)
		for item, units in received.items() for day, qty in zip(days, units, strict=True) if qty]
	moves += [BatchMove(f"{item.code}-B", item.code, warehouse, -qty, day)
		for item in (milk, cream, yoghurt) for day, qty in zip(days, sold[item], strict=True) if qty]
	moves.append(BatchMove(f"{yoghurt.code}-B", yoghurt.code, warehouse, 10, date(2026, 11, 10)))
	with db.transaction():
		write_batches(db, [(f"{item.code}-B", item.code, date(2026, 11, 10), date(2026, 12, 30)) for item in (milk, cream, yoghurt)])
		write_batch_stock(db, moves)

	closing = closing_stock(db, [warehouse], date(2026, 11, 21), date(2026, 11, 27))
	assert set(closing) == {(warehouse, milk.code), (warehouse, cream.code), (warehouse, yoghurt.code)}
	assert list(closing[(warehouse, milk.code)].values()) == [0, 0, 0, 4, 0, 3, 0]
	assert list(closing[(warehouse, yoghurt.code)].values()) == [10, 10, 9, 9, 8, 8, 7]

	lines = {line.item_code: line.proposal for line in order_proposals(db, date(2026, 11, 28), history_days=7, cover_days=1)}
	assert lines[milk.code].expected_demand == pytest.approx(6.25)
	assert "not counting 3 sold-out days, whose sales are a floor" in lines[milk.code].explanation
	assert lines[cream.code].expected_demand == pytest.approx(3.0)
	assert "sold out on all 5 days: planned 1 a day above what sold" in lines[cream.code].explanation
	assert lines[yoghurt.code].expected_demand == pytest.approx(0.6) and "sold-out" not in lines[yoghurt.code].explanation
	assert lines[butter.code].expected_demand == pytest.approx(2.0) and "sold-out" not in lines[butter.code].explanation
