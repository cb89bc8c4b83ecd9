"""The project's JSON Schemas are themselves valid: checked here once, not on every command run."""

import json

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from paths import SCHEMA_DIR

SCHEMAS = sorted(SCHEMA_DIR.glob("*.schema.json"))


def test_the_schema_folder_holds_the_schemas_of_every_file_kind():
    assert {p.name.removesuffix(".schema.json") for p in SCHEMAS} >= {
        "answer",
        "article",
        "case",
        "instrument",
        "vocabulary",
    }


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_schema_of_the_project_is_valid_draft_2020_12(path):
    Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_the_metaschema_check_refuses_a_broken_schema():
    with pytest.raises(SchemaError):
        Draft202012Validator.check_schema({"type": "no-such-type"})


# ── the compiled screen says "valid" exactly when the reference validator does ─────────────────

TRICKY_VALUES = [
    "",
    "a1",
    "A-1.x",
    "abc\n",
    "p 1",
    "张伟",
    "2024-02-29",
    "2023-02-29",
    "2024-13-01",
    "２０２４-01-01",
    "2024-1-1",
    "art_7__point_17",
    "art_7__point_18",
    "art_8__point_11\n",
    0,
    -1,
    1.5,
    2**70,
    True,
    None,
    [],
    {},
    ["x"],
    {"id": "x"},
]


def _mutations(data):
    """Every document one change away from ``data``: a value replaced or a key dropped."""
    if isinstance(data, dict):
        for key in list(data):
            rest = {k: v for k, v in data.items() if k != key}
            yield rest
            for value in TRICKY_VALUES:
                yield {**data, key: value}
            for inner in _mutations(data[key]):
                yield {**data, key: inner}
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield data[:i] + data[i + 1 :]
            for inner in _mutations(item):
                yield data[:i] + [inner] + data[i + 1 :]


def _agree(data, kind):
    """The fast path never accepts what the reference rejects; where the reference accepts what
    the screen rejects (a final newline before ``$``), the document is refused all the same."""
    from engine.files.safe_yaml import document_from_data
    from engine.files.schemas import schema_problems, screened_valid, validator
    from engine.problems import ProblemsError

    reference = next(iter(validator(kind).iter_errors(data)), None) is None
    screened = screened_valid(data, kind)
    if screened:
        return reference
    try:
        doc = document_from_data(data, "<doc>")
    except ProblemsError:
        return True  # refused before the schema is consulted (e.g. an integer beyond 64 bits)
    return bool(schema_problems(doc, kind))


def test_the_fast_validator_agrees_with_the_reference_on_every_example_and_its_mutations():
    import yaml
    from paths import EXAMPLES_DIR

    checked = 0
    for path in sorted(EXAMPLES_DIR.glob("*.yaml"))[:2]:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        case["case"]["as_of"] = str(case["case"].get("as_of", "2024-12-01"))
        # every fifth mutation keeps the test to a few seconds while every kind of change and
        # every tricky value still occurs many times
        for variant in [case, *list(_mutations(case))[::5]]:
            assert _agree(variant, "case"), (path.name, variant)
            checked += 1
    assert checked > 500


def test_the_fast_validator_agrees_with_the_reference_on_every_fixture_and_policy_file():
    import yaml
    from paths import FIXTURES_DIR, POLICY_DIR

    for path in sorted(FIXTURES_DIR.rglob("*.yaml"))[::40]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert _agree(data, "fixture"), path.name
        assert _agree(data["case"], "case"), path.name
    kinds = {"instrument.yaml": "instrument", "vocabulary.yaml": "vocabulary"}
    kinds |= {"parameters.yaml": "parameters", "presentation.yaml": "presentation"}
    for name, kind in kinds.items():
        assert _agree(yaml.safe_load((POLICY_DIR / name).read_text(encoding="utf-8")), kind)
    for path in sorted((POLICY_DIR / "articles").glob("*.yaml")):
        assert _agree(yaml.safe_load(path.read_text(encoding="utf-8")), "article"), path.name


def test_the_fast_validator_rejects_what_the_reference_rejects():
    from engine.files.schemas import screened_valid

    assert not screened_valid({"case": {"id": "x", "as_of": "2023-02-29"}, "people": []}, "case")
    assert not screened_valid({"case": {"id": "x"}, "people": [], "extra": 1}, "case")


def test_an_id_with_a_final_newline_is_refused_with_its_place_and_the_form_expected():
    import yaml
    from paths import EXAMPLES_DIR

    from engine.case.load import load_case
    from engine.problems import ProblemsError

    case = yaml.safe_load(
        (EXAMPLES_DIR / "01-reviewer-overturned-correct-opinion.yaml").read_text()
    )
    case["case"]["as_of"] = "2024-12-01"
    case["case"]["id"] = "wsmz-1\n"
    with pytest.raises(ProblemsError) as caught:
        load_case(case)
    text = str(caught.value)
    assert "$.case.id" in text and "required form" in text and "[A-Za-z0-9]" in text
