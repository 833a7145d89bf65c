"""Contract: the standalone schema is the one Frappe v15 would migrate from the same doctype JSON.

No database: `retail_suite.db.schema` builds table specs from the JSON; this checks
them against the JSON read here independently and against Frappe v15's column types.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from retail_suite.db.indexes import COMPOSITE_INDEXES, ERPNEXT_INDEXES
from retail_suite.db.schema import (
	CHILD_TABLE_COLUMNS,
	FIELDTYPE_COLUMNS,
	NO_VALUE_FIELDTYPES,
	OPTIONAL_COLUMNS,
	STANDARD_COLUMNS,
	app_table_specs,
	column_type,
	slice_table_specs,
)

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "retail_suite"
TEXT_TYPES = ("text", "longtext", "json")

#: Frappe v15 frappe/database/mariadb/database.py: setup_type_map (VARCHAR_LEN = 140)
FRAPPE_V15_TYPE_MAP: dict[str, str | None] = {
	"Currency": "decimal(21,9)",
	"Int": "int(11)",
	"Long Int": "bigint(20)",
	"Float": "decimal(21,9)",
	"Percent": "decimal(21,9)",
	"Check": "int(1)",
	"Small Text": "text",
	"Long Text": "longtext",
	"Code": "longtext",
	"Text Editor": "longtext",
	"Markdown Editor": "longtext",
	"HTML Editor": "longtext",
	"Date": "date",
	"Datetime": "datetime(6)",
	"Time": "time(6)",
	"Text": "text",
	"Data": "varchar(140)",
	"Link": "varchar(140)",
	"Dynamic Link": "varchar(140)",
	"Password": "text",
	"Select": "varchar(140)",
	"Rating": "decimal(3,2)",
	"Read Only": "varchar(140)",
	"Attach": "text",
	"Attach Image": "text",
	"Signature": "longtext",
	"Color": "varchar(140)",
	"Barcode": "longtext",
	"Geolocation": "longtext",
	"Duration": "decimal(21,9)",
	"Icon": "varchar(140)",
	"Phone": "varchar(140)",
	"Autocomplete": "varchar(140)",
	"JSON": "json",
}

#: (fieldtype, length, precision) -> the column type Frappe v15's get_definition() gives
KNOWN_COLUMN_TYPES: list[tuple[str, int | None, int | str | None, str | None]] = [
	("Data", None, None, "varchar(140)"),
	("Data", 20, None, "varchar(64)"),  # v15 raises a varchar below 64 to 64 (row-size limits)
	("Data", 64, None, "varchar(64)"),
	("Data", 200, None, "varchar(200)"),
	("Link", None, None, "varchar(140)"),
	("Select", 30, None, "varchar(64)"),
	("Int", None, None, "int(11)"),
	("Int", 5, None, "int(5)"),
	("Int", 11, None, "int(11)"),
	("Int", 20, None, "bigint(20)"),
	("Check", None, None, "int(1)"),
	("Currency", None, None, "decimal(21,9)"),
	("Float", None, None, "decimal(21,9)"),
	("Float", None, 9, "decimal(21,9)"),
	# frappe 15.92.0 (frappe/database/schema.py get_definition): precision is the scale, length the width
	("Float", None, 3, "decimal(21,3)"),
	("Currency", 18, None, "decimal(18,9)"),
	("Percent", None, None, "decimal(21,9)"),
	("Long Text", None, None, "longtext"),
	("Small Text", None, None, "text"),
	("Datetime", None, None, "datetime(6)"),
	("Time", None, None, "time(6)"),
	("Date", None, None, "date"),
	("JSON", None, None, "json"),
	("Section Break", None, None, None),
	("Column Break", None, None, None),
	("Tab Break", None, None, None),
	("Table", None, None, None),
	("Table MultiSelect", None, None, None),
	("HTML", None, None, None),
	("Button", None, None, None),
]


def load_doctypes() -> dict[str, dict[str, Any]]:
	doctypes = {}
	for path in sorted(PACKAGE.glob("*/doctype/*/*.json")):
		if path.stem == path.parent.name:
			meta = json.loads(path.read_text())
			if meta.get("doctype") == "DocType":
				doctypes[meta["name"]] = meta
	return doctypes


DOCTYPES = load_doctypes()
TABLE_DOCTYPES = sorted(
	name for name, meta in DOCTYPES.items() if not meta.get("issingle") and not meta.get("is_virtual")
)
SPECS = {spec.doctype: spec for spec in app_table_specs()}


def value_fields(meta: dict[str, Any]) -> list[dict[str, Any]]:
	"""The JSON fields that hold a column, in order."""
	return [
		docfield
		for docfield in meta.get("fields", [])
		if docfield.get("fieldtype") in FIELDTYPE_COLUMNS
		and not docfield.get("is_virtual")
		and docfield.get("fieldname") not in STANDARD_COLUMNS
	]


def test_one_spec_per_table_doctype() -> None:
	assert sorted(SPECS) == TABLE_DOCTYPES
	assert len(app_table_specs()) == len(TABLE_DOCTYPES), "a doctype has two specs"
	assert TABLE_DOCTYPES, "no doctype JSON found"


@pytest.mark.parametrize("doctype", TABLE_DOCTYPES)
def test_spec_columns_are_the_json_value_fields(doctype: str) -> None:
	meta, spec = DOCTYPES[doctype], SPECS[doctype]
	expected = [docfield["fieldname"] for docfield in value_fields(meta)]
	if not meta.get("istable"):
		expected += list(OPTIONAL_COLUMNS)
	assert list(spec.columns) == expected
	assert spec.istable == bool(meta.get("istable"))
	child = list(CHILD_TABLE_COLUMNS) if meta.get("istable") else []
	assert spec.all_columns() == [*STANDARD_COLUMNS, *expected, *child]
	assert spec.table == f"tab{doctype}"
	assert spec.autoincrement == (meta.get("autoname") == "autoincrement")


@pytest.mark.parametrize("doctype", TABLE_DOCTYPES)
def test_spec_column_types_follow_frappe(doctype: str) -> None:
	spec = SPECS[doctype]
	for docfield in value_fields(DOCTYPES[doctype]):
		expected = column_type(docfield["fieldtype"], docfield.get("length"), docfield.get("precision"))
		definition = spec.columns[docfield["fieldname"]]
		assert definition.split(" ")[0] == expected, f"{doctype}.{docfield['fieldname']}: {definition!r}"
		if docfield["fieldtype"] in ("Check", "Int", "Currency", "Float", "Percent"):
			assert "not null default" in definition, (
				f"{doctype}.{docfield['fieldname']}: numbers are NOT NULL"
			)


@pytest.mark.parametrize("doctype", TABLE_DOCTYPES)
def test_unique_fields_are_unique_columns(doctype: str) -> None:
	spec = SPECS[doctype]
	for docfield in value_fields(DOCTYPES[doctype]):
		definition = spec.columns[docfield["fieldname"]]
		if docfield.get("unique"):
			assert not definition.startswith(TEXT_TYPES), (
				f"{doctype}.{docfield['fieldname']}: MariaDB cannot make a text column unique; use Data"
			)
			assert definition.endswith(" unique"), f"{doctype}.{docfield['fieldname']}: {definition!r}"
		else:
			assert " unique" not in definition, f"{doctype}.{docfield['fieldname']} is not unique in the JSON"


@pytest.mark.parametrize("doctype", TABLE_DOCTYPES)
def test_search_index_fields_are_indexed(doctype: str) -> None:
	"""The one-column indexes of a table are exactly its search_index fields (unique ones are indexed anyway)."""
	spec = SPECS[doctype]
	composite = {index.name for index in COMPOSITE_INDEXES.get(doctype, ())}
	indexed = {index.columns for index in spec.indexes if index.name not in composite}
	expected = {
		(docfield["fieldname"],)
		for docfield in value_fields(DOCTYPES[doctype])
		if docfield.get("search_index")
		and not docfield.get("unique")
		and not spec.columns[docfield["fieldname"]].startswith(TEXT_TYPES)
	}
	assert indexed == expected


def controller_path(doctype: str) -> Path:
	folder = doctype.replace(" ", "_").replace("-", "_").lower()
	return next(PACKAGE.glob(f"*/doctype/{folder}/{folder}.py"))


@pytest.mark.parametrize("doctype", sorted(COMPOSITE_INDEXES))
def test_composite_indexes(doctype: str) -> None:
	"""Declared once (db/indexes.py): applied standalone by the spec, on a site by on_doctype_update."""
	assert doctype in SPECS, (
		f"db/indexes.py declares indexes for {doctype}, which is not a retail_suite doctype"
	)
	spec = SPECS[doctype]
	for index in COMPOSITE_INDEXES[doctype]:
		missing = [column for column in index.columns if column not in spec.all_columns()]
		assert not missing, f"{doctype} index {index.name}: no columns {missing}"
		assert any(
			existing.name == index.name
			and existing.columns == index.columns
			and existing.unique == index.unique
			for existing in spec.indexes
		), f"{doctype}: the standalone table lacks index {index.name}"
	path = controller_path(doctype)
	tree = ast.parse(path.read_text())
	hooks = [
		node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "on_doctype_update"
	]
	assert hooks, (
		f"{path.relative_to(REPO)}: define on_doctype_update() to apply {doctype}'s composite indexes"
	)
	calls = {
		node.func.id
		for node in ast.walk(hooks[0])
		if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
	}
	assert "apply_composite_indexes" in calls, (
		f"{path.relative_to(REPO)}: on_doctype_update must call apply_composite_indexes({doctype!r})"
	)


@pytest.mark.parametrize("doctype", sorted(ERPNEXT_INDEXES))
def test_indexes_on_erpnext_tables(doctype: str) -> None:
	"""Indexes on ERPNext's tables: on slice columns, created with the standalone table, and added on a site at
	install and migrate (and dropped at uninstall) by setup/install.py."""
	from retail_suite.erpnext_slice import ERPNEXT_SLICE, slice_columns

	assert doctype in ERPNEXT_SLICE, f"db/indexes.py ERPNEXT_INDEXES: {doctype} is not in the ERPNext slice"
	assert doctype not in COMPOSITE_INDEXES, f"{doctype}: declared both as ours and as ERPNext's"
	spec = next(spec for spec in slice_table_specs() if spec.doctype == doctype)
	for index in ERPNEXT_INDEXES[doctype]:
		assert index.name.startswith("retail_"), f"{doctype} index {index.name}: our indexes on ERPNext tables start with retail_"
		assert not index.unique, f"{doctype} index {index.name}: a unique key would refuse ERPNext's own rows"
		missing = [column for column in index.columns if column not in slice_columns(doctype)]
		assert not missing, f"{doctype} index {index.name}: columns {missing} are not in the slice"
		assert any(
			existing.name == index.name and existing.columns == index.columns for existing in spec.indexes
		), f"tab{doctype}: the standalone table lacks index {index.name}"
	install = ast.parse((PACKAGE / "setup" / "install.py").read_text())
	for hook, call in (
		("after_install", "apply_all_indexes"),
		("after_migrate", "apply_all_indexes"),
		("before_uninstall", "drop_erpnext_indexes"),
	):
		function = next(node for node in install.body if isinstance(node, ast.FunctionDef) and node.name == hook)
		calls = {
			node.func.id for node in ast.walk(function) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
		}
		assert call in calls, f"setup/install.py: {hook} must call {call}()"


@pytest.mark.parametrize(("fieldtype", "length", "precision", "expected"), KNOWN_COLUMN_TYPES)
def test_column_type_known_cases(
	fieldtype: str, length: int | None, precision: int | str | None, expected: str | None
) -> None:
	assert column_type(fieldtype, length, precision) == expected


@pytest.mark.parametrize(("fieldtype", "expected"), sorted(FRAPPE_V15_TYPE_MAP.items()))
def test_column_type_default_matches_frappe_v15(fieldtype: str, expected: str) -> None:
	assert column_type(fieldtype) == expected


def test_every_fieldtype_is_classified() -> None:
	assert set(FIELDTYPE_COLUMNS) == set(FRAPPE_V15_TYPE_MAP), (
		"fieldtypes with a column differ from Frappe v15"
	)
	assert not set(FIELDTYPE_COLUMNS) & NO_VALUE_FIELDTYPES
	for fieldtype in NO_VALUE_FIELDTYPES:
		assert column_type(fieldtype) is None, f"{fieldtype} holds no column in Frappe"
