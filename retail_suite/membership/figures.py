"""Membership report (store layer): member share of sales, repurchase by month, member and non-member
baskets, points liability — one SQL text for both hosts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from retail_suite.db.port import Database
from retail_suite.posdm.tlog import ZERO, exact

COUNTED = "('Audited', 'Posted')"


@dataclass(frozen=True)
class SalesSplit:
	"""Sales of the period split by whether a member was named on the transaction."""

	member_sales: Decimal
	other_sales: Decimal
	member_baskets: int
	other_baskets: int

	@property
	def member_share_percent(self) -> Decimal:
		total = self.member_sales + self.other_sales
		return (self.member_sales / total * 100).quantize(Decimal("0.1")) if total else Decimal("0")

	@property
	def member_basket(self) -> Decimal:
		return (self.member_sales / self.member_baskets).quantize(ZERO) if self.member_baskets else ZERO

	@property
	def other_basket(self) -> Decimal:
		return (self.other_sales / self.other_baskets).quantize(ZERO) if self.other_baskets else ZERO


def sales_split(db: Database, first_day: date, last_day: date, store: str | None = None) -> SalesSplit:
	"""Net sales (sales less returns, before tax) and sale baskets of members and of everyone else."""
	store_filter = " AND txn.store = %s" if store else ""
	params: list[Any] = [first_day, last_day, *([store] if store else [])]
	split = {True: [ZERO, 0], False: [ZERO, 0]}
	for row in db.sql(
		"SELECT txn.member IS NOT NULL AS is_member, SUM(txn.net_total) AS sales, "
		"SUM(CASE WHEN txn.transaction_type = 'Sale' THEN 1 ELSE 0 END) AS baskets FROM `tabPOS Transaction` txn "
		"WHERE txn.status IN " + COUNTED + " AND txn.transaction_type IN ('Sale', 'Return', 'Exchange') "
		"AND txn.business_day BETWEEN %s AND %s" + store_filter + " GROUP BY txn.member IS NOT NULL",
		params,
	):
		split[bool(row["is_member"])] = [exact(row["sales"]).quantize(ZERO), int(row["baskets"] or 0)]
	return SalesSplit(split[True][0], split[False][0], split[True][1], split[False][1])


@dataclass(frozen=True)
class MonthRepurchase:
	month: str  # YYYY-MM
	buying_members: int
	bought_twice: int  # members with two or more sale visits in the month
	from_last_month: int  # members who bought last month and again this month
	last_month_members: int

	@property
	def repurchase_rate_percent(self) -> Decimal:
		return (Decimal(self.bought_twice) / self.buying_members * 100).quantize(Decimal("0.1")) if self.buying_members else Decimal("0")

	@property
	def retention_percent(self) -> Decimal | None:
		if not self.last_month_members:
			return None
		return (Decimal(self.from_last_month) / self.last_month_members * 100).quantize(Decimal("0.1"))


def monthly_repurchase(db: Database, first_day: date, last_day: date, store: str | None = None) -> list[MonthRepurchase]:
	"""Per month: members who bought, those who came back within the month, and those kept from the month before."""
	store_filter = " AND txn.store = %s" if store else ""
	params: list[Any] = [first_day, last_day, *([store] if store else [])]
	visits: dict[str, dict[str, int]] = {}
	for row in db.sql(
		"SELECT EXTRACT(YEAR_MONTH FROM txn.business_day) AS month, txn.member, COUNT(*) AS visits "
		"FROM `tabPOS Transaction` txn WHERE txn.status IN " + COUNTED + " AND txn.transaction_type = 'Sale' "
		"AND txn.member IS NOT NULL AND txn.business_day BETWEEN %s AND %s" + store_filter + " GROUP BY month, txn.member",
		params,
	):
		month = f"{int(row['month']) // 100:04d}-{int(row['month']) % 100:02d}"
		visits.setdefault(month, {})[row["member"]] = int(row["visits"])
	months = sorted(visits)
	result = []
	for position, month in enumerate(months):
		members = visits[month]
		before = visits.get(months[position - 1], {}) if position else {}
		result.append(
			MonthRepurchase(
				month=month,
				buying_members=len(members),
				bought_twice=sum(1 for count in members.values() if count >= 2),
				from_last_month=len(set(members) & set(before)),
				last_month_members=len(before),
			)
		)
	return result


@dataclass(frozen=True)
class PointsLiability:
	members_with_points: int
	points_outstanding: int
	point_value: Decimal

	@property
	def liability(self) -> Decimal:
		return (self.point_value * self.points_outstanding).quantize(ZERO)


def points_liability(db: Database, as_of: date, point_value: Decimal) -> PointsLiability:
	"""Points members could still redeem on `as_of` (the ledger's balance; expired points are booked out by
	the expiry run) and what they are worth at the programme's point value."""
	row = db.sql(
		"SELECT COUNT(*) AS members, COALESCE(SUM(balance.points), 0) AS points FROM ("
		"SELECT entry.member, SUM(entry.points) AS points FROM `tabRetail Points Entry` entry "
		"WHERE entry.business_day <= %s GROUP BY entry.member HAVING SUM(entry.points) > 0) balance",
		(as_of,),
	)[0]
	return PointsLiability(int(row["members"] or 0), int(exact(row["points"])), point_value)
