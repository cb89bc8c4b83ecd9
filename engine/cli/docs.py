"""``accountability docs …``: build, serve or just generate the documentation site.

Kept apart from engine/cli.py so that the CLI core does not import mkdocs; ``build_parser`` calls
``add_docs_commands(sub)`` to wire it in.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from engine.policy.load import DEFAULT_POLICY_DIR
from engine.problems import ProblemsError


def add_docs_commands(subparsers) -> None:
    """Add ``docs build``, ``docs serve`` and ``docs generate`` to the ``accountability`` parser."""
    from generators.docs.site import SITE_DIR, STAGING_DIR

    docs = subparsers.add_parser(
        "docs",
        help="build or serve the documentation site (generated from the policy)",
        description="Generate the documentation pages from the policy into a staging folder and "
        "build them with mkdocs-material (strict: any broken link or anchor fails).",
    )
    docs_sub = docs.add_subparsers(dest="docs_command", metavar="{build,serve,generate}")
    docs.set_defaults(handler=lambda args: _usage(docs))

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--policy", default=str(DEFAULT_POLICY_DIR), metavar="POLICY_DIR")
        p.add_argument(
            "--staging",
            default=str(STAGING_DIR),
            metavar="DIR",
            help="where generated + hand-written pages are assembled "
            f"(default: {_short(STAGING_DIR)})",
        )

    build = docs_sub.add_parser(
        "build",
        help="generate the pages and run mkdocs build --strict",
        description="Generate every page from the policy, then build the static site.",
    )
    common(build)
    build.add_argument(
        "--out",
        default=str(SITE_DIR),
        metavar="DIR",
        help=f"output folder of the site (default: {_short(SITE_DIR)})",
    )
    build.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    build.set_defaults(handler=cmd_docs_build)

    serve = docs_sub.add_parser(
        "serve",
        help="generate the pages and serve the site locally, rebuilding on changes",
    )
    common(serve)
    serve.add_argument("--addr", default="127.0.0.1:8000", metavar="HOST:PORT")
    serve.set_defaults(handler=cmd_docs_serve)

    generate = docs_sub.add_parser(
        "generate",
        help="only generate the pages into the staging folder (no mkdocs)",
    )
    common(generate)
    generate.set_defaults(handler=cmd_docs_generate)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _short(path: Path) -> str:
    from engine.policy.load import REPO_ROOT

    try:
        return str(path.relative_to(REPO_ROOT)) + "/"
    except ValueError:
        return str(path)


def _policy(args):
    from engine.policy.load import load_policy

    return load_policy(args.policy)


def _log_mkdocs(quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def cmd_docs_build(args: argparse.Namespace) -> int:
    from generators.docs.site import SiteBuildError, build_site

    _log_mkdocs(args.quiet)
    try:
        staged = build_site(_policy(args), Path(args.out), Path(args.staging))
    except ProblemsError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        print(f"✗ 文档未生成 / docs not built: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    except SiteBuildError as exc:
        print(f"✗ 文档未生成 / docs not built: {exc}", file=sys.stderr)
        return 1
    pages = sum(1 for f in staged.files if f.endswith(".md"))
    print(f"✓ 文档已生成 / docs built: {pages} pages ({len(staged.changed)} changed) → {args.out}")
    return 0


def cmd_docs_generate(args: argparse.Namespace) -> int:
    from generators.docs.site import SiteBuildError, stage_site

    try:
        staged = stage_site(_policy(args), Path(args.staging))
    except ProblemsError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        return 1
    except SiteBuildError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 1
    print(f"✓ {len(staged.files)} files in {args.staging} ({len(staged.changed)} changed)")
    return 0


def cmd_docs_serve(args: argparse.Namespace) -> int:
    from generators.docs.site import serve_site

    _log_mkdocs(quiet=False)
    try:
        serve_site(_policy(args), Path(args.staging), address=args.addr)
    except ProblemsError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
