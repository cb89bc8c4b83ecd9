"""How provisions are cited: an eId as a Chinese legal citation (第十一条第（三）项) or an English one (Art. 11(3)).

Generic in the eId pattern only (art_N, __para_N, __point_N, __intro): the numbers come from the eId,
so nothing here knows any particular instrument."""

from __future__ import annotations

import re

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 17 → 十七, 19 → 十九, 20 → 二十 (enough for article and point numbers)."""
    if n < 1 or n > 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    out = ""
    if tens:
        out += ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十"
    if ones:
        out += CHINESE_NUMERALS[ones - 1]
    return out


EID_PATTERN = re.compile(r"^art_(\d+)(?:__(intro|para|point)(?:_(\d+))?)?$")


def eid_label(eid: str, lang: str) -> str:
    """An eId as a citation: point 3 of Article 11 → 第十一条第（三）项 / Art. 11(3); paragraph 2 of
    Article 18 → 第十八条第二款 / Art. 18 para. 2."""
    m = EID_PATTERN.match(eid)
    if not m:
        return eid
    article, kind, number = int(m.group(1)), m.group(2), m.group(3)
    if lang == "zh":
        base = f"第{chinese_number(article)}条"
        if kind == "point":
            return f"{base}第（{chinese_number(int(number))}）项"
        if kind == "para":
            return f"{base}第{chinese_number(int(number))}款"
        if kind == "intro":
            return f"{base}序言部分"
        return base
    base = f"Art. {article}"
    if kind == "point":
        return f"{base}({number})"
    if kind == "para":
        return f"{base} para. {number}"
    if kind == "intro":
        return f"{base} lead-in"
    return base


def eid_order(eid: str) -> tuple:
    """A sort key putting eIds in legal order: Article 2 before Article 10, point 9 before point 10."""
    return tuple((0, int(n)) if n.isdigit() else (1, n) for n in re.split(r"(\d+)", eid) if n)
