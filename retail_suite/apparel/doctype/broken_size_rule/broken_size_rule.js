// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.ui.form.on("Broken Size Rule", {
	setup(frm) {
		frm.set_query("style", () => ({ filters: { has_variants: 1, disabled: 0 } }));
		frm.set_query("distribution_warehouse", () => ({ filters: { is_group: 0 } }));
	},
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Broken Size Alerts"), () =>
				frappe.set_route("List", "Broken Size Alert", { rule: frm.doc.name }),
			);
		}
	},
});
