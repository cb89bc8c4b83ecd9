"""The answer as text a legal officer can read, in Chinese or English, with or without the reasons."""

from __future__ import annotations

from typing import Any

from engine.policy.citation import eid_label
from engine.policy.model import Policy

# Words of the answer's own layout; the section headings and every legal term are the policy's.
WORDS = {
    "zh": {"title": "倒查结论", "policy": "依据", "because": "理由", "none": "无"},
    "en": {"title": "Findings", "policy": "Basis", "because": "because", "none": "none"},
}


def render_answer(
    data: dict[str, Any], policy: Policy, lang: str = "zh", explain: bool = False
) -> str:
    """The answer as text; ``policy`` gives the section headings and the names of values."""
    h = {**WORDS[lang], **{k: v[lang] for k, v in policy.presentation["sections"].items()}}
    labels = policy.labels
    referral_note = policy.answer_config.get("sanctions", {}).get("referral_note")
    out: list[str] = []
    title = data["case"]["title"]
    title = title.get(lang) or next(iter(title.values())) if isinstance(title, dict) else title
    basis = data["policy"]
    out.append(f"{h['title']}: {title} ({data['case']['id']})")
    edition = (
        basis["edition"]
        + (" — 施行日期未知，推定" if lang == "zh" else " — commencement unknown, presumed")
        * basis["edition_uncertain"]
    )
    out.append(
        f"{h['policy']}: {basis['document_number']} {basis['instrument']}, edition {edition}, "
        f"encoding v{basis['encoding_version']}, as of {data['as_of']}"
    )
    out.append(f"  {basis['path']} (fingerprint {basis['fingerprint'][:12]}…)")
    if data["result_withheld"]:
        out.append(
            "⚠ "
            + (
                "未听取被调查人意见，按参数不出具处理结论。"
                if lang == "zh"
                else "A statement was not heard; under the parameters no result is given."
            )
        )

    def v(value: Any) -> str:
        if isinstance(value, str) and value in labels:
            return labels[value][lang]
        if isinstance(value, str) and value.startswith("art_"):
            return eid_label(value, lang)
        return str(value)

    def cites(item: dict) -> str:
        c = item.get("cites") or []
        return (" [" + "、".join(eid_label(e, lang) for e in c) + "]") if c else ""

    def reasons(item: dict, indent: str = "      ") -> None:
        """The first two levels of the derivation and every parameter used; the JSON has it all."""
        if explain:
            for step in item.get("reasons", []):
                if step.get("depth", 0) <= 1 or "parameter" in step:
                    out.append(f"{indent}- {step[lang]}")

    def section(key: str, items: list, line) -> None:
        out.append("")
        out.append(h[key])
        if not items:
            out.append(f"  {h['none']}")
        for item in items:
            line(item)

    def text_of(value: Any) -> str:
        if isinstance(value, dict):
            return value.get(lang) or next(iter(value.values()))
        return str(value)

    def fault_line(f: dict) -> None:
        if f["fault"]:
            points = "、".join(eid_label(e, lang) for e in f["points"])
            out.append(
                f"  • {f['act']}: {text_of(f['description'])} — "
                + (
                    f"构成行政过错（{points}）"
                    if lang == "zh"
                    else f"an administrative fault ({points})"
                )
                + cites(f)
            )
        else:
            out.append(
                f"  • {f['act']}: {text_of(f['description'])} — "
                + ("不构成行政过错" if lang == "zh" else "not an administrative fault")
            )
        reasons(f)

    def verdict_line(item: dict) -> None:
        who = f"{item['name']} ({', '.join(v(r) for r in item['involvement'])})"
        if item["verdict"] == "responsible":
            for d in item["degrees"]:
                out.append(
                    f"  • {who} [{item['act']}]: "
                    + ("负责 — " if lang == "zh" else "responsible — ")
                    + v(d["degree"])
                    + cites(d)
                )
                reasons(d)
        else:
            out.append(
                f"  • {who} [{item['act']}]: "
                + ("不承担责任" if lang == "zh" else "not responsible")
            )
            for r in item["why_not"]:
                if (
                    r["kind"] == "rule_not_met" and explain
                ):  # the chain of failed conditions, bounded
                    out.extend(f"      - {step[lang]}" for step in r["reasons"])
                else:
                    reasons(r)

    def simple(key_text) -> Any:
        def line(item: dict) -> None:
            out.append(f"  • {key_text(item)}{cites(item)}")
            reasons(item)

        return line

    section("faults", data["faults"], fault_line)
    section("verdicts", data["verdicts"], verdict_line)
    if data["investigators"]:
        section("investigators", data["investigators"], simple(lambda i: i["name"]))
    section(
        "aggravation",
        data["aggravation"],
        simple(lambda i: f"{i['name']} [{i['act']}]: {v(i['point'])}"),
    )

    def mitigation_line(item: dict) -> None:
        grounds = "、".join(v(g["point"]) for g in item["grounds"])
        avail = "、".join(v(f) for f in item["available"]) or h["none"]
        out.append(
            f"  • {item['name']} [{item['act']}]: {grounds} → "
            + (f"可以：{avail}" if lang == "zh" else f"may be granted: {avail}")
        )
        for g in item["grounds"]:
            reasons(g)
        for x in item["excluded"]:
            out.append(
                "      " + (f"不适用{v(x['form'])}" if lang == "zh" else f"{v(x['form'])} excluded")
            )
            reasons(x, "        ")

    section("mitigation", data["mitigation"], mitigation_line)

    def sanction_note(i: dict) -> str:
        zh = lang == "zh"
        parts = [
            ("不穷尽" if zh else "not exhaustive")
            if not i["exhaustive"]
            else ("以此为限" if zh else "exhaustive"),
            ("可合并适用" if zh else "may be combined")
            if i["combinable"]
            else ("只择一适用" if zh else "one only"),
        ]
        if i["referral_forms"] and referral_note:
            parts.append(referral_note[lang])
        if i["severity_order"]:
            groups = " < ".join("{" + ",".join(v(f) for f in g) + "}" for g in i["severity_order"])
            parts.append(("轻重：" if zh else "severity: ") + groups)
        parts.append("由处理机关选择" if zh else "chosen by the deciding body")
        return ("（" + "；".join(parts) + "）") if zh else (" (" + "; ".join(parts) + ")")

    section(
        "sanctions",
        data["sanctions"],
        simple(lambda i: f"{i['name']}: " + "、".join(v(f) for f in i["forms"]) + sanction_note(i)),
    )
    section("referrals", data["referrals"], simple(lambda i: f"{i['name']}: {v(i['to'])}"))
    section(
        "commendations", data["commendations"], simple(lambda i: f"{i['name']}: {v(i['conduct'])}")
    )

    def recusal_line(item: dict) -> None:
        status = {
            "admitted": ("可以担任", "admitted"),
            "disqualified": ("不得担任", "disqualified"),
            "needs_finding": ("待人工认定", "needs a human finding"),
        }[item["status"]][0 if lang == "zh" else 1]
        detail = "; ".join(f"{v(g['point'])} {v(g['relation'])}" for g in item.get("grounds", []))
        out.append(f"  • {item['name']}: {status}" + (f" — {detail}" if detail else ""))
        for g in item.get("grounds", []):
            reasons(g)

    section("recusal", data["recusal"], recusal_line)

    def period_line(item: dict) -> None:
        subject = "" if item["subject"] == "case" else f" ({item.get('name', item['subject'])})"
        if item["status"] == "unknown" and item.get("error"):
            out.append(f"  • {v(item['period'])}{subject}: {item['error'][lang]}")
            return
        out.append(
            f"  • {v(item['period'])}{subject}: {item['start']} → {item['due']}, {v(item['status'])}"
            + (f" ({item['done']})" if item.get("done") else "")
            + cites(item)
        )
        if explain:
            for step in item["counting"]["steps"]:
                out.append(f"      - {step[lang]}")
            for w in item["counting"]["warnings"]:
                out.append(f"      ⚠ {w[lang]}")

    section("time_limits", data["time_limits"], period_line)
    section(
        "procedural_defects",
        data["procedural_defects"],
        simple(lambda i: f"{i['name']}: {v(i['point'])}"),
    )
    section("open_points", data["open_points"], lambda p: out.append(f"  • {p[lang]}{cites(p)}"))
    if data["warnings"]:
        section("warnings", data["warnings"], lambda w: out.append(f"  ⚠ {w[lang]}"))
    out.append("")
    out.append(h["parameters"])
    for p in data["parameters"]:
        mark = "" if p["default"] else (" ← 非默认" if lang == "zh" else " ← not the default")
        value = str(p["value"]).lower() if isinstance(p["value"], bool) else p["value"]
        basis = {
            "derivation": "",
            "override": " (未涉及本案 / not reached)" if False else "",
            "scope": " ·",
        }[p["basis"]]
        out.append(f"  • {p['id']} = {value}{mark}{basis}")
    return "\n".join(out) + "\n"
