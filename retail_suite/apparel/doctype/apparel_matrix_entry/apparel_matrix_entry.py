# Copyright (c) 2026, retail_suite developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from retail_suite.apparel.erpnext import grid_or_throw, make_matrix_document
from retail_suite.apparel.matrix import check_cells, size_sort_key

TARGETS = {"Purchase Order": "Purchase Order", "Material Transfer": "Stock Entry", "Stock Count": "Stock Reconciliation"}


class ApparelMatrixEntry(Document):
	"""Quantities for a style entered as a size × colour grid (one form, one save); on submit the
	Purchase Order, Stock Entry (Material Transfer) or Stock Reconciliation draft is made, a line per cell."""

	def validate(self) -> None:
		self.validate_parties()
		self.validate_cells()

	def validate_parties(self) -> None:
		if self.purpose == "Purchase Order" and not self.supplier:
			frappe.throw(_("Matrix entry {0}: choose the Supplier of the purchase order.").format(self.name))
		if self.purpose == "Material Transfer":
			if not self.from_warehouse:
				frappe.throw(_("Matrix entry {0}: choose the warehouse the transfer comes From.").format(self.name))
			if self.from_warehouse == self.warehouse:
				frappe.throw(
					_("Matrix entry {0}: From Warehouse and Warehouse are both {1}; choose two warehouses.").format(
						self.name, self.warehouse
					)
				)
		for fieldname in ("warehouse", "from_warehouse"):
			warehouse = self.get(fieldname)
			if warehouse and frappe.db.get_value("Warehouse", warehouse, "company") != self.company:
				frappe.throw(
					_("Matrix entry {0}: {1} {2} belongs to another company than {3}.").format(
						self.name, self.meta.get_label(fieldname), warehouse, self.company
					)
				)

	def validate_cells(self) -> None:
		grid = grid_or_throw(self.style)
		keep_zero = self.purpose == "Stock Count"
		rows = [
			{"size": row.size, "colour": row.colour, "qty": row.qty}
			for row in self.cells
			if keep_zero or flt(row.qty)
		]
		problems = check_cells(grid, rows)
		if problems:
			frappe.throw(
				"<br>".join(frappe.utils.escape_html(problem) for problem in problems),
				title=_("Sizes or colours that style {0} does not have").format(self.style),
			)
		cells = [row for row in self.cells if keep_zero or flt(row.qty)]
		cells.sort(key=lambda row: ((row.colour or "").lower(), size_sort_key(row.size)))
		for idx, row in enumerate(cells, 1):
			row.idx = idx
			row.size = row.size.strip()
			row.colour = (row.colour or "").strip() or None
			row.item_code = grid.item_code(row.size, row.colour)
		self.set("cells", cells)
		self.total_qty = sum(flt(row.qty) for row in cells)
		if not cells:
			frappe.throw(_("Matrix entry {0}: enter a quantity in at least one cell.").format(self.name))

	def on_submit(self) -> None:
		document = make_matrix_document(self)
		self.db_set({"created_doctype": TARGETS[self.purpose], "created_document": document.name})
		frappe.msgprint(
			_("{0} {1} was created as a draft.").format(_(document.doctype), frappe.utils.get_link_to_form(document.doctype, document.name)),
			alert=True,
		)

	def on_cancel(self) -> None:
		if not (self.created_doctype and self.created_document):
			return
		if not frappe.db.exists(self.created_doctype, self.created_document):
			return
		if frappe.db.get_value(self.created_doctype, self.created_document, "docstatus") == 0:
			frappe.delete_doc(self.created_doctype, self.created_document)
			return
		frappe.throw(
			_("Cancel {0} {1} first; it was submitted.").format(_(self.created_doctype), self.created_document)
		)
