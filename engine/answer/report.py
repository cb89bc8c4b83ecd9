"""An answer arranged as a legal officer reads it, in one language: what the text and HTML render.

One block per person: the verdict, the exact clause (the concluding rule's own citation, not every
provision its derivation touched), the decisive facts as the record states them, and, as numbered
notes, only the readings that decided that verdict — a reading decides a verdict when switching it to
one of its alternatives changes the verdict (engine.answer.counterfactuals computes it by evaluating
the case under the alternative). Every other reading the answer relied on is listed once, with the
explanations. Persons and acts appear by name and description, provisions in standard citation style,
readings by their titles: no ids, no values of the rule language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.answer.names import Namer, fact_text, parameter_value_words
from engine.policy.citation import citation_list

if TYPE_CHECKING:
    from engine.answer.build import Answer

MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
MAX_FACTS = 6  # decisive facts shown per finding without explanations
WORDS = {
    "zh": {
        "title": "倒查结论",
        "basis": "依据",
        "policy_folder": "政策文件",
        "fingerprint": "指纹",
        "edition": "版",
        "presumed": "施行日期未知，推定施行",
        "encoding": "编码版本",
        "as_of": "评估日",
        "none": "无",
        "facts": "事实",
        "reason": "理由",
        "because": "因为",
        "notes": "决定结论的解释",
        "other_readings": "所依据的其他解释",
        "what_if": "何种改变会改变结论",
        "not_fault": "不构成行政过错",
        "act_not_fault": "该行为不构成行政过错",
        "fault": "构成行政过错",
        "responsible": "行政过错责任人",
        "not_responsible": "不承担责任",
        "withheld": "未听取被调查人意见，按所选解释不出具责任认定。",
        "start": "起算",
        "due": "届满",
        "done": "完成",
        "appeal_to": "申诉受理机关",
        "may": "可以",
        "excluded": "不适用",
        "forms_note_open": "（",
        "forms_note_close": "）",
        "sep": "；",
        "list": "、",
        "colon": "：",
        "dash": " —— ",
        "changed": "若改为",
        "then": "则",
        "default": "默认",
        "not_default": "非默认",
        "no_change": "无论记录如何单项改动，结论不变",
    },
    "en": {
        "title": "Findings",
        "basis": "Basis",
        "policy_folder": "Policy files",
        "fingerprint": "fingerprint",
        "edition": "edition",
        "presumed": "commencement unknown, presumed",
        "encoding": "encoding version",
        "as_of": "as of",
        "none": "none",
        "facts": "facts",
        "reason": "reason",
        "because": "because",
        "notes": "Readings that decided a finding",
        "other_readings": "Other readings relied on",
        "what_if": "What would change a finding",
        "not_fault": "not an administrative fault",
        "act_not_fault": "the act is not an administrative fault",
        "fault": "an administrative fault",
        "responsible": "responsible",
        "not_responsible": "not responsible",
        "withheld": "The statement of the person investigated was not heard; under the reading used no finding of responsibility is given.",
        "start": "starts",
        "due": "due",
        "done": "done",
        "appeal_to": "appeal to",
        "may": "may be granted",
        "excluded": "excluded",
        "forms_note_open": " (",
        "forms_note_close": ")",
        "sep": "; ",
        "list": ", ",
        "colon": ": ",
        "dash": " — ",
        "changed": "if it were",
        "then": "then",
        "default": "default",
        "not_default": "not the default",
        "no_change": "no single change of the record changes it",
    },
}


@dataclass
class Line:
    text: str
    cites: list[str] = field(default_factory=list)  # eIds the line cites (linked in HTML)
    depth: int = 0  # 0 a finding, 1 its facts and reasons
    detail: bool = False  # shown only with explanations (collapsed in HTML)


@dataclass
class Block:
    heading: str | None
    lines: list[Line] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    note: str | None = None  # said of the whole section, after its title


@dataclass
class Report:
    lang: str
    title: str
    basis: list[str]
    warning: str | None
    sections: list[Section]
    notes: list[Line]
    other_readings: list[Line]
    what_if: list[Block]


def build_report(
    answer: Answer,
    lang: str,
    explain: bool = False,
    what_if: bool = False,
    deciding: bool = True,
) -> Report:
    data = answer.to_dict()
    policy = answer.evaluation.policy
    w = WORDS[lang]
    namer = Namer.for_policy(answer.evaluation.case, policy)
    headings = policy.presentation["sections"]
    notes = _Notes(answer, namer, lang, deciding)
    said: set[str] = set()
    open_texts = {o[lang].rstrip("。.") for o in data["open_points"]}
    restating = set(policy.presentation.get("restating_readings", []))

    def cite(eids: list[str]) -> str:
        return namer_list(namer, eids, lang)

    def rule_cites(item: dict) -> list[str]:
        rule = policy.rule_index.get(item.get("rule", ""))
        return list(rule["cites"]) if rule else list(item.get("cites", []))

    def finding(
        item: dict,
        lead: str,
        key: tuple | None = None,
        reason: bool = False,
        act: str | None = None,
        restates: bool = False,
    ) -> list[Line]:
        """A finding: its verdict with the exact clause, then the facts of the record it rests on
        (the reading of the rule when it says more than the verdict; every step with
        explanations)."""
        own = rule_cites(item)
        marks = notes.marks(key) if key else ""
        lines = [Line(f"{lead}{w['dash']}{cite(own)}{marks}", own)]
        reading = item.get("reading")
        if reading and reading[lang].rstrip("。.") in open_texts:
            reading = None  # said word for word under the points a person must decide
        restates = restates or item.get("rule") in restating
        if reading and (reason or (explain and not restates)):
            lines.append(Line(f"{w['reason']}{w['colon']}{reading[lang]}", own, 1))
        namer.focus = act
        facts = [
            fact_text(policy, namer, f["fact"], tuple(f["args"]), lang)
            for f in item.get("facts", [])
        ]
        namer.focus = None
        shown = facts if explain else facts[:MAX_FACTS]
        if shown:
            extra = len(facts) - len(shown)
            more = (
                (f"（另有{extra}项）" if lang == "zh" else f" (and {extra} more)") if extra else ""
            )
            lines.append(Line(f"{w['facts']}{w['colon']}" + w["sep"].join(shown) + more, [], 1))
        if explain and reason:  # the steps behind a finding that clears someone
            for step in item.get("reasons", [])[1:]:
                if "parameter" in step or step["depth"] != 1 or step[lang] in said:
                    continue
                said.add(step[lang])  # a step shared by several findings is said once
                lines.append(Line(step[lang], list(step["cites"]), 2, True))
        return lines

    def not_found(item: dict) -> list[Line]:
        steps = item.get("reasons", [])
        top = [s for s in steps if s["depth"] == 0] or steps[:1]
        shown = steps if explain else top[:2]
        return [
            Line(s[lang], list(s["cites"]), 1 + (s["depth"] if explain else 0), s["depth"] > 0)
            for s in shown
        ]

    sections: list[Section] = []

    # faults
    faults = Section("faults", headings["faults"][lang])
    for f in data["faults"]:
        act = namer.act(f["act"], lang)
        block = Block(None)
        if f["fault"]:
            points = cite(f["points"]) if f["points"] else ""
            points = (f"（{points}）" if lang == "zh" else f" ({points})") if points else ""
            block.lines += finding(
                f,
                f"{act}{w['colon']}{w['fault']}{points}",
                ("fault", f["act"]),
                act=f["act"],
                restates=True,  # the rule's reading says no more than the finding
            )
        else:
            block.lines.append(
                Line(f"{act}{w['colon']}{w['not_fault']}{notes.marks(('fault', f['act']))}")
            )
            block.lines += not_found(f)
        faults.blocks.append(block)
    sections.append(faults)

    # verdicts: one block per person
    verdicts = Section("verdicts", headings["verdicts"][lang])
    by_person: dict[str, list[dict]] = {}
    for v in data["verdicts"]:
        by_person.setdefault(v["person"], []).append(v)
    not_faults = {f["act"] for f in data["faults"] if not f["fault"]}
    for person, items in by_person.items():
        name = items[0]["name"]
        # one act with one finding: the person's name leads the finding itself
        single = len(items) == 1 and len(items[0].get("degrees", [])) <= 1
        block = Block(None if single else name)
        for v in items:
            act = namer.act(v["act"], lang)
            roles = w["list"].join(namer.label(r, lang) for r in v["involvement"])
            if single:
                head = (
                    f"{name}就{act}（{roles}）" if lang == "zh" else f"{name}, for {act} ({roles})"
                )
            else:
                head = f"{act}（{roles}）" if lang == "zh" else f"{act} ({roles})"
            key = ("responsible", v["act"], person)
            if v["verdict"] != "responsible" and v["act"] in not_faults:
                # no fault, no one answers for it: the reasons are those of section one
                block.lines.append(
                    Line(
                        f"{head}{w['colon']}{w['not_responsible']}"
                        f"{w['forms_note_open']}{w['act_not_fault']}{w['forms_note_close']}"
                        f"{notes.marks(key)}"
                    )
                )
                continue
            if v["verdict"] == "responsible":
                for d in v["degrees"]:
                    label = namer.label(d["degree"], lang)
                    block.lines += finding(d, f"{head}{w['colon']}{label}", key, act=v["act"])
            else:
                reasons = v.get("why_not", [])
                first = reasons[0] if reasons else {}
                if first.get("kind") in ("displaced", "cleared_subordinate", "cleared_by_vote"):
                    block.lines += finding(
                        first, f"{head}{w['colon']}{w['not_responsible']}", key, True, v["act"]
                    )
                else:
                    block.lines.append(
                        Line(f"{head}{w['colon']}{w['not_responsible']}{notes.marks(key)}")
                    )
                    for r in reasons:
                        block.lines += not_found(r)
        verdicts.blocks.append(block)
    if data["result_withheld"]:
        verdicts.blocks.append(Block(None, [Line(w["withheld"])]))
    sections.append(verdicts)

    def simple(key: str, items: list[dict], lead, verdict_key=None) -> None:
        if not items and key == "investigators":
            return
        section = Section(key, headings[key][lang])
        for item in items:
            section.blocks.append(
                Block(None, finding(item, lead(item), verdict_key(item) if verdict_key else None))
            )
        sections.append(section)

    simple("investigators", data["investigators"], lambda i: i["name"])
    simple(
        "aggravation",
        data["aggravation"],
        lambda i: f"{i['name']}{w['colon']}{namer.act(i['act'], lang)}",
        lambda i: ("aggravated", i["act"], i["person"]),
    )

    mitigation = Section("mitigation", headings["mitigation"][lang])
    for m in data["mitigation"]:
        act = namer.act(m["act"], lang)
        available = w["list"].join(namer.label(f, lang) for f in m["available"]) or w["none"]
        block = Block(None)
        key = ("mitigation", m["act"], m["person"])
        marks = notes.marks(key)
        lead = f"{m['name']}{w['colon']}{act}"
        if len(m["grounds"]) == 1 and not m["excluded"]:
            # one ground: its clause and facts are the finding's own
            block.lines += finding(m["grounds"][0], f"{lead}{w['colon']}{w['may']}{available}", key)
            mitigation.blocks.append(block)
            continue
        block.lines.append(Line(f"{lead}{w['dash']}{w['may']}{w['colon']}{available}{marks}"))
        for g in m["grounds"]:
            block.lines += [
                Line(line.text, line.cites, line.depth + 1, line.detail)
                for line in finding(g, namer.cite(g["point"], lang))
            ]
        for x in m["excluded"]:
            block.lines += [
                Line(line.text, line.cites, line.depth + 1, line.detail)
                for line in finding(x, f"{w['excluded']}{w['colon']}{namer.label(x['form'], lang)}")
            ]
        mitigation.blocks.append(block)
    sections.append(mitigation)

    sanctions = Section("sanctions", headings["sanctions"][lang])
    forms_notes = list(
        dict.fromkeys(_sanction_note(s, policy, namer, lang) for s in data["sanctions"])
    )
    if (
        len(forms_notes) == 1
    ):  # the same reading of Art. 13 for everyone: said once, after the title
        sanctions.note = forms_notes[0].strip(" （）()")
    # people open to the same forms under the same reading: one line names them all
    grouped: dict[tuple, list[str]] = {}
    for s in data["sanctions"]:
        note = (
            _sanction_note(s, policy, namer, lang).strip(" （）()") if len(forms_notes) > 1 else ""
        )
        grouped.setdefault((note, tuple(s["forms"])), []).append(s["name"])
    for (note, forms), names in grouped.items():
        who = w["list"].join(names)
        if note:
            sanctions.blocks.append(Block(None, [Line(f"{who}{w['colon']}{note}")]))
        sanctions.blocks.append(
            Block(None, [Line(f"{who}{w['colon']}{cite(list(forms))}", list(forms))])
        )
    sections.append(sanctions)
    simple(
        "referrals",
        data["referrals"],
        lambda i: f"{i['name']}{w['colon']}{namer.label(i['to'], lang)}",
    )
    simple(
        "commendations",
        data["commendations"],
        lambda i: f"{i['name']}{w['colon']}{namer.label(i['conduct'], lang)}",
    )

    recusal = Section("recusal", headings["recusal"][lang])
    for r in data["recusal"]:
        status = namer.label(r["status"], lang)
        key = ("recusal", r["member"])
        grounds = r.get("grounds", [])
        if not grounds:
            recusal.blocks.append(
                Block(None, finding(r, f"{r['name']}{w['colon']}{status}", key)[:1])
            )
            continue
        relations = w["list"].join(dict.fromkeys(namer.label(g["relation"], lang) for g in grounds))
        points = [g["point"] for g in grounds]
        merged = {
            "rule": grounds[0]["rule"],
            "cites": sorted({c for g in grounds for c in g["cites"]}),
            "reading": grounds[0]["reading"],
            "facts": [f for g in grounds for f in g["facts"]],
            "reasons": [s for g in grounds for s in g.get("reasons", [])],
        }
        merged["facts"] = list({(f["fact"], tuple(f["args"])): f for f in merged["facts"]}.values())
        lead = f"{r['name']}{w['colon']}{status}" + (
            f"（{relations}）" if lang == "zh" else f" ({relations})"
        )
        lines = finding(merged, lead, key)
        lines[0] = Line(f"{lead}{w['dash']}{cite(points)}{notes.marks(key)}", points)
        recusal.blocks.append(Block(None, lines))
    sections.append(recusal)

    limits = Section("time_limits", headings["time_limits"][lang])
    appeal_bodies: list[str] = []  # said once, after the periods
    for t in data["time_limits"]:
        subject = (
            ""
            if t["subject"] == "case"
            else (f"（{t['name']}）" if lang == "zh" else f" ({t['name']})")
        )
        label = namer.label(t["period"], lang) + subject
        key = ("period", t["period"], t["subject"])
        if t["status"] == "unknown" and t.get("error"):
            limits.blocks.append(
                Block(None, [Line(f"{label}{w['colon']}{t['error'][lang]}", list(t["cites"]))])
            )
            continue
        parts = [f"{w['start']} {t['start']}", f"{w['due']} {t['due']}"]
        if t.get("done"):
            parts.append(f"{w['done']} {t['done']}")
        lead = (
            f"{label}{w['colon']}"
            + w["sep"].join(parts)
            + f"{w['sep']}{namer.label(t['status'], lang)}"
        )
        lines = [Line(f"{lead}{w['dash']}{cite(t['cites'])}{notes.marks(key)}", list(t["cites"]))]
        if t.get("appeal_to") and t["appeal_to"][lang] not in appeal_bodies:
            appeal_bodies.append(t["appeal_to"][lang])
        steps = t.get("counting", {}).get("steps", [])
        if explain and steps:
            lines.append(
                Line(("" if lang == "zh" else " ").join(s[lang] for s in steps), [], 1, True)
            )
        lines += [Line(f"⚠ {x[lang]}", [], 1) for x in t.get("counting", {}).get("warnings", [])]
        limits.blocks.append(Block(None, lines))
    limits.blocks += [
        Block(None, [Line(f"{w['appeal_to']}{w['colon']}{body}")]) for body in appeal_bodies
    ]
    sections.append(limits)

    simple(
        "procedural_defects",
        data["procedural_defects"],
        lambda i: f"{i['name']}{w['colon']}{namer.cite(i['point'], lang)}",
    )

    open_points = Section("open_points", headings["open_points"][lang])
    for o in data["open_points"]:
        open_points.blocks.append(
            Block(None, [Line(f"{o[lang]}{w['dash']}{cite(o['cites'])}", list(o["cites"]))])
        )
    sections.append(open_points)
    if data["warnings"]:
        sections.append(
            Section(
                "warnings",
                headings["warnings"][lang],
                [Block(None, [Line(f"⚠ {x[lang]}") for x in data["warnings"]])],
            )
        )

    basis = _basis(data, policy, lang)
    what_if_blocks = _what_if_blocks(answer, lang) if what_if else []
    return Report(
        lang,
        f"{w['title']}{w['colon']}{_text(data['case']['title'], lang)}",
        basis,
        w["withheld"] if data["result_withheld"] else None,
        sections,
        notes.lines() + notes.override_lines(),
        notes.other_lines() if explain else [],
        what_if_blocks,
    )


def namer_list(namer: Namer, eids: list[str], lang: str) -> str:
    return citation_list(eids, lang, namer.whole_article)


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return value.get(lang) or next(iter(value.values()))
    return str(value)


def _basis(data: dict, policy, lang: str) -> list[str]:
    w = WORDS[lang]
    p = data["policy"]
    title = policy.instrument["title"][lang]
    presumed = p["edition_uncertain"]
    if lang == "zh":
        edition = f"{p['edition']}年版" + (f"（{w['presumed']}）" if presumed else "")
        first = f"{w['basis']}：《{title}》（{p['document_number']}）{edition}；{w['encoding']} {p['encoding_version']}；{w['as_of']} {data['as_of']}"
    else:
        edition = p["edition"] + (f" ({w['presumed']})" if presumed else "")
        first = f"{w['basis']}: {title} ({p['document_number']}), {w['edition']} {edition}; {w['encoding']} {p['encoding_version']}; {w['as_of']} {data['as_of']}"
    second = (
        f"{w['policy_folder']}{w['colon']}{p['path']}（{w['fingerprint']} {p['fingerprint'][:12]}）"
        if lang == "zh"
        else f"{w['policy_folder']}: {p['path']} ({w['fingerprint']} {p['fingerprint'][:12]})"
    )
    return [first + w["sep"] + second]


def _sanction_note(item: dict, policy, namer: Namer, lang: str) -> str:
    w = WORDS[lang]
    zh = lang == "zh"
    parts = [
        ("以此为限" if zh else "exhaustive")
        if item["exhaustive"]
        else ("不穷尽" if zh else "not exhaustive"),
        ("可合并适用" if zh else "may be combined")
        if item["combinable"]
        else ("只择一适用" if zh else "one only"),
    ]
    note = policy.answer_config.get("sanctions", {}).get("referral_note")
    if item["referral_forms"] and note:
        parts.append(note[lang])
    if item["severity_order"]:
        # lightest first; forms of equal weight in one group, grouped in brackets when several
        groups = " < ".join(
            w["list"].join(namer.cite(f, lang) for f in g)
            if len(g) == 1
            else ("（" if zh else "(")
            + w["list"].join(namer.cite(f, lang) for f in g)
            + ("）" if zh else ")")
            for g in item["severity_order"]
        )
        parts.append(("轻重：" if zh else "severity: ") + groups)
    parts.append("由处理机关选择" if zh else "chosen by the deciding body")
    return w["forms_note_open"] + w["sep"].join(parts) + w["forms_note_close"]


class _Notes:
    """The readings that decided findings, numbered in the order they are first needed."""

    def __init__(self, answer: Answer, namer: Namer, lang: str, deciding: bool = True):
        self.answer = answer
        self.namer = namer
        self.lang = lang
        # without working out which readings decided what, every relied-on reading is listed once
        self.decided = answer.deciding_readings() if deciding else {}
        self.order: list[str] = []
        self.affected: dict[str, list[tuple]] = {}

    def marks(self, key: tuple | None) -> str:
        if key is None or key not in self.decided:
            return ""
        out = ""
        for change in self.decided[key]:
            pid = change["parameter"]
            if pid not in self.order:
                self.order.append(pid)
            self.affected.setdefault(pid, [])
            if key not in self.affected[pid]:
                self.affected[pid].append(key)
            mark = MARKS[self.order.index(pid) % len(MARKS)]
            if mark not in out:
                out += mark
        return out

    def lines(self) -> list[Line]:
        policy = self.answer.evaluation.policy
        out = []
        for i, pid in enumerate(self.order):
            param = policy.parameter_index[pid]
            current = self.answer.evaluation.parameters[pid]
            label = parameter_value_words(param, current, self.lang, self.namer)
            if current != param["default"]:
                label += "（非默认）" if self.lang == "zh" else " (not the default)"
            alternatives = []
            for key in self.affected[pid]:
                for change in self.decided[key]:
                    if change["parameter"] == pid:
                        name = parameter_value_words(param, change["value"], self.lang, self.namer)
                        if name not in alternatives:
                            alternatives.append(name)
            mark = MARKS[i % len(MARKS)]
            if self.lang == "zh":
                alt = "或".join(f"“{a}”" for a in alternatives)
                text = (
                    f"{mark} {param['title']['zh']}：{label}（本结论所依据；若改为{alt}，结论不同）"
                )
            else:
                alt = " or ".join(f"“{a}”" for a in alternatives)
                text = (
                    f"{mark} {param['title']['en']}: {label} "
                    f"(this finding rests on it; under {alt} it comes out otherwise)"
                )
            out.append(Line(text, list(param["affects"])))
        return out

    def override_lines(self) -> list[Line]:
        """Readings the query set otherwise than the default: always said, decisive or not."""
        policy = self.answer.evaluation.policy
        zh = self.lang == "zh"
        out = []
        for p in self.answer.to_dict()["parameters"]:
            if p["default"] or p["id"] in self.order:
                continue
            param = policy.parameter_index[p["id"]]
            label = parameter_value_words(param, p["value"], self.lang, self.namer)
            out.append(
                Line(
                    f"{param['title'][self.lang]}{'：' if zh else ': '}{label}"
                    + ("（非默认，按查询设定）" if zh else " (not the default, set by the query)")
                )
            )
        return out

    def other_lines(self) -> list[Line]:
        """Every other reading the answer relied on, once, in one paragraph."""
        policy = self.answer.evaluation.policy
        zh = self.lang == "zh"
        parts = []
        for p in self.answer.to_dict()["parameters"]:
            if p["id"] in self.order:
                continue
            param = policy.parameter_index[p["id"]]
            label = parameter_value_words(param, p["value"], self.lang, self.namer)
            flag = "" if p["default"] else ("（非默认）" if zh else " (not the default)")
            parts.append(f"{param['title'][self.lang]}{'：' if zh else ': '}{label}{flag}")
        parts = [x for x in parts if "非默认" not in x and "not the default" not in x]
        if not parts:
            return []
        return [Line(("；" if zh else "; ").join(parts) + ("。" if zh else "."), [], 0, True)]


def _what_if_blocks(answer: Answer, lang: str) -> list[Block]:
    w = WORDS[lang]
    blocks = []
    for entry in answer.what_if():
        block = Block(entry["verdict"][lang])
        if not entry["flips"]:
            block.lines.append(Line(w["no_change"], [], 1))
        for flip in entry["flips"]:
            block.lines.append(Line(flip[lang], list(flip["cites"]), 1))
        blocks.append(block)
    return blocks
