"""The `retail-suite` command: one line on bad input or unreachable services, working init/demo/doctor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from retail_suite.config import DatabaseSettings


def run_cli(*args: str, db: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
	env = {**os.environ, "COLUMNS": "120"}
	if db:
		env["RETAIL_SUITE_DB"] = db
	return subprocess.run(
		[sys.executable, "-m", "retail_suite.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
	)


def url(settings: DatabaseSettings) -> str:
	return f"mariadb://{settings.user}@{settings.host}:{settings.port}/{settings.database}"


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
	assert result.returncode != 0
	lines = result.stderr.strip().splitlines()
	assert len(lines) == 1, result.stderr
	assert "Traceback" not in result.stderr + result.stdout
	for needle in needles:
		assert needle in lines[0]


def test_unreachable_mariadb_is_one_line_naming_the_address() -> None:
	result = run_cli("demo", db="mariadb://root@127.0.0.1:3399/retail_suite")
	assert_one_line_error(result, "127.0.0.1:3399", "start MariaDB")


def test_wrong_password_is_one_line() -> None:
	result = run_cli("init", db="mariadb://nosuchuser:wrong@127.0.0.1:3306/retail_suite")
	assert_one_line_error(result, "refused user 'nosuchuser'", "RETAIL_SUITE_DB")


def test_bad_flag_is_one_line() -> None:
	assert_one_line_error(run_cli("demo", "--colour", "red"), "No such option", "--help")
	assert_one_line_error(run_cli("demo", "--stores", "many"), "'many' is not a valid integer")


def test_bad_sizes_are_one_line_and_write_nothing(empty_database: DatabaseSettings) -> None:
	result = run_cli("demo", "--stores", "0", db=url(empty_database))
	assert_one_line_error(result, "--stores 0", "from 1 to 200")
	assert_one_line_error(run_cli("demo", "--skus", "-3", db=url(empty_database)), "--skus -3")
	from retail_suite.db.mariadb_db import MariaDBDatabase

	db = MariaDBDatabase(empty_database)
	assert db.sql("SHOW TABLES") == []
	db.close()


def test_bad_database_url_is_one_line() -> None:
	assert_one_line_error(run_cli("init", db="postgres://x@y/z"), "mariadb://")


def test_doctor_init_demo(empty_database: DatabaseSettings, tmp_path: Path) -> None:
	before = run_cli("doctor", db=url(empty_database))
	assert before.returncode != 0
	assert "not created" in before.stdout and "retail-suite init" in before.stdout

	init = run_cli("init", db=url(empty_database))
	assert init.returncode == 0, init.stderr
	assert "tables created" in init.stdout
	again = run_cli("init", db=url(empty_database))
	assert "0 tables created, 0 columns and 0 indexes added" in again.stdout

	after = run_cli("doctor", db=url(empty_database))
	assert after.returncode == 0, after.stdout + after.stderr
	assert "FAIL" not in after.stdout

	demo = run_cli(
		"demo", "--stores", "2", "--skus", "300", "--members", "100", "--report-dir", str(tmp_path / "report"),
		db=url(empty_database),
	)
	assert demo.returncode == 0, demo.stderr
	assert "demo complete" in demo.stdout
	assert "Stock on hand by store" in demo.stdout
	report = (tmp_path / "report" / "index.html").read_text()
	assert report.count("<svg") >= 3
	assert "Members by home store" in report
