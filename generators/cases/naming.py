"""How generated fixtures are named and described: ids from rule ids and conditions, sentences in both languages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from engine.datalog.syntax import Comparison, Const, Negated, Var
from generators.cases.solver import Solver

if TYPE_CHECKING:
    from generators.cases.per_rule import Found


def _variant_sentence(rule, index: int, found: Found, head: tuple) -> dict:
    n, cond = index + 1, rule.body[index]
    conclusion = atom_text(rule.head.predicate, head)
    others = [i + 1 for i in found.failing if i != index]
    if others:
        zh_others = f"（第{'、'.join(map(str, others))}个条件也不成立）"
        plural = len(others) > 1
        en_others = (
            f"condition{'s' if plural else ''} {', '.join(map(str, others))} "
            f"{'fail' if plural else 'fails'} too"
        )
    else:
        zh_others, en_others = "（其余条件均成立）", "every other condition holds"
    if found.holds:
        zh_tail = f"但{conclusion}仍因其他规则或其他事实成立"
        en_tail = f"{conclusion} still holds, through another rule or other facts"
    else:
        zh_tail, en_tail = f"{conclusion}不成立", f"{conclusion} does not hold"
    return {
        "zh": f"规则{rule.id}的第{n}个条件“{cond}”不成立{zh_others}，该规则不适用；{zh_tail}。",
        "en": f"Rule {rule.id} with its condition {n}, {cond}, failing ({en_others}) does not "
        f"apply; {en_tail}.",
    }


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].rstrip("-")


def condition_slug(cond) -> str:
    """``role(A, R, reviewer)`` → ``role-reviewer``; ``D > Due`` → ``d-gt-due``."""
    if isinstance(cond, Comparison):
        names = {"=": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
        return slug(f"{cond.left}-{names[cond.op]}-{cond.right}")
    consts = [str(t) for t in cond.atom.args if isinstance(t, Const)]
    prefix = "not-" if isinstance(cond, Negated) else ""
    return slug(prefix + "-".join([cond.atom.predicate, *consts]))


def fill(template: str, subst: dict, solver: Solver) -> str:
    """A rule's reading with ``{X}`` replaced by the value bound to X (never str.format)."""

    def value(m: re.Match) -> str:
        v = solver.walk(Var(m.group(1)), subst)
        return m.group(0) if isinstance(v, Var) else str(v)

    return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", value, template)


def rule_variables(rule) -> list[str]:
    """The named (not anonymous) variables of a rule, in order of appearance."""
    names: list[str] = []
    terms = list(rule.head.args)
    for cond in rule.body:
        terms += [cond.left, cond.right] if isinstance(cond, Comparison) else list(cond.atom.args)
    for t in terms:
        if isinstance(t, Var) and not t.anonymous and t.name not in names:
            names.append(t.name)
    return names


def atom_text(predicate: str, args: tuple) -> str:
    return f"{predicate}({', '.join(str(a) for a in args)})" if args else predicate
