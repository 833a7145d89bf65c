// Copyright (c) 2026, retail_suite developers
// License: MIT

// Member Tag Rules list: Recompute Tags Now (Retail Manager) queues the tagging job; its progress bar shows here.
frappe.listview_settings["Member Tag Rule"] = {
	add_fields: ["enabled", "matched_members"],
	get_indicator(doc) {
		return doc.enabled ? [__("Enabled"), "green", "enabled,=,1"] : [__("Disabled"), "gray", "enabled,=,0"];
	},
	onload(listview) {
		if (!(frappe.user.has_role("Retail Manager") || frappe.user.has_role("System Manager"))) return;
		listview.page.add_inner_button(__("Recompute Tags Now"), () =>
			frappe.confirm(__("Fold new transactions into member statistics and give every enabled rule's tag now?"), () =>
				frappe
					.call({ method: "retail_suite.membership.erpnext_tags.recompute_now", args: { full: 0 } })
					.then(({ message }) =>
						frappe.show_alert({
							message: message
								? __("Tags are being recomputed; progress shows here.")
								: __("Tags are already being recomputed."),
							indicator: message ? "blue" : "orange",
						})
					)
			)
		);
	},
};
