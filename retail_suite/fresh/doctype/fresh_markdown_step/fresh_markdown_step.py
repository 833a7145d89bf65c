# Copyright (c) 2026, retail_suite developers
# License: MIT

from frappe.model.document import Document


class FreshMarkdownStep(Document):
	pass
