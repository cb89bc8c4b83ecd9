"""Make the built pages and the search index smaller without changing what a reader sees or finds.

mkdocs-material writes its templates with their indentation and blank lines, highlights code with a
span per token (whitespace too), and repeats a page's search tags in the index entry of every
section. These functions take out what the browser ignores: they run on the built site
(``mkdocs_hooks.on_post_build``), so a rebuild does not depend on them having run before.

Outside preformatted text, scripts and styles a page also loses what HTML itself makes optional:
the quotes of attribute values made of letters, digits and ``_.:/#-``; the end tags of table cells,
rows and list items that the next cell, row or item closes; the line breaks beside a block-level tag,
where white space shows nothing. A general minifier (minify-html) was tried and not kept: it also
drops the space between two links inside a ``<div>``, which the reader sees.
"""

from __future__ import annotations

import json
import re
from typing import Any

# text the browser shows as written: kept byte for byte
_VERBATIM = re.compile(
    r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>|<script\b.*?</script>|<style\b.*?</style>)",
    re.S | re.I,
)
# a run of white space that holds a line break: one line break shows the same outside <pre>
_BREAKS = re.compile(r"[ \t]*\n[ \t\n]*")

_PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.S | re.I)
# a highlighted token that is only white space: its colour never shows
_BLANK_SPAN = re.compile(r'<span class="[\w -]+">([ \t]+)</span>')
# two tokens of one class with nothing or white space between them: one span shows the same
_SAME_CLASS = re.compile(r'<span class="([\w -]+)">([^<]*)</span>([ \t]*)<span class="\1">')


# the theme's settings for its scripts, with every Chinese character of its translations escaped
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


# A start tag (a quoted value may hold ">").
_START_TAG = re.compile(
    r"<[a-zA-Z][^\s/>]*(?:\s+[^\s\"'=<>/]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>"
)
# A double-quoted value HTML reads the same without its quotes; never before "/>", where the slash
# would join an unquoted value. A double-quoted value holds no '"', so in a tag without single
# quotes this matches whole attributes only.
_QUOTED = re.compile(r'(\s[^\s"\'=<>/]+)="([\w.:#-][\w.:/#-]*)"(?!/)', re.A)
# Each attribute of a tag with single-quoted values, matched whole one after the other (such a
# value may hold what looks like an attribute).
_ATTRIBUTE = re.compile(r"(\s[^\s\"'=<>/]+)(=(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
_UNQUOTABLE = re.compile(r'="([\w.:#-][\w.:/#-]*)"', re.A)


def _unquoted(tag: re.Match[str]) -> str:
    """A start tag with the quotes its values do not need left out."""
    text = tag.group(0)
    if '="' not in text:
        return text
    if "'" not in text:
        return _QUOTED.sub(r"\1=\2", text)

    def attribute(m: re.Match[str]) -> str:
        bare = _UNQUOTABLE.fullmatch(m.group(2) or "")
        if bare is None or text.startswith("/", m.end()):
            return m.group(0)
        return f"{m.group(1)}={bare.group(1)}"

    return _ATTRIBUTE.sub(attribute, text)


# Elements a line break beside which shows nothing: block-level boxes and what the document head
# holds (never inline ones, where a line break is a space between words).
_BLOCK_NAME = re.compile(
    "/?(?:address|article|aside|blockquote|body|details|dialog|dd|div|dl|dt|fieldset|figcaption|"
    "figure|footer|form|h[1-6]|head|header|hr|html|li|link|main|meta|nav|ol|p|section|summary|"
    r"table|tbody|td|tfoot|th|thead|title|tr|ul)\b",
    re.I,
)
_BREAK_BEFORE_TAG = re.compile(r"\n(?=<)")


def _block_break(m: re.Match[str]) -> str:
    """A line break before a tag: nothing if that tag, or the tag it follows, is block-level."""
    text, at = m.string, m.start()
    if _BLOCK_NAME.match(text, at + 2):
        return ""
    if at and text[at - 1] == ">" and _BLOCK_NAME.match(text, text.rfind("<", 0, at) + 1):
        return ""
    return "\n"


# End tags HTML lets the next sibling or the parent's end close.
_OPTIONAL_END = re.compile(
    r"</t[dh]>(?=<t[dh]\b|</tr>)|</li>(?=<li\b|</[ou]l>)|</tr>(?=<tr\b|</t(?:body|head|foot)>|</table>)"
)


def _lean(part: str) -> str:
    """Markup outside preformatted text, scripts and styles, without what HTML makes optional."""
    part = _BREAKS.sub("\n", part)
    part = _BREAK_BEFORE_TAG.sub(_block_break, part)
    part = _START_TAG.sub(_unquoted, part)
    return _OPTIONAL_END.sub("", part)


def compact_html(text: str) -> str:
    """The page with its template white space collapsed, its optional quotes and end tags left
    out, its code highlighting merged and the theme's settings written as compact UTF-8 JSON."""
    parts = _VERBATIM.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(_lean(part))
        elif part[:4].lower() == "<pre":
            out.append(_PRE.sub(_compact_pre, part))
        elif part.startswith('<script id="__config"'):
            out.append(_CONFIG.sub(_compact_config, part))
        else:
            out.append(part)
    return "".join(out)


def _compact_config(match: re.Match[str]) -> str:
    try:
        data = json.loads(match.group(2))
    except ValueError:
        return match.group(0)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return match.group(1) + text + match.group(3)


def _compact_pre(match: re.Match[str]) -> str:
    body = _BLANK_SPAN.sub(r"\1", match.group(2))
    previous = None
    while previous != body:
        previous = body
        body = _SAME_CLASS.sub(r'<span class="\1">\2\3', body)
    return match.group(1) + body + match.group(3)


# Characters the index's separator (mkdocs.yml, plugins.search.separator) splits words at; the
# zero-width space the theme puts between Chinese words beside one of them splits nothing more.
SEPARATORS = " \t\n\r\u3000-、。，．？！；：（）《》“”「」"
_ZWSP = "\u200b"
_REDUNDANT_ZWSP = re.compile(
    f"{_ZWSP}+(?=[{re.escape(SEPARATORS)}])|(?<=[{re.escape(SEPARATORS)}]){_ZWSP}+"
)


def compact_search_index(data: dict[str, Any]) -> dict[str, Any]:
    """The theme's search index with the same results in fewer bytes.

    The tags of a page (the aliases of an article: 第十一条, 11(5), …) are kept on the page's own
    entry, which the theme ranks first for them, and left off the entries of its sections, which
    repeated them; zero-width spaces next to a separator are dropped, since the separator splits
    the words already."""
    docs = []
    for entry in data.get("docs", []):
        entry = dict(entry)
        if "#" in entry.get("location", "") and "tags" in entry:
            del entry["tags"]
        for field in ("title", "text"):
            value = entry.get(field)
            if isinstance(value, str):
                entry[field] = _REDUNDANT_ZWSP.sub("", value).strip(_ZWSP)
        docs.append(entry)
    return {**data, "docs": docs}


__all__ = ["SEPARATORS", "compact_html", "compact_search_index"]
