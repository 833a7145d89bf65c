// Copyright (c) 2026, retail_suite developers
// License: MIT

// Member Tag Rule: Preview counts the members the rule matches today (saved or not);
// Recompute Tags Now queues the tagging job for every rule (Retail Manager); its progress bar shows here.
frappe.ui.form.on("Member Tag Rule", {
	refresh(frm) {
		frm.add_custom_button(__("Preview"), () =>
			frappe
				.call({ method: "retail_suite.membership.erpnext_tags.preview", args: { rule: frm.doc } })
				.then(({ message }) =>
					frappe.msgprint({
						title: __("Preview"),
						message: __("{0} members match today: {1}", [message.matched, message.rule]),
						indicator: "blue",
					})
				)
		);
		if (!frm.is_new()) {
			frm.add_custom_button(__("Tagged Members"), () =>
				frappe.set_route("List", "Retail Member Tag", { rule: frm.doc.name })
			);
		}
		if (frappe.user.has_role("Retail Manager") || frappe.user.has_role("System Manager")) {
			frm.add_custom_button(__("Recompute Tags Now"), () => recompute_member_tags());
		}
		if (frm.doc.last_tagged_at) {
			frm.set_intro(
				__("{0} members held this tag after the run of {1}.", [
					frm.doc.matched_members || 0,
					frappe.datetime.str_to_user(frm.doc.last_tagged_at),
				]),
				"blue"
			);
		}
	},
});

function recompute_member_tags() {
	frappe.prompt(
		{
			fieldname: "full",
			fieldtype: "Check",
			label: __("Recompute the statistics from the whole transaction log"),
			description: __("Only after correcting history; the nightly run folds new transactions by itself."),
		},
		({ full }) =>
			frappe
				.call({ method: "retail_suite.membership.erpnext_tags.recompute_now", args: { full: full ? 1 : 0 } })
				.then(({ message }) => show_recompute_alert(message)),
		__("Recompute Tags Now"),
		__("Recompute")
	);
}

function show_recompute_alert(job) {
	frappe.show_alert({
		message: job ? __("Tags are being recomputed; progress shows here.") : __("Tags are already being recomputed."),
		indicator: job ? "blue" : "orange",
	});
}
