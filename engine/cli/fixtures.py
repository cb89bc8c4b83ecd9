"""``fixtures`` and ``coverage``: the test fixtures of the project checkout the command runs in."""

from __future__ import annotations

import argparse
import json
import sys

from engine.cli.common import add_format_option, add_policy_option, load_or_report, print_problems


def add_fixture_commands(sub: argparse._SubParsersAction) -> None:
    fixtures = sub.add_parser(
        "fixtures",
        help="regenerate tests/fixtures/ (authored examples + per-rule cases), or --check they are current",
    )
    fixtures.add_argument(
        "--check", action="store_true", help="fail if committed fixtures are stale"
    )
    add_policy_option(fixtures)
    fixtures.set_defaults(handler=cmd_fixtures)

    cov = sub.add_parser(
        "coverage",
        help="per eId: fixtures where it applies / does not apply; rules no fixture makes fire",
    )
    add_format_option(cov, ("text", "json"))
    add_policy_option(cov)
    cov.set_defaults(handler=cmd_coverage)


def cmd_fixtures(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.files.project import require_project
    from generators.fixtures.build import (
        build_fixture_set,
        fixtures_output,
        render_files,
        stale_files,
        write_files,
    )

    project = require_project("accountability fixtures")
    policy = load_or_report(args.policy)
    if policy is None:
        return 1
    if args.check:
        files = render_files(policy, *build_fixture_set(policy))
        stale = stale_files(files, project.fixtures_dir)
        for rel in stale:
            print(
                f"tests/fixtures/{rel}: stale; expected the output of `accountability fixtures`",
                file=sys.stderr,
            )
        if stale:
            print(
                f"✗ {len(stale)} fixture file(s) out of date: run `accountability fixtures`",
                file=sys.stderr,
            )
            return 1
        print(f"✓ fixtures up to date ({len(files) - 1} fixtures)")
        return 0
    # the folder is checked and locked before the work, so a refusal costs nothing
    with fixtures_output(project.fixtures_dir, reserved=True) as folder:
        files = render_files(policy, *build_fixture_set(policy))
        changed = write_files(files, folder)
    print(f"✓ {len(files) - 1} fixtures; {len(changed)} file(s) written or removed")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.files.project import require_project
    from engine.problems import ProblemsError
    from generators.fixtures.build import load_fixture_files, load_no_witness
    from generators.fixtures.coverage import coverage, render_coverage

    try:
        project = require_project("accountability coverage")
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    policy = load_or_report(args.policy)
    if policy is None:
        return 1
    try:
        fixtures = load_fixture_files(project.fixtures_dir)
        no_witness = load_no_witness(project.fixtures_dir)
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    report = coverage(policy, fixtures, no_witness)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render_coverage(report), end="")
    return 0 if report["complete"] else 1
