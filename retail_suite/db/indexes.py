"""Composite indexes, declared once and applied by both hosts.

The Frappe host applies them in each doctype's `on_doctype_update()` through
`apply_composite_indexes(doctype)` (see `frappe_indexes.py`); the standalone host
applies them when it creates or migrates the table (`schema.py`).

`ERPNEXT_INDEXES` are the few that retail_suite adds to ERPNext's own tables: the
Frappe host adds them at install and migrate (`setup/install.py`, as it does custom
fields) and drops them at uninstall; standalone they come with the slice's table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompositeIndex:
	name: str
	columns: tuple[str, ...]
	unique: bool = False


COMPOSITE_INDEXES: dict[str, tuple[CompositeIndex, ...]] = {
	"POS Terminal": (CompositeIndex("store_terminal_code", ("store", "terminal_code"), unique=True),),
	"POS Transaction": (
		# the natural key of a till transaction: a resend can never be stored twice
		CompositeIndex("terminal_day_number", ("terminal", "business_day", "transaction_number"), unique=True),
		CompositeIndex("store_day_status", ("store", "business_day", "status")),
		# member statistics fold what is counted and not yet folded (and unfold what was voided after)
		CompositeIndex("member_stats_pending", ("member_stats_applied", "status", "member")),
		# replenishment's daily item sales fold what is counted and not yet folded (and unfold voids)
		CompositeIndex("sales_history_pending", ("sales_history_applied", "status")),
	),
	# what a store sold per item, read from the index alone: the broken-size scan reads every line of the
	# chain's look-back window (a line row is ~400 bytes; its index entry a fifth of that)
	"POS Transaction Line": (
		CompositeIndex("parent_item_sold", ("parent", "item_code", "qty", "direction", "net_amount")),
	),
	"POS Sequence Gap": (
		CompositeIndex("terminal_day_from", ("terminal", "business_day", "missing_from"), unique=True),
	),
	"POS Posting Document": (CompositeIndex("store_day_kind", ("store", "business_day", "kind")),),
	"Store Day": (CompositeIndex("store_business_day", ("store", "business_day"), unique=True),),
	"Retail Member Visit Day": (CompositeIndex("member_business_day", ("member", "business_day"), unique=True),),
	"Retail Member Group Spend": (CompositeIndex("member_item_group", ("member", "item_group"), unique=True),),
	"Retail Member Tag": (CompositeIndex("member_tag", ("member", "tag"), unique=True),),
	"Retail Points Entry": (
		# one earning, one claw-back, one redemption per member and transaction: a second booking writes nothing
		CompositeIndex("transaction_member_type", ("transaction", "member", "entry_type"), unique=True),
		CompositeIndex("member_day", ("member", "business_day")),
		CompositeIndex("open_lots", ("expiry_booked", "expiry_date")),
	),
	"Retail Campaign Member": (
		# no member receives the same campaign twice in its period
		CompositeIndex("campaign_member_period", ("campaign", "member", "period_key"), unique=True),
		CompositeIndex("campaign_follow_up", ("campaign", "follow_up_until")),
	),
	"Fresh Label": (
		# one label per store, batch and markdown step: the hourly expiry job never doubles one
		CompositeIndex("store_batch_percent", ("store", "batch_no", "percent_off"), unique=True),
		CompositeIndex("store_status", ("store", "status")),
	),
	"Shrink Entry": (CompositeIndex("store_posting_date", ("store", "posting_date")),),
	# replenishment: one smoothing state per store and item; one suggestion per run day, store and item
	"Retail Demand Forecast": (CompositeIndex("store_item", ("store", "item_code"), unique=True),),
	"Replenishment Suggestion": (
		CompositeIndex("run_store_item", ("run_date", "store", "item_code"), unique=True),
	),
	# one broken-size alert per store, style and business day: a rerun of the day's scan replaces, never doubles
	"Broken Size Alert": (CompositeIndex("day_store_style", ("business_day", "store", "style"), unique=True),),
}


#: indexes on ERPNext tables (each column in the slice, `erpnext_slice.py`)
ERPNEXT_INDEXES: dict[str, tuple[CompositeIndex, ...]] = {
	# Every store's stock in one pass of the index, never of the Bins themselves (ERPNext names Bins by a
	# random hash, so a table scan reads rows in no useful order and reading one Bin is a random lookup):
	# the broken-size scan reads the stock under a key size's depth and the variants a store has no Bin for
	# this way, and donors' stock by item. ERPNext's own (item_code, warehouse) key has no quantity.
	"Bin": (CompositeIndex("retail_item_warehouse_qty", ("item_code", "warehouse", "actual_qty")),),
}


def composite_indexes(doctype: str) -> tuple[CompositeIndex, ...]:
	"""The composite indexes declared for a doctype, ours or ERPNext's (none when not declared)."""
	return COMPOSITE_INDEXES.get(doctype, ()) or ERPNEXT_INDEXES.get(doctype, ())
