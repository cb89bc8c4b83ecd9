"""Building small valid cases for tests that vary one act or one top-level field (not a test
module)."""

from __future__ import annotations

import copy


def case_with_act(
    header: dict,
    people: list[dict],
    posts: list[dict],
    base_act: dict,
    act: dict | None = None,
    acts: list[dict] | None = None,
    **top,
) -> dict:
    """A case of ``people`` and ``posts`` with one act: ``base_act`` with the fields of ``act``
    overriding its own (None deletes a field), or the given ``acts`` instead; ``top`` replaces
    top-level sections. Everything is copied, so tests can change the result freely."""
    one = copy.deepcopy(base_act)
    for key, value in (act or {}).items():
        if value is None:
            one.pop(key, None)
        else:
            one[key] = value
    case = {
        "case": copy.deepcopy(header),
        "people": copy.deepcopy(people),
        "posts": copy.deepcopy(posts),
        "acts": acts if acts is not None else [one],
    }
    case.update(copy.deepcopy(top))
    return case
