"""Per-page cache of the two costly steps of a site build: Markdown conversion and search indexing.

Most pages of the site are the same from one build to the next (a change to one article file moves
a handful of pages), yet mkdocs converts every page's Markdown and the theme's search plugin parses
every page's HTML and segments its Chinese with jieba on every build: together about three
quarters of the build. Each page's results are kept in the staging folder's build cache, keyed by
the digest of everything they are computed from, so a rebuild redoes only the pages whose inputs
changed; what it produces is byte for byte what a build without the cache produces.

- Markdown (``Page.render``): keyed by the page's Markdown after the hooks, its path, the list of
  files of the site (links are resolved against it), the Markdown extensions and their settings,
  the URL style and link validation settings, and the versions of mkdocs and Markdown. A page whose conversion logged a warning, or that
  includes snippets (``--8<--``), is not kept.
- Search entries (the theme's ``add_entry_from_context``): keyed by the page's HTML, URL, table of
  contents, title and metadata, the jieba user dictionary and the versions of the theme and jieba.
  On a miss, blocks marked ``data-search-exclude`` (fixture tables, worked answers) are taken out
  before the theme parses the page: it would skip their text anyway, after parsing all of it.

Both replace a method on one object (the page, the search index) for one build, never a class.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import re
import threading
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from engine.files.output import write_atomically

try:  # mkdocs' own step that reads, converts and hooks one page: the worker converts as the build
    from mkdocs.commands.build import _populate_page
except ImportError:  # a later mkdocs without it: no page is converted in the worker
    _populate_page = None

_log = logging.getLogger("mkdocs.hooks.render_cache")
CACHE_FILE = "pages-cache.json"
CACHE_FORMAT = 1
SNIPPET_MARK = "--8<--"
# this file's own text: a change to how entries are made or kept leaves the old ones unused
_OWN_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _digest(*parts: Any) -> str:
    data = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=_stable)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _stable(value: Any) -> str:
    """A settings value JSON cannot hold (a function, an extension object), named without the
    memory address that ``repr`` would give it, which changes from one run to the next."""
    kind = type(value)
    name = getattr(value, "__qualname__", None) or kind.__qualname__
    module = getattr(value, "__module__", None) or kind.__module__
    return _ADDRESS.sub("", f"{module}.{name}:{value!s}")


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _toc_data(items) -> list[dict[str, Any]]:
    return [
        {"title": i.title, "id": i.id, "level": i.level, "children": _toc_data(i.children)}
        for i in items
    ]


def _toc_from(data: list[dict[str, Any]]) -> TableOfContents:
    def link(item: dict[str, Any]) -> AnchorLink:
        anchor = AnchorLink(item["title"], item["id"], item["level"])
        anchor.children = [link(c) for c in item["children"]]
        return anchor

    items = [link(i) for i in data]
    if items:
        items[0].active = True  # as mkdocs marks the first entry (structure.toc.get_toc)
    return TableOfContents(items)


def _hidden(src_uri: str) -> bool:
    return any(part.startswith(".") for part in src_uri.split("/"))


class _Logged(logging.Handler):
    """What was logged at WARNING or above while it was attached."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class RenderCache:
    """The cache of one build: read in ``on_pre_build``, written in ``on_post_build``."""

    def __init__(self, config) -> None:
        self.path = Path(config.docs_dir) / ".cache" / CACHE_FILE
        self.before: dict[str, Any] = self._read()
        self.pages: dict[str, Any] = {}  # what this build used or made: written back
        self.searches: dict[str, Any] = {}
        self.hits = {"markdown": 0, "search": 0}
        self.settings = _digest(
            [str(e) for e in config["markdown_extensions"]],
            config["mdx_configs"],
            config["use_directory_urls"],  # how links to other pages are written
            config["validation"],  # what a link that leads nowhere logs
            _version("mkdocs"),
            _version("markdown"),
            _version("pymdown-extensions"),
            _OWN_CODE,
        )
        self.files_digest: str | None = None  # of the first page's ``files``: one per build
        self._worker = None  # the build's worker process (a pool of one), once started
        self._prewarm = None  # (pending conversions, the pages they are for)
        self._finish_search = None
        self._rendered = None  # called with each page once converted (``cache_search``)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"pages": {}, "searches": {}}
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return {"pages": {}, "searches": {}}
        return {
            k: data.get(k) if isinstance(data.get(k), dict) else {} for k in ("pages", "searches")
        }

    def write(self) -> None:
        data = {"format": CACHE_FORMAT, "pages": self.pages, "searches": self.searches}
        if {"pages": self.pages, "searches": self.searches} == self.before:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    # ── Markdown ─────────────────────────────────────────────────────────────────────────────

    def cache_render(self, page) -> None:
        """Make ``page.render`` answer from the cache (an attribute of this page only)."""
        original = page.render

        def render(config, files) -> None:
            converted(config, files)
            if self._rendered is not None:
                self._rendered(page)

        def converted(config, files) -> None:
            prewarm = self._prewarm
            if prewarm is not None and page.file.src_uri in prewarm[1]:
                self._collect_prewarm()
            if page.markdown is None or SNIPPET_MARK in page.markdown:
                return original(config, files)
            if self.files_digest is None:
                # dotfiles (this cache among them) are never pages or link targets
                self.files_digest = _digest(
                    sorted(f.src_uri for f in files if not _hidden(f.src_uri))
                )
            key = _digest(page.file.src_uri, page.markdown, self.files_digest, self.settings)
            kept = self.before["pages"].get(key)
            if isinstance(kept, dict):
                try:
                    self._restore(page, kept, files)
                except (KeyError, TypeError, AttributeError):
                    pass
                else:
                    self.pages[key] = kept
                    self.hits["markdown"] += 1
                    return None
            warnings = _Logged()
            logger = logging.getLogger("mkdocs")
            logger.addHandler(warnings)
            try:
                original(config, files)
            finally:
                logger.removeHandler(warnings)
            if not warnings.records:
                self.pages[key] = self._kept(page)
            return None

        page.render = render

    def start_worker(self, config, files) -> None:
        """Fork the build's one worker process, where that is safe (no other thread running).

        On a build that finds fewer than half of its pages in the cache, the worker first
        converts the later pages (``WORKER_MARKDOWN_SHARE`` of the Markdown by size) while this
        process converts the earlier ones; their results join the cache before this process
        reaches them and are used as any cached conversion is (a page that warned or failed
        there is not returned, so this process converts it again and reports it). Without the
        build's early worker (``use_early_worker``), it then loads jieba's dictionary (about
        1.5 s) and indexes for the search the pages missing from the cache, while this process
        renders the pages (``cache_search``); with it, the early worker indexes them."""
        if self._worker is not None or not may_fork():
            return
        pages = [f for f in files.documentation_pages() if not _hidden(f.src_uri)]
        later: list[str] = []
        if _populate_page is not None and len(self.before["pages"]) * 2 < len(pages):
            sizes = [_size(f.abs_src_path) for f in pages]
            share = 0
            for file, size in zip(reversed(pages), reversed(sizes), strict=True):
                if share + size > sum(sizes) * WORKER_MARKDOWN_SHARE:
                    break
                later.append(file.src_uri)
                share += size
        _worker_state["markdown"] = (self, config, files)
        try:
            self._worker = multiprocessing.get_context("fork").Pool(1, initializer=_quiet)
            if later:
                self._prewarm = (self._worker.apply_async(_convert_in_worker, (later,)), set(later))
            if _worker_state.get("dictionary") and _early.get("worker") is None:
                self._worker.apply_async(_load_segmenter, (_worker_state["dictionary"],))
        except (OSError, ValueError):
            self._worker = self._prewarm = None
            return
        _log.info(
            "A worker process converts %d of the %d pages; %s indexes for the search the pages "
            "missing from the cache",
            len(later),
            len(pages),
            "the early worker" if _early.get("worker") is not None else "then it",
        )

    def _collect_prewarm(self) -> None:
        result, _ = self._prewarm
        self._prewarm = None
        try:
            made = result.get(WORKER_TIMEOUT)
        except Exception:  # the worker died or failed: this process converts those pages
            made = {}
        for key, kept in made.items():
            self.before["pages"].setdefault(key, kept)

    def stop_worker(self, *, abandon: bool = False) -> None:
        """Close the worker (``abandon``: without waiting for what it is still doing)."""
        worker, self._worker, self._prewarm = self._worker, None, None
        self._finish_search = None if abandon else self._finish_search
        if worker is not None:
            if abandon:
                worker.terminate()
            else:
                worker.close()
            worker.join()

    @staticmethod
    def _kept(page) -> dict[str, Any]:
        links = page.links_to_anchors
        return {
            "content": page.content,
            "toc": _toc_data(page.toc),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": None
            if links is None
            else {f.src_uri: dict(anchors) for f, anchors in links.items()},
        }

    @staticmethod
    def _restore(page, kept: dict[str, Any], files) -> None:
        links = None
        if kept["links"] is not None:
            links = {}
            for src_uri, anchors in kept["links"].items():
                target = files.get_file_from_path(src_uri)
                if target is None:
                    raise KeyError(src_uri)
                links[target] = dict(anchors)
        page.content = kept["content"]
        page.toc = _toc_from(kept["toc"])
        page._title_from_render = kept["title"]
        page.present_anchor_ids = set(kept["anchors"])
        page.links_to_anchors = links

    # ── search ───────────────────────────────────────────────────────────────────────────────

    def cache_search(self, plugin, dictionary: str | None = None) -> None:
        """Make the search plugin's indexing of a page answer from the cache. ``dictionary``, the
        jieba user dictionary, is loaded before the first page that is not in the cache.

        With the build's worker (``start_worker``), pages missing from the cache are indexed
        there while this process renders the pages; ``finish_search`` puts the entries in page
        order before the index is written. A worker that fails leaves its pages to this
        process."""
        index = getattr(plugin, "search_index", None)
        if index is None or not hasattr(index, "add_entry_from_context"):
            return
        original = index.add_entry_from_context
        pending = [dictionary] if dictionary else []
        try:
            words = Path(dictionary).read_bytes() if dictionary else b""
        except OSError:
            words = b""
        salt = _digest(
            hashlib.sha256(words).hexdigest(),
            _version("mkdocs-material"),
            _version("jieba"),
            {k: plugin.config.get(k) for k in ("lang", "separator", "pipeline")},
            _OWN_CODE,
        )

        def index_here(lean) -> list[Any]:
            if pending:
                import jieba  # lazy: a rebuild served from the cache never segments

                jieba.load_userdict(pending.pop())
            return _entries_made(original, lean)

        _worker_state["index_page"] = original
        _worker_state["dictionary"] = dictionary
        slots: list[Any] = []  # per page in order: its entries, or (key, page, pending result)
        early_results: dict[int, Any] = {}  # the early worker's results, once collected

        def search_key(page) -> str:
            return _digest(salt, page.url, page.content, _toc_data(page.toc), page.title, page.meta)

        def lean_of(page) -> SimpleNamespace:
            return SimpleNamespace(
                content=without_excluded(page.content),
                toc=page.toc,
                url=page.url,
                meta=page.meta,
                title=page.title,
            )

        early_posted: dict[str, tuple[Any, Any]] = {}  # key → (lean page, its ticket)

        def posted(lean) -> _Ticket | None:
            """The page's entries as the early worker will make them, or None without one."""
            early = _early.get("worker")
            if early is None:
                return None
            try:
                ticket = early.post(_index_early, type(index), dict(index.config), dictionary, lean)
            except Exception:  # the worker is gone: the pages are indexed as without it
                _early["worker"] = None
                return None
            return _Ticket(early, ticket, early_results)

        def post_early(page) -> None:
            """As soon as a page is converted, it goes to the early worker: indexed while this
            process converts the others. ``add_entry_from_context`` takes it if the page is the
            same then (same key), and indexes it otherwise."""
            if _early.get("worker") is None or page.content is None:
                return
            key = search_key(page)
            if key in early_posted or isinstance(self.before["searches"].get(key), list):
                return
            lean = lean_of(page)
            ticket = posted(lean)
            if ticket is not None:
                early_posted[key] = (lean, ticket)

        self._rendered = post_early

        def add_entry_from_context(page) -> None:
            key = search_key(page)
            if key in early_posted:
                slots.append((key, *early_posted.pop(key)))
                return
            kept = self.before["searches"].get(key)
            if isinstance(kept, list):
                slots.append(json.loads(json.dumps(kept)))
                self.searches[key] = kept
                self.hits["search"] += 1
                return
            lean = lean_of(page)
            result = posted(lean)
            if result is None and self._worker is not None:
                try:
                    result = self._worker.apply_async(_index_in_worker, (lean,))
                except (OSError, ValueError, pickle.PicklingError):
                    result = None
            if result is not None:
                slots.append((key, lean, result))
                return
            made = index_here(lean)
            self.searches[key] = made
            slots.append(json.loads(json.dumps(made)))

        def finish() -> None:
            entries: list[Any] = []
            for slot in slots:
                if isinstance(slot, list):
                    entries.extend(slot)
                    continue
                key, lean, result = slot
                try:
                    made, logged = result.get(WORKER_TIMEOUT)
                except Exception:  # the worker died or failed: this process indexes the page
                    made, logged = index_here(lean), []
                for name, level, message in logged:
                    logging.getLogger(name).log(level, message)
                self.searches[key] = made
                entries.extend(json.loads(json.dumps(made)))
            slots.clear()
            index.entries.extend(entries)

        index.add_entry_from_context = add_entry_from_context
        self._finish_search = finish

    def finish_search(self) -> None:
        """Every page's search entries, in page order, into the index (before it is written);
        the worker's part is done then."""
        finish, self._finish_search = self._finish_search, None
        if finish is not None:
            finish()
        # all it was asked is answered; it may still be loading jieba for nothing
        self.stop_worker(abandon=True)


# The worker's share of the Markdown to convert on a build without a cache (by size, the later
# pages). With the build's early worker making the search entries it only converts; without one it
# indexes the pages afterwards, while this process renders them.
WORKER_MARKDOWN_SHARE = 0.6
# seconds the worker's part may take before this process does it itself
WORKER_TIMEOUT = 600
SERIAL_ENV = "ACCOUNTABILITY_DOCS_SERIAL"  # "1": no worker process (for profiling a build)
# what the worker works with, set before it is forked: the build (render cache, config, files),
# the search index's own method and the jieba user dictionary
_worker_state: dict[str, Any] = {}


def may_fork() -> bool:
    """Whether this process may fork a worker: on a system that forks, with no other thread
    running (a thread's locks would be copied held), unless told not to."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and os.environ.get(SERIAL_ENV) != "1"
    )


def use_early_worker(worker: Any, docs_dir: Path | None = None) -> None:
    """Let the build's early worker (``generators.docs.early_worker``; None: none) index the pages
    for the search. On a first build (no page cache in ``docs_dir``) it loads jieba's dictionary
    now, while this process converts the Markdown: the pages come to it later."""
    _early["worker"] = worker
    if worker is None or docs_dir is None or (Path(docs_dir) / ".cache" / CACHE_FILE).exists():
        return
    try:
        worker.post(_load_segmenter, None)
    except Exception:  # the worker is gone: the pages are indexed as without it
        _early["worker"] = None


def _load_segmenter(dictionary: str | None) -> None:
    """In a worker: jieba with its dictionary loaded, and the site's user dictionary once, before
    any page is segmented (segmenting without it would index other words than this process
    would)."""
    import jieba  # lazy: a second or two to load, and only pages to segment need it

    logging.getLogger("jieba").setLevel(logging.WARNING)  # it announces its dictionary on stderr
    jieba.initialize()
    if dictionary and not _worker_state.get("dictionary_loaded"):
        jieba.load_userdict(dictionary)
        _worker_state["dictionary_loaded"] = True


def _index_early(index_class: Any, config: dict[str, Any], dictionary: str | None, lean) -> Any:
    """In the early worker: a page's search entries, made by an index of the search plugin's own
    class and settings, and what was logged while making them."""
    _load_segmenter(dictionary)
    index = _worker_state.get("early_index")
    if index is None:
        index = _worker_state["early_index"] = index_class(**config)
    return _entries_logged(index.add_entry_from_context, lean)


class _Ticket:
    """A page posted to the early worker, with ``get`` as a pool's pending result has: the first
    ``get`` collects every result the worker holds."""

    def __init__(self, worker: Any, ticket: int, results: dict[int, Any]) -> None:
        self.worker, self.ticket, self.results = worker, ticket, results

    def get(self, timeout: float | None = None) -> Any:
        if self.ticket not in self.results:
            self.results.update(self.worker.collect())
        answered, value = self.results.get(self.ticket, (False, "not answered"))
        if not answered:
            raise RuntimeError(value)
        return value


# the build's early worker, when it indexes the pages for the search (``use_early_worker``)
_early: dict[str, Any] = {}


def _size(path: str | None) -> int:
    try:
        return os.path.getsize(path) if path else 0
    except OSError:
        return 0


def _quiet() -> None:
    """In a worker: nothing it logs reaches the terminal (the build's own process reports what
    matters), while handlers added later, such as the render cache's, still see it."""
    for name in ("", "mkdocs"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
    logging.getLogger("mkdocs").addHandler(logging.NullHandler())


def _convert_in_worker(src_uris: list[str]) -> dict[str, Any]:
    """The render cache's entries for these pages, converted as the build converts them."""
    cache, config, files = _worker_state["markdown"]
    # the pages it converts go back to this build's process, which posts them for the search
    # itself: a second writer on the early worker's pipe would garble it
    cache._rendered = None
    _early.clear()
    for src_uri in src_uris:
        file = files.get_file_from_path(src_uri)
        if file is None:
            continue
        try:
            if file.page is None:
                Page(None, file, config)
            _populate_page(file.page, config, files)
        except Exception:  # this page is converted, and its error reported, by the build itself
            continue
    return json.loads(json.dumps(cache.pages))


def _index_in_worker(lean) -> tuple[list[Any], list[tuple[str, int, str]]]:
    """In the Markdown worker: the page's entries, and what was logged making them."""
    _load_segmenter(_worker_state.get("dictionary"))
    return _entries_logged(_worker_state["index_page"], lean)


def _entries_logged(index_page, lean) -> tuple[list[Any], list[tuple[str, int, str]]]:
    """The page's entries, and what was logged while making them: the build's own process logs
    it again, so that a strict build fails on a warning made in a worker as on one made there."""
    logged = _Logged()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(logged)
    try:
        made = _entries_made(index_page, lean)
    finally:
        logger.removeHandler(logged)
    return made, logged.records


def _entries_made(index_page, lean) -> list[Any]:
    """The entries the search index's own method makes for one page, as plain data, taken back
    out of the index: the caller puts every page's entries in page order at the end."""
    entries = index_page.__self__.entries
    start = len(entries)
    index_page(lean)
    made = entries[start:]
    del entries[start:]
    return json.loads(json.dumps(made, default=str))


_EXCLUDED = re.compile(r"<([a-zA-Z][\w-]*)\b[^>]*\sdata-search-exclude\b[^>]*>")
_HEADING_WITH_ID = re.compile(r"<h[1-6]\b[^>]*\bid=", re.I)


def without_excluded(html: str) -> str:
    """The HTML without the elements marked ``data-search-exclude`` (what the search index
    leaves out), unless one holds a heading with an id, which would start a section."""
    out = []
    at = 0
    for match in _EXCLUDED.finditer(html):
        if match.start() < at:
            continue  # inside an element already taken out
        tag = match.group(1).lower()
        end = _end_of(html, tag, match.end())
        if end is None or _HEADING_WITH_ID.search(html, match.end(), end):
            continue
        out.append(html[at : match.start()])
        at = end
    out.append(html[at:])
    return "".join(out)


def _end_of(html: str, tag: str, start: int) -> int | None:
    """Where the element opened just before ``start`` ends (after its closing tag)."""
    pattern = re.compile(rf"<(/?){re.escape(tag)}\b[^>]*>", re.I)
    depth = 1
    for match in pattern.finditer(html, start):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.end()
        elif not match.group(0).endswith("/>"):
            depth += 1
    return None


__all__ = ["RenderCache", "use_early_worker", "without_excluded"]
