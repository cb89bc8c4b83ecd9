"""The documentation site: built strictly from the one Policy, every provision at its eId, offline,
and the same bytes every time.

The site is built once per test session (``built_site``) and shared with tests/test_site_browser.py.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from paths import ROOT as REPO_ROOT

from engine.cli.app import help_text
from engine.files.project import Project
from engine.policy.load import load_policy
from generators.docs.fixtures import read_fixtures
from generators.docs.site import (
    SiteBuildError,
    Staged,
    build_site,
    generate_pages,
    mkdocs_config,
    stage_site,
)


@functools.cache
def policy():
    return load_policy()


@functools.cache
def built_site() -> tuple[Staged, Path]:
    """Build the site once per test run into a temporary folder: (staging, site folder). The
    workers of a run share it (the first builds it under a lock, the others read what it built)."""
    shared = os.environ.get("ACCOUNTABILITY_TEST_SHARED")
    if not shared:
        root = Path(tempfile.mkdtemp(prefix="site-test-"))
        atexit.register(shutil.rmtree, root, True)
        return _build_into(root), root / "site"
    root = Path(shared) / "site-build"
    with open(Path(shared) / "site-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = root / "staged.pickle"
        if done.is_file():
            return pickle.loads(done.read_bytes()), root / "site"
        staged = _build_into(root)
        done.write_bytes(pickle.dumps(staged))
    return staged, root / "site"


def _build_into(root: Path) -> Staged:
    return build_site(
        policy(), Project(REPO_ROOT), root / "site", root / "docs", cli_help=help_text()
    )


class _Html(HTMLParser):
    """Every id, every (tag, attribute, value) that may load a resource, and every link."""

    RESOURCE_ATTRS = {"src", "srcset", "poster", "data", "background"}

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.resources: list[tuple[str, str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []  # inline script text (the theme's configuration among it)
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name, value in attrs.items():
            if value is None:
                continue
            if name in self.RESOURCE_ATTRS:
                self.resources.append((tag, name, value))
            if name == "style":
                self.styles.append(value)
        if tag == "link" and attrs.get("href"):
            self.resources.append((tag, "href", attrs["href"]))  # stylesheets, icons, preloads
        if tag in ("a",) and attrs.get("href"):
            self.links.append((tag, attrs["href"]))
        if tag in ("style", "script"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts.append(data)


@functools.cache
def parsed(path: Path) -> _Html:
    parser = _Html()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def attr(name: str, value: str = r'[^"\s>]+') -> str:
    """A regex for an attribute as the built pages write it: its value quoted, or bare where HTML
    needs no quotes (generators/docs/compact.py); the value (a regex without spaces) captured."""
    return rf'\s{name}="?({value})"?(?=[\s>/])'


EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)|@import\s+['\"]([^'\"]+)['\"]")


def assert_link_resolves(site: Path, page: Path, page_url: str, href: str, what: str) -> None:
    """The page a link on ``page`` leads to exists in the built site, and so does its anchor."""
    target = urlsplit(urljoin(page_url, href))
    path = site / unquote(target.path).lstrip("/")
    if path.is_dir() or target.path.endswith("/"):
        path = path / "index.html"
    assert path.is_file(), f"{page}: {what} {href} leads nowhere"
    if target.fragment:
        assert target.fragment in parsed(path).ids, f"{page}: no anchor for {href}"


def is_external(reference: str) -> bool:
    reference = reference.strip()
    return bool(EXTERNAL.match(reference)) and not reference.lower().startswith("data:")


# ── the build ─────────────────────────────────────────────────────────────────────────────────────


def test_the_strict_build_succeeds_and_writes_every_generated_page():
    staged, site = built_site()
    assert (site / "index.html").is_file()
    for rel in staged.generated:
        if rel.endswith(".md") and not rel.startswith("_snippets/"):
            page = rel[: -len(".md")]
            target = site / (page[: -len("index")] if page.endswith("index") else page + "/")
            assert (target / "index.html").is_file(), f"{rel} was generated but not built"


def test_every_article_page_exists_and_anchors_the_article_and_every_element_at_its_eid():
    _, site = built_site()
    for article in policy().articles:
        page = site / "articles" / article["eid"] / "index.html"
        assert page.is_file(), f"no page for {article['eid']}"
        ids = parsed(page).ids
        wanted = [article["eid"]] + [e["eid"] for e in article["elements"]]
        missing = [eid for eid in wanted if eid not in ids]
        assert not missing, f"{article['eid']}: no anchor for {missing}"


def test_every_rule_and_anomaly_is_anchored_on_the_page_of_its_article():
    _, site = built_site()
    for article in policy().articles:
        ids = parsed(site / "articles" / article["eid"] / "index.html").ids
        for rule in article["rules"]:
            assert rule["id"] in ids, f"rule {rule['id']} has no anchor on {article['eid']}"
        for anomaly in article["anomalies"]:
            assert anomaly["id"] in ids, (
                f"anomaly {anomaly['id']} has no anchor on {article['eid']}"
            )


def test_article_pages_show_the_official_text_and_the_translation_of_every_element():
    _, site = built_site()
    for article in policy().articles:
        html = (site / "articles" / article["eid"] / "index.html").read_text(encoding="utf-8")
        # anomalies are marked inside the official text: read it without their links
        html = re.sub(rf"<sup{attr('class', 'anomaly-note')}>.*?</sup>|</?a\b[^>]*>", "", html)
        for element in article["elements"]:
            for lang in ("zh", "en"):
                text = " ".join(element["text"][lang].split())
                escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                escaped = escaped.replace('"', "&quot;").replace("'", "&#x27;")
                assert escaped in html, f"{element['eid']} {lang} text missing from the page"


def test_no_heading_falls_back_to_a_numbered_id():
    """Python-Markdown makes ids from heading text; Chinese text gives none, so headings would get
    ``_1``, ``_2``… and their links would change whenever a heading is added above them."""
    _, site = built_site()
    numbered = []
    for page in html_files(site):
        html = page.read_text(encoding="utf-8")
        for level, anchor in re.findall(rf"<h([1-6])[^>]*{attr('id')}", html):
            if re.fullmatch(r"_\d*", anchor):
                numbered.append(f"{page.relative_to(site)}: <h{level} id={anchor}>")
    assert not numbered, "\n".join(numbered)


def test_the_art_11_page_draws_the_default_rule_and_every_exception_that_displaces_it():
    _, site = built_site()
    html = (site / "articles" / "art_11" / "index.html").read_text(encoding="utf-8")
    diagram = re.search(rf"<svg[^>]*{attr('class', 'diagram-svg')}.*?</svg>", html, re.S)
    assert diagram, "no diagram on the art_11 page"
    exceptions = [r["id"] for r in policy().rules if r.get("displaces")]
    assert exceptions, "the policy records no exceptions"
    art_11 = next(a for a in policy().articles if a["eid"] == "art_11")
    for rule in art_11["rules"]:
        if rule.get("displaces"):
            assert f">{rule['id']}<" in diagram.group(0)
            for displaced in rule["displaces"]:
                assert f">{displaced}<" in diagram.group(0)


def test_the_procedure_timeline_and_the_dependency_graph_are_inline_svg_built_from_the_policy():
    _, site = built_site()
    timeline = (site / "procedure" / "index.html").read_text(encoding="utf-8")
    assert re.search(attr("class", "diagram-svg"), timeline)
    for eid in ("art_15__para_1", "art_18__para_1", "art_19__para_1"):
        assert f"#{eid}" in timeline, f"the timeline does not link {eid}"
    graph = (site / "dependencies" / "index.html").read_text(encoding="utf-8")
    diagram = rf"<svg[^>]*{attr('class', 'diagram-svg')}.*?</svg>"
    svgs = [m.group(0) for m in re.finditer(diagram, graph, re.S)]
    predicates = {r.head.predicate for r in policy().program.rules}
    drawn = {t for svg in svgs for t in re.findall(r"<text[^>]*>([a-z_0-9]+)</text>", svg)}
    assert predicates <= drawn, f"not drawn: {sorted(predicates - drawn)[:10]}"


def test_links_inside_diagrams_lead_to_existing_pages_and_anchors():
    """mkdocs checks Markdown links; SVG diagrams are raw HTML, so their links are checked here."""
    _, site = built_site()
    base = "http://site.invalid/"
    checked = 0
    for page in html_files(site):
        html = page.read_text(encoding="utf-8")
        page_url = urljoin(base, page.relative_to(site).as_posix())
        diagrams = re.finditer(rf"<svg[^>]*{attr('class', 'diagram-svg')}.*?</svg>", html, re.S)
        for svg in (m.group(0) for m in diagrams):
            for href in re.findall(rf"<a\b[^>]*?{attr('href')}", svg):
                assert_link_resolves(site, page, page_url, href, "diagram link")
                checked += 1
    assert checked > 0


# ── offline ───────────────────────────────────────────────────────────────────────────────────────


def test_no_built_page_or_stylesheet_loads_anything_from_another_host():
    _, site = built_site()
    offenders = []
    seen = 0
    for page in html_files(site):
        found = parsed(page)
        seen += len(found.resources)
        for tag, attr, value in found.resources:
            refs = [v.split()[0] for v in value.split(",")] if attr == "srcset" else [value]
            offenders += [f"{page}: <{tag} {attr}={ref}>" for ref in refs if is_external(ref)]
        for script in found.scripts:
            for url in re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}[^\s\"']*", script):
                offenders.append(f"{page}: inline script mentions {url}")
        for style in found.styles:
            for match in CSS_URL.finditer(style):
                ref = match.group(1) or match.group(2)
                if is_external(ref):
                    offenders.append(f"{page}: style url({ref})")
    for sheet in sorted(site.rglob("*.css")):
        for match in CSS_URL.finditer(sheet.read_text(encoding="utf-8", errors="replace")):
            ref = match.group(1) or match.group(2)
            if is_external(ref):
                offenders.append(f"{sheet}: url({ref})")
    assert seen > 0, "no resource references found: the check would prove nothing"
    assert not offenders, "\n".join(offenders[:20])


def test_the_theme_icons_replaced_by_boxes_are_each_drawn_by_the_generated_style_sheet():
    _, site = built_site()
    css = (site / "stylesheets" / "icons.css").read_text(encoding="utf-8")
    theme = Path(__import__("material").__file__).parent / "templates" / ".icons"
    overrides = sorted((REPO_ROOT / "generators/docs/overrides/.icons").rglob("*.svg"))
    assert overrides
    for override in overrides:
        name = re.search(r"icon-[\w-]+", override.read_text(encoding="utf-8")).group(0)
        drawing = (theme / override.relative_to(override.parents[1])).read_text(encoding="utf-8")
        path = re.search(r' d="([^"]+)"', drawing).group(1)
        rule = re.search(rf"svg\.{name} \{{ --icon: url\(\"data:image/svg\+xml,([^\"]+)\"\)", css)
        assert rule, name
        assert path in unquote(rule.group(1)), name
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="theme-icon icon-magnify"' in home and "M9.5 3A6.5" not in home


def test_no_page_uses_a_theme_feature_that_fetches_from_a_cdn_or_a_code_host():
    """Material's JavaScript loads Mermaid from unpkg.com when a page has a Mermaid diagram, and
    asks api.github.com for repository facts when repo_url is set: neither may happen on this
    site."""
    _, site = built_site()
    for page in html_files(site):
        html = page.read_text(encoding="utf-8")
        assert not re.search(attr("class", "mermaid"), html), f"{page} has a Mermaid diagram"
        assert "md-source" not in html, f"{page} shows a repository widget"
    config = mkdocs_config(built_site()[0], site, REPO_ROOT / "mkdocs.yml")
    assert not config.theme.get("font"), "theme.font must be false (Google Fonts)"
    assert "privacy" not in config.plugins


# ── determinism and real output ───────────────────────────────────────────────────────────────────


def test_generation_gives_byte_identical_markdown_in_another_process():
    """A second run, in a fresh interpreter with another hash seed (set iteration order differs),
    must produce exactly the same files."""
    staged, _ = built_site()
    out = Path(tempfile.mkdtemp(prefix="site-again-"))
    try:
        program = (
            "import sys, "
            "pathlib\nfrom engine.policy.load import load_policy\n"
            "from engine.cli.app import help_text\n"
            "from engine.files.project import find_project\n"
            "from generators.docs.site import stage_site\n"
            "stage_site(load_policy(), find_project(), pathlib.Path(sys.argv[1]), "
            "cli_help=help_text())\n"
        )
        seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", program, str(out)],
            check=True,
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )
        again = {
            p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }
        first = {rel: text.encode("utf-8") for rel, text in staged.generated.items()}
        assert set(first) <= set(again)
        different = [rel for rel in sorted(first) if first[rel] != again[rel]]
        assert not different, f"not reproducible: {different[:10]}"
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_the_command_line_guide_shows_exactly_what_the_command_prints():
    staged, _ = built_site()
    snippet = staged.generated["_snippets/query-en.md"]
    command = snippet.splitlines()[1].removeprefix("$ ").split()
    assert command[:2] == ["accountability", "query"]
    result = subprocess.run(
        [sys.executable, "-m", "engine.cli", *command[1:]],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    shown = snippet.split("\n", 2)[2].rsplit("```", 1)[0]
    assert shown.rstrip() == result.stdout.rstrip()


def test_the_python_guide_shows_exactly_what_its_code_prints():
    staged, _ = built_site()
    snippet = staged.generated["_snippets/python-api.md"]
    source = snippet.split("```python\n", 1)[1].split("```", 1)[0]
    shown = snippet.split("```text\n", 1)[1].split("```", 1)[0]
    result = subprocess.run(
        [sys.executable, "-c", source],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout == shown


# ── fixtures ──────────────────────────────────────────────────────────────────────────────────────


def test_there_are_no_fixtures_when_the_fixtures_folder_does_not_exist(tmp_path):
    assert read_fixtures(tmp_path / "absent", tmp_path) == []


def test_fixtures_are_read_from_files_with_an_id_a_sentence_and_eids_and_other_files_are_skipped(
    tmp_path,
):
    (tmp_path / "art_11").mkdir()
    (tmp_path / "art_11" / "reviewer-overturned.yaml").write_text(
        "id: reviewer-overturned\n"
        "sentence: {zh: 审核人改变了正确意见。, en: The reviewer overturned a correct opinion.}\n"
        "eids: [art_11__point_3, art_11__intro]\n"
        "polarity: applies\n"
        "fired_rules: [art11_p3_reviewer_overturned]\n",
        encoding="utf-8",
    )
    (tmp_path / "bundle.json").write_text('{"format": 1, "fixtures": []}', encoding="utf-8")
    found = read_fixtures(tmp_path, repo_root=tmp_path)
    assert [f.id for f in found] == ["reviewer-overturned"]
    fixture = found[0]
    assert fixture.path == "art_11/reviewer-overturned.yaml"
    assert fixture.sentence["en"] == "The reviewer overturned a correct opinion."
    assert set(fixture.eids) == {"art_11__point_3", "art_11__intro"}
    assert fixture.polarity == "applies"
    assert fixture.fired_rules == ("art11_p3_reviewer_overturned",)


def test_a_fixture_appears_on_its_article_page_in_the_matrix_and_under_the_rules_it_fired(tmp_path):
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "p3.yaml").write_text(
        "id: p3-reviewer-changed-correct-opinion\n"
        "sentence: {zh: 审核人改变了承办人的正确意见而担责。,\n"
        "           en: The reviewer who changed a correct opinion is responsible.}\n"
        "eids: [art_11__point_3]\n"
        "polarity: applies\n"
        "fired_rules: [art11_p3_reviewer_overturned]\n",
        encoding="utf-8",
    )
    pages = generate_pages(
        policy(), Project(REPO_ROOT), fixtures_dir=fixtures, examples_dir=tmp_path / "no-examples"
    )
    article = pages["articles/art_11.md"]
    point = article.split('data-eid="art_11__point_3"', 1)[1].split("</details></div>", 1)[0]
    assert "样例 1</span>" in point
    assert 'href="../../fixtures/art_11/#eid-art_11__point_3"' in point
    listing = pages["fixtures/art_11.md"]
    assert 'id="p3-reviewer-changed-correct-opinion"' in listing
    assert "The reviewer who changed a correct opinion is responsible." in listing
    assert "p3-reviewer-changed-correct-opinion" not in pages["fixtures/art_10.md"]
    matrix = pages["traceability.md"]
    row = next(line for line in matrix.splitlines() if 'id="trace-art_11__point_3"' in line)
    assert "适用 applies 1 · 不适用 not 0" in row
    rule_row = next(
        line for line in listing.splitlines() if 'id="rule-art11_p3_reviewer_overturned"' in line
    )
    assert "#p3-reviewer-changed-correct-opinion" in rule_row


def _bundled_fixture(fixture_id: str, en: str) -> tuple[str, dict]:
    entry = {
        "id": fixture_id,
        "sentence": {"zh": "审核人改变了正确意见。", "en": en},
        "eids": ["art_11__point_3"],
        "polarity": "applies",
        "fired_rules": ["art11_p3_reviewer_overturned"],
    }
    text = (
        f"id: {fixture_id}\n"
        f"sentence: {{zh: 审核人改变了正确意见。, en: {en}}}\n"
        "eids: [art_11__point_3]\npolarity: applies\n"
        "fired_rules: [art11_p3_reviewer_overturned]\n"
    )
    return text, entry


def test_the_site_shows_a_fixture_file_as_it_is_even_when_the_bundle_beside_it_says_otherwise(
    tmp_path,
):
    # the bundle stands in for a file only when it records that file's digest
    fixtures = tmp_path / "fixtures"
    (fixtures / "art_11").mkdir(parents=True)
    files, entries = {}, []
    for fixture_id, en in (("kept-as-bundled", "As bundled."), ("edited-later", "Before.")):
        text, entry = _bundled_fixture(fixture_id, en)
        (fixtures / "art_11" / f"{fixture_id}.yaml").write_text(text, encoding="utf-8")
        files[f"art_11/{fixture_id}.yaml"] = {
            "id": fixture_id,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        }
        entries.append(entry)
    bundle = {"format": 1, "fixtures": entries, "files": files}
    (fixtures / "bundle.json").write_text(json.dumps(bundle), encoding="utf-8")
    edited, _ = _bundled_fixture("edited-later", "After the bundle was written.")
    (fixtures / "art_11" / "edited-later.yaml").write_text(edited, encoding="utf-8")
    pages = generate_pages(
        policy(), Project(REPO_ROOT), fixtures_dir=fixtures, examples_dir=tmp_path / "no-examples"
    )
    listing = pages["fixtures/art_11.md"]
    assert "As bundled." in listing
    assert "After the bundle was written." in listing and "Before." not in listing


def test_the_build_cache_keeps_only_the_fixtures_and_examples_of_the_last_build(tmp_path):
    """A changed fixture or example replaces its entry in the build cache instead of adding one:
    every change of the policy or the fixtures would otherwise grow the cache by a full set."""
    fixtures, examples = tmp_path / "fixtures", tmp_path / "examples"
    fixtures.mkdir()
    examples.mkdir()
    for name in ("art11-p3-reviewer-overturned", "art11-p1-handler-misled-reviewer"):
        source = REPO_ROOT / "tests" / "fixtures" / "art_11" / f"{name}.yaml"
        (fixtures / source.name).write_bytes(source.read_bytes())
    for source in sorted((REPO_ROOT / "examples").glob("*.yaml"))[:2]:
        (examples / source.name).write_bytes(source.read_bytes())
    cache = tmp_path / "docs" / ".cache" / "site-cache.json"

    def stage() -> dict:
        stage_site(
            policy(),
            Project(REPO_ROOT),
            tmp_path / "docs",
            fixtures_dir=fixtures,
            examples_dir=examples,
        )
        return json.loads(cache.read_text(encoding="utf-8"))

    first = stage()
    for folder in (fixtures, examples):
        changed = sorted(folder.glob("*.yaml"))[0]
        changed.write_text(changed.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    second = stage()
    for part in ("fixtures", "examples"):
        assert len(first[part]) == len(second[part]) == 2
        assert len(set(first[part]) & set(second[part])) == 1


# ── strictness ────────────────────────────────────────────────────────────────────────────────────


def test_a_link_to_a_missing_anchor_fails_the_strict_build(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort

    docs = tmp_path / "docs"
    (docs / "_snippets").mkdir(parents=True)
    (docs / "stylesheets").mkdir()
    (docs / "stylesheets" / "site.css").write_text("", encoding="utf-8")
    (docs / "index.md").write_text(
        "# 首页 {#home}\n\n[第十一条](other.md#art_11__point_99)\n", encoding="utf-8"
    )
    (docs / "other.md").write_text("# 另一页 {#other}\n\n文字\n", encoding="utf-8")
    staged = Staged(docs, ["index.md", "other.md"], nav=["index.md", "other.md"])
    with pytest.raises(Abort):
        build(mkdocs_config(staged, tmp_path / "site", REPO_ROOT / "mkdocs.yml"))


def test_a_hand_written_page_may_not_hide_a_generated_one(tmp_path):
    from generators.docs.site import stage

    with pytest.raises(SiteBuildError, match="articles/art_11.md"):
        stage({"articles/art_11.md": "# x\n"}, {"articles/art_11.md": b"# y\n"}, tmp_path / "docs")


def test_the_home_page_shows_review_progress_and_every_article_page_its_review_status():
    _, site = built_site()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(attr("id", "review-progress"), home)
    total = len(policy().articles)
    assert re.search(rf"<strong>\d+ of {total}</strong> articles reviewed", home)
    for article in policy().articles:
        html = (site / "articles" / article["eid"] / "index.html").read_text(encoding="utf-8")
        assert re.search(attr("id", "review"), html)
        state = "reviewed" if article["review"]["status"] == "reviewed" else "draft"
        assert "<td>状态 Status" in html and state in html


def test_no_built_page_reaches_a_megabyte_and_the_whole_site_stays_under_six():
    _, site = built_site()
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    big = {p: s for p, s in sizes.items() if s >= 1_000_000}
    assert not big, f"pages of a megabyte or more: {big}"
    assert (site / "search" / "search_index.json").stat().st_size < 2_000_000
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    assert total < 6_000_000, f"the site is {total:,} bytes"


def test_every_link_of_every_page_leads_to_an_existing_page_and_anchor():
    """The counts under each element, the worked answers, the fixture tables and the vocabulary
    are raw HTML: mkdocs does not check their links, so every link of every page is checked
    here, the theme's own included."""
    _, site = built_site()
    base = "http://site.invalid/"
    checked = 0
    for page in html_files(site):
        html = page.read_text(encoding="utf-8")
        page_url = urljoin(base, page.relative_to(site).as_posix())
        for href in set(re.findall(rf"<a\b[^>]*?{attr('href')}", html)):
            if is_external(href) or href.startswith(("mailto:", "#__")):
                continue
            assert_link_resolves(site, page, page_url, html_unescape(href), "link")
            checked += 1
    assert checked > 5000


def test_every_article_page_opens_with_its_title_and_then_the_official_text():
    _, site = built_site()
    for article in policy().articles:
        html = (site / "articles" / article["eid"] / "index.html").read_text(encoding="utf-8")
        content = html[re.search(attr("class", "md-content"), html).end() :]
        first = article["elements"][0]["eid"]
        headings = re.findall(rf"<h([1-6])[^>]*{attr('id')}", content)
        assert headings[0] == ("1", article["eid"]), f"{article['eid']}: {headings[:2]}"
        assert headings[1] == ("3", first), f"{article['eid']}: the text does not come first"
        between = re.split(attr("id", article["eid"]), content, maxsplit=1)[2]
        between = re.split(attr("id", first), between, maxsplit=1)[0]
        assert "<p" not in between and "<table" not in between, f"{article['eid']}: {between[:200]}"


def test_rule_readings_show_their_variables_as_explained_variables_never_as_placeholders():
    _, site = built_site()
    pages = [site / "articles" / a["eid"] / "index.html" for a in policy().articles]
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    placeholders = {
        p.parent.name: re.findall(r"\{[A-Z][A-Za-z0-9_]*\}", t) for p, t in texts.items()
    }
    assert not any(placeholders.values()), placeholders
    art11 = texts[site / "articles" / "art_11" / "index.html"]
    assert re.search(rf"<var{attr('data-domain', 'person')}>L</var>", art11)
    variables = (site / "javascripts" / "variables.js").read_text(encoding="utf-8")
    described = json.loads(variables.split("=", 1)[1].strip().rstrip(";"))
    assert described["person"] == {
        "zh": "案件中的人员（以案件文件中的编号表示）",
        "en": "A person in the case (by their id in the case file)",
    }
    domains = {d for t in texts.values() for d in re.findall(rf"<var{attr('data-domain')}>", t)}
    assert domains <= set(described), sorted(domains - set(described))
