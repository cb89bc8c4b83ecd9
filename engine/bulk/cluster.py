"""Running a batch on an existing Dask cluster (``--cluster dask://HOST:PORT``).

Dask's distributed scheduler, not a scheduler of our own, places the partitions on the cluster's
workers, retries a partition whose worker dies and balances the load; this module only submits
partitions in order, keeps a bounded number in flight and collects them in order. Every worker
needs this engine (the same encoding: its policy's fingerprint is checked) installed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator

from distributed import Client

from engine.bulk.answers import BatchOptions, Lines, answer_partition
from engine.bulk.inputs import CaseInput
from engine.bulk.runner import PARTITION_SIZE, partitions
from engine.datalog.parallel import in_order
from engine.problems import ProblemsError

SCHEME = "dask://"
CONNECT_SECONDS = 30.0  # for the scheduler to answer, before the batch writes anything
# beyond Dask's own timeout, which does not cover its handshake: a server that is not a Dask
# scheduler (a web server, say) can hold the connection open for minutes
HANDSHAKE_GRACE_SECONDS = 5.0
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


def connect(address: str, timeout: float | None = None) -> Client:
    """A client of the scheduler at ``address`` (``tcp://HOST:PORT``), or a located refusal when
    none answers in time. Called before the batch opens its output, so a wrong address leaves
    no file behind. The attempt runs in a thread of its own so that its deadline holds whatever
    the other end does: Dask's timeout covers the connection, not its handshake, and a server
    that is not a scheduler may answer the handshake with bytes read as a huge frame."""
    timeout = CONNECT_SECONDS if timeout is None else timeout
    found: dict[str, object] = {}

    def attempt() -> None:
        try:
            found["client"] = Client(address, timeout=timeout, set_as_default=False)
        except BaseException as exc:  # reported below, whatever it is (MemoryError included)
            found["error"] = exc

    thread = threading.Thread(target=attempt, name="dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + HANDSHAKE_GRACE_SECONDS)
    client = found.get("client")
    if isinstance(client, Client):
        return client
    error = found.get("error")
    reason = (
        f"{type(error).__name__}: {str(error)[:120]}"
        if error is not None
        else f"no answer within {timeout + HANDSHAKE_GRACE_SECONDS:.0f} s"
    )
    raise ProblemsError.one(
        "<command>",
        "--cluster",
        f"no Dask scheduler answered at {address.removeprefix('tcp://')} ({reason})",
        "the address of a running Dask scheduler (dask://HOST:PORT, the port the scheduler "
        "listens on, not its dashboard)",
        code="cluster-unreachable",
    )


def run_on_cluster(
    client: Client,
    cases: Iterable[CaseInput],
    options: BatchOptions,
    partition_size: int = PARTITION_SIZE,
) -> Iterator[Lines]:
    """The output lines, partition by partition, in input order, answered by the cluster's workers."""
    threads = sum(client.nthreads().values()) or 1
    yield from in_order(
        lambda part: client.submit(answer_partition, part, options, pure=False),
        lambda future: future.result(),
        partitions(cases, partition_size),
        2 * threads,
    )
