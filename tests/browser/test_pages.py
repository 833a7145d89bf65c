"""The desk as a store sees it, in a real browser: the Retail workspace's cards and counters; ERPNext's POS page
reading a GS1 fresh label into the cart with its batch, charging a marked-down batch its markdown (the expiry
job's batch Item Price), and refusing a batch past its date; the Record Waste
page turning a label scan into a posted Stock Entry."""

from __future__ import annotations

import time
from typing import Any

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import URL, Session

WAIT = 90


def wait_for(driver: WebDriver, css: str, clickable: bool = False) -> Any:
	condition = EC.element_to_be_clickable if clickable else EC.presence_of_element_located
	return WebDriverWait(driver, WAIT).until(condition((By.CSS_SELECTOR, css)))


def texts(driver: WebDriver, css: str) -> list[str]:
	"""The visible texts of what matches, read in the page in one go (the desk re-renders as it goes)."""
	return driver.execute_script(
		"return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText.trim()).filter(Boolean)", css
	)


def test_retail_workspace_shows_every_domain(driver: WebDriver) -> None:
	driver.get(URL + "/app/retail")
	WebDriverWait(driver, WAIT).until(lambda d: "Replenishment" in texts(d, ".links-widget-box .widget-title"))
	cards = texts(driver, ".links-widget-box .widget-title")
	assert cards == ["Stores", "Transaction Log", "Promotions", "Membership", "Apparel", "Fresh", "Replenishment"]
	shortcuts = texts(driver, ".shortcut-widget-box .widget-title")
	assert {"POSDM Monitor", "Labels to Print", "Withdrawals to Confirm", "Broken Sizes"} <= set(shortcuts)
	links = texts(driver, ".links-widget-box .link-text")
	assert {"Record Waste", "Fresh Loss Rate", "Supplier Performance", "Style Matrix"} <= set(links)


def scan_at_pos(driver: WebDriver, code: str) -> None:
	driver.get(URL + "/app/point-of-sale")
	field = wait_for(driver, ".search-field input", clickable=True)
	WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return !!(window.cur_pos && cur_pos.frm && cur_pos.frm.doc.customer)"))
	field.send_keys(code)
	time.sleep(1)  # the page searches as it is typed; Enter adds the one item found
	field.send_keys(Keys.ENTER)


def test_pos_page_reads_a_fresh_label(driver: WebDriver, site_data: dict[str, Any]) -> None:
	# as a scanner sends it: application identifiers without brackets
	raw = site_data["fresh_label"].replace("(01)", "01").replace("(17)", "17").replace("(10)", "10")
	scan_at_pos(driver, raw)
	lines = WebDriverWait(driver, WAIT).until(
		lambda d: d.execute_script("return cur_pos.frm.doc.items.map(i => [i.item_code, i.batch_no])") or False
	)
	assert lines == [[site_data["item_code"], site_data["fresh_batch"]]]
	cart = WebDriverWait(driver, WAIT).until(lambda d: " ".join(texts(d, ".cart-item-wrapper")) or False)
	assert site_data["item_name"] in cart


def test_pos_page_charges_the_markdown_of_a_marked_down_batch(driver: WebDriver, site_data: dict[str, Any]) -> None:
	# the expiry job marked the batch down and wrote its batch Item Price (browser_fixtures.prepare)
	assert 0 < site_data["markdown_rate"] < site_data["regular_rate"], site_data
	scan_at_pos(driver, site_data["markdown_label"])
	expected = [[site_data["item_code"], site_data["markdown_batch"], site_data["markdown_rate"]]]
	script = "return cur_pos.frm.doc.items.map(i => [i.item_code, i.batch_no, i.rate])"
	try:  # the page sets the rate as its price lookups come back: wait for the settled line
		WebDriverWait(driver, WAIT).until(lambda d: d.execute_script(script) == expected)
	except TimeoutException:
		pass
	assert driver.execute_script(script) == expected


def test_pos_page_refuses_an_expired_batch(driver: WebDriver, site_data: dict[str, Any]) -> None:
	scan_at_pos(driver, site_data["expired_label"])
	message = WebDriverWait(driver, WAIT).until(lambda d: " ".join(texts(d, ".modal.show .modal-body")) or False)
	assert "TEST-BROWSER-EXPIRED" in message and "expired on" in message and "blocked from sale" in message
	assert driver.execute_script("return cur_pos.frm.doc.items.length") == 0


def test_record_waste_page_posts_a_stock_entry(driver: WebDriver, site_data: dict[str, Any], session: Session) -> None:
	before = {row["name"] for row in session.get("/api/resource/Shrink Entry", filters=[["store", "=", site_data["store"]]], limit_page_length=0)["data"]}
	driver.get(URL + "/app/fresh-shrink")
	scan = wait_for(driver, ".fresh-shrink input.scan", clickable=True)
	WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return !!cur_page && $('.fresh-shrink').length > 0"))
	time.sleep(2)  # the page picks the user's default store
	scan.send_keys(site_data["fresh_label"], Keys.ENTER)
	wait_for(driver, ".fresh-shrink .item .batch")
	marked = texts(driver, ".fresh-shrink .item .batch.btn-primary")
	assert marked and marked[0].startswith(site_data["fresh_batch"])
	driver.find_element(By.CSS_SELECTOR, ".fresh-shrink .item .reason[data-reason='Damaged']").click()
	driver.find_element(By.CSS_SELECTOR, ".fresh-shrink .item .add").click()
	assert site_data["fresh_batch"] in " ".join(texts(driver, ".fresh-shrink .lines li"))
	driver.find_element(By.CSS_SELECTOR, ".fresh-shrink .record").click()
	alert = WebDriverWait(driver, WAIT).until(lambda d: " ".join(texts(d, ".alert-message, .desk-alert")) or False)
	assert "recorded and posted" in alert
	after = session.get("/api/resource/Shrink Entry", filters=[["store", "=", site_data["store"]]],
		fields=["name", "stock_entry", "docstatus"], limit_page_length=0)["data"]
	new = [row for row in after if row["name"] not in before]
	assert len(new) == 1 and new[0]["docstatus"] == 1 and new[0]["stock_entry"]
	entry = session.get(f"/api/resource/Stock Entry/{new[0]['stock_entry']}")["data"]
	assert (entry["docstatus"], entry["purpose"]) == (1, "Material Issue")
	assert [(row["item_code"], row["batch_no"], row["qty"]) for row in entry["items"]] == [(site_data["item_code"], site_data["fresh_batch"], 1.0)]
	# leave the site as it was: cancelling the waste cancels its Stock Entry
	driver.execute_async_script(
		"const done = arguments[arguments.length - 1];"
		"frappe.call('frappe.client.cancel', {doctype: 'Shrink Entry', name: arguments[0]}).then(() => done(true), () => done(false));",
		new[0]["name"],
	)
	assert session.get(f"/api/resource/Stock Entry/{new[0]['stock_entry']}")["data"]["docstatus"] == 2
