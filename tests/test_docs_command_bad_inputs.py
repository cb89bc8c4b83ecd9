"""``docs serve --addr`` and the folders ``docs generate`` and ``docs build`` replace: a bad input
ends in a located refusal, never in an internal error, and no command deletes what it did not write.

The commands run in this process through ``main`` (as tests/test_where_commands_read_and_write.py
runs them). No test starts a server: ``serve_site`` is replaced by a stand-in that only records
its call, so that a refusal that does not happen fails the test instead of serving. The tests of
``docs build`` replace mkdocs's ``build`` by one that writes two files: what is tested is which
folder is replaced, not the site.
"""

from __future__ import annotations

import errno
import json
import re
import socket
from pathlib import Path

import pytest
from command_runs import run
from paths import ROOT

import generators.docs.site as site

MANIFEST = ".accountability-manifest.json"
MARKER = ".accountability-output"


def assert_refused(code: int, err: str, codes: tuple[int, ...] = (1,)) -> None:
    assert code in codes, f"exit {code}:\n{err}"
    assert "internal error" not in err, err
    assert "Traceback" not in err, err


@pytest.fixture
def served(monkeypatch) -> list[str]:
    """The addresses ``docs serve`` would serve on: the server itself is never started."""
    monkeypatch.chdir(ROOT)
    calls: list[str] = []

    def serve_site(policy, project, staging_dir=None, *, address, cli_help=""):
        calls.append(address)

    monkeypatch.setattr(site, "serve_site", serve_site)
    return calls


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ── docs serve --addr ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("addr", "expected", "codes"),
    [
        ("nonsense", r"--addr: 'nonsense' has no ':PORT'", (1,)),
        ("127.0.0.1:99999", r"--addr: '127.0.0.1:99999': the port '99999' is not a number", (1,)),
        ("127.0.0.1:-1", r"--addr: '127.0.0.1:-1': the port '-1' is not a number", (1,)),
        ("127.0.0.1:0", r"the port '0' is not a number from 1 to 65535", (1,)),
        ("127.0.0.1:", r"--addr: '127.0.0.1:': the port is missing", (1,)),
        (":", r"--addr: ':': the host is missing", (1,)),
        ("example.com:8000", r"the host 'example.com' is not an IP address or localhost", (1,)),
        ("a" * 3000 + ":8000", r"--addr: 'a{10,60}…': the host 'a{10,60}…' is not an IP", (1,)),
        ("127.0.0.1\x1b[2J:80", r"the host '127\.0\.0\.1\\x1b\[2J' is not an IP address", (1,)),
        # an empty value of any option is refused as a usage error before the command runs
        ("", r"--addr: an empty value", (1, 2)),
    ],
    ids=[
        "no port",
        "port too large",
        "negative port",
        "port 0",
        "port missing",
        "only a colon",
        "host name",
        "3000-character host",
        "control character",
        "empty",
    ],
)
def test_a_bad_docs_serve_address_is_refused_as_a_located_problem_before_anything_is_generated(
    addr, expected, codes, served, tmp_path
):
    staging = tmp_path / "staging"
    code, _, err = run(["docs", "serve", "--staging", str(staging), "--addr", addr])
    assert_refused(code, err, codes)
    assert re.search(expected, err), err
    assert len(err) < 1000, "the refusal repeats the whole value"
    assert served == []
    assert not staging.exists()
    assert not any(tmp_path.iterdir())


@pytest.mark.timeout(60)
def test_a_docs_serve_address_whose_port_is_in_use_is_refused_before_anything_is_generated(
    served, tmp_path
):
    staging = tmp_path / "staging"
    with socket.socket() as other_server:
        other_server.bind(("127.0.0.1", 0))
        other_server.listen()
        addr = f"127.0.0.1:{other_server.getsockname()[1]}"
        code, _, err = run(["docs", "serve", "--staging", str(staging), "--addr", addr])
    assert_refused(code, err)
    assert f"<command>: --addr: cannot listen on '{addr}': Address already in use" in err
    assert "choose another port" in err
    assert "docs not served" in err
    assert served == []
    assert not staging.exists()


@pytest.mark.timeout(60)
def test_a_port_taken_while_the_pages_are_generated_is_refused_as_a_located_problem(
    monkeypatch, tmp_path
):
    """The port is free when checked, and taken by another program before mkdocs binds it."""
    monkeypatch.chdir(ROOT)

    def serve_site(*args, **kwargs):
        raise OSError(errno.EADDRINUSE, "Address already in use")

    monkeypatch.setattr(site, "serve_site", serve_site)
    addr = f"127.0.0.1:{free_port()}"
    code, _, err = run(["docs", "serve", "--staging", str(tmp_path / "staging"), "--addr", addr])
    assert_refused(code, err)
    assert f"--addr: cannot listen on '{addr}': Address already in use" in err


@pytest.mark.timeout(60)
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_good_docs_serve_address_is_passed_to_the_server_as_given(host, served, tmp_path):
    addr = f"{host}:{free_port()}"
    code, _, err = run(["docs", "serve", "--staging", str(tmp_path / "staging"), "--addr", addr])
    assert code == 0, err
    assert served == [addr]


# ── docs generate --staging ───────────────────────────────────────────────────────────────────────


def manifest(folder: Path) -> list[str]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["entries"]


def few_pages(monkeypatch, pages: dict[str, str]) -> None:
    """The generated pages, instead of the policy's (the hand-written ones of docs/ stay)."""
    monkeypatch.setattr(site, "generate_pages", lambda *a, **k: dict(pages))


def test_docs_generate_refuses_a_staging_folder_holding_a_file_it_did_not_write_and_keeps_it(
    monkeypatch, tmp_path
):
    monkeypatch.chdir(ROOT)
    staging = tmp_path / "staging"
    code, _, err = run(["docs", "generate", "--staging", str(staging)])
    assert code == 0, err
    assert "articles/art_11.md" in manifest(staging)
    assert "articles/" in manifest(staging)
    # the marker tells a person who opens the folder what the command does with it
    note = json.loads((staging / MARKER).read_text(encoding="utf-8"))["note"]
    assert f"rewrites the files it wrote here (listed in {MANIFEST})" in note
    assert "refuses to run while the folder holds any other" in note
    notes = staging / "articles" / "my-notes.md"
    notes.write_text("mine\n", encoding="utf-8")
    (staging / "drafts").mkdir()
    (staging / "drafts" / "plan.txt").write_text("also mine\n", encoding="utf-8")
    recorded = (staging / MANIFEST).read_bytes()

    code, _, err = run(["docs", "generate", "--staging", str(staging)])
    assert_refused(code, err)
    assert f"{notes}: accountability docs generate: a file this command did not write" in err
    assert f"{staging / 'drafts'}: accountability docs generate: a folder this command" in err
    assert f"listed in {MANIFEST}" in err and "move it out of the folder" in err
    assert "plan.txt" not in err, "a foreign folder is named once, not looked into"
    assert notes.read_text(encoding="utf-8") == "mine\n"
    assert (staging / "drafts" / "plan.txt").read_text(encoding="utf-8") == "also mine\n"
    assert (staging / MANIFEST).read_bytes() == recorded

    notes.unlink()
    (staging / "drafts" / "plan.txt").unlink()
    (staging / "drafts").rmdir()
    code, out, err = run(["docs", "generate", "--staging", str(staging)])
    assert code == 0, err
    assert "(0 changed)" in out


def test_docs_generate_still_removes_the_pages_its_previous_run_wrote_and_this_one_does_not(
    monkeypatch, tmp_path
):
    monkeypatch.chdir(ROOT)
    staging = tmp_path / "staging"
    few_pages(monkeypatch, {"kept.md": "# kept\n", "old/gone.md": "# gone\n"})
    assert run(["docs", "generate", "--staging", str(staging)])[0] == 0
    assert {"kept.md", "old/", "old/gone.md"} <= set(manifest(staging))
    # the build cache (written by the real page generation) is the command's own, never listed
    (staging / ".cache").mkdir(exist_ok=True)
    (staging / ".cache" / "site-cache.json").write_text("{}", encoding="utf-8")
    few_pages(monkeypatch, {"kept.md": "# kept\n"})
    code, out, err = run(["docs", "generate", "--staging", str(staging)])
    assert code == 0, err
    assert "(1 changed)" in out
    assert (staging / "kept.md").is_file() and not (staging / "old").exists()
    assert "old/gone.md" not in manifest(staging) and "old/" not in manifest(staging)
    assert (staging / ".cache" / "site-cache.json").is_file()


def test_the_manifest_lists_what_was_written_sorted_and_is_the_same_bytes_every_run(
    monkeypatch, tmp_path
):
    monkeypatch.chdir(ROOT)
    few_pages(monkeypatch, {"b/z.md": "# z\n", "a.md": "# a\n"})
    first, second = tmp_path / "first", tmp_path / "second"
    for staging in (first, second):
        assert run(["docs", "generate", "--staging", str(staging)])[0] == 0
    entries = manifest(first)
    assert entries == sorted(entries)
    assert {"a.md", "b/", "b/z.md"} <= set(entries)
    assert not {MARKER, MANIFEST} & set(entries)
    assert not any(e.startswith(".cache") for e in entries)
    assert (first / MANIFEST).read_bytes() == (second / MANIFEST).read_bytes()
    on_disk = {
        p.relative_to(first).as_posix() + ("/" if p.is_dir() else "")
        for p in first.rglob("*")
        if not p.relative_to(first).as_posix().startswith((".cache", MARKER, MANIFEST))
    }
    assert set(entries) == on_disk


def test_a_staging_folder_marked_before_manifests_were_kept_is_taken_over_once_then_protected(
    monkeypatch, tmp_path
):
    monkeypatch.chdir(ROOT)
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / MARKER).write_text('{"kind": "staging"}\n', encoding="utf-8")
    (staging / "stale.md").write_text("# an earlier version's page\n", encoding="utf-8")
    few_pages(monkeypatch, {"a.md": "# a\n"})
    code, _, err = run(["docs", "generate", "--staging", str(staging)])
    assert code == 0, err
    assert not (staging / "stale.md").exists()
    assert "a.md" in manifest(staging)
    (staging / "mine.md").write_text("mine\n", encoding="utf-8")
    code, _, err = run(["docs", "generate", "--staging", str(staging)])
    assert_refused(code, err)
    assert "mine.md: accountability docs generate: a file this command did not write" in err
    assert (staging / "mine.md").read_text(encoding="utf-8") == "mine\n"


def test_many_files_it_did_not_write_are_named_up_to_ten_and_the_rest_counted(
    monkeypatch, tmp_path
):
    monkeypatch.chdir(ROOT)
    staging = tmp_path / "staging"
    few_pages(monkeypatch, {"a.md": "# a\n"})
    assert run(["docs", "generate", "--staging", str(staging)])[0] == 0
    for i in range(25):
        (staging / f"mine-{i:02}.txt").write_text("mine\n", encoding="utf-8")
    code, _, err = run(["docs", "generate", "--staging", str(staging)])
    assert_refused(code, err)
    assert err.count("a file this command did not write") == 10
    assert "15 more entries this command did not write" in err
    assert len(list(staging.glob("mine-*.txt"))) == 25


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json {", "is not JSON"),
        ('{"entries": ["a.md"]}', "is not a manifest of format 1"),
        ('{"format": 1, "entries": "a.md"}', "has no list of entries"),
        ("[1, 2]", "is not a manifest of format 1"),
    ],
    ids=["not JSON", "no format", "entries not a list", "not an object"],
)
def test_a_manifest_that_cannot_be_read_is_refused_and_nothing_in_the_folder_is_touched(
    content, expected, monkeypatch, tmp_path
):
    monkeypatch.chdir(ROOT)
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / MARKER).write_text('{"kind": "staging"}\n', encoding="utf-8")
    (staging / MANIFEST).write_text(content, encoding="utf-8")
    (staging / "page.md").write_text("# whose?\n", encoding="utf-8")
    few_pages(monkeypatch, {"a.md": "# a\n"})
    code, _, err = run(["docs", "generate", "--staging", str(staging)])
    assert_refused(code, err)
    assert f"{staging / MANIFEST}: accountability docs generate: the manifest" in err
    assert expected in err
    assert sorted(p.name for p in staging.iterdir()) == sorted([MARKER, MANIFEST, "page.md"])


def test_a_manifest_that_is_a_symbolic_link_is_refused(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / MARKER).write_text('{"kind": "staging"}\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text('{"format": 1, "entries": ["page.md"]}', encoding="utf-8")
    (staging / MANIFEST).symlink_to(elsewhere)
    (staging / "page.md").write_text("# whose?\n", encoding="utf-8")
    few_pages(monkeypatch, {"a.md": "# a\n"})
    code, _, err = run(["docs", "generate", "--staging", str(staging)])
    assert_refused(code, err)
    assert "the manifest of the folder is a symbolic link" in err
    assert (staging / "page.md").is_file()


# ── docs build --out ──────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def small_build(monkeypatch) -> list[Path]:
    """``docs build`` with a few pages and a stand-in for mkdocs's build, which writes two files
    and records the folder it built into."""
    monkeypatch.chdir(ROOT)
    few_pages(monkeypatch, {"a.md": "# a\n"})
    built: list[Path] = []

    def build(config, **kwargs):
        out = Path(config.site_dir)
        built.append(out)
        (out / "index.html").write_text(f"build {len(built)}\n", encoding="utf-8")
        (out / "assets").mkdir()
        (out / "assets" / "site.css").write_text("", encoding="utf-8")

    monkeypatch.setattr(site, "build", build)
    return built


def test_docs_build_refuses_a_site_folder_holding_a_file_it_did_not_write_and_keeps_the_site(
    small_build, tmp_path
):
    out, staging = tmp_path / "site", tmp_path / "staging"
    argv = ["docs", "build", "--quiet", "--out", str(out), "--staging", str(staging)]
    code, _, err = run(argv)
    assert code == 0, err
    assert manifest(out) == ["assets/", "assets/site.css", "index.html"]
    notes = out / "assets" / "my-notes.txt"
    notes.write_text("mine\n", encoding="utf-8")
    staged = (staging / MANIFEST).read_bytes()

    code, _, err = run(argv)
    assert_refused(code, err)
    assert f"{notes}: accountability docs build: a file this command did not write" in err
    assert len(small_build) == 1, "refused before anything was built"
    assert notes.read_text(encoding="utf-8") == "mine\n"
    assert (out / "index.html").read_text(encoding="utf-8") == "build 1\n"
    assert (staging / MANIFEST).read_bytes() == staged

    notes.unlink()
    code, _, err = run(argv)
    assert code == 0, err
    assert (out / "index.html").read_text(encoding="utf-8") == "build 2\n"


def test_a_file_added_to_the_site_while_it_is_built_is_not_deleted_by_the_swap(
    small_build, monkeypatch, tmp_path
):
    out, staging = tmp_path / "site", tmp_path / "staging"
    argv = ["docs", "build", "--quiet", "--out", str(out), "--staging", str(staging)]
    assert run(argv)[0] == 0
    building = site.build

    def build_while_someone_saves(config, **kwargs):
        building(config, **kwargs)
        (out / "saved-meanwhile.txt").write_text("mine\n", encoding="utf-8")

    monkeypatch.setattr(site, "build", build_while_someone_saves)
    code, _, err = run(argv)
    assert_refused(code, err)
    assert "saved-meanwhile.txt: accountability docs build: a file this command did not" in err
    assert (out / "saved-meanwhile.txt").read_text(encoding="utf-8") == "mine\n"
    assert (out / "index.html").read_text(encoding="utf-8") == "build 1\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.tmp-")]


def test_docs_build_names_a_file_it_did_not_write_in_the_staging_folder_before_building(
    small_build, tmp_path
):
    out, staging = tmp_path / "site", tmp_path / "staging"
    argv = ["docs", "build", "--quiet", "--out", str(out), "--staging", str(staging)]
    assert run(argv)[0] == 0
    (staging / "mine.md").write_text("mine\n", encoding="utf-8")
    code, _, err = run(argv)
    assert_refused(code, err)
    assert "mine.md: accountability docs generate: a file this command did not write" in err
    assert len(small_build) == 1
    assert (staging / "mine.md").is_file()
