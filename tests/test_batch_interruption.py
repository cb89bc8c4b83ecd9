"""A batch with worker processes stopped half-way, as a person or the system stops it: Ctrl-C on
the command's process group, or a worker killed. Real processes, real signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from paths import EXAMPLES_DIR, ROOT
from processes import children

AS_OF = "2024-12-01"
CASES = 2000  # enough that the run is still answering when it is stopped
# the command with Ctrl-C at its default (a test runner may start its children ignoring it)
LAUNCH = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, '-m', 'engine.cli'] + sys.argv[1:])"
)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Path:
    examples = [
        json.loads(json.dumps(yaml.safe_load(p.read_text("utf-8")), default=str))
        for p in sorted(EXAMPLES_DIR.glob("*.yaml"))
    ]
    path = tmp_path_factory.mktemp("interrupted") / "cases.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(CASES):
            case = examples[i % len(examples)]
            case["case"]["id"] = f"case-{i:05d}"
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    return path


def _start(cases: Path, out: Path) -> subprocess.Popen:
    argv = ["batch", str(cases), "--out", str(out), "--workers", "2", "--as-of", AS_OF]
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCH, *argv, "--no-progress"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )


def _when_answering(process: subprocess.Popen, out: Path) -> None:
    """Wait until the run has written some answers (and is far from done)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and out.read_bytes().count(b"\n") > 40:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    pytest.fail("the batch wrote no answers within 60 s")


def _group_gone(pgid: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _complete_lines(out: Path) -> list[dict]:
    raw = out.read_bytes()
    assert raw.endswith(b"\n"), "the last line was left half written"
    return [json.loads(line) for line in raw.splitlines()]


def test_ctrl_c_stops_a_batch_with_workers_cleanly_and_resume_completes_it_identically(
    cases, tmp_path
):
    out = tmp_path / "cut.jsonl"
    process = _start(cases, out)
    _when_answering(process, out)
    os.killpg(process.pid, signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    assert _group_gone(process.pid), "a worker process outlived the interrupted batch"
    written = _complete_lines(out)
    assert 1 < len(written) < CASES + 1
    assert [r["case"] for r in written[1:]] == [
        f"{cases}:{n}" for n in range(1, len(written))
    ]  # a prefix of the input, in order

    whole = tmp_path / "whole.jsonl"
    argv = ["batch", str(cases), "--as-of", AS_OF, "--workers", "2", "--no-progress"]
    run = [sys.executable, "-m", "engine.cli", *argv]
    assert (
        subprocess.run([*run, "--out", str(whole)], cwd=ROOT, capture_output=True).returncode == 0
    )
    resumed = subprocess.run([*run, "--out", str(out), "--resume"], cwd=ROOT, capture_output=True)
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == whole.read_bytes()


def test_a_worker_killed_mid_batch_ends_the_run_with_a_problem_not_a_hang_or_a_traceback(
    cases, tmp_path
):
    out = tmp_path / "answers.jsonl"
    process = _start(cases, out)
    _when_answering(process, out)
    workers = children(process.pid)
    assert workers, "no worker process found"
    os.kill(workers[0], signal.SIGKILL)
    _stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr
    assert "a worker process ended before answering its cases" in stderr, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert _group_gone(process.pid), "a worker process outlived the failed batch"
    assert 1 < len(_complete_lines(out)) < CASES + 1
