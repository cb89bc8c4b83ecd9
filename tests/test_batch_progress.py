"""The batch command's progress bar, as a person at a terminal sees it: drawn on a terminal (one
that reports its size, and one that reports none), never into a file or a pipe."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios

import pytest
from paths import EXAMPLES_DIR, ROOT

AS_OF = "2024-12-01"
COUNT = len(list(EXAMPLES_DIR.glob("*.yaml")))


def _on_terminal(tmp_path, columns: int) -> str:
    """The command's stderr as a terminal of ``columns`` columns shows it (0: no size)."""
    leader, follower = os.openpty()
    if columns:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    argv = ["batch", str(EXAMPLES_DIR), "--out", str(tmp_path / "a.jsonl"), "--as-of", AS_OF]
    process = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the command
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0
    return shown.decode("utf-8", errors="replace")


@pytest.mark.parametrize("columns", [100, 0])
def test_a_batch_on_a_terminal_shows_a_progress_bar_with_its_count_and_rate(tmp_path, columns):
    shown = _on_terminal(tmp_path, columns)
    final = [line for line in shown.split("\r") if "100%" in line]
    assert final, shown
    assert "答复 answering" in final[-1] and f"{COUNT}/{COUNT}" in final[-1], final[-1]
    assert "case/s" in final[-1] and "█" in final[-1], final[-1]
    if columns:  # drawn within the terminal's width
        assert max(len(line) for line in re.split(r"[\r\n]", shown)) <= columns


def test_a_batch_whose_stderr_is_not_a_terminal_draws_no_bar(tmp_path):
    argv = ["batch", str(EXAMPLES_DIR), "--out", str(tmp_path / "a.jsonl"), "--as-of", AS_OF]
    done = subprocess.run(
        [sys.executable, "-m", "engine.cli", *argv], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "answering" not in done.stderr and "%|" not in done.stderr
    assert re.search(rf"^cases +{COUNT} ", done.stdout, re.MULTILINE), done.stdout
