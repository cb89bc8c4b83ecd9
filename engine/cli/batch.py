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
        "--resume", action="store_true", help="keep the cases already in --out, answer the rest"
    )
    batch.add_argument("--summary", metavar="FILE.csv", help="one row per person and verdict")
    batch.add_argument("--explain", action="store_true", help="keep every step of the reasons")
    batch.add_argument("--what-if", action="store_true", help="add what would flip each verdict")
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
    import json
    from contextlib import ExitStack

    from tqdm import tqdm

    from engine.answer.query import as_of_day
    from engine.bulk.answers import BatchOptions
    from engine.bulk.inputs import count_cases, read_cases
    from engine.bulk.output import (
        batch_output,
        check_output,
        check_summary,
        done_records,
        summary_output,
    )
    from engine.bulk.runner import run_local
    from engine.bulk.summary import Totals, csv_rows, render_table
    from engine.policy.load import load_policy
    from engine.policy.parameters import parse_override
    from engine.problems import ProblemsError

    if args.workers < 1:
        print("--workers: at least 1", file=sys.stderr)
        return 2
    out = Path(args.out)
    summary_path = Path(args.summary) if args.summary else None
    try:
        if args.as_of is not None:
            as_of_day(args.as_of)
        policy = load_policy(args.policy)
        overrides = dict(parse_override(p, policy.parameter_index) for p in args.param)
        options = BatchOptions(
            policy_dir=args.policy,
            fingerprint=policy.fingerprint,
            as_of=args.as_of,
            parameters=overrides,
            calendar_file=args.calendar,
            explain=args.explain,
            what_if=args.what_if,
        )
        header = options.header()
        check_output(out, header, args.resume)  # refuse before reading a single case
        if summary_path is not None:
            check_summary(summary_path)
        if args.cluster:
            from engine.bulk.cluster import run_on_cluster, scheduler_address  # lazy: needs dask

            address = scheduler_address(args.cluster)
    except ProblemsError as exc:
        print_problems(exc.problems)
        print(f"✗ {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1

    totals = Totals()
    with ExitStack() as stack:
        handle = stack.enter_context(batch_output(out, header, args.resume))
        csv_out = stack.enter_context(summary_output(summary_path)) if summary_path else None

        def count(record: dict) -> None:
            totals.add(record)
            if csv_out is not None:
                csv_out.writerows(csv_rows(record))

        done: set[str] = set()
        if args.resume:
            for record in done_records(out):
                done.add(record["case"])
                count(record)
        pending = (case for case in read_cases(args.inputs) if case.key not in done)
        bar = stack.enter_context(
            tqdm(
                total=count_cases(args.inputs),
                initial=len(done),
                unit="case",
                desc="答复 answering",
                disable=args.no_progress or None,  # None: no bar when stderr is not a terminal
                file=sys.stderr,
                dynamic_ncols=True,
            )
        )
        if args.cluster:
            parts = run_on_cluster(address, pending, options)
        else:
            parts = run_local(pending, options, args.workers)
        for lines in parts:
            for text in lines:
                handle.write(text)
                count(json.loads(text))
            handle.flush()
            bar.update(len(lines))
    print(render_table(totals), end="")
    print(f"→ {out}" + (f", {summary_path}" if summary_path else ""))
    return 0
