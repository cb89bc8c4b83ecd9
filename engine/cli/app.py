"""The ``accountability`` command: one entry point for legal officers, developers and CI."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from engine.policy.load import DEFAULT_POLICY_DIR, Policy, load_policy, read_policy
from engine.problems import Problem, ProblemsError, errors


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except BrokenPipeError:  # output piped into `head` and the like: not an error of ours
        sys.stderr.close()
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accountability",
        description="文水县民政局监管执法责任倒查机制 (文民发[2023]25号) — policy as code. "
        "Validate the encoding, query cases, build the documentation.",
    )
    sub = parser.add_subparsers(dest="command")
    from engine.cli.diff import add_diff_commands
    from engine.cli.docs import add_docs_commands

    add_diff_commands(sub)
    add_docs_commands(sub)
    validate = sub.add_parser(
        "validate",
        help="check the policy files (schemas, cross-references, source round trip, rules)",
        description="Check every policy file; print a summary (exit 0) or every problem (exit 1).",
    )
    validate.add_argument(
        "policy_dir", nargs="?", default=str(DEFAULT_POLICY_DIR), metavar="POLICY_DIR"
    )
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(handler=cmd_validate)

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
    query.add_argument("--policy", default=str(DEFAULT_POLICY_DIR), metavar="POLICY_DIR")
    query.set_defaults(handler=cmd_query)

    fixtures = sub.add_parser(
        "fixtures",
        help="regenerate tests/fixtures/ (authored examples + per-rule cases), or --check they are current",
    )
    fixtures.add_argument(
        "--check", action="store_true", help="fail if committed fixtures are stale"
    )
    fixtures.add_argument("--policy", default=str(DEFAULT_POLICY_DIR), metavar="POLICY_DIR")
    fixtures.set_defaults(handler=cmd_fixtures)

    cov = sub.add_parser(
        "coverage",
        help="per eId: fixtures where it applies / does not apply; rules no fixture makes fire",
    )
    cov.add_argument("--format", choices=("text", "json"), default="text")
    cov.add_argument("--policy", default=str(DEFAULT_POLICY_DIR), metavar="POLICY_DIR")
    cov.set_defaults(handler=cmd_coverage)

    params = sub.add_parser(
        "parameters", help="list the interpretation parameters with their defaults"
    )
    params.add_argument("--lang", choices=("zh", "en"), default="zh")
    params.add_argument("--policy", default=str(DEFAULT_POLICY_DIR), metavar="POLICY_DIR")
    params.set_defaults(handler=cmd_parameters)
    return parser


def cmd_validate(args: argparse.Namespace) -> int:
    policy, problems = read_policy(Path(args.policy_dir))
    failed = bool(errors(problems)) or policy is None
    if args.format == "json":
        report = {
            "valid": not failed,
            "policy_dir": args.policy_dir,
            "problems": [p.to_dict() for p in problems],
            "summary": summary(policy) if policy else None,
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 1 if failed else 0
    for p in problems:
        print(p.format(), file=sys.stderr if p.severity == "error" else sys.stdout)
    if failed:
        count = len(errors(problems))
        print(
            f"✗ 政策无效 / policy invalid: {count} error(s) in {args.policy_dir}", file=sys.stderr
        )
        return 1
    print(render_summary(summary(policy)))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from engine.policy.parameters import parse_override

    try:
        policy = load_policy(args.policy)
        overrides = dict(parse_override(p, policy.parameter_index) for p in args.param)
        answer = policy.evaluate(
            args.case, args.as_of, overrides, args.calendar, backend=args.backend
        )
    except ProblemsError as exc:
        print_problems(exc.problems)
        print(f"✗ 无法评估 / not evaluated: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(answer.render(args.lang, explain=args.explain), end="")
    return 0


def cmd_fixtures(args: argparse.Namespace) -> int:
    from generators.fixtures.build import build_fixtures, render_files, stale_files, write_files

    try:
        policy = load_policy(args.policy)
        files = render_files(policy, build_fixtures(policy))
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    if args.check:
        stale = stale_files(files)
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
    changed = write_files(files)
    print(f"✓ {len(files) - 1} fixtures; {len(changed)} file(s) written or removed")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from generators.fixtures.build import load_fixture_files
    from generators.fixtures.coverage import coverage, render_coverage

    try:
        policy = load_policy(args.policy)
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    report = coverage(policy, load_fixture_files())
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render_coverage(report), end="")
    return 0 if report["complete"] else 1


def cmd_parameters(args: argparse.Namespace) -> int:
    try:
        policy = load_policy(args.policy)
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    for p in policy.parameters["parameters"]:
        options = ", ".join(str(o["value"]) for o in p.get("options", [])) or p["type"]
        print(f"{p['id']} = {p['default']}  [{options}]  — {p['title'][args.lang]}")
    return 0


def summary(policy: Policy) -> dict:
    """What is encoded, in numbers a reviewer can check against the source at a glance."""
    elements = [e for a in policy.articles for e in a["elements"]]
    vocabulary = policy.vocabulary["predicates"]
    edition = policy.instrument["editions"][-1]
    return {
        "instrument": policy.id,
        "title": policy.instrument["title"],
        "document_number": policy.instrument["document_number"],
        "issuer": policy.instrument["issuer"],
        "edition": {
            "id": edition["id"],
            "effective_from": edition["effective_from"],
            "status": edition["status"],
        },
        "encoding_version": policy.version,
        "articles": len(policy.articles),
        "articles_by_kind": dict(sorted(Counter(a["kind"] for a in policy.articles).items())),
        "computed_articles": sum(1 for a in policy.articles if a["computed"]),
        "elements_by_kind": dict(sorted(Counter(e["kind"] for e in elements).items())),
        "rules": len(policy.rules),
        "anomalies": sum(len(a["anomalies"]) for a in policy.articles)
        + len(policy.instrument["anomalies"]),
        "normalisations": len(policy.normalisation["entries"]),
        "parameters": len(policy.parameters["parameters"]),
        "predicates": dict(sorted(Counter(p["kind"] for p in vocabulary).items())),
        "review": dict(sorted(Counter(a["review"]["status"] for a in policy.articles).items())),
        "warnings": len(policy.warnings),
    }


def render_summary(s: dict) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in s["articles_by_kind"].items())
    elements = ", ".join(f"{k} {v}" for k, v in s["elements_by_kind"].items())
    predicates = ", ".join(f"{k} {v}" for k, v in s["predicates"].items())
    review = ", ".join(f"{k} {v}" for k, v in s["review"].items())
    edition = s["edition"]
    effective = edition["effective_from"] or "未知 unknown"
    lines = [
        f"✓ 政策有效 / policy valid: {s['title']['zh']} ({s['document_number']})",
        f"  {s['title']['en']}",
        f"  发文机关 issuer: {s['issuer']['zh']} / {s['issuer']['en']}",
        f"  版本 edition {edition['id']} ({edition['status']}, effective from {effective}); "
        f"编码版本 encoding v{s['encoding_version']}",
        f"  条 articles: {s['articles']} ({kinds}); computed: {s['computed_articles']}",
        f"  要素 elements: {elements}",
        f"  规则 rules: {s['rules']}; 谓词 predicates: {predicates}",
        f"  解释参数 interpretation parameters: {s['parameters']}; 起草异常 anomalies flagged: {s['anomalies']}",
        f"  规范化记录 normalisations logged: {s['normalisations']} (source round trip OK)",
        f"  复核 review: {review}; 警告 warnings: {s['warnings']}",
    ]
    return "\n".join(lines)


def print_problems(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format(), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
