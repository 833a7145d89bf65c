"""Contract: imports point down (house rule 1).

engine (pure) <- store (SQL through the Database port) <- Frappe shell. Only shell
files import frappe or erpnext; everything else imports, and runs, without Frappe.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "retail_suite"
FRAPPE_ROOTS = {"frappe", "erpnext"}
SHELL_FOLDERS = {"doctype", "page", "report", "workspace", "overrides"}
#: live-site tests (`bench run-tests`: test_*.py beside what they test) and their helpers in retail_suite/tests/
LIVE_TEST_FOLDER = ("retail_suite", "tests")
SHELL_FILE_NAMES = {"erpnext.py", "api.py", "commands.py", "hooks.py", "overrides.py"}
SHELL_FILES = {
	"retail_suite/db/frappe_db.py",
	"retail_suite/db/frappe_indexes.py",
	"retail_suite/db/cache.py",
}
#: under setup/ but pure: the standalone host reads it
PURE_SETUP_FILES = {"retail_suite/setup/custom_fields.py"}
#: shell files that must import frappe only inside functions, because pure code imports them
LAZY_FRAPPE_FILES = {"retail_suite/db/cache.py"}
#: the pure engine: no database, no Redis, no Frappe, however indirectly
PURE_ENGINE_MODULES = [
	"retail_suite/stores/calendar.py",
	"retail_suite/till/barcode.py",
	"retail_suite/demo/chain.py",
]
STORE_ROOTS = ("retail_suite.db", "mariadb", "redis", "frappe", "erpnext")


def is_shell(relative: str) -> bool:
	"""Frappe shell files: the only ones allowed to import frappe or erpnext."""
	path = PurePosixPath(relative)
	if relative in PURE_SETUP_FILES:
		return False
	return (
		bool(SHELL_FOLDERS & set(path.parts[:-1]))
		or path.parts[:2] == ("retail_suite", "setup")
		or path.name in SHELL_FILE_NAMES
		# erpnext_<what>.py: more ERPNext-facing shell of a domain (e.g. posdm/erpnext_benchmark.py)
		or (path.name.startswith("erpnext_") and path.parent.name != "retail_suite")
		or path.name.startswith("test_")
		or path.parts[:2] == LIVE_TEST_FOLDER
		or relative in SHELL_FILES
	)


def python_files() -> list[str]:
	return sorted(path.relative_to(REPO).as_posix() for path in PACKAGE.rglob("*.py"))


def module_name(relative: str) -> str:
	parts = list(PurePosixPath(relative).with_suffix("").parts)
	if parts[-1] == "__init__":
		parts.pop()
	return ".".join(parts)


@cache
def parse(relative: str) -> ast.Module:
	return ast.parse((REPO / relative).read_text(), filename=relative)


def imported_modules(relative: str) -> list[tuple[str, int, bool]]:
	"""(module, line, at module level) for every import in a file, including inside functions."""
	tree = parse(relative)
	top_level = {id(node) for node in tree.body}
	package = module_name(relative).split(".")
	if not relative.endswith("__init__.py"):
		package = package[:-1]
	found = []
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			found += [(alias.name, node.lineno, id(node) in top_level) for alias in node.names]
		elif isinstance(node, ast.ImportFrom):
			base = node.module or ""
			if node.level:
				base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
			found.append((base, node.lineno, id(node) in top_level))
			found += [(f"{base}.{alias.name}", node.lineno, id(node) in top_level) for alias in node.names]
		elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
			function = (
				node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
			)
			if function in ("import_module", "__import__") and isinstance(node.args[0].value, str):
				found.append((node.args[0].value, node.lineno, False))
	return found


def frappe_imports(relative: str) -> list[tuple[str, int, bool]]:
	return [found for found in imported_modules(relative) if found[0].split(".")[0] in FRAPPE_ROOTS]


PURE_FILES = [relative for relative in python_files() if not is_shell(relative)]


def test_shell_classification() -> None:
	"""The rule's own boundaries, so that a change to is_shell() cannot quietly widen the shell."""
	assert is_shell("retail_suite/stores/doctype/retail_store/retail_store.py")
	assert is_shell("retail_suite/posdm/page/posdm_monitor/posdm_monitor.py")
	assert is_shell("retail_suite/posdm/erpnext.py")
	assert is_shell("retail_suite/posdm/erpnext_benchmark.py")
	assert not is_shell("retail_suite/erpnext_slice.py")
	assert is_shell("retail_suite/setup/install.py")
	assert is_shell("retail_suite/overrides/sales_invoice.py")
	assert is_shell("retail_suite/hooks.py")
	assert is_shell("retail_suite/stores/doctype/retail_store/test_retail_store.py")
	assert is_shell("retail_suite/demo/test_erpnext_demo.py")
	assert is_shell("retail_suite/tests/utils.py")
	assert not is_shell("retail_suite/setup/custom_fields.py")
	assert not is_shell("retail_suite/db/schema.py")
	assert not is_shell("retail_suite/erpnext_slice.py")
	assert not is_shell("retail_suite/cli.py")
	assert "retail_suite/db/schema.py" in PURE_FILES and "retail_suite/setup/custom_fields.py" in PURE_FILES


def test_import_checker_sees_imports_inside_functions() -> None:
	"""The shell file install.py imports erpnext inside functions; the checker must see those."""
	found = {(module, top) for module, _, top in frappe_imports("retail_suite/setup/install.py")}
	assert ("frappe", True) in found
	assert any(module.startswith("erpnext.") and not top for module, top in found)


@pytest.mark.parametrize("relative", PURE_FILES)
def test_only_the_shell_imports_frappe(relative: str) -> None:
	found = [f"line {line}: {module}" for module, line, _ in frappe_imports(relative)]
	assert not found, (
		f"{relative} is not a Frappe shell file but imports Frappe/ERPNext ({'; '.join(found)}). "
		"Move that code to erpnext.py/api.py/a doctype controller, or pass what it needs in."
	)


@pytest.mark.parametrize("relative", sorted(LAZY_FRAPPE_FILES))
def test_lazy_shell_files_import_frappe_inside_functions(relative: str) -> None:
	top_level = [f"line {line}: {module}" for module, line, top in frappe_imports(relative) if top]
	assert not top_level, (
		f"{relative} is imported by pure code; import frappe inside functions only ({top_level})"
	)


def test_package_imports_without_frappe() -> None:
	code = (
		"import sys\n"
		"import retail_suite, retail_suite.cli, retail_suite.db.schema, retail_suite.erpnext_slice\n"
		"loaded = sorted(name for name in sys.modules if name.split('.')[0] in ('frappe', 'erpnext'))\n"
		"assert not loaded, loaded\n"
		"print('ok')\n"
	)
	result = subprocess.run(
		[sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
	)
	assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


#: run in a subprocess: import each module with frappe and erpnext made unimportable
IMPORT_EACH = """
import importlib, json, sys

class NoFrappe:
	def find_spec(self, name, path=None, target=None):
		if name.split(".")[0] in ("frappe", "erpnext"):
			raise ModuleNotFoundError(f"No module named {name!r} (blocked: standalone host)", name=name)
		return None

sys.meta_path.insert(0, NoFrappe())
errors = {}
for module in json.loads(sys.argv[1]):
	try:
		importlib.import_module(module)
	except BaseException as error:
		errors[module] = f"{type(error).__name__}: {error}"
print(json.dumps(errors))
"""


@cache
def import_errors_without_frappe() -> dict[str, str]:
	modules = [module_name(relative) for relative in PURE_FILES]
	result = subprocess.run(
		[sys.executable, "-c", IMPORT_EACH, json.dumps(modules)],
		cwd=REPO,
		capture_output=True,
		text=True,
		timeout=300,
		env={**os.environ, "MPLBACKEND": "Agg"},
	)
	assert result.returncode == 0, result.stderr[-2000:]
	return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("relative", PURE_FILES)
def test_module_imports_without_frappe(relative: str) -> None:
	"""Catches indirect imports too: a pure module that imports a shell module at top level."""
	error = import_errors_without_frappe().get(module_name(relative))
	assert error is None, f"{relative} cannot be imported without Frappe: {error}"


def local_imports_closure(relative: str) -> dict[str, str]:
	"""Every module the file imports, directly or through retail_suite modules, with the file that imports it."""
	seen: dict[str, str] = {}
	pending = [relative]
	visited = set()
	while pending:
		current = pending.pop()
		if current in visited:
			continue
		visited.add(current)
		for module, _, _ in imported_modules(current):
			seen.setdefault(module, current)
			if module.split(".")[0] != "retail_suite":
				continue
			base = REPO.joinpath(*module.split("."))
			for candidate in (base.with_suffix(".py"), base / "__init__.py"):
				if candidate.is_file():
					pending.append(candidate.relative_to(REPO).as_posix())
	return seen


@pytest.mark.parametrize("relative", PURE_ENGINE_MODULES)
def test_pure_engine_imports_no_store(relative: str) -> None:
	assert (REPO / relative).is_file(), f"{relative} is listed as pure engine but does not exist"
	offending = {
		module: importer
		for module, importer in local_imports_closure(relative).items()
		if any(module == root or module.startswith(root + ".") for root in STORE_ROOTS)
	}
	assert not offending, f"{relative} is pure engine but reaches the store or a service: " + "; ".join(
		f"{importer} imports {module}" for module, importer in sorted(offending.items())
	)
