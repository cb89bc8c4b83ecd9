"""The rule language: Datalog text → parsed → checked → planned → evaluated (native hash joins by
default, or pyDatalog as a reference) → explained.

See README.md in this folder for the API, the language and the design decisions.
"""

from .checks import check_program
from .declarations import PredicateSig, RuleSource
from .errors import EvaluationError, EvaluationTimeout, InvalidFacts, WorkerLost
from .explain import Condition, Derivation, WhyNot
from .model import Model
from .program import Program, compile_program
from .syntax import Atom, Comparison, Const, Negated, Positive, Rule, Var

__all__ = [
    "Atom",
    "Comparison",
    "Condition",
    "Const",
    "Derivation",
    "EvaluationError",
    "EvaluationTimeout",
    "InvalidFacts",
    "Model",
    "Negated",
    "Positive",
    "PredicateSig",
    "Program",
    "Rule",
    "RuleSource",
    "Var",
    "WhyNot",
    "WorkerLost",
    "check_program",
    "compile_program",
    "parse_rules",
]


def __getattr__(name: str):
    # lazy: the parser imports lark; loaded when first asked for, not by every import
    if name == "parse_rules":
        from .parser import parse_rules

        return parse_rules
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
