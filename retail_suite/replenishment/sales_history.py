"""Daily item sales (store layer): the transaction log folded into units per store, item and business day,
plus the days an item ended out of stock. The history replenishment forecasts from.

Retail Item Sales Day holds one row per (store, item, business day) on which the item sold, or ended
the day out of stock. Its name is "<business day>:<store>:<item>", so the primary key is the natural
key and keeps the table in business-day order: a run reads the days it needs as one range of the key
(`day_range`), never scanning the history.

What counts: POS Transactions that are Audited or Posted; a line adds `qty × direction` (a return
takes units back). Each transaction is folded once: `sales_history_applied` is set in the same
database transaction as its units, so a fold can stop anywhere and run again; one that is voided
after the fold is unfolded the same way (its units subtracted, the flag set back to 0).

Out of stock (the censoring rule): the log knows sales, not stock. When the nightly run closes a
business day, every item with a forecast in the store whose stock on hand (`Bin.actual_qty` of the
store's warehouse; no Bin means none) is zero or less is marked `stockout` for that day. Demand on
such a day is unknown — zero sales mean nothing and any sales are a floor — so the forecast skips
it instead of counting it. History before the first nightly run carries no marks, and a day whose
night run was missed has none: those days count as they are.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from retail_suite.db.port import Database, in_placeholders

#: transactions per database transaction of the fold
BATCH = 5000
OWNER = "Administrator"

Progress = Callable[[str, int], Callable[[str, int], None]]
Checkpoint = Callable[[], None]


@dataclass
class SalesFold:
	folded: int = 0
	unfolded: int = 0
	seconds: float = 0.0


PENDING_SQL = """
	SELECT txn.name FROM `tabPOS Transaction` txn
	WHERE txn.sales_history_applied = 0 AND txn.status IN ('Audited', 'Posted')
	LIMIT %s FOR UPDATE
"""
WITHDRAWN_SQL = """
	SELECT txn.name FROM `tabPOS Transaction` txn
	WHERE txn.sales_history_applied = 1 AND txn.status NOT IN ('Audited', 'Posted')
	LIMIT %s FOR UPDATE
"""
PENDING_COUNT_SQL = """
	SELECT COUNT(*) AS pending FROM `tabPOS Transaction` txn
	WHERE txn.sales_history_applied = 0 AND txn.status IN ('Audited', 'Posted')
"""
WITHDRAWN_COUNT_SQL = """
	SELECT COUNT(*) AS withdrawn FROM `tabPOS Transaction` txn
	WHERE txn.sales_history_applied = 1 AND txn.status NOT IN ('Audited', 'Posted')
"""


def day_key(day: date) -> str:
	"""The start of a business day's range of Retail Item Sales Day names ("2026-11-02")."""
	return day.isoformat()


def day_range(first: date, last: date) -> tuple[str, str]:
	"""Names from `first` to `last` inclusive are >= the first value and < the second (ISO days sort as text)."""
	return day_key(first), day_key(last + timedelta(days=1))


def fold_sales(
	db: Database,
	progress: Progress | None = None,
	checkpoint: Checkpoint | None = None,
	batch_size: int = BATCH,
) -> SalesFold:
	"""Fold every counted transaction not yet in the daily sales, and unfold those voided since; batched,
	restartable. `progress(stage, total)` returns `tick(what, units)`; `checkpoint()` runs after each batch
	(the Frappe host commits there)."""
	started = time.perf_counter()
	summary = SalesFold()
	pending = int(db.sql(PENDING_COUNT_SQL)[0]["pending"] or 0)
	withdrawn = int(db.sql(WITHDRAWN_COUNT_SQL)[0]["withdrawn"] or 0)
	tick = progress("Daily item sales", pending + withdrawn) if progress else None
	for query, sign in ((WITHDRAWN_SQL, -1), (PENDING_SQL, 1)):
		while True:
			with db.transaction():
				names = [row["name"] for row in db.sql(query, (batch_size,))]
				if names:
					apply_transactions(db, names, sign)
			if checkpoint:
				checkpoint()
			if not names:
				break
			if sign > 0:
				summary.folded += len(names)
			else:
				summary.unfolded += len(names)
			if tick:
				tick("transactions", len(names))
	summary.seconds = time.perf_counter() - started
	return summary


def apply_transactions(db: Database, names: list[str], sign: int) -> None:
	"""Add (sign 1) or subtract (sign -1) transactions' units and set their flag; call inside a transaction."""
	now = datetime.now()
	txn_in = in_placeholders(names)
	db.execute(
		"""
		INSERT INTO `tabRetail Item Sales Day`
			(name, store, item_code, business_day, sold_qty, stockout, creation, modified, owner, modified_by)
		SELECT IF(CHAR_LENGTH(txn.store) + CHAR_LENGTH(line.item_code) <= 127,
				CONCAT(txn.business_day, ':', txn.store, ':', line.item_code),
				CONCAT(txn.business_day, ':', MD5(CONCAT(txn.store, '|', line.item_code)))),
			txn.store, line.item_code, txn.business_day, %s * SUM(line.qty * line.direction), 0, %s, %s, %s, %s
		FROM `tabPOS Transaction` txn
		JOIN `tabPOS Transaction Line` line ON line.parent = txn.name AND line.parenttype = 'POS Transaction'
		WHERE line.item_code IS NOT NULL AND line.item_code <> '' AND txn.name IN """
		+ txn_in
		+ """
		GROUP BY txn.store, line.item_code, txn.business_day
		ON DUPLICATE KEY UPDATE
			sold_qty = `tabRetail Item Sales Day`.sold_qty + VALUES(sold_qty),
			modified = VALUES(modified)
		""",
		[sign, now, now, OWNER, OWNER, *names],
	)
	if sign < 0:
		# a sale and its void leave nothing behind, as if the sale had never been folded
		db.execute(
			"""
			DELETE FROM `tabRetail Item Sales Day`
			WHERE sold_qty = 0 AND stockout = 0 AND name IN (
				SELECT IF(CHAR_LENGTH(txn.store) + CHAR_LENGTH(line.item_code) <= 127,
						CONCAT(txn.business_day, ':', txn.store, ':', line.item_code),
						CONCAT(txn.business_day, ':', MD5(CONCAT(txn.store, '|', line.item_code))))
				FROM `tabPOS Transaction` txn
				JOIN `tabPOS Transaction Line` line ON line.parent = txn.name AND line.parenttype = 'POS Transaction'
				WHERE txn.name IN """
			+ txn_in
			+ """
			)
			""",
			names,
		)
	db.execute(
		"UPDATE `tabPOS Transaction` SET sales_history_applied = %s WHERE name IN " + txn_in,
		[1 if sign > 0 else 0, *names],
	)


def record_stockouts(db: Database, business_day: date, store: str | None = None) -> int:
	"""Mark the items with a forecast that have no stock on hand in their store's warehouse now as out of stock
	on `business_day` (the day just closed); idempotent. Returns the items out of stock that day."""
	now = datetime.now()
	day = business_day.isoformat()
	store_filter = "AND forecast.store = %s" if store else ""
	db.execute(
		f"""
		INSERT INTO `tabRetail Item Sales Day`
			(name, store, item_code, business_day, sold_qty, stockout, creation, modified, owner, modified_by)
		SELECT IF(CHAR_LENGTH(forecast.store) + CHAR_LENGTH(forecast.item_code) <= 127,
				CONCAT(%s, ':', forecast.store, ':', forecast.item_code),
				CONCAT(%s, ':', MD5(CONCAT(forecast.store, '|', forecast.item_code)))),
			forecast.store, forecast.item_code, %s, 0, 1, %s, %s, %s, %s
		FROM `tabRetail Demand Forecast` forecast
		JOIN `tabRetail Store` store ON store.name = forecast.store
		LEFT JOIN `tabBin` bin ON bin.item_code = forecast.item_code AND bin.warehouse = store.warehouse
		WHERE COALESCE(bin.actual_qty, 0) <= 0 {store_filter}
		ON DUPLICATE KEY UPDATE stockout = 1, modified = VALUES(modified)
		""",
		[day, day, business_day, now, now, OWNER, OWNER, *([store] if store else [])],
	)
	first, after = day_range(business_day, business_day)
	count_filter = "AND sales_day.store = %s" if store else ""
	rows = db.sql(
		f"""
		SELECT COUNT(*) AS items FROM `tabRetail Item Sales Day` sales_day
		WHERE sales_day.name >= %s AND sales_day.name < %s AND sales_day.stockout = 1 {count_filter}
		""",
		[first, after, *([store] if store else [])],
	)
	return int(rows[0]["items"] or 0)
