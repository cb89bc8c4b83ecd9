"""Consequences: the forms of Art. 13, referrals and recovery (Art. 14, Art. 18 para. 2), commendations (Art. 6)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from engine.answer.context import AnswerContext
from engine.policy.citation import eid_order


def sanctions(ctx: AnswerContext) -> list[dict[str, Any]]:
    forms: dict[str, list[str]] = defaultdict(list)
    for p, f in ctx.tuples("available_form"):
        forms[p].append(f)
    if forms:
        ctx.used_params.update(
            (
                "art13_forms_exhaustive",
                "art13_forms_combinable",
                "art13_severity_order",
                "art13_point5_nature",
            )
        )
    values = ctx.ev.parameters
    order = SEVERITY_ORDERS[values["art13_severity_order"]]
    out = []
    for p, fs in sorted(forms.items()):
        forms_sorted = sorted(fs, key=eid_order)
        out.append(
            {
                "person": p,
                "name": ctx.namer.person(p),
                "forms": forms_sorted,
                "exhaustive": values["art13_forms_exhaustive"],
                "combinable": values["art13_forms_combinable"],
                "severity_order": order,
                "referral_forms": ["art_13__point_5"]
                if values["art13_point5_nature"] == "referral"
                else [],
                **ctx.why("available_form", (p, forms_sorted[0])),
            }
        )
    return out


def referrals(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = [
        {"person": p, "name": ctx.namer.person(p), "to": k, **ctx.why("referral", (p, k))}
        for (p, k) in ctx.tuples("referral")
    ]
    for a, p in ctx.tuples("recovery_needs_finding"):
        ctx.open_point(
            "recovery",
            ["art_14__para_1"],
            f"行为{a}导致行政赔偿，但未记录{ctx.namer.person(p)}的过错形态；是否追偿须人工认定。",
            f"Act {a} led to compensation but {ctx.namer.person(p)}'s form of fault is not recorded; recovery needs a human finding.",
            act=a,
            person=p,
        )
    return out


def commendations(ctx: AnswerContext) -> list[dict[str, Any]]:
    return [
        {
            "person": p,
            "name": ctx.namer.person(p),
            "conduct": g,
            **ctx.why("commendation", (p, g)),
        }
        for (p, g) in ctx.tuples("commendation")
    ]


# Art. 13 sets no severity order; the parameter art13_severity_order says which one to report (if any).
SEVERITY_ORDERS: dict[str, list[list[str]] | None] = {
    "partial_order": [
        ["art_13__point_1", "art_13__point_2", "art_13__point_3"],
        ["art_13__point_4"],
        ["art_13__point_5"],
    ],
    "numbering_order": [[f"art_13__point_{n}"] for n in range(1, 6)],
    "no_order": None,
}
