// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.ui.form.on("Broken Size Alert", {
	refresh(frm) {
		if (frm.doc.stock_entry) {
			frm.add_custom_button(__("Open Transfer Draft"), () => frappe.set_route("Form", "Stock Entry", frm.doc.stock_entry));
		} else if ((frm.doc.transfers || []).length && frm.doc.status === "Open") {
			frm.add_custom_button(__("Make Transfer Draft"), () => {
				frappe
					.call({
						method: "retail_suite.apparel.erpnext.make_transfer_draft",
						args: { alert: frm.doc.name },
						freeze: true,
						freeze_message: __("Making the Stock Entry draft…"),
					})
					.then((r) => {
						frm.reload_doc();
						frappe.show_alert({ message: __("Stock Entry {0} drafted", [r.message]), indicator: "green" });
						frappe.set_route("Form", "Stock Entry", r.message);
					});
			}).addClass("btn-primary");
		} else if (frm.doc.status === "Open") {
			frm.dashboard.set_headline(__("No store or warehouse holds spare units of the missing sizes: order them."));
		}
		frm.add_custom_button(__("Style Matrix"), () =>
			frappe.set_route("query-report", "Style Matrix", { style: frm.doc.style }),
		);
	},
});
