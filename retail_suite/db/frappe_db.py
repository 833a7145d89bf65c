"""Frappe-host adapter of the Database port: `frappe.db`, inside the request's or job's transaction.

Frappe commits at the end of the request or job; `transaction()` therefore uses a
savepoint so that a failed block is undone without ending the caller's transaction.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import frappe

from retail_suite.db.port import Params, Row

_savepoints = itertools.count(1)


class FrappeDatabase:
	host = "frappe"

	@property
	def database_name(self) -> str:
		return frappe.conf.db_name

	def sql(self, query: str, params: Params = None) -> list[Row]:
		# frappe.db.sql wraps a lone None into a one-value tuple; leave values out instead (no % processing)
		if params is None:
			return frappe.db.sql(query, as_dict=True)
		return frappe.db.sql(query, params, as_dict=True)

	def rows(self, query: str, params: Params = None) -> list[tuple[Any, ...]]:
		if params is None:
			return list(frappe.db.sql(query))
		return list(frappe.db.sql(query, params))

	def execute(self, query: str, params: Params = None) -> int:
		if params is None:
			frappe.db.sql(query)
		else:
			frappe.db.sql(query, params)
		return frappe.db._cursor.rowcount

	@contextmanager
	def transaction(self) -> Iterator[FrappeDatabase]:
		savepoint = f"retail_sp_{next(_savepoints)}"
		frappe.db.savepoint(savepoint)
		try:
			yield self
		except BaseException:
			frappe.db.rollback(save_point=savepoint)
			raise
		else:
			frappe.db.release_savepoint(savepoint)
