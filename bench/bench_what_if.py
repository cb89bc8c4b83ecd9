"""What an officer's "what would change this?" costs: what-if answers and deciding readings per example.

For every worked example, answers the case once (the baseline), then times, separately and on the
same answer: the what-if section (every verdict's smallest flipping changes, each verified by
evaluating the changed case) and the deciding readings (which interpretation parameters, switched to
an alternative, change which verdict). Each is repeated ``--repeat`` times on a fresh answer; the
figures are per case, with p50 and p95 over all runs. Printed, never asserted.

    .venv/bin/python bench/bench_what_if.py [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = {"19-deadlines-beyond-calendar-coverage.yaml": "2027-03-01"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    from engine.answer import answer_case
    from engine.policy.load import load_policy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per example (default: 3)")
    args = parser.parse_args()
    policy = load_policy()
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    timings: dict[str, list[float]] = {"answer": [], "what_if": [], "deciding": []}
    per_example = []
    verdicts = flips = 0
    for path in examples:
        as_of = AS_OF.get(path.name, "2025-03-01")
        runs = {key: [] for key in timings}
        for _ in range(args.repeat):
            gc.collect()
            start = time.perf_counter()
            answer = answer_case(policy, path, as_of=as_of)
            runs["answer"].append(time.perf_counter() - start)
            start = time.perf_counter()
            entries = answer.what_if()
            runs["what_if"].append(time.perf_counter() - start)
            start = time.perf_counter()
            answer.deciding_readings()
            runs["deciding"].append(time.perf_counter() - start)
        verdicts += len(entries)
        flips += sum(len(e["flips"]) for e in entries)
        for key, values in runs.items():
            timings[key].extend(values)
        per_example.append((path.stem, *(statistics.median(runs[k]) for k in timings)))

    print(f"{len(examples)} examples × {args.repeat} runs; {verdicts} verdicts, {flips} flips")
    print(f"{'example':52} {'answer':>9} {'what-if':>9} {'deciding':>9}  (ms, median)")
    for name, *values in per_example:
        print(f"{name[:52]:52} " + " ".join(f"{v * 1e3:9.1f}" for v in values))
    for key, values in timings.items():
        print(
            f"{key:9} p50 {percentile(values, 0.5) * 1e3:7.1f} ms   "
            f"p95 {percentile(values, 0.95) * 1e3:7.1f} ms   max {max(values) * 1e3:7.1f} ms"
        )


if __name__ == "__main__":
    main()
