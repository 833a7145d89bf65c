"""A generated apparel chain whose broken sizes are known (pure): a seed in, dataclasses out.

Used to measure the broken-size alert's precision and recall, by the store test and the benchmark.
Every store carries every style; each (store, style) either really sells there (a live pair: 0.15 to
1.2 units a day) or hardly does (a tail pair: under 0.1 a day) — the generator knows which. Each variant's
demand is the pair's rate × the size curve × the style's colour mix. Then, on purpose:

- in some pairs one or two key-size cells (S, M or L in one colour) are emptied: they ran out on a random
  day of the look-back window and sold nothing after;
- in some pairs a non-key size (XS or XL) is emptied (never an alert);
- in some pairs one colour was never carried (no stock, no sales: never an alert).

Sales over the look-back window are drawn day by day (Poisson) from the demand. A pair is **truly broken**
when it is live and has an emptied key size: the style really sells there and a key size is out. The
alert sees only the sales; it errs when a tail pair sold enough by chance, or a live pair too little.
A distribution warehouse holds a few units of most variants, so transfers have a source besides stores.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

SIZES = ("XS", "S", "M", "L", "XL")
KEY_SIZES = ("S", "M", "L")
SIZE_CURVE = {"XS": 0.10, "S": 0.22, "M": 0.30, "L": 0.25, "XL": 0.13}
COLOURS = ("Black", "White", "Navy", "Red", "Olive", "Beige", "Grey", "Pink")
ITEM_GROUPS = ("Womenswear", "Menswear")


@dataclass(frozen=True)
class ScenarioConfig:
	stores: int = 4
	styles: int = 60
	colours_per_style: tuple[int, int] = (2, 3)
	lookback_days: int = 28
	seed: int = 5
	#: the day the scan runs: the look-back window is the days before it
	as_of: date = date(2026, 12, 1)
	live_share: float = 0.6
	live_rate: tuple[float, float] = (0.15, 1.2)
	tail_rate: tuple[float, float] = (0.0, 0.1)
	#: pairs with a key-size cell emptied on purpose
	broken_share: float = 0.3
	#: pairs with a non-key size emptied, and pairs missing a whole colour
	odd_size_share: float = 0.1
	missing_colour_share: float = 0.05
	distribution_centre: bool = True
	company: str = "Apparel Test Co"
	abbr: str = "ATC"
	#: write sales as one transaction per store and day (lines per variant and day)
	terminal_suffix: str = "T01"
	#: draw sales day by day (False: each cell's units over the window at once, on one day — fast, for benchmarks)
	daily_sales: bool = True


@dataclass(frozen=True)
class ScenarioStyle:
	code: str
	name: str
	item_group: str
	colours: tuple[str, ...]
	price: float
	colour_mix: tuple[float, ...]

	def variant(self, size: str, colour: str) -> str:
		return f"{self.code}-{size}-{colour[:3].upper()}"


@dataclass
class Scenario:
	config: ScenarioConfig
	stores: list[str] = field(default_factory=list)
	styles: list[ScenarioStyle] = field(default_factory=list)
	#: (store, style) -> units a day the style really sells in the store
	demand: dict[tuple[str, str], float] = field(default_factory=dict)
	#: (warehouse, variant) -> on hand now; a variant not listed has no Bin
	stock: dict[tuple[str, str], float] = field(default_factory=dict)
	#: (store, business day, variant) -> units sold
	sales: dict[tuple[str, date, str], int] = field(default_factory=dict)
	#: (store, variant) of every key-size cell emptied on purpose
	emptied_key_cells: set[tuple[str, str]] = field(default_factory=set)
	emptied_other_cells: set[tuple[str, str]] = field(default_factory=set)
	#: (store, style, colour) never carried
	missing_colours: set[tuple[str, str, str]] = field(default_factory=set)
	#: (store, style) that are live and have a key size out
	truly_broken: set[tuple[str, str]] = field(default_factory=set)

	def warehouse(self, store: str) -> str:
		return f"{store} Store - {self.config.abbr}"

	@property
	def distribution_warehouse(self) -> str | None:
		return f"Distribution Centre - {self.config.abbr}" if self.config.distribution_centre else None

	@property
	def window(self) -> tuple[date, date]:
		"""The look-back window: the `lookback_days` business days before `as_of`."""
		return (
			self.config.as_of - timedelta(days=self.config.lookback_days),
			self.config.as_of - timedelta(days=1),
		)

	def live(self, store: str, style: str) -> bool:
		return self.demand[(store, style)] >= self.config.live_rate[0]


def _poisson(rng: random.Random, rate: float) -> int:
	"""A Poisson draw (Knuth; the rates here are small)."""
	if rate <= 0:
		return 0
	limit, k, product = math.exp(-rate), 0, rng.random()
	while product > limit:
		k += 1
		product *= rng.random()
	return k


def generate_scenario(config: ScenarioConfig | None = None) -> Scenario:
	"""The chain, its stock now, its sales over the window and the truth, from the seed."""
	config = config or ScenarioConfig()
	rng = random.Random(config.seed)
	scenario = Scenario(config)
	scenario.stores = [f"AS{number:02d}" for number in range(1, config.stores + 1)]
	width = max(4, len(str(config.styles)))
	for number in range(1, config.styles + 1):
		colours = tuple(rng.sample(COLOURS, rng.randint(*config.colours_per_style)))
		weights = [rng.uniform(0.5, 1.5) for _ in colours]
		total = sum(weights)
		scenario.styles.append(
			ScenarioStyle(
				code=f"ST-{number:0{width}d}",
				name=f"Style {number}",
				item_group=ITEM_GROUPS[number % len(ITEM_GROUPS)],
				colours=colours,
				price=round(rng.uniform(19, 89)) + 0.99,
				colour_mix=tuple(weight / total for weight in weights),
			)
		)
	start, _end = scenario.window
	days = config.lookback_days
	for store in scenario.stores:
		warehouse = scenario.warehouse(store)
		for style in scenario.styles:
			live = rng.random() < config.live_share
			rate = rng.uniform(*(config.live_rate if live else config.tail_rate))
			scenario.demand[(store, style.code)] = rate
			draw = rng.random()
			broken = draw < config.broken_share
			odd = config.broken_share <= draw < config.broken_share + config.odd_size_share
			missing_colour = (
				style.colours[-1]
				if len(style.colours) > 1 and rng.random() < config.missing_colour_share
				else None
			)
			emptied: dict[str, int] = {}  # variant -> first day it sold nothing (day index in the window)
			if broken:
				colour = rng.choice([c for c in style.colours if c != missing_colour])
				for size in rng.sample(KEY_SIZES, rng.choice((1, 1, 2))):
					emptied[style.variant(size, colour)] = rng.randint(0, days - 1)
					scenario.emptied_key_cells.add((store, style.variant(size, colour)))
			if odd:
				colour = rng.choice([c for c in style.colours if c != missing_colour])
				variant = style.variant(rng.choice(("XS", "XL")), colour)
				emptied[variant] = rng.randint(0, days - 1)
				scenario.emptied_other_cells.add((store, variant))
			if missing_colour:
				scenario.missing_colours.add((store, style.code, missing_colour))
			for colour, mix in zip(style.colours, style.colour_mix, strict=True):
				if colour == missing_colour:
					continue
				for size in SIZES:
					variant = style.variant(size, colour)
					cell_rate = rate * SIZE_CURVE[size] * mix
					sold_out_from = emptied.get(variant, days)
					if config.daily_sales:
						for day in range(days):
							units = _poisson(rng, cell_rate) if day < sold_out_from else 0
							if units:
								key = (store, start + timedelta(days=day), variant)
								scenario.sales[key] = scenario.sales.get(key, 0) + units
					else:
						units = _poisson(rng, cell_rate * sold_out_from)
						if units:
							key = (store, start + timedelta(days=rng.randrange(max(sold_out_from, 1))), variant)
							scenario.sales[key] = scenario.sales.get(key, 0) + units
					scenario.stock[(warehouse, variant)] = 0.0 if variant in emptied else float(rng.randint(1, 6))
			if broken and live:
				scenario.truly_broken.add((store, style.code))
	if config.distribution_centre:
		for style in scenario.styles:
			for colour in style.colours:
				for size in SIZES:
					if rng.random() < 0.7:
						scenario.stock[(scenario.distribution_warehouse, style.variant(size, colour))] = float(
							rng.randint(1, 12)
						)
	return scenario
