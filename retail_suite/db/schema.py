"""Schema from doctype JSON (standalone host).

The doctype JSON is the schema. Frappe migrates it on a site; here the same
`tab<Doctype>` tables are created and migrated from the same JSON: Frappe v15's
standard columns, its column type for each fieldtype, `unique` and
`search_index` fields, child-table columns, and the composite indexes declared
in `indexes.py`. The ERPNext slice (`erpnext_slice.py`) plus retail_suite's
custom fields on ERPNext doctypes are created the same way. Migration is
additive and idempotent: missing tables, columns and indexes are added, nothing
is dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from retail_suite.db.indexes import composite_indexes
from retail_suite.db.port import Database, quote_identifier

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
VARCHAR_LEN = 140

# Frappe v15, frappe/database/mariadb/database.py: type_map
FIELDTYPE_COLUMNS: dict[str, tuple[str, str]] = {
	"Currency": ("decimal", "21,9"),
	"Int": ("int", "11"),
	"Long Int": ("bigint", "20"),
	"Float": ("decimal", "21,9"),
	"Percent": ("decimal", "21,9"),
	"Check": ("int", "1"),
	"Small Text": ("text", ""),
	"Long Text": ("longtext", ""),
	"Code": ("longtext", ""),
	"Text Editor": ("longtext", ""),
	"Markdown Editor": ("longtext", ""),
	"HTML Editor": ("longtext", ""),
	"Date": ("date", ""),
	"Datetime": ("datetime", "6"),
	"Time": ("time", "6"),
	"Text": ("text", ""),
	"Data": ("varchar", str(VARCHAR_LEN)),
	"Link": ("varchar", str(VARCHAR_LEN)),
	"Dynamic Link": ("varchar", str(VARCHAR_LEN)),
	"Password": ("text", ""),
	"Select": ("varchar", str(VARCHAR_LEN)),
	"Rating": ("decimal", "3,2"),
	"Read Only": ("varchar", str(VARCHAR_LEN)),
	"Attach": ("text", ""),
	"Attach Image": ("text", ""),
	"Signature": ("longtext", ""),
	"Color": ("varchar", str(VARCHAR_LEN)),
	"Barcode": ("longtext", ""),
	"Geolocation": ("longtext", ""),
	"Duration": ("decimal", "21,9"),
	"Icon": ("varchar", str(VARCHAR_LEN)),
	"Phone": ("varchar", str(VARCHAR_LEN)),
	"Autocomplete": ("varchar", str(VARCHAR_LEN)),
	"JSON": ("json", ""),
}
# Frappe v15 fieldtypes that hold no column
NO_VALUE_FIELDTYPES = frozenset(
	{
		"Section Break",
		"Column Break",
		"Tab Break",
		"HTML",
		"Table",
		"Table MultiSelect",
		"Button",
		"Image",
		"Fold",
		"Heading",
	}
)
ALL_FIELDTYPES = frozenset(FIELDTYPE_COLUMNS) | NO_VALUE_FIELDTYPES
DECIMAL_FIELDTYPES = ("Currency", "Float", "Percent")
STANDARD_COLUMNS = ("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx")
CHILD_TABLE_COLUMNS = ("parent", "parentfield", "parenttype")
OPTIONAL_COLUMNS = ("_user_tags", "_comments", "_assign", "_liked_by")
META_TABLE = "__retail_suite_meta"


def column_type(fieldtype: str, length: int | None = None, precision: int | str | None = None) -> str | None:
	"""The MariaDB column type Frappe v15 gives a fieldtype (None for fields without a column)."""
	spec = FIELDTYPE_COLUMNS.get(fieldtype)
	if not spec:
		return None
	if fieldtype == "Int" and length and int(length) > 11:
		spec = FIELDTYPE_COLUMNS["Long Int"]
	base, size = spec
	if size:
		if fieldtype in DECIMAL_FIELDTYPES:
			width = int(length) if length else 21
			scale = int(precision) if precision not in (None, "") else 9
			size = f"{width},{min(scale, width)}"
		if length:
			if base == "varchar":
				size = str(max(int(length), 64))
			elif base == "int" and int(length) < 11:
				size = str(int(length))
	return f"{base}({size})" if size else base


def _escape_default(value: Any) -> str:
	return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def column_definition(docfield: dict[str, Any]) -> str | None:
	"""Column definition as Frappe v15 writes it: type, NOT NULL defaults for numbers, unique."""
	fieldtype = docfield["fieldtype"]
	definition = column_type(fieldtype, docfield.get("length"), docfield.get("precision"))
	if not definition:
		return None
	default = docfield.get("default")
	if fieldtype in ("Check", "Int"):
		definition += f" not null default {int(default or 0) if str(default or '0').lstrip('-').isdigit() else 0}"
	elif fieldtype in DECIMAL_FIELDTYPES:
		try:
			number = float(default or 0)
		except ValueError:
			number = 0.0
		definition += f" not null default {number:g}"
	elif default not in (None, "") and not str(default).startswith(":") and default not in ("Today", "__user", "Now"):
		definition += f" default {_escape_default(default)}"
	if docfield.get("unique") and not definition.startswith(("text", "longtext")):
		definition += " unique"
	return definition


@dataclass
class IndexSpec:
	name: str
	columns: tuple[str, ...]
	unique: bool = False


@dataclass
class TableSpec:
	"""A `tab<Doctype>` table: columns in order, indexes, child or not."""

	doctype: str
	istable: bool
	columns: dict[str, str] = field(default_factory=dict)
	indexes: list[IndexSpec] = field(default_factory=list)
	autoincrement: bool = False

	@property
	def table(self) -> str:
		return f"tab{self.doctype}"

	def create_sql(self) -> str:
		name_column = "`name` bigint primary key" if self.autoincrement else f"`name` varchar({VARCHAR_LEN}) primary key"
		lines = [
			name_column,
			"`creation` datetime(6)",
			"`modified` datetime(6)",
			f"`modified_by` varchar({VARCHAR_LEN})",
			f"`owner` varchar({VARCHAR_LEN})",
			"`docstatus` int(1) not null default '0'",
			"`idx` int(8) not null default '0'",
		]
		lines += [f"{quote_identifier(column)} {definition}" for column, definition in self.columns.items()]
		lines += [index_definition(index) for index in self.indexes]
		if self.istable:
			lines += [f"`{column}` varchar({VARCHAR_LEN})" for column in CHILD_TABLE_COLUMNS]
			lines.append("index `parent`(`parent`)")
		else:
			lines.append("index `modified`(`modified`)")
		body = ",\n\t".join(lines)
		return (
			f"CREATE TABLE IF NOT EXISTS {quote_identifier(self.table)} (\n\t{body}\n) "
			"ENGINE=InnoDB ROW_FORMAT=DYNAMIC CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
		)

	def all_columns(self) -> list[str]:
		extra = list(CHILD_TABLE_COLUMNS) if self.istable else []
		return list(STANDARD_COLUMNS) + list(self.columns) + extra


def index_definition(index: IndexSpec) -> str:
	columns = ", ".join(quote_identifier(column) for column in index.columns)
	kind = "unique index" if index.unique else "index"
	return f"{kind} {quote_identifier(index.name)}({columns})"


def table_spec(doctype: str, fields: Iterable[dict[str, Any]], istable: bool, autoincrement: bool = False) -> TableSpec:
	"""Build a table spec from docfields (doctype JSON `fields` or declared slice columns)."""
	spec = TableSpec(doctype=doctype, istable=istable, autoincrement=autoincrement)
	for docfield in fields:
		fieldname = docfield.get("fieldname")
		if not fieldname or fieldname in STANDARD_COLUMNS or docfield.get("is_virtual"):
			continue
		definition = column_definition(docfield)
		if definition is None:
			continue
		spec.columns[fieldname] = definition
		if (
			docfield.get("search_index")
			and not docfield.get("unique")
			and not definition.startswith(("text", "longtext"))
		):
			spec.indexes.append(IndexSpec(fieldname, (fieldname,)))
	if not istable:
		for fieldname in OPTIONAL_COLUMNS:
			spec.columns.setdefault(fieldname, "text")
	for index in composite_indexes(doctype):
		spec.indexes.append(IndexSpec(index.name, index.columns, index.unique))
	return spec


@cache
def app_doctype_paths() -> dict[str, Path]:
	"""Every retail_suite doctype JSON, by doctype name."""
	paths: dict[str, Path] = {}
	for path in sorted(PACKAGE_ROOT.glob("*/doctype/*/*.json")):
		if path.stem != path.parent.name:
			continue
		meta = json.loads(path.read_text())
		if meta.get("doctype") == "DocType":
			paths[meta["name"]] = path
	return paths


def load_doctype(doctype: str) -> dict[str, Any]:
	"""The doctype JSON of a retail_suite doctype."""
	return json.loads(app_doctype_paths()[doctype].read_text())


def app_table_specs() -> list[TableSpec]:
	"""Table specs of retail_suite's own doctypes (singles and virtual doctypes have no table)."""
	specs = []
	for doctype in app_doctype_paths():
		meta = load_doctype(doctype)
		if meta.get("issingle") or meta.get("is_virtual"):
			continue
		specs.append(
			table_spec(
				doctype,
				meta.get("fields", []),
				bool(meta.get("istable")),
				autoincrement=meta.get("autoname") == "autoincrement",
			)
		)
	return specs


def slice_table_specs() -> list[TableSpec]:
	"""Table specs of the ERPNext slice, with retail_suite's custom fields added."""
	from retail_suite.erpnext_slice import ERPNEXT_SLICE
	from retail_suite.setup.custom_fields import CUSTOM_FIELDS

	specs = []
	for doctype, table in ERPNEXT_SLICE.items():
		docfields = [{"fieldname": column, **docfield} for column, docfield in table.columns.items()]
		docfields += CUSTOM_FIELDS.get(doctype, [])
		spec = table_spec(doctype, docfields, table.istable)
		spec.indexes += [IndexSpec(index.name, index.columns, index.unique) for index in table.indexes]
		specs.append(spec)
	return specs


def all_table_specs() -> list[TableSpec]:
	return app_table_specs() + slice_table_specs()


def schema_fingerprint(specs: list[TableSpec] | None = None) -> str:
	"""A hash of the DDL the code expects; stored at migration, compared by `doctor`."""
	specs = specs if specs is not None else all_table_specs()
	text = "\n".join(sorted(spec.create_sql() for spec in specs))
	return hashlib.sha256(text.encode()).hexdigest()[:16]


def existing_columns(db: Database, table: str) -> dict[str, str]:
	rows = db.sql(
		"SELECT COLUMN_NAME AS column_name, COLUMN_TYPE AS column_type FROM information_schema.COLUMNS "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
		(table,),
	)
	return {row["column_name"]: row["column_type"] for row in rows}


def existing_indexes(db: Database, table: str) -> set[str]:
	rows = db.sql(
		"SELECT DISTINCT INDEX_NAME AS index_name FROM information_schema.STATISTICS "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
		(table,),
	)
	return {row["index_name"] for row in rows}


@dataclass
class MigrationResult:
	created_tables: list[str] = field(default_factory=list)
	added_columns: list[str] = field(default_factory=list)
	added_indexes: list[str] = field(default_factory=list)

	@property
	def changed(self) -> bool:
		return bool(self.created_tables or self.added_columns or self.added_indexes)


def migrate(
	db: Database, specs: list[TableSpec] | None = None, progress: Callable[[str], None] | None = None
) -> MigrationResult:
	"""Create missing tables, add missing columns and indexes; never drops. Idempotent."""
	specs = specs if specs is not None else all_table_specs()
	result = MigrationResult()
	for spec in specs:
		if progress:
			progress(spec.table)
		current = existing_columns(db, spec.table)
		if not current:
			db.execute(spec.create_sql())
			result.created_tables.append(spec.table)
			continue
		for column, definition in spec.columns.items():
			if column not in current:
				db.execute(
					f"ALTER TABLE {quote_identifier(spec.table)} ADD COLUMN {quote_identifier(column)} {definition}"
				)
				result.added_columns.append(f"{spec.table}.{column}")
		indexes = existing_indexes(db, spec.table)
		for index in spec.indexes:
			if index.name not in indexes:
				db.execute(f"ALTER TABLE {quote_identifier(spec.table)} ADD {index_definition(index)}")
				result.added_indexes.append(f"{spec.table}.{index.name}")
	db.execute(
		f"CREATE TABLE IF NOT EXISTS `{META_TABLE}` (`key` varchar(140) primary key, `value` text) "
		"ENGINE=InnoDB CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
	)
	db.execute(
		f"REPLACE INTO `{META_TABLE}` (`key`, `value`) VALUES (%s, %s)",
		("schema_fingerprint", schema_fingerprint(specs)),
	)
	return result


def stored_fingerprint(db: Database) -> str | None:
	"""The fingerprint written by the last migration, None when the schema was never created."""
	if not db.sql("SHOW TABLES LIKE %s", (META_TABLE,)):
		return None
	rows = db.sql(f"SELECT `value` FROM `{META_TABLE}` WHERE `key` = %s", ("schema_fingerprint",))
	return rows[0]["value"] if rows else None
