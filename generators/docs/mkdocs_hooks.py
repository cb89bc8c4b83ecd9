"""mkdocs hooks (``hooks:`` in mkdocs.yml), loaded by mkdocs from this file's path.

Two settings of the theme's plugins are resolved against the current working directory, which would
make ``mkdocs build`` depend on where it is run from: the jieba user dictionary of the search plugin
and the base path of pymdownx.snippets. This hook pins them to the project (the folder of
mkdocs.yml) and to the docs folder being built (the staging folder), before those plugins read them.
Under ``accountability docs serve`` it also regenerates the staged pages before each rebuild, so
that edits to the policy, the examples or the hand-written pages show up without a restart.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from mkdocs.plugins import CombinedEvent, event_priority

from generators.docs.compact import compact_html, compact_search_index
from generators.docs.render_cache import RenderCache
from generators.docs.site import restage_for_serve

RESTAGE_ENV = "ACCOUNTABILITY_DOCS_RESTAGE"
_builds = {"count": 0}
_search_words: dict[str, str] = {}  # search plugin → its jieba user dictionary (on_config)
_cache: dict[str, RenderCache] = {}  # the per-page cache of the build under way (render_cache.py)


@event_priority(100)  # before the search plugin's own on_config reads its settings
def on_config(config):
    project = os.path.dirname(os.path.abspath(config.config_file_path))
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    snippets["base_path"] = [config.docs_dir]
    for name in ("material/search", "search"):
        search = config.plugins.get(name)
        if search is None:
            continue
        path = getattr(search.config, "jieba_dict_user", None)
        if path and not os.path.isabs(path):
            path = search.config.jieba_dict_user = os.path.join(project, path)
        if path and os.path.isfile(path):
            # loaded by the page cache before the first page it has to segment: jieba's own
            # dictionary, which loading the user's pulls in, takes a second or two, and a
            # rebuild whose pages all come from the cache segments nothing
            _search_words[name] = path
            search.config.jieba_dict_user = None
    logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba announces its dictionary on stderr
    return config


# pages for developers come after the statute and the readings in search results
DEVELOPER_PAGES = ("guide/", "engine/", "dev/", "dependencies.md", "vocabulary.md", "changelog.md")
DEVELOPER_BOOST = 0.005


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri.startswith(DEVELOPER_PAGES):
        search = page.meta.setdefault("search", {})
        if isinstance(search, dict):
            search.setdefault("boost", DEVELOPER_BOOST)
    return markdown


def on_pre_build(config):
    _builds["count"] += 1
    cache = _cache["build"] = RenderCache(config)
    for name in ("material/search", "search"):
        search = config.plugins.get(name)
        if search is not None:
            cache.cache_search(search, _search_words.get(name))
    if os.environ.get(RESTAGE_ENV) != "1" or _builds["count"] == 1:
        return  # a plain build, or the first build of `serve` (staged just before)

    restage_for_serve()


def on_pre_page(page, config, files):
    cache = _cache.get("build")
    if cache is not None:
        cache.cache_render(page)
    return page


@event_priority(100)  # before the search plugin writes its index
def _search_entries(config):
    cache = _cache.get("build")
    if cache is not None:
        cache.finish_search()


def _after_build(config):
    """Keep the per-page cache for the next build. Leave out theme files the site never loads:
    source maps, and the search languages other than English (Chinese is segmented at build
    time, so the browser needs no segmenter)."""
    cache = _cache.pop("build", None)
    if cache is not None:
        cache.write()
    site = Path(config.site_dir)
    for path in sorted(site.joinpath("assets").rglob("*.map")):
        path.unlink()
    languages = []
    for name in ("material/search", "search"):
        search = config.plugins.get(name)
        if search is not None:
            languages = list(getattr(search.config, "lang", None) or [])
    if languages in (["en"], []):
        shutil.rmtree(site / "assets" / "javascripts" / "lunr", ignore_errors=True)
    # template white space and per-token highlighting spans, a tenth of every page (compact.py)
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        compact = compact_html(text)
        if compact != text:
            page.write_text(compact, encoding="utf-8")
    # the index is written with every Chinese character as a six-byte \\u escape: as UTF-8 it
    # is about half the size, and the browser reads it the same
    index = site / "search" / "search_index.json"
    if index.is_file():
        data = compact_search_index(json.loads(index.read_text(encoding="utf-8")))
        index.write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )


on_post_build = CombinedEvent(_search_entries, _after_build)


def on_nav(nav, config, files):
    cache = _cache.get("build")
    if cache is not None:
        cache.start_worker(config, files)
    return nav


def on_build_error(error):
    cache = _cache.pop("build", None)
    if cache is not None:
        cache.stop_worker(abandon=True)
