"""Text from the policy files put into the Markdown that review commands print, as text.

A review record's reviewer is whatever the article file says (a hand edit included), and the
checklist and the Markdown diff are pasted into pull requests and pages that render Markdown, HTML
included: a name such as ``<img …>`` or ``[x](…)`` must show as those characters, not act."""

from __future__ import annotations

import re

# the characters that can start markup in running text: emphasis, code, links and images, raw
# HTML and entities, strikethrough, table cells, attribute lists
_MARKUP = re.compile(r"[\\`*_\[\]<>&~|{}]")


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows exactly these characters. Each markup character becomes
    a numeric character reference, which CommonMark, GitHub's Markdown and Python-Markdown (the
    site's) all show as the character itself (a backslash escape works in some of them only)."""
    return _MARKUP.sub(lambda m: f"&#{ord(m.group())};", text)
