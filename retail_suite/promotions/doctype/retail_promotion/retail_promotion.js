// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.ui.form.on("Retail Promotion", {
	refresh(frm) {
		if (frm.is_new()) return;
		// where the promotion works: only at the tills, or also in ERPNext's own documents
		if (frm.doc.erpnext_mapping) {
			frm.set_intro(frm.doc.erpnext_mapping, frm.doc.pricing_rule ? "green" : "blue");
		}
		if (frm.doc.pricing_rule) {
			frm.add_custom_button(__("Pricing Rule"), () => frappe.set_route("Form", "Pricing Rule", frm.doc.pricing_rule));
		}
		frm.add_custom_button(__("Performance"), () =>
			frappe.set_route("query-report", "Promotion Performance", { from_date: frm.doc.valid_from || undefined })
		);
	},
	promotion_type(frm) {
		if (frm.doc.promotion_type === "Buy X Get Y" && !frm.doc.discount_percent) {
			frm.set_value("discount_percent", 100);
		}
	},
});
