// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.query_reports["Membership Overview"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -89), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "store", label: __("Store"), fieldtype: "Link", options: "Retail Store" },
	],
};
