"""Facts a case may hold but that are almost certainly a recording error: warnings, not refusals.

A case is refused only for what makes it meaningless (engine.case.load). Some facts are possible but
so unlikely that an answer resting on them must say so: a date after the day the case is read, a
child with more than two parents, someone married to their own parent or grandparent, a relation of
a person with themselves, an act nobody handled (a fault in it would have nobody responsible). Each
becomes one warning in the answer's ``warnings``, naming where in the case it is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from engine.files.safe_yaml import json_path
from engine.problems import excerpt

ROLES = ("handler", "reviewer", "approver")
ANCESTRY_DEPTH = (
    4  # generations looked up for a marriage inside the family: parents to great-great-
)
MAX_LEVEL = 64  # ancestors in one generation beyond which the search stops
SHOWN = 5  # places named in one warning; the rest are counted

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def plausibility_warnings(case: dict[str, Any], as_of: str) -> list[dict[str, str]]:
    """The warnings for a checked case read on ``as_of`` (each ``{"zh": …, "en": …}``)."""
    warnings = []
    # people by name and acts by description, as the rest of the answer names them
    names = {p["id"]: p.get("name") or p["id"] for p in case.get("people", [])}

    def who(pid: str) -> str:
        return excerpt(names.get(pid, pid))

    later = _dates_after(case, as_of)
    if later:
        places = _places(later)
        warnings.append(
            {
                "zh": f"案件记录的日期晚于评估日{as_of}（{places}），请核对日期或评估日。",
                "en": f"The case records dates after the as-of date {as_of} ({places}); check the "
                "dates or the as-of date.",
            }
        )
    relations = case.get("relations", {})
    parents: dict[str, list[str]] = defaultdict(list)
    for link in relations.get("parents", []):
        parents[link["child"]].append(link["parent"])
    for child, listed in sorted(parents.items()):
        if len(set(listed)) > 2:
            listed_zh = "、".join(who(p) for p in sorted(set(listed)))
            listed_en = ", ".join(who(p) for p in sorted(set(listed)))
            warnings.append(
                {
                    "zh": f"{who(child)}登记了{len(set(listed))}位父母（{listed_zh}），多于两位生父母。",
                    "en": f"{who(child)} has {len(set(listed))} parents recorded ({listed_en}), more "
                    "than two birth parents.",
                }
            )
    for j, pair in enumerate(relations.get("spouses", [])):
        a, b = pair
        for x, y in ((a, b), (b, a)):
            if _is_ancestor(y, x, parents):
                warnings.append(
                    {
                        "zh": f"{who(x)}与其直系尊亲属{who(y)}登记为配偶"
                        f"（relations.spouses[{j}]），亲属关系自相矛盾。",
                        "en": f"{who(x)} is recorded as married to their own ancestor "
                        f"{who(y)} (relations.spouses[{j}]): the family links contradict "
                        "each other.",
                    }
                )
                break
    self_links = [
        f"$.relations.support[{j}]"
        for j, pair in enumerate(relations.get("support", []))
        if pair[0] == pair[1]
    ] + [
        f"$.relations.ties[{j}]"
        for j, tie in enumerate(relations.get("ties", []))
        if tie["person"] == tie["other"]
    ]
    if self_links:
        places = _places(self_links)
        warnings.append(
            {
                "zh": f"有人与其本人存在关系（{places}），已按记录处理。",
                "en": f"A person is recorded in a relation with themselves ({places}); taken as "
                "recorded.",
            }
        )
    roleless = [
        act
        for act in case.get("acts", [])
        if not any(role in act for role in ROLES)
        and "inaction" not in act
        and "collective_decision" not in act
    ]
    if roleless:
        acts = {
            lang: _places([_act_name(a, lang) for a in roleless], lang) for lang in ("zh", "en")
        }
        warnings.append(
            {
                "zh": f"行为{acts['zh']}未记录承办人、审核人或批准人：其中认定的过错无人承担责任。",
                "en": f"Act(s) {acts['en']} record no handler, reviewer or approver: a fault found in "
                "them has nobody responsible.",
            }
        )
    return warnings


def _dates_after(case: dict[str, Any], as_of: str) -> list[str]:
    """JSON paths of the dates in the case later than ``as_of`` (due dates and the case's own
    ``as_of`` aside: a due date may lie ahead)."""
    found: list[str] = []
    stack: list[tuple[tuple, Any]] = [((), case)] if isinstance(case, dict | list) else []
    while stack:
        path, value = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            # a path is built only for a container or a date found (a large family has tens of
            # thousands of names and ids)
            if isinstance(item, dict | list):
                stack.append((path + (key,), item))
            elif (
                isinstance(item, str)
                and len(item) == 10
                and item > as_of
                and _ISO_DATE.fullmatch(item)
            ):
                if isinstance(key, str) and (key == "as_of" or key.endswith("_due")):
                    continue
                found.append(json_path(path + (key,)))
    return sorted(found)


def _is_ancestor(who: str, of: str, parents: dict[str, list[str]]) -> bool:
    """Whether ``who`` is among the ancestors of ``of`` up to ANCESTRY_DEPTH generations."""
    level = {of}
    for _ in range(ANCESTRY_DEPTH):
        level = {p for person in level for p in parents.get(person, ())}
        if who in level:
            return True
        if not level or len(level) > MAX_LEVEL:  # a family that wide is warned about already
            return False
    return False


def _places(items: list[str], lang: str = "en") -> str:
    shown = ("、" if lang == "zh" else ", ").join(items[:SHOWN])
    return shown + (f" … (+{len(items) - SHOWN})" if len(items) > SHOWN else "")


def _act_name(act: dict[str, Any], lang: str) -> str:
    """An act by its description in quotation marks (its id when it has none)."""
    description = act.get("description")
    if isinstance(description, dict):
        description = description.get(lang) or description.get("zh")
    return f"“{excerpt(description)}”" if isinstance(description, str) else excerpt(act["id"])
