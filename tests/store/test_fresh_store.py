"""Fresh on real MariaDB: the expiry job on a generated chain (markdown promotions, labels, blocked batches,
withdrawal proposals, each row exactly), its idempotency, the markdown at the till and in POSDM audit, and
bad ladders refused before anything is written."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from retail_suite.config import DatabaseSettings
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import insert_rows
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.demo.fresh import BatchMove, write_batch_stock, write_batches
from retail_suite.demo.standalone import warehouse_name
from retail_suite.fresh.ladders import LadderError
from retail_suite.fresh.markdowns import (
	BatchPrice,
	batch_prices,
	batch_stock,
	labels_to_print,
	run_markdowns,
	save_ladder,
)
from retail_suite.fresh.shrink import ensure_shrink_reasons, record_shrink
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records
from retail_suite.promotions.active import load_promotions
from retail_suite.promotions.engine import evaluate

D = Decimal
#: 00:30 on 29 November in New York (S001), still 21:30 on the 28th in Los Angeles (S004)
AS_OF = datetime(2026, 11, 29, 5, 30, tzinfo=UTC)
OPENED = date(2026, 11, 20)


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(DemoConfig(stores=4, skus=200, members=0, seed=5, days=1))


@pytest.fixture
def db(chain_db: MariaDBDatabase) -> MariaDBDatabase:
	ensure_shrink_reasons(chain_db)
	return chain_db


def first(chain: Chain, group: str, skip: int = 0):
	return [item for item in chain.items if item.item_group == group][skip]


def ladders(db: MariaDBDatabase) -> None:
	save_ladder(db, {"ladder_name": "Dairy", "item_group": "Dairy", "near_expiry_days": 3}, [
		{"days_before_expiry": 2, "percent_off": 20},
		{"days_before_expiry": 1, "percent_off": 40},
		{"days_before_expiry": 0, "from_time": "18:00", "percent_off": 70},
	])
	save_ladder(db, {"ladder_name": "Bakery", "item_group": "Bakery", "near_expiry_days": 1}, [
		{"days_before_expiry": 0, "percent_off": 30},
		{"days_before_expiry": 0, "from_time": "17:00", "percent_off": 60},
	])
	save_ladder(db, {"ladder_name": "Produce", "item_group": "Produce", "near_expiry_days": 2}, [
		{"days_before_expiry": 1, "percent_off": 25},
		{"days_before_expiry": 0, "percent_off": 50},
	])


def scenario(db: MariaDBDatabase, chain: Chain) -> dict[str, object]:
	"""Batches with known expiry dates in S001 (New York) and S004 (Los Angeles)."""
	milk, bread, meat, apple = first(chain, "Dairy"), first(chain, "Bakery"), first(chain, "Meat and Fish"), first(chain, "Produce")
	ny, la = warehouse_name(chain, "S001"), warehouse_name(chain, "S004")
	expiry = {
		"MILK-A": date(2026, 11, 28), "MILK-B": date(2026, 11, 28), "MILK-C": date(2026, 11, 30),
		"MILK-D": date(2026, 11, 27), "MILK-E": date(2026, 11, 28), "MILK-F": date(2026, 11, 28),
		"MILK-G": date(2026, 11, 28), "BREAD-A": date(2026, 11, 30), "BREAD-B": date(2026, 11, 28),
		"MEAT-A": date(2026, 11, 27), "APPLE-A": date(2026, 12, 5),
	}  # fmt: skip
	items = {"MILK": milk.code, "BREAD": bread.code, "MEAT": meat.code, "APPLE": apple.code}
	with db.transaction():
		write_batches(
			db, [(batch, items[batch.split("-")[0]], OPENED, day) for batch, day in expiry.items()], disabled=["MILK-D"]
		)
		write_batch_stock(db, [
			BatchMove("MILK-A", milk.code, ny, 6, OPENED),
			BatchMove("MILK-B", milk.code, la, 4, OPENED),
			BatchMove("MILK-C", milk.code, ny, 10, OPENED),
			BatchMove("MILK-C", milk.code, ny, -3, OPENED),  # sold: 7 left
			BatchMove("MILK-D", milk.code, ny, 3, OPENED),
			BatchMove("MILK-E", milk.code, ny, 5, OPENED),
			BatchMove("MILK-E", milk.code, ny, -5, OPENED),  # sold out
			BatchMove("MILK-F", milk.code, ny, 5, OPENED, cancelled=True),  # a cancelled receipt
			BatchMove("MILK-G", milk.code, ny, 2, OPENED),
			BatchMove("MILK-G", milk.code, la, 2, OPENED),
			BatchMove("BREAD-A", bread.code, ny, 8, OPENED),
			BatchMove("BREAD-B", bread.code, la, 5, OPENED, legacy=True),  # a ledger entry from before v15
			BatchMove("MEAT-A", meat.code, la, 1.5, OPENED),
			BatchMove("APPLE-A", apple.code, ny, 20, OPENED),
		])
	# MILK-D was withdrawn already: the job proposes it no more
	record_shrink(db, "S001", [{"item_code": milk.code, "batch_no": "MILK-D", "qty": 3, "reason": "Expired"}], date(2026, 11, 28))
	return {"milk": milk, "bread": bread, "meat": meat, "apple": apple, "ny": ny, "la": la}


def promotion_rows(db: MariaDBDatabase) -> dict[str, tuple]:
	headers = db.sql(
		"SELECT promo.name, promo.source, promo.stacking, promo.priority, promo.discount_percent, promo.valid_from, "
		"promo.valid_upto FROM `tabRetail Promotion` promo ORDER BY promo.name"
	)
	hours = {r["parent"]: (str(r["start_time"]), str(r["end_time"])) for r in db.sql(
		"SELECT hours.parent, hours.start_time, hours.end_time FROM `tabRetail Promotion Hours` hours")}
	batches: dict[str, list[str]] = {}
	for row in db.sql("SELECT link.parent, link.batch_no FROM `tabRetail Promotion Batch` link ORDER BY link.parent, link.batch_no"):
		batches.setdefault(row["parent"], []).append(row["batch_no"])
	stores = {r["parent"]: r["store"] for r in db.sql("SELECT link.parent, link.store FROM `tabRetail Promotion Store` link")}
	return {
		r["name"]: (r["source"], r["stacking"], r["priority"], D(r["discount_percent"]).normalize(), r["valid_from"],
			r["valid_upto"], hours.get(r["name"]), stores[r["name"]], tuple(batches[r["name"]]))
		for r in headers
	}


def test_batch_stock_is_read_as_erpnext_counts_it(db: MariaDBDatabase, chain: Chain) -> None:
	items = scenario(db, chain)
	found = {(s.batch_no, s.warehouse): s.qty for s in batch_stock(db, [items["ny"], items["la"]])}
	ny, la = items["ny"], items["la"]
	assert found == {
		("MILK-A", ny): D(6), ("MILK-B", la): D(4), ("MILK-C", ny): D(7), ("MILK-D", ny): D(3), ("MILK-G", ny): D(2),
		("MILK-G", la): D(2), ("BREAD-A", ny): D(8), ("BREAD-B", la): D(5), ("MEAT-A", la): D("1.5"),
		("APPLE-A", ny): D(20),
	}  # fmt: skip


def test_expiry_job_writes_exactly_the_expected_rows(db: MariaDBDatabase, chain: Chain) -> None:
	ladders(db)
	items = scenario(db, chain)
	milk, bread, meat = items["milk"], items["bread"], items["meat"]
	run = run_markdowns(db, AS_OF)

	day28, day29, day30 = date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)
	md = ("Markdown", "Exclusive", 100)
	# the rest of each store's day (New York's 29th, Los Angeles' 28th) and what starts within 6 hours
	assert promotion_rows(db) == {
		"MD-S001-20261129-0000-2400-40": (*md, D(40), day29, day29, None, "S001", ("MILK-C",)),
		"MD-S004-20261128-1700-2400-60": (*md, D(60), day28, day28, ("17:00:00", "0:00:00"), "S004", ("BREAD-B",)),
		"MD-S004-20261128-1800-2400-70": (*md, D(70), day28, day28, ("18:00:00", "0:00:00"), "S004", ("MILK-B", "MILK-G")),
	}
	items_of = {r["batch_no"]: r["item_code"] for r in db.sql("SELECT link.batch_no, link.item_code FROM `tabRetail Promotion Batch` link")}
	assert items_of == {"MILK-C": milk.code, "BREAD-B": bread.code, "MILK-B": milk.code, "MILK-G": milk.code}
	assert sorted(run.promotions_created) == sorted(promotion_rows(db))
	labels = {
		(r["store"], r["batch_no"]): (D(r["percent_off"]).normalize(), r["regular_price"] and D(r["regular_price"]).normalize(),
			D(r["label_price"]).normalize(), r["valid_from"], r["valid_until"], r["qty"] and D(r["qty"]).normalize())
		for r in db.sql("SELECT * FROM `tabFresh Label`")
	}
	price = {code: D(str(item.price)) for code, item in ((milk.code, milk), (bread.code, bread), (meat.code, meat))}

	def off(code: str, percent: int) -> Decimal:
		return (price[code] - (price[code] * percent / 100).quantize(D("0.01"))).normalize()

	at = datetime
	assert labels == {
		("S001", "MILK-C"): (D(40), price[milk.code], off(milk.code, 40), at(2026, 11, 29), at(2026, 11, 30, 18), D(7)),
		("S004", "MILK-B"): (D(70), price[milk.code], off(milk.code, 70), at(2026, 11, 28, 18), at(2026, 11, 29), D(4)),
		("S004", "MILK-G"): (D(70), price[milk.code], off(milk.code, 70), at(2026, 11, 28, 18), at(2026, 11, 29), D(2)),
		("S004", "BREAD-B"): (D(60), price[bread.code], off(bread.code, 60), at(2026, 11, 28, 17), at(2026, 11, 29), D(5)),
	}
	gs1 = db.sql("SELECT label.gs1_element_string FROM `tabFresh Label` label WHERE label.batch_no = 'MILK-B'")[0]
	assert gs1["gs1_element_string"] == f"(01)0{milk.barcode}(17)261128(10)MILK-B"
	promotion_of = {r["batch_no"]: r["promotion"] for r in db.sql("SELECT label.batch_no, label.promotion FROM `tabFresh Label` label WHERE label.store = 'S004'")}
	assert promotion_of == {"MILK-B": "MD-S004-20261128-1800-2400-70", "MILK-G": "MD-S004-20261128-1800-2400-70",
		"BREAD-B": "MD-S004-20261128-1700-2400-60"}

	# MILK-G still sells in Los Angeles: only batches expired wherever they are get blocked; MILK-D was already
	assert run.blocked == ["MEAT-A", "MILK-A"]
	assert {r["name"] for r in db.sql("SELECT batch.name FROM `tabBatch` batch WHERE batch.disabled = 1")} == {"MEAT-A", "MILK-A", "MILK-D"}
	withdrawals = db.sql(
		"SELECT entry.name, entry.store, entry.docstatus, entry.source, entry.posting_date, line.batch_no, line.qty, line.reason "
		"FROM `tabShrink Entry` entry JOIN `tabShrink Entry Line` line ON line.parent = entry.name "
		"WHERE entry.source = 'Expiry Job' ORDER BY entry.name, line.idx"
	)
	assert [(r["name"], r["store"], r["docstatus"], r["posting_date"], r["batch_no"], D(r["qty"]).normalize(), r["reason"]) for r in withdrawals] == [
		("SHR-S001-W20261129", "S001", 0, day29, "MILK-A", D(6), "Expired"),
		("SHR-S001-W20261129", "S001", 0, day29, "MILK-G", D(2), "Expired"),
		("SHR-S004-W20261128", "S004", 0, day28, "MEAT-A", D("1.5"), "Expired"),
	]
	assert run.withdrawals == {"SHR-S001-W20261129": 2, "SHR-S004-W20261128": 1}
	# APPLE-A expires on 5 December, after the last day the job reads (29 November + 2 + the 3-day lead): not read
	assert run.phases == {"expired": 4, "markdown": 4, "near_expiry": 1}
	assert [row["batch_no"] for row in labels_to_print(db, "S004")] == ["BREAD-B", "MILK-B", "MILK-G"] if bread.code < milk.code \
		else ["MILK-B", "MILK-G", "BREAD-B"]

	# the same hour again: nothing new
	again = run_markdowns(db, AS_OF)
	assert (again.promotions_created, again.promotions_extended, again.labels, again.blocked, again.withdrawals) == ([], [], [], [], {})
	assert len(promotion_rows(db)) == 3

	# the next morning MILK-B, MILK-G and BREAD-B have expired in Los Angeles too
	morning = run_markdowns(db, datetime(2026, 11, 29, 14, 0, tzinfo=UTC))
	assert morning.blocked == ["BREAD-B", "MILK-B", "MILK-G"]
	assert morning.withdrawals == {"SHR-S004-W20261129": 3}
	assert (morning.promotions_created, morning.promotions_extended, morning.labels) == ([], [], [])
	# at 19:00 in New York the small hours of the 30th are within 6 hours: their markdowns are made tonight
	evening = run_markdowns(db, datetime(2026, 11, 30, 0, 0, tzinfo=UTC))
	assert sorted(evening.promotions_created) == ["MD-S001-20261130-0000-1700-30", "MD-S001-20261130-0000-1800-40"]
	rows = promotion_rows(db)
	assert rows["MD-S001-20261130-0000-1700-30"] == (*md, D(30), day30, day30, ("0:00:00", "17:00:00"), "S001", ("BREAD-A",))
	assert rows["MD-S001-20261130-0000-1800-40"] == (*md, D(40), day30, day30, ("0:00:00", "18:00:00"), "S001", ("MILK-C",))


def test_marked_down_batches_get_their_price_on_the_stores_price_list(db: MariaDBDatabase, chain: Chain) -> None:
	"""What the Frappe shell writes as batch Item Prices (ERPNext's own pricing, used by its POS page)."""
	ladders(db)
	items = scenario(db, chain)
	milk, bread = items["milk"], items["bread"]
	run = run_markdowns(db, AS_OF)
	day28, day30 = date(2026, 11, 28), date(2026, 11, 30)
	assert sorted(run.marked_down) == sorted([
		("S001", milk.code, "MILK-C", D(40), day30), ("S004", milk.code, "MILK-B", D(70), day28),
		("S004", milk.code, "MILK-G", D(70), day28), ("S004", bread.code, "BREAD-B", D(60), day28),
	])  # fmt: skip
	price_list = {row["name"]: row["price_list"] for row in db.sql("SELECT store.name, store.price_list FROM `tabRetail Store` store")}
	assert price_list["S001"] == price_list["S004"]
	selling = price_list["S001"]
	# a batch price already there (the job's own, an hour ago) is no regular price
	insert_rows(
		db, "tabItem Price", ("name", "item_code", "price_list", "price_list_rate", "selling", "batch_no", "valid_from"),
		[("IP-MILK-B", milk.code, selling, 0.01, 1, "MILK-B", date(2026, 11, 29))],
	)
	regular = {code: D(str(item.price)) for code, item in ((milk.code, milk), (bread.code, bread))}

	def off(code: str, percent: int) -> Decimal:
		return (regular[code] - (regular[code] * percent / 100).quantize(D("0.01"))).quantize(D("0.01"))

	assert batch_prices(db, run.marked_down) == [
		BatchPrice(selling, bread.code, "BREAD-B", off(bread.code, 60), D(60), regular[bread.code], day28, ("S004",)),
		BatchPrice(selling, milk.code, "MILK-B", off(milk.code, 70), D(70), regular[milk.code], day28, ("S004",)),
		BatchPrice(selling, milk.code, "MILK-C", off(milk.code, 40), D(40), regular[milk.code], day30, ("S001",)),
		BatchPrice(selling, milk.code, "MILK-G", off(milk.code, 70), D(70), regular[milk.code], day28, ("S004",)),
	]
	# one batch at two steps in two stores on one price list: the smaller markdown, so no store undercharges
	both = [("S004", milk.code, "MILK-G", D(70), day28), ("S001", milk.code, "MILK-G", D(40), day28)]
	assert batch_prices(db, both) == [
		BatchPrice(selling, milk.code, "MILK-G", off(milk.code, 40), D(40), regular[milk.code], day28, ("S001", "S004"))
	]
	# an item without a regular price on the list has no markdown price
	db.execute("DELETE FROM `tabItem Price` WHERE item_code = %s AND price_list = %s", (bread.code, selling))
	assert [price.batch_no for price in batch_prices(db, run.marked_down)] == ["MILK-B", "MILK-C", "MILK-G"]


def test_new_stock_of_a_batch_joins_its_markdown(db: MariaDBDatabase, chain: Chain) -> None:
	ladders(db)
	items = scenario(db, chain)
	run_markdowns(db, AS_OF)
	with db.transaction():
		write_batches(db, [("MILK-H", items["milk"].code, OPENED, date(2026, 11, 28))])
		write_batch_stock(db, [BatchMove("MILK-H", items["milk"].code, items["la"], 3, OPENED)], prefix="LATE")
	later = run_markdowns(db, datetime(2026, 11, 29, 6, 0, tzinfo=UTC))
	assert later.promotions_extended == ["MD-S004-20261128-1800-2400-70"] and later.promotions_created == []
	assert promotion_rows(db)["MD-S004-20261128-1800-2400-70"][-1] == ("MILK-B", "MILK-G", "MILK-H")
	assert len(later.labels) == 1  # MILK-H at 70 %


def test_the_till_applies_the_markdown_and_audit_checks_it(db: MariaDBDatabase, chain: Chain) -> None:
	ladders(db)
	items = scenario(db, chain)
	run_markdowns(db, AS_OF)
	milk = items["milk"]
	store = next(store for store in chain.stores if store.code == "S004")
	day = date(2026, 11, 28)
	# on a site the job also writes the batch's markdown price (an Item Price for the batch, valid from the
	# day): audit still checks the till's unit price against the regular shelf price
	selling = db.sql("SELECT store.price_list FROM `tabRetail Store` store WHERE store.name = 'S004'")[0]["price_list"]
	insert_rows(
		db, "tabItem Price", ("name", "item_code", "price_list", "price_list_rate", "selling", "batch_no", "valid_from"),
		[("IP-MILK-B-70", milk.code, selling, (D(str(milk.price)) * D("0.3")).quantize(D("0.01")), 1, "MILK-B", day)],
	)
	catalogue = load_promotions(db, day, day, store="S004")
	assert "MD-S004-20261128-1800-2400-70" in {p["name"] for p in catalogue}
	ended = datetime.combine(day, time(21, 45), tzinfo=ZoneInfo(store.time_zone))
	lines = [
		{"line_id": 1, "item_code": milk.code, "item_group": "Dairy", "qty": "2", "unit_price": str(milk.price), "batch_no": "MILK-B"},
		{"line_id": 2, "item_code": milk.code, "item_group": "Dairy", "qty": "1", "unit_price": str(milk.price)},
	]
	priced = evaluate(catalogue, {"lines": lines}, {"at": ended.isoformat(), "timezone": store.time_zone, "store": "S004"})
	price = D(str(milk.price))
	markdown = (price * 2 * D("0.7")).quantize(D("0.01"))
	assert [line["discount"] for line in priced["lines"]] == [str(markdown), "0.00"]

	def record(number: int, batch: str, discount: Decimal, at: datetime, business_day: date, terminal: str, promotion: str | None) -> dict:
		line = {"line_id": 1, "item_code": milk.code, "qty": 2, "unit_price": price, "discount": discount, "batch_no": batch}
		if promotion:
			line["discounts"] = [{"promotion": promotion, "amount": discount}]
		grand = price * 2 - discount
		return {"terminal": terminal, "business_day": business_day.isoformat(), "transaction_number": number, "type": "sale",
			"ended_at": at.isoformat(), "lines": [line], "tenders": [{"type": "card", "amount": grand}], "totals": {"grand": grand}}

	la_till, ny_till = store.terminals[0], chain.stores[0].terminals[0]
	ny_morning = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("America/New_York"))
	records = [
		record(1, "MILK-B", markdown, ended, day, la_till, "MD-S004-20261128-1800-2400-70"),  # the till's markdown
		record(2, "MILK-B", markdown, ended.replace(hour=12), day, la_till, "MD-S004-20261128-1800-2400-70"),  # too early
		record(3, "MILK-B", D("0"), ended.replace(hour=22), day, la_till, None),  # the till forgot the markdown
		record(1, "MILK-A", D("0"), ny_morning, date(2026, 11, 29), ny_till, None),  # an expired batch sold
	]
	results = ingest_records(db, records, "Offline Till")
	assert [r.status for r in results] == ["accepted"] * 4, [str(r) for r in results]
	summary = run_audit(db)
	names = [r.name for r in results]
	assert sorted(summary.findings) == sorted(names[1:])
	assert summary.findings[names[1]] == [
		f"Line 1: promotion MD-S004-20261128-1800-2400-70 is outside its hours, but the till gave {markdown} off"
	]
	assert summary.findings[names[2]] == [f"Line 1: promotion MD-S004-20261128-1800-2400-70 gives {markdown} off, but the till gave none"]
	assert summary.findings[names[3]] == [
		f"Line 1: batch MILK-A of {milk.code} expired on 2026-11-28 and may not be sold: take it off the shelf"
	]


def test_bad_ladders_are_refused_before_any_write(db: MariaDBDatabase) -> None:
	with pytest.raises(LadderError) as raised:
		save_ladder(db, {"ladder_name": "Bad", "item_group": "Dairy", "shelf_life_days": -2}, [
			{"days_before_expiry": 1, "percent_off": 40},
			{"days_before_expiry": 2, "percent_off": 20},
		])
	assert str(raised.value) == (
		"Fresh Markdown Ladder Bad: shelf life cannot be negative (-2 days): enter 0 or more days; steps out of order: "
		"step 2 (2 days before expiry: 20 % off) does not start after step 1 (1 day before expiry: 40 % off); "
		"list the steps from the first to the last"
	)
	assert db.sql("SELECT COUNT(*) AS n FROM `tabFresh Markdown Ladder`")[0]["n"] == 0
	save_ladder(db, {"ladder_name": "Dairy", "item_group": "Dairy"}, [{"days_before_expiry": 0, "percent_off": 50}])
	with pytest.raises(LadderError, match="Dairy already follows ladder Dairy"):
		save_ladder(db, {"ladder_name": "Dairy 2", "item_group": "Dairy"}, [{"days_before_expiry": 0, "percent_off": 30}])


def test_the_cli_runs_the_job_lists_labels_and_records_shrink(db: MariaDBDatabase, chain: Chain, empty_database: DatabaseSettings) -> None:
	from tests.store.test_cli import assert_one_line_error, run_cli, url

	ladders(db)
	items = scenario(db, chain)
	target = url(empty_database)
	done = run_cli("fresh", "markdowns", "--as-of", "2026-11-29T05:30:00+00:00", db=target)
	assert done.returncode == 0, done.stderr
	assert "3 markdown promotions made, 0 extended; 4 labels to print; 2 batches blocked" in " ".join(done.stdout.split())
	labels = run_cli("fresh", "labels", "--store", "S004", db=target)
	assert labels.returncode == 0 and "3 labels to print" in labels.stdout and "MILK-B" in labels.stdout
	withdrawn = run_cli("fresh", "withdraw", "SHR-S001-W20261129", "--counted", "MILK-A=5", "--counted", "MILK-G=0", db=target)
	assert withdrawn.returncode == 0, withdrawn.stderr
	assert "1 batches withdrawn" in withdrawn.stdout
	assert [(r["batch_no"], D(r["qty"]).normalize(), r["docstatus"]) for r in db.sql(
		"SELECT line.batch_no, line.qty, line.docstatus FROM `tabShrink Entry Line` line WHERE line.parent = 'SHR-S001-W20261129'")] == [
		("MILK-A", D(5), 1)]
	assert_one_line_error(run_cli("fresh", "withdraw", "SHR-S001-W20261129", db=target), "is not a draft")
	milk = items["milk"].code
	bad = run_cli("fresh", "shrink", "S001", "--line", f"{milk}:two:Damaged:MILK-C", db=target)
	assert_one_line_error(bad, "line 1: quantity 'two' is not a number")
	good = run_cli("fresh", "shrink", "S001", "--line", f"{milk}:2:Damaged:MILK-C", "--date", "2026-11-29", db=target)
	assert good.returncode == 0 and "SHR-S001-00002: 2 units" in good.stdout, good.stdout + good.stderr
	loss = run_cli("fresh", "loss", "--from", "2026-11-23", "--to", "2026-11-29", db=target)
	assert loss.returncode == 0 and "Dairy" in loss.stdout, loss.stderr


def test_a_scan_finds_the_item_and_the_batch(db: MariaDBDatabase, chain: Chain) -> None:
	from retail_suite.fresh.labels import gs1_element_string
	from retail_suite.fresh.shrink import scan_code

	items = scenario(db, chain)
	milk = items["milk"]
	label = scan_code(db, "S001", gs1_element_string(milk.barcode, date(2026, 11, 30), "MILK-C"))
	assert (label.item_code, label.batch_no, label.has_batch_no) == (milk.code, "MILK-C", True)
	assert [(b["batch_no"], b["qty"]) for b in label.batches] == [("MILK-D", 3.0), ("MILK-A", 6.0), ("MILK-G", 2.0), ("MILK-C", 7.0)]
	raw = "01" + "0" + milk.barcode + "17261130" + "10MILK-C"  # as a scanner sends it, without brackets
	assert scan_code(db, "S001", raw).batch_no == "MILK-C"
	assert (scan_code(db, "S001", milk.barcode).item_code, scan_code(db, "S001", milk.barcode).batch_no) == (milk.code, None)
	assert scan_code(db, "S001", milk.code).item_code == milk.code
	assert (scan_code(db, "S004", "MILK-B").item_code, scan_code(db, "S004", "MILK-B").batch_no) == (milk.code, "MILK-B")
	assert [b["batch_no"] for b in scan_code(db, "S004", "MILK-B").batches] == ["MILK-B", "MILK-G"]
	assert scan_code(db, "S001", "NO-SUCH-THING") is None
