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
        if empty := _empty_argument(parser, args):
            print(
                f"accountability {args.command}: argument {empty}: an empty value; "
                "expected a non-empty value",
                file=sys.stderr,
            )
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


def _empty_argument(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """The first argument given as an empty string, by its option (or its name). No option takes
    an empty text: for a path, "" reads as the current folder or is taken as not given at all,
    which runs on something other than what was named."""
    names = _argument_names(parser)
    for dest, value in vars(args).items():
        if value == "" or (isinstance(value, list) and "" in value):
            return names.get(dest, dest)
    return None


def _argument_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each argument's destination → how the command line spells it, in every subcommand."""
    names: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                names.update(_argument_names(sub))
        elif action.option_strings:
            names.setdefault(action.dest, "/".join(action.option_strings))
        else:
            names.setdefault(action.dest, action.metavar or action.dest.upper())
    return names


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
