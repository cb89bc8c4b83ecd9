"""Hostile input never costs data, hangs or shows a traceback: every input of the corpus
(tests/hostile_inputs.py) is refused with its located problem, within a time limit, writing nothing.

The corpus runs in-process through ``engine.cli.app.main`` with captured output (a subprocess per
input would cost more than the whole corpus); a few tests at the end run the real command in a
subprocess, where only a real signal can reach it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from command_runs import run
from hostile_inputs import BASE_CASE, Hostile, corpus
from paths import POLICY_DIR, ROOT

import engine.policy.load
from engine.datalog.errors import EvaluationError, EvaluationTimeout
from engine.files.output import folder_lock
from engine.policy.load import load_policy

CORPUS = corpus()
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|internal error")
# what must never reach a terminal from the input: C0/C1 controls (but newline and tab), bidi overrides
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_ERROR_OUTPUT = 20_000  # characters: problems quote excerpts, never whole inputs
SKIPPED_IN_REPO = {
    ".git",
    ".venv",
    "site",
    "build",
    "__pycache__",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    "artifacts",
}


@cache
def _default_policy():
    return load_policy()


@pytest.fixture(autouse=True)
def in_the_project_with_the_policy_read_once(monkeypatch):
    """Commands follow the checkout they run in; reading the default policy once keeps the corpus
    fast (a policy folder given on the command line is still read every time)."""
    monkeypatch.chdir(ROOT)

    def cached(path=None):
        if path is None or Path(path).resolve() == POLICY_DIR.resolve():
            return _default_policy()
        return load_policy(path)

    monkeypatch.setattr(engine.policy.load, "load_policy", cached)


def _tree(root: Path, skip: set[str] = frozenset()) -> dict[str, tuple]:
    """Every entry under ``root`` with its kind, size, modification time and link target, read
    without following links or opening anything (a FIFO must not block the snapshot)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip)
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else None
            found[path.relative_to(root).as_posix()] = (
                stat.S_IFMT(info.st_mode),
                info.st_size if stat.S_ISREG(info.st_mode) else 0,
                info.st_mtime_ns if stat.S_ISREG(info.st_mode) else 0,
                target,
            )
    return found


@pytest.fixture(scope="module", autouse=True)
def the_checkout_is_never_written():
    before = _tree(ROOT, SKIPPED_IN_REPO)
    yield
    after = _tree(ROOT, SKIPPED_IN_REPO)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"the corpus wrote into the checkout: {changed[:10]}"


@pytest.mark.timeout(30)
@pytest.mark.parametrize("entry", CORPUS, ids=[f"{e.kind}: {e.id}" for e in CORPUS])
def test_a_hostile_input_gets_its_located_problem_and_writes_nothing(entry: Hostile, tmp_path):
    argv = entry.make(tmp_path)
    before = _tree(tmp_path)
    code, out, err = run(argv)
    assert not TRACEBACK.search(out + err), err[-3000:]
    assert code == entry.code, f"exit {code}, expected {entry.code}:\n{err[-3000:]}"
    shown = out if entry.code == 0 else err
    assert re.search(entry.expect, shown), f"expected /{entry.expect}/ in:\n{shown[-3000:]}"
    assert not RAW_CONTROL.search(out + err), "a control character reached the output"
    assert len(err) < MAX_ERROR_OUTPUT, f"{len(err)} characters of problems"
    assert _tree(tmp_path) == before, "the command changed the folder of its inputs"


def test_the_corpus_holds_at_least_120_inputs_in_every_class():
    kinds = Counter(e.kind for e in CORPUS)
    assert len(CORPUS) >= 120, len(CORPUS)
    assert set(kinds) == {"yaml", "file", "calendar", "argument", "case", "policy", "diff", "write"}
    assert len({e.id for e in CORPUS}) == len(CORPUS), "corpus ids must be unique"


# --- writing: the output folder, its lock, interruption, leftovers --------------------------------


def test_docs_build_on_a_non_empty_unrelated_folder_exits_1_and_leaves_it_untouched(tmp_path):
    folder = tmp_path / "mine"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    (folder / "sub" / "data.bin").write_bytes(b"\x00\x01")
    before = _tree(tmp_path)
    code, _, err = run(["docs", "build", "--out", str(folder)])
    assert code == 1
    assert "was not written by this command" in err
    assert _tree(tmp_path) == before


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path):
    staging = tmp_path / "staging"
    with folder_lock(staging, "test"):
        code, _, err = run(["docs", "generate", "--staging", str(staging)])
    assert code == 1
    assert re.search(r"staging: accountability docs generate: another command is writing", err)
    assert not staging.exists(), "the refused command created the folder"


def test_ctrl_c_in_any_command_prints_one_line_and_exits_130(monkeypatch, tmp_path):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine.policy.load, "load_policy", interrupted)
    case = tmp_path / "case.yaml"
    case.write_text(BASE_CASE, encoding="utf-8")
    for argv in (
        ["query", str(case)],
        ["parameters"],
        ["docs", "build", "--out", str(tmp_path / "s")],
    ):
        code, out, err = run(argv)
        assert code == 130, argv
        assert err.strip().splitlines() == ["✗ 已中断 / interrupted"], err
        assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "failure, expected",
    [
        (
            EvaluationTimeout("policy", 10.0, "case"),
            r"<command>: time limit: evaluation of program",
        ),
        (EvaluationError("policy", "r1", "bad value"), r"<command>: rule r1: bad value"),
        (RecursionError("maximum recursion depth exceeded"), r"nested too deeply to process"),
        (MemoryError(), r"ran out of memory: the input is too large"),
        (OSError(28, "No space left on device", "/x/y"), r"/x/y: file system error: No space left"),
        (ZeroDivisionError("\x1b[2Jdivision by zero"), r"internal error: ZeroDivisionError: \\x1b"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else "",
)
def test_a_failure_inside_a_command_is_one_located_problem_and_exit_1(
    monkeypatch, tmp_path, failure, expected
):
    import engine.answer

    def failing(*args, **kwargs):
        raise failure

    monkeypatch.setattr(engine.answer, "answer_case", failing)
    case = tmp_path / "case.yaml"
    case.write_text(BASE_CASE, encoding="utf-8")
    code, out, err = run(["query", str(case)])
    assert code == 1
    assert re.search(expected, err), err
    assert "Traceback" not in out + err
    assert not RAW_CONTROL.search(err)


def test_an_interrupted_site_build_keeps_the_old_site_and_leaves_no_temporary(
    monkeypatch, tmp_path
):
    import generators.docs.site as site

    monkeypatch.setattr(site, "generate_pages", lambda *a, **k: {"zz-only-page.md": "# 页\n"})
    old = tmp_path / "site"
    old.mkdir()
    (old / ".accountability-output").write_text('{"kind": "site"}\n', encoding="utf-8")
    (old / "index.html").write_text("old site\n", encoding="utf-8")

    def half_a_build(config, **kwargs):
        Path(config.site_dir, "index.html").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(site, "build", half_a_build)
    code, _, err = run(["docs", "build", "--out", str(old), "--staging", str(tmp_path / "st")])
    assert code == 130, err
    assert (old / "index.html").read_text(encoding="utf-8") == "old site\n"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == [], leftovers


def test_a_temporary_file_a_killed_run_left_is_neither_read_nor_kept(tmp_path):
    """SIGKILL leaves a temporary file behind (nothing can remove it): readers must pass it by
    and the next run must remove it."""
    from generators.fixtures.build import fixtures_output, load_fixture_files, write_files

    fixtures = tmp_path / "fixtures"
    shutil.copytree(ROOT / "tests" / "fixtures" / "art_9", fixtures / "art_9")
    leftover = fixtures / "art_9" / ".tmp-k1ll3d.part"
    leftover.write_bytes(b"")
    assert len(load_fixture_files(fixtures)) == len(list((fixtures / "art_9").glob("*.yaml")))
    files = {
        f"art_9/{p.name}": p.read_text(encoding="utf-8")
        for p in (fixtures / "art_9").glob("*.yaml")
    }
    with fixtures_output(fixtures, reserved=True) as folder:
        write_files(files, folder)
    assert not leftover.exists()


def test_coverage_reports_an_unreadable_fixture_as_a_located_problem(monkeypatch, tmp_path):
    from engine.files.project import Project

    project = tmp_path / "checkout"
    for part in ("policy", "schema"):
        shutil.copytree(ROOT / part, project / part)
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    (project / "tests" / "fixtures" / "art_9").mkdir(parents=True)
    (project / "tests" / "fixtures" / "art_9" / "broken.yaml").write_bytes(b"id: x\x00\n")
    monkeypatch.chdir(project)
    assert Project(project).fixtures_dir.is_dir()
    code, _, err = run(["coverage"])
    assert code == 1
    assert re.search(r"broken\.yaml:1:6: character U\+0000 is not allowed", err), err
    assert not TRACEBACK.search(err)


# --- real processes: signals and a blocking FIFO ---------------------------------------------------


def _command(*argv: str, cwd: Path = ROOT) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "engine.cli", *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.timeout(60)
def test_a_fifo_given_as_the_case_is_refused_by_the_real_command_at_once(tmp_path):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    process = _command("query", str(fifo))
    _, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "not a regular file (a named pipe)" in err


@pytest.mark.timeout(120)
def test_sigint_during_fixtures_exits_130_with_one_line_and_no_partial_file(tmp_path):
    project = tmp_path / "checkout"
    for part in ("policy", "schema", "examples"):
        shutil.copytree(ROOT / part, project / part)
    shutil.copytree(ROOT / "tests" / "fixtures", project / "tests" / "fixtures")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    before = {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in (project / "tests" / "fixtures").rglob("*")
        if p.is_file()
    }
    process = _command("fixtures", cwd=project)
    lock = project / "tests" / ".fixtures.lock"
    deadline = time.monotonic() + 60
    while not lock.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the lock appears when the work begins: the folder is claimed
    assert lock.exists(), "the command never took the lock of its folder"
    time.sleep(0.5)  # and well into generating fixtures
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == "✗ 已中断 / interrupted"
    assert "Traceback" not in err
    after = {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in (project / "tests" / "fixtures").rglob("*")
        if p.is_file()
    }
    assert not [rel for rel in after if Path(rel).name.startswith(".tmp-")]
    assert {rel: data for rel, data in after.items() if rel in before} == before
    assert not list(project.glob("tests/.fixtures*.lock")), "the lock outlived the command"
