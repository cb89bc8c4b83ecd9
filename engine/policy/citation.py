"""How provisions are cited: an eId as a Chinese legal citation (第十一条第（三）项) or an English one (Art. 11(3)).

Generic in the eId pattern only (art_N, __para_N, __point_N, __intro): the numbers come from the eId,
so nothing here knows any particular instrument."""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=4096)
def eid_label(eid: str, lang: str, *, whole_article: bool = False) -> str:
    """An eId as a citation in standard style: point 3 of Article 11 → 第十一条第（三）项 / Art. 11(3);
    paragraph 2 of Article 18 → 第十八条第二款 / Art. 18 para. 2; the lead-in of a list, and (with
    ``whole_article``) the one paragraph of an article, are cited as the article: 第二条 / Art. 2.
    Remembered (bounded): every answer cites the same few dozen clauses."""
    m = EID_PATTERN.match(eid)
    if not m:
        return eid
    article, kind, number = int(m.group(1)), m.group(2), m.group(3)
    if kind == "para" and whole_article:
        kind = None
    if lang == "zh":
        base = f"第{chinese_number(article)}条"
        if kind == "point":
            return f"{base}第（{chinese_number(int(number))}）项"
        if kind == "para":
            return f"{base}第{chinese_number(int(number))}款"
        return base
    base = f"Art. {article}"
    if kind == "point":
        return f"{base}({number})"
    if kind == "para":
        return f"{base} para. {number}"
    return base


def citation_list(eids: list[str], lang: str, whole: frozenset[str] = frozenset()) -> str:
    """Several citations in legal order, each once; points of one article cited together, a run of
    three or more as a range: 第七条第（一）项、第十一条 · 第十三条第（一）项至第（五）项 /
    Art. 7(1), Art. 11 · Art. 13(1)–(5)."""
    groups: list[tuple[str | None, list[str]]] = []
    for eid in sorted(set(eids), key=eid_order):
        m = EID_PATTERN.match(eid)
        article = m.group(1) if m and m.group(2) == "point" else None
        if article and groups and groups[-1][0] == article:
            groups[-1][1].append(eid)
        else:
            groups.append((article, [eid]))
    labels: list[str] = []
    for article, members in groups:
        if article is None:
            label = eid_label(members[0], lang, whole_article=members[0] in whole)
            if label not in labels:
                labels.append(label)
            continue
        numbers = [int(EID_PATTERN.match(e).group(3)) for e in members]
        labels.append(_points(int(article), numbers, lang))
    return ("、" if lang == "zh" else ", ").join(labels)


def _points(article: int, numbers: list[int], lang: str) -> str:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    if lang == "zh":
        parts = [
            f"第（{chinese_number(r[0])}）项至第（{chinese_number(r[-1])}）项"
            if len(r) >= 3
            else "、".join(f"第（{chinese_number(n)}）项" for n in r)
            for r in runs
        ]
        return f"第{chinese_number(article)}条" + "、".join(parts)
    parts = [f"({r[0]})–({r[-1]})" if len(r) >= 3 else ", ".join(f"({n})" for n in r) for r in runs]
    return f"Art. {article}" + ", ".join(parts)


@functools.lru_cache(maxsize=4096)
def eid_order(eid: str) -> tuple:
    """A sort key putting eIds in legal order: Article 2 before Article 10, point 9 before point 10.

    Remembered (bounded): an answer sorts the same few dozen clauses thousands of times."""
    return tuple((0, int(n)) if n.isdigit() else (1, n) for n in re.split(r"(\d+)", eid) if n)
