"""POSDM end to end on the store layer: ingest → audit → aggregation (→ store-day close).

Used by the standalone demo and the `retail-suite posdm` commands; the Frappe host
runs the same steps as RQ jobs (posdm/jobs.py) and then posts to ERPNext.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from retail_suite.db.port import Database
from retail_suite.posdm.audit_sql import AuditSummary, run_audit
from retail_suite.posdm.ingest import IngestResult, batches, ingest_records
from retail_suite.posdm.posting import aggregate_all


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


@dataclass
class PipelineResult:
	ingest: IngestTally
	audit: AuditSummary
	postings: list[str]


def run_pipeline(db: Database, records: Iterable[Any], source: str = "Offline Till") -> PipelineResult:
	tally = ingest_stream(db, records, source)
	summary = run_audit(db)
	return PipelineResult(tally, summary, aggregate_all(db))
