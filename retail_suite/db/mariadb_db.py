"""Standalone adapter of the Database port: the `mariadb` connector, explicit transactions."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import mariadb

from retail_suite.config import DatabaseSettings
from retail_suite.db.port import Params, Row
from retail_suite.errors import ServiceUnavailable

# MariaDB client error codes that mean "cannot reach or not allowed"
ACCESS_DENIED = 1045
UNKNOWN_DATABASE = 1049
CANNOT_CONNECT = {2002, 2003, 2005, 2006, 2013}


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
		if code == ACCESS_DENIED:
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
		cursor = self.connection.cursor(dictionary=True)
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
