"""The demo's fresh department on real MariaDB, day by day around the tills: the tills sell fresh goods from
the batches on the shelf and apply the markdowns the expiry job made, audit accepts them, and deliveries,
markdowns, withdrawals, returns and damage add up in the loss rate the section reports; no expired batch is
sold or left on a shelf."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase, drop_database, ensure_database
from retail_suite.demo.chain import DemoConfig
from retail_suite.demo.pipeline import DemoResult, run_demo
from retail_suite.fresh.loss_report import loss_rates
from retail_suite.fresh.markdowns import batch_stock
from retail_suite.promotions.performance import promotion_performance
from tests.store.conftest import throwaway_settings

CONFIG = DemoConfig(stores=1, skus=300, members=40, days=8, seed=4)
LAST = CONFIG.start_date + timedelta(days=CONFIG.days - 1)
FRESH_TITLE = "Fresh: markdowns, shrink and the loss rate"
#: audited till lines a fresh markdown discounted, with the batch the line names and the promotion's batches
MARKDOWN_LINES = (
	"SELECT line.parent, line.line_id, line.item_code, line.batch_no, line.qty, line.net_amount, disc.promotion, "
	"disc.amount, txn.status, txn.audit_messages, EXISTS (SELECT 1 FROM `tabRetail Promotion Batch` link "
	"WHERE link.parent = disc.promotion AND link.batch_no = line.batch_no) AS batch_listed "
	"FROM `tabPOS Transaction Discount` disc JOIN `tabRetail Promotion` promo ON promo.name = disc.promotion "
	"JOIN `tabPOS Transaction Line` line ON line.parent = disc.parent AND line.line_id = disc.line_id "
	"JOIN `tabPOS Transaction` txn ON txn.name = line.parent WHERE promo.source = 'Markdown' AND line.direction = 1 "
	"AND txn.transaction_type IN ('Sale', 'Exchange') AND txn.status <> 'Voided'"
)
#: units the tills sold per batch and store (voided sales gave theirs back)
SOLD = (
	"SELECT txn.store, line.batch_no, SUM(line.qty) AS units, MAX(txn.business_day) AS last_day "
	"FROM `tabPOS Transaction` txn JOIN `tabPOS Transaction Line` line ON line.parent = txn.name "
	"WHERE txn.transaction_type IN ('Sale', 'Exchange') AND txn.status <> 'Voided' AND line.direction = 1 "
	"AND line.batch_no IS NOT NULL GROUP BY txn.store, line.batch_no"
)


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[MariaDBDatabase, DemoResult]]:
	"""One demo replay for the module's tests (they only read)."""
	settings = throwaway_settings(f"fresh_{uuid.uuid4().hex[:6]}")
	ensure_database(settings)
	db = MariaDBDatabase(settings)
	try:
		schema.migrate(db)
		yield db, run_demo(db, CONFIG)
	finally:
		db.close()
		drop_database(settings)


def test_fresh_section_adds_up(demo: tuple[MariaDBDatabase, DemoResult]) -> None:
	db, result = demo
	section = next(section for section in result.sections if section.title == FRESH_TITLE)
	assert len(section.charts) == 1 and "<svg" in section.charts[0] and "3 % target" in section.charts[0]
	by_group = {row[0]: row for row in section.tables[0].rows}
	assert set(by_group) == {"Produce", "Dairy", "Bakery", "Meat and Fish"}
	last = LAST
	shrink = db.sql("SELECT SUM(line.amount) AS total FROM `tabShrink Entry Line` line JOIN `tabShrink Entry` entry "
		"ON entry.name = line.parent WHERE entry.docstatus = 1")[0]["total"]
	reported = sum((row.shrink_cost for row in loss_rates(db, CONFIG.start_date, last)), Decimal("0"))
	assert reported == Decimal(str(shrink)) and reported > 0
	assert sum(row[2] for row in by_group.values()) == pytest.approx(float(reported), abs=0.01)
	for row in by_group.values():
		sales, lost, percent = row[1], row[2], row[3]
		assert percent == pytest.approx(round(100 * lost / (sales + lost), 2), abs=0.01)
	# every batch that expired before the last run was withdrawn: nothing expired is left on a shelf
	warehouses = [r["warehouse"] for r in db.sql("SELECT store.warehouse FROM `tabRetail Store` store")]
	left = [stock for stock in batch_stock(db, warehouses) if stock.expiry_date and stock.expiry_date < last]
	assert left == []
	assert db.sql("SELECT COUNT(*) AS n FROM `tabShrink Entry` entry WHERE entry.docstatus = 0")[0]["n"] == 0
	assert db.sql("SELECT COUNT(*) AS n FROM `tabRetail Promotion` promo WHERE promo.source = 'Markdown'")[0]["n"] > 0


def test_tills_sell_fresh_from_batches_and_apply_the_markdowns(demo: tuple[MariaDBDatabase, DemoResult]) -> None:
	db, result = demo
	fresh = {row["name"] for row in db.sql("SELECT item.name FROM `tabItem` item WHERE item.has_batch_no = 1")}
	sold = [
		line for record in result.traffic_records if record["type"] in ("sale", "exchange")
		for line in record["lines"] if not line.get("returned") and line["item_code"] in fresh
	]
	assert sold and all(line.get("batch_no") for line in sold), "a fresh line without the batch it came from"
	# the tills gave the markdowns the expiry job made, on the batches they list, and audit found nothing wrong
	truth = result.traffic_truth
	faults = {name for name, _promotion in truth.wrong_promotions} | set(truth.wrong_totals)
	errors = {row["name"] for row in db.sql("SELECT txn.name FROM `tabPOS Transaction` txn WHERE txn.status = 'Error'")}
	assert errors == faults
	found = db.sql(MARKDOWN_LINES)
	lines = [line for line in found if line["parent"] not in faults]
	assert len(lines) >= 10
	assert {line["status"] for line in lines} <= {"Audited", "Posted"}
	assert all(line["batch_listed"] and not line["audit_messages"] for line in lines)
	assert all(line["amount"] > 0 for line in lines)
	# the recovery the loss report gives is what those lines still sold for
	rows = loss_rates(db, CONFIG.start_date, LAST)
	recovery = sum((row.markdown_sales for row in rows), Decimal("0"))
	assert recovery == sum((Decimal(str(line["net_amount"])) for line in lines), Decimal("0")) and recovery > 0
	assert sum((row.markdown_discount for row in rows), Decimal("0")) == sum(
		(Decimal(str(line["amount"])) for line in lines), Decimal("0")
	)
	section = next(section for section in result.sections if section.title == FRESH_TITLE)
	assert f"markdowns recovered {recovery:,.2f} {CONFIG.currency}" in section.intro
	assert "do not scan batch labels" not in section.intro
	assert sum(row[6] for row in section.tables[0].rows) == pytest.approx(float(recovery), abs=0.01)


def test_no_batch_sold_beyond_its_stock_or_past_its_date(demo: tuple[MariaDBDatabase, DemoResult]) -> None:
	db, _result = demo
	received = {
		(row["warehouse"], row["batch_no"]): Decimal(str(row["units"]))
		for row in db.sql(
			"SELECT entry.warehouse, entry.batch_no, SUM(entry.qty) AS units FROM `tabSerial and Batch Entry` entry "
			"WHERE entry.docstatus = 1 AND entry.qty > 0 GROUP BY entry.warehouse, entry.batch_no"
		)
	}
	warehouses = {row["name"]: row["warehouse"] for row in db.sql("SELECT store.name, store.warehouse FROM `tabRetail Store` store")}
	expiry = {row["name"]: row["expiry_date"] for row in db.sql("SELECT batch.name, batch.expiry_date FROM `tabBatch` batch")}
	sold = db.sql(SOLD)
	assert len(sold) > 50
	for row in sold:
		stocked = received.get((warehouses[row["store"]], row["batch_no"]), Decimal("0"))
		assert Decimal(str(row["units"])) <= stocked, f"{row['batch_no']}: sold {row['units']}, the store had {stocked}"
		assert row["last_day"] <= expiry[row["batch_no"]], f"{row['batch_no']} sold after it expired"
	# and the ledger never went below nothing
	negative = db.sql(
		"SELECT entry.batch_no, SUM(entry.qty) AS units FROM `tabSerial and Batch Entry` entry WHERE entry.docstatus = 1 "
		"GROUP BY entry.warehouse, entry.batch_no HAVING SUM(entry.qty) < 0"
	)
	assert negative == []
	assert not db.sql("SELECT txn.name FROM `tabPOS Transaction` txn WHERE txn.audit_messages LIKE '%%batch%%'")


def test_a_markdowns_performance_counts_its_batches_only(demo: tuple[MariaDBDatabase, DemoResult]) -> None:
	db, _result = demo
	used = db.sql(
		"SELECT disc.promotion, promo.valid_from, COUNT(*) AS uses FROM `tabPOS Transaction Discount` disc "
		"JOIN `tabRetail Promotion` promo ON promo.name = disc.promotion JOIN `tabPOS Transaction` txn ON txn.name = disc.parent "
		"WHERE promo.source = 'Markdown' AND txn.status IN ('Audited', 'Posted') GROUP BY disc.promotion, promo.valid_from "
		"ORDER BY uses DESC, disc.promotion LIMIT 1"
	)[0]
	[row] = promotion_performance(db, CONFIG.start_date, LAST, only={used["promotion"]})
	sales = db.sql(
		"SELECT SUM(line.net_amount * line.direction) AS sales FROM `tabPOS Transaction Line` line "
		"JOIN `tabPOS Transaction` txn ON txn.name = line.parent WHERE txn.status IN ('Audited', 'Posted') "
		"AND txn.business_day = %s AND line.batch_no IN (SELECT link.batch_no FROM `tabRetail Promotion Batch` link "
		"WHERE link.parent = %s)",
		(used["valid_from"], used["promotion"]),
	)[0]["sales"]
	assert row.promotion == used["promotion"] and row.active_days == 1
	assert row.promoted_sales == Decimal(str(sales)).quantize(Decimal("0.01")) > 0
