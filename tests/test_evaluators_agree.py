"""The two evaluators, and batches, give the same model for the fixtures of the real policy.

The default evaluator joins in Python (engine/datalog/fixpoint.py); the pyDatalog one runs every
join as a pyDatalog query; a batch evaluates many cases jointly (engine/datalog/batch.py). The
answers users see come from the default; this holds the other two to it, predicate by predicate, on
every fixture in which a rule is meant to fire (authored, witness, and each rule's generated "fires"
case) and on the first other fixture for any rule that fires only elsewhere: every rule that fires
in some fixture fires in these. pyDatalog, far slower, on a smaller set that still fires every one
of those rules. With ACCOUNTABILITY_SLOW_TESTS=1, all of them on every fixture (the generated
variants in which one condition of a rule fails add little beyond that, at three times the cost).
"""

from __future__ import annotations

import os
from functools import cache

import pytest
from paths import FIXTURES_DIR

from engine.answer.query import run_query
from engine.policy.load import load_policy
from generators.fixtures.build import load_fixture_files

POLICY = load_policy()
EVERY_FIXTURE = os.environ.get("ACCOUNTABILITY_SLOW_TESTS") == "1"


@cache
def fixtures() -> list[dict]:
    return load_fixture_files(FIXTURES_DIR)


@cache
def chosen() -> list[dict]:
    """The fixtures the evaluators are compared on (see the module's docstring)."""
    if EVERY_FIXTURE:
        return fixtures()
    out = [f for f in fixtures() if f["source"] != "generated" or f["id"].endswith("--fires")]
    fired = {rule for f in out for rule in f["fired_rules"]}
    for f in fixtures():
        new = set(f["fired_rules"]) - fired
        if new:
            out.append(f)
            fired |= new
    return out


@cache
def covering() -> list[dict]:
    """Few chosen fixtures that together fire every rule the chosen ones fire (greedily, the one
    firing most rules not yet fired first): the pyDatalog evaluator, some thirty times slower per
    case than the default, is held to it on these, and on every fixture with the slow-tests
    switch."""
    if EVERY_FIXTURE:
        return chosen()
    left = {f["id"]: set(f["fired_rules"]) for f in chosen()}
    out: list[str] = []
    fired: set[str] = set()
    while True:
        best = max(sorted(left), key=lambda i: len(left[i] - fired), default=None)
        if best is None or not left[best] - fired:
            break
        out.append(best)
        fired |= left.pop(best)
    return [f for f in chosen() if f["id"] in out]


@cache
def inputs():
    """(fixture id, program, input facts, model) for each chosen fixture, through the public
    pipeline."""
    out = []
    for fixture in chosen():
        run = run_query(
            POLICY, fixture["case"], as_of=fixture["as_of"], parameters=fixture["parameters"]
        )
        program = POLICY.program_for(run.edition["id"])
        facts = {p: rows for p, rows in run.facts.items() if p in program.predicates}
        out.append((fixture["id"], program, facts, run.model.to_dict()))
    return out


def test_the_chosen_fixtures_fire_every_rule_that_any_fixture_fires():
    every = {rule for f in fixtures() for rule in f["fired_rules"]}
    assert {rule for f in chosen() for rule in f["fired_rules"]} == every


def test_the_covering_fixtures_fire_every_rule_that_the_chosen_ones_fire():
    every = {rule for f in chosen() for rule in f["fired_rules"]}
    assert {rule for f in covering() for rule in f["fired_rules"]} == every
    assert EVERY_FIXTURE or len(covering()) < len(chosen()) / 4


def test_the_fixtures_exercise_every_rule_of_the_policy():
    # without this, agreement below could come from cases where little fires
    fired = set()
    for _id, _program, _facts, model in inputs():
        fired |= {p for p, rows in model.items() if rows}
    derived = {p for p, s in POLICY.program.predicates.items() if s.kind == "derived"}
    assert len(fired & derived) >= 0.9 * len(derived)


SHARES = 4  # in shares, so that a failure names a smaller set


@pytest.mark.parametrize("share", range(SHARES))
def test_the_pydatalog_evaluator_gives_the_same_model_as_the_default_for_each_covering_fixture(
    share,
):
    ids = {f["id"] for f in covering()}
    for fixture_id, program, facts, model in [i for i in inputs() if i[0] in ids][share::SHARES]:
        assert program.evaluate(facts, backend="pydatalog").to_dict() == model, fixture_id


def test_the_chosen_fixtures_evaluated_as_one_batch_give_each_its_own_model():
    by_program: dict = {}
    for item in inputs():
        by_program.setdefault(id(item[1]), []).append(item)
    for items in by_program.values():
        program = items[0][1]
        models = program.evaluate_batch([item[2] for item in items], batch_size=500)
        for (fixture_id, _program, _facts, model), got in zip(items, models, strict=True):
            assert got.to_dict() == model, fixture_id


def test_clingo_gives_the_default_evaluators_model_for_each_chosen_fixture():
    """clingo's answer set of a stratified program is its perfect model: the reference for
    every derived predicate, here with the chosen fixtures grounded together in one Control."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "datalog"))
    import clingo_batched

    by_program: dict = {}
    for item in inputs():
        by_program.setdefault(id(item[1]), []).append(item)
    for items in by_program.values():
        program = items[0][1]
        derived = [p for p, s in program.predicates.items() if s.kind == "derived"]
        text = clingo_batched.batched_text(program.rules)
        found = clingo_batched.solve_batch(text, [item[2] for item in items], read_back=True)
        for (fixture_id, _program, _facts, model), reference in zip(items, found, strict=True):
            for predicate in derived:
                ours = {tuple(row) for row in model.get(predicate, [])}
                assert ours == reference.get(predicate, set()), (fixture_id, predicate)
