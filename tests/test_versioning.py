"""Editions and the encoding's version, tested on the FICTITIOUS test-only instrument.

tests/instruments/fictitious-two-editions is invented (虚构，仅供测试): edition 2030 makes the
handler responsible; edition 2031 adds Art. 3 para. 2, under which a reviewer who overturned the
handler's correct opinion is responsible instead. Every test that changes it works on a copy.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from paths import POLICY_DIR as DEFAULT_POLICY_DIR

from engine.answer.query import run_query
from engine.cli.app import main
from engine.policy.load import load_policy, read_policy
from engine.policy.versions import fingerprint_of_dir
from engine.problems import ProblemsError

FICTITIOUS = Path(__file__).parent / "instruments" / "fictitious-two-editions"
CASE = FICTITIOUS / "cases" / "reviewer-overturned.yaml"


@pytest.fixture(scope="module")
def fictitious():
    return load_policy(FICTITIOUS)


@pytest.fixture
def copy(tmp_path) -> Path:
    root = tmp_path / "fictitious"
    shutil.copytree(FICTITIOUS, root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace ``old`` (which must occur once) in a file of the copy; return the line it was on."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"anchor {old!r} not unique in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def validate(root: Path, capsys) -> tuple[int, str]:
    code = main(["validate", str(root)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def responsible(policy, as_of: str) -> tuple[str, set]:
    ev = run_query(policy, CASE, as_of)
    return ev.edition["id"], set(ev.model.tuples("responsible"))


# --- as-of picks the edition, and its rules ------------------------------------------------------


def test_a_date_in_the_first_edition_is_answered_with_the_first_editions_rules(fictitious):
    assert responsible(fictitious, "2030-06-01") == ("2030", {("act_1", "handler_a")})


def test_a_date_in_the_amended_edition_is_answered_with_the_amended_rules(fictitious):
    assert responsible(fictitious, "2031-06-01") == ("2031", {("act_1", "reviewer_b")})


def test_the_editions_meet_at_midnight_between_their_last_and_first_days(fictitious):
    assert responsible(fictitious, "2030-12-31")[0] == "2030"
    assert responsible(fictitious, "2031-01-01")[0] == "2031"


def test_a_date_before_the_first_edition_is_refused_with_a_clear_message(fictitious):
    with pytest.raises(ProblemsError) as refused:
        run_query(fictitious, CASE, "2029-12-31")
    [problem] = refused.value.problems
    assert problem.code == "no-edition"
    assert "no edition of fictitious-two-editions is in force on 2029-12-31" in problem.message
    assert "2030-01-01" in problem.message  # says when the first edition starts


def test_the_query_command_refuses_a_date_before_the_first_edition(capsys):
    code = main(["query", str(CASE), "--policy", str(FICTITIOUS), "--as-of", "2029-06-30"])
    err = capsys.readouterr().err
    assert code == 1
    assert "no edition of fictitious-two-editions is in force on 2029-06-30" in err


def test_each_edition_is_compiled_once_with_only_its_own_rules(fictitious):
    old, new = fictitious.program_for("2030"), fictitious.program_for("2031")
    assert old is fictitious.program_for("2030") and new is not old
    assert {r["id"] for r in fictitious.rules_in("2030")} == {
        "fx_fault",
        "fx_handler_2030",
        "fx_repeat",
        "fx_appeal_late",
    }
    assert "fx_handler_2030" not in {r["id"] for r in fictitious.rules_in("2031")}
    assert fictitious.program is new  # the newest edition's program


def test_the_real_policy_with_one_edition_compiles_one_program():
    policy = load_policy(DEFAULT_POLICY_DIR)
    editions = [e["id"] for e in policy.instrument["editions"]]
    assert len({id(policy.program_for(e)) for e in editions}) == 1


# --- edition periods and memberships are checked -------------------------------------------------


def test_overlapping_editions_are_rejected_with_a_located_error(copy, capsys):
    edit(copy, "instrument.yaml", 'effective_to: "2030-12-31"', 'effective_to: "2031-03-31"')
    line = edit(
        copy, "instrument.yaml", 'effective_from: "2031-01-01"', 'effective_from: "2031-01-01"'
    )
    code, report = validate(copy, capsys)
    assert code == 1
    assert re.search(
        rf"instrument\.yaml:{line}:\d+: \$\.editions\[1\]\.effective_from: edition 2031 starts "
        r"2031-01-01 "
        r"but 2030 ends 2031-03-31: an overlap of 90 day\(s\); expected 2031-04-01 \(no gap, no "
        r"overlap\)",
        report,
    ), report


def test_a_gap_between_editions_is_rejected_with_a_located_error(copy, capsys):
    line = edit(
        copy, "instrument.yaml", 'effective_from: "2031-01-01"', 'effective_from: "2031-02-01"'
    )
    code, report = validate(copy, capsys)
    assert code == 1
    assert re.search(
        rf"instrument\.yaml:{line}:\d+: \$\.editions\[1\]\.effective_from: .*a gap of 31 day\(s\); "
        r"expected 2031-01-01",
        report,
    ), report


def test_an_open_ended_edition_followed_by_another_is_rejected(copy, capsys):
    line = edit(copy, "instrument.yaml", 'effective_to: "2030-12-31"', "effective_to: null")
    code, report = validate(copy, capsys)
    assert code == 1
    assert f"instrument.yaml:{line}:" in report
    assert "edition 2030 has no end but edition 2031 follows it" in report


def test_a_rule_citing_text_not_in_its_editions_is_rejected(copy, capsys):
    edit(
        copy,
        "articles/art_03.yaml",
        'editions: ["2030"]\n    cites: [art_3__para_1]',
        'editions: ["2030"]\n    cites: [art_3__para_2]',
    )
    code, report = validate(copy, capsys)
    assert code == 1
    assert re.search(
        r"art_03\.yaml:\d+:\d+: \$\.rules\[0\]\.cites\[0\]: rule fx_handler_2030 applies in "
        r"edition\(s\) 2030 "
        r"but cites art_3__para_2, which only edition\(s\) 2031 contain",
        report,
    ), report


def test_a_rule_naming_an_unknown_edition_is_rejected(copy, capsys):
    edit(
        copy,
        "articles/art_03.yaml",
        'id: fx_handler_2030\n    editions: ["2030"]',
        'id: fx_handler_2030\n    editions: ["2029"]',
    )
    code, report = validate(copy, capsys)
    assert code == 1
    assert re.search(
        r"\$\.rules\[0\]\.editions\[0\]: rule fx_handler_2030 names unknown edition 2029", report
    )


# --- the encoding version and changelog ----------------------------------------------------------


def test_the_fictitious_instrument_is_valid_and_marked_fictitious(capsys):
    code, report = validate(FICTITIOUS, capsys)
    assert code == 0, report
    assert "虚构，仅供测试" in report and "FICTITIOUS, TEST ONLY" in report


def test_the_real_policy_records_the_fingerprint_of_its_current_rules():
    """Fails when rules or parameters changed without a new version and changelog entry."""
    policy, problems = read_policy(DEFAULT_POLICY_DIR)
    unrecorded = [p.format() for p in problems if p.code.startswith("encoding-")]
    assert not unrecorded, "\n".join(unrecorded)


def test_a_rule_change_without_a_version_bump_fails_validate(copy, capsys):
    edit(
        copy,
        "articles/art_02.yaml",
        "fault(A) :- act(A), point_alleged(A, _).",
        "fault(A) :- act(A), point_alleged(A, _), staff(_).",
    )
    expected = fingerprint_of_dir(copy)
    code, report = validate(copy, capsys)
    assert code == 1
    assert re.search(
        r"instrument\.yaml:\d+:\d+: \$\.encoding\.changelog\[2\]\.fingerprint: rules, parameters, "
        r"vocabulary "
        r"or edition data changed since v1\.2\.0 was recorded",
        report,
    ), report
    assert f"fingerprint: {expected}" in report  # says what to record
    assert "bump encoding.version" in report


def test_an_unrecorded_change_still_loads_for_its_author_with_a_warning(copy):
    edit(
        copy,
        "articles/art_02.yaml",
        "fault(A) :- act(A), point_alleged(A, _).",
        "fault(A) :- act(A), point_alleged(A, _), staff(_).",
    )
    policy = load_policy(copy)
    assert [p.code for p in policy.warnings] == ["encoding-unrecorded"]


def test_a_parameter_default_change_without_a_version_bump_fails_validate(copy, capsys):
    edit(copy, "parameters.yaml", "default: relieved", "default: jointly")
    code, report = validate(copy, capsys)
    assert code == 1
    assert "changed since v1.2.0 was recorded" in report


def test_an_edition_date_change_without_a_version_bump_fails_validate(copy, capsys):
    edit(copy, "instrument.yaml", 'effective_to: "2030-12-31"', 'effective_to: "2031-01-31"')
    edit(copy, "instrument.yaml", 'effective_from: "2031-01-01"', 'effective_from: "2031-02-01"')
    code, report = validate(copy, capsys)
    assert code == 1
    assert "changed since v1.2.0 was recorded" in report


def test_a_change_recorded_with_a_new_version_and_its_fingerprint_passes(copy, capsys):
    edit(
        copy,
        "articles/art_02.yaml",
        "fault(A) :- act(A), point_alleged(A, _).",
        "fault(A) :- act(A), point_alleged(A, _), staff(_).",
    )
    record(copy, "1.3.0", fingerprint_of_dir(copy))
    code, report = validate(copy, capsys)
    assert code == 0, report


def test_a_new_version_without_the_new_fingerprint_still_fails(copy, capsys):
    edit(
        copy,
        "articles/art_02.yaml",
        "fault(A) :- act(A), point_alleged(A, _).",
        "fault(A) :- act(A), point_alleged(A, _), staff(_).",
    )
    record(copy, "1.3.0", "0" * 64)
    code, report = validate(copy, capsys)
    assert code == 1
    assert "changed since v1.3.0 was recorded" in report


def test_documentation_edits_need_no_new_version(copy, capsys):
    edit(
        copy,
        "parameters.yaml",
        "虚构的解释参数，仅供测试。",
        "虚构的解释参数，仅供测试（措辞修改）。",
    )
    edit(
        copy,
        "vocabulary.yaml",
        'description: {zh: "从重处理"',
        'description: {zh: "从重处理（说明）"',
    )
    code, report = validate(copy, capsys)
    assert code == 0, report


def test_the_newest_changelog_entry_must_be_the_encoding_version(copy, capsys):
    line = edit(
        copy, "instrument.yaml", 'version: "1.2.0"\n  changelog:', 'version: "1.3.0"\n  changelog:'
    )
    code, report = validate(copy, capsys)
    assert code == 1
    assert re.search(
        rf"instrument\.yaml:{line}:\d+: \$\.encoding\.version: encoding\.version is 1\.3\.0 but "
        r"the newest "
        r"\(last\) changelog entry is 1\.2\.0",
        report,
    ), report


def test_changelog_versions_must_increase(copy, capsys):
    edit(copy, "instrument.yaml", '- version: "1.0.0"', '- version: "1.10.0"')
    code, report = validate(copy, capsys)
    assert code == 1
    assert re.search(
        r"\$\.encoding\.changelog\[1\]\.version: changelog entry 1\.1\.0 follows 1\.10\.0", report
    )


def test_version_fingerprint_prints_the_value_validate_asks_for(copy, capsys):
    edit(copy, "parameters.yaml", "default: relieved", "default: jointly")
    _, report = validate(copy, capsys)
    asked = re.search(r"`fingerprint: ([0-9a-f]{64})`", report).group(1)
    assert main(["version", str(copy), "--fingerprint"]) == 0
    assert capsys.readouterr().out.strip() == asked


def record(root: Path, version: str, fingerprint: str) -> None:
    """Bump the encoding version and append a changelog entry, as an author would."""
    edit(
        root,
        "instrument.yaml",
        'version: "1.2.0"\n  changelog:',
        f'version: "{version}"\n  changelog:',
    )
    edit(
        root,
        "instrument.yaml",
        "articles: [art_1",
        f'    - version: "{version}"\n      date: "2031-02-01"\n      eids: [art_2__intro]\n'
        '      summary: {zh: "测试", en: "test"}\n'
        f'      fingerprint: "{fingerprint}"\narticles: [art_1',
    )
