"""The committed fixtures: each replays to its recorded outcome, they are current, and they cover the law.

Fixtures are the regulation's test cases traced to its articles; if the engine or the rules change an
outcome, the fixture that shows it fails here by name, and `accountability fixtures` must be rerun so the
change is visible (and reviewable) in the fixtures' diff.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from paths import FIXTURES_DIR
from text_checks import text_problems

from engine.answer import answer_case
from engine.answer.summary import summarize
from engine.files.safe_yaml import load_yaml_file
from engine.files.schemas import validator
from engine.policy.load import load_policy
from generators.fixtures.build import BUNDLE_NAME, fixture_paths, load_fixture_files
from generators.fixtures.coverage import coverage

POLICY = load_policy()
ANSWER_SCHEMA = validator("answer")
# the files, listed without reading them: every test worker collects this module, and reading 1,200
# fixtures is for the tests that need them
FIXTURE_PATHS = [p for p in fixture_paths(FIXTURES_DIR) if p.suffix == ".yaml"]


@cache
def fixtures() -> list[dict]:
    return load_fixture_files(FIXTURES_DIR)


def test_there_are_authored_generated_and_witness_fixtures() -> None:
    sources = {f["source"] for f in fixtures()}
    assert sources == {"authored", "generated", "witness"}
    assert sum(f["source"] == "authored" for f in fixtures()) >= 30


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=[p.stem for p in FIXTURE_PATHS])
def test_each_fixture_replays_to_its_recorded_outcome_in_a_valid_answer_that_reads_cleanly(
    path: Path,
) -> None:
    """The recorded outcome, an answer valid against the schema, and a text in both languages with
    no unfilled placeholder, raw id, Python literal or the other language's punctuation."""
    fixture = load_yaml_file(path).data
    assert fixture["id"] == path.stem
    answer = answer_case(
        POLICY, fixture["case"], as_of=fixture["as_of"], parameters=fixture["parameters"]
    )
    data = answer.to_dict()
    assert summarize(data) == fixture["expected"], fixture["sentence"]["en"]
    assert sorted(answer.fired_rules()) == fixture["fired_rules"]
    problems = [f"{e.json_path}: {e.message}" for e in ANSWER_SCHEMA.iter_errors(data)]
    assert not problems, problems[:3]
    if "target" in fixture:
        target = fixture["target"]
        assert answer.holds(target["predicate"], tuple(target["args"])) is target["holds"]
    # every reading listed once rather than the decisive ones numbered: the same words, without an
    # evaluation per alternative reading (the numbered form is checked on every example)
    for lang in ("zh", "en"):
        leaks = text_problems(answer.render(lang, deciding=False), lang, fixture["case"])
        assert not leaks, leaks[:3]


def test_the_bundle_is_valid_against_its_schema_and_holds_every_fixture() -> None:
    bundle = json.loads((FIXTURES_DIR / BUNDLE_NAME).read_text(encoding="utf-8"))
    errors = list(validator("fixture-bundle").iter_errors(bundle))
    assert not errors, errors[0].message
    assert sorted(f["id"] for f in bundle["fixtures"]) == sorted(f["id"] for f in fixtures())


def test_every_normative_point_has_a_fixture_where_it_applies_and_one_where_it_does_not() -> None:
    report = coverage(POLICY, fixtures())
    assert report["eids_not_covered_both_ways"] == []


def test_every_rule_and_every_exception_branch_fires_in_some_fixture() -> None:
    report = coverage(POLICY, fixtures())
    assert report["rules_never_fired"] == []
    assert report["exception_branches_never_fired"] == []
