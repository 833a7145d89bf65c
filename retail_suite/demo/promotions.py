"""The demo chain's promotions (pure): what a retail marketer would run in a normal week.

Each is a Retail Promotion as rows (header + items, tiers, hours, stores) — the standalone writer and the
site writer store them, the demo tills apply them through the engine, POSDM audit checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from retail_suite.demo.chain import Chain
from retail_suite.promotions.definition import engine_promotion


@dataclass(frozen=True)
class PromotionSpec:
	header: dict[str, Any]
	items: list[dict[str, Any]] = field(default_factory=list)
	tiers: list[dict[str, Any]] = field(default_factory=list)
	hours: list[dict[str, Any]] = field(default_factory=list)
	stores: list[dict[str, Any]] = field(default_factory=list)

	@property
	def name(self) -> str:
		return self.header["name"]

	def engine(self) -> dict[str, Any]:
		return engine_promotion(self.header, self.items, self.tiers, self.hours, self.stores)


def _header(code: str, title: str, promotion_type: str, **fields: Any) -> dict[str, Any]:
	return {
		"name": code,
		"promotion_code": code,
		"title": title,
		"promotion_type": promotion_type,
		"enabled": 1,
	} | fields


def demo_promotions(chain: Chain) -> list[PromotionSpec]:
	"""Ten promotions over the replayed days, built from the chain's own items and groups."""
	first_day = chain.config.start_date
	last = first_day + timedelta(days=max(chain.config.days, 1) - 1)
	# with two weeks or more, the first week runs without promotions: it is the baseline the report compares with
	start = first_day + timedelta(days=7) if chain.config.days >= 14 else first_day
	span = {"valid_from": start, "valid_upto": last}
	company = chain.config.company
	by_group: dict[str, list] = {}
	for item in chain.items:
		if not item.style:
			by_group.setdefault(item.item_group, []).append(item)
	popular = sorted(
		(item for item in chain.items if not item.style), key=lambda item: (-item.daily_demand, item.code)
	)
	specs = [
		PromotionSpec(
			_header(
				"HAPPY-HOUR",
				"Bakery happy hour: 30 % off after 17:00",
				"Percent Off",
				discount_percent=30,
				company=company,
				**span,
			),
			items=[{"item_group": "Bakery"}],
			hours=[{"start_time": "17:00:00", "end_time": "21:00:00"}],
		),
		PromotionSpec(
			_header(
				"WEEKEND-FRUIT",
				"Weekend produce 15 % off",
				"Percent Off",
				discount_percent=15,
				company=company,
				saturday=1,
				sunday=1,
				**span,
			),
			items=[{"item_group": "Produce"}],
		),
		PromotionSpec(
			_header(
				"SPEND-MORE",
				"Spend 40 get 3 off, spend 80 get 8 off",
				"Spend Tiers",
				company=company,
				priority=0,
				**span,
			),
			tiers=[{"threshold": 40, "discount_amount": 3}, {"threshold": 80, "discount_amount": 8}],
		),
		PromotionSpec(
			_header(
				"SNACKS-3FOR2",
				"Snacks: buy 2, get the third free",
				"Buy X Get Y",
				buy_qty=2,
				get_qty=1,
				discount_percent=100,
				stacking="Exclusive",
				priority=5,
				company=company,
				**span,
			),
			items=[{"item_group": "Snacks"}],
		),
		PromotionSpec(
			_header(
				"DRINKS-ANY3",
				"Any 3 beverages for 5.00",
				"Mix and Match",
				group_qty=3,
				special_price=5,
				stacking="Exclusive",
				priority=4,
				company=company,
				**span,
			),
			items=[{"item_group": "Beverages"}],
		),
		PromotionSpec(
			_header(
				"MEMBER-PRICE",
				"Member prices on the 20 best sellers",
				"Percent Off",
				discount_percent=12,
				members_only=1,
				stacking="Best for the Customer",
				company=company,
				**span,
			),
			items=[{"item_code": item.code} for item in popular[:20]],
		),
		PromotionSpec(
			_header(
				"FLASH-HOUSEHOLD",
				"Flash sale: household 25 % off, one evening",
				"Percent Off",
				discount_percent=25,
				stacking="Best for the Customer",
				company=company,
				valid_from=start + timedelta(days=2),
				valid_upto=start + timedelta(days=2),
			),
			items=[{"item_group": "Household"}],
			hours=[{"start_time": "18:00:00", "end_time": "21:00:00"}],
		),
		PromotionSpec(
			_header(
				"VIP-APPAREL",
				"VIP members: 10 % off clothing",
				"Percent Off",
				discount_percent=10,
				member_tags="VIP",
				stacking="Best for the Customer",
				company=company,
				**span,
			),
			items=[{"item_group": "Womenswear"}, {"item_group": "Menswear"}],
		),
		PromotionSpec(
			# date range and items only: ERPNext's Pricing Rule can hold it, so invoices made in the desk get it too
			_header(
				"PANTRY-CLEARANCE",
				"Pantry clearance 20 % off",
				"Percent Off",
				discount_percent=20,
				company=company,
				**span,
			),
			items=[
				{"item_code": item.code}
				for item in sorted(by_group.get("Pantry", []), key=lambda item: item.code)[:5]
			],
		),
	]
	breakfast = [
		sorted(by_group.get(group, []), key=lambda item: (-item.daily_demand, item.code))[:1]
		for group in ("Bakery", "Dairy")
	]
	if all(breakfast):
		pair = [found[0] for found in breakfast]
		specs.append(
			PromotionSpec(
				_header(
					"BREAKFAST-DUO",
					f"{pair[0].name} + {pair[1].name} for less",
					"Bundle",
					special_price=bundle_price([Decimal(str(item.price)) for item in pair]),
					stacking="Exclusive",
					priority=3,
					company=company,
					**span,
				),
				items=[{"item_code": item.code, "qty": 1} for item in pair],
			)
		)
	return [spec for spec in specs if spec.items or spec.tiers]


def bundle_price(prices: list[Decimal]) -> Decimal:
	"""A bundle at 85 % of its items' prices, to the cent."""
	return (sum(prices, Decimal(0)) * Decimal("0.85")).quantize(Decimal("0.01"))
