"""Running a batch on an existing Dask cluster (``--cluster dask://HOST:PORT``).

Dask's distributed scheduler, not a scheduler of our own, places the partitions on the cluster's
workers, retries a partition whose worker dies and balances the load; this module only submits
partitions in order, keeps a bounded number in flight and collects them in order. Every worker
needs this engine (the same encoding: its policy's fingerprint is checked) installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from distributed import Client

from engine.bulk.answers import BatchOptions, Lines, answer_partition
from engine.bulk.inputs import CaseInput
from engine.bulk.runner import PARTITION_SIZE, ordered, partitions
from engine.problems import ProblemsError

SCHEME = "dask://"
# dask://HOST:PORT, HOST a name or IPv4 address of at most 253 characters, or [IPv6]
_ADDRESS = re.compile(
    r"dask://(?:(?=[A-Za-z0-9.-]{1,253}:)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
    r"|\[[0-9A-Fa-f:.]{2,45}\]):(?P<port>[0-9]{1,5})"
)


def scheduler_address(url: str) -> str:
    """``dask://HOST:PORT`` → the scheduler's ``tcp://HOST:PORT``; other forms are refused."""
    found = _ADDRESS.fullmatch(url)
    if found is None or not 1 <= int(found["port"]) <= 65535:
        raise ProblemsError.one(
            "<command>",
            "--cluster",
            f"{url[:80]!r} is not a cluster address",
            "dask://HOST:PORT (the scheduler of a running Dask cluster; a port from 1 to 65535)",
            code="argument",
        )
    return "tcp://" + url[len(SCHEME) :]


def run_on_cluster(
    address: str,
    cases: Iterable[CaseInput],
    options: BatchOptions,
    partition_size: int = PARTITION_SIZE,
    timeout: float = 30.0,
) -> Iterator[Lines]:
    """The output lines, partition by partition, in input order, answered by the cluster's workers."""
    with Client(address, timeout=timeout, set_as_default=False) as client:
        threads = sum(client.nthreads().values()) or 1
        yield from ordered(
            lambda part: client.submit(answer_partition, part, options, pure=False),
            lambda future: future.result(),
            partitions(cases, partition_size),
            2 * threads,
        )
