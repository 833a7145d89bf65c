"""BENCHMARKS.md: `retail-suite bench` rewrites its own table and keeps the sections other commands wrote."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from retail_suite.benchmarks import Measurement, write_benchmarks


def test_rewrite_keeps_the_later_sections(tmp_path: Path) -> None:
	path = tmp_path / "BENCHMARKS.md"
	path.write_text("# Benchmarks\n\nold table\n\n## Fresh, apparel and replenishment\n\nkept 1\n\n## Live site\n\nkept 2\n")
	results = {
		"machine": {"cpu": "CPU", "cores": 2, "memory": "24 GiB", "python": "3.11"},
		"at": datetime(2026, 11, 29, 3, 0),
		"repeat": 3,
		"server": "MariaDB",
		"measurements": [Measurement("Schema creation", "76 tables", "s", [0.5, 0.7, 0.6])],
	}
	write_benchmarks(path, results)
	text = path.read_text()
	assert "old table" not in text and "| Schema creation | 76 tables | 0.600 |" in text
	assert text.endswith("\n## Fresh, apparel and replenishment\n\nkept 1\n\n## Live site\n\nkept 2\n")
