"""Broken-size rules (断码预警, pure): when a style is broken in a store, what it loses, where the sizes are.

A rule names key sizes (the sizes a style cannot sell without: S, M, L for most tops) with a minimum depth
each, for one style or an item group, in one store or all. A style is broken in a store when

- it still sells there: at least `min_style_sales` units (net of returns) in the last `lookback_days`, and
- in a colour the store carries (holds stock of, or sold in the window), a key size holds fewer units than
  its minimum depth: a customer who wants a navy M is not served by a black M.

Each missing cell (size × colour) loses the sales it would have made over `cover_days` (the days until
the next delivery). Its daily rate is estimated from what the colour's sizes that could sell (in stock or
sold) sold, scaled by the style's size curve across the chain (an out-of-stock size sells nothing, so its
own sales say little),
blended with the style's store sales shared out by the chain's colour mix. Broken styles are ranked per
store by the value of those lost sales.

Transfer suggestions fill each missing cell from stores (or the distribution warehouse) that hold the
variant and sell it slowly: sell-through at most `donor_max_sell_through`, keeping what they need for their
own cover days and their own key-size depth. The largest losses are served first; no unit is offered twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from retail_suite.apparel.matrix import order_sizes, sell_through, size_sort_key

#: weight of the style-level estimate against the colour's own sales (in size-curve shares)
PRIOR_WEIGHT = 0.5
LIMITS = {"min_style_sales": (1, 100_000), "lookback_days": (1, 365), "cover_days": (1, 365)}


@dataclass(frozen=True)
class KeySize:
	size: str
	min_depth: int = 1


@dataclass(frozen=True)
class BrokenSizeRule:
	"""Key sizes and thresholds for one style or an item group, in one store or every store."""

	name: str
	key_sizes: tuple[KeySize, ...]
	style: str | None = None
	item_group: str | None = None
	store: str | None = None
	min_style_sales: int = 3
	lookback_days: int = 28
	cover_days: int = 14
	#: a store gives a size away only while it sells it slowly: sold ÷ (sold + on hand) at most this
	donor_max_sell_through: float = 0.3
	#: a warehouse that is no store (a distribution centre) that may send the sizes too
	distribution_warehouse: str | None = None
	enabled: bool = True

	def depth(self, size: str) -> int | None:
		"""The minimum depth of a key size; None when the size is not a key size."""
		return self._depths.get(size)

	@cached_property
	def _depths(self) -> dict[str, int]:
		depths: dict[str, int] = {}
		for key in self.key_sizes:
			depths.setdefault(key.size, key.min_depth)
		return depths


def check_rule(
	rule: BrokenSizeRule, template_sizes: Sequence[str] | None = None, group_sizes: Iterable[str] | None = None
) -> list[str]:
	"""What is wrong with a rule, one message per problem naming the field and the fix; empty when good.

	`template_sizes`: the sizes of the style's variants (style rules); `group_sizes`: every size of the
	item group's styles (item-group rules). A key size the template does not have is refused."""
	problems = []
	if bool(rule.style) == bool(rule.item_group):
		problems.append(f"rule {rule.name}: set either a style (an Item template) or an item group, not both")
	if not rule.key_sizes:
		problems.append(f"rule {rule.name}: add at least one key size")
	seen = set()
	for key in rule.key_sizes:
		size = (key.size or "").strip()
		if not size:
			problems.append(f"rule {rule.name}: a key size row has no size")
			continue
		if size in seen:
			problems.append(f"rule {rule.name}: key size {size} is listed twice")
		seen.add(size)
		if not isinstance(key.min_depth, int) or isinstance(key.min_depth, bool) or key.min_depth < 1:
			problems.append(f"rule {rule.name}: key size {size} needs a minimum depth of 1 or more, not {key.min_depth!r}")
	if rule.style and template_sizes is not None:
		known = order_sizes(template_sizes)
		for size in sorted(seen - set(known), key=size_sort_key):
			problems.append(
				f"rule {rule.name}: key size {size} is not a size of template {rule.style} "
				f"(its sizes: {', '.join(known) or 'none: the template has no variants'}); "
				"remove it or create the variants first"
			)
	if rule.item_group and group_sizes is not None:
		known = order_sizes(group_sizes)
		for size in sorted(seen - set(known), key=size_sort_key):
			problems.append(
				f"rule {rule.name}: key size {size} is not a size of any style in item group {rule.item_group} "
				f"(their sizes: {', '.join(known) or 'none: the group has no styles with variants'})"
			)
	for flag, (low, high) in LIMITS.items():
		value = getattr(rule, flag)
		if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
			problems.append(f"rule {rule.name}: {flag.replace('_', ' ')} must be a whole number from {low} to {high:,}")
	if not 0 <= rule.donor_max_sell_through <= 1:
		problems.append(f"rule {rule.name}: donor sell-through must be from 0 % to 100 %")
	return problems


def rule_for(
	rules: Sequence[BrokenSizeRule], style: str, item_groups: Sequence[str], store: str
) -> BrokenSizeRule | None:
	"""The most specific enabled rule for a style in a store: the style's own rule for the store, for every
	store, then the nearest item group's (`item_groups`: the style's group, its parent, … up to the root),
	store rule before chain rule. Ties (two rules for the same scope) go to the first by name."""
	best: tuple[int, str] | None = None
	chosen = None
	for rule in rules:
		if not rule.enabled or (rule.store and rule.store != store):
			continue
		if rule.style:
			if rule.style != style:
				continue
			level = 0
		elif rule.item_group in item_groups:
			level = 1 + item_groups.index(rule.item_group)
		else:
			continue
		rank = (level * 2 + (0 if rule.store else 1), rule.name)
		if best is None or rank < best:
			best, chosen = rank, rule
	return chosen


class RuleIndex:
	"""`rule_for` over many styles and stores: a style's own rules looked up by style, the item-group rules
	decided once per group chain and store."""

	def __init__(self, rules: Sequence[BrokenSizeRule]) -> None:
		enabled = [rule for rule in rules if rule.enabled]
		self.group_rules = [rule for rule in enabled if not rule.style]
		self.style_rules: dict[str, list[BrokenSizeRule]] = {}
		for rule in enabled:
			if rule.style:
				self.style_rules.setdefault(rule.style, []).append(rule)
		self._by_groups: dict[tuple[tuple[str, ...], str], BrokenSizeRule | None] = {}

	def __call__(self, style: str, item_groups: Sequence[str], store: str) -> BrokenSizeRule | None:
		own = self.style_rules.get(style)
		if own:
			found = rule_for(own, style, item_groups, store)
			if found is not None:
				return found
		key = (tuple(item_groups), store)
		if key not in self._by_groups:
			self._by_groups[key] = rule_for(self.group_rules, style, item_groups, store)
		return self._by_groups[key]


class CellStock(NamedTuple):
	"""One variant of a style in one store: on hand now, net units sold in the look-back window (a named
	tuple: a scan builds one per variant of every style it evaluates)."""

	item_code: str
	size: str
	colour: str | None
	on_hand: float
	sold: float = 0.0


@dataclass(frozen=True)
class MissingCell:
	item_code: str
	size: str
	colour: str | None
	on_hand: float
	min_depth: int
	#: estimated units a day the cell would sell if it were in stock
	daily_rate: float
	#: estimated units lost over the rule's cover days
	lost_units: float
	#: units that bring the cell back to its depth and cover
	need: int

	@property
	def label(self) -> str:
		return f"{self.size} {self.colour}" if self.colour else self.size


@dataclass
class BrokenStyle:
	store: str
	style: str
	rule: str
	style_sold: float
	unit_price: float
	missing: list[MissingCell] = field(default_factory=list)
	rank: int = 0

	@property
	def lost_units(self) -> float:
		return sum(cell.lost_units for cell in self.missing)

	@property
	def lost_value(self) -> float:
		return self.lost_units * self.unit_price

	@property
	def missing_sizes(self) -> str:
		"""The missing cells as a store manager reads them: "M Navy, L Navy, L Red"."""
		return ", ".join(cell.label for cell in self.missing)


def shares(sold_by_key: Mapping[str, float], keys: Iterable[str]) -> dict[str, float]:
	"""Each key's share of units sold, with one unit added to every key (so an unsold size keeps a small
	share and a style without sales has an even curve)."""
	keys = list(keys)
	if not keys:
		return {}
	counts = {key: max(float(sold_by_key.get(key, 0) or 0), 0.0) + 1.0 for key in keys}
	total = sum(counts.values())
	return {key: count / total for key, count in counts.items()}


def evaluate_style(
	store: str,
	style: str,
	rule: BrokenSizeRule,
	cells: Sequence[CellStock],
	size_share: Mapping[str, float],
	colour_share: Mapping[str, float],
	unit_price: float = 0.0,
) -> BrokenStyle | None:
	"""The style in the store under the rule: a BrokenStyle with its missing cells, or None.

	`cells`: every variant of the style with its stock and sales in the store (a variant without a Bin is
	on hand 0); `size_share` / `colour_share`: the style's size curve and colour mix across the chain;
	`unit_price`: the average price the style sold at, to value the lost units."""
	style_sold = max(sum(cell.sold for cell in cells), 0.0)
	if style_sold < rule.min_style_sales:
		return None
	by_colour: dict[str | None, list[CellStock]] = {}
	for cell in cells:
		by_colour.setdefault(cell.colour, []).append(cell)
	broken = BrokenStyle(store, style, rule.name, style_sold, unit_price)
	for colour in sorted(by_colour, key=lambda name: (name or "").lower()):
		line = by_colour[colour]
		if sum(max(cell.on_hand, 0) for cell in line) <= 0 and sum(cell.sold for cell in line) <= 0:
			continue  # a colour the store does not carry
		# missing: a key size under its depth; present, the sizes that could sell: not missing, and in stock or
		# sold (an empty non-key size sold nothing for want of stock)
		missing: list[CellStock] = []
		present: list[CellStock] = []
		for cell in line:
			depth = rule.depth(cell.size)
			if depth is not None and cell.on_hand < depth:
				missing.append(cell)
			elif cell.on_hand > 0 or cell.sold > 0:
				present.append(cell)
		if not missing:
			continue
		sold_present = sum(max(cell.sold, 0.0) for cell in present)
		share_present = sum(size_share.get(cell.size, 0.0) for cell in present)
		prior = style_sold * colour_share.get(colour or "", 0.0)
		line_daily = (sold_present + PRIOR_WEIGHT * prior) / ((share_present + PRIOR_WEIGHT) * rule.lookback_days)
		for cell in sorted(missing, key=lambda cell: size_sort_key(cell.size)):
			depth = rule.depth(cell.size) or 1
			daily = line_daily * size_share.get(cell.size, 0.0)
			on_hand = max(cell.on_hand, 0.0)
			lost = max(0.0, daily * rule.cover_days - on_hand)
			need = max(depth, math.ceil(round(daily * rule.cover_days, 9))) - on_hand
			broken.missing.append(
				MissingCell(
					cell.item_code, cell.size, cell.colour, cell.on_hand, depth, daily, lost,
					max(1, math.ceil(round(need, 9))),
				)
			)
	if not broken.missing:
		return None
	broken.missing.sort(key=lambda cell: (size_sort_key(cell.size), (cell.colour or "").lower()))
	return broken


def rank_broken(broken: Iterable[BrokenStyle]) -> list[BrokenStyle]:
	"""Per store, by lost sales value, then lost units, then style: rank 1 loses most. Returns all broken
	styles ordered by store and rank."""
	ranked = sorted(broken, key=lambda found: (found.store, -round(found.lost_value, 6), -round(found.lost_units, 6), found.style))
	store, rank = None, 0
	for found in ranked:
		rank = rank + 1 if found.store == store else 1
		store = found.store
		found.rank = rank
	return ranked


@dataclass(frozen=True)
class DonorStock:
	"""A variant held in another warehouse: a store (with its sales in the window) or a distribution
	warehouse (store None, no sales)."""

	warehouse: str
	item_code: str
	on_hand: float
	sold: float = 0.0
	store: str | None = None
	#: units the donor keeps because the size is a key size there (its own minimum depth)
	key_depth: int = 0
	#: the days `sold` was counted over
	lookback_days: int = 28


@dataclass(frozen=True)
class Transfer:
	store: str
	style: str
	item_code: str
	size: str
	colour: str | None
	from_warehouse: str
	from_store: str | None
	qty: int
	donor_on_hand: float
	donor_sell_through: float


def donor_spare(donor: DonorStock, cover_days: int) -> int:
	"""Whole units a donor can give: what it holds beyond its key-size depth and its own cover days of sales."""
	daily = max(donor.sold, 0.0) / max(donor.lookback_days, 1)
	keep = max(donor.key_depth, math.ceil(round(daily * cover_days, 9)) if donor.store else 0)
	return max(0, math.floor(round(donor.on_hand - keep, 9)))


def plan_transfers(
	broken: Sequence[BrokenStyle],
	rules: Mapping[str, BrokenSizeRule],
	donors: Mapping[str, Sequence[DonorStock]],
	receiving_warehouse: Mapping[str, str],
) -> list[Transfer]:
	"""Transfers that fill the missing cells, largest lost value first (across stores), each cell from the
	donors with the slowest sell-through first (then the most spare, then by warehouse name); a donor's
	spare units are offered once. `donors`: by variant; `receiving_warehouse`: store -> its warehouse."""
	spare: dict[tuple[str, str], int] = {}
	through_of: dict[tuple[str, str], float] = {}
	transfers: list[Transfer] = []
	order = sorted(broken, key=lambda found: (-round(found.lost_value, 6), found.store, found.style))
	for found in order:
		rule = rules[found.rule]
		target = receiving_warehouse[found.store]
		for cell in sorted(found.missing, key=lambda cell: (-cell.lost_units, size_sort_key(cell.size), cell.colour or "")):
			remaining = cell.need
			candidates = []
			for donor in donors.get(cell.item_code, ()):
				if donor.warehouse == target or donor.store == found.store:
					continue
				key = (donor.warehouse, donor.item_code)
				through = through_of.get(key)
				if through is None:
					through = through_of[key] = sell_through(donor.sold, donor.on_hand) or 0.0
				if through > rule.donor_max_sell_through + 1e-9:
					continue
				if key not in spare:
					spare[key] = donor_spare(donor, rule.cover_days)
				if spare[key] > 0:
					candidates.append((through, -spare[key], donor.warehouse, donor))
			for through, _, _, donor in sorted(candidates, key=lambda entry: entry[:3]):
				if remaining <= 0:
					break
				key = (donor.warehouse, donor.item_code)
				qty = min(remaining, spare[key])
				if qty <= 0:
					continue
				spare[key] -= qty
				remaining -= qty
				transfers.append(
					Transfer(found.store, found.style, cell.item_code, cell.size, cell.colour, donor.warehouse,
						donor.store, qty, donor.on_hand, round(through, 4))
				)
	return transfers


@dataclass(frozen=True)
class Score:
	"""How the alerts compare with the truth: true positives, false positives, false negatives."""

	true_positives: int
	false_positives: int
	false_negatives: int

	@property
	def precision(self) -> float:
		alerted = self.true_positives + self.false_positives
		return self.true_positives / alerted if alerted else 1.0

	@property
	def recall(self) -> float:
		actual = self.true_positives + self.false_negatives
		return self.true_positives / actual if actual else 1.0


def score_alerts(alerted: Iterable[tuple[str, str]], truly_broken: Iterable[tuple[str, str]]) -> Score:
	"""Precision and recall of alerted (store, style) pairs against the pairs that truly lost sales."""
	alerted_set, truth = set(alerted), set(truly_broken)
	return Score(len(alerted_set & truth), len(alerted_set - truth), len(truth - alerted_set))
