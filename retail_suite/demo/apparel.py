"""The demo chain's apparel (store layer): broken sizes after the replay, with transfers, and a style matrix.

The chain's opening stock leaves about one apparel cell in eight empty ("some key sizes start broken, as in
real stores": `chain.py`), and the tills sell the styles for the replayed days. Two rules — S, M and L at a
depth of 1 for Womenswear and for Menswear — are saved, then the day after the last replayed day is scanned.
The standalone demo posts no stock movements, so stock is the opening stock: the scan reads it as today's.
"""

from __future__ import annotations

from datetime import timedelta

from retail_suite.apparel.broken_size import BrokenSizeRule, KeySize
from retail_suite.apparel.broken_sizes import run_broken_sizes, save_rule
from retail_suite.apparel.style_matrix import style_matrix
from retail_suite.db.port import Database
from retail_suite.demo.chain import Chain
from retail_suite.demo.report import ReportSection, Table, bar_chart

KEY_SIZES = ("S", "M", "L")
TOP_PER_STORE = 5


def demo_rules(chain: Chain) -> list[BrokenSizeRule]:
	"""S, M and L at depth 1 for each apparel item group; a style sells when it sold 3 units in the window."""
	lookback = min(28, chain.config.days)
	return [
		BrokenSizeRule(
			name=f"{group.name} key sizes",
			key_sizes=tuple(KeySize(size, 1) for size in KEY_SIZES),
			item_group=group.name,
			min_style_sales=3,
			lookback_days=lookback,
			cover_days=14,
			donor_max_sell_through=0.3,
		)
		for group in chain.item_groups
		if group.department == "apparel"
	]


def apparel_section(db: Database, chain: Chain, result: object = None) -> ReportSection:
	"""Save the demo rules, scan the day after the replay, and report broken styles, transfers and the
	style matrix of the style that loses most."""
	config = chain.config
	rules = demo_rules(chain)
	for rule in rules:
		save_rule(db, rule)
	as_of = config.start_date + timedelta(days=config.days)
	scan = run_broken_sizes(db, as_of)
	currency = config.currency
	stores = [store.code for store in chain.stores]
	names = {style.code: style.name for style in chain.styles}
	per_store = {
		store: [found for found in scan.broken if found.store == store] for store in stores
	}
	store_rows = []
	for store in stores:
		found = per_store[store]
		moves = [transfer for transfer in scan.transfers if transfer.store == store]
		store_rows.append(
			(store, len(found), round(sum(item.lost_units for item in found), 1), round(sum(item.lost_value for item in found), 2),
				len(moves), sum(transfer.qty for transfer in moves))
		)
	top_rows = [
		(found.store, found.rank, found.style, names.get(found.style, ""), found.missing_sizes, round(found.lost_units, 1),
			round(found.lost_value, 2), int(found.style_sold),
			", ".join(f"{t.qty} {t.size} {t.colour or ''} from {t.from_store or t.from_warehouse}".replace("  ", " ")
				for t in scan.transfers_for(found.store, found.style)) or "none: order")
		for store in stores
		for found in per_store[store][:TOP_PER_STORE]
	]
	tables = [
		Table(
			"Broken styles per store",
			("Store", "Broken styles", "Lost units (14 days)", f"Lost sales ({currency})", "Transfers", "Units to move"),
			store_rows,
		),
		Table(
			f"Top {TOP_PER_STORE} broken styles per store, by lost sales",
			("Store", "Rank", "Style", "Name", "Missing sizes", "Lost units", f"Lost sales ({currency})", "Sold in window",
				"Transfer suggestions"),
			top_rows or [("—", "", "", "", "none", 0, 0, 0, "")],
		),
	]
	worst = max(scan.broken, key=lambda found: found.lost_value, default=None)
	if worst is not None:
		first_day = as_of - timedelta(days=rules[0].lookback_days)
		matrix = style_matrix(db, worst.style, first_day, as_of - timedelta(days=1), worst.store)
		sizes = matrix.grid.sizes
		rows = []
		for colour in matrix.grid.colours:
			row: list[object] = [colour]
			for size in sizes:
				on_hand, sold, through = matrix.totals(location=worst.store, colour=colour, size=size)
				row.append(f"{on_hand:g} / {sold:g} / " + ("—" if through is None else f"{through * 100:.0f}%"))
			rows.append(tuple(row))
		tables.append(
			Table(
				f"Style matrix of {worst.style} ({names.get(worst.style, '')}) in {worst.store}: on hand / sold / sell-through",
				("Colour", *sizes),
				rows,
			)
		)
	return ReportSection(
		title="Apparel: broken sizes (断码)",
		intro=(
			f"Key sizes S, M and L at a depth of 1 for {' and '.join(rule.item_group for rule in rules)}: a style is broken "
			"in a store when a key size holds less than that in a colour the store carries while the style sold at "
			"least 3 units in the last "
			f"{rules[0].lookback_days if rules else 0} days. Scanned {as_of}: {scan.pairs_selling:,} selling store × style "
			f"pairs, {len(scan.broken):,} broken, losing about {sum(found.lost_value for found in scan.broken):,.2f} "
			f"{currency} over 14 days; {len(scan.transfers):,} transfers of {sum(t.qty for t in scan.transfers):,} units "
			"suggested from stores that sell those sizes slowly (sell-through at most 30 %). Stock is the opening stock: "
			"the standalone demo posts no stock movements."
		),
		tables=tables,
		charts=[
			bar_chart(f"Lost sales of broken styles per store ({currency})", [row[0] for row in store_rows],
				[row[3] for row in store_rows], currency)
		],
	)
