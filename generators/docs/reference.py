"""Reference pages: vocabulary, dependency graph, parameters, anomalies, normalisation log,
changelog, procedure. Each is a plain listing of one part of the Policy, with an anchor per entry
so that every other page (and every answer) can point at it."""

from __future__ import annotations

from typing import Any

from engine.answer.periods import relied_on
from engine.policy.citation import eid_label
from generators.docs.articles import eid_link, rule_link_html
from generators.docs.context import (
    ANOMALIES,
    CHANGELOG,
    DEPENDENCIES,
    NORMALISATION,
    PROCEDURE,
    VOCABULARY,
    SiteContext,
    article_page,
    parameter_page,
)
from generators.docs.diagrams import (
    default_period_rules,
    dependency_graph_svg,
    period_label,
    procedure_timeline_svg,
)
from generators.docs.markdown import (
    Page,
    both,
    code,
    esc,
    html_code,
    html_link,
    html_text,
    rel,
    table,
)


def reference_pages(ctx: SiteContext) -> dict[str, str]:
    return {
        VOCABULARY: vocabulary_page(ctx),
        DEPENDENCIES: dependencies_page(ctx),
        ANOMALIES: anomalies_page(ctx),
        NORMALISATION: normalisation_page(ctx),
        CHANGELOG: changelog_page(ctx),
        PROCEDURE: procedure_page(ctx),
    }


# ── vocabulary ────────────────────────────────────────────────────────────────────────────────────


def vocabulary_page(ctx: SiteContext) -> str:
    page = Page(VOCABULARY, "词汇 · Vocabulary")
    page.heading(1, "词汇 · Vocabulary", "vocabulary")
    vocabulary = ctx.policy.vocabulary
    predicates = sorted(vocabulary["predicates"], key=lambda p: p["name"])
    inputs = sum(1 for p in predicates if p["kind"] == "input")
    page.para(
        f"规则使用的全部 {len(predicates)} 个谓词：{inputs} 个输入谓词（由案件文件得出的事实，"
        "规则不得推出）和 "
        f"{len(predicates) - inputs} 个推导谓词（只由条文规则得出的结论），以及它们参数的取值域。"
        f"[依赖图]({rel(VOCABULARY, DEPENDENCIES)})显示谁依赖谁。"
    )
    page.para(
        f"All {len(predicates)} predicates the rules use: {inputs} input predicates (facts "
        "taken from "
        f"the case file, never concluded by a rule) and {len(predicates) - inputs} derived "
        "predicates "
        "(conclusions, defined only by the articles' rules), with the domains of their "
        "arguments. The "
        f"[dependency graph]({rel(VOCABULARY, DEPENDENCIES)}) shows what rests on what."
    )
    page.heading(2, "取值域 · Domains", "domains")
    rows = []
    labels = ctx.policy.labels
    for domain in vocabulary["domains"]:
        values = ", ".join(
            code(v) + (f" {esc(labels[v]['zh'])}" if v in labels else "")
            for v in domain.get("values", [])
        )
        rows.append(
            [
                page.span("domain-" + domain["name"]) + code(domain["name"]),
                code(domain["base"]),
                values or "—",
                f"{esc(domain['description']['zh'])}<br>{esc(domain['description']['en'])}",
            ]
        )
    page.extend(table(["域 Domain", "类型 Base", "取值 Values", "说明 Description"], rows))
    page.heading(2, "谓词 · Predicates", "predicates")
    index = ", ".join(f"[{code(p['name'])}](#{p['name']})" for p in predicates)
    page.para(index)
    uses = ctx.predicate_rules
    # each predicate's lines are one raw HTML block: Markdown's inline pass over its links to rules
    # was most of this page's conversion time (the tests check every link of the built site)
    for pred in predicates:
        name = pred["name"]
        page.heading(3, code(name), name, "predicate-heading")
        args = ", ".join(
            f"{html_text(a['name'])}: "
            + html_link(
                VOCABULARY,
                VOCABULARY,
                f"domain-{a['domain']}",
                f"<code>{html_text(a['domain'])}</code>",
            )
            for a in pred["args"]
        )
        kind = "输入 input" if pred["kind"] == "input" else "推导 derived"
        acyclic = " · 无环 acyclic" if pred.get("acyclic") else ""
        lines = [
            f"<p><code>{html_text(name)}</code>({args}) · {kind}{acyclic}</p>",
            f"<p>{html_text(pred['description']['zh'])}<br>\n{html_text(pred['description']['en'])}</p>",
        ]
        found = uses.get(name, {"defined": [], "used": []})
        if found["defined"]:
            lines.append(
                "<p>由以下规则得出 Concluded by: "
                + ", ".join(rule_link_html(ctx, VOCABULARY, r) for r in found["defined"])
                + "</p>"
            )
        if found["used"]:
            lines.append(
                "<p>被以下规则使用 Used by: "
                + ", ".join(rule_link_html(ctx, VOCABULARY, r) for r in found["used"])
                + "</p>"
            )
        if not found["defined"] and not found["used"]:
            lines.append("<p>没有规则使用。 No rule uses it.</p>")
        # the search finds a predicate by its name (the heading); its description, searched,
        # put the vocabulary before the articles whose words it repeats
        page.raw("\n".join(["<div data-search-exclude>", *lines, "</div>"]))
    return page.text()


def dependencies_page(ctx: SiteContext) -> str:
    page = Page(DEPENDENCIES, "谓词依赖图 · Predicate dependency graph")
    page.heading(1, "谓词依赖图 · Predicate dependency graph", "dependencies")
    rules = ctx.policy.program.rules
    page.para(
        f"由编译后的规则程序（{len(rules)} 条子句）生成：每个谓词一个方框，从左到右按依赖分层—"
        "—最左是输入谓词，"
        "每个结论都在它所依赖的谓词右侧；实线表示肯定使用，红色虚线表示否定使用（`not …`），"
        "同层之间的弧线表示递归。点击方框可跳到词汇表中的该谓词。"
    )
    page.para(
        f"Drawn from the compiled rule program ({len(rules)} clauses): one box per predicate, "
        "in layers "
        "from left to right — inputs on the far left, each conclusion to the right of "
        "everything it "
        "rests on. Solid arrows are positive uses, dashed red arrows negated ones (`not …`), "
        "and loops "
        "show recursion. Click a box to open the predicate in the vocabulary."
    )
    # one graph per article rather than one tangle of every predicate: each shows the
    # predicates that article's rules conclude and what they rest on
    for article in ctx.policy.articles:
        mine = [r for r in rules if ctx.rule_owner.get(r.id) == article["eid"]]
        if not mine:
            continue
        zh, en = eid_label(article["eid"], "zh"), eid_label(article["eid"], "en")
        page.heading(
            2,
            f"[{esc(zh)} {esc(article['title']['zh'])}]({rel(DEPENDENCIES, article_page(article['eid']))})"
            f' <span class="subtitle" lang="en">{esc(en)}</span>',
            f"graph-{article['eid']}",
        )
        page.raw(
            '<div class="diagram" data-search-exclude>\n'
            + dependency_graph_svg(
                mine, ctx.policy, DEPENDENCIES, f"{zh}的谓词依赖 · Predicates of {en}"
            )
            + "\n</div>"
        )
    return page.text()


# ── anomalies ─────────────────────────────────────────────────────────────────────────────────────


def anomalies_page(ctx: SiteContext) -> str:
    page = Page(ANOMALIES, "起草异常 · Drafting anomalies")
    page.heading(1, "起草异常 · Drafting anomalies", "anomalies")
    instrument = ctx.policy.instrument
    total = len(instrument["anomalies"]) + sum(len(a["anomalies"]) for a in ctx.policy.articles)
    page.para(
        f"共 {total} 处。编码保留正式文本的原样，不替起草者改正；疑似错字、句式杂糅、含糊、前后"
        "不一和过时的机关名称"
        "都记录在此，附请法务人员确认的问题。"
    )
    page.para(
        f"{total} in all. The encoding keeps the official wording as it stands and does not "
        "correct the "
        "drafters: apparent slips, garbled clauses, ambiguities, inconsistencies and obsolete "
        "body names "
        "are recorded here with a question for legal officers."
    )
    rows = []
    for anomaly in instrument["anomalies"]:
        rows.append(
            [
                f"[{code(anomaly['id'])}](#{anomaly['id']})",
                code(anomaly["eid"]),
                f"「{esc(anomaly['excerpt'])}」",
            ]
        )
    for article in ctx.policy.articles:
        for anomaly in article["anomalies"]:
            rows.append(
                [
                    f"[{code(anomaly['id'])}](#{anomaly['id']})",
                    eid_link(ctx, ANOMALIES, anomaly["eid"]),
                    f"「{esc(anomaly['excerpt'])}」",
                ]
            )
    page.extend(table(["异常 Anomaly", "位置 Where", "摘录 Excerpt"], rows))
    if instrument["anomalies"]:
        page.heading(2, "标题与前言 · Title and preamble", "instrument")
        page.para(
            f"标题 Title: {esc(instrument['title']['zh'])} · {esc(instrument['title']['en'])}"
        )
        page.para(
            f"前言 Preamble: {esc(instrument['preamble']['zh'])}  \n"
            f"{esc(instrument['preamble']['en'])}"
        )
        for anomaly in instrument["anomalies"]:
            _anomaly(ctx, page, anomaly)
    for article in ctx.policy.articles:
        if not article["anomalies"]:
            continue
        heading = (
            f"{article['heading']['zh']} {article['title']['zh']} · {article['heading']['en']}"
        )
        page.heading(2, esc(heading), f"in-{article['eid']}")
        page.para(f"[条文页 Article page]({rel(ANOMALIES, article_page(article['eid']))})")
        for anomaly in article["anomalies"]:
            _anomaly(ctx, page, anomaly)
    return page.text()


def _anomaly(ctx: SiteContext, page: Page, anomaly: dict[str, Any]) -> None:
    page.heading(3, code(anomaly["id"]), anomaly["id"])
    page.para(
        f"位置 Where: {eid_link(ctx, page.path, anomaly['eid'])} · "
        f"摘录 Excerpt: 「{esc(anomaly['excerpt'])}」"
    )
    page.para(f"{esc(anomaly['description']['zh'])}  \n{esc(anomaly['description']['en'])}")
    page.para(
        f"**问题：**{esc(anomaly['question']['zh'])}  \n"
        f"**Question:** {esc(anomaly['question']['en'])}"
    )


# ── normalisation ─────────────────────────────────────────────────────────────────────────────────

NORMALISATION_KINDS = {
    "line_break": ("断行", "line break"),
    "list_marker": ("列表标记", "list marker"),
    "punctuation": ("标点", "punctuation"),
    "separator": ("空行", "separator"),
    "spacing": ("空格", "spacing"),
}


def normalisation_page(ctx: SiteContext) -> str:
    page = Page(NORMALISATION, "规范化记录 · Normalisation log", wide=True)
    page.heading(1, "规范化记录 · Normalisation log", "normalisation")
    log = ctx.policy.normalisation
    entries = log["entries"]
    page.para(
        f"收到的文本（`{esc(log['received_file'])}`，SHA-256 {code(log['received_sha256'])}）是"
        "由正式文件转换而来的，"
        f"带有转换痕迹。编码后的中文文本改动了 {len(entries)} 处，每一处都记录在下表：在哪里（"
        "eId）、原来是什么、"
        "改成了什么、为什么。按相反顺序撤销这些改动，可以逐字节重建收到的文件（`accountability"
        " validate` 每次都检查）。"
    )
    page.para(
        f"The received text (`{esc(log['received_file'])}`) was converted from the official "
        "document and "
        f"carries conversion artefacts. The encoded Chinese text differs from it in {len(entries)}"
        " places, "
        "each recorded below: where (eId), what was received, what it became, and why. Undoing the "
        "entries in reverse order rebuilds the received file byte for byte (`accountability "
        "validate` "
        "checks this every time). ↵ marks a line break."
    )
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1
    page.para(
        " · ".join(
            f"{both(*NORMALISATION_KINDS.get(k, (k, k)), ' ')}: {n}"
            for k, n in sorted(counts.items())
        )
    )
    rows = []
    for entry in entries:
        kind = NORMALISATION_KINDS.get(entry["kind"], (entry["kind"], entry["kind"]))
        rows.append(
            [
                page.span(entry["id"]) + code(entry["id"]),
                eid_link(ctx, NORMALISATION, entry["eid"]),
                both(*kind, "<br>"),
                html_code(entry["received"]),
                html_code(entry["normalised"]),
                f"{esc(entry['reason']['zh'])}<br>{esc(entry['reason']['en'])}",
            ]
        )
    # the record quotes the text it changed: searched, it competed with the articles' own words
    with page.unindexed("normalisation-log"):
        page.extend(
            table(
                [
                    "编号 Id",
                    "位置 Where",
                    "类别 Kind",
                    "收到 Received",
                    "编码 Encoded",
                    "理由 Reason",
                ],
                rows,
            )
        )
    return page.text()


# ── changelog ─────────────────────────────────────────────────────────────────────────────────────


def changelog_page(ctx: SiteContext) -> str:
    page = Page(CHANGELOG, "版本与变更 · Editions and changelog")
    page.heading(1, "版本与变更 · Editions and changelog", "changelog")
    instrument = ctx.policy.instrument
    page.para(
        "两个时钟：条文本身的版本（施行日期，用于时点查询 `--as-of`），和本编码自己的语义化版本"
        "（每次变更注明涉及的条款）。"
        " Two clocks: the editions of the regulation itself (effective dates, for as-of "
        "queries with "
        "`--as-of`), and this encoding's own semantic version, whose changelog names the "
        "articles each "
        "change touches."
    )
    page.heading(2, "条文版本 · Editions of the regulation", "editions")
    rows = []
    for edition in instrument["editions"]:
        rows.append(
            [
                code(edition["id"]),
                esc(str(edition.get("issued_year") or "—")),
                esc(edition.get("effective_from") or "未知 unknown"),
                esc(edition.get("effective_to") or "—"),
                _status(ctx, edition["status"]),
                f"{esc(edition['note']['zh'])}<br>{esc(edition['note']['en'])}"
                if edition.get("note")
                else "",
            ]
        )
    page.extend(
        table(
            ["版本 Edition", "印发年份 Issued", "施行 From", "失效 To", "状态 Status", "说明 Note"],
            rows,
        )
    )
    encoding = instrument["encoding"]
    page.heading(2, f"编码版本 {esc(encoding['version'])} · Encoding version", "encoding")
    for entry in encoding["changelog"]:
        anchor = "v" + entry["version"].replace(".", "-")
        page.heading(3, f"{esc(entry['version'])} ({esc(entry.get('date', ''))})", anchor)
        page.para(f"{esc(entry['summary']['zh'])}  \n{esc(entry['summary']['en'])}")
        if entry.get("reason"):
            page.para(f"理由 Reason: {esc(entry['reason']['zh'])} · {esc(entry['reason']['en'])}")
        eids = ctx.sort_eids(entry.get("eids", []))
        if eids:
            page.para("涉及 Touches: " + ", ".join(eid_link(ctx, CHANGELOG, e, "zh") for e in eids))
        if entry.get("fingerprint"):
            page.para(f"指纹 Fingerprint: {code(entry['fingerprint'])}")
    return page.text()


# ── procedure ─────────────────────────────────────────────────────────────────────────────────────


def procedure_page(ctx: SiteContext) -> str:
    page = Page(PROCEDURE, "程序与期限 · Procedure and time limits")
    page.heading(1, "程序与期限 · Procedure and time limits", "procedure")
    page.para(
        "第十五条、第十六条、第十八条、第十九条规定的倒查程序。期限是引擎在默认解释参数下实际使用的计算规则"
        "（起算日不计入，末日为节假日的顺延至下一个工作日，均依民法典第二百零一条至第二百零三条）。"
    )
    page.para(
        "The procedure of Arts. 15, 16, 18 and 19. The time limits are the counting rules the "
        "engine "
        "uses under the default interpretation parameters (the start day is not counted and a "
        "period "
        "ending on a holiday runs to the next working day, after Civil Code Arts. 201–203)."
    )
    page.raw(
        '<div class="diagram" data-search-exclude>\n'
        + procedure_timeline_svg(ctx.policy, PROCEDURE)
        + "\n</div>"
    )
    page.heading(2, "期限 · Time limits", "time-limits")
    rows = []
    definitions = {d["id"]: d for d in ctx.policy.periods}
    for name, rule in default_period_rules(ctx.policy).items():
        zh, en = period_label(rule)
        label = (definitions[name]["label"]["zh"], definitions[name]["label"]["en"])
        params = ", ".join(
            f"[{code(p)}]({rel(PROCEDURE, parameter_page(p))})"
            for p in relied_on(definitions[name])
            if p in ctx.policy.parameter_index
        )
        rows.append(
            [
                both(*label, "<br>"),
                f"{esc(zh)}<br>{esc(en)}",
                ", ".join(eid_link(ctx, PROCEDURE, e) for e in rule.cites),
                "一般期限 normal (soft) limit" if rule.soft else "期限 hard limit",
                params or "—",
            ]
        )
    page.extend(
        table(
            ["期限 Period", "计算 Counting", "依据 Basis", "性质 Nature", "参数 Parameters"], rows
        )
    )
    page.heading(2, "条文 · Provisions", "provisions")
    for article in ctx.policy.articles:
        if article["kind"] != "procedural":
            continue
        eid = article["eid"]
        page.para(
            f"[{esc(eid_label(eid, 'zh'))} {esc(article['title']['zh'])} · "
            f"{esc(eid_label(eid, 'en'))} {esc(article['title']['en'])}]"
            f"({rel(PROCEDURE, article_page(eid))})"
        )
    return page.text()


def _status(ctx: SiteContext, status: str) -> str:
    """An edition's status in words (the vocabulary's labels), its raw value only when unnamed."""
    label = ctx.policy.labels.get(status)
    return f"{esc(label['zh'])} · {esc(label['en'])}" if label else code(status)
