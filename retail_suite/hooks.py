app_name = "retail_suite"
app_title = "Retail Suite"
app_publisher = "retail_suite developers"
app_description = "Retail chain operations for ERPNext: POSDM, till, promotions, membership, fresh, apparel"
app_email = "dev@retail-suite.invalid"
app_license = "MIT"
app_icon = "octicon octicon-package"
app_color = "#2f855a"

# "org/repo": Frappe v15 resolves a bare name through the GitHub API at install; org/repo needs no network
required_apps = ["frappe/erpnext"]

# Install and migrate: roles, custom fields on ERPNext doctypes, accounting dimensions (setup/)
after_install = "retail_suite.setup.install.after_install"
after_migrate = "retail_suite.setup.install.after_migrate"
before_uninstall = "retail_suite.setup.install.before_uninstall"
before_tests = "retail_suite.setup.install.before_tests"

# ERPNext's own POS sales enter the POSDM log; cancellations flow back
doc_events = {
	"POS Invoice": {
		"on_submit": "retail_suite.posdm.erpnext.capture_invoice",
		"on_cancel": "retail_suite.posdm.erpnext.cancel_invoice",
	},
	"Sales Invoice": {
		"on_submit": "retail_suite.posdm.erpnext.capture_invoice",
		"on_cancel": "retail_suite.posdm.erpnext.cancel_invoice",
	},
}

# POSDM cycle: audit what arrived, aggregate, and queue postings per store
scheduler_events = {
	"cron": {"*/10 * * * *": ["retail_suite.posdm.erpnext.run_cycle"]},
	# member statistics and tags: queued on the long queue, once a night
	"daily": [
		"retail_suite.membership.erpnext_tags.enqueue_nightly",
		# members' points: book what was audited but not posted, take back voids, lapse expired points
		"retail_suite.membership.erpnext_points.book_points_daily",
		# member campaigns: birthday coupons and messages, slow movers; redemptions and sales after
		"retail_suite.membership.erpnext_campaigns.run_campaigns_daily",
		# apparel: broken sizes per store and style, with transfer suggestions (queued on the long queue)
		"retail_suite.apparel.erpnext.enqueue_broken_sizes",
		# replenishment: daily sales, supplier ratings, forecasts, Material Request drafts per store and supplier
		"retail_suite.replenishment.erpnext.enqueue_daily",
	],
	# fresh: markdowns of batches entering a ladder step, labels to print, expired batches blocked and withdrawn
	"hourly": ["retail_suite.fresh.erpnext.enqueue_hourly"],
}

# Records shipped with the app; custom fields and roles are created in code (setup/), not here.
fixtures: list[dict] = []

# Desk: pure JS rules shared with the till (twins of the Python engine)
# ERPNext's POS page: member tags under the customer (page_js extends the page, nothing copied)
page_js = {"point-of-sale": "public/js/pos_retail.js"}

# ERPNext's POS page reads GS1 fresh labels: the scan's batch, refused when expired or blocked (till/erpnext_pos.py)
override_whitelisted_methods = {
	"erpnext.selling.page.point_of_sale.point_of_sale.get_items": "retail_suite.till.erpnext_pos.get_items",
}

app_include_js = ["/assets/retail_suite/js/retail_barcode.js", "/assets/retail_suite/js/retail_promotions.js"]

export_python_type_annotations = True
