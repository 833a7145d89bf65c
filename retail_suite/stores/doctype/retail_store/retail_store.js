// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.ui.form.on("Retail Store", {
	setup(frm) {
		frm.set_query("warehouse", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
		frm.set_query("cost_center", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
		frm.set_query("price_list", () => ({ filters: { selling: 1, enabled: 1 } }));
		frm.set_query("pos_profile", () => ({ filters: { company: frm.doc.company } }));
	},
	refresh(frm) {
		if (window.moment && moment.tz) {
			frm.set_df_property("time_zone", "options", moment.tz.names());
		}
		if (!frm.is_new()) {
			frm.add_custom_button(__("Terminals"), () =>
				frappe.set_route("List", "POS Terminal", { store: frm.doc.name })
			);
		}
	},
});
