"""Throughput and memory of ``accountability batch`` on this machine.

Writes N cases as JSON Lines (the worked examples in turn, each with its own case id), runs the
batch command on them with ``--workers`` processes and prints the time, cases/s, the peak RSS
of the command and of its largest worker and the CPU time they took together per case; a second,
smaller run shows whether memory stays flat as the number of cases grows. ``--stages`` instead
answers the cases in this process, partition by partition as a worker does, and prints what a
line costs and where its time goes (from ``cProfile``, which slows Python code more than C code:
the shares are indicative). Prints figures, asserts nothing. Run from the repository root:

    .venv/bin/python bench/batch.py                 # 100,000 cases, 2 workers
    .venv/bin/python bench/batch.py --cases 2000    # a short run
    .venv/bin/python bench/batch.py --cases 1280 --stages [--partition 64]
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
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stages", action="store_true", help="where a line's time goes")
    parser.add_argument("--partition", type=int, default=0, help="cases per partition (--stages)")
    args = parser.parse_args(argv)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        folder = Path(tmp)
        if args.stages:
            cases = folder / "cases.jsonl"
            _write_cases(cases, args.cases)
            _stages(cases, args.cases, args.partition)
            return
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
    cpu, peak = (
        map(float, result.stderr.strip().splitlines()[-1].split())
        if result.stderr.strip()
        else (0.0, 0.0)
    )
    lines = sum(1 for _ in out.open("rb")) - 1 if out.exists() else 0
    print(
        f"batch {count:,} cases, --workers {workers}: {seconds:.1f} s = {count / seconds:.0f} "
        f"cases/s, {lines:,} lines written, exit {result.returncode}; peak RSS of one process "
        f"{peak / 1024:.0f} MiB; CPU of the command and its workers {cpu / count * 1000:.2f} ms "
        "per case"
    )
    if result.returncode:
        print(result.stderr[-2000:])


# (stage, [(file, function)] whose cumulative time it is, [(file, function)] subtracted)
STAGES = [
    (
        "reading and checking the case",
        [("safe_yaml.py", "load_yaml_bytes"), ("load.py", "checked_case")],
        [],
    ),
    ("its facts, periods and edition", [("query.py", "prepare_query")], []),
    (
        "evaluating the rules (jointly per partition)",
        [("query.py", "run_queries")],
        [("query.py", "prepare_query")],
    ),
    ("derivation trees of the findings", [("model.py", "explain")], []),
    (
        "their facts, clauses and readings in words",
        [("context.py", "why")],
        [("model.py", "explain")],
    ),
    ("why-not reasons", [("context.py", "why_not")], []),
    (
        "the sections' own work",
        [("build.py", "build_answer")],
        [("context.py", "why"), ("context.py", "why_not")],
    ),
    ("the JSON line", [("records.py", "line")], []),
]


def _stages(cases: Path, count: int, size: int = 0) -> None:
    """Answer ``cases`` here as a worker does: the time per line, then each stage's share."""
    import cProfile
    import pstats

    sys.path.insert(0, str(ROOT))
    from engine.bulk.answers import BatchOptions, answer_partition, remember_policy
    from engine.bulk.inputs import read_cases
    from engine.bulk.runner import PARTITION_SIZE, batch_collector, partitions
    from engine.policy.load import load_policy

    policy = load_policy()
    options = BatchOptions(fingerprint=policy.fingerprint, as_of=AS_OF)
    remember_policy(options, policy)
    size = size or PARTITION_SIZE
    parts = list(partitions(read_cases([str(cases)]), size))
    with batch_collector():
        answer_partition(parts[0], options)  # compiles the join pipelines
        start = time.process_time()
        for part in parts:
            answer_partition(part, options)
        per_line = (time.process_time() - start) / count
        profile = cProfile.Profile()
        profile.runcall(lambda: [answer_partition(part, options) for part in parts])
    stats = pstats.Stats(profile).stats
    total = sum(own for _c, _n, own, _cum, _callers in stats.values()) or 1.0

    def calls(file: str, function: str) -> int:
        return sum(
            n
            for (f, _line, name), (_c, n, *_rest) in stats.items()
            if (Path(f).name, name) == (file, function)
        )

    def cumulative(wanted: list[tuple[str, str]]) -> float:
        return sum(
            cum
            for (file, _line, name), (_c, _n, _own, cum, _callers) in stats.items()
            if (Path(file).name, name) in wanted
        )

    print(
        f"{count:,} cases answered in this process, partitions of {size}: "
        f"{per_line * 1000:.2f} ms of CPU per line"
    )
    print(
        f"per case: {calls('explain.py', '_build') / count:.1f} derivations built, "
        f"{calls('result.py', 'body_rows') / count:.1f} body bindings asked for them; "
        f"per partition: {calls('batch.py', '_run') / len(parts):.1f} rule bodies run jointly "
        "for those bindings"
    )
    print("share of the profiled time (cumulative, cProfile):")
    for label, of, minus in STAGES:
        print(f"  {(cumulative(of) - cumulative(minus)) / total:6.1%}  {label}")


if __name__ == "__main__":
    main()
