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
