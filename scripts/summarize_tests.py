"""Add up the JUnit XML files of every test layer; print one line per layer and the final count.

Usage: summarize_tests.py RESULTS_DIR LAYER=FILE … ; exits 1 if anything failed or a layer left no file.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def count(path: Path) -> tuple[int, int, int]:
	"""(passed, failed, skipped) of one JUnit XML file."""
	root = ElementTree.parse(path).getroot()
	passed = failed = skipped = 0
	for case in root.iter("testcase"):
		if case.find("failure") is not None or case.find("error") is not None:
			failed += 1
		elif case.find("skipped") is not None:
			skipped += 1
		else:
			passed += 1
	# errors outside test cases (collection errors) count as failures
	for suite in root.iter("testsuite"):
		if not list(suite.iter("testcase")) and int(suite.get("errors", 0)):
			failed += int(suite.get("errors", 0))
	return passed, failed, skipped


def main(arguments: list[str]) -> int:
	results = Path(arguments[0])
	total_passed = total_failed = total_skipped = 0
	for layer_file in arguments[1:]:
		layer, _, name = layer_file.partition("=")
		path = results / name
		if not path.exists():
			print(f"  {layer:<10} no results: the layer did not run to completion (counted as 1 failure)")
			total_failed += 1
			continue
		passed, failed, skipped = count(path)
		print(f"  {layer:<10} {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
		total_passed += passed
		total_failed += failed
		total_skipped += skipped
	suffix = f", {total_skipped} skipped" if total_skipped else ""
	print(f"{total_passed} passed, {total_failed} failed{suffix}")
	return 1 if total_failed else 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
