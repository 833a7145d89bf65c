"""Frappe shell of member tags: the nightly job, "Recompute Tags Now", and the rule form's preview.

The work is the store layer's (`member_stats.fold_transactions`, `tagging.assign_tags`), run
through `frappe.db` on the "long" queue, one job per site at a time (deduplicated), with
progress published to the user who asked. Each batch is committed, so the job holds no
locks across batches and resumes where it stopped.
"""

from __future__ import annotations

import json
from typing import Any

import frappe
from frappe import _
from frappe.utils import getdate, today

from retail_suite.db import get_database
from retail_suite.membership.member_stats import fold_transactions, recompute_all
from retail_suite.membership.tag_rules import RuleInvalid, describe_rule, rule_from_dict
from retail_suite.membership.tagging import assign_tags, count_matching
from retail_suite.setup.roles import require_roles

QUEUE = "long"
RECOMPUTE_ROLES = ("Retail Manager", "System Manager")


def job_id() -> str:
	return f"retail_suite:member_tags:{frappe.local.site}"


def enqueue_nightly() -> None:
	"""scheduler_events daily: queue the tagging job on the long queue (the daily queue's timeout is short)."""
	frappe.enqueue(
		"retail_suite.membership.erpnext_tags.run_tagging",
		queue=QUEUE,
		timeout=4 * 3600,
		job_id=job_id(),
		deduplicate=True,
	)


@frappe.whitelist(methods=["POST"])
def recompute_now(full: bool | int | str = False) -> str:
	"""Queue the tagging job now (Retail Manager, System Manager); `full` recomputes the statistics
	from the whole transaction log first. Progress shows on the caller's desk. Returns the job id,
	or "" when the job is already queued or running (deduplicated)."""
	require_roles(*RECOMPUTE_ROLES)
	job = frappe.enqueue(
		"retail_suite.membership.erpnext_tags.run_tagging",
		queue=QUEUE,
		timeout=4 * 3600,
		job_id=job_id(),
		deduplicate=True,
		full=frappe.utils.cint(full) == 1 or full is True or full == "true",
	)
	return getattr(job, "id", "") or ""


def run_tagging(full: bool = False, as_of: str | None = None) -> dict[str, Any]:
	"""Fold new transactions (or recompute all), score the members and assign every enabled rule's tag."""
	db = get_database()
	day = getdate(as_of or today())
	progress = _progress()
	fold = recompute_all if full else fold_transactions
	folded = fold(db, progress=progress, checkpoint=frappe.db.commit)
	summary = assign_tags(db, day, progress=progress, checkpoint=frappe.db.commit)
	frappe.db.commit()
	for result in summary.rules:
		if result.problems:
			frappe.log_error(
				_("Member Tag Rule {0} was skipped").format(result.tag),
				"\n".join(result.problems),
				"Member Tag Rule",
			)
	return {
		"folded": folded.folded,
		"unfolded": folded.unfolded,
		"members": folded.members,
		"tags": {result.tag: result.matched for result in summary.rules if not result.problems},
		"added": summary.added,
		"removed": summary.removed,
		"customers_updated": summary.members_changed,
		"skipped": {result.tag: result.problems for result in summary.rules if result.problems},
	}


def _progress():
	"""The store layer's progress(stage, total) -> tick(what, units), published as Frappe progress."""

	def stage(title: str, total: int):
		done = 0

		def tick(what: str, units: int) -> None:
			nonlocal done
			done += units
			if total:
				frappe.publish_progress(min(done * 100 / total, 100), title=_(title), description=what)

		return tick

	return stage


@frappe.whitelist()
def preview(rule: str | dict) -> dict[str, Any]:
	"""How many members a rule matches today, and a few of them: the form's Preview (saved or not).

	Anyone who may read Member Tag Rules may preview; the rule is checked first and its problems
	are thrown as the form would."""
	if not frappe.has_permission("Member Tag Rule", "read"):
		frappe.throw(_("Not permitted to read Member Tag Rules."), frappe.PermissionError)
	data = json.loads(rule) if isinstance(rule, str) else rule
	tag_rule = rule_from_dict(data)
	try:
		matched = count_matching(get_database(), tag_rule, getdate(today()))
	except RuleInvalid as error:
		frappe.throw(
			"<br>".join(frappe.utils.escape_html(problem) for problem in error.problems),
			title=_("Rule cannot be used"),
		)
	tagged = (
		frappe.get_all("Retail Member Tag", {"rule": data.get("name")}, pluck="member", limit=10)
		if data.get("name")
		else []
	)
	return {"matched": matched, "rule": describe_rule(tag_rule), "currently_tagged_sample": tagged}
