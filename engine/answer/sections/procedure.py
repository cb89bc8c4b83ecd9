"""Procedure: the time limits (Arts. 15, 19), procedural defects (Art. 18) and the open questions of the text."""

from __future__ import annotations

from typing import Any

from engine.answer.context import AnswerContext
from engine.policy.citation import eid_order


def time_limits(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = []
    status = {(t, s): st for (t, s, st) in ctx.tuples("period_status")}
    for p in ctx.ev.periods:
        entry: dict[str, Any] = {
            "period": p.period,
            "subject": p.subject,
            "name": ctx.namer.person(p.subject) if p.subject != "case" else None,
            "start_field": p.start_field,
            "start": p.start,
            "done": p.done,
            "cites": list(p.rule.cites),
        }
        if p.due is None:
            entry["status"] = "unknown"
            entry["error"] = p.error
            ctx.open_point(
                "calendar", list(p.rule.cites), p.error["zh"], p.error["en"], period=p.period
            )
        else:
            entry["due"] = p.due.due.isoformat()
            entry["counting"] = p.due.to_dict()
            st = status.get((p.period, p.subject))
            entry["status"] = st or "unknown"
            if st:
                why = ctx.why("period_status", (p.period, p.subject, st))
                why["cites"] = sorted(set(why["cites"]) | set(p.rule.cites), key=eid_order)
                entry.update(why)
            if p.period == "appeal":
                entry["appeal_to"] = APPEAL_BODIES[ctx.ev.parameters["art19_supervision_body"]]
            if p.period == "appeal" and ctx.holds("appeal_out_of_time", (p.subject,)):
                entry["out_of_time"] = True
                entry["inadmissible"] = ctx.holds("appeal_inadmissible", (p.subject,))
                ctx.used_params.add("art19_late_appeal")
        out.append(entry)
    return out


def procedure(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = [
        {
            "person": p,
            "name": ctx.namer.person(p),
            "point": e,
            **ctx.why("procedural_defect", (p, e)),
        }
        for (p, e) in ctx.tuples("procedural_defect")
    ]
    if out:
        ctx.used_params.add("art18_statement_not_heard")
    return out


def fixed_open_points(ctx: AnswerContext) -> None:
    """Questions the text itself leaves to people, raised whenever the case reaches them."""
    case = ctx.ev.case
    if case.get("procedure", {}).get("investigation_closed_on") or case.get("procedure", {}).get(
        "decisions"
    ):
        ctx.used_params.add("art18_deciding_body")
        if ctx.ev.parameters["art18_deciding_body"] == "unidentified":
            ctx.open_point(
                "text",
                ["art_18__para_1"],
                "第十八条“相关部门”未指明由谁作出处理决定。",
                "Art. 18 does not say which “relevant department” issues the decision.",
            )
    if case.get("procedure", {}).get("decisions"):
        ctx.used_params.add("art19_supervision_body")
        if ctx.ev.parameters["art19_supervision_body"] == "verbatim_unidentified":
            ctx.open_point(
                "text",
                ["art_19__para_1"],
                "第十九条所称“监察部门”已不存在（现为监察委员会），申诉受理机关须人工确认。",
                "The 监察部门 of Art. 19 no longer exists (now the supervisory commission); the body receiving appeals must be confirmed by a person.",
            )


# Art. 19: 向上级组织人事部门或监察部门申诉 — the second body no longer exists under that name.
APPEAL_BODIES = {
    "verbatim_unidentified": {
        "zh": "上级组织人事部门或监察部门（原文；监察部门现已不存在，待确认）",
        "en": "the superior organisation and personnel department or the 监察部门 (as written; that body no longer exists, to be confirmed)",
    },
    "supervisory_commission": {
        "zh": "上级组织人事部门或监察委员会（按解释参数）",
        "en": "the superior organisation and personnel department or the supervisory commission (by the reading chosen)",
    },
}
