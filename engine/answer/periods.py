"""The time limits of one case: the policy's period definitions applied to the case's own dates.

Each period the article files define (how many days, working or calendar, whether the start day
counts, whether a holiday moves the last day, whether it is a normal limit) is read under the
interpretation parameters of the query, then counted with the holiday calendar. A period that
cannot be counted (beyond the calendar's coverage) keeps the reason, so the answer can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.dates.calendar import CalendarCoverageError, HolidayCalendar
from engine.dates.counting import DueDate, PeriodRule, compute_due
from engine.policy.readings import parameters_named, reading

COUNTING_FIELDS = ("unit", "exclude_start_day", "holiday_rollover", "soft", "done_by_parameter")


@dataclass
class Period:
    """One procedural time limit of this case, as computed (or why it could not be)."""

    period: str  # the period's id in the policy (initial_review, appeal …)
    subject: str  # "case", or the person a decision concerns
    start_field: str
    start: str | None
    done: str | None
    rule: PeriodRule
    definition: dict[str, Any]
    due: DueDate | None = None
    error: dict[str, str] | None = None  # zh/en message when the due date could not be computed


def period_rule(definition: dict[str, Any], values: dict[str, Any]) -> PeriodRule:
    """How a period is counted under the parameter values ``values``."""
    return PeriodRule(
        definition["rule"],
        definition["days"],
        reading(definition["unit"], values),
        bool(reading(definition["exclude_start_day"], values)),
        bool(reading(definition["holiday_rollover"], values)),
        bool(reading(definition["soft"], values)),
        tuple(definition["cites"]),
    )


def relied_on(definition: dict[str, Any]) -> list[str]:
    """The parameters a period's count depends on."""
    return [pid for key in COUNTING_FIELDS for pid in parameters_named(definition.get(key))]


def done_field(definition: dict[str, Any], values: dict[str, Any]) -> str:
    """The field recording that the step was taken (a reading may name another one)."""
    spec = definition.get("done_by_parameter")
    return (reading(spec, values) if spec else None) or definition["done"]


def case_periods(
    case: dict[str, Any],
    definitions: list[dict[str, Any]],
    values: dict[str, Any],
    calendar: HolidayCalendar,
    used: set[str],
) -> list[Period]:
    """Every period the case has started, counted; ``used`` collects the readings relied on."""
    proc = case.get("procedure", {})
    wanted: list[Period] = []
    for definition in definitions:
        rule = period_rule(definition, values)
        done = done_field(definition, values)
        if definition["per"] == "case":
            records = [("case", proc)]
        else:
            records = [(d["person"], d) for d in proc.get("decisions", [])]
        for subject, record in records:
            wanted.append(
                Period(
                    definition["id"],
                    subject,
                    definition["start"],
                    record.get(definition["start"]),
                    record.get(done),
                    rule,
                    definition,
                )
            )
    periods = []
    for p in wanted:
        if p.start is None:
            continue
        used.update(relied_on(p.definition))
        try:
            p.due = compute_due(p.rule, date.fromisoformat(p.start), calendar)
        except CalendarCoverageError as exc:
            zh, _, en = str(exc).partition(" / ")
            p.error = {"zh": zh, "en": en or zh}
        periods.append(p)
    return periods
