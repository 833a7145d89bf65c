"""Store-day close (store layer): expected tenders from the log, blockers, and the counted cash-up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, insert_rows
from retail_suite.errors import ValidationError
from retail_suite.posdm.posting import EXCHANGE_CREDIT
from retail_suite.posdm.tlog import ZERO


@dataclass(frozen=True)
class Blockers:
	errors: int
	open_gaps: int
	unaudited: int

	@property
	def blocking(self) -> bool:
		return bool(self.errors or self.open_gaps or self.unaudited)

	def message(self, store: str, business_day: date) -> str:
		parts = []
		if self.errors:
			parts.append(f"{self.errors} transaction(s) in Error")
		if self.open_gaps:
			parts.append(f"{self.open_gaps} unacknowledged sequence gap(s)")
		if self.unaudited:
			parts.append(f"{self.unaudited} transaction(s) not audited yet")
		return f"Store {store}, business day {business_day}: cannot close with " + ", ".join(parts)


def expected_tenders(db: Database, store: str, business_day: date) -> dict[str, Decimal]:
	"""What each mode of payment should hold at close: takings less refunds, cash also ± pickups and floats."""
	rows = db.sql(
		"""
		SELECT tender.mode_of_payment AS mode_of_payment, txn.transaction_type AS transaction_type,
			SUM(CASE
				WHEN txn.transaction_type = 'Cash Pickup' THEN -tender.amount
				WHEN txn.transaction_type = 'Float' THEN tender.amount
				WHEN txn.grand_total < 0 THEN -(tender.amount - tender.change_amount)
				ELSE tender.amount - tender.change_amount
			END) AS amount
		FROM `tabPOS Transaction` txn
		JOIN `tabPOS Transaction Tender` tender ON tender.parent = txn.name
		WHERE txn.store = %s AND txn.business_day = %s
			AND txn.status IN ('Audited', 'Posted')
		GROUP BY tender.mode_of_payment, txn.transaction_type
		""",
		(store, business_day),
	)
	expected: dict[str, Decimal] = defaultdict(lambda: ZERO)
	for row in rows:
		if row["mode_of_payment"] != EXCHANGE_CREDIT:
			expected[row["mode_of_payment"]] += Decimal(str(row["amount"])).quantize(ZERO)
	return dict(sorted(expected.items()))


def blockers(db: Database, store: str, business_day: date) -> Blockers:
	row = db.sql(
		"""
		SELECT SUM(CASE WHEN txn.status = 'Error' THEN 1 ELSE 0 END) AS errors,
			SUM(CASE WHEN txn.status = 'Received' THEN 1 ELSE 0 END) AS unaudited
		FROM `tabPOS Transaction` txn WHERE txn.store = %s AND txn.business_day = %s
		""",
		(store, business_day),
	)[0]
	gaps = db.sql(
		"SELECT COUNT(*) AS n FROM `tabPOS Sequence Gap` gap WHERE gap.store = %s AND gap.business_day = %s AND gap.status = 'Open'",
		(store, business_day),
	)[0]["n"]
	return Blockers(int(row["errors"] or 0), int(gaps or 0), int(row["unaudited"] or 0))


def close_store_day(
	db: Database, store: str, business_day: date, counted: dict[str, Decimal], user: str = "Administrator"
) -> dict[str, Any]:
	"""Standalone close: record expected, counted and variance per tender; refused while blockers remain."""
	found = blockers(db, store, business_day)
	if found.blocking:
		raise ValidationError(found.message(store, business_day), fix="audit, fix or acknowledge them first")
	expected = expected_tenders(db, store, business_day)
	unknown = sorted(set(counted) - set(expected) - {"Cash"})
	if unknown:
		raise ValidationError(f"no takings in {', '.join(unknown)} on {business_day}", record=f"Store Day {store}", fix="count only the modes the day used")
	name = f"DAY-{store}-{business_day}"
	if db.sql("SELECT status FROM `tabStore Day` WHERE name = %s AND status = 'Closed'", (name,)):
		raise ValidationError(f"{name} is already closed", fix="a Retail Manager can reopen it")
	now = datetime.now()
	rows = []
	total_variance = ZERO
	for idx, mode in enumerate(sorted(set(expected) | set(counted)), 1):
		counted_amount = Decimal(str(counted.get(mode, expected.get(mode, ZERO)))).quantize(ZERO)
		variance = counted_amount - expected.get(mode, ZERO)
		total_variance += variance
		rows.append((f"{name}-{idx}", name, "tenders", "Store Day", idx, mode, expected.get(mode, ZERO), counted_amount, variance, now, now, user, user))
	transactions = db.sql(
		"SELECT COUNT(*) AS n FROM `tabPOS Transaction` txn WHERE txn.store = %s AND txn.business_day = %s", (store, business_day)
	)[0]["n"]
	with db.transaction():
		db.execute("DELETE FROM `tabStore Day Tender` WHERE parent = %s", (name,))
		db.execute("DELETE FROM `tabStore Day` WHERE name = %s", (name,))
		insert_rows(
			db,
			"tabStore Day",
			("name", "store", "business_day", "status", "transactions", "open_errors", "open_gaps", "total_variance",
				"closed_by", "closed_at", "creation", "modified", "owner", "modified_by"),
			[(name, store, business_day, "Closed", transactions, 0, 0, total_variance, user, now, now, now, user, user)],
		)
		insert_rows(
			db,
			"tabStore Day Tender",
			("name", "parent", "parentfield", "parenttype", "idx", "mode_of_payment", "expected_amount", "counted_amount",
				"variance", "creation", "modified", "owner", "modified_by"),
			rows,
		)
	return {"name": name, "expected": expected, "total_variance": total_variance}
