"""Procedure: the time limits (Arts. 15, 19), procedural defects (Art. 18) and the open questions of the text."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from engine.answer.context import AnswerContext
from engine.policy.citation import eid_order
from engine.policy.readings import reading


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
            counting = p.due.to_dict()
            if not ctx.explain:  # the count's steps in words and its ordinary weekends, on request
                counting = {
                    k: v for k, v in counting.items() if k not in ("steps", "start", "due")
                }  # start and due are the entry's own
                counting["rule"] = {k: v for k, v in counting["rule"].items() if k != "cites"}
                counting["noted_days"] = [
                    d for d in counting["noted_days"] if d["kind"] != "rest_day"
                ]
            counting["noted_days"] = _runs(counting["noted_days"])
            entry["counting"] = counting
            st = status.get((p.period, p.subject))
            entry["status"] = st or "unknown"
            if st:
                why = ctx.why("period_status", (p.period, p.subject, st))
                why["cites"] = sorted(set(why["cites"]) | set(p.rule.cites), key=eid_order)
                if not ctx.explain:  # its facts are the entry's own due and done dates
                    why["facts"] = []
                entry.update(why)
            appeal = p.definition.get("appeal")
            if appeal is not None:
                entry["appeal_to"] = reading(appeal["to"], ctx.ev.parameters)
                if ctx.holds("appeal_out_of_time", (p.subject,)):
                    entry["out_of_time"] = True
                    entry["inadmissible"] = ctx.holds("appeal_inadmissible", (p.subject,))
                    ctx.used_params.update(appeal.get("late_relies_on", ()))
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
        config = ctx.ev.policy.answer_config.get("procedural_defects", {})
        ctx.used_params.update(config.get("relies_on", ()))
    return out


def _runs(days: list[dict]) -> list[dict]:
    """Consecutive noted days of one holiday treated alike become one entry with ``until``: a
    seven-day National Day break reads as one line, as a legal officer would write it."""
    runs: list[dict] = []
    for day in days:
        last = runs[-1] if runs else None
        same = last is not None and all(
            last[k] == day[k] for k in ("kind", "name_zh", "name_en", "treatment")
        )
        if same and date.fromisoformat(day["date"]) - date.fromisoformat(
            last.get("until", last["date"])
        ) == timedelta(days=1):
            last["until"] = day["date"]
        else:
            runs.append(dict(day))
    return runs
