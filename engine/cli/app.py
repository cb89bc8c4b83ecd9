"""The ``accountability`` command: one entry point for legal officers, developers and CI.

A command line is started many times, so start-up is kept short: this module and the modules that
add subcommands import only the standard library; each handler imports the layers it needs when it
runs (those imports are marked ``lazy``). This is the only layer that imports ``generators``.
"""

from __future__ import annotations

import argparse
import sys

from engine.cli.batch import add_batch_command
from engine.cli.common import EXIT_CODES, INTERRUPTED, report_failure
from engine.cli.diff import add_diff_commands
from engine.cli.docs import add_docs_commands
from engine.cli.fixtures import add_fixture_commands
from engine.cli.policy_commands import add_policy_commands
from engine.cli.query import add_query_command
from engine.cli.review import add_review_commands
from engine.cli.serve import add_serve_command

HELP_WIDTH = 100  # the guide's transcript of --help must not depend on the terminal that built it


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code. Whatever goes wrong ends as located problems and exit 1
    (never a traceback), Ctrl-C as one line and exit 130."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        return args.handler(args)
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error of ours
        sys.stderr.close()
        return 0
    except Exception as exc:
        return report_failure(exc)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accountability",
        description="文水县民政局监管执法责任倒查机制 (文民发[2023]25号) — policy as code. "
        "Validate the encoding, query cases, build the documentation.",
        epilog=EXIT_CODES,
    )
    sub = parser.add_subparsers(dest="command")
    add_batch_command(sub)
    add_diff_commands(sub)
    add_docs_commands(sub, help_text)
    add_policy_commands(sub)
    add_query_command(sub)
    add_fixture_commands(sub)
    add_review_commands(sub)
    add_serve_command(sub)
    return parser


def help_text() -> str:
    """``accountability --help`` as the command prints it, at a fixed width."""
    parser = build_parser()
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=HELP_WIDTH)
    return parser.format_help()
