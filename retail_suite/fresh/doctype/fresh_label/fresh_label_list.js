// Copyright (c) 2026, retail_suite developers
// License: MIT
// The store manager's list of labels to print: run the expiry job now (progress shows here), mark printed.
frappe.listview_settings["Fresh Label"] = {
	add_fields: ["status", "percent_off"],
	get_indicator(doc) {
		return doc.status === "Printed" ? [__("Printed"), "green", "status,=,Printed"] : [__("To Print"), "orange", "status,=,To Print"];
	},
	onload(listview) {
		listview.page.add_inner_button(__("Run Markdowns Now"), () => {
			const store = (listview.filter_area.get() || []).find((filter) => filter[1] === "store");
			frappe
				.call("retail_suite.fresh.erpnext.run_markdowns_now", { store: store ? store[3] : null })
				.then(({ message }) =>
					frappe.show_alert({
						message: message ? __("Queued; progress appears here as it runs") : __("Already running"),
						indicator: "green",
					})
				);
		});
		listview.page.add_action_item(__("Mark Printed"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) return;
			frappe
				.call("frappe.client.set_value", { doctype: "Fresh Label", name: names[0], fieldname: "status", value: "Printed" })
				.then(() =>
					Promise.all(
						names.slice(1).map((name) =>
							frappe.call("frappe.client.set_value", { doctype: "Fresh Label", name, fieldname: "status", value: "Printed" })
						)
					)
				)
				.then(() => listview.refresh());
		});
		frappe.realtime.on("progress", () => listview.refresh());
	},
};
