"""The diff report as text for a terminal and as Markdown for a review comment (JSON is the report).

Both renderings show the same things in the same order: the version check first (a reviewer should
not approve an unrecorded change), then per article the text and rule changes, then parameters,
vocabulary and editions, then every changed answer with the explanations of both sides.
"""

from __future__ import annotations

import json
from typing import Any

from engine.answer.names import eid_label

H = {
    "title": ("编码变更对比", "Encoding diff"),
    "version": ("编码版本", "Encoding version"),
    "text_rules": ("文本与规则（按条）", "Text and rules, per article"),
    "front": ("文件首部", "Front matter"),
    "parameters": ("解释参数", "Interpretation parameters"),
    "vocabulary": ("谓词词汇", "Vocabulary"),
    "editions": ("版本（施行期间）", "Editions (periods in force)"),
    "outcomes": ("结论变化", "Outcome changes"),
    "none": ("无", "none"),
    "old": ("原", "OLD"),
    "new": ("新", "NEW"),
}
CHANGE = {
    "added": ("新增", "added"),
    "removed": ("删除", "removed"),
    "changed": ("修改", "changed"),
}


def _h(key: str, lang: str) -> str:
    zh, en = H[key]
    return f"{zh} / {en}" if lang == "zh" else en


def _i(lang: str) -> int:
    return 0 if lang == "zh" else 1


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _summary_line(report: dict, lang: str) -> str:
    s = report["summary"]
    if lang == "zh":
        return (
            f"文本改动 {s['text_changes']} 处，规则改动 {s['rule_changes']} 条，参数改动 "
            f"{s['parameter_changes']} 个，"
            f"结论变化 {s['outcome_changes']} 项（{s['cases_changed']} 个案例 / 共运行 "
            f"{s['cases_run']} 个）"
        )
    return (
        f"{s['text_changes']} text change(s), {s['rule_changes']} rule change(s), "
        f"{s['parameter_changes']} parameter change(s), {s['outcome_changes']} outcome change(s) "
        "in "
        f"{s['cases_changed']} of {s['cases_run']} case(s) run"
    )


def _side(side: dict) -> str:
    return f"{side['label']} — encoding v{side['encoding_version']}"


def _as_of(report: dict) -> str:
    a = report["as_of"]
    return a["date"] + ("" if a["source"] == "option" else f" ({a['source']})")


# --- text ----------------------------------------------------------------------------------------


def render_text(report: dict[str, Any], lang: str = "zh") -> str:
    i = _i(lang)
    out = [
        f"{_h('title', lang)}: {report['new']['document_number']} {report['new']['instrument']}",
        f"  OLD  {_side(report['old'])}",
        f"  NEW  {_side(report['new'])}",
        f"  as of {_as_of(report)}",
        "  " + _summary_line(report, lang),
        "",
        f"== {_h('version', lang)} ==",
    ]
    v = report["versioning"]
    out.append(
        f"  {v['old_version']} → {v['new_version']}"
        + (" (bumped)" if v["version_bumped"] else "")
        + (" · rules/parameters changed" if v["rules_or_parameters_changed"] else "")
    )
    for item in v["changelog_changes"]:
        e = item["entry"]
        out.append(
            f"  changelog {e['version']} ({e['date']}, {CHANGE[item['change']][i]}): "
            f"{e['summary'][['zh', 'en'][i]]}"
        )
        out.append(f"    eIds: {', '.join(e['eids'])}")
        if e.get("reason"):
            out.append(f"    why: {e['reason'][['zh', 'en'][i]]}")
    for note in v["notes"]:
        out.append(f"  {'✗' if note['severity'] == 'error' else '!'} {note[['zh', 'en'][i]]}")
    out += ["", f"== {_h('text_rules', lang)} =="]
    if report["front_matter"]:
        out.append(_h("front", lang))
        for change in report["front_matter"]:
            out += _text_lines(change["where"], change, "changed", None, lang)
    if not report["articles"] and not report["front_matter"]:
        out.append("  " + H["none"][i])
    for art in report["articles"]:
        out.append(
            f"{art['heading']['zh']} {art['heading']['en']} ({art['file']}) — "
            f"{CHANGE[art['change']][i]}"
        )
        for el in art["elements"]:
            out += _text_lines(el["eid"], el["text"], el["change"], el, lang)
        for rule in art["rules"]:
            out += _rule_lines(rule, lang)
        if art["review"]:
            out.append(
                f"  review: {art['review']['old']['status']} → {art['review']['new']['status']}"
            )
    out += ["", f"== {_h('parameters', lang)} =="]
    out += _param_lines(report["parameters"], lang) or ["  " + H["none"][i]]
    if report["vocabulary"]:
        out += ["", f"== {_h('vocabulary', lang)} =="]
        for p in report["vocabulary"]:
            out.append(
                f"  {CHANGE[p['change']][i]} {p['name']}: {_value(p['old'])} → {_value(p['new'])}"
            )
    if report["editions"]:
        out += ["", f"== {_h('editions', lang)} =="]
        for e in report["editions"]:
            out.append(
                f"  {CHANGE[e['change']][i]} {e['id']}: {_value(e['old'])} → {_value(e['new'])}"
            )
    out += ["", f"== {_h('outcomes', lang)} =="]
    out += _outcome_lines(report["outcomes"], lang, markdown=False)
    return "\n".join(out) + "\n"


def _ops_text(ops: list[dict]) -> str:
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[op["op"]].format(op["text"]) for op in ops)


def _text_lines(eid: str, text: dict, change: str, element: dict | None, lang: str) -> list[str]:
    i = _i(lang)
    head = (
        f"  {CHANGE[change][i]} {eid} ({eid_label(eid, lang)})"
        if eid.startswith("art_")
        else f"  {CHANGE[change][i]} {eid}"
    )
    if element and element.get("in_editions"):
        head += f" [editions {', '.join(element['in_editions'])}]"
    lines = [head]
    if element and element.get("editions"):
        lines.append(
            f"    editions: {_value(element['editions']['old'])} → "
            f"{_value(element['editions']['new'])}"
        )
    for code in ("zh", "en"):
        if code in text:
            lines.append(f"    {code}: {_ops_text(text[code]['ops'])}")
    return lines


def _rule_lines(rule: dict, lang: str) -> list[str]:
    i = _i(lang)
    head = f"  rule {rule['id']} — {CHANGE[rule['change']][i]}"
    if rule["changed_fields"]:
        head += f" ({', '.join(rule['changed_fields'])})"
    if rule.get("moved_from"):
        head += f" [moved from {rule['moved_from']}]"
    lines = [head]
    for line in _datalog_diff(rule):
        lines.append(f"    {line}")
    for field in rule["changed_fields"]:
        if field != "datalog":
            lines.append(
                f"    {field}: {_value(rule['old'].get(field))} → {_value(rule['new'].get(field))}"
            )
    return lines


def _datalog_diff(rule: dict) -> list[str]:
    old = (rule["old"] or {}).get("datalog")
    new = (rule["new"] or {}).get("datalog")
    if old == new:
        return []  # changed elsewhere (cites, reads, …): listed field by field
    return [f"- {line}" for line in (old or "").splitlines()] + [
        f"+ {line}" for line in (new or "").splitlines()
    ]


def _param_lines(params: list[dict], lang: str) -> list[str]:
    i = _i(lang)
    lines = []
    for p in params:
        lines.append(f"  {CHANGE[p['change']][i]} {p['id']} (affects {', '.join(p['affects'])})")
        if p["change"] == "changed":
            for field in p["changed_fields"]:
                lines.append(f"    {field}: {_value(p['old'][field])} → {_value(p['new'][field])}")
        else:
            view = p["new"] or p["old"]
            lines.append(f"    default {_value(view.get('default'))}; type {view.get('type')}")
    return lines


def _steps_lines(
    steps: list[dict], lang: str, indent: str, max_depth: int | None = None
) -> list[str]:
    """The reasons, indented by depth; ``max_depth`` keeps a terminal report short."""
    if not steps:
        return [f"{indent}- ({H['none'][_i(lang)]})"]
    lines = []
    hidden = 0
    for step in steps:
        if max_depth is not None and step.get("depth", 0) > max_depth and "parameter" not in step:
            hidden += 1
            continue
        depth = "  " * int(step.get("depth", 0))
        tag = step.get("rule") or step.get("parameter")
        lines.append(f"{indent}{depth}- {step[lang]}" + (f" [{tag}]" if tag else ""))
    if hidden:
        lines.append(
            f"{indent}  … "
            + (
                f"另有{hidden}步更深的推理（见 --format json）"
                if lang == "zh"
                else f"{hidden} deeper step(s) (see --format json)"
            )
        )
    return lines


def _outcome_lines(outcomes: dict, lang: str, markdown: bool) -> list[str]:
    i = _i(lang)
    lines = []
    if outcomes["skipped"]:
        return [("" if markdown else "  ") + outcomes["skipped"][["zh", "en"][i]]]
    run = outcomes["cases_run"]
    lines.append(
        ("" if markdown else "  ")
        + (
            f"运行案例 {run} 个，结论改变的 {len(outcomes['changes'])} 个"
            if lang == "zh"
            else f"{run} case(s) run, {len(outcomes['changes'])} with changed answers"
        )
    )
    if outcomes["not_answered"]:
        keys = ", ".join(c["key"] for c in outcomes["not_answered"])
        lines.append(("" if markdown else "  ") + f"! not answered under either side: {keys}")
    for case in outcomes["changes"]:
        title = case["title"]
        title = title.get(lang) or title.get("zh") if isinstance(title, dict) else title
        params = f", parameters {_value(case['parameters'])}" if case["parameters"] else ""
        if markdown:
            lines += [
                "",
                f"#### {case['key']} — {title} (`{case['id']}`, as of {case['as_of']}{params})",
                "",
            ]
        else:
            lines.append(
                f"case {case['key']} — {title} ({case['id']}, as of {case['as_of']}{params})"
            )
        for change in case["changes"]:
            cites = ", ".join(eid_label(c, lang) for c in change["cites"])
            if markdown:
                lines.append(
                    f"- **{change['headline'][lang]}** "
                    f"({change['section']}{'; ' + cites if cites else ''})"
                )
                lines.append(
                    "  <details><summary>"
                    + ("两边的理由" if lang == "zh" else "explanations, both sides")
                    + "</summary>"
                )
                lines.append("")
                for side in ("old", "new"):
                    lines.append(f"  {H[side][i]}:")
                    lines.append("")
                    lines += _steps_lines(change["explanation"][side], lang, "  ")
                    lines.append("")
                lines.append("  </details>")
            else:
                lines.append(
                    f"  • {change['headline'][lang]} [{change['section']}]"
                    + (f" [{cites}]" if cites else "")
                )
                for side in ("old", "new"):
                    lines.append(f"      {H[side][i]}:")
                    lines += _steps_lines(
                        change["explanation"][side], lang, "        ", max_depth=2
                    )
    return lines


# --- Markdown ------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _ops_markdown(ops: list[dict]) -> str:
    out = []
    for op in ops:
        text = _escape(op["text"]).replace("\n", "<br>")
        out.append(
            {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}[op["op"]].format(
                text
            )
        )
    return "".join(out)


def render_markdown(report: dict[str, Any], lang: str = "zh") -> str:
    i = _i(lang)
    old, new = report["old"], report["new"]
    out = [
        f"## {_h('title', lang)}: {new['document_number']} `{new['instrument']}`",
        "",
        f"- **OLD** `{old['label']}` — encoding v{old['encoding_version']}",
        f"- **NEW** `{new['label']}` — encoding v{new['encoding_version']}",
        f"- **as of** {_as_of(report)}",
        f"- {_summary_line(report, lang)}",
        "",
        f"### {_h('version', lang)}",
        "",
    ]
    v = report["versioning"]
    out.append(
        f"`{v['old_version']}` → `{v['new_version']}`"
        + (" (bumped)" if v["version_bumped"] else "")
        + (" · rules/parameters changed" if v["rules_or_parameters_changed"] else "")
    )
    for item in v["changelog_changes"]:
        e = item["entry"]
        out += [
            "",
            f"> changelog **{e['version']}** ({e['date']}, {CHANGE[item['change']][i]}): "
            f"{e['summary'][['zh', 'en'][i]]}  ",
            f"> eIds: {', '.join(f'`{x}`' for x in e['eids'])}",
        ]
        if e.get("reason"):
            out[-1] += "  "
            out.append(f"> why: {e['reason'][['zh', 'en'][i]]}")
    if v["notes"]:
        out.append("")
        for note in v["notes"]:
            out.append(
                f"- {'❌' if note['severity'] == 'error' else '⚠️'} {_escape(note[['zh', 'en'][i]])}"
            )
    out += ["", f"### {_h('text_rules', lang)}", ""]
    if not report["articles"] and not report["front_matter"]:
        out.append(H["none"][i])
    for change in report["front_matter"]:
        out.append(f"#### {change['where']}")
        out += _md_text(change, lang)
    for art in report["articles"]:
        out += [
            f"#### {art['heading']['zh']} / {art['heading']['en']} — {CHANGE[art['change']][i]} "
            f"(`{art['file']}`)",
            "",
        ]
        for el in art["elements"]:
            tag = f" — editions {', '.join(el['in_editions'])}" if el.get("in_editions") else ""
            out.append(
                f"**`{el['eid']}`** {eid_label(el['eid'], lang)} — {CHANGE[el['change']][i]}{tag}"
            )
            out.append("")
            if el.get("editions"):
                out.append(
                    f"- editions: `{_value(el['editions']['old'])}` → "
                    f"`{_value(el['editions']['new'])}`"
                )
            out += _md_text(el["text"], lang)
        for rule in art["rules"]:
            head = f"Rule `{rule['id']}` — {CHANGE[rule['change']][i]}"
            if rule["changed_fields"]:
                head += f" ({', '.join(rule['changed_fields'])})"
            if rule.get("moved_from"):
                head += f", moved from `{rule['moved_from']}`"
            out += [head, ""]
            datalog = _datalog_diff(rule)
            if datalog:
                out += ["```diff", *datalog, "```", ""]
            for field in rule["changed_fields"]:
                if field != "datalog":
                    out.append(
                        f"- {field}: `{_value(rule['old'].get(field))}` → "
                        f"`{_value(rule['new'].get(field))}`"
                    )
            if any(f != "datalog" for f in rule["changed_fields"]):
                out.append("")
        if art["review"]:
            out += [
                f"- review: {art['review']['old']['status']} → {art['review']['new']['status']}",
                "",
            ]
    out += [f"### {_h('parameters', lang)}", ""]
    if not report["parameters"]:
        out.append(H["none"][i])
    for p in report["parameters"]:
        out.append(
            f"- `{p['id']}` — {CHANGE[p['change']][i]} (affects "
            f"{', '.join(f'`{a}`' for a in p['affects'])})"
        )
        if p["change"] == "changed":
            for field in p["changed_fields"]:
                out.append(
                    f"  - {field}: `{_value(p['old'][field])}` → `{_value(p['new'][field])}`"
                )
    if report["vocabulary"]:
        out += ["", f"### {_h('vocabulary', lang)}", ""]
        for p in report["vocabulary"]:
            out.append(
                f"- `{p['name']}` — {CHANGE[p['change']][i]}: `{_value(p['old'])}` → "
                f"`{_value(p['new'])}`"
            )
    if report["editions"]:
        out += ["", f"### {_h('editions', lang)}", ""]
        for e in report["editions"]:
            out.append(
                f"- `{e['id']}` — {CHANGE[e['change']][i]}: `{_value(e['old'])}` → "
                f"`{_value(e['new'])}`"
            )
    out += ["", f"### {_h('outcomes', lang)}", ""]
    out += _outcome_lines(report["outcomes"], lang, markdown=True)
    return "\n".join(out) + "\n"


def _md_text(text: dict, lang: str) -> list[str]:
    lines = []
    for code in ("zh", "en"):
        if code in text:
            lines.append(f"- {code}: {_ops_markdown(text[code]['ops'])}")
    return lines + [""]
