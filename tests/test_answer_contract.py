"""The published contract of an answer: schema/answer.schema.json describes exactly what the engine
emits, every answer names the schema it follows, and the schemas resolve offline.

Every fixture's answer is validated too, in tests/test_fixtures.py, where each is evaluated anyway.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from paths import EXAMPLES_DIR, SCHEMA_DIR
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from engine.answer import answer_case
from engine.cli.app import main
from engine.files.schemas import BASE_URI
from engine.policy.load import load_policy

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
AS_OF = {"19-deadlines-beyond-calendar-coverage.yaml": "2027-03-01"}


@cache
def policy():
    return load_policy()


@cache
def offline_validator(kind: str) -> Draft202012Validator:
    """A plain validator with every schema of schema/ preloaded and no way to fetch anything: a
    reference it cannot resolve locally fails instead of reaching the network."""
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


def answer(path: Path, explain: bool) -> dict:
    return answer_case(
        policy(), path, as_of=AS_OF.get(path.name, "2025-03-01"), explain=explain
    ).to_dict()


@pytest.mark.parametrize("explain", [False, True], ids=["default", "explained"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_examples_answer_is_valid_against_the_published_schema(path, explain):
    data = json.loads(json.dumps(answer(path, explain)))
    problems = [
        f"{e.json_path}: {e.message}" for e in offline_validator("answer").iter_errors(data)
    ]
    assert not problems, problems[:5]


def test_the_schema_refuses_a_field_the_engine_does_not_emit():
    data = json.loads(json.dumps(answer(EXAMPLES[0], False)))
    data["verdicts"][0]["unexpected"] = 1
    assert list(offline_validator("answer").iter_errors(data))


def test_an_answer_names_its_schema_and_the_schema_version_it_follows():
    data = answer(EXAMPLES[0], False)
    schema = json.loads((SCHEMA_DIR / "answer.schema.json").read_text(encoding="utf-8"))
    assert data["$schema"] == schema["$id"]
    assert data["format"] == schema["properties"]["format"]["const"]


def test_every_schema_id_is_under_the_sites_address_where_schema_is_published():
    assert BASE_URI.endswith("/schema/")
    for path in SCHEMA_DIR.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$id"] == f"{BASE_URI}{path.name}"


def test_every_reference_between_schemas_resolves_without_the_network():
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        validator = offline_validator(path.name.removesuffix(".schema.json"))
        resolver = validator._resolver  # noqa: SLF001 — the resolver of the preloaded registry
        text = path.read_text(encoding="utf-8")
        for ref in sorted(set(_refs(json.loads(text)))):
            try:
                resolver.lookup(ref)
            except Unresolvable as exc:  # pragma: no cover - the failure being tested for
                pytest.fail(f"{path.name}: {ref} does not resolve offline: {exc}")


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_the_default_answer_to_example_01_is_compact_and_explanations_add_the_trees(capsys):
    case = str(EXAMPLES[0])
    assert main(["query", case, "--format", "json"]) == 0
    compact = capsys.readouterr().out
    assert main(["query", case, "--format", "json", "--explain"]) == 0
    explained = capsys.readouterr().out
    assert len(compact.encode("utf-8")) <= 30_000
    assert '"derivation": {' not in compact and '"derivation": {' in explained
    short, full = json.loads(compact), json.loads(explained)
    assert contained(short, full), "the explained answer lacks something the default one says"


def contained(small, big) -> bool:
    """Whether everything ``small`` says is also in ``big`` (at the same place; list items in any
    order): explanations add to an answer, they never drop or change anything of it."""
    if isinstance(small, dict):
        return isinstance(big, dict) and all(
            k in big and contained(v, big[k]) for k, v in small.items()
        )
    if isinstance(small, list):
        return isinstance(big, list) and all(any(contained(s, b) for b in big) for s in small)
    return small == big
