"""The membership report on real MariaDB, on a handful of transactions whose figures are worked out by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest

from retail_suite.config import DatabaseSettings
from retail_suite.db import schema
from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import insert_rows
from retail_suite.demo.chain import DemoConfig, generate_chain
from retail_suite.demo.standalone import write_chain
from retail_suite.membership.figures import monthly_repurchase, points_liability, sales_split
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records

D = Decimal


@pytest.fixture
def db(empty_database: DatabaseSettings) -> Iterator[MariaDBDatabase]:
	database = MariaDBDatabase(empty_database)
	schema.migrate(database)
	chain = generate_chain(DemoConfig(stores=1, skus=60, members=5, seed=9, days=1))
	write_chain(database, chain)
	database.chain = chain  # type: ignore[attr-defined]
	yield database
	database.close()


def record(chain, day: date, number: int, price: str, member: str | None, kind: str = "sale", original: int | None = None) -> dict:
	store = chain.stores[0]
	item = next(item for item in chain.items if not item.style and not item.is_fresh and item.department != "household")
	amount = D(price)
	body = {
		"terminal": store.terminals[0],
		"business_day": day.isoformat(),
		"transaction_number": number,
		"type": kind,
		"ended_at": f"{day.isoformat()}T12:00:00",
		# ten at the list price less a manual discount down to the amount wanted: totals stay exact
		"lines": [{"line_id": 1, "item_code": item.code, "qty": 10, "unit_price": D(str(item.price)),
			"discount": D(str(item.price)) * 10 - amount}],
		"tenders": [{"type": "cash", "amount": amount}],
		"totals": {"grand": -amount if kind == "return" else amount},
	}
	if member:
		body["member"] = member
	if original:
		body["original"] = {"terminal": store.terminals[0], "business_day": day.isoformat(), "transaction_number": original}
	return body


def test_member_share_baskets_repurchase_and_points_liability(db: MariaDBDatabase) -> None:
	chain = db.chain  # type: ignore[attr-defined]
	m1, m2, m3 = (member.code for member in chain.members[:3])
	oct30, nov6 = date(2026, 10, 30), date(2026, 11, 6)
	records = [
		record(chain, oct30, 1, "12.00", m2),
		record(chain, nov6, 2, "10.00", m1),
		record(chain, nov6, 3, "5.00", m1),
		record(chain, nov6, 4, "20.00", m2),
		record(chain, nov6, 5, "30.00", None),
		record(chain, nov6, 6, "10.00", None),
		record(chain, nov6, 7, "5.00", m1, kind="return", original=3),
	]
	results = ingest_records(db, records, "Offline Till")
	assert [r.status for r in results] == ["accepted"] * 7, [str(r) for r in results]
	summary = run_audit(db)
	assert summary.errors == 0, summary.findings

	split = sales_split(db, date(2026, 11, 1), date(2026, 11, 30))
	assert (split.member_sales, split.other_sales) == (D("30.00"), D("40.00"))  # 10 + 5 + 20 − 5; 30 + 10
	assert (split.member_baskets, split.other_baskets) == (3, 2)
	assert split.member_share_percent == D("42.9")
	assert (split.member_basket, split.other_basket) == (D("10.00"), D("20.00"))

	months = monthly_repurchase(db, date(2026, 10, 1), date(2026, 11, 30))
	assert [(m.month, m.buying_members, m.bought_twice, m.from_last_month, m.last_month_members) for m in months] == [
		("2026-10", 1, 0, 0, 0),
		("2026-11", 2, 1, 1, 1),  # m1 came twice in November; m2 came back from October
	]
	assert months[1].repurchase_rate_percent == D("50.0") and months[1].retention_percent == D("100.0")
	assert months[0].retention_percent is None

	stamp = datetime(2026, 11, 7)
	insert_rows(
		db,
		"tabRetail Points Entry",
		("name", "member", "entry_type", "points", "business_day", "creation", "modified", "owner", "modified_by"),
		[
			("P1", m1, "Earn", 15, nov6, stamp, stamp, "Administrator", "Administrator"),
			("P2", m2, "Earn", 20, nov6, stamp, stamp, "Administrator", "Administrator"),
			("P3", m2, "Redeem", -25, nov6, stamp, stamp, "Administrator", "Administrator"),
			("P4", m3, "Earn", 7, nov6, stamp, stamp, "Administrator", "Administrator"),
			("P5", m3, "Earn", 100, date(2026, 11, 20), stamp, stamp, "Administrator", "Administrator"),
		],
	)
	liability = points_liability(db, nov6, D("0.01"))
	assert (liability.members_with_points, liability.points_outstanding) == (2, 22)  # m2 is below zero: no liability
	assert liability.liability == D("0.22")
