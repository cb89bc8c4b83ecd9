"""The project's JSON Schemas as OpenAPI components: one source of truth for files, answers and the API.

Each ``schema/NAME.schema.json`` becomes ``#/components/schemas/NAME`` unchanged but for where its
references point: ``#/$defs/x`` inside it becomes ``#/components/schemas/NAME/$defs/x`` and
``other.schema.json#/$defs/x`` becomes ``#/components/schemas/other/$defs/x``; its ``$id`` and
``$schema`` are dropped, so that references resolve inside the OpenAPI document. Nothing is
copied by hand: a change to a schema is a change to the API's description.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from engine.files.project import schema_dir

SUFFIX = ".schema.json"


def schema_names(folder: Path | None = None) -> list[str]:
    """The file kinds that have a schema (``answer``, ``case`` …), sorted."""
    folder = folder or schema_dir()
    return sorted(p.name[: -len(SUFFIX)] for p in folder.glob(f"*{SUFFIX}"))


def schema_document(name: str, folder: Path | None = None) -> dict[str, Any]:
    """One schema file as published (what ``GET /v1/schemas/{name}`` returns)."""
    folder = folder or schema_dir()
    return json.loads((folder / f"{name}{SUFFIX}").read_text(encoding="utf-8"))


def component(name: str) -> str:
    return f"#/components/schemas/{name}"


def _rewrite(node: Any, own: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("$id", "$schema") and isinstance(value, str):
                continue
            if key == "$ref" and isinstance(value, str):
                out[key] = _target(value, own)
            else:
                out[key] = _rewrite(value, own)
        return out
    if isinstance(node, list):
        return [_rewrite(v, own) for v in node]
    return node


def _target(ref: str, own: str) -> str:
    document, _, pointer = ref.partition("#")
    name = document[: -len(SUFFIX)].rsplit("/", 1)[-1] if document else own
    return component(name) + pointer


@cache
def _components_in(folder: Path) -> dict[str, Any]:
    return {name: _rewrite(schema_document(name, folder), name) for name in schema_names(folder)}


def components() -> dict[str, Any]:
    """Every project schema, keyed by its kind, with references rewritten (see the module notes)."""
    return _components_in(schema_dir())
