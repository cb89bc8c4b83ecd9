"""An answer as one HTML page (`query --format html`), opened offline in headless Chromium.

The page must stand alone (a file an officer can mail or archive): its verdicts are shown, every
citation links to the article's anchor on the site, reasons unfold on a click, and opening it makes
no request at all beyond the file itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from paths import EXAMPLES_DIR
from test_site_browser import _requests_from_devtools, _wait, browser  # noqa: F401 — fixture

from engine.cli.app import main
from engine.files.schemas import BASE_URI

EXAMPLE = EXAMPLES_DIR / "01-reviewer-overturned-correct-opinion.yaml"
SITE = BASE_URI.removesuffix("schema/")


def test_the_html_answer_opens_offline_shows_the_verdicts_and_links_each_citation(
    browser,  # noqa: F811 — the shared browser fixture
    tmp_path,
    capsys,
):
    from selenium.webdriver.common.by import By

    assert main(["query", str(EXAMPLE), "--format", "html", "--explain", "--what-if"]) == 0
    page = tmp_path / "answer.html"
    page.write_text(capsys.readouterr().out, encoding="utf-8")
    browser.get_log("performance")  # forget what earlier tests requested
    browser.get(page.as_uri())
    _wait(browser, lambda d: d.execute_script("return document.readyState") == "complete", "load")

    body = browser.find_element(By.TAG_NAME, "body").text
    assert browser.title.startswith("倒查结论：")
    assert "王建国" in body and "第十一条第（四）项" in body
    assert browser.find_element(By.ID, "what-if").is_displayed()

    links = browser.find_elements(By.CSS_SELECTOR, "a.cite")
    assert links, "no citation links"
    for link in links:
        href = link.get_attribute("href")
        eid = link.get_attribute("data-eid")
        article = eid.split("__")[0]
        assert href == f"{SITE}articles/{article}/#{eid}", href

    details = browser.find_elements(By.TAG_NAME, "details")
    assert details, "reasons are not collapsible"
    first = details[0]
    assert first.get_attribute("open") is None
    first.find_element(By.TAG_NAME, "summary").click()
    assert first.get_attribute("open") is not None

    requests = _requests_from_devtools(browser)
    # what goes over a network; the browser's own resources (chrome://, drawn for a form control
    # or a disclosure marker now and then) are not requests of the page
    network = ("http", "https", "ws", "wss", "ftp")
    outside = sorted({r for r in requests if urlsplit(r).scheme in network})
    assert not outside, f"the page loaded {outside}"
