"""The policy cache: a second load answers the same from the cache; a damaged, foreign or stale
entry is never used; the cache folder is the one the environment names, and can be turned off."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import EXAMPLES_DIR, POLICY_DIR, ROOT

import engine.policy.cache as cache_module
from engine.answer import answer_case
from engine.policy.cache import cache_dir, entry_key, load_cached, store
from engine.policy.load import load_policy

EXAMPLE = EXAMPLES_DIR / "08-leader-instructions-and-objections.yaml"


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache folder for the module, holding the entry of the project's policy."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ACCOUNTABILITY_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module")
def loaded(cache):
    """The policy loaded from its files (a miss, which stores the entry) and then from the
    cache."""
    for entry in entries(cache):
        entry.unlink()
    first = load_policy(POLICY_DIR)
    return first, load_policy(POLICY_DIR)


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("policy-*.json")) if folder.is_dir() else []


def explained(policy) -> dict:
    return answer_case(policy, EXAMPLE, as_of="2025-03-01", explain=True).to_dict()


def test_a_policy_loaded_twice_comes_from_the_cache_the_second_time_and_answers_the_same(loaded):
    first, second = loaded
    assert first.precompiled is None
    assert second.precompiled is not None
    assert explained(second) == explained(first)
    assert second.program.fingerprint == first.program.fingerprint
    assert second.warnings == first.warnings
    assert second.fingerprint == first.fingerprint
    assert second.docs["vocabulary.yaml"].data == first.docs["vocabulary.yaml"].data


def tampered(cache, change) -> bool:
    """Whether the entry, changed by ``change(header, body) -> bytes``, is still used."""
    (entry,) = entries(cache)
    raw = entry.read_bytes()
    header, body = raw.split(b"\n", 1)
    try:
        entry.write_bytes(change(json.loads(header), body))
        return load_cached(POLICY_DIR) is not None
    finally:
        entry.write_bytes(raw)


def test_an_intact_entry_is_used(loaded, cache):
    assert tampered(cache, lambda header, body: json.dumps(header).encode() + b"\n" + body)


def test_a_truncated_entry_is_not_used(loaded, cache):
    assert not tampered(cache, lambda h, body: json.dumps(h).encode() + b"\n" + body[:-100])


def test_an_entry_whose_body_was_altered_is_not_trusted(loaded, cache):
    def change(header, body):
        data = json.loads(body)
        data["instrument"]["id"] = "someone-else"
        return json.dumps(header).encode() + b"\n" + json.dumps(data).encode()

    assert not tampered(cache, change)


def test_an_entry_of_another_key_or_format_is_not_used(loaded, cache):
    for other in ({"key": "0" * 64}, {"format": "something else"}):
        assert not tampered(
            cache, lambda h, body, o=other: json.dumps({**h, **o}).encode() + b"\n" + body
        )


def test_an_entry_that_is_not_json_at_all_is_not_used(loaded, cache):
    assert not tampered(cache, lambda h, body: b"\x80\x04\x95 maybe a pickle\n\x00")


def test_a_damaged_entry_is_rebuilt_by_the_next_load(loaded, cache):
    (entry,) = entries(cache)
    raw = entry.read_bytes()
    entry.write_bytes(raw[: len(raw) // 2])
    assert load_policy(POLICY_DIR).precompiled is None
    assert entry.read_bytes() == raw


def test_a_changed_policy_file_is_a_different_entry(tmp_path):
    copy = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, copy)
    before = entry_key(copy)
    vocabulary = copy / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "\n# a comment\n", "utf-8")
    assert entry_key(copy) != before


def test_the_cache_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv("ACCOUNTABILITY_CACHE_DIR", "off")
    assert cache_dir() is None
    assert load_cached(POLICY_DIR) is None


def test_the_cache_folder_defaults_to_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("ACCOUNTABILITY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "accountability"


def test_an_unwritable_cache_folder_does_not_stop_a_load(monkeypatch, tmp_path, loaded):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ACCOUNTABILITY_CACHE_DIR", str(blocker / "cache"))
    store(POLICY_DIR, loaded[0])
    assert load_cached(POLICY_DIR) is None


def test_the_tests_never_write_to_the_users_own_cache():
    folder = Path(os.environ["ACCOUNTABILITY_CACHE_DIR"])
    home_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    assert home_cache not in folder.parents


def test_a_query_from_the_command_line_imports_no_generator_parser_or_pydatalog(loaded):
    command = [sys.executable, "-X", "importtime", "-m", "engine.cli", "query", str(EXAMPLE)]
    command += ["--format", "json", "--as-of", "2025-03-01"]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)  # a hit
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout)
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()}
    assert "engine.datalog" in imported
    assert not {m for m in imported if m.split(".")[0] in ("generators", "lark", "pyDatalog")}


def test_the_cache_keeps_only_the_newest_entries(monkeypatch, tmp_path, loaded):
    folder = tmp_path / "cache"
    folder.mkdir()
    for k in range(cache_module.KEEP + 3):
        old = folder / f"policy-{k:032d}.json"
        old.write_text("{}")
        os.utime(old, (k, k))
    monkeypatch.setenv("ACCOUNTABILITY_CACHE_DIR", str(folder))
    store(POLICY_DIR, loaded[0])
    kept = entries(folder)
    assert len(kept) == cache_module.KEEP
    assert folder / f"policy-{0:032d}.json" not in kept  # the oldest went first
    assert load_cached(POLICY_DIR) is not None


def test_a_folder_that_is_not_a_policy_is_never_hashed_for_a_cache_entry(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OSError, match="not a policy folder"):
        entry_key(tmp_path)
    crowded = tmp_path / "crowded"
    shutil.copytree(POLICY_DIR, crowded)
    for i in range(cache_module.MAX_KEYED_FILES + 1):
        (crowded / f"extra-{i}.txt").write_bytes(b"")
    with pytest.raises(OSError, match="more than"):
        entry_key(crowded)
    assert load_cached(crowded) is None
