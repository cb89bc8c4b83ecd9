"""The two evaluators, and batches, give the same model for every fixture of the real policy.

The default evaluator joins in Python (engine/datalog/fixpoint.py); the pyDatalog one runs every
join as a pyDatalog query; a batch evaluates many cases jointly (engine/datalog/batch.py). The
answers users see come from the default; this holds the other two to it, predicate by predicate:
batches on every committed fixture; pyDatalog, about thirty times slower, on every fixture in which
a rule is meant to fire (authored, witness, and each rule's generated "fires" case: every rule fires
in some of them), and on the rest too when ACCOUNTABILITY_SLOW_TESTS=1.
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


@cache
def inputs():
    """(fixture id, program, input facts, model, generated?) for every fixture, through the public
    pipeline."""
    out = []
    for fixture in load_fixture_files(FIXTURES_DIR):
        run = run_query(
            POLICY, fixture["case"], as_of=fixture["as_of"], parameters=fixture["parameters"]
        )
        program = POLICY.program_for(run.edition["id"])
        facts = {p: rows for p, rows in run.facts.items() if p in program.predicates}
        generated = fixture["source"] == "generated"
        out.append((fixture["id"], program, facts, run.model.to_dict(), generated))
    return out


def test_the_fixtures_exercise_every_rule_of_the_policy():
    # without this, agreement below could come from cases where little fires
    fired = set()
    for _id, _program, _facts, model, _generated in inputs():
        fired |= {p for p, rows in model.items() if rows}
    derived = {p for p, s in POLICY.program.predicates.items() if s.kind == "derived"}
    assert len(fired & derived) >= 0.9 * len(derived)


SHARES = 4  # in shares, so that a failure names a smaller set
EVERY_FIXTURE = os.environ.get("ACCOUNTABILITY_SLOW_TESTS") == "1"


@cache
def firing_inputs():
    """The inputs of the fixtures in which a rule is meant to fire, and of the first other fixture
    for every predicate that holds only in others (every fixture with the variable): the generated
    variants in which one condition of a rule fails add little to agreement beyond that."""
    items = inputs()
    if EVERY_FIXTURE:
        return items
    chosen = [item for item in items if not item[4] or item[0].endswith("--fires")]
    covered = {p for item in chosen for p, rows in item[3].items() if rows}
    for item in items:
        new = {p for p, rows in item[3].items() if rows} - covered
        if new and item not in chosen:
            chosen.append(item)
            covered |= new
    return chosen


def test_the_fixtures_pydatalog_is_held_to_make_every_predicate_hold_that_any_fixture_does():
    def holding(items):
        return {p for item in items for p, rows in item[3].items() if rows}

    assert holding(firing_inputs()) == holding(inputs())


@pytest.mark.parametrize("share", range(SHARES))
def test_the_pydatalog_evaluator_gives_the_same_model_as_the_default_for_every_fixture(share):
    for fixture_id, program, facts, model, _generated in firing_inputs()[share::SHARES]:
        assert program.evaluate(facts, backend="pydatalog").to_dict() == model, fixture_id


def test_all_fixtures_evaluated_as_one_batch_give_each_its_own_model():
    by_program: dict = {}
    for item in inputs():
        by_program.setdefault(id(item[1]), []).append(item)
    for items in by_program.values():
        program = items[0][1]
        models = program.evaluate_batch([item[2] for item in items], batch_size=500)
        for (fixture_id, _program, _facts, model, _generated), got in zip(
            items, models, strict=True
        ):
            assert got.to_dict() == model, fixture_id
