"""Time to answer one large case, end to end: many acts, or one large connected family.

Two shapes, both built as case documents (mappings) and answered with ``answer_case`` as a caller
of the Python API would:

* ``--acts N``: worked example 08 (a leader's instructions, three handlers, a reviewer) repeated N
  times with acts and people renamed, so the copies share nothing: the answer should grow linearly.
* ``--family N``: worked example 12 (recusal of an investigation group) with one connected family
  of about N people added: five generations, every couple with children, the example's people
  married into it, so that every relative of a member of the group is found through parent and
  spouse links.

Printed per size: load (reading and checking the mapping), evaluation (facts and rules), building
the answer, the answer's JSON size, and, for ``--acts``, the fitted exponent of total time ~ size^b.
CPU time of this process; nothing is asserted. Run from the repository root:

    .venv/bin/python bench/large_cases.py --acts 100 300 1000 2000
    .venv/bin/python bench/large_cases.py --family 10000 20000
    .venv/bin/python bench/large_cases.py --acts 333 --sizes   # where the answer's bytes go

Targets (docs/engine/performance.md): 1,000 acts <= 1 s with an answer <= 5 MB; a family of 20,000
people <= 3 s.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACTS_EXAMPLE = "08-leader-instructions-and-objections.yaml"
FAMILY_EXAMPLE = "12-recusal-wider-blood-relatives.yaml"


def renamed(doc: dict, suffix: str) -> dict:
    """People, posts and acts of ``doc`` with ``suffix`` added to every id and every reference."""
    ids = {p["id"] for p in doc.get("people", [])} | {a["id"] for a in doc.get("acts", [])}

    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str) and value in ids:
            return value + suffix
        return value

    return {k: walk(doc[k]) for k in ("people", "acts") if k in doc}


def acts_case(base: dict, n: int) -> dict:
    """``n`` disjoint copies of ``base``'s people and acts in one case (posts shared)."""
    out = {k: v for k, v in base.items() if k not in ("people", "acts")}
    out["people"], out["acts"] = [], []
    for k in range(n):
        part = renamed(base, f"_{k}")
        out["people"] += part["people"]
        out["acts"] += part["acts"]
    return out


def family_case(base: dict, n: int) -> dict:
    """``base`` with a connected family of about ``n`` people over five generations added."""
    out = copy.deepcopy(base)
    people = out["people"]
    rel = out.setdefault("relations", {})
    parents = rel.setdefault("parents", [])
    spouses = rel.setdefault("spouses", [])
    per_generation = max(2, n // 5)
    generations: list[list[str]] = []
    counter = 0

    def person() -> str:
        nonlocal counter
        counter += 1
        pid = f"kin_{counter}"
        people.append({"id": pid, "name": f"亲属{counter}", "staff": False})
        return pid

    generations.append([person() for _ in range(per_generation)])
    for _ in range(4):
        previous = generations[-1]
        couples = [(previous[i], previous[i + 1]) for i in range(0, len(previous) - 1, 2)]
        spouses += [[a, b] for a, b in couples]
        children = []
        for i in range(per_generation):
            child = person()
            # two children per couple on average; neighbouring couples share cousins' lines
            a, b = couples[(i // 2) % len(couples)]
            parents += [{"child": child, "parent": a}, {"child": child, "parent": b}]
            children.append(child)
        generations.append(children)
    # the example's people join the family: each marries into the last generation
    last = generations[-1]
    for i, p in enumerate(base["people"]):
        spouses.append([p["id"], last[(i * 7919) % len(last)]])
    return out


def answer_once(policy, doc: dict, as_of: str) -> dict[str, float]:
    from engine.answer.build import build_answer
    from engine.answer.query import run_query
    from engine.case.load import load_case

    t0 = time.process_time()
    loaded = load_case(doc)
    t1 = time.process_time()
    evaluation = run_query(policy, loaded, as_of)
    t2 = time.process_time()
    answer = build_answer(evaluation, False)
    t3 = time.process_time()
    data = answer.to_dict()
    size = len(json.dumps(data, ensure_ascii=False).encode())
    return {"load": t1 - t0, "evaluate": t2 - t1, "answer": t3 - t2, "bytes": size, "data": data}


def _json_bytes(value) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode())


def print_sizes(data: dict) -> None:
    """Where an answer's bytes go: its sections, and the facts of the record and the readings
    that its findings state (each finding states its own, in both languages)."""
    total = _json_bytes(data)
    sections = sorted(((_json_bytes(v), k) for k, v in data.items()), reverse=True)
    print("  bytes per section: " + ", ".join(f"{k} {n / total:.0%}" for n, k in sections[:4]))
    stated = {"facts": 0, "reading": 0}

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in stated:
                    stated[key] += _json_bytes(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    print(
        f"  of the {total / 1e6:.2f} MB: facts stated by findings {stated['facts'] / 1e6:.2f} MB, "
        f"readings {stated['reading'] / 1e6:.2f} MB"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--acts", type=int, nargs="*", default=[])
    parser.add_argument("--family", type=int, nargs="*", default=[])
    parser.add_argument(
        "--sizes", action="store_true", help="also say where each answer's bytes go"
    )
    args = parser.parse_args(argv)
    if not args.acts and not args.family:
        args.acts, args.family = [100, 300, 1000], [20000]

    from engine.files.safe_yaml import load_yaml_file
    from engine.policy.load import load_policy

    policy = load_policy()
    points = []
    if args.acts:
        base = load_yaml_file(ROOT / "examples" / ACTS_EXAMPLE).data
        answer_once(policy, acts_case(base, 1), "2024-12-31")  # warm-up
        for n in args.acts:
            t = answer_once(policy, acts_case(base, n), "2024-12-31")
            total = t["load"] + t["evaluate"] + t["answer"]
            points.append((n, total))
            print(
                f"acts x{n:>5}: load {t['load']:6.2f} s  evaluate {t['evaluate']:6.2f} s  "
                f"answer {t['answer']:6.2f} s  total {total:6.2f} s  JSON {t['bytes'] / 1e6:6.2f} MB"
            )
            if args.sizes:
                print_sizes(t["data"])
        fit = [(math.log(n), math.log(t)) for n, t in points if n >= 100 and t > 0]
        if len(fit) >= 2:
            mx = sum(x for x, _ in fit) / len(fit)
            my = sum(y for _, y in fit) / len(fit)
            b = sum((x - mx) * (y - my) for x, y in fit) / sum((x - mx) ** 2 for x, _ in fit)
            print(f"fitted exponent b (total time ~ acts^b, sizes >= 100): {b:.2f}")
    if args.family:
        base = load_yaml_file(ROOT / "examples" / FAMILY_EXAMPLE).data
        for n in args.family:
            doc = family_case(base, n)
            t = answer_once(policy, doc, "2024-12-31")
            total = t["load"] + t["evaluate"] + t["answer"]
            print(
                f"family of {len(doc['people']):>6} people: load {t['load']:6.2f} s  "
                f"evaluate {t['evaluate']:6.2f} s  answer {t['answer']:6.2f} s  "
                f"total {total:6.2f} s  JSON {t['bytes'] / 1e6:6.2f} MB"
            )


if __name__ == "__main__":
    main()
