// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.query_reports["Fresh Order Proposal"] = {
	filters: [
		{ fieldname: "as_of", label: __("Order Day"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "store", label: __("Store"), fieldtype: "Link", options: "Retail Store" },
		{ fieldname: "history_days", label: __("Days of Sales History"), fieldtype: "Int", default: 28 },
		{ fieldname: "lead_days", label: __("Days until Delivery"), fieldtype: "Int", default: 1 },
		{ fieldname: "cover_days", label: __("Days between Deliveries"), fieldtype: "Int", default: 1 },
		{ fieldname: "only_orders", label: __("Only Lines to Order"), fieldtype: "Check", default: 1 },
	],
};
