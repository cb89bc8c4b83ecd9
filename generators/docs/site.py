"""Assemble the documentation site: generated pages + hand-written pages → staging folder → mkdocs.

Generated pages are never committed: they are produced from the one loaded Policy into a staging
folder (``build/docs/`` by default) next to copies of the hand-written pages of ``docs/``, and
mkdocs builds the site from there with ``--strict`` (a broken link or anchor fails the build).
Staging is synchronised, not recreated: unchanged files keep their bytes and timestamps, stale ones
are removed, new ones are written atomically, so ``mkdocs serve`` reloads only what changed and an
interrupted build leaves no half file. The site is built into a temporary folder and swapped in
whole. Both folders are written only when they are new, empty, marked by an earlier run, or the
project's own locations, and one writer at a time (engine.files.output).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.commands.build import build
from mkdocs.commands.serve import serve
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from engine.files.output import (
    MARKER,
    check_folder,
    output_folder,
    remove_temporaries,
    replacement_folder,
    resolved,
    same_path,
    write_atomically,
)
from engine.files.project import Project
from engine.policy.load import load_policy
from generators.docs.articles import article_pages, short_title
from generators.docs.context import (
    ANOMALIES,
    ARTICLES_INDEX,
    CHANGELOG,
    DEPENDENCIES,
    EXAMPLES_INDEX,
    FIXTURES,
    NORMALISATION,
    PARAMETERS,
    PROCEDURE,
    TRACEABILITY,
    VOCABULARY,
    SiteContext,
    article_page,
    example_page,
    fixtures_page_of,
    parameter_page,
)
from generators.docs.early_worker import EarlyWorker, WorkerGone
from generators.docs.examples import (
    SNIPPETS,
    answer_examples,
    cached_runs,
    example_cache_keys,
    example_pages,
    examples_to_answer,
    snippet_files,
)
from generators.docs.fixtures import (
    add_bundled,
    read_fixtures,
)
from generators.docs.icons import STYLESHEET as ICONS_STYLESHEET
from generators.docs.icons import icons_stylesheet
from generators.docs.parameters import parameter_pages
from generators.docs.reference import reference_pages
from generators.docs.render_cache import use_early_worker
from generators.docs.review import PROGRESS_SNIPPET, review_progress_markdown
from generators.docs.traceability import fixtures_pages, traceability_page
from generators.docs.variables import SCRIPT as VARIABLES_SCRIPT
from generators.docs.variables import variables_script

if TYPE_CHECKING:
    from engine.policy.model import Policy

# hand-written folders that are working notes for developers, not part of the published site
NOT_PUBLISHED = ("dev/",)


class SiteBuildError(Exception):
    """The site could not be built; ``problems`` holds every warning mkdocs raised (strict)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        super().__init__("\n".join([message, *self.problems]))


@dataclass
class Staged:
    docs_dir: Path
    files: list[str]  # every file in staging, relative, sorted
    changed: list[str] = field(default_factory=list)  # written or removed by this run
    generated: dict[str, str] = field(default_factory=dict)  # the generated files and their text
    nav: list[Any] = field(default_factory=list)


def generate_pages(
    policy: Policy,
    project: Project,
    *,
    cli_help: str = "",
    fixtures_dir: Path | None = None,
    examples_dir: Path | None = None,
    cache_dir: Path | None = None,
    worker: EarlyWorker | None = None,
) -> dict[str, str]:
    """Every generated file (docs-relative path → text): from the Policy, fixtures and examples.

    ``worker``, the build's early worker, answers the examples meanwhile (``_early_worker``).

    ``cli_help`` is the ``accountability --help`` text for the command-line guide: the command line
    passes it in, so that this layer never imports the layer above it. With ``cache_dir``, the
    parsed fixtures and the answers to the examples are kept there between builds, keyed by the
    digests of their inputs, so that a rebuild redoes only what changed.
    """
    fixtures_dir = project.fixtures_dir if fixtures_dir is None else fixtures_dir
    examples_dir = project.examples_dir if examples_dir is None else examples_dir
    cache = _read_cache(cache_dir)
    fixtures_cache = cache.get("fixtures")
    if fixtures_cache is None:
        fixtures_cache = {}
    examples_cache = cache.get("examples")
    if examples_cache is None:
        examples_cache = {}
    # an entry's key is the digest of everything it is made from: new or dropped keys are the
    # only changes the cache can have
    before = (set(fixtures_cache), set(examples_cache))
    pages: dict[str, str] = {}
    # the build's early worker answers three quarters of the examples while this process reads
    # the fixtures, makes the pages that show no example and answers the rest (the answers, with
    # the readings that decide them, are the bulk of page generation; this machine has two cores)
    keys = example_cache_keys(policy, examples_dir)
    todo = examples_to_answer(keys, examples_cache)
    ticket = None
    later = todo[len(todo) // 4 :]  # the first quarter is this process's, after its pages
    if worker is not None and later:
        try:
            ticket = worker.post(_answered_in_worker, later, project.root)
        except WorkerGone:
            ticket = None
    digests = add_bundled(fixtures_dir, fixtures_cache)
    fixtures = read_fixtures(fixtures_dir, project.root, fixtures_cache, digests)
    ctx = SiteContext(policy, fixtures, project.root, cli_help)
    parts = [
        {ICONS_STYLESHEET: icons_stylesheet(), VARIABLES_SCRIPT: variables_script(policy)},
        reference_pages(ctx),
        parameter_pages(ctx),
        {TRACEABILITY: traceability_page(ctx)},
        fixtures_pages(ctx),
        {
            PROGRESS_SNIPPET: review_progress_markdown(
                list(ctx.reviews.values()), "index.md", article_page
            )
        },
    ]
    if ticket is not None:
        examples_cache.update(answer_examples(policy, todo[: len(todo) - len(later)], project.root))
        try:
            answered, done = worker.collect().get(ticket, (False, None))
        except WorkerGone:
            answered, done = False, None
        if answered:
            examples_cache.update(done)
    # what the worker did not answer is answered here: a broken example fails with its problems
    examples_cache.update(
        answer_examples(policy, [t for t in todo if t[2] not in examples_cache], project.root)
    )
    ctx.examples = cached_runs(keys, examples_cache)
    if cache_dir is not None and (set(fixtures_cache), set(examples_cache)) != before:
        write_atomically(
            Path(cache_dir) / CACHE_FILE,
            json.dumps(cache, ensure_ascii=False, sort_keys=True).encode("utf-8"),
        )
    parts += [article_pages(ctx), example_pages(ctx), snippet_files(ctx)]
    for part in parts:
        overlap = set(pages) & set(part)
        if overlap:
            raise SiteBuildError(f"generated twice: {', '.join(sorted(overlap))}")
        pages.update(part)
    return dict(sorted(pages.items()))


# what the early worker works with, set before it is forked (``_early_worker``)
_forked: dict[str, Any] = {}


def _answered_in_worker(todo: list[tuple[int, Path, str]], repo_root: Path) -> dict[str, Any]:
    return answer_examples(_forked["policy"], todo, repo_root)


@contextmanager
def _early_worker(policy: Policy) -> Iterator[EarlyWorker | None]:
    """The build's early worker (``generators.docs.early_worker``), forked with ``policy`` to
    answer the examples with, or None where it cannot be; stopped when the block ends."""
    _forked["policy"] = policy
    try:
        worker = EarlyWorker.start()
    finally:
        _forked.clear()
    try:
        yield worker
    finally:
        if worker is not None:
            worker.close()


CACHE_DIR = ".cache"  # inside the staging folder: kept by ``stage``, skipped by mkdocs (dotfile)
CACHE_FILE = "site-cache.json"
CACHE_FORMAT = 2  # 2: fixtures keep their source


def _read_cache(cache_dir: Path | None) -> dict[str, Any]:
    """The build cache, or an empty one (no cache folder, unreadable or another format)."""
    empty: dict[str, Any] = {"format": CACHE_FORMAT, "fixtures": {}, "examples": {}}
    if cache_dir is None:
        return {"format": CACHE_FORMAT, "fixtures": None, "examples": None}
    path = Path(cache_dir) / CACHE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return empty
    if not all(isinstance(data.get(k), dict) for k in ("fixtures", "examples")):
        return empty
    return data


def hand_written_files(docs_dir: Path) -> dict[str, bytes]:
    """The published hand-written files of ``docs/`` (developer notes and dotfiles left out)."""
    files = {}
    if not docs_dir.is_dir():
        return files
    for path in sorted(docs_dir.rglob("*")):
        rel = path.relative_to(docs_dir).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in rel.split("/")):
            continue
        if rel.startswith(NOT_PUBLISHED):
            continue
        files[rel] = path.read_bytes()
    return files


def stage(
    generated: dict[str, str], hand_written: dict[str, bytes], staging_dir: Path
) -> list[str]:
    """Make ``staging_dir`` hold exactly these files; return what was written or removed."""
    clash = sorted(set(generated) & set(hand_written))
    if clash:
        raise SiteBuildError(
            "hand-written pages in docs/ would hide generated ones: " + ", ".join(clash),
            ["move or rename them; generated pages: articles/, examples/, the reference pages"],
        )
    wanted = {rel: text.encode("utf-8") for rel, text in generated.items()}
    wanted.update(hand_written)
    staging_dir.mkdir(parents=True, exist_ok=True)
    remove_temporaries(staging_dir)
    changed = []
    for rel, data in sorted(wanted.items()):
        target = staging_dir / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        write_atomically(target, data)
        changed.append(rel)
    for path in sorted(staging_dir.rglob("*"), reverse=True):
        rel = path.relative_to(staging_dir).as_posix()
        if rel == CACHE_DIR or rel.startswith(CACHE_DIR + "/"):
            continue  # the build cache (generate_pages)
        if path.is_file() and rel not in wanted and rel != MARKER:
            path.unlink()
            changed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return sorted(changed)


def site_nav(policy: Policy, files: list[str]) -> list[Any]:
    """The navigation, grouped as a reader looks for things: the articles first, then the
    readings (parameters, anomalies, procedure), the worked examples, the reference listings, and
    last the pages for developers."""
    present = set(files)
    pages = {f for f in present if f.endswith(".md") and not f.startswith(SNIPPETS + "/")}
    used: set[str] = set()

    def entry(path: str, title: str | None = None) -> Any:
        used.add(path)
        return {title: path} if title else path

    def present_entries(items: list[tuple[str, str | None]]) -> list[Any]:
        return [entry(p, t) for p, t in items if p in pages]

    nav: list[Any] = present_entries([("index.md", "首页 Home")])
    articles = [entry(ARTICLES_INDEX, "全部条文 All articles")]
    articles += [entry(article_page(a["eid"]), short_title(a)) for a in policy.articles]
    nav.append({"条文 Articles": articles})
    readings = present_entries([(PARAMETERS, "解释参数 Parameters")])
    # each parameter, each example case and each article's fixtures are one hop from their index
    # page; listing them all in the navigation would repeat ~150 entries in every page's HTML
    used.update(parameter_page(p["id"]) for p in policy.parameters["parameters"])
    readings += present_entries(
        [(ANOMALIES, "起草异常 Anomalies"), (PROCEDURE, "程序与期限 Procedure")]
    )
    nav.append({"解读 Readings": readings})
    examples = present_entries([(EXAMPLES_INDEX, "全部示例 All examples")])
    used.update(p for p in pages if p.startswith("examples/"))
    nav.append({"示例 Examples": examples})
    reference = present_entries(
        [
            ("reading.md", "阅读指南 Reading the site"),
            (TRACEABILITY, "追溯矩阵 Traceability"),
            (FIXTURES, "测试样例 Fixtures"),
        ]
    )
    used.update(fixtures_page_of(a["eid"]) for a in policy.articles)
    reference += present_entries(
        [
            (VOCABULARY, "词汇 Vocabulary"),
            (NORMALISATION, "规范化记录 Normalisation log"),
            (CHANGELOG, "版本与变更 Changelog"),
        ]
    )
    nav.append({"参考 Reference": reference})
    developers: list[Any] = []
    guide_order = ["guide/index.md", "guide/cli.md", "guide/python.md"]
    guides = sorted(p for p in pages if p.startswith("guide/"))
    for path in sorted(guides, key=lambda p: (guide_order.index(p) if p in guide_order else 99, p)):
        developers.append(entry(path))
    developers += present_entries([(DEPENDENCIES, "谓词依赖 Predicates")])
    developers += [entry(p) for p in sorted(pages) if p.startswith("engine/")]
    nav.append({"开发 Developers": developers})
    rest = sorted(pages - used)
    if rest:
        nav.append({"其他 More": [entry(p) for p in rest]})
    return nav


STAGE_COMMAND = "accountability docs generate"
BUILD_COMMAND = "accountability docs build"


def stage_site(
    policy: Policy,
    project: Project,
    staging_dir: Path | None = None,
    *,
    cli_help: str = "",
    docs_dir: Path | None = None,
    fixtures_dir: Path | None = None,
    examples_dir: Path | None = None,
) -> Staged:
    """Generate every page and synchronise the staging folder (no mkdocs run)."""
    with _staging(
        policy,
        project,
        staging_dir,
        cli_help=cli_help,
        docs_dir=docs_dir,
        fixtures_dir=fixtures_dir,
        examples_dir=examples_dir,
    ) as (staged, _):
        return staged


@contextmanager
def _staging(
    policy: Policy,
    project: Project,
    staging_dir: Path | None,
    *,
    cli_help: str,
    docs_dir: Path | None,
    fixtures_dir: Path | None,
    examples_dir: Path | None,
) -> Iterator[tuple[Staged, EarlyWorker | None]]:
    """The staged site, with the staging folder locked until the block ends (mkdocs reads it),
    and the build's early worker, which answered the examples and is kept for the search."""
    reserved = staging_dir is None or same_path(staging_dir, project.staging_dir)
    staging_dir = project.staging_dir if staging_dir is None else staging_dir
    with (
        output_folder(staging_dir, "staging", STAGE_COMMAND, reserved=reserved) as folder,
        _early_worker(policy) as worker,
    ):
        generated = generate_pages(
            policy,
            project,
            cli_help=cli_help,
            fixtures_dir=fixtures_dir,
            examples_dir=examples_dir,
            cache_dir=folder / CACHE_DIR,
            worker=worker,
        )
        hand_written = hand_written_files(project.docs_dir if docs_dir is None else docs_dir)
        changed = stage(generated, hand_written, folder)
        files = sorted(
            rel
            for rel in (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
            if not any(part.startswith(".") for part in rel.split("/"))
        )
        yield Staged(folder, files, changed, generated, site_nav(policy, files)), worker


def _overlap(a: Path, b: Path) -> bool:
    a, b = resolved(a), resolved(b)
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def mkdocs_config(staged: Staged, site_dir: Path, config_file: Path, strict: bool = True):
    """mkdocs.yml with the staging folder, the output folder and the generated navigation."""

    return load_config(
        str(config_file),
        docs_dir=str(staged.docs_dir),
        site_dir=str(site_dir),
        nav=staged.nav,
        strict=strict,
    )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def build_site(
    policy: Policy,
    project: Project,
    site_dir: Path | None = None,
    staging_dir: Path | None = None,
    *,
    cli_help: str = "",
    docs_dir: Path | None = None,
    fixtures_dir: Path | None = None,
    examples_dir: Path | None = None,
) -> Staged:
    """Generate, stage, ``mkdocs build --strict`` into ``site_dir``; SiteBuildError on a warning.

    The site is built beside ``site_dir`` and swapped in only when the build succeeded: a failed
    or interrupted build leaves the previous site as it was."""
    reserved = site_dir is None or same_path(site_dir, project.site_dir)
    site_dir = project.site_dir if site_dir is None else site_dir
    staging = project.staging_dir if staging_dir is None else staging_dir
    # both folders checked before either is touched
    check_folder(site_dir, "site", BUILD_COMMAND, reserved=reserved)
    check_folder(
        staging,
        "staging",
        STAGE_COMMAND,
        reserved=staging_dir is None or same_path(staging, project.staging_dir),
    )
    if _overlap(site_dir, staging):
        raise SiteBuildError(
            f"the site folder {site_dir} and the staging folder {staging} overlap",
            ["give --out and --staging two separate folders"],
        )
    with (
        output_folder(site_dir, "site", BUILD_COMMAND, reserved=reserved) as site,
        _staging(
            policy,
            project,
            staging_dir,
            cli_help=cli_help,
            docs_dir=docs_dir,
            fixtures_dir=fixtures_dir,
            examples_dir=examples_dir,
        ) as (staged, worker),
        replacement_folder(site, "site", BUILD_COMMAND) as building,
    ):
        collect = _Collect()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collect)
        # the early worker then loads jieba's dictionary and indexes the pages for the search
        use_early_worker(worker, staged.docs_dir)
        try:
            build(mkdocs_config(staged, building, project.mkdocs_config, strict=True))
        except (Abort, MkDocsException) as exc:
            raise SiteBuildError(f"mkdocs build failed: {exc}", collect.messages) from exc
        finally:
            use_early_worker(None)
            logger.removeHandler(collect)
        if (
            collect.messages
        ):  # strict mode aborts on these; belt and braces for warnings logged late
            raise SiteBuildError("mkdocs reported warnings", collect.messages)
    return staged


# What ``mkdocs serve`` restages before each rebuild (set by serve_site, read by mkdocs_hooks.py).
_RESTAGE: list[Callable[[], None]] = []


def restage_for_serve() -> None:
    """Regenerate the staged pages of the site being served (the mkdocs hook calls this)."""
    for restage in _RESTAGE:
        restage()


def serve_site(
    policy: Policy,
    project: Project,
    staging_dir: Path | None = None,
    *,
    address: str = "127.0.0.1:8000",
    cli_help: str = "",
) -> None:
    """Stage the pages and run ``mkdocs serve`` on them, restaging on every change it sees."""

    staging_dir = project.staging_dir if staging_dir is None else staging_dir
    staged = stage_site(policy, project, staging_dir, cli_help=cli_help)
    # the hook in mkdocs_hooks.py restages before every rebuild when this is set
    os.environ["ACCOUNTABILITY_DOCS_RESTAGE"] = "1"
    _RESTAGE[:] = [
        lambda: stage_site(load_policy(policy.root), project, staging_dir, cli_help=cli_help)
    ]
    watched = [project.docs_dir, policy.root, project.examples_dir, project.fixtures_dir]
    serve(
        str(project.mkdocs_config),
        docs_dir=str(staged.docs_dir),
        nav=staged.nav,
        dev_addr=address,
        watch=[str(p) for p in watched if Path(p).is_dir()],
    )


__all__ = [
    "SiteBuildError",
    "Staged",
    "build_site",
    "example_page",
    "generate_pages",
    "serve_site",
    "site_nav",
    "stage",
    "stage_site",
]
