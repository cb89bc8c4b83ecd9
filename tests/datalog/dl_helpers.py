"""Small builders shared by the rule-language tests (not a test module)."""

from __future__ import annotations

import pytest

from engine.datalog import PredicateSig, RuleSource, compile_program
from engine.problems import ProblemsError


def program(*texts: str, vocabulary=None, file: str = "policy/art.yaml", **kwargs):
    """One source per text, ids r0, r1, …, each starting on line 10*i+1, column 7 of ``file``."""
    sources = [RuleSource(f"r{i}", t, file, 10 * i + 1, 7, **kwargs) for i, t in enumerate(texts)]
    return compile_program(sources, vocabulary)


def problems_of(*texts: str, vocabulary=None) -> list:
    with pytest.raises(ProblemsError) as caught:
        program(*texts, vocabulary=vocabulary)
    return caught.value.problems


def sig(name: str, kind: str, *types: str, acyclic: bool = False, names=()) -> PredicateSig:
    return PredicateSig(name, len(types), kind, tuple(names), tuple(types), acyclic)
