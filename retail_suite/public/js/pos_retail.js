// Copyright (c) 2026, retail_suite developers
// License: MIT
// ERPNext's POS page, extended (page_js, never copied): the member's tags under the customer's name,
// from retail_suite.promotions.erpnext.member_context (cashiers may call it; they need no Customer rights).

frappe.provide("retail_suite.till");

retail_suite.till.member_contexts = {};

retail_suite.till.member_context = function (customer) {
	if (!retail_suite.till.member_contexts[customer]) {
		retail_suite.till.member_contexts[customer] = frappe
			.call({
				method: "retail_suite.promotions.erpnext.member_context",
				args: { member: customer },
				type: "GET",
			})
			.then((r) => r.message)
			.catch(() => null);
	}
	return retail_suite.till.member_contexts[customer];
};

retail_suite.till.tags_html = function (tags) {
	if (!tags || !tags.length) return "";
	const pills = tags
		.map((tag) => `<span class="indicator-pill blue retail-member-tag">${frappe.utils.escape_html(tag)}</span>`)
		.join(" ");
	return `<div class="retail-member-tags" style="margin-top: 4px; display: flex; gap: 4px; flex-wrap: wrap;">${pills}</div>`;
};

retail_suite.till.patch_cart = function () {
	const Cart = erpnext.PointOfSale && erpnext.PointOfSale.ItemCart;
	if (!Cart || Cart.prototype.__retail_patched) return;
	const original = Cart.prototype.update_customer_section;
	Cart.prototype.update_customer_section = function () {
		original.apply(this, arguments);
		const customer = this.customer_info && this.customer_info.customer;
		if (!customer) return;
		const $section = this.$customer_section;
		retail_suite.till.member_context(customer).then((context) => {
			if (!context || !this.customer_info || this.customer_info.customer !== customer) return;
			$section.find(".retail-member-tags").remove();
			$section.find(".customer-name-desc").append(retail_suite.till.tags_html(context.member_tags));
		});
	};
	Cart.prototype.__retail_patched = true;
};

frappe.require("point-of-sale.bundle.js", () => retail_suite.till.patch_cart());
