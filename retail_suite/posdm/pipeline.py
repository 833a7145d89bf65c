"""Streamed ingest on the store layer: any number of records, in batches, with a running tally.

Used by the standalone demo, `retail-suite ingest` and the benchmarks; the Frappe host ingests
through the API one batch at a time and runs audit and aggregation as RQ jobs (posdm/erpnext.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from retail_suite.db.port import Database
from retail_suite.posdm.ingest import IngestResult, batches, ingest_records


@dataclass
class IngestTally:
	accepted: int = 0
	duplicate: int = 0
	rejected: int = 0
	rejections: list[IngestResult] = field(default_factory=list)

	def add(self, results: Iterable[IngestResult], offset: int = 0) -> None:
		for result in results:
			setattr(self, result.status, getattr(self, result.status) + 1)
			if result.status == "rejected":
				self.rejections.append(IngestResult(result.index + offset, result.status, result.name, result.reason))


def ingest_stream(
	db: Database,
	records: Iterable[Any],
	source: str = "External API",
	progress: Callable[[int], None] | None = None,
) -> IngestTally:
	"""Ingest any number of records in batches of 1,000 (constant memory for a streamed file)."""
	tally = IngestTally()
	offset = 0
	for batch in batches(records):
		tally.add(ingest_records(db, batch, source=source), offset)
		offset += len(batch)
		if progress:
			progress(len(batch))
	return tally
