"""One page per interpretation parameter, and an index of them all.

A parameter is a place where the text is silent or ambiguous and the encoding does not decide for
legal officers. Its page says what the options mean, which one the engine uses unless told
otherwise, which provisions it touches (linked to their anchors), why the default was chosen, the
question still open, the drafting anomalies found where it applies, and, once the case generator
provides one, a case whose answer changes with it (``generators.docs.witnesses``).
"""

from __future__ import annotations

from typing import Any

from engine.answer.names import eid_label
from generators.docs.articles import eid_link, option_words, rule_link
from generators.docs.context import PARAMETERS, SiteContext, article_page, parameter_page
from generators.docs.markdown import Page, code, esc, rel, table
from generators.docs.witnesses import divergence_witness_markdown

# Search ranks a title match about a thousand times above a match in the text: a page whose title
# merely names a word of the statute must still come after the article that says it.
SEARCH_BOOST = 0.001


TYPE_LABELS = {
    "enum": "选项 choice",
    "boolean": "是否 yes or no",
    "integer": "整数 number",
    "list": "列表 list",
    "string": "文字 text",
}


def parameter_pages(ctx: SiteContext) -> dict[str, str]:
    pages = {PARAMETERS: parameters_index(ctx)}
    for param in ctx.policy.parameters["parameters"]:
        pages[parameter_page(param["id"])] = parameter_markdown(ctx, param)
    return pages


def parameters_index(ctx: SiteContext) -> str:
    page = Page(PARAMETERS, "解释参数 · Interpretation parameters")
    page.heading(
        1,
        '解释参数 <span class="subtitle" lang="en">Interpretation parameters</span>',
        "parameters",
    )
    params = ctx.policy.parameters["parameters"]
    page.para(
        f"条文未作规定、含糊或可有不同理解之处共 {len(params)} 处，每处都是一个有名称的解释参数："
        "有默认值、全部备选项、理由和来源，以及请法务人员确认的问题。查询时可以逐项改变"
        "（`accountability query CASE --param NAME=VALUE`），每个答案都列出它所依赖的参数。"
        "默认值是本项目的读法，不是官方解释。"
    )
    page.para(
        f"Each of the {len(params)} places where the text is silent, ambiguous or open to "
        "different readings is a named parameter with a default, every alternative, the "
        "rationale and sources, and the question legal officers are asked to settle. Each can be "
        "changed per query, and every answer lists the parameters it relied on. The defaults are "
        "this project's reading, not an official interpretation."
    )
    by_article: dict[str, list[dict[str, Any]]] = {}
    for param in params:
        eids = ctx.sort_eids(param["affects"])
        first = ctx.policy.article_of.get(eids[0]) if eids else None
        by_article.setdefault(first["eid"] if first else "", []).append(param)
    for article in [*ctx.policy.articles, None]:
        key = article["eid"] if article else ""
        if key not in by_article:
            continue
        if article:
            heading = f"{esc(article['heading']['zh'])} {esc(article['title']['zh'])}"
            page.heading(2, heading, f"p-{key}")
        else:
            page.heading(2, "其他 · Other", "p-other")
        rows = [
            [
                f"[{esc(p['title']['zh'])}]({rel(PARAMETERS, parameter_page(p['id']))})"
                f"<br>{esc(p['title']['en'])}",
                "、".join(eid_link(ctx, PARAMETERS, e, "zh") for e in ctx.sort_eids(p["affects"])),
                esc(option_words(p, p["default"])),
            ]
            for p in by_article[key]
        ]
        page.extend(table(["参数 Parameter", "涉及 Affects", "默认 Default"], rows))
    return page.text()


def parameter_markdown(ctx: SiteContext, param: dict[str, Any]) -> str:
    pid = param["id"]
    path = parameter_page(pid)
    title = f"{param['title']['zh']} · {param['title']['en']}"
    page = Page(path, title, search_boost=SEARCH_BOOST, no_nav=True)
    page.heading(
        1,
        f"{esc(param['title']['zh'])} "
        f'<span class="subtitle" lang="en">{esc(param["title"]["en"])}</span>',
        "parameter",
    )
    page.para(
        f"编号 Id: {code(pid)} · 类型 Type: {esc(TYPE_LABELS.get(param['type'], param['type']))}"
        f" · [全部参数 All parameters]({rel(path, PARAMETERS)})"
        '\n{: .param-facts data-search-exclude="true" }'
    )
    page.para(
        f"**默认 Default:** {esc(option_words(param, param['default']))}\n{{: .param-default }}"
    )
    page.heading(2, "选项 · Options", "options")
    if param.get("options"):
        rows = []
        for option in param["options"]:
            mark = "**✓ 默认 default**" if option["value"] == param["default"] else ""
            rows.append(
                [
                    f"**{esc(option['label']['zh'])}**<br>{esc(option['label']['en'])}",
                    f"{esc(option['description']['zh'])}<br>{esc(option['description']['en'])}",
                    mark,
                    code(option["value"]),
                ]
            )
        page.extend(table(["选项 Option", "含义 Meaning", "", "取值 Value"], rows))
    elif param["type"] == "boolean":
        page.para(
            f"是 yes（{code('true')}）或否 no（{code('false')}）：标题所问的问题的回答。"
            " The answer to the question in the title."
        )
    elif param["type"] == "list" and isinstance(param.get("items"), dict):
        allowed = param["items"].get("enum")
        if allowed:
            page.para("可选成员 Possible members: " + ", ".join(code(v) for v in allowed))
    elif param["type"] == "integer":
        limits = []
        if "minimum" in param:
            limits.append(f"最小值 minimum {code(param['minimum'])}")
        if param.get("nullable"):
            limits.append(f"{code('null')} = 无限制 no limit")
        if limits:
            page.para("取值 Values: " + ", ".join(limits))
    page.heading(2, "涉及的条款 · Provisions affected", "affects")
    items = []
    for eid in ctx.sort_eids(param["affects"]):
        element = ctx.policy.elements.get(eid)
        text = ""
        if element:
            zh = " ".join(element["text"]["zh"].split())
            text = " — " + esc(zh if len(zh) <= 80 else zh[:80] + "…")
        items.append(f"- {eid_link(ctx, path, eid)}{text}")
    # the provisions' text and the anomalies below are indexed on their own pages; here they
    # would only repeat in the search results, under a page ranked last
    with page.unindexed():
        page.extend(items or ["无 none"])
    users = ctx.rules_by_parameter.get(pid, [])
    if users:
        page.para(
            "读取它的规则 Rules that read it: "
            + ", ".join(rule_link(ctx, path, r) for r in users)
            + '\n{: .param-facts data-search-exclude="true" }'
        )
    page.heading(2, "理由 · Rationale", "rationale")
    page.para(esc(param["rationale"]["zh"]))
    page.para(esc(param["rationale"]["en"]))
    if param.get("sources"):
        marks = {"src": "来源 source", "kn": "一般知识 knowledge", "inf": "推断 inference"}
        page.extend(
            [
                f"- {esc(marks.get(s['mark'], s['mark']))}: {esc(s['text'])}"
                for s in param["sources"]
            ]
        )
    page.heading(2, "待确认问题 · Open question", "question")
    page.para(f"**{esc(param['question']['zh'])}**")
    page.para(esc(param["question"]["en"]))
    confirm = param.get("confirm_when_relied_on")
    if confirm:
        values = (
            "、".join(esc(option_words(param, v)) for v in confirm.get("values", []))
            or "任何取值 any value"
        )
        page.para(
            f"依赖此读法（{values}）的答案提请确认：{esc(confirm['text']['zh'])}  \n"
            f"Answers relying on this reading ({values}) ask for confirmation: "
            f"{esc(confirm['text']['en'])}"
        )
    anomalies = [
        (eid, a)
        for eid in ctx.sort_eids(param["affects"])
        for a in ctx.anomalies_by_eid.get(eid, [])
    ]
    if anomalies:
        page.heading(2, "此处的起草异常 · Drafting anomalies here", "anomalies")
        with page.unindexed():
            page.extend(
                [
                    f"- [「{esc(a['excerpt'])}」]"
                    f"({rel(path, article_page(ctx.policy.article_of[eid]['eid']), a['id'])})"
                    f" {esc(eid_label(eid, 'zh'))}：{esc(a['question']['zh'])}"
                    for eid, a in anomalies
                ]
            )
    extra = divergence_witness_markdown(ctx, param, path)
    if extra:
        page.para(extra.strip())
    return page.text()
