"""Legal officers' sign-offs, through the command line on a temporary copy of the policy.

One scenario, run once for the module (every step loads the policy, so steps are shared): a reviewer
signs Arts. 11 and 12 with an SSH key made for the test, ``review verify`` accepts them; a rule of
Art. 11 changes, and ``review status``, ``validate`` and ``verify`` say Art. 11 is stale and that its
rules changed; the change is recorded and Art. 11 signed again, and ``verify`` accepts it; then a
tampered signature, a tampered record and an unknown signer each fail ``verify``. A second set-up,
a git repository made for the test, shows ``review diff`` since the reviewed revision.

Needs OpenSSH's ssh-keygen (.ci/install-openssh-client, run by ``make test``). Without it the signing
tests are skipped, except in CI, where they fail.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from html import unescape
from pathlib import Path

import markdown
import pytest
import yaml
from paths import FIXTURES_DIR
from paths import POLICY_DIR as DEFAULT_POLICY_DIR

from engine.cli.app import main
from engine.policy.load import load_policy
from engine.policy.review_fingerprint import review_fingerprint
from engine.policy.versions import fingerprint_of_dir
from engine.review.article_diff import render_review_header
from engine.review.records import replace_review
from engine.review.render import render_text
from engine.review.status import review_statuses
from generators.docs.review import review_progress_markdown, review_section_lines

A11 = "articles/art_11.yaml"
A12 = "articles/art_12.yaml"
A13 = "articles/art_13.yaml"
RULE_BEFORE = (
    "named(A, R, art_11__point_3) :- fault(A), role(A, R, reviewer), changed_opinion(A, R, H), "
    "specific_staff(A, H), opinion_correct(A, H)."
)
RULE_AFTER = RULE_BEFORE[:-1] + ", culpability(A, R, intent)."


def run(*argv: str) -> tuple[int, str, str]:
    """``accountability ARGV…`` in process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def need_ssh_keygen() -> None:
    if shutil.which("ssh-keygen") is None:
        if os.environ.get("CI"):
            pytest.fail("ssh-keygen must be installed in CI (.ci/install-openssh-client)")
        pytest.skip("ssh-keygen is not installed (run .ci/install-openssh-client as root)")


def keygen(path: Path, comment: str) -> str:
    """A new passphrase-less ed25519 key at ``path``; its public key as ``TYPE BASE64``."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return " ".join(path.with_suffix(".pub").read_text().split()[:2])


def change_rule(root: Path) -> None:
    path = root / A11
    text = path.read_text(encoding="utf-8")
    assert RULE_BEFORE in text
    path.write_text(text.replace(RULE_BEFORE, RULE_AFTER), encoding="utf-8")


def reword_anomaly_question(root: Path) -> None:
    path = root / A13
    text = path.read_text(encoding="utf-8")
    assert "Which body is the report made to?" in text
    path.write_text(text.replace("Which body is the report made to?", "To whom?"), "utf-8")


def record_change(root: Path) -> None:
    """Bump the encoding version with a changelog entry carrying the new fingerprint."""
    fingerprint = fingerprint_of_dir(root)
    path = root / "instrument.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    encoding = data["encoding"]
    major, minor, _ = map(int, encoding["version"].split("."))
    encoding["version"] = f"{major}.{minor + 1}.0"
    encoding["changelog"].append(
        {
            "version": encoding["version"],
            "date": "2031-06-01",
            "eids": ["art_11__point_3"],
            "summary": {"zh": "测试用改动", "en": "a change made by the test"},
            "reason": {"zh": "测试", "en": "test"},
            "fingerprint": fingerprint,
        }
    )
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )


def review_of(root: Path, rel: str) -> dict:
    return yaml.safe_load((root / rel).read_text(encoding="utf-8"))["review"]


# --- the scenario ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> dict:
    need_ssh_keygen()
    base = tmp_path_factory.mktemp("review")
    root = base / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, root)
    policy = ["--policy", str(root)]
    zhang = keygen(base / "zhang", "张三")
    keygen(base / "stranger", "stranger")
    with (root / "allowed_signers").open("a", encoding="utf-8") as handle:
        handle.write(f"张三 {zhang}\n")
    steps: dict = {"root": root}
    steps["sign"] = run("review", "sign", "art_11", "12", "--reviewer", "张三",
                        "--key", str(base / "zhang"), *policy)  # fmt: skip
    steps["signed_review"] = review_of(root, A11)
    steps["verify"] = run("review", "verify", "--format", "json", *policy)

    change_rule(root)
    reword_anomaly_question(root)  # of Art. 13, a draft
    steps["status_stale"] = run("review", "status", "art_11", "art_12", "13", *policy)
    steps["validate_stale"] = run("validate", str(root))
    steps["refresh"] = run("review", "refresh", *policy)
    steps["refreshed_art13"] = review_of(root, A13)
    steps["verify_stale"] = run("review", "verify", "--format", "json", *policy)
    stale_policy = load_policy(root)
    statuses = review_statuses(stale_policy)
    steps["site_section"] = "\n".join(
        review_section_lines(statuses[10], stale_policy.review_fingerprints["art_11"])
    )
    steps["site_progress"] = review_progress_markdown(
        statuses, "index.md", lambda eid: f"articles/{eid}.md"
    )

    record_change(root)
    steps["resign"] = run("review", "sign", "art_11", "--reviewer", "张三",
                          "--key", str(base / "zhang"), *policy)  # fmt: skip
    steps["resigned_review"] = review_of(root, A11)
    steps["verify_again"] = run("review", "verify", *policy)

    # tampering: a character of Art. 11's signature, and the date in Art. 12's record
    pristine = {rel: (root / rel).read_text(encoding="utf-8") for rel in (A11, A12)}
    text = pristine[A11]
    at = text.index("-----BEGIN SSH SIGNATURE-----") + 200
    flipped = "A" if text[at] != "A" else "B"
    (root / A11).write_text(text[:at] + flipped + text[at + 1 :], encoding="utf-8")
    date = review_of(root, A12)["date"]
    (root / A12).write_text(
        pristine[A12].replace(f'date: "{date}"', 'date: "2020-01-01"'), encoding="utf-8"
    )
    steps["verify_tampered"] = run("review", "verify", "--format", "json", *policy)
    for rel, original in pristine.items():
        (root / rel).write_text(original, encoding="utf-8")

    steps["sign_stranger"] = run("review", "sign", "art_11", "--reviewer", "张三",
                                 "--key", str(base / "stranger"), *policy)  # fmt: skip
    steps["verify_stranger"] = run("review", "verify", *policy)

    before = (root / A11).read_text(encoding="utf-8")
    (root / A11).write_text(
        before.replace(RULE_AFTER, RULE_AFTER.replace("fault(A)", "mistake(A)")), encoding="utf-8"
    )
    steps["sign_invalid"] = run("review", "sign", "art_11", "--reviewer", "张三", *policy)
    steps["after_invalid"] = (root / A11).read_text(encoding="utf-8")
    return steps


def test_a_reviewer_signs_articles_with_an_ssh_key_and_verify_accepts_the_signatures(scenario):
    code, out, err = scenario["sign"]
    assert code == 0, err
    assert "✓ art_11" in out and "✓ art_12" in out and "signed" in out
    review = scenario["signed_review"]
    assert review["status"] == "reviewed" and review["reviewer"] == "张三"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["date"])
    assert "revision" not in review  # the temporary copy is not in a git checkout
    assert review["signature"].startswith("-----BEGIN SSH SIGNATURE-----")
    assert set(review["fingerprint"]["parts"]) >= {"text", "rules", "parameters", "examples"}
    code, out, err = scenario["verify"]
    report = json.loads(out)
    assert code == 0, err
    assert report["ok"] is True
    assert [(c["eid"], c["problems"]) for c in report["checked"]] == [
        ("art_11", []),
        ("art_12", []),
    ]


def test_after_a_rule_changes_status_says_the_article_is_stale_and_that_its_rules_changed(
    scenario,
):
    code, out, err = scenario["status_stale"]
    assert code == 0, err
    [art11] = [line for line in out.splitlines() if line.startswith("art_11 ")]
    assert "stale" in art11 and "张三" in art11 and "规则 rules" in art11
    assert "text" not in art11  # only the rules changed
    [art12] = [line for line in out.splitlines() if line.startswith("art_12 ")]
    assert "已复核 reviewed" in art12 and "changed" not in art12
    assert "stale 1 (art_11)" in out


def test_after_a_rule_changes_validate_fails_naming_the_stale_article_and_what_changed(scenario):
    code, out, err = scenario["validate_stale"]
    assert code == 1
    assert re.search(
        r"articles/art_11\.yaml:\d+:\d+: \$\.review\.fingerprint\.sha256: art_11 changed since "
        r"its review by 张三 on \d{4}-\d{2}-\d{2}: rules \(规则\); expected a new sign-off",
        err,
    )
    assert "art_12 changed" not in err


def test_a_draft_article_changed_since_its_record_is_a_warning_and_refresh_brings_it_up_to_date(
    scenario,
):
    _, out, _ = scenario["status_stale"]
    [art13] = [line for line in out.splitlines() if line.startswith("art_13 ")]
    assert "draft" in art13 and "record out of date 记录未更新: 起草异常 anomalies" in art13
    _, out, err = scenario["validate_stale"]
    assert re.search(
        r"articles/art_13\.yaml:\d+:\d+: \$\.review\.fingerprint\.sha256: art_13 changed since "
        r"its draft review record: anomalies \(起草异常\); expected .*review refresh art_13.* "
        r"\[warning\]",
        out,
    )
    code, out, err = scenario["refresh"]
    assert code == 0, err
    assert "✓ art_13: 草稿记录已更新" in out
    assert "reviewed, left alone (sign again instead): art_11, art_12" in out
    assert "✓ art_11" not in out  # a reviewed record is never refreshed
    refreshed = scenario["refreshed_art13"]
    assert refreshed["status"] == "draft" and refreshed["reviewer"] is None


def test_a_signature_over_a_fingerprint_the_article_no_longer_has_fails_verify(scenario):
    code, out, _ = scenario["verify_stale"]
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    problems = {c["eid"]: c["problems"] for c in report["checked"]}
    assert problems["art_12"] == []
    assert problems["art_11"] == [
        "fingerprint mismatch: the article changed since it was signed (rules)"
    ]


def test_a_stale_article_page_says_what_changed_and_the_home_page_lists_it(scenario):
    section = scenario["site_section"]
    assert "复核已失效 · The review is stale" in section
    assert "规则 rules" in section and "张三" in section
    assert "`accountability review diff art_11`" in section
    progress = scenario["site_progress"]
    assert "**1 of 19** articles reviewed (1 signed)" in progress  # art_12; art_11 is stale
    assert "1 stale" in progress and "(articles/art_11.md#review)" in progress


def test_signing_again_after_the_change_is_recorded_makes_verify_pass_again(scenario):
    code, out, err = scenario["resign"]
    assert code == 0, err
    before, after = scenario["signed_review"], scenario["resigned_review"]
    assert after["fingerprint"]["parts"]["rules"] != before["fingerprint"]["parts"]["rules"]
    assert after["fingerprint"]["parts"]["text"] == before["fingerprint"]["parts"]["text"]
    assert after["signature"] != before["signature"]
    code, out, err = scenario["verify_again"]
    assert code == 0, err
    assert "✓ art_11: 签名有效 / good signature by 张三" in out
    assert "every signature holds (2)" in out


def test_a_tampered_signature_or_a_tampered_record_fails_verify(scenario):
    code, out, _ = scenario["verify_tampered"]
    assert code == 1
    problems = {c["eid"]: c["problems"] for c in json.loads(out)["checked"]}
    assert len(problems["art_11"]) == 1 and problems["art_11"][0].startswith("bad signature")
    assert len(problems["art_12"]) == 1 and problems["art_12"][0].startswith("bad signature")


def test_a_signature_by_a_key_not_in_allowed_signers_fails_verify(scenario):
    code, out, err = scenario["sign_stranger"]
    assert code == 0, err
    assert "`review verify` 将失败 / will fail: unknown key SHA256:" in out
    code, out, err = scenario["verify_stranger"]
    assert code == 1
    assert re.search(
        r"✗ art_11 \(张三\): unknown key SHA256:\S+: not listed in allowed_signers", err
    )
    assert "✓ art_12" in out


def test_an_article_whose_validation_fails_is_not_signed(scenario):
    code, out, err = scenario["sign_invalid"]
    assert code == 1 and out == ""
    assert "mistake" in err and "no article is signed: validation fails" in err
    assert "✗ 未签署 / nothing signed" in err
    assert RULE_AFTER.replace("fault(A)", "mistake(A)") in scenario["after_invalid"]
    assert 'reviewer: "张三"' in scenario["after_invalid"]  # the record was left as it was


# --- without the scenario ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--reviewer=-oProxyCommand=x"],
        ["--reviewer", "张三", "--key=-oProxyCommand=x"],
        ["--reviewer", "Zhang San", "--key", "key"],  # a principal is one word
    ],
)
def test_option_looking_or_unusable_names_are_refused_before_anything_runs(argv, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(DEFAULT_POLICY_DIR, root)
    before = (root / A11).read_bytes()
    code, out, err = run("review", "sign", "art_11", *argv, "--policy", str(root))
    assert code == 1 and "nothing signed" in err
    assert "--reviewer" in err or "--key" in err
    assert (root / A11).read_bytes() == before


def test_the_checklist_lists_each_element_rule_parameter_anomaly_and_worked_example():
    code, out, err = run("review", "checklist", "art_11")
    assert code == 0, err
    article = yaml.safe_load((DEFAULT_POLICY_DIR / A11).read_text(encoding="utf-8"))
    assert out.startswith("# 复核清单 · Review checklist: 第十一条 责任划分")
    for element in article["elements"]:
        assert f"(`{element['eid']}`)" in out and element["text"]["zh"] in out
    for rule in article["rules"]:
        assert f"Rule `{rule['id']}`: {rule['reads']['zh']}" in out
    assert "### `art11_handler_term`" in out and "- 默认 Default: `handler`" in out
    for anomaly in article["anomalies"]:
        assert anomaly["question"]["zh"] in out
    for example in article["examples"]:
        assert f"### `{example['id']}`" in out
    # people by name, values by their labels: 王建国 is responsible in the Art. 11(3) example
    assert "person 王建国, degree 行政过错责任人" in out
    assert out.count("- [ ] ") > len(article["rules"])


def html_text(html: str) -> str:
    """The text a browser shows of a snippet of HTML (tags dropped, entities read)."""
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def test_a_reviewer_name_written_into_an_article_file_shows_as_text_in_the_markdown_checklist(
    tmp_path,
):
    root = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, root)
    name = "<img src=x onerror=alert(1)> [see](javascript:alert(1)) **王五**"
    text = (root / A11).read_text(encoding="utf-8")
    edited = text.replace(
        "  status: draft\n  reviewer: null\n  date: null\n",
        f"  status: reviewed\n  reviewer: '{name}'\n  date: \"2031-01-02\"\n",
    )
    assert edited != text
    (root / A11).write_text(edited, encoding="utf-8")
    code, out, err = run("review", "checklist", "art_11", "--policy", str(root))
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("- 复核状态 Review:"))
    html = markdown.markdown(line)  # as a page that renders the pasted checklist shows it
    assert "<img" not in html and "<a " not in html and "<strong>" not in html, html
    assert html_text(html).endswith(f"reviewed — {name}, 2031-01-02"), html


def test_rewriting_a_review_record_changes_no_other_line_of_the_article_file():
    text = (DEFAULT_POLICY_DIR / A11).read_text(encoding="utf-8")
    article = yaml.safe_load(text)
    parameters = yaml.safe_load((DEFAULT_POLICY_DIR / "parameters.yaml").read_text("utf-8"))
    review = {
        "status": "reviewed",
        "reviewer": '王五 "法制股"',
        "date": "2031-01-02",
        "revision": "0" * 40,
        "text_sha256": article["review"]["text_sha256"],
        "fingerprint": review_fingerprint(article, parameters["parameters"]),
        "signature": None,
    }
    new = replace_review(text, review, A11)
    old_lines, new_lines = text.splitlines(), new.splitlines()
    cut = old_lines.index("review:")
    assert new_lines[: cut - 1] == old_lines[: cut - 1]  # everything up to the record's comment
    data = yaml.safe_load(new)
    assert data["review"] == {k: v for k, v in review.items() if v is not None}
    assert {k: v for k, v in data.items() if k != "review"} == {
        k: v for k, v in article.items() if k != "review"
    }
    assert replace_review(new, review, A11) == new  # idempotent


def test_the_fingerprint_changes_with_a_note_a_parameter_question_or_an_example_but_not_rule_order():
    article = yaml.safe_load((DEFAULT_POLICY_DIR / A11).read_text(encoding="utf-8"))
    parameters = yaml.safe_load((DEFAULT_POLICY_DIR / "parameters.yaml").read_text("utf-8"))
    params = parameters["parameters"]
    base = review_fingerprint(article, params)

    def changed(article_edit=None, parameter_edit=None) -> list[str]:
        a, p = json.loads(json.dumps(article)), json.loads(json.dumps(params))
        if article_edit:
            article_edit(a)
        if parameter_edit:
            parameter_edit(p)
        now = review_fingerprint(a, p)
        return [k for k in now["parts"] if now["parts"][k] != base["parts"][k]]

    assert changed(lambda a: a["rules"][0]["note"].update(en="another note")) == ["rules"]
    assert changed(lambda a: a["rules"].reverse()) == []
    assert changed(lambda a: a["examples"][0]["expect"].clear()) == ["examples"]
    assert changed(lambda a: a["anomalies"].pop()) == ["anomalies"]
    term = next(i for i, p in enumerate(params) if p["id"] == "art11_handler_term")
    assert changed(parameter_edit=lambda p: p[term]["question"].update(zh="？")) == ["parameters"]
    other = next(i for i, p in enumerate(params) if p["id"] == "art16_party_meaning")
    assert changed(parameter_edit=lambda p: p[other]["question"].update(zh="？")) == []


# --- review diff, in a git repository made for the test ----------------------------------------


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(cwd), "-c", "user.name=test", "-c", "user.email=test@example.invalid",
         *args],
        capture_output=True, check=True, text=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> dict:
    """A repository with the policy and Art. 11(3)'s fixtures; Art. 11 signed at the first commit,
    then a rule of it changed and the change recorded, not committed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("repo") / "checkout"
    policy = root / "policy" / DEFAULT_POLICY_DIR.name
    shutil.copytree(DEFAULT_POLICY_DIR, policy)
    fixtures = root / "tests" / "fixtures" / "art_11"
    fixtures.mkdir(parents=True)
    for path in sorted((FIXTURES_DIR / "art_11").glob("art11_p3_reviewer_overturned*.yaml")):
        shutil.copy(path, fixtures)
    git(root.parent, "init", "-q", str(root))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the policy")
    first = git(root, "rev-parse", "HEAD").strip()
    out: dict = {"root": root, "first": first}
    out["sign"] = run("review", "sign", "art_11", "--reviewer", "张三", "--policy", str(policy))
    git(root, "commit", "-qam", "art_11 reviewed")
    change_rule(policy)
    record_change(policy)
    out["sign_uncommitted"] = run(
        "review", "sign", "art_11", "--reviewer", "张三", "--policy", str(policy)
    )
    out["diff"] = run("review", "diff", "11", "--format", "json", "--policy", str(policy))
    return out


def test_a_sign_off_in_a_git_checkout_records_the_commit_it_reviewed(repo):
    code, out, err = repo["sign"]
    assert code == 0, err
    assert f"revision {repo['first'][:10]}" in out


def test_an_article_that_differs_from_the_last_commit_is_not_signed(repo):
    code, _, err = repo["sign_uncommitted"]
    assert code == 1
    assert "art_11 as it stands is not what the last commit" in err and ": rules;" in err
    assert "commit the encoding first" in err


def test_review_diff_shows_the_rule_change_and_the_outcomes_it_moves_since_the_reviewed_revision(
    repo,
):
    code, out, err = repo["diff"]
    assert code == 0, err
    report = json.loads(out)
    assert report["old"]["commit"] == repo["first"]
    assert report["review"]["since"] == repo["first"]
    assert report["review"]["changed_parts"] == ["rules"]
    [article] = report["articles"]
    assert article["eid"] == "art_11"
    assert [r["id"] for r in article["rules"]] == ["art11_p3_reviewer_overturned"]
    assert report["vocabulary"] == [] and report["front_matter"] == []
    # the cases about Art. 11 only: its fixtures in the checkout and its worked examples
    article = yaml.safe_load((DEFAULT_POLICY_DIR / A11).read_text(encoding="utf-8"))
    fixtures = list((repo["root"] / "tests" / "fixtures" / "art_11").glob("*.yaml"))
    assert report["outcomes"]["cases_run"] == len(fixtures) + len(article["examples"])
    moved = {c["key"] for c in report["outcomes"]["changes"]}
    assert "policy example art11-p3-reviewer-overturned" in moved
    assert any(key.startswith("tests/fixtures/art_11/") for key in moved)
    text = render_review_header(report, "en") + render_text(report, "en")
    assert text.startswith("Changes since the review: art_11")
    assert "changed parts: rules" in text
    assert "rule art11_p3_reviewer_overturned — changed (datalog)" in text
    assert "+ " + RULE_AFTER in text
