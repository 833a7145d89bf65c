// Copyright (c) 2026, retail_suite developers
// License: MIT
//
// The size × colour grid: sizes across, colours down, one input per variant. Typing in the grid rewrites the
// Cells table, so the form saves in one go; the server checks every cell against the template again.

frappe.ui.form.on("Apparel Matrix Entry", {
	setup(frm) {
		frm.set_query("style", () => ({ filters: { has_variants: 1, disabled: 0 } }));
		for (const fieldname of ["warehouse", "from_warehouse"]) {
			frm.set_query(fieldname, () => ({ filters: { is_group: 0, company: frm.doc.company } }));
		}
	},
	refresh(frm) {
		render_grid(frm);
		if (frm.doc.docstatus === 1 && frm.doc.created_document) {
			frm.add_custom_button(__("Open {0}", [__(frm.doc.created_doctype)]), () =>
				frappe.set_route("Form", frm.doc.created_doctype, frm.doc.created_document),
			);
		}
		if (frm.doc.style) {
			frm.add_custom_button(__("Style Matrix"), () => frappe.set_route("query-report", "Style Matrix", { style: frm.doc.style }));
		}
	},
	style(frm) {
		frm.clear_table("cells");
		frm.refresh_field("cells");
		render_grid(frm);
	},
	warehouse: render_grid,
	from_warehouse: render_grid,
	purpose: render_grid,
});

function stock_warehouse(frm) {
	// the stock shown under each input: where the units come from (a transfer) or what is counted/received
	return frm.doc.purpose === "Material Transfer" ? frm.doc.from_warehouse : frm.doc.warehouse;
}

function render_grid(frm) {
	const $wrapper = frm.fields_dict.grid_html.$wrapper;
	if (!frm.doc.style) {
		$wrapper.html(`<p class="text-muted">${__("Choose a style to enter quantities by size and colour.")}</p>`);
		return;
	}
	frappe
		.call({
			method: "retail_suite.apparel.erpnext.style_grid_for_form",
			args: { style: frm.doc.style, warehouse: stock_warehouse(frm) || null },
		})
		.then((r) => draw_grid(frm, $wrapper, r.message));
}

function cell_key(colour, size) {
	return `${colour || ""}\u0000${size}`;
}

function draw_grid(frm, $wrapper, grid) {
	const esc = frappe.utils.escape_html;
	const editable = frm.doc.docstatus === 0;
	const entered = {};
	for (const row of frm.doc.cells || []) entered[cell_key(row.colour, row.size)] = row.qty;
	const variants = {};
	for (const cell of grid.cells) variants[cell_key(cell.colour, cell.size)] = cell;
	const shows_stock = grid.cells.some((cell) => cell.on_hand !== undefined);

	let html = `<div class="table-responsive"><table class="table table-bordered apparel-matrix" style="width:auto">
		<thead><tr><th>${__("Colour")} \\ ${__("Size")}</th>`;
	for (const size of grid.sizes) html += `<th class="text-center">${esc(size)}</th>`;
	html += `<th class="text-right">${__("Total")}</th></tr></thead><tbody>`;
	for (const colour of grid.colours) {
		html += `<tr><th>${esc(colour || __("(no colour)"))}</th>`;
		for (const size of grid.sizes) {
			const variant = variants[cell_key(colour, size)];
			if (!variant) {
				html += `<td class="text-muted text-center" title="${__("No variant in this size and colour")}">—</td>`;
				continue;
			}
			const value = entered[cell_key(colour, size)];
			const stock = shows_stock ? `<div class="small text-muted">${__("on hand {0}", [format_number(variant.on_hand || 0, null, 0)])}</div>` : "";
			html += `<td style="min-width:80px">
				<input type="number" min="0" step="1" class="form-control input-sm text-right"
					data-size="${esc(size)}" data-colour="${esc(colour || "")}" value="${value === undefined || value === null ? "" : value}"
					${editable ? "" : "disabled"}>${stock}</td>`;
		}
		html += `<td class="text-right row-total"></td></tr>`;
	}
	html += `</tbody><tfoot><tr><th>${__("Total")}</th>`;
	for (const size of grid.sizes) html += `<th class="text-right" data-total-size="${esc(size)}"></th>`;
	html += `<th class="text-right grand-total"></th></tr></tfoot></table></div>`;
	$wrapper.html(html);
	show_totals(frm, $wrapper);

	$wrapper.find("input").on("change", () => {
		write_cells(frm, $wrapper);
		show_totals(frm, $wrapper);
	});
}

function write_cells(frm, $wrapper) {
	const keep_zero = frm.doc.purpose === "Stock Count"; // a counted zero is a count
	frm.clear_table("cells");
	$wrapper.find("input").each(function () {
		const raw = $(this).val();
		if (raw === "") return;
		const qty = flt(raw);
		if (!qty && !keep_zero) return;
		const row = frm.add_child("cells");
		row.size = $(this).attr("data-size");
		row.colour = $(this).attr("data-colour") || null;
		row.qty = qty;
	});
	frm.refresh_field("cells");
	frm.set_value("total_qty", (frm.doc.cells || []).reduce((sum, row) => sum + flt(row.qty), 0));
	frm.dirty();
}

function show_totals(frm, $wrapper) {
	const by_size = {};
	let grand = 0;
	$wrapper.find("tbody tr").each(function () {
		let line = 0;
		$(this)
			.find("input")
			.each(function () {
				const qty = flt($(this).val());
				const size = $(this).attr("data-size");
				by_size[size] = (by_size[size] || 0) + qty;
				line += qty;
			});
		$(this).find(".row-total").text(format_number(line, null, 0));
		grand += line;
	});
	$wrapper.find("[data-total-size]").each(function () {
		$(this).text(format_number(by_size[$(this).attr("data-total-size")] || 0, null, 0));
	});
	$wrapper.find(".grand-total").text(format_number(grand, null, 0));
}
