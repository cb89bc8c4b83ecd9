"""``diff``: what an encoding change does, between two folders or git revisions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.cli.common import add_format_option, emit, print_problems


def add_diff_commands(subparsers) -> None:
    """Register ``diff`` and ``version`` on the ``accountability`` subparsers."""
    diff = subparsers.add_parser(
        "diff",
        help="what an encoding change does: text (word level), rules, parameters and changed "
        "answers",
        description=(
            "Compare two encodings. OLD and NEW are each a policy folder, a checkout holding "
            "policy/<instrument>/, or a git revision (HEAD~1, a branch, a commit id) exported "
            "read-only with git archive. Both sides are evaluated by the engine installed now. "
            "Cases: examples/ and tests/fixtures/ of each side's checkout (this repository's for a "
            "bare policy folder) and the worked examples in the article files, unless --cases is "
            "given. "
            "Date: each case's recorded as_of, else the NEW side's newest changelog date, unless "
            "--as-of is given."
        ),
    )
    diff.add_argument("old", metavar="OLD", help="policy folder, checkout or git revision")
    diff.add_argument("new", metavar="NEW", help="policy folder, checkout or git revision")
    add_format_option(diff, ("text", "markdown", "json"))
    diff.add_argument(
        "--lang",
        choices=("zh", "en"),
        default="zh",
        help="language of headings, outcome sentences and explanations (texts show both)",
    )
    diff.add_argument(
        "--as-of", metavar="DATE", help="one date for every case (default: see above)"
    )
    diff.add_argument(
        "--cases",
        action="append",
        type=Path,
        metavar="PATH",
        help="case or fixture file, or folder of them (repeatable); replaces the default set",
    )
    diff.add_argument(
        "--repo",
        type=Path,
        default=None,
        metavar="DIR",
        help="git repository the revisions belong to (default: the project checkout the "
        "command runs in)",
    )
    diff.add_argument(
        "--policy-path",
        default=None,
        metavar="REL",
        help="the policy folder inside a checkout or revision (default: the one instrument "
        "folder under policy/)",
    )
    diff.add_argument(
        "--witness",
        action="store_true",
        help="for each changed rule, a smallest generated case whose answer changes (or the "
        "bounds searched)",
    )
    diff.set_defaults(handler=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError
    from engine.review.diff import diff
    from engine.review.render import render_markdown, render_text

    try:
        if args.as_of:
            _check_date(args.as_of)
        if args.witness:
            report = _diff_with_witnesses(args)
        else:
            report = diff(
                args.old,
                args.new,
                repo=args.repo,
                policy_path=args.policy_path,
                cases=args.cases,
                as_of=args.as_of,
            )
    except ProblemsError as exc:
        print_problems(exc.problems)
        print(f"✗ 无法比较 / cannot diff: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        render = render_markdown if args.format == "markdown" else render_text
        text = render(report, args.lang)
        if args.witness:
            # lazy: keeps CLI start-up fast
            from generators.fixtures.witnesses import render_rule_witnesses

            text += render_rule_witnesses(report["witnesses"], args.lang)
        emit(text, end="")
    outcomes = report.get("outcomes") or {}
    run = outcomes.get("cases_run", 0)
    if args.as_of and run and len(outcomes.get("not_answered", [])) == run:
        # the report lists each refusal; but a diff that answered nothing has compared nothing
        print(
            f"✗ 无法比较 / cannot diff: on {args.as_of} none of the {run} case(s) could be "
            "answered on either side; expected a date on which an edition is in force",
            file=sys.stderr,
        )
        return 1
    return 0


def _diff_with_witnesses(args: argparse.Namespace) -> dict:
    """The diff report with ``witnesses``: a smallest case per changed rule (generators.fixtures)."""
    # lazy: keeps CLI start-up fast
    import tempfile  # lazy: only this command needs a scratch folder (5 ms at every start)

    from engine.review.diff import default_repo, diff_sides, explicit_cases
    from engine.review.sides import open_side
    from generators.fixtures.witnesses import changed_rules, rule_witnesses

    repo = Path(args.repo) if args.repo is not None else default_repo()
    named = list(explicit_cases(args.cases).values()) if args.cases else []
    with tempfile.TemporaryDirectory(prefix="accountability-diff-") as workdir:
        old = open_side(args.old, Path(workdir), repo, args.policy_path)
        new = open_side(args.new, Path(workdir), repo, args.policy_path)
        report = diff_sides(old, new, cases=args.cases, as_of=args.as_of, repo=repo)
        report["witnesses"] = rule_witnesses(old.policy, new.policy, changed_rules(report), named)
    return report


def _check_date(text: str) -> None:
    from engine.answer.query import as_of_day  # lazy: keeps CLI start-up fast

    as_of_day(text)
