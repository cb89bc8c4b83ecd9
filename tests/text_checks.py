"""What a text for people must not contain: unfilled placeholders, raw ids, Python literals, and the
other language's punctuation. Shared by the tests that render answers."""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = re.compile(r"[{}]")
SNAKE_CASE = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/.-])")
PYTHON_LITERAL = re.compile(r"\b(?:True|False|None)\b|\[['\"]|['\"]\]|\(['\"]|['\"]\)")
CHINESE_PUNCTUATION = re.compile(r"[，。；：、（）《》]")
CJK = r"[\u3400-\u9fff]"
ASCII_PUNCTUATION_IN_CHINESE = re.compile(rf"{CJK}[,;:]|[,;]\s*{CJK}|{CJK}\s*\(|\)\s*{CJK}")
# a variable of the rule language left in Chinese text (“…、E”, “其R”): a capital letter or two
# standing alone between Chinese characters or punctuation
RULE_VARIABLE_IN_CHINESE = re.compile(
    r"(?<=[\u3400-\u9fff、：；“”（）])[A-Z][A-Za-z0-9]?(?![A-Za-z0-9])"
)


def case_strings(node: Any) -> list[str]:
    """Every string of a case: names, descriptions and titles come from the record as written,
    so they may hold anything; the checks apply to what the engine writes around them."""
    if isinstance(node, dict):
        return [s for value in node.values() for s in case_strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in case_strings(item)]
    return [node] if isinstance(node, str) and len(node) > 1 else []


def text_problems(text: str, lang: str, case: dict) -> list[str]:
    """The faults of a rendered text, each with its context; empty when the text reads cleanly."""
    for written in sorted(case_strings(case), key=len, reverse=True):
        text = text.replace(written, "“”")
    checks = [("placeholder", PLACEHOLDER), ("raw id", SNAKE_CASE), ("literal", PYTHON_LITERAL)]
    if lang == "en":
        checks.append(("Chinese punctuation in English", CHINESE_PUNCTUATION))
    else:
        checks.append(("ASCII punctuation in Chinese", ASCII_PUNCTUATION_IN_CHINESE))
        checks.append(("rule variable", RULE_VARIABLE_IN_CHINESE))
    found = []
    for line in text.splitlines():
        for name, pattern in checks:
            for m in pattern.finditer(line):
                found.append(
                    f"{name} {m.group(0)!r}: {line[max(0, m.start() - 50) : m.end() + 50]}"
                )
    return found
