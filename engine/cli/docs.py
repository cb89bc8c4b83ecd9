"""``docs build|serve|generate``: the documentation site of the project checkout the command runs in.

The site is generated into that checkout's ``build/docs/`` and ``site/``, never into the install
location. The command line passes its own ``--help`` text to the generator for the command-line
guide, so that the generators never import this layer.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from pathlib import Path

from engine.cli.common import add_policy_option, print_problems, usage


def add_docs_commands(sub: argparse._SubParsersAction, help_text) -> None:
    """Add ``docs build``, ``docs serve`` and ``docs generate``; ``help_text()`` gives the guide's
    transcript of ``accountability --help``."""
    docs = sub.add_parser(
        "docs",
        help="build or serve the documentation site (generated from the policy)",
        description="Generate the documentation pages from the policy into a staging folder and "
        "build them with mkdocs-material (strict: any broken link or anchor fails).",
    )
    docs_sub = docs.add_subparsers(dest="docs_command", metavar="{build,serve,generate}")
    docs.set_defaults(handler=lambda args: usage(docs), help_text=help_text)

    def common(p: argparse.ArgumentParser) -> None:
        add_policy_option(p)
        p.add_argument(
            "--staging",
            default=None,
            metavar="DIR",
            help="where generated + hand-written pages are assembled (default: build/docs/ of "
            "the project checkout)",
        )
        p.set_defaults(help_text=help_text)

    build = docs_sub.add_parser(
        "build",
        help="generate the pages and run mkdocs build --strict",
        description="Generate every page from the policy, then build the static site.",
    )
    common(build)
    build.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="output folder of the site (default: site/ of the project checkout)",
    )
    build.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    build.set_defaults(handler=cmd_docs_build)

    serve = docs_sub.add_parser(
        "serve",
        help="generate the pages and serve the site locally, rebuilding on changes",
    )
    common(serve)
    serve.add_argument(
        "--addr",
        default="127.0.0.1:8000",
        metavar="HOST:PORT",
        help="address to serve the site on (default: 127.0.0.1:8000, this machine only)",
    )
    serve.set_defaults(handler=cmd_docs_serve)

    generate = docs_sub.add_parser(
        "generate",
        help="only generate the pages into the staging folder (no mkdocs)",
    )
    common(generate)
    generate.set_defaults(handler=cmd_docs_generate)


def _log_mkdocs(quiet: bool) -> None:
    import logging  # lazy: only the docs commands log (6 ms at every start otherwise)

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def _project_and_policy(args: argparse.Namespace, command: str):
    # lazy: keeps CLI start-up fast
    from engine.files.project import require_project
    from engine.policy.load import load_policy

    project = require_project(command)
    return project, load_policy(args.policy)


def _optional(path: str | None) -> Path | None:
    return Path(path) if path else None


def cmd_docs_build(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError
    from generators.docs.site import SiteBuildError, build_site

    _log_mkdocs(args.quiet)
    try:
        project, policy = _project_and_policy(args, "accountability docs build")
        out = _optional(args.out) or project.site_dir
        staged = build_site(
            policy, project, out, _optional(args.staging), cli_help=args.help_text()
        )
    except ProblemsError as exc:
        print_problems(exc.problems)
        print(f"✗ 文档未生成 / docs not built: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    except SiteBuildError as exc:
        print(f"✗ 文档未生成 / docs not built: {exc}", file=sys.stderr)
        return 1
    pages = sum(1 for f in staged.files if f.endswith(".md"))
    print(f"✓ 文档已生成 / docs built: {pages} pages ({len(staged.changed)} changed) → {out}")
    return 0


def cmd_docs_generate(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError
    from generators.docs.site import SiteBuildError, stage_site

    try:
        project, policy = _project_and_policy(args, "accountability docs generate")
        staged = stage_site(policy, project, _optional(args.staging), cli_help=args.help_text())
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    except SiteBuildError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 1
    print(f"✓ {len(staged.files)} files in {staged.docs_dir} ({len(staged.changed)} changed)")
    return 0


# what ``mkdocs serve`` takes for --addr: HOST:PORT, HOST an IP address (IPv6 in brackets or
# not) or ``localhost``; a host name would end in mkdocs's configuration error
_PORT = re.compile(r"[0-9]{1,5}")
_EXPECTED_ADDR = (
    "HOST:PORT: an IP address of this machine or localhost, and a port from 1 to 65535 "
    "(e.g. 127.0.0.1:8000)"
)
# errors of binding a socket only: nothing else raises them, so they name --addr for certain
_CANNOT_BIND = (errno.EADDRINUSE, errno.EADDRNOTAVAIL)


def _addr_problem(message: str, expected: str = _EXPECTED_ADDR):
    from engine.problems import ProblemsError  # lazy: keeps CLI start-up fast

    return ProblemsError.one("<command>", "--addr", message, expected, code="argument")


def serve_address(value: str) -> tuple[str, int]:
    """``--addr`` as (host, port), or ProblemsError saying what is wrong with it."""
    import ipaddress  # lazy: keeps CLI start-up fast

    from engine.problems import excerpt  # lazy: keeps CLI start-up fast

    shown = f"'{excerpt(value)}'"
    if ":" not in value:
        raise _addr_problem(f"{shown} has no ':PORT'" if value else "an empty value")
    host, port = value.rsplit(":", 1)
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if bare != "localhost":
        try:
            bare = str(ipaddress.ip_address(bare))
        except ValueError:
            what = f"the host '{excerpt(host)}' is not an IP address or localhost"
            raise _addr_problem(f"{shown}: {what if host else 'the host is missing'}") from None
    if not _PORT.fullmatch(port) or not 1 <= int(port) <= 65535:
        what = f"the port '{excerpt(port)}' is not a number from 1 to 65535"
        raise _addr_problem(f"{shown}: {what if port else 'the port is missing'}")
    return bare, int(port)


def check_can_listen(value: str, host: str, port: int) -> None:
    """Refuse ``--addr`` when this machine cannot listen there (the port is in use, the address
    is not one of this machine's, a port below 1024 needs privileges), before anything is made;
    the socket is closed again at once."""
    import socket  # lazy: keeps CLI start-up fast

    from engine.problems import excerpt  # lazy: keeps CLI start-up fast

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # as the server binds: a port left in TIME_WAIT by the previous run is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise _cannot_listen(value, excerpt(exc.strerror or str(exc), 200)) from None


def _cannot_listen(value: str, reason: str):
    from engine.problems import excerpt  # lazy: keeps CLI start-up fast

    return _addr_problem(
        f"cannot listen on '{excerpt(value)}': {reason}",
        "an address of this machine and a port no other program is using "
        "(stop the other server, or choose another port)",
    )


def cmd_docs_serve(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError
    from generators.docs.site import serve_site

    try:
        # the address is checked before anything is generated: mkdocs reads it only after
        host, port = serve_address(args.addr)
        check_can_listen(args.addr, host, port)
        _log_mkdocs(quiet=False)
        project, policy = _project_and_policy(args, "accountability docs serve")
        try:
            serve_site(
                policy,
                project,
                _optional(args.staging),
                address=args.addr,
                cli_help=args.help_text(),
            )
        except OSError as exc:
            if exc.errno not in _CANNOT_BIND:
                raise
            # taken by another program while the pages were generated
            raise _cannot_listen(args.addr, os.strerror(exc.errno)) from None
    except ProblemsError as exc:
        print_problems(exc.problems)
        print(
            f"✗ 文档站点未启动 / docs not served: {len(exc.problems)} problem(s)", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
