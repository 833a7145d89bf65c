"""Store tests run on the real MariaDB and Redis, in a throwaway database per run, dropped after."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from retail_suite.config import DatabaseSettings, parse_db_url
from retail_suite.db import schema
from retail_suite.db.cache import StandaloneCache
from retail_suite.db.mariadb_db import MariaDBDatabase, drop_database, ensure_database
from retail_suite.demo.chain import Chain
from retail_suite.demo.standalone import write_chain

RUN_ID = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"


def throwaway_settings(suffix: str) -> DatabaseSettings:
	base = parse_db_url(os.environ.get("RETAIL_SUITE_TEST_DB", "mariadb://root@127.0.0.1:3306/retail_suite_test"))
	return base.with_database(f"rs_test_{RUN_ID}_{suffix}")


@pytest.fixture(scope="session")
def db_settings() -> Iterator[DatabaseSettings]:
	"""A migrated throwaway database for the session."""
	settings = throwaway_settings("main")
	ensure_database(settings)
	db = MariaDBDatabase(settings)
	schema.migrate(db)
	db.close()
	yield settings
	drop_database(settings)


@pytest.fixture
def db(db_settings: DatabaseSettings) -> Iterator[MariaDBDatabase]:
	database = MariaDBDatabase(db_settings)
	yield database
	database.close()


@pytest.fixture
def empty_database() -> Iterator[DatabaseSettings]:
	"""A fresh database with no tables, dropped after the test."""
	settings = throwaway_settings(uuid.uuid4().hex[:6])
	ensure_database(settings)
	yield settings
	drop_database(settings)


@pytest.fixture
def chain_db(empty_database: DatabaseSettings, chain: Chain) -> Iterator[MariaDBDatabase]:
	"""A fresh migrated database holding the requesting module's `chain` fixture, written as the demo writes it."""
	database = MariaDBDatabase(empty_database)
	schema.migrate(database)
	write_chain(database, chain)
	yield database
	database.close()


@pytest.fixture
def cache() -> Iterator[StandaloneCache]:
	store_cache = StandaloneCache(namespace=f"test_{RUN_ID}_{uuid.uuid4().hex[:4]}")
	yield store_cache
	store_cache.clear_namespace()
