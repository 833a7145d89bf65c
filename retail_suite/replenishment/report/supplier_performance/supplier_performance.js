// Copyright (c) 2026, retail_suite developers
// License: MIT

// Supplier Performance: one row per supplier (on-time rate, fill rate, lead time and its spread, price
// change), with its late open purchase orders under it to chase.
frappe.query_reports["Supplier Performance"] = {
	filters: [
		{ fieldname: "as_of", label: __("As Of"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "window_days", label: __("Orders of the Last (Days)"), fieldtype: "Int", default: 365, reqd: 1 },
		{ fieldname: "supplier", label: __("Supplier"), fieldtype: "Link", options: "Supplier" },
		{ fieldname: "late_only", label: __("Only Suppliers with Late Orders"), fieldtype: "Check", default: 0 },
	],
	tree: true,
	name_field: "name",
	parent_field: "parent_supplier",
	initial_depth: 1,
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (!data) {
			return value;
		}
		if (column.fieldname === "days_late" && data.days_late > 0) {
			value = `<span style="color: var(--red-600); font-weight: 600">${value}</span>`;
		}
		if (column.fieldname === "on_time_rate" && data.on_time_rate !== null && data.on_time_rate < 90) {
			value = `<span style="color: var(--orange-600)">${value}</span>`;
		}
		return value;
	},
};
