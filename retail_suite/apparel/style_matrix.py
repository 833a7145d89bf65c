"""The style matrix (store layer): stock, sales and sell-through of one style by store × colour × size.

Stock is on hand now (`tabBin`) in every store's warehouse and in any other warehouse holding the style
(a distribution centre, shown by its warehouse name); sales are the units sold net of returns in audited or
posted till transactions between two business days, read store by store through the POS Transaction
(store, business_day, status) index. Sell-through per cell = sold ÷ (sold + on hand).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from retail_suite.apparel.matrix import StyleGrid, sell_through
from retail_suite.apparel.styles import style_grid
from retail_suite.db.port import Database


@dataclass(frozen=True)
class MatrixCell:
	location: str  # a store code, or a warehouse that is no store
	is_store: bool
	size: str
	colour: str | None
	item_code: str
	on_hand: float
	sold: float
	sales_value: float

	@property
	def sell_through(self) -> float | None:
		return sell_through(self.sold, self.on_hand)


@dataclass
class StyleMatrix:
	grid: StyleGrid
	from_date: date
	to_date: date
	cells: list[MatrixCell] = field(default_factory=list)

	@property
	def locations(self) -> list[str]:
		"""Stores first (by code), then other warehouses."""
		return sorted({cell.location for cell in self.cells}, key=lambda name: (not self._is_store(name), name))

	def _is_store(self, location: str) -> bool:
		return any(cell.is_store for cell in self.cells if cell.location == location)

	def cell(self, location: str, size: str, colour: str | None) -> MatrixCell | None:
		for cell in self.cells:
			if cell.location == location and cell.size == size and cell.colour == colour:
				return cell
		return None

	def totals(self, **match: object) -> tuple[float, float, float | None]:
		"""On hand, sold and sell-through of the cells matching (location=…, size=…, colour=…)."""
		chosen = [cell for cell in self.cells if all(getattr(cell, key) == value for key, value in match.items())]
		on_hand = sum(cell.on_hand for cell in chosen)
		sold = sum(cell.sold for cell in chosen)
		return on_hand, sold, sell_through(sold, on_hand)


def style_matrix(
	db: Database, style: str, from_date: date, to_date: date, store: str | None = None
) -> StyleMatrix:
	"""Every variant of the style per store (and per other warehouse holding it, unless one store is asked
	for) with its stock now and its sales over the days."""
	grid = style_grid(db, style)
	variants = {item_code: key for key, item_code in grid.variants.items()}
	stores = {
		row["name"]: row["warehouse"]
		for row in db.sql(
			"SELECT store.name, store.warehouse FROM `tabRetail Store` store WHERE store.disabled = 0 ORDER BY store.name"
		)
		if not store or row["name"] == store
	}
	location_of = {warehouse: code for code, warehouse in stores.items()}
	stock: dict[tuple[str, str], float] = {}
	for row in db.sql(
		"SELECT bin.warehouse, bin.item_code, bin.actual_qty FROM `tabBin` bin "
		"JOIN `tabItem` variant ON variant.name = bin.item_code WHERE variant.variant_of = %s",
		(style,),
	):
		location = location_of.get(row["warehouse"])
		if location is None and (store or not float(row["actual_qty"] or 0)):
			continue  # one store asked for; or a warehouse that is no store and holds none
		stock[(location or row["warehouse"], row["item_code"])] = float(row["actual_qty"] or 0)
	sales: dict[tuple[str, str], tuple[float, float]] = {}
	for code in stores:
		for row in db.sql(
			"SELECT line.item_code, SUM(line.qty * line.direction) AS sold, SUM(line.net_amount * line.direction) AS amount "
			"FROM `tabPOS Transaction` txn JOIN `tabPOS Transaction Line` line ON line.parent = txn.name "
			"JOIN `tabItem` variant ON variant.name = line.item_code "
			"WHERE txn.store = %s AND txn.business_day BETWEEN %s AND %s AND txn.status IN ('Audited', 'Posted') "
			"AND variant.variant_of = %s GROUP BY line.item_code",
			(code, from_date, to_date, style),
		):
			sales[(code, row["item_code"])] = (float(row["sold"] or 0), float(row["amount"] or 0))
	matrix = StyleMatrix(grid, from_date, to_date)
	locations = list(stores) + sorted({location for location, _ in stock if location not in stores})
	for location in locations:
		for item_code, (size, colour) in variants.items():
			on_hand = stock.get((location, item_code), 0.0)
			sold, amount = sales.get((location, item_code), (0.0, 0.0))
			if location not in stores and not on_hand:
				continue
			matrix.cells.append(
				MatrixCell(location, location in stores, size, colour, item_code, on_hand, sold, amount)
			)
	return matrix
