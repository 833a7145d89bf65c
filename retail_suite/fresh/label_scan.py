"""A fresh label scanned at a till (store layer): the GS1 data names the batch, the batch names the item.

`read_fresh_label(db, code)` reads a scan that is a GS1 element string with a batch ((10), as the shelf
and scale labels of `labels.py` print it; bracketed or as a scanner sends it) and returns the batch, its
item and whether it may still be sold. A scan that is no GS1 batch label gives None (an ordinary barcode
or item code, for the till's own lookup). A label whose batch is unknown, or whose GTIN names another item
than the batch's, is refused with a message a cashier can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from retail_suite.db.port import Database
from retail_suite.errors import ValidationError
from retail_suite.fresh.labels import gs1_expiry, gtin14, parse_gs1


@dataclass(frozen=True)
class LabelBatch:
	item_code: str
	item_name: str | None
	batch_no: str
	expiry_date: date | None
	#: the batch is blocked from sale (ERPNext's Batch.disabled, set by the expiry job once it expired)
	disabled: bool

	def expired_on(self, today: date) -> date | None:
		"""The expiry date when the batch is past it on `today` (sold up to and including its expiry day)."""
		return self.expiry_date if self.expiry_date and self.expiry_date < today else None


def read_fresh_label(db: Database, code: str | None) -> LabelBatch | None:
	"""The batch a GS1 fresh label carries, or None when the scan is no such label."""
	found = parse_gs1(code or "")
	if not found or not found.get("10"):
		return None
	batch_no = found["10"]
	rows = db.sql(
		"SELECT batch.name, batch.item, batch.expiry_date, batch.disabled, item.item_name "
		"FROM `tabBatch` batch JOIN `tabItem` item ON item.name = batch.item WHERE batch.name = %s",
		(batch_no,),
	)
	if not rows:
		raise ValidationError(
			f"the label's batch {batch_no} is not known here",
			fix="scan the item's own barcode, or ask the fresh department to reprint the label",
		)
	row = rows[0]
	gtin = found.get("01")
	if gtin:
		barcodes = {
			gtin14(barcode["barcode"])
			for barcode in db.sql(
				"SELECT barcode.barcode FROM `tabItem Barcode` barcode WHERE barcode.parent = %s", (row["item"],)
			)
		}
		if barcodes and gtin not in barcodes:
			raise ValidationError(
				f"the label's GTIN {gtin} is not item {row['item']}'s, whose batch {batch_no} it names",
				fix="the label belongs to another product: scan the item's own barcode",
			)
	# the label's (17) is what was printed; the Batch's expiry date is what counts
	expiry = row["expiry_date"] or gs1_expiry(found.get("17"))
	return LabelBatch(row["item"], row["item_name"], row["name"], expiry, bool(row["disabled"]))
