"""The names people type to find a provision: 第十一条, 第11条, 十一条, art_11, Art. 11, 11(5).

A reader searching for an article rarely types its eId. Every alias here is derived from the eId and
from the labels the engine already gives a provision (``eid_label``), so that no number or heading
is written down twice. The article pages carry the aliases as search tags (ranked far above body
text by the theme's search) and as a hidden line in each point's heading, so that a search for
``11(5)`` opens Art. 11 at point 5.
"""

from __future__ import annotations

import re
from typing import Any

from engine.answer.names import eid_label

_ARTICLE = re.compile(r"^art_(\d+)$")
_ELEMENT = re.compile(r"^art_(\d+)__(para|point)_(\d+)$")


def article_aliases(article: dict[str, Any]) -> list[str]:
    """第十一条, 十一条, 第11条, 11条, art_11, art11, Art. 11, and the title in both languages."""
    eid = article["eid"]
    match = _ARTICLE.match(eid)
    heading = article["heading"]["zh"].strip()
    aliases = [heading, heading.removeprefix("第")]
    if match:
        number = int(match.group(1))
        aliases += [f"第{number}条", f"{number}条", f"art_{number}", f"art{number}", eid]
    aliases += [article["title"]["zh"], eid_label(eid, "en")]
    return _unique(aliases)


def element_aliases(eid: str) -> list[str]:
    """11(5), 11.2, 第十一条第五项, 第11条第5项 for a point or a paragraph; [] for a lead-in."""
    match = _ELEMENT.match(eid)
    if not match:
        return []
    number, kind, index = int(match.group(1)), match.group(2), int(match.group(3))
    # the label with its brackets (第十一条第（五）项) is in the heading already; every tag is
    # repeated in each search entry of the page, so the list stays short
    label = eid_label(eid, "zh")
    aliases = [label.replace("（", "").replace("）", "")]
    if kind == "point":
        aliases += [f"{number}({index})", f"第{number}条第{index}项"]
    else:
        aliases += [f"{number}.{index}", f"第{number}条第{index}款"]
    return _unique(aliases)


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        item = " ".join(str(item).split())
        if item and item not in seen:
            seen.append(item)
    return seen
