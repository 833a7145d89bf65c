"""Typed errors of the standalone host and the engine.

Each error carries a message that names what is wrong and how to fix it; the CLI
prints it as one line, the Frappe shell turns it into `frappe.throw`.
"""

from __future__ import annotations


class RetailSuiteError(Exception):
	"""Base class: `str(error)` is the one line a user reads."""

	exit_code = 1

	def __init__(self, message: str, fix: str | None = None) -> None:
		self.message = message
		self.fix = fix
		super().__init__(self.one_line())

	def one_line(self) -> str:
		return f"{self.message} — {self.fix}" if self.fix else self.message


class ConfigError(RetailSuiteError):
	"""A flag or environment value is malformed."""

	exit_code = 2


class ServiceUnavailable(RetailSuiteError):
	"""MariaDB or Redis cannot be reached or refuses our credentials."""

	exit_code = 3


class SchemaError(RetailSuiteError):
	"""The database schema is missing or older than the code."""

	exit_code = 4


class ValidationError(RetailSuiteError):
	"""Bad input: names the record, the field and the fix. Nothing was written."""

	exit_code = 5

	def __init__(self, message: str, record: str | None = None, field: str | None = None, fix: str | None = None):
		self.record = record
		self.field = field
		where = ", ".join(part for part in (record, f"field {field}" if field else None) if part)
		super().__init__(f"{where}: {message}" if where else message, fix)
