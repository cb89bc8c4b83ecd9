"""``review``: legal officers' sign-offs — status, what changed since, checklist, sign, verify.

A sign-off vouches for everything the officer judged in an article (text, translation, rules,
periods and answer readings, parameters, anomalies, worked examples); any later change makes it
stale, and ``validate`` fails until the article is signed again. See docs/guide/review.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from engine.cli.common import (
    LANG_HELP,
    add_format_option,
    add_policy_option,
    load_or_report,
    print_problems,
    usage,
)

if TYPE_CHECKING:
    from engine.review.status import ArticleReview


def add_review_commands(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser(
        "review",
        help="legal officers' sign-offs: status, diff, checklist, sign, verify",
        description=(
            "Record and check legal officers' reviews of articles. A review covers an article's "
            "text and translation, rules, periods and answer readings, the parameters that bear "
            "on it, its anomalies and worked examples; any change after it makes it stale."
        ),
    )
    review.set_defaults(handler=lambda args: usage(review))
    group = review.add_subparsers(dest="review_command")

    status = group.add_parser(
        "status",
        help="per article: reviewed, stale or draft; by whom, when, at which revision",
        description="Where each article's review stands; for a stale one, what changed since.",
    )
    status.add_argument(
        "articles", nargs="*", metavar="ARTICLE", help="art_11 or 11 (default: all)"
    )
    add_format_option(status, ("text", "json"))
    add_policy_option(status)
    status.set_defaults(handler=cmd_status)

    diff = group.add_parser(
        "diff",
        help="what changed in an article since the revision its review recorded",
        description=(
            "The semantic diff (as `accountability diff`) between the git revision recorded at "
            "the article's sign-off (or --since) and the policy folder now, limited to the "
            "article: its text and rules, the parameters its review covers, its other parts, and "
            "the outcome changes on its fixtures and worked examples."
        ),
    )
    diff.add_argument("article", metavar="ARTICLE", help="art_11 or 11")
    diff.add_argument("--since", metavar="REVISION", help="compare with this revision instead")
    add_format_option(diff, ("text", "markdown", "json"))
    diff.add_argument("--lang", choices=("zh", "en"), default="zh", help=LANG_HELP)
    diff.add_argument("--as-of", metavar="DATE", help="one date for every case")
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
        help="the git repository (default: the one holding the policy folder)",
    )
    add_policy_option(diff)
    diff.set_defaults(handler=cmd_diff)

    sign = group.add_parser(
        "sign",
        help="record a reviewer's sign-off of articles (with --key, an SSH signature)",
        description=(
            "Record that REVIEWER reviewed the articles as they stand: status, reviewer, today's "
            "date, the git revision and the fingerprint of everything reviewed. With --key, sign "
            "that record with an SSH key (ssh-keygen -Y sign); `review verify` checks it against "
            "allowed_signers in the policy folder. Refused when the policy does not validate, or "
            "(in a git checkout) when the article differs from the last commit."
        ),
    )
    sign.add_argument("articles", nargs="+", metavar="ARTICLE", help="art_11 or 11")
    sign.add_argument("--reviewer", required=True, metavar="NAME", help="the reviewer's name")
    sign.add_argument("--key", metavar="KEY", help="SSH private key file to sign with")
    add_policy_option(sign)
    sign.set_defaults(handler=cmd_sign)

    verify = group.add_parser(
        "verify",
        help="check every signature against allowed_signers in the policy folder",
        description=(
            "Check every signed review: the signature against allowed_signers (unknown key, bad "
            "signature, a reviewer who is not the key's principal) and the fingerprint it vouches "
            "for against the article now. Exit 1 on any failure."
        ),
    )
    add_format_option(verify, ("text", "json"))
    add_policy_option(verify)
    verify.set_defaults(handler=cmd_verify)

    checklist = group.add_parser(
        "checklist",
        help="what to check before signing an article (Markdown)",
        description=(
            "A Markdown checklist generated from the encoding: each element with its rules in "
            "words, the parameters with their defaults, the anomalies with their questions, the "
            "worked examples with their expected answers."
        ),
    )
    checklist.add_argument("article", metavar="ARTICLE", help="art_11 or 11")
    add_policy_option(checklist)
    checklist.set_defaults(handler=cmd_checklist)

    refresh = group.add_parser(
        "refresh",
        help="bring draft review records up to date (reviewed ones need a new sign-off)",
        description=(
            "Record the current fingerprint in the review records of draft articles whose "
            "encoding changed (all drafts, or the ones named). Reviewed records are left alone."
        ),
    )
    refresh.add_argument("articles", nargs="*", metavar="ARTICLE", help="art_11 or 11")
    add_policy_option(refresh)
    refresh.set_defaults(handler=cmd_refresh)


# --- handlers -----------------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError
    from engine.review.status import STATE_LABELS, progress, resolve_articles, review_statuses

    policy = load_or_report(args.policy)
    if policy is None:
        return 1
    try:
        eids = resolve_articles(policy, args.articles) if args.articles else None
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    statuses = review_statuses(policy, eids)
    overall = progress(review_statuses(policy))
    if args.format == "json":
        print(
            json.dumps(
                {"progress": overall, "articles": [s.to_dict() for s in statuses]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(
        f"复核状态 / Review status — {policy.instrument['document_number']}, encoding "
        f"v{policy.version}"
    )
    print("  " + _progress_line(overall))
    print()
    for s in statuses:
        zh, en = STATE_LABELS[s.state]
        print(f"{s.eid:<7} {zh} {en}{_details(s)}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.cli.diff import _check_date
    from engine.problems import ProblemsError
    from engine.review.article_diff import article_diff, render_review_header
    from engine.review.render import render_markdown, render_text

    try:
        if args.as_of:
            _check_date(args.as_of)
        report = article_diff(
            _policy_dir(args.policy),
            args.article,
            since=args.since,
            repo=args.repo,
            cases=args.cases,
            as_of=args.as_of,
        )
    except ProblemsError as exc:
        print_problems(exc.problems)
        print(f"✗ 无法比较 / cannot diff: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True))
    elif args.format == "markdown":
        print(render_review_header(report, args.lang, markdown=True), end="")
        print(render_markdown(report, args.lang), end="")
    else:
        print(render_review_header(report, args.lang), end="")
        print(render_text(report, args.lang), end="")
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from datetime import date

    from engine.files.project import display_path
    from engine.problems import ProblemsError
    from engine.review.signing import ALLOWED_SIGNERS
    from engine.review.signoff import sign_off

    try:
        policy_dir = _writable_policy_dir(args.policy, "review sign")
        done = sign_off(
            policy_dir, args.articles, args.reviewer, date.today().isoformat(), args.key
        )
    except ProblemsError as exc:
        print_problems(exc.problems)
        print("✗ 未签署 / nothing signed", file=sys.stderr)
        return 1
    for signed in done:
        review = signed.review
        revision = (review["revision"] or "—")[:10]
        how = "signed" if review["signature"] else "not signed (no --key)"
        print(
            f"✓ {signed.eid} 复核已记录 / review recorded: {review['reviewer']}, {review['date']}, "
            f"revision {revision}, fingerprint {review['fingerprint']['sha256'][:12]}…, {how}"
        )
        if signed.verdict is not None and not signed.verdict.ok:
            allowed = display_path(policy_dir / ALLOWED_SIGNERS)
            print(
                f"! {signed.eid}: `review verify` 将失败 / will fail: {signed.verdict.problem}. "
                f"在 {allowed} 中加入一行 / add a line to {allowed}: "
                f"`{review['reviewer']} <the public key, e.g. the contents of {args.key}.pub>`"
            )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError
    from engine.review.signoff import verify_all

    policy = load_or_report(args.policy)
    if policy is None:
        return 1
    try:
        checked, unsigned = verify_all(policy)
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    failed = [c for c in checked if c.problems]
    if args.format == "json":
        print(
            json.dumps(
                {
                    "ok": not failed,
                    "checked": [c.__dict__ for c in checked],
                    "reviewed_unsigned": unsigned,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 1 if failed else 0
    for c in checked:
        if c.problems:
            print(f"✗ {c.eid} ({c.reviewer}): " + "; ".join(c.problems), file=sys.stderr)
        else:
            print(f"✓ {c.eid}: 签名有效 / good signature by {c.reviewer} ({c.key})")
    for eid in unsigned:
        print(f"- {eid}: 已复核但未签名 / reviewed, not signed")
    if failed:
        print(
            f"✗ {len(failed)} 个签名未通过 / signature(s) failed of {len(checked)}",
            file=sys.stderr,
        )
        return 1
    print(f"✓ {len(checked)} 个签名均有效 / every signature holds ({len(checked)})")
    return 0


def cmd_checklist(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError
    from engine.review.checklist import checklist_markdown
    from engine.review.status import resolve_articles

    policy = load_or_report(args.policy)
    if policy is None:
        return 1
    try:
        [eid] = resolve_articles(policy, [args.article])
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    print(checklist_markdown(policy, eid), end="")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError
    from engine.review.signoff import refresh

    try:
        policy_dir = _writable_policy_dir(args.policy, "review refresh")
        result = refresh(policy_dir, args.articles or None)
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    for eid in result["refreshed"]:
        print(f"✓ {eid}: 草稿记录已更新 / draft record brought up to date")
    if result["current"]:
        print(f"= 无需更新 / already current: {', '.join(result['current'])}")
    if result["reviewed"]:
        print(
            f"- 已复核，未改动（需重新签署）/ reviewed, left alone (sign again instead): "
            f"{', '.join(result['reviewed'])}"
        )
    return 0


# --- helpers --------------------------------------------------------------------------------------


def _policy_dir(given: str | None) -> Path:
    from engine.files.project import default_policy_dir  # lazy: keeps CLI start-up fast

    return Path(given) if given else default_policy_dir()


def _writable_policy_dir(given: str | None, command: str) -> Path:
    """A named policy folder, or the project's: never the policy installed with the engine."""
    # lazy: keeps CLI start-up fast
    from engine.files.project import default_policy_dir, require_project

    if given:
        return Path(given)
    return default_policy_dir(require_project(command).root)


def _progress_line(overall: dict) -> str:
    stale = overall["stale"]
    return (
        f"已复核 reviewed {overall['reviewed']} / {overall['total']} · "
        f"复核后已改动 stale {len(stale)}" + (f" ({', '.join(stale)})" if stale else "") + " · "
        f"草稿 draft {overall['draft']} · 已签名 signed {overall['signed']}"
    )


def _details(s: ArticleReview) -> str:
    parts = []
    if s.reviewer:
        parts.append(f"{s.reviewer} {s.date}")
    if s.revision:
        parts.append(f"revision {s.revision[:10]}")
    if s.state != "draft":
        parts.append("signed 已签名" if s.signed else "unsigned 未签名")
    if s.changed:
        what = ", ".join(
            f"{z} {e}" for z, e in zip(s.changed_names("zh"), s.changed_names("en"), strict=True)
        )
        label = "record out of date 记录未更新" if s.state == "draft" else "changed since 改动"
        parts.append(f"{label}: {what}")
    if s.covers_text_only:
        parts.append("record covers the text only 记录只涵盖条文")
    return (" — " + " · ".join(parts)) if parts else ""
