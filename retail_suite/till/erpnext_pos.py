"""ERPNext's POS page reads fresh labels (Frappe shell).

The page looks up what the cashier scans through `erpnext.selling.page.point_of_sale.point_of_sale.get_items`;
ERPNext finds item barcodes, serial numbers and batch numbers, but not a GS1 label. Overridden in hooks
(`override_whitelisted_methods`): a GS1 fresh label ((01) GTIN, (17) expiry, (10) batch) is turned into its
batch number, so ERPNext's own lookup adds the item with that batch (and its batch price, if any); a batch past
its expiry date or blocked by the expiry job is refused at the scan with what to do. Every other search goes
to ERPNext unchanged.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import format_date, getdate, nowdate

from erpnext.selling.page.point_of_sale import point_of_sale

from retail_suite.db.frappe_db import FrappeDatabase
from retail_suite.errors import ValidationError
from retail_suite.fresh.label_scan import read_fresh_label


@frappe.whitelist()
def get_items(start, page_length, price_list, item_group, pos_profile, search_term=""):
	"""ERPNext's get_items, with a GS1 fresh label read as the batch it carries."""
	if search_term:
		try:
			label = read_fresh_label(FrappeDatabase(), search_term)
		except ValidationError as error:
			frappe.throw(_("Label not accepted: {0}").format(error.one_line()), title=_("Fresh label"))
		if label is not None:
			expired = label.expired_on(getdate(nowdate()))
			name = label.item_name or label.item_code
			if expired:
				frappe.throw(
					_("Batch {0} of {1} expired on {2} and is blocked from sale: take it off the shelf for withdrawal.").format(
						frappe.bold(label.batch_no), name, format_date(expired)
					),
					title=_("Fresh label"),
				)
			if label.disabled:
				frappe.throw(
					_("Batch {0} of {1} is blocked from sale (disabled on its Batch): put it aside and ask the store manager.").format(
						frappe.bold(label.batch_no), name
					),
					title=_("Fresh label"),
				)
			search_term = label.batch_no
	return point_of_sale.get_items(start, page_length, price_list, item_group, pos_profile, search_term)
