"""``validate``, ``parameters`` and ``version``: what the encoding holds, and whether it is sound."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.cli.common import (
    LANG_HELP,
    POLICY_HELP,
    add_format_option,
    add_policy_option,
    emit,
    load_or_report,
)


def add_policy_commands(sub: argparse._SubParsersAction) -> None:
    validate = sub.add_parser(
        "validate",
        help="check the policy files (schemas, cross-references, source round trip, rules)",
        description="Check every policy file; print a summary (exit 0) or every problem (exit 1).",
    )
    validate.add_argument(
        "policy_dir", nargs="?", default=None, metavar="POLICY_DIR", help=POLICY_HELP
    )
    validate.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people, json (problems and summary) for programs and editors (default: text)",
    )
    validate.set_defaults(handler=cmd_validate)

    params = sub.add_parser(
        "parameters", help="list the interpretation parameters with their defaults"
    )
    params.add_argument("--lang", choices=("zh", "en"), default="zh", help=LANG_HELP)
    params.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: each reading with its default and options in words; json: the definitions "
        "as parameters.yaml holds them (schema/parameters.schema.json) (default: text)",
    )
    add_policy_option(params)
    params.set_defaults(handler=cmd_parameters)

    version = sub.add_parser(
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
        "policy_dir", nargs="?", default=None, metavar="POLICY_DIR", help=POLICY_HELP
    )
    version.add_argument(
        "--fingerprint", action="store_true", help="print only the current fingerprint"
    )
    add_format_option(version, ("text", "json"))
    version.set_defaults(handler=cmd_version)


def _policy_dir(given: str | None) -> Path:
    # lazy: keeps CLI start-up fast
    from engine.files.project import default_policy_dir
    from engine.files.reader import path_kind
    from engine.problems import ProblemsError

    if not given:
        return default_policy_dir()
    kind = path_kind(Path(given))
    if kind != "folder":
        raise ProblemsError.one(
            given,
            "POLICY_DIR",
            f"a {kind}, not a policy folder" if kind else "no such folder",
            "a policy folder (with instrument.yaml)",
            code="unreadable",
        )
    return Path(given)


def cmd_validate(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.files.project import display_path
    from engine.policy.load import read_policy
    from engine.policy.summary import render_summary, summary
    from engine.problems import ProblemsError, errors

    try:
        policy_dir = _policy_dir(args.policy_dir)
    except ProblemsError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        return 1
    shown = display_path(policy_dir)
    policy, problems = read_policy(policy_dir)
    failed = bool(errors(problems)) or policy is None
    if args.format == "json":
        report = {
            "valid": not failed,
            "policy_dir": shown,
            "problems": [p.to_dict() for p in problems],
            "summary": summary(policy) if policy else None,
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 1 if failed else 0
    for p in problems:
        print(p.format(), file=sys.stderr if p.severity == "error" else sys.stdout)
    if failed:
        count = len(errors(problems))
        print(f"✗ 政策无效 / policy invalid: {count} error(s) in {shown}", file=sys.stderr)
        return 1
    print(render_summary(summary(policy)))
    return 0


def cmd_parameters(args: argparse.Namespace) -> int:
    policy = load_or_report(args.policy)
    if policy is None:
        return 1
    if args.format == "json":
        print(json.dumps(policy.parameters, ensure_ascii=False, indent=2))
        return 0
    from engine.answer.names import Namer, parameter_value_words  # lazy: CLI start-up

    namer = Namer.for_policy({}, policy)
    lang = args.lang
    default_word = "（默认）" if lang == "zh" else " (default)"
    for p in policy.parameters["parameters"]:
        emit(f"{p['id']}  {p['title'][lang]}")
        # each value as --param takes it, then in words; the default marked
        if p["type"] == "enum":
            values = [o["value"] for o in p["options"]]
        elif p["type"] == "boolean":
            values = [True, False]
        else:
            typed = ",".join(p["default"]) if isinstance(p["default"], list) else p["default"]
            words = parameter_value_words(p, p["default"], lang, namer)
            emit(f"    {typed}  {words}{default_word}")
            continue
        for value in values:
            typed = str(value).lower() if isinstance(value, bool) else value
            words = parameter_value_words(p, value, lang, namer)
            mark = default_word if value == p["default"] else ""
            emit(f"    {typed}  {words}{mark}")
    return 0


def cmd_version(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.files.safe_yaml import load_yaml_file
    from engine.policy.versions import fingerprint_of_dir
    from engine.problems import ProblemsError

    try:
        policy_dir = _policy_dir(args.policy_dir)
        current = fingerprint_of_dir(policy_dir)
    except ProblemsError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        return 1
    if args.fingerprint:
        print(current)
        return 0
    encoding = load_yaml_file(policy_dir / "instrument.yaml").data.get("encoding", {})  # checked
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
