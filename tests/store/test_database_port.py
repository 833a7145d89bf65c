"""The mariadb adapter of the Database port: parameters, multi-row inserts, transactions."""

from __future__ import annotations

import mariadb
import pytest

from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import insert_rows


@pytest.fixture
def scratch(db: MariaDBDatabase):
	db.execute("CREATE TABLE IF NOT EXISTS scratch (id int primary key, label varchar(20))")
	db.execute("DELETE FROM scratch")
	yield db
	db.execute("DROP TABLE scratch")


def test_both_parameter_styles(scratch: MariaDBDatabase) -> None:
	scratch.execute("INSERT INTO scratch VALUES (%s, %s)", (1, "one"))
	scratch.execute("INSERT INTO scratch VALUES (%(id)s, %(label)s)", {"id": 2, "label": "100%"})
	assert scratch.sql("SELECT label FROM scratch WHERE id = %(id)s", {"id": 2}) == [{"label": "100%"}]
	assert scratch.sql("SELECT COUNT(*) AS n FROM scratch WHERE label LIKE %s", ("%o%",)) == [{"n": 1}]


def test_rows_are_tuples_in_the_select_lists_order(scratch: MariaDBDatabase) -> None:
	scratch.execute("INSERT INTO scratch VALUES (%s, %s), (%s, %s)", (1, "one", 2, "two"))
	assert scratch.rows("SELECT label, id FROM scratch WHERE id >= %s ORDER BY id", (1,)) == [("one", 1), ("two", 2)]
	assert scratch.rows("SELECT COUNT(*) FROM scratch") == [(2,)]
	assert scratch.rows("SELECT label FROM scratch WHERE id > %(id)s", {"id": 5}) == []
	assert scratch.rows("UPDATE scratch SET label = 'x' WHERE id = 1") == []  # no result set


def test_multi_row_insert_in_chunks(scratch: MariaDBDatabase) -> None:
	written = insert_rows(scratch, "scratch", ["id", "label"], ((n, f"row {n}") for n in range(2345)), chunk_rows=1000)
	assert written == 2345
	assert scratch.sql("SELECT COUNT(*) AS n, SUM(id) AS total FROM scratch") == [{"n": 2345, "total": 2345 * 2344 // 2}]


def test_ignore_duplicates_writes_only_new_rows(scratch: MariaDBDatabase) -> None:
	insert_rows(scratch, "scratch", ["id", "label"], [(1, "a"), (2, "b")])
	assert insert_rows(scratch, "scratch", ["id", "label"], [(2, "again"), (3, "c")], ignore_duplicates=True) == 1
	assert scratch.sql("SELECT label FROM scratch ORDER BY id") == [{"label": "a"}, {"label": "b"}, {"label": "c"}]
	with pytest.raises(mariadb.IntegrityError):
		insert_rows(scratch, "scratch", ["id", "label"], [(3, "dup")])


def test_transaction_rolls_back_on_error(scratch: MariaDBDatabase) -> None:
	with pytest.raises(RuntimeError):
		with scratch.transaction():
			scratch.execute("INSERT INTO scratch VALUES (1, 'lost')")
			raise RuntimeError("boom")
	assert scratch.sql("SELECT COUNT(*) AS n FROM scratch") == [{"n": 0}]


def test_nested_transaction_uses_a_savepoint(scratch: MariaDBDatabase) -> None:
	with scratch.transaction():
		scratch.execute("INSERT INTO scratch VALUES (1, 'kept')")
		with pytest.raises(ValueError):
			with scratch.transaction():
				scratch.execute("INSERT INTO scratch VALUES (2, 'undone')")
				raise ValueError("inner")
	assert scratch.sql("SELECT id FROM scratch") == [{"id": 1}]


def test_other_connection_sees_nothing_before_commit(scratch: MariaDBDatabase, db_settings) -> None:
	other = MariaDBDatabase(db_settings)
	with scratch.transaction():
		scratch.execute("INSERT INTO scratch VALUES (7, 'pending')")
		assert other.sql("SELECT COUNT(*) AS n FROM scratch") == [{"n": 0}]
	assert other.sql("SELECT COUNT(*) AS n FROM scratch") == [{"n": 1}]
	other.close()
