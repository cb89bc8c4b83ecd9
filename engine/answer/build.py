"""From the rules' model to the answer a legal officer reads: verdicts, each with why (and why not).

The model is a set of tuples; the answer arranges them the way the regulation is applied: faults found,
then everyone in the handling chain with a verdict, aggravation and mitigation, the forms of Art. 13,
referrals, commendations, recusal, time limits, procedural defects and the points a person must still
decide. Every finding carries the eIds it rests on and its derivation down to the case's facts.
"""

from __future__ import annotations

import functools
import os
import weakref
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from engine.answer import counterfactuals
from engine.answer.context import AnswerContext, option_label
from engine.answer.html import render_html
from engine.answer.query import Evaluation, run_queries, run_query
from engine.answer.report import build_report
from engine.answer.sections.circumstances import aggravation, mitigation
from engine.answer.sections.consequences import commendations, referrals, sanctions
from engine.answer.sections.liability import faults, investigators, verdicts
from engine.answer.sections.procedure import procedure, time_limits
from engine.answer.sections.recusal import recusal
from engine.answer.text import render_text
from engine.files.project import display_path
from engine.files.safe_yaml import SourceDoc
from engine.files.schemas import schema_uri
from engine.policy.model import Policy
from engine.policy.parameter_scope import parameters_in_scope
from engine.problems import Problem, ProblemsError

ANSWER_FORMAT = 2  # the version of schema/answer.schema.json the answer follows


@dataclass
class Answer:
    """The answer to one case; ``to_dict`` for programs, ``render`` (text or HTML) for people."""

    data: dict[str, Any]
    evaluation: Evaluation
    explained: bool = False  # whether ``data`` keeps every step of the reasons and the trees
    _decided: dict | None = field(default=None, repr=False)
    _what_if: list | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return self.data

    def holds(self, predicate: str, args: tuple) -> bool:
        """Whether a conclusion (any derived predicate of the vocabulary) holds in this case."""
        return self.evaluation.model.holds(predicate, args)

    def fired_rules(self) -> set[str]:
        """Ids of the rules with at least one instance whose body held in this case."""
        fired = self.evaluation.model.fired_ids()
        return {r["id"] for r in self.evaluation.policy.rules if r["id"] in fired}

    def deciding_readings(self) -> dict[tuple, list[dict[str, Any]]]:
        """Verdict → the readings that decide it (computed once, by evaluating the alternatives)."""
        if self._decided is None:
            relied = [p["id"] for p in self.data["parameters"]]
            self._decided = counterfactuals.deciding_readings(self.evaluation, relied)
        return self._decided

    def what_if(self) -> list[dict[str, Any]]:
        """For each verdict, the smallest verified changes of the record that flip it."""
        if self._what_if is None:
            self._what_if = counterfactuals.what_if(self.evaluation, self.data)
        return self._what_if

    def render(
        self,
        lang: str = "zh",
        explain: bool = False,
        what_if: bool = False,
        format: str = "text",
        deciding: bool = True,
    ) -> str:
        """The answer as a legal officer reads it: ``text`` for a terminal, ``html`` for a page.

        ``deciding=False`` skips working out which readings decided each verdict (one evaluation
        per alternative reading): the readings relied on are then listed once, unnumbered — for
        rendering many answers where those evaluations would cost more than the answers."""
        answer = self if self.explained or not explain else build_answer(self.evaluation, True)
        if answer is not self:
            answer._decided, answer._what_if = self._decided, self._what_if
        report = build_report(answer, lang, explain, what_if, deciding)
        return (
            render_html(report, self.evaluation.policy) if format == "html" else render_text(report)
        )

    def explain(self, lang: str = "zh") -> str:
        """Readable text with the reasons for every finding."""
        return self.render(lang, explain=True)


# The conclusions the answer reports, with the arity its sections read them at. Another instrument may
# lack some (its sections stay empty) but must not declare them with another shape.
ANSWER_PREDICATES = {
    "fault": 1,
    "point_applies": 2,
    "enforcement_fault": 1,
    "internal_fault": 1,
    "inaction": 1,
    "awaiting_finding": 2,
    "contradicted": 2,
    "responsible": 3,
    "displaced": 3,
    "cleared_subordinate": 2,
    "cleared_by_vote": 3,
    "vote_needs_finding": 3,
    "inaction_needs_finding": 1,
    "investigator_liable": 1,
    "aggravated": 3,
    "aggravation_needs_finding": 3,
    "mitigation_ground": 3,
    "mitigation_available": 3,
    "tail_blocks": 3,
    "combination_needs_finding": 2,
    "available_form": 2,
    "referral": 2,
    "recovery_needs_finding": 2,
    "commendation": 2,
    "disqualified": 3,
    "recusal_needs_finding": 2,
    "admitted": 1,
    "period_status": 3,
    "appeal_out_of_time": 1,
    "appeal_inadmissible": 1,
    "procedural_defect": 2,
    "result_withheld": 0,
    "duty_of_post": 2,
    "holds_post": 2,
}


# the programs whose shape was checked and found right (checked once, asked for every answer)
_RIGHT_SHAPE: weakref.WeakSet = weakref.WeakSet()


def _check_shape(ev: Evaluation) -> None:
    program = ev.policy.program_for(ev.edition["id"])
    if program in _RIGHT_SHAPE:
        return
    wrong = [
        Problem(
            "vocabulary.yaml",
            None,
            None,
            name,
            f"{name} has {program.predicates[name].arity} arguments; the answer reads it with {arity}",
            f"{name}/{arity} as in the reference vocabulary (or another name)",
        )
        for name, arity in sorted(ANSWER_PREDICATES.items())
        if name in program.predicates and program.predicates[name].arity != arity
    ]
    if wrong:
        raise ProblemsError(wrong)
    _RIGHT_SHAPE.add(program)


# Which conclusions each section reports, and when a case reaches it; the readings those conclusions
# depend on are listed in the answer even when they made something not happen.
SECTION_SCOPES: list[tuple[str, set[str]]] = [
    (
        "acts",
        {
            "fault",
            "point_applies",
            "awaiting_finding",
            "contradicted",
            "responsible",
            "displaced",
            "cleared_subordinate",
            "cleared_by_vote",
            "vote_needs_finding",
            "inaction_needs_finding",
            "available_form",
            "referral",
            "recovery_needs_finding",
        },
    ),
    (
        "circumstances",
        {
            "aggravated",
            "aggravation_needs_finding",
            "mitigation_available",
            "tail_blocks",
            "combination_needs_finding",
            "referral",
        },
    ),
    ("earlier_faults", {"aggravated"}),
    ("commendable_conduct", {"commendation"}),
    (
        "investigation",
        {
            "disqualified",
            "recusal_needs_finding",
            "admitted",
            "investigator_liable",
            "procedural_defect",
        },
    ),
    (
        "procedure",
        {
            "period_status",
            "appeal_out_of_time",
            "appeal_inadmissible",
            "procedural_defect",
            "result_withheld",
        },
    ),
]


def build_answer(ev: Evaluation, explain: bool = False) -> Answer:
    """The answer to an evaluated case; ``explain`` keeps every step of the reasons and the
    derivation trees (the default answer holds the verdicts, the clauses, the facts they rest on
    and the readings they relied on)."""
    _check_shape(ev)
    b = AnswerContext(ev, explain)
    withholding = ev.policy.answer_config.get("withholding")
    withheld = withholding is not None and b.holds(withholding["predicate"], ())
    data: dict[str, Any] = {
        "$schema": schema_uri("answer"),
        "format": ANSWER_FORMAT,
        "case": {
            "id": ev.case["case"]["id"],
            "title": ev.case["case"]["title"],
            "file": ev.case_file,
        },
        "as_of": ev.as_of,
        "policy": {
            "instrument": ev.policy.id,
            "document_number": ev.policy.instrument["document_number"],
            "edition": ev.edition["id"],
            "edition_effective_from": ev.edition["effective_from"],
            "edition_uncertain": ev.edition_uncertain,
            "encoding_version": ev.policy.version,
            "path": _policy_path(ev.policy.root),
            "fingerprint": ev.policy.fingerprint,
        },
        "faults": faults(b),
        "verdicts": verdicts(b),
        "investigators": investigators(b),
        "aggravation": aggravation(b),
        "mitigation": mitigation(b),
        "sanctions": sanctions(b),
        "referrals": referrals(b),
        "commendations": commendations(b),
        "recusal": recusal(b),
        "time_limits": time_limits(b),
        "procedural_defects": procedure(b),
        "result_withheld": withheld,
    }
    if withheld:  # the policy says which sections are withheld, and raises its open point
        for key in withholding["sections"]:
            data[key] = []
        b.raise_open_points(withholding["predicate"])
    b.raise_text_open_points()
    data["open_points"] = b.open_points
    data["warnings"] = ev.warnings
    definitions = ev.policy.parameter_index
    reached = set().union(*(preds for key, preds in SECTION_SCOPES if ev.case.get(key)))
    b.scope_params |= parameters_in_scope(b.program.rules, reached)
    overridden = {pid for pid, v in ev.parameters.items() if v != definitions[pid]["default"]}
    basis = {pid: "scope" for pid in b.scope_params} | {pid: "override" for pid in overridden}
    basis |= {pid: "derivation" for pid in b.used_params}
    data["parameters"] = [
        {
            "id": pid,
            "value": ev.parameters[pid],
            "default": pid not in overridden,
            "basis": basis[pid],
            **(
                {
                    "label": option_label(definitions[pid], ev.parameters[pid]),
                    "title": definitions[pid]["title"],
                    "affects": definitions[pid]["affects"],
                }
                if explain
                else {}
            ),
        }
        for pid in sorted(basis)
        if pid in definitions
    ]
    return Answer(data, ev, explain)


def _policy_path(root: Path) -> str:
    """The policy folder as an answer shows it, worked out once per folder and working directory
    (following the path's links costs a system call per part, for every case of a batch)."""
    return _shown_path(os.getcwd(), root)


@functools.lru_cache(maxsize=16)
def _shown_path(cwd: str, root: Path) -> str:  # cwd: part of the key (display_path reads it)
    return display_path(root)


def answer_case(
    policy: Policy,
    case: str | Path | dict | SourceDoc,
    as_of: str | date | None = None,
    parameters: dict[str, Any] | None = None,
    calendar_file: str | Path | None = None,
    *,
    backend: str | None = None,
    explain: bool = False,
    what_if: bool = False,
) -> Answer:
    """Answer one case (path, mapping or loaded document): who is responsible, and why.

    ``as_of`` picks the edition in force and is "today" for running time limits (default: the
    case's own ``as_of``, else today); ``parameters`` overrides interpretation parameters by id;
    ``calendar_file`` supplies holidays the built-in calendar does not cover; ``backend`` picks the
    evaluator (``"native"`` by default, or ``"pydatalog"``: the same answer, slower); ``explain``
    keeps every step of the reasons and the derivation trees in the answer; ``what_if`` adds, for
    each verdict, the smallest verified changes of the record that would flip it.
    """
    evaluation = run_query(policy, case, as_of, parameters, calendar_file, backend=backend)
    answer = build_answer(evaluation, explain)
    if what_if:
        answer.data["what_if"] = answer.what_if()
    return answer


def answer_cases(
    policy: Policy,
    cases: list[str | Path | dict | SourceDoc],
    as_of: str | date | None = None,
    parameters: dict[str, Any] | None = None,
    calendar_file: str | Path | None = None,
    *,
    explain: bool = False,
) -> list[Answer | Exception]:
    """Answer many cases under the same options, each exactly as ``answer_case`` answers it, the
    rules evaluated for all of them jointly (``run_queries``). A case that cannot be answered has
    its exception in its place."""
    out: list[Answer | Exception] = []
    for evaluation in run_queries(policy, cases, as_of, parameters, calendar_file):
        if isinstance(evaluation, Exception):
            out.append(evaluation)
            continue
        try:
            out.append(build_answer(evaluation, explain))
        except Exception as exc:  # one case's failure is reported in its place
            out.append(exc)
    return out
