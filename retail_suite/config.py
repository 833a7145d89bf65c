"""Standalone host configuration: flags and environment, parsed into typed settings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from retail_suite.errors import ConfigError

DEFAULT_DB_URL = "mariadb://root@127.0.0.1:3306/retail_suite"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DB_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,64}$")


@dataclass(frozen=True)
class DatabaseSettings:
	"""Where the standalone host's MariaDB database lives."""

	host: str
	port: int
	user: str
	password: str
	database: str

	@property
	def address(self) -> str:
		return f"{self.host}:{self.port}"

	def with_database(self, database: str) -> DatabaseSettings:
		return DatabaseSettings(self.host, self.port, self.user, self.password, database)


def parse_db_url(url: str | None = None) -> DatabaseSettings:
	"""Parse `mariadb://user:password@host:port/database` (RETAIL_SUITE_DB)."""
	url = url or os.environ.get("RETAIL_SUITE_DB") or DEFAULT_DB_URL
	parts = urlsplit(url)
	if parts.scheme not in ("mariadb", "mysql"):
		raise ConfigError(
			f"database URL {url!r} must start with mariadb://",
			"set RETAIL_SUITE_DB=mariadb://user:password@host:3306/database",
		)
	database = parts.path.lstrip("/") or "retail_suite"
	if not DB_NAME_PATTERN.match(database):
		raise ConfigError(
			f"database name {database!r} in {url!r} is not allowed",
			"use letters, digits and underscores only (at most 64)",
		)
	try:
		port = parts.port or 3306
	except ValueError:
		raise ConfigError(f"port in database URL {url!r} is not a number", "use host:3306")
	return DatabaseSettings(
		host=parts.hostname or "127.0.0.1",
		port=port,
		user=unquote(parts.username or "root"),
		password=unquote(parts.password or ""),
		database=database,
	)


def redis_url(url: str | None = None) -> str:
	"""The Redis URL of the standalone host (RETAIL_SUITE_REDIS)."""
	url = url or os.environ.get("RETAIL_SUITE_REDIS") or DEFAULT_REDIS_URL
	if not url.startswith(("redis://", "rediss://", "unix://")):
		raise ConfigError(f"Redis URL {url!r} must start with redis://", "set RETAIL_SUITE_REDIS=redis://127.0.0.1:6379/0")
	return url
