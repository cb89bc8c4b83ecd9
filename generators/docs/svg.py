"""A few SVG primitives, written by hand so that diagrams need no Graphviz and no JavaScript.

Output is deterministic text: coordinates are rounded to one decimal and elements are emitted in the
order they are added. Text width is estimated (CJK characters one em, monospace Latin 0.6 em, other
Latin 0.58 em): the diagrams leave slack, so a wrong guess costs whitespace, not overlap.
"""

from __future__ import annotations

import unicodedata
from html import escape

SANS = (
    "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',"
    "system-ui,sans-serif"
)
MONO = "'DejaVu Sans Mono','Noto Sans Mono CJK SC','Noto Sans Mono',monospace"
TEXT_FILL = "#1f2937"
# SANS and MONO go into double-quoted attributes as they are: they hold no '"', '&' or '<'


def num(x: float) -> str:
    """Coordinates as short, stable text."""
    text = f"{x:.1f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def text_width(text: str, size: float, mono: bool = False) -> float:
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 1.0
        else:
            width += 0.6 if mono else 0.58
    return width * size


def attr(value: str) -> str:
    return escape(str(value), quote=True)


class Svg:
    """An SVG document built element by element; ``render`` gives inline markup (no XML prolog)."""

    def __init__(self, width: float, height: float, title: str, css_class: str = "diagram-svg"):
        self.width = width
        self.height = height
        self.title = title
        self.css_class = css_class
        self.defs: list[str] = []
        self.body: list[str] = []

    def add(self, markup: str) -> None:
        self.body.append(markup)

    def arrow_marker(self, marker_id: str, color: str) -> None:
        self.defs.append(
            f'<marker id="{attr(marker_id)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            f'fill="{attr(color)}"/></marker>'
        )

    def render(self) -> str:
        # the text's default font and colour, inherited by every <text> that does not set its own
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="{attr(self.css_class)}" '
            f'width="{num(self.width)}" height="{num(self.height)}" '
            f'viewBox="0 0 {num(self.width)} {num(self.height)}" role="img" '
            f'aria-label="{attr(self.title)}" font-family="{SANS}" fill="{TEXT_FILL}">'
        )
        parts = [head, f"<title>{escape(self.title)}</title>"]
        if self.defs:
            parts.append("<defs>" + "".join(self.defs) + "</defs>")
        parts += self.body
        parts.append("</svg>")
        return "\n".join(parts)


def rect(
    x, y, w, h, *, fill, stroke, rx=6, dash: str | None = None, width: float | None = 1.2
) -> str:
    """A box; ``width=None`` leaves the stroke width to an enclosing ``group``."""
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    stroke_width = f' stroke-width="{num(width)}"' if width is not None else ""
    return (
        f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="{num(rx)}" '
        f'fill="{fill}" stroke="{stroke}"{stroke_width}{dashed}/>'
    )


def group(attributes: str, children: list[str]) -> str:
    """Elements sharing presentation attributes (written once here, inherited by each): a graph
    of hundreds of edges and boxes is a third smaller so."""
    return f"<g {attributes}>\n" + "\n".join(children) + "\n</g>"


def text(
    x, y, content: str, *, size=12, mono=False, anchor="start", weight="normal", fill=TEXT_FILL
) -> str:
    """A line of text; what equals the SVG's defaults (the root's font and colour, anchor at
    the start) is left out, as the diagrams hold hundreds of labels; ``size=None`` leaves the
    size, like the font, to an enclosing ``group``."""
    extra = f' font-size="{num(size)}"' if size is not None else ""
    extra += f' font-family="{MONO}"' if mono else ""
    extra += f' text-anchor="{anchor}"' if anchor != "start" else ""
    extra += f' fill="{fill}"' if fill != TEXT_FILL else ""
    extra += ' font-weight="bold"' if weight == "bold" else ""
    return f'<text x="{num(x)}" y="{num(y)}"{extra}>{escape(content)}</text>'


def path(
    d: str,
    *,
    stroke,
    width=1.2,
    dash: str | None = None,
    marker: str | None = None,
    opacity: float | None = None,
) -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    extra += f' marker-end="url(#{marker})"' if marker else ""
    extra += f' stroke-opacity="{num(opacity)}"' if opacity is not None else ""
    return f'<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{num(width)}"{extra}/>'


def link(href: str, inner: str, tooltip: str | None = None) -> str:
    """A clickable group; ``tooltip`` becomes an SVG <title> (shown on hover)."""
    tip = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return f'<a href="{attr(href)}">{tip}{inner}</a>'


def clip(content: str, max_width: float, size: float, mono: bool = False) -> str:
    """Shorten text with an ellipsis so that it fits ``max_width``."""
    if text_width(content, size, mono) <= max_width:
        return content
    out = ""
    for ch in content:
        if text_width(out + ch + "…", size, mono) > max_width:
            break
        out += ch
    return out + "…"
