"""Throughput and memory of ``accountability batch`` on this machine.

Writes N cases as JSON Lines (the worked examples in turn, each with its own case id), runs the
batch command on them with ``--workers`` processes and prints the time, cases/s and the peak RSS
of the command and of its largest worker; a second, smaller run shows whether memory stays flat as
the number of cases grows. Prints figures, asserts nothing. Run from the repository root:

    .venv/bin/python bench/batch.py                 # 100,000 cases, 2 workers
    .venv/bin/python bench/batch.py --cases 2000    # a short run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2024-12-01"
MEASURE = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        folder = Path(tmp)
        for count in sorted({max(1, args.cases // 10), args.cases}):
            cases = folder / f"cases-{count}.jsonl"
            _write_cases(cases, count)
            _run(cases, folder / f"answers-{count}.jsonl", count, args.workers)


def _write_cases(path: Path, count: int) -> None:
    import yaml

    examples = [
        json.loads(json.dumps(yaml.safe_load(p.read_text("utf-8")), default=str))
        for p in sorted((ROOT / "examples").glob("*.yaml"))
    ]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            case = examples[i % len(examples)]
            case["case"]["id"] = f"bench-{i:06d}"
            out.write(json.dumps(case, ensure_ascii=False) + "\n")


def _run(cases: Path, out: Path, count: int, workers: int) -> None:
    start = time.perf_counter()
    # a wrapper process per run, so that the peak RSS is this run's alone (the largest of the
    # command and its workers)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "engine.cli", "batch", str(cases)]
        + ["--out", str(out), "--workers", str(workers), "--as-of", AS_OF, "--no-progress"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    peak = int(result.stderr.strip().splitlines()[-1]) if result.stderr.strip() else 0
    lines = sum(1 for _ in out.open("rb")) - 1 if out.exists() else 0
    print(
        f"batch {count:,} cases, --workers {workers}: {seconds:.1f} s = {count / seconds:.0f} "
        f"cases/s, {lines:,} lines written, exit {result.returncode}; peak RSS of one process "
        f"{peak / 1024:.0f} MiB"
    )
    if result.returncode:
        print(result.stderr[-2000:])


if __name__ == "__main__":
    main()
