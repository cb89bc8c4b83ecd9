"""Generated cases for the benchmark: realistic fact sets, many, cheap and deterministic.

Each case starts from the input facts of one of the worked examples in ``examples/`` (as the real
pipeline computes them: case facts, interpretation parameters, periods), then drops some facts and
adds a few random ones drawn from value pools of the right domain (people, acts and eIds seen in the
examples, the closed value lists of the vocabulary, dates seen in the examples). Parameters, "today"
and the ``acyclic`` parent relation are left as they are so that every case is valid input. Case
``i`` depends only on ``i``: the same numbers on every run.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXED = {"param", "param_int", "param_member", "today", "repeat_window_start", "parent"}
DROP_PROBABILITY = 0.15
MAX_ADDED = 8


def example_facts(policy, as_of: str = "2024-12-31") -> list[dict[str, set[tuple]]]:
    """Input facts of every worked example, through the real case → facts pipeline."""
    from engine.answer.query import run_query

    bases = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        try:
            bases.append(
                {p: set(rows) for p, rows in run_query(policy, path, as_of=as_of).facts.items()}
            )
        except Exception as error:  # noqa: BLE001 - a broken example is reported, not fatal
            print(f"  (example {path.name} skipped: {type(error).__name__}: {error})")
    return bases


class PolicyCases:
    """Case ``i`` → input facts for the policy program."""

    def __init__(self, policy, program, bases: list[dict[str, set[tuple]]]):
        if not bases:
            raise ValueError("no example case could be evaluated to seed the generator")
        self.bases = [
            {p: sorted(rows, key=repr) for p, rows in b.items() if p in program.predicates}
            for b in bases
        ]
        domains = {d["name"]: d for d in policy.vocabulary["domains"]}
        arg_domains = {
            p["name"]: [a["domain"] for a in p["args"]] for p in policy.vocabulary["predicates"]
        }
        seen: dict[str, set] = defaultdict(set)
        for base in bases:
            for pred, rows in base.items():
                for row in rows:
                    for domain, value in zip(arg_domains.get(pred, ()), row, strict=False):
                        seen[domain].add(value)
        pools: dict[str, list] = {}
        for name, domain in domains.items():
            if domain.get("values"):
                pools[name] = list(domain["values"])
            elif domain["base"] == "integer":
                pools[name] = sorted(seen[name] | set(range(6)))
            elif name == "eid":
                pools[name] = sorted(seen[name] | set(policy.eids))
            else:
                fresh = {f"{name}_x{k}" for k in range(2)} if domain["base"] == "symbol" else set()
                pools[name] = sorted(seen[name] | fresh, key=repr)
        self.columns = {
            p: [pools.get(d, ["x"]) for d in doms]
            for p, doms in arg_domains.items()
            if p in program.predicates and program.predicates[p].kind == "input" and p not in FIXED
        }
        self.mutable = sorted(self.columns)

    def case(self, i: int) -> dict[str, list[tuple]]:
        rng = random.Random(i)
        base = self.bases[i % len(self.bases)]
        facts = {
            p: [row for row in rows if p in FIXED or rng.random() >= DROP_PROBABILITY]
            for p, rows in base.items()
        }
        for _ in range(rng.randint(0, MAX_ADDED)):
            pred = rng.choice(self.mutable)
            row = tuple(rng.choice(pool) for pool in self.columns[pred])
            if row not in facts.setdefault(pred, []):
                facts[pred].append(row)
        return facts

    def cases(self, start: int, count: int):
        return (self.case(i) for i in range(start, start + count))


def liable_count(model) -> int:
    """What the batch measure's consumer wants of a case: a number, computed in the worker."""
    return len(model.tuples("liable"))
