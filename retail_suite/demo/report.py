"""The demo's HTML report: one self-contained page with inline SVG charts (matplotlib).

Sections are added by each pipeline (chain, POSDM, promotions, …) as `ReportSection`s.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PALETTE = ["#2f855a", "#3182ce", "#d69e2e", "#c53030", "#805ad5", "#319795", "#dd6b20", "#718096"]


@dataclass
class Table:
	title: str
	columns: Sequence[str]
	rows: Sequence[Sequence[object]]


@dataclass
class ReportSection:
	title: str
	intro: str = ""
	tables: list[Table] = field(default_factory=list)
	charts: list[str] = field(default_factory=list)  # inline SVG


def _svg(figure: plt.Figure) -> str:
	buffer = io.StringIO()
	figure.savefig(buffer, format="svg", bbox_inches="tight")
	plt.close(figure)
	text = buffer.getvalue()
	return text[text.index("<svg") :]


def bar_chart(
	title: str, labels: Sequence[str], values: Sequence[float], ylabel: str = "", horizontal: bool = False,
	reference: float | None = None, reference_label: str = "",
) -> str:
	"""A bar chart as inline SVG; `reference` draws a dashed target line (e.g. the 3 % loss target)."""
	figure, axes = plt.subplots(figsize=(6.4, 3.2))
	if horizontal:
		axes.barh(list(labels), list(values), color=PALETTE[0])
		axes.invert_yaxis()
		axes.set_xlabel(ylabel)
	else:
		axes.bar(list(labels), list(values), color=PALETTE[: len(labels)] or PALETTE[0])
		axes.set_ylabel(ylabel)
		plt.setp(axes.get_xticklabels(), rotation=20, ha="right")
	if reference is not None:
		(axes.axvline if horizontal else axes.axhline)(reference, color="#c53030", linestyle="--", label=reference_label)
		axes.legend(loc="best")
	axes.set_title(title)
	axes.spines[["top", "right"]].set_visible(False)
	return _svg(figure)


def stacked_bar_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], ylabel: str = "") -> str:
	figure, axes = plt.subplots(figsize=(6.4, 3.2))
	bottom = [0.0] * len(labels)
	for colour, (name, values) in zip(PALETTE, series.items(), strict=False):
		axes.bar(list(labels), list(values), bottom=bottom, label=name, color=colour)
		bottom = [b + v for b, v in zip(bottom, values, strict=True)]
	axes.set_title(title)
	axes.set_ylabel(ylabel)
	axes.legend(loc="best", fontsize="small")
	axes.spines[["top", "right"]].set_visible(False)
	return _svg(figure)


def _cell(value: object) -> str:
	if isinstance(value, float):
		return f"{value:,.2f}"
	if isinstance(value, int):
		return f"{value:,}"
	return html.escape(str(value))


def render(title: str, subtitle: str, sections: Sequence[ReportSection]) -> str:
	parts = [
		"<!doctype html><html lang='en'><head><meta charset='utf-8'>",
		f"<title>{html.escape(title)}</title>",
		"<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1a202c}"
		"h1{color:#2f855a}h2{border-bottom:2px solid #e2e8f0;padding-bottom:.3rem;margin-top:2.5rem}"
		"table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #e2e8f0;padding:.3rem .7rem}"
		"th{background:#f7fafc;text-align:left}td.n{text-align:right}"
		".charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{max-width:530px;height:auto}</style>",
		"</head><body>",
		f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>",
	]
	for section in sections:
		parts.append(f"<h2>{html.escape(section.title)}</h2>")
		if section.intro:
			parts.append(f"<p>{html.escape(section.intro)}</p>")
		for table in section.tables:
			parts.append(f"<h3>{html.escape(table.title)}</h3><table><tr>")
			parts.extend(f"<th>{html.escape(column)}</th>" for column in table.columns)
			parts.append("</tr>")
			for row in table.rows:
				cells = "".join(
					f"<td class='n'>{_cell(v)}</td>" if isinstance(v, int | float) else f"<td>{_cell(v)}</td>" for v in row
				)
				parts.append(f"<tr>{cells}</tr>")
			parts.append("</table>")
		if section.charts:
			parts.append("<div class='charts'>" + "".join(section.charts) + "</div>")
	parts.append(f"<p><small>Generated {datetime.now():%Y-%m-%d %H:%M} by retail-suite demo.</small></p></body></html>")
	return "".join(parts)


def write_report(directory: Path, title: str, subtitle: str, sections: Sequence[ReportSection]) -> Path:
	directory.mkdir(parents=True, exist_ok=True)
	path = directory / "index.html"
	path.write_text(render(title, subtitle, sections), encoding="utf-8")
	return path
