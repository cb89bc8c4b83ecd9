"""``query``: answer one case under the policy."""

from __future__ import annotations

import argparse
import json
import sys

from engine.cli.common import add_policy_option, emit, print_problems


def add_query_command(sub: argparse._SubParsersAction) -> None:
    query = sub.add_parser(
        "query",
        help="answer one case: who is responsible and why (liability, recusal, time limits)",
        description="Evaluate a case file (YAML or JSON, schema/case.schema.json) under the policy.",
    )
    query.add_argument("case", metavar="CASE", help="case file (YAML or JSON)")
    query.add_argument("--format", choices=("text", "json"), default="text")
    query.add_argument("--lang", choices=("zh", "en"), default="zh")
    query.add_argument("--explain", action="store_true", help="give the reasons for every finding")
    query.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override an interpretation parameter (repeatable; lists comma-separated)",
    )
    query.add_argument(
        "--as-of", metavar="DATE", help="edition in force and 'today' (default: today)"
    )
    query.add_argument(
        "--calendar", metavar="FILE", help="holiday calendar file for dates beyond 2026"
    )
    query.add_argument(
        "--backend",
        choices=("native", "pydatalog"),
        default=None,
        help="evaluator: native hash joins (default) or pyDatalog; both give the same answer",
    )
    add_policy_option(query)
    query.set_defaults(handler=cmd_query)


def cmd_query(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.answer import answer_case
    from engine.answer.query import as_of_day
    from engine.case.load import load_case
    from engine.policy.load import load_policy
    from engine.policy.parameters import parse_override
    from engine.problems import ProblemsError

    try:
        if args.as_of is not None:
            as_of_day(args.as_of)  # first: a refused date or case costs no policy load
        case = load_case(args.case)
        policy = load_policy(args.policy)
        overrides = dict(parse_override(p, policy.parameter_index) for p in args.param)
        answer = answer_case(
            policy,
            case,
            args.as_of,
            overrides,
            args.calendar,
            backend=args.backend,
            explain=args.explain,
        )
    except ProblemsError as exc:
        print_problems(exc.problems)
        print(f"✗ 无法评估 / not evaluated: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        emit(answer.render(args.lang, explain=args.explain), end="")
    return 0
