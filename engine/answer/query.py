"""One query: a case, a date and a set of readings in; the rules' model and the computed periods out.

The order matters and is the legal order: pick the edition in force on the date (refuse when none is),
fix the interpretation parameters, turn the case into facts, compute the procedural due dates with the
holiday calendar (the one thing Datalog cannot do), then let the rules decide everything else. What
the instrument says about editions, windows and periods comes from its files (engine.policy); this
module only applies it.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.answer.periods import Period, case_periods
from engine.case.facts import Facts, case_facts, parameter_facts
from engine.case.load import load_case
from engine.case.plausibility import plausibility_warnings
from engine.datalog.program import BACKENDS
from engine.dates.calendar import (
    ChainedCalendar,
    HolidayCalendar,
    load_calendar_file,
    official_calendar,
)
from engine.files.reader import DEFAULT_LIMITS
from engine.files.safe_yaml import SourceDoc
from engine.policy.editions import edition_in_force
from engine.policy.model import Policy
from engine.policy.parameters import resolve_parameters
from engine.policy.readings import parameters_named, reading
from engine.problems import Problem, ProblemsError, excerpt

if TYPE_CHECKING:
    from engine.datalog import Model, Program

EARLIEST_DAY = "0001-01-01"  # the start of a look-back window that has no limit


@dataclass
class QueryFacts:
    """The input facts of one query, and what computing them relied on and warned about."""

    facts: Facts
    periods: list[Period]
    used_parameters: set[str]
    warnings: list[dict[str, str]]


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

    @cached_property
    def model_predicates(self) -> set[str]:
        """The predicates this policy's program knows (another instrument may have fewer)."""
        return set(self.policy.program_for(self.edition["id"]).predicates)


@dataclass
class PreparedQuery:
    """Everything of one query but the rules' model: what ``run_query`` evaluates, and what a
    batch evaluates jointly with other cases before finishing each (``run_queries``)."""

    policy: Policy
    doc: SourceDoc
    day: str
    edition: dict[str, Any]
    uncertain: bool
    values: dict[str, Any]
    found: QueryFacts
    program: Program  # of the edition in force
    inputs: Facts  # the facts the program knows


def prepare_query(
    policy: Policy,
    case: str | Path | dict | SourceDoc,
    as_of: str | date | None = None,
    parameters: dict[str, Any] | None = None,
    calendar_file: str | Path | None = None,
    *,
    backend: str | None = None,
) -> PreparedQuery:
    """The facts of one query, the edition in force and the periods, ready to be evaluated."""
    check_arguments(policy, parameters, calendar_file, backend)
    doc = case if isinstance(case, SourceDoc) else load_case(case)
    values = resolve_parameters(policy.parameter_index, parameters)
    day = as_of_day(as_of if as_of is not None else doc.data["case"].get("as_of"))
    found_warnings = plausibility_warnings(doc.data, day)
    edition, uncertain = edition_in_force(policy, day, values)
    found = query_facts(policy, doc.data, values, day, calendar_file)
    commencement = edition.get("unknown_commencement")
    if commencement is not None and (uncertain or edition["effective_from"] is None):
        found.used_parameters.add(commencement["parameter"])
    if uncertain:
        warning = commencement["warning"] if commencement else None
        found.warnings.insert(
            0,
            {lang: text.replace("{day}", day) for lang, text in warning.items()}
            if warning
            else {
                "zh": f"本文件施行日期未知；{day}的版本判断以印发年度1月1日起施行为推定，结论存疑。",
                "en": f"The commencement date is unknown; treating {day} as covered assumes "
                "commencement on 1 January of the year of issue, so the answer is uncertain.",
            },
        )
    found.warnings.extend(found_warnings)
    facts = found.facts
    program = policy.program_for(edition["id"])
    unknown = sorted(p for p, rows in facts.items() if rows and p not in program.predicates)
    if unknown:  # another instrument's vocabulary may not know every field of the case format
        found.warnings.append(
            {
                "zh": "本文件的词汇表不使用以下案件事实，已忽略：" + "、".join(unknown),
                "en": "This instrument's vocabulary does not use these case facts, which were ignored: "
                + ", ".join(unknown),
            }
        )
    inputs = {p: rows for p, rows in facts.items() if p in program.predicates}
    return PreparedQuery(policy, doc, day, edition, uncertain, values, found, program, inputs)


def finish_query(prepared: PreparedQuery, model: Model) -> Evaluation:
    """The evaluation of a prepared query, given its model."""
    found = prepared.found
    return Evaluation(
        policy=prepared.policy,
        case=prepared.doc.data,
        case_file=prepared.doc.file,
        as_of=prepared.day,
        edition=prepared.edition,
        edition_uncertain=prepared.uncertain,
        parameters=prepared.values,
        facts=found.facts,
        model=model,
        periods=found.periods,
        used_parameters=found.used_parameters,
        warnings=found.warnings,
    )


def run_query(
    policy: Policy,
    case: str | Path | dict | SourceDoc,
    as_of: str | date | None = None,
    parameters: dict[str, Any] | None = None,
    calendar_file: str | Path | None = None,
    *,
    backend: str | None = None,
) -> Evaluation:
    """Evaluate one case: its facts, the edition in force, the periods, and the rules' model."""
    prepared = prepare_query(policy, case, as_of, parameters, calendar_file, backend=backend)
    return finish_query(prepared, prepared.program.evaluate(prepared.inputs, backend=backend))


def run_queries(
    policy: Policy,
    cases: list[str | Path | dict | SourceDoc],
    as_of: str | date | None = None,
    parameters: dict[str, Any] | None = None,
    calendar_file: str | Path | None = None,
) -> list[Evaluation | Exception]:
    """Evaluate many cases under the same options, the rules of each edition run once for all its
    cases (``Program.evaluate_batch``), in the order given. A case that cannot be evaluated has
    its exception in its place; it never stops the others."""
    # every place is filled below: by the case's exception, or by its evaluation
    out: list[Evaluation | Exception] = [RuntimeError("not evaluated")] * len(cases)
    groups: dict[int, list[tuple[int, PreparedQuery]]] = {}
    for i, case in enumerate(cases):
        try:
            prepared = prepare_query(policy, case, as_of, parameters, calendar_file)
        except Exception as exc:  # reported in the case's place
            out[i] = exc
            continue
        groups.setdefault(id(prepared.program), []).append((i, prepared))
    for members in groups.values():
        program = members[0][1].program
        models = program.evaluate_batch(
            [prepared.inputs for _, prepared in members],
            on_error="yield",
            batch_size=max(1, len(members)),
        )
        for (i, prepared), model in zip(members, models, strict=True):
            out[i] = model if isinstance(model, Exception) else finish_query(prepared, model)
    return out


def query_facts(
    policy: Policy,
    case: dict[str, Any],
    values: dict[str, Any],
    day: str,
    calendar_file: str | Path | None = None,
) -> QueryFacts:
    """The input facts of a checked case on ``day`` under the parameter values ``values``: the case's
    own facts, the readings as facts, the computed dates (windows, due and done dates of periods)."""
    used: set[str] = set()
    warnings: list[dict[str, str]] = []
    facts = case_facts(case)
    for predicate, rows in parameter_facts(values, policy.parameter_index).items():
        facts[predicate] |= rows
    facts["today"] = {(day,)}
    for computed in policy.computed_facts:
        facts[computed["fact"]] = {(_window_start(computed, case, values, day, used, warnings),)}
    periods: list[Period] = []
    if policy.periods:
        calendar = _calendar(policy, values, calendar_file, used)
        periods = case_periods(case, policy.periods, values, calendar, used)
    beyond = policy.instrument.get("calendar", {}).get("beyond_coverage_parameter")
    for p in periods:
        if p.done is not None and p.done > day:
            warnings.append(
                {
                    "zh": f"记录的完成日期{p.done}晚于评估日{day}，评估时视为尚未完成（{p.period}）。",
                    "en": f"The recorded completion date {p.done} is after the as-of date {day}; it is treated as not yet done ({p.period}).",
                }
            )
            p.done = None
        if p.error is not None and beyond is not None:
            used.add(beyond)
            if values.get(beyond) == "user_file":
                raise ProblemsError.one(
                    "<query>",
                    beyond,
                    f"{p.period}: {p.error['en']}",
                    "a holiday calendar file covering the period (--calendar FILE), as the reading "
                    "user_file requires",
                )
    for p in periods:
        if p.due is not None:
            facts["due"].add((p.period, p.subject, p.due.due.isoformat()))
        if p.done is not None:
            facts["done"].add((p.period, p.subject, p.done))
    return QueryFacts(facts, periods, used, warnings)


def check_arguments(policy: Any, parameters: Any, calendar_file: Any, backend: Any) -> None:
    """Refuse, as located problems, arguments of a type the query cannot use (the Python API is
    called by programs, which pass ``20241201`` or ``None`` as easily as a string)."""
    problems: list[Problem] = []

    def refuse(where: str, value: Any, expected: str) -> None:
        problems.append(
            Problem(
                "<query>",
                None,
                None,
                where,
                f"a value of type {type(value).__name__} ({excerpt(value)})",
                expected,
                code="argument",
            )
        )

    if not isinstance(policy, Policy):
        refuse("policy", policy, "a Policy from engine.policy.load_policy()")
    if parameters is not None and (
        not isinstance(parameters, dict) or not all(isinstance(k, str) for k in parameters)
    ):
        refuse("parameters", parameters, "a mapping of parameter ids to values, or None")
    if calendar_file is not None and not (
        isinstance(calendar_file, str | Path) and str(calendar_file)
    ):
        refuse(
            "calendar_file", calendar_file, "a calendar file path (str or pathlib.Path), or None"
        )
    if backend is not None and backend not in BACKENDS:
        refuse("backend", backend, "one of " + ", ".join(sorted(BACKENDS)) + ", or None")
    if problems:
        raise ProblemsError(problems)


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def as_of_day(as_of: str | date | None) -> str:
    """The as-of day as YYYY-MM-DD, inside the years a date may name (engine.files.reader)."""
    if as_of is None:
        return date.today().isoformat()
    if isinstance(as_of, datetime) or not isinstance(as_of, str | date):
        raise ProblemsError.one(
            "<query>",
            "as_of",
            f"a value of type {type(as_of).__name__} ({excerpt(as_of)})",
            "a date: YYYY-MM-DD or datetime.date",
            code="argument",
        )
    if isinstance(as_of, str):
        try:
            if not _ISO_DAY.fullmatch(as_of):
                raise ValueError(as_of)
            as_of = date.fromisoformat(as_of)
        except ValueError as exc:
            raise ProblemsError.one(
                "<query>", "as_of", f"'{excerpt(as_of)}' is not a date", "YYYY-MM-DD"
            ) from exc
    limits = DEFAULT_LIMITS
    if not limits.min_year <= as_of.year <= limits.max_year:
        raise ProblemsError.one(
            "<query>",
            "as_of",
            f"{as_of.isoformat()} is outside the years {limits.min_year}–{limits.max_year}",
            f"a date from {limits.min_year}-01-01 to {limits.max_year}-12-31",
            code="argument",
        )
    return as_of.isoformat()


def months_before(day: str, months: int) -> str:
    """The same day ``months`` months earlier (the month's last day when it is shorter).

    No date a case may hold is before the first year the reader accepts, so a window reaching
    further back starts, to the same effect, on that year's first day."""
    d = date.fromisoformat(day)
    month = d.month - months
    year = d.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    if year < DEFAULT_LIMITS.min_year:
        return date(DEFAULT_LIMITS.min_year, 1, 1).isoformat()
    if year > DEFAULT_LIMITS.max_year:  # a negative window: after every date a case may hold
        return date(DEFAULT_LIMITS.max_year, 12, 31).isoformat()
    return date(year, month, min(d.day, monthrange(year, month)[1])).isoformat()


def _window_start(
    computed: dict[str, Any],
    case: dict[str, Any],
    values: dict[str, Any],
    day: str,
    used: set[str],
    warnings: list[dict[str, str]],
) -> str:
    """The start of a look-back window: none (the earliest day) unless a reading sets one, which
    then runs back from the case's anchor date (the as-of date, with a warning, when it has none)."""
    months = reading(computed["months_before"], values)
    if months is None:
        return EARLIEST_DAY
    used.update(parameters_named(computed["months_before"]))
    anchor = case["case"].get(computed["anchor"])
    if anchor is None:
        anchor = day
        warnings.append(dict(computed["without_anchor"]))
    return months_before(anchor, months)


def _calendar(
    policy: Policy, values: dict[str, Any], calendar_file: str | Path | None, used: set[str]
) -> HolidayCalendar:
    """The holiday calendar periods are counted with: a user's file before the official one."""
    source = policy.instrument.get("calendar", {}).get("source_parameter")
    if source is not None:
        used.add(source)
    if calendar_file is not None:
        return ChainedCalendar([load_calendar_file(calendar_file), official_calendar()])
    if source is not None and values.get(source) == "user_file":
        raise ProblemsError.one(
            "<query>",
            source,
            "the parameter asks for a user calendar file but none was given",
            "--calendar FILE (format: schema/calendar.schema.json)",
        )
    return official_calendar()
