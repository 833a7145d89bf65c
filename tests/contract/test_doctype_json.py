"""Contract: every retail_suite doctype JSON is one Frappe v15 accepts, read without Frappe.

What `bench migrate` would reject (or accept and then break on) is checked here by
parsing the files: names, folders, controllers, fieldtypes, fieldnames, Link targets,
naming, permissions.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from retail_suite.db.schema import ALL_FIELDTYPES, STANDARD_COLUMNS

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "retail_suite"

#: ERPNext and Frappe doctypes that retail_suite doctypes may link to
EXTERNAL_DOCTYPES = frozenset(
	{
		"Company",
		"Warehouse",
		"Cost Center",
		"POS Profile",
		"Price List",
		"Address",
		"User",
		"Item",
		"Item Group",
		"Customer",
		"Supplier",
		"UOM",
		"Batch",
		"Mode of Payment",
		"Sales Invoice",
		"POS Invoice",
		"Journal Entry",
		"Stock Entry",
		"Material Request",
		"Account",
		"Currency",
		"Sales Person",
		"Item Tax Template",
		"Serial No",
		"Loyalty Program",
		"Pricing Rule",
		"Promotional Scheme",
		"Customer Group",
		"Territory",
		"Gender",
		"Role",
		"DocType",
		"Employee",
		"Sales Taxes and Charges Template",
		"Purchase Order",
		"Purchase Receipt",
		"Brand",
		"Item Attribute",
	}
)
RETAIL_ROLES = frozenset({"Retail Manager", "Store Manager", "Retail Cashier", "Retail Terminal"})
#: roles a retail_suite doctype may grant: ours, plus Frappe's and ERPNext's standard ones
ALLOWED_ROLES = RETAIL_ROLES | {
	"System Manager",
	"Accounts Manager",
	"Accounts User",
	"Stock Manager",
	"Stock User",
}
#: till-side roles: they may never delete a record
NO_DELETE_ROLES = ("Retail Cashier", "Retail Terminal")
LINK_FIELDTYPES = ("Link", "Table", "Table MultiSelect")
#: Frappe's controller base classes
DOCUMENT_BASES = {"Document", "NestedSet", "WebsiteGenerator"}
#: `{…}` parts of a `format:` autoname that are not fieldnames (frappe.model.naming.parse_naming_series)
NAMING_TOKENS = {"YY", "YYYY", "MM", "DD", "WW", "FY", "timestamp"}
FIELDNAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_FIELDNAME = 64  # MariaDB's column-name limit; Frappe rejects fieldnames of 64 characters and more


def scrub(name: str) -> str:
	"""Frappe's scrub: the folder and file name of a module or doctype."""
	return name.replace(" ", "_").replace("-", "_").lower()


def load_doctype_files() -> dict[str, dict[str, Any]]:
	"""Every doctype JSON (file stem == folder name), by path relative to the repository."""
	doctypes: dict[str, dict[str, Any]] = {}
	for path in sorted(PACKAGE.glob("*/doctype/*/*.json")):
		if path.stem == path.parent.name:
			doctypes[path.relative_to(REPO).as_posix()] = json.loads(path.read_text())
	return doctypes


DOCTYPE_FILES = load_doctype_files()
DOCTYPES = {meta.get("name"): meta for meta in DOCTYPE_FILES.values()}
MODULES = [line.strip() for line in (PACKAGE / "modules.txt").read_text().splitlines() if line.strip()]


def doctype_params() -> list[Any]:
	return [pytest.param(path, meta, id=meta.get("name", path)) for path, meta in DOCTYPE_FILES.items()]


def value_fields(meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
	return {
		docfield["fieldname"]: docfield for docfield in meta.get("fields", []) if docfield.get("fieldname")
	}


def test_the_app_has_doctypes() -> None:
	assert {"Retail Store", "POS Terminal"} <= set(DOCTYPES), f"doctype JSON found: {sorted(DOCTYPES)}"


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_doctype_identity(path: str, meta: dict[str, Any]) -> None:
	assert meta.get("doctype") == "DocType", f"{path}: `doctype` must be 'DocType'"
	name = meta.get("name")
	assert isinstance(name, str) and name.strip() == name and name, f"{path}: needs a `name`"
	module = meta.get("module")
	assert module in MODULES, (
		f"{path}: module {module!r} is not listed in retail_suite/modules.txt ({MODULES})"
	)
	expected = f"retail_suite/{scrub(module)}/doctype/{scrub(name)}/{scrub(name)}.json"
	assert path == expected, f"{name}: Frappe looks for its JSON at {expected}, not {path}"


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_doctype_folders_are_packages(path: str, meta: dict[str, Any]) -> None:
	folder = REPO / path
	for package in (folder.parent, folder.parent.parent):
		assert (package / "__init__.py").is_file(), (
			f"{meta['name']}: {package.relative_to(REPO)}/__init__.py is missing; Frappe imports the controller"
		)


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_controller_defines_the_document_class(path: str, meta: dict[str, Any]) -> None:
	controller = (REPO / path).with_suffix(".py")
	assert controller.is_file(), f"{meta['name']}: controller {controller.relative_to(REPO)} is missing"
	class_name = meta["name"].replace(" ", "").replace("-", "")
	tree = ast.parse(controller.read_text(), filename=str(controller))
	classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
	assert class_name in classes, (
		f"{controller.relative_to(REPO)} must define class {class_name} (Frappe's controller for {meta['name']})"
	)
	bases = {
		base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
		for base in classes[class_name].bases
	}
	assert bases & DOCUMENT_BASES, (
		f"class {class_name} must extend one of {sorted(DOCUMENT_BASES)}, not {bases}"
	)


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_fieldtypes_are_frappe_v15(path: str, meta: dict[str, Any]) -> None:
	unknown = {
		docfield.get("fieldname"): docfield.get("fieldtype")
		for docfield in meta.get("fields", [])
		if docfield.get("fieldtype") not in ALL_FIELDTYPES
	}
	assert not unknown, f"{meta['name']}: fieldtypes Frappe v15 does not have: {unknown}"


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_fieldnames(path: str, meta: dict[str, Any]) -> None:
	fieldnames = [docfield.get("fieldname") for docfield in meta.get("fields", [])]
	assert fieldnames, f"{meta['name']}: has no fields"
	bad = [name for name in fieldnames if not isinstance(name, str) or not FIELDNAME.match(name)]
	assert not bad, f"{meta['name']}: fieldnames must be lowercase snake_case: {bad}"
	too_long = [name for name in fieldnames if len(name) >= MAX_FIELDNAME]
	assert not too_long, (
		f"{meta['name']}: fieldnames must be shorter than {MAX_FIELDNAME} characters: {too_long}"
	)
	duplicates = sorted({name for name in fieldnames if fieldnames.count(name) > 1})
	assert not duplicates, f"{meta['name']}: duplicate fieldnames {duplicates}"
	standard = sorted(set(fieldnames) & {*STANDARD_COLUMNS, "parent", "parentfield", "parenttype"})
	assert not standard, f"{meta['name']}: fieldnames {standard} clash with Frappe's standard columns"


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_field_order_lists_every_field(path: str, meta: dict[str, Any]) -> None:
	fieldnames = [docfield.get("fieldname") for docfield in meta.get("fields", [])]
	assert meta.get("field_order") == fieldnames, (
		f"{meta['name']}: field_order must list the fields in order; "
		f"missing {sorted(set(fieldnames) - set(meta.get('field_order', [])))}, "
		f"extra {sorted(set(meta.get('field_order', [])) - set(fieldnames))}"
	)


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_link_targets_exist(path: str, meta: dict[str, Any]) -> None:
	problems = []
	for docfield in meta.get("fields", []):
		fieldtype, target = docfield.get("fieldtype"), docfield.get("options")
		if fieldtype not in LINK_FIELDTYPES:
			continue
		if not target:
			problems.append(f"{docfield['fieldname']}: {fieldtype} without options (the target doctype)")
		elif target in DOCTYPES:
			if fieldtype != "Link" and not DOCTYPES[target].get("istable"):
				problems.append(
					f"{docfield['fieldname']}: {fieldtype} target {target} is not a child table (istable)"
				)
		elif fieldtype != "Link":
			problems.append(
				f"{docfield['fieldname']}: {fieldtype} target {target} is not a retail_suite child doctype"
			)
		elif target not in EXTERNAL_DOCTYPES:
			problems.append(
				f"{docfield['fieldname']}: Link to {target!r}, which is neither a retail_suite doctype nor a "
				"declared ERPNext/Frappe doctype (EXTERNAL_DOCTYPES in this test)"
			)
	assert not problems, f"{meta['name']}: " + "; ".join(problems)


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_dynamic_links_name_a_doctype_link(path: str, meta: dict[str, Any]) -> None:
	fields = value_fields(meta)
	for docfield in fields.values():
		if docfield.get("fieldtype") != "Dynamic Link":
			continue
		where = f"{meta['name']}.{docfield['fieldname']}"
		source = fields.get(docfield.get("options") or "")
		# Frappe v15 (DocType.validate_fields): the pointer is a Link to DocType or a Select of doctypes
		assert source and source.get("fieldtype") in ("Link", "Select"), (
			f"{where}: a Dynamic Link's options must name a Link-to-DocType or Select field of the doctype"
		)
		if source["fieldtype"] == "Link":
			assert source.get("options") == "DocType", f"{where}: {source['fieldname']} must link to DocType"
		else:
			choices = [choice for choice in (source.get("options") or "").split("\n") if choice]
			unknown = [
				choice for choice in choices if choice not in DOCTYPES and choice not in EXTERNAL_DOCTYPES
			]
			assert choices and not unknown, (
				f"{where}: {source['fieldname']} offers unknown doctypes {unknown}"
			)


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_select_fields_have_options(path: str, meta: dict[str, Any]) -> None:
	empty = [
		docfield["fieldname"]
		for docfield in meta.get("fields", [])
		if docfield.get("fieldtype") == "Select" and not (docfield.get("options") or "").strip()
	]
	assert not empty, f"{meta['name']}: Select fields without options: {empty}"


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_autoname(path: str, meta: dict[str, Any]) -> None:
	autoname = meta.get("autoname") or ""
	fields = value_fields(meta)
	naming_rule = meta.get("naming_rule")
	if autoname.startswith("field:"):
		fieldname = autoname.removeprefix("field:").strip()
		assert fieldname in fields, f"{meta['name']}: autoname {autoname!r} names no field"
		# Frappe marks it unique on a site; the standalone host reads `unique` from the JSON
		assert fields[fieldname].get("unique"), f"{meta['name']}: the naming field {fieldname} must be unique"
		assert naming_rule == "By fieldname", f"{meta['name']}: naming_rule should be 'By fieldname'"
	elif autoname.startswith("format:"):
		parts = re.findall(r"\{([^{}]*)\}", autoname)
		assert parts, f"{meta['name']}: autoname {autoname!r} has no {{…}} parts"
		unknown = [
			part
			for part in parts
			if part not in fields and part not in NAMING_TOKENS and not re.fullmatch("#+", part)
		]
		assert not unknown, f"{meta['name']}: autoname {autoname!r} names unknown fields {unknown}"
		assert naming_rule == "Expression", f"{meta['name']}: naming_rule should be 'Expression'"
	elif autoname == "autoincrement":
		assert naming_rule == "Autoincrement", f"{meta['name']}: naming_rule should be 'Autoincrement'"
	elif autoname.startswith("naming_series:"):
		assert "naming_series" in fields, (
			f"{meta['name']}: naming_series: autoname needs a naming_series field"
		)


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_title_search_and_sort_fields_exist(path: str, meta: dict[str, Any]) -> None:
	known = set(value_fields(meta)) | set(STANDARD_COLUMNS)
	named = {
		"title_field": [meta.get("title_field")] if meta.get("title_field") else [],
		"sort_field": [meta.get("sort_field")] if meta.get("sort_field") else [],
		"search_fields": [
			name.strip() for name in (meta.get("search_fields") or "").split(",") if name.strip()
		],
	}
	unknown = {prop: [name for name in names if name not in known] for prop, names in named.items()}
	assert not any(unknown.values()), f"{meta['name']}: properties naming unknown fields: {unknown}"
	if meta.get("show_title_field_in_link"):
		assert meta.get("title_field"), f"{meta['name']}: show_title_field_in_link needs a title_field"


@pytest.mark.parametrize(("path", "meta"), doctype_params())
def test_permissions(path: str, meta: dict[str, Any]) -> None:
	permissions = meta.get("permissions") or []
	if meta.get("istable"):
		assert not permissions, (
			f"{meta['name']}: a child table takes its parent's permissions; remove its own"
		)
		return
	assert permissions, f"{meta['name']}: states no permissions (house rule 7)"
	roles = [row.get("role") for row in permissions]
	unknown = sorted({role for role in roles if role not in ALLOWED_ROLES}, key=str)
	assert not unknown, f"{meta['name']}: roles {unknown} are not among {sorted(ALLOWED_ROLES)}"
	deleting = sorted(
		{row["role"] for row in permissions if row.get("role") in NO_DELETE_ROLES and row.get("delete")}
	)
	assert not deleting, f"{meta['name']}: {deleting} may not delete records"


def test_retail_roles_are_the_ones_created_at_install() -> None:
	"""The roles the JSON grants are the ones `setup/roles.py` creates (read with ast: it imports frappe)."""
	tree = ast.parse((PACKAGE / "setup" / "roles.py").read_text())
	created: dict[str, int] | None = None
	for node in tree.body:
		if isinstance(node, ast.AnnAssign | ast.Assign):
			targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
			if any(isinstance(target, ast.Name) and target.id == "RETAIL_ROLES" for target in targets):
				created = ast.literal_eval(node.value)
	assert created is not None, "retail_suite/setup/roles.py must define RETAIL_ROLES as a literal dict"
	assert set(created) == RETAIL_ROLES, (
		f"roles created at install {sorted(created)} != {sorted(RETAIL_ROLES)}"
	)
	assert created["Retail Terminal"] == 0, "Retail Terminal is an API user: no desk access"


#: field -> (fieldtype, Link target or None); None fieldtype: any fieldtype with a column
RETAIL_STORE_FIELDS: dict[str, tuple[str | None, str | None]] = {
	"company": ("Link", "Company"),
	"warehouse": ("Link", "Warehouse"),
	"cost_center": ("Link", "Cost Center"),
	"pos_profile": ("Link", "POS Profile"),
	"price_list": ("Link", "Price List"),
	"address": ("Link", "Address"),
	"opening_time": ("Time", None),
	"closing_time": ("Time", None),
	"time_zone": (None, None),
	"business_day_cutoff": ("Time", None),
}
POS_TERMINAL_FIELDS: dict[str, tuple[str | None, str | None]] = {
	"store": ("Link", "Retail Store"),
	"terminal_code": ("Data", None),
	"device_id": ("Data", None),
	"terminal_user": ("Link", "User"),
	"last_transaction_number": ("Int", None),
}


@pytest.mark.parametrize(
	("doctype", "expected"),
	[("Retail Store", RETAIL_STORE_FIELDS), ("POS Terminal", POS_TERMINAL_FIELDS)],
)
def test_store_doctypes_have_their_fields(
	doctype: str, expected: dict[str, tuple[str | None, str | None]]
) -> None:
	assert doctype in DOCTYPES, f"doctype {doctype} is missing"
	fields = value_fields(DOCTYPES[doctype])
	missing = sorted(set(expected) - set(fields))
	assert not missing, f"{doctype}: missing fields {missing}"
	for fieldname, (fieldtype, target) in expected.items():
		docfield = fields[fieldname]
		if fieldtype:
			assert docfield["fieldtype"] == fieldtype, f"{doctype}.{fieldname} should be a {fieldtype}"
		if target:
			assert docfield.get("options") == target, f"{doctype}.{fieldname} should link to {target}"


def test_pos_terminal_device_id_is_unique() -> None:
	assert value_fields(DOCTYPES["POS Terminal"])["device_id"].get("unique"), "one device is one till"


JS_FORM_ON = re.compile(r"frappe\.ui\.form\.on\(\s*[\"']([^\"']+)[\"']")


@pytest.mark.parametrize(
	"script",
	[
		pytest.param(path, id=path.relative_to(REPO).as_posix())
		for path in sorted(PACKAGE.glob("*/doctype/*/*.js"))
		if path.stem == path.parent.name
	],
)
def test_form_script_binds_to_its_doctype(script: Path) -> None:
	meta = json.loads(script.with_suffix(".json").read_text())
	bound = set(JS_FORM_ON.findall(script.read_text()))
	assert meta["name"] in bound, (
		f"{script.relative_to(REPO)} must call frappe.ui.form.on({meta['name']!r}, …)"
	)
	children = {
		docfield["options"]
		for docfield in meta.get("fields", [])
		if docfield.get("fieldtype") in LINK_FIELDTYPES[1:]
	}
	stray = bound - {meta["name"]} - children
	assert not stray, f"{script.relative_to(REPO)} binds to doctypes it does not own: {sorted(stray)}"
