"""Liability: the faults found and, for everyone in each act's handling chain, a verdict (Arts. 7, 8, 11, 12, 17)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from engine.answer.context import AnswerContext
from engine.answer.names import VALUE_LABELS
from engine.policy.citation import eid_label


def faults(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = []
    for act in ctx.ev.case.get("acts", []):
        a = act["id"]
        entry: dict[str, Any] = {
            "act": a,
            "description": act["description"],
            "fault": ctx.holds("fault", (a,)),
            "points": [e for (x, e) in ctx.tuples("point_applies") if x == a],
            "kinds": [
                k
                for k, p in (
                    ("enforcement", "enforcement_fault"),
                    ("internal", "internal_fault"),
                    ("inaction", "inaction"),
                )
                if ctx.holds(p, (a,)) and (k != "inaction" or ctx.holds("fault", (a,)))
            ],
        }
        if "fault" in ctx.ev.model_predicates:
            entry.update(ctx.why("fault", (a,)) if entry["fault"] else ctx.why_not("fault", (a,)))
        else:
            entry.update({"reasons": [], "cites": []})
        out.append(entry)
        for x, e in ctx.tuples("awaiting_finding"):
            if x == a:
                ctx.open_point(
                    "catch_all",
                    [e],
                    f"行为{a}被指称属于兜底条款{eid_label(e, 'zh')}，须经人工认定（finding: confirmed）后才适用。",
                    f"Act {a} is alleged to fall under the catch-all {eid_label(e, 'en')}; it applies only on a confirmed human finding.",
                    act=a,
                    point=e,
                )
        for x, e in ctx.tuples("contradicted"):
            if x == a:
                ctx.open_point(
                    "contradicted",
                    [e],
                    f"记录称行为{a}属于{eid_label(e, 'zh')}，但记录的事实不符合该项，须人工核实。",
                    f"The record alleges act {a} falls under {eid_label(e, 'en')} but the recorded facts do not meet it; a person must check.",
                    act=a,
                    point=e,
                )
    return out


def chain(ctx: AnswerContext, act: dict) -> list[tuple[str, list[str]]]:
    """Everyone the regulation could hold responsible for this act, with how they are involved."""
    a = act["id"]
    involved: dict[str, list[str]] = defaultdict(list)
    for role in ("handler", "reviewer", "approver"):
        if role in act:
            involved[act[role]].append(role)
    for ins in act.get("instructions", []):
        involved[ins["leader"]].append("instructing_leader")
        involved[ins["subordinate"]].append("instructed_subordinate")
    decision = act.get("collective_decision")
    if decision:
        involved[decision["decision_maker"]].append("decision_maker")
        for v in decision["votes"]:
            involved[v["person"]].append(f"vote_{v['vote']}")
    for x, post in ctx.tuples("duty_of_post"):
        if x == a:
            for p, held in ctx.tuples("holds_post"):
                if held == post:
                    involved[p].append("post_holder")
    for c in act.get("culpability", []) + act.get("caused_errors", []):
        pid = c.get("person") or c.get("by")
        if pid not in involved:
            involved[pid].append("involved")
    for x, p, _degree in ctx.tuples("responsible"):
        if x == a and p not in involved:
            involved[p].append("involved")
    return [(p, sorted(set(r))) for p, r in involved.items()]


def verdicts(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = []
    responsible = ctx.tuples("responsible")
    for act in ctx.ev.case.get("acts", []):
        a = act["id"]
        for person, involvement in chain(ctx, act):
            entry: dict[str, Any] = {
                "act": a,
                "person": person,
                "name": ctx.namer.person(person),
                "involvement": involvement,
            }
            degrees = [d for (x, p, d) in responsible if x == a and p == person]
            if degrees:
                entry["verdict"] = "responsible"
                entry["degrees"] = [
                    {"degree": d, **ctx.why("responsible", (a, person, d))} for d in degrees
                ]
            else:
                entry["verdict"] = "not_responsible"
                entry["why_not"] = _why_not_responsible(ctx, a, person, involvement)
            out.append(entry)
    for a, p, v in ctx.tuples("vote_needs_finding"):
        ctx.open_point(
            "vote",
            ["art_11__point_6"],
            f"{ctx.namer.person(p)}在集体讨论中{VALUE_LABELS[v][0]}，第十一条第（六）项未作规定；按默认解释不承担责任，须人工确认。",
            f"{ctx.namer.person(p)} {VALUE_LABELS[v][1]} in the collective discussion, which Art. 11(6) does not address; by default not responsible, to be confirmed by a person.",
            act=a,
            person=p,
        )
    for (a,) in ctx.tuples("inaction_needs_finding"):
        ctx.open_point(
            "inaction",
            ["art_12__para_1"],
            f"行为{a}因不作为发生过错，其责任人须人工认定。",
            f"Who is responsible for the inaction fault in act {a} needs a human finding.",
            act=a,
        )
    return out


def _why_not_responsible(ctx, a: str, person: str, involvement: list[str]) -> list[dict[str, Any]]:
    reasons = []
    for x, p, e in ctx.tuples("displaced"):
        if x == a and p == person:
            reasons.append({"kind": "displaced", "by": e, **ctx.why("displaced", (x, p, e))})
    if ctx.holds("cleared_subordinate", (a, person)):
        reasons.append(
            {"kind": "cleared_subordinate", **ctx.why("cleared_subordinate", (a, person))}
        )
    for x, p, v in ctx.tuples("cleared_by_vote"):
        if x == a and p == person:
            reasons.append(
                {"kind": "cleared_by_vote", "vote": v, **ctx.why("cleared_by_vote", (x, p, v))}
            )
    if not reasons:
        degree = (
            "graded"
            if any(r in involvement for r in ("handler", "reviewer", "approver"))
            else "direct"
            if "instructing_leader" in involvement
            else "by_post"
            if "post_holder" in involvement
            else "secondary"
        )
        reasons.append({"kind": "rule_not_met", **ctx.why_not("responsible", (a, person, degree))})
    return reasons


def investigators(ctx: AnswerContext) -> list[dict[str, Any]]:
    return [
        {"person": p, "name": ctx.namer.person(p), **ctx.why("investigator_liable", (p,))}
        for (p,) in ctx.tuples("investigator_liable")
    ]
