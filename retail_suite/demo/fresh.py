"""Fresh in the standalone demo: batch stock as ERPNext keeps it, markdown ladders, the expiry job, shrink
and the loss rate against its target.

Standalone there is no ERPNext to keep the stock ledger, so the demo writes the chain's opening batch
stock the way a site holds it (a Stock Ledger Entry with its Serial and Batch Entry per batch and
warehouse), just as `standalone.py` writes Bin for the other goods; the app itself never writes these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from retail_suite.db.port import Database, insert_rows

OWNER = "Administrator"


@dataclass(frozen=True)
class BatchMove:
	"""Stock of a batch entering (qty > 0) or leaving a warehouse, as one ERPNext ledger entry."""

	batch_no: str
	item_code: str
	warehouse: str
	qty: float
	posting_date: date
	cancelled: bool = False
	legacy: bool = False  # a ledger entry from before v15: the batch on the entry itself, no bundle
	valuation_rate: float = 0.0
	company: str | None = None


def write_batches(
	db: Database, batches: Iterable[tuple[str, str, date | None, date | None]], disabled: Sequence[str] = ()
) -> int:
	"""Batch masters (batch, item, manufacturing date, expiry date) that a test or benchmark makes up."""
	now = datetime.now()
	return insert_rows(
		db,
		"tabBatch",
		("name", "batch_id", "item", "manufacturing_date", "expiry_date", "disabled", "stock_uom", "creation", "modified",
			"owner", "modified_by"),
		(
			(batch, batch, item, made, expiry, int(batch in disabled), "Nos", now, now, OWNER, OWNER)
			for batch, item, made, expiry in batches
		),
	)


def write_batch_stock(db: Database, moves: Iterable[BatchMove], prefix: str = "DEMO") -> int:
	"""Ledger entries for batch moves, shaped as ERPNext v15 writes them: the entry names a Serial and
	Batch Bundle whose Serial and Batch Entry carries batch, warehouse and signed quantity."""
	now = datetime.now()
	ledger, entries = [], []
	for number, move in enumerate(moves, 1):
		name = f"{prefix}-{number:08d}"
		bundle = None if move.legacy else f"SBB-{name}"
		ledger.append(
			(
				f"SLE-{name}", now, now, OWNER, OWNER, 1, move.item_code, move.warehouse, move.posting_date,
				"Stock Reconciliation", f"DEMO-OPENING-{move.posting_date}", move.qty, move.valuation_rate, move.company,
				int(move.cancelled), move.batch_no if move.legacy else None, bundle,
			)
		)
		if bundle:
			entries.append(
				(f"SBE-{name}", now, now, OWNER, OWNER, 1, bundle, "entries", "Serial and Batch Bundle", 1,
					move.batch_no, move.warehouse, move.qty, move.valuation_rate)
			)
	written = insert_rows(
		db,
		"tabStock Ledger Entry",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "item_code", "warehouse", "posting_date",
			"voucher_type", "voucher_no", "actual_qty", "valuation_rate", "company", "is_cancelled", "batch_no",
			"serial_and_batch_bundle"),
		ledger,
	)
	insert_rows(
		db,
		"tabSerial and Batch Entry",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "parent", "parentfield", "parenttype", "idx",
			"batch_no", "warehouse", "qty", "incoming_rate"),
		entries,
	)
	return written
