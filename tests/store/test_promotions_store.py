"""Promotions on real MariaDB: stored promotions, tills priced by the engine, POSDM audit naming the promotion,
posting documents with the discount per promotion, usage limits, member tags and campaign coupons."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from retail_suite.db.mariadb_db import MariaDBDatabase
from retail_suite.db.port import insert_rows
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.posdm.audit_sql import run_audit
from retail_suite.posdm.ingest import ingest_records
from retail_suite.posdm.posting import aggregate_all
from retail_suite.promotions.active import load_promotions, save_promotion
from retail_suite.promotions.engine import evaluate
from retail_suite.promotions.performance import promotion_performance

D = Decimal
DAY = date(2026, 11, 6)  # a Friday
STAMP = datetime(2026, 11, 1, 9, 0)


@pytest.fixture(scope="module")
def chain() -> Chain:
	return generate_chain(DemoConfig(stores=1, skus=120, members=10, seed=3, days=1))


@pytest.fixture
def db(chain_db: MariaDBDatabase) -> MariaDBDatabase:
	return chain_db


def plain_items(chain: Chain) -> list:
	return [item for item in chain.items if not item.style and not item.is_fresh]


def promotions(db: MariaDBDatabase, chain: Chain) -> dict[str, Any]:
	"""Five promotions on four items; returns the items by role."""
	items = plain_items(chain)
	lunch, member, vip, limited, birthday = items[:5]
	store = chain.stores[0].code
	with db.transaction():
		save_promotion(db, {"promotion_code": "LUNCH", "title": "Lunch 20 %", "promotion_type": "Percent Off",
			"discount_percent": 20}, {"items": [{"item_code": lunch.code}], "hours": [{"start_time": "11:00:00", "end_time": "14:00:00"}]})
		save_promotion(db, {"promotion_code": "MEMBERS", "title": "Member price", "promotion_type": "Percent Off",
			"discount_percent": 10, "members_only": 1}, {"items": [{"item_code": member.code}], "stores": [{"store": store}]})
		save_promotion(db, {"promotion_code": "VIP", "title": "VIP 30 %", "promotion_type": "Percent Off",
			"discount_percent": 30, "member_tags": "VIP"}, {"items": [{"item_code": vip.code}]})
		save_promotion(db, {"promotion_code": "FIRST1", "title": "First customer only", "promotion_type": "Amount Off",
			"discount_amount": D("0.50"), "limit_total": 1}, {"items": [{"item_code": limited.code}]})
		save_promotion(db, {"promotion_code": "BDAY", "title": "Birthday 25 %", "promotion_type": "Percent Off",
			"discount_percent": 25, "source": "Campaign"}, {"items": [{"item_code": birthday.code}]})
		save_promotion(db, {"promotion_code": "OLD", "title": "Ended", "promotion_type": "Percent Off",
			"discount_percent": 50, "valid_upto": date(2026, 10, 31)}, {"items": [{"item_code": lunch.code}]})
	return {"lunch": lunch, "member": member, "vip": vip, "limited": limited, "birthday": birthday}


def campaign_coupon(db: MariaDBDatabase, member: str, code: str) -> None:
	with db.transaction():
		insert_rows(db, "tabRetail Campaign", ("name", "campaign_name", "campaign_type", "enabled", "period", "promotion",
			"creation", "modified", "owner", "modified_by"),
			[("Birthday Care", "Birthday Care", "Birthday Care", 1, "Year", "BDAY", STAMP, STAMP, "Administrator", "Administrator")],
			ignore_duplicates=True)
		insert_rows(db, "tabRetail Campaign Member", ("name", "campaign", "member", "period_key", "coupon_code", "promotion",
			"issued_on", "creation", "modified", "owner", "modified_by"),
			[(f"BC-{member}", "Birthday Care", member, "2026", code, "BDAY", DAY, STAMP, STAMP, "Administrator", "Administrator")])


def tag(db: MariaDBDatabase, member: str, name: str) -> None:
	with db.transaction():
		insert_rows(db, "tabRetail Member Tag", ("name", "member", "tag", "rule", "tagged_on", "creation", "modified",
			"owner", "modified_by"), [(f"{member}-{name}", member, name, None, DAY, STAMP, STAMP, "Administrator", "Administrator")])


class Till:
	"""A till that prices baskets with the engine, as the demo tills and the POS do."""

	def __init__(self, db: MariaDBDatabase, chain: Chain) -> None:
		self.store = chain.stores[0]
		self.catalogue = load_promotions(db, DAY, DAY, store=self.store.code)
		self.groups = {item.code: item.item_group for item in chain.items}
		self.number = 0

	def sale(self, lines: list[tuple[Any, int]], at: time, member: str | None = None, tags: tuple[str, ...] = (),
			coupons: tuple[str, ...] = (), tokens: tuple[str, ...] = ()) -> dict[str, Any]:
		self.number += 1
		ended = datetime.combine(DAY, at, tzinfo=ZoneInfo(self.store.time_zone))
		basket = [{"line_id": n, "item_code": item.code, "item_group": self.groups[item.code], "qty": str(qty),
			"unit_price": str(item.price)} for n, (item, qty) in enumerate(lines, 1)]
		priced = evaluate(self.catalogue, {"lines": basket}, {"at": ended.isoformat(), "timezone": self.store.time_zone,
			"store": self.store.code, "member": member, "member_tags": list(tags), "coupons": [*coupons, *tokens]})
		record_lines = []
		for line, result in zip(basket, priced["lines"], strict=True):
			entry = {"line_id": line["line_id"], "item_code": line["item_code"], "qty": int(line["qty"]),
				"unit_price": D(line["unit_price"]), "discount": D(result["discount"])}
			if result["promotions"]:
				entry["discounts"] = [{"promotion": p["promotion"], "amount": D(p["amount"])} for p in result["promotions"]]
			record_lines.append(entry)
		grand = D(priced["net_total"])
		record = {"terminal": self.store.terminals[0], "business_day": DAY.isoformat(), "transaction_number": self.number,
			"type": "sale", "ended_at": ended.isoformat(), "lines": record_lines,
			"tenders": [{"type": "card", "amount": grand}], "totals": {"grand": grand}}
		if member:
			record["member"] = member
		if coupons:
			record["coupons"] = list(coupons)
		return record


def give(record: dict[str, Any], line_id: int, promotion: str, amount: str) -> dict[str, Any]:
	"""A till that gives `amount` of `promotion` on a line on its own account (the fault audit must catch)."""
	line = next(line for line in record["lines"] if line["line_id"] == line_id)
	line["discount"] += D(amount)
	line["discounts"] = [*line.get("discounts", []), {"promotion": promotion, "amount": D(amount)}]
	grand = record["totals"]["grand"] - D(amount)
	record["totals"] = {"grand": grand}
	record["tenders"] = [{"type": "card", "amount": grand}]
	return record


def test_audit_accepts_engine_prices_and_names_the_wrong_promotion(db: MariaDBDatabase, chain: Chain) -> None:
	items = promotions(db, chain)
	members = [member.code for member in chain.members]
	tag(db, members[0], "VIP")
	campaign_coupon(db, members[1], "BDAY-7Q2X")
	till = Till(db, chain)
	assert {p["name"] for p in till.catalogue} == {"LUNCH", "MEMBERS", "VIP", "FIRST1", "BDAY"}
	lunch, member, vip, limited, birthday = (items[k] for k in ("lunch", "member", "vip", "limited", "birthday"))
	good = [
		till.sale([(lunch, 2), (member, 1)], time(12, 0), member=members[2]),  # 1: lunch + member price
		till.sale([(vip, 1)], time(15, 0), member=members[0], tags=("VIP",)),  # 2: VIP price
		till.sale([(limited, 1)], time(9, 0)),  # 3: the one use of FIRST1
		till.sale([(birthday, 2)], time(10, 0), member=members[1], coupons=("BDAY-7Q2X",), tokens=("CAMPAIGN:BDAY",)),  # 4
	]
	assert all(any(line["discount"] for line in record["lines"]) for record in good)
	bad = [
		give(till.sale([(lunch, 1)], time(15, 0)), 1, "LUNCH", "0.40"),  # 5: lunch price after lunch
		give(till.sale([(member, 1)], time(16, 0)), 1, "MEMBERS", "0.10"),  # 6: member price, no member
		give(till.sale([(vip, 1)], time(16, 5), member=members[3]), 1, "VIP", "0.30"),  # 7: member without the tag
		till.sale([(limited, 1)], time(17, 0)),  # 8: an offline till unaware the one use is gone
		give(till.sale([(birthday, 1)], time(17, 5), member=members[4], coupons=("BDAY-7Q2X",)), 1, "BDAY", "0.25"),  # 9
		give(till.sale([(lunch, 1)], time(17, 10)), 1, "OLD", "0.50"),  # 10: an ended promotion
		till.sale([(lunch, 1)], time(12, 30)),  # 11: lunch time, but the till forgot the promotion
	]
	forgot = bad[-1]
	forgot["lines"][0].pop("discounts")
	price = D(str(lunch.price))
	forgot["lines"][0]["discount"] = D("0")
	forgot["totals"] = {"grand": price}
	forgot["tenders"] = [{"type": "card", "amount": price}]
	results = ingest_records(db, good + bad, "Offline Till")
	assert [r.status for r in results] == ["accepted"] * 11, [str(r) for r in results if r.status != "accepted"]
	summary = run_audit(db)
	names = [r.name for r in results]
	assert sorted(summary.findings) == sorted(names[4:]), summary.findings
	assert summary.findings[names[4]] == ["Line 1: promotion LUNCH is outside its hours, but the till gave 0.40 off"]
	assert summary.findings[names[5]] == ["Line 1: promotion MEMBERS is for members only, but the till gave 0.10 off"]
	assert summary.findings[names[6]] == ["Line 1: promotion VIP is for members with another tag, but the till gave 0.30 off"]
	assert summary.findings[names[7]] == ["Line 1: promotion FIRST1 is used up, but the till gave 0.50 off"]
	assert summary.findings[names[8]] == [
		"Line 1: promotion BDAY needs a coupon that was not presented, but the till gave 0.25 off"
	]
	assert summary.findings[names[9]] == ["Line 1: promotion OLD is not a promotion running in this store, but the till gave 0.50 off"]
	lunch_discount = (price * D("0.2")).quantize(D("0.01"))
	assert summary.findings[names[10]] == [f"Line 1: promotion LUNCH gives {lunch_discount} off, but the till gave none"]

	# the good ones post, with the discount per promotion on the posting document
	aggregate_all(db)
	rows = db.sql(
		"SELECT disc.promotion, disc.amount, disc.line_count FROM `tabPOS Posting Discount` disc ORDER BY disc.promotion"
	)
	expected: dict[str, Decimal] = {}
	for record in good:
		for line in record["lines"]:
			for part in line.get("discounts", []):
				expected[part["promotion"]] = expected.get(part["promotion"], D("0")) + part["amount"]
	assert {row["promotion"]: D(str(row["amount"])) for row in rows} == expected
	assert set(expected) == {"LUNCH", "MEMBERS", "VIP", "FIRST1", "BDAY"}

	performance = {row.promotion: row for row in promotion_performance(db, DAY, DAY)}
	assert performance["FIRST1"].uses == 1 and performance["FIRST1"].discount == D("0.50")
	assert performance["BDAY"].uses == 1
	assert performance["LUNCH"].baseline_sales is None  # no history before the day
