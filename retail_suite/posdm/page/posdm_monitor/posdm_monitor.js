// POSDM Monitor: per store, terminal and business day — received, audited, errors, gaps, posted —
// with drill-down into the log and retry of postings in error.
frappe.pages["posdm-monitor"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("POSDM Monitor"), single_column: true });
	const store = page.add_field({ fieldname: "store", label: __("Store"), fieldtype: "Link", options: "Retail Store", change: () => refresh() });
	const day = page.add_field({ fieldname: "business_day", label: __("Business Day"), fieldtype: "Date", change: () => refresh() });
	page.set_primary_action(__("Run Audit and Posting Now"), () =>
		frappe.call("retail_suite.posdm.api.run_now", { store: store.get_value() || null }).then(() =>
			frappe.show_alert({ message: __("Queued; progress appears here as it runs"), indicator: "green" })
		)
	);
	page.set_secondary_action(__("Refresh"), () => refresh());
	const body = $('<div class="posdm-monitor"></div>').appendTo(page.main);

	const esc = frappe.utils.escape_html;
	const money = (v) => format_currency(v || 0);
	const link = (doctype, filters, text) =>
		`<a href="/app/${frappe.router.slug(doctype)}?${new URLSearchParams(filters).toString()}">${esc(String(text))}</a>`;

	function table(headers, rows) {
		return `<table class="table table-bordered table-sm"><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>
			<tbody>${rows.join("") || `<tr><td colspan="${headers.length}" class="text-muted">${__("Nothing yet")}</td></tr>`}</tbody></table>`;
	}

	function refresh() {
		frappe
			.call("retail_suite.posdm.api.monitor", { store: store.get_value() || null, business_day: day.get_value() || null })
			.then(({ message }) => {
				const log = message.log.map((r) => {
					const f = { terminal: r.terminal, business_day: r.business_day };
					return `<tr><td>${esc(r.business_day)}</td><td>${esc(r.store)}</td><td>${esc(r.terminal)}</td>
						<td>${link("POS Transaction", f, r.received)}</td><td>${r.audited || 0}</td>
						<td class="${r.errors ? "text-danger" : ""}">${link("POS Transaction", { ...f, status: "Error" }, r.errors || 0)}</td>
						<td class="${r.open_gaps ? "text-danger" : ""}">${link("POS Sequence Gap", f, r.open_gaps || 0)}</td>
						<td>${r.posted || 0}</td><td class="text-right">${money(r.takings)}</td></tr>`;
				});
				const postings = message.postings.map(
					(r) => `<tr><td>${esc(r.business_day)}</td><td>${esc(r.store)}</td><td>${esc(r.kind)}</td>
						<td>${link("POS Posting Document", { store: r.store, business_day: r.business_day, status: r.status }, r.status)}</td>
						<td>${r.documents}</td><td>${r.transactions || 0}</td><td class="text-right">${money(r.grand_total)}</td></tr>`
				);
				const failed = message.posting_errors.map(
					(r) => `<tr><td>${link("POS Posting Document", { name: r.name }, r.name)}</td><td>${esc(r.store)} ${esc(r.business_day)} ${esc(r.kind)}</td>
						<td><pre class="small">${esc(r.error_message || "")}</pre></td>
						<td><button class="btn btn-xs btn-default retry" data-name="${esc(r.name)}">${__("Retry")}</button></td></tr>`
				);
				body.html(
					`<h5>${__("Transaction log")}</h5>` +
						table([__("Business Day"), __("Store"), __("Terminal"), __("Received"), __("Audited"), __("Errors"), __("Missing Numbers"), __("Posted"), __("Takings")], log) +
						`<h5>${__("Posting documents")}</h5>` +
						table([__("Business Day"), __("Store"), __("Kind"), __("Status"), __("Documents"), __("Transactions"), __("Grand Total")], postings) +
						`<h5>${__("Postings in error")}</h5>` +
						table([__("Posting"), __("Store-day"), __("ERPNext said"), ""], failed)
				);
				body.find("button.retry").on("click", (e) =>
					frappe.call("retail_suite.posdm.erpnext.retry_posting", { name: $(e.currentTarget).data("name") }).then(refresh)
				);
			});
	}
	frappe.realtime.on("progress", () => refresh());
	refresh();
};
