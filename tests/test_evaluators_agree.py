"""The two evaluators, and batches, give the same model for every fixture of the real policy.

The default evaluator joins in Python (engine/datalog/fixpoint.py); the pyDatalog one runs every
join as a pyDatalog query; a batch evaluates many cases jointly (engine/datalog/batch.py). The
answers users see come from the default; this holds the other two to it, predicate by predicate,
on every committed fixture (authored and generated: every rule fires in some of them).
"""

from __future__ import annotations

import pytest
from paths import FIXTURES_DIR

from engine.answer.query import run_query
from engine.policy.load import load_policy
from generators.fixtures.build import load_fixture_files

POLICY = load_policy()
FIXTURES = load_fixture_files(FIXTURES_DIR)


def _inputs():
    """(fixture id, program, input facts) for every fixture, through the public case pipeline."""
    out = []
    for fixture in FIXTURES:
        run = run_query(
            POLICY, fixture["case"], as_of=fixture["as_of"], parameters=fixture["parameters"]
        )
        program = POLICY.program_for(run.edition["id"])
        facts = {p: rows for p, rows in run.facts.items() if p in program.predicates}
        out.append((fixture["id"], program, facts, run.model.to_dict()))
    return out


INPUTS = _inputs()


def test_the_fixtures_exercise_every_rule_of_the_policy():
    # without this, agreement below could come from cases where little fires
    fired = set()
    for _id, _program, _facts, model in INPUTS:
        fired |= {p for p, rows in model.items() if rows}
    derived = {p for p, s in POLICY.program.predicates.items() if s.kind == "derived"}
    assert len(fired & derived) >= 0.9 * len(derived)


SHARES = 8  # every fixture, in shares the test workers can run side by side


@pytest.mark.parametrize("share", range(SHARES))
def test_the_pydatalog_evaluator_gives_the_same_model_as_the_default_for_every_fixture(share):
    for fixture_id, program, facts, model in INPUTS[share::SHARES]:
        assert program.evaluate(facts, backend="pydatalog").to_dict() == model, fixture_id


def test_all_fixtures_evaluated_as_one_batch_give_each_its_own_model():
    by_program: dict = {}
    for item in INPUTS:
        by_program.setdefault(id(item[1]), []).append(item)
    for items in by_program.values():
        program = items[0][1]
        models = program.evaluate_batch([facts for _i, _p, facts, _m in items], batch_size=500)
        for (fixture_id, _program, _facts, model), got in zip(items, models, strict=True):
            assert got.to_dict() == model, fixture_id
