"""The site build's early worker (generators/docs/early_worker.py): results in the order posted,
a failure reported in its place, a dead worker reported as gone, never a hang.

The worker is forked only where no other thread runs, so each check runs in a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECKS = {
    "results come back under their tickets, a failure in its place": """
from generators.docs.early_worker import EarlyWorker
w = EarlyWorker.start()
first = w.post(pow, 2, 10)
failing = w.post(int, "not a number")
last = w.post(len, "abc")
got = w.collect()
assert got[first] == (True, 1024), got
assert got[failing][0] is False and "ValueError" in got[failing][1], got
assert got[last] == (True, 3), got
assert w.collect() == {}
w.close()
""",
    "many large calls posted without collecting never block either side": """
from generators.docs.early_worker import EarlyWorker
w = EarlyWorker.start()
tickets = [w.post(len, "字" * 200_000) for _ in range(200)]
got = w.collect()
assert [got[t] for t in tickets] == [(True, 200_000)] * 200
w.close()
""",
    "a worker that died is reported as gone": """
import os, signal
from generators.docs.early_worker import EarlyWorker, WorkerGone
w = EarlyWorker.start()
w.post(os.getpid)
pid = w.collect()[1][1]
os.kill(pid, signal.SIGKILL)
try:
    w.post(len, "x")
    w.collect()
except WorkerGone:
    pass
else:
    raise AssertionError("no WorkerGone")
w.close()
""",
}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_the_early_worker(check):
    done = subprocess.run(
        [sys.executable, "-c", CHECKS[check]], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
