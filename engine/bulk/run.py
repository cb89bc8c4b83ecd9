"""One batch run from inputs to files: refuse outputs that are not ours, continue after
``--resume``, answer in order (locally or on a cluster), write each line as it comes, count, and
show progress with rate and ETA on stderr (tqdm; no bar when stderr is not a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from engine.bulk.answers import BatchOptions, Lines, remember_policy
from engine.bulk.inputs import CaseInput, count_cases, read_cases
from engine.bulk.output import (
    batch_output,
    check_output,
    check_summary,
    done_records,
    summary_output,
)
from engine.bulk.runner import run_local
from engine.bulk.summary import Tally, Totals, render_table, tally
from engine.policy.model import Policy

__all__ = ["BatchRun", "render_table", "run_batch"]


@dataclass(frozen=True)
class BatchRun:
    """Where a batch reads and writes and how it runs."""

    inputs: list[str]
    out: Path
    summary: Path | None = None
    resume: bool = False
    workers: int = 1
    progress: bool = True
    # answers partitions elsewhere (engine.bulk.cluster.run_on_cluster with its address bound);
    # default: run_local with ``workers`` processes
    runner: Callable[[Iterator[CaseInput], BatchOptions], Iterator[Lines]] | None = None


def run_batch(
    policy: Policy,
    run: BatchRun,
    *,
    as_of: str | None = None,
    parameters: dict[str, Any] | None = None,
    calendar_file: str | None = None,
    explain: bool = False,
    policy_dir: str | None = None,
) -> Totals:
    """Answer every case of ``run.inputs`` into ``run.out``; the totals of the whole output."""
    options = BatchOptions(
        policy_dir=policy_dir,
        fingerprint=policy.fingerprint,
        as_of=as_of,
        parameters=dict(parameters or {}),
        calendar_file=calendar_file,
        explain=explain,
    )
    remember_policy(options, policy)
    header = options.header()
    check_output(run.out, header, run.resume)  # refuse before reading a single case
    if run.summary is not None:
        check_summary(run.summary)
    totals = Totals()
    with ExitStack() as stack:
        handle = stack.enter_context(batch_output(run.out, header, run.resume))
        table = stack.enter_context(summary_output(run.summary)) if run.summary else None
        count: Callable[[Tally], None] = _counter(totals, table)
        done: set[str] = set()
        if run.resume:
            for record in done_records(run.out):
                done.add(record["case"])
                count(tally(record))
        pending = (case for case in read_cases(run.inputs) if case.key not in done)
        bar = stack.enter_context(
            tqdm(
                total=count_cases(run.inputs),
                initial=len(done),
                unit="case",
                desc="答复 answering",
                disable=None if run.progress else True,  # None: only on a terminal
                file=sys.stderr,
                dynamic_ncols=True,
            )
        )
        if run.runner is not None:
            parts = run.runner(pending, options)
        else:
            parts = run_local(pending, options, run.workers)
        for lines in parts:
            for text, counts in lines:
                handle.write(text)
                count(counts)
            handle.flush()
            bar.update(len(lines))
    return totals


def _counter(totals: Totals, table) -> Callable[[Tally], None]:
    def count(counts: Tally) -> None:
        totals.add(counts)
        if table is not None:
            table.writerows(counts.rows)

    return count
