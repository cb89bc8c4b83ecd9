"""``batch``: answer many cases (files, folders, JSON Lines) into one JSON Lines file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import add_policy_option, print_problems


def add_batch_command(sub: argparse._SubParsersAction) -> None:
    batch = sub.add_parser(
        "batch",
        help="answer many cases into one JSON Lines file, with progress, resumption and a summary",
        description="Answer every case of the inputs (case files, folders of them, JSON Lines "
        "files with one case per line) as `accountability query --format json` would, one line "
        'per case in input order: {"case": KEY, "answer": …} or {"case": KEY, '
        '"problems": […]}. A bad case is reported in its line and the others are answered.',
    )
    batch.add_argument("inputs", nargs="+", metavar="INPUT", help="case file, folder or .jsonl")
    batch.add_argument("--out", required=True, metavar="FILE.jsonl", help="output (JSON Lines)")
    batch.add_argument(
        "--workers", type=int, default=1, metavar="N", help="worker processes (default 1)"
    )
    batch.add_argument(
        "--cluster",
        metavar="dask://HOST:PORT",
        help="run on an existing Dask cluster instead of local workers (needs the 'cluster' extra)",
    )
    batch.add_argument(
        "--resume",
        action="store_true",
        help="keep the cases already in --out (the first cases of the same inputs), answer the rest",
    )
    batch.add_argument("--summary", metavar="FILE.csv", help="one row per person and verdict")
    batch.add_argument("--explain", action="store_true", help="keep every step of the reasons")
    batch.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override an interpretation parameter (repeatable; lists comma-separated)",
    )
    batch.add_argument("--as-of", metavar="DATE", help="edition in force and 'today'")
    batch.add_argument("--calendar", metavar="FILE", help="holiday calendar file")
    batch.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_policy_option(batch)
    batch.set_defaults(handler=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    # lazy: keeps CLI start-up fast
    from engine.bulk.run import BatchRun, render_table, run_batch
    from engine.datalog.program import workers_problem
    from engine.policy.load import load_policy
    from engine.policy.parameters import parse_overrides
    from engine.problems import ProblemsError

    if wrong := workers_problem(args.workers):
        print(f"--workers: {wrong}", file=sys.stderr)
        return 2
    client = None
    try:
        runner = None
        if args.cluster:
            client, runner = _cluster_runner(args.cluster)
        policy = load_policy(args.policy)  # run_batch checks the date and readings given
        overrides = parse_overrides(args.param, policy.parameter_index)
        run = BatchRun(
            inputs=args.inputs,
            out=Path(args.out),
            summary=Path(args.summary) if args.summary else None,
            resume=args.resume,
            workers=args.workers,
            progress=not args.no_progress,
            runner=runner,
        )
        totals = run_batch(
            policy,
            run,
            as_of=args.as_of,
            parameters=overrides,
            calendar_file=args.calendar,
            explain=args.explain,
            policy_dir=args.policy,
        )
    except ProblemsError as exc:
        print_problems(exc.problems)
        print(f"✗ {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    finally:
        if client is not None:
            client.close()
    print(render_table(totals), end="")
    print(f"→ {args.out}" + (f", {args.summary}" if args.summary else ""))
    return 0


def _cluster_runner(url: str):
    """A client of the scheduler at ``dask://HOST:PORT``, connected now (before any file is
    written), and ``run_on_cluster`` bound to it (needs the 'cluster' extra: dask.distributed)."""
    # lazy: keeps CLI start-up fast
    from functools import partial

    from engine.problems import ProblemsError

    try:
        from engine.bulk.cluster import connect, run_on_cluster, scheduler_address  # lazy: dask
    except ImportError as exc:
        raise ProblemsError.one(
            "<command>",
            "--cluster",
            f"dask.distributed is not installed ({exc.name})",
            "the 'cluster' extra: pip install -e '.[cluster]' (dask[distributed])",
            code="missing-extra",
        ) from None
    client = connect(scheduler_address(url))
    return client, partial(run_on_cluster, client)
