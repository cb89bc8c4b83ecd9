"""Recusal from the investigation group (Art. 16): each proposed member admitted, disqualified, or left to a person."""

from __future__ import annotations

from typing import Any

from engine.answer.context import AnswerContext


def recusal(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = []
    for member in ctx.ev.case.get("investigation", {}).get("proposed_members", []):
        entry: dict[str, Any] = {"member": member, "name": ctx.namer.person(member)}
        disq = [(pt, rel) for (m, pt, rel) in ctx.tuples("disqualified") if m == member]
        pending = [k for (m, k) in ctx.tuples("recusal_needs_finding") if m == member]
        if disq:
            entry["status"] = "disqualified"
            entry["grounds"] = [
                {"point": pt, "relation": rel, **ctx.why("disqualified", (member, pt, rel))}
                for pt, rel in disq
            ]
        elif pending:
            entry["status"] = "needs_finding"
            entry["grounds"] = [
                {
                    "point": "art_16__point_3",
                    "relation": k,
                    **ctx.why("recusal_needs_finding", (member, k)),
                }
                for k in pending
            ]
            for k in pending:
                ctx.open_point(
                    "interest",
                    ["art_16__point_3"],
                    f"{ctx.namer.person(member)}与当事人有联系（{ctx.namer.value(k, 'zh')}），是否“可能影响案件公正处理”须人工认定。",
                    f"{ctx.namer.person(member)} has a tie with the party ({ctx.namer.value(k, 'en')}); whether it may affect fair handling needs a human finding.",
                    member=member,
                    tie=k,
                )
        else:
            entry["status"] = "admitted"
            entry.update(ctx.why("admitted", (member,)))
        out.append(entry)
    return out
