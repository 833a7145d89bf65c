"""Member statistics (store layer): the transaction log folded into per-member figures, incrementally.

Three tables, all written by SQL through the Database port, the same in both hosts:

- Retail Member Visit Day: (member, business_day) -> visits, spend. One row per member and
  day they bought something; the 90-day windows and recency are SQL over this small table,
  never over the transaction log.
- Retail Member Group Spend: (member, item_group) -> spend; the largest is the member's
  preferred item group.
- Retail Member Stats: one row per member: first and last visit, visits, total spend,
  preferred item group (from the two tables above); the 90-day figures and RFM scores are
  filled at tagging time (`tagging.score_members`).

What counts: POS Transactions of a member that are Audited or Posted, of type Sale, Return
or Exchange. A visit is a sale or exchange; a return lowers spend and is no visit. Spend is
the net total (after discounts, before tax); lines spend `net_amount × direction`.

Each transaction is folded once: `member_stats_applied` is set to 1 in the same database
transaction as its figures, so a fold can stop anywhere and run again. A transaction folded
and later voided (a void that arrived after the fold, a cancelled ERPNext invoice) is
unfolded the same way: its figures subtracted, the flag set back to 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from retail_suite.db.port import Database, chunked, in_placeholders

#: Row names (Frappe's `name`, varchar 140) start with the member, so that a member's rows sit together:
#: "<member>-<business day>" and "<member>:<md5 of item group>"; a member name too long for that gets an MD5.
#: transactions per database transaction of the fold
BATCH = 5000
OWNER = "Administrator"
COUNTED_STATUSES = ("Audited", "Posted")

Progress = Callable[[str, int], Callable[[str, int], None]]
Checkpoint = Callable[[], None]


@dataclass
class FoldSummary:
	folded: int = 0
	unfolded: int = 0
	members: int = 0
	seconds: float = 0.0


#: counted, not yet folded. The index member_stats_pending (flag, status, member) reads only these rows, in
#: index order (no sort), skipping the many transactions without a member that stay unfolded for good
PENDING_SQL = """
	SELECT txn.name, txn.member FROM `tabPOS Transaction` txn
	WHERE txn.member_stats_applied = 0 AND txn.status IN ('Audited', 'Posted')
		AND txn.member IS NOT NULL AND txn.member <> '' AND txn.transaction_type IN ('Sale', 'Return', 'Exchange')
	LIMIT %s FOR UPDATE
"""
#: folded, but no longer counted (voided or sent back to error after the fold)
WITHDRAWN_SQL = """
	SELECT txn.name, txn.member FROM `tabPOS Transaction` txn
	WHERE txn.member_stats_applied = 1 AND txn.status NOT IN ('Audited', 'Posted')
	LIMIT %s FOR UPDATE
"""
#: for the progress bar: read from the index alone (voids, no-sales … with a member are counted too, a few)
PENDING_COUNT_SQL = """
	SELECT COUNT(*) AS pending FROM `tabPOS Transaction` txn
	WHERE txn.member_stats_applied = 0 AND txn.status IN ('Audited', 'Posted')
		AND txn.member IS NOT NULL AND txn.member <> ''
"""
WITHDRAWN_COUNT_SQL = """
	SELECT COUNT(*) AS withdrawn FROM `tabPOS Transaction` txn
	WHERE txn.member_stats_applied = 1 AND txn.status NOT IN ('Audited', 'Posted')
"""


def fold_transactions(
	db: Database,
	progress: Progress | None = None,
	checkpoint: Checkpoint | None = None,
	batch_size: int = BATCH,
) -> FoldSummary:
	"""Fold every counted transaction not yet folded, and unfold those withdrawn since; batched, restartable.

	Batches go member by member (the pending index's order, no sort), so that a batch touches
	neighbouring statistics rows.

	`progress(stage, total)` returns `tick(what, units)` (the CLI's bars, the Frappe job's
	publish_progress); `checkpoint()` runs after each batch: the Frappe host commits there, so a
	long job holds no locks across batches (standalone, each batch is its own transaction)."""
	started = time.perf_counter()
	summary = FoldSummary()
	pending = int(db.sql(PENDING_COUNT_SQL)[0]["pending"] or 0)
	withdrawn = int(db.sql(WITHDRAWN_COUNT_SQL)[0]["withdrawn"] or 0)
	tick = progress("Member statistics", pending + withdrawn) if progress else None
	members: set[str] = set()
	for query, sign in ((WITHDRAWN_SQL, -1), (PENDING_SQL, 1)):
		while True:
			with db.transaction():
				rows = db.sql(query, (batch_size,))
				if rows:
					names = [row["name"] for row in rows]
					touched = sorted({row["member"] for row in rows if row["member"]})
					apply_transactions(db, names, touched, sign)
			if checkpoint:
				checkpoint()
			if not rows:
				break
			members.update(touched)
			if sign > 0:
				summary.folded += len(rows)
			else:
				summary.unfolded += len(rows)
			if tick:
				tick("transactions", len(rows))
	summary.members = len(members)
	summary.seconds = time.perf_counter() - started
	return summary


def apply_transactions(db: Database, names: list[str], members: list[str], sign: int) -> None:
	"""Add (sign 1) or subtract (sign -1) transactions' figures and set their flag; call inside a transaction."""
	now = datetime.now()
	txn_in = in_placeholders(names)
	db.execute(
		"""
		INSERT INTO `tabRetail Member Visit Day`
			(name, member, business_day, visits, spend, creation, modified, owner, modified_by)
		SELECT IF(CHAR_LENGTH(txn.member) <= 128, CONCAT(txn.member, '-', txn.business_day),
				MD5(CONCAT(txn.member, '|', txn.business_day))),
			txn.member, txn.business_day,
			%s * SUM(CASE WHEN txn.transaction_type = 'Return' THEN 0 ELSE 1 END), %s * SUM(txn.net_total),
			%s, %s, %s, %s
		FROM `tabPOS Transaction` txn
		WHERE txn.name IN """
		+ txn_in
		+ """
		GROUP BY txn.member, txn.business_day
		ON DUPLICATE KEY UPDATE
			visits = `tabRetail Member Visit Day`.visits + VALUES(visits),
			spend = `tabRetail Member Visit Day`.spend + VALUES(spend),
			modified = VALUES(modified)
		""",
		[sign, sign, now, now, OWNER, OWNER, *names],
	)
	db.execute(
		"""
		INSERT INTO `tabRetail Member Group Spend`
			(name, member, item_group, spend, creation, modified, owner, modified_by)
		SELECT IF(CHAR_LENGTH(txn.member) <= 107, CONCAT(txn.member, ':', MD5(item.item_group)),
				MD5(CONCAT(txn.member, '|', item.item_group))),
			txn.member, item.item_group,
			%s * SUM(line.net_amount * line.direction), %s, %s, %s, %s
		FROM `tabPOS Transaction` txn
		JOIN `tabPOS Transaction Line` line ON line.parent = txn.name AND line.parenttype = 'POS Transaction'
		JOIN `tabItem` item ON item.name = line.item_code
		WHERE item.item_group IS NOT NULL AND txn.name IN """
		+ txn_in
		+ """
		GROUP BY txn.member, item.item_group
		ON DUPLICATE KEY UPDATE
			spend = `tabRetail Member Group Spend`.spend + VALUES(spend),
			modified = VALUES(modified)
		""",
		[sign, now, now, OWNER, OWNER, *names],
	)
	db.execute(
		"UPDATE `tabPOS Transaction` SET member_stats_applied = %s WHERE name IN " + txn_in,
		[1 if sign > 0 else 0, *names],
	)
	refresh_members(db, members, now)


def refresh_members(db: Database, members: list[str], now: datetime | None = None) -> None:
	"""Recompute the Retail Member Stats rows of these members from their day and item-group rows.

	Rows that came back to zero (a sale and its void) are removed, so an incremental fold
	ends with exactly the rows a full recompute writes."""
	now = now or datetime.now()
	for chunk in chunked(members, 1000):
		member_in = in_placeholders(chunk)
		# zero rows are rare (a void, a return that cancels a purchase): found by a plain read, deleted by name
		zero_days = db.sql(
			"SELECT visit_day.name, visit_day.member FROM `tabRetail Member Visit Day` visit_day "
			"WHERE visit_day.visits = 0 AND visit_day.spend = 0 AND visit_day.member IN " + member_in,
			chunk,
		)
		if zero_days:
			db.execute(
				"DELETE FROM `tabRetail Member Visit Day` WHERE name IN " + in_placeholders(zero_days),
				[row["name"] for row in zero_days],
			)
		zero_groups = db.sql(
			"SELECT group_spend.name FROM `tabRetail Member Group Spend` group_spend "
			"WHERE group_spend.spend = 0 AND group_spend.member IN " + member_in,
			chunk,
		)
		if zero_groups:
			db.execute(
				"DELETE FROM `tabRetail Member Group Spend` WHERE name IN " + in_placeholders(zero_groups),
				[row["name"] for row in zero_groups],
			)
		db.execute(
			"""
			INSERT INTO `tabRetail Member Stats`
				(name, member, first_visit, last_visit, visits, total_spend, preferred_item_group,
				creation, modified, owner, modified_by)
			SELECT visit_day.member, visit_day.member,
				MIN(CASE WHEN visit_day.visits > 0 THEN visit_day.business_day END),
				MAX(CASE WHEN visit_day.visits > 0 THEN visit_day.business_day END),
				SUM(visit_day.visits), SUM(visit_day.spend),
				(SELECT group_spend.item_group FROM `tabRetail Member Group Spend` group_spend
					WHERE group_spend.member = visit_day.member AND group_spend.spend > 0
					ORDER BY group_spend.spend DESC, group_spend.item_group LIMIT 1),
				%s, %s, %s, %s
			FROM `tabRetail Member Visit Day` visit_day
			WHERE visit_day.member IN """
			+ member_in
			+ """
			GROUP BY visit_day.member
			ON DUPLICATE KEY UPDATE
				first_visit = VALUES(first_visit), last_visit = VALUES(last_visit), visits = VALUES(visits),
				total_spend = VALUES(total_spend), preferred_item_group = VALUES(preferred_item_group),
				modified = VALUES(modified)
			""",
			[now, now, OWNER, OWNER, *chunk],
		)
		emptied = sorted({row["member"] for row in zero_days})
		if emptied:
			# members left without any day: no statistics (as if the withdrawn purchases never were)
			db.execute(
				"""
				DELETE FROM `tabRetail Member Stats`
				WHERE member IN """
				+ in_placeholders(emptied)
				+ """
					AND NOT EXISTS (SELECT 1 FROM `tabRetail Member Visit Day` visit_day
						WHERE visit_day.member = `tabRetail Member Stats`.member)
				""",
				emptied,
			)


def recompute_all(
	db: Database,
	progress: Progress | None = None,
	checkpoint: Checkpoint | None = None,
	batch_size: int = BATCH,
) -> FoldSummary:
	"""Full recompute: clear the statistics, mark every transaction unfolded, fold everything again.

	The clearing is one database transaction, so statistics and flags never disagree; the fold
	after it is batched and restartable like any other (an interrupted recompute resumes with
	`fold_transactions`)."""
	with db.transaction():
		db.execute("DELETE FROM `tabRetail Member Stats`")
		db.execute("DELETE FROM `tabRetail Member Visit Day`")
		db.execute("DELETE FROM `tabRetail Member Group Spend`")
		db.execute("UPDATE `tabPOS Transaction` SET member_stats_applied = 0 WHERE member_stats_applied = 1")
	if checkpoint:
		checkpoint()
	return fold_transactions(db, progress, checkpoint, batch_size)
