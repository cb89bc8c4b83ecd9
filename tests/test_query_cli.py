"""The `accountability query` command, driven through engine.cli.app.main as a user would drive it."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from paths import POLICY_DIR as DEFAULT_POLICY_DIR

import engine.policy.load
from engine.cli.app import main
from engine.policy.load import load_policy

EXAMPLE = str(
    Path(__file__).resolve().parent.parent
    / "examples"
    / "01-reviewer-overturned-correct-opinion.yaml"
)
AS_OF = ["--as-of", "2024-12-01"]


@cache
def _default_policy():
    return load_policy()


@pytest.fixture(autouse=True)
def load_the_policy_once(monkeypatch):
    """The CLI reads the policy on every call; reading it once keeps these tests fast."""

    def cached(path=None):
        if path is None or Path(path).resolve() == Path(DEFAULT_POLICY_DIR).resolve():
            return _default_policy()
        return load_policy(path)

    monkeypatch.setattr(engine.policy.load, "load_policy", cached)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- answers ------------------------------------------------------------------------------------


def test_a_query_exits_zero_and_prints_a_readable_chinese_answer(capsys):
    code, out, err = run(capsys, EXAMPLE, *AS_OF)
    assert code == 0 and err == ""
    assert out.startswith("倒查结论：养老机构检查处罚案")
    assert "二、责任认定" in out
    lines = out.splitlines()
    wang = next(line for line in lines if line.startswith("  王建国就"))
    assert "（审核人）：行政过错责任人 —— 第十一条第（三）项" in wang
    zhang = next(line for line in lines if line.startswith("  张丽就"))
    assert "（承办人）：不承担责任 —— 第十一条第（三）项" in zhang
    assert "初步审查（第十五条，5日）：起算 2024-09-27；届满 2024-10-10" in out
    assert "决定结论的解释" in out


def test_explain_adds_the_reasons_for_each_finding(capsys):
    _, plain, _ = run(capsys, EXAMPLE, *AS_OF)
    code, explained, _ = run(capsys, EXAMPLE, *AS_OF, "--explain")
    assert code == 0
    assert len(explained.splitlines()) > len(plain.splitlines())
    assert (
        "依第十一条第（三）项，王建国是行为“对某养老机构作出罚款五万元的行政处罚”的行政过错责任人"
        in explained
    )
    assert "2024-09-29（星期日，国庆节调休上班日）" in explained
    assert "所依据的其他解释：" in explained and "所依据的其他解释" not in plain


def test_lang_en_gives_the_answer_in_english(capsys):
    code, out, _ = run(capsys, EXAMPLE, *AS_OF, "--lang", "en", "--explain")
    assert code == 0
    assert out.startswith("Findings: Care-home inspection penalty")
    assert "2. Responsibility" in out and "(reviewer): the person responsible — Art. 11(3)" in out
    assert "Under Art. 11(3), 王建国 is the person responsible" in out
    assert "2024-09-29 (Sunday, National Day make-up working day)" in out
    assert "倒查结论" not in out


def test_format_json_is_parseable_and_carries_the_verdicts_with_citations(capsys):
    code, out, _ = run(capsys, EXAMPLE, *AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2024-12-01"
    assert data["case"]["id"] == "wsmz-2024-003"
    verdict = {(v["person"], v["verdict"]) for v in data["verdicts"]}
    assert verdict == {
        ("wang_jianguo", "responsible"),
        ("zhang_li", "not_responsible"),
        ("liu_zhiqiang", "not_responsible"),
    }
    responsible = next(v for v in data["verdicts"] if v["person"] == "wang_jianguo")
    assert "art_11__point_3" in responsible["degrees"][0]["cites"]
    assert all(p["default"] for p in data["parameters"])


def test_the_pydatalog_backend_gives_the_same_explained_answer_as_the_default(capsys):
    _, default, _ = run(capsys, EXAMPLE, *AS_OF, "--explain", "--format", "json")
    code, via_pydatalog, err = run(
        capsys, EXAMPLE, *AS_OF, "--explain", "--format", "json", "--backend", "pydatalog"
    )
    assert code == 0 and err == ""
    assert json.loads(via_pydatalog) == json.loads(default)


def test_an_unknown_backend_is_refused_with_the_choices(capsys):
    with pytest.raises(SystemExit):
        main(["query", EXAMPLE, "--backend", "souffle"])
    assert "native" in capsys.readouterr().err


def test_a_param_override_changes_the_answer_and_is_listed_as_not_the_default(capsys):
    code, out, _ = run(
        capsys,
        EXAMPLE,
        *AS_OF,
        "--lang",
        "en",
        "--param",
        "art11_exception_effect=principal_plus_lesser",
    )
    assert code == 0
    assert "The named person is principal, the others lesser (not the default)" in out
    assert "(handler): lesser responsibility (alternative reading) — Art. 11" in out
    code, out, _ = run(
        capsys,
        EXAMPLE,
        *AS_OF,
        "--format",
        "json",
        "--param",
        "art11_exception_effect=principal_plus_lesser",
    )
    listed = next(p for p in json.loads(out)["parameters"] if p["id"] == "art11_exception_effect")
    assert (listed["value"], listed["default"]) == ("principal_plus_lesser", False)
    code, out, _ = run(
        capsys, EXAMPLE, *AS_OF, "--param", "art11_exception_effect=principal_plus_lesser"
    )
    assert "指明者为主，其他人责任较轻（非默认）" in out


def test_boolean_integer_and_list_overrides_are_typed_from_the_command_line(capsys):
    code, out, _ = run(
        capsys,
        EXAMPLE,
        *AS_OF,
        "--format",
        "json",
        "--param",
        "art15_review_exclude_start_day=false",
        "--param",
        "art16_interest_checklist=same_handling_chain,former_spouse",
        "--param",
        "art7_point3_min_inspectors=3",
    )
    assert code == 0
    data = json.loads(out)
    review = next(t for t in data["time_limits"] if t["period"] == "initial_review")
    assert review["due"] == "2024-10-09"  # the start day 09-27 is counted as day 1
    listed = {p["id"]: p for p in data["parameters"]}
    assert listed["art15_review_exclude_start_day"]["value"] is False
    assert listed["art15_review_exclude_start_day"]["default"] is False
    # two inspectors are now too few
    assert "art_7__point_3" in data["faults"][0]["points"]


def test_an_override_the_case_does_not_reach_is_still_reported(capsys):
    code, out, _ = run(
        capsys, EXAMPLE, *AS_OF, "--lang", "en", "--param", "art11_point6_absent=secondary"
    )
    assert code == 0
    assert "Secondarily responsible (not the default, set by the query)" in out


# --- refusals -----------------------------------------------------------------------------------

WRONG_SHAPES = """\
case: {id: bad-shapes, title: "类型错误"}
people:
  - {id: zhang, name: "张", staff: "yes"}
acts:
  - id: a1
    description: "检查"
    handler: zhang
    points: [{point: art_7__point_18}]
    inspection: {inspectors: "two"}
"""

WRONG_FACTS = """\
case: {id: bad-facts, title: "事实错误"}
people:
  - {id: zhang, name: "张"}
  - {id: li, name: "李"}
acts:
  - id: a1
    description: "检查"
    handler: wang
    points: [{point: art_7__point_1}]
relations:
  parents:
    - {child: zhang, parent: li}
    - {child: li, parent: zhang}
procedure:
  discovered_on: "2024-10-10"
  initial_review_done_on: "2024-10-01"
"""


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith("✗")]


def test_wrong_types_and_an_unknown_eid_are_each_reported_with_their_json_path(capsys, tmp_path):
    path = write(tmp_path, "shapes.yaml", WRONG_SHAPES)
    code, out, err = run(capsys, path, *AS_OF)
    assert code == 1 and out == ""
    lines = problem_lines(err)
    assert len(lines) == 3, err
    expected = {
        "$.people[0].staff": "boolean",
        "$.acts[0].points[0].point": "art_7__point_18",
        "$.acts[0].inspection.inspectors": "integer",
    }
    for where, detail in expected.items():
        line = next((x for x in lines if f": {where}: " in x), None)
        assert line is not None, (where, err)
        assert detail in line
        assert re.match(re.escape(path) + r":\d+:\d+: ", line), line
    assert "3 problem(s)" in err


def test_an_unknown_person_an_ancestry_cycle_and_dates_out_of_order_are_each_reported(
    capsys, tmp_path
):
    path = write(tmp_path, "facts.yaml", WRONG_FACTS)
    code, out, err = run(capsys, path, *AS_OF)
    assert code == 1 and out == ""
    lines = problem_lines(err)
    assert len(lines) == 3, err
    handler = next(x for x in lines if ": $.acts[0].handler: " in x)
    assert "unknown person wang" in handler
    cycle = next(x for x in lines if ": $.relations.parents[" in x)
    assert "own ancestor" in cycle
    order = next(x for x in lines if ": $.procedure.initial_review_done_on: " in x)
    assert "2024-10-01" in order and "2024-10-10" in order
    for line in lines:
        assert re.match(re.escape(path) + r":\d+:\d+: \$\.", line), line


def test_a_json_case_file_is_checked_the_same_way(capsys, tmp_path):
    case = {
        "case": {"id": "j1", "title": "JSON"},
        "people": [{"id": "a", "name": "甲", "staff": 1}],
    }
    path = write(tmp_path, "case.json", json.dumps(case, ensure_ascii=False))
    code, _, err = run(capsys, path, *AS_OF)
    assert code == 1
    assert ": $.people[0].staff: " in err and "boolean" in err


def test_a_date_before_the_regulation_was_issued_is_refused_with_a_clear_message(capsys):
    code, out, err = run(capsys, EXAMPLE, "--as-of", "2022-06-01")
    assert code == 1 and out == ""
    assert "2022-06-01" in err
    assert "no edition" in err and "没有有效的版本" in err
    assert "2023" in err


def test_a_malformed_date_an_unknown_parameter_and_a_bad_value_are_refused(capsys):
    code, _, err = run(capsys, EXAMPLE, "--as-of", "2024-13-01")
    assert code == 1 and "'2024-13-01' is not a date" in err
    code, _, err = run(capsys, EXAMPLE, *AS_OF, "--param", "art11_nonsense=1")
    assert code == 1 and "unknown interpretation parameter art11_nonsense" in err
    code, _, err = run(capsys, EXAMPLE, *AS_OF, "--param", "art11_point6_absent=maybe")
    assert (
        code == 1 and "'maybe'" in err and "not_responsible_flagged" in err and "secondary" in err
    )
    code, _, err = run(capsys, EXAMPLE, *AS_OF, "--param", "art11_exception_effect")
    assert code == 1 and "NAME=VALUE" in err


def test_a_missing_case_file_is_refused(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "nowhere.yaml"), *AS_OF)
    assert code == 1 and out == ""
    assert "nowhere.yaml" in err and "cannot read" in err


# --- formats, refusals in JSON, help, near misses ---------------------------------------------


def test_a_refused_case_under_format_json_prints_its_located_problems_as_json(capsys, tmp_path):
    case = write(
        tmp_path,
        "typo.yaml",
        "case: {id: t, title: t}\npeople:\n  - {id: zhang_san, name: 张三}\nacts:\n"
        "  - {id: a1, description: x, handler: zhang_sun}\n",
    )
    code, out, err = run(capsys, case, "--format", "json")
    assert code == 1
    refused = json.loads(out)
    assert refused["answered"] is False
    [problem] = refused["problems"]
    assert (problem["line"], problem["where"]) == (5, "$.acts[0].handler")
    assert "did you mean zhang_san?" in problem["message"]
    assert "did you mean zhang_san?" in err  # and the same problem for a person on stderr


def test_near_misses_are_named_for_fields_persons_parameters_and_values(capsys, tmp_path):
    case = write(
        tmp_path,
        "near.yaml",
        "case: {id: t, title: t}\npeople:\n  - {id: zhang_san, name: 张三}\nacts:\n"
        "  - {id: a1, descripton: x, handler: zhang_san}\n",
    )
    code, _, err = run(capsys, case)
    assert code == 1 and "unknown property descripton (did you mean description?)" in err
    code, _, err = run(
        capsys, EXAMPLE, "--param", "art11_scop=all_faults", "--param", "fault_notion=single"
    )
    assert code == 1
    assert "art11_scop (did you mean art11_scope?)" in err
    assert "'single' is not an option of fault_notion" in err
    code, _, err = run(capsys, EXAMPLE, "--param", "fault_notion=single_notio")
    assert "(did you mean single_notion?)" in err
    code, _, err = run(capsys, EXAMPLE, "--param", "art7_art8_computed_items=art_7__point3")
    assert code == 1 and "(did you mean art_7__point_3?)" in err


def test_format_html_prints_one_self_contained_page(capsys):
    code, out, err = run(capsys, EXAMPLE, *AS_OF, "--format", "html")
    assert code == 0 and err == ""
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    # nothing loaded from the network (links to the site's article pages are only links)
    assert not re.search(r"""src=["']?(?:https?:)?//|<link[^>]+(?:https?:)?//|url\(|@import""", out)
    assert (
        'href="https://wenshui-accountability.readthedocs.io/articles/art_11/#art_11__point_4"'
        in out
    )


def test_a_usage_error_exits_2_and_the_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["query", EXAMPLE, "--format", "yaml"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "exit codes: 0 done" in text and "2 usage error" in text
    assert "default: the case's as_of, else today" in text


def test_every_subcommand_and_option_has_help_text():
    import argparse

    from engine.cli.app import build_parser

    missing = []

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        for action in parser._actions:  # noqa: SLF001 — argparse has no public walk
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                helps = {a.dest: a.help for a in action._choices_actions}  # noqa: SLF001
                for command, sub in action.choices.items():
                    if not helps.get(command):
                        missing.append(f"{name} {command}")
                    walk(sub, f"{name} {command}")
            elif not isinstance(action, argparse._HelpAction) and not action.help:  # noqa: SLF001
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")

    walk(build_parser(), "accountability")
    assert not missing


def test_parameters_are_listed_in_words_or_as_json_valid_against_their_schema(capsys):
    from engine.files.schemas import validator

    assert main(["parameters"]) == 0
    text = capsys.readouterr().out
    assert "fault_notion  执法过错、行政执法过错、行政过错是否同一概念" in text
    assert "    single_notion  同一概念，分四类（默认）" in text
    assert "    true  是（默认）" in text and "[" not in text and "'" not in text
    assert main(["parameters", "--lang", "en"]) == 0
    assert "    single_notion  One notion with four kinds (default)" in capsys.readouterr().out
    assert main(["parameters", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert not list(validator("parameters").iter_errors(data))
    assert data["parameters"][0]["id"] == "fault_notion"


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["query", ""], "CASE"),
        (["query", EXAMPLE, "--policy", ""], "--policy"),
        (["query", EXAMPLE, "--calendar", ""], "--calendar"),
        (["validate", ""], "POLICY_DIR"),
        (["batch", "", "--out", "answers.jsonl"], "INPUT"),
        (["batch", EXAMPLE, "--out", "answers.jsonl", "--summary", ""], "--summary"),
        (["batch", EXAMPLE, "--out", "answers.jsonl", "--cluster", ""], "--cluster"),
    ],
)
def test_an_empty_argument_is_refused_instead_of_read_as_the_current_folder_or_the_default(
    argv, named, capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert (
        f"argument {named}: an empty value; expected a non-empty value" in capsys.readouterr().err
    )
    assert list(tmp_path.iterdir()) == []  # nothing answered, nothing written


def test_a_parameter_given_twice_is_refused_rather_than_the_last_one_taken(capsys):
    argv = ["query", EXAMPLE, *AS_OF, "--param", "art9_point3_window_months=6"]
    assert main([*argv, "--param", "art9_point3_window_months=12"]) == 1
    assert "art9_point3_window_months is given more than once" in capsys.readouterr().err
