// Copyright (c) 2026, retail_suite developers
// License: MIT

// Replenishment Suggestions list: Replenish Now queues the run for a store (its Store Manager, a Retail Manager)
// or the whole chain (Retail Manager); its progress bar shows here. Lines already in a Material Request show it.
frappe.listview_settings["Replenishment Suggestion"] = {
	add_fields: ["material_request", "suggested_qty"],
	get_indicator(doc) {
		return doc.material_request
			? [__("Requested"), "blue", "material_request,is,set"]
			: [__("Suggested"), "orange", "material_request,is,not set"];
	},
	onload(listview) {
		const roles = ["Store Manager", "Retail Manager", "System Manager"];
		if (!roles.some((role) => frappe.user.has_role(role))) return;
		listview.page.add_inner_button(__("Replenish Now"), () =>
			frappe.prompt(
				[
					{
						fieldname: "store",
						fieldtype: "Link",
						options: "Retail Store",
						label: __("Store"),
						description: __("Leave empty for every store (Retail Manager)"),
					},
				],
				({ store }) =>
					frappe
						.call({ method: "retail_suite.replenishment.erpnext.replenish_now", args: { store: store || null } })
						.then(({ message }) =>
							frappe.show_alert({
								message: message
									? __("Replenishment is running; Material Request drafts follow, one per supplier.")
									: __("Replenishment is already running for this store."),
								indicator: message ? "blue" : "orange",
							})
						),
				__("Replenish Now"),
				__("Run")
			)
		);
	},
};
