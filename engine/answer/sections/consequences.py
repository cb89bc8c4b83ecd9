"""Consequences: the forms of Art. 13, referrals and recovery (Art. 14, Art. 18 para. 2), commendations (Art. 6)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from engine.answer.context import AnswerContext
from engine.policy.citation import eid_order
from engine.policy.readings import reading


def sanctions(ctx: AnswerContext) -> list[dict[str, Any]]:
    forms: dict[str, list[str]] = defaultdict(list)
    for p, f in ctx.tuples("available_form"):
        forms[p].append(f)
    config = ctx.ev.policy.answer_config.get("sanctions", {})
    if forms:
        ctx.used_params.update(config.get("relies_on", ()))
    values = ctx.ev.parameters
    out = []
    for p, fs in sorted(forms.items()):
        forms_sorted = sorted(fs, key=eid_order)
        out.append(
            {
                "person": p,
                "name": ctx.namer.person(p),
                "forms": forms_sorted,
                "exhaustive": reading(config["exhaustive"], values),
                "combinable": reading(config["combinable"], values),
                "severity_order": reading(config["severity_order"], values),
                "referral_forms": reading(config["referral_forms"], values),
                **ctx.why("available_form", (p, forms_sorted[0])),
            }
        )
    return out


def referrals(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = [
        {"person": p, "name": ctx.namer.person(p), "to": k, **ctx.why("referral", (p, k))}
        for (p, k) in ctx.tuples("referral")
    ]
    ctx.raise_open_points("recovery_needs_finding")
    return out


def commendations(ctx: AnswerContext) -> list[dict[str, Any]]:
    out = [
        {
            "person": p,
            "name": ctx.namer.person(p),
            "conduct": g,
            **ctx.why("commendation", (p, g)),
        }
        for (p, g) in ctx.tuples("commendation")
    ]
    ctx.raise_open_points("own_fault_not_commended")
    return out
