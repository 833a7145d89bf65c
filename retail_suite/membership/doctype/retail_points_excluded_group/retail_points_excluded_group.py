# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class RetailPointsExcludedGroup(Document):
	"""An item group (with the groups below it) whose goods earn no points."""
