"""The Style Matrix's figures on real MariaDB: one style's stock, units sold (net of returns, audited or posted)
and sell-through per store, colour and size, and the other warehouses holding it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from retail_suite.apparel.scenario_writer import write_till_transaction
from retail_suite.apparel.style_matrix import style_matrix
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import insert_rows
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.errors import ValidationError

STAMP = datetime(2026, 11, 1, 9, 0)
DAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(DemoConfig(stores=2, skus=200, members=0, seed=2, days=1))  # AP-0001: Navy, Red


@pytest.fixture
def db(chain_db: MariaDBDatabase) -> MariaDBDatabase:
	return chain_db


def test_style_matrix(db: MariaDBDatabase, chain: Chain) -> None:
	price = chain.styles[0].price
	with db.transaction():
		db.execute(
			"DELETE bin FROM `tabBin` bin JOIN `tabItem` variant ON variant.name = bin.item_code WHERE variant.variant_of = 'AP-0001'"
		)
		rows = [("AP-0001-M-NAV", "S001 Downtown - RDC", 1), ("AP-0001-L-NAV", "S001 Downtown - RDC", 0),
			("AP-0001-M-RED", "S002 Riverside - RDC", 4), ("AP-0001-M-NAV", "Stores - RDC", 6), ("AP-0001-S-NAV", "Stores - RDC", 0)]
		insert_rows(db, "tabBin", ("name", "item_code", "warehouse", "actual_qty", "creation", "modified", "owner", "modified_by"),
			[(f"B{n}", item, warehouse, qty, STAMP, STAMP, "Administrator", "Administrator") for n, (item, warehouse, qty) in enumerate(rows)])
	write_till_transaction(db, "S001", DAY, [("AP-0001-M-NAV", 3, price), ("AP-0001-L-NAV", 2, price)], number=1)
	write_till_transaction(db, "S001", DAY, [("AP-0001-M-NAV", -1, price)], number=2)  # one taken back
	write_till_transaction(db, "S001", DAY, [("AP-0001-M-NAV", 5, price)], number=3, status="Voided")
	write_till_transaction(db, "S001", date(2026, 10, 1), [("AP-0001-M-NAV", 5, price)], number=4)  # before the days
	matrix = style_matrix(db, "AP-0001", date(2026, 11, 1), date(2026, 11, 30))
	assert (matrix.grid.sizes, matrix.grid.colours) == (["XS", "S", "M", "L", "XL"], ["Navy", "Red"])
	# stores first, then the warehouse that is no store but holds the style (its empty Bin is left out)
	assert matrix.locations == ["S001", "S002", "Stores - RDC"]
	m_navy = matrix.cell("S001", "M", "Navy")
	assert (m_navy.on_hand, m_navy.sold, m_navy.sell_through) == (1, 2, pytest.approx(2 / 3))
	assert matrix.cell("S001", "L", "Navy").sell_through == 1.0  # sold 2, none left
	assert matrix.cell("S001", "XS", "Red").sell_through is None  # nothing to sell, nothing sold
	assert matrix.totals(location="S001") == (1, 4, 0.8)
	assert matrix.totals(location="S002", colour="Red") == (4, 0, 0.0)
	assert [(cell.size, cell.colour, cell.on_hand) for cell in matrix.cells if cell.location == "Stores - RDC"] == [("M", "Navy", 6)]
	assert matrix.totals(size="M") == (11, 2, pytest.approx(2 / 13))
	only_s002 = style_matrix(db, "AP-0001", date(2026, 11, 1), date(2026, 11, 30), store="S002")
	assert only_s002.locations == ["S002"]


def test_not_a_style(db: MariaDBDatabase) -> None:
	with pytest.raises(ValidationError, match="Item G-000001 is not a template"):
		style_matrix(db, "G-000001", date(2026, 11, 1), date(2026, 11, 30))
