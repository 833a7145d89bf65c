"""Standalone adapter of the Database port: the `mariadb` connector, explicit transactions."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import mariadb

from retail_suite.config import DatabaseSettings
from retail_suite.db.port import Params, Row, chunked, multi_row_insert_sql
from retail_suite.errors import ServiceUnavailable

# MariaDB client error codes that mean "cannot reach or not allowed"
ACCESS_DENIED = {1045, 1698}  # wrong password; user unknown or without password
UNKNOWN_DATABASE = 1049
CANNOT_CONNECT = {2002, 2003, 2005, 2006, 2013}


def _literal_slow(value: Any) -> str:
	if isinstance(value, bool):
		return "1" if value else "0"
	if isinstance(value, int | float | Decimal):
		return str(value)
	if isinstance(value, datetime):
		return f"'{value.isoformat(sep=' ')}'"
	if isinstance(value, date | time):
		return f"'{value.isoformat()}'"
	if isinstance(value, timedelta):
		seconds = int(value.total_seconds())
		return f"'{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}'"
	raise TypeError(f"cannot write {type(value).__name__} {value!r} to MariaDB")


_LITERALS: dict[type, Any] = {
	type(None): lambda value: "NULL",
	bool: lambda value: "1" if value else "0",
	int: str,
	Decimal: str,
	float: repr,
	datetime: lambda value: f"'{value.isoformat(sep=' ')}'",
	date: lambda value: f"'{value.isoformat()}'",
}


def connect_server(settings: DatabaseSettings, database: str | None = None) -> mariadb.Connection:
	"""Open a connection, turning connector errors into one-line ServiceUnavailable errors."""
	try:
		return mariadb.connect(
			host=settings.host,
			port=settings.port,
			user=settings.user,
			password=settings.password,
			database=database,
			autocommit=True,
			connect_timeout=5,
		)
	except mariadb.Error as error:
		code = getattr(error, "errno", None)
		if code in ACCESS_DENIED or getattr(error, "sqlstate", None) == "28000":
			raise ServiceUnavailable(
				f"MariaDB at {settings.address} refused user {settings.user!r} (wrong password?)",
				"set the user and password in RETAIL_SUITE_DB=mariadb://user:password@host:port/db",
			)
		if code == UNKNOWN_DATABASE:
			raise ServiceUnavailable(
				f"database {database!r} does not exist on MariaDB at {settings.address}",
				"run `retail-suite init` first",
			)
		raise ServiceUnavailable(
			f"cannot reach MariaDB at {settings.address} ({error})",
			"start MariaDB or point RETAIL_SUITE_DB at a running server",
		)


class MariaDBDatabase:
	"""One connection to the standalone database; autocommit unless inside `transaction()`."""

	host = "standalone"

	def __init__(self, settings: DatabaseSettings, connection: mariadb.Connection | None = None) -> None:
		self.settings = settings
		self.database_name = settings.database
		self.connection = connection or connect_server(settings, settings.database)
		self._depth = 0
		self._savepoints = itertools.count(1)

	def sql(self, query: str, params: Params = None) -> list[Row]:
		return self._fetch(query, params, dictionary=True)

	def rows(self, query: str, params: Params = None) -> list[tuple[Any, ...]]:
		return self._fetch(query, params, dictionary=False)

	def _fetch(self, query: str, params: Params, dictionary: bool) -> list[Any]:
		cursor = self.connection.cursor(dictionary=dictionary)
		try:
			if params is None:
				cursor.execute(query)
			else:
				cursor.execute(query, params)
			if cursor.description is None:
				return []
			return list(cursor.fetchall())
		finally:
			cursor.close()

	def execute(self, query: str, params: Params = None) -> int:
		cursor = self.connection.cursor()
		try:
			if params is None:
				cursor.execute(query)
			else:
				cursor.execute(query, params)
			return cursor.rowcount
		finally:
			cursor.close()

	def literal(self, value: Any) -> str:
		"""A value as an SQL literal, escaped by the connector (as pymysql does for frappe.db)."""
		render = _LITERALS.get(type(value))
		if render is not None:
			return render(value)
		if isinstance(value, str):
			return "'" + self.connection.escape_string(value) + "'"
		return _literal_slow(value)

	def insert_many(
		self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], ignore_duplicates: bool, chunk_rows: int
	) -> int:
		"""The port's multi-row INSERT, with values escaped client-side: the same statement pymysql sends
		for frappe.db, and 2–3× faster here than binding tens of thousands of parameters."""
		head = multi_row_insert_sql(table, columns, 0, ignore_duplicates).rsplit(" VALUES ", 1)[0] + " VALUES "
		written = 0
		escape = self.connection.escape_string
		literals = _LITERALS
		slow = self.literal

		moments: dict[Any, str] = {}  # the same creation/modified stamp repeats on every row

		def render(value: Any) -> str:
			kind = type(value)
			if kind is str:
				return "'" + escape(value) + "'"
			if kind is datetime:
				text = moments.get(value)
				if text is None:
					text = moments[value] = _LITERALS[datetime](value)
				return text
			fast = literals.get(kind)
			return fast(value) if fast is not None else slow(value)

		for chunk in chunked(rows, chunk_rows):
			body = ",".join("(" + ",".join([render(value) for value in row]) + ")" for row in chunk)
			written += self.execute(head + body)
		return written

	@contextmanager
	def transaction(self) -> Iterator[MariaDBDatabase]:
		"""BEGIN … COMMIT, ROLLBACK on any error; a nested call uses a savepoint."""
		if self._depth == 0:
			self.connection.begin()
			savepoint = None
		else:
			savepoint = f"retail_sp_{next(self._savepoints)}"
			self.execute(f"SAVEPOINT {savepoint}")
		self._depth += 1
		try:
			yield self
		except BaseException:
			self._depth -= 1
			if savepoint:
				self.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
			else:
				self.connection.rollback()
			raise
		else:
			self._depth -= 1
			if savepoint:
				self.execute(f"RELEASE SAVEPOINT {savepoint}")
			else:
				self.connection.commit()

	def close(self) -> None:
		try:
			self.connection.close()
		except mariadb.Error:
			pass


def ensure_database(settings: DatabaseSettings) -> bool:
	"""Create the database if missing (utf8mb4, as Frappe's sites); returns True when created."""
	server = connect_server(settings)
	try:
		cursor = server.cursor()
		cursor.execute("SHOW DATABASES LIKE %s", (settings.database,))
		exists = cursor.fetchone() is not None
		if not exists:
			cursor.execute(
				f"CREATE DATABASE `{settings.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
			)
		cursor.close()
		return not exists
	finally:
		server.close()


def drop_database(settings: DatabaseSettings) -> None:
	"""Drop the database if it exists (tests' throwaway databases)."""
	server = connect_server(settings)
	try:
		cursor = server.cursor()
		cursor.execute(f"DROP DATABASE IF EXISTS `{settings.database}`")
		cursor.close()
	finally:
		server.close()
