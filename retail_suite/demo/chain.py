"""Deterministic demo chain generator (pure): a seed in, dataclasses out.

The same seed and sizes always give the same chain, in both hosts: stores with
tills, item groups, grocery items with EAN-13 barcodes and prices, apparel styles
with size × colour variants, fresh items with shelf life and batches, suppliers
with lead times, members, and opening stock.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from retail_suite.errors import ValidationError
from retail_suite.till.barcode import make_ean13

LIMITS = {"stores": (1, 200), "skus": (50, 1_000_000), "members": (0, 5_000_000), "days": (1, 366)}

#: what the demo tills do (traffic.py draws from these): transactions per terminal and business day at traffic
#: 1.0, (lines per basket, weight) and (units per line, weight) of a sale
TILL_TRANSACTIONS_PER_TERMINAL_DAY = 130
BASKET_LINES: tuple[tuple[int, int], ...] = ((1, 22), (2, 20), (3, 18), (4, 14), (5, 12), (6, 8), (8, 6))
LINE_UNITS: tuple[tuple[int, int], ...] = ((1, 70), (2, 20), (3, 7), (4, 3))


@dataclass(frozen=True)
class DemoConfig:
	stores: int = 3
	skus: int = 5000
	members: int = 2000
	days: int = 14
	seed: int = 1
	company: str = "Retail Demo Co"
	abbr: str = "RDC"
	currency: str = "USD"
	start_date: date = date(2026, 11, 2)  # a Monday: the first replayed business day
	terminals_per_store: int = 2

	def validate(self) -> None:
		"""Refuse sizes that make no chain, naming the flag and the allowed range."""
		for flag, (low, high) in LIMITS.items():
			value = getattr(self, flag)
			if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
				raise ValidationError(
					f"--{flag} {value!r} is out of range", fix=f"use a whole number from {low} to {high:,}"
				)
		if not 1 <= self.terminals_per_store <= 99:
			raise ValidationError("terminals per store must be 1 to 99")


@dataclass(frozen=True)
class Store:
	code: str
	name: str
	store_format: str
	warehouse_name: str
	time_zone: str
	opening_time: time
	closing_time: time
	business_day_cutoff: time
	terminals: tuple[str, ...]
	#: relative size of the store (1.0 = average traffic)
	traffic: float


@dataclass(frozen=True)
class ItemGroup:
	name: str
	department: str  # grocery | fresh | apparel | household
	margin: tuple[float, float]
	price: tuple[float, float]


@dataclass(frozen=True)
class Supplier:
	code: str
	name: str
	lead_time_days: int
	department: str


@dataclass(frozen=True)
class Style:
	"""An apparel style: an ERPNext Item template with size × colour variants."""

	code: str
	name: str
	item_group: str
	sizes: tuple[str, ...]
	colours: tuple[str, ...]
	price: float
	cost: float
	supplier: str


@dataclass(frozen=True)
class Item:
	code: str
	name: str
	item_group: str
	department: str
	uom: str
	barcode: str
	price: float
	cost: float
	supplier: str
	shelf_life_days: int = 0
	style: str | None = None
	size: str | None = None
	colour: str | None = None
	#: average units sold per store-day (at traffic 1.0); drives stock, reorder levels and traffic
	daily_demand: float = 1.0

	@property
	def is_fresh(self) -> bool:
		return self.shelf_life_days > 0


@dataclass(frozen=True)
class Batch:
	batch_id: str
	item: str
	store: str
	qty: float
	manufacturing_date: date
	expiry_date: date


@dataclass(frozen=True)
class StockLine:
	item: str
	store: str
	qty: float
	valuation_rate: float
	reorder_level: float
	reorder_qty: float


@dataclass(frozen=True)
class Member:
	code: str
	name: str
	phone: str
	card_number: str
	birthday: date
	gender: str
	join_date: date
	home_store: str
	marketing_consent: bool


@dataclass
class Chain:
	config: DemoConfig
	stores: list[Store] = field(default_factory=list)
	item_groups: list[ItemGroup] = field(default_factory=list)
	suppliers: list[Supplier] = field(default_factory=list)
	styles: list[Style] = field(default_factory=list)
	items: list[Item] = field(default_factory=list)
	batches: list[Batch] = field(default_factory=list)
	stock: list[StockLine] = field(default_factory=list)
	members: list[Member] = field(default_factory=list)

	def counts(self) -> dict[str, int]:
		return {
			"stores": len(self.stores),
			"terminals": sum(len(store.terminals) for store in self.stores),
			"item groups": len(self.item_groups),
			"suppliers": len(self.suppliers),
			"apparel styles": len(self.styles),
			"SKUs": len(self.items),
			"fresh SKUs": sum(1 for item in self.items if item.is_fresh),
			"batches": len(self.batches),
			"stock lines": len(self.stock),
			"members": len(self.members),
		}


ITEM_GROUPS: tuple[ItemGroup, ...] = (
	ItemGroup("Beverages", "grocery", (0.22, 0.35), (0.79, 6.99)),
	ItemGroup("Snacks", "grocery", (0.28, 0.42), (0.99, 5.49)),
	ItemGroup("Pantry", "grocery", (0.20, 0.32), (1.29, 12.99)),
	ItemGroup("Frozen", "grocery", (0.25, 0.38), (2.49, 14.99)),
	ItemGroup("Household", "household", (0.30, 0.45), (1.99, 19.99)),
	ItemGroup("Personal Care", "household", (0.32, 0.48), (1.99, 24.99)),
	ItemGroup("Produce", "fresh", (0.30, 0.45), (0.99, 6.99)),
	ItemGroup("Dairy", "fresh", (0.20, 0.30), (0.99, 7.99)),
	ItemGroup("Bakery", "fresh", (0.45, 0.60), (1.49, 6.49)),
	ItemGroup("Meat and Fish", "fresh", (0.22, 0.35), (3.99, 24.99)),
	ItemGroup("Womenswear", "apparel", (0.50, 0.65), (14.99, 89.99)),
	ItemGroup("Menswear", "apparel", (0.50, 0.65), (14.99, 89.99)),
)
SHELF_LIFE = {"Produce": (4, 10), "Dairy": (7, 21), "Bakery": (2, 4), "Meat and Fish": (3, 6)}
PRODUCTS = {
	"Beverages": ["Cola", "Orange Juice", "Green Tea", "Sparkling Water", "Lemonade", "Iced Coffee", "Apple Juice"],
	"Snacks": ["Potato Chips", "Pretzels", "Rice Crackers", "Chocolate Bar", "Trail Mix", "Cookies", "Popcorn"],
	"Pantry": ["Basmati Rice", "Penne Pasta", "Olive Oil", "Tomato Sauce", "Soy Sauce", "Oat Flakes", "Honey"],
	"Frozen": ["Dumplings", "Pizza Margherita", "Peas", "Vanilla Ice Cream", "Fish Fingers", "Spring Rolls"],
	"Household": ["Dish Soap", "Laundry Liquid", "Paper Towels", "Trash Bags", "Sponges", "Glass Cleaner"],
	"Personal Care": ["Shampoo", "Toothpaste", "Body Wash", "Hand Cream", "Deodorant", "Cotton Pads"],
	"Produce": ["Bananas", "Apples", "Tomatoes", "Spinach", "Carrots", "Grapes", "Avocados", "Bok Choy"],
	"Dairy": ["Whole Milk", "Greek Yogurt", "Cheddar", "Butter", "Skim Milk", "Cream Cheese", "Kefir"],
	"Bakery": ["Sourdough Loaf", "Croissants", "Baguette", "Rye Bread", "Muffins", "Steamed Buns"],
	"Meat and Fish": ["Chicken Breast", "Pork Belly", "Beef Mince", "Salmon Fillet", "Prawns", "Lamb Chops"],
	"Womenswear": ["Linen Shirt", "Knit Dress", "Denim Jacket", "Wide Trousers", "Cardigan", "Pleated Skirt"],
	"Menswear": ["Oxford Shirt", "Chinos", "Crew Sweater", "Polo Shirt", "Bomber Jacket", "Slim Jeans"],
}
BRANDS = ["Harvest", "Bluebird", "Northfield", "Goldleaf", "Sunny Day", "Evergreen", "Maple", "Riverside", "Nova"]
PACK_SIZES = {
	"Beverages": ["330 ml", "500 ml", "1 l", "2 l", "6 x 330 ml", "12 x 330 ml"],
	"Household": ["500 ml", "1 l", "2 l", "6 pack", "12 pack", "refill"],
	"Personal Care": ["75 ml", "250 ml", "400 ml", "travel size", "2 pack"],
}
DEFAULT_PACK_SIZES = ["150 g", "250 g", "500 g", "1 kg", "family size", "multipack"]
SIZES = ("XS", "S", "M", "L", "XL")
COLOURS = ("Black", "White", "Navy", "Red", "Olive", "Beige", "Grey", "Pink")
STORE_SITES = [
	("Downtown", "Supermarket", "America/New_York", 1.4),
	("Riverside", "Fresh Market", "America/New_York", 1.0),
	("Mall Plaza", "Apparel", "America/Chicago", 0.8),
	("Harbour", "Supermarket", "America/Los_Angeles", 1.2),
	("Old Town", "Convenience", "America/Denver", 0.6),
	("Airport", "Convenience", "America/Chicago", 0.7),
]
FIRST_NAMES = ["Ava", "Liam", "Mia", "Noah", "Li", "Wei", "Sofia", "Lucas", "Mei", "Omar", "Zara", "Jun", "Ella",
	"Mateo", "Hana", "Ravi", "Chloe", "Yusuf", "Nina", "Kai", "Ines", "Tom", "Aiko", "Leo"]
LAST_NAMES = ["Smith", "Chen", "Garcia", "Wang", "Johnson", "Kim", "Patel", "Nguyen", "Brown", "Zhang", "Silva",
	"Lopez", "Khan", "Müller", "Rossi", "Tanaka", "Haddad", "Novak", "Olsen", "Murphy"]


def _price(rng: random.Random, low: float, high: float) -> float:
	"""A shelf price ending in .49 or .99."""
	whole = int(rng.uniform(low, high))
	return round(whole + rng.choice((0.49, 0.99)), 2)


def _store(index: int, config: DemoConfig) -> Store:
	site, store_format, time_zone, traffic = STORE_SITES[index % len(STORE_SITES)]
	code = f"S{index + 1:03d}"
	suffix = "" if index < len(STORE_SITES) else f" {index // len(STORE_SITES) + 1}"
	return Store(
		code=code,
		name=f"{site}{suffix} {store_format}",
		store_format=store_format,
		warehouse_name=f"{code} {site}{suffix}",
		time_zone=time_zone,
		opening_time=time(7, 0) if store_format != "Convenience" else time(6, 0),
		closing_time=time(22, 0) if store_format != "Convenience" else time(23, 30),
		business_day_cutoff=time(4, 0),
		terminals=tuple(f"{code}-T{number:02d}" for number in range(1, config.terminals_per_store + 1)),
		traffic=traffic,
	)


def generate_chain(config: DemoConfig, progress: Callable[[str, int], None] | None = None) -> Chain:
	"""Generate the whole chain for a config; `progress(stage, units)` is called as work is done."""
	config.validate()
	rng = random.Random(config.seed)
	tick = progress or (lambda stage, units: None)
	chain = Chain(config=config, item_groups=list(ITEM_GROUPS))
	chain.stores = [_store(index, config) for index in range(config.stores)]
	tick("stores", config.stores)

	supplier_count = max(4, config.skus // 250)
	departments = ("grocery", "fresh", "apparel", "household")
	for number in range(1, supplier_count + 1):
		department = departments[(number - 1) % len(departments)]
		lead_time = rng.randint(1, 2) if department == "fresh" else rng.randint(3, 14)
		chain.suppliers.append(
			Supplier(f"SUP-{number:04d}", f"{rng.choice(BRANDS)} {department.title()} Supply {number}", lead_time, department)
		)
	suppliers_by_department = {
		department: [supplier for supplier in chain.suppliers if supplier.department == department]
		for department in departments
	}
	tick("suppliers", supplier_count)

	chain.items = list(_items(config, rng, chain, suppliers_by_department, tick))
	chain.batches, chain.stock = _opening_stock(config, rng, chain)
	tick("stock", len(chain.stock))
	chain.members = list(_members(config, rng, chain.stores, tick))
	return chain


def _items(
	config: DemoConfig,
	rng: random.Random,
	chain: Chain,
	suppliers: dict[str, list[Supplier]],
	tick: Callable[[str, int], None],
) -> Iterator[Item]:
	groups = {department: [g for g in ITEM_GROUPS if g.department == department] for department in
		("grocery", "fresh", "apparel", "household")}
	apparel_target = config.skus // 5
	fresh_target = config.skus * 3 // 20
	barcode_counter = 100_000_000 + rng.randint(0, 99_999) * 1_000
	produced = 0

	def next_barcode() -> str:
		nonlocal barcode_counter
		barcode_counter += 1
		return make_ean13(f"069{barcode_counter:09d}")

	# apparel styles: whole styles while they fit into a fifth of the SKUs
	apparel_count = 0
	style_number = 0
	while True:
		colours = tuple(rng.sample(COLOURS, rng.randint(2, 4)))
		if apparel_count + len(SIZES) * len(colours) > apparel_target:
			break
		style_number += 1
		group = rng.choice(groups["apparel"])
		price = _price(rng, *group.price)
		cost = round(price * (1 - rng.uniform(*group.margin)), 2)
		style = Style(
			code=f"AP-{style_number:04d}",
			name=f"{rng.choice(BRANDS)} {rng.choice(PRODUCTS[group.name])}",
			item_group=group.name,
			sizes=SIZES,
			colours=colours,
			price=price,
			cost=cost,
			supplier=rng.choice(suppliers["apparel"]).code,
		)
		chain.styles.append(style)
		popularity = rng.uniform(0.2, 1.5)
		for colour in colours:
			for size in SIZES:
				size_share = {"XS": 0.4, "S": 0.8, "M": 1.0, "L": 0.9, "XL": 0.5}[size]
				apparel_count += 1
				yield Item(
					code=f"{style.code}-{size}-{colour[:3].upper()}",
					name=f"{style.name} {colour} {size}",
					item_group=group.name,
					department="apparel",
					uom="Nos",
					barcode=next_barcode(),
					price=price,
					cost=cost,
					supplier=style.supplier,
					style=style.code,
					size=size,
					colour=colour,
					daily_demand=round(0.15 * popularity * size_share, 3),
				)
	produced += apparel_count
	tick("apparel", apparel_count)

	for number in range(1, fresh_target + 1):
		group = rng.choice(groups["fresh"])
		price = _price(rng, *group.price)
		low, high = SHELF_LIFE[group.name]
		yield Item(
			code=f"F-{number:05d}",
			name=f"{rng.choice(BRANDS)} {rng.choice(PRODUCTS[group.name])}",
			item_group=group.name,
			department="fresh",
			uom="Nos",
			barcode=next_barcode(),
			price=price,
			cost=round(price * (1 - rng.uniform(*group.margin)), 2),
			supplier=rng.choice(suppliers["fresh"]).code,
			shelf_life_days=rng.randint(low, high),
			daily_demand=round(rng.uniform(1.0, 8.0), 2),
		)
	produced += fresh_target
	tick("fresh", fresh_target)

	ambient = config.skus - produced
	for number in range(1, ambient + 1):
		department = "household" if rng.random() < 0.25 else "grocery"
		group = rng.choice(groups[department])
		price = _price(rng, *group.price)
		yield Item(
			code=f"G-{number:06d}",
			name=f"{rng.choice(BRANDS)} {rng.choice(PRODUCTS[group.name])} {rng.choice(PACK_SIZES.get(group.name, DEFAULT_PACK_SIZES))}",
			item_group=group.name,
			department=department,
			uom="Nos",
			barcode=next_barcode(),
			price=price,
			cost=round(price * (1 - rng.uniform(*group.margin)), 2),
			supplier=rng.choice(suppliers[department]).code,
			daily_demand=round(rng.paretovariate(1.6) * 0.4, 2),
		)
		if number % 1000 == 0:
			tick("grocery", 1000)
	tick("grocery", ambient % 1000)


def till_units_per_day(chain: Chain) -> Callable[[Item, Store], float]:
	"""What the demo tills sell of an item in a store on an average business day (an estimate, before any
	promotion): each basket line picks an item by its `daily_demand` among all items, so the item's share of
	the store's lines times the units of a line. At the demo's traffic this is far below `daily_demand`."""
	weight = sum(max(item.daily_demand, 0.01) for item in chain.items) or 1.0
	lines = sum(size * share for size, share in BASKET_LINES) / sum(share for _size, share in BASKET_LINES)
	units = sum(qty * share for qty, share in LINE_UNITS) / sum(share for _qty, share in LINE_UNITS)
	per_line = lines * units * TILL_TRANSACTIONS_PER_TERMINAL_DAY / weight

	def estimate(item: Item, store: Store) -> float:
		return max(item.daily_demand, 0.01) * store.traffic * len(store.terminals) * per_line

	return estimate


def _opening_stock(config: DemoConfig, rng: random.Random, chain: Chain) -> tuple[list[Batch], list[StockLine]]:
	"""Opening stock per store: days of cover for ambient goods; for a fresh item up to two dated batches of
	about half a day to a day of what the tills sell each (one near its expiry, one delivered yesterday), so
	the replay does not start by throwing away stock the tills never reach."""
	suppliers = {supplier.code: supplier for supplier in chain.suppliers}
	till_units = till_units_per_day(chain)
	batches: list[Batch] = []
	stock: list[StockLine] = []
	for store in chain.stores:
		for item in chain.items:
			demand = item.daily_demand * store.traffic
			lead_time = suppliers[item.supplier].lead_time_days
			if item.is_fresh:
				qty = 0.0
				sold = till_units(item, store)
				for age in (max(2, item.shelf_life_days - 1), 1):
					batch_qty = float(round(sold * rng.uniform(0.5, 1.0)))
					if age == 1:
						batch_qty = max(1.0, batch_qty)  # every fresh item is on the shelf on the first day
					if batch_qty <= 0:
						continue
					made = config.start_date - timedelta(days=age)
					batches.append(
						Batch(
							batch_id=f"{item.code}-{store.code}-{made:%y%m%d}",
							item=item.code,
							store=store.code,
							qty=batch_qty,
							manufacturing_date=made,
							expiry_date=made + timedelta(days=item.shelf_life_days),
						)
					)
					qty += batch_qty
			elif item.department == "apparel":
				# some key sizes start broken, as in real stores
				qty = float(0 if rng.random() < 0.12 else rng.randint(1, 8))
			else:
				qty = float(max(0, round(demand * rng.uniform(5, 20))))
			reorder_level = round(demand * (lead_time + 2), 1)
			stock.append(
				StockLine(
					item=item.code,
					store=store.code,
					qty=qty,
					valuation_rate=item.cost,
					reorder_level=reorder_level,
					reorder_qty=round(max(1.0, demand * 7), 1),
				)
			)
	return batches, stock


def _members(config: DemoConfig, rng: random.Random, stores: list[Store], tick: Callable[[str, int], None]) -> Iterator[Member]:
	weights = [store.traffic for store in stores]
	for number in range(1, config.members + 1):
		age = rng.randint(16, 82)
		birthday = date(config.start_date.year - age, rng.randint(1, 12), rng.randint(1, 28))
		gender = rng.choices(("Female", "Male", "Other"), weights=(52, 46, 2))[0]
		yield Member(
			code=f"M{number:07d}",
			name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
			phone=f"+1-555-{(number // 10_000) % 1000:03d}-{number % 10_000:04d}",
			card_number=f"RS{config.seed % 100:02d}{number:08d}",
			birthday=birthday,
			gender=gender,
			join_date=config.start_date - timedelta(days=rng.randint(1, 3 * 365)),
			home_store=rng.choices(stores, weights=weights)[0].code,
			marketing_consent=rng.random() < 0.7,
		)
		if number % 1000 == 0:
			tick("members", 1000)
	tick("members", config.members % 1000)
