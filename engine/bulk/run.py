"""One batch run from inputs to files: refuse outputs that are not ours, continue after
``--resume``, answer in order (locally or on a cluster), write each line as it comes, count, and
show progress with rate and ETA on stderr (tqdm; no bar when stderr is not a terminal)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from engine.answer.query import as_of_day, check_arguments
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
from engine.dates.calendar import load_calendar_file
from engine.files.output import same_path
from engine.policy.model import Policy
from engine.policy.parameters import resolve_parameters
from engine.problems import ProblemsError

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
    # answers partitions elsewhere (engine.bulk.cluster.run_on_cluster with its client bound);
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
    _check_options(policy, options)
    check_output(run.out, header, run.resume)  # refuse before reading a single case
    if run.summary is not None:
        check_summary(run.summary)
        if same_path(run.summary, run.out):
            raise ProblemsError.one(
                str(run.summary),
                "--summary",
                "the summary would be written over the answers",
                "a summary file other than --out",
                code="argument",
            )
    totals = Totals()
    with ExitStack() as stack:
        handle = stack.enter_context(batch_output(run.out, header, run.resume))
        table = stack.enter_context(summary_output(run.summary)) if run.summary else None
        count: Callable[[Tally], None] = _counter(totals, table)
        done: list[str] = []
        if run.resume:
            for record in done_records(run.out):
                done.append(record["case"])
                count(tally(record))
        pending = _after(read_cases(run.inputs), done, run.out)
        bar = stack.enter_context(
            tqdm(
                total=count_cases(run.inputs),
                initial=len(done),
                unit="case",
                desc="答复 answering",
                disable=None if run.progress else True,  # None: only on a terminal
                file=sys.stderr,
                **_bar_width(),
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


def _after(cases: Iterator[CaseInput], done: list[str], out: Path) -> Iterator[CaseInput]:
    """The cases after those already answered in ``out``, which must be the first cases of the
    inputs, in their order: the output of other inputs (other files, or files changed since) is
    refused before a case is answered, rather than continued into a file that is neither run's."""
    for number, key in enumerate(done, start=1):
        case = next(cases, None)
        if case is None or case.key != key:
            found = "no more cases" if case is None else f"the case {case.key}"
            raise ProblemsError.one(
                str(out),
                "--resume",
                f"its case {number} is {key}, where the inputs have {found}",
                "the inputs of the run it continues, unchanged (or no --resume to start again)",
                code="resume-mismatch",
            )
    return cases


def _bar_width() -> dict[str, Any]:
    """The bar follows the terminal's width; a terminal that reports no size (a pseudo-terminal
    opened without one, as some containers and log capturers do) gets 80 columns and 24 lines,
    where tqdm would draw nothing at all."""
    try:
        sized = os.get_terminal_size(sys.stderr.fileno()).columns > 0
    except (AttributeError, OSError, ValueError):
        sized = False
    return {"dynamic_ncols": True} if sized else {"ncols": 80, "nrows": 24}


def _check_options(policy: Policy, options: BatchOptions) -> None:
    """Refuse, before any case is read, what would refuse every case alike: the date, the
    readings overridden and the calendar file are the same for the whole batch."""
    check_arguments(policy, options.parameters, options.calendar_file, None)
    if options.as_of is not None:
        as_of_day(options.as_of)
    resolve_parameters(policy.parameter_index, dict(options.parameters))
    if options.calendar_file is not None:
        load_calendar_file(options.calendar_file)


def _counter(totals: Totals, table) -> Callable[[Tally], None]:
    def count(counts: Tally) -> None:
        totals.add(counts)
        if table is not None:
            table.writerows(counts.rows)

    return count
