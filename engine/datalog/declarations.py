"""What callers hand to the rule language: predicate signatures and located rule texts.

Kept apart from the parser and the engine so that loaders (policy YAML, conformance suites) depend
only on
these two plain records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ARG_TYPES = ("symbol", "string", "integer", "date")
KINDS = ("input", "derived")


@dataclass(frozen=True)
class PredicateSig:
    """The declared shape of one predicate.

    ``date`` arguments are ISO ``YYYY-MM-DD`` strings at the API and integer day numbers inside, so
    that
    ``<`` compares calendar order whatever the spelling.
    """

    name: str
    arity: int
    kind: str  # "input" | "derived"
    arg_names: tuple[str, ...] = ()
    arg_types: tuple[str, ...] = ()  # "symbol" | "string" | "integer" | "date"
    acyclic: bool = False  # binary input relation that must have no cycle (e.g. parent links)


@dataclass(frozen=True)
class RuleSource:
    """One rule (or a few clauses) as written, with where it was written and what it means.

    ``line``/``column`` locate the first character of ``text`` in ``file`` so that errors inside
    the text
    can be reported at their place in the YAML file.
    """

    id: str
    text: str
    file: str = "<string>"
    line: int = 1
    column: int = 1
    cites: tuple[str, ...] = ()
    reads: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    displaces: tuple[str, ...] = ()
