// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.query_reports["Style Matrix"] = {
	filters: [
		{
			fieldname: "style",
			label: __("Style"),
			fieldtype: "Link",
			options: "Item",
			reqd: 1,
			get_query: () => ({ filters: { has_variants: 1 } }),
		},
		{ fieldname: "store", label: __("Store"), fieldtype: "Link", options: "Retail Store" },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -28), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -1), reqd: 1 },
	],
	formatter(value, row, column, data, default_formatter) {
		let shown = default_formatter(value, row, column, data);
		// an empty cell of a colour reads red; the store's totals bold
		if (column.fieldname.endsWith("_on_hand") && data && !data.is_total && value === 0) {
			shown = `<span style="color: var(--red-500)">${shown}</span>`;
		}
		if (data && data.is_total) {
			shown = `<b>${shown}</b>`;
		}
		return shown;
	},
};
