"""Work spread over worker processes: results in the order the work was given, a bounded number
of pieces in flight, and a worker that dies named as such instead of waited for.

Used by ``Program.evaluate_batch(workers=…)`` and by the batch command (``engine.bulk.runner``).
``concurrent.futures.ProcessPoolExecutor`` rather than ``multiprocessing.Pool``: the pool's
worker-handling thread wakes whenever a result waits to be read and spins until it has been
(measured: docs/engine/performance.md, "Workers that do not spin"), and a pool whose worker is
killed waits forever for the work that worker held.
"""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from .errors import WorkerLost


def in_order(
    submit: Callable[[Any], Any],
    result: Callable[[Any], Any],
    items: Iterable[Any],
    window: int,
) -> Iterator[Any]:
    """``result(submit(item))`` for each item, in order, with at most ``window`` items submitted
    and not yet collected (the back-pressure that keeps memory flat however many there are)."""
    pending: deque = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


@contextmanager
def process_pool(
    workers: int, context: Any, initializer: Callable[..., None], initargs: tuple = ()
) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes started by ``context``, each running ``initializer``
    first, with Ctrl-C left to this process; a worker that dies ends the block with
    ``WorkerLost``. However the block ends (an error, an interruption, a consumer that stops
    early), the work not started is dropped and each worker finishes what it holds: no worker
    dies half-way through sending a result."""
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start, initargs=(initializer, initargs)
    )
    try:
        yield pool
    except BrokenProcessPool as exc:  # from a result, or from work given after a worker died
        raise WorkerLost(
            "a worker process ended before returning its work (killed, or out of memory)"
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start(initializer: Callable[..., None], initargs: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    initializer(*initargs)
