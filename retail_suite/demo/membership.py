"""The demo chain's membership programme (store layer): tag rules, a birthday campaign with its coupon
promotion, points — before the tills open (what the tills must know) and after the replay (what it gave).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from retail_suite.db.port import Database, insert_rows
from retail_suite.demo.chain import Chain
from retail_suite.membership.campaigns import run_campaigns
from retail_suite.membership.member_stats import fold_transactions
from retail_suite.membership.points_ledger import book_points, load_programme
from retail_suite.membership.tag_rules import Condition, TagRule
from retail_suite.membership.tagging import assign_tags, save_rule
from retail_suite.promotions.active import campaign_token, member_tags, save_promotion

BIRTHDAY_PROMOTION = "BIRTHDAY-15"
BIRTHDAY_CAMPAIGN = "Birthday Care"

#: the demo's tag rules: VIP and Young Adults are known before the first sale (the tills give VIP prices);
#: Champions, Lapsed and Fresh Lovers come from what members bought
DEMO_TAG_RULES = (
	TagRule("VIP", conditions=(Condition(1, "Member Since Days", ">=", "730"),)),
	TagRule("Young Adults", conditions=(Condition(1, "Age", "between", "18", "30"),)),
	TagRule(
		"Champions",
		conditions=(
			Condition(1, "Recency Score (1-5)", ">=", "4"),
			Condition(2, "Frequency Score (1-5)", ">=", "4"),
			Condition(3, "Monetary Score (1-5)", ">=", "4"),
		),
	),
	TagRule("Lapsed", conditions=(Condition(1, "Days Since Last Visit", ">=", "7"),)),
	TagRule(
		"Fresh Lovers",
		conditions=(Condition(1, "Preferred Item Group", "in", "Produce, Dairy, Bakery, Meat and Fish"),),
	),
)


@dataclass
class MemberSetup:
	"""What the demo tills know about members when they open."""

	member_tags: dict[str, frozenset[str]] = field(default_factory=dict)
	#: member -> (coupon code, engine token) of the birthday coupon they were sent
	coupons: dict[str, tuple[str, str]] = field(default_factory=dict)
	coupons_from: date | None = None
	issued: int = 0


def prepare_members(db: Database, chain: Chain) -> MemberSetup:
	"""Tag rules and static tags; the birthday promotion and campaign, run for the replay's second week."""
	config = chain.config
	with db.transaction():
		for rule in DEMO_TAG_RULES:
			save_rule(db, rule, description="demo")
	assign_tags(db, config.start_date)
	campaign_day = config.start_date + timedelta(days=7 if config.days >= 14 else 0)
	with db.transaction():
		save_promotion(
			db,
			{
				"promotion_code": BIRTHDAY_PROMOTION,
				"title": "Birthday treat: 15 % off the basket",
				"promotion_type": "Percent Off",
				"discount_percent": 15,
				"source": "Campaign",
				"members_only": 1,
				"limit_per_member": 1,
				"company": config.company,
				"valid_from": campaign_day,
				"valid_upto": config.start_date + timedelta(days=config.days + 30),
			},
			{},
		)
		now = datetime.now()
		insert_rows(
			db,
			"tabRetail Campaign",
			("name", "campaign_name", "campaign_type", "enabled", "period", "promotion", "coupon_prefix", "channel",
				"follow_up_days", "subject", "message", "creation", "modified", "owner", "modified_by"),
			[(BIRTHDAY_CAMPAIGN, BIRTHDAY_CAMPAIGN, "Birthday Care", 1, "Year", BIRTHDAY_PROMOTION, "BDAY", "Email", 30,
				"Happy birthday from {{ member_name }}'s store",
				"Happy birthday, {{ member_name }}! Show {{ coupon_code }} at the till for 15 % off your basket this week.",
				now, now, "Administrator", "Administrator")],
			ignore_duplicates=True,
		)
	runs = run_campaigns(db, campaign_day, BIRTHDAY_CAMPAIGN)
	token = campaign_token(BIRTHDAY_PROMOTION)
	coupons = {
		row["member"]: (row["coupon_code"], token)
		for row in db.sql(
			"SELECT issued.member, issued.coupon_code FROM `tabRetail Campaign Member` issued WHERE issued.campaign = %s",
			(BIRTHDAY_CAMPAIGN,),
		)
	}
	return MemberSetup(
		member_tags=member_tags(db, [member.code for member in chain.members]),
		coupons=coupons,
		coupons_from=campaign_day,
		issued=sum(run.issued for run in runs),
	)


@dataclass
class MembershipOutcome:
	folded: int
	tags: dict[str, int]
	points_entries: dict[str, int]
	points: dict[str, int]
	point_value: Decimal
	campaign_runs: list


def after_replay(db: Database, chain: Chain) -> MembershipOutcome:
	"""Member statistics folded from the log, tags as of the last day, points booked, campaign results."""
	last_day = chain.config.start_date + timedelta(days=chain.config.days - 1)
	folded = fold_transactions(db)
	assign_tags(db, last_day)
	booked = book_points(db, as_of=last_day)
	runs = run_campaigns(db, last_day, BIRTHDAY_CAMPAIGN)
	tags = {
		row["tag"]: int(row["members"])
		for row in db.sql(
			"SELECT tag.tag, COUNT(*) AS members FROM `tabRetail Member Tag` tag GROUP BY tag.tag ORDER BY tag.tag"
		)
	}
	return MembershipOutcome(
		folded=folded.folded,
		tags=tags,
		points_entries=dict(booked.entries),
		points=dict(booked.points),
		point_value=Decimal(str(load_programme(db).point_value)),
		campaign_runs=runs,
	)
