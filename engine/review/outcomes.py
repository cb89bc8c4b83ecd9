"""What a change to the encoding does to answers: run every case under both sides and compare.

Answers are compared on their outcome projection (engine.answer.summary): who is responsible, which
deadline, who must recuse, … — not on wording, so a reworded reading is not an outcome change. Each
change that is found carries the explanation from both sides, so a reviewer sees why the old
encoding decided one way and the new one the other.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.answer import answer_case
from engine.answer.names import Namer
from engine.answer.summary import summarize
from engine.policy.citation import eid_order
from engine.problems import ProblemsError

if TYPE_CHECKING:
    from engine.policy.model import Policy
    from engine.review.sides import CaseSpec

# how the items of each answer section are identified across the two sides
SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "faults": ("act",),
    "verdicts": ("act", "person"),
    "aggravation": ("act", "person", "point"),
    "mitigation": ("act", "person"),
    "sanctions": ("person",),
    "referrals": ("person", "to"),
    "commendations": ("person", "conduct"),
    "recusal": ("member",),
    "time_limits": ("period", "subject"),
    "procedural_defects": ("person", "point"),
}
SCALAR_ITEM_FIELD = {"investigators": "person"}  # summary lists ids; the answer lists {person: …}
SECTION_LABELS = {
    "status": ("回答", "answer"),
    "faults": ("行政过错", "administrative fault"),
    "verdicts": ("责任认定", "responsibility"),
    "investigators": ("办案人员责任", "investigators' liability"),
    "aggravation": ("从重情节", "aggravation"),
    "mitigation": ("从轻、减轻或免于追究", "mitigation"),
    "sanctions": ("追究形式", "forms of sanction"),
    "referrals": ("移送与追偿", "referral and recovery"),
    "commendations": ("表彰奖励", "commendation"),
    "recusal": ("回避", "recusal"),
    "time_limits": ("期限", "time limit"),
    "procedural_defects": ("程序缺陷", "procedural defect"),
    "open_points": ("须人工认定的事项", "point needing a human finding"),
    "result_withheld": ("不出具处理结论", "result withheld"),
}
CHANGE_WORDS = {
    "added": ("新增", "now"),
    "removed": ("不再有", "no longer"),
    "changed": ("改变", "changed"),
}
RECUSAL_LABELS = {
    "admitted": ("可以担任", "may serve"),
    "disqualified": ("应当回避", "must recuse"),
    "needs_finding": ("须人工认定", "needs a human finding"),
}
STATUS_LABELS = {
    "answered": ("已回答", "answered"),
    "refused": ("拒绝回答", "refused"),
    "error": ("出错", "failed"),
}


def run_case(policy: Policy, spec: CaseSpec, as_of: str) -> dict[str, Any]:
    """One case under one side: its answer and outcome projection, or why it was not answered."""

    try:
        answer = answer_case(
            policy, spec.case, as_of=as_of, parameters=spec.parameters, explain=True
        ).to_dict()
    except ProblemsError as exc:
        return {"status": "refused", "as_of": as_of, "problems": [p.format() for p in exc.problems]}
    except Exception as exc:  # noqa: BLE001 — one broken case must not hide the others' changes
        return {"status": "error", "as_of": as_of, "problems": [f"{type(exc).__name__}: {exc}"]}
    return {"status": "answered", "as_of": as_of, "answer": answer, "summary": summarize(answer)}


def compare_runs(
    spec: CaseSpec, old: dict[str, Any], new: dict[str, Any], labels: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """Every outcome that differs between the two runs of one case, each with both explanations
    (values named by ``labels``, the NEW side's vocabulary labels)."""
    names = Namer(spec.case, labels)
    if old["status"] != "answered" or new["status"] != "answered":
        if old["status"] != "answered" and new["status"] != "answered":
            return []  # answered under neither side: listed apart, not an outcome change
        zh_old, en_old = STATUS_LABELS[old["status"]]
        zh_new, en_new = STATUS_LABELS[new["status"]]
        return [
            {
                "section": "status",
                "key": {},
                "kind": "changed",
                "old": old["status"],
                "new": new["status"],
                "headline": {
                    "zh": f"回答状态：{zh_old} → {zh_new}",
                    "en": f"answer: {en_old} → {en_new}",
                },
                "explanation": {"old": _problem_steps(old), "new": _problem_steps(new)},
                "cites": [],
            }
        ]
    changes = []
    a, b = old["summary"], new["summary"]
    for section in [s for s in a if s in b] + [s for s in b if s not in a]:
        for kind, key, before, after in _section_changes(section, a.get(section), b.get(section)):
            steps_old = _steps(old["answer"], section, key)
            steps_new = _steps(new["answer"], section, key)
            changes.append(
                {
                    "section": section,
                    "key": key,
                    "kind": kind,
                    "old": before,
                    "new": after,
                    "headline": headline(section, kind, key, before, after, names),
                    "explanation": {"old": steps_old, "new": steps_new},
                    # the provisions the two top-level reasons rest on (the full chains cite more)
                    "cites": sorted(
                        {
                            c
                            for s in steps_old + steps_new
                            if s.get("depth", 0) <= 1
                            for c in s.get("cites", [])
                        },
                        key=eid_order,
                    ),
                }
            )
    return changes


def _section_changes(section: str, before: Any, after: Any):
    """(kind, key, old item, new item) for each item that was added, removed or changed."""
    if not isinstance(before, list) or not isinstance(after, list):
        if before != after:
            yield "changed", {}, before, after
        return
    olds, news = _index(section, before), _index(section, after)
    for ident in list(olds) + [i for i in news if i not in olds]:
        o, n = olds.get(ident), news.get(ident)
        if o == n:
            continue
        kind = "added" if o is None else "removed" if n is None else "changed"
        yield kind, _key_of(section, o if o is not None else n), o, n


def _index(section: str, items: list) -> dict[str, Any]:
    return {
        json.dumps(_key_of(section, item), sort_keys=True, ensure_ascii=False): item
        for item in items
    }


def _key_of(section: str, item: Any) -> dict[str, Any]:
    if section in SECTION_KEYS and isinstance(item, dict):
        return {k: item.get(k) for k in SECTION_KEYS[section]}
    if isinstance(item, dict):
        return item
    return {SCALAR_ITEM_FIELD.get(section, "value"): item}


def _steps(answer: dict[str, Any], section: str, key: dict[str, Any]) -> list[dict[str, Any]]:
    """The explanation of one item of an answer: every reason step found in it, in order."""
    items = answer.get(section)
    if not isinstance(items, list) or not key:
        return []
    for item in items:
        if isinstance(item, dict) and all(item.get(k) == v for k, v in key.items()):
            steps: list[dict[str, Any]] = []
            _collect(item, steps)
            return steps
    return []


def _collect(value: Any, steps: list[dict[str, Any]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "reasons" and isinstance(v, list):
                for step in v:
                    if isinstance(step, dict) and step not in steps:
                        steps.append(
                            {
                                s: step[s]
                                for s in ("zh", "en", "rule", "parameter", "cites", "depth")
                                if s in step
                            }
                        )
            elif k not in ("derivation", "why_not") or k == "why_not" and _is_reason_list(v):
                _collect(v, steps)
    elif isinstance(value, list):
        for v in value:
            _collect(v, steps)


def _is_reason_list(value: Any) -> bool:
    """``why_not`` is a list of reasons on verdicts, a list of raw why-not trees elsewhere."""
    return isinstance(value, list) and all(isinstance(v, dict) and "kind" in v for v in value)


def _problem_steps(run: dict[str, Any]) -> list[dict[str, Any]]:
    if run["status"] == "answered":
        return []
    return [{"zh": p, "en": p, "depth": 0} for p in run.get("problems", [])]


# --- headlines -----------------------------------------------------------------------------------


def _shown(value: Any, names: Namer, lang: str) -> str:
    if isinstance(value, list):
        return "/".join(_shown(v, names, lang) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return names.value(value, lang)


def headline(
    section: str, kind: str, key: dict, old: Any, new: Any, names: Namer
) -> dict[str, str]:
    """One sentence per language saying what changed, in the terms a legal officer uses."""
    maker = _HEADLINES.get(section)
    text = maker(kind, key, old, new, names) if maker else None
    if text is None:
        zh_section, en_section = SECTION_LABELS.get(section, (section, section))
        zh_what = "、".join(_shown(v, names, "zh") for v in key.values())
        en_what = ", ".join(_shown(v, names, "en") for v in key.values())
        zh_kind, en_kind = CHANGE_WORDS[kind]
        text = (
            f"{zh_section}{zh_kind}：{zh_what}" if key else f"{zh_section}{zh_kind}",
            f"{en_section} {en_kind}: {en_what}" if key else f"{en_section} {en_kind}",
        )
        if kind == "changed" and not key:
            text = (f"{text[0]}：{old} → {new}", f"{text[1]}: {old} → {new}")
    return {"zh": text[0], "en": text[1]}


def _verdict(kind, key, old, new, names):
    name, act = names.person(key["person"]), key["act"]
    was = bool(old) and old["verdict"] == "responsible"
    now = bool(new) and new["verdict"] == "responsible"
    if now and not was:
        degrees = new["degrees"]
        return (
            f"{name}对{act}变为负有责任（{'、'.join(names.value(d, 'zh') for d in degrees)}）",
            f"{name} becomes responsible for {act} ({', '.join(names.value(d, 'en') for d in degrees)})",
        )
    if was and not now:
        return (f"{name}对{act}不再负有责任", f"{name} stops being responsible for {act}")
    if was and now:
        return (
            f"{name}对{act}的责任由“{'、'.join(names.value(d, 'zh') for d in old['degrees'])}”变为"
            f"“{'、'.join(names.value(d, 'zh') for d in new['degrees'])}”",
            f"{name}'s responsibility for {act} changes from "
            f"{', '.join(names.value(d, 'en') for d in old['degrees'])} "
            f"to {', '.join(names.value(d, 'en') for d in new['degrees'])}",
        )
    if old is None:
        return (
            f"{name}现列入{act}的经办链，不负责任",
            f"{name} is now in the chain of {act}, not responsible",
        )
    if new is None:
        return (f"{name}不再列入{act}的经办链", f"{name} is no longer in the chain of {act}")
    return (
        f"{name}对{act}不负责任的理由改变",
        f"the reason {name} is not responsible for {act} changed",
    )


def _time_limit(kind, key, old, new, names):
    period = (names.label(key["period"], "zh"), names.label(key["period"], "en"))
    subject = ("案件", "case") if key["subject"] == "case" else (names.person(key["subject"]),) * 2
    zh, en = f"{period[0]}（{subject[0]}）", f"{period[1]} ({subject[1]})"
    if old is None:
        return (
            f"{zh}新增期限，至{new.get('due')}",
            f"{en}: a new time limit, due {new.get('due')}",
        )
    if new is None:
        return (
            f"{zh}不再计算期限（原至{old.get('due')}）",
            f"{en}: no longer computed (was due {old.get('due')})",
        )
    parts_zh, parts_en = [], []
    if old.get("due") != new.get("due"):
        parts_zh.append(f"期限由{old.get('due')}改为{new.get('due')}")
        parts_en.append(f"deadline moves from {old.get('due')} to {new.get('due')}")
    if old.get("status") != new.get("status"):
        parts_zh.append(
            f"状态由“{names.value(old.get('status'), 'zh')}”变为“{names.value(new.get('status'), 'zh')}”"
        )
        parts_en.append(
            f"status {names.value(old.get('status'), 'en')} → {names.value(new.get('status'), 'en')}"
        )
    if old.get("inadmissible", False) != new.get("inadmissible", False):
        if new.get("inadmissible"):
            parts_zh.append("逾期申诉改为不予受理")
            parts_en.append("the late appeal becomes inadmissible")
        else:
            parts_zh.append("逾期申诉不再不予受理")
            parts_en.append("the late appeal is no longer inadmissible")
    for field in ("start", "done"):
        if old.get(field) != new.get(field):
            parts_zh.append(f"{field} {old.get(field)} → {new.get(field)}")
            parts_en.append(f"{field} {old.get(field)} → {new.get(field)}")
    return (f"{zh}：{'；'.join(parts_zh)}", f"{en}: {'; '.join(parts_en)}")


def _recusal(kind, key, old, new, names):
    name = names.person(key["member"])
    before = (
        RECUSAL_LABELS.get(old["status"], (old["status"],) * 2)
        if old
        else ("未列入", "not proposed")
    )
    after = (
        RECUSAL_LABELS.get(new["status"], (new["status"],) * 2)
        if new
        else ("未列入", "not proposed")
    )
    if before == after:
        return (
            f"调查组成员{name}：{after[0]}，但回避事由改变",
            f"investigation member {name}: {after[1]}, on changed grounds",
        )
    return (
        f"调查组成员{name}：{before[0]} → {after[0]}",
        f"investigation member {name}: {before[1]} → {after[1]}",
    )


def _fault(kind, key, old, new, names):
    act = key["act"]
    was, now = bool(old and old["fault"]), bool(new and new["fault"])
    if was != now:
        return (
            (f"行为{act}变为构成行政过错", f"act {act} becomes an administrative fault")
            if now
            else (f"行为{act}不再构成行政过错", f"act {act} is no longer an administrative fault")
        )
    points_old = "、".join(names.value(p, "zh") for p in (old or {}).get("points", [])) or "无"
    points_new = "、".join(names.value(p, "zh") for p in (new or {}).get("points", [])) or "无"
    en_old = ", ".join(names.value(p, "en") for p in (old or {}).get("points", [])) or "none"
    en_new = ", ".join(names.value(p, "en") for p in (new or {}).get("points", [])) or "none"
    return (
        f"行为{act}所属情形由{points_old}变为{points_new}",
        f"act {act}: points {en_old} → {en_new}",
    )


def _order(order: list[list[str]] | None, names: Namer, lang: str) -> str:
    if order is None:
        return "不排序" if lang == "zh" else "no order"
    comma = "、" if lang == "zh" else ", "
    return " < ".join(comma.join(names.cite(e, lang) for e in group) for group in order)


# a reading of Art. 13 on the forms, as it now stands: (zh, en), each {new value: words}
FORM_FLAG_WORDS = {
    "combinable": (
        {True: "各形式可以合并适用", False: "各形式不得合并适用，只能择一"},
        {
            True: "the forms may be combined",
            False: "the forms may no longer be combined: one is chosen",
        },
    ),
    "exhaustive": (
        {True: "只能采取所列形式，不得采取其他形式", False: "所列形式之外还可采取其他形式"},
        {
            True: "only the listed forms may be used, no other",
            False: "forms beyond those listed may be used too",
        },
    ),
}


def _sanction(kind, key, old, new, names):
    """What the deciding body may now do with the forms for a person (the readings of Art. 13)."""
    if kind != "changed":
        return None
    name = names.person(key["person"])
    parts_zh, parts_en = [], []
    if old["forms"] != new["forms"]:
        return None
    for flag, (zh, en) in FORM_FLAG_WORDS.items():
        if old[flag] != new[flag]:
            parts_zh.append(zh[new[flag]])
            parts_en.append(en[new[flag]])
    if old["severity_order"] != new["severity_order"]:
        parts_zh.append(
            f"轻重顺序由“{_order(old['severity_order'], names, 'zh')}”"
            f"变为“{_order(new['severity_order'], names, 'zh')}”"
        )
        parts_en.append(
            f"severity order {_order(old['severity_order'], names, 'en')} → "
            f"{_order(new['severity_order'], names, 'en')}"
        )
    if old["referral_forms"] != new["referral_forms"]:
        for eid in new["referral_forms"]:
            if eid not in old["referral_forms"]:
                parts_zh.append(f"{names.cite(eid, 'zh')}改为移送，不由本局作出")
                parts_en.append(
                    f"{names.cite(eid, 'en')} becomes a referral, not imposed by the bureau"
                )
        for eid in old["referral_forms"]:
            if eid not in new["referral_forms"]:
                parts_zh.append(f"{names.cite(eid, 'zh')}不再是移送，改为本局采取的形式")
                parts_en.append(
                    f"{names.cite(eid, 'en')} is no longer a referral but a form the bureau applies"
                )
    if not parts_zh:
        return None
    return (
        f"对{name}的追究形式：{'；'.join(parts_zh)}",
        f"forms of sanction for {name}: {'; '.join(parts_en)}",
    )


def _open_point(kind, key, old, new, names):
    """A point for a person to decide, by the clauses it cites and what it is about, in words
    (the summary keeps its kind and arguments as ids)."""
    zh_kind, en_kind = CHANGE_WORDS[kind]
    about = [v for _, v in sorted((key.get("about") or {}).items())]
    words = []
    for lang, sep, inner in (("zh", "、", "；"), ("en", ", ", "; ")):
        text = sep.join(_shown(c, names, lang) for c in key.get("cites") or [])
        if about:
            shown = inner.join(_shown(v, names, lang) for v in about)
            text = f"{text}（{shown}）" if lang == "zh" else f"{text} ({shown})"
        words.append(text)
    return (
        f"{SECTION_LABELS['open_points'][0]}{zh_kind}：{words[0]}",
        f"{SECTION_LABELS['open_points'][1]} {en_kind}: {words[1]}",
    )


_HEADLINES = {
    "open_points": _open_point,
    "sanctions": _sanction,
    "verdicts": _verdict,
    "time_limits": _time_limit,
    "recusal": _recusal,
    "faults": _fault,
}
