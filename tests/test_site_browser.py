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


# ── reading the site: text first, counts that open, aliases, no broken tokens ────────────────────

# what a reader types → the page that must come first
ALIASES = {
    "第十一条": "/articles/art_11/",
    "第11条": "/articles/art_11/",
    "十一条": "/articles/art_11/",
    "art_11": "/articles/art_11/",
    "11(5)": "/articles/art_11/",
    "责任划分": "/articles/art_11/",
    "文民发[2023]25号": "/",
}
# a word of the statute: an article comes before examples, parameters and developer pages
STATUTE_WORDS = ("承办人",)
WIDTHS = (1400, 390)
TEXT_FIRST_SAMPLE = ("art_1", "art_11", "art_16", "art_17")


def _load(browser, url: str) -> None:
    browser.get(url)
    _wait(browser, lambda d: d.execute_script("return document.readyState") == "complete", "load")


def test_the_official_text_opens_every_article_page_at_desktop_and_phone_widths(
    browser, served_site
):
    from selenium.webdriver.common.by import By

    try:
        for width in WIDTHS:
            browser.set_window_size(width, 900)
            # every page loads and indexes the search index: a sample here, every article's
            # structure in test_site_build
            for article in policy().articles:
                if article["eid"] not in TEXT_FIRST_SAMPLE:
                    continue
                _load(browser, f"{served_site}/articles/{article['eid']}/")
                first = browser.find_element(By.CSS_SELECTOR, ".provision-zh")
                box = browser.execute_script(
                    "const r = arguments[0].getBoundingClientRect();"
                    "const c = document.querySelector('.md-content__inner')"
                    ".getBoundingClientRect();"
                    "return [r.top, r.width, c.width, window.innerHeight,"
                    " getComputedStyle(arguments[0]).fontFamily,"
                    " getComputedStyle(arguments[0]).color];",
                    first,
                )
                top, text_width, content_width, height, family, color = box
                where = f"{article['eid']} at {width}px"
                assert top < height * 0.6, f"{where}: the text starts at {top}px of {height}"
                assert text_width > content_width * 0.8, f"{where}: the text is not full width"
                assert "Serif CJK" in family, f"{where}: not set in the serif CJK face: {family}"
                en = browser.find_element(By.CSS_SELECTOR, ".provision-en")
                opacity = browser.execute_script("return getComputedStyle(arguments[0]).color;", en)
                assert opacity == color, f"{where}: the translation is greyed ({opacity})"
    finally:
        browser.set_window_size(1280, 900)


def test_every_counts_line_opens_in_place_and_links_its_parameters_fixtures_and_anomalies(
    browser, served_site
):
    from selenium.webdriver.common.by import By

    _load(browser, f"{served_site}/articles/art_11/")
    details = browser.find_elements(By.CSS_SELECTOR, "details.element-more")
    assert len(details) >= 6
    for block in details:
        eid = block.get_attribute("data-eid")
        summary = block.find_element(By.TAG_NAME, "summary")
        numbers = [int(s.text.split()[-1]) for s in summary.find_elements(By.CLASS_NAME, "count")]
        assert len(numbers) == 4, f"{eid}: {summary.text}"
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
        summary.click()
        assert block.get_attribute("open") is not None, f"{eid}: did not open"
        hrefs = [a.get_attribute("href") for a in block.find_elements(By.TAG_NAME, "a")]
        rules, params, fixtures, anomalies = numbers
        assert sum("/parameters/" in h for h in hrefs) >= params, f"{eid}: parameters unlinked"
        if fixtures:
            assert any(f"/fixtures/art_11/#eid-{eid}" in h for h in hrefs), f"{eid}: no fixtures"
        assert sum("#art11-" in h for h in hrefs) >= anomalies, f"{eid}: anomalies unlinked"
        assert len(block.find_elements(By.CSS_SELECTOR, "ol.readings > li")) == rules
    point_5 = browser.find_element(By.CSS_SELECTOR, 'details[data-eid="art_11__point_5"]')
    link = point_5.find_element(
        By.CSS_SELECTOR, 'a[href*="/parameters/art11_point5_obeying_subordinate/"]'
    )
    _load(browser, link.get_attribute("href"))
    back = browser.find_elements(By.CSS_SELECTOR, 'a[href*="art_11/#art_11__point_5"]')
    assert back, "the parameter page does not link back to the point it affects"


def test_a_variable_of_a_reading_says_what_it_stands_for_in_the_language_of_its_reading(
    browser, served_site
):
    _load(browser, f"{served_site}/articles/art_11/")
    titles = browser.execute_script(
        "return [...document.querySelectorAll('var')].map(v => ["
        "  v.closest('[lang]').getAttribute('lang'), v.getAttribute('data-domain'), v.title]);"
    )
    assert len(titles) > 100
    untitled = [t for t in titles if not t[2]]
    assert not untitled, untitled[:5]
    person = {(lang.split("-")[0], title) for lang, domain, title in titles if domain == "person"}
    assert person == {
        ("zh", "案件中的人员（以案件文件中的编号表示）"),
        ("en", "A person in the case (by their id in the case file)"),
    }


def test_every_section_heading_has_its_permanent_link_which_shows_on_hover(browser, served_site):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    for path in ("articles/art_11/", "examples/07-internal-affairs-deadlines-and-mitigation/"):
        _load(browser, f"{served_site}/{path}")
        headings = browser.execute_script(
            "return [...document.querySelectorAll('.md-content :is(h2,h3,h4,h5,h6)[id]')]"
            ".map(h => [h.id, [...h.querySelectorAll(':scope > a.headerlink')]"
            ".map(a => a.getAttribute('href'))]);"
        )
        assert len(headings) >= 4, path
        wrong = [(i, links) for i, links in headings if links != [f"#{i}"]]
        assert not wrong, f"{path}: {wrong[:5]}"
    heading = browser.find_element(By.CSS_SELECTOR, ".md-content h2[id]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", heading)
    ActionChains(browser).move_to_element(heading).perform()
    link = heading.find_element(By.CSS_SELECTOR, "a.headerlink")
    _wait(
        browser,
        lambda d: float(link.value_of_css_property("opacity")) > 0.5,
        "the permanent link does not show on hover",
    )


def test_each_alias_of_an_article_finds_it_first(browser, served_site):
    _load(browser, f"{served_site}/")
    for alias, expected in ALIASES.items():
        hrefs = _search(browser, alias)
        first = urlsplit(hrefs[0]).path
        assert first == expected, f"{alias}: first result {first}, expected {expected}"
    for word in STATUTE_WORDS:
        first = urlsplit(_search(browser, word)[0]).path
        assert first.startswith("/articles/art_"), f"{word}: first result {first}"


def test_ids_and_citations_never_break_across_lines_on_a_phone(browser, served_site):
    try:
        browser.set_window_size(390, 900)
        for path in ("articles/art_17/", "articles/art_11/", "fixtures/art_11/"):
            _load(browser, f"{served_site}/{path}")
            broken = browser.execute_script(
                "const out = [];"
                "for (const el of document.querySelectorAll("
                "  '.md-content code, .md-content .count,"
                "   .md-content .fixture-index td a, .md-content .fixture-list td a')) {"
                "  const tops = new Set([...el.getClientRects()].map(r => Math.round(r.top)));"
                "  if (tops.size > 1) out.push(el.textContent);"
                "}"
                "const h = document.querySelector('.md-content h1');"
                "const range = document.createRange();"
                "range.setStart(h.firstChild, 0); range.setEnd(h.firstChild, 4);"
                "const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));"
                "if (tops.size > 1) out.push(h.textContent);"
                "return out;"
            )
            assert not broken, f"{path}: broken across lines: {broken[:5]}"
    finally:
        browser.set_window_size(1280, 900)


def test_the_theme_icons_are_drawn_from_the_style_sheet_at_their_size(browser, served_site):
    _load(browser, f"{served_site}/articles/art_11/")
    drawn = browser.execute_script(
        "return [...document.querySelectorAll('svg.theme-icon')].map(el => {"
        "  const box = el.getBoundingClientRect(), style = getComputedStyle(el);"
        "  return [el.getAttribute('class'), style.maskImage || style.webkitMaskImage,"
        "          box.width, box.height, el.closest('[hidden]') !== null];"
        "});"
    )
    shown = [d for d in drawn if not d[4] and d[2] > 0]
    assert {d[0] for d in drawn} >= {
        "theme-icon icon-library",
        "theme-icon icon-menu",
        "theme-icon icon-magnify",
    }, drawn
    assert shown, drawn
    for name, mask, width, height, _ in shown:
        assert mask.startswith('url("data:image/svg+xml'), (name, mask)
        assert 10 <= width <= 40 and 10 <= height <= 40, (name, width, height)


def test_pages_for_a_parameter_and_an_example_load_nothing_from_another_host(browser, served_site):
    browser.get_log("performance")  # drop what earlier tests requested
    _load(browser, f"{served_site}/parameters/art11_point5_obeying_subordinate/")
    _load(browser, f"{served_site}/examples/01-reviewer-overturned-correct-opinion/")
    requests = _requests_from_devtools(browser)
    assert requests
    outside = sorted(
        {
            r
            for r in requests
            if urlsplit(r).scheme in ("http", "https", "ws", "wss")
            and urlsplit(r).hostname != "127.0.0.1"
        }
    )
    assert not outside, f"requests left 127.0.0.1: {outside}"
