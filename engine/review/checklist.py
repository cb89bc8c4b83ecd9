"""`accountability review checklist ARTICLE`: what a legal officer checks before signing an article.

Generated from the encoding, so that it lists exactly what the sign-off's fingerprint will cover:
each element with the rules that encode it, in words (their readings and notes, with the Datalog
beside them); the periods, computed facts, open points and answer readings the article defines; the
interpretation parameters with their defaults, options, rationale and question; the drafting
anomalies with their questions; and the worked examples with the answers they expect. Markdown, to
print or to paste into a review; every item is a check box.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.answer.names import Namer
from engine.policy.citation import eid_label
from engine.policy.layout import article_file
from engine.policy.readings import is_reading
from engine.policy.review_fingerprint import review_parameters
from engine.review.markdown import markdown_text
from engine.review.status import STATE_LABELS, article_review

if TYPE_CHECKING:
    from engine.policy.model import Policy

POLARITY = {
    "applies": ("适用", "applies"),
    "does_not_apply": ("不适用", "does not apply"),
}


def checklist_markdown(policy: Policy, eid: str) -> str:
    """The checklist of one article (``eid`` as resolved by engine.review.status)."""
    article = next(a for a in policy.articles if a["eid"] == eid)
    out: list[str] = []
    _head(out, policy, article)
    _text_and_rules(out, policy, article)
    _answer_parts(out, article)
    _parameters(out, policy, article)
    _anomalies(out, article)
    _examples(out, policy, article)
    text = "\n".join(out).rstrip("\n") + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


# --- sections ------------------------------------------------------------------------------------


def _head(out: list[str], policy: Policy, article: dict[str, Any]) -> None:
    eid = article["eid"]
    status = article_review(policy, article)
    zh, en = STATE_LABELS[status.state]
    title = (
        f"{article['heading']['zh']} {article['title']['zh']} · "
        f"{article['heading']['en']} — {article['title']['en']}"
    )
    out += [f"# 复核清单 · Review checklist: {title}", ""]
    out.append(f"- 文件 File: `{policy.docs[article_file(eid)].file}`")
    out.append(f"- 编码版本 Encoding version: {policy.version}")
    state = f"{zh} / {en}"
    if status.reviewer:
        state += f" — {markdown_text(status.reviewer)}, {status.date}"
    if status.changed:
        state += " — 改动 changed: " + ", ".join(
            f"{z} {e}"
            for z, e in zip(status.changed_names("zh"), status.changed_names("en"), strict=True)
        )
    out.append(f"- 复核状态 Review: {state}")
    out.append(f"- 当前指纹 Fingerprint now: `{policy.review_fingerprints[eid]['sha256']}`")
    out += [
        "",
        "逐项核对后签署 / When every box is ticked, sign: "
        f"`accountability review sign {eid} --reviewer 姓名 [--key KEY]`",
        "",
    ]


def _text_and_rules(out: list[str], policy: Policy, article: dict[str, Any]) -> None:
    out += ["## 条文与规则 · Text and rules", ""]
    placed: set[str] = set()
    for element in article["elements"]:
        eid = element["eid"]
        out.append(f"### {eid_label(eid, 'zh')} · {eid_label(eid, 'en')} (`{eid}`)")
        out += ["", f"> {element['text']['zh']}", ">", f"> {element['text']['en']}", ""]
        out.append("- [ ] 译文忠实于原文 · the translation says what the Chinese text says")
        rules = [r for r in article["rules"] if eid in r["cites"] and r["id"] not in placed]
        for rule in rules:
            placed.add(rule["id"])
            out += _rule_items(rule)
        cited_elsewhere = [
            f"`{r['id']}` ({policy.article_of[r['cites'][0]]['eid']})"
            for a in policy.articles
            if a["eid"] != article["eid"]
            for r in a["rules"]
            if eid in r["cites"]
        ]
        if not rules and not any(eid in r["cites"] for r in article["rules"]):
            out.append(
                "- [ ] 无规则：本款项无需计算 · no rule: nothing here needs computing"
                if not cited_elsewhere
                else "- [ ] 本款项由其他条的规则适用 · applied by rules of other articles"
            )
        if cited_elsewhere:
            out.append(
                "- 其他条引用本款项的规则 · rules elsewhere citing it: "
                + ", ".join(cited_elsewhere)
            )
        out.append("")
    rest = [r for r in article["rules"] if r["id"] not in placed]
    if rest:
        out += ["### 其他规则 · Other rules", ""]
        for rule in rest:
            out += _rule_items(rule)
        out.append("")


def _rule_items(rule: dict[str, Any]) -> list[str]:
    lines = [
        f"- [ ] 规则 Rule `{rule['id']}`: {rule['reads']['zh']}",
        f"  / {rule['reads']['en']}",
    ]
    if rule.get("note"):
        lines.append(f"  - 说明 Note: {rule['note']['zh']} / {rule['note']['en']}")
    facts = []
    if len(rule["cites"]) > 1:
        facts.append("依据 cites " + ", ".join(f"`{c}`" for c in rule["cites"]))
    if rule.get("displaces"):
        facts.append("排除 displaces " + ", ".join(f"`{d}`" for d in rule["displaces"]))
    if rule.get("parameters"):
        facts.append("参数 parameters " + ", ".join(f"`{p}`" for p in rule["parameters"]))
    if rule.get("editions"):
        facts.append("版本 editions " + ", ".join(rule["editions"]))
    if facts:
        lines.append("  - " + " · ".join(facts))
    lines += ["", "  ```prolog"]
    lines += [f"  {line}" for line in rule["datalog"].strip().splitlines()]
    lines += ["  ```", ""]
    return lines


def _answer_parts(out: list[str], article: dict[str, Any]) -> None:
    periods = article.get("periods", [])
    facts = article.get("computed_facts", [])
    points = article.get("open_points", [])
    answer = article.get("answer", {})
    if not (periods or facts or points or answer):
        return
    out += [
        "## 期限、计算事实、待认定事项与答案读法 · Periods, computed facts, open points, answer",
        "",
    ]
    for period in periods:
        out.append(
            f"- [ ] 期限 Period `{period['id']}`: {period['label']['zh']} / {period['label']['en']}"
            f" — {period['days']} 日 days ({_reading(period['unit'])}), "
            f"从 from `{period['start']}` 至 to `{period['done']}`"
        )
        out.append(
            f"  - 不计首日 exclude start day: {_reading(period['exclude_start_day'])} · "
            f"节假日顺延 holiday rollover: {_reading(period['holiday_rollover'])} · "
            f"一般期限 normal limit: {_reading(period['soft'])} · "
            f"依据 cites {', '.join(period['cites'])}"
        )
    for fact in facts:
        out.append(
            f"- [ ] 计算事实 Computed fact `{fact['fact']}`: {_reading(fact['months_before'])} "
            f"个月 months before `{fact['anchor']}`"
        )
    for point in points:
        out.append(
            f"- [ ] 待认定事项 Open point ({point['kind']}): {point['text']['zh']}"
            f" / {point['text']['en']}"
        )
    for section, readings in answer.items():
        words = "; ".join(
            f"{k}: {_reading(v)}" for k, v in readings.items() if k != "referral_note"
        )
        out.append(f"- [ ] 答案读法 Answer `{section}`: {words}")
    out.append("")


def _parameters(out: list[str], policy: Policy, article: dict[str, Any]) -> None:
    ids = review_parameters(article, policy.parameters["parameters"])
    out += ["## 解释参数 · Interpretation parameters", ""]
    if not ids:
        out += ["本条不涉及解释参数。 No interpretation parameter bears on this article.", ""]
        return
    for pid in ids:
        p = policy.parameter_index[pid]
        out += [f"### `{pid}` — {p['title']['zh']} · {p['title']['en']}", ""]
        default = p["default"]
        labels = {str(o["value"]): o.get("label") for o in p.get("options", [])}
        label = labels.get(str(default))
        shown = f"`{_value(default)}`" + (f" ({label['zh']} / {label['en']})" if label else "")
        out.append(f"- 默认 Default: {shown}")
        for option in p.get("options", []):
            mark = " ← 默认 default" if option["value"] == default else ""
            out.append(
                f"  - `{_value(option['value'])}` {option['label']['zh']} / "
                f"{option['label']['en']}{mark}"
            )
        out.append(f"- 理由 Rationale: {p['rationale']['zh']} / {p['rationale']['en']}")
        out.append(f"- 问题 Question: {p['question']['zh']} / {p['question']['en']}")
        out += ["- [ ] 默认解释可以接受 · the default reading is acceptable", ""]


def _anomalies(out: list[str], article: dict[str, Any]) -> None:
    out += ["## 起草异常 · Drafting anomalies", ""]
    if not article["anomalies"]:
        out += ["本条未发现起草异常。 No drafting anomaly was found in this article.", ""]
        return
    for anomaly in article["anomalies"]:
        out += [f"### `{anomaly['id']}` ({anomaly['eid']})", ""]
        out.append(f"- 摘录 Excerpt: 「{anomaly['excerpt']}」")
        out.append(
            f"- 说明 Description: {anomaly['description']['zh']} / {anomaly['description']['en']}"
        )
        out.append(f"- 问题 Question: {anomaly['question']['zh']} / {anomaly['question']['en']}")
        out += ["- [ ] 编码对此的处理可以接受 · how the encoding handles it is acceptable", ""]


def _examples(out: list[str], policy: Policy, article: dict[str, Any]) -> None:
    examples = article.get("examples", [])
    out += ["## 示例 · Worked examples", ""]
    if not examples:
        out += ["本条没有示例。 This article has no worked example.", ""]
        return
    for example in examples:
        zh, en = POLARITY[example["polarity"]]
        out += [f"### `{example['id']}`", ""]
        out.append(f"- {example['sentence']['zh']} / {example['sentence']['en']}")
        out.append(
            f"- {zh} {en}: {', '.join(example['eids'])} · 评估日 as of {example['as_of']}"
            + (
                " · 参数 parameters "
                + ", ".join(f"`{k}={_value(v)}`" for k, v in example["parameters"].items())
                if example.get("parameters")
                else ""
            )
        )
        case = example["case"]
        title = case.get("case", {}).get("title") or {}
        if title:
            out.append(f"- 案情 Case: {title.get('zh', '')} / {title.get('en', '')}")
        names = Namer(case, policy.labels)
        out.append("- 预期答案 Expected answer:")
        for key, items in example["expect"].items():
            out.append(f"  - `{key}`: " + _expectation(items, names))
        out += ["- [ ] 预期答案符合条文 · the expected answer is what the article says", ""]


# --- words for values ------------------------------------------------------------------------------


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _reading(spec: Any) -> str:
    """A value, or how it depends on a parameter, in words."""
    if not is_reading(spec):
        return _value(spec)
    parameter = f"`{spec['parameter']}`"
    if "values" not in spec:
        return f"参数 parameter {parameter}"
    cases = "; ".join(f"{k} → {_value(v)}" for k, v in spec["values"].items())
    otherwise = f"; 其他 otherwise → {_value(spec['otherwise'])}" if "otherwise" in spec else ""
    return f"按参数 by {parameter}: {cases}{otherwise}"


def _expectation(items: Any, names: Namer) -> str:
    """Expected items with people by name and values by label, in both languages."""
    if not isinstance(items, list):
        return _named(items, names)
    if not items:
        return "—"
    return "; ".join(
        ", ".join(f"{k} {_named(v, names)}" for k, v in item.items())
        if isinstance(item, dict)
        else _named(item, names)
        for item in items
    )


def _named(value: Any, names: Namer) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_named(v, names) for v in value) + "]"
    if isinstance(value, bool | int) or value is None:
        return _value(value)
    zh, en = names.value(value, "zh"), names.value(value, "en")
    return zh if zh == en else f"{zh} ({en})"
