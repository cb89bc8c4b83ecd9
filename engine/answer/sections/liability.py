"""Liability: the faults found and, for everyone in each act's handling chain, a verdict (Arts. 7, 8, 11, 12, 17)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from engine.answer.context import AnswerContext


def faults(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = []
    for act in ctx.ev.case.get("acts", []):
        a = act["id"]
        entry: dict[str, Any] = {
            "act": a,
            "description": act["description"],
            "fault": ctx.holds("fault", (a,)),
            "points": [e for (_, e) in ctx.matching("point_applies", a)],
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
        for predicate in (
            "awaiting_finding",
            "contradicted",
            "justification_needs_finding",
            "first_limb_from_record",
            "result_needs_finding",
        ):
            ctx.raise_open_points(predicate, a)
    return out


def chain(ctx: AnswerContext, act: dict) -> list[tuple[str, list[str]]]:
    """Everyone the regulation could hold responsible for this act, with how they are involved."""
    a = act["id"]
    involved: dict[str, list[str]] = defaultdict(list)
    for role in ("handler", "reviewer", "approver"):
        if role in act:
            involved[act[role]].append(role)
    for pid in act.get("inspection", {}).get("officers", []):
        involved[pid].append("inspecting_officer")
    for ins in act.get("instructions", []):
        involved[ins["leader"]].append("instructing_leader")
        involved[ins["subordinate"]].append("instructed_subordinate")
    decision = act.get("collective_decision")
    if decision:
        involved[decision["decision_maker"]].append("decision_maker")
        for v in decision["votes"]:
            involved[v["person"]].append(f"vote_{v['vote']}")
    for _, post in ctx.matching("duty_of_post", a):
        for p, _ in ctx.where("holds_post", {1: post}):
            involved[p].append("post_holder")
    for c in act.get("culpability", []) + act.get("caused_errors", []):
        pid = c.get("person") or c.get("by")
        if pid not in involved:
            involved[pid].append("involved")
    for _, p, _degree in ctx.matching("responsible", a):
        if p not in involved:
            involved[p].append("involved")
    return [(p, sorted(set(r))) for p, r in involved.items()]


def verdicts(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = []
    for act in ctx.ev.case.get("acts", []):
        a = act["id"]
        for person, involvement in chain(ctx, act):
            entry: dict[str, Any] = {
                "act": a,
                "person": person,
                "name": ctx.namer.person(person),
                "involvement": involvement,
            }
            degrees = [d for (_, _, d) in ctx.matching("responsible", a, person)]
            if degrees:
                entry["verdict"] = "responsible"
                entry["degrees"] = [
                    {"degree": d, **ctx.why("responsible", (a, person, d))} for d in degrees
                ]
            else:
                entry["verdict"] = "not_responsible"
                entry["why_not"] = _why_not_responsible(ctx, a, person, involvement)
            out.append(entry)
    for predicate in (
        "vote_needs_finding",
        "chain_vote_needs_finding",
        "inaction_needs_finding",
        "inaction_chain_member",
        "faultless",
        "correct_opinion_still_responsible",
        "multiple_bases",
        "dissenting_decider",
        "leader_status_needs_finding",
        "instruction_from_outside",
        "inspection_chain_needs_finding",
        "staff_category_needs_finding",
    ):
        ctx.raise_open_points(predicate)
    return out


def _why_not_responsible(ctx, a: str, person: str, involvement: list[str]) -> list[dict[str, Any]]:
    reasons = []
    for x, p, e in ctx.matching("displaced", a, person):
        reasons.append({"kind": "displaced", "by": e, **ctx.why("displaced", (x, p, e))})
    if ctx.holds("cleared_subordinate", (a, person)):
        reasons.append(
            {"kind": "cleared_subordinate", **ctx.why("cleared_subordinate", (a, person))}
        )
    for x, p, v in ctx.matching("cleared_by_vote", a, person):
        reasons.append(
            {"kind": "cleared_by_vote", "vote": v, **ctx.why("cleared_by_vote", (x, p, v))}
        )
    if not reasons:
        degree = next(
            choice["degree"]
            for choice in ctx.ev.policy.presentation["why_not_responsible"]
            if "involvement" not in choice or set(choice["involvement"]) & set(involvement)
        )
        reasons.append({"kind": "rule_not_met", **ctx.why_not("responsible", (a, person, degree))})
    return reasons


def investigators(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = [
        {"person": p, "name": ctx.namer.person(p), **ctx.why("investigator_liable", (p,))}
        for (p,) in ctx.tuples("investigator_liable")
    ]
    ctx.raise_open_points("investigator_consequence_needs_finding")
    return out
