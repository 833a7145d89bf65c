"""Custom fields retail_suite adds to ERPNext doctypes, declared once.

The Frappe host creates them at install and re-syncs them on migrate
(`setup/install.py`, through Frappe's `create_custom_fields`); the standalone host
adds the same columns to its slice tables (`db/schema.py`). Every fieldname starts
with `retail_`. This module is pure data: it never imports Frappe.
"""

from __future__ import annotations

from typing import Any

CUSTOM_FIELDS: dict[str, list[dict[str, Any]]] = {
	"Customer": [
		{
			"fieldname": "retail_membership_section",
			"fieldtype": "Section Break",
			"label": "Retail Membership",
			"insert_after": "customer_group",
			"collapsible": 1,
		},
		{
			"fieldname": "retail_card_number",
			"fieldtype": "Data",
			"label": "Member Card No.",
			"insert_after": "retail_membership_section",
			"unique": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
			"translatable": 0,
		},
		{
			"fieldname": "retail_phone",
			"fieldtype": "Data",
			"options": "Phone",
			"label": "Member Phone",
			"insert_after": "retail_card_number",
			"unique": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
			"translatable": 0,
		},
		{
			"fieldname": "retail_birthday",
			"fieldtype": "Date",
			"label": "Birthday",
			"insert_after": "retail_phone",
		},
		{
			"fieldname": "retail_membership_column",
			"fieldtype": "Column Break",
			"insert_after": "retail_birthday",
		},
		{
			"fieldname": "retail_join_date",
			"fieldtype": "Date",
			"label": "Member Since",
			"insert_after": "retail_membership_column",
		},
		{
			"fieldname": "retail_home_store",
			"fieldtype": "Link",
			"options": "Retail Store",
			"label": "Home Store",
			"insert_after": "retail_join_date",
			"search_index": 1,
		},
		{
			"fieldname": "retail_marketing_consent",
			"fieldtype": "Check",
			"label": "Agrees to Marketing Messages",
			"insert_after": "retail_home_store",
		},
		{
			# written by the Member Tag Rules (membership/tagging.py) for members whose tags changed;
			# ",VIP,Lapsed,": the list filter "like %,VIP,%" finds exactly the tag
			"fieldname": "retail_member_tags",
			"fieldtype": "Small Text",
			"label": "Member Tags",
			"insert_after": "retail_marketing_consent",
			"read_only": 1,
			"no_copy": 1,
			"in_list_view": 1,
			"in_standard_filter": 1,
			"translatable": 0,
			"description": "Set each night by the Member Tag Rules",
		},
	],
	"Supplier": [
		{
			"fieldname": "retail_lead_time_days",
			"fieldtype": "Int",
			"label": "Delivery Lead Time (Days)",
			"insert_after": "supplier_group",
			"description": "Days from order to delivery at the store; used by replenishment",
		},
	],
}

#: custom fields on ERPNext doctypes that only the Frappe host has (no standalone table)
FRAPPE_ONLY_CUSTOM_FIELDS: dict[str, list[dict[str, Any]]] = {
	"Sales Invoice": [
		{
			"fieldname": "retail_posting_document",
			"fieldtype": "Link",
			"options": "POS Posting Document",
			"label": "POSDM Posting",
			"insert_after": "pos_profile",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
		},
	],
	# replenishment's drafts: one per store and supplier, each line with its reasons (replenishment/erpnext.py)
	"Material Request": [
		{
			"fieldname": "retail_supplier",
			"fieldtype": "Link",
			"options": "Supplier",
			"label": "Supplier (Replenishment)",
			"insert_after": "material_request_type",
			"in_list_view": 1,
			"in_standard_filter": 1,
			"search_index": 1,
		},
	],
	"Material Request Item": [
		{
			"fieldname": "retail_replenishment_note",
			"fieldtype": "Small Text",
			"label": "Why (Replenishment)",
			"insert_after": "schedule_date",
			"read_only": 1,
			"no_copy": 1,
		},
	],
}

#: accounting dimensions created at install on ERPNext's vouchers: (fieldname, label, document type)
ACCOUNTING_DIMENSIONS: tuple[tuple[str, str, str], ...] = (
	("retail_store", "Store", "Retail Store"),
	("retail_terminal", "Terminal", "POS Terminal"),
)
