"""Contract: the ERPNext slice (house rule 3) matches ERPNext v15, and the app's SQL reads only what is declared.

(a) Slice columns of tables in `erpnext_v15_columns.md` (a DESCRIBE of a real ERPNext
    v15 site) exist there with the SQL type Frappe gives their declared fieldtype.
(b) Every SQL string in retail_suite is parsed (sqlglot, MySQL dialect); each column
    it names of a `tab…` table must be a slice column or a retail_suite doctype column,
    and every `tab…` table must be one of the two.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from retail_suite.db.schema import (
	ALL_FIELDTYPES,
	CHILD_TABLE_COLUMNS,
	FIELDTYPE_COLUMNS,
	STANDARD_COLUMNS,
	app_table_specs,
	column_type,
	slice_table_specs,
)
from retail_suite.erpnext_slice import ERPNEXT_SLICE, slice_columns
from retail_suite.setup.custom_fields import ACCOUNTING_DIMENSIONS, CUSTOM_FIELDS

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "retail_suite"
REFERENCE = Path(__file__).resolve().parent / "erpnext_v15_columns.md"
REFERENCE_ROW = re.compile(r"^\|\s*(tab[^|]+?)\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*$")


# --- (a) the slice against ERPNext v15 -------------------------------------------------------------------


@cache
def reference_columns() -> dict[str, dict[str, str]]:
	"""table -> column -> SQL type, from the markdown rows `| tabX | column | type |`."""
	tables: dict[str, dict[str, str]] = {}
	for line in REFERENCE.read_text().splitlines():
		match = REFERENCE_ROW.match(line)
		if match:
			table, column, sql_type = match.groups()
			tables.setdefault(table, {})[column] = sql_type
	return tables


def test_reference_is_read() -> None:
	tables = reference_columns()
	assert len(tables) >= 10, f"erpnext_v15_columns.md: only {sorted(tables)} parsed"
	assert tables["tabItem"]["item_code"] == "varchar(140)"
	assert tables["tabBin"]["actual_qty"] == "decimal(21,9)"


@pytest.mark.parametrize("doctype", sorted(ERPNEXT_SLICE))
def test_slice_columns_match_erpnext_v15(doctype: str) -> None:
	table = ERPNEXT_SLICE[doctype]
	bad_types = {
		column: docfield["fieldtype"]
		for column, docfield in table.columns.items()
		if docfield.get("fieldtype") not in FIELDTYPE_COLUMNS
	}
	assert not bad_types, f"{doctype}: slice columns need fieldtypes that hold a column: {bad_types}"
	assert set(ALL_FIELDTYPES) >= {docfield["fieldtype"] for docfield in table.columns.values()}
	standard = sorted(set(table.columns) & {*STANDARD_COLUMNS, *CHILD_TABLE_COLUMNS})
	assert not standard, f"{doctype}: do not declare Frappe's standard columns {standard} in the slice"
	reference = reference_columns().get(f"tab{doctype}")
	if reference is None:
		return  # not in the DESCRIBE: the fieldtypes above are all that can be checked
	problems = []
	for column, docfield in table.columns.items():
		expected = column_type(docfield["fieldtype"], docfield.get("length"), docfield.get("precision"))
		if column not in reference:
			problems.append(f"{column}: ERPNext v15 tab{doctype} has no such column")
		elif reference[column] != expected:
			problems.append(
				f"{column}: ERPNext v15 has {reference[column]}, the slice's {docfield['fieldtype']} gives {expected}"
			)
	assert not problems, f"{doctype}: " + "; ".join(problems)
	assert table.istable == ("parent" in reference), (
		f"{doctype}: istable does not match ERPNext (parent column)"
	)


@pytest.mark.parametrize("doctype", sorted(CUSTOM_FIELDS))
def test_custom_fields(doctype: str) -> None:
	"""Custom fields land on slice tables standalone, are prefixed, and do not clash with ERPNext's columns."""
	assert doctype in ERPNEXT_SLICE, (
		f"custom fields on {doctype}: the standalone host only creates slice tables"
	)
	reference = reference_columns().get(f"tab{doctype}", {})
	declared = set(ERPNEXT_SLICE[doctype].columns) | set(reference) | set(STANDARD_COLUMNS)
	app_doctypes = {spec.doctype for spec in app_table_specs()}
	placed: set[str] = set()
	for docfield in CUSTOM_FIELDS[doctype]:
		fieldname = docfield["fieldname"]
		assert fieldname.startswith("retail_"), f"{doctype}.{fieldname}: custom fieldnames start with retail_"
		assert docfield["fieldtype"] in ALL_FIELDTYPES, f"{doctype}.{fieldname}: unknown fieldtype"
		assert fieldname not in declared, f"{doctype}.{fieldname} clashes with an ERPNext column"
		assert docfield.get("insert_after") in declared | placed, (
			f"{doctype}.{fieldname}: insert_after {docfield.get('insert_after')!r} is not a field of {doctype}"
		)
		if docfield["fieldtype"] == "Link":
			target = docfield.get("options")
			assert target in app_doctypes or target in ERPNEXT_SLICE, (
				f"{doctype}.{fieldname}: Link to {target!r}"
			)
		placed.add(fieldname)
	spec = next(spec for spec in slice_table_specs() if spec.doctype == doctype)
	value_fields = {d["fieldname"] for d in CUSTOM_FIELDS[doctype] if d["fieldtype"] in FIELDTYPE_COLUMNS}
	assert value_fields <= set(spec.columns), (
		f"tab{doctype} standalone lacks {sorted(value_fields - set(spec.columns))}"
	)


def test_accounting_dimensions() -> None:
	app_doctypes = {spec.doctype for spec in app_table_specs()}
	for fieldname, label, document_type in ACCOUNTING_DIMENSIONS:
		assert fieldname.startswith("retail_") and label, f"accounting dimension {fieldname}"
		assert document_type in app_doctypes, f"accounting dimension {fieldname}: {document_type} is not ours"


# --- (b) the SQL reads only declared columns ---------------------------------------------------------------

SQL_VERB = re.compile(r"\b(select|insert|update|delete|join)\b", re.IGNORECASE)
BACKTICKED_TAB = re.compile(r"`tab([^`]*)`")
PLACEHOLDER = re.compile(r"%%|%\([A-Za-z_][A-Za-z0-9_]*\)s|%s")
DYNAMIC = "\x00"  # stands for a run-time part of a string (an f-string's {…}, a `+ variable`)
SCOPES = (exp.Select, exp.Update, exp.Delete, exp.Insert, getattr(exp, "SetOperation", exp.Union))
ALIAS_CLAUSES = (exp.Group, exp.Order, exp.Having)


@dataclass(frozen=True)
class SqlString:
	"""A string constant in the source that looks like SQL on `tab…` tables."""

	path: str
	line: int
	sql: str

	def where(self, sql_line: int = 1) -> str:
		return f"{self.path}:{self.line + sql_line - 1}"


@cache
def known_tables() -> dict[str, tuple[set[str], str]]:
	"""`tab<Doctype>` -> (its columns, where to declare a missing one)."""
	tables = {
		spec.table: (set(spec.all_columns()), f"add it to the {spec.doctype} doctype JSON")
		for spec in app_table_specs()
	}
	for doctype in ERPNEXT_SLICE:
		tables[f"tab{doctype}"] = (slice_columns(doctype), "declare it in retail_suite/erpnext_slice.py")
	return tables


def is_docstring(node: ast.AST, parent: ast.AST | None) -> bool:
	body = getattr(parent, "body", None)
	return (
		isinstance(body, list)
		and bool(body)
		and body[0] is node
		and isinstance(parent, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
	)


def stand_in(before: str) -> str:
	"""What replaces a run-time part of an SQL string, judged by the text before it.

	Run-time parts are optional clauses (`{condition}`), IN lists, limits or a column name;
	the stand-in keeps the statement parseable without inventing tables or columns.
	"""
	if before.endswith("."):
		return "name"  # item.{column}: a column chosen at run time; `name` is in every table
	words = re.findall(r"[A-Za-z_]+|[^\sA-Za-z_]", before)
	last = words[-1].upper() if words else ""
	if last == "IN":
		return "(0)"
	if last in ("WHERE", "AND", "OR", "ON", "HAVING", "NOT"):
		return "1 = 1"
	if last in ("LIMIT", "OFFSET", "=", "<", ">", "+", "-", "*", "/", ",", "("):
		return "0"
	return ""


def string_parts(node: ast.expr) -> list[str] | None:
	"""The text of a str constant, f-string or `+` chain of them, with DYNAMIC for run-time parts."""
	if isinstance(node, ast.Constant):
		return [node.value] if isinstance(node.value, str) else None
	if isinstance(node, ast.JoinedStr):
		return [part.value if isinstance(part, ast.Constant) else DYNAMIC for part in node.values]
	if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
		left, right = string_parts(node.left), string_parts(node.right)
		if left is None and right is None:
			return None
		return [*(left or [DYNAMIC]), *(right or [DYNAMIC])]
	return None


def sql_strings_in_source(source: str, path: str) -> list[SqlString]:
	"""SQL strings of a Python source naming a backticked `tab…` table.

	A string is a str constant, an f-string or a `+` chain of them; `"….format()"` fields
	count as run-time parts. A string whose table name is chosen at run time
	(f"`tab{doctype}`") is skipped whole: there is no table to check. Other run-time parts
	get a stand-in (see stand_in). Docstrings are prose, not SQL.
	"""
	found: list[SqlString] = []
	tree = ast.parse(source, filename=path)
	parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
	for node in ast.walk(tree):
		parent = parents.get(node)
		if isinstance(parent, ast.JoinedStr | ast.FormattedValue):
			continue
		if (
			isinstance(parent, ast.BinOp)
			and isinstance(parent.op, ast.Add)
			and string_parts(parent) is not None
		):
			continue  # part of a longer `+` chain, read whole from its top
		parts = string_parts(node) if isinstance(node, ast.expr) else None
		if parts is None or (isinstance(node, ast.Constant) and is_docstring(parent, parents.get(parent))):
			continue
		text = "".join(parts)
		if isinstance(parent, ast.Attribute) and parent.attr == "format":
			text = re.sub(r"\{[^{}]*\}", DYNAMIC, text)
		names = BACKTICKED_TAB.findall(text)
		if not names or not SQL_VERB.search(text):
			continue
		if any(DYNAMIC in name or re.search(r"[{}<>%]", name) for name in names):
			continue  # the table is chosen at run time
		pieces = text.split(DYNAMIC)
		sql = pieces[0]
		for piece in pieces[1:]:
			sql += stand_in(sql) + piece
		found.append(SqlString(path, node.lineno, sql))
	return sorted(found, key=lambda sql_string: sql_string.line)


def sql_strings_in_file(path: Path) -> list[SqlString]:
	return sql_strings_in_source(path.read_text(), path.relative_to(REPO).as_posix())


def source_files() -> list[Path]:
	"""retail_suite's Python, without tests (live-site tests may set up data with any SQL)."""
	return [
		path
		for path in sorted(PACKAGE.rglob("*.py"))
		if not path.name.startswith("test_") and "tests" not in path.relative_to(PACKAGE).parts
	]


def scope_of(node: exp.Expression) -> exp.Expression | None:
	"""The innermost SELECT / UPDATE / DELETE / INSERT / UNION holding a node (not the node itself)."""
	current = node.parent
	while current is not None and not isinstance(current, SCOPES):
		current = current.parent
	return current


@dataclass
class Scope:
	tables: dict[str, str]  # alias (or table name) -> table name
	derived: set[str]  # aliases of subqueries and CTEs: their columns are not checked
	select_aliases: set[str]


def build_scopes(statement: exp.Expression) -> dict[int, Scope]:
	ctes = {cte.alias for cte in statement.find_all(exp.CTE)}
	scopes: dict[int, Scope] = {}
	for node in [statement, *statement.find_all(*SCOPES)]:
		if isinstance(node, SCOPES):
			aliases = {e.alias for e in getattr(node, "expressions", []) if isinstance(e, exp.Alias)}
			scopes[id(node)] = Scope({}, set(), aliases if isinstance(node, exp.Select) else set())
	for table in statement.find_all(exp.Table):
		scope = scope_of(table)
		if scope is None:
			continue
		if table.name in ctes:
			scopes[id(scope)].derived.add(table.alias_or_name)
		else:
			scopes[id(scope)].tables[table.alias_or_name] = table.name
	for subquery in statement.find_all(exp.Subquery):
		scope = scope_of(subquery)
		if scope is not None and subquery.alias:
			scopes[id(scope)].derived.add(subquery.alias)
	return scopes


def resolve(qualifier: str, scope_node: exp.Expression | None, scopes: dict[int, Scope]) -> str | None:
	"""The table a qualifier names, looking outwards (correlated subqueries); '' for a derived table."""
	while scope_node is not None:
		scope = scopes[id(scope_node)]
		if qualifier in scope.tables:
			return scope.tables[qualifier]
		if qualifier in scope.derived:
			return ""
		scope_node = scope_of(scope_node)
	return None


def in_alias_clause(column: exp.Expression, scope_node: exp.Expression) -> bool:
	current = column.parent
	while current is not None and current is not scope_node:
		if isinstance(current, ALIAS_CLAUSES):
			return True
		current = current.parent
	return False


def line_of(node: exp.Expression) -> int:
	meta = getattr(node, "meta", None) or {}
	return int(meta.get("line") or 1)


def column_references(
	statement: exp.Expression,
) -> Iterator[tuple[str, str, int, exp.Expression | None, bool]]:
	"""(qualifier, column, line, scope, may be a select alias) for every column the statement names."""
	for column in statement.find_all(exp.Column):
		if isinstance(column.this, exp.Star):
			continue
		scope_node = scope_of(column)
		alias_clause = scope_node is not None and in_alias_clause(column, scope_node)
		yield column.table, column.name, line_of(column.this), scope_node, alias_clause
	for insert in statement.find_all(exp.Insert):
		if isinstance(insert.this, exp.Schema):
			for identifier in insert.this.expressions:
				yield insert.this.this.alias_or_name, identifier.name, line_of(identifier), insert, False


def sql_problems(sql_string: SqlString) -> list[str]:
	"""What the SQL names that the schema does not have, one message per problem."""
	text = PLACEHOLDER.sub(lambda match: "%" if match.group() == "%%" else "0", sql_string.sql)
	try:
		statements = [statement for statement in sqlglot.parse(text, read="mysql") if statement is not None]
	except SqlglotError as error:
		return [
			f"{sql_string.where()}: cannot parse this SQL ({str(error).splitlines()[0]}); write whole statements"
		]
	tables = known_tables()
	problems = []
	for statement in statements:
		if isinstance(statement, exp.Command):
			problems.append(
				f"{sql_string.where()}: the checker cannot read this statement: {text.strip()[:60]!r}"
			)
			continue
		scopes = build_scopes(statement)
		for table in statement.find_all(exp.Table):
			if table.name.startswith("tab") and table.name not in tables:
				problems.append(
					f"{sql_string.where(line_of(table.this))}: table `{table.name}` is neither a retail_suite doctype "
					"nor in the ERPNext slice (retail_suite/erpnext_slice.py)"
				)
		for qualifier, column, line, scope_node, alias_clause in column_references(statement):
			where = sql_string.where(line)
			scope = scopes.get(id(scope_node)) if scope_node is not None else None
			if qualifier:
				table_name = resolve(qualifier, scope_node, scopes)
				if table_name is None:
					problems.append(
						f"{where}: column {qualifier}.{column}: no table or alias {qualifier!r} in this query"
					)
					continue
			else:
				if scope is None or (alias_clause and column in scope.select_aliases):
					continue
				sources = len(scope.tables) + len(scope.derived)
				if sources > 1:
					problems.append(
						f"{where}: qualify column {column} in this query (it joins {sources} tables)"
					)
					continue
				if not scope.tables:
					continue
				table_name = next(iter(scope.tables.values()))
			if table_name in tables and column not in tables[table_name][0]:
				problems.append(
					f"{where}: column {column} of `{table_name}` does not exist; {tables[table_name][1]}"
				)
	return problems


SQL_FILES = {
	path.relative_to(REPO).as_posix(): strings
	for path in source_files()
	if (strings := sql_strings_in_file(path))
}


def test_sql_strings_are_found() -> None:
	"""The collector finds the app's known queries, so an empty parametrization cannot hide SQL."""
	assert len(SQL_FILES.get("retail_suite/analytics/overview.py", [])) >= 5, sorted(SQL_FILES)
	assert "retail_suite/demo/standalone.py" in SQL_FILES, sorted(SQL_FILES)


@pytest.mark.parametrize("path", sorted(SQL_FILES))
def test_sql_reads_only_declared_tables_and_columns(path: str) -> None:
	problems = [problem for sql_string in SQL_FILES[path] for problem in sql_problems(sql_string)]
	assert not problems, "\n".join(problems)


@dataclass(frozen=True)
class ColumnList:
	"""A call that writes a literal column list to a table: `insert_rows(db, "tabBin", ("name", …), rows)`."""

	path: str
	line: int
	table: str
	columns: tuple[str, ...]


def column_lists_in_source(source: str, path: str) -> list[ColumnList]:
	"""Calls passing a table (`tabX`, or a doctype name) followed by a literal tuple or list of column names.

	A name assigned a literal tuple once in the file (`item_columns = (…)`) counts as that literal.
	Starred parts (`*child`) are not literal and are left out.
	"""
	tables = known_tables()
	tree = ast.parse(source, filename=path)
	assigned: dict[str, list[ast.expr]] = {}
	for node in ast.walk(tree):
		if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
			assigned.setdefault(node.targets[0].id, []).append(node.value)
	found = []
	for node in ast.walk(tree):
		if not isinstance(node, ast.Call):
			continue
		for first, second in zip(node.args, node.args[1:], strict=False):
			if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
				continue
			if isinstance(second, ast.Name) and len(assigned.get(second.id, [])) == 1:
				second = assigned[second.id][0]
			if not isinstance(second, ast.Tuple | ast.List):
				continue
			names = [e.value for e in second.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
			if not names or len(names) != len([e for e in second.elts if not isinstance(e, ast.Starred)]):
				continue
			table = first.value if first.value.startswith("tab") else f"tab{first.value}"
			if first.value.startswith("tab") or table in tables:
				found.append(ColumnList(path, node.lineno, table, tuple(names)))
	return sorted(found, key=lambda column_list: column_list.line)


def column_list_problems(column_list: ColumnList) -> list[str]:
	tables = known_tables()
	where = f"{column_list.path}:{column_list.line}"
	if column_list.table not in tables:
		return [
			f"{where}: table `{column_list.table}` is neither a retail_suite doctype nor in the ERPNext slice"
		]
	columns, fix = tables[column_list.table]
	return [
		f"{where}: column {column} of `{column_list.table}` does not exist; {fix}"
		for column in column_list.columns
		if column not in columns
	]


COLUMN_LIST_FILES = {
	path.relative_to(REPO).as_posix(): found
	for path in source_files()
	if (found := column_lists_in_source(path.read_text(), path.relative_to(REPO).as_posix()))
}


def test_column_lists_are_found() -> None:
	"""The demo writes the chain with literal column lists; the collector must see them."""
	found = COLUMN_LIST_FILES.get("retail_suite/demo/standalone.py", [])
	assert {"tabItem", "tabBin", "tabCustomer", "tabRetail Store"} <= {
		column_list.table for column_list in found
	}


@pytest.mark.parametrize("path", sorted(COLUMN_LIST_FILES))
def test_written_column_lists_exist(path: str) -> None:
	problems = [
		problem for column_list in COLUMN_LIST_FILES[path] for problem in column_list_problems(column_list)
	]
	assert not problems, "\n".join(problems)


def test_column_list_checker_catches_mistakes() -> None:
	source = (
		"put('Item', ('name', 'item_code', 'colour_code'), rows)\n"
		"insert_rows(db, 'tabNo Such Doctype', ('name',), rows)\n"
		"put('Bin', ('name', *child), rows)\n"
		"bin_columns = ('item_code', 'stock')\n"
		"frappe.get_all('Bin', bin_columns)\n"
	)
	found = column_lists_in_source(source, "example.py")
	assert [problem for column_list in found for problem in column_list_problems(column_list)] == [
		"example.py:1: column colour_code of `tabItem` does not exist; declare it in retail_suite/erpnext_slice.py",
		"example.py:2: table `tabNo Such Doctype` is neither a retail_suite doctype nor in the ERPNext slice",
		"example.py:5: column stock of `tabBin` does not exist; declare it in retail_suite/erpnext_slice.py",
	]


# --- the checker checks itself: each case must be caught, each good query must pass -----------------------


def check(sql: str) -> list[str]:
	return sql_problems(SqlString("example.py", 10, sql))


def test_checker_catches_an_unknown_column_and_table() -> None:
	problems = check(
		"""
		SELECT item.item_code, item.no_such_column, other.name
		FROM `tabItem` item
		JOIN `tabNo Such Doctype` other ON other.name = item.name
		"""
	)
	assert any(
		"no_such_column" in problem and "`tabItem`" in problem and "example.py:11" in problem
		for problem in problems
	), problems
	assert any("`tabNo Such Doctype`" in problem and "example.py:13" in problem for problem in problems), (
		problems
	)
	assert len(problems) == 2, problems


@pytest.mark.parametrize(
	("sql", "expected"),
	[
		pytest.param(
			"SELECT item_code, warehouse FROM `tabItem` item JOIN `tabBin` bin ON bin.item_code = item.name",
			"qualify column item_code",
			id="unqualified-in-join",
		),
		pytest.param(
			"SELECT nope.item_code FROM `tabItem` item", "no table or alias 'nope'", id="unknown-alias"
		),
		pytest.param(
			"SELECT no_such_column FROM `tabBin` WHERE warehouse = %s",
			"no_such_column of `tabBin`",
			id="single-table",
		),
		pytest.param(
			"SELECT store.name FROM `tabRetail Store` store WHERE store.not_a_field = %(value)s",
			"not_a_field of `tabRetail Store` does not exist; add it to the Retail Store doctype JSON",
			id="app-doctype",
		),
		pytest.param(
			"UPDATE `tabBin` SET frozen = 1 WHERE item_code = %s", "frozen of `tabBin`", id="update"
		),
		pytest.param(
			"INSERT INTO `tabBin` (`name`, `bogus`) VALUES (%s, %s)", "bogus of `tabBin`", id="insert"
		),
		pytest.param(
			"DELETE FROM `tabGL Entry` WHERE voucher_no = %s", "`tabGL Entry` is neither", id="unknown-table"
		),
		pytest.param(
			"SELECT item.name FROM `tabItem` item WHERE item.name IN (SELECT barcode.parent FROM `tabItem Barcode` barcode"
			" WHERE barcode.barcode = %s AND item.missing = 1)",
			"missing of `tabItem`",
			id="correlated-subquery",
		),
	],
)
def test_checker_catches(sql: str, expected: str) -> None:
	problems = check(sql)
	assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
	"sql",
	[
		pytest.param(
			"SELECT item.item_group AS item_group, COUNT(*) AS skus FROM `tabItem` item"
			" LEFT JOIN `tabItem Price` price ON price.item_code = item.name GROUP BY item.item_group ORDER BY skus DESC",
			id="alias-in-order-by",
		),
		pytest.param(
			"SELECT name, item_code FROM `tabItem` WHERE disabled = %s AND item_name LIKE '%%x%%'",
			id="single-table",
		),
		pytest.param(
			"SELECT t.store, t.n FROM (SELECT terminal.store AS store, COUNT(*) AS n FROM `tabPOS Terminal` terminal"
			" GROUP BY terminal.store) t ORDER BY t.n",
			id="derived-table",
		),
		pytest.param(
			"SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_NAME = 'tabItem'", id="not-tab"
		),
		pytest.param("SELECT customer.retail_card_number FROM `tabCustomer` customer", id="custom-field"),
		pytest.param(
			"SELECT barcode.parent, barcode.parenttype FROM `tabItem Barcode` barcode", id="child-columns"
		),
	],
)
def test_checker_passes_good_sql(sql: str) -> None:
	assert check(sql) == []


def test_collector_reads_run_time_sql() -> None:
	source = '''
"""Reads `tabItem` with SELECT, in prose."""
def f(db, doctype, column, store, names, limit):
	"""SELECT nothing FROM `tabItem`: a docstring."""
	db.sql(f"SELECT COUNT(*) FROM `tab{doctype}`")
	db.sql("SELECT {0} FROM `tab{1}`".format(column, doctype))
	db.sql(f"SELECT item.{column} FROM `tabItem` item WHERE item.no_such = 1")
	db.sql("SELECT bin.actual_qty FROM `tabBin` bin " "WHERE bin.warehouse = %s")
	condition = "AND bin.warehouse = %s" if store else ""
	db.sql(f"SELECT bin.item_code FROM `tabBin` bin WHERE bin.actual_qty > 0 {condition} LIMIT {int(limit)}")
	db.sql("SELECT bin.name FROM `tabBin` bin WHERE bin.item_code IN " + in_placeholders(names) + " AND bin.qty > 0")
	db.sql("SELECT item.name FROM `tabItem` item WHERE " + " AND ".join(conditions) + " ORDER BY item.name")
'''
	found = sql_strings_in_source(source, "example.py")
	assert [(s.line, s.sql) for s in found] == [
		(7, "SELECT item.name FROM `tabItem` item WHERE item.no_such = 1"),
		(8, "SELECT bin.actual_qty FROM `tabBin` bin WHERE bin.warehouse = %s"),
		(10, "SELECT bin.item_code FROM `tabBin` bin WHERE bin.actual_qty > 0  LIMIT 0"),
		(11, "SELECT bin.name FROM `tabBin` bin WHERE bin.item_code IN (0) AND bin.qty > 0"),
		(12, "SELECT item.name FROM `tabItem` item WHERE 1 = 1 ORDER BY item.name"),
	]
	assert [problem.split(": ", 1)[1] for sql_string in found for problem in sql_problems(sql_string)] == [
		"column no_such of `tabItem` does not exist; declare it in retail_suite/erpnext_slice.py",
		"column qty of `tabBin` does not exist; declare it in retail_suite/erpnext_slice.py",
	]
