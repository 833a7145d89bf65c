"""Active promotions read from the database (store layer): one query per table, engine dicts out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from retail_suite.db.port import Database, in_placeholders, insert_rows
from retail_suite.promotions.definition import engine_promotion

HEADER_SQL = (
	"SELECT promo.name, promo.promotion_type, promo.stacking, promo.priority, promo.discount_percent, "
	"promo.discount_amount, promo.special_price, promo.min_qty, promo.buy_qty, promo.get_qty, promo.group_qty, "
	"promo.repeat_tier, promo.valid_from, promo.valid_upto, promo.monday, promo.tuesday, promo.wednesday, "
	"promo.thursday, promo.friday, promo.saturday, promo.sunday, promo.members_only, promo.member_tags, "
	"promo.coupon_code, promo.limit_per_member, promo.limit_total, promo.company "
	"FROM `tabRetail Promotion` promo "
	"WHERE promo.enabled = 1 AND (promo.valid_upto IS NULL OR promo.valid_upto >= %s) "
	"AND (promo.valid_from IS NULL OR promo.valid_from <= %s) ORDER BY promo.name"
)


def load_promotions(
	db: Database,
	first_day: date,
	last_day: date | None = None,
	store: str | None = None,
	company: str | None = None,
) -> list[dict[str, Any]]:
	"""Enabled promotions running on any day of [first_day, last_day] (in a store and company, when given),
	as engine promotion dicts. The window's day-before is included so a night window opened the evening
	before still counts."""
	last_day = last_day or first_day
	headers = [
		row
		for row in db.sql(HEADER_SQL, (first_day, last_day))
		if not company or not row["company"] or row["company"] == company
	]
	if not headers:
		return []
	names = [row["name"] for row in headers]
	children: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
	for row in db.sql(
		"SELECT item.parent, item.item_code, item.item_group, item.qty, item.is_reward "
		"FROM `tabRetail Promotion Item` item WHERE item.parent IN "
		+ in_placeholders(names)
		+ " ORDER BY item.idx",
		names,
	):
		children[row["parent"]]["items"].append(row)
	for row in db.sql(
		"SELECT tier.parent, tier.threshold, tier.discount_amount, tier.discount_percent "
		"FROM `tabRetail Promotion Tier` tier WHERE tier.parent IN "
		+ in_placeholders(names)
		+ " ORDER BY tier.idx",
		names,
	):
		children[row["parent"]]["tiers"].append(row)
	for row in db.sql(
		"SELECT hours.parent, hours.start_time, hours.end_time FROM `tabRetail Promotion Hours` hours "
		"WHERE hours.parent IN " + in_placeholders(names) + " ORDER BY hours.idx",
		names,
	):
		children[row["parent"]]["hours"].append(row)
	for row in db.sql(
		"SELECT link.parent, link.store FROM `tabRetail Promotion Store` link WHERE link.parent IN "
		+ in_placeholders(names),
		names,
	):
		children[row["parent"]]["stores"].append(row)
	for row in db.sql(
		"SELECT link.parent, link.batch_no FROM `tabRetail Promotion Batch` link WHERE link.parent IN "
		+ in_placeholders(names),
		names,
	):
		children[row["parent"]]["batches"].append(row)
	campaign_promotions = {
		row["promotion"]
		for row in db.sql(
			"SELECT DISTINCT campaign.promotion FROM `tabRetail Campaign` campaign "
			"WHERE campaign.enabled = 1 AND campaign.promotion IS NOT NULL"
		)
	}
	promotions = []
	for header in headers:
		rows = children[header["name"]]
		if store and rows["stores"] and store not in {row["store"] for row in rows["stores"]}:
			continue
		# a campaign's promotion is redeemed with the coupon the campaign gave the member
		extra = [campaign_token(header["name"])] if header["name"] in campaign_promotions else []
		promotions.append(
			engine_promotion(
				header, rows["items"], rows["tiers"], rows["hours"], rows["stores"], extra_coupons=extra, batches=rows["batches"]
			)
		)
	return promotions


def campaign_token(promotion: str) -> str:
	"""The coupon code the engine sees when a member presents a coupon their campaign issued for `promotion`."""
	return f"CAMPAIGN:{promotion}"


def member_tags(db: Database, members: list[str]) -> dict[str, frozenset[str]]:
	"""Each member's tags (from the tag rules' last run)."""
	found: dict[str, set[str]] = defaultdict(set)
	for chunk_start in range(0, len(members), 1000):
		chunk = members[chunk_start : chunk_start + 1000]
		for row in db.sql(
			"SELECT tag.member, tag.tag FROM `tabRetail Member Tag` tag WHERE tag.member IN " + in_placeholders(chunk),
			chunk,
		):
			found[row["member"]].add(row["tag"])
	return {member: frozenset(tags) for member, tags in found.items()}


def coupon_tokens(db: Database, presented: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str | None]]:
	"""(member, code) -> (engine token, the transaction that redeemed it or None), for campaign coupons
	issued to that member; a code issued to someone else unlocks nothing."""
	codes = sorted({code for _member, code in presented})
	if not codes:
		return {}
	wanted = set(presented)
	tokens = {}
	for row in db.sql(
		"SELECT issued.member, issued.coupon_code, issued.promotion, issued.redeemed_transaction "
		"FROM `tabRetail Campaign Member` issued WHERE issued.promotion IS NOT NULL AND issued.coupon_code IN "
		+ in_placeholders(codes),
		codes,
	):
		key = (row["member"], row["coupon_code"])
		if key in wanted:
			tokens[key] = (campaign_token(row["promotion"]), row["redeemed_transaction"] or None)
	return tokens


def usage_counts(db: Database, promotions: list[str]) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
	"""Uses so far of promotions with limits — transactions that passed audit carrying a discount of each —
	in total and per (promotion, member)."""
	totals: dict[str, int] = {}
	by_member: dict[tuple[str, str], int] = {}
	if not promotions:
		return totals, by_member
	for row in db.sql(
		"SELECT disc.promotion, txn.member, COUNT(DISTINCT txn.name) AS uses FROM `tabPOS Transaction Discount` disc "
		"JOIN `tabPOS Transaction` txn ON txn.name = disc.parent "
		"WHERE txn.status IN ('Audited', 'Posted') AND disc.promotion IN "
		+ in_placeholders(promotions)
		+ " GROUP BY disc.promotion, txn.member",
		promotions,
	):
		totals[row["promotion"]] = totals.get(row["promotion"], 0) + int(row["uses"])
		if row["member"]:
			by_member[(row["promotion"], row["member"])] = int(row["uses"])
	return totals, by_member


PROMOTION_COLUMNS = (
	"promotion_code",
	"title",
	"promotion_type",
	"source",
	"enabled",
	"company",
	"stacking",
	"priority",
	"discount_percent",
	"discount_amount",
	"special_price",
	"min_qty",
	"buy_qty",
	"get_qty",
	"group_qty",
	"repeat_tier",
	"valid_from",
	"valid_upto",
	"monday",
	"tuesday",
	"wednesday",
	"thursday",
	"friday",
	"saturday",
	"sunday",
	"members_only",
	"member_tags",
	"coupon_code",
	"limit_per_member",
	"limit_total",
)
CHILD_COLUMNS = {
	"items": ("Retail Promotion Item", ("item_code", "item_group", "qty", "is_reward")),
	"tiers": ("Retail Promotion Tier", ("threshold", "discount_amount", "discount_percent")),
	"hours": ("Retail Promotion Hours", ("start_time", "end_time")),
	"stores": ("Retail Promotion Store", ("store",)),
	"batches": ("Retail Promotion Batch", ("batch_no", "item_code")),
}
_DEFAULTS = {"stacking": "Stackable", "source": "Manual", "enabled": 1}


def save_promotion(db: Database, header: dict[str, Any], children: dict[str, list[dict[str, Any]]]) -> str:
	"""Write one Retail Promotion with its rows (standalone host and demo; the desk form does this on a site).
	An existing promotion of the same code is replaced."""
	return save_promotions(db, [(header, children)])[0]


def save_promotions(
	db: Database, promotions: Sequence[tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]]
) -> list[str]:
	"""Write many Retail Promotions with their rows in a few statements (the fresh expiry job makes hundreds
	an hour); existing promotions of the same codes are replaced. Returns the names written."""
	now = datetime.now()
	stamp = (now, now, "Administrator", "Administrator")
	names = [header.get("promotion_code") or header["name"] for header, _children in promotions]
	for start in range(0, len(names), 1000):
		chunk = names[start : start + 1000]
		db.execute("DELETE FROM `tabRetail Promotion` WHERE name IN " + in_placeholders(chunk), chunk)
		db.execute("DELETE FROM `tabRetail Promotion Item` WHERE parent IN " + in_placeholders(chunk), chunk)
		db.execute("DELETE FROM `tabRetail Promotion Tier` WHERE parent IN " + in_placeholders(chunk), chunk)
		db.execute("DELETE FROM `tabRetail Promotion Hours` WHERE parent IN " + in_placeholders(chunk), chunk)
		db.execute("DELETE FROM `tabRetail Promotion Store` WHERE parent IN " + in_placeholders(chunk), chunk)
		db.execute("DELETE FROM `tabRetail Promotion Batch` WHERE parent IN " + in_placeholders(chunk), chunk)
	headers = []
	for name, (header, _children) in zip(names, promotions, strict=True):
		values = []
		for column in PROMOTION_COLUMNS:
			value = header.get(column, _DEFAULTS.get(column))
			values.append(
				name if column == "promotion_code" else (0 if value is None and column in _FLAGS else value)
			)
		headers.append((name, *values, *stamp))
	insert_rows(
		db,
		"tabRetail Promotion",
		("name", *PROMOTION_COLUMNS, "creation", "modified", "owner", "modified_by"),
		headers,
	)
	for fieldname, (doctype, columns) in CHILD_COLUMNS.items():
		insert_rows(
			db,
			f"tab{doctype}",
			(
				"name",
				"parent",
				"parentfield",
				"parenttype",
				"idx",
				*columns,
				"creation",
				"modified",
				"owner",
				"modified_by",
			),
			[
				(
					f"{name}-{fieldname}-{idx}",
					name,
					fieldname,
					"Retail Promotion",
					idx,
					*(_child_value(row, column) for column in columns),
					*stamp,
				)
				for name, (_header, children) in zip(names, promotions, strict=True)
				for idx, row in enumerate(children.get(fieldname) or [], 1)
			],
		)
	return names


_FLAGS = {
	"repeat_tier",
	"monday",
	"tuesday",
	"wednesday",
	"thursday",
	"friday",
	"saturday",
	"sunday",
	"members_only",
	"priority",
	"buy_qty",
	"get_qty",
	"group_qty",
	"limit_per_member",
	"limit_total",
	"enabled",
	"discount_percent",
	"discount_amount",
	"special_price",
	"min_qty",
}


def _child_value(row: dict[str, Any], column: str) -> Any:
	value = row.get(column)
	if value is None and column in ("qty", "is_reward", "threshold", "discount_amount", "discount_percent"):
		return 1 if column == "qty" else 0
	return value
