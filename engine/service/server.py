"""Running the application under uvicorn: one process, or several (``--workers``) sharing a port.

SIGTERM and Ctrl-C stop accepting connections, let the requests in flight finish (a few seconds
at most) and exit 0. The service writes nothing: no files, no caches on disk.
"""

from __future__ import annotations

import ipaddress
import os
import signal

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
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        log_level="info",
    )


def _exit_normally(_signum: int, _frame: object) -> None:
    raise SystemExit(0)
