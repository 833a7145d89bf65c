// Copyright (c) 2026, retail_suite developers
// License: MIT

// Supplier ratings: a supplier with open orders past their required-by date shows red (the orders are named
// in the rating), one delivering late or short shows orange.
frappe.listview_settings["Retail Supplier Rating"] = {
	add_fields: ["late_open_orders", "on_time_rate", "fill_rate", "lines_due", "ordered_qty"],
	get_indicator(doc) {
		if (doc.late_open_orders > 0) {
			return [__("{0} late open orders", [doc.late_open_orders]), "red", "late_open_orders,>,0"];
		}
		if ((doc.lines_due > 0 && doc.on_time_rate < 90) || (doc.ordered_qty > 0 && doc.fill_rate < 95)) {
			return [__("Late or short"), "orange", "late_open_orders,=,0"];
		}
		return [__("On time"), "green", "late_open_orders,=,0"];
	},
};
