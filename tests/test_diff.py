"""`accountability diff`: text (word level), rule, parameter and outcome changes, in three formats.

Two set-ups. A copy of the real policy with one rule, one parameter and one sentence changed (run on
examples/01 only, to stay fast) shows the outcome impact on real law. The FICTITIOUS test instrument
(tests/instruments, 虚构，仅供测试) is used for the git revisions, in a repository made for the
test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from paths import POLICY_DIR as DEFAULT_POLICY_DIR
from paths import ROOT as REPO_ROOT

from engine.cli.app import main
from engine.policy.source_text import load_policy_texts, rebuild_received, sha256_hex
from engine.policy.versions import fingerprint_of_dir
from engine.problems import ProblemsError
from engine.review.diff import diff
from engine.review.render import render_markdown, render_text

FICTITIOUS = Path(__file__).parent / "instruments" / "fictitious-two-editions"
EXAMPLE = REPO_ROOT / "examples" / "01-reviewer-overturned-correct-opinion.yaml"
RULE = "art11_p3_reviewer_overturned"


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )


def receive_text_again(root: Path) -> None:
    """A text amendment comes with a new received text: rebuilt from the encoded text and log."""
    received = rebuild_received(*load_policy_texts(root))
    norm = yaml.safe_load((root / "normalisation.yaml").read_text(encoding="utf-8"))
    (root / norm["received_file"]).write_text(received, encoding="utf-8")
    edit_yaml(root / "normalisation.yaml", lambda d: d.update(received_sha256=sha256_hex(received)))


def bump(root: Path, eids: list[str]) -> str:
    """Record the change: next minor version, a changelog entry, the new fingerprint."""
    fingerprint = fingerprint_of_dir(root)

    def change(data):
        encoding = data["encoding"]
        major, minor, _ = map(int, encoding["version"].split("."))
        encoding["version"] = f"{major}.{minor + 1}.0"
        encoding["changelog"].append(
            {
                "version": encoding["version"],
                "date": "2031-06-01",
                "eids": eids,
                "summary": {"zh": "测试用改动", "en": "a change made by the test"},
                "reason": {"zh": "测试", "en": "test"},
                "fingerprint": fingerprint,
            }
        )

    edit_yaml(root / "instrument.yaml", change)
    return fingerprint


def element(article: dict, eid: str) -> dict:
    return next(e for e in article["elements"] if e["eid"] == eid)


def rule(article: dict, rule_id: str) -> dict:
    return next(r for r in article["rules"] if r["id"] == rule_id)


# --- a copy of the real policy with one rule, one parameter and one sentence changed -------------


@pytest.fixture(scope="module")
def real_change(changed_policy) -> dict:
    old, new = changed_policy
    return diff(str(old), str(new), cases=[EXAMPLE], as_of="2024-12-01")


@pytest.fixture(scope="module")
def changed_policy(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("real")
    old, new = base / "old", base / "new"
    shutil.copytree(DEFAULT_POLICY_DIR, old)
    shutil.copytree(old, new)

    def stricter_reviewer_rule(article):
        r = rule(article, RULE)
        r["datalog"] = r["datalog"].rstrip().rstrip(".") + ", culpability(A, R, intent).\n"

    def reword(article):
        text = element(article, "art_19__para_1")["text"]
        assert "接到处理决定" in text["zh"] and "after receiving" in text["en"]
        text["zh"] = text["zh"].replace("接到处理决定", "收到处理决定")
        text["en"] = text["en"].replace("after receiving", "after receipt of")

    def working_days(data):
        next(p for p in data["parameters"] if p["id"] == "art19_appeal_day_unit")["default"] = (
            "working_days"
        )

    edit_yaml(new / "articles/art_11.yaml", stricter_reviewer_rule)
    edit_yaml(new / "articles/art_19.yaml", reword)
    edit_yaml(new / "parameters.yaml", working_days)
    receive_text_again(new)
    bump(new, ["art_11__point_3", "art_19__para_1"])
    return old, new


def test_a_date_on_which_no_case_can_be_answered_on_either_side_fails_the_diff(
    changed_policy, capsys
):
    old, new = changed_policy
    argv = ["diff", str(old), str(new), "--cases", str(EXAMPLE), "--as-of", "1900-01-01"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "none of the 1 case(s) could be answered on either side" in captured.err
    assert captured.out  # the report still lists why each case was refused


def test_the_diff_shows_a_chinese_text_change_word_by_word(real_change):
    [article] = [a for a in real_change["articles"] if a["eid"] == "art_19"]
    [change] = article["elements"]
    assert change["eid"] == "art_19__para_1"
    zh = change["text"]["zh"]["ops"]
    assert {"op": "delete", "text": "接到"} in zh and {"op": "insert", "text": "收到"} in zh
    assert "".join(o["text"] for o in zh if o["op"] != "insert") == change["text"]["zh"]["old"]
    assert "".join(o["text"] for o in zh if o["op"] != "delete") == change["text"]["zh"]["new"]
    en = change["text"]["en"]["ops"]
    assert {"op": "delete", "text": "receiving"} in en and {
        "op": "insert",
        "text": "receipt of",
    } in en


def test_the_diff_shows_the_changed_rule_as_datalog(real_change):
    [article] = [a for a in real_change["articles"] if a["eid"] == "art_11"]
    [change] = article["rules"]
    assert (change["id"], change["change"], change["changed_fields"]) == (
        RULE,
        "changed",
        ["datalog"],
    )
    assert "culpability(A, R, intent)" not in change["old"]["datalog"]
    assert change["new"]["datalog"].endswith("culpability(A, R, intent).")


def test_the_diff_shows_the_changed_parameter(real_change):
    [change] = real_change["parameters"]
    assert change["id"] == "art19_appeal_day_unit"
    assert (change["old"]["default"], change["new"]["default"]) == ("calendar_days", "working_days")


def test_the_diff_lists_who_stops_or_becomes_responsible_with_both_explanations(real_change):
    [case] = real_change["outcomes"]["changes"]
    assert case["key"].endswith("01-reviewer-overturned-correct-opinion.yaml")
    verdicts = [c for c in case["changes"] if c["section"] == "verdicts"]
    shifted = [c for c in verdicts if c["old"]["verdict"] != c["new"]["verdict"]]
    assert shifted, "someone should become or stop being responsible"
    for change in verdicts:
        old_rules = {s.get("rule") for s in change["explanation"]["old"]}
        new_rules = {s.get("rule") for s in change["explanation"]["new"]}
        assert RULE in old_rules  # the old answer rested on the rule that changed
        assert RULE not in new_rules
        assert change["headline"]["zh"] and change["headline"]["en"]


def test_the_diff_reports_the_deadline_that_moves(real_change):
    [case] = real_change["outcomes"]["changes"]
    [appeal] = [c for c in case["changes"] if c["section"] == "time_limits"]
    assert appeal["key"]["period"] == "appeal"
    assert (
        appeal["old"]["due"] < appeal["new"]["due"]
    )  # 30 working days end later than 30 calendar days
    assert (
        appeal["old"]["due"] in appeal["headline"]["en"]
        and appeal["new"]["due"] in appeal["headline"]["en"]
    )


def test_the_diff_records_the_version_bump_and_its_changelog_entry(real_change):
    v = real_change["versioning"]
    assert v["rules_or_parameters_changed"] and v["version_bumped"]
    assert v["unnamed_eids"] == []
    assert [c["entry"]["version"] for c in v["changelog_changes"]] == [v["new_version"]]


def test_the_text_report_shows_words_rules_parameters_and_outcomes(real_change):
    text = render_text(real_change, "en")
    assert "[-接到-]{+收到+}" in text
    assert "[-receiving-]{+receipt of+}" in text
    assert "- named(A, R, art_11__point_3)" in text and "+ named(A, R, art_11__point_3)" in text
    assert "default: calendar_days → working_days" in text
    [case] = real_change["outcomes"]["changes"]
    for change in case["changes"]:
        assert change["headline"]["en"] in text
    assert "OLD:" in text and "NEW:" in text


def test_the_markdown_report_is_ready_for_a_review_comment(real_change):
    md = render_markdown(real_change, "zh")
    assert "<del>接到</del><ins>收到</ins>" in md
    assert "```diff\n- named(" in md
    assert "`art19_appeal_day_unit`" in md and "`calendar_days` → `working_days`" in md
    [case] = real_change["outcomes"]["changes"]
    assert all(c["headline"]["zh"] in md for c in case["changes"])
    assert md.count("<details>") == md.count("</details>") == len(case["changes"])


def test_the_json_report_is_plain_json(real_change):
    assert json.loads(json.dumps(real_change, ensure_ascii=False)) == real_change
    assert real_change["summary"]["rule_changes"] == 1
    assert real_change["summary"]["parameter_changes"] == 1
    assert real_change["summary"]["cases_run"] == 1


# --- the fictitious instrument: folders and git revisions ----------------------------------------


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def amend_fictitious(root: Path, record: bool = True) -> None:
    """Reword Art. 2(2), make Art. 2's fault rule require a member of staff; record it if asked."""

    def reword(article):
        text = element(article, "art_2__point_2")["text"]
        text["zh"] = "（二）检查时未出示执法证件的。"
        text["en"] = "(2) they inspect without showing their enforcement certificate."
        r = rule(article, "fx_fault")
        r["datalog"] = "fault(A) :- act(A), point_alleged(A, _), role(A, P, handler), staff(P).\n"

    edit_yaml(root / "articles/art_02.yaml", reword)
    receive_text_again(root)
    if record:
        bump(root, ["art_2__intro", "art_2__point_2"])


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.invalid",
            *args,
        ],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """A new git repository with the fictitious instrument at policy/fx, two commits."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    shutil.copytree(FICTITIOUS, root / "policy" / "fx")
    git(root.parent, "init", "-q", str(root))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fictitious instrument")
    amend_fictitious(root / "policy" / "fx")
    git(root, "commit", "-qam", "amend Art. 2")
    return root


def test_a_diff_between_two_git_revisions_reports_text_and_rule_changes(repo, capsys):
    head = git(repo, "rev-parse", "HEAD")
    code, out, err = run_cli(
        [
            "diff",
            "HEAD~1",
            "HEAD",
            "--repo",
            str(repo),
            "--policy-path",
            "policy/fx",
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["old"]["commit"] == git(repo, "rev-parse", "HEAD~1").strip()
    assert report["new"]["commit"] == head.strip()
    [article] = report["articles"]
    [text] = article["elements"]
    assert text["eid"] == "art_2__point_2"
    assert text["text"]["zh"]["ops"] == [
        {"op": "equal", "text": "（二）检查时"},
        {"op": "delete", "text": "不"},
        {"op": "insert", "text": "未"},
        {"op": "equal", "text": "出示"},
        {"op": "insert", "text": "执法"},  # a word inserted inside the compound 出示证件
        {"op": "equal", "text": "证件的。"},
    ]
    [changed_rule] = article["rules"]
    assert changed_rule["id"] == "fx_fault" and "staff(P)" in changed_rule["new"]["datalog"]
    assert report["versioning"]["version_bumped"] is True
    assert git(repo, "status", "--porcelain") == ""  # read-only: the work tree is untouched
    assert git(repo, "rev-parse", "HEAD") == head


def test_a_diff_between_git_revisions_renders_as_text_and_markdown(repo, capsys):
    base = ["diff", "HEAD~1", "HEAD", "--repo", str(repo), "--policy-path", "policy/fx"]
    code, text, _ = run_cli(base + ["--format", "text", "--lang", "en"], capsys)
    assert code == 0
    assert "检查时[-不-]{+未+}出示{+执法+}证件的。" in text
    assert "rule fx_fault — changed (datalog)" in text
    code, md, _ = run_cli(base + ["--format", "markdown"], capsys)
    assert code == 0
    assert "<ins>执法</ins>" in md and "Rule `fx_fault`" in md


def test_a_rule_change_without_a_version_bump_is_flagged_in_the_diff(tmp_path):
    new = tmp_path / "new"
    shutil.copytree(FICTITIOUS, new)
    amend_fictitious(new, record=False)
    report = diff(str(FICTITIOUS), str(new), cases=[])
    v = report["versioning"]
    assert v["rules_or_parameters_changed"] and not v["version_bumped"]
    errors = [n["en"] for n in v["notes"] if n["severity"] == "error"]
    assert any("encoding version was not bumped (1.2.0 → 1.2.0)" in e for e in errors)
    assert any("changed since v1.2.0 was recorded" in e for e in errors)


def test_a_changelog_entry_that_misses_a_touched_eid_is_flagged(tmp_path):
    new = tmp_path / "new"
    shutil.copytree(FICTITIOUS, new)
    amend_fictitious(new, record=False)
    bump(new, ["art_2__intro"])  # forgets art_2__point_2, whose text changed
    report = diff(str(FICTITIOUS), str(new), cases=[])
    assert report["versioning"]["unnamed_eids"] == ["art_2__point_2"]


def test_identical_sides_report_no_change_and_run_no_case(capsys):
    report = diff(str(FICTITIOUS), str(FICTITIOUS))
    assert report["summary"]["text_changes"] == report["summary"]["rule_changes"] == 0
    assert report["outcomes"]["skipped"] is not None
    assert report["outcomes"]["cases_run"] == 0


def test_a_side_that_is_neither_a_folder_nor_a_revision_is_refused(repo):
    with pytest.raises(ProblemsError) as refused:
        diff("no-such-revision", "HEAD", repo=repo, policy_path="policy/fx")
    assert "neither an existing folder nor a revision" in refused.value.problems[0].message


def test_a_bare_folder_of_another_instrument_is_not_run_on_this_repositorys_examples(tmp_path):
    new = tmp_path / "new"
    shutil.copytree(FICTITIOUS, new)
    amend_fictitious(new)
    report = diff(str(FICTITIOUS), str(new))
    assert report["summary"]["rule_changes"] == 1
    assert report["outcomes"]["cases_found"] == 0
