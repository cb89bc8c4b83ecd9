"""Circumstances: aggravation (Art. 9) and mitigation (Art. 10), reported side by side, never offset."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from engine.answer.context import AnswerContext
from engine.policy.readings import reading


def aggravation(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = [
        {
            "act": a,
            "person": p,
            "name": ctx.namer.person(p),
            "point": e,
            **ctx.why("aggravated", (a, p, e)),
        }
        for (a, p, e) in ctx.tuples("aggravated")
    ]
    for predicate in (
        "aggravation_needs_finding",
        "establishment_needs_finding",
        "pre_commencement_repeat",
        "repeat_order_unknown",
        "double_counting",
        "serious_harm_scope_needs_finding",
    ):
        ctx.raise_open_points(predicate)
    return out


def mitigation(ctx: AnswerContext) -> list[dict[str, Any]]:
    grouped: dict[tuple, list[str]] = defaultdict(list)
    for a, p, e in ctx.tuples("mitigation_ground"):
        grouped[(a, p)].append(e)
    config = ctx.ev.policy.answer_config.get("mitigation", {})
    out = []
    for (a, p), grounds in sorted(grouped.items()):
        ctx.used_params.update(config.get("relies_on", ()))
        entry = {
            "act": a,
            "person": p,
            "name": ctx.namer.person(p),
            "grounds": [{"point": e, **ctx.why("mitigation_ground", (a, p, e))} for e in grounds],
            "available": [f for (_, _, f) in ctx.matching("mitigation_available", a, p)],
            "excluded": [
                {"form": f, **ctx.why("tail_blocks", (a, p, f))}
                for (_, _, f) in ctx.matching("tail_blocks", a, p)
            ],
            "tail_reading": reading(config.get("tail_reading"), ctx.ev.parameters),
        }
        out.append(entry)
    for predicate in (
        "mitigation_available",
        "combination_needs_finding",
        "mitigation_ground_contradicted",
        "conflicting_circumstances",
    ):
        ctx.raise_open_points(predicate)
    return out
