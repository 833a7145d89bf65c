"""Member tag rules (pure): the fields a rule may test, validation, and the SQL a rule compiles to.

A Member Tag Rule gives members a tag (VIP, Lapsed, Birthday This Month …) when they
meet its conditions: all of them, or any one. Each condition is a row: a field a
store manager knows ("Visits in Last 90 Days"), an operator and a value. This
module knows every field — its kind, the operators that make sense for it, the
values it can take — so that a rule is checked before it is saved, with a message
that names the row, the field and the fix, and compiles to one SQL condition over
the member statistics joined to the customer:

	FROM `tabCustomer` customer
	LEFT JOIN `tabRetail Member Stats` stats ON stats.member = customer.name

Parameters are named (`%(r2_from)s`), so the same text runs through `frappe.db`
and the standalone connector. Nothing here touches a database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from retail_suite.errors import ValidationError

MATCH_ALL = "All conditions"
MATCH_ANY = "Any condition"
MATCH_MODES = (MATCH_ALL, MATCH_ANY)
OPERATORS = ("=", "!=", ">=", "<=", "between", "in")
#: tags are written into the customer's `retail_member_tags` as ",VIP,Lapsed,": a comma would split a tag
TAG_FORBIDDEN = (",",)
MAX_TAG_LENGTH = 60
#: the window of "… in Last 90 Days": the business day tagged and the 89 before it
RECENT_DAYS = 90
YES = ("yes", "y", "1", "true")
NO = ("no", "n", "0", "false")


@dataclass(frozen=True)
class MemberField:
	"""A field a rule may test: its label (stored in the rule), kind, SQL expression and what it accepts."""

	label: str
	kind: str  # whole | money | text | yes_no
	sql: str
	operators: tuple[str, ...]
	minimum: int | None = None
	maximum: int | None = None
	#: doctype whose names the values must be (checked by the host that can look them up)
	link_doctype: str | None = None
	#: how a store manager writes a value, used in messages
	hint: str = ""

	@property
	def uses_as_of(self) -> bool:
		return "%(as_of)s" in self.sql


WHOLE_OPERATORS = ("=", "!=", ">=", "<=", "between", "in")
RANGE_OPERATORS = (">=", "<=", "between")
TEXT_OPERATORS = ("=", "!=", "in")

MEMBER_FIELDS: dict[str, MemberField] = {
	member_field.label: member_field
	for member_field in (
		MemberField(
			"Age",
			"whole",
			"TIMESTAMPDIFF(YEAR, customer.retail_birthday, %(as_of)s)",
			WHOLE_OPERATORS,
			0,
			120,
			hint="years, 0–120",
		),
		MemberField(
			"Gender", "text", "customer.gender", TEXT_OPERATORS, link_doctype="Gender", hint="e.g. Female"
		),
		MemberField(
			"Visits in Last 90 Days",
			"whole",
			"COALESCE(stats.visits_90d, 0)",
			WHOLE_OPERATORS,
			0,
			100_000,
			hint="a number of visits, 0 or more",
		),
		MemberField(
			"Spend in Last 90 Days",
			"money",
			"COALESCE(stats.spend_90d, 0)",
			RANGE_OPERATORS,
			hint="an amount, e.g. 500",
		),
		MemberField(
			"Days Since Last Visit",
			"whole",
			"DATEDIFF(%(as_of)s, stats.last_visit)",
			WHOLE_OPERATORS,
			0,
			36_500,
			hint="days, 0 or more",
		),
		MemberField(
			"Total Visits",
			"whole",
			"COALESCE(stats.visits, 0)",
			WHOLE_OPERATORS,
			0,
			10_000_000,
			hint="0 or more",
		),
		MemberField(
			"Total Spend",
			"money",
			"COALESCE(stats.total_spend, 0)",
			RANGE_OPERATORS,
			hint="an amount, e.g. 2000",
		),
		MemberField(
			"Recency Score (1-5)",
			"whole",
			"stats.recency_score",
			WHOLE_OPERATORS,
			1,
			5,
			hint="1 (longest ago) to 5 (most recent)",
		),
		MemberField(
			"Frequency Score (1-5)",
			"whole",
			"stats.frequency_score",
			WHOLE_OPERATORS,
			1,
			5,
			hint="1 (fewest visits) to 5 (most)",
		),
		MemberField(
			"Monetary Score (1-5)",
			"whole",
			"stats.monetary_score",
			WHOLE_OPERATORS,
			1,
			5,
			hint="1 (lowest spend) to 5 (highest)",
		),
		MemberField(
			"Preferred Item Group",
			"text",
			"stats.preferred_item_group",
			TEXT_OPERATORS,
			link_doctype="Item Group",
			hint="an Item Group",
		),
		MemberField(
			"Home Store",
			"text",
			"customer.retail_home_store",
			TEXT_OPERATORS,
			link_doctype="Retail Store",
			hint="a store code",
		),
		MemberField(
			"Birthday Month",
			"whole",
			"MONTH(customer.retail_birthday)",
			WHOLE_OPERATORS,
			1,
			12,
			hint="a month, 1–12",
		),
		MemberField(
			"Member Since Days",
			"whole",
			"DATEDIFF(%(as_of)s, customer.retail_join_date)",
			WHOLE_OPERATORS,
			0,
			36_500,
			hint="days since joining, 0 or more",
		),
		MemberField(
			"Agrees to Marketing Messages",
			"yes_no",
			"customer.retail_marketing_consent",
			("=",),
			hint="Yes or No",
		),
	)
}
FIELD_LABELS = tuple(MEMBER_FIELDS)


@dataclass(frozen=True)
class Condition:
	"""One row of a rule; `row` is its number on the form (1, 2, …)."""

	row: int
	field: str
	operator: str
	value: str | None = None
	value_to: str | None = None


@dataclass(frozen=True)
class TagRule:
	tag: str
	match: str = MATCH_ALL
	conditions: tuple[Condition, ...] = ()
	enabled: bool = True
	name: str | None = None


@dataclass(frozen=True)
class CompiledRule:
	"""A rule as SQL: `where` over the aliases `customer` and `stats`, with its named parameters."""

	where: str
	params: dict[str, Any] = field(default_factory=dict)


class RuleInvalid(ValidationError):
	"""A rule that cannot be saved or run; `problems` holds one message per mistake."""

	def __init__(self, tag: str, problems: list[str]) -> None:
		self.problems = problems
		super().__init__("; ".join(problems), record=f"Member Tag Rule {tag or '(no tag)'}")


def rule_from_dict(data: Mapping[str, Any]) -> TagRule:
	"""A rule from a Member Tag Rule document as a dict (`doc.as_dict()`, or rows read by SQL)."""
	rows = data.get("conditions") or []
	conditions = []
	for position, row in enumerate(rows, 1):
		get = (
			row.get
			if isinstance(row, Mapping)
			else (lambda key, default=None, row=row: getattr(row, key, default))
		)
		conditions.append(
			Condition(
				row=int(get("idx") or position),
				field=(get("field") or "").strip(),
				operator=(get("operator") or "").strip(),
				value=_text(get("value")),
				value_to=_text(get("value_to")),
			)
		)
	enabled = data.get("enabled")
	return TagRule(
		tag=(data.get("tag") or "").strip(),
		match=data.get("match_mode") or MATCH_ALL,
		conditions=tuple(conditions),
		enabled=True if enabled is None else bool(int(enabled)),
		name=data.get("name"),
	)


def _text(value: Any) -> str | None:
	if value is None:
		return None
	text = str(value).strip()
	return text or None


# --- validation ------------------------------------------------------------------------------------------------


def _where(condition: Condition) -> str:
	return f"Condition {condition.row} ({condition.field})"


def _whole(text: str) -> int:
	number = Decimal(text)
	if number != number.to_integral_value():
		raise ValueError(text)
	return int(number)


def parse_value(member_field: MemberField, text: str) -> Any:
	"""One value of a condition as the SQL parameter; raises ValueError with the fix."""
	if member_field.kind == "whole":
		try:
			number = _whole(text)
		except (InvalidOperation, ValueError):
			raise ValueError(f"{text!r} is not a whole number; write {member_field.hint}")
		low, high = member_field.minimum, member_field.maximum
		if (low is not None and number < low) or (high is not None and number > high):
			raise ValueError(f"{number} is outside {low}–{high}; write {member_field.hint}")
		return number
	if member_field.kind == "money":
		try:
			amount = Decimal(text.replace(",", ""))
		except InvalidOperation:
			raise ValueError(f"{text!r} is not an amount; write {member_field.hint}")
		if not amount.is_finite():
			raise ValueError(f"{text!r} is not an amount; write {member_field.hint}")
		return amount
	if member_field.kind == "yes_no":
		if text.lower() in YES:
			return 1
		if text.lower() in NO:
			return 0
		raise ValueError(f"{text!r} is neither Yes nor No")
	return text


def _in_values(text: str) -> list[str]:
	return [part.strip() for part in text.split(",")]


def _condition_problems(
	condition: Condition, exists: Callable[[str, str], bool] | None
) -> tuple[list[str], tuple[Any, Any] | None]:
	"""Problems of one row, and its numeric bounds (low, high) when it has them."""
	where = _where(condition)
	member_field = MEMBER_FIELDS.get(condition.field)
	if member_field is None:
		if not condition.field:
			return [f"Condition {condition.row}: choose a field"], None
		return [
			f"Condition {condition.row}: {condition.field!r} is not a field rules know; choose one of "
			+ ", ".join(FIELD_LABELS)
		], None
	if condition.operator not in OPERATORS:
		return [
			f"{where}: {condition.operator or 'no'} operator; choose one of {', '.join(member_field.operators)}"
		], None
	if condition.operator not in member_field.operators:
		return [
			f"{where}: operator {condition.operator} is not allowed; use " + _or(member_field.operators)
		], None
	if condition.value is None:
		return [f"{where}: a value is needed ({member_field.hint})"], None
	problems: list[str] = []
	if condition.operator == "between":
		if condition.value_to is None:
			return [f"{where}: between needs a second value in 'To' ({member_field.hint})"], None
	elif condition.value_to is not None:
		problems.append(f"{where}: 'To' is only used with between; clear it or choose between")

	texts = _in_values(condition.value) if condition.operator == "in" else [condition.value]
	if condition.operator == "between":
		texts.append(condition.value_to)
	if any(not text for text in texts):
		return [
			*problems,
			f"{where}: an empty value in the list {condition.value!r}; separate values with commas",
		], None
	values = []
	for text in texts:
		try:
			values.append(parse_value(member_field, text))
		except ValueError as error:
			problems.append(f"{where}: {error}")
	if problems:
		return problems, None
	if member_field.link_doctype and exists is not None:
		missing = [value for value in values if not exists(member_field.link_doctype, value)]
		if missing:
			return [
				f"{where}: no {member_field.link_doctype} named " + ", ".join(repr(v) for v in missing)
			], None
	bounds = None
	if member_field.kind in ("whole", "money"):
		if condition.operator == "between":
			low, high = values
			if low > high:
				return [
					f"{where}: from {low} is greater than to {high}; no member can match — swap them"
				], None
			bounds = (low, high)
		elif condition.operator == "=":
			bounds = (values[0], values[0])
		elif condition.operator == ">=":
			bounds = (values[0], None)
		elif condition.operator == "<=":
			bounds = (None, values[0])
	return [], bounds


def _or(choices: Iterable[str]) -> str:
	choices = list(choices)
	return choices[0] if len(choices) == 1 else ", ".join(choices[:-1]) + " or " + choices[-1]


def validate_rule(rule: TagRule, exists: Callable[[str, str], bool] | None = None) -> list[str]:
	"""Every mistake of a rule, one message each naming the row, the field and the fix (empty: the rule is good).

	`exists(doctype, name)` lets the host check Link values (Gender, Item Group, Retail Store)."""
	problems: list[str] = []
	if not rule.tag:
		problems.append("Tag: give the rule the tag it puts on members, e.g. VIP")
	elif any(character in rule.tag for character in TAG_FORBIDDEN):
		problems.append(
			f"Tag {rule.tag!r}: leave out commas (tags are listed on the customer as ,VIP,Lapsed,)"
		)
	elif len(rule.tag) > MAX_TAG_LENGTH:
		problems.append(f"Tag {rule.tag!r}: at most {MAX_TAG_LENGTH} characters")
	if rule.match not in MATCH_MODES:
		problems.append(f"Match: {rule.match!r}; choose {MATCH_ALL} or {MATCH_ANY}")
	if not rule.conditions:
		problems.append(
			"Conditions: add at least one condition (a rule without conditions would tag every member)"
		)
	bounds: dict[str, list[tuple[int, Any, Any]]] = {}
	for condition in rule.conditions:
		found, bound = _condition_problems(condition, exists)
		problems += found
		if bound is not None:
			bounds.setdefault(condition.field, []).append((condition.row, *bound))
	if rule.match == MATCH_ALL:
		for label, rows in bounds.items():
			lows = [(low, row) for row, low, _ in rows if low is not None]
			highs = [(high, row) for row, _, high in rows if high is not None]
			if lows and highs:
				low, low_row = max(lows)
				high, high_row = min(highs)
				if low > high:
					problems.append(
						f"Conditions {min(low_row, high_row)} and {max(low_row, high_row)} ({label}): no member is at "
						f"least {low} and at most {high} at once — change one, or match on Any condition"
					)
	return problems


def check_rule(rule: TagRule, exists: Callable[[str, str], bool] | None = None) -> None:
	"""Raise RuleInvalid with every problem of the rule (nothing when it is good)."""
	problems = validate_rule(rule, exists)
	if problems:
		raise RuleInvalid(rule.tag, problems)


# --- compilation -----------------------------------------------------------------------------------------------


def compile_rule(rule: TagRule, as_of: date) -> CompiledRule:
	"""The rule as one SQL condition over `customer` and `stats`, with named parameters; raises RuleInvalid.

	`as_of` is the business day the tags are for (ages, days since the last visit).
	`!=` also matches members without the value (no gender recorded is "not Male")."""
	check_rule(rule)
	params: dict[str, Any] = {}
	parts = []
	for condition in rule.conditions:
		member_field = MEMBER_FIELDS[condition.field]
		key = f"r{condition.row}"
		expression = member_field.sql
		if member_field.uses_as_of:
			params["as_of"] = as_of
		if condition.operator == "between":
			params[f"{key}_from"] = parse_value(member_field, condition.value or "")
			params[f"{key}_to"] = parse_value(member_field, condition.value_to or "")
			parts.append(f"{expression} BETWEEN %({key}_from)s AND %({key}_to)s")
		elif condition.operator == "in":
			names = []
			for position, text in enumerate(_in_values(condition.value or "")):
				params[f"{key}_{position}"] = parse_value(member_field, text)
				names.append(f"%({key}_{position})s")
			parts.append(f"{expression} IN ({', '.join(names)})")
		else:
			params[key] = parse_value(member_field, condition.value or "")
			if condition.operator == "!=":
				parts.append(f"NOT ({expression} <=> %({key})s)")
			else:
				parts.append(f"{expression} {condition.operator} %({key})s")
	joiner = " AND " if rule.match == MATCH_ALL else " OR "
	return CompiledRule("(" + joiner.join(f"({part})" for part in parts) + ")", params)


def describe_rule(rule: TagRule) -> str:
	"""The rule in one line, as a store manager reads it: `Age >= 60 and Gender = Female`."""
	words = []
	for condition in rule.conditions:
		if condition.operator == "between":
			words.append(f"{condition.field} between {condition.value} and {condition.value_to}")
		elif condition.operator == "in":
			words.append(f"{condition.field} in {condition.value}")
		else:
			words.append(f"{condition.field} {condition.operator} {condition.value}")
	return (" and " if rule.match == MATCH_ALL else " or ").join(words)


def recent_window(as_of: date) -> tuple[date, date]:
	"""First and last business day of "the last 90 days" as of a day (both included)."""
	return as_of - timedelta(days=RECENT_DAYS - 1), as_of
