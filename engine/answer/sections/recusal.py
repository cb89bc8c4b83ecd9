"""Recusal from the investigation group (Art. 16): each proposed member admitted, disqualified, or left to a person."""

from __future__ import annotations

from typing import Any

from engine.answer.context import AnswerContext


def recusal(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = []
    for member in ctx.ev.case.get("investigation", {}).get("proposed_members", []):
        entry: dict[str, Any] = {"member": member, "name": ctx.namer.person(member)}
        disq = [(pt, rel) for (_, pt, rel) in ctx.matching("disqualified", member)]
        pending = [k for (_, k) in ctx.matching("recusal_needs_finding", member)]
        if disq:
            entry["status"] = "disqualified"
            entry["grounds"] = [
                {"point": pt, "relation": rel, **ctx.why("disqualified", (member, pt, rel))}
                for pt, rel in disq
            ]
        elif pending:
            entry["status"] = "needs_finding"
            point = ctx.open_point_definitions["recusal_needs_finding"]["cites"][0]
            entry["grounds"] = [
                {
                    "point": point,
                    "relation": k,
                    **ctx.why("recusal_needs_finding", (member, k)),
                }
                for k in pending
            ]
            ctx.raise_open_points("recusal_needs_finding", member)
        else:
            entry["status"] = "admitted"
            entry.update(ctx.why("admitted", (member,)))
        out.append(entry)
    ctx.raise_open_points("member_outside_bureau")
    return out
