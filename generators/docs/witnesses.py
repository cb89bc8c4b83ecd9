"""The witness cases of each interpretation parameter on its section of the site: for every
non-default reading, the smallest case on which it changes the answer, with both answers side by
side (generators.fixtures.witnesses writes them as fixtures under tests/fixtures/witnesses/).

Kept apart from the parameters page so that the page's layout can change without touching this.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.files.safe_yaml import load_yaml_file
from engine.problems import ProblemsError
from generators.docs.markdown import code, esc, table

if TYPE_CHECKING:
    from generators.docs.context import SiteContext

WITNESS_PREFIX = "witness--"


def witnesses_by_parameter(ctx: SiteContext) -> dict[str, list[dict[str, Any]]]:
    """Parameter id → its witness fixtures (as committed), in fixture id order (read once per site)."""
    cached = ctx.__dict__.get("_witnesses")
    if cached is not None:
        return cached
    found: dict[str, list[dict[str, Any]]] = {}
    for ref in ctx.fixtures:
        if not ref.id.startswith(WITNESS_PREFIX):
            continue
        try:
            data = load_yaml_file(ctx.project_root / ref.path).data
        except ProblemsError:
            continue  # the fixtures' own check reports an unreadable fixture
        witness = data.get("witness") if isinstance(data, dict) else None
        if isinstance(witness, dict):
            found.setdefault(witness["parameter"], []).append(data)
    ctx.__dict__["_witnesses"] = found
    return found


def witness_lines(param: dict[str, Any], witnesses: list[dict[str, Any]]) -> list[str]:
    """Markdown: one table per witness (what changes · under the default · under the reading)."""
    if not witnesses:
        return []
    lines = [
        "**见证案例 Witness cases**（每个备选读法改变答案的最小案例 · the smallest case on "
        "which each alternative reading changes the answer）",
        "",
    ]
    for f in witnesses:
        w = f["witness"]
        size = w["size"]
        lines.append(
            f"- {code(w['slug'])} {esc(w['label']['zh'])} · {esc(w['label']['en'])}: "
            f"{code(f['id'])}（{size['people']} 人 people, {size['acts']} 行为 acts, "
            f"{size['facts']} 事实 facts, as of {f['as_of']}）"
        )
        lines.append("")
        rows = [
            [
                f"{esc(c['headline']['zh'])}<br>{esc(c['headline']['en'])}",
                _shown(c.get("old")),
                _shown(c.get("new")),
            ]
            for c in w["changes"]
        ]
        lines.extend(table(["变化 What changes", "默认读法 Default", "该读法 This reading"], rows))
        lines.append("")
    return lines


def _shown(item: Any) -> str:
    if item is None:
        return "—"
    if isinstance(item, dict):
        parts = [f"{k}: {_value(v)}" for k, v in item.items() if v not in (None, [], "")]
        return "<br>".join(esc(p) for p in parts) or "—"
    return esc(_value(item))


def _value(v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v) or "—"
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def divergence_witness_markdown(ctx: SiteContext, param: dict[str, Any], page_path: str) -> str:
    """Extra Markdown for the page of ``param`` (``page_path``, docs-relative): its witness cases
    under their own heading, or "" when the parameter has none (its no-witness reason, when the
    search found no case, is shown on the page with the parameter's other fields)."""
    lines = witness_lines(param, witnesses_by_parameter(ctx).get(param["id"], []))[2:]
    kinds = {
        "by_design": "按设计无影响 · no effect by design",
        "beyond_bounds": "在搜索范围内未找到 · none found within the search bounds",
    }
    for entry in param.get("no_witness", []):
        readings = ", ".join(code(a) for a in entry.get("alternatives", []))
        lines += [
            f"- **{esc(kinds.get(entry['kind'], entry['kind']))}** ({readings}): "
            f"{esc(entry['reason']['zh'])}<br>{esc(entry['reason']['en'])}",
            "",
        ]
    if not lines:
        return ""
    # the cases are data (facts, changed conclusions): searched, they buried the readings' words
    return (
        "\n".join(
            [
                "## 见证案例 · Witness cases {#witnesses}",
                "",
                '<div class="witness-cases" data-search-exclude markdown>',
                "",
                *lines,
                "",
                "</div>",
            ]
        )
        + "\n"
    )
