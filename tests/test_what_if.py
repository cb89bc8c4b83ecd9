"""What would change a verdict: the smallest changes of the record that flip it, each verified.

An officer asks "what would have cleared the reviewer?"; the answer lists, per verdict, changes of
one fact (else two) that flip it. These tests re-check every reported change independently: they
apply it to the case's facts, evaluate the rules again, and read the verdict from the new model.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from paths import EXAMPLES_DIR
from text_checks import text_problems

from engine.answer import answer_case
from engine.cli.app import main
from engine.files.schemas import validator
from engine.policy.load import load_policy

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
AS_OF = {"19-deadlines-beyond-calendar-coverage.yaml": "2027-03-01"}
ANSWER_SCHEMA = validator("answer")


@cache
def policy():
    return load_policy()


@cache
def answered(name: str):
    path = EXAMPLES_DIR / name
    return answer_case(policy(), path, as_of=AS_OF.get(name, "2025-03-01"), what_if=True)


def verdict_in(model, key: list):
    """The verdict ``key`` names, read from a model the way an officer reads it: whether the act is
    a fault; the degrees of a person's responsibility; a member's recusal outcome."""
    kind, *args = key
    if kind == "fault":
        return model.holds("fault", tuple(args))
    if kind == "responsible":
        return sorted(d for a, p, d in model.tuples("responsible") if (a, p) == tuple(args))
    if kind == "recusal":
        if any(m == args[0] for m, *_ in model.tuples("disqualified")):
            return "disqualified"
        if any(m == args[0] for m, *_ in model.tuples("recusal_needs_finding")):
            return "needs_finding"
        return "admitted"
    return None  # other verdicts are checked through the answer's own fields


def changed_model(answer, changes: list[dict]):
    ev = answer.evaluation
    program = ev.policy.program_for(ev.edition["id"])
    facts = defaultdict(set, {p: set(rows) for p, rows in ev.facts.items()})
    for change in changes:
        if "old" in change:
            facts[change["old"]["fact"]].discard(tuple(change["old"]["args"]))
        if "new" in change:
            facts[change["new"]["fact"]].add(tuple(change["new"]["args"]))
    return program.evaluate({p: r for p, r in facts.items() if p in program.predicates})


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_reported_change_flips_its_verdict_when_the_case_is_evaluated_again(path: Path):
    answer = answered(path.name)
    data = json.loads(json.dumps(answer.to_dict()))
    problems = [f"{e.json_path}: {e.message}" for e in ANSWER_SCHEMA.iter_errors(data)]
    assert not problems, problems[:3]
    checked = 0
    for entry in data["what_if"]:
        now = verdict_in(answer.evaluation.model, entry["key"])
        if now is None:
            continue
        assert now == entry["now"], entry["verdict"]["en"]
        for flip in entry["flips"]:
            after = verdict_in(changed_model(answer, flip["changes"]), entry["key"])
            assert after == flip["becomes"] != now, flip["en"]
            checked += 1
    assert checked or not any(e["flips"] for e in data["what_if"])


def test_every_verdict_of_an_example_is_listed_with_the_changes_that_would_flip_it():
    data = answered("01-reviewer-overturned-correct-opinion.yaml").to_dict()
    keys = {tuple(e["key"]) for e in data["what_if"]}
    for verdict in data["verdicts"]:
        for person in verdict.get("responsible", []):
            assert ("responsible", verdict["act"], person["person"]) in keys


def test_the_approver_would_answer_under_the_chapeau_had_the_reviewers_opinion_not_been_changed():
    # Art. 11(4): the approver changed the reviewer's correct opinion, so the approver answers and
    # the others do not; without that change the chapeau makes 刘志强 responsible again
    data = answered("01-reviewer-overturned-correct-opinion.yaml").to_dict()
    entry = next(
        e
        for e in data["what_if"]
        if e["key"] == ["responsible", "penalty_2024_017", "liu_zhiqiang"]
    )
    assert entry["now"] == []
    flips = {
        (c["kind"], c["old"]["fact"]): flip for flip in entry["flips"] for c in flip["changes"]
    }
    flip = flips[("remove", "changed_opinion")]
    assert flip["becomes"] == ["graded"] and flip["cites"] == ["art_11__intro"]
    assert flip["zh"].startswith("若记录中没有“王建国改变了张丽对‘")
    assert flip["en"].startswith("If the record did not say that 王建国 changed 张丽's opinion")


def test_the_command_line_lists_what_would_change_each_finding_and_the_json_carries_it(capsys):
    case = str(EXAMPLES_DIR / "08-leader-instructions-and-objections.yaml")
    assert main(["query", case, "--what-if"]) == 0
    text = capsys.readouterr().out
    assert "何种改变会改变结论" in text and "若记录中没有" in text
    assert main(["query", case, "--what-if", "--lang", "en"]) == 0
    assert "What would change a finding" in capsys.readouterr().out
    assert main(["query", case, "--format", "json", "--what-if"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["what_if"] and not list(ANSWER_SCHEMA.iter_errors(data))
    assert main(["query", case, "--format", "json"]) == 0
    assert "what_if" not in json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_examples_full_report_reads_cleanly_in_chinese_and_english(path: Path):
    """The report with everything in it (decisive readings numbered, every step of the reasons,
    what would change each verdict) has no placeholder, raw id, literal or foreign punctuation."""
    answer = answered(path.name)
    for lang in ("zh", "en"):
        text = answer.render(lang, explain=True, what_if=True)
        problems = text_problems(text, lang, answer.evaluation.case)
        assert not problems, problems[:3]
