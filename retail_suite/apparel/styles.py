"""Apparel styles as ERPNext holds them (store layer): Item templates, their size × colour variants.

A style is an Item with `has_variants = 1`; each variant (`variant_of` = the template) carries one Item
Variant Attribute row for Size and one for Colour. Sizes and colours are read from the variants that exist,
so a grid offers exactly the cells that can be ordered, moved or counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from retail_suite.apparel.matrix import COLOUR_ATTRIBUTE, SIZE_ATTRIBUTE, StyleGrid, Variant, order_sizes
from retail_suite.db.port import Database, chunked, in_placeholders
from retail_suite.errors import ValidationError

CHUNK = 1000


def style_variants(db: Database, styles: Iterable[str]) -> dict[str, list[Variant]]:
	"""The enabled variants of each template that carry a Size (colour may be missing), by template."""
	found: dict[str, list[Variant]] = {}
	for chunk in chunked([(style,) for style in dict.fromkeys(styles)], CHUNK):
		names = [style for (style,) in chunk]
		rows = db.sql(
			"SELECT variant.name AS item_code, variant.variant_of AS style, size_attr.attribute_value AS size, "
			"colour_attr.attribute_value AS colour FROM `tabItem` variant "
			"JOIN `tabItem Variant Attribute` size_attr ON size_attr.parent = variant.name AND size_attr.attribute = %s "
			"LEFT JOIN `tabItem Variant Attribute` colour_attr ON colour_attr.parent = variant.name "
			"AND colour_attr.attribute = %s "
			"WHERE variant.disabled = 0 AND variant.variant_of IN " + in_placeholders(names) + " "
			"ORDER BY variant.variant_of, variant.name",
			[SIZE_ATTRIBUTE, COLOUR_ATTRIBUTE, *names],
		)
		for row in rows:
			found.setdefault(row["style"], []).append(
				Variant(row["item_code"], row["size"], row["colour"] or None)
			)
	return found


def style_grid(db: Database, style: str) -> StyleGrid:
	"""The template's grid; refuses an Item that is no template, or a template without size variants."""
	rows = db.sql(
		"SELECT template.name, template.has_variants FROM `tabItem` template WHERE template.name = %s", (style,)
	)
	if not rows:
		raise ValidationError(f"no Item {style}", record=f"Style {style}", fix="pick an Item template")
	if not int(rows[0]["has_variants"] or 0):
		raise ValidationError(
			f"Item {style} is not a template (Has Variants is off)",
			record=f"Style {style}",
			fix="pick the template whose size × colour variants you mean",
		)
	variants = style_variants(db, [style]).get(style, [])
	if not variants:
		raise ValidationError(
			f"template {style} has no variants with a {SIZE_ATTRIBUTE} attribute",
			record=f"Style {style}",
			fix=f"create its variants (Item > Create Variants) with the {SIZE_ATTRIBUTE} and {COLOUR_ATTRIBUTE} attributes",
		)
	return StyleGrid.from_variants(style, variants)


def item_group_tree(db: Database) -> dict[str, str | None]:
	"""Item group -> its parent group."""
	return {
		row["name"]: row["parent_item_group"] or None
		for row in db.sql("SELECT item_group.name, item_group.parent_item_group FROM `tabItem Group` item_group")
	}


def ancestry(tree: dict[str, str | None], group: str | None) -> list[str]:
	"""The group, its parent, … up to the root (a loop in the tree stops the walk)."""
	chain: list[str] = []
	while group and group not in chain:
		chain.append(group)
		group = tree.get(group)
	return chain


def descendants(tree: dict[str, str | None], group: str) -> list[str]:
	"""The group and every group below it."""
	return [name for name in tree if group in ancestry(tree, name)] or [group]


def templates(db: Database, names: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
	"""Enabled Item templates (name, item_name, item_group), all or the named ones."""
	if names is not None and not names:
		return {}
	if names is None:
		rows = db.sql(
			"SELECT template.name, template.item_name, template.item_group FROM `tabItem` template "
			"WHERE template.has_variants = 1 AND template.disabled = 0"
		)
	else:
		rows = []
		for chunk in chunked([(name,) for name in names], CHUNK):
			values = [name for (name,) in chunk]
			rows += db.sql(
				"SELECT template.name, template.item_name, template.item_group FROM `tabItem` template "
				"WHERE template.has_variants = 1 AND template.name IN " + in_placeholders(values),
				values,
			)
	return {row["name"]: row for row in rows}


def group_sizes(db: Database, item_group: str) -> list[str]:
	"""Every size of the styles in an item group and its sub-groups, in size order."""
	groups = descendants(item_group_tree(db), item_group)
	rows = db.sql(
		"SELECT DISTINCT size_attr.attribute_value AS size FROM `tabItem` template "
		"JOIN `tabItem` variant ON variant.variant_of = template.name "
		"JOIN `tabItem Variant Attribute` size_attr ON size_attr.parent = variant.name AND size_attr.attribute = %s "
		"WHERE template.has_variants = 1 AND template.item_group IN " + in_placeholders(groups),
		[SIZE_ATTRIBUTE, *groups],
	)
	return order_sizes(row["size"] for row in rows)
