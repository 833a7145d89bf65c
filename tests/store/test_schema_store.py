"""Tables created from doctype JSON and the ERPNext slice, compared with the specs."""

from __future__ import annotations

import pytest

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase

SPECS = schema.all_table_specs()


def column_types(db: MariaDBDatabase, table: str) -> dict[str, str]:
	return schema.existing_columns(db, table)


@pytest.mark.parametrize("spec", SPECS, ids=[spec.doctype for spec in SPECS])
def test_created_table_matches_its_spec(db: MariaDBDatabase, spec: schema.TableSpec) -> None:
	actual = column_types(db, spec.table)
	assert list(actual) == spec.all_columns() + ([] if spec.istable else []), "columns and their order"
	for column, definition in spec.columns.items():
		expected_type = definition.split(" ")[0]
		assert actual[column] == expected_type, f"{spec.table}.{column}"
	assert actual["name"] == "varchar(140)"
	assert actual["docstatus"] == "int(1)"
	indexes = schema.existing_indexes(db, spec.table)
	for index in spec.indexes:
		assert index.name in indexes, f"index {index.name} on {spec.table}"


def test_unique_json_fields_are_unique_indexes(db: MariaDBDatabase) -> None:
	rows = db.sql(
		"SELECT INDEX_NAME AS index_name, NON_UNIQUE AS non_unique FROM information_schema.STATISTICS "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tabRetail Store' AND COLUMN_NAME = 'store_code'"
	)
	assert rows and rows[0]["non_unique"] == 0
	terminal = db.sql(
		"SELECT COLUMN_NAME AS column_name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
		"AND TABLE_NAME = 'tabPOS Terminal' AND INDEX_NAME = 'store_terminal_code' ORDER BY SEQ_IN_INDEX"
	)
	assert [row["column_name"] for row in terminal] == ["store", "terminal_code"]


def test_custom_fields_are_in_the_slice_tables(db: MariaDBDatabase) -> None:
	columns = column_types(db, "tabCustomer")
	for fieldname in ("retail_card_number", "retail_phone", "retail_birthday", "retail_home_store"):
		assert fieldname in columns
	assert "retail_membership_section" not in columns  # a Section Break has no column


def test_migrate_is_idempotent(db: MariaDBDatabase) -> None:
	again = schema.migrate(db)
	assert not again.changed
	assert schema.stored_fingerprint(db) == schema.schema_fingerprint()


def test_migration_is_additive_and_keeps_data(empty_database: DatabaseSettings) -> None:
	db = MariaDBDatabase(empty_database)
	store_spec = next(spec for spec in SPECS if spec.doctype == "Retail Store")
	first = schema.migrate(db, [store_spec])
	assert first.created_tables == ["tabRetail Store"]
	db.execute("INSERT INTO `tabRetail Store` (name, store_code, store_name) VALUES ('S9', 'S9', 'Test')")
	# a newer version of the doctype adds a field and an index
	grown = schema.table_spec(
		"Retail Store",
		[*schema.load_doctype("Retail Store")["fields"], {"fieldname": "region", "fieldtype": "Data", "search_index": 1}],
		istable=False,
	)
	second = schema.migrate(db, [grown])
	assert second.added_columns == ["tabRetail Store.region"]
	assert second.added_indexes == ["tabRetail Store.region"]
	assert db.sql("SELECT store_name, region FROM `tabRetail Store`") == [{"store_name": "Test", "region": None}]
	assert not schema.migrate(db, [grown]).changed
	db.close()


def test_fingerprint_changes_with_the_schema() -> None:
	store_spec = next(spec for spec in SPECS if spec.doctype == "Retail Store")
	grown = schema.table_spec("Retail Store", [{"fieldname": "region", "fieldtype": "Data"}], istable=False)
	assert schema.schema_fingerprint([store_spec]) != schema.schema_fingerprint([grown])
