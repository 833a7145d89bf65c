"""retail_suite: a Frappe v15 app for ERPNext retail chains, with a standalone host.

`pip install -e .` works with or without Frappe present; the standalone host's
dependencies are installed here, Frappe and ERPNext come from `bench get-app`.
"""

from setuptools import find_packages, setup

from retail_suite import __version__

setup(
	name="retail_suite",
	version=__version__,
	description="Retail chain operations for ERPNext: POSDM, till, promotions, membership, fresh, apparel",
	author="retail_suite developers",
	license="MIT",
	python_requires=">=3.10",
	packages=find_packages(exclude=["tests", "tests.*"]),
	include_package_data=True,
	zip_safe=False,
	install_requires=[
		"mariadb>=1.1,<2",
		# kept within Frappe v15's own pins (frappe 15.92 pyproject), so that `bench get-app`, which installs
		# with --upgrade, never lifts a bench's shared packages past what Frappe accepts
		"redis~=4.5.5",
		"python-dateutil~=2.8.2",
		"Click~=8.2.0",
		"Pillow~=11.3.0",
		"setuptools>=71,<82",
		"python-escpos>=3.1,<4",
		"rich>=13.0",
		"matplotlib>=3.8",
		# imported directly (forecasts, broken-size scan), not only through matplotlib
		"numpy>=1.24",
		"fastjsonschema>=2.19",
	],
	extras_require={"test": ["pytest>=8", "ruff>=0.6", "sqlglot>=25", "selenium>=4.20"]},
	entry_points={"console_scripts": ["retail-suite = retail_suite.cli:main"]},
)
