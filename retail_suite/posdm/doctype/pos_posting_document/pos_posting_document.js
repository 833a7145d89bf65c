// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.ui.form.on("POS Posting Document", {
	refresh(frm) {
		if (frm.doc.status === "Error" && (frappe.user.has_role("Retail Manager") || frappe.user.has_role("System Manager"))) {
			frm.dashboard.set_headline(__("ERPNext refused this posting; fix the cause shown below, then retry."));
			frm.add_custom_button(__("Retry"), () =>
				frappe.call("retail_suite.posdm.erpnext.retry_posting", { name: frm.doc.name }).then(() => {
					frappe.show_alert({ message: __("Queued for posting"), indicator: "green" });
					frm.reload_doc();
				})
			).addClass("btn-primary");
		}
		frm.add_custom_button(__("Transactions"), () => frappe.set_route("List", "POS Transaction", { posting_document: frm.doc.name }));
	},
});
