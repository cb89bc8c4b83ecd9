"""The `diff` and `version` subcommands (wired into engine.cli.app by ``add_diff_commands``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.policy.load import DEFAULT_POLICY_DIR, REPO_ROOT
from engine.problems import ProblemsError
from engine.review.sides import DEFAULT_POLICY_PATH


def add_diff_commands(subparsers) -> None:
    """Register ``diff`` and ``version`` on the ``accountability`` subparsers."""
    diff = subparsers.add_parser(
        "diff",
        help="what an encoding change does: text (word level), rules, parameters and changed "
        "answers",
        description=(
            "Compare two encodings. OLD and NEW are each a policy folder, a checkout holding "
            f"{DEFAULT_POLICY_PATH}/, or a git revision (HEAD~1, a branch, a commit id) exported "
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
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text")
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
        default=REPO_ROOT,
        metavar="DIR",
        help="git repository the revisions belong to (default: this repository)",
    )
    diff.add_argument(
        "--policy-path",
        default=DEFAULT_POLICY_PATH,
        metavar="REL",
        help=f"the policy folder inside a checkout or revision (default: {DEFAULT_POLICY_PATH})",
    )
    diff.set_defaults(handler=cmd_diff)

    version = subparsers.add_parser(
        "version",
        help="the encoding version, its changelog and fingerprint (--fingerprint: the value to "
        "record)",
        description=(
            "Show the encoding version and whether its newest changelog entry records the current "
            "fingerprint of the rules, parameters, vocabulary and edition data. With "
            "--fingerprint, "
            "print only the fingerprint, to copy into a new changelog entry."
        ),
    )
    version.add_argument(
        "policy_dir", nargs="?", default=str(DEFAULT_POLICY_DIR), metavar="POLICY_DIR"
    )
    version.add_argument(
        "--fingerprint", action="store_true", help="print only the current fingerprint"
    )
    version.add_argument("--format", choices=("text", "json"), default="text")
    version.set_defaults(handler=cmd_version)


def cmd_diff(args: argparse.Namespace) -> int:
    from engine.review.diff import diff
    from engine.review.render import render_markdown, render_text

    try:
        if args.as_of:
            _check_date(args.as_of)
        report = diff(
            args.old,
            args.new,
            repo=args.repo,
            policy_path=args.policy_path,
            cases=args.cases,
            as_of=args.as_of,
        )
    except ProblemsError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        print(f"✗ 无法比较 / cannot diff: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True))
    elif args.format == "markdown":
        print(render_markdown(report, args.lang), end="")
    else:
        print(render_text(report, args.lang), end="")
    return 0


def _check_date(text: str) -> None:
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError as exc:
        raise ProblemsError.one(
            "<command line>", "--as-of", f"{text!r} is not a date", "YYYY-MM-DD"
        ) from exc


def cmd_version(args: argparse.Namespace) -> int:
    from engine.policy.versions import fingerprint_of_dir

    try:
        current = fingerprint_of_dir(args.policy_dir)
    except ProblemsError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        return 1
    if args.fingerprint:
        print(current)
        return 0
    from engine.files.safe_yaml import load_yaml_file

    encoding = load_yaml_file(Path(args.policy_dir) / "instrument.yaml").data.get("encoding", {})
    changelog = encoding.get("changelog") or [{}]
    newest = changelog[-1]
    recorded = newest.get("fingerprint")
    status = "recorded" if recorded == current else "unrecorded"
    if args.format == "json":
        print(
            json.dumps(
                {
                    "version": encoding.get("version"),
                    "newest_entry": newest,
                    "fingerprint": current,
                    "status": status,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"编码版本 encoding version: {encoding.get('version')}")
    print(f"最新变更记录 newest changelog entry: {newest.get('version')} ({newest.get('date')})")
    print(f"已记录指纹 recorded fingerprint: {recorded or '—'}")
    print(f"当前指纹 current fingerprint:   {current}")
    if status == "recorded":
        print("✓ 规则与参数的改动均已记录 / every change to rules and parameters is recorded")
    else:
        print(
            "✗ 有未记录的改动：提高 encoding.version，新增变更记录（列出涉及的 eId "
            "和理由），并写入当前指纹 / "
            "unrecorded change: bump encoding.version, add a changelog entry naming the eIds and "
            "why, "
            "and record the current fingerprint in it"
        )
    return 0
