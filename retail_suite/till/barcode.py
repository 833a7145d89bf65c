"""Barcode rules (pure): EAN-13 check digits and validation."""

from __future__ import annotations


def ean13_check_digit(first_twelve: str) -> str:
	"""The GS1 check digit for the first 12 digits of an EAN-13."""
	if len(first_twelve) != 12 or not first_twelve.isdigit():
		raise ValueError(f"EAN-13 needs 12 digits before the check digit, got {first_twelve!r}")
	total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(first_twelve))
	return str((10 - total % 10) % 10)


def make_ean13(first_twelve: str) -> str:
	"""A full EAN-13 from its first 12 digits."""
	return first_twelve + ean13_check_digit(first_twelve)


def is_valid_ean13(code: str) -> bool:
	"""True for 13 digits whose last is the right check digit."""
	return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]
