"""``serve``: the engine as an HTTP service (FastAPI on uvicorn), read-only."""

from __future__ import annotations

import argparse
import math
import re
import sys

from engine.cli.common import add_policy_option, print_problems


def add_serve_command(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser(
        "serve",
        help="answer cases over HTTP (OpenAPI 3.1 at /openapi.json)",
        description="Serve POST /v1/answers, POST /v1/answers:batch and the policy's data over "
        "HTTP. Binds 127.0.0.1 unless told otherwise; any other address needs --token-file "
        "(clients send 'Authorization: Bearer TOKEN'). Writes nothing.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    serve.add_argument("--workers", type=int, default=1, metavar="N", help="processes")
    serve.add_argument("--token-file", metavar="FILE", help="file holding the bearer token")
    serve.add_argument(
        "--deadline", type=float, default=10.0, metavar="SECONDS", help="per request (504 after)"
    )
    serve.add_argument(
        "--max-concurrent",
        type=int,
        default=4,
        metavar="N",
        help="requests evaluated or waiting per process (503 with Retry-After beyond)",
    )
    serve.add_argument("--access-log", action="store_true", help="log every request")
    add_policy_option(serve)
    serve.set_defaults(handler=cmd_serve)


# an IPv4 or IPv6 address, or a host name; never empty (which would bind every interface)
_HOST = re.compile(r"[0-9A-Fa-f:.]{2,45}|(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
MAX_DEADLINE = 3600.0  # seconds: a request waited on longer than an hour is not an answer
MAX_CONCURRENT = 10_000  # requests admitted per process; each may hold a body of the size limit


def _option_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the host, port, deadline, admission count or processes, or None."""
    from engine.datalog.program import workers_problem  # lazy: keeps CLI start-up fast

    if not _HOST.fullmatch(args.host) or any(len(label) > 63 for label in args.host.split(".")):
        return (
            f"--host: {args.host[:60]!r}; expected an IP address or a host name "
            "(letters, digits, '-' and '.', at most 253 characters)"
        )
    if not 1 <= args.port <= 65535:
        return f"--port: {args.port}; expected a port from 1 to 65535"
    if not (math.isfinite(args.deadline) and 0 < args.deadline <= MAX_DEADLINE):
        return f"--deadline: {args.deadline}; expected seconds above 0, at most {MAX_DEADLINE:g}"
    if not 1 <= args.max_concurrent <= MAX_CONCURRENT:
        return f"--max-concurrent: {args.max_concurrent}; expected 1 to {MAX_CONCURRENT:,}"
    if wrong := workers_problem(args.workers):
        return f"--workers: {wrong}"
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.problems import ProblemsError
    from engine.service.server import is_loopback, serve
    from engine.service.settings import Settings

    if wrong := _option_problem(args):
        print(wrong, file=sys.stderr)
        return 2
    if not is_loopback(args.host) and not args.token_file:
        print(
            f"✗ {args.host} is reachable from other machines: --token-file FILE is required "
            "/ 绑定非本机地址须提供 --token-file",
            file=sys.stderr,
        )
        return 2
    settings = Settings(
        policy_dir=args.policy,
        deadline_seconds=args.deadline,
        max_concurrent=args.max_concurrent,
        token_file=args.token_file,
    )
    try:
        settings.token()  # refuse a bad token file before binding
    except ProblemsError as exc:
        print_problems(exc.problems)
        return 1
    serve(settings, args.host, args.port, args.workers, args.access_log)
    return 0
