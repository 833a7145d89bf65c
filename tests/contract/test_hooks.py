"""Contract: hooks.py and what Frappe reads beside it resolve, checked without importing them.

`hooks.py` is parsed with ast, never imported: every dotted path it names must be
a module file of retail_suite with that function (or class) at top level, called
with the arguments Frappe passes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "retail_suite"
HOOKS = PACKAGE / "hooks.py"
DOTTED_PATH = re.compile(r"^retail_suite(\.[A-Za-z_][A-Za-z0-9_]*)+$")
#: `retail_suite.bundle.js` and the like name assets, not Python
ASSET_SUFFIXES = {"js", "css", "scss", "less", "json", "html", "svg", "png", "vue", "ts", "md", "txt"}
#: hooks Frappe calls with no arguments
NO_ARGUMENT_HOOKS = {
	"before_install",
	"after_install",
	"before_migrate",
	"after_migrate",
	"before_uninstall",
	"after_uninstall",
	"before_tests",
	"scheduler_events",
}
#: hooks whose dotted path names a class, not a function
CLASS_HOOKS = {"override_doctype_class", "extend_doctype_class"}
#: hooks whose dotted path may name a whole module
MODULE_HOOKS = {"jinja"}


@dataclass(frozen=True)
class HookPath:
	hook: str
	path: str
	line: int

	def __str__(self) -> str:
		return f"hooks.py:{self.line} {self.hook} -> {self.path}"


def parse(path: Path) -> ast.Module:
	return ast.parse(path.read_text(), filename=str(path))


def hook_assignments() -> dict[str, ast.expr]:
	"""Top-level `name = value` (and annotated) assignments of hooks.py."""
	assignments: dict[str, ast.expr] = {}
	for node in parse(HOOKS).body:
		if isinstance(node, ast.Assign):
			for target in node.targets:
				if isinstance(target, ast.Name):
					assignments[target.id] = node.value
		elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
			assignments[node.target.id] = node.value
	return assignments


def statement_hook(statement: ast.stmt) -> str:
	"""The hook a top-level statement sets: `doc_events = {…}`, `doc_events["Item"] = {…}`, `x: list = […]`."""
	targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
	for target in targets:
		while isinstance(target, ast.Subscript | ast.Attribute):
			target = target.value
		if isinstance(target, ast.Name):
			return target.id
	return "<module>"


def hook_paths() -> list[HookPath]:
	"""Every string in hooks.py that is a dotted path into retail_suite, with the hook that holds it."""
	found = []
	for statement in parse(HOOKS).body:
		hook = statement_hook(statement)
		for node in ast.walk(statement):
			if (
				isinstance(node, ast.Constant)
				and isinstance(node.value, str)
				and DOTTED_PATH.match(node.value)
			):
				if node.value.rsplit(".", 1)[1] not in ASSET_SUFFIXES:
					found.append(HookPath(hook, node.value, node.lineno))
	return found


def module_file(dotted: str) -> Path | None:
	"""The file of a retail_suite module, or None when there is none."""
	base = REPO.joinpath(*dotted.split("."))
	for candidate in (base.with_suffix(".py"), base / "__init__.py"):
		if candidate.is_file():
			return candidate
	return None


def top_level_definitions(path: Path) -> dict[str, ast.AST]:
	return {
		node.name: node
		for node in parse(path).body
		if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
	}


def required_positional(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
	arguments = function.args
	positional = [*arguments.posonlyargs, *arguments.args]
	return len(positional) - len(arguments.defaults)


def accepts_positional(function: ast.FunctionDef | ast.AsyncFunctionDef, count: int) -> bool:
	arguments = function.args
	return arguments.vararg is not None or len([*arguments.posonlyargs, *arguments.args]) >= count


def is_whitelisted(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
	for decorator in function.decorator_list:
		target = decorator.func if isinstance(decorator, ast.Call) else decorator
		name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
		if name == "whitelist":
			return True
	return False


HOOK_PATHS = hook_paths()


def test_hooks_name_the_app() -> None:
	assignments = hook_assignments()
	assert ast.literal_eval(assignments["app_name"]) == "retail_suite" == PACKAGE.name
	# org/repo form: Frappe v15's installer looks a bare name up on the GitHub API, org/repo it parses offline
	assert ast.literal_eval(assignments["required_apps"]) == ["frappe/erpnext"]
	for required in ("app_title", "app_publisher", "app_description", "app_email", "app_license"):
		assert required in assignments, f"hooks.py must set {required} (bench reads it)"


def test_hooks_wire_install_and_migrate() -> None:
	hooks = {hook_path.hook for hook_path in HOOK_PATHS}
	assert {"after_install", "after_migrate"} <= hooks, (
		"custom fields and roles are created at install and re-synced on migrate (house rule 10)"
	)


def test_custom_fields_are_not_fixtures() -> None:
	fixtures = ast.literal_eval(hook_assignments().get("fixtures", ast.List(elts=[])))
	named = [
		entry if isinstance(entry, str) else entry.get("dt") or entry.get("doctype") for entry in fixtures
	]
	assert "Custom Field" not in named, (
		"custom fields are created in code (setup/custom_fields.py), not fixtures"
	)


@pytest.mark.parametrize("hook_path", HOOK_PATHS, ids=[f"{h.hook}:{h.path}" for h in HOOK_PATHS])
def test_hook_path_resolves(hook_path: HookPath) -> None:
	module, _, attribute = hook_path.path.rpartition(".")
	if hook_path.hook in MODULE_HOOKS and module_file(hook_path.path):
		return
	path = module_file(module)
	assert path, f"{hook_path}: module {module} has no file ({module.replace('.', '/')}.py)"
	definition = top_level_definitions(path).get(attribute)
	where = f"{hook_path}: {path.relative_to(REPO)}"
	if hook_path.hook in CLASS_HOOKS:
		assert isinstance(definition, ast.ClassDef), f"{where} defines no top-level class {attribute}"
		return
	assert isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef), (
		f"{where} defines no top-level function {attribute}"
	)
	if hook_path.hook in NO_ARGUMENT_HOOKS:
		assert required_positional(definition) == 0, f"{where}: Frappe calls {attribute}() with no arguments"
	if hook_path.hook == "doc_events":
		assert accepts_positional(definition, 2) and required_positional(definition) <= 2, (
			f"{where}: Frappe calls doc event handlers as {attribute}(doc, method)"
		)
	if hook_path.hook == "override_whitelisted_methods":
		assert is_whitelisted(definition), f"{where}: {attribute} must be @frappe.whitelist()"


def test_hook_paths_are_collected() -> None:
	"""The collector sees the install hooks, so an empty parametrization cannot hide a broken hooks.py."""
	assert "retail_suite.setup.install.after_install" in {hook_path.path for hook_path in HOOK_PATHS}


@pytest.mark.parametrize(
	"module", [line.strip() for line in (PACKAGE / "modules.txt").read_text().splitlines() if line.strip()]
)
def test_module_is_a_package(module: str) -> None:
	folder = PACKAGE / module.replace(" ", "_").replace("-", "_").lower()
	assert (folder / "__init__.py").is_file(), (
		f"modules.txt names {module!r}: {folder.relative_to(REPO)}/__init__.py"
	)


def test_patches_txt() -> None:
	"""Frappe v15 patches.txt: two sections; every patch is a module with `execute()`."""
	lines = [line.strip() for line in (PACKAGE / "patches.txt").read_text().splitlines()]
	assert "[pre_model_sync]" in lines and "[post_model_sync]" in lines
	for line in lines:
		if not line or line.startswith(("#", "[", "execute:")):
			continue
		patch = line.split()[0]
		assert DOTTED_PATH.match(patch), f"patches.txt: {line!r} is not a dotted path into retail_suite"
		path = module_file(patch)
		assert path, f"patches.txt: {patch} has no module file"
		assert "execute" in top_level_definitions(path), f"patches.txt: {patch} defines no execute()"


def commands_problems(path: Path) -> list[str]:
	"""What is wrong with a bench commands module: bench reads its module-level `commands` list."""
	tree = parse(path)
	defined = set(top_level_definitions(path))
	commands: list[ast.expr] | None = None
	for node in tree.body:
		if isinstance(node, ast.Import | ast.ImportFrom):
			defined |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
		targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
		if any(isinstance(target, ast.Name) and target.id == "commands" for target in targets):
			value = getattr(node, "value", None)
			commands = value.elts if isinstance(value, ast.List) else None
	if commands is None:
		return ["define `commands = [...]` (a list of click commands) at module level"]
	return [
		f"commands lists {ast.unparse(command)}, which the module does not define"
		for command in commands
		if not (isinstance(command, ast.Name) and command.id in defined)
	]


def test_commands_checker_catches_mistakes(tmp_path: Path) -> None:
	good = tmp_path / "good.py"
	good.write_text("import click\n\n@click.command()\ndef demo():\n\tpass\n\ncommands = [demo]\n")
	assert commands_problems(good) == []
	missing = tmp_path / "missing.py"
	missing.write_text("def demo():\n\tpass\n")
	assert commands_problems(missing) == [
		"define `commands = [...]` (a list of click commands) at module level"
	]
	stray = tmp_path / "stray.py"
	stray.write_text("def demo():\n\tpass\n\ncommands = [demo, undefined_command]\n")
	assert commands_problems(stray) == ["commands lists undefined_command, which the module does not define"]


def test_bench_commands() -> None:
	"""bench imports `retail_suite.commands` (a module or a package) when the app has one."""
	candidates = [PACKAGE / "commands.py", PACKAGE / "commands" / "__init__.py"]
	present = [path for path in candidates if path.is_file()]
	assert len(present) <= 1, f"both {candidates[0]} and {candidates[1]} exist; Python would import only one"
	for path in present:
		problems = commands_problems(path)
		assert not problems, f"{path.relative_to(REPO)}: " + "; ".join(problems)


def asset_paths() -> list[HookPath]:
	"""`/assets/retail_suite/…` strings in hooks.py: bench serves them from retail_suite/public/."""
	return [
		HookPath(statement_hook(statement), node.value, node.lineno)
		for statement in parse(HOOKS).body
		for node in ast.walk(statement)
		if isinstance(node, ast.Constant)
		and isinstance(node.value, str)
		and node.value.startswith("/assets/retail_suite/")
	]


@pytest.mark.parametrize("asset", asset_paths(), ids=[asset.path for asset in asset_paths()])
def test_hook_assets_exist(asset: HookPath) -> None:
	path = PACKAGE / "public" / asset.path.removeprefix("/assets/retail_suite/")
	assert path.is_file(), f"{asset}: {path.relative_to(REPO)} does not exist (the desk would load a 404)"


def test_signature_checks() -> None:
	"""The argument checks applied to doc_events, install hooks and whitelisted overrides."""
	tree = ast.parse(
		"def install():\n\tpass\n"
		"def on_validate(doc, method=None):\n\tpass\n"
		"def needs_three(doc, method, extra):\n\tpass\n"
		"@frappe.whitelist()\ndef endpoint(name):\n\tpass\n"
	)
	functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
	assert required_positional(functions["install"]) == 0
	assert required_positional(functions["on_validate"]) == 1 and accepts_positional(
		functions["on_validate"], 2
	)
	assert required_positional(functions["needs_three"]) == 3
	assert not accepts_positional(functions["install"], 2)
	assert is_whitelisted(functions["endpoint"]) and not is_whitelisted(functions["install"])


def test_page_js_files_exist() -> None:
	"""`page_js` paths are relative to the app package (Frappe reads them from retail_suite/…)."""
	hooks = {}
	exec(compile(HOOKS.read_text(), str(HOOKS), "exec"), hooks)  # hooks.py is plain data
	page_js = hooks.get("page_js") or {}
	assert page_js, "hooks.py extends ERPNext's POS page"
	for page, scripts in page_js.items():
		for script in [scripts] if isinstance(scripts, str) else scripts:
			assert (PACKAGE / script).is_file(), f"page_js[{page!r}]: {script} does not exist in retail_suite/"
