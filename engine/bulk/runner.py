"""Running a batch: partitions of cases answered in order on this process, a pool of worker
processes, or a Dask cluster (engine.bulk.cluster), with a bounded number in flight.

Cases are partitioned as they are read and at most a few partitions per worker are in flight, so
memory stays flat however many cases there are; results come back in input order, so an
interrupted run's output is a prefix of the uninterrupted one and ``--resume`` continues it.
Whole cases are spread over processes (not only their evaluation): reading a case and building
its answer with explanations cost more than evaluating its rules.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager

from engine.bulk.answers import BatchOptions, Lines, answer_partition
from engine.bulk.inputs import CaseInput
from engine.datalog.errors import WorkerLost
from engine.datalog.parallel import in_order, process_pool
from engine.problems import ProblemsError

PARTITION_SIZE = 32  # cases per task: large enough to amortise sending, small for a smooth ETA
# allocations between two collections of the youngest generation while a batch runs (Python's
# default is 700), and how many of those before each older generation is collected (default 10)
YOUNG_THRESHOLD = 10_000
OLDER_THRESHOLDS = (20, 20)


def partitions(cases: Iterable[CaseInput], size: int = PARTITION_SIZE) -> Iterator[list[CaseInput]]:
    part: list[CaseInput] = []
    for case in cases:
        part.append(case)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part


def run_local(
    cases: Iterable[CaseInput],
    options: BatchOptions,
    workers: int = 1,
    partition_size: int = PARTITION_SIZE,
) -> Iterator[Lines]:
    """The output lines, partition by partition, answered here (``workers`` 1) or in that many
    worker processes (evaluation holds the GIL: threads would not run cases in parallel). Where
    processes can be forked, workers start with the policy this process loaded (see
    ``remember_policy``) instead of loading it again; elsewhere each loads it once."""
    parts = partitions(cases, partition_size)
    with batch_collector():
        if workers <= 1:
            for part in parts:
                yield answer_partition(part, options)
            return
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        try:
            with process_pool(workers, context, _young_threshold) as pool:
                yield from in_order(
                    lambda part: pool.submit(answer_partition, part, options),
                    Future.result,
                    parts,
                    2 * workers,
                )
        except WorkerLost as exc:  # the lines written before are complete: --resume goes on
            raise ProblemsError.one(
                "<batch>",
                "--workers",
                "a worker process ended before answering its cases (killed, or out of memory)",
                "workers that finish; --resume continues the lines written so far",
                code="run-time",
            ) from exc


@contextmanager
def batch_collector() -> Iterator[None]:
    """The cyclic garbage collector set for a batch, and put back as it was afterwards.

    An answer allocates tens of thousands of short-lived containers, almost none of them in
    cycles, and the collector examined them, and the loaded policy with them, every 700
    allocations: measured, 7–10 % of a line's time in one process. During the batch the objects
    alive at its start (the policy) are frozen out of collections, which forked workers inherit
    without their pages being copied, and collections run less often (``YOUNG_THRESHOLD``)."""
    before = gc.get_threshold()
    frozen = gc.get_freeze_count() == 0
    if frozen:
        gc.freeze()
    _young_threshold()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if frozen:
            gc.unfreeze()


def _young_threshold() -> None:
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
