"""``query``: answer one case under the policy."""

from __future__ import annotations

import argparse
import json
import sys

from engine.cli.common import (
    EXIT_CODES,
    LANG_HELP,
    add_policy_option,
    emit,
    failure_problems,
    print_problems,
)


def add_query_command(sub: argparse._SubParsersAction) -> None:
    query = sub.add_parser(
        "query",
        help="answer one case: who is responsible and why (liability, recusal, time limits)",
        description="Evaluate a case file (YAML or JSON, schema/case.schema.json) under the policy.",
        epilog=EXIT_CODES,
    )
    query.add_argument("case", metavar="CASE", help="case file (YAML or JSON)")
    query.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text for a terminal; json (schema/answer.schema.json) for programs, problems "
        "included when the case is refused; html: one self-contained page (default: text)",
    )
    query.add_argument("--lang", choices=("zh", "en"), default="zh", help=LANG_HELP)
    query.add_argument(
        "--explain",
        action="store_true",
        help="give every step of the reasons (text, html) and the derivation trees (json)",
    )
    query.add_argument(
        "--what-if",
        action="store_true",
        help="for each verdict, the smallest changes of the record (one or two facts, a finding, "
        "a date) that would flip it, each verified by answering the changed case",
    )
    query.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override an interpretation parameter (repeatable; lists comma-separated; "
        "`accountability parameters` lists them)",
    )
    query.add_argument(
        "--as-of",
        metavar="DATE",
        help="edition in force and 'today' for running time limits, YYYY-MM-DD "
        "(default: the case's as_of, else today)",
    )
    query.add_argument(
        "--calendar",
        metavar="FILE",
        help="holiday calendar file (schema/calendar.schema.json) for dates the built-in "
        "calendar does not cover (default: the built-in calendar only)",
    )
    query.add_argument(
        "--backend",
        choices=("native", "pydatalog"),
        default=None,
        help="evaluator: native semi-naive hash joins or pyDatalog; both give the same answer "
        "(default: native)",
    )
    add_policy_option(query)
    query.set_defaults(handler=cmd_query)


def cmd_query(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.answer import answer_case
    from engine.answer.query import as_of_day
    from engine.case.load import load_case
    from engine.policy.load import load_policy
    from engine.policy.parameters import parse_overrides

    try:
        if args.as_of is not None:
            as_of_day(args.as_of)  # first: a refused date or case costs no policy load
        case = load_case(args.case)
        policy = load_policy(args.policy)
        overrides = parse_overrides(args.param, policy.parameter_index)
        answer = answer_case(
            policy,
            case,
            args.as_of,
            overrides,
            args.calendar,
            backend=args.backend,
            explain=args.explain,
            what_if=args.what_if,
        )
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # every failure becomes located problems (exit 1)
        problems = failure_problems(exc)
        if args.format == "json":
            refused = {"answered": False, "problems": [p.to_dict() for p in problems]}
            print(json.dumps(refused, ensure_ascii=False, indent=2, sort_keys=True))
        print_problems(problems)
        print(f"✗ 无法评估 / not evaluated: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        page = answer.render(
            args.lang, explain=args.explain, what_if=args.what_if, format=args.format
        )
        emit(page, end="" if page.endswith("\n") else "\n")
    return 0
