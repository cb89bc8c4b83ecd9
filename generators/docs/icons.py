"""The theme's icons, drawn by the style sheet from one copy instead of inline on every page.

mkdocs-material writes each icon of its header, search form and back-to-top button into every page
as inline SVG: about 1.4 kB on each of some 150 pages. The theme overrides
(``overrides/.icons/material/``) replace those icons with empty ``<svg>`` boxes of a class, and this
module writes ``stylesheets/icons.css``, which paints each box in the text colour through a mask
made from the theme's own icon file. Being read from the installed theme, the drawing follows it.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

OVERRIDES = Path(__file__).resolve().parent / "overrides" / ".icons"
STYLESHEET = "stylesheets/icons.css"
_CLASS = re.compile(r'class="theme-icon (icon-[\w-]+)"')


def theme_icons_dir() -> Path:
    import material  # lazy: only the site build needs the theme

    return Path(material.__file__).resolve().parent / "templates" / ".icons"


def icons_stylesheet(theme_icons: Path | None = None) -> str:
    """The style sheet for every overridden icon: one mask per icon, from the theme's file."""
    theme_icons = theme_icons_dir() if theme_icons is None else theme_icons
    rules = [
        "/* Generated from the theme's icon files (generators/docs/icons.py). */",
        "svg.theme-icon {",
        "  background-color: currentColor;",
        "  -webkit-mask: var(--icon) center / contain no-repeat;",
        "  mask: var(--icon) center / contain no-repeat;",
        "}",
    ]
    for override in sorted(OVERRIDES.rglob("*.svg")):
        found = _CLASS.search(override.read_text(encoding="utf-8"))
        if found is None:
            continue
        drawing = (theme_icons / override.relative_to(OVERRIDES)).read_text(encoding="utf-8")
        data = quote(drawing.strip(), safe=" /:=.,-")
        rules.append(f'svg.{found.group(1)} {{ --icon: url("data:image/svg+xml,{data}"); }}')
    return "\n".join(rules) + "\n"
