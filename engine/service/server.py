"""Running the application under uvicorn: one process, or several (``--workers``) sharing a port.

Several processes each listen on a socket of their own bound to the same port with
``SO_REUSEPORT``, and the kernel spreads new connections over them. uvicorn's own multi-process
mode shares one listening socket instead, and the process that wakes first accepts every
connection then pending: clients that open their keep-alive connections at once (a connection
pool, a load generator) all landed on one process in about half of the bench runs, halving the
throughput. Where the system has no ``SO_REUSEPORT``, uvicorn's mode is used.

SIGTERM and Ctrl-C stop accepting connections, let the requests in flight finish (a few seconds
at most) and exit 0. The service writes nothing: no files, no caches on disk.
"""

from __future__ import annotations

import ipaddress
import multiprocessing
import os
import signal
import socket
import sys
import threading
from typing import Any

import uvicorn

from engine.service.settings import ENVIRONMENT, Settings

FACTORY = "engine.service.app:app_from_environment"
GRACEFUL_SECONDS = 5


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the service on this machine (a name other than localhost
    is taken as reachable from outside)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    settings: Settings, host: str, port: int, workers: int = 1, access_log: bool = False
) -> None:
    os.environ[ENVIRONMENT] = settings.to_environment()
    # uvicorn finishes the requests in flight on SIGTERM, then raises the signal again with the
    # handler found at start: this one makes that a normal exit (status 0), as a supervisor
    # expects of a service it asked to stop.
    signal.signal(signal.SIGTERM, _exit_normally)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "access_log": access_log,
        "server_header": False,
        "timeout_graceful_shutdown": GRACEFUL_SECONDS,
        "log_level": "info",
    }
    if workers > 1 and hasattr(socket, "SO_REUSEPORT"):
        sys.exit(_serve_processes(workers, options))
    uvicorn.run(FACTORY, factory=True, workers=workers, **options)


def _exit_normally(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _serve_processes(workers: int, options: dict[str, Any]) -> int:
    """``workers`` processes, each on its own socket; the exit status: 0 when stopped by a
    signal, 1 when a process ended by itself (the others are then stopped too)."""
    family, address = _address(options["host"], options["port"])
    try:
        _check_free(family, address)
    except OSError as exc:
        print(
            f"✗ cannot listen on {options['host']}:{options['port']}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(family, address, options), name=f"worker-{n}")
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    while not stop.wait(0.5):
        if not all(process.is_alive() for process in processes):
            break
    for process in processes:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn lets the requests in flight finish
    for process in processes:
        process.join(GRACEFUL_SECONDS + 5)
        if process.is_alive():
            process.kill()
            process.join()
    return 0 if stop.is_set() else 1


def _address(host: str, port: int) -> tuple[int, tuple]:
    """The socket family and address for ``host``, chosen as uvicorn chooses them: IPv6 for an
    address with a colon (bracketed or not), IPv4 otherwise (a name such as localhost included)."""
    if ":" in host:
        return socket.AF_INET6, (host.strip("[]"), port)
    return socket.AF_INET, (host, port)


def _check_free(family: int, address: tuple) -> None:
    """Raise OSError if the address is taken: the workers' ``SO_REUSEPORT`` would otherwise join
    the group of another process of this user listening there."""
    with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)


def _worker(family: int, address: tuple, options: dict[str, Any]) -> None:
    """One service process on its own socket of the port's ``SO_REUSEPORT`` group."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    server = uvicorn.Server(uvicorn.Config(FACTORY, factory=True, **options))
    server.run(sockets=[sock])
