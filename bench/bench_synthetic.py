"""Fallback benchmark program when the real policy cannot be loaded: the same shape in miniature.

About 10 rules with negation (defaults and exceptions, two strata) and recursion (a supervision
chain and a right-recursive reachability over a possibly cyclic relation), and about 30 facts per
case.
"""

from __future__ import annotations

import random

from engine.datalog import RuleSource

RULES = {
    "chain_base": "above(X, Y) :- supervises(X, Y).",
    "chain_step": "above(X, Z) :- supervises(X, Y), above(Y, Z).",
    "reach_base": "reaches(X, Y) :- forwarded(X, Y).",
    "reach_step": "reaches(X, Z) :- forwarded(X, Y), reaches(Y, Z).",
    "involved": "involved(C, P) :- role(C, P, _).",
    "misled": "misled(C, P) :- role(C, Q, handler), deceived(C, Q, P).",
    "default": "responsible(C, P, primary) :- fault(C), role(C, P, approver), not misled(C, P).",
    "exception": "responsible(C, Q, primary) :- fault(C), role(C, Q, handler), deceived(C, Q, _).",
    "supervisor": (
        "responsible(C, S, by_post) :- responsible(C, P, primary), above(S, P), not exempt(S)."
    ),
    "late": "late(C) :- due(C, D), done(C, E), D < E.",
    "cleared": "cleared(C, P) :- involved(C, P), not responsible(C, P, _).",
}
ANSWER_PREDICATES = ["responsible", "cleared", "late", "reaches"]


def sources() -> list[RuleSource]:
    return [RuleSource(rule_id, text) for rule_id, text in RULES.items()]


class SyntheticCases:
    """Case ``i`` → about 30 facts over 6 people and 3 acts."""

    def case(self, i: int) -> dict[str, list[tuple]]:
        rng = random.Random(i)
        people = [f"p{k}" for k in range(6)]
        acts = [f"c{k}" for k in range(3)]
        facts: dict[str, set[tuple]] = {
            k: set()
            for k in (
                "supervises",
                "forwarded",
                "role",
                "deceived",
                "fault",
                "exempt",
                "due",
                "done",
            )
        }
        for a in acts:
            for r in ("handler", "reviewer", "approver"):
                facts["role"].add((a, rng.choice(people), r))
            if rng.random() < 0.7:
                facts["fault"].add((a,))
            facts["due"].add((a, f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"))
            facts["done"].add((a, f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"))
        for _ in range(4):
            x, y = sorted(rng.sample(range(6), 2))
            facts["supervises"].add(
                (people[y], people[x])
            )  # acyclic: higher index supervises lower
        for _ in range(5):
            facts["forwarded"].add((rng.choice(people), rng.choice(people)))  # may be cyclic
        for a in acts:
            if rng.random() < 0.3:
                facts["deceived"].add((a, rng.choice(people), rng.choice(people)))
        facts["exempt"].add((rng.choice(people),))
        return {p: sorted(rows) for p, rows in facts.items()}

    def cases(self, start: int, count: int):
        return (self.case(i) for i in range(start, start + count))
