"""Latency and throughput of ``accountability serve`` on this machine (loopback only, bounded).

Starts the service on a free loopback port, measures the in-process ``answer_case`` time of the
same case for reference, then for each number of concurrent clients posts the case in a closed loop
for a bounded time and prints p50 / p99 latency and answers/s; then an open loop at a fixed rate
(default 100 requests/s) for p99 at that rate. Prints figures, asserts nothing. Run from the
repository root:

    .venv/bin/python bench/service.py                       # 8 and 32 clients, 30 s each
    .venv/bin/python bench/service.py --seconds 5           # a short run
    .venv/bin/python bench/service.py --workers 2           # two service processes
    .venv/bin/python bench/service.py --api-examples 200    # also: the property-based API test
                                                            # with 200 examples per operation

The closed loops run twice: with httpx (what a Python developer would use) and with a minimal
HTTP/1.1 client on one keep-alive connection per client (what load generators such as wrk or hey
do). The clients share the service's two cores, so a client's own CPU per request is taken from
the service's throughput; it is printed with each loop.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CASE = ROOT / "examples" / "01-reviewer-overturned-correct-opinion.yaml"
AS_OF = "2024-12-01"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="per load level (bounded)")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--workers", type=int, default=2, help="service processes")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop requests/s")
    parser.add_argument("--api-examples", type=int, default=0, help="run the schemathesis test")
    args = parser.parse_args(argv)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    body = json.dumps(_case_json()).encode()
    in_process = _in_process_ms()
    print(f"in-process answer_case (same case, compact answer): p50 {in_process:.1f} ms")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "--port", str(port)]
        + ["--workers", str(args.workers), "--max-concurrent", "64", "--deadline", "60"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        _wait_for_workers(server, args.workers)
        print(f"service: {args.workers} worker process(es), POST /v1/answers (JSON, compact)")
        for clients in args.clients:
            for name, loop in (("httpx", _closed_loop), ("raw HTTP/1.1", _closed_loop_raw)):
                cpu = time.process_time()
                latencies, seconds = asyncio.run(loop(base, body, clients, args.seconds))
                cpu = (time.process_time() - cpu) * 1000 / max(1, len(latencies))
                label = (
                    f"{clients} clients ({name}, client CPU {cpu:.2f} ms per answer), closed loop"
                )
                _report(label, latencies, seconds, in_process)
        latencies, seconds = asyncio.run(_open_loop(base, body, args.rate, args.seconds))
        _report(f"open loop at {args.rate:g} requests/s", latencies, seconds, in_process)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.api_examples:
        print(f"property-based API test, {args.api_examples} examples per operation:")
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            + ["tests/test_service_api_properties.py"],
            cwd=ROOT,
            env={**os.environ, "SERVICE_API_EXAMPLES": str(args.api_examples)},
            capture_output=True,
            text=True,
        )
        tail = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
        print(f"  {tail} ({time.perf_counter() - start:.0f} s, exit {result.returncode})")


def _case_json() -> dict:
    import yaml

    return json.loads(json.dumps(yaml.safe_load(CASE.read_text("utf-8")), default=str))


def _in_process_ms(runs: int = 30) -> float:
    from engine.answer import answer_case
    from engine.case.load import load_case
    from engine.policy.load import load_policy

    policy = load_policy()
    doc = load_case(CASE)
    answer_case(policy, doc, AS_OF)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        answer_case(policy, doc, AS_OF)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_workers(server: subprocess.Popen, workers: int, seconds: float = 120) -> None:
    """Until every worker process has loaded the policy: the first one ready would otherwise take
    every keep-alive connection the clients open at once, and the bench would measure one process
    (it did: about half the answers/s, in some runs and not others). The rest of the server's log
    is read and dropped, so that it never fills the pipe."""
    ready = threading.Semaphore(0)

    def read() -> None:
        for line in server.stderr:
            if "Application startup complete" in line:
                ready.release()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + seconds
    for _ in range(workers):
        if not ready.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise SystemExit("the service's workers did not all start")


def _wait(base: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the service did not start")


async def _post(client: httpx.AsyncClient, body: bytes, latencies: list[float]) -> None:
    start = time.perf_counter()
    response = await client.post(
        "/v1/answers",
        params={"as_of": AS_OF},
        content=body,
        headers={"Content-Type": "application/json"},
    )
    if response.status_code == 200:
        latencies.append((time.perf_counter() - start) * 1000)


async def _closed_loop(base: str, body: bytes, clients: int, seconds: float):
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await _post(client, body, [])  # warm up
        end = time.perf_counter() + seconds
        start = time.perf_counter()

        async def loop() -> None:
            while time.perf_counter() < end:
                await _post(client, body, latencies)

        await asyncio.gather(*(loop() for _ in range(clients)))
        return latencies, time.perf_counter() - start


class _RawClient:
    """One keep-alive HTTP/1.1 connection that posts the same body again and again and reads
    each response whole (by its Content-Length): a load generator's client, without the
    per-request work of a general client library."""

    def __init__(self, base: str, path: str, body: bytes):
        host, port = base.removeprefix("http://").rsplit(":", 1)
        self.address = (host, int(port))
        self.request = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body

    async def __aenter__(self) -> _RawClient:
        self.reader, self.writer = await asyncio.open_connection(*self.address)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.writer.close()

    async def post(self) -> int:
        self.writer.write(self.request)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status


async def _closed_loop_raw(base: str, body: bytes, clients: int, seconds: float):
    latencies: list[float] = []
    path = f"/v1/answers?as_of={AS_OF}"

    async def loop(end: float) -> None:
        async with _RawClient(base, path, body) as client:
            while time.perf_counter() < end:
                start = time.perf_counter()
                if await client.post() == 200:
                    latencies.append((time.perf_counter() - start) * 1000)

    async with _RawClient(base, path, body) as warm:
        await warm.post()
    start = time.perf_counter()
    await asyncio.gather(*(loop(start + seconds) for _ in range(clients)))
    return latencies, time.perf_counter() - start


async def _open_loop(base: str, body: bytes, rate: float, seconds: float):
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        await _post(client, body, [])
        start = time.perf_counter()
        tasks = []
        n = 0
        while (due := start + n / rate) < start + seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(_post(client, body, latencies)))
            n += 1
        await asyncio.gather(*tasks)
        return latencies, time.perf_counter() - start


def _report(label: str, latencies: list[float], seconds: float, in_process: float) -> None:
    if not latencies:
        print(f"  {label}: no answers")
        return
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"  {label}: {len(ordered)} answers in {seconds:.1f} s = {len(ordered) / seconds:.1f}/s, "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, p50 / in-process {p50 / in_process:.2f}"
    )


if __name__ == "__main__":
    main()
