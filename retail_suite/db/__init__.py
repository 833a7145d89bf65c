"""Database port, its two adapters, schema from doctype JSON, and Redis.

`get_database()` returns the adapter of the current host: `frappe.db` inside a
Frappe site, otherwise the standalone `mariadb` connection from RETAIL_SUITE_DB.
"""

from __future__ import annotations

from retail_suite.db.cache import in_frappe_site
from retail_suite.db.port import Database


def get_database(url: str | None = None) -> Database:
	if in_frappe_site():
		from retail_suite.db.frappe_db import FrappeDatabase

		return FrappeDatabase()
	from retail_suite.config import parse_db_url
	from retail_suite.db.mariadb_db import MariaDBDatabase

	return MariaDBDatabase(parse_db_url(url))
