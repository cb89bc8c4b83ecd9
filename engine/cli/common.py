"""What every subcommand shares: the --policy option, reporting problems, loading the policy.

Imports only the standard library at module level: the command line must start fast, so each
handler imports the engine layers it needs when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.policy.model import Policy
    from engine.problems import Problem

POLICY_HELP = (
    "policy folder (default: the one instrument under policy/ of the project checkout the "
    "command runs in, else the policy installed with the engine)"
)


def add_policy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", default=None, metavar="POLICY_DIR", help=POLICY_HELP)


FORMAT_HELP = {
    ("text", "json"): "text for people, json for programs (default: text)",
    ("text", "markdown", "json"): "text for a terminal, markdown for a review comment, json for "
    "programs (default: text)",
}


def add_format_option(parser: argparse.ArgumentParser, choices: tuple[str, ...]) -> None:
    """``--format`` with text as the default, worded the same in every command that has it."""
    parser.add_argument("--format", choices=choices, default="text", help=FORMAT_HELP[choices])


INTERRUPTED = "✗ 已中断 / interrupted"
LANG_HELP = "language of the text: zh (Chinese) or en (English) (default: zh)"
EXIT_CODES = (
    "exit codes: 0 done (an answer, a valid policy), 1 invalid input or a failure (located problems "
    "on stderr, or in the JSON with --format json), 2 usage error, 130 interrupted"
)
DEBUG_VARIABLE = "ACCOUNTABILITY_TRACEBACK"  # set to 1 to see the traceback of an internal error


def print_problems(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format(), file=sys.stderr)


def emit(text: str, end: str = "\n") -> None:
    """Print text for a person, control characters escaped: names and texts from a case must not
    drive the terminal (colours, cursor moves, text reading backwards)."""
    from engine.problems import escape_controls  # lazy: keeps CLI start-up fast

    print(escape_controls(text, keep="\n\t"), end=end)


def report_failure(exc: Exception) -> int:
    """Any failure that reached the top of a command, as located problems on stderr; exit 1."""
    problems = failure_problems(exc)
    print_problems(problems)
    print(f"✗ {len(problems)} problem(s)", file=sys.stderr)
    return 1


def failure_problems(exc: Exception) -> list[Problem]:
    """Any failure as located problems: what ``report_failure`` prints, and what a command asked for
    JSON returns on stdout.

    Refusals (ProblemsError) carry their own problems; the engine's run-time failures (a time
    limit, the stack or memory running out, a file system error) are named as such; anything else
    is an internal error, reported in one line without a traceback (set ACCOUNTABILITY_TRACEBACK=1
    to see it)."""
    # lazy: keeps CLI start-up fast
    from engine.datalog.errors import EvaluationError, EvaluationTimeout
    from engine.dates.calendar import CalendarCoverageError
    from engine.problems import Problem, ProblemsError, excerpt
    from generators.docs.site import SiteBuildError

    def problem(where: str, message: str, expected: str = "", file: str = "<command>") -> Problem:
        return Problem(file, None, None, where, message, expected, code="run-time")

    if isinstance(exc, ProblemsError):
        problems = exc.problems
    elif isinstance(exc, EvaluationTimeout):
        problems = [
            problem("time limit", excerpt(str(exc), 200), "a smaller case (or a longer time limit)")
        ]
    elif isinstance(exc, EvaluationError):
        problems = [problem(f"rule {exc.rule_id}", excerpt(exc.message, 200))]
    elif isinstance(exc, RecursionError):
        problems = [problem("", "the input is nested too deeply to process", "flatter input")]
    elif isinstance(exc, MemoryError):
        problems = [problem("", "ran out of memory: the input is too large", "a smaller input")]
    elif isinstance(exc, OSError):
        file = excerpt(str(exc.filename), 200) if exc.filename else "<command>"
        problems = [
            problem("", f"file system error: {exc.strerror or type(exc).__name__}", file=file)
        ]
    elif isinstance(exc, CalendarCoverageError):
        problems = [problem("calendar", str(exc), "--calendar FILE covering the date")]
    elif isinstance(exc, SiteBuildError):
        problems = [problem("docs", excerpt(line, 300)) for line in str(exc).splitlines()[:20]]
    else:
        if os.environ.get(DEBUG_VARIABLE) == "1":
            raise exc
        problems = [
            problem(
                "internal error",
                f"{type(exc).__name__}: {excerpt(str(exc), 200)}",
                f"no internal error: please report it (set {DEBUG_VARIABLE}=1 for details)",
            )
        ]
    return problems


def load_or_report(policy_dir: str | None) -> Policy | None:
    """The checked policy, or None after printing every problem that refused it."""
    from engine.policy.load import load_policy  # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError  # lazy: keeps CLI start-up fast

    try:
        return load_policy(Path(policy_dir) if policy_dir else None)
    except ProblemsError as exc:
        print_problems(exc.problems)
        return None


def usage(parser: argparse.ArgumentParser) -> int:
    """A command group called without a subcommand: show its help, exit 2 (usage)."""
    parser.print_help()
    return 2
