"""How the Datalog stage grows with the size of a case: the fitted exponent b of time ~ acts^b.

A case of N acts is built from the input facts of a worked example (``examples/``, through the real
case → facts pipeline): every fact that names an act or a person is repeated N times with the acts
and people renamed (``A`` becomes ``A~0`` … ``A~N-1``); the other facts (parameters, "today") are
kept once. The copies share nothing, so every derived relation of the whole is N times that of
one copy: any growth beyond linear is the evaluator's or a rule's (a cross product, an index over
a whole relation), not the case's. (Sharing the people instead, ``--share-people``, makes every
copy of an act a repeat of every other, Art. 9: quadratic by the law's own terms.) ``Program.evaluate`` is
timed (CPU time of this process, best of a few runs) for each size, and b is fitted by least
squares on log-log over the sizes from 100 up. Run from the repository root:

    .venv/bin/python bench/growth.py                 # 1, 10, 100, 300, 1,000 acts
    .venv/bin/python bench/growth.py --sizes 1 10 100 1000 2000

Target (docs/engine/performance.md): b <= 1.2 from 100 to 2,000 acts, 1,000 acts <= 1 s.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXAMPLE = "08-leader-instructions-and-objections.yaml"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 300, 1000])
    parser.add_argument("--example", default=EXAMPLE)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--share-people", action="store_true", help="rename acts only")
    args = parser.parse_args(argv)

    from engine.answer.query import run_query
    from engine.policy.load import load_policy

    policy = load_policy()
    program = policy.program
    base = run_query(policy, ROOT / "examples" / args.example, as_of="2024-12-31").facts
    renamed = ("act",) if args.share_people else ("act", "person")
    act_columns = {
        p["name"]: [i for i, a in enumerate(p["args"]) if a["domain"] in renamed]
        for p in policy.vocabulary["predicates"]
    }
    print(f"example {args.example}: {sum(len(r) for r in base.values())} input facts")
    points = []
    for n in args.sizes:
        facts = grown(base, act_columns, n)
        size = sum(len(r) for r in facts.values())
        runs = 3 if n <= 300 else 1
        best = math.inf
        for _ in range(runs):
            start = time.process_time()
            model = program.evaluate(facts, time_limit=args.time_limit)
            best = min(best, time.process_time() - start)
        derived = sum(
            len(model.tuples(p)) for p, s in program.predicates.items() if s.kind == "derived"
        )
        print(f"acts x{n:>5}: {size:>8,} input facts, {derived:>10,} derived tuples, {best:8.3f} s")
        points.append((n, best))
    fit = [(math.log(n), math.log(t)) for n, t in points if n >= 100 and t > 0]
    if len(fit) >= 2:
        mx = sum(x for x, _ in fit) / len(fit)
        my = sum(y for _, y in fit) / len(fit)
        b = sum((x - mx) * (y - my) for x, y in fit) / sum((x - mx) ** 2 for x, _ in fit)
        print(
            f"fitted exponent b (time ~ acts^b, sizes >= 100): {b:.2f}  target <= 1.2: "
            f"{'PASS' if b <= 1.2 else 'MISS'}"
        )


def grown(base: dict, act_columns: dict[str, list[int]], n: int) -> dict[str, set[tuple]]:
    """The facts with every value in ``act_columns`` renamed for each of ``n`` copies."""
    if n == 1:
        return {p: set(rows) for p, rows in base.items()}
    out: dict[str, set[tuple]] = {}
    for pred, rows in base.items():
        columns = act_columns.get(pred, [])
        target = out.setdefault(pred, set())
        for row in rows:
            if not columns:
                target.add(tuple(row))
                continue
            for k in range(n):
                copy = list(row)
                for c in columns:
                    copy[c] = f"{row[c]}~{k}"
                target.add(tuple(copy))
    return out


if __name__ == "__main__":
    main()
