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

console = Console(width=None if sys.stdout.isatty() else 120)
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
@click.option("--days", default=14, show_default=True, type=int,
	help="business days of till traffic to replay (from 14: week 1 without promotions, as their baseline)")
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


@cli.command()
@click.argument("source", type=click.File("rb"))
@click.option("--source-system", "source_system", default="External API", show_default=True,
	type=click.Choice(["External API", "Offline Till"]), help="where the records come from")
@click.option("--audit/--no-audit", default=True, show_default=True, help="audit and aggregate after ingest")
@click.pass_obj
def ingest(ctx: Context, source, source_system: str, audit: bool) -> None:
	"""Ingest till transactions from a JSON Lines FILE (or - for standard input), then audit and aggregate."""
	from retail_suite.posdm.audit_sql import run_audit
	from retail_suite.posdm.ingest import read_json_lines
	from retail_suite.posdm.pipeline import ingest_stream
	from retail_suite.posdm.posting import aggregate_all

	db = open_database(ctx.settings)
	started = time.perf_counter()
	with Progress(TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn(), console=error_console) as progress:
		task = progress.add_task("ingesting", total=None)
		tally = ingest_stream(db, read_json_lines(source), source_system, lambda n: progress.advance(task, n))
	console.print(
		f"ingested in {time.perf_counter() - started:.1f} s: [green]{tally.accepted:,} accepted[/], "
		f"{tally.duplicate:,} duplicates, [red]{tally.rejected:,} rejected[/]"
	)
	for rejection in tally.rejections[:20]:
		console.print(f"  record {rejection.index + 1}: {rejection.reason}", highlight=False)
	if len(tally.rejections) > 20:
		console.print(f"  … and {len(tally.rejections) - 20:,} more")
	if audit:
		summary = run_audit(db)
		postings = aggregate_all(db)
		console.print(
			f"audit: {summary.audited:,} passed, {summary.errors:,} in error, {summary.voided:,} voided, "
			f"{summary.gaps_opened:,} new gaps; {len(postings):,} posting documents created"
		)
	db.close()
	if tally.rejected:
		sys.exit(1)


@cli.group()
def posdm() -> None:
	"""Point-of-sale data management: status, audit and aggregation, store-day close."""


@posdm.command()
@click.option("--store", help="only this store")
@click.option("--day", "business_day", type=click.DateTime(["%Y-%m-%d"]), help="only this business day")
@click.pass_obj
def status(ctx: Context, store: str | None, business_day) -> None:
	"""Received, audited, errors, gaps and posted per store, terminal and business day."""
	from retail_suite.posdm import status as posdm_status

	db = open_database(ctx.settings)
	day = business_day.date() if business_day else None
	rows = posdm_status.log_status(db, store, day)
	table = RichTable(title="Transaction log", title_justify="left")
	for column in ("Business day", "Store", "Terminal", "Received", "Audited", "Errors", "Voided", "Posted", "Open gaps", "Takings"):
		table.add_column(column, justify="right" if column not in ("Store", "Terminal", "Business day") else "left")
	for row in rows:
		table.add_row(
			str(row["business_day"]), row["store"], row["terminal"], f"{row['received']:,}", f"{int(row['audited'] or 0):,}",
			_flag(int(row["errors"] or 0)), f"{int(row['voided'] or 0):,}", f"{int(row['posted'] or 0):,}",
			_flag(row["open_gaps"]), f"{float(row['takings'] or 0):,.2f}",
		)
	console.print(table)
	postings = posdm_status.posting_status(db, store)
	table = RichTable(title="Posting documents (outbox)", title_justify="left")
	for column in ("Business day", "Store", "Kind", "Status", "Documents", "Transactions", "Grand total"):
		table.add_column(column)
	for row in postings:
		table.add_row(str(row["business_day"]), row["store"], row["kind"], row["status"], f"{row['documents']:,}",
			f"{int(row['transactions'] or 0):,}", f"{float(row['grand_total'] or 0):,.2f}")
	console.print(table)
	for error in posdm_status.error_transactions(db, store):
		console.print(f"[red]Error[/] {error['name']}: {error['audit_messages']}", highlight=False)
	db.close()


def _flag(count: int) -> str:
	return f"[red]{count:,}[/]" if count else "0"


@posdm.command(name="run")
@click.option("--store", help="only this store")
@click.option("--retry-errors", is_flag=True, help="audit transactions in Error again (after fixing master data)")
@click.pass_obj
def run_posdm(ctx: Context, store: str | None, retry_errors: bool) -> None:
	"""Audit received transactions and aggregate audited ones into posting documents."""
	from retail_suite.posdm.audit_sql import run_audit
	from retail_suite.posdm.posting import aggregate_all

	db = open_database(ctx.settings)
	summary = run_audit(db, store=store, retry_errors=retry_errors)
	postings = aggregate_all(db, store)
	console.print(
		f"audit: {summary.audited:,} passed, {summary.errors:,} in error, {summary.voided:,} voided, "
		f"{summary.gaps_opened:,} new gaps, {summary.gaps_filled:,} filled; {len(postings):,} posting documents created"
	)
	db.close()


@posdm.command()
@click.option("--store", required=True)
@click.option("--day", "business_day", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--counted", multiple=True, metavar="MODE=AMOUNT", help="counted amount per mode of payment, e.g. Cash=1234.50")
@click.pass_obj
def close(ctx: Context, store: str, business_day, counted: tuple[str, ...]) -> None:
	"""Close a store's business day: expected against counted per tender, the variance recorded."""
	from decimal import Decimal, InvalidOperation

	from retail_suite.errors import ValidationError
	from retail_suite.posdm.store_day import close_store_day

	amounts: dict[str, Decimal] = {}
	for item in counted:
		mode, _, amount = item.partition("=")
		try:
			amounts[mode.strip()] = Decimal(amount)
		except InvalidOperation:
			raise ValidationError(f"--counted {item!r} is not MODE=AMOUNT", fix="e.g. --counted Cash=1234.50")
	db = open_database(ctx.settings)
	result = close_store_day(db, store, business_day.date(), amounts)
	console.print(f"{result['name']} closed; over (+) / short (−): {result['total_variance']:,.2f}")
	db.close()


@cli.group()
def points() -> None:
	"""Members' loyalty points: book them from the transaction log, show a member's balance."""


@points.command(name="book")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="lapse points whose last day is before this day (default: today)")
@click.option("--store", help="only this store's transactions")
@click.pass_obj
def points_book(ctx: Context, as_of, store: str | None) -> None:
	"""Book the points of audited and posted transactions with a member, take back voided ones, lapse expired points."""
	from retail_suite.membership.points_ledger import book_points

	db = open_database(ctx.settings)
	started = time.perf_counter()
	with progress_bars() as bar:
		result = book_points(db, as_of=as_of.date() if as_of else None, store=store, progress=bar)
	db.close()
	table = RichTable(title="Points booked", title_justify="left")
	for column in ("Entry type", "Entries", "Points"):
		table.add_column(column, justify="left" if column == "Entry type" else "right")
	for entry_type in ("Earn", "Return", "Redeem", "Adjust", "Expire"):
		if result.entries.get(entry_type):
			table.add_row(entry_type, f"{result.entries[entry_type]:,}", f"{result.points[entry_type]:+,}")
	console.print(table)
	console.print(
		f"{result.transactions:,} transactions booked, {result.written:,} entries written for {len(result.members):,} members "
		f"({time.perf_counter() - started:.1f} s)"
	)
	for _transaction, why in result.refused[:20]:
		console.print(f"[red]refused[/] {why}", highlight=False)
	if result.refused:
		console.print(f"{len(result.refused):,} transactions wait: fix the member's points (an Adjust entry), then book again")
		sys.exit(1)


@points.command(name="balance")
@click.argument("member")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="the balance on this day (default: today)")
@click.pass_obj
def points_balance(ctx: Context, member: str, as_of) -> None:
	"""A MEMBER's usable points, their value, tier, the points about to lapse and the latest entries."""
	from retail_suite.membership.points_ledger import member_points

	db = open_database(ctx.settings)
	found = member_points(db, member, as_of=as_of.date() if as_of else None)
	db.close()
	console.print(
		f"[bold]{member}[/]: {found.balance:,} points worth {found.value:,.2f} on {found.as_of}; "
		f"tier {found.tier}, lifetime spend {found.lifetime_spend:,.2f}"
	)
	if found.expiring:
		table = RichTable(title="Points by last day", title_justify="left")
		table.add_column("Last day")
		table.add_column("Points", justify="right")
		for last_day, held in found.expiring[:10]:
			table.add_row(str(last_day), f"{held:,}")
		console.print(table)
	table = RichTable(title="Latest entries", title_justify="left")
	for column in ("Business day", "Type", "Points", "Transaction", "Tier", "Purchase"):
		table.add_column(column, justify="right" if column in ("Points", "Purchase") else "left")
	for entry in found.entries[-15:]:
		table.add_row(
			str(entry["business_day"]), entry["entry_type"], f"{int(entry['points']):+,}",
			entry["transaction"] or entry["coupon_code"] or entry["remarks"] or "", entry["tier"] or "",
			f"{float(entry['purchase_amount'] or 0):,.2f}",
		)
	console.print(table)


@cli.group()
def members() -> None:
	"""Members: statistics from the transaction log, and the tags of the Member Tag Rules."""


@members.command(name="tag")
@click.option("--full", is_flag=True, help="recompute the statistics from the whole transaction log first")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="the day the tags are for (default: today)")
@click.pass_obj
def members_tag(ctx: Context, full: bool, as_of) -> None:
	"""Fold new transactions into member statistics, score the members and give every enabled rule's tag."""
	from datetime import date

	from retail_suite.membership.member_stats import fold_transactions, recompute_all
	from retail_suite.membership.tagging import assign_tags

	db = open_database(ctx.settings)
	day = as_of.date() if as_of else date.today()
	with progress_bars() as bar:
		folded = (recompute_all if full else fold_transactions)(db, progress=bar)
		tagged = assign_tags(db, day, progress=bar)
	db.close()
	table = RichTable(title=f"Member tags as of {day}", title_justify="left")
	for column in ("Tag", "Members", "Added", "Removed"):
		table.add_column(column, justify="left" if column == "Tag" else "right")
	for result in tagged.rules:
		if result.problems:
			table.add_row(result.tag, "[red]skipped[/]", "", "")
		else:
			table.add_row(result.tag, f"{result.matched:,}", f"{result.added:,}", f"{result.removed:,}")
	console.print(table)
	console.print(
		f"{'full recompute: ' if full else ''}{folded.folded:,} transactions folded, {folded.unfolded:,} taken back "
		f"for {folded.members:,} members ({folded.seconds:.1f} s); tags: {tagged.added:,} added, {tagged.removed:,} removed, "
		f"{tagged.members_changed:,} customers updated ({tagged.seconds:.1f} s)"
	)
	problems = [(result.tag, problem) for result in tagged.rules for problem in result.problems]
	for tag, problem in problems:
		console.print(f"[red]rule {tag} skipped[/]: {problem}", highlight=False)
	if problems:
		sys.exit(1)


@cli.group()
def campaign() -> None:
	"""Member campaigns: birthday care, slow movers, custom — coupons issued once per member and period."""


@campaign.command(name="run")
@click.option("--as-of", "as_of", required=True, type=click.DateTime(["%Y-%m-%d"]), help="the day the campaigns run for")
@click.option("--campaign", "name", help="only this campaign (also when disabled)")
@click.pass_obj
def campaign_run(ctx: Context, as_of, name: str | None) -> None:
	"""Issue coupons to the members each enabled campaign is for, then record redemptions and sales after."""
	from retail_suite.membership.campaigns import run_campaigns

	db = open_database(ctx.settings)
	with progress_bars() as bar:
		runs = run_campaigns(db, as_of.date(), name, progress=bar)
	db.close()
	table = RichTable(title=f"Campaigns as of {as_of.date()}", title_justify="left")
	for column in ("Campaign", "Period", "Issued now", "Targeted", "Redeemed", "Rate", "Sales after"):
		table.add_column(column, justify="left" if column in ("Campaign", "Period") else "right")
	for run in runs:
		result = run.result
		table.add_row(
			run.campaign, run.period_key, f"{run.issued:,}", f"{result.targeted:,}", f"{result.redeemed:,}",
			f"{result.redemption_rate:.1%}", f"{result.sales_after:,.2f}",
		)
	console.print(table)
	if not runs:
		console.print("no enabled campaign: create a Retail Campaign first")
	console.print(
		f"{sum(run.issued for run in runs):,} coupons issued, {sum(run.redeemed for run in runs):,} newly redeemed "
		"(the standalone host sends no messages: they stay Pending)"
	)


@cli.group()
def apparel() -> None:
	"""Apparel: broken sizes (断码) per store and style, with transfer suggestions."""


@apparel.command(name="broken-sizes")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="the day of the scan: sales of the days before it (default: today)")
@click.pass_obj
def apparel_broken_sizes(ctx: Context, as_of) -> None:
	"""List broken styles per store, ranked by lost sales, with transfers from stores that sell the sizes slowly;
	writes the day's Broken Size Alerts (a rerun replaces the open ones)."""
	from datetime import date

	from retail_suite.apparel.broken_sizes import run_broken_sizes

	db = open_database(ctx.settings)
	stock_db = open_database(ctx.settings)  # reads the Bins while `db` reads the sales
	day = as_of.date() if as_of else date.today()
	try:
		with progress_bars() as bar:
			scan = run_broken_sizes(db, day, progress=bar, stock_db=stock_db)
	finally:
		stock_db.close()
		db.close()
	table = RichTable(title=f"Broken sizes as of {day}", title_justify="left")
	for column in ("Store", "Rank", "Style", "Missing sizes", "Lost units", "Lost sales", "Style sold", "Transfers"):
		table.add_column(column, justify="right" if column in ("Rank", "Lost units", "Lost sales", "Style sold") else "left")
	for found in scan.broken:
		moves = ", ".join(f"{t.qty} {t.size}{' ' + t.colour if t.colour else ''} from {t.from_store or t.from_warehouse}"
			for t in scan.transfers_for(found.store, found.style))
		table.add_row(found.store, str(found.rank), found.style, found.missing_sizes, f"{found.lost_units:,.1f}",
			f"{found.lost_value:,.2f}", f"{found.style_sold:,.0f}", moves or "none: order")
	console.print(table)
	if not scan.rules:
		console.print("no enabled Broken Size Rule: create one first (key sizes per style or item group)")
	console.print(
		f"{len(scan.broken):,} broken styles in {len({found.store for found in scan.broken}):,} stores "
		f"({scan.pairs_selling:,} store × style pairs still selling); {len(scan.transfers):,} transfers of "
		f"{sum(t.qty for t in scan.transfers):,} units suggested ({scan.seconds:.1f} s)"
	)


@cli.command()
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="the day to plan for: sales up to the day before (default: today)")
@click.option("--store", help="only this store")
@click.option("--service-level", default=0.95, show_default=True, type=click.FloatRange(0.5, 0.999), help="cycle service level of the safety stock")
@click.option("--recompute", is_flag=True, help="rebuild every forecast from the sales history first")
@click.pass_obj
def replenish(ctx: Context, as_of, store: str | None, service_level: float, recompute: bool) -> None:
	"""Fold new sales, rate suppliers, forecast demand and suggest orders per store and supplier, with reasons."""
	from datetime import date

	from retail_suite.replenishment.forecast import Policy
	from retail_suite.replenishment.suggestions import run_replenishment

	db = open_database(ctx.settings)
	day = as_of.date() if as_of else date.today()
	with progress_bars() as bar:
		run = run_replenishment(db, day, store, policy=Policy(service_level=service_level), recompute=recompute, progress=bar)
	db.close()
	table = RichTable(title=f"Suggested orders for {day}", title_justify="left")
	for column in ("Store", "Supplier", "Lines", "Units", "Lead time (days)"):
		table.add_column(column, justify="left" if column in ("Store", "Supplier") else "right")
	for (store_code, supplier), lines in run.by_supplier().items():
		table.add_row(store_code, supplier or "—", f"{len(lines):,}", f"{sum(line.suggested_qty for line in lines):,.0f}",
			f"{max(line.lead_time_days for line in lines):.1f}")
	console.print(table)
	rated = [rating for rating in run.ratings.values() if rating.lines_due or rating.late_orders]
	if rated:
		table = RichTable(title="Suppliers", title_justify="left")
		for column in ("Supplier", "On time", "Fill rate", "Lead time", "Price change", "Late open orders"):
			table.add_column(column, justify="left" if column == "Supplier" else "right")
		for rating in rated:
			table.add_row(
				rating.supplier, "—" if rating.on_time_rate is None else f"{rating.on_time_rate:.1f}%",
				"—" if rating.fill_rate is None else f"{rating.fill_rate:.1f}%",
				"—" if rating.lead_time_mean is None else f"{rating.lead_time_mean:.1f} ± {rating.lead_time_std:.1f} d",
				"—" if rating.price_change_percent is None else f"{rating.price_change_percent:+.1f}%",
				", ".join(f"{late.purchase_order} ({late.days_late} d)" for late in rating.late_orders[:3]) or "0",
			)
		console.print(table)
	forecasts = run.forecasts
	console.print(
		f"{run.sales.folded:,} transactions folded into daily sales, {run.stockouts:,} items out of stock yesterday; "
		f"{len(forecasts):,} forecasts ({forecasts.days_read} days read), {run.planned:,} items planned, "
		f"{len(run.suggestions):,} suggestions written ({sum(run.seconds.values()):.1f} s)"
	)


@cli.group()
def fresh() -> None:
	"""Fresh produce: markdowns of batches near expiry, labels, shrink, loss rate and the order proposal."""


def _moment(value: str | None):
	"""--as-of: ISO with an offset (an absolute moment) or without (each store's own wall-clock time)."""
	from datetime import UTC, datetime

	from retail_suite.errors import ValidationError

	if not value:
		return datetime.now(UTC)
	try:
		return datetime.fromisoformat(value)
	except ValueError:
		raise ValidationError(f"--as-of {value!r} is not a date and time", fix="e.g. 2026-11-28T18:30 or 2026-11-28T10:30+00:00")


@fresh.command(name="markdowns")
@click.option("--as-of", "as_of", help="ISO date-time; without an offset it is each store's local time (default: now)")
@click.option("--store", help="only this store")
@click.pass_obj
def fresh_markdowns(ctx: Context, as_of: str | None, store: str | None) -> None:
	"""Run the expiry job: markdown promotions for batches on a ladder step, labels, expired batches blocked and proposed for withdrawal."""
	from retail_suite.fresh.markdowns import run_markdowns

	db = open_database(ctx.settings)
	with progress_bars() as bar:
		run = run_markdowns(db, _moment(as_of), store=store, progress=bar)
	db.close()
	table = RichTable(title=f"Fresh batches as of {run.as_of}", title_justify="left")
	for column in ("Where they stand", "Batches"):
		table.add_column(column, justify="left" if column == "Where they stand" else "right")
	for phase, count in sorted(run.phases.items()):
		table.add_row(phase.replace("_", " "), f"{count:,}")
	console.print(table)
	console.print(
		f"{run.batches:,} batches with stock; {len(run.promotions_created):,} markdown promotions made, "
		f"{len(run.promotions_extended):,} extended; {len(run.labels):,} labels to print; {len(run.blocked):,} batches blocked; "
		f"withdrawals proposed: {', '.join(f'{name} ({lines} lines)' for name, lines in run.withdrawals.items()) or 'none'} "
		f"({run.seconds:.2f} s)"
	)
	for ladder, problems in run.ladder_problems.items():
		console.print(f"[red]ladder {ladder} skipped[/]: {'; '.join(problems)}", highlight=False)


@fresh.command(name="labels")
@click.option("--store", help="only this store")
@click.pass_obj
def fresh_labels(ctx: Context, store: str | None) -> None:
	"""The labels stores must print: markdown prices with the GS1 data that carries the batch."""
	from retail_suite.fresh.markdowns import labels_to_print

	db = open_database(ctx.settings)
	rows = labels_to_print(db, store)
	db.close()
	table = RichTable(title="Labels to print", title_justify="left")
	for column in ("Store", "Item", "Batch", "Expiry", "Qty", "% off", "Label price", "GS1"):
		table.add_column(column)
	for row in rows:
		table.add_row(row["store"], row["item_code"], row["batch_no"], str(row["expiry_date"]), f"{float(row['qty']):g}",
			f"{float(row['percent_off']):g}", f"{float(row['label_price']):.2f}", row["gs1_element_string"] or "")
	console.print(table)
	console.print(f"{len(rows):,} labels to print")


@fresh.command(name="shrink")
@click.argument("store")
@click.option("--line", "lines", multiple=True, required=True, metavar="ITEM:QTY:REASON[:BATCH]",
	help="what was thrown away, e.g. --line F-00012:3:Damaged:F-00012-S001-261127")
@click.option("--date", "posting_date", type=click.DateTime(["%Y-%m-%d"]), help="the day (default: today)")
@click.pass_obj
def fresh_shrink(ctx: Context, store: str, lines: tuple[str, ...], posting_date) -> None:
	"""Record waste of a STORE per batch and reason (Expired, Damaged, Quality, Theft, Stocktake), valued at cost."""
	from datetime import date

	from retail_suite.errors import ValidationError
	from retail_suite.fresh.shrink import record_shrink

	rows = []
	for text in lines:
		parts = text.split(":")
		if len(parts) not in (3, 4):
			raise ValidationError(f"--line {text!r} is not ITEM:QTY:REASON[:BATCH]", fix="e.g. --line F-00012:3:Damaged:F-00012-S001-261127")
		rows.append({"item_code": parts[0], "qty": parts[1], "reason": parts[2], "batch_no": parts[3] if len(parts) == 4 else None})
	db = open_database(ctx.settings)
	record = record_shrink(db, store, rows, posting_date.date() if posting_date else date.today())
	db.close()
	console.print(
		f"{record.name}: {record.total_qty.normalize():f} units worth {record.total_value:,.2f} at cost recorded for store {store} "
		"(posting Pending: the standalone host keeps it for a ledger to read)"
	)


@fresh.command(name="withdraw")
@click.argument("name")
@click.option("--counted", multiple=True, metavar="BATCH=QTY", help="what was found on the shelf; 0 drops the batch")
@click.pass_obj
def fresh_withdraw(ctx: Context, name: str, counted: tuple[str, ...]) -> None:
	"""Confirm the withdrawal proposal NAME (SHR-<store>-W<day>) with the counts found on the shelf."""
	from decimal import Decimal, InvalidOperation

	from retail_suite.errors import ValidationError
	from retail_suite.fresh.shrink import confirm_withdrawal

	found: dict[str, Decimal] = {}
	for item in counted:
		batch, _, qty = item.partition("=")
		try:
			found[batch.strip()] = Decimal(qty)
		except InvalidOperation:
			raise ValidationError(f"--counted {item!r} is not BATCH=QTY", fix="e.g. --counted F-00012-S001-261127=4")
	db = open_database(ctx.settings)
	done = confirm_withdrawal(db, name, found or None)
	db.close()
	console.print(f"{done.name} confirmed for store {done.store}: {len(done.lines)} batches withdrawn")


@fresh.command(name="loss")
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), required=True, help="first business day")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), required=True, help="last business day")
@click.option("--store", help="only this store")
@click.pass_obj
def fresh_loss(ctx: Context, first, last, store: str | None) -> None:
	"""Loss rate = shrink ÷ (sales + shrink) at cost per store, item group and ISO week, against the target."""
	from retail_suite.fresh.loss_report import chain_loss, loss_rates

	db = open_database(ctx.settings)
	rows = loss_rates(db, first.date(), last.date(), store)
	db.close()
	table = RichTable(title="Fresh loss rate", title_justify="left")
	for column in ("Store", "Item group", "Week", "Sales at cost", "Shrink at cost", "Loss %", "Target %", "Markdown", "Recovered"):
		table.add_column(column, justify="left" if column in ("Store", "Item group", "Week") else "right")
	for row in rows:
		loss = "—" if row.loss_percent is None else f"{row.loss_percent}"
		table.add_row(row.store, row.item_group, row.week, f"{row.sales_cost:,.2f}", f"{row.shrink_cost:,.2f}",
			f"[red]{loss}[/]" if row.over_target else loss, f"{row.target_percent:g}", f"{row.markdown_discount:,.2f}",
			f"{row.markdown_sales:,.2f}")
	console.print(table)
	total = chain_loss(rows)
	console.print(f"all: {total['loss_percent'] if total['loss_percent'] is not None else '—'} % loss; "
		f"markdowns gave {total['markdown_discount']:,.2f} off and recovered {total['markdown_sales']:,.2f}")


@fresh.command(name="order")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="the order day (default: today)")
@click.option("--store", help="only this store")
@click.option("--history-days", default=28, show_default=True, type=click.IntRange(7, 365))
@click.option("--lead-days", default=1, show_default=True, type=click.IntRange(0, 30), help="days until the delivery arrives")
@click.option("--cover-days", default=1, show_default=True, type=click.IntRange(1, 30), help="days between deliveries")
@click.pass_obj
def fresh_order(ctx: Context, as_of, store: str | None, history_days: int, lead_days: int, cover_days: int) -> None:
	"""Newsvendor order quantities per store and fresh item, within the loss target, explained per line."""
	from datetime import date

	from retail_suite.fresh.loss_report import order_proposals

	db = open_database(ctx.settings)
	lines = order_proposals(db, as_of.date() if as_of else date.today(), store, history_days, lead_days, cover_days)
	db.close()
	table = RichTable(title="Fresh order proposal", title_justify="left")
	for column in ("Store", "Item", "Order", "Why"):
		table.add_column(column, justify="right" if column == "Order" else "left")
	for line in lines:
		if line.proposal.order_qty:
			table.add_row(line.store, line.item_code, f"{line.proposal.order_qty:,}", line.proposal.explanation)
	console.print(table)
	console.print(f"{sum(1 for line in lines if line.proposal.order_qty):,} of {len(lines):,} store-items to order")


@cli.command(name="bench")
@click.option("--output", default="BENCHMARKS.md", show_default=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--repeat", default=5, show_default=True, type=click.IntRange(1, 100), help="runs per measurement")
@click.option("--skus", default=5000, show_default=True, type=click.IntRange(50, 1_000_000))
@click.option("--stream", default=0, show_default=True, type=click.IntRange(0, 10_000_000),
	help="also stream this many transactions from a JSON Lines file through `retail-suite ingest` (e.g. 1000000)")
@click.option("--members", "member_count", default=100_000, show_default=True, type=click.IntRange(0, 10_000_000),
	help="members for the member-tag benchmark (a day of 20,000 transactions after 30 days of history); 0 skips it")
@click.pass_obj
def bench_command(ctx: Context, output: Path, repeat: int, skus: int, stream: int, member_count: int) -> None:
	"""Run the benchmarks on throwaway databases and write BENCHMARKS.md."""
	from retail_suite.benchmarks import run_benchmarks, write_benchmarks

	results = run_benchmarks(
		ctx.settings, repeat=repeat, skus=skus, log=console.print, stream_transactions=stream, members=member_count
	)
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
