"""Divergence witnesses on the parameter pages: the hook the case generator fills in.

A divergence witness is a case whose answer changes when one interpretation parameter changes: the
most direct way to show a legal officer what a reading decides. This module is the one place the
parameter pages ask for it; until the case generator provides witnesses, it returns nothing and the
pages show no witness section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generators.docs.context import SiteContext


def divergence_witness_markdown(ctx: SiteContext, param: dict[str, Any], page_path: str) -> str:
    """Extra Markdown for the page of ``param`` (``page_path``, docs-relative); "" when none.

    Whatever is returned is appended to the parameter page as it is, after the open question: it
    should start with its own ``##`` heading carrying an explicit ``{#id}`` and link with paths
    relative to ``page_path`` (see ``generators.docs.markdown.rel``).
    """
    return ""
