"""Shrink (waste) rules (pure): reason codes, what a shrink entry must get right, and its ERPNext Stock Entry.

Shrink is stock that left the store without a sale: expired, damaged, spoiled (quality), stolen, or found
missing at a stocktake. Each line names the item, its batch when the item is batch-tracked, the quantity
and the reason; the reason decides the expense account the cost goes to. ERPNext posts it as a Stock Entry
of type Material Issue from the store's warehouse, one row per line with the reason's account.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

#: reason code -> what it covers (created at install; a chain may add its own)
REASONS: dict[str, str] = {
	"Expired": "Past its expiry date and withdrawn from sale",
	"Damaged": "Broken, crushed or leaking packaging; dropped goods",
	"Quality": "Spoiled, wilted or mouldy before its date; failed a quality check",
	"Theft": "Stolen, or eaten in the store",
	"Stocktake": "Missing at a stock count, cause unknown",
}
#: account name per reason, created under the company's stock expenses at install (see fresh/erpnext.py)
ACCOUNT_NAMES: dict[str, str] = {reason: f"Shrink - {reason}" for reason in REASONS}


@dataclass(frozen=True)
class ShrinkLine:
	item_code: str
	qty: Decimal
	reason: str
	batch_no: str | None = None
	uom: str | None = None
	note: str | None = None
	valuation_rate: Decimal = Decimal("0")
	expense_account: str | None = None

	@property
	def amount(self) -> Decimal:
		return (self.qty * self.valuation_rate).quantize(Decimal("0.01"))


def read_lines(rows: Sequence[Mapping[str, Any]]) -> tuple[list[ShrinkLine], list[str]]:
	"""Lines from a form, the phone page or the CLI, one per row; a quantity that is not a number is a problem
	(and reads as 0, which `shrink_problems` is told to pass over)."""
	lines, problems = [], []
	for number, row in enumerate(rows, 1):
		try:
			qty = Decimal(str(row.get("qty") if row.get("qty") not in (None, "") else "0"))
		except InvalidOperation:
			qty = Decimal("NaN")
		if not qty.is_finite():
			problems.append(f"line {number}: quantity {row.get('qty')!r} is not a number")
			qty = Decimal("0")
		lines.append(
			ShrinkLine(
				item_code=str(row.get("item_code") or ""),
				qty=qty,
				reason=str(row.get("reason") or ""),
				batch_no=row.get("batch_no") or None,
				uom=row.get("uom") or None,
				note=row.get("note") or None,
			)
		)
	return lines, problems


def shrink_problems(
	lines: Sequence[ShrinkLine],
	reasons: Sequence[str],
	items: Mapping[str, bool],
	batch_items: Mapping[str, str],
	unreadable: Collection[int] = (),
) -> list[str]:
	"""What is wrong with a shrink entry's lines, each naming the line and the fix.

	`items`: item code -> whether it is batch-tracked (for the items the lines name that exist);
	`batch_items`: batch -> its item (for the batches the lines name that exist); `unreadable`: numbers of the
	lines whose quantity was already found to be no number."""
	if not lines:
		return ["add at least one line: the item, its batch, the quantity and the reason"]
	problems = []
	known = list(reasons)
	for number, line in enumerate(lines, 1):
		where = f"line {number}"
		if not line.item_code:
			problems.append(f"{where}: pick the item")
			continue
		if line.item_code not in items:
			problems.append(f"{where}: item {line.item_code} does not exist")
			continue
		if line.qty <= 0 and number not in unreadable:
			problems.append(f"{where}: the quantity of {line.item_code} must be above 0, not {line.qty}")
		if line.reason not in known:
			problems.append(
				f"{where}: {line.reason or 'no reason'} is not a shrink reason; use one of {', '.join(known)}"
			)
		if line.batch_no:
			owner = batch_items.get(line.batch_no)
			if owner is None:
				problems.append(f"{where}: batch {line.batch_no} does not exist")
			elif owner != line.item_code:
				problems.append(f"{where}: batch {line.batch_no} belongs to {owner}, not {line.item_code}")
		elif items[line.item_code]:
			problems.append(f"{where}: {line.item_code} is tracked by batch: scan the label or pick the batch")
	return problems


def stock_entry_plan(
	*,
	company: str,
	warehouse: str,
	cost_center: str | None,
	posting_date: date,
	lines: Sequence[ShrinkLine],
	remarks: str,
) -> tuple[dict[str, Any] | None, list[str]]:
	"""(ERPNext Stock Entry fields, []) for a shrink entry, or (None, what is missing): a Material Issue from
	the store's warehouse, each row to its reason's waste expense account."""
	missing = sorted({line.reason for line in lines if not line.expense_account})
	if missing:
		return None, [
			f"no waste expense account for reason {reason} in company {company}: set it on Shrink Reason {reason}"
			for reason in missing
		]
	rows = []
	for line in lines:
		row: dict[str, Any] = {
			"item_code": line.item_code,
			"qty": float(line.qty),
			"s_warehouse": warehouse,
			"expense_account": line.expense_account,
		}
		if cost_center:
			row["cost_center"] = cost_center
		if line.uom:
			row["uom"] = line.uom
		if line.batch_no:
			row["batch_no"] = line.batch_no
			row["use_serial_batch_fields"] = 1
		rows.append(row)
	fields = {
		"doctype": "Stock Entry",
		"stock_entry_type": "Material Issue",
		"purpose": "Material Issue",
		"company": company,
		"posting_date": posting_date,
		"set_posting_time": 1,
		"from_warehouse": warehouse,
		"remarks": remarks,
		"items": rows,
	}
	return fields, []
