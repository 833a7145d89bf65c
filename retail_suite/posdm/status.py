"""POSDM status (store layer): per store, terminal and business day — received, audited, errors, gaps, posted."""

from __future__ import annotations

from datetime import date
from typing import Any

from retail_suite.db.port import Database, where_equal


def log_status(db: Database, store: str | None = None, business_day: date | None = None) -> list[dict[str, Any]]:
	"""Counts per store, terminal and business day, with open gaps; newest days first."""
	conditions, params = where_equal(txn__store=store or None, txn__business_day=business_day)
	where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
	rows = db.sql(
		f"""
		SELECT txn.store, txn.terminal, txn.business_day, COUNT(*) AS received,
			SUM(CASE WHEN txn.status = 'Audited' THEN 1 ELSE 0 END) AS audited,
			SUM(CASE WHEN txn.status = 'Error' THEN 1 ELSE 0 END) AS errors,
			SUM(CASE WHEN txn.status = 'Voided' THEN 1 ELSE 0 END) AS voided,
			SUM(CASE WHEN txn.status = 'Posted' THEN 1 ELSE 0 END) AS posted,
			SUM(CASE WHEN txn.status = 'Received' THEN 1 ELSE 0 END) AS waiting,
			SUM(CASE WHEN txn.status IN ('Audited', 'Posted') THEN txn.grand_total ELSE 0 END) AS takings,
			MAX(txn.transaction_number) AS last_number
		FROM `tabPOS Transaction` txn {where}
		GROUP BY txn.store, txn.terminal, txn.business_day
		ORDER BY txn.business_day DESC, txn.store, txn.terminal
		""",
		params or None,
	)
	gaps = {
		(row["terminal"], row["business_day"]): row
		for row in db.sql(
			"SELECT gap.terminal, gap.business_day, SUM(CASE WHEN gap.status = 'Open' THEN gap.missing_count ELSE 0 END) AS open_missing, "
			"SUM(CASE WHEN gap.status = 'Acknowledged' THEN gap.missing_count ELSE 0 END) AS acknowledged_missing "
			"FROM `tabPOS Sequence Gap` gap GROUP BY gap.terminal, gap.business_day"
		)
	}
	for row in rows:
		gap = gaps.get((row["terminal"], row["business_day"]))
		row["open_gaps"] = int(gap["open_missing"] or 0) if gap else 0
		row["acknowledged_gaps"] = int(gap["acknowledged_missing"] or 0) if gap else 0
	return rows


def posting_status(db: Database, store: str | None = None) -> list[dict[str, Any]]:
	"""Posting documents per store, business day and status."""
	condition = "WHERE doc.store = %s" if store else ""
	return db.sql(
		f"""
		SELECT doc.store, doc.business_day, doc.kind, doc.status, COUNT(*) AS documents,
			SUM(doc.transaction_count) AS transactions, SUM(doc.grand_total) AS grand_total
		FROM `tabPOS Posting Document` doc {condition}
		GROUP BY doc.store, doc.business_day, doc.kind, doc.status
		ORDER BY doc.business_day DESC, doc.store, doc.kind
		""",
		(store,) if store else None,
	)


def error_transactions(db: Database, store: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
	condition = "AND txn.store = %s" if store else ""
	return db.sql(
		f"SELECT txn.name, txn.store, txn.business_day, txn.audit_messages FROM `tabPOS Transaction` txn "
		f"WHERE txn.status = 'Error' {condition} ORDER BY txn.business_day, txn.name LIMIT {int(limit)}",
		(store,) if store else None,
	)
