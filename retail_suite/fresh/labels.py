"""Shelf and scale labels of fresh batches (pure): the marked-down price and the GS1 data that carries the batch.

A fresh label encodes GS1 application identifiers (01) GTIN-14, (17) expiry date YYMMDD and (10) the batch
(variable length, so last), which is how the till learns the batch of what it scans.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal("100")


def label_price(regular_price: Decimal | float | str | None, percent_off: Decimal | float | str) -> Decimal | None:
	"""The price after `percent_off`, to the cent, rounded half up per unit as the promotion engine does."""
	if regular_price in (None, ""):
		return None
	regular = Decimal(str(regular_price))
	discount = (regular * Decimal(str(percent_off)) / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
	return (regular - discount).quantize(Decimal("0.01"))


def gtin14(barcode: str | None) -> str | None:
	"""A GTIN-14 from an item barcode (EAN-8, UPC-A, EAN-13 or GTIN-14 digits), or None."""
	if not barcode or not barcode.isdigit() or len(barcode) not in (8, 12, 13, 14):
		return None
	return barcode.rjust(14, "0")


def gs1_element_string(barcode: str | None, expiry: date | None, batch_no: str) -> str:
	"""The human-readable GS1 element string of a fresh label: (01) GTIN when the item has one, (17) expiry
	date when known, (10) batch."""
	parts = []
	gtin = gtin14(barcode)
	if gtin:
		parts.append(f"(01){gtin}")
	if expiry:
		parts.append(f"(17){expiry:%y%m%d}")
	parts.append(f"(10){batch_no[:20]}")  # AI 10 holds up to 20 characters
	return "".join(parts)


#: fixed lengths of the application identifiers a fresh label uses; 10 (batch) and 21 (serial) are variable
_FIXED = {"01": 14, "02": 14, "11": 6, "13": 6, "15": 6, "16": 6, "17": 6}
_VARIABLE = {"10": 20, "21": 20}
GROUP_SEPARATOR = "\x1d"


def parse_gs1(text: str) -> dict[str, str] | None:
	"""Application identifier -> value of a GS1 element string, in brackets ("(01)…(17)…(10)…") or as a
	scanner sends it (digits, variable fields ended by the group separator or the end). Weights (310n,
	320n) are read as their AI with the decimal digit, e.g. "3103". None when it is no GS1 string."""
	text = (text or "").strip()
	if text.startswith("]C1") or text.startswith("]e0"):
		text = text[3:]
	if text.startswith("("):
		found = {}
		for ai, value in _bracketed(text):
			found[ai] = value
		return found or None
	found = {}
	position = 0
	while position < len(text):
		if text[position] == GROUP_SEPARATOR:
			position += 1
			continue
		ai = text[position : position + 2]
		if ai in _FIXED:
			size = _FIXED[ai]
			value = text[position + 2 : position + 2 + size]
			if len(value) != size or not value.isdigit():
				return None
			found[ai] = value
			position += 2 + size
		elif ai in _VARIABLE:
			end = text.find(GROUP_SEPARATOR, position + 2)
			end = len(text) if end < 0 else end
			value = text[position + 2 : end]
			if not value or len(value) > _VARIABLE[ai]:
				return None
			found[ai] = value
			position = end
		elif ai in ("31", "32") and text[position : position + 4].isdigit():
			value = text[position + 4 : position + 10]
			if len(value) != 6 or not value.isdigit():
				return None
			found[text[position : position + 4]] = value
			position += 10
		else:
			return None
	return found if "01" in found or "10" in found else None


def _bracketed(text: str) -> list[tuple[str, str]]:
	parts = []
	for chunk in text.split("(")[1:]:
		ai, _, value = chunk.partition(")")
		if ai.isdigit() and value:
			parts.append((ai, value.strip()))
	return parts


def gs1_expiry(value: str | None) -> date | None:
	"""A GS1 YYMMDD date (day 00 = the last day of the month), years 2000–2099."""
	if not value or len(value) != 6 or not value.isdigit():
		return None
	year, month, day = 2000 + int(value[:2]), int(value[2:4]), int(value[4:])
	if not 1 <= month <= 12:
		return None
	if day == 0:
		following = date(year + (month == 12), month % 12 + 1, 1)
		return date.fromordinal(following.toordinal() - 1)
	try:
		return date(year, month, day)
	except ValueError:
		return None
