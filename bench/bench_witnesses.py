"""Benchmark of the divergence-witness search on the real policy: time to search every parameter ×
non-default reading over the committed fixtures' cases, the size of each witness, and the share
found vs without a witness within the bounds. Prints figures; asserts nothing. Run from the
repository root:

    .venv/bin/python bench/bench_witnesses.py [--workers N]

Target: the whole search <= 60 s on 2 cores. Record the figures in docs/engine/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.policy import load_policy  # noqa: E402
from generators.fixtures.build import load_fixture_files  # noqa: E402
from generators.fixtures.witnesses import (  # noqa: E402
    MAX_AIMED,
    MAX_CITED,
    MAX_OTHERS,
    MAX_REACHED,
    candidates,
    search_witnesses,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    policy = load_policy()
    fixtures = [
        f for f in load_fixture_files(ROOT / "tests" / "fixtures") if f["source"] != "witness"
    ]
    pool = candidates(policy, fixtures)
    start = time.perf_counter()
    results = search_witnesses(policy, fixtures, workers=args.workers)
    elapsed = time.perf_counter() - start
    found = [w for w in results if w.candidate is not None]
    static = [w for w in results if w.candidate is None and "unread_member" in (w.bounds or {})]
    bounded = [w for w in results if w.candidate is None and w not in static]
    facts = [w.candidate.size[2] for w in found]
    people = Counter(w.candidate.size[0] for w in found)
    print(f"cpus: {os.cpu_count()}, workers: {args.workers}")
    print(
        f"candidate cases: {len(pool)} (bounds per reading: {MAX_AIMED} aimed + {MAX_CITED} "
        f"worked examples citing it + {MAX_REACHED} reached + {MAX_OTHERS} others)"
    )
    print(f"parameters × readings: {len(results)}")
    print(f"search time: {elapsed:.1f} s (target <= 60 s)")
    print(f"witnessed: {len(found)} ({100 * len(found) / len(results):.0f} %)")
    print(f"no effect, no rule names the member: {len(static)}")
    print(f"no witness within the bounds: {len(bounded)}")
    if facts:
        print(
            f"witness size (input facts): min {min(facts)}, median {statistics.median(facts)}, "
            f"max {max(facts)}; people: {dict(sorted(people.items()))}"
        )
    print(f"cases run per reading: median {statistics.median(w.searched for w in results)}")


if __name__ == "__main__":
    main()
