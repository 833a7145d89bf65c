"""The demo's apparel section on real MariaDB: the demo rules are saved, the day after the replay is scanned,
and a style that sells with a key size out shows among its store's broken styles with the sizes missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retail_suite.apparel.broken_sizes import load_rules
from retail_suite.apparel.scenario_writer import write_till_transaction
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.demo.apparel import apparel_section
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(DemoConfig(stores=2, skus=200, members=0, seed=2, days=7))


@pytest.fixture
def db(chain_db: MariaDBDatabase) -> MariaDBDatabase:
	return chain_db


def test_apparel_section(db: MariaDBDatabase, chain: Chain) -> None:
	style = chain.styles[0]  # AP-0001 in Navy and Red
	with db.transaction():
		db.execute("UPDATE `tabBin` SET actual_qty = 0 WHERE item_code = 'AP-0001-M-NAV' AND warehouse = 'S001 Downtown - RDC'")
		db.execute("UPDATE `tabBin` SET actual_qty = 4 WHERE item_code IN ('AP-0001-S-NAV', 'AP-0001-L-NAV') AND warehouse = 'S001 Downtown - RDC'")
	last_day = chain.config.start_date + timedelta(days=chain.config.days - 1)
	write_till_transaction(db, "S001", last_day, [("AP-0001-S-NAV", 3, style.price), ("AP-0001-L-NAV", 2, style.price)])
	section = apparel_section(db, chain)
	assert section.title == "Apparel: broken sizes (断码)"
	assert [rule.name for rule in load_rules(db)] == ["Menswear key sizes", "Womenswear key sizes"]
	per_store, top = section.tables[0], section.tables[1]
	assert [row[0] for row in per_store.rows] == ["S001", "S002"]
	found = [row for row in top.rows if row[0] == "S001" and row[2] == "AP-0001"]
	assert found and "M Navy" in found[0][4], top.rows
	assert section.tables[2].title.startswith("Style matrix of ")
	assert "1 selling store × style pairs" in section.intro
	assert section.charts and section.charts[0].startswith("<svg")
