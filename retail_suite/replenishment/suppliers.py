"""Supplier rating and procurement-cycle monitoring (store layer), from ERPNext's Purchase Orders and Receipts.

For every supplier with submitted purchase orders in the window (default the last 365 days before
the rating day):

- on-time rate: order lines due (required-by date before the rating day) whose first receipt came
  on or before their required-by date, over the lines due. A line never received counts as late.
- fill rate: accepted quantity received against those lines (capped at the line's quantity) over
  the quantity ordered on them.
- lead time: for each delivery — a (purchase order, purchase receipt) pair, counted once however
  many lines it has — the days from the order date to the receipt date; their mean and sample
  standard deviation. From MIN_DELIVERIES deliveries on, replenishment plans with them (the
  spread raises the safety stock); before that with the supplier's Delivery Lead Time (custom
  field), the item's lead time, or DEFAULT_LEAD_TIME_DAYS.
- price change: per item ordered twice or more in the window, the last order's rate against the
  first one's; the supplier's figure is the average over those items, with the number that got dearer.
- late open orders: submitted orders still to be received (status To Receive and Bill / To
  Receive) with a line past its required-by date and quantity still to come; named with their
  days late (of the oldest such line).

Receipts count when submitted and not returns; cancelled orders (docstatus 2) do not count.
Ratings are rewritten whole on each run (Retail Supplier Rating, one row per supplier).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from retail_suite.db.port import Database, insert_rows

WINDOW_DAYS = 365
MIN_DELIVERIES = 3
DEFAULT_LEAD_TIME_DAYS = 7.0
OWNER = "Administrator"
RATING_COLUMNS = (
	"name",
	"supplier",
	"rated_on",
	"window_from",
	"orders",
	"lines_due",
	"lines_on_time",
	"on_time_rate",
	"ordered_qty",
	"received_qty",
	"fill_rate",
	"deliveries",
	"lead_time_mean",
	"lead_time_std",
	"items_compared",
	"items_price_up",
	"price_change_percent",
	"late_open_orders",
	"most_days_late",
	"late_orders",
	"creation",
	"modified",
	"owner",
	"modified_by",
)


@dataclass
class LateOrder:
	purchase_order: str
	supplier: str
	due: date
	days_late: int
	open_qty: float


@dataclass
class SupplierRating:
	supplier: str
	orders: int = 0
	lines_due: int = 0
	lines_on_time: int = 0
	ordered_qty: float = 0.0
	received_qty: float = 0.0
	deliveries: int = 0
	lead_time_mean: float | None = None
	lead_time_std: float | None = None
	items_compared: int = 0
	items_price_up: int = 0
	price_change_percent: float | None = None
	late_orders: list[LateOrder] = field(default_factory=list)

	@property
	def on_time_rate(self) -> float | None:
		return round(100.0 * self.lines_on_time / self.lines_due, 2) if self.lines_due else None

	@property
	def fill_rate(self) -> float | None:
		return round(100.0 * self.received_qty / self.ordered_qty, 2) if self.ordered_qty else None


LINES_DUE_SQL = """
	SELECT po.supplier, COUNT(DISTINCT po.name) AS orders, COUNT(*) AS lines_due,
		SUM(CASE WHEN received.first_receipt <= poi.schedule_date THEN 1 ELSE 0 END) AS lines_on_time,
		CAST(SUM(poi.qty) AS DOUBLE) AS ordered_qty,
		CAST(SUM(LEAST(COALESCE(received.accepted, 0), poi.qty)) AS DOUBLE) AS received_qty
	FROM `tabPurchase Order` po
	JOIN `tabPurchase Order Item` poi ON poi.parent = po.name AND poi.parenttype = 'Purchase Order'
	LEFT JOIN (
		SELECT pri.purchase_order_item AS order_line, MIN(pr.posting_date) AS first_receipt, SUM(pri.qty) AS accepted
		FROM `tabPurchase Receipt Item` pri
		JOIN `tabPurchase Receipt` pr ON pr.name = pri.parent AND pri.parenttype = 'Purchase Receipt'
		WHERE pr.docstatus = 1 AND pr.is_return = 0 AND pr.posting_date >= %(window_from)s
			AND pr.posting_date <= %(as_of)s AND pri.purchase_order_item IS NOT NULL
		GROUP BY pri.purchase_order_item
	) received ON received.order_line = poi.name
	WHERE po.docstatus = 1 AND po.transaction_date >= %(window_from)s AND po.transaction_date <= %(as_of)s
		AND poi.schedule_date < %(as_of)s AND poi.qty > 0
	GROUP BY po.supplier
"""
LEAD_TIME_SQL = """
	SELECT delivery.supplier, COUNT(*) AS deliveries,
		CAST(AVG(delivery.lead_days) AS DOUBLE) AS lead_time_mean,
		CAST(COALESCE(STDDEV_SAMP(delivery.lead_days), 0) AS DOUBLE) AS lead_time_std
	FROM (
		SELECT po.supplier AS supplier, po.name AS purchase_order, pr.name AS receipt,
			MIN(DATEDIFF(pr.posting_date, po.transaction_date)) AS lead_days
		FROM `tabPurchase Receipt` pr
		JOIN `tabPurchase Receipt Item` pri ON pri.parent = pr.name AND pri.parenttype = 'Purchase Receipt'
		JOIN `tabPurchase Order` po ON po.name = pri.purchase_order
		WHERE pr.docstatus = 1 AND pr.is_return = 0 AND po.docstatus = 1
			AND pr.posting_date >= %(window_from)s AND pr.posting_date <= %(as_of)s
		GROUP BY po.supplier, po.name, pr.name
	) delivery
	GROUP BY delivery.supplier
"""
PRICE_CHANGE_SQL = """
	SELECT changes.supplier, COUNT(*) AS items_compared,
		SUM(CASE WHEN changes.last_rate > changes.first_rate THEN 1 ELSE 0 END) AS items_price_up,
		CAST(AVG((changes.last_rate / changes.first_rate - 1) * 100) AS DOUBLE) AS price_change_percent
	FROM (
		SELECT po.supplier AS supplier, poi.item_code AS item_code,
			CAST(SUBSTRING_INDEX(GROUP_CONCAT(poi.rate ORDER BY po.transaction_date, po.name SEPARATOR ','), ',', 1)
				AS DECIMAL(21, 9)) AS first_rate,
			CAST(SUBSTRING_INDEX(GROUP_CONCAT(poi.rate ORDER BY po.transaction_date DESC, po.name DESC SEPARATOR ','), ',', 1)
				AS DECIMAL(21, 9)) AS last_rate
		FROM `tabPurchase Order` po
		JOIN `tabPurchase Order Item` poi ON poi.parent = po.name AND poi.parenttype = 'Purchase Order'
		WHERE po.docstatus = 1 AND po.transaction_date >= %(window_from)s AND po.transaction_date <= %(as_of)s
		GROUP BY po.supplier, poi.item_code
		HAVING COUNT(DISTINCT po.name) >= 2
	) changes
	WHERE changes.first_rate > 0
	GROUP BY changes.supplier
"""
LATE_ORDERS_SQL = """
	SELECT po.supplier, po.name AS purchase_order, MIN(poi.schedule_date) AS due,
		DATEDIFF(%(as_of)s, MIN(poi.schedule_date)) AS days_late,
		CAST(SUM(poi.qty - LEAST(poi.received_qty, poi.qty)) AS DOUBLE) AS open_qty
	FROM `tabPurchase Order` po
	JOIN `tabPurchase Order Item` poi ON poi.parent = po.name AND poi.parenttype = 'Purchase Order'
	WHERE po.docstatus = 1 AND po.status IN ('To Receive and Bill', 'To Receive')
		AND poi.schedule_date < %(as_of)s AND poi.received_qty < poi.qty
	GROUP BY po.supplier, po.name
	ORDER BY days_late DESC, po.name
"""


def late_open_orders(db: Database, as_of: date) -> list[LateOrder]:
	"""Submitted orders still to be received that are past a line's required-by date, latest first."""
	return [
		LateOrder(
			row["purchase_order"], row["supplier"], row["due"], int(row["days_late"]), float(row["open_qty"])
		)
		for row in db.sql(LATE_ORDERS_SQL, {"as_of": as_of})
	]


def compute_ratings(db: Database, as_of: date, window_days: int = WINDOW_DAYS) -> dict[str, SupplierRating]:
	"""Every supplier's rating as of `as_of` (not written)."""
	params = {"as_of": as_of, "window_from": as_of - timedelta(days=window_days)}
	ratings: dict[str, SupplierRating] = {}

	def rating(supplier: str) -> SupplierRating:
		return ratings.setdefault(supplier, SupplierRating(supplier))

	for row in db.sql(LINES_DUE_SQL, params):
		found = rating(row["supplier"])
		found.orders = int(row["orders"])
		found.lines_due = int(row["lines_due"])
		found.lines_on_time = int(row["lines_on_time"] or 0)
		found.ordered_qty = float(row["ordered_qty"] or 0)
		found.received_qty = float(row["received_qty"] or 0)
	for row in db.sql(LEAD_TIME_SQL, params):
		found = rating(row["supplier"])
		found.deliveries = int(row["deliveries"])
		found.lead_time_mean = round(float(row["lead_time_mean"]), 3)
		found.lead_time_std = round(float(row["lead_time_std"]), 3)
	for row in db.sql(PRICE_CHANGE_SQL, params):
		found = rating(row["supplier"])
		found.items_compared = int(row["items_compared"])
		found.items_price_up = int(row["items_price_up"] or 0)
		found.price_change_percent = round(float(row["price_change_percent"]), 2)
	for late in late_open_orders(db, as_of):
		rating(late.supplier).late_orders.append(late)
	return dict(sorted(ratings.items()))


def rate_suppliers(db: Database, as_of: date, window_days: int = WINDOW_DAYS) -> dict[str, SupplierRating]:
	"""Compute and write every supplier's rating (Retail Supplier Rating is replaced whole). A figure without
	its basis (no lines due, no deliveries, no item ordered twice) is written as 0, as Frappe keeps numbers
	(NOT NULL): the counts beside it (lines due, deliveries, items compared) say whether it means anything."""
	ratings = compute_ratings(db, as_of, window_days)
	now = datetime.now()
	window_from = as_of - timedelta(days=window_days)
	rows = [
		(
			found.supplier,
			found.supplier,
			as_of,
			window_from,
			found.orders,
			found.lines_due,
			found.lines_on_time,
			found.on_time_rate or 0.0,
			found.ordered_qty,
			found.received_qty,
			found.fill_rate or 0.0,
			found.deliveries,
			found.lead_time_mean or 0.0,
			found.lead_time_std or 0.0,
			found.items_compared,
			found.items_price_up,
			found.price_change_percent or 0.0,
			len(found.late_orders),
			max((late.days_late for late in found.late_orders), default=0),
			"\n".join(
				f"{late.purchase_order}: {late.days_late} days late, {late.open_qty:g} to come"
				for late in found.late_orders
			)
			or None,
			now,
			now,
			OWNER,
			OWNER,
		)
		for found in ratings.values()
	]
	with db.transaction():
		db.execute("DELETE FROM `tabRetail Supplier Rating`")
		insert_rows(db, "tabRetail Supplier Rating", RATING_COLUMNS, rows)
	return ratings


@dataclass(frozen=True)
class LeadTime:
	days: float
	spread: float
	source: str


def lead_time(
	deliveries: int | None,
	rated_mean: float | None,
	rated_std: float | None,
	supplier_days: int | None,
	item_days: int | None,
) -> LeadTime:
	"""The lead time replenishment plans with: the supplier's record from MIN_DELIVERIES deliveries on, else the
	supplier's Delivery Lead Time, else the item's lead time, else the default (no spread without a record)."""
	if deliveries and deliveries >= MIN_DELIVERIES and rated_mean is not None:
		return LeadTime(float(rated_mean), float(rated_std or 0.0), f"{deliveries} deliveries")
	if supplier_days:
		return LeadTime(float(supplier_days), 0.0, "supplier's lead time")
	if item_days:
		return LeadTime(float(item_days), 0.0, "item's lead time")
	return LeadTime(DEFAULT_LEAD_TIME_DAYS, 0.0, "default")
