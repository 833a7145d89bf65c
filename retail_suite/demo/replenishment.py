"""The demo chain's replenishment (store layer): purchasing history, then the nightly runs after the replay.

Purchasing history: each supplier orders weekly for each store, from ten weeks before the first replayed
day to the last one, a handful of its items each time, promised within its lead time. Suppliers have a
profile, drawn from the seed: most deliver on time and in full; some come a few days late, some short,
some raise their prices half-way. Orders whose delivery day has not come by the run are still open —
those past their required-by date are the late open orders the rating flags.

Stock: the standalone host posts nothing into ERPNext's stock, so the demo's Bins still hold the
opening stock after the replay. For the morning run the section stands in for ERPNext: on hand becomes
the opening stock less what the tills sold plus what was received since the first replayed day (never
below 0), on order the open purchase orders; after the run the Bins are put back, so the other
sections see the chain as written.

Two nightly runs: the night of the last replayed day (the forecasts are built from the 14 days), and
the next morning's, which also marks the items that ended the last day out of stock and is the plan
the section reports: suggested orders per store and supplier (Material Request drafts on a site),
lines with their reasons, and the supplier ratings.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database, insert_rows
from retail_suite.demo.chain import Chain
from retail_suite.demo.report import ReportSection, Table, bar_chart
from retail_suite.demo.standalone import warehouse_name
from retail_suite.replenishment.suggestions import ReplenishmentRun, run_replenishment

OWNER = "Administrator"
HISTORY_WEEKS = 10
LINES_PER_ORDER = 6
PROFILES = ("reliable", "late", "short", "dearer")


@dataclass
class PurchaseHistory:
	profiles: dict[str, str] = field(default_factory=dict)
	orders: int = 0
	receipts: int = 0
	#: (item, warehouse) -> quantity on open purchase orders
	open_qty: dict[tuple[str, str], float] = field(default_factory=dict)
	#: (item, warehouse) -> quantity received from the first replayed day on
	received_qty: dict[tuple[str, str], float] = field(default_factory=dict)


#: columns of the purchasing rows a demo or a test writes as a site holds them (the app only reads them)
PURCHASE_ORDER_COLUMNS = (
	"name", "supplier", "company", "transaction_date", "schedule_date", "status", "per_received", "set_warehouse",
	"docstatus", "creation", "modified", "owner", "modified_by",
)  # fmt: skip
PURCHASE_ORDER_ITEM_COLUMNS = (
	"name", "parent", "parentfield", "parenttype", "idx", "item_code", "qty", "stock_qty", "received_qty", "uom",
	"conversion_factor", "rate", "schedule_date", "warehouse", "docstatus", "creation", "modified", "owner",
	"modified_by",
)  # fmt: skip
PURCHASE_RECEIPT_COLUMNS = (
	"name", "supplier", "company", "posting_date", "is_return", "status", "docstatus", "creation", "modified", "owner",
	"modified_by",
)  # fmt: skip
PURCHASE_RECEIPT_ITEM_COLUMNS = (
	"name", "parent", "parentfield", "parenttype", "idx", "item_code", "received_qty", "qty", "stock_qty", "warehouse",
	"purchase_order", "purchase_order_item", "rate", "docstatus", "creation", "modified", "owner", "modified_by",
)  # fmt: skip


def write_purchasing(
	db: Database,
	orders: Sequence[tuple],
	order_lines: Sequence[tuple],
	receipts: Sequence[tuple] = (),
	receipt_lines: Sequence[tuple] = (),
) -> None:
	"""Purchase Orders and Receipts with their lines, rows in the order of the *_COLUMNS above."""
	insert_rows(db, "tabPurchase Order", PURCHASE_ORDER_COLUMNS, orders)
	insert_rows(db, "tabPurchase Order Item", PURCHASE_ORDER_ITEM_COLUMNS, order_lines)
	insert_rows(db, "tabPurchase Receipt", PURCHASE_RECEIPT_COLUMNS, receipts)
	insert_rows(db, "tabPurchase Receipt Item", PURCHASE_RECEIPT_ITEM_COLUMNS, receipt_lines)


def write_purchase_history(db: Database, chain: Chain, as_of: date) -> PurchaseHistory:
	"""Weekly purchase orders per supplier and store with their receipts, up to the day before `as_of`."""
	config = chain.config
	rng = random.Random(config.seed * 7919 + 17)
	history = PurchaseHistory()
	items_of: dict[str, list] = {}
	for item in chain.items:
		items_of.setdefault(item.supplier, []).append(item)
	first_day = config.start_date - timedelta(weeks=HISTORY_WEEKS)
	stamp = datetime.combine(config.start_date, datetime.min.time())
	standard = (stamp, stamp, OWNER, OWNER)
	orders, order_lines, receipts, receipt_lines = [], [], [], []
	for supplier in chain.suppliers:
		profile = rng.choices(PROFILES, weights=(55, 20, 15, 10))[0]
		history.profiles[supplier.code] = profile
		weekday = rng.randrange(7)
		stocked = items_of.get(supplier.code, [])
		if not stocked:
			continue
		for store in chain.stores:
			warehouse = warehouse_name(chain, store.code)
			day = first_day + timedelta(days=(weekday - first_day.weekday()) % 7)
			while day < as_of:
				late_by = rng.randint(1, 5) if profile == "late" and rng.random() < 0.6 else 0
				fill = rng.uniform(0.8, 0.95) if profile == "short" and rng.random() < 0.5 else 1.0
				markup = (
					1.06
					if profile == "dearer" and day >= config.start_date - timedelta(weeks=HISTORY_WEEKS // 2)
					else 1.0
				)
				order = f"PO-{store.code}-{supplier.code}-{day:%y%m%d}"
				due = day + timedelta(days=supplier.lead_time_days)
				arrives = due + timedelta(days=late_by)
				received = arrives < as_of
				picked = rng.sample(stocked, min(LINES_PER_ORDER, len(stocked)))
				lines = []
				for idx, item in enumerate(picked, 1):
					qty = float(max(1, round(item.daily_demand * store.traffic * 7)))
					accepted = float(round(qty * fill)) if received else 0.0
					rate = Decimal(str(round(item.cost * markup, 2)))
					lines.append((f"{order}-{idx}", item.code, qty, accepted, rate))
					key = (item.code, warehouse)
					if not received:
						history.open_qty[key] = history.open_qty.get(key, 0.0) + qty
					elif arrives >= config.start_date:
						history.received_qty[key] = history.received_qty.get(key, 0.0) + accepted
				short = any(accepted < qty for _, _, qty, accepted, _ in lines)
				status = ("Closed" if short else "To Bill") if received else "To Receive and Bill"
				orders.append(
					(
						order,
						supplier.code,
						config.company,
						day,
						due,
						status,
						100.0 if received else 0.0,
						warehouse,
						1,
						*standard,
					)
				)
				order_lines += [
					(
						line,
						order,
						"items",
						"Purchase Order",
						idx,
						item,
						qty,
						qty,
						accepted,
						"Nos",
						1,
						rate,
						due,
						warehouse,
						1,
						*standard,
					)
					for idx, (line, item, qty, accepted, rate) in enumerate(lines, 1)
				]
				if received:
					receipt = f"PR-{store.code}-{supplier.code}-{arrives:%y%m%d}"
					receipts.append(
						(receipt, supplier.code, config.company, arrives, 0, "To Bill", 1, *standard)
					)
					receipt_lines += [
						(
							f"{receipt}-{idx}",
							receipt,
							"items",
							"Purchase Receipt",
							idx,
							item,
							accepted,
							accepted,
							accepted,
							warehouse,
							order,
							line,
							rate,
							1,
							*standard,
						)
						for idx, (line, item, _qty, accepted, rate) in enumerate(lines, 1)
					]
				day += timedelta(days=7)
	with db.transaction():
		write_purchasing(db, orders, order_lines, receipts, receipt_lines)
	history.orders = len(orders)
	history.receipts = len(receipts)
	return history


def _stock_after_replay(db: Database, history: PurchaseHistory, sign: int) -> None:
	"""Stand in for ERPNext's stock postings (sign 1): sales out, receipts in, open orders on order; or put the
	Bins back as written (sign -1)."""
	db.execute(
		"""
		UPDATE `tabBin` bin
		JOIN `tabRetail Store` store ON store.warehouse = bin.warehouse
		JOIN (
			SELECT sales_day.store AS store, sales_day.item_code AS item_code, SUM(sales_day.sold_qty) AS sold
			FROM `tabRetail Item Sales Day` sales_day GROUP BY sales_day.store, sales_day.item_code
		) sold ON sold.store = store.name AND sold.item_code = bin.item_code
		SET bin.actual_qty = bin.actual_qty - %s * sold.sold
		""",
		(sign,),
	)
	for (item, warehouse), qty in sorted(history.received_qty.items()):
		db.execute(
			"UPDATE `tabBin` SET actual_qty = actual_qty + %s WHERE item_code = %s AND warehouse = %s",
			(sign * qty, item, warehouse),
		)
	for (item, warehouse), qty in sorted(history.open_qty.items()):
		db.execute(
			"UPDATE `tabBin` SET ordered_qty = ordered_qty + %s WHERE item_code = %s AND warehouse = %s",
			(sign * qty, item, warehouse),
		)


def run_nights(db: Database, chain: Chain) -> tuple[PurchaseHistory, ReplenishmentRun, ReplenishmentRun]:
	"""Purchasing history, then the runs of the last replayed night and the morning after."""
	config = chain.config
	as_of = config.start_date + timedelta(days=config.days)
	history = write_purchase_history(db, chain, as_of)
	night = run_replenishment(db, as_of - timedelta(days=1))
	with db.transaction():
		_stock_after_replay(db, history, 1)
		# what the stock went below 0 by is stock the tills sold without it: on hand is 0
		negative = db.sql("SELECT bin.name, bin.actual_qty FROM `tabBin` bin WHERE bin.actual_qty < 0")
		for row in negative:
			db.execute("UPDATE `tabBin` SET actual_qty = 0 WHERE name = %s", (row["name"],))
	try:
		morning = run_replenishment(db, as_of)
	finally:
		with db.transaction():
			for row in negative:
				db.execute(
					"UPDATE `tabBin` SET actual_qty = %s WHERE name = %s", (row["actual_qty"], row["name"])
				)
			_stock_after_replay(db, history, -1)
	return history, night, morning


def replenishment_section(db: Database, chain: Chain, result: Any = None) -> ReportSection:
	"""Suggested orders per store and supplier with their reasons, and the supplier ratings, after the replay."""
	config = chain.config
	history, night, run = run_nights(db, chain)
	names = {supplier.code: supplier.name for supplier in chain.suppliers}
	groups = run.by_supplier()
	order_rows = [
		(
			store,
			supplier or "—",
			names.get(supplier or "", ""),
			len(lines),
			round(sum(line.suggested_qty for line in lines)),
			f"{min(line.lead_time_days for line in lines):.1f}–{max(line.lead_time_days for line in lines):.1f}",
		)
		for (store, supplier), lines in groups.items()
	]
	biggest = sorted(
		run.suggestions, key=lambda line: (-line.suggested_qty * line.daily_forecast, line.item_code)
	)[:8]
	rated = [rating for rating in run.ratings.values() if rating.lines_due]
	rating_rows = [
		(
			rating.supplier,
			history.profiles.get(rating.supplier, ""),
			"—" if rating.on_time_rate is None else rating.on_time_rate,
			"—" if rating.fill_rate is None else rating.fill_rate,
			"—"
			if rating.lead_time_mean is None
			else f"{rating.lead_time_mean:.1f} ± {rating.lead_time_std:.1f}",
			"—" if rating.price_change_percent is None else f"{rating.price_change_percent:+.1f}%",
			len(rating.late_orders),
		)
		for rating in rated
	]
	late = sum(len(rating.late_orders) for rating in run.ratings.values())
	forecasts = run.forecasts
	units_by_supplier: dict[str, float] = {}
	for (_, supplier), lines in groups.items():
		units_by_supplier[supplier or "—"] = units_by_supplier.get(supplier or "—", 0.0) + sum(
			line.suggested_qty for line in lines
		)
	top = sorted(units_by_supplier.items(), key=lambda pair: -pair[1])[:12]
	return ReportSection(
		title="Replenishment: forecasts, suggested orders, suppliers",
		intro=(
			f"The {config.days} replayed days were folded into daily item sales ({night.sales.folded if night.sales else 0:,} "
			f"transactions) and smoothed into {len(forecasts):,} store-item forecasts (level × weekday index). "
			f"{history.orders:,} weekly purchase orders and {history.receipts:,} receipts over {HISTORY_WEEKS} weeks rate "
			f"the {len(rated)} suppliers; {late} open order(s) are past their required-by date. "
			f"The run for {run.as_of} marked {run.stockouts:,} items out of stock last night (not counted as demand), "
			f"planned {run.planned:,} items against stock after the replay and open orders, and suggests "
			f"{len(run.suggestions):,} order lines in {len(groups)} store × supplier groups — on a site, one Material "
			"Request draft each."
		),
		tables=[
			Table(
				"Suggested orders by store and supplier",
				("Store", "Supplier", "Name", "Lines", "Units", "Lead time (days)"),
				order_rows or [("—", "—", "", 0, 0, "")],
			),
			Table(
				"Largest lines and why",
				("Store", "Item", "Supplier", "Qty", "Why"),
				[
					(line.store, line.item_code, line.supplier or "—", line.suggested_qty, line.explanation)
					for line in biggest
				]
				or [("—", "—", "—", 0, "")],
			),
			Table(
				"Supplier rating",
				(
					"Supplier",
					"Profile (demo)",
					"On time %",
					"Fill rate %",
					"Lead time (days)",
					"Price change",
					"Late open orders",
				),
				rating_rows or [("—", "", "—", "—", "—", "—", 0)],
			),
		],
		charts=[
			bar_chart(
				"Units to order per supplier", [name for name, _ in top], [units for _, units in top], "units"
			)
		],
	)
