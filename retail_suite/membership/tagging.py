"""Member tags (store layer): score the members, run every enabled Member Tag Rule, diff the tags.

Retail Member Tag (member, tag, rule, tagged_on; unique member + tag) is the truth. For each
enabled rule, SQL selects the members that match now; rows are inserted for members who
newly match and deleted for members who no longer do — never a full delete and reinsert,
so `tagged_on` says since when a member holds a tag. Tags of disabled or deleted rules
are removed. The customer's `retail_member_tags` (",Lapsed,VIP,", for list filters) is
rewritten only for members whose tags changed.

Scoring first fills what depends on the day tagged: visits and spend of the last 90 days
(from Retail Member Visit Day) and the RFM scores, NTILE(5) over all members in MariaDB.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from retail_suite.db.port import Database, chunked, in_placeholders, insert_rows
from retail_suite.membership.member_stats import OWNER, Checkpoint, Progress
from retail_suite.membership.tag_rules import (
	CompiledRule,
	RuleInvalid,
	TagRule,
	check_rule,
	compile_rule,
	recent_window,
	rule_from_dict,
)


def members_query(where: str) -> str:
	"""The members a condition over `customer` and `stats` selects. Members are the customers, not
	disabled, that hold a member card or have bought as a member."""
	return f"""
		SELECT customer.name AS member
		FROM `tabCustomer` customer
		LEFT JOIN `tabRetail Member Stats` stats ON stats.member = customer.name
		WHERE customer.disabled = 0
			AND (COALESCE(customer.retail_card_number, '') <> '' OR stats.member IS NOT NULL)
			AND {where}
	"""


TAG_COLUMNS = ("name", "member", "tag", "rule", "tagged_on", "creation", "modified", "owner", "modified_by")


@dataclass
class RuleResult:
	tag: str
	matched: int = 0
	added: int = 0
	removed: int = 0
	problems: list[str] = field(default_factory=list)


@dataclass
class TagSummary:
	as_of: date
	rules: list[RuleResult] = field(default_factory=list)
	#: tags removed because their rule is disabled, deleted or renamed
	retired: int = 0
	members_changed: int = 0
	seconds: float = 0.0

	@property
	def added(self) -> int:
		return sum(result.added for result in self.rules)

	@property
	def removed(self) -> int:
		return sum(result.removed for result in self.rules) + self.retired


# --- rules -----------------------------------------------------------------------------------------------------


def load_rules(db: Database) -> list[TagRule]:
	"""Every Member Tag Rule with its conditions, enabled or not, by tag."""
	rules = db.sql(
		"SELECT tag_rule.name, tag_rule.tag, tag_rule.enabled, tag_rule.match_mode "
		"FROM `tabMember Tag Rule` tag_rule ORDER BY tag_rule.name"
	)
	conditions: dict[str, list[dict[str, Any]]] = defaultdict(list)
	for row in db.sql(
		"SELECT cond.parent, cond.idx, cond.field, cond.operator, cond.value, cond.value_to "
		"FROM `tabMember Tag Rule Condition` cond WHERE cond.parenttype = 'Member Tag Rule' "
		"ORDER BY cond.parent, cond.idx"
	):
		conditions[row["parent"]].append(row)
	return [rule_from_dict({**rule, "conditions": conditions[rule["name"]]}) for rule in rules]


def save_rule(db: Database, rule: TagRule, description: str | None = None) -> str:
	"""Create or replace a Member Tag Rule (standalone host; on a site the form does this). Refused with
	RuleInvalid, before any write, when the rule is not good; Link values are checked in the database."""
	check_rule(rule, exists=lambda doctype, name: record_exists(db, doctype, name))
	now = datetime.now()
	name = rule.tag
	with db.transaction():
		db.execute(
			"DELETE FROM `tabMember Tag Rule Condition` WHERE parent = %s AND parenttype = 'Member Tag Rule'",
			(name,),
		)
		db.execute("DELETE FROM `tabMember Tag Rule` WHERE name = %s", (name,))
		insert_rows(
			db,
			"tabMember Tag Rule",
			(
				"name",
				"tag",
				"enabled",
				"match_mode",
				"description",
				"creation",
				"modified",
				"owner",
				"modified_by",
			),
			[(name, rule.tag, int(rule.enabled), rule.match, description, now, now, OWNER, OWNER)],
		)
		insert_rows(
			db,
			"tabMember Tag Rule Condition",
			(
				"name",
				"parent",
				"parentfield",
				"parenttype",
				"idx",
				"field",
				"operator",
				"value",
				"value_to",
				"creation",
				"modified",
				"owner",
				"modified_by",
			),
			[
				(
					f"{name}-{position}",
					name,
					"conditions",
					"Member Tag Rule",
					position,
					condition.field,
					condition.operator,
					condition.value,
					condition.value_to,
					now,
					now,
					OWNER,
					OWNER,
				)
				for position, condition in enumerate(rule.conditions, 1)
			],
		)
	return name


#: Link targets a rule's values may name that the store layer can look up
LINK_QUERIES = {
	"Item Group": "SELECT 1 AS found FROM `tabItem Group` item_group WHERE item_group.name = %s",
	"Retail Store": "SELECT 1 AS found FROM `tabRetail Store` store WHERE store.name = %s",
}


def record_exists(db: Database, doctype: str, name: str) -> bool:
	"""Whether a Link value exists. Gender is not in the ERPNext slice: the standalone host takes any value
	(on a site the form checks it with frappe.db.exists)."""
	query = LINK_QUERIES.get(doctype)
	return True if query is None else bool(db.sql(query, (name,)))


def matching_members(db: Database, compiled: CompiledRule) -> list[str]:
	"""The members a compiled rule matches now (after scoring)."""
	return [row["member"] for row in db.sql(members_query(compiled.where), compiled.params)]


def count_matching(db: Database, rule: TagRule, as_of: date) -> int:
	"""How many members a rule matches (the form's Preview); raises RuleInvalid."""
	compiled = compile_rule(rule, as_of)
	rows = db.sql(
		f"SELECT COUNT(*) AS matched FROM ({members_query(compiled.where)}) matching", compiled.params
	)
	return int(rows[0]["matched"] or 0)


# --- scoring ---------------------------------------------------------------------------------------------------


def score_members(db: Database, as_of: date) -> None:
	"""Fill the 90-day visits and spend and the RFM scores (1–5 among all members) of every member.

	Recency ranks the last visit, frequency the visits, monetary the total spend; ties are
	broken by member so that the scores are the same every run."""
	first_day, last_day = recent_window(as_of)
	with db.transaction():
		db.execute(
			"""
			UPDATE `tabRetail Member Stats` stats
			LEFT JOIN (
				SELECT visit_day.member, SUM(visit_day.visits) AS visits, SUM(visit_day.spend) AS spend
				FROM `tabRetail Member Visit Day` visit_day
				WHERE visit_day.business_day BETWEEN %s AND %s
				GROUP BY visit_day.member
			) recent ON recent.member = stats.member
			SET stats.visits_90d = COALESCE(recent.visits, 0), stats.spend_90d = COALESCE(recent.spend, 0),
				stats.scored_on = %s
			""",
			(first_day, last_day, as_of),
		)
		db.execute(
			"""
			UPDATE `tabRetail Member Stats` stats
			JOIN (
				SELECT ranked_stats.member,
					NTILE(5) OVER (ORDER BY ranked_stats.last_visit, ranked_stats.member) AS recency,
					NTILE(5) OVER (ORDER BY ranked_stats.visits, ranked_stats.member) AS frequency,
					NTILE(5) OVER (ORDER BY ranked_stats.total_spend, ranked_stats.member) AS monetary
				FROM `tabRetail Member Stats` ranked_stats
			) ranked ON ranked.member = stats.member
			SET stats.recency_score = ranked.recency, stats.frequency_score = ranked.frequency,
				stats.monetary_score = ranked.monetary
			"""
		)


# --- tagging ---------------------------------------------------------------------------------------------------


def tag_name(member: str, tag: str) -> str:
	"""The name of a Retail Member Tag row: the same for the same member and tag, in both hosts."""
	return hashlib.sha1(f"{member}\x1f{tag}".encode()).hexdigest()[:20]


def assign_tags(
	db: Database,
	as_of: date,
	progress: Progress | None = None,
	checkpoint: Checkpoint | None = None,
) -> TagSummary:
	"""Score the members, then give every enabled rule's tag to exactly the members it matches as of a day.

	A rule that is not good (saved before a field changed, written around the form) is
	skipped with its problems in the summary; the others run."""
	started = time.perf_counter()
	summary = TagSummary(as_of)
	score_members(db, as_of)
	if checkpoint:
		checkpoint()
	enabled = [rule for rule in load_rules(db) if rule.enabled]
	tick = progress("Member tags", len(enabled) + 1) if progress else None
	now = datetime.now()
	# first, so that a tag moving to another rule is free before it is given again
	retired = retire_tags(db)
	summary.retired = len(retired)
	changed: set[str] = set(retired)
	for rule in enabled:
		result = RuleResult(rule.tag)
		summary.rules.append(result)
		try:
			compiled = compile_rule(rule, as_of)
		except RuleInvalid as error:
			result.problems = error.problems  # its tags stay until the rule is fixed or disabled
			if tick:
				tick(rule.tag, 1)
			continue
		matched = set(matching_members(db, compiled))
		result.matched = len(matched)
		current = {
			row["member"]: row["name"]
			for row in db.sql(
				"SELECT member_tag.name, member_tag.member FROM `tabRetail Member Tag` member_tag "
				"WHERE member_tag.rule = %s AND member_tag.tag = %s",
				(rule.name or rule.tag, rule.tag),
			)
		}
		gone = sorted(member for member in current if member not in matched)
		new = sorted(member for member in matched if member not in current)
		with db.transaction():
			for chunk in chunked(gone, 1000):
				db.execute(
					"DELETE FROM `tabRetail Member Tag` WHERE name IN " + in_placeholders(chunk),
					[current[member] for member in chunk],
				)
			insert_rows(
				db,
				"tabRetail Member Tag",
				TAG_COLUMNS,
				(
					(
						tag_name(member, rule.tag),
						member,
						rule.tag,
						rule.name or rule.tag,
						as_of,
						now,
						now,
						OWNER,
						OWNER,
					)
					for member in new
				),
			)
			db.execute(
				"UPDATE `tabMember Tag Rule` SET matched_members = %s, last_tagged_at = %s WHERE name = %s",
				(len(matched), now, rule.name or rule.tag),
			)
		if checkpoint:
			checkpoint()
		result.added, result.removed = len(new), len(gone)
		changed.update(gone)
		changed.update(new)
		if tick:
			tick(rule.tag, 1)
	write_customer_tags(db, sorted(changed), now)
	if checkpoint:
		checkpoint()
	if tick:
		tick("customers", 1)
	summary.members_changed = len(changed)
	summary.seconds = time.perf_counter() - started
	return summary


def retire_tags(db: Database) -> list[str]:
	"""Remove the tags no enabled rule gives any more: the rule is disabled or deleted, or now gives another
	tag (renamed). Returns the members who lost a tag."""
	stale = db.sql(
		"""
		SELECT member_tag.name, member_tag.member FROM `tabRetail Member Tag` member_tag
		LEFT JOIN `tabMember Tag Rule` tag_rule ON tag_rule.name = member_tag.rule
		WHERE tag_rule.name IS NULL OR tag_rule.enabled = 0 OR tag_rule.tag <> member_tag.tag
		"""
	)
	with db.transaction():
		for chunk in chunked([row["name"] for row in stale], 1000):
			db.execute("DELETE FROM `tabRetail Member Tag` WHERE name IN " + in_placeholders(chunk), chunk)
	return [row["member"] for row in stale]


def write_customer_tags(db: Database, members: list[str], now: datetime | None = None) -> None:
	"""Rewrite `retail_member_tags` of these customers from their tag rows: ",Lapsed,VIP," or NULL."""
	now = now or datetime.now()
	for chunk in chunked(members, 1000):
		member_in = in_placeholders(chunk)
		with db.transaction():
			db.execute(
				"""
				UPDATE `tabCustomer` customer
				LEFT JOIN (
					SELECT member_tag.member, GROUP_CONCAT(member_tag.tag ORDER BY member_tag.tag SEPARATOR ',') AS tags
					FROM `tabRetail Member Tag` member_tag
					WHERE member_tag.member IN """
				+ member_in
				+ """
					GROUP BY member_tag.member
				) tagged ON tagged.member = customer.name
				SET customer.retail_member_tags = CONCAT(',', tagged.tags, ','), customer.modified = %s
				WHERE customer.name IN """
				+ member_in,
				[*chunk, now, *chunk],
			)


def member_tags(db: Database) -> dict[str, set[str]]:
	"""Every tag row as tag -> members (for reports and tests)."""
	tags: dict[str, set[str]] = defaultdict(set)
	for row in db.sql("SELECT member_tag.member, member_tag.tag FROM `tabRetail Member Tag` member_tag"):
		tags[row["tag"]].add(row["member"])
	return dict(tags)
