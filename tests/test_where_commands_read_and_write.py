"""Commands follow the project they are run in, not the place the engine is installed.

The engine is built as a wheel lays it out (``setup.py build_py``: the packages plus the policy and
schemas bundled inside ``engine/bundled``) and run from that copy, without the editable install of
this checkout (``python -S``, the checkout's site-packages on the path): from a folder that is no
project it answers with the bundled policy; from another checkout it answers, validates and writes
with that checkout's files, and says which policy it used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from paths import EXAMPLES_DIR, ROOT

from engine.cli.app import main

EXAMPLE = EXAMPLES_DIR / "01-reviewer-overturned-correct-opinion.yaml"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The engine as a wheel installs it, in a folder of its own."""
    target = tmp_path_factory.mktemp("installed")
    subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(target)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    assert (target / "engine" / "bundled" / "schema" / "case.schema.json").is_file()
    return target


def run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """``accountability ARGS`` from the installed copy only (no site: the editable install of this
    checkout is not seen), with the third-party packages of this environment."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(installed), sysconfig.get_paths()["purelib"]]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        [sys.executable, "-S", "-m", "engine.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def other_checkout(tmp_path_factory) -> Path:
    """A second checkout of the project whose policy differs: Art. 19's period is 20 days there."""
    root = tmp_path_factory.mktemp("other") / "checkout"
    root.mkdir()
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy2(ROOT / name, root / name)
    for name in ("policy", "schema", "examples", "docs"):
        shutil.copytree(ROOT / name, root / name)
    art19 = root / "policy" / "wenshui-mca-2023-25" / "articles" / "art_19.yaml"
    text = art19.read_text(encoding="utf-8")
    assert text.count("    days: 30\n") == 1
    art19.write_text(text.replace("    days: 30\n", "    days: 20\n"), encoding="utf-8")
    return root


def test_the_installed_engine_answers_from_a_folder_that_is_no_project_with_its_bundled_policy(
    installed, tmp_path
):
    done = run(installed, tmp_path, "query", str(EXAMPLE), "--format", "json")
    assert done.returncode == 0, done.stderr
    policy = json.loads(done.stdout)["policy"]
    bundled = installed / "engine" / "bundled" / "policy" / "wenshui-mca-2023-25"
    assert Path(policy["path"]) == bundled
    assert len(policy["fingerprint"]) == 64


def test_the_installed_engine_validates_its_bundled_policy_from_anywhere(installed, tmp_path):
    done = run(installed, tmp_path, "validate")
    assert done.returncode == 0, done.stderr
    assert "engine/bundled/policy/wenshui-mca-2023-25" in done.stdout


def test_from_another_checkout_the_answer_uses_that_checkouts_policy_and_says_so(
    installed, other_checkout, tmp_path
):
    here = run(installed, tmp_path, "query", str(EXAMPLE), "--format", "json")
    there = run(installed, other_checkout, "query", str(EXAMPLE), "--format", "json")
    assert there.returncode == 0, there.stderr
    mine, theirs = json.loads(here.stdout), json.loads(there.stdout)
    assert theirs["policy"]["path"] == "policy/wenshui-mca-2023-25"
    assert theirs["policy"]["fingerprint"] != mine["policy"]["fingerprint"]


def test_validate_in_another_checkout_reports_that_checkouts_policy_folder(
    installed, other_checkout
):
    done = run(installed, other_checkout, "validate", "--format", "json")
    report = json.loads(done.stdout)
    assert report["policy_dir"] == "policy/wenshui-mca-2023-25"
    # the changed period is an unrecorded change of that checkout's encoding, not of this one
    assert any(p["code"] == "encoding-unrecorded" for p in report["problems"])


def test_docs_generate_in_another_checkout_writes_into_that_checkout_only(
    installed, other_checkout
):
    before = sorted(p for p in (ROOT / "build").rglob("*")) if (ROOT / "build").exists() else []
    done = run(installed, other_checkout, "docs", "generate")
    assert done.returncode == 0, done.stderr
    assert (other_checkout / "build" / "docs" / "articles" / "art_19.md").is_file()
    after = sorted(p for p in (ROOT / "build").rglob("*")) if (ROOT / "build").exists() else []
    assert [p for p in after if p not in before] == []


def test_commands_that_write_refuse_to_run_outside_a_project_checkout(installed, tmp_path):
    done = run(installed, tmp_path, "fixtures", "--check")
    assert done.returncode == 1
    assert "not inside a checkout" in done.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "argv",
    [["docs", "build", "--out"], ["docs", "generate", "--staging"], ["validate"]],
    ids=["docs build", "docs generate", "validate"],
)
def test_a_path_that_runs_into_a_loop_of_links_is_named_not_an_internal_error(
    argv, tmp_path, capsys
):
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    assert main([*argv, str(tmp_path / "loop1")]) != 0
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert "loop1" in err
