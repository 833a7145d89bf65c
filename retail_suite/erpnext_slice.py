"""The ERPNext slice: every ERPNext table and column retail_suite's SQL reads, with Frappe v15 fieldtypes.

Filled from ERPNext v15's own doctype JSON (erpnext 15.92.x). On a site the real
tables have these columns; the standalone host creates exactly this slice (plus
retail_suite's custom fields from `setup/custom_fields.py`). A contract test fails
when the app's SQL names an ERPNext table or column that is not declared here, and
when a declared column's type differs from ERPNext's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retail_suite.db.indexes import CompositeIndex


@dataclass(frozen=True)
class SliceTable:
	columns: dict[str, dict[str, Any]]
	istable: bool = False
	#: indexes ERPNext itself creates (in on_doctype_update) that our queries rely on
	indexes: tuple[CompositeIndex, ...] = field(default_factory=tuple)


def _f(fieldtype: str, **extra: Any) -> dict[str, Any]:
	return {"fieldtype": fieldtype, **extra}


ERPNEXT_SLICE: dict[str, SliceTable] = {
	"Company": SliceTable(
		{
			"company_name": _f("Data", unique=1),
			"abbr": _f("Data"),
			"default_currency": _f("Link", options="Currency"),
			"country": _f("Link", options="Country"),
			"cost_center": _f("Link", options="Cost Center"),
		}
	),
	"Cost Center": SliceTable(
		{
			"cost_center_name": _f("Data"),
			"company": _f("Link", options="Company"),
			"is_group": _f("Check"),
			"parent_cost_center": _f("Link", options="Cost Center"),
		}
	),
	"Item Group": SliceTable(
		{
			"item_group_name": _f("Data", unique=1),
			"parent_item_group": _f("Link", options="Item Group"),
			"is_group": _f("Check"),
		}
	),
	"UOM": SliceTable({"uom_name": _f("Data", unique=1), "must_be_whole_number": _f("Check")}),
	"Item": SliceTable(
		{
			"item_code": _f("Data", unique=1),
			"item_name": _f("Data", search_index=1),
			"item_group": _f("Link", options="Item Group", search_index=1),
			"stock_uom": _f("Link", options="UOM"),
			"disabled": _f("Check", search_index=1),
			"is_stock_item": _f("Check", default="1"),
			"has_variants": _f("Check"),
			"variant_of": _f("Link", options="Item", search_index=1),
			"has_batch_no": _f("Check"),
			"create_new_batch": _f("Check"),
			"has_expiry_date": _f("Check"),
			"shelf_life_in_days": _f("Int"),
			"standard_rate": _f("Currency"),
			"valuation_rate": _f("Currency"),
			"brand": _f("Link", options="Brand"),
			"lead_time_days": _f("Int"),
			"safety_stock": _f("Float"),
			"is_purchase_item": _f("Check", default="1"),
			"purchase_uom": _f("Link", options="UOM"),
			"min_order_qty": _f("Float"),
		}
	),
	"UOM Conversion Detail": SliceTable(
		{"uom": _f("Link", options="UOM"), "conversion_factor": _f("Float")}, istable=True
	),
	"Item Barcode": SliceTable(
		{
			"barcode": _f("Data", unique=1),
			"barcode_type": _f("Select"),
			"uom": _f("Link", options="UOM"),
		},
		istable=True,
	),
	"Item Variant Attribute": SliceTable(
		{
			"variant_of": _f("Link", options="Item", search_index=1),
			"attribute": _f("Link", options="Item Attribute", search_index=1),
			"attribute_value": _f("Data"),
		},
		istable=True,
	),
	"Item Attribute": SliceTable({"attribute_name": _f("Data", unique=1), "numeric_values": _f("Check")}),
	"Item Attribute Value": SliceTable(
		{"attribute_value": _f("Data"), "abbr": _f("Data", search_index=1)}, istable=True
	),
	"Item Default": SliceTable(
		{
			"company": _f("Link", options="Company"),
			"default_warehouse": _f("Link", options="Warehouse", search_index=1),
			"default_supplier": _f("Link", options="Supplier"),
			"default_price_list": _f("Link", options="Price List"),
		},
		istable=True,
	),
	"Item Reorder": SliceTable(
		{
			"warehouse": _f("Link", options="Warehouse"),
			"warehouse_reorder_level": _f("Float"),
			"warehouse_reorder_qty": _f("Float"),
			"material_request_type": _f("Select"),
		},
		istable=True,
	),
	"Price List": SliceTable(
		{
			"price_list_name": _f("Data", unique=1),
			"currency": _f("Link", options="Currency"),
			"selling": _f("Check"),
			"buying": _f("Check"),
			"enabled": _f("Check", default="1"),
		}
	),
	"Item Price": SliceTable(
		{
			"item_code": _f("Link", options="Item", search_index=1),
			"price_list": _f("Link", options="Price List", search_index=1),
			"price_list_rate": _f("Currency"),
			"uom": _f("Link", options="UOM"),
			"selling": _f("Check"),
			"buying": _f("Check"),
			"currency": _f("Link", options="Currency"),
			"valid_from": _f("Date"),
			"valid_upto": _f("Date"),
			"customer": _f("Link", options="Customer"),
			"batch_no": _f("Link", options="Batch"),
		}
	),
	"Warehouse": SliceTable(
		{
			"warehouse_name": _f("Data"),
			"company": _f("Link", options="Company", search_index=1),
			"is_group": _f("Check"),
			"parent_warehouse": _f("Link", options="Warehouse", search_index=1),
			"disabled": _f("Check"),
		}
	),
	"Bin": SliceTable(
		{
			"item_code": _f("Link", options="Item"),
			"warehouse": _f("Link", options="Warehouse", search_index=1),
			"actual_qty": _f("Float"),
			"projected_qty": _f("Float"),
			"reserved_qty": _f("Float"),
			"ordered_qty": _f("Float"),
			"indented_qty": _f("Float"),
			"valuation_rate": _f("Float"),
			"stock_value": _f("Float"),
			"stock_uom": _f("Link", options="UOM"),
		},
		indexes=(CompositeIndex("unique_item_warehouse", ("item_code", "warehouse"), unique=True),),
	),
	"Batch": SliceTable(
		{
			"batch_id": _f("Data", unique=1),
			"item": _f("Link", options="Item"),
			"expiry_date": _f("Date"),
			"manufacturing_date": _f("Date"),
			"batch_qty": _f("Float"),
			"disabled": _f("Check"),
			"stock_uom": _f("Link", options="UOM"),
			"supplier": _f("Link", options="Supplier"),
		}
	),
	# per-batch stock in a warehouse, as ERPNext v15 keeps it: Serial and Batch Entry rows of submitted bundles
	# that are not cancelled (erpnext/stock/serial_batch_bundle.py reads batch quantities so); ledger entries
	# from before v15 carry the batch themselves. Read by fresh markdowns and the fresh order proposal.
	"Stock Ledger Entry": SliceTable(
		{
			"item_code": _f("Link", options="Item"),
			"warehouse": _f("Link", options="Warehouse"),
			"posting_date": _f("Date"),
			"voucher_type": _f("Link", options="DocType", search_index=1),
			"voucher_no": _f("Dynamic Link", options="voucher_type"),
			"actual_qty": _f("Float"),
			"valuation_rate": _f("Currency"),
			"company": _f("Link", options="Company"),
			"is_cancelled": _f("Check"),
			"batch_no": _f("Data", search_index=1),
			"serial_and_batch_bundle": _f("Link", options="Serial and Batch Bundle", search_index=1),
		}
	),
	"Serial and Batch Bundle": SliceTable(
		{
			"company": _f("Link", options="Company", search_index=1),
			"item_code": _f("Link", options="Item", search_index=1),
			"warehouse": _f("Link", options="Warehouse", search_index=1),
			"voucher_type": _f("Link", options="DocType", search_index=1),
			"voucher_no": _f("Dynamic Link", options="voucher_type", search_index=1),
			"type_of_transaction": _f("Select"),
			"posting_date": _f("Date"),
			"is_cancelled": _f("Check"),
		}
	),
	"Serial and Batch Entry": SliceTable(
		{
			"batch_no": _f("Link", options="Batch", search_index=1),
			"warehouse": _f("Link", options="Warehouse", search_index=1),
			"qty": _f("Float"),
			"incoming_rate": _f("Float"),
		},
		istable=True,
	),
	"Supplier": SliceTable(
		{
			"supplier_name": _f("Data"),
			"supplier_group": _f("Link", options="Supplier Group"),
			"country": _f("Link", options="Country"),
			"disabled": _f("Check"),
		}
	),
	"Customer": SliceTable(
		{
			"customer_name": _f("Data", search_index=1),
			"customer_type": _f("Select"),
			"customer_group": _f("Link", options="Customer Group", search_index=1),
			"territory": _f("Link", options="Territory"),
			"mobile_no": _f("Read Only"),
			"email_id": _f("Read Only"),
			"gender": _f("Link", options="Gender"),
			"disabled": _f("Check"),
			"loyalty_program": _f("Link", options="Loyalty Program"),
		}
	),
	"Mode of Payment": SliceTable(
		{"mode_of_payment": _f("Data", unique=1), "type": _f("Select"), "enabled": _f("Check", default="1")}
	),
	# purchasing history: supplier rating and lead times for replenishment (replenishment/suppliers.py)
	"Purchase Order": SliceTable(
		{
			"supplier": _f("Link", options="Supplier", search_index=1),
			"company": _f("Link", options="Company"),
			"transaction_date": _f("Date", search_index=1),
			"schedule_date": _f("Date"),
			"status": _f("Select", search_index=1),
			"per_received": _f("Percent"),
			"set_warehouse": _f("Link", options="Warehouse"),
		}
	),
	"Purchase Order Item": SliceTable(
		{
			"item_code": _f("Link", options="Item"),
			"schedule_date": _f("Date"),
			"qty": _f("Float"),
			"stock_qty": _f("Float"),
			"received_qty": _f("Float"),
			"uom": _f("Link", options="UOM"),
			"conversion_factor": _f("Float"),
			"rate": _f("Currency"),
			"warehouse": _f("Link", options="Warehouse"),
		},
		istable=True,
	),
	"Purchase Receipt": SliceTable(
		{
			"supplier": _f("Link", options="Supplier", search_index=1),
			"company": _f("Link", options="Company"),
			"posting_date": _f("Date", search_index=1),
			"is_return": _f("Check"),
			"status": _f("Select", search_index=1),
		}
	),
	"Purchase Receipt Item": SliceTable(
		{
			"item_code": _f("Link", options="Item", search_index=1),
			"received_qty": _f("Float"),
			"qty": _f("Float"),
			"stock_qty": _f("Float"),
			"warehouse": _f("Link", options="Warehouse"),
			"purchase_order": _f("Link", options="Purchase Order", search_index=1),
			"purchase_order_item": _f("Data", search_index=1),
			"rate": _f("Currency"),
		},
		istable=True,
	),
}


def slice_columns(doctype: str) -> set[str]:
	"""Every column of a slice table: standard, child and declared columns, and custom fields."""
	from retail_suite.db.schema import CHILD_TABLE_COLUMNS, OPTIONAL_COLUMNS, STANDARD_COLUMNS
	from retail_suite.setup.custom_fields import CUSTOM_FIELDS

	table = ERPNEXT_SLICE[doctype]
	columns = set(STANDARD_COLUMNS) | set(table.columns)
	if table.istable:
		columns |= set(CHILD_TABLE_COLUMNS)
	else:
		columns |= set(OPTIONAL_COLUMNS)
	columns |= {docfield["fieldname"] for docfield in CUSTOM_FIELDS.get(doctype, [])}
	return columns
