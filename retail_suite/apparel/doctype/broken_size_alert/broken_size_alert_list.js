// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.listview_settings["Broken Size Alert"] = {
	add_fields: ["status", "stock_entry"],
	get_indicator(doc) {
		if (doc.status === "Transfer Drafted") return [__("Transfer Drafted"), "blue", "status,=,Transfer Drafted"];
		if (doc.status === "Closed") return [__("Closed"), "gray", "status,=,Closed"];
		return [__("Open"), "red", "status,=,Open"];
	},
	onload(listview) {
		listview.page.add_inner_button(__("Scan Broken Sizes Now"), () => {
			frappe.call({ method: "retail_suite.apparel.erpnext.scan_now" }).then((r) => {
				frappe.show_alert({
					message: r.message ? __("Scan queued; the list fills when it is done.") : __("A scan is already running."),
					indicator: "blue",
				});
			});
		});
	},
};
