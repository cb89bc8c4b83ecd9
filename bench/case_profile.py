"""Where a case's time goes: the profiles behind the per-case figures of ``bench/run.py``.

Runs ``cProfile`` over the bench's generated cases for three measures: ``evaluate``, ``evaluate``
with every answer tuple explained (as ``bench/run.py`` does: ``Model.explain(...).to_dict()``), and
``evaluate_batch(workers=1, apply=…)``. For each it prints the share of the profiled time spent in
each file of the engine (own time, summed per file) and the functions with the most own time.
cProfile slows pure-Python code more than C code, so shares are indicative, not timings. Prints
figures, asserts nothing. Run from the repository root:

    .venv/bin/python bench/case_profile.py             # 300 cases
    .venv/bin/python bench/case_profile.py --cases 100
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cases import liable_count  # noqa: E402
from run import ANSWER_PREDICATES, _explain_all, _policy_setup  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--top", type=int, default=8, help="functions listed per measure")
    args = parser.parse_args(argv)
    setup = _policy_setup()
    if setup is None:
        sys.exit("the policy could not be loaded: nothing to profile")
    program, cases, _answers, _label = setup
    answers = [p for p in ANSWER_PREDICATES if p in program.predicates]
    sample = [cases.case(i) for i in range(args.cases)]
    program.evaluate(sample[0], time_limit=60)  # compiles the join pipelines
    measures = {
        "evaluate": lambda: [program.evaluate(c, time_limit=60) for c in sample],
        "evaluate + explain": lambda: [
            _explain_all(program.evaluate(c, time_limit=60), answers) for c in sample
        ],
        "evaluate_batch(workers=1, apply=liable_count)": lambda: list(
            program.evaluate_batch(sample, workers=1, time_limit=60, apply=liable_count)
        ),
    }
    for title, run in measures.items():
        profile = cProfile.Profile()
        profile.runcall(run)
        _report(title, pstats.Stats(profile), args.top, len(sample))


def _report(title: str, stats: pstats.Stats, top: int, count: int) -> None:
    rows = (
        stats.stats
    )  # (file, line, function) -> (primitive calls, calls, own, cumulative, callers)
    total = sum(own for _c, _p, own, _cum, _callers in rows.values()) or 1.0
    per_file: dict[str, float] = defaultdict(float)
    for (file, _line, _name), (_c, _p, own, _cum, _callers) in rows.items():
        per_file[_short(file)] += own
    print(f"\n## {title}: {total / count * 1000:.2f} ms per case under cProfile")
    print("own time per file:")
    for file, own in sorted(per_file.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {own / total:6.1%}  {file}")
    print("functions with most own time:")
    ranked = sorted(rows.items(), key=lambda kv: -kv[1][2])[:top]
    for (file, line, name), (_primitive, calls, own, _cum, _callers) in ranked:
        print(
            f"  {own / total:6.1%}  {_short(file)}:{line} {name} ({calls / count:.0f} calls a case)"
        )


def _short(file: str) -> str:
    """A file relative to the repository, or the standard library's and built-ins' own label."""
    try:
        return str(Path(file).resolve().relative_to(ROOT))
    except ValueError:
        return "built-in" if file == "~" else Path(file).name


if __name__ == "__main__":
    main()
