"""``accountability batch --cluster dask://HOST:PORT``: the same answers from a Dask cluster as
from the local run (a local cluster, in this process, on a loopback port)."""

from __future__ import annotations

import shutil

import pytest
from paths import EXAMPLES_DIR

from engine.cli.app import main

distributed = pytest.importorskip("distributed")

NAMES = [
    "01-reviewer-overturned-correct-opinion.yaml",
    "09-collective-decision-votes-and-commendation.yaml",
    "12-recusal-wider-blood-relatives.yaml",
]


def test_a_batch_on_a_dask_cluster_gives_the_same_output_as_the_local_run(tmp_path, capsys):
    cases = tmp_path / "cases"
    cases.mkdir()
    for name in NAMES:
        shutil.copy(EXAMPLES_DIR / name, cases / name)
    (cases / "bad.json").write_text('{"case": ', encoding="utf-8")
    local, remote = tmp_path / "local.jsonl", tmp_path / "cluster.jsonl"
    argv = ["batch", str(cases), "--as-of", "2024-12-01"]
    assert main([*argv, "--out", str(local)]) == 0
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        assert main([*argv, "--out", str(remote), "--cluster", f"dask://{address}"]) == 0
    assert remote.read_bytes() == local.read_bytes()


def test_a_cluster_address_that_is_not_dask_is_refused(tmp_path, capsys):
    code = main(
        ["batch", str(EXAMPLES_DIR), "--out", str(tmp_path / "a.jsonl")]
        + ["--cluster", "ray://127.0.0.1:1"]
    )
    assert code == 1
    assert "dask://HOST:PORT" in capsys.readouterr().err
    assert not (tmp_path / "a.jsonl").exists()


def test_answering_one_case_on_the_command_line_loads_neither_the_web_framework_nor_dask():
    import subprocess
    import sys

    from paths import ROOT

    probe = (
        "import contextlib, io, sys\n"
        "from engine.cli.app import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['query', 'examples/01-reviewer-overturned-correct-opinion.yaml', '--as-of',"
        " '2024-12-01', '--format', 'json'])\n"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'dask', 'distributed', 'tqdm')"
        " if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "address",
    ["dask://host:port", "dask://[::1", "dask://127.0.0.1:99999", "dask://127.0.0.1:-1", "dask://"]
    + ["dask://" + "a" * 3000 + ":1", "tcp://127.0.0.1:8786"],
)
def test_an_address_that_is_no_scheduler_address_is_refused_before_any_file_is_written(
    address, tmp_path, capsys
):
    out = tmp_path / "out.jsonl"
    case = str(EXAMPLES_DIR / NAMES[0])
    assert main(["batch", case, "--out", str(out), "--cluster", address]) == 1
    assert "is not a cluster address" in capsys.readouterr().err
    assert not out.exists()


def test_a_server_that_is_no_dask_scheduler_is_refused_in_bounded_time_and_nothing_is_written(
    tmp_path, capsys, monkeypatch
):
    """A web server on the address answers Dask's handshake with text; Dask's own timeout does
    not cover the handshake, the command's deadline does."""
    import socket
    import threading

    import engine.bulk.cluster

    monkeypatch.setattr(engine.bulk.cluster, "CONNECT_SECONDS", 1.0)
    monkeypatch.setattr(engine.bulk.cluster, "HANDSHAKE_GRACE_SECONDS", 1.0)
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/html\r\n\r\n")
            held.append(conn)  # the connection stays open, as a slow web server's does

    threading.Thread(target=serve, daemon=True).start()
    out = tmp_path / "out.jsonl"
    port = server.getsockname()[1]
    try:
        code = main(
            ["batch", str(EXAMPLES_DIR / NAMES[0]), "--out", str(out)]
            + ["--cluster", f"dask://127.0.0.1:{port}"]
        )
    finally:
        server.close()
        for conn in held:
            conn.close()
    assert code == 1
    assert f"no Dask scheduler answered at 127.0.0.1:{port}" in capsys.readouterr().err
    assert not out.exists()
