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
from datetime import datetime
from pathlib import Path

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase, drop_database, ensure_database
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

	def figure(self, sample: float) -> float:
		return self.per_second_of / sample if self.per_second_of else sample

	@property
	def median(self) -> float:
		return self.figure(statistics.median(self.samples))

	@property
	def p95(self) -> float:
		"""The 95th percentile of the figure: the slow end (lowest rate, longest time)."""
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


def run_benchmarks(
	settings: DatabaseSettings, repeat: int = 5, skus: int = 5000, log: Callable[[str], None] = print
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
		db.close()
	finally:
		drop_database(scratch)
	return {"machine": machine(), "server": server, "measurements": measurements, "repeat": repeat, "at": datetime.now()}


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
	path.write_text("\n".join(lines) + "\n")
