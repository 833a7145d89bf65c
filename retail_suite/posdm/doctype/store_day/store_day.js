// Copyright (c) 2026, retail_suite developers
// License: MIT

// Store Day: expected amounts come from the transaction log; the manager enters what was counted,
// then closes the day (the variance is posted as a Journal Entry). A Retail Manager may reopen it.
frappe.ui.form.on("Store Day", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.status !== "Closed") {
			frm.add_custom_button(__("Fill Expected Amounts"), () =>
				frappe.call("retail_suite.posdm.erpnext.refresh_store_day", { name: frm.doc.name }).then(() => frm.reload_doc())
			);
			frm.add_custom_button(__("Close Day"), () =>
				frappe.confirm(__("Close {0}? Counted amounts are final and the variance is posted.", [frm.doc.name]), () =>
					frm.save().then(() =>
						frappe.call("retail_suite.posdm.erpnext.close_store_day", { name: frm.doc.name }).then(() => frm.reload_doc())
					)
				)
			).addClass("btn-primary");
		} else if (frappe.user.has_role("Retail Manager") || frappe.user.has_role("System Manager")) {
			frm.add_custom_button(__("Reopen Day"), () =>
				frappe.prompt(
					{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason for Reopening"), reqd: 1 },
					({ reason }) =>
						frappe.call("retail_suite.posdm.erpnext.reopen_store_day", { name: frm.doc.name, reason }).then(() => frm.reload_doc()),
					__("Reopen {0}", [frm.doc.name])
				)
			);
		}
		if (frm.doc.open_errors || frm.doc.open_gaps) {
			frm.dashboard.set_headline(
				__("{0} transaction(s) in error and {1} open gap(s) must be dealt with before the day can close.", [frm.doc.open_errors, frm.doc.open_gaps])
			);
		}
	},
});
