"""The demo's fresh department on real MariaDB: deliveries, markdowns, withdrawals and damage add up in the
loss rate the section reports, and no expired batch is left on a shelf."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.demo.chain import DemoConfig
from retail_suite.demo.pipeline import run_demo
from retail_suite.fresh.loss_report import loss_rates
from retail_suite.fresh.markdowns import batch_stock

CONFIG = DemoConfig(stores=1, skus=300, members=40, days=8, seed=4)


@pytest.fixture
def db(empty_database: DatabaseSettings) -> Iterator[MariaDBDatabase]:
	database = MariaDBDatabase(empty_database)
	schema.migrate(database)
	yield database
	database.close()


def test_fresh_section_adds_up(db: MariaDBDatabase) -> None:
	result = run_demo(db, CONFIG)  # the demo runs fresh_section after the members section
	section = next(section for section in result.sections if section.title == "Fresh: markdowns, shrink and the loss rate")
	assert len(section.charts) == 1 and "<svg" in section.charts[0] and "3 % target" in section.charts[0]
	by_group = {row[0]: row for row in section.tables[0].rows}
	assert set(by_group) == {"Produce", "Dairy", "Bakery", "Meat and Fish"}
	last = CONFIG.start_date + timedelta(days=CONFIG.days - 1)
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
