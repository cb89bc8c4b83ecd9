"""The traceability matrix and the fixtures page: from every eId to its rules, fixtures, coverage
and review, and from every fixture and rule back again. Every cell is a link, so a reviewer can
walk from a sentence of the regulation to the Datalog that encodes it and the cases that prove
it, and back."""

from __future__ import annotations

from engine.answer.names import eid_label
from generators.docs.articles import eid_link, rule_link, rule_link_html
from generators.docs.context import (
    FIXTURES,
    TRACEABILITY,
    SiteContext,
    article_page,
    fixtures_page_of,
)
from generators.docs.markdown import Page, code, esc, html_link, html_text, rel, table

REVIEW_SHORT = {"draft": "草稿 draft", "reviewed": "已复核 reviewed", "stale": "已失效 stale"}

# coverage of one eId: (anchor of its legend entry, zh, en, meaning zh, meaning en)
COVERAGE = {
    "both": (
        "双向覆盖",
        "covered both ways",
        "有规则编码，且有样例表明它适用、也有样例表明它不适用。",
        "Encoded by rules, with fixtures showing it applying and fixtures showing it not applying.",
    ),
    "one-way": (
        "单向覆盖",
        "covered one way",
        "有规则编码，但样例只表明它适用或只表明它不适用。",
        "Encoded by rules, but fixtures show it only applying, or only not applying.",
    ),
    "untested": (
        "无样例",
        "no fixture",
        "有规则编码，但没有样例涉及。",
        "Encoded by rules, but no fixture exercises it.",
    ),
    "no-rule": (
        "无规则",
        "no rule",
        "所在条文参与计算，但本款项没有规则直接引用（例如只起引导作用的导语）。",
        "Its article is computed, but no rule cites this element directly (a lead-in that only "
        "introduces its points, for instance).",
    ),
    "not-computed": (
        "不计算",
        "not computed",
        "所在条文不参与计算，原因见条文页。",
        "Its article is not computed; the article page says why.",
    ),
}


def coverage_of(ctx: SiteContext, eid: str, computed: bool) -> str:
    if not computed:
        return "not-computed"
    if not ctx.rules_by_eid.get(eid):
        return "no-rule"
    fixtures = ctx.fixtures_by_eid.get(eid, [])
    if not fixtures:
        return "untested"
    polarities = {f.polarity for f in fixtures}
    return "both" if {"applies", "does_not_apply"} <= polarities else "one-way"


def traceability_page(ctx: SiteContext) -> str:
    page = Page(TRACEABILITY, "追溯矩阵 · Traceability matrix", wide=True)
    page.heading(1, "追溯矩阵 · Traceability matrix", "traceability")
    page.para(
        "每一行是一个 eId（条、款、项或导语），依次列出编码它的规则、涉及它的测试样例、覆盖情况"
        "和所在条文的复核状态。"
        "每个单元格都是链接。"
    )
    page.para(
        "One row per eId (article, paragraph, point or lead-in): the rules that encode it, the"
        " fixtures "
        "that exercise it, its coverage and the review status of its article. Every cell is a link."
    )
    rows_data = []
    for article in ctx.policy.articles:
        for element in article["elements"]:
            rows_data.append((article, element["eid"]))
    counts: dict[str, int] = {}
    for article, eid in rows_data:
        key = coverage_of(ctx, eid, article["computed"])
        counts[key] = counts.get(key, 0) + 1
    page.heading(2, "覆盖情况 · Coverage", "coverage")
    legend = []
    for key, (zh, en, meaning_zh, meaning_en) in COVERAGE.items():
        legend.append(
            [
                f"{page.span('coverage-' + key)}**{esc(zh)} {esc(en)}**",
                f"[{counts.get(key, 0)}](#coverage-{key})",
                f"{esc(meaning_zh)}<br>{esc(meaning_en)}",
            ]
        )
    page.extend(table(["覆盖 Coverage", "eIds", "含义 Meaning"], legend))
    page.para(
        f"样例 {len(ctx.fixtures)} 个 · {len(ctx.fixtures)} fixtures; "
        f"规则 {len(ctx.policy.rules)} 条 · {len(ctx.policy.rules)} rules; "
        f"eIds: {len(rows_data)}."
    )
    page.heading(2, "矩阵 · Matrix", "matrix")
    options = ['<option value="">全部条文 all articles</option>'] + [
        f'<option value="{a["eid"]}">{html_text(a["heading"]["zh"])} '
        f"{html_text(a['heading']['en'])}</option>"
        for a in ctx.policy.articles
    ]
    coverage = ['<option value="">全部 all</option>'] + [
        f'<option value="{key}">{html_text(zh)} {html_text(en)}</option>'
        for key, (zh, en, *_) in COVERAGE.items()
    ]
    review = ['<option value="">全部 all</option>'] + [
        f'<option value="{key}">{html_text(label)}</option>' for key, label in REVIEW_SHORT.items()
    ]
    page.raw(
        '<form class="trace-filter" data-search-exclude onsubmit="return false">'
        f'<label>条文 Article <select name="article">{"".join(options)}</select></label> '
        f'<label>覆盖 Coverage <select name="coverage">{"".join(coverage)}</select></label> '
        f'<label>复核 Review <select name="review">{"".join(review)}</select></label> '
        '<span class="trace-count"></span></form>'
    )
    rows = []
    for article, eid in rows_data:
        path = article_page(article["eid"])
        rules = ctx.rules_by_eid.get(eid, [])
        rules_cell = (
            ", ".join(rule_link(ctx, TRACEABILITY, r["id"]) for r in rules)
            if rules
            else f"[0]({rel(TRACEABILITY, path, 'rules')})"
        )
        fixtures = ctx.fixtures_by_eid.get(eid, [])
        applies = sum(1 for f in fixtures if f.polarity == "applies")
        not_applies = sum(1 for f in fixtures if f.polarity == "does_not_apply")
        other = len(fixtures) - applies - not_applies
        label = f"适用 applies {applies} · 不适用 not {not_applies}"
        if other:
            label += f" · {other}"
        target = rel(TRACEABILITY, fixtures_page_of(article["eid"]), "eid-" + eid)
        fixtures_cell = f"[{label}]({target})"
        key = coverage_of(ctx, eid, article["computed"])
        zh, en, *_ = COVERAGE[key]
        status = ctx.reviews[article["eid"]].state
        rows.append(
            [
                f"{page.span('trace-' + eid)}[{code(eid)}]({rel(TRACEABILITY, path, eid)})",
                eid_link(ctx, TRACEABILITY, eid),
                rules_cell,
                fixtures_cell,
                f"[{esc(zh)} {esc(en)}](#coverage-{key})",
                f"[{esc(REVIEW_SHORT.get(status, status))}]({rel(TRACEABILITY, path, 'review')})",
            ]
        )
    # one row per provision of counts and links: found in the search, it outranked the provisions
    with page.unindexed("trace-matrix"):
        page.extend(
            table(
                [
                    "eId",
                    "条款 Provision",
                    "规则 Rules",
                    "样例 Fixtures",
                    "覆盖 Coverage",
                    "复核 Review",
                ],
                rows,
            )
        )
    return page.text()


# a rule or an element exercised by hundreds of fixtures lists the first ones and says how many more
LIST_AT_MOST = 6


def fixtures_pages(ctx: SiteContext) -> dict[str, str]:
    """The fixtures index and one page per article (each fixture under the first article it
    exercises), so that no page grows with the whole suite."""
    pages = {FIXTURES: fixtures_index(ctx)}
    for article in ctx.policy.articles:
        pages[fixtures_page_of(article["eid"])] = article_fixtures_page(ctx, article)
    return pages


# The per-article fixture pages are long tables of links. They are written as HTML, not Markdown:
# Markdown's inline pass over thousands of links was most of the site's build time. Their links
# are checked by the tests (tests/test_site_build.py), as mkdocs does not check raw HTML.


def _short_eid_link(ctx: SiteContext, page: str, eid: str) -> str:
    """11(3), 11.2, 11: compact citations for long listings (HTML)."""
    article = ctx.policy.article_of.get(eid)
    if article is None:
        return f"<code>{html_text(eid)}</code>"
    number = eid.split("__")[0].removeprefix("art_")
    rest = eid.split("__")[1] if "__" in eid else ""
    kind, _, index = rest.rpartition("_")
    label = {"point": f"{number}({index})", "para": f"{number}.{index}"}.get(kind, number)
    if rest and kind not in ("point", "para"):
        label = f"{number} {rest}"
    # in the fixture tables, whose links the style sheet keeps on one line (no class on each)
    return html_link(page, article_page(article["eid"]), eid, html_text(label))


def fixture_link(ctx: SiteContext, page: str, fixture) -> str:
    """A link to a fixture's row; the style sheet sets ids in the fixture tables as code, which
    spares a ``<code>`` in each of thousands of links."""
    target = fixtures_page_of(ctx.fixture_article[fixture.id])
    return html_link(page, target, fixture.id, html_text(fixture.id))


def _listed(ctx: SiteContext, page: str, fixtures: list) -> str:
    shown = ", ".join(fixture_link(ctx, page, f) for f in fixtures[:LIST_AT_MOST]) or "—"
    more = len(fixtures) - LIST_AT_MOST
    return shown + (f" … 另 {more} 个 · {more} more" if more > 0 else "")


def _html_table(cls: str, header: list[str], rows: list[list[str]]) -> str:
    """A table as one raw HTML block (cells are HTML), kept out of the search index."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="{cls}" data-search-exclude><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def fixtures_index(ctx: SiteContext) -> str:
    page = Page(FIXTURES, "测试样例 · Fixtures")
    page.heading(1, '测试样例 <span class="subtitle" lang="en">Fixtures</span>', "fixtures")
    page.para(
        "测试样例是带有预期结果的案件，注明它所涉及的 eId 和一句话说明，提交在 `tests/fixtures/` "
        "中，由 `accountability fixtures` 从条文中的示例和按规则生成的案件产生。其他实现可以运行同"
        "样的样例来核对结果。每个样例列在它涉及的第一条的页面上。"
    )
    page.para(
        "A fixture is a case with its expected outcome, tagged with the eIds it exercises and "
        "a sentence saying what it shows. Fixtures are committed in `tests/fixtures/`, produced by "
        "`accountability fixtures`, so that another implementation can run the same cases and "
        "compare. Each fixture is listed on the page of the first article it exercises."
    )
    if not ctx.fixtures:
        page.para("目前还没有样例。 There are no fixtures yet.")
    rows = []
    for article in ctx.policy.articles:
        mine = [f for f in ctx.fixtures if ctx.fixture_article[f.id] == article["eid"]]
        exercising = ctx.article_fixtures(article)
        rows.append(
            [
                f"[{esc(article['heading']['zh'])} {esc(article['title']['zh'])}]"
                f"({rel(FIXTURES, fixtures_page_of(article['eid']))})",
                esc(article["title"]["en"]),
                str(len(mine)),
                str(len(exercising)),
            ]
        )
    page.extend(
        table(["条 Article", "Title", "列于此 Listed here", "涉及本条 Exercising it"], rows)
    )
    return page.text()


def _generated_per_rule(ctx: SiteContext, fixtures: list) -> dict[str, list]:
    """Rule id → the fixtures generated from it (``RULE--VARIANT``), in the order given: a
    thousand cases whose sentences only restate the rule and the condition removed, shown one
    row per rule rather than one row each."""
    out: dict[str, list] = {}
    for f in fixtures:
        rule_id, dashes, variant = f.id.partition("--")
        if f.source == "generated" and dashes and variant and rule_id in ctx.rule_owner:
            out.setdefault(rule_id, []).append(f)
    return out


def article_fixtures_page(ctx: SiteContext, article: dict) -> str:
    eid = article["eid"]
    path = fixtures_page_of(eid)
    title = f"{article['heading']['zh']}的测试样例 · Fixtures of {article['heading']['en']}"
    page = Page(path, title, search_boost=0.001, wide=True, no_nav=True)
    page.heading(
        1,
        f"{esc(article['heading']['zh'])} {esc(article['title']['zh'])}的测试样例 "
        f'<span class="subtitle" lang="en">Fixtures of {esc(article["heading"]["en"])}</span>',
        "fixtures",
    )
    page.para(
        f"[条文 The article]({rel(path, article_page(eid))}) · "
        f"[全部样例 All fixtures]({rel(path, FIXTURES)}) · 文件在 `tests/fixtures/` 中 · "
        "files in `tests/fixtures/`"
    )
    fixtures = [f for f in ctx.fixtures if ctx.fixture_article[f.id] == eid]
    per_rule = _generated_per_rule(ctx, fixtures)
    grouped = {f.id for group in per_rule.values() for f in group}
    listed = [f for f in fixtures if f.id not in grouped]
    page.heading(2, "样例 · Fixtures", "list")
    polarity = {"applies": "适用 applies", "does_not_apply": "不适用 not"}
    if listed:
        rows = [
            [
                f'<code id="{page.claim(f.id)}">{html_text(f.id)}</code>',
                polarity.get(f.polarity or "", "—"),
                f"{html_text(f.sentence['zh'])}<br>{html_text(f.sentence['en'])}",
                ", ".join(_short_eid_link(ctx, path, e) for e in ctx.sort_eids(f.eids)),
            ]
            for f in listed
        ]
        page.raw(
            _html_table(
                "fixture-list",
                ["样例 Fixture", "结果 Polarity", "说明 What it shows", "条款 Provisions"],
                rows,
            )
        )
    elif not per_rule:
        page.para("本条下没有列出样例。 No fixture is listed under this article.")
    if per_rule:
        page.heading(2, "按规则生成的样例 · Generated per rule", "generated")
        page.para(
            "每条规则一组，由 `accountability fixtures` 按规则生成：`fires` 是规则适用的最小案件；"
            "`without-N-…` 是第 N 个条件单独不成立、其余条件都成立时规则不适用的案件。"
            "样例编号为“规则--变体”，文件 `规则--变体.yaml` 写明案件和预期结论。"
            " One group per rule, generated by `accountability fixtures` from the rule: `fires`"
            " is the smallest case in which the rule applies; `without-N-…` is the case in which"
            " its condition N alone fails and the rule does not apply. A fixture's id is"
            " `RULE--VARIANT`; its file, `RULE--VARIANT.yaml`, states the case and the expected"
            " conclusion."
        )
        rows = []
        for rule_id, group in per_rule.items():
            cells = {
                kind: " ".join(
                    f'<code id="{page.claim(f.id)}">{html_text(f.id.partition("--")[2])}</code>'
                    for f in group
                    if (f.polarity == "does_not_apply") == (kind == "not")
                )
                or "—"
                for kind in ("applies", "not")
            }
            eids = ctx.sort_eids({e for f in group for e in f.eids})
            rows.append(
                [
                    rule_link_html(ctx, path, rule_id),
                    cells["applies"],
                    cells["not"],
                    ", ".join(_short_eid_link(ctx, path, e) for e in eids),
                ]
            )
        page.raw(
            _html_table(
                "fixture-generated",
                ["规则 Rule", "适用 Applies", "不适用 Does not apply", "条款 Provisions"],
                rows,
            )
        )
    page.heading(2, "按条款 · By provision", "by-eid")
    rows = []
    for element in article["elements"]:
        listed = ctx.fixtures_by_eid.get(element["eid"], [])
        label = html_text(eid_label(element["eid"], "zh"))
        rows.append(
            [
                f'<span id="{page.claim("eid-" + element["eid"])}"></span>'
                + html_link(path, article_page(eid), element["eid"], label),
                _listed(ctx, path, [f for f in listed if f.polarity != "does_not_apply"]),
                _listed(ctx, path, [f for f in listed if f.polarity == "does_not_apply"]),
            ]
        )
    page.raw(
        _html_table(
            "fixture-index", ["条款 Provision", "适用 Applies", "不适用 Does not apply"], rows
        )
    )
    if article["rules"]:
        page.heading(2, "按规则 · By rule", "by-rule")
        page.para(
            "每条规则在哪些样例中被触发（fired）。没有样例触发的规则可能编码有误而无人察觉。"
            " The fixtures in which each rule fired. A rule no fixture fires may be wrong without "
            "anyone noticing."
        )
        rows = []
        for rule in article["rules"]:
            fired = ctx.fired_by.get(rule["id"], [])
            rows.append(
                [
                    f'<span id="{page.claim("rule-" + rule["id"])}"></span>'
                    + rule_link_html(ctx, path, rule["id"]),
                    str(len(fired)),
                    _listed(ctx, path, fired),
                ]
            )
        page.raw(_html_table("fixture-index", ["规则 Rule", "次数 Count", "样例 Fixtures"], rows))
    return page.text()
