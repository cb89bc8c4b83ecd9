"""What every subcommand shares: the --policy option, reporting problems, loading the policy.

Imports only the standard library at module level: the command line must start fast, so each
handler imports the engine layers it needs when it runs.
"""

from __future__ import annotations

import argparse
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


def print_problems(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format(), file=sys.stderr)


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
