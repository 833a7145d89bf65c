"""The Database port: the one interface the engine's SQL runs through.

Two adapters implement it: `frappe_db.FrappeDatabase` (Frappe host, inside the
request's or job's transaction) and `mariadb_db.MariaDBDatabase` (standalone,
explicit transactions). Both take `%s` / `%(name)s` parameters, so one SQL text
serves both hosts. A query without parameters is sent as is (no `%` processing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

Params = Sequence[Any] | dict[str, Any] | None
Row = dict[str, Any]

#: rows per multi-row INSERT statement; keeps statements far below max_allowed_packet
INSERT_CHUNK_ROWS = 1000


@runtime_checkable
class Database(Protocol):
	"""What the engine needs of a database connection."""

	host: str  # "frappe" or "standalone"
	database_name: str

	def sql(self, query: str, params: Params = None) -> list[Row]:
		"""Run a query and return its rows as dicts (empty for statements without a result)."""

	def rows(self, query: str, params: Params = None) -> list[tuple[Any, ...]]:
		"""Run a query and return its rows as tuples, in the select list's order: for reads of hundreds of
		thousands of rows, where building a dict per row costs more than the row."""

	def execute(self, query: str, params: Params = None) -> int:
		"""Run a statement and return the number of affected rows."""

	def transaction(self) -> Any:
		"""Context manager: commit on success, roll back on error (nested: savepoints)."""


def quote_identifier(name: str) -> str:
	"""Backtick-quote a table or column name (Frappe's table names have spaces)."""
	if "`" in name:
		raise ValueError(f"identifier {name!r} contains a backtick")
	return f"`{name}`"


def chunked(rows: Iterable[Sequence[Any]], size: int = INSERT_CHUNK_ROWS) -> Iterator[list[Sequence[Any]]]:
	"""Yield lists of at most `size` rows."""
	chunk: list[Sequence[Any]] = []
	for row in rows:
		chunk.append(row)
		if len(chunk) >= size:
			yield chunk
			chunk = []
	if chunk:
		yield chunk


def multi_row_insert_sql(
	table: str, columns: Sequence[str], row_count: int, ignore_duplicates: bool = False
) -> str:
	"""The text of one multi-row INSERT with `%s` placeholders, the same in both hosts."""
	placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
	column_list = ", ".join(quote_identifier(column) for column in columns)
	verb = "INSERT IGNORE INTO" if ignore_duplicates else "INSERT INTO"
	values = ",\n".join([placeholders] * row_count)
	return f"{verb} {quote_identifier(table)} ({column_list}) VALUES {values}"


def insert_rows(
	db: Database,
	table: str,
	columns: Sequence[str],
	rows: Iterable[Sequence[Any]],
	ignore_duplicates: bool = False,
	chunk_rows: int = INSERT_CHUNK_ROWS,
) -> int:
	"""Insert rows with multi-row INSERT statements of `chunk_rows` rows; returns rows written.

	An adapter may send the same statement its own faster way (`insert_many`)."""
	if hasattr(db, "insert_many"):
		return db.insert_many(table, columns, rows, ignore_duplicates, chunk_rows)
	written = 0
	for chunk in chunked(rows, chunk_rows):
		params = [value for row in chunk for value in row]
		written += db.execute(multi_row_insert_sql(table, columns, len(chunk), ignore_duplicates), params)
	return written


def in_placeholders(values: Sequence[Any]) -> str:
	"""`(%s, %s, …)` for an IN list: the mariadb connector does not expand a tuple parameter, pymysql does;
	spelling the placeholders out keeps one SQL text for both."""
	if not values:
		raise ValueError("an IN list needs at least one value")
	return "(" + ", ".join(["%s"] * len(values)) + ")"


def where_equal(**filters: Any) -> tuple[list[str], list[Any]]:
	"""`alias.column = %s` conditions and their values for the filters that are set (None is "any").

	Keys are written `alias__column`, e.g. where_equal(txn__store="S001", txn__business_day=None)."""
	conditions, params = [], []
	for key, value in filters.items():
		if value is not None:
			conditions.append(key.replace("__", ".", 1) + " = %s")
			params.append(value)
	return conditions, params
