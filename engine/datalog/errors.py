"""Failures at evaluation time (static problems use ``engine.problems.ProblemsError``)."""

from __future__ import annotations

from ..problems import Problem, ProblemsError


class InvalidFacts(ProblemsError, ValueError):  # noqa: N818 - the name says what the caller did wrong
    """The facts given to ``evaluate`` do not fit the program's input predicates."""

    def __reduce__(self):
        return (InvalidFacts, (self.problems,))


class EvaluationTimeout(RuntimeError):  # noqa: N818
    """Evaluation did not finish within its time limit. Names the program so logs say which one."""

    def __init__(self, program: str, time_limit: float, where: str = ""):
        self.program = program
        self.time_limit = time_limit
        self.where = where
        detail = f" while evaluating {where}" if where else ""
        super().__init__(
            f"evaluation of program {program!r} did not finish within {time_limit:g} s{detail}"
        )

    def __reduce__(self):
        return (EvaluationTimeout, (self.program, self.time_limit, self.where))


class EvaluationError(RuntimeError):
    """A run-time failure that static checks could not rule out (untyped programs only)."""

    def __init__(self, program: str, rule_id: str, message: str):
        self.program = program
        self.rule_id = rule_id
        self.message = message
        super().__init__(f"program {program!r}, rule {rule_id}: {message}")

    def __reduce__(self):
        return (EvaluationError, (self.program, self.rule_id, self.message))


class WorkerLost(RuntimeError):  # noqa: N818 - names what happened, as EvaluationTimeout does
    """A worker process ended before returning its work (killed, out of memory)."""


def fact_problem(where: str, message: str, expected: str = "") -> Problem:
    return Problem("<facts>", None, None, where, message, expected, code="facts")
