"""Small Markdown building blocks shared by the page generators.

Policy text is data, not Markdown: a stray ``*`` or ``|`` in a translation must not turn into
emphasis or break a table, so every piece of text goes through ``esc``. Every heading carries an
explicit ``{#id}`` (Chinese headings would otherwise get ``_1``, ``_2``), and a page refuses to
define one id twice, so a collision between, say, a rule id and a section id fails the build instead
of silently breaking a link.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Iterator
from contextlib import contextmanager

# characters Python-Markdown lets a backslash escape (plus "|", which the tables extension adds)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#!|])")


def esc(text: str) -> str:
    """Plain text → Markdown that renders as exactly that text (inline; newlines become spaces)."""
    return _markdown_escaped(" ".join(str(text).split()))


def _markdown_escaped(text: str) -> str:
    """``text`` as Markdown that renders as exactly it, its spaces as they are."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def html_text(text: str) -> str:
    """Plain text → HTML text (for raw HTML blocks, which Markdown does not touch)."""
    return html.escape(" ".join(str(text).split()), quote=True)


def code(text: str) -> str:
    """Inline code; ids are shown as code so they read as identifiers, not words."""
    text = str(text)
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link(text_md: str, target: str) -> str:
    return f"[{text_md}]({target})"


def rel(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """Relative link from one docs page to another (both paths relative to the docs root, .md
    files).

    Links stay relative and point at .md files so that mkdocs rewrites and validates them (a link to
    a missing page or anchor fails the strict build).
    """
    if to_page == from_page:
        target = ""
    else:
        target = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    if anchor:
        target += "#" + anchor
    return target or "#"


def both(zh: str, en: str, sep: str = " · ") -> str:
    """Chinese and English side by side, escaped."""
    return f"{esc(zh)}{sep}{esc(en)}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table; cells are already Markdown (escape them with ``esc`` first)."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        out.append("| " + " | ".join(cell.replace("\n", " ") or " " for cell in row) + " |")
    return out


class Page:
    """One Markdown page under construction: its path, its lines, and the anchor ids it defines."""

    def __init__(
        self,
        path: str,
        title: str,
        search_boost: float | None = None,
        wide: bool = False,
        tags: list[str] | None = None,
        no_nav: bool = False,
    ):
        self.path = path
        self.title = title
        self.lines: list[str] = ["---", f"title: {_yaml_str(title)}"]
        if search_boost is not None:  # mkdocs-material: rank this page's sections higher in search
            self.lines += ["search:", f"  boost: {search_boost}"]
        if tags:  # the theme's search ranks tags far above text: the names people type
            self.lines += ["tags:", *(f"  - {_yaml_str(t)}" for t in tags)]
        hidden = (["toc"] if wide else []) + (["navigation"] if no_nav else [])
        if hidden:  # wide: big tables take the table of contents' column; no_nav: pages one hop
            # from an index, which would otherwise repeat the whole navigation in their HTML
            self.lines += ["hide:", *(f"  - {h}" for h in hidden)]
        self.lines += ["---", ""]
        self.ids: set[str] = set()

    def claim(self, anchor: str) -> str:
        """Register an anchor id on this page; the same id twice is a generator bug: fatal."""
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]*", anchor):
            raise ValueError(f"{self.path}: anchor {anchor!r} is not a plain id")
        if anchor in self.ids:
            raise ValueError(f"{self.path}: anchor #{anchor} defined twice")
        self.ids.add(anchor)
        return anchor

    def span(self, anchor: str) -> str:
        """An empty anchor element, for places headings cannot go (table rows)."""
        return f'<span id="{self.claim(anchor)}"></span>'

    def heading(self, level: int, text_md: str, anchor: str, classes: str = "") -> None:
        attrs = f"#{self.claim(anchor)}" + "".join(f" .{c}" for c in classes.split())
        self.lines += [f"{'#' * level} {text_md} {{{attrs}}}", ""]

    def para(self, text_md: str) -> None:
        self.lines += [text_md, ""]

    def raw(self, block: str) -> None:
        """A raw HTML block (must not contain blank lines, or Markdown resumes inside it)."""
        if "\n\n" in block:
            raise ValueError(f"{self.path}: raw HTML block contains a blank line")
        self.lines += [block, ""]

    def extend(self, lines: list[str]) -> None:
        self.lines += lines + [""]

    @contextmanager
    def unindexed(self, cls: str = "") -> Iterator[None]:
        """What is added meanwhile is shown on the page and left out of the search index: a
        Markdown block (md_in_html) marked ``data-search-exclude``, with class ``cls``."""
        attr = f' class="{cls}"' if cls else ""
        self.raw(f"<div{attr} data-search-exclude markdown>")
        yield
        self.raw("</div>")

    def fence(self, text: str, lang: str = "text", attrs: str = "") -> None:
        fence = "```"
        while fence in text:
            fence += "`"
        head = f"{fence}{lang}" + (f" {attrs}" if attrs else "")
        self.lines += [head, *text.rstrip("\n").split("\n"), fence, ""]

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"


def _yaml_str(text: str) -> str:
    """A YAML double-quoted scalar for front matter (json.dumps output is valid YAML)."""

    return json.dumps(text, ensure_ascii=False)


def page_url(page: str) -> str:
    """A docs path → its URL path under ``use_directory_urls`` (``a/b.md`` → ``a/b/``)."""
    if page == "index.md":
        return ""
    if page.endswith("/index.md"):
        return page[: -len("index.md")]
    return page[: -len(".md")] + "/"


def url(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """Relative URL between built pages, for raw HTML (SVG) that mkdocs does not rewrite."""
    fragment = f"#{anchor}" if anchor else ""
    if from_page == to_page:
        return fragment or "./"
    src = page_url(from_page).rstrip("/") or "."
    dst = page_url(to_page).rstrip("/") or "."
    relative = posixpath.relpath(dst, src)
    return ("./" if relative == "." else relative + "/") + fragment


def html_link(from_page: str, to_page: str, anchor: str | None, label_html: str) -> str:
    """An HTML link between built pages (raw HTML blocks; mkdocs does not rewrite these)."""
    return f'<a href="{html.escape(url(from_page, to_page, anchor), quote=True)}">{label_html}</a>'


def html_code(text: str) -> str:
    """Inline code as raw HTML, every ASCII punctuation mark as an entity.

    For values where whitespace and punctuation matter (the normalisation log): Markdown code spans
    cannot show a pipe inside a table or a leading space reliably; entities survive both.
    """
    out = []
    for ch in str(text):
        if ch == "\n":
            out.append("↵")
        elif ch == " ":
            out.append("&nbsp;")
        elif ch.isascii() and not ch.isalnum():
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "<code>" + "".join(out) + "</code>"


_VARIABLE = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")


def reading_html(text: str, domains: dict[str, str], markdown: bool = False) -> str:
    """A rule's reading as HTML (or Markdown with inline HTML): each variable ({P}) a <var> naming
    the domain it ranges over (``domains[name]``), never a bare placeholder.

    What a domain is (its description in the vocabulary) is written once for the whole site
    (``variables.py``) and shown as the variable's tooltip by ``site.js``: written on each of the
    two thousand variables of the site it was a tenth of a megabyte."""

    # the spaces around a variable are kept (esc and html_text would strip them)
    plain = _markdown_escaped if markdown else (lambda part: html.escape(part, quote=True))
    text = " ".join(text.split())
    out, last = [], 0
    for m in _VARIABLE.finditer(text):
        out.append(plain(text[last : m.start()]))
        domain = domains.get(m.group(1), "")
        attribute = f' data-domain="{html.escape(domain, quote=True)}"' if domain else ""
        out.append(f"<var{attribute}>{html.escape(m.group(1))}</var>")
        last = m.end()
    out.append(plain(text[last:]))
    return "".join(out)


def reading_plain(text: str) -> str:
    """A rule's reading as plain text (a tooltip, an SVG title): its variables without braces."""
    return _VARIABLE.sub(lambda m: m.group(1), text)
