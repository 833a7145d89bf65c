"""Replenishment on real MariaDB: the daily sales fold, stock-outs, supplier ratings, forecasts and suggestions on a
generated chain, with hand-worked expected rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import Database, insert_rows
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.demo.replenishment import write_purchasing
from retail_suite.demo.standalone import warehouse_name, write_chain
from retail_suite.replenishment.demand import advance_forecasts
from retail_suite.replenishment.forecast import Policy, SeriesState, plan_orders, smooth_series
from retail_suite.replenishment.sales_history import fold_sales, record_stockouts
from retail_suite.replenishment.suggestions import run_replenishment
from retail_suite.replenishment.suppliers import compute_ratings, late_open_orders, rate_suppliers

STAMP = datetime(2026, 1, 1, 9, 0)
OWNER = "Administrator"
STORE = "S001"
FIRST_DAY = date(2026, 1, 5)  # a Monday: eight weeks of history up to Sunday 1 March
AS_OF = date(2026, 3, 2)  # the Monday the run plans for
PATTERN = (4, 4, 4, 4, 4, 8, 12)  # item D, Monday … Sunday
STOCKOUT_DAYS = {date(2026, 2, 9), date(2026, 2, 10), date(2026, 2, 11), date(2026, 2, 21), date(2026, 2, 22)}
D = Decimal


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(DemoConfig(stores=1, skus=60, members=0, seed=5, days=1))


@pytest.fixture
def db(chain_db: MariaDBDatabase) -> MariaDBDatabase:
	return chain_db


def items(chain: Chain) -> tuple[str, str, str, str]:
	"""Four grocery items: A and B sell 10 a day, C 6 a day with stock-outs, D a weekly pattern."""
	plain = [item.code for item in chain.items if not item.style and not item.is_fresh]
	return plain[0], plain[1], plain[2], plain[3]


def new_item(chain: Chain) -> str:
	"""E: first sold three days before the run, too new to plan."""
	return [item.code for item in chain.items if not item.style and not item.is_fresh][4]


def sale(
	number: int, day: date, lines: list[tuple[str, float, int]], status: str = "Audited", kind: str = "Sale"
) -> tuple[tuple, list[tuple]]:
	name = f"{STORE}-T01-{day:%Y%m%d}-{number:05d}"
	parent = (
		name,
		name,
		f"{STORE}-T01",
		STORE,
		day,
		number,
		kind,
		status,
		D("0"),
		STAMP,
		STAMP,
		OWNER,
		OWNER,
	)
	children = [
		(
			f"{name}-{idx}",
			name,
			"lines",
			"POS Transaction",
			idx,
			idx,
			item,
			D(str(qty)),
			D("1"),
			D(str(qty)),
			direction,
			STAMP,
			STAMP,
			OWNER,
			OWNER,
		)
		for idx, (item, qty, direction) in enumerate(lines, 1)
	]
	return parent, children


def write_sales(db: Database, sales: list[tuple[tuple, list[tuple]]]) -> None:
	with db.transaction():
		insert_rows(
			db,
			"tabPOS Transaction",
			(
				"name",
				"transaction_key",
				"terminal",
				"store",
				"business_day",
				"transaction_number",
				"transaction_type",
				"status",
				"net_total",
				"creation",
				"modified",
				"owner",
				"modified_by",
			),
			[parent for parent, _ in sales],
		)
		insert_rows(
			db,
			"tabPOS Transaction Line",
			(
				"name",
				"parent",
				"parentfield",
				"parenttype",
				"idx",
				"line_id",
				"item_code",
				"qty",
				"unit_price",
				"net_amount",
				"direction",
				"creation",
				"modified",
				"owner",
				"modified_by",
			),
			[line for _, lines in sales for line in lines],
		)


def sales_days(db: Database) -> list[tuple]:
	return [
		(row["business_day"], row["store"], row["item_code"], float(row["sold_qty"]), row["stockout"])
		for row in db.sql(
			"SELECT sales_day.business_day, sales_day.store, sales_day.item_code, sales_day.sold_qty, sales_day.stockout "
			"FROM `tabRetail Item Sales Day` sales_day ORDER BY sales_day.name"
		)
	]


def test_fold_sales_counts_audited_lines_net_of_returns_and_unfolds_voids(
	db: MariaDBDatabase, chain: Chain
) -> None:
	a, b, _, _ = items(chain)
	day1, day2 = date(2026, 2, 2), date(2026, 2, 3)
	write_sales(
		db,
		[
			sale(1, day1, [(a, 3, 1), (b, 2, 1)]),
			sale(2, day1, [(a, 1, -1)], kind="Return"),
			sale(3, day2, [(a, 5, 1)], status="Received"),
			sale(4, day2, [(b, 7, 1)], status="Error"),
		],
	)
	folded = fold_sales(db, batch_size=2)
	assert (folded.folded, folded.unfolded) == (2, 0)
	assert sales_days(db) == [(day1, STORE, a, 2.0, 0), (day1, STORE, b, 2.0, 0)]
	# the second sale is audited, the first voided after the fold
	db.execute("UPDATE `tabPOS Transaction` SET status = 'Audited' WHERE transaction_number = 3")
	db.execute("UPDATE `tabPOS Transaction` SET status = 'Voided' WHERE transaction_number = 1")
	folded = fold_sales(db)
	assert (folded.folded, folded.unfolded) == (1, 1)
	assert sales_days(db) == [(day1, STORE, a, -1.0, 0), (day2, STORE, a, 5.0, 0)]
	flags = db.sql(
		"SELECT transaction_number, sales_history_applied FROM `tabPOS Transaction` ORDER BY transaction_number"
	)
	assert [(row["transaction_number"], row["sales_history_applied"]) for row in flags] == [
		(1, 0),
		(2, 1),
		(3, 1),
		(4, 0),
	]
	again = fold_sales(db)
	assert (again.folded, again.unfolded) == (0, 0)
	assert sales_days(db) == [(day1, STORE, a, -1.0, 0), (day2, STORE, a, 5.0, 0)]


def scenario(db: Database, chain: Chain) -> tuple[str, str, str, str]:
	"""Eight weeks of sales, stock, suppliers and their purchasing history (see the test docstrings)."""
	a, b, c, d = items(chain)
	sales = []
	day = FIRST_DAY
	number = 0
	while day < AS_OF:
		number += 1
		lines = [(a, 10, 1), (b, 10, 1), (d, PATTERN[day.weekday()], 1)]
		if day not in STOCKOUT_DAYS:
			lines.append((c, 6, 1))
		if day >= AS_OF - timedelta(days=3):
			lines.append((new_item(chain), 9, 1))
		sales.append(sale(number, day, lines))
		day += timedelta(days=1)
	write_sales(db, sales)
	fold_sales(db)
	with db.transaction():
		# what the nightly runs recorded: C ended these days with no stock
		for out in sorted(STOCKOUT_DAYS):
			db.execute(
				"INSERT INTO `tabRetail Item Sales Day` (name, store, item_code, business_day, sold_qty, stockout) "
				"VALUES (%s, %s, %s, %s, 0, 1)",
				(f"{out.isoformat()}:{STORE}:{c}", STORE, c, out),
			)
		warehouse = warehouse_name(chain, STORE)
		for item, actual, ordered in ((a, 30, 0), (b, 60, 0), (c, 0, 12), (d, 5, 0)):
			db.execute(
				"UPDATE `tabBin` SET actual_qty = %s, ordered_qty = %s, indented_qty = 0, reserved_qty = 0 "
				"WHERE item_code = %s AND warehouse = %s",
				(actual, ordered, item, warehouse),
			)
		for item, supplier in ((a, "SUP-0001"), (b, "SUP-0001"), (c, "SUP-0002"), (d, "SUP-0001")):
			db.execute(
				"UPDATE `tabItem Default` SET default_supplier = %s WHERE parent = %s", (supplier, item)
			)
		db.execute("UPDATE `tabSupplier` SET retail_lead_time_days = 2 WHERE name = 'SUP-0002'")
		db.execute("UPDATE `tabItem` SET purchase_uom = 'Box' WHERE name = %s", (a,))
		db.execute("UPDATE `tabItem` SET min_order_qty = 50 WHERE name = %s", (c,))
		insert_rows(db, "tabUOM", ("name", "uom_name", "must_be_whole_number"), [("Box", "Box", 1)])
		insert_rows(
			db,
			"tabUOM Conversion Detail",
			("name", "uom", "conversion_factor", "parent", "parentfield", "parenttype", "idx"),
			[(f"{a}-Box", "Box", 12, a, "uoms", "Item", 2)],
		)
		purchasing(db, a, b, c, warehouse)
	return a, b, c, d


def purchasing(db: Database, a: str, b: str, c: str, warehouse: str) -> None:
	"""SUP-0001: five orders, four delivered 4 days after ordering (one short, one after its required-by date),
	one past due and open; rates rise. SUP-0002: an open order not yet due, and a cancelled one."""
	orders = [
		# name, supplier, date, status, docstatus, [(line, item, qty, rate, required by, received)]
		(
			"PO-A1",
			"SUP-0001",
			date(2026, 1, 5),
			"Completed",
			1,
			[("A1-1", a, 100, "1.00", date(2026, 1, 9), 100)],
		),
		(
			"PO-A2",
			"SUP-0001",
			date(2026, 1, 19),
			"Completed",
			1,
			[
				("A2-1", a, 100, "1.10", date(2026, 1, 23), 100),
				("A2-2", b, 50, "2.00", date(2026, 1, 23), 40),
			],
		),
		(
			"PO-A3",
			"SUP-0001",
			date(2026, 2, 2),
			"Completed",
			1,
			[("A3-1", a, 100, "1.10", date(2026, 2, 5), 100), ("A3-2", b, 50, "2.20", date(2026, 2, 5), 50)],
		),
		(
			"PO-A4",
			"SUP-0001",
			date(2026, 2, 16),
			"Completed",
			1,
			[("A4-1", a, 100, "1.21", date(2026, 2, 20), 100)],
		),
		(
			"PO-A5",
			"SUP-0001",
			date(2026, 2, 23),
			"To Receive and Bill",
			1,
			[("A5-1", a, 100, "1.21", date(2026, 2, 27), 0)],
		),
		(
			"PO-B1",
			"SUP-0002",
			date(2026, 2, 20),
			"To Receive and Bill",
			1,
			[("B1-1", c, 12, "0.50", date(2026, 3, 5), 0)],
		),
		(
			"PO-B0",
			"SUP-0002",
			date(2026, 1, 10),
			"Cancelled",
			2,
			[("B0-1", c, 40, "0.40", date(2026, 1, 12), 0)],
		),
	]
	receipts = [
		# name, posting date, [(line, order, order line, item, accepted)]
		("PR-A1", date(2026, 1, 9), [("PR-A1-1", "PO-A1", "A1-1", a, 100)]),
		(
			"PR-A2",
			date(2026, 1, 23),
			[("PR-A2-1", "PO-A2", "A2-1", a, 100), ("PR-A2-2", "PO-A2", "A2-2", b, 40)],
		),
		(
			"PR-A3",
			date(2026, 2, 6),
			[("PR-A3-1", "PO-A3", "A3-1", a, 100), ("PR-A3-2", "PO-A3", "A3-2", b, 50)],
		),
		("PR-A4", date(2026, 2, 20), [("PR-A4-1", "PO-A4", "A4-1", a, 100)]),
	]
	standard = (STAMP, STAMP, OWNER, OWNER)
	write_purchasing(
		db,
		[
			(name, supplier, "Retail Demo Co", day, max(line[4] for line in lines), status,
				100.0 if status == "Completed" else 0.0, warehouse, docstatus, *standard)
			for name, supplier, day, status, docstatus, lines in orders
		],
		[
			(line, name, "items", "Purchase Order", idx, item, qty, qty, received, "Nos", 1, D(rate), due, warehouse,
				docstatus, *standard)
			for name, _, _, _, docstatus, lines in orders
			for idx, (line, item, qty, rate, due, received) in enumerate(lines, 1)
		],
		[(name, "SUP-0001", "Retail Demo Co", day, 0, "To Bill", 1, *standard) for name, day, _ in receipts],
		[
			(line, name, "items", "Purchase Receipt", idx, item, qty, qty, qty, warehouse, order, order_line, D("1"), 1,
				*standard)
			for name, _, lines in receipts
			for idx, (line, order, order_line, item, qty) in enumerate(lines, 1)
		],
	)


def test_supplier_rating_from_orders_and_receipts(db: MariaDBDatabase, chain: Chain) -> None:
	"""SUP-0001: 7 lines due (A5's never came), 4 on time (A3's two came a day after their required-by date);
	600 ordered, 490 accepted; 4 deliveries of 4 days; item A 1.00 → 1.21 (+21 %), item B 2.00 → 2.20 (+10 %);
	PO-A5 three days late. SUP-0002's only live order is not due, its cancelled one does not count."""
	scenario(db, chain)
	ratings = rate_suppliers(db, AS_OF)
	assert list(ratings) == ["SUP-0001"]
	rows = db.sql("SELECT * FROM `tabRetail Supplier Rating`")
	assert len(rows) == 1
	row = rows[0]
	assert {
		key: row[key]
		for key in (
			"name",
			"supplier",
			"rated_on",
			"window_from",
			"orders",
			"lines_due",
			"lines_on_time",
			"deliveries",
			"items_compared",
			"items_price_up",
			"late_open_orders",
			"most_days_late",
			"late_orders",
		)
	} == {
		"name": "SUP-0001",
		"supplier": "SUP-0001",
		"rated_on": AS_OF,
		"window_from": date(2025, 3, 2),
		"orders": 5,
		"lines_due": 7,
		"lines_on_time": 4,
		"deliveries": 4,
		"items_compared": 2,
		"items_price_up": 2,
		"late_open_orders": 1,
		"most_days_late": 3,
		"late_orders": "PO-A5: 3 days late, 100 to come",
	}
	assert {
		key: float(row[key])
		for key in (
			"on_time_rate",
			"ordered_qty",
			"received_qty",
			"fill_rate",
			"lead_time_mean",
			"lead_time_std",
			"price_change_percent",
		)
	} == {
		"on_time_rate": 57.14,
		"ordered_qty": 600.0,
		"received_qty": 490.0,
		"fill_rate": 81.67,
		"lead_time_mean": 4.0,
		"lead_time_std": 0.0,
		"price_change_percent": 15.5,
	}
	late = late_open_orders(db, AS_OF)
	assert [
		(order.purchase_order, order.supplier, order.due, order.days_late, order.open_qty) for order in late
	] == [("PO-A5", "SUP-0001", date(2026, 2, 27), 3, 100.0)]
	# a day earlier nothing was late yet, and PO-A5 was not due
	earlier = compute_ratings(db, date(2026, 2, 27))["SUP-0001"]
	assert (earlier.lines_due, earlier.lines_on_time, earlier.late_orders) == (6, 4, [])
	# on 10 March SUP-0002's order is 5 days past due: rated with nothing delivered, its lead time and price
	# change written as 0 (Frappe's numbers are NOT NULL), its deliveries 0 saying there is no lead time yet
	rate_suppliers(db, date(2026, 3, 10))
	second = db.sql("SELECT * FROM `tabRetail Supplier Rating` rating WHERE rating.name = 'SUP-0002'")[0]
	assert (second["lines_due"], second["deliveries"], second["late_open_orders"], second["most_days_late"]) == (1, 0, 1, 5)
	assert [float(second[key]) for key in ("on_time_rate", "fill_rate", "lead_time_mean", "lead_time_std", "price_change_percent")] == [0.0] * 5


def test_replenishment_run_writes_the_expected_suggestions(db: MariaDBDatabase, chain: Chain) -> None:
	"""A: 10 a day, 30 on hand, lead 4 days (4 deliveries, no spread) + review 1 → reorder point 50, up to
	50 + 7 days = 120: 90 → 96 in boxes of 12. B: 60 on hand, above 50: no order. C: 6 a day on the days it had
	stock (5 stock-out days skipped), 12 on order, SUP-0002's lead time 2 → reorder point 18, up to 60: 48 → the
	minimum order 50. D: a weekly pattern, 5 on hand, planned as the pure forecast plans the same history."""
	a, b, c, d = scenario(db, chain)
	run = run_replenishment(db, AS_OF, policy=Policy(service_level=0.95, review_days=1, cover_days=7))
	assert run.stockouts == 0  # no forecast existed before this first run
	assert run.forecasts.saved_through == date(2026, 2, 26)
	assert run.forecasts.days_read == 182
	assert (len(run.forecasts), run.planned) == (5, 4)  # E has sold on 3 days only
	rows = db.sql(
		"SELECT * FROM `tabReplenishment Suggestion` suggestion ORDER BY suggestion.supplier, suggestion.item_code"
	)
	figures = (
		"daily_forecast",
		"sigma",
		"stock",
		"on_order",
		"requested",
		"reserved",
		"position",
		"lead_time_days",
		"lead_time_std",
		"safety_stock",
		"reorder_point",
		"order_up_to",
		"suggested_qty",
	)
	found = {row["item_code"]: row for row in rows}
	assert sorted(found) == sorted([a, c, d])
	assert {
		key: found[a][key]
		for key in ("name", "run_date", "store", "warehouse", "supplier", "stock_uom", "lead_time_source")
	} == {
		"name": f"2026-03-02:{STORE}:{a}",
		"run_date": AS_OF,
		"store": STORE,
		"warehouse": warehouse_name(chain, STORE),
		"supplier": "SUP-0001",
		"stock_uom": "Nos",
		"lead_time_source": "4 deliveries",
	}
	assert [round(float(found[a][key]), 3) for key in figures] == [
		10,
		0,
		30,
		0,
		0,
		0,
		30,
		4,
		0,
		0,
		50,
		120,
		96,
	]
	assert [round(float(found[c][key]), 3) for key in figures] == [6, 0, 0, 12, 0, 0, 12, 2, 0, 0, 18, 60, 50]
	assert found[c]["supplier"] == "SUP-0002" and found[c]["lead_time_source"] == "supplier's lead time"
	assert found[a]["explanation"] == (
		"Forecast 10.00/day (Mon 10.0 Tue 10.0 Wed 10.0 Thu 10.0 Fri 10.0 Sat 10.0 Sun 10.0), σ 0.00/day; "
		"stock 30 + on order 0 = position 30; lead time 4.0 ± 0.0 days (4 deliveries) + review 1 day(s): demand 50.0; "
		"safety stock 0.0 for 95% service; reorder point 50.0, order up to 120.0 (7 days' cover); "
		"order 90.0 → 96 (packs of 12)."
	)
	assert "5 out-of-stock day(s) not counted as demand" in found[c]["explanation"]
	assert "minimum order 50" in found[c]["explanation"]

	history = [
		float(PATTERN[(FIRST_DAY + timedelta(days=n)).weekday()]) for n in range((AS_OF - FIRST_DAY).days)
	]
	state = smooth_series(history, FIRST_DAY)
	expected = plan_orders(
		state,
		AS_OF,
		np.array([5.0]),
		np.array([4.0]),
		np.array([0.0]),
		np.array([1.0]),
		np.array([0.0]),
		np.array([True]),
		np.array([0.0]),
		Policy(0.95, 1, 7),
	)
	assert round(float(found[d]["reorder_point"]), 3) == round(float(expected.reorder_point[0]), 3)
	assert round(float(found[d]["order_up_to"]), 3) == round(float(expected.order_up_to[0]), 3)
	assert float(found[d]["suggested_qty"]) == expected.qty[0]
	assert {
		(store, supplier): [line.item_code for line in lines]
		for (store, supplier), lines in run.by_supplier().items()
	} == {
		(STORE, "SUP-0001"): sorted([a, d]),
		(STORE, "SUP-0002"): [c],
	}

	# the same day again: the same suggestions, nothing doubled
	again = run_replenishment(db, AS_OF, policy=Policy(service_level=0.95, review_days=1, cover_days=7))
	assert [(line.item_code, line.suggested_qty) for line in again.suggestions] == [
		(line.item_code, line.suggested_qty) for line in run.suggestions
	]
	assert again.forecasts.saved_through is None
	assert db.sql("SELECT COUNT(*) AS n FROM `tabReplenishment Suggestion`")[0]["n"] == 3


def states(db: Database) -> dict[tuple[str, str], tuple]:
	return {
		(row["store"], row["item_code"]): (
			row["smoothed_through"],
			round(float(row["level"]), 6),
			row["observations"],
			row["censored_days"],
			round(float(row["error_variance"]), 6),
			round(float(row["season_sat"]), 6),
		)
		for row in db.sql("SELECT * FROM `tabRetail Demand Forecast`")
	}


def test_daily_runs_equal_a_recompute_and_mark_stockouts(db: MariaDBDatabase, chain: Chain) -> None:
	"""Forecasts advanced run by run are the forecasts of a recompute over the same days; each night the items
	with a forecast and no stock are marked out of stock for the day just closed."""
	a, b, c, d = scenario(db, chain)
	first = advance_forecasts(db, date(2026, 2, 16))
	assert first.saved_through == date(2026, 2, 12)
	for as_of in (date(2026, 2, 17), date(2026, 2, 18), AS_OF):
		advance_forecasts(db, as_of)
	daily = states(db)
	assert {key: value[0] for key, value in daily.items()} == {
		(STORE, a): date(2026, 2, 26),
		(STORE, b): date(2026, 2, 26),
		(STORE, c): date(2026, 2, 26),
		(STORE, d): date(2026, 2, 26),
	}
	assert daily[(STORE, c)][2:4] == (48, 5)  # 53 days to the 26th, 5 of them out of stock
	recomputed = advance_forecasts(db, AS_OF, recompute=True)
	assert states(db) == daily
	assert recomputed.days_read == 182

	# the night of 1 March: C has no stock; a sold-out day keeps its sales and is marked
	assert record_stockouts(db, date(2026, 3, 1)) == 1
	assert [row for row in sales_days(db) if row[0] == date(2026, 3, 1)] == sorted(
		[
			(date(2026, 3, 1), STORE, a, 10.0, 0),
			(date(2026, 3, 1), STORE, b, 10.0, 0),
			(date(2026, 3, 1), STORE, c, 6.0, 1),
			(date(2026, 3, 1), STORE, d, 12.0, 0),
			(date(2026, 3, 1), STORE, new_item(chain), 9.0, 0),
		],
		key=lambda row: f"{row[0]}:{row[1]}:{row[2]}",
	)
	assert record_stockouts(db, date(2026, 3, 1)) == 1  # idempotent
	assert record_stockouts(db, date(2026, 3, 1), store="S999") == 0


def test_store_that_did_not_trade_is_not_counted(db: MariaDBDatabase, chain: Chain) -> None:
	"""A day without a single sale in the store (closed, or its tills not yet sent) is skipped, not zero."""
	a, _, _, _ = items(chain)
	sales = [sale(n, FIRST_DAY + timedelta(days=n), [(a, 10, 1)]) for n in range(28) if n not in (10, 11, 12)]
	write_sales(db, sales)
	fold_sales(db)
	forecasts = advance_forecasts(db, FIRST_DAY + timedelta(days=28), settle_days=0)
	position = forecasts.items.index(a)
	assert forecasts.state.level[position] == pytest.approx(10.0)
	assert forecasts.state.observations[position] == 25
	assert isinstance(forecasts.state, SeriesState)


def test_cli_replenish_prints_orders_per_supplier(
	db: MariaDBDatabase, chain: Chain, empty_database: DatabaseSettings
) -> None:
	import os
	import subprocess
	import sys

	scenario(db, chain)
	settings = empty_database
	env = {
		**os.environ,
		"COLUMNS": "160",
		"RETAIL_SUITE_DB": f"mariadb://{settings.user}@{settings.host}:{settings.port}/{settings.database}",
	}
	result = subprocess.run(
		[
			sys.executable,
			"-m",
			"retail_suite.cli",
			"replenish",
			"--as-of",
			AS_OF.isoformat(),
			"--store",
			STORE,
		],
		capture_output=True,
		text=True,
		env=env,
		timeout=300,
	)
	assert result.returncode == 0, result.stderr
	assert "Suggested orders for 2026-03-02" in result.stdout
	assert "SUP-0001" in result.stdout and "SUP-0002" in result.stdout
	assert "PO-A5 (3 d)" in result.stdout
	assert "4 items planned, 3 suggestions written" in " ".join(result.stdout.split())
	bad = subprocess.run(
		[sys.executable, "-m", "retail_suite.cli", "replenish", "--service-level", "1.5"],
		capture_output=True,
		text=True,
		env=env,
		timeout=300,
	)
	assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_demo_section_after_the_replay(empty_database: DatabaseSettings) -> None:
	"""The demo's replenishment: orders per store and supplier from the replayed sales, ratings that tell the
	suppliers' profiles apart, and the Bins left as the chain wrote them."""
	from retail_suite.demo.pipeline import DemoResult, posdm_section
	from retail_suite.demo.replenishment import replenishment_section

	database = MariaDBDatabase(empty_database)
	schema.migrate(database)
	demo = generate_chain(DemoConfig(stores=2, skus=600, members=100, days=14, seed=4))
	write_chain(database, demo)
	posdm_section(database, demo, lambda stage, total: lambda what, units: None, DemoResult(chain=demo))
	bins = database.sql("SELECT * FROM `tabBin` ORDER BY name")
	section = replenishment_section(database, demo, None)
	assert database.sql("SELECT * FROM `tabBin` ORDER BY name") == bins
	assert [table.title for table in section.tables] == [
		"Suggested orders by store and supplier",
		"Largest lines and why",
		"Supplier rating",
	]
	as_of = demo.config.start_date + timedelta(days=14)
	stored = database.sql(
		"SELECT suggestion.store, suggestion.item_code, suggestion.supplier, suggestion.suggested_qty "
		"FROM `tabReplenishment Suggestion` suggestion WHERE suggestion.run_date = %s",
		(as_of,),
	)
	orders = section.tables[0].rows
	assert len(stored) == sum(row[3] for row in orders) > 0
	assert {row["store"] for row in stored} == {"S001", "S002"}
	defaults = {item.code: item.supplier for item in demo.items}
	assert all(row["supplier"] == defaults[row["item_code"]] for row in stored)
	ratings = {row[0]: row for row in section.tables[2].rows}
	assert ratings and set(ratings) <= {supplier.code for supplier in demo.suppliers}
	for supplier, profile, on_time, fill, *_ in ratings.values():
		if profile == "reliable":
			assert (on_time, fill) == (100.0, 100.0), supplier
		if profile == "late":
			assert on_time < 100.0, supplier
	assert "out of stock last night" in section.intro
	database.close()
