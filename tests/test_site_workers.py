"""The site build's worker processes change nothing but the time a build takes.

A build forks a worker that converts part of the pages and makes the search entries
(generators/docs/render_cache.py) where no other thread runs: in ``mkdocs build`` run as a command,
never inside a test process; ``accountability docs build`` also forks an early worker
(generators/docs/early_worker.py) that answers the examples and makes the search entries. So a
small site is built here by ``mkdocs build`` in a subprocess, with the project's hooks, once with
the workers and once without (ACCOUNTABILITY_DOCS_SERIAL=1).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT

from generators.docs.render_cache import SERIAL_ENV

WORDS = "承办人、审核人、批准人均属行政过错责任人，按过错大小承担责任。审核人改变承办人正确意见的，审核人负责。"
CONFIG = """\
site_name: 工作进程 · workers
use_directory_urls: true
theme:
  name: material
  language: zh
  font: false
hooks:
  - {hooks}
plugins:
  - search:
      lang: en
      separator: '[\\s\\u200b\\u3000\\-、。，．？！；：（）《》“”「」]+'
      jieba_dict_user: {words}
validation:
  links:
    anchors: warn
markdown_extensions:
  - toc:
      permalink: true
  - attr_list
  - tables
"""


def _site(folder: Path, broken_last_page: bool = False) -> Path:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    names = [f"page_{i}" for i in range(8)]
    for i, name in enumerate(names):
        following = names[(i + 1) % len(names)]
        anchor = "#nowhere" if broken_last_page and i == len(names) - 1 else "#第二节"
        body = "\n\n".join(WORDS * (i + 1) for _ in range(3))
        (docs / f"{name}.md").write_text(
            f"# 第{i + 1}页 Page {i + 1}\n\n## 第一节\n\n{body}\n\n"
            f"| 条 | 项 |\n|---|---|\n| 第十一条 | 第（三）项 |\n\n"
            f"## 第二节\n\n见[下一页]({following}.md{anchor})。\n",
            encoding="utf-8",
        )
    (docs / "index.md").write_text("# 首页\n\n" + WORDS + "\n", encoding="utf-8")
    config = folder / "mkdocs.yml"
    config.write_text(
        CONFIG.format(
            hooks=ROOT / "generators/docs/mkdocs_hooks.py",
            words=ROOT / "generators/docs/search_terms.txt",
        ),
        encoding="utf-8",
    )
    return config


# ``mkdocs build`` with the early worker of ``accountability docs build`` making the search entries
WITH_EARLY_WORKER = """\
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from generators.docs.early_worker import EarlyWorker
from generators.docs.render_cache import use_early_worker
worker = EarlyWorker.start()
assert worker is not None, "no early worker"
use_early_worker(worker, sys.argv[3])
try:
    build(load_config(sys.argv[1], site_dir=sys.argv[2]))
finally:
    use_early_worker(None)
    worker.close()
"""


def _build(config: Path, out: Path, *, serial: bool, strict: bool = False, early: bool = False):
    env = {k: v for k, v in os.environ.items() if k != SERIAL_ENV}
    if serial:
        env[SERIAL_ENV] = "1"
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(out)]
    if early:
        command = [sys.executable, "-c", WITH_EARLY_WORKER, str(config), str(out)]
        command.append(str(config.parent / "docs"))
    return subprocess.run(
        command + (["--strict"] if strict else []),
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _alone_and_again(tmp_path: Path, **again: bool):
    """The small site built in one process, then again (``_build`` options) without the first
    build's per-page cache, which would answer every page of the second: both sites, and how the
    second build went."""
    config = _site(tmp_path)
    alone = _build(config, tmp_path / "alone", serial=True)
    assert alone.returncode == 0, alone.stderr
    assert "A worker process converts" not in alone.stderr
    for cache in (tmp_path / "docs").rglob(".cache"):
        for kept in cache.iterdir():
            kept.unlink()
    second = _build(config, tmp_path / "again", serial=False, **again)
    assert second.returncode == 0, second.stderr
    return _files(tmp_path / "alone"), _files(tmp_path / "again"), second


def test_a_build_with_a_worker_gives_the_site_a_build_in_one_process_gives(tmp_path):
    built, again, helped = _alone_and_again(tmp_path)
    started = [line for line in helped.stderr.splitlines() if "A worker process converts" in line]
    assert started and " 0 of " not in started[0], helped.stderr
    assert sorted(built) == sorted(again)
    assert [rel for rel in sorted(built) if built[rel] != again[rel]] == []
    assert len(built["search/search_index.json"]) > 1000


def test_search_entries_made_by_the_early_worker_are_those_made_in_one_process(tmp_path):
    built, again, _ = _alone_and_again(tmp_path, early=True)
    assert sorted(built) == sorted(again)
    assert [rel for rel in sorted(built) if built[rel] != again[rel]] == []


@pytest.mark.parametrize("serial", [True, False], ids=["in one process", "with a worker"])
def test_a_broken_link_on_a_page_the_worker_converts_still_fails_the_strict_build(tmp_path, serial):
    config = _site(tmp_path, broken_last_page=True)
    done = _build(config, tmp_path / "out", serial=serial, strict=True)
    assert done.returncode != 0
    warned = [line for line in done.stderr.splitlines() if "nowhere" in line]
    assert len(warned) == 1, done.stderr
    assert "page_7.md" in warned[0]
