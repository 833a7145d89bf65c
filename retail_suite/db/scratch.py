"""Throwaway databases for benchmarks: created beside the configured one, migrated, dropped after."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from retail_suite.config import DatabaseSettings, parse_db_url
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase, drop_database, ensure_database


@contextmanager
def scratch_database(settings: DatabaseSettings, label: str, migrate: bool = True) -> Iterator[MariaDBDatabase]:
	"""A new database `rs_bench_<label>_<random>` on the same server (with the schema when `migrate`),
	closed and dropped when the block ends, also on error."""
	scratch = settings.with_database(f"rs_bench_{label}_{uuid.uuid4().hex[:6]}")
	ensure_database(scratch)
	try:
		db = MariaDBDatabase(scratch)
		try:
			if migrate:
				schema.migrate(db)
			yield db
		finally:
			db.close()
	finally:
		drop_database(scratch)


def benchmark_main(
	benchmark: Callable[..., dict[str, Any]], argv: list[str], label: str, sizes: int, show: bool = False
) -> int:
	"""`python -m retail_suite.<domain>.benchmark [size …]`: run `benchmark(db, *sizes)` on a scratch
	database beside RETAIL_SUITE_DB's; `show` prints the returned figures one per line."""
	with scratch_database(parse_db_url(None), label) as db:
		figures = benchmark(db, *[int(value) for value in argv[:sizes]])
	if show:
		for key, value in figures.items():
			print(f"{key}: {value}")
	return 0
