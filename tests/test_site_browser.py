"""The built site in a real browser: headless Chromium, served from 127.0.0.1 only.

A provision opens at its eId and is in view; Chinese search finds the right article; and nothing the
pages do (scripts, stylesheets, the search worker and its index) reaches any host but 127.0.0.1.
Needs Debian's chromium, chromium-driver and fonts-noto-cjk (.ci/install-browser). Without them the
test is skipped, except in CI, where it fails.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_site_build import built_site, policy  # one build per session, shared

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SEARCHES = ("回避", "近亲属", "批准人")
OPEN_AT = ("art_11", "art_11__point_3")
WAIT = 20  # seconds: generous for slow CI machines; the waits end as soon as the page is ready


def _browser_missing() -> str | None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.exists(p) or shutil.which(p))]
    return (
        f"not installed: {', '.join(missing)} (run .ci/install-browser as root)"
        if missing
        else None
    )


@pytest.fixture(scope="module")
def served_site():
    """The built site on an ephemeral port of 127.0.0.1, served from a background thread."""
    _, site = built_site()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test must run in CI: {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    # every network request the browser makes (page, workers), from the DevTools protocol
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition, message)


def test_a_point_opens_at_its_eid_in_view_and_chinese_search_finds_the_right_articles(
    browser, served_site
):
    from selenium.webdriver.common.by import By

    requests: list[str] = []
    article, eid = OPEN_AT
    browser.get(f"{served_site}/articles/{article}/#{eid}")
    _wait(browser, lambda d: d.execute_script("return document.readyState") == "complete", "load")
    element = browser.find_element(By.ID, eid)
    expected_label = "第十一条第（三）项"
    assert expected_label in element.text
    _wait(
        browser,
        lambda d: d.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "return r.top >= 0 && r.bottom <= window.innerHeight;",
            element,
        ),
        f"#{eid} is not scrolled into view",
    )
    provision = browser.find_element(By.CSS_SELECTOR, f"#{eid} + .provision")
    assert policy().elements[eid]["text"]["zh"] in provision.text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"site-{eid}.png"))

    for term in SEARCHES:
        wanted = _articles_containing(term)
        assert wanted, f"no article contains {term}: the test term is wrong"
        hrefs = _search(browser, term)
        found = {_article_of(h) for h in hrefs} & wanted
        assert found, f"search for {term} found {hrefs[:10]}, none of the articles {sorted(wanted)}"
        browser.save_screenshot(str(ARTIFACTS / f"site-search-{term}.png"))

    requests += _requests_from_devtools(browser)
    requests += browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);"
    )
    assert any("search_index.json" in r for r in requests), "the search index was never loaded"
    outside = sorted(
        {
            r
            for r in requests
            if urlsplit(r).scheme in ("http", "https", "ws", "wss")
            and urlsplit(r).hostname != "127.0.0.1"
        }
    )
    assert not outside, f"requests left 127.0.0.1: {outside}"


def _search(browser, term: str) -> list[str]:
    """Type ``term`` into the site's search box; the hrefs of the results once they appear."""
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    browser.execute_script("arguments[0].focus()", box)
    box.clear()
    box.send_keys(term)

    def results(driver):
        meta = driver.find_element(By.CSS_SELECTOR, ".md-search-result__meta").text
        items = driver.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")
        if items and any(ch.isdigit() for ch in meta):
            return [a.get_attribute("href") for a in items]
        return False

    return _wait(browser, results, f"no search results for {term}")


def _articles_containing(term: str) -> set[str]:
    """Articles whose official text or title contains the term (what a reader expects to find)."""
    found = set()
    for article in policy().articles:
        texts = [article["title"]["zh"]] + [e["text"]["zh"] for e in article["elements"]]
        if any(term in text for text in texts):
            found.add(article["eid"])
    return found


def _article_of(href: str) -> str | None:
    parts = urlsplit(href).path.strip("/").split("/")
    return parts[1] if len(parts) >= 2 and parts[0] == "articles" else None


def _requests_from_devtools(browser) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
        elif message.get("method") == "Network.webSocketCreated":
            urls.append(message["params"]["url"])
    return urls
