"""A fresh label scanned at a till, on real MariaDB: the GS1 data gives the batch and its item, as printed
(bracketed) or as a scanner sends it; an unknown batch and a label of another product are refused; an
ordinary barcode is left to the till's own lookup; a batch past its date or blocked says so."""

from __future__ import annotations

from datetime import date

import pytest

from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.demo.fresh import write_batches
from retail_suite.errors import ValidationError
from retail_suite.fresh.label_scan import LabelBatch, read_fresh_label
from retail_suite.fresh.labels import GROUP_SEPARATOR, gs1_element_string


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(DemoConfig(stores=1, skus=120, members=0, seed=8, days=1))


@pytest.fixture
def db(chain_db: MariaDBDatabase) -> MariaDBDatabase:
	return chain_db


def test_label_gives_batch_and_item(db: MariaDBDatabase, chain: Chain) -> None:
	milk, bread = [item for item in chain.items if item.is_fresh and item.barcode][:2]
	with db.transaction():
		write_batches(
			db,
			[("L-MILK-1", milk.code, date(2026, 11, 20), date(2026, 11, 28)),
				("L-MILK-OLD", milk.code, date(2026, 11, 10), date(2026, 11, 17)),
				("L-BREAD-1", bread.code, date(2026, 11, 27), None)],
			disabled=["L-MILK-OLD"],
		)
	printed = gs1_element_string(milk.barcode, date(2026, 11, 28), "L-MILK-1")
	assert printed == f"(01){milk.barcode.rjust(14, '0')}(17)261128(10)L-MILK-1"
	found = read_fresh_label(db, printed)
	assert found == LabelBatch(milk.code, milk.name, "L-MILK-1", date(2026, 11, 28), False)
	# as a scanner sends it: digits, the variable batch field last (no separator needed) or ended by GS
	scanned = f"01{milk.barcode.rjust(14, '0')}17261128" + "10L-MILK-1"
	assert read_fresh_label(db, scanned) == found
	assert read_fresh_label(db, f"]C1{scanned}{GROUP_SEPARATOR}") == found
	assert found.expired_on(date(2026, 11, 28)) is None  # sold up to and including its expiry day
	assert found.expired_on(date(2026, 11, 29)) == date(2026, 11, 28)
	# a batch the expiry job blocked
	blocked = read_fresh_label(db, gs1_element_string(milk.barcode, date(2026, 11, 17), "L-MILK-OLD"))
	assert blocked is not None and blocked.disabled and blocked.expired_on(date(2026, 11, 20)) == date(2026, 11, 17)
	# no expiry on the Batch: the label's (17) stands in; no GTIN on the label: the batch alone names the item
	assert read_fresh_label(db, "(17)261130(10)L-BREAD-1") == LabelBatch(bread.code, bread.name, "L-BREAD-1", date(2026, 11, 30), False)


def test_not_a_label_or_a_bad_one(db: MariaDBDatabase, chain: Chain) -> None:
	milk, bread = [item for item in chain.items if item.is_fresh and item.barcode][:2]
	with db.transaction():
		write_batches(db, [("L-MILK-2", milk.code, date(2026, 11, 20), date(2026, 11, 28))])
	# an ordinary barcode, an item code, nothing: the till's own lookup
	assert read_fresh_label(db, milk.barcode) is None
	assert read_fresh_label(db, milk.code) is None
	assert read_fresh_label(db, "") is None and read_fresh_label(db, None) is None
	# a GTIN without a batch is no fresh label either
	assert read_fresh_label(db, f"(01){milk.barcode.rjust(14, '0')}") is None
	with pytest.raises(ValidationError, match="the label's batch NO-SUCH-BATCH is not known here"):
		read_fresh_label(db, "(10)NO-SUCH-BATCH")
	with pytest.raises(ValidationError, match=f"the label's GTIN {bread.barcode.rjust(14, '0')} is not item {milk.code}'s"):
		read_fresh_label(db, gs1_element_string(bread.barcode, None, "L-MILK-2"))
