"""Everything instrument-specific comes from the policy files: periods, labels, open points, headings.

Run on the FICTITIOUS test-only instrument (tests/instruments/fictitious-two-editions), whose
appeal period, role names and answer headings are its own, and on copies of the real policy whose
YAML is changed: the answers must follow the files, with no code change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from paths import POLICY_DIR, ROOT

from engine.answer import answer_case
from engine.answer.names import Namer
from engine.answer.query import run_query
from engine.cli.app import main
from engine.policy.load import load_policy

FICTITIOUS = Path(__file__).parent / "instruments" / "fictitious-two-editions"
CASE = {
    "case": {"id": "fx-period", "title": {"zh": "虚构申诉", "en": "Fictitious appeal"}},
    "people": [{"id": "jia", "name": "甲（虚构）"}],
    "acts": [
        {
            "id": "act_1",
            "description": {"zh": "虚构的处罚", "en": "A fictitious penalty"},
            "handler": "jia",
            "points": [{"point": "art_7__point_1"}],
        }
    ],
    "procedure": {
        "decisions": [
            {"person": "jia", "delivered_on": "2031-03-02", "appeal_lodged_on": "2031-03-20"}
        ]
    },
}


@pytest.fixture(scope="module")
def fictitious():
    return load_policy(FICTITIOUS)


def test_the_fictitious_instruments_own_period_is_counted_from_its_own_definition(fictitious):
    ev = run_query(fictitious, CASE, "2031-04-01")
    (period,) = ev.periods
    assert (period.period, period.subject, period.start) == ("fx_appeal", "jia", "2031-03-02")
    # 10 days after 2 March 2031, the start day not counted and no roll-over: 12 March
    assert period.due.due.isoformat() == "2031-03-12"
    assert period.rule.cites == ("art_5__para_1",)
    assert ("fx_appeal", "jia", "2031-03-12") in ev.facts["due"]


def test_the_fictitious_instruments_rule_reads_the_due_date_its_period_gives(fictitious):
    ev = run_query(fictitious, CASE, "2031-04-01")
    assert ev.model.tuples("appeal_late") == {("jia",)}
    on_time = {**CASE, "procedure": {"decisions": [{**CASE["procedure"]["decisions"][0]}]}}
    on_time["procedure"]["decisions"][0]["appeal_lodged_on"] = "2031-03-12"
    assert run_query(fictitious, on_time, "2031-04-01").model.tuples("appeal_late") == set()


def test_the_fictitious_instrument_names_values_by_its_own_labels(fictitious):
    namer = Namer(CASE, fictitious.labels)
    assert namer.value("handler", "zh") == "承办人（虚构）"
    assert namer.value("fx_appeal", "en") == "appeal (fictitious, 10 days)"
    assert fictitious.presentation["sections"]["time_limits"]["zh"] == "九、期限（虚构第五条）"


def test_a_period_without_a_known_start_is_not_counted(fictitious):
    case = {**CASE, "procedure": {}}
    ev = run_query(fictitious, case, "2031-04-01")
    assert ev.periods == []


@pytest.fixture
def policy_copy(tmp_path) -> Path:
    root = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


APPEAL_CASE = {
    "case": {"id": "appeal", "title": {"zh": "申诉", "en": "Appeal"}},
    "people": [{"id": "li", "name": "李明"}],
    "procedure": {"decisions": [{"person": "li", "delivered_on": "2024-06-03"}]},
}


def test_changing_the_length_of_the_art_19_period_in_its_article_file_changes_the_due_date(
    policy_copy,
):
    before = answer_case(load_policy(policy_copy), APPEAL_CASE, as_of="2024-06-04").to_dict()
    edit(policy_copy, "articles/art_19.yaml", "    days: 30\n", "    days: 20\n")
    after = answer_case(load_policy(policy_copy), APPEAL_CASE, as_of="2024-06-04").to_dict()
    assert [t["due"] for t in before["time_limits"]] == ["2024-07-03"]
    assert [t["due"] for t in after["time_limits"]] == ["2024-06-24"]


def test_an_open_points_wording_and_citation_come_from_the_article_file(policy_copy):
    edit(
        policy_copy,
        "articles/art_19.yaml",
        "申诉受理机关须人工确认。",
        "申诉受理机关须由法制股确认。",
    )
    data = answer_case(load_policy(policy_copy), APPEAL_CASE, as_of="2024-06-04").to_dict()
    texts = [p["zh"] for p in data["open_points"] if p["cites"] == ["art_19__para_1"]]
    assert texts == [
        "第十九条所称“监察部门”已不存在（现为监察委员会），申诉受理机关须由法制股确认。"
    ]


def test_a_value_label_changed_in_the_vocabulary_shows_in_the_answer_text(policy_copy):
    edit(
        policy_copy,
        "vocabulary.yaml",
        'expired: {zh: "期限届满未申诉", en: "expired without an appeal"}',
        'expired: {zh: "逾期未申诉", en: "past its time limit"}',
    )
    late = {**APPEAL_CASE}
    answer = answer_case(load_policy(policy_copy), late, as_of="2024-09-01")
    assert "past its time limit" in answer.render("en")
    assert "逾期未申诉" in answer.render("zh")


def test_an_open_point_that_uses_an_argument_it_does_not_bind_fails_validation(policy_copy, capsys):
    edit(policy_copy, "articles/art_12.yaml", "其责任人须人工认定。", "其责任人{P}须人工认定。")
    assert main(["validate", str(policy_copy)]) == 1
    err = capsys.readouterr().err
    assert "art_12.yaml" in err
    assert "open point inaction uses P, which it does not bind" in err


def test_a_period_reading_a_parameter_option_that_does_not_exist_fails_validation(
    policy_copy, capsys
):
    edit(
        policy_copy,
        "articles/art_15.yaml",
        "values: {soft_target: true}",
        "values: {soft_targett: true}",
    )
    assert main(["validate", str(policy_copy)]) == 1
    err = capsys.readouterr().err
    assert "'soft_targett' is not an option of art15_investigation_limit_nature" in err


def test_one_value_with_two_names_in_the_vocabulary_fails_validation(policy_copy, capsys):
    edit(
        policy_copy,
        "vocabulary.yaml",
        'close_friendship: {zh: "密切的私人友谊", en: "close friendship"}',
        'close_friendship: {zh: "密切的私人友谊", en: "close friendship"}\n'
        '      spouse: {zh: "配偶二", en: "spouse 2"}',
    )
    assert main(["validate", str(policy_copy)]) == 1
    assert "spouse is named differently in relation" in capsys.readouterr().err


def _enums(schema, path=()):
    if isinstance(schema, dict):
        if "enum" in schema:
            yield path, schema["enum"]
        for key, value in schema.items():
            yield from _enums(value, (*path, key))
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from _enums(value, (*path, i))


# A point's ``finding`` (alleged or confirmed) chooses the predicate a fact is stated with
# (point_alleged, point_confirmed) and is never a value an answer shows.
NOT_A_VALUE = {"finding"}


def test_every_value_a_case_may_give_has_a_label_in_both_languages():
    labels = load_policy().labels
    schema = json.loads((ROOT / "schema" / "case.schema.json").read_text(encoding="utf-8"))
    missing = [
        f"{'/'.join(map(str, path))}: {value}"
        for path, values in _enums(schema)
        if not NOT_A_VALUE & set(map(str, path))
        for value in values
        if isinstance(value, str) and not ({"zh", "en"} <= set(labels.get(value) or {}))
    ]
    assert not missing, missing
