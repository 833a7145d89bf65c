"""The standalone host: `retail-suite init | demo | doctor | bench` on MariaDB and Redis, no Frappe.

Every failure the user can fix prints one line naming what is wrong and how to fix it,
and exits non-zero; no traceback.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from retail_suite import __version__
from retail_suite.config import DatabaseSettings, parse_db_url, redis_url
from retail_suite.errors import RetailSuiteError, SchemaError

console = Console()
error_console = Console(stderr=True)


class Context:
	def __init__(self, db_url: str | None, redis: str | None) -> None:
		self.db_url = db_url
		self.redis = redis

	@property
	def settings(self) -> DatabaseSettings:
		return parse_db_url(self.db_url)


@contextmanager
def progress_bars() -> Iterator[Callable[[str, int], Callable[[str, int], None]]]:
	"""Yield a factory of progress-bar tick functions, one bar per stage."""
	with Progress(
		TextColumn("{task.description:<22}"),
		BarColumn(),
		MofNCompleteColumn(),
		TimeElapsedColumn(),
		console=console,
		transient=False,
	) as progress:

		def bar(stage: str, total: int) -> Callable[[str, int], None]:
			task = progress.add_task(stage, total=max(total, 1))

			def tick(_what: str, units: int) -> None:
				progress.advance(task, units)

			return tick

		yield bar
		for task in progress.tasks:
			progress.update(task.id, completed=task.total)


def open_database(settings: DatabaseSettings, create: bool = False, migrate: bool = False):
	"""Connect to the standalone database; optionally create it and migrate the schema."""
	from retail_suite.db import schema
	from retail_suite.db.mariadb_db import MariaDBDatabase, ensure_database

	if create:
		ensure_database(settings)
	db = MariaDBDatabase(settings)
	if migrate:
		schema.migrate(db)
	elif schema.stored_fingerprint(db) != schema.schema_fingerprint():
		raise SchemaError(f"the schema of database {settings.database} is missing or out of date", "run `retail-suite init`")
	return db


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", envvar="RETAIL_SUITE_DB", help="mariadb://user:password@host:port/database")
@click.option("--redis", envvar="RETAIL_SUITE_REDIS", help="redis://host:port/db")
@click.version_option(__version__, prog_name="retail-suite")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, redis: str | None) -> None:
	"""retail_suite standalone host: the same engine and SQL as the Frappe app, on MariaDB and Redis."""
	ctx.obj = Context(db_url, redis)


@cli.command()
@click.pass_obj
def init(ctx: Context) -> None:
	"""Create the database and its schema (idempotent: adds only what is missing)."""
	from retail_suite.db import schema
	from retail_suite.db.mariadb_db import MariaDBDatabase, ensure_database

	settings = ctx.settings
	started = time.perf_counter()
	created = ensure_database(settings)
	db = MariaDBDatabase(settings)
	result = schema.migrate(db)
	db.close()
	what = "created" if created else "checked"
	console.print(
		f"database [bold]{settings.database}[/] on {settings.address} {what}: "
		f"{len(result.created_tables)} tables created, {len(result.added_columns)} columns and "
		f"{len(result.added_indexes)} indexes added ({time.perf_counter() - started:.2f} s)"
	)


@cli.command()
@click.option("--stores", default=3, show_default=True, type=int, help="number of stores")
@click.option("--skus", default=5000, show_default=True, type=int, help="sellable SKUs, chain-wide")
@click.option("--members", default=2000, show_default=True, type=int, help="loyalty members")
@click.option("--days", default=7, show_default=True, type=int, help="business days of till traffic to replay")
@click.option("--seed", default=1, show_default=True, type=int, help="random seed: same seed, same chain")
@click.option("--report-dir", default="demo-report", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def demo(ctx: Context, stores: int, skus: int, members: int, days: int, seed: int, report_dir: Path) -> None:
	"""Build a demo chain and run it through every pipeline; print a summary, write an HTML report."""
	from retail_suite.db.cache import StandaloneCache
	from retail_suite.demo.chain import DemoConfig
	from retail_suite.demo.pipeline import run_demo
	from retail_suite.demo.report import write_report

	config = DemoConfig(stores=stores, skus=skus, members=members, days=days, seed=seed)
	config.validate()
	settings = ctx.settings
	started = time.perf_counter()
	db = open_database(settings, create=True, migrate=True)
	cache = StandaloneCache(ctx.redis, namespace=settings.database)
	cache.ping()
	console.print(f"[bold]retail-suite demo[/] → database {settings.database} on {settings.address}, Redis {cache.url}")
	with progress_bars() as bar:
		result = run_demo(db, config, bar)
	cache.set("demo:last_run", time.strftime("%Y-%m-%d %H:%M:%S"))
	db.close()

	for section in result.sections:
		console.rule(f"[bold]{section.title}")
		if section.intro:
			console.print(section.intro)
		for table in section.tables:
			rich_table = RichTable(title=table.title, title_justify="left")
			for column in table.columns:
				rich_table.add_column(column)
			for row in table.rows:
				rich_table.add_row(*(f"{v:,.2f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v) for v in row))
			console.print(rich_table)
	path = write_report(
		report_dir,
		"retail_suite demo chain",
		f"{config.stores} stores × {config.skus:,} SKUs × {config.members:,} members, seed {config.seed}",
		result.sections,
	)
	elapsed = time.perf_counter() - started
	rows = sum(result.rows_written.values())
	console.print(
		f"\n[bold green]demo complete[/] in {elapsed:.1f} s: {rows:,} rows written; "
		f"report at [bold]{path.resolve()}[/]"
	)


@cli.command()
@click.pass_obj
def doctor(ctx: Context) -> None:
	"""Check MariaDB, Redis and the schema; say what is wrong and how to fix it."""
	from retail_suite.db import schema
	from retail_suite.db.cache import StandaloneCache
	from retail_suite.db.mariadb_db import MariaDBDatabase, connect_server

	checks: list[tuple[str, bool, str]] = []
	settings = ctx.settings
	try:
		server = connect_server(settings)
		version = server.server_info if hasattr(server, "server_info") else ""
		server.close()
		checks.append((f"MariaDB {settings.address}", True, f"reachable as {settings.user} {version}".strip()))
		try:
			db = MariaDBDatabase(settings)
			stored = schema.stored_fingerprint(db)
			expected = schema.schema_fingerprint()
			db.close()
			if stored == expected:
				checks.append((f"schema of {settings.database}", True, f"up to date ({expected})"))
			elif stored is None:
				checks.append((f"schema of {settings.database}", False, "not created — run `retail-suite init`"))
			else:
				checks.append((f"schema of {settings.database}", False, f"{stored} is older than {expected} — run `retail-suite init`"))
		except RetailSuiteError as error:
			checks.append((f"database {settings.database}", False, str(error)))
	except RetailSuiteError as error:
		checks.append((f"MariaDB {settings.address}", False, str(error)))
	try:
		StandaloneCache(ctx.redis, namespace=settings.database).ping()
		checks.append((f"Redis {redis_url(ctx.redis)}", True, "reachable"))
	except RetailSuiteError as error:
		checks.append((f"Redis {redis_url(ctx.redis)}", False, str(error)))

	table = RichTable(title="retail-suite doctor", title_justify="left")
	for column in ("check", "status", "detail"):
		table.add_column(column)
	for name, ok, detail in checks:
		table.add_row(name, "[green]ok[/]" if ok else "[red]FAIL[/]", detail)
	console.print(table)
	failed = [name for name, ok, _ in checks if not ok]
	if failed:
		raise SchemaError(f"{len(failed)} check(s) failed: {', '.join(failed)}", "fix them as the table says")


@cli.command(name="bench")
@click.option("--output", default="BENCHMARKS.md", show_default=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--repeat", default=5, show_default=True, type=click.IntRange(1, 100), help="runs per measurement")
@click.option("--skus", default=5000, show_default=True, type=click.IntRange(50, 1_000_000))
@click.pass_obj
def bench_command(ctx: Context, output: Path, repeat: int, skus: int) -> None:
	"""Run the benchmarks on throwaway databases and write BENCHMARKS.md."""
	from retail_suite.benchmarks import run_benchmarks, write_benchmarks

	results = run_benchmarks(ctx.settings, repeat=repeat, skus=skus, log=console.print)
	write_benchmarks(output, results)
	console.print(f"[bold green]benchmarks written[/] to {output.resolve()}")


def main(argv: list[str] | None = None) -> int:
	"""Console entry point: one line on any user-fixable error, non-zero exit, no traceback."""
	try:
		cli.main(args=argv, prog_name="retail-suite", standalone_mode=False)
	except click.exceptions.NoArgsIsHelpError as error:
		click.echo(error.ctx.get_help() if error.ctx else str(error))
		return 0
	except click.UsageError as error:
		command = error.ctx.command_path if error.ctx else "retail-suite"
		error_console.print(f"retail-suite: {error.format_message()} (see `{command} --help`)", highlight=False, soft_wrap=True)
		return 2
	except click.Abort:
		error_console.print("retail-suite: aborted", highlight=False)
		return 130
	except RetailSuiteError as error:
		error_console.print(f"retail-suite: {error.one_line()}", highlight=False, soft_wrap=True)
		return error.exit_code
	except Exception as error:  # a database or Redis failure mid-run: one line unless debugging
		if os.environ.get("RETAIL_SUITE_DEBUG"):
			raise
		error_console.print(
			f"retail-suite: {type(error).__name__}: {error} (set RETAIL_SUITE_DEBUG=1 for the traceback)",
			highlight=False,
			soft_wrap=True,
		)
		return 1
	return 0


if __name__ == "__main__":
	sys.exit(main())
