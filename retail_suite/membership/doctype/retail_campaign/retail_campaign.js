// Copyright (c) 2026, retail_suite developers
// License: MIT

frappe.ui.form.on("Retail Campaign", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.enabled && (frappe.user.has_role("Retail Manager") || frappe.user.has_role("System Manager"))) {
			frm.add_custom_button(__("Run Now"), () =>
				frappe.call("retail_suite.membership.erpnext_campaigns.run_campaign_now", { campaign: frm.doc.name }).then((r) =>
					frappe.show_alert({ message: r.message, indicator: "green" })
				)
			);
		}
		frm.add_custom_button(__("Members Reached"), () => frappe.set_route("List", "Retail Campaign Member", { campaign: frm.doc.name }));
		frappe.call("retail_suite.membership.erpnext_campaigns.campaign_results", { campaign: frm.doc.name }).then((r) => {
			const rows = [r.message.overall, ...r.message.periods].filter(Boolean);
			const cells = (row) =>
				[row.period || __("All periods"), row.targeted, row.redeemed, format_number(row.redemption_rate * 100, null, 1) + " %",
					format_currency(row.sales_after)].map((value) => `<td>${frappe.utils.escape_html(String(value))}</td>`).join("");
			const head = [__("Period"), __("Targeted"), __("Redeemed"), __("Redemption Rate"), __("Sales After")]
				.map((label) => `<th>${label}</th>`).join("");
			frm.get_field("results_html").$wrapper.html(
				rows.length
					? `<table class="table table-bordered"><thead><tr>${head}</tr></thead><tbody>${rows.map((row) => `<tr>${cells(row)}</tr>`).join("")}</tbody></table>`
					: `<p class="text-muted">${__("Not run yet.")}</p>`
			);
		});
	},
});
