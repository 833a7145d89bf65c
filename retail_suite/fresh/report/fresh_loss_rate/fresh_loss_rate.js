// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.query_reports["Fresh Loss Rate"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -27), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "store", label: __("Store"), fieldtype: "Link", options: "Retail Store" },
		{ fieldname: "all_groups", label: __("All Item Groups"), fieldtype: "Check", default: 0 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "loss_percent" && data && data.over_target) {
			value = `<span style="color: var(--red-600); font-weight: 600">${value}</span>`;
		}
		return value;
	},
};
