# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class MemberTagRuleCondition(Document):
	"""One condition of a Member Tag Rule: field, operator, value (checked by the parent rule)."""
