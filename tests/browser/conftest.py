"""The browser layer: ERPNext's desk pages as a user sees them, in headless Chromium driven by Selenium, on the
live test site served by `bench serve` (scripts/test.sh starts it inside the live-site layer).

RETAIL_SUITE_URL (the served site), RETAIL_SUITE_BENCH_DIR and RETAIL_SUITE_SITE come from scripts/test.sh;
without them there is no bench to open, and every test here is skipped with that reason."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

URL = os.environ.get("RETAIL_SUITE_URL", "")
BENCH_DIR = os.environ.get("RETAIL_SUITE_BENCH_DIR", "")
#: the bench command scripts/test.sh found (the bench's env, or bench on PATH)
BENCH_CLI = os.environ.get("RETAIL_SUITE_BENCH_CLI") or str(Path(BENCH_DIR) / "env" / "bin" / "bench")
SITE = os.environ.get("RETAIL_SUITE_SITE", "")
PASSWORD = os.environ.get("RETAIL_SUITE_ADMIN_PASSWORD", "admin")

if not (URL and BENCH_DIR and SITE):
	pytest.skip("browser layer skipped: no bench (RETAIL_SUITE_URL, RETAIL_SUITE_BENCH_DIR, RETAIL_SUITE_SITE unset)", allow_module_level=True)

from selenium import webdriver  # noqa: E402  (installed with the test extra; only needed when a bench is there)


def bench_execute(method: str) -> subprocess.CompletedProcess:
	return subprocess.run(
		[BENCH_CLI, "--site", SITE, "execute", method], cwd=BENCH_DIR, capture_output=True, text=True, timeout=900, check=False
	)


@pytest.fixture(scope="session")
def site_data() -> Iterator[dict[str, Any]]:
	"""The test site's fixtures for the pages (retail_suite/tests/browser_fixtures.py), made with bench execute;
	undone after the pages (the default store would fill the Store dimension of the live layer's vouchers)."""
	done = bench_execute("retail_suite.tests.browser_fixtures.prepare")
	assert done.returncode == 0, done.stderr[-3000:]
	try:
		yield json.loads(done.stdout[done.stdout.index("{"):])
	finally:
		undone = bench_execute("retail_suite.tests.browser_fixtures.clean_up")
		assert undone.returncode == 0, undone.stderr[-3000:]


class Session:
	"""A logged-in desk user: cookies for Selenium and for API reads."""

	def __init__(self) -> None:
		self.jar = CookieJar()
		self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
		body = urllib.parse.urlencode({"usr": "Administrator", "pwd": PASSWORD}).encode()
		self.opener.open(urllib.request.Request(URL + "/api/method/login", data=body), timeout=60)
		self.sid = next(cookie.value for cookie in self.jar if cookie.name == "sid")

	def get(self, path: str, **params: Any) -> Any:
		query = urllib.parse.urlencode({key: json.dumps(value) if not isinstance(value, str) else value for key, value in params.items()})
		with self.opener.open(URL + urllib.parse.quote(path) + ("?" + query if query else ""), timeout=60) as response:
			return json.loads(response.read())


@pytest.fixture(scope="session")
def session() -> Session:
	return Session()


@pytest.fixture
def driver(session: Session) -> Iterator[webdriver.Chrome]:
	options = webdriver.ChromeOptions()
	for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000"):
		options.add_argument(flag)
	options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
	browser = webdriver.Chrome(service=webdriver.ChromeService(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
	browser.get(URL + "/login")
	browser.add_cookie({"name": "sid", "value": session.sid, "path": "/"})
	yield browser
	browser.quit()
