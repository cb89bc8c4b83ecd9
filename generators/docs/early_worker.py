"""One worker process forked as a first site build starts, for the work that needs no mkdocs state.

A cold build on two cores has three long pieces this process would otherwise do in turn: answering
the worked examples with the readings that decide them, loading jieba's dictionary (about 1.5 s:
half a million words), and segmenting every page for the search index. The worker takes them in
that order — the examples while this process makes the other pages, the dictionary while it
converts the Markdown, the search entries while it renders the pages — so that none of them is on
this process's path.

The worker is a plain forked process talking through a pipe, not a pool: a pool's helper threads
would run in this process, and the build forks its Markdown worker later (``render_cache``), which
is only safe while no other thread runs. Calls are posted, never answered one by one, and the
worker reads every message as soon as it arrives (a thread of its own): this process never waits
to send, and the worker never waits to reply, so neither can block the other. ``collect`` returns
the results of everything posted since the last collect, in order; a call that raised gives its
exception's text in its place. A worker that died gives ``WorkerGone``, and the caller does the
work itself.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import pickle
import queue
import threading
from collections.abc import Callable
from typing import Any

from generators.docs.render_cache import may_fork

# seconds to wait for the worker's results before doing its part here
TIMEOUT = 600


class WorkerGone(Exception):
    """The worker died, or did not answer in time."""


class EarlyWorker:
    """The build's early worker (see the module docstring); ``start`` gives None where forking
    is not safe or not wanted."""

    def __init__(self, process: Any, connection: Any) -> None:
        self._process = process
        self._connection = connection
        self._posted = 0

    @classmethod
    def start(cls) -> EarlyWorker | None:
        if not may_fork():  # also false when ACCOUNTABILITY_DOCS_SERIAL=1
            return None
        context = multiprocessing.get_context("fork")
        here, there = context.Pipe()
        try:
            process = context.Process(target=_serve, args=(there, here), daemon=True)
            process.start()
        except OSError:
            return None
        there.close()
        return cls(process, here)

    def post(self, function: Callable[..., Any], *args: Any) -> int:
        """Have the worker call ``function(*args)``; the number returned is the call's ticket,
        under which ``collect`` gives its result."""
        try:
            self._connection.send(("post", function, args))
        except (OSError, ValueError, pickle.PicklingError) as exc:
            raise WorkerGone(str(exc)) from exc
        self._posted += 1
        return self._posted

    def collect(self) -> dict[int, tuple[bool, Any]]:
        """Ticket → (True, result) or (False, error text), for every call posted since the last
        collect (waiting for them)."""
        try:
            self._connection.send(("collect",))
            if not self._connection.poll(TIMEOUT):
                raise WorkerGone("no answer")
            results = self._connection.recv()
        except (OSError, EOFError, ValueError) as exc:
            raise WorkerGone(str(exc)) from exc
        first = self._posted - len(results) + 1
        return {first + i: result for i, result in enumerate(results)}

    def close(self) -> None:
        """Stop the worker, whatever it is doing (its results, if any, are no longer wanted)."""
        with contextlib.suppress(OSError, ValueError):
            self._connection.send(("stop",))
        self._connection.close()
        self._process.join(1)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _serve(connection: Any, parents_end: Any) -> None:
    parents_end.close()
    for name in ("", "mkdocs"):  # what it logs is returned with its results, never printed
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
    logging.getLogger("mkdocs").addHandler(logging.NullHandler())
    inbox: queue.Queue = queue.Queue()

    def read() -> None:
        try:
            while True:
                inbox.put(connection.recv())
        except (EOFError, OSError):
            inbox.put(("stop",))

    threading.Thread(target=read, daemon=True).start()
    results: list[tuple[bool, Any]] = []
    while True:
        message = inbox.get()
        if message[0] == "post":
            _, function, args = message
            try:
                results.append((True, function(*args)))
            except Exception as exc:  # reported in its place; the caller does that part itself
                results.append((False, f"{type(exc).__name__}: {exc}"))
        elif message[0] == "collect":
            connection.send(results)
            results = []
        else:
            return
