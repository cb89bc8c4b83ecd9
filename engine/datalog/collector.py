"""The cyclic garbage collector paused while a case is evaluated.

Evaluation allocates hundreds of thousands of small tuples, lists and sets that reference counting
frees on its own; none of them forms a cycle. CPython's cyclic collector still runs a generation-0
pass every 700 net allocations and, at a few hundred tuples per case, that pass costs about half of
a small case's time (docs/engine/performance.md, "Evaluation speed, cold start and growth"). The
collector is switched off for the duration of one evaluation and on again on every way out
(return, exception, timeout), unless it was already off: a caller that manages it keeps control.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with the cyclic collector off, restoring it however the body ends."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
