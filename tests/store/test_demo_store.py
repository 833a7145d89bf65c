"""The demo chain written to MariaDB: exact counts, repeatable, safe on a database in use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from retail_suite.analytics import overview
from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.demo.chain import DemoConfig, generate_chain
from retail_suite.demo.pipeline import run_demo
from retail_suite.demo.standalone import write_chain
from retail_suite.errors import ValidationError

CONFIG = DemoConfig(stores=2, skus=600, members=300, seed=3)


@pytest.fixture
def demo_db(empty_database: DatabaseSettings):
	db = MariaDBDatabase(empty_database)
	schema.migrate(db)
	yield db
	db.close()


def counts(db: MariaDBDatabase) -> dict[str, int]:
	return overview.table_counts(
		db,
		["Retail Store", "POS Terminal", "Item", "Item Barcode", "Item Price", "Bin", "Batch", "Customer", "Supplier",
			"Item Variant Attribute", "Item Reorder"],
	)


def test_written_rows_match_the_chain(demo_db: MariaDBDatabase) -> None:
	chain = generate_chain(CONFIG)
	write_chain(demo_db, chain)
	found = counts(demo_db)
	assert found["Retail Store"] == 2
	assert found["POS Terminal"] == 4
	assert found["Item"] == 600 + len(chain.styles)
	assert found["Item Barcode"] == 600
	assert found["Item Price"] == 1200
	assert found["Bin"] == 1200
	assert found["Batch"] == len(chain.batches)
	assert found["Customer"] == 300
	assert found["Item Variant Attribute"] == 2 * (sum(1 for item in chain.items if item.style) + len(chain.styles))
	ambient = sum(1 for item in chain.items if item.department in ("grocery", "household"))
	assert found["Item Reorder"] == 2 * ambient
	value = sum(line.qty * line.valuation_rate for line in chain.stock)
	stored = sum(store.stock_value for store in overview.stock_by_store(demo_db))
	assert stored == pytest.approx(value, abs=0.01 * len(chain.stock))


def test_variants_link_to_their_template(demo_db: MariaDBDatabase) -> None:
	chain = generate_chain(CONFIG)
	write_chain(demo_db, chain)
	style = chain.styles[0]
	rows = demo_db.sql(
		"SELECT attr.attribute AS attribute, attr.attribute_value AS attribute_value FROM `tabItem` item "
		"JOIN `tabItem Variant Attribute` attr ON attr.parent = item.name WHERE item.variant_of = %s",
		(style.code,),
	)
	sizes = {row["attribute_value"] for row in rows if row["attribute"] == "Size"}
	colours = {row["attribute_value"] for row in rows if row["attribute"] == "Colour"}
	assert sizes == set(style.sizes)
	assert colours == set(style.colours)


def test_member_phone_and_card_are_unique(demo_db: MariaDBDatabase) -> None:
	write_chain(demo_db, generate_chain(CONFIG))
	member = demo_db.sql("SELECT name, retail_phone, retail_card_number FROM `tabCustomer` ORDER BY name LIMIT 1")[0]
	plan = demo_db.sql("EXPLAIN SELECT name FROM `tabCustomer` WHERE retail_phone = %s", (member["retail_phone"],))
	assert plan[0]["key"] == "retail_phone" and int(plan[0]["rows"]) == 1  # one index read
	assert plan[0]["type"] == "const"
	plan = demo_db.sql(
		"EXPLAIN SELECT name FROM `tabCustomer` WHERE retail_card_number = %s", (member["retail_card_number"],)
	)
	assert (plan[0]["key"], int(plan[0]["rows"]), plan[0]["type"]) == ("retail_card_number", 1, "const")
	with pytest.raises(Exception, match="Duplicate entry"):
		demo_db.execute(
			"INSERT INTO `tabCustomer` (name, customer_name, retail_phone) VALUES ('X1', 'Copy', %s)",
			(member["retail_phone"],),
		)


def test_running_twice_gives_the_same_database(demo_db: MariaDBDatabase) -> None:
	first = run_demo(demo_db, CONFIG)
	before = counts(demo_db)
	stock_before = overview.stock_by_store(demo_db)
	second = run_demo(demo_db, CONFIG)
	assert counts(demo_db) == before
	assert overview.stock_by_store(demo_db) == stock_before
	assert first.rows_written == second.rows_written
	assert [section.tables[0].rows for section in first.sections] == [
		section.tables[0].rows for section in second.sections
	]


def test_demo_refuses_a_database_with_other_data(demo_db: MariaDBDatabase) -> None:
	demo_db.execute("INSERT INTO `tabRetail Store` (name, store_code, store_name) VALUES ('REAL', 'REAL', 'Real shop')")
	with pytest.raises(ValidationError, match="did not create"):
		write_chain(demo_db, generate_chain(CONFIG))
	assert demo_db.sql("SELECT COUNT(*) AS n FROM `tabItem`") == [{"n": 0}]


def test_demo_runs_promotions_tags_birthday_coupons_and_points(demo_db: MariaDBDatabase) -> None:
	result = run_demo(demo_db, CONFIG)
	titles = [section.title for section in result.sections]
	assert titles[2:4] == ["Promotions", "Members: tags, birthday campaign, points"]
	truth = result.traffic_truth
	# the one till that gave a promotion out of its hours is an audit error naming it, and nothing else is
	assert len(truth.wrong_promotions) == 1
	wrong, promotion = truth.wrong_promotions[0]
	errors = {
		row["name"]: row["audit_messages"]
		for row in demo_db.sql("SELECT txn.name, txn.audit_messages FROM `tabPOS Transaction` txn WHERE txn.status = 'Error'")
	}
	assert f"promotion {promotion} is outside its hours" in errors[wrong]
	assert set(errors) == {wrong, *truth.wrong_totals}
	# the discount the tills gave per promotion is what the posting documents carry
	posted = {
		row["promotion"]: row["amount"]
		for row in demo_db.sql(
			"SELECT disc.promotion, SUM(disc.amount) AS amount FROM `tabPOS Posting Discount` disc "
			"JOIN `tabPOS Posting Document` posting ON posting.name = disc.parent WHERE posting.kind = 'Sales' "
			"GROUP BY disc.promotion"
		)
	}
	def key(record: dict) -> str:
		return f"{record['terminal']}-{record['business_day'].replace('-', '')}-{record['transaction_number']:06d}"

	not_posted = set(errors) | set(truth.voided)
	expected: dict[str, Decimal] = {}
	for record in result.traffic_records:
		if record["type"] not in ("sale", "exchange") or key(record) in not_posted:
			continue
		for line in record["lines"]:
			if line.get("returned"):
				continue
			parts = line.get("discounts") or (
				[{"promotion": line["promotion"], "amount": line["discount"]}] if line.get("promotion") else []
			)
			for part in parts:
				expected[part["promotion"]] = expected.get(part["promotion"], Decimal("0")) + part["amount"]
	assert {name: amount for name, amount in posted.items() if name != "(manual discount)"} == expected
	assert len(expected) >= 8  # most of the ten promotions and the birthday coupon were used
	# members: tags from the rules, birthday coupons sent and some redeemed, points earned and redeemed
	tags = {row["tag"] for row in demo_db.sql("SELECT DISTINCT tag.tag FROM `tabRetail Member Tag` tag")}
	assert {"VIP", "Young Adults", "Champions", "Fresh Lovers"} <= tags
	sent = demo_db.sql(
		"SELECT COUNT(*) AS sent, SUM(issued.redeemed_transaction IS NOT NULL) AS redeemed "
		"FROM `tabRetail Campaign Member` issued WHERE issued.campaign = 'Birthday Care'"
	)[0]
	assert sent["sent"] > 0 and 0 < int(sent["redeemed"]) <= sent["sent"]
	kinds = {row["entry_type"] for row in demo_db.sql("SELECT DISTINCT entry.entry_type FROM `tabRetail Points Entry` entry")}
	assert {"Earn", "Redeem"} <= kinds
