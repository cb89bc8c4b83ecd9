"""The traceability matrix and the fixtures page: from every eId to its rules, fixtures, coverage
and review, and from every fixture and rule back again. Every cell is a link, so a reviewer can
walk from a sentence of the regulation to the Datalog that encodes it and the cases that prove
it, and back."""

from __future__ import annotations

from generators.docs.articles import eid_link, rule_link
from generators.docs.context import (
    FIXTURES,
    TRACEABILITY,
    SiteContext,
    article_page,
)
from generators.docs.markdown import Page, code, esc, rel, table

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
        fixtures_cell = f"[{label}]({rel(TRACEABILITY, FIXTURES, 'eid-' + eid)})"
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


def fixtures_page(ctx: SiteContext) -> str:
    page = Page(FIXTURES, "测试样例 · Fixtures", wide=True)
    page.heading(1, "测试样例 · Fixtures", "fixtures")
    page.para(
        "测试样例是带有预期结果的案件，注明它所涉及的 eId 和一句话说明，提交在 `tests/fixtures"
        "/` 中，"
        "由 `accountability fixtures` 从条文中的示例和按规则生成的案件产生。其他实现可以运行同"
        "样的样例来核对结果。"
    )
    page.para(
        "A fixture is a case with its expected outcome, tagged with the eIds it exercises and "
        "a sentence "
        "saying what it shows. Fixtures are committed in `tests/fixtures/`, produced by "
        "`accountability fixtures` from the worked examples in the article files and from cases "
        "generated per rule, so that another implementation can run the same cases and compare."
    )
    if not ctx.fixtures:
        page.para(
            "目前 `tests/fixtures/` 中还没有样例。 There are no fixtures in `tests/fixtures/` yet."
        )
    page.heading(2, "按条文 · By article", "by-article")
    by_article: dict[str, list] = {}
    for fixture in ctx.fixtures:
        eids = ctx.sort_eids(fixture.eids)
        first = ctx.policy.article_of.get(eids[0])["eid"] if eids else "other"
        by_article.setdefault(first, []).append(fixture)
    for article in ctx.policy.articles:
        fixtures = by_article.get(article["eid"], [])
        if not fixtures:
            continue
        heading = (
            f"{article['heading']['zh']} {article['title']['zh']} · {article['heading']['en']}"
        )
        page.heading(3, esc(heading), f"fx-{article['eid']}")
        rows = []
        for fixture in fixtures:
            rows.append(
                [
                    page.span(fixture.id) + code(fixture.id),
                    {"applies": "适用 applies", "does_not_apply": "不适用 not"}.get(
                        fixture.polarity or "", "—"
                    ),
                    f"{esc(fixture.sentence['zh'])}<br>{esc(fixture.sentence['en'])}",
                    ", ".join(
                        eid_link(ctx, FIXTURES, e, "en") for e in ctx.sort_eids(fixture.eids)
                    ),
                    code(fixture.path),
                ]
            )
        page.extend(
            table(
                ["样例 Fixture", "结果 Polarity", "说明 What it shows", "条款 eIds", "文件 File"],
                rows,
            )
        )
    page.heading(2, "按条款 · By eId", "by-eid")
    rows = []
    for article in ctx.policy.articles:
        for element in article["elements"]:
            eid = element["eid"]
            fixtures = ctx.fixtures_by_eid.get(eid, [])
            applies = [f for f in fixtures if f.polarity != "does_not_apply"]
            not_applies = [f for f in fixtures if f.polarity == "does_not_apply"]
            rows.append(
                [
                    page.span("eid-" + eid) + eid_link(ctx, FIXTURES, eid),
                    ", ".join(f"[{code(f.id)}](#{f.id})" for f in applies) or "—",
                    ", ".join(f"[{code(f.id)}](#{f.id})" for f in not_applies) or "—",
                ]
            )
    page.raw('<div class="fixture-index" data-search-exclude markdown>')
    page.extend(table(["条款 eId", "适用 Applies", "不适用 Does not apply"], rows))
    page.raw("</div>")
    page.heading(2, "按规则 · By rule", "by-rule")
    page.para(
        "每条规则在哪些样例中被触发（fired）。没有样例触发的规则可能编码有误而无人察觉。"
        " The fixtures in which each rule fired. A rule no fixture fires may be wrong without "
        "anyone "
        "noticing."
    )
    fired_by: dict[str, list] = {}
    for fixture in ctx.fixtures:
        for rule_id in fixture.fired_rules:
            fired_by.setdefault(rule_id, []).append(fixture)
    rows = []
    for rule in ctx.policy.rules:
        fixtures = fired_by.get(rule["id"], [])
        rows.append(
            [
                page.span("rule-" + rule["id"]) + rule_link(ctx, FIXTURES, rule["id"]),
                str(len(fixtures)),
                ", ".join(f"[{code(f.id)}](#{f.id})" for f in fixtures) or "—",
            ]
        )
    page.raw('<div class="fixture-index" data-search-exclude markdown>')
    page.extend(table(["规则 Rule", "次数 Count", "样例 Fixtures"], rows))
    page.raw("</div>")
    return page.text()
