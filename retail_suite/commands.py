"""Bench commands of retail_suite: `bench --site S retail-demo …`."""

from __future__ import annotations

import os
import sys

import click

import frappe
from frappe.commands import get_site, pass_context


@click.command("retail-demo")
@click.option("--stores", default=3, show_default=True, type=int, help="number of stores")
@click.option("--skus", default=5000, show_default=True, type=int, help="sellable SKUs, chain-wide")
@click.option("--members", default=2000, show_default=True, type=int, help="loyalty members")
@click.option("--days", default=7, show_default=True, type=int, help="business days of till traffic to replay")
@click.option("--seed", default=1, show_default=True, type=int, help="random seed: same seed, same chain")
@pass_context
def retail_demo(context: frappe._dict, stores: int, skus: int, members: int, days: int, seed: int) -> None:
	"""Create the demo retail chain on a site as real ERPNext documents."""
	from retail_suite.demo.chain import DemoConfig
	from retail_suite.errors import RetailSuiteError

	config = DemoConfig(stores=stores, skus=skus, members=members, days=days, seed=seed)
	try:
		config.validate()
	except RetailSuiteError as error:
		click.echo(f"retail-demo: {error.one_line()}", err=True)
		sys.exit(2)
	site = get_site(context)
	if not os.path.isfile(os.path.join(site, "site_config.json")):
		click.echo(f"retail-demo: site {site!r} does not exist in this bench — check --site or run `bench new-site`", err=True)
		sys.exit(2)
	frappe.init(site=site)
	frappe.connect()
	try:
		if "retail_suite" not in frappe.get_installed_apps():
			click.echo(f"retail-demo: retail_suite is not installed on {site} — run `bench --site {site} install-app retail_suite`", err=True)
			sys.exit(2)
		from retail_suite.demo.erpnext import create_demo_masters

		last: dict[str, int] = {}

		def progress(stage: str, done: int, total: int) -> None:
			step = max(1, total // 20)
			if done == total or done - last.get(stage, 0) >= step:
				last[stage] = done
				click.echo(f"  {stage:<14} {done:>7,}/{total:,}")

		created = create_demo_masters(config, progress)
		click.echo("retail-demo: created " + ", ".join(f"{n:,} {doctype}" for doctype, n in sorted(created.items())) if created else "retail-demo: everything already existed")
	finally:
		frappe.destroy()


commands = [retail_demo]
