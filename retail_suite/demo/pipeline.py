"""The standalone demo's main job: generate, write, run every pipeline, collect report sections.

Each pipeline contributes a `ReportSection` (tables and charts for the HTML report);
the CLI prints the sections' tables as the terminal summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from retail_suite.analytics import overview
from retail_suite.db.port import Database
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.demo.report import ReportSection, Table, bar_chart, stacked_bar_chart
from retail_suite.demo.standalone import write_chain

Progress = Callable[[str, int], None]


@dataclass
class DemoResult:
	chain: Chain
	sections: list[ReportSection] = field(default_factory=list)
	timings: dict[str, float] = field(default_factory=dict)
	rows_written: dict[str, int] = field(default_factory=dict)


def run_demo(
	db: Database, config: DemoConfig, progress_for: Callable[[str, int], Progress] | None = None
) -> DemoResult:
	"""Generate the chain, write it, run the pipelines; `progress_for(stage, total)` gives a tick function."""

	def stage_progress(stage: str, total: int) -> Progress:
		return progress_for(stage, total) if progress_for else (lambda _s, _n: None)

	timings: dict[str, float] = {}
	started = time.perf_counter()
	expected_units = config.stores + max(4, config.skus // 250) + config.skus + config.members + config.skus * config.stores
	chain = generate_chain(config, stage_progress("Generating chain", expected_units))
	timings["generate"] = time.perf_counter() - started

	started = time.perf_counter()
	expected_rows = config.skus * (6 + 2 * config.stores) + config.members
	rows_written = write_chain(db, chain, stage_progress("Writing to MariaDB", expected_rows))
	timings["write"] = time.perf_counter() - started

	result = DemoResult(chain=chain, timings=timings, rows_written=rows_written)
	started = time.perf_counter()
	result.sections.append(chain_section(db, chain))
	timings["chain report"] = time.perf_counter() - started
	return result


def chain_section(db: Database, chain: Chain) -> ReportSection:
	"""The generated chain as the database holds it: stores, assortment, members, fresh."""
	config = chain.config
	stock = overview.stock_by_store(db)
	groups = overview.skus_by_item_group(db)
	members = overview.members_by_home_store(db)
	ages = overview.members_by_age_band(db, config.start_date)
	expiring = overview.fresh_expiring(db, config.start_date, within_days=2)
	store_names = {store.code: store.name for store in chain.stores}

	bands = sorted({row["band"] for row in ages})
	genders = sorted({row["gender"] for row in ages})
	band_labels = [f"{band}+" if band == 70 else f"{band}–{band + 9}" for band in bands]
	by_gender = {
		gender: [sum(r["members"] for r in ages if r["band"] == band and r["gender"] == gender) for band in bands]
		for gender in genders
	}
	return ReportSection(
		title="The chain",
		intro=(
			f"{config.stores} stores, {len(chain.items):,} SKUs ({len(chain.styles)} apparel styles in size × colour), "
			f"{len(chain.members):,} members; seed {config.seed}, opening day {config.start_date:%a %d %b %Y}."
		),
		tables=[
			Table(
				"Stock on hand by store",
				("Store", "Name", "SKUs in stock", "Units", f"Value at cost ({config.currency})"),
				[(s.store, s.store_name, s.skus_in_stock, round(s.units), round(s.stock_value, 2)) for s in stock],
			),
			Table(
				"Assortment by item group",
				("Item group", "SKUs", f"Average shelf price ({config.currency})"),
				[(g["item_group"], int(g["skus"]), round(g["average_price"], 2)) for g in groups],
			),
			Table(
				"Members by home store",
				("Store", "Name", "Members", "Agree to marketing"),
				[(m["store"], store_names.get(m["store"], ""), int(m["members"]), int(m["with_consent"] or 0)) for m in members],
			),
			Table(
				"Fresh batches expiring within 2 days (markdown candidates)",
				("Item group", "Batches", "Units", f"Value at cost ({config.currency})"),
				[(e["item_group"], int(e["batches"]), round(float(e["units"])), round(float(e["value_at_cost"]), 2)) for e in expiring],
			),
		],
		charts=[
			bar_chart("Stock value at cost by store", [s.store for s in stock], [s.stock_value for s in stock], config.currency),
			bar_chart("SKUs by item group", [g["item_group"] for g in groups], [int(g["skus"]) for g in groups], "SKUs", horizontal=True),
			stacked_bar_chart("Members by age band", band_labels, by_gender, "members"),
		],
	)
