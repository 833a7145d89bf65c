// Copyright (c) 2026, retail_suite developers
// License: MIT
// Record Waste: a page for a phone on the shop floor. Scan the shelf label (its GS1 data carries the batch)
// or the item's barcode, pick the batch, the quantity and the reason, add more, record. A Store Manager's
// entry posts at once (an ERPNext Stock Entry to the reason's waste account); a cashier's waits for the manager.
frappe.pages["fresh-shrink"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Record Waste"), single_column: true });
	const esc = frappe.utils.escape_html;
	const state = { context: null, item: null, lines: [] };
	const store = page.add_field({
		fieldname: "store",
		label: __("Store"),
		fieldtype: "Link",
		options: "Retail Store",
		change: () => reset_item(),
	});
	const body = $(`
		<div class="fresh-shrink" style="max-width: 480px; margin: 0 auto;">
			<style>
				.fresh-shrink .big { font-size: 1.25rem; padding: 0.8rem; width: 100%; }
				.fresh-shrink .choices { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.5rem 0 1rem; }
				.fresh-shrink .choices .btn { flex: 1 1 45%; padding: 0.8rem; font-size: 1.05rem; }
				.fresh-shrink .qty { display: flex; gap: 0.5rem; align-items: center; margin: 0.5rem 0 1rem; }
				.fresh-shrink .qty input { text-align: center; font-size: 1.5rem; }
				.fresh-shrink .qty .btn { font-size: 1.5rem; min-width: 3.5rem; }
				.fresh-shrink .lines li { padding: 0.4rem 0; border-bottom: 1px solid var(--border-color); }
			</style>
			<input class="form-control big scan" inputmode="text" autocomplete="off"
				placeholder="${__("Scan the label or the barcode")}">
			<div class="item mt-3"></div>
			<h5 class="mt-4">${__("To record")}</h5>
			<ul class="list-unstyled lines"></ul>
			<button class="btn btn-primary big record" disabled>${__("Record Waste")}</button>
		</div>`).appendTo(page.main);
	const scan = body.find("input.scan");
	const item_box = body.find(".item");

	frappe.call({ method: "retail_suite.fresh.api.shrink_context", type: "GET" }).then(({ message }) => {
		state.context = message;
		if (message.default_store) store.set_value(message.default_store);
		scan.trigger("focus");
	});

	scan.on("keydown", (event) => {
		if (event.key !== "Enter") return;
		event.preventDefault();
		const code = scan.val().trim();
		if (!code) return;
		if (!store.get_value()) {
			frappe.msgprint(__("Pick the store first"));
			return;
		}
		frappe
			.call({ method: "retail_suite.fresh.api.shrink_scan", type: "GET", args: { store: store.get_value(), code } })
			.then(({ message }) => show_item(message))
			.finally(() => scan.val(""));
	});

	function reset_item() {
		state.item = null;
		item_box.empty();
		scan.trigger("focus");
	}

	function show_item(item) {
		state.item = { ...item, qty: 1, reason: null, batch_no: item.batch_no || (item.batches[0] || {}).batch_no || null };
		const batches = item.has_batch_no
			? `<div class="text-muted small">${__("Batch")}</div><div class="choices batches">${
					item.batches
						.map(
							(b) => `<button class="btn btn-default batch" data-batch="${esc(b.batch_no)}">${esc(b.batch_no)}<br>
								<small>${__("expires {0}", [frappe.datetime.str_to_user(b.expiry_date) || "—"])} · ${b.qty}</small></button>`
						)
						.join("") || `<span class="text-muted">${__("No batch of this item in the store")}</span>`
				}</div>`
			: "";
		const reasons = state.context.reasons
			.map((reason) => `<button class="btn btn-default reason" data-reason="${esc(reason)}">${__(reason)}</button>`)
			.join("");
		item_box.html(`
			<h4>${esc(item.item_name || item.item_code)} <small class="text-muted">${esc(item.item_code)}</small></h4>
			${batches}
			<div class="text-muted small">${__("Quantity")} (${esc(item.stock_uom || "")})</div>
			<div class="qty"><button class="btn btn-default minus">−</button>
				<input class="form-control big qty-input" type="number" inputmode="decimal" min="0" step="any" value="1">
				<button class="btn btn-default plus">+</button></div>
			<div class="text-muted small">${__("Reason")}</div>
			<div class="choices">${reasons}</div>
			<button class="btn btn-default big add">${__("Add")}</button>`);
		mark();
		item_box.find(".batch").on("click", (e) => {
			state.item.batch_no = $(e.currentTarget).data("batch");
			mark();
		});
		item_box.find(".reason").on("click", (e) => {
			state.item.reason = $(e.currentTarget).data("reason");
			mark();
		});
		const input = item_box.find(".qty-input");
		item_box.find(".minus").on("click", () => input.val(Math.max(0, (parseFloat(input.val()) || 0) - 1)));
		item_box.find(".plus").on("click", () => input.val((parseFloat(input.val()) || 0) + 1));
		item_box.find(".add").on("click", () => {
			const qty = parseFloat(input.val());
			if (!(qty > 0)) return frappe.msgprint(__("Enter a quantity above 0"));
			if (!state.item.reason) return frappe.msgprint(__("Pick the reason"));
			if (item.has_batch_no && !state.item.batch_no) return frappe.msgprint(__("Pick the batch"));
			state.lines.push({
				item_code: item.item_code,
				item_name: item.item_name,
				batch_no: item.has_batch_no ? state.item.batch_no : null,
				qty,
				reason: state.item.reason,
			});
			show_lines();
			reset_item();
		});
	}

	function mark() {
		item_box.find(".batch").each((_, el) => $(el).toggleClass("btn-primary", $(el).data("batch") === state.item.batch_no));
		item_box.find(".reason").each((_, el) => $(el).toggleClass("btn-primary", $(el).data("reason") === state.item.reason));
	}

	function show_lines() {
		body.find(".lines").html(
			state.lines
				.map(
					(line, index) => `<li>${esc(line.item_name || line.item_code)} ${line.batch_no ? `· ${esc(line.batch_no)}` : ""}
						· <b>${line.qty}</b> · ${__(line.reason)}
						<button class="btn btn-xs btn-link remove" data-index="${index}">${__("Remove")}</button></li>`
				)
				.join("")
		);
		body.find(".remove").on("click", (e) => {
			state.lines.splice($(e.currentTarget).data("index"), 1);
			show_lines();
		});
		body.find(".record").prop("disabled", !state.lines.length);
	}

	body.find(".record").on("click", () => {
		frappe
			.call({
				method: "retail_suite.fresh.api.record_shrink",
				args: { store: store.get_value(), lines: state.lines },
				freeze: true,
			})
			.then(({ message }) => {
				frappe.show_alert({
					message: message.submitted
						? __("{0} recorded and posted ({1})", [message.name, message.stock_entry])
						: __("{0} recorded; the store manager posts it", [message.name]),
					indicator: "green",
				});
				state.lines = [];
				show_lines();
				reset_item();
			});
	});
};
