// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.ui.form.on("POS Terminal", {
	setup(frm) {
		frm.set_query("terminal_user", () => ({
			query: "frappe.core.doctype.user.user.user_query",
			filters: { ignore_user_type: 1 },
		}));
	},
});
