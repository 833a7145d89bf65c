"""Chain overview (store layer): one SQL per figure, the same text in both hosts.

Read by the demo's summary and report; the Frappe host can show the same figures
in a Script Report. Only ERPNext-slice and retail_suite columns are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from retail_suite.db.port import Database


@dataclass(frozen=True)
class StoreStock:
	store: str
	store_name: str
	skus_in_stock: int
	units: float
	stock_value: float


def stock_by_store(db: Database) -> list[StoreStock]:
	"""Units and value at cost on hand per store warehouse."""
	rows = db.sql(
		"""
		SELECT store.name AS store, store.store_name AS store_name,
			SUM(CASE WHEN bin.actual_qty > 0 THEN 1 ELSE 0 END) AS skus_in_stock,
			COALESCE(SUM(bin.actual_qty), 0) AS units,
			COALESCE(SUM(bin.stock_value), 0) AS stock_value
		FROM `tabRetail Store` store
		LEFT JOIN `tabBin` bin ON bin.warehouse = store.warehouse
		GROUP BY store.name, store.store_name
		ORDER BY store.name
		"""
	)
	return [
		StoreStock(r["store"], r["store_name"], int(r["skus_in_stock"] or 0), float(r["units"]), float(r["stock_value"]))
		for r in rows
	]


def skus_by_item_group(db: Database) -> list[dict[str, Any]]:
	"""Sellable SKUs (no templates) and average shelf price per item group."""
	rows = db.sql(
		"""
		SELECT item.item_group AS item_group, COUNT(*) AS skus, AVG(price.price_list_rate) AS average_price
		FROM `tabItem` item
		LEFT JOIN `tabItem Price` price
			ON price.item_code = item.name AND price.selling = 1 AND IFNULL(price.batch_no, '') = ''
			AND IFNULL(price.customer, '') = ''
		WHERE item.has_variants = 0 AND item.disabled = 0
		GROUP BY item.item_group
		ORDER BY skus DESC, item.item_group
		"""
	)
	return [{**row, "average_price": float(row["average_price"] or 0)} for row in rows]


def members_by_home_store(db: Database) -> list[dict[str, Any]]:
	"""Members per home store, with the share that agreed to marketing."""
	return db.sql(
		"""
		SELECT customer.retail_home_store AS store, COUNT(*) AS members,
			SUM(customer.retail_marketing_consent) AS with_consent
		FROM `tabCustomer` customer
		WHERE customer.retail_card_number IS NOT NULL
		GROUP BY customer.retail_home_store
		ORDER BY customer.retail_home_store
		"""
	)


def members_by_age_band(db: Database, on: date) -> list[dict[str, Any]]:
	"""Members per age band on a date (bands of ten years)."""
	rows = db.sql(
		"""
		SELECT LEAST(FLOOR(TIMESTAMPDIFF(YEAR, customer.retail_birthday, %(on)s) / 10) * 10, 70) AS band,
			customer.gender AS gender, COUNT(*) AS members
		FROM `tabCustomer` customer
		WHERE customer.retail_birthday IS NOT NULL
		GROUP BY band, customer.gender
		ORDER BY band, customer.gender
		""",
		{"on": on},
	)
	return [{**row, "band": int(row["band"])} for row in rows]


def fresh_expiring(db: Database, on: date, within_days: int = 2) -> list[dict[str, Any]]:
	"""Fresh batches per item group that expire within `within_days` of a date (markdown candidates)."""
	return db.sql(
		"""
		SELECT item.item_group AS item_group, COUNT(*) AS batches, SUM(batch.batch_qty) AS units,
			SUM(batch.batch_qty * item.valuation_rate) AS value_at_cost
		FROM `tabBatch` batch
		JOIN `tabItem` item ON item.name = batch.item
		WHERE batch.expiry_date BETWEEN %(on)s AND %(until)s AND batch.disabled = 0
		GROUP BY item.item_group
		ORDER BY item.item_group
		""",
		{"on": on, "until": on + timedelta(days=within_days)},
	)


def table_counts(db: Database, doctypes: list[str]) -> dict[str, int]:
	"""Row count per doctype table."""
	counts = {}
	for doctype in doctypes:
		counts[doctype] = int(db.sql(f"SELECT COUNT(*) AS n FROM `tab{doctype}`")[0]["n"])
	return counts
