"""Bad inputs to ``accountability review``, through the command line on a temporary copy of the policy.

Each is refused with a located problem (file, where, what was found, what was expected) and exit 1,
before anything is written: never a traceback, an internal error or a hang. A key file that is not
a key (too large, a folder, a FIFO) is refused before ssh-keygen runs, an ssh-keygen that does not
finish is stopped, a ``--repo`` that does not hold the policy folder is named with it, and a
reviewer's name must be a name: bounded, on one line, without control or formatting characters.

None of these needs OpenSSH: ssh-keygen is replaced by a script that records that it ran.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import yaml
from paths import POLICY_DIR as DEFAULT_POLICY_DIR
from test_review_workflow import A11, run

from engine.policy.load import load_policy
from engine.review import signing
from engine.review.status import review_statuses
from generators.docs.review import review_section_lines


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes: what "nothing was written" is checked against."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def refused(argv: list[str], root: Path, banner: str) -> str:
    """Run a command that must be refused; its stderr, after checking exit 1, nothing on stdout,
    the closing ``banner``, no internal error, and that no file of the policy changed."""
    before = files_of(root)
    code, out, err = run(*argv)
    assert code == 1, err
    assert out == ""
    assert banner in err
    assert "internal error" not in err and "Traceback" not in err
    assert files_of(root) == before
    return err


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    root = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, root)
    return root


@pytest.fixture
def fake_ssh_keygen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ssh-keygen replaced by a script that leaves a mark and fails; the mark's path."""
    mark = tmp_path / "ssh-keygen-ran"
    script = tmp_path / "fake-ssh-keygen"
    script.write_text(f"#!/bin/sh\ntouch '{mark}'\nexit 1\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(signing, "SSH_KEYGEN", str(script))
    return mark


def sign_with_key(key: Path, root: Path) -> str:
    argv = ["review", "sign", "art_11", "--reviewer", "张三", "--key", str(key)]
    return refused([*argv, "--policy", str(root)], root, "✗ 未签署 / nothing signed")


# --- review sign --key ---------------------------------------------------------------------------


def test_a_key_file_larger_than_any_ssh_key_is_refused_before_ssh_keygen_runs(
    policy, fake_ssh_keygen, tmp_path
):
    key = tmp_path / "huge-key"
    with key.open("wb") as handle:  # sparse: one byte over the bound, nothing written but the end
        handle.truncate(signing.MAX_KEY_BYTES + 1)
    err = sign_with_key(key, policy)
    assert f"{key}: --key: the file holds {signing.MAX_KEY_BYTES + 1} bytes" in err
    assert "more than any SSH private key" in err
    assert f"expected an SSH private key file (a few kB; at most {signing.MAX_KEY_BYTES}" in err
    assert not fake_ssh_keygen.exists()


def test_a_key_file_at_the_size_bound_is_handed_to_ssh_keygen(policy, fake_ssh_keygen, tmp_path):
    key = tmp_path / "key"
    with key.open("wb") as handle:
        handle.truncate(signing.MAX_KEY_BYTES)
    err = sign_with_key(key, policy)
    assert f"{key}: --key: ssh-keygen could not sign" in err
    assert fake_ssh_keygen.exists()


def test_a_folder_given_as_the_key_file_is_refused_as_not_a_regular_file(
    policy, fake_ssh_keygen, tmp_path
):
    key = tmp_path / "keys"
    key.mkdir()
    err = sign_with_key(key, policy)
    assert f"{key}: --key: not a regular file but a folder; expected an SSH private key file" in err
    assert not fake_ssh_keygen.exists()


@pytest.mark.timeout(30)  # opening the FIFO would block for ever: fail instead of hanging
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_given_as_the_key_file_is_refused_without_being_opened(
    policy, fake_ssh_keygen, tmp_path
):
    key = tmp_path / "key-fifo"
    os.mkfifo(key)
    err = sign_with_key(key, policy)
    assert f"{key}: --key: not a regular file but a named pipe" in err
    assert not fake_ssh_keygen.exists()


def test_a_missing_key_file_is_refused_naming_it(policy, fake_ssh_keygen, tmp_path):
    key = tmp_path / "no-such-key"
    err = sign_with_key(key, policy)
    assert f"{key}: --key: no such key file; expected an SSH private key file" in err
    assert not fake_ssh_keygen.exists()


@pytest.mark.timeout(60)
def test_an_ssh_keygen_that_does_not_finish_in_time_is_stopped_and_nothing_is_signed(
    policy, tmp_path, monkeypatch
):
    script = tmp_path / "slow-ssh-keygen"
    script.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(signing, "SSH_KEYGEN", str(script))
    monkeypatch.setattr(signing, "SSH_KEYGEN_SECONDS", 0.5)
    key = tmp_path / "key"
    key.write_text("not really a key\n", encoding="utf-8")
    started = time.monotonic()
    err = sign_with_key(key, policy)
    assert time.monotonic() - started < 20
    assert f"{key}: ssh-keygen -Y sign: ssh-keygen did not finish within 0.5 s" in err
    assert "was stopped" in err


# --- review diff --repo --------------------------------------------------------------------------


@pytest.mark.parametrize("since", [["--since", "HEAD"], []], ids=["since HEAD", "recorded"])
@pytest.mark.parametrize("where", ["elsewhere", "policy/articles"])
def test_review_diff_with_a_repo_that_does_not_hold_the_policy_folder_is_refused_naming_both(
    policy, tmp_path, since, where
):
    repo = tmp_path / where
    repo.mkdir(exist_ok=True)
    argv = ["review", "diff", "11", *since, "--repo", str(repo), "--policy", str(policy)]
    err = refused(argv, policy, "✗ 无法比较 / cannot diff")
    assert (
        f"{repo}: --repo: the repository does not hold the policy folder {policy}; "
        "expected a git repository with the policy folder inside it"
    ) in err


# --- review sign --reviewer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, found",
    [
        ("张" * (signing.MAX_REVIEWER_CHARS + 1), "the name is 201 characters long"),
        ("x" * 100_000, "the name is 100000 characters long"),
        ("张三\n法制股", "holds U+000A, a control character"),
        ("张三\r", "holds U+000D, a control character"),
        ("张\x1b[31m三", "holds U+001B, a control character"),
        ("张\x85三", "holds U+0085, a control character"),
        ("张\u202e三", "holds U+202E, an invisible formatting character"),
        ("张\u200b三", "holds U+200B, an invisible formatting character"),
        ("张\u2028三", "holds U+2028, a line separator"),
        ("张\u2029三", "holds U+2029, a paragraph separator"),
    ],
    ids=["201 chars", "100000 chars", "LF", "CR", "ESC", "NEL", "RLO", "ZWSP", "LS", "PS"],
)
def test_a_reviewer_name_too_long_or_holding_a_control_or_line_break_is_refused(
    policy, name, found
):
    argv = ["review", "sign", "art_11", "--reviewer", name, "--policy", str(policy)]
    err = refused(argv, policy, "✗ 未签署 / nothing signed")
    assert "<command line>: --reviewer: " in err and found in err
    assert len(err) < 2000  # the name is quoted in part, never in full
    assert "\x1b" not in err and "\u202e" not in err


@pytest.mark.parametrize(
    "name", ["   ", "\u3000", " 张三", "\t"], ids=["spaces", "ideographic", "leading", "tab"]
)
def test_a_reviewer_name_of_only_whitespace_or_with_spaces_around_it_is_refused(policy, name):
    argv = ["review", "sign", "art_11", "--reviewer", name, "--policy", str(policy)]
    err = refused(argv, policy, "✗ 未签署 / nothing signed")
    assert "--reviewer" in err


def test_an_empty_reviewer_name_is_refused(policy):
    before = files_of(policy)
    code, out, err = run("review", "sign", "art_11", "--reviewer", "", "--policy", str(policy))
    assert code != 0 and out == ""
    assert "--reviewer" in err and "internal error" not in err
    assert files_of(policy) == before


def test_a_reviewer_name_at_the_bound_with_html_is_recorded_and_escaped_on_the_site(policy):
    html = "<b>王五</b> & "
    name = html + "五" * (signing.MAX_REVIEWER_CHARS - len(html))
    assert len(name) == signing.MAX_REVIEWER_CHARS
    code, out, err = run("review", "sign", "art_11", "--reviewer", name, "--policy", str(policy))
    assert code == 0, err
    record = yaml.safe_load((policy / A11).read_text(encoding="utf-8"))["review"]
    assert record["reviewer"] == name
    loaded = load_policy(policy)
    [status] = [s for s in review_statuses(loaded) if s.eid == "art_11"]
    section = "\n".join(review_section_lines(status, loaded.review_fingerprints["art_11"]))
    assert "&lt;b&gt;王五&lt;/b&gt; &amp; 五" in section
    assert "<b>" not in section
