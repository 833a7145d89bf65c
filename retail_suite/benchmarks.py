"""Benchmarks of the standalone host (`retail-suite bench`), written to BENCHMARKS.md.

Each measurement runs `repeat` times on a throwaway database and reports the
median and the 95th percentile, with the machine and data size beside it.
Targets live here and in BENCHMARKS.md, never in a timed test.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase, drop_database, ensure_database
from retail_suite.db.port import insert_rows
from retail_suite.db.scratch import scratch_database
from retail_suite.demo.chain import DemoConfig, generate_chain
from retail_suite.demo.standalone import write_chain


@dataclass
class Measurement:
	name: str
	size: str
	unit: str
	samples: list[float]
	#: how a sample converts to the reported figure: "seconds" or a rate in units per second
	per_second_of: float | None = None
	target: str = ""
	reference: str = ""
	#: (median, p95) measured elsewhere (a child process), when the samples are not at hand
	given: tuple[float, float] | None = None

	def figure(self, sample: float) -> float:
		return self.per_second_of / sample if self.per_second_of else sample

	@property
	def median(self) -> float:
		if self.given:
			return self.given[0]
		return self.figure(statistics.median(self.samples))

	@property
	def p95(self) -> float:
		"""The 95th percentile of the figure: the slow end (lowest rate, longest time)."""
		if self.given:
			return self.given[1]
		ordered = sorted(self.samples)
		slow = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
		return self.figure(slow)


def machine() -> dict[str, str]:
	cpu = platform.processor() or platform.machine()
	try:
		for line in Path("/proc/cpuinfo").read_text().splitlines():
			if line.startswith("model name"):
				cpu = line.split(":", 1)[1].strip()
				break
	except OSError:
		pass
	memory = ""
	try:
		kib = int(Path("/proc/meminfo").read_text().split()[1])
		memory = f"{kib / 1024 / 1024:.0f} GiB"
	except (OSError, ValueError, IndexError):
		pass
	return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": memory, "python": platform.python_version()}


def _timed(action: Callable[[], object]) -> float:
	started = time.perf_counter()
	action()
	return time.perf_counter() - started


def synthetic_sales(chain, count: int, terminal: str, business_day: str, start_number: int = 1, lines: int = 5):
	"""Valid sale records of `lines` lines and 1–2 tenders, cheap to make in any number (benchmarks)."""
	items = [item for item in chain.items if item.department in ("grocery", "household")][:400]
	for offset in range(count):
		number = start_number + offset
		chosen = [items[(number * 7 + position * 13) % len(items)] for position in range(lines)]
		line_rows = []
		total = Decimal("0.00")
		for position, item in enumerate(chosen, 1):
			price = Decimal(str(item.price))
			line_rows.append({"line_id": position, "item_code": item.code, "scanned_code": item.barcode, "qty": 1, "unit_price": price})
			total += price
		if number % 2:
			tenders = [{"type": "card", "amount": total, "provider": "Visa", "reference": f"A{number}"}]
		else:
			card = (total / 2).quantize(Decimal("0.01"))
			tenders = [{"type": "card", "amount": card}, {"type": "cash", "amount": total - card + Decimal("5.00"), "change": Decimal("5.00")}]
		yield {
			"terminal": terminal,
			"business_day": business_day,
			"transaction_number": number,
			"type": "sale",
			"ended_at": f"{business_day}T12:00:00",
			"lines": line_rows,
			"tenders": tenders,
			"totals": {"grand": total},
		}


def run_benchmarks(
	settings: DatabaseSettings,
	repeat: int = 5,
	skus: int = 5000,
	log: Callable[[str], None] = print,
	stream_transactions: int = 0,
	members: int = 0,
) -> dict[str, object]:
	"""Run every benchmark; returns machine facts, server version and measurements."""
	scratch = settings.with_database(f"rs_bench_{uuid.uuid4().hex[:8]}")
	measurements: list[Measurement] = []
	specs = schema.all_table_specs()
	config = DemoConfig(stores=3, skus=skus, members=2000)
	try:
		ensure_database(scratch)
		db = MariaDBDatabase(scratch)
		server = db.sql("SELECT VERSION() AS v")[0]["v"]

		log(f"schema creation: {len(specs)} tables × {repeat}")
		samples = []
		for _ in range(repeat):
			for spec in specs:
				db.execute(f"DROP TABLE IF EXISTS `{spec.table}`")
			samples.append(_timed(lambda: schema.migrate(db, specs)))
		measurements.append(Measurement("Schema creation from doctype JSON", f"{len(specs)} tables", "s", samples))

		log(f"demo generation: 3 stores × {skus:,} SKUs × 2,000 members × {repeat}")
		chain_holder = {}
		samples = [_timed(lambda: chain_holder.update(chain=generate_chain(config))) for _ in range(repeat)]
		measurements.append(
			Measurement("Demo chain generation (pure)", f"3 × {skus:,} SKUs", "SKUs/s", samples, per_second_of=skus)
		)
		chain = chain_holder["chain"]
		rows = sum(write_chain(db, chain).values())
		samples = [_timed(lambda: write_chain(db, chain)) for _ in range(repeat)]
		measurements.append(
			Measurement("Demo chain write to MariaDB (multi-row INSERT)", f"{rows:,} rows", "rows/s", samples, per_second_of=rows)
		)
		measurements += _posdm_benchmarks(db, chain, repeat, log)
		db.close()
		measurements += _promotion_benchmarks(log)
		if stream_transactions:
			measurements.append(_streamed_ingest(scratch, chain, stream_transactions, log))
	finally:
		drop_database(scratch)
	if members:
		measurements += _member_benchmarks(settings, members, log)
	return {"machine": machine(), "server": server, "measurements": measurements, "repeat": repeat, "at": datetime.now()}


POS_TABLES = ("POS Transaction", "POS Transaction Line", "POS Transaction Tender", "POS Sequence Gap",
	"POS Posting Document", "POS Posting Item", "POS Posting Tender", "POS Posting Discount")


def _clear_log(db: MariaDBDatabase) -> None:
	for doctype in POS_TABLES:
		db.execute(f"DELETE FROM `tab{doctype}`")


def _bare_insert(db: MariaDBDatabase, stored: dict[str, list[dict]]) -> None:
	from retail_suite.posdm.ingest import LINE_COLUMNS, PARENT_COLUMNS, TENDER_COLUMNS

	with db.transaction():
		for doctype, columns in zip(POS_TABLES[:3], (PARENT_COLUMNS, LINE_COLUMNS, TENDER_COLUMNS), strict=True):
			insert_rows(db, f"tab{doctype}", columns, ([row[c] for c in columns] for row in stored[doctype]))


def _posdm_benchmarks(db: MariaDBDatabase, chain, repeat: int, log: Callable[[str], None]) -> list[Measurement]:
	from retail_suite.posdm.audit_sql import run_audit
	from retail_suite.posdm.pipeline import ingest_stream
	from retail_suite.posdm.posting import aggregate_store_day

	terminal = chain.stores[0].terminals[0]
	count = 10_000
	records = list(synthetic_sales(chain, count, terminal, "2026-11-02"))
	log(f"POSDM ingest: {count:,} transactions × {repeat}")
	ingest_samples, reference_samples = [], []
	for _ in range(repeat):
		_clear_log(db)
		ingest_samples.append(_timed(lambda: ingest_stream(db, records)))
		# reference: a bare multi-row INSERT of the same rows, no validation, no idempotency checks
		stored = {doctype: db.sql(f"SELECT * FROM `tab{doctype}`") for doctype in POS_TABLES[:3]}
		_clear_log(db)
		reference_samples.append(_timed(lambda stored=stored: _bare_insert(db, stored)))
	reference = statistics.median(reference_samples)
	measurements = [
		Measurement(
			"POSDM ingest incl. validation (5 lines, 1–2 tenders)", f"{count:,} transactions", "transactions/s",
			ingest_samples, per_second_of=count, target="≥ 2,000/s",
			reference=f"bare multi-row INSERT of the same rows: {count / reference:,.0f}/s",
		)
	]
	_clear_log(db)
	ingest_stream(db, records[:5000])
	log("POSDM audit + aggregation of a 5,000-transaction store-day")
	audit_samples, aggregate_samples = [], []
	for _ in range(repeat):
		db.execute("UPDATE `tabPOS Transaction` SET status = 'Received', posting_document = NULL")
		for doctype in POS_TABLES[3:]:
			db.execute(f"DELETE FROM `tab{doctype}`")
		audit_samples.append(_timed(lambda: run_audit(db)))
		aggregate_samples.append(_timed(lambda: aggregate_store_day(db, chain.stores[0].code, date(2026, 11, 2))))
	measurements.append(Measurement("POSDM audit of a store-day", "5,000 transactions", "s", audit_samples))
	measurements.append(
		Measurement("POSDM aggregation of a store-day into posting documents", "5,000 transactions", "s", aggregate_samples, target="≤ 1 s")
	)
	return measurements


def _streamed_ingest(settings: DatabaseSettings, chain, count: int, log: Callable[[str], None]) -> Measurement:
	"""`retail-suite ingest FILE` on a JSON Lines file of `count` transactions, in a child process: time and peak memory."""
	import json
	import subprocess
	import sys
	import tempfile

	terminal = chain.stores[0].terminals[-1]
	with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
		log(f"writing {count:,} transactions as JSON Lines to {handle.name}")
		for record in synthetic_sales(chain, count, terminal, "2026-11-03", start_number=1):
			handle.write(json.dumps(record, default=float) + "\n")
		path = handle.name
	size = Path(path).stat().st_size
	log(f"streaming {size / 1e6:,.0f} MB through `retail-suite ingest --no-audit` in a child process")
	env = {**os.environ, "RETAIL_SUITE_DB": f"mariadb://{settings.user}:{settings.password}@{settings.host}:{settings.port}/{settings.database}"}
	# the child reports its own high-water mark (VmHWM): a forked child's rusage would count the parent's pages
	script = (
		"import sys; from retail_suite.cli import main; code = main(['ingest', '--no-audit', sys.argv[1]]); "
		"print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1], file=sys.stderr); sys.exit(code)"
	)
	started = time.perf_counter()
	child = subprocess.run([sys.executable, "-c", script, path], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
	elapsed = time.perf_counter() - started
	peak_mib = int(child.stderr.strip().splitlines()[-1]) / 1024
	Path(path).unlink()
	return Measurement(
		"POSDM streamed ingest from JSON Lines (child process)", f"{count:,} transactions, {size / 1e6:,.0f} MB",
		"transactions/s", [elapsed], per_second_of=count, target="peak memory < 300 MB",
		reference=f"peak memory (VmHWM of the ingesting process) {peak_mib:,.0f} MiB",
	)


def _promotion_benchmarks(log: Callable[[str], None], repeat: int = 2000) -> list[Measurement]:
	"""The promotion engine on one 50-line basket against 500 active promotions: Python in this process,
	the JS twin in node (same seeded inputs, same first-basket discount)."""
	import json
	import shutil
	import subprocess

	from retail_suite.promotions.benchmark import promotion_benchmark

	log(f"promotion engine: 50-line basket × 500 promotions × {repeat:,} (Python)")
	python = promotion_benchmark(repeat)
	size = f"{python['lines']} lines × {python['promotions']} promotions ({python['applied']} apply)"
	measurements = [
		Measurement("Promotion engine, Python: one basket", size, "ms", [], target="≤ 2 ms",
			given=(python["median_ms"], python["p95_ms"]), reference=f"first basket's discount {python['total_discount']}")
	]
	script = Path(__file__).resolve().parents[1] / "tests" / "js" / "bench_promotions.js"
	node = shutil.which("node")
	if node and script.exists():
		log(f"promotion engine: the same in the JS twin (node) × {repeat:,}")
		js = json.loads(subprocess.run([node, str(script), str(repeat)], check=True, capture_output=True, text=True).stdout)
		same = "same" if js["total_discount"] == python["total_discount"] else "DIFFERENT"
		measurements.append(
			Measurement("Promotion engine, JS twin (node): one basket", size, "ms", [], target="≤ 1 ms",
				given=(js["median_ms"], js["p95_ms"]), reference=f"first basket's discount {js['total_discount']} ({same} as Python)")
		)
	else:
		log("node or tests/js/bench_promotions.js not found: JS twin not measured")
	return measurements


def _member_benchmarks(settings: DatabaseSettings, members: int, log: Callable[[str], None]) -> list[Measurement]:
	"""Member statistics and tags: the incremental run after a day of 20,000 transactions, and a full
	recompute over the whole log (one run each: the data is rebuilt for every run)."""
	from retail_suite.membership.benchmark import INCREMENTAL_TARGET_SECONDS, benchmark_member_tags

	with scratch_database(settings, "members") as db:
		log(f"member tags: {members:,} members, 30 days × 20,000 transactions of history, then one more day")
		figures = benchmark_member_tags(db, members=members, log=log)
	incremental, full = figures["incremental"], figures["full"]
	return [
		Measurement(
			"Member statistics + tags, incremental (after one business day)",
			f"{incremental['transactions']:,} transactions, {members:,} members, {len(incremental['members_per_tag'])} rules",
			"s", [incremental["seconds"]], target=f"≤ {INCREMENTAL_TARGET_SECONDS} s",
			reference=f"fold {incremental['fold_seconds']} s + tagging {incremental['tag_seconds']} s; "
			f"{incremental['members_touched']:,} members touched",
		),
		Measurement(
			"Member statistics + tags, full recompute",
			f"{full['transactions']:,} transactions, {full['members']:,} members", "s", [full["seconds"]],
			target="report time and peak memory",
			reference=f"fold {full['fold_seconds']} s ({full['transactions_per_second']:,}/s) + tagging {full['tag_seconds']} s; "
			f"peak Python memory {full['peak_python_mb']} MB, process peak RSS {full['peak_rss_mb_after']} MB; "
			f"same tags as incremental: {'yes' if full['tags_unchanged'] else 'NO'}",
		),
	]


def write_benchmarks(path: Path, results: dict[str, object]) -> None:
	facts = results["machine"]
	lines = [
		"# Benchmarks",
		"",
		"Regenerate with `retail-suite bench` (after README command 1; `--repeat N`, `--skus N`).",
		"Figures are medians and 95th percentiles (the slow end) over the repeats of one run; targets are",
		"checked by reading this file, never by a timed test.",
		"",
		f"- Run: {results['at']:%Y-%m-%d %H:%M}, {results['repeat']} repeats",
		f"- Machine: {facts['cpu']}, {facts['cores']} cores, {facts['memory']}; Python {facts['python']}; MariaDB {results['server']}",
		"",
		"| Measurement | Data | Median | p95 | Unit | Target | Reference (same run) |",
		"| --- | --- | ---: | ---: | --- | --- | --- |",
	]
	for m in results["measurements"]:
		lines.append(
			f"| {m.name} | {m.size} | {m.median:,.3f} | {m.p95:,.3f} | {m.unit} | {m.target or '—'} | {m.reference or '—'} |"
		)
	# the sections after this table (the domain benchmarks' own commands, the live site's) are produced by
	# their own commands and kept across runs of this one
	kept = ""
	if path.exists() and "\n## " in path.read_text():
		kept = "\n## " + path.read_text().split("\n## ", 1)[1]
	path.write_text("\n".join(lines) + "\n" + kept)
