"""Word-level differences between two versions of a provision's text, Chinese or English.

A legal officer reads a change as "三十日 became 十五日", not as a list of changed characters, and a
character diff of Chinese splits words (“处理决定” vs “处分决定” would show 理→分 and hide that a
term of art changed). Chinese has no spaces, so words come from jieba's segmentation; English is
split into words, spaces and punctuation.
"""

from __future__ import annotations

import difflib
import logging
import re
from functools import cache
from typing import Any

import jieba

_EN_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@cache
def _jieba():
    jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary on stderr otherwise
    return jieba


def tokens(text: str, lang: str) -> list[str]:
    """The words of ``text`` in order; joined they give ``text`` back exactly."""
    if not text:
        return []
    if lang == "zh":
        # dictionary words only (HMM guesses glue a particle to its neighbour, 时未), and compounds
        # split into their words, so that 出示证件 → 出示执法证件 shows 执法 inserted
        return [part for word in _jieba().cut(text, HMM=False) for part in _split_compound(word)]
    return _EN_TOKENS.findall(text)


def _split_compound(word: str) -> list[str]:
    """A long dictionary word as its shorter dictionary words (出示证件 → 出示, 证件), if it is
    made of
    them entirely; otherwise the word itself (never single characters)."""
    if len(word) < 4:
        return [word]
    jieba = _jieba()
    jieba.dt.check_initialized()
    freq = jieba.dt.FREQ

    def known(piece: str) -> bool:
        return len(piece) >= 2 and piece != word and freq.get(piece, 0) > 0

    # fewest pieces: best[i] = the shortest split of word[:i] into known pieces
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(end - 1):
            head = best[start]
            if head is not None and known(word[start:end]):
                candidate = head + [word[start:end]]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1] or [word]


def word_diff(old: str | None, new: str | None, lang: str) -> list[dict[str, str]]:
    """``[{"op": "equal"|"delete"|"insert", "text": …}]``; a replacement: a delete, an insert."""
    a, b = tokens(old or "", lang), tokens(new or "", lang)
    ops: list[dict[str, str]] = []

    def add(op: str, words: list[str]) -> None:
        text = "".join(words)
        if not text:
            return
        if ops and ops[-1]["op"] == op:
            ops[-1]["text"] += text
        else:
            ops.append({"op": op, "text": text})

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return ops


def text_change(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """The zh and en changes of one bilingual text (``{zh, en}``); unchanged languages left out."""
    out: dict[str, Any] = {}
    for lang in ("zh", "en"):
        before = (old or {}).get(lang)
        after = (new or {}).get(lang)
        if before != after:
            out[lang] = {"old": before, "new": after, "ops": word_diff(before, after, lang)}
    return out
