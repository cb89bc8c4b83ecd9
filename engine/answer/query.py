"""One query: a case, a date and a set of readings in; the rules' model and the computed periods out.

The order matters and is the legal order: pick the edition in force on the date (refuse when none is),
fix the interpretation parameters, turn the case into facts, compute the procedural due dates with the
holiday calendar (the one thing Datalog cannot do), then let the rules decide everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.case.facts import Facts, case_facts, parameter_facts
from engine.case.load import load_case
from engine.dates.calendar import (
    CalendarCoverageError,
    ChainedCalendar,
    HolidayCalendar,
    load_calendar_file,
    official_calendar,
)
from engine.dates.counting import DueDate, PeriodRule, compute_due
from engine.files.safe_yaml import SourceDoc
from engine.policy.editions import edition_in_force
from engine.policy.parameters import resolve_parameters
from engine.problems import ProblemsError

if TYPE_CHECKING:
    from engine.datalog import Model
    from engine.policy.model import Policy

EARLIEST_DAY = "0001-01-01"  # the start of a look-back window that has no limit


@dataclass
class Period:
    """One procedural time limit of this case, as computed (or why it could not be)."""

    period: str  # initial_review | investigation | appeal
    subject: str  # "case" or the person appealing
    start_field: str
    start: str | None
    done: str | None
    rule: PeriodRule
    due: DueDate | None = None
    error: dict[str, str] | None = None  # zh/en message when the due date could not be computed


@dataclass
class Evaluation:
    policy: Policy
    case: dict[str, Any]
    case_file: str
    as_of: str
    edition: dict[str, Any]
    edition_uncertain: bool
    parameters: dict[str, Any]
    facts: Facts
    model: Model
    periods: list[Period]
    used_parameters: set[str] = field(default_factory=set)  # used outside the rules
    warnings: list[dict[str, str]] = field(default_factory=list)

    @property
    def model_predicates(self) -> set[str]:
        """The predicates this policy's program knows (another instrument may have fewer)."""
        return set(self.policy.program_for(self.edition["id"]).predicates)


def run_query(
    policy: Policy,
    case: str | Path | dict | SourceDoc,
    as_of: str | date | None = None,
    parameters: dict[str, Any] | None = None,
    calendar_file: str | Path | None = None,
    *,
    backend: str | None = None,
) -> Evaluation:
    doc = case if isinstance(case, SourceDoc) else load_case(case)
    values = resolve_parameters(policy.parameter_index, parameters)
    day = _as_of(as_of if as_of is not None else doc.data["case"].get("as_of"))
    edition, uncertain = edition_in_force(policy, day, values)
    used: set[str] = (
        {"edition_2023_dates"} if uncertain or edition["effective_from"] is None else set()
    )
    warnings: list[dict[str, str]] = []
    if uncertain:
        warnings.append(
            {
                "zh": f"本文件施行日期未知（只知文号年份2023年）；{day}的版本判断以2023年1月1日起施行为推定，结论存疑。",
                "en": f"The commencement date is unknown (only the year 2023 is known); treating {day} as covered assumes "
                "commencement on 2023-01-01, so the answer is uncertain.",
            }
        )
    facts = case_facts(doc.data)
    _merge(facts, parameter_facts(values, policy.parameter_index))
    facts["today"] = {(day,)}
    facts["repeat_window_start"] = {(_window_start(doc.data, values, day, used, warnings),)}
    # an instrument without the time limits of Arts. 15 and 19 (the fictitious test instrument of
    # issue 6) has no parameters for them, and so no periods to compute
    timed = all(pid in values for pids in PERIOD_PARAMETERS.values() for pid in pids)
    calendar = _calendar(values, calendar_file, used) if timed else None
    periods = compute_periods(doc.data, values, calendar, used) if timed else []
    for p in periods:
        if p.done is not None and p.done > day:
            warnings.append(
                {
                    "zh": f"记录的完成日期{p.done}晚于评估日{day}，评估时视为尚未完成（{p.period}）。",
                    "en": f"The recorded completion date {p.done} is after the as-of date {day}; it is treated as not yet done ({p.period}).",
                }
            )
            p.done = None
        if p.error is not None and values.get("calendar_beyond_coverage") == "user_file":
            raise ProblemsError.one(
                "<query>",
                "calendar_beyond_coverage",
                f"{p.period}: {p.error['en']}",
                "a holiday calendar file covering the period (--calendar FILE), as the reading user_file requires",
            )
    for p in periods:
        if p.due is not None:
            facts["due"].add((p.period, p.subject, p.due.due.isoformat()))
        if p.done is not None:
            facts["done"].add((p.period, p.subject, p.done))
    program = policy.program_for(edition["id"])  # the rules of that edition (issue 6)
    unknown = sorted(p for p, rows in facts.items() if rows and p not in program.predicates)
    if (
        unknown
    ):  # another instrument's vocabulary may not know every field of the reference case file
        warnings.append(
            {
                "zh": "本文件的词汇表不使用以下案件事实，已忽略：" + "、".join(unknown),
                "en": "This instrument's vocabulary does not use these case facts, which were ignored: "
                + ", ".join(unknown),
            }
        )
    model = program.evaluate(
        {p: rows for p, rows in facts.items() if p in program.predicates}, backend=backend
    )
    return Evaluation(
        policy=policy,
        case=doc.data,
        case_file=doc.file,
        as_of=day,
        edition=edition,
        edition_uncertain=uncertain,
        parameters=values,
        facts=facts,
        model=model,
        periods=periods,
        used_parameters=used,
        warnings=warnings,
    )


def _merge(facts: Facts, more: Facts) -> None:
    for predicate, rows in more.items():
        facts[predicate] |= rows


def _as_of(as_of: str | date | None) -> str:
    if as_of is None:
        return date.today().isoformat()
    if isinstance(as_of, date):
        return as_of.isoformat()
    try:
        return date.fromisoformat(as_of).isoformat()
    except ValueError as exc:
        raise ProblemsError.one(
            "<query>", "as_of", f"{as_of!r} is not a date", "YYYY-MM-DD"
        ) from exc


def _window_start(case: dict, values: dict, day: str, used: set[str], warnings: list) -> str:
    """Art. 9(3) has no look-back window; a window, when chosen, runs back from the fault date."""
    months = values.get("art9_point3_window_months")
    if months is None:
        return EARLIEST_DAY
    used.add("art9_point3_window_months")
    anchor = case["case"].get("fault_date")
    if anchor is None:
        anchor = day
        warnings.append(
            {
                "zh": "案件未记录本次过错的日期（case.fault_date），第九条第（三）项的回溯期间从评估日起算。",
                "en": "The case does not record the date of this fault (case.fault_date); the Art. 9(3) window runs back from the evaluation date.",
            }
        )
    d = date.fromisoformat(anchor)
    month = d.month - months
    year = d.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    from calendar import monthrange

    return date(year, month, min(d.day, monthrange(year, month)[1])).isoformat()


def _calendar(values: dict, calendar_file: str | Path | None, used: set[str]) -> HolidayCalendar:
    used.add("calendar_holiday_source")
    if calendar_file is not None:
        return ChainedCalendar([load_calendar_file(calendar_file), official_calendar()])
    if values["calendar_holiday_source"] == "user_file":
        raise ProblemsError.one(
            "<query>",
            "calendar_holiday_source",
            "the parameter asks for a user calendar file but none was given",
            "--calendar FILE (format: schema/calendar.schema.json)",
        )
    return official_calendar()


UNIT = {"working_days": "working", "calendar_days": "calendar"}


def period_rules(values: dict[str, Any]) -> dict[str, PeriodRule]:
    """The three time limits, counted as the parameters say (defaults per 民法典 Arts. 200-204)."""
    return {
        "initial_review": PeriodRule(
            "art15_initial_review",
            5,
            UNIT[values["art15_review_day_unit"]],
            values["art15_review_exclude_start_day"],
            values["art15_review_holiday_rollover"],
            False,
            ("art_15__para_1",),
        ),
        "investigation": PeriodRule(
            "art15_investigation",
            30,
            UNIT[values["art15_investigation_day_unit"]],
            values["art15_investigation_exclude_start_day"],
            values["art15_investigation_holiday_rollover"],
            values["art15_investigation_limit_nature"] == "soft_target",
            ("art_15__para_1",),
        ),
        "appeal": PeriodRule(
            "art19_appeal",
            30,
            UNIT[values["art19_appeal_day_unit"]],
            values["art19_appeal_exclude_start_day"],
            values["art19_appeal_holiday_rollover"],
            False,
            ("art_19__para_1",),
        ),
    }


PERIOD_PARAMETERS = {
    "initial_review": [
        "art15_review_day_unit",
        "art15_review_exclude_start_day",
        "art15_review_holiday_rollover",
        "art15_review_scope",
    ],
    "investigation": [
        "art15_investigation_day_unit",
        "art15_investigation_exclude_start_day",
        "art15_investigation_holiday_rollover",
        "art15_investigation_limit_nature",
    ],
    "appeal": [
        "art19_appeal_day_unit",
        "art19_appeal_exclude_start_day",
        "art19_appeal_holiday_rollover",
    ],
}


def compute_periods(
    case: dict, values: dict, calendar: HolidayCalendar, used: set[str]
) -> list[Period]:
    proc = case.get("procedure", {})
    rules = period_rules(values)
    review_done = (
        "reported_to_party_group_on"
        if values["art15_review_scope"] == "review_and_report"
        else "initial_review_done_on"
    )
    wanted = [
        Period(
            "initial_review",
            "case",
            "discovered_on",
            proc.get("discovered_on"),
            proc.get(review_done),
            rules["initial_review"],
        ),
        Period(
            "investigation",
            "case",
            "filing_decision_on",
            proc.get("filing_decision_on"),
            proc.get("investigation_closed_on"),
            rules["investigation"],
        ),
    ]
    for d in proc.get("decisions", []):
        wanted.append(
            Period(
                "appeal",
                d["person"],
                "delivered_on",
                d["delivered_on"],
                d.get("appeal_lodged_on"),
                rules["appeal"],
            )
        )
    periods = []
    for p in wanted:
        if p.start is None:
            continue
        used.update(PERIOD_PARAMETERS[p.period])
        try:
            p.due = compute_due(p.rule, date.fromisoformat(p.start), calendar)
        except CalendarCoverageError as exc:
            used.add("calendar_beyond_coverage")
            zh, _, en = str(exc).partition(" / ")
            p.error = {"zh": zh, "en": en or zh}
        periods.append(p)
    return periods
