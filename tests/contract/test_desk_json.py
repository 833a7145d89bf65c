"""Contract: the app's script reports, desk pages and the Retail workspace, read without Frappe.

What `bench migrate` would import and the desk then fail to open is checked here: a report's JSON, Python
and JS agree on its name and module; no report is open to the till roles; every workspace link points at
a doctype, report or page that exists (ours, or a declared ERPNext one), cards list their links, and the
layout names only cards and shortcuts the workspace has.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from tests.contract.test_doctype_json import DOCTYPES, EXTERNAL_DOCTYPES, MODULES, PACKAGE, REPO, scrub

TILL_ROLES = {"Retail Cashier", "Retail Terminal"}
#: ERPNext doctypes a workspace link may open besides the ones our doctypes link to
WORKSPACE_EXTERNAL = EXTERNAL_DOCTYPES | {"Material Request", "Purchase Order", "Purchase Receipt"}


def _files(kind: str) -> dict[str, dict[str, Any]]:
	found = {}
	for path in sorted(PACKAGE.glob(f"*/{kind}/*/*.json")):
		if path.stem == path.parent.name:
			found[path.relative_to(REPO).as_posix()] = json.loads(path.read_text())
	return found


REPORTS = _files("report")
PAGES = _files("page")
WORKSPACES = _files("workspace")
REPORT_NAMES = {meta["name"] for meta in REPORTS.values()}
PAGE_NAMES = {meta["name"] for meta in PAGES.values()}


def test_the_app_has_reports_and_a_workspace() -> None:
	assert {"Fresh Loss Rate", "Style Matrix", "Supplier Performance", "Promotion Performance"} <= REPORT_NAMES
	assert [meta["name"] for meta in WORKSPACES.values()] == ["Retail"]


@pytest.mark.parametrize(("path", "meta"), [pytest.param(p, m, id=m["name"]) for p, m in REPORTS.items()])
def test_script_report_files_agree(path: str, meta: dict[str, Any]) -> None:
	folder = REPO / Path(path).parent
	assert meta["doctype"] == "Report" and meta["report_type"] == "Script Report" and meta["is_standard"] == "Yes"
	assert scrub(meta["name"]) == folder.name and meta["report_name"] == meta["name"]
	assert meta["module"] in MODULES and folder.parent.parent.name == scrub(meta["module"])
	assert (folder / "__init__.py").exists() and (folder.parent / "__init__.py").exists()
	assert meta["ref_doctype"] in DOCTYPES or meta["ref_doctype"] in WORKSPACE_EXTERNAL
	roles = {row["role"] for row in meta["roles"]}
	assert roles and not roles & TILL_ROLES, f"{meta['name']} is open to {roles & TILL_ROLES}"
	tree = ast.parse((folder / f"{folder.name}.py").read_text())
	assert "execute" in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
	assert f'frappe.query_reports["{meta["name"]}"]' in (folder / f"{folder.name}.js").read_text()


def _targets() -> dict[str, set[str]]:
	return {"DocType": set(DOCTYPES) | WORKSPACE_EXTERNAL, "Report": REPORT_NAMES, "Page": PAGE_NAMES}


@pytest.mark.parametrize(("path", "meta"), [pytest.param(p, m, id=m["name"]) for p, m in WORKSPACES.items()])
def test_workspace_links_and_layout(path: str, meta: dict[str, Any]) -> None:
	targets = _targets()
	problems = []
	cards: dict[str, int] = {}
	current = None
	for link in meta["links"]:
		if link["type"] == "Card Break":
			current = link["label"]
			cards[current] = link["link_count"]
			continue
		if current is None:
			problems.append(f"link {link['label']} before any card")
			continue
		cards[current] -= 1
		if link["link_to"] not in targets[link["link_type"]]:
			problems.append(f"{current}: {link['link_type']} {link['link_to']!r} does not exist")
		if link["link_type"] == "Report" and not link["is_query_report"]:
			problems.append(f"{current}: report {link['link_to']} is not marked as a query report")
	problems += [f"card {card} declares {count:+d} links more than it has" for card, count in cards.items() if count]
	shortcuts = {shortcut["label"]: shortcut for shortcut in meta["shortcuts"]}
	for shortcut in shortcuts.values():
		kind, wanted = shortcut["type"], shortcut["link_to"]
		if kind == "Page":
			wanted = wanted.replace("_", "-")
		if kind not in targets or wanted not in targets[kind]:
			problems.append(f"shortcut {shortcut['label']}: {kind} {wanted!r} does not exist")
		if shortcut.get("stats_filter"):
			filters = json.loads(shortcut["stats_filter"])
			fields = {docfield.get("fieldname") for docfield in DOCTYPES.get(shortcut["link_to"], {}).get("fields", [])}
			unknown = [name for name in filters if name not in fields | {"docstatus", "name"}]
			if unknown:
				problems.append(f"shortcut {shortcut['label']} filters on unknown fields {unknown}")
	for block in json.loads(meta["content"]):
		if block["type"] == "card" and block["data"]["card_name"] not in cards:
			problems.append(f"layout names card {block['data']['card_name']!r} the workspace lacks")
		if block["type"] == "shortcut" and block["data"]["shortcut_name"] not in shortcuts:
			problems.append(f"layout names shortcut {block['data']['shortcut_name']!r} the workspace lacks")
	laid_out = {block["data"]["card_name"] for block in json.loads(meta["content"]) if block["type"] == "card"}
	problems += [f"card {card} is not in the layout" for card in cards if card not in laid_out]
	assert not problems, "; ".join(problems)
	assert {"Fresh", "Apparel", "Replenishment", "Promotions", "Membership"} <= set(cards)
