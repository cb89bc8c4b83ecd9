"""The cyclic garbage collector paused while a case is evaluated.

Evaluation allocates hundreds of thousands of small tuples, lists and sets that reference counting
frees on its own; none of them forms a cycle. CPython's cyclic collector still runs a generation-0
pass every 700 net allocations and, at a few hundred tuples per case, that pass costs about half of
a small case's time (docs/engine/performance.md, "Evaluation speed, cold start and growth"). The
collector is switched off for the duration of one evaluation and on again on every way out
(return, exception, timeout), unless it was already off: a caller that manages it keeps control.

Switched on again after a large case, the collector would at once examine every object the
evaluation left in its youngest generation (millions for a family of 20,000 people: close to a
second). Those objects are moved to the oldest generation first (``gc.freeze`` then
``gc.unfreeze``, which is what that pair does), where the next full collection examines them
with everything else; nothing is kept from collection. A caller that froze objects itself keeps
them frozen: the move is skipped then.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LARGE = 100_000  # objects left in the youngest generation that are moved rather than examined


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
        if gc.get_count()[0] > LARGE and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()
