"""Assemble the documentation site: generated pages + hand-written pages → staging folder → mkdocs.

Generated pages are never committed: they are produced from the one loaded Policy into a staging
folder (``build/docs/`` by default) next to copies of the hand-written pages of ``docs/``, and
mkdocs builds the site from there with ``--strict`` (a broken link or anchor fails the build).
Staging is synchronised, not recreated: unchanged files keep their bytes and timestamps, stale ones
are removed, new ones are written atomically, so ``mkdocs serve`` reloads only what changed and an
interrupted build leaves no half file. The site is built into a temporary folder and swapped in
whole. Both folders are written only when they are new, empty, marked by an earlier run, or the
project's own locations, and one writer at a time (engine.files.output).

Neither folder loses a file the command did not write: each run records what it wrote in a
manifest beside the marker (``MANIFEST``, see ``read_manifest``), and the next run refuses the
folder, naming the file, when it holds anything else (a note a user saved there, say) instead of
deleting it with the stale pages or the previous site.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
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
    TEMP_PREFIX,
    TEMP_SUFFIX,
    check_folder,
    output_folder,
    remove_temporaries,
    replacement_folder,
    resolved,
    same_path,
    write_atomically,
)
from engine.files.project import Project
from engine.files.reader import MIB, Limits, read_input_bytes
from engine.policy.load import load_policy
from engine.problems import Problem, ProblemsError
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

STAGE_COMMAND = "accountability docs generate"
BUILD_COMMAND = "accountability docs build"


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


MANIFEST = ".accountability-manifest.json"  # beside the marker: what the last run wrote
# what the marker of a docs folder tells a person who opens it
OWN_FILES_ONLY = (
    f"generated output: the command rewrites the files it wrote here (listed in {MANIFEST}) and "
    "refuses to run while the folder holds any other"
)
MANIFEST_FORMAT = 1
_MANIFEST_LIMITS = Limits(max_bytes=16 * MIB)  # a site of 100,000 files lists in ~6 MiB
MAX_FOREIGN_SHOWN = 10  # foreign entries named one by one; the rest are counted


def manifest_entries(files: Iterable[str]) -> list[str]:
    """The manifest's entries for these folder-relative files: each file, and each folder that
    holds one as its path with a trailing ``/``; sorted."""
    entries = set()
    for rel in files:
        entries.add(rel)
        parts = rel.split("/")
        entries.update("/".join(parts[:i]) + "/" for i in range(1, len(parts)))
    return sorted(entries)


def folder_entries(
    folder: Path, kept: tuple[str, ...] = (), known: set[str] | None = None
) -> list[str]:
    """The files and folders inside ``folder`` in the manifest's form (folders end in ``/``),
    sorted, leaving out the marker, the manifest, the top-level names ``kept`` and temporaries.
    With ``known`` (a manifest's entries), only those not in it, outermost first: a folder that is
    not known is one entry, not looked into. A symbolic link is an entry of its own, never
    followed."""
    found: list[str] = []
    skip = {MARKER, MANIFEST, *kept}
    # depth first, each folder's entries in name order right after the folder itself (an
    # explicit stack, next entry on top: a recursive closure would be a reference cycle)
    pending = _listing(folder, "", skip)[::-1]
    while pending:
        entry, rel = pending.pop()
        if entry.is_dir(follow_symlinks=False):
            listed = known is None
            if listed or rel + "/" not in known:
                found.append(rel + "/")
            if listed or rel + "/" in known:
                pending.extend(_listing(Path(entry.path), rel + "/", skip)[::-1])
        elif known is None or rel not in known:
            found.append(rel)
    return found


def _listing(directory: Path, prefix: str, skip: set[str]) -> list[tuple[os.DirEntry, str]]:
    """The entries of ``directory`` in name order with their paths in the manifest's form, the
    names ``skip`` holds and temporaries left out."""
    with os.scandir(directory) as listing:
        return [
            (entry, prefix + entry.name)
            for entry in sorted(listing, key=lambda e: e.name)
            if prefix + entry.name not in skip and not _temporary(entry.name)
        ]


def _temporary(name: str) -> bool:
    """A file being written atomically (engine.files.output), which a killed run may leave."""
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def write_manifest(folder: Path, entries: Iterable[str], command: str) -> None:
    """Record ``entries`` as what ``command`` wrote in ``folder`` (see ``read_manifest``)."""
    text = json.dumps(
        {
            "entries": sorted(set(entries)),
            "format": MANIFEST_FORMAT,
            "note": "what the command wrote here; it refuses to replace anything else",
            "written_by": command,
        },
        ensure_ascii=False,
        indent=1,
        sort_keys=True,
    )
    data = (text + "\n").encode("utf-8")
    target = folder / MANIFEST
    if target.is_symlink() or not target.is_file() or target.read_bytes() != data:
        write_atomically(target, data)


def read_manifest(folder: Path, command: str) -> set[str] | None:
    """What the previous run recorded having written in ``folder``; None when it left no manifest.

    The manifest, ``.accountability-manifest.json`` beside the marker, is UTF-8 JSON with sorted
    keys and one entry a line, so that the same files always give the same bytes::

        {
         "entries": ["articles/", "articles/art_1.md", "index.md"],
         "format": 1,
         "note": "...",
         "written_by": "accountability docs generate"
        }

    ``entries`` are paths relative to the folder with ``/`` between parts; a folder is listed
    with a trailing ``/``. The marker, the manifest itself, temporaries and (in the staging
    folder) the build cache ``.cache/`` are never listed. A folder without a manifest was written
    before manifests were kept (or is new or empty): its content is taken as the command's once,
    as before, and the manifest written from then on. A manifest that cannot be read is refused:
    nobody can then say what in the folder is the command's."""
    path = folder / MANIFEST
    if not path.exists() and not path.is_symlink():
        return None

    def refused(found: str) -> ProblemsError:
        return ProblemsError.one(
            str(path),
            command,
            f"the manifest of the folder {found}: what the previous run wrote is not known, "
            "so nothing in the folder is replaced",
            f"the JSON manifest the previous run wrote (or move what you keep out of {folder} "
            "and delete the folder)",
            code="not-ours",
        )

    if path.is_symlink():
        raise refused("is a symbolic link")
    try:
        data = json.loads(read_input_bytes(path, str(path), _MANIFEST_LIMITS))
    except (ValueError, RecursionError):
        raise refused("is not JSON") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise refused(f"is not a manifest of format {MANIFEST_FORMAT}")
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise refused("has no list of entries")
    return set(entries)


def refuse_foreign(folder: Path, known: set[str], command: str, kept: tuple[str, ...] = ()) -> None:
    """ProblemsError naming every entry of ``folder`` that is not in ``known`` (the previous run's
    manifest) and would be deleted or overwritten by replacing the folder; nothing when none."""
    foreign = folder_entries(folder, kept, known)
    if not foreign:
        return
    expected = (
        f"only what the previous run of this command wrote (listed in {MANIFEST}): move it out "
        "of the folder, or delete it yourself"
    )
    problems = [
        Problem(
            str(folder / rel.rstrip("/")),
            None,
            None,
            command,
            f"{'a folder' if rel.endswith('/') else 'a file'} this command did not write: "
            "it is left untouched, and so is the folder",
            expected,
            code="not-ours",
        )
        for rel in foreign[:MAX_FOREIGN_SHOWN]
    ]
    if len(foreign) > MAX_FOREIGN_SHOWN:
        problems.append(
            Problem(
                str(folder),
                None,
                None,
                command,
                f"{len(foreign) - MAX_FOREIGN_SHOWN} more entries this command did not write",
                expected,
                code="not-ours",
            )
        )
    raise ProblemsError(problems)


def check_own_files(folder: Path, command: str, kept: tuple[str, ...] = ()) -> set[str] | None:
    """Refuse ``folder`` when it holds anything its manifest does not list (``refuse_foreign``);
    the manifest's entries, or None when the folder has no manifest (``read_manifest``)."""
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return None  # nothing of anyone's to lose; check_folder refuses a link or a file
    known = read_manifest(folder, command)
    if known is not None:
        refuse_foreign(folder, known, command, kept)
    return known


STAGING_KEPT = (CACHE_DIR,)  # the build cache: the command's own, kept between runs


def stage(
    generated: dict[str, str],
    hand_written: dict[str, bytes],
    staging_dir: Path,
    command: str = STAGE_COMMAND,
) -> list[str]:
    """Make ``staging_dir`` hold exactly these files; return what was written or removed.

    Only what the previous run wrote (its manifest, ``read_manifest``) is ever removed or
    overwritten: a folder holding anything else is refused before anything is written. The
    manifest is updated before the first write to list what this run may write, and after the
    last to list what it wrote, so that an interrupted run leaves no file of its own unlisted."""
    clash = sorted(set(generated) & set(hand_written))
    if clash:
        raise SiteBuildError(
            "hand-written pages in docs/ would hide generated ones: " + ", ".join(clash),
            ["move or rename them; generated pages: articles/, examples/, the reference pages"],
        )
    wanted = {rel: text.encode("utf-8") for rel, text in generated.items()}
    wanted.update(hand_written)
    staging_dir.mkdir(parents=True, exist_ok=True)
    known = check_own_files(staging_dir, command, STAGING_KEPT)
    if known is None:  # no manifest: written before manifests were kept, or new (see above)
        known = set(folder_entries(staging_dir, STAGING_KEPT))
    remove_temporaries(staging_dir)
    entries = manifest_entries(wanted)
    write_manifest(staging_dir, known | set(entries), command)
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
        if path.is_dir() and not path.is_symlink():
            if rel + "/" in known and not any(path.iterdir()):
                path.rmdir()
        elif rel in known and rel not in wanted:
            path.unlink()  # a page of the previous run that this one does not make
            changed.append(rel)
    write_manifest(staging_dir, entries, command)
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
    # refused before anything is generated or written: a folder that is not ours, or one that
    # holds a file the previous run did not write (``stage`` checks again under the lock)
    check_folder(staging_dir, "staging", STAGE_COMMAND, reserved=reserved)
    check_own_files(staging_dir, STAGE_COMMAND, STAGING_KEPT)
    with (
        output_folder(
            staging_dir, "staging", STAGE_COMMAND, reserved=reserved, note=OWN_FILES_ONLY
        ) as folder,
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
    # nor does either hold anything the previous run did not write (see ``read_manifest``)
    check_own_files(site_dir, BUILD_COMMAND)
    check_own_files(staging, STAGE_COMMAND, STAGING_KEPT)
    with (
        output_folder(
            site_dir, "site", BUILD_COMMAND, reserved=reserved, note=OWN_FILES_ONLY
        ) as site,
        _staging(
            policy,
            project,
            staging_dir,
            cli_help=cli_help,
            docs_dir=docs_dir,
            fixtures_dir=fixtures_dir,
            examples_dir=examples_dir,
        ) as (staged, worker),
        replacement_folder(site, "site", BUILD_COMMAND, OWN_FILES_ONLY) as building,
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
        # the new site lists what it holds; the old one is checked again, under the lock, just
        # before the swap deletes it (a refusal here keeps it as it is)
        write_manifest(building, folder_entries(building), BUILD_COMMAND)
        check_own_files(site, BUILD_COMMAND)
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
    "check_own_files",
    "example_page",
    "generate_pages",
    "read_manifest",
    "serve_site",
    "site_nav",
    "stage",
    "stage_site",
]
