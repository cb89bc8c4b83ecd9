"""mkdocs hooks (``hooks:`` in mkdocs.yml), loaded by mkdocs from this file's path.

Two settings of the theme's plugins are resolved against the current working directory, which would
make ``mkdocs build`` depend on where it is run from: the jieba user dictionary of the search plugin
and the base path of pymdownx.snippets. This hook pins them to the project (the folder of
mkdocs.yml) and to the docs folder being built (the staging folder), before those plugins read them.
Under ``accountability docs serve`` it also regenerates the staged pages before each rebuild, so
that edits to the policy, the examples or the hand-written pages show up without a restart.
"""

from __future__ import annotations

import logging
import os

from mkdocs.plugins import event_priority

from generators.docs.site import restage_for_serve

RESTAGE_ENV = "ACCOUNTABILITY_DOCS_RESTAGE"
_builds = {"count": 0}


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
            search.config.jieba_dict_user = os.path.join(project, path)
    logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba announces its dictionary on stderr
    return config


def on_pre_build(config):
    _builds["count"] += 1
    if os.environ.get(RESTAGE_ENV) != "1" or _builds["count"] == 1:
        return  # a plain build, or the first build of `serve` (staged just before)

    restage_for_serve()
