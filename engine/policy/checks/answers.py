"""What answers read from the policy besides the rules must agree with the rest of it.

Open points must name a predicate of the vocabulary with as many arguments as they bind and cite
real eIds; periods, windows and section readings must name real parameters and, for enumerations,
real options; labels must not give one value two names; the presentation must name real periods,
degrees and eIds. Otherwise an answer would show a wrong text or fail only on the case that reaches it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from engine.policy.checks.articles import _article_doc
from engine.policy.readings import is_reading
from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.model import Policy

PLACEHOLDER = re.compile(r"\{([A-Z][A-Za-z0-9_]*)\}")


def check_answer_definitions(policy: Policy) -> list[Problem]:
    problems: list[Problem] = []
    periods: dict[str, str] = {}
    sections: dict[str, str] = {}
    facts: dict[str, str] = {}
    for article in policy.articles:
        doc = _article_doc(policy, article)
        for i, definition in enumerate(article.get("open_points", [])):
            problems += _open_point(policy, doc, ("open_points", i), definition)
        for i, period in enumerate(article.get("periods", [])):
            where = ("periods", i)
            if period["id"] in periods:
                problems.append(
                    doc.problem(
                        (*where, "id"),
                        f"period {period['id']} is also defined in {periods[period['id']]}",
                        "one definition per period",
                    )
                )
            periods[period["id"]] = doc.file
            problems += _cites(policy, doc, (*where, "cites"), period["cites"])
            for key in ("unit", "exclude_start_day", "holiday_rollover", "soft"):
                problems += _reading(policy, doc, (*where, key), period[key])
            if "done_by_parameter" in period:
                problems += _reading(
                    policy, doc, (*where, "done_by_parameter"), period["done_by_parameter"]
                )
            appeal = period.get("appeal")
            if appeal is not None:
                problems += _reading(policy, doc, (*where, "appeal", "to"), appeal["to"])
                problems += _parameters(
                    policy,
                    doc,
                    (*where, "appeal", "late_relies_on"),
                    appeal.get("late_relies_on", []),
                )
        for i, computed in enumerate(article.get("computed_facts", [])):
            where = ("computed_facts", i)
            if computed["fact"] in facts:
                problems.append(
                    doc.problem((*where, "fact"), f"{computed['fact']} is computed twice", "once")
                )
            facts[computed["fact"]] = doc.file
            problems += _predicate(policy, doc, (*where, "fact"), computed["fact"], 1, "input")
            problems += _reading(policy, doc, (*where, "months_before"), computed["months_before"])
        for key, config in article.get("answer", {}).items():
            where = ("answer", key)
            if key in sections:
                problems.append(
                    doc.problem(
                        where, f"answer section {key} is also set in {sections[key]}", "one"
                    )
                )
            sections[key] = doc.file
            problems += _parameters(policy, doc, (*where, "relies_on"), config.get("relies_on", []))
            for field, spec in config.items():
                if is_reading(spec):
                    problems += _reading(policy, doc, (*where, field), spec)
            if key == "withholding":
                problems += _predicate(policy, doc, (*where, "predicate"), config["predicate"], 0)
    problems += _labels(policy)
    problems += _presentation(policy, set(periods))
    problems += _instrument(policy)
    return problems


def _open_point(policy: Policy, doc, where: tuple, definition: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    names = definition.get("args", [])
    if "predicate" in definition:
        problems += _predicate(
            policy, doc, (*where, "predicate"), definition["predicate"], len(names)
        )
    bound = {n for n in names if n != "_"}
    used = {v for text in definition["text"].values() for v in PLACEHOLDER.findall(text)}
    used |= {c for c in definition["cites"] if PLACEHOLDER.fullmatch("{" + c + "}")}
    used |= set(definition.get("about", {}).values())
    for name in sorted(used - bound):
        problems.append(
            doc.problem(
                where,
                f"open point {definition['kind']} uses {name}, which it does not bind",
                f"one of its args ({', '.join(sorted(bound)) or 'none'})",
            )
        )
    eids = [c for c in definition["cites"] if not PLACEHOLDER.fullmatch("{" + c + "}")]
    problems += _cites(policy, doc, (*where, "cites"), eids)
    when = definition.get("when")
    if when is not None:
        for pid, value in when["parameter"].items():
            problems += _reading(
                policy, doc, (*where, "when", "parameter"), {"parameter": pid, "values": {value: 1}}
            )
    problems += _parameters(policy, doc, (*where, "relies_on"), definition.get("relies_on", []))
    return problems


def _predicate(
    policy: Policy, doc, where: tuple, name: str, arity: int, kind: str | None = None
) -> list[Problem]:
    declared = policy.argument_domains.get(name)
    if declared is None:
        return [doc.problem(where, f"{name} is not a predicate of the vocabulary", "a predicate")]
    problems = []
    if len(declared) != arity:
        problems.append(
            doc.problem(
                where,
                f"{name} has {len(declared)} arguments, here {arity}",
                f"{len(declared)} arguments",
            )
        )
    actual = next(p["kind"] for p in policy.vocabulary["predicates"] if p["name"] == name)
    if kind is not None and actual != kind:
        problems.append(doc.problem(where, f"{name} is {actual}", f"an {kind} predicate"))
    return problems


def _cites(policy: Policy, doc, where: tuple, eids: list[str]) -> list[Problem]:
    return [
        doc.problem(where, f"{eid} does not exist", "an eId of this policy")
        for eid in eids
        if eid not in policy.eids
    ]


def _parameters(policy: Policy, doc, where: tuple, ids: list[str]) -> list[Problem]:
    return [
        doc.problem(where, f"unknown parameter {pid}", "a parameter id from parameters.yaml")
        for pid in ids
        if pid not in policy.parameter_index
    ]


def _reading(policy: Policy, doc, where: tuple, spec: Any) -> list[Problem]:
    """A value by parameter must name a parameter, and for an enumeration only its options."""
    if not is_reading(spec):
        return []
    pid = spec["parameter"]
    param = policy.parameter_index.get(pid)
    if param is None:
        return [
            doc.problem(where, f"unknown parameter {pid}", "a parameter id from parameters.yaml")
        ]
    if param["type"] != "enum" or "values" not in spec:
        return []
    options = {o["value"] for o in param["options"]}
    return [
        doc.problem(
            (*where, "values"),
            f"{value!r} is not an option of {pid}",
            "one of " + ", ".join(sorted(map(str, options))),
        )
        for value in spec["values"]
        if value not in options
    ]


def _labels(policy: Policy) -> list[Problem]:
    """A value named in two domains must have one name; a domain with values labels only those."""
    doc = policy.docs["vocabulary.yaml"]
    problems: list[Problem] = []
    seen: dict[str, tuple[str, dict]] = {}
    for i, domain in enumerate(policy.vocabulary["domains"]):
        values = domain.get("values")
        for value, label in domain.get("labels", {}).items():
            where = ("domains", i, "labels", value)
            if values is not None and value not in values:
                problems.append(
                    doc.problem(where, f"{value} is not a value of {domain['name']}", "a value")
                )
            if value in seen and seen[value][1] != label:
                problems.append(
                    doc.problem(
                        where,
                        f"{value} is named differently in {seen[value][0]}",
                        "one name per value",
                    )
                )
            seen.setdefault(value, (domain["name"], label))
    return problems


def _presentation(policy: Policy, periods: set[str]) -> list[Problem]:
    doc = policy.docs["presentation.yaml"]
    problems: list[Problem] = []
    degrees = next((d for d in policy.vocabulary["domains"] if d["name"] == "degree"), {})
    for i, choice in enumerate(policy.presentation["why_not_responsible"]):
        if degrees.get("values") and choice["degree"] not in degrees["values"]:
            problems.append(
                doc.problem(
                    ("why_not_responsible", i, "degree"),
                    f"{choice['degree']} is not a degree of the vocabulary",
                    "a value of the degree domain",
                )
            )
    if "involvement" in policy.presentation["why_not_responsible"][-1]:
        problems.append(
            doc.problem(
                ("why_not_responsible",),
                "the last entry names an involvement",
                "a last entry with only a degree (what applies otherwise)",
            )
        )
    for i, rule in enumerate(policy.presentation.get("restating_readings", [])):
        if rule not in policy.rule_index:
            problems.append(
                doc.problem(
                    ("restating_readings", i),
                    f"{rule} is not a rule of this policy",
                    "the id of a rule in an article file",
                )
            )
    timeline = policy.presentation.get("timeline")
    if timeline is not None:
        ids = [m["id"] for m in timeline["milestones"]]
        for i, milestone in enumerate(timeline["milestones"]):
            if milestone["eid"] not in policy.eids:
                problems.append(
                    doc.problem(
                        ("timeline", "milestones", i, "eid"),
                        f"{milestone['eid']} does not exist",
                        "an eId of this policy",
                    )
                )
        for i, span in enumerate(timeline["spans"]):
            for end in ("from", "to"):
                if span[end] not in ids:
                    problems.append(
                        doc.problem(
                            ("timeline", "spans", i, end),
                            f"no milestone {span[end]}",
                            "a milestone id",
                        )
                    )
            if "period" in span and span["period"] not in periods:
                problems.append(
                    doc.problem(
                        ("timeline", "spans", i, "period"),
                        f"no period {span['period']}",
                        "a period defined in an article",
                    )
                )
    return problems


def _instrument(policy: Policy) -> list[Problem]:
    doc = policy.docs["instrument.yaml"]
    problems: list[Problem] = []
    calendar = policy.instrument.get("calendar")
    if calendar is not None:
        for key in ("source_parameter", "beyond_coverage_parameter"):
            problems += _parameters(policy, doc, ("calendar", key), [calendar[key]])
    for i, edition in enumerate(policy.instrument["editions"]):
        unknown = edition.get("unknown_commencement")
        if unknown is not None:
            problems += _reading(
                policy,
                doc,
                ("editions", i, "unknown_commencement"),
                {"parameter": unknown["parameter"], "values": {unknown["refuse_value"]: 1}},
            )
    return problems
