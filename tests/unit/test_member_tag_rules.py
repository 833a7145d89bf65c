"""Member tag rules (pure): the field catalogue, validation messages that name the row, field and fix,
and the SQL a rule compiles to."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from retail_suite.membership.tag_rules import (
	FIELD_LABELS,
	MATCH_ALL,
	MATCH_ANY,
	MEMBER_FIELDS,
	OPERATORS,
	Condition,
	RuleInvalid,
	TagRule,
	check_rule,
	compile_rule,
	describe_rule,
	recent_window,
	rule_from_dict,
	validate_rule,
)

AS_OF = date(2026, 11, 30)
DOCTYPES = Path(__file__).resolve().parents[2] / "retail_suite" / "membership" / "doctype"


def rule(*conditions: tuple, match: str = MATCH_ALL, tag: str = "VIP") -> TagRule:
	return TagRule(
		tag=tag,
		match=match,
		conditions=tuple(Condition(row, *condition) for row, condition in enumerate(conditions, 1)),
	)


def only_problem(tag_rule: TagRule) -> str:
	problems = validate_rule(tag_rule)
	assert len(problems) == 1, problems
	return problems[0]


# --- the catalogue and the doctype -------------------------------------------------------------------------------


def test_the_condition_doctype_offers_exactly_the_catalogue() -> None:
	meta = json.loads((DOCTYPES / "member_tag_rule_condition" / "member_tag_rule_condition.json").read_text())
	fields = {docfield["fieldname"]: docfield for docfield in meta["fields"]}
	assert [label for label in fields["field"]["options"].split("\n") if label] == list(FIELD_LABELS)
	assert fields["operator"]["options"].split("\n") == list(OPERATORS)
	rule_meta = json.loads((DOCTYPES / "member_tag_rule" / "member_tag_rule.json").read_text())
	match = next(docfield for docfield in rule_meta["fields"] if docfield["fieldname"] == "match_mode")
	assert match["options"].split("\n") == [MATCH_ALL, MATCH_ANY]


def test_catalogue_has_the_fields_a_store_manager_asks_for() -> None:
	for label in (
		"Age",
		"Gender",
		"Visits in Last 90 Days",
		"Days Since Last Visit",
		"Total Spend",
		"Recency Score (1-5)",
		"Frequency Score (1-5)",
		"Monetary Score (1-5)",
		"Preferred Item Group",
		"Home Store",
		"Birthday Month",
		"Member Since Days",
	):
		assert label in MEMBER_FIELDS
	assert (MEMBER_FIELDS["Birthday Month"].minimum, MEMBER_FIELDS["Birthday Month"].maximum) == (1, 12)
	assert (MEMBER_FIELDS["Age"].minimum, MEMBER_FIELDS["Age"].maximum) == (0, 120)
	assert (MEMBER_FIELDS["Monetary Score (1-5)"].minimum, MEMBER_FIELDS["Monetary Score (1-5)"].maximum) == (
		1,
		5,
	)
	for member_field in MEMBER_FIELDS.values():
		assert set(member_field.operators) <= set(OPERATORS)
		# every expression reads the two aliases the tagging query joins, nothing else
		assert "customer." in member_field.sql or "stats." in member_field.sql


# --- validation --------------------------------------------------------------------------------------------------


def test_a_good_rule_has_no_problems() -> None:
	good = rule(
		("Age", "between", "30", "45"),
		("Gender", "in", "Female, Other"),
		("Total Spend", ">=", "1,000.50"),
		("Birthday Month", "=", "3"),
		("Agrees to Marketing Messages", "=", "Yes"),
	)
	assert validate_rule(good) == []
	check_rule(good)


def test_unknown_field_names_the_row_and_the_choices() -> None:
	message = only_problem(rule(("Age", ">=", "18"), ("Shoe Size", "=", "42")))
	assert message.startswith("Condition 2: 'Shoe Size' is not a field rules know")
	assert "Birthday Month" in message and "Visits in Last 90 Days" in message


def test_operator_not_allowed_for_the_field() -> None:
	message = only_problem(rule(("Total Spend", "=", "100")))
	assert message == "Condition 1 (Total Spend): operator = is not allowed; use >=, <= or between"
	assert "operator between is not allowed; use =, != or in" in only_problem(
		rule(("Gender", "between", "A", "B"))
	)
	assert "operator >= is not allowed; use =" in only_problem(
		rule(("Agrees to Marketing Messages", ">=", "1"))
	)


def test_impossible_values_and_ranges() -> None:
	assert only_problem(rule(("Birthday Month", "=", "13"))) == (
		"Condition 1 (Birthday Month): 13 is outside 1–12; write a month, 1–12"
	)
	assert "0 is outside 1–5" in only_problem(rule(("Recency Score (1-5)", "<=", "0")))
	assert "121 is outside 0–120" in only_problem(rule(("Age", ">=", "121")))
	assert only_problem(rule(("Age", "between", "60", "30"))) == (
		"Condition 1 (Age): from 60 is greater than to 30; no member can match — swap them"
	)
	assert "'abc' is not a whole number" in only_problem(rule(("Visits in Last 90 Days", ">=", "abc")))
	assert "'2.5' is not a whole number" in only_problem(rule(("Visits in Last 90 Days", ">=", "2.5")))
	assert "'lots' is not an amount" in only_problem(rule(("Total Spend", ">=", "lots")))
	assert "'maybe' is neither Yes nor No" in only_problem(
		rule(("Agrees to Marketing Messages", "=", "maybe"))
	)
	assert "13 is outside 1–12" in only_problem(rule(("Birthday Month", "in", "11, 12, 13")))


def test_contradicting_rows_under_all_conditions() -> None:
	message = only_problem(rule(("Age", ">=", "60"), ("Gender", "=", "Female"), ("Age", "<=", "30")))
	assert message.startswith("Conditions 1 and 3 (Age): no member is at least 60 and at most 30 at once")
	# the same rows under Any condition are a fine rule: the young or the old
	assert validate_rule(rule(("Age", ">=", "60"), ("Age", "<=", "30"), match=MATCH_ANY)) == []
	assert "at least 5 and at most 3" in only_problem(
		rule(("Birthday Month", "=", "5"), ("Birthday Month", "<=", "3"))
	)


def test_empty_values() -> None:
	assert only_problem(rule(("Age", ">=", None))) == "Condition 1 (Age): a value is needed (years, 0–120)"
	assert "between needs a second value in 'To'" in only_problem(rule(("Age", "between", "30")))
	assert "an empty value in the list '3,,4'" in only_problem(rule(("Birthday Month", "in", "3,,4")))
	assert "'To' is only used with between" in only_problem(rule(("Age", ">=", "30", "40")))
	assert only_problem(rule(("", "=", "1"))) == "Condition 1: choose a field"


def test_rule_level_problems() -> None:
	assert validate_rule(TagRule(tag="VIP")) == [
		"Conditions: add at least one condition (a rule without conditions would tag every member)"
	]
	assert "Tag: give the rule the tag" in only_problem(rule(("Age", ">=", "1"), tag=""))
	assert "leave out commas" in only_problem(rule(("Age", ">=", "1"), tag="VIP,Gold"))
	assert "Match: 'Most'" in only_problem(rule(("Age", ">=", "1"), match="Most"))


def test_every_problem_is_reported_at_once_and_raised_as_one_error() -> None:
	bad = rule(("Shoe Size", "=", "42"), ("Birthday Month", "=", "13"), ("Total Spend", "=", "5"))
	with pytest.raises(RuleInvalid) as raised:
		check_rule(bad)
	assert len(raised.value.problems) == 3
	assert str(raised.value).startswith("Member Tag Rule VIP: Condition 1: 'Shoe Size'")


def test_link_values_are_checked_by_the_host() -> None:
	groups = {"Dairy", "Bakery"}

	def exists(doctype: str, name: str) -> bool:
		return doctype != "Item Group" or name in groups

	assert validate_rule(rule(("Preferred Item Group", "in", "Dairy, Bakery")), exists) == []
	assert validate_rule(rule(("Preferred Item Group", "=", "Dairies")), exists) == [
		"Condition 1 (Preferred Item Group): no Item Group named 'Dairies'"
	]


def test_rule_from_a_document_dict() -> None:
	document = {
		"name": "Lapsed",
		"tag": " Lapsed ",
		"enabled": 0,
		"match_mode": MATCH_ANY,
		"conditions": [
			{"idx": 1, "field": "Days Since Last Visit", "operator": ">=", "value": "90", "value_to": ""},
			{"idx": 2, "field": "Visits in Last 90 Days", "operator": "=", "value": 0, "value_to": None},
		],
	}
	parsed = rule_from_dict(document)
	assert parsed.tag == "Lapsed" and parsed.enabled is False and parsed.match == MATCH_ANY
	assert parsed.conditions[1] == Condition(2, "Visits in Last 90 Days", "=", "0", None)
	assert parsed.conditions[0].value_to is None


# --- compilation -------------------------------------------------------------------------------------------------


def test_compile_all_conditions() -> None:
	compiled = compile_rule(
		rule(
			("Age", "between", "30", "45"), ("Gender", "in", "Female, Other"), ("Total Spend", ">=", "1000")
		),
		AS_OF,
	)
	assert compiled.where == (
		"((TIMESTAMPDIFF(YEAR, customer.retail_birthday, %(as_of)s) BETWEEN %(r1_from)s AND %(r1_to)s)"
		" AND (customer.gender IN (%(r2_0)s, %(r2_1)s))"
		" AND (COALESCE(stats.total_spend, 0) >= %(r3)s))"
	)
	assert compiled.params == {
		"as_of": AS_OF,
		"r1_from": 30,
		"r1_to": 45,
		"r2_0": "Female",
		"r2_1": "Other",
		"r3": Decimal("1000"),
	}


def test_compile_any_condition_and_not_equal() -> None:
	compiled = compile_rule(
		rule(("Days Since Last Visit", ">=", "90"), ("Gender", "!=", "Male"), match=MATCH_ANY), AS_OF
	)
	assert compiled.where == (
		"((DATEDIFF(%(as_of)s, stats.last_visit) >= %(r1)s) OR (NOT (customer.gender <=> %(r2)s)))"
	)
	assert compiled.params == {"as_of": AS_OF, "r1": 90, "r2": "Male"}


def test_compile_without_day_dependent_fields_needs_no_as_of() -> None:
	compiled = compile_rule(
		rule(("Monetary Score (1-5)", ">=", "4"), ("Agrees to Marketing Messages", "=", "no")), AS_OF
	)
	assert (
		compiled.where
		== "((stats.monetary_score >= %(r1)s) AND (customer.retail_marketing_consent = %(r2)s))"
	)
	assert compiled.params == {"r1": 4, "r2": 0}


def test_compile_refuses_a_bad_rule() -> None:
	with pytest.raises(RuleInvalid, match=r"Condition 1 \(Birthday Month\): 13 is outside 1–12"):
		compile_rule(rule(("Birthday Month", "=", "13")), AS_OF)


def test_describe_and_window() -> None:
	assert (
		describe_rule(rule(("Age", ">=", "60"), ("Gender", "=", "Female"))) == "Age >= 60 and Gender = Female"
	)
	assert describe_rule(
		rule(("Age", "between", "1", "2"), ("Birthday Month", "in", "3,4"), match=MATCH_ANY)
	) == ("Age between 1 and 2 or Birthday Month in 3,4")
	assert recent_window(AS_OF) == (date(2026, 9, 2), AS_OF)
	assert (recent_window(AS_OF)[1] - recent_window(AS_OF)[0]).days == 89
