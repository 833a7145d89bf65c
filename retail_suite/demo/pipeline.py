"""The standalone demo's main job: generate, write, run every pipeline, collect report sections.

Each pipeline contributes a `ReportSection` (tables and charts for the HTML report);
the CLI prints the sections' tables as the terminal summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from retail_suite.analytics import overview
from retail_suite.db.port import Database
from retail_suite.demo.apparel import apparel_section
from retail_suite.demo.chain import Chain, DemoConfig, generate_chain
from retail_suite.demo.fresh import (
	MARKDOWN_PULL,
	SUBSTITUTE_RATE,
	FreshDepartment,
	FreshOutcome,
	fresh_section,
)
from retail_suite.demo.membership import MemberSetup, after_replay, prepare_members
from retail_suite.demo.promotions import demo_promotions
from retail_suite.demo.replenishment import replenishment_section
from retail_suite.demo.report import ReportSection, Table, bar_chart, stacked_bar_chart
from retail_suite.demo.standalone import write_chain
from retail_suite.demo.traffic import TrafficConfig, TrafficGenerator, Truth
from retail_suite.membership.figures import monthly_repurchase, points_liability, sales_split
from retail_suite.posdm.audit_sql import AuditSummary, acknowledge_gap, run_audit
from retail_suite.posdm.pipeline import IngestTally, ingest_stream
from retail_suite.posdm.posting import aggregate_all, log_totals, outbox_totals
from retail_suite.posdm.status import log_status
from retail_suite.posdm.store_day import blockers, close_store_day, expected_tenders
from retail_suite.promotions.active import load_promotions, save_promotion
from retail_suite.promotions.definition import pricing_rule_plan
from retail_suite.promotions.performance import promotion_performance

Progress = Callable[[str, int], None]


@dataclass
class DemoResult:
	chain: Chain
	sections: list[ReportSection] = field(default_factory=list)
	timings: dict[str, float] = field(default_factory=dict)
	rows_written: dict[str, int] = field(default_factory=dict)
	traffic_truth: Truth | None = None
	member_setup: MemberSetup | None = None
	traffic_records: list = field(default_factory=list)
	#: what the fresh department did over the replayed days (None until the POSDM replay ran)
	fresh: FreshOutcome | None = None


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
	started = time.perf_counter()
	result.sections.append(posdm_section(db, chain, stage_progress, result))
	timings["posdm"] = time.perf_counter() - started
	started = time.perf_counter()
	result.sections.append(promotions_section(db, chain, result))
	timings["promotions report"] = time.perf_counter() - started
	started = time.perf_counter()
	result.sections.append(membership_section(db, chain, result))
	timings["membership"] = time.perf_counter() - started
	for name, section in (("fresh", fresh_section), ("apparel", apparel_section), ("replenishment", replenishment_section)):
		started = time.perf_counter()
		result.sections.append(section(db, chain, result))
		timings[name] = time.perf_counter() - started
	return result


def membership_section(db: Database, chain: Chain, result: DemoResult) -> ReportSection:
	"""Tags, the birthday campaign, points and what members bought, after the replay."""
	config = chain.config
	outcome = after_replay(db, chain)
	last_day = config.start_date + timedelta(days=config.days - 1)
	split = sales_split(db, config.start_date, last_day)
	months = monthly_repurchase(db, config.start_date, last_day)
	liability = points_liability(db, last_day, outcome.point_value)
	campaign = outcome.campaign_runs[0].result if outcome.campaign_runs else None
	setup = result.member_setup
	earned = outcome.points.get("Earn", 0)
	redeemed = -outcome.points.get("Redeem", 0)
	return ReportSection(
		title="Members: tags, birthday campaign, points",
		intro=(
			f"{len(chain.members):,} members; member transactions were folded into member statistics "
			f"incrementally ({outcome.folded:,} transactions) and tagged by {len(outcome.tags)} rules. "
			f"The birthday campaign sent {setup.issued if setup else 0} coupons for the week of "
			f"{setup.coupons_from if setup else '—'}"
			+ (f"; {campaign.redeemed} were redeemed at the tills, members who got one then bought "
				f"{campaign.sales_after:,.2f} {config.currency}" if campaign else "")
			+ f". Members earned {earned:,} points (1 per {config.currency} spent)."
		),
		tables=[
			Table("Member tags", ("Tag", "Members"), sorted(outcome.tags.items())),
			Table(
				"Members and their baskets",
				("Measure", "Value"),
				[
					("Member share of sales", f"{split.member_share_percent}%"),
					(f"Average member basket ({config.currency})", float(split.member_basket)),
					(f"Average non-member basket ({config.currency})", float(split.other_basket)),
					*[(f"Members who bought in {m.month} / came back within the month", f"{m.buying_members:,} / {m.bought_twice:,} ({m.repurchase_rate_percent}%)") for m in months],
				],
			),
			Table(
				"Birthday campaign",
				("Campaign", "Coupons sent", "Redeemed", "Redemption rate", f"Sales after ({config.currency})"),
				[(campaign.campaign, campaign.targeted, campaign.redeemed, f"{campaign.redemption_rate * 100:.1f}%", float(campaign.sales_after))]
				if campaign else [("—", 0, 0, "—", 0)],
			),
			Table(
				"Points",
				("Measure", "Value"),
				[
					("Points earned", f"{earned:,}"),
					("Points redeemed", f"{redeemed:,}"),
					("Ledger entries", ", ".join(f"{kind} {count:,}" for kind, count in sorted(outcome.points_entries.items())) or "—"),
					("Members holding points", f"{liability.members_with_points:,}"),
					(f"Points liability ({config.currency}, at {outcome.point_value} a point)", float(liability.liability)),
				],
			),
		],
		charts=[bar_chart("Members per tag", list(outcome.tags), [float(count) for count in outcome.tags.values()], "members")],
	)


def promotions_section(db: Database, chain: Chain, result: DemoResult) -> ReportSection:
	"""What each promotion cost and sold, against the same weekdays before it."""
	config = chain.config
	last_day = config.start_date + timedelta(days=config.days - 1)
	promotions = db.sql("SELECT promo.name, promo.title, promo.source FROM `tabRetail Promotion` promo")
	titles = {row["name"]: row["title"] for row in promotions if row["source"] != "Markdown"}
	markdowns = len(promotions) - len(titles)
	# the fresh department's markdowns have their own section (Fresh)
	rows = promotion_performance(db, config.start_date, last_day, only=titles)
	plans = {spec.name: pricing_rule_plan(spec.engine()) for spec in demo_promotions(chain)}

	def money_or_dash(value: Decimal | None) -> object:
		return "no history" if value is None else round(value, 2)

	truth = result.traffic_truth
	wrong = ", ".join(f"{name} ({promotion})" for name, promotion in truth.wrong_promotions) if truth else ""
	return ReportSection(
		title="Promotions",
		intro=(
			f"{len(titles)} promotions ran at the tills through the promotion engine and were checked by POSDM audit"
			+ (f" (and {markdowns:,} fresh markdowns: see the Fresh section)" if markdowns else "")
			+ (f"; the till that gave a promotion it should not have was caught: {wrong}" if wrong else "")
			+ ". Incremental sales compare the promoted items' sales on the promotion's days with the same weekdays "
			"before it started."
		),
		tables=[
			Table(
				"Promotion performance",
				("Promotion", "Title", "Days", "Uses", f"Discount ({config.currency})", "Sales of promoted items",
					"Same weekdays before", "Incremental", "Uplift %"),
				[
					(row.promotion, titles.get(row.promotion, ""), row.active_days, row.uses, round(row.discount, 2),
						round(row.promoted_sales, 2), money_or_dash(row.baseline_sales), money_or_dash(row.incremental),
						"—" if row.uplift_percent is None else float(row.uplift_percent))
					for row in rows
				],
			),
			Table(
				"In ERPNext's Pricing Rule too?",
				("Promotion", "Quotations, orders and invoices"),
				[(name, "yes: compiled to a Pricing Rule" if plan else "no: " + "; ".join(reasons))
					for name, (plan, reasons) in sorted(plans.items())],
			),
		],
		charts=[
			bar_chart("Discount given per promotion", [row.promotion for row in rows], [float(row.discount) for row in rows],
				config.currency),
		],
	)


def posdm_section(
	db: Database, chain: Chain, stage_progress: Callable[[str, int], Progress], result: DemoResult | None = None
) -> ReportSection:
	"""Replay the tills' traffic day by day through ingest → audit, with the fresh department working around
	each day (its deliveries, expiry job and markdowns before the tills open; the day's batch sales, returns,
	withdrawals and damage after audit); then gap acknowledgement → aggregation → store-day close."""
	config = chain.config
	timings = result.timings if result is not None else {}
	specs = demo_promotions(chain)
	with db.transaction():
		for spec in specs:
			save_promotion(db, spec.header, {"items": spec.items, "tiers": spec.tiers, "hours": spec.hours, "stores": spec.stores})
	members = prepare_members(db, chain)
	# the programme's promotions as the database holds them (a campaign's with its coupon tokens)
	programme = {
		promotion["name"]: promotion
		for promotion in [spec.engine() for spec in specs]
		+ load_promotions(db, config.start_date, config.start_date + timedelta(days=config.days), store=None)
	}
	fresh = FreshDepartment(db, chain)
	fresh.open()
	generator = TrafficGenerator(
		chain,
		promotions=list(programme.values()),
		member_tags=members.member_tags,
		coupons=members.coupons,
		coupons_from=members.coupons_from,
		config=TrafficConfig(points_tender_rate=0.1, markdown_pull=MARKDOWN_PULL, substitute_rate=SUBSTITUTE_RATE),
	)
	if result is not None:
		result.member_setup = members
		result.fresh = fresh.outcome
	tally, audit = IngestTally(), AuditSummary()
	spent = {"fresh": 0.0, "tills": 0.0, "ingest": 0.0, "audit": 0.0}
	tick = stage_progress(f"POSDM and fresh, {config.days} days", 4 * config.days)
	for offset in range(config.days):
		day = config.start_date + timedelta(days=offset)
		started = time.perf_counter()
		fresh.morning(day)
		# the tills' catalogue today: the programme and the markdowns the expiry job made for the day
		today = {**programme, **{promotion["name"]: promotion for promotion in load_promotions(db, day, day, store=None)}}
		shelves = fresh.shelves(day)
		spent["fresh"] += time.perf_counter() - started
		tick(f"{day:%a %d %b}: fresh morning", 1)
		started = time.perf_counter()
		records = generator.day(offset, promotions=list(today.values()), shelves=shelves)
		spent["tills"] += time.perf_counter() - started
		tick(f"{day:%a %d %b}: tills", 1)
		started = time.perf_counter()
		day_tally = ingest_stream(db, records, "Offline Till")
		tally.accepted += day_tally.accepted
		tally.duplicate += day_tally.duplicate
		tally.rejected += day_tally.rejected
		tally.rejections += day_tally.rejections
		spent["ingest"] += time.perf_counter() - started
		started = time.perf_counter()
		day_audit = run_audit(db)
		for name in ("audited", "errors", "voided", "gaps_opened", "gaps_filled"):
			setattr(audit, name, getattr(audit, name) + getattr(day_audit, name))
		audit.findings.update(day_audit.findings)
		spent["audit"] += time.perf_counter() - started
		tick(f"{day:%a %d %b}: ingest and audit", 1)
		started = time.perf_counter()
		fresh.evening(day)
		spent["fresh"] += time.perf_counter() - started
		tick(f"{day:%a %d %b}: fresh evening", 1)
	for name, seconds in spent.items():
		timings[f"posdm: {name}"] = seconds
	traffic = generator.traffic()
	records = traffic.records()
	if result is not None:
		result.traffic_truth = traffic.truth
		result.traffic_records = records
	resend = ingest_stream(db, records[: min(1000, len(records))], "Offline Till")
	for gap in db.sql("SELECT gap.name FROM `tabPOS Sequence Gap` gap WHERE gap.status = 'Open' ORDER BY gap.name"):
		acknowledge_gap(db, gap["name"], "Till restarted after a power cut; the number was skipped (demo)")
	postings = aggregate_all(db)
	status_rows = log_status(db)
	store_days = sorted({(row["store"], row["business_day"]) for row in status_rows})
	matches = sum(1 for store, day in store_days if log_totals(db, store, day) == outbox_totals(db, store, day))

	close_rows = []
	for position, (store, day) in enumerate(store_days):
		expected = expected_tenders(db, store, day)
		found = blockers(db, store, day)
		if found.blocking:
			close_rows.append((store, str(day), float(expected.get("Cash", 0)), "—", "—", "blocked: " + found.message(store, day).split("with ", 1)[1]))
			continue
		counted = dict(expected)
		if position % 5 == 1:  # a till now and then is a little short
			counted["Cash"] = counted.get("Cash", Decimal("0")) - Decimal("2.35")
		closed = close_store_day(db, store, day, counted)
		close_rows.append((store, str(day), float(expected.get("Cash", 0)), float(counted.get("Cash", 0)), float(closed["total_variance"]), "closed"))

	per_day: dict[tuple[str, str], dict[str, float]] = {}
	for row in status_rows:
		entry = per_day.setdefault((row["store"], str(row["business_day"])), {"received": 0, "errors": 0, "posted": 0, "voided": 0, "takings": 0.0, "gaps": 0})
		entry["received"] += int(row["received"])
		entry["errors"] += int(row["errors"] or 0)
		entry["posted"] += int(row["posted"] or 0)
		entry["voided"] += int(row["voided"] or 0)
		entry["takings"] += float(row["takings"] or 0)
		entry["gaps"] += int(row["acknowledged_gaps"] or 0) + int(row["open_gaps"] or 0)
	tender_mix: dict[str, float] = {}
	for store, day in store_days:
		for mode, amount in log_totals(db, store, day)["tenders"].items():
			tender_mix[mode] = tender_mix.get(mode, 0.0) + float(amount)
	days = sorted({day for _, day in per_day})
	stores = sorted({store for store, _ in per_day})
	findings = [(name, "; ".join(messages)) for name, messages in sorted(audit.findings.items())]
	return ReportSection(
		title="POSDM: till transactions to posting documents",
		intro=(
			f"{len(records):,} till transactions over {config.days} business days ingested "
			f"({tally.accepted:,} accepted, {tally.rejected:,} rejected; a resend of {resend.duplicate:,} changed nothing). "
			f"Audit: {audit.audited:,} passed, {audit.errors:,} in error, {audit.voided:,} voided, "
			f"{audit.gaps_opened:,} sequence gap(s). {len(postings):,} posting documents; "
			f"outbox equals log on {matches} of {len(store_days)} store-days."
		),
		tables=[
			Table(
				"Store-days",
				("Store", "Business day", "Transactions", "Takings", "Errors", "Voided", "Missing numbers", "Posted"),
				[(store, day, v["received"], round(v["takings"], 2), v["errors"], v["voided"], v["gaps"], v["posted"]) for (store, day), v in sorted(per_day.items())],
			),
			Table("Audit findings", ("Transaction", "Finding"), findings or [("—", "none")]),
			Table("Store-day close", ("Store", "Business day", "Expected cash", "Counted cash", "Over / short", "Status"), close_rows),
			Table(f"Tenders over the period ({config.currency})", ("Mode of payment", "Net amount"), [(mode, round(amount, 2)) for mode, amount in sorted(tender_mix.items())]),
		],
		charts=[
			stacked_bar_chart(
				"Takings per business day",
				[day[5:] for day in days],
				{store: [per_day.get((store, day), {}).get("takings", 0.0) for day in days] for store in stores},
				config.currency,
			),
			bar_chart("Tender mix", list(sorted(tender_mix)), [tender_mix[mode] for mode in sorted(tender_mix)], config.currency),
		],
	)


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
