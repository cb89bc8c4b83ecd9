"""Circumstances: aggravation (Art. 9) and mitigation (Art. 10), reported side by side, never offset."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from engine.answer.context import AnswerContext


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
    for a, p, e in ctx.tuples("aggravation_needs_finding"):
        ctx.open_point(
            "aggravation",
            [e],
            f"{ctx.namer.person(p)}给本单位造成不良影响；第九条第（五）项所称“总队”并非本局，是否从重须人工认定。",
            f"{ctx.namer.person(p)} caused a bad influence on the bureau; the 总队 of Art. 9(5) is not this bureau, so whether this aggravates needs a human finding.",
            act=a,
            person=p,
        )
    return out


def mitigation(ctx: AnswerContext) -> list[dict[str, Any]]:
    grouped: dict[tuple, list[str]] = defaultdict(list)
    for a, p, e in ctx.tuples("mitigation_ground"):
        grouped[(a, p)].append(e)
    out = []
    for (a, p), grounds in sorted(grouped.items()):
        ctx.used_params.add("art10_tail_reading")
        ctx.used_params.add("art9_art10_combination")
        entry = {
            "act": a,
            "person": p,
            "name": ctx.namer.person(p),
            "grounds": [{"point": e, **ctx.why("mitigation_ground", (a, p, e))} for e in grounds],
            "available": [
                f for (x, q, f) in ctx.tuples("mitigation_available") if (x, q) == (a, p)
            ],
            "excluded": [
                {"form": f, **ctx.why("tail_blocks", (a, p, f))}
                for (x, q, f) in ctx.tuples("tail_blocks")
                if (x, q) == (a, p)
            ],
            "tail_reading": ctx.ev.parameters["art10_tail_reading"],
        }
        out.append(entry)
        if entry["available"]:
            ctx.open_point(
                "discretion",
                ["art_10__intro"],
                f"第十条是“可以”：是否对{ctx.namer.person(p)}从轻、减轻或免于追究，由处理机关裁量。",
                f"Art. 10 says “may”: whether {ctx.namer.person(p)} gets lighter, mitigated or no sanction is for the deciding body.",
                act=a,
                person=p,
            )
    for a, p in ctx.tuples("combination_needs_finding"):
        ctx.open_point(
            "combination",
            ["art_9__intro", "art_10__intro"],
            f"{ctx.namer.person(p)}同时具有从重和从轻情节，须由处理机关决定如何相抵。",
            f"{ctx.namer.person(p)} has aggravating and mitigating circumstances; the deciding body must decide how they combine.",
            act=a,
            person=p,
        )
    return out
