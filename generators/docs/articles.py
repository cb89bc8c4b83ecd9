"""One page per article: the text at its eIds, and everything the encoding says about it.

A legal officer reviewing an article should find on one page the official wording and its
translation, each paragraph and point at a stable anchor (the eId), the rules that encode it with
their readings and Datalog, which rule displaces which, the fixtures that exercise it, the
interpretation choices that touch it with their open questions, the drafting anomalies, and the
review record.
"""

from __future__ import annotations

import html
from typing import Any

from engine.answer.names import eid_label
from generators.docs.aliases import article_aliases, element_aliases
from generators.docs.context import (
    ANOMALIES,
    ARTICLES_INDEX,
    DEPENDENCIES,
    EXAMPLES_INDEX,
    KIND_LABELS,
    NORMALISATION,
    PROCEDURE,
    REVIEW_LABELS,
    SiteContext,
    article_page,
    example_page,
    fixtures_page_of,
    parameter_page,
)
from generators.docs.diagrams import exception_tree_svg, procedure_timeline_svg
from generators.docs.markdown import (
    Page,
    both,
    code,
    esc,
    html_link,
    html_text,
    reading_html,
    rel,
    table,
)
from generators.docs.review import review_section_lines

# The regulation itself should come first in search results, before examples and reference pages
# that quote it.
ARTICLE_SEARCH_BOOST = 10


def article_title(article: dict[str, Any], lang: str) -> str:
    if lang == "zh":
        return f"{article['heading']['zh']} {article['title']['zh']}"
    return f"{article['heading']['en']} — {article['title']['en']}"


def short_title(article: dict[str, Any]) -> str:
    """For the navigation: 第十一条 责任划分."""
    return article_title(article, "zh")


def rule_link(ctx: SiteContext, page: str, rule_id: str) -> str:
    owner = ctx.rule_owner[rule_id]
    return f"[{code(rule_id)}]({rel(page, article_page(owner), rule_id)})"


def rule_link_html(ctx: SiteContext, page: str, rule_id: str) -> str:
    """``rule_link`` for raw HTML blocks."""
    owner = ctx.rule_owner[rule_id]
    return html_link(page, article_page(owner), rule_id, f"<code>{html_text(rule_id)}</code>")


def eid_link(ctx: SiteContext, page: str, eid: str, lang: str = "both") -> str:
    """A link to a provision at its anchor, labelled as a legal citation."""
    article = ctx.policy.article_of.get(eid)
    if article is None:  # instrument-level places (title, preamble) live on the anomalies page
        return code(eid)
    label = {
        "zh": esc(eid_label(eid, "zh")),
        "en": esc(eid_label(eid, "en")),
    }.get(lang, both(eid_label(eid, "zh"), eid_label(eid, "en"), " "))
    return f"[{label}]({rel(page, article_page(article['eid']), eid)})"


def yes_no(value: bool) -> str:
    return "是 yes" if value else "否 no"


def article_pages(ctx: SiteContext) -> dict[str, str]:
    pages = {ARTICLES_INDEX: articles_index(ctx)}
    for article in ctx.policy.articles:
        pages[article_page(article["eid"])] = article_markdown(ctx, article)
    return pages


def articles_index(ctx: SiteContext) -> str:
    page = Page(ARTICLES_INDEX, "条文 · Articles")
    page.heading(1, "条文 · Articles", "articles")
    page.para(
        "全部十九条，每条一页：正式中文文本与英文译文并列，逐款逐项标注 eId，并列出编码规则、例"
        "外关系、"
        "测试样例、解释参数、起草异常和复核记录。"
    )
    page.para(
        "Every article has a page: the official Chinese text beside an English translation, each "
        "paragraph and point anchored at its eId, with the rules that encode it, the "
        "exceptions, the "
        "fixtures, the interpretation parameters, the drafting anomalies and the review record."
    )
    rows = []
    for article in ctx.policy.articles:
        path = article_page(article["eid"])
        kind_zh, kind_en = KIND_LABELS[article["kind"]]
        status_zh, status_en = REVIEW_LABELS[ctx.reviews[article["eid"]].state]
        rows.append(
            [
                f"[{esc(article_title(article, 'zh'))}]({rel(ARTICLES_INDEX, path)})",
                esc(article["title"]["en"]),
                both(kind_zh, kind_en, " "),
                f"[{yes_no(article['computed'])}]({rel(ARTICLES_INDEX, path, 'rules')})",
                f"[{len(article['rules'])}]({rel(ARTICLES_INDEX, path, 'rules')})",
                f"[{len(ctx.article_fixtures(article))}]({rel(ARTICLES_INDEX, path, 'fixtures')})",
                f"[{len(article['anomalies'])}]({rel(ARTICLES_INDEX, path, 'anomalies')})",
                f"[{both(status_zh, status_en, ' ')}]({rel(ARTICLES_INDEX, path, 'review')})",
            ]
        )
    page.extend(
        table(
            [
                "条 Article",
                "Title",
                "类别 Kind",
                "计算 Computed",
                "规则 Rules",
                "样例 Fixtures",
                "异常 Anomalies",
                "复核 Review",
            ],
            rows,
        )
    )
    return page.text()


def article_markdown(ctx: SiteContext, article: dict[str, Any]) -> str:
    eid = article["eid"]
    path = article_page(eid)
    title = f"{article_title(article, 'zh')} · {article_title(article, 'en')}"
    aliases = article_aliases(article)
    for element in article["elements"]:
        aliases += [a for a in element_aliases(element["eid"]) if a not in aliases]
    page = Page(path, title, search_boost=ARTICLE_SEARCH_BOOST, tags=aliases)
    page.heading(
        1,
        f"{esc(article_title(article, 'zh'))} "
        f'<span class="subtitle" lang="en">{esc(article_title(article, "en"))}</span>',
        eid,
    )
    _text(ctx, page, article)
    _summary(ctx, page, article)
    _exceptions(ctx, page, article)
    _anomalies(ctx, page, article)
    _parameters(ctx, page, article)
    _rules(ctx, page, article)
    _fixtures(ctx, page, article)
    _examples(ctx, page, article)
    page.heading(2, "复核记录 · Review", "review")
    page.extend(review_section_lines(ctx.reviews[eid], ctx.policy.review_fingerprints[eid]))
    return page.text()


def _summary(ctx: SiteContext, page: Page, article: dict[str, Any]) -> None:
    kind_zh, kind_en = KIND_LABELS[article["kind"]]
    status_zh, status_en = REVIEW_LABELS[ctx.reviews[article["eid"]].state]
    parts = [
        f"类别 Kind: {both(kind_zh, kind_en, ' ')}",
        f"计算 Computed: {yes_no(article['computed'])}",
        f"规则 Rules: [{len(article['rules'])}](#rules)",
        f"样例 Fixtures: [{len(ctx.article_fixtures(article))}]"
        f"({rel(page.path, fixtures_page_of(article['eid']))})",
        f"异常 Anomalies: [{len(article['anomalies'])}](#anomalies)",
        f"复核 Review: [{both(status_zh, status_en, ' ')}](#review)",
    ]
    page.para(" · ".join(parts) + '\n{: .article-summary data-search-exclude="true" }')
    if not article["computed"]:
        reason = article["not_computed_reason"]
        page.extend(
            [
                '!!! note "不计算 · Not computed"',
                "",
                f"    {esc(reason['zh'])}",
                "",
                f"    {esc(reason['en'])}",
            ]
        )


def _text(ctx: SiteContext, page: Page, article: dict[str, Any]) -> None:
    """The official text, element by element, each followed by its folded counts line."""
    for element in article["elements"]:
        eid = element["eid"]
        aliases = element_aliases(eid)
        hidden = f' <span class="search-alias">{esc(" ".join(aliases))}</span>' if aliases else ""
        page.heading(
            3,
            f'{esc(eid_label(eid, "zh"))} <span class="subtitle" lang="en">'
            f"{esc(eid_label(eid, 'en'))}</span>{hidden}",
            eid,
            "provision-heading",
        )
        page.raw(
            '<div class="provision">'
            f'<p class="provision-zh" lang="zh-CN">'
            f"{_marked_text(page, element['text']['zh'], ctx.anomalies_by_eid.get(eid, []))}</p>"
            f'<p class="provision-en" lang="en">{html_text(element["text"]["en"])}</p>'
            "</div>"
        )
        more = element_details(ctx, page.path, article, eid)
        if more:
            page.raw(more)
    page.raw(
        '<p class="text-note" data-search-exclude>'
        "正式中文文本（转换造成的格式问题已按"
        + html_link(page.path, NORMALISATION, None, "规范化记录")
        + "修正），其下为非官方英文译文。每项下方的计数可展开。 "
        '<span lang="en">Official Chinese text (conversion artefacts corrected as the '
        + html_link(page.path, NORMALISATION, None, "normalisation log")
        + " records); beneath each element an unofficial English translation, and counts that "
        "open in place.</span></p>"
    )


def _marked_text(page: Page, text: str, anomalies: list[dict[str, Any]]) -> str:
    """The official text with each anomaly's excerpt underlined and linked to its note; where two
    excerpts overlap, the first one found is marked."""
    plain = " ".join(str(text).split())
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for anomaly in anomalies:
        excerpt = " ".join(str(anomaly["excerpt"]).split())
        start = plain.find(excerpt) if excerpt else -1
        if start < 0:
            continue
        end = start + len(excerpt)
        if any(start < e and s < end for s, e, _ in spans):
            continue
        spans.append((start, end, anomaly))
    out, at = [], 0
    for start, end, anomaly in sorted(spans, key=lambda span: span[0]):
        title = html_text(anomaly["question"]["zh"])
        out.append(html.escape(plain[at:start], quote=True))
        out.append(
            f'<a class="anomaly-mark" href="#{anomaly["id"]}" title="{title}">'
            f"{html.escape(plain[start:end], quote=True)}</a>"
            f'<sup class="anomaly-note"><a href="#{anomaly["id"]}">异</a></sup>'
        )
        at = end
    out.append(html.escape(plain[at:], quote=True))
    return "".join(out)


def element_details(ctx: SiteContext, path: str, article: dict[str, Any], eid: str) -> str:
    """规则 n · 参数 n · 样例 n · 异常 n, opening in place to everything about one element."""
    rules = ctx.rules_by_eid.get(eid, [])
    params = ctx.parameters_for_element(eid)
    fixtures = ctx.fixtures_by_eid.get(eid, [])
    anomalies = ctx.anomalies_by_eid.get(eid, [])
    normalised = ctx.normalisation_by_eid.get(eid, [])
    if not (rules or params or fixtures or anomalies or normalised):
        return ""
    counts = (
        f'<span class="count">规则 {len(rules)}</span> · '
        f'<span class="count">参数 {len(params)}</span> · '
        f'<span class="count">样例 {len(fixtures)}</span> · '
        f'<span class="count">异常 {len(anomalies)}</span>'
    )
    parts = [
        # the search theme's parser loses track when an excluded element holds another of its
        # own tag: exclude a <div> holding the <details>, and put no <div> inside
        f'<div class="element-more-wrap" data-search-exclude><details class="element-more" '
        f'data-eid="{eid}">',
        f'<summary title="rules · parameters · fixtures · anomalies">{counts}</summary>',
    ]
    if rules:
        parts.append(
            '<p class="more-head">读法 <span lang="en">Readings</span></p><ol class="readings">'
        )
        for rule in rules:
            rid = rule_link_html(ctx, path, rule["id"])
            zh, en = (_reading(ctx, rule, lang) for lang in ("zh", "en"))
            parts.append(
                f'<li><span lang="zh-CN">{zh}</span>'
                f'<br><span lang="en">{en}</span> '
                f'<span class="rule-id">{rid}</span>'
                f'<details class="datalog"><summary>Datalog</summary>'
                f"<pre><code>{html.escape(rule['datalog'].rstrip())}</code></pre></details></li>"
            )
        parts.append("</ol>")
    if params:
        parts.append(
            '<p class="more-head">参数 <span lang="en">Parameters</span></p><ul class="params">'
        )
        for param in params:
            link = html_link(
                path, parameter_page(param["id"]), None, html_text(param["title"]["zh"])
            )
            parts.append(
                f'<li>{link} <span lang="en">{html_text(param["title"]["en"])}</span>'
                f" — 默认 default: {html_text(option_words(param, param['default']))}</li>"
            )
        parts.append("</ul>")
    if fixtures:
        applies = sum(1 for f in fixtures if f.polarity == "applies")
        not_applies = sum(1 for f in fixtures if f.polarity == "does_not_apply")
        link = html_link(
            path,
            fixtures_page_of(article["eid"]),
            "eid-" + eid,
            f"{len(fixtures)} 个样例 fixtures",
        )
        parts.append(
            f'<p class="more-head">样例 <span lang="en">Fixtures</span></p><p>{link}：适用 applies {applies} · '
            f"不适用 does not apply {not_applies}</p>"
        )
    if anomalies:
        parts.append(
            '<p class="more-head">异常 <span lang="en">Anomalies</span></p><ul class="anomalies">'
        )
        for anomaly in anomalies:
            settle = ctx.parameters_at(anomaly["eid"])
            extra = ""
            if settle:
                extra = " · 相关参数 parameters: " + "、".join(
                    html_link(path, parameter_page(p["id"]), None, html_text(p["title"]["zh"]))
                    for p in settle
                )
            parts.append(
                f'<li><a href="#{anomaly["id"]}">「{html_text(anomaly["excerpt"])}」</a> '
                f"{html_text(anomaly['question']['zh'])}{extra}</li>"
            )
        parts.append("</ul>")
    if normalised:
        parts.append(
            '<p class="normalised">规范化 Normalised: '
            + ", ".join(
                html_link(path, NORMALISATION, n["id"], f"<code>{html_text(n['id'])}</code>")
                for n in normalised
            )
            + "</p>"
        )
    parts.append("</details></div>")
    return "".join(parts)


def option_words(param: dict[str, Any], value: Any) -> str:
    """A parameter value as words (the option's label), not as the raw value."""
    for option in param.get("options", []):
        if option["value"] == value:
            return f"{option['label']['zh']} · {option['label']['en']}"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if value is None:
        return "无 none"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "无 none"
    return str(value)


def _exceptions(ctx: SiteContext, page: Page, article: dict[str, Any]) -> None:
    diagram = exception_tree_svg(ctx.policy, article, page.path)
    timeline = article["eid"] in {
        m["eid"].split("__")[0] for m in ctx.policy.presentation["timeline"]["milestones"]
    }
    if diagram is None and not timeline:
        return
    if diagram is not None:
        page.heading(2, "例外关系 · Exceptions", "exceptions")
        page.para(
            "左侧是默认规则，右侧是排除它的例外规则（规则的 `displaces` 字段）。例外适用时，默"
            "认规则"
            "通过分层否定（stratified negation）不再得出结论。点击方框可跳到该规则。"
        )
        page.para(
            "Default rules on the left; the exceptions that displace them (each rule's "
            "`displaces`) to "
            "their right. When an exception applies, the default no longer concludes, through "
            "stratified negation. Click a box to go to the rule."
        )
        page.raw(f'<div class="diagram" data-search-exclude>\n{diagram}\n</div>')
        items = []
        for rule in ctx.policy.rules:
            for displaced in rule.get("displaces", []):
                mine = {r["id"] for r in article["rules"]}
                if rule["id"] in mine or displaced in mine:
                    items.append(
                        f"- {rule_link(ctx, page.path, rule['id'])} 排除 displaces "
                        f"{rule_link(ctx, page.path, displaced)}"
                    )
        page.extend(items)
    if timeline:
        page.heading(2, "程序时间线 · Procedure timeline", "timeline")
        page.para(
            "第十五条、第十八条、第十九条的程序步骤和期限；期限取自引擎在默认解释参数下使用的计算规则。"
            f"详见[程序页]({rel(page.path, PROCEDURE)})。 The steps and time limits of Arts. "
            "15, 18 and "
            "19, as the engine counts them under the default interpretation parameters; see the "
            f"[procedure page]({rel(page.path, PROCEDURE)})."
        )
        page.raw(
            '<div class="diagram" data-search-exclude>\n'
            + procedure_timeline_svg(ctx.policy, page.path)
            + "\n</div>"
        )


def _rules(ctx: SiteContext, page: Page, article: dict[str, Any]) -> None:
    page.heading(2, "编码规则 · Rules", "rules")
    if not article["rules"]:
        page.para("本条没有编码规则。 This article has no rules.")
        return
    page.para(
        "每条规则都以标准 Datalog 书写，并注明所依据的 eId 和读法；引擎解释结论时使用这些读法。"
        f"[谓词依赖图]({rel(page.path, DEPENDENCIES)})显示各谓词之间的关系。 Each rule is standard "
        "Datalog with the eIds it encodes and a reading, which the engine uses to phrase its "
        f"explanations; the [dependency graph]({rel(page.path, DEPENDENCIES)}) shows how the "
        "predicates connect."
    )
    for rule in article["rules"]:
        rid = rule["id"]
        page.heading(3, code(rid), rid, "rule-heading")
        facts = ["依据 Cites: " + ", ".join(eid_link(ctx, page.path, e) for e in rule["cites"])]
        if rule.get("displaces"):
            facts.append(
                "排除 Displaces: "
                + ", ".join(rule_link(ctx, page.path, d) for d in rule["displaces"])
            )
        if ctx.displaced_by.get(rid):
            facts.append(
                "被排除 Displaced by: "
                + ", ".join(rule_link(ctx, page.path, d) for d in ctx.displaced_by[rid])
            )
        if rule.get("parameters"):
            facts.append(
                "参数 Parameters: "
                + ", ".join(
                    f"[{code(p)}]({rel(page.path, parameter_page(p))})" for p in rule["parameters"]
                )
            )
        if rule.get("editions"):
            facts.append("版本 Editions: " + ", ".join(code(e) for e in rule["editions"]))
        fired = ctx.fired_by.get(rid, [])
        target = rel(page.path, fixtures_page_of(article["eid"]), "rule-" + rid)
        facts.append(f"触发样例 Fired in fixtures: [{len(fired)}]({target})")
        page.para(" · ".join(facts) + '\n{: .rule-facts data-search-exclude="true" }')
        zh, en = (_reading(ctx, rule, lang, markdown=True) for lang in ("zh", "en"))
        page.para(f'读作：{zh}  \n<span lang="en">Reads: {en}</span>')
        # the Datalog is folded under the elements the rule cites (their counts line); here only
        # for a rule that cites no element of this article
        own = {e["eid"] for e in article["elements"]}
        if not own.intersection(rule["cites"]):
            fence = "```"
            while fence in rule["datalog"]:
                fence += "`"
            body = [f"{fence}prolog", *rule["datalog"].rstrip("\n").split("\n"), fence]
            page.extend(['??? datalog "Datalog"', "", *("    " + line for line in body)])
        if rule.get("note"):
            page.para(f"说明：{esc(rule['note']['zh'])}  \nNote: {esc(rule['note']['en'])}")


def _fixtures(ctx: SiteContext, page: Page, article: dict[str, Any]) -> None:
    page.heading(2, "测试样例 · Fixtures", "fixtures")
    fixtures = ctx.article_fixtures(article)
    if not fixtures:
        page.para(
            "尚无测试样例涉及本条（`tests/fixtures/`）。 No fixture in `tests/fixtures/` "
            "exercises this "
            "article yet."
        )
        return
    page.para(
        "以下测试样例涉及本条的条款（样例文件见 `tests/fixtures/`，由 `accountability fixtures"
        "` 生成）。"
        " These fixtures exercise provisions of this article (files in `tests/fixtures/`, "
        "produced by "
        "`accountability fixtures`)."
    )
    applies = sum(1 for f in fixtures if f.polarity == "applies")
    not_applies = sum(1 for f in fixtures if f.polarity == "does_not_apply")
    page.para(
        f"[本条的 {len(fixtures)} 个样例 · the {len(fixtures)} fixtures of this article]"
        f"({rel(page.path, fixtures_page_of(article['eid']))})："
        f"适用 applies {applies} · 不适用 does not apply {not_applies}。"
    )


def _polarity(polarity: str | None) -> str:
    return {
        "applies": "适用 applies",
        "does_not_apply": "不适用 does not apply",
    }.get(polarity or "", "—")


def _examples(ctx: SiteContext, page: Page, article: dict[str, Any]) -> None:
    examples = ctx.article_examples(article)
    if not examples:
        return
    page.heading(2, "示例案件 · Worked examples", "examples")
    page.para(
        f"[示例案件]({rel(page.path, EXAMPLES_INDEX)})中，答案引用了本条的以下案件。 "
        f"[Examples]({rel(page.path, EXAMPLES_INDEX)}) whose answers cite this article."
    )
    items = []
    for example in examples:
        items.append(
            f"- [{esc(example.title['zh'])} · {esc(example.title['en'])}]"
            f"({rel(page.path, example_page(example.stem))})"
        )
    # example titles name other articles' subjects; keep them out of this article's search hits
    with page.unindexed("example-list"):
        page.extend(items)


def _parameters(ctx: SiteContext, page: Page, article: dict[str, Any]) -> None:
    page.heading(2, "解释参数 · Interpretation parameters", "parameters")
    params = ctx.parameters_for_article(article)
    if not params:
        page.para("没有解释参数涉及本条。 No interpretation parameter touches this article.")
        return
    page.para(
        "条文未作规定或有歧义之处，由命名的解释参数决定，可在查询时逐项改变（`--param "
        "NAME=VALUE`）。"
        "每个参数都附有待法务人员确认的问题。 Where the text is silent or ambiguous, a named "
        "parameter decides; each can be changed per query (`--param NAME=VALUE`) and carries the "
        "question legal officers are asked to settle."
    )
    # each parameter is found in the search on its own page: listed here too, every article it
    # touches would outrank it
    with page.unindexed("parameter-list"):
        for param in params:
            head = (
                f"**[{esc(param['title']['zh'])} · {esc(param['title']['en'])}]"
                f"({rel(page.path, parameter_page(param['id']))})** ({code(param['id'])})"
            )
            label = option_label(param, param["default"])
            lines = [
                head + "  ",
                f"默认 Default: {label}  ",
                f"待确认问题：{esc(param['question']['zh'])}  ",
                f"Open question: {esc(param['question']['en'])}",
            ]
            page.para("\n".join(lines))


def option_label(param: dict[str, Any], value: Any) -> str:
    for option in param.get("options", []):
        if option["value"] == value:
            return f"{code(value)} — {both(option['label']['zh'], option['label']['en'])}"
    if isinstance(value, bool):
        return code("true" if value else "false")
    if isinstance(value, list):
        return ", ".join(code(v) for v in value) or "[]"
    return code("null" if value is None else value)


def _anomalies(ctx: SiteContext, page: Page, article: dict[str, Any]) -> None:
    page.heading(2, "起草异常 · Drafting anomalies", "anomalies")
    if not article["anomalies"]:
        page.para("本条未发现起草异常。 No drafting anomaly was found in this article.")
        return
    page.para(
        "文本中疑似错漏、含糊或过时之处，原样保留并提出问题"
        f"（[全部异常]({rel(page.path, ANOMALIES)})）。 Apparent slips, ambiguities and obsolete "
        "references, kept as written and raised as questions "
        f"([all anomalies]({rel(page.path, ANOMALIES)}))."
    )
    for anomaly in article["anomalies"]:
        page.heading(3, code(anomaly["id"]), anomaly["id"], "anomaly-heading")
        page.para(
            f"位置 Where: {eid_link(ctx, page.path, anomaly['eid'])} · "
            f"摘录 Excerpt: 「{esc(anomaly['excerpt'])}」"
        )
        page.para(f"{esc(anomaly['description']['zh'])}  \n{esc(anomaly['description']['en'])}")
        page.para(
            f"问题：{esc(anomaly['question']['zh'])}  \nQuestion: {esc(anomaly['question']['en'])}"
        )
        settle = ctx.parameters_at(anomaly["eid"])
        if settle:
            page.para(
                "由解释参数处理 Settled by the parameters: "
                + "、".join(
                    f"[{esc(p['title']['zh'])}]({rel(page.path, parameter_page(p['id']))})"
                    for p in settle
                )
            )


def _reading(ctx, rule: dict, lang: str, markdown: bool = False) -> str:
    """A rule's reading for the site: its variables marked, each with the domain of the argument
    it fills (whose description ``site.js`` shows as its tooltip)."""
    domains = ctx.policy.rule_variable_domains.get(rule["id"], {})
    return reading_html(rule["reads"][lang], domains, markdown=markdown)
