"""The console in a real browser: Debian's headless Chromium driven by Selenium through chromedriver.

The app is served by waitress on loopback over the real order onboarding (GoldMine over ODBC, the
ISM simulator, the ledger). A screenshot of each page goes to the test's tmp dir and to
`bench-results/screenshots/` (gitignored) for people to look at.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.jobs.orders.world import World
from tests.jobs.web.conftest import PASSWORDS
from tests.jobs.web.test_live import ACC, ONCE, OPID, orders

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SHOTS = Path(__file__).resolve().parents[3] / "bench-results" / "screenshots"
ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,1000")

pytestmark = pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                reason="needs Debian's chromium and chromium-driver (scripts/setup.sh installs them)")


@pytest.fixture
def served(live_app: Flask) -> Iterator[str]:
    from waitress import create_server

    server = create_server(live_app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ARGS:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


class Shots:
    def __init__(self, driver: Any, folder: Path) -> None:
        self.driver, self.folder = driver, folder
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, name: str) -> None:
        path = self.folder / f"{name}.png"
        self.driver.set_window_size(1280, 700)
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1280, min(max(int(height) + 140, 700), 4000))  # the whole page
        self.driver.save_screenshot(str(path))
        try:
            SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, SHOTS / path.name)
        except OSError:
            pass  # a read-only checkout still has the tmp copy


def wait_for(driver: Any, css: str, timeout: float = 30) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def test_sign_in_find_preview_sync_and_see_the_result(world: World, served: str, browser: Any,
                                                      tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    orders(world)
    shots = Shots(browser, tmp_path / "screenshots")
    browser.get(served + "/")
    wait_for(browser, "#username").send_keys("sam")
    browser.find_element(By.ID, "password").send_keys("wrong password")
    browser.find_element(By.ID, "sign-in").click()
    assert "Wrong user name or password" in wait_for(browser, "#login-error").text
    shots.take("1-sign-in-refused")
    browser.find_element(By.ID, "password").send_keys(PASSWORDS["sam"])
    browser.find_element(By.ID, "sign-in").click()

    wait_for(browser, "#q").send_keys("PO-9999")
    browser.find_element(By.ID, "find").click()
    assert "No order has the PO number" in wait_for(browser, "#find-message").text
    shots.take("2-unknown-po")
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys("PO-1001")
    browser.find_element(By.ID, "find").click()

    assert "PO-1001" in wait_for(browser, "#order-title").text
    preview = browser.find_element(By.ID, "preview").text
    assert "issue website login" in preview and "render welcome PDF" in preview
    shots.take("3-preview")
    assert world.counts(OPID, ACC)["tickets"] == 0

    button = browser.find_element(By.ID, "sync-now")
    browser.execute_script("arguments[0].click(); arguments[0].click();", button)  # a double click
    wait_for(browser, ".note.success")
    assert "Sync done: customer, login, ticket, letter, history." in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "#step-history .badge.done")
    assert browser.find_element(By.ID, "letter-link")
    shots.take("4-synced")
    assert world.counts(OPID, ACC) == ONCE

    browser.get(served + "/")
    assert "PO-1001" in wait_for(browser, "#recent").text
    shots.take("5-recent-orders")


def test_a_page_without_the_form_token_gets_a_clear_refusal(world: World, served: str, browser: Any,
                                                            tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    orders(world)
    shots = Shots(browser, tmp_path / "screenshots")
    browser.get(served + "/login")
    wait_for(browser, "#username").send_keys("sam")
    browser.find_element(By.ID, "password").send_keys(PASSWORDS["sam"])
    browser.find_element(By.ID, "sign-in").click()
    wait_for(browser, "#q")
    browser.get(served + "/order?ref=PO-1001")
    wait_for(browser, "#sync-now")
    browser.execute_script("document.querySelector('#steps form.actions input[name=csrf_token]').remove();")
    browser.find_element(By.ID, "sync-now").click()
    assert "security token" in wait_for(browser, "#error-message").text
    shots.take("6-csrf-refused")
    assert world.counts(OPID, ACC)["customers"] == 0


def sign_in_as(browser: Any, served: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(served + "/login")
    wait_for(browser, "#username").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(PASSWORDS[name])
    browser.find_element(By.ID, "sign-in").click()
    wait_for(browser, "#q")


def test_a_failed_step_is_listed_first_and_support_sees_the_sealed_password(world: World, served: str,
                                                                            browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    from jobs.orders.job import sync_order
    from tests.jobs.web.test_live import OPID2

    orders(world)
    with world.context() as ctx:
        sync_order(ctx, OPID2)  # no user customer: the customer step fails
        sync_order(ctx, OPID, only={"customer", "login"})  # login issued, hand-over not done yet
    shots = Shots(browser, tmp_path / "screenshots")
    sign_in_as(browser, served, "sam")
    rows = browser.find_elements(By.CSS_SELECTOR, "#recent tbody tr")
    assert "failed" in rows[0].text and "PO-2002" in rows[0].text
    shots.take("7-recent-failure-first")
    rows[0].find_element(By.TAG_NAME, "a").click()
    assert "no user customer" in wait_for(browser, "#step-customer").text
    assert browser.find_element(By.ID, "retry-customer")
    shots.take("8-failed-step")
    browser.find_element(By.CSS_SELECTOR, "header form button").click()

    sign_in_as(browser, served, "sue")
    browser.get(served + "/order?ref=PO-1001")
    wait_for(browser, "#show-password").click()
    assert len(wait_for(browser, "#password").text) == 16
    shots.take("9-password-for-support")
