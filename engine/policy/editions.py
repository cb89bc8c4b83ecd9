"""Editions of the instrument: which rules belong to which, and which edition is in force on a day."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.problems import ProblemsError

if TYPE_CHECKING:
    from engine.policy.model import Policy


def in_edition(item: dict[str, Any], edition_id: str) -> bool:
    """Whether a rule or element belongs to an edition (no ``editions`` list: to every edition)."""
    editions = item.get("editions")
    return editions is None or edition_id in editions


def edition_ids(instrument: dict[str, Any]) -> list[str]:
    return [e["id"] for e in instrument["editions"]]


def rules_in_edition(articles: list[dict[str, Any]], edition_id: str) -> list[dict[str, Any]]:
    return [r for a in articles for r in a["rules"] if in_edition(r, edition_id)]


def edition_in_force(policy: Policy, day: str, values: dict[str, Any]) -> tuple[dict, bool]:
    """The edition in force on ``day`` and whether that is only presumed; refuse when none covers it.

    An edition whose commencement is unknown is presumed in force from 1 January of its year of
    issue; the edition's ``unknown_commencement`` may name a parameter whose ``refuse_value``
    refuses the days of that year instead.
    """
    refused = []
    for edition in policy.instrument["editions"]:
        start, end = edition["effective_from"], edition["effective_to"]
        uncertain = False
        if start is None:
            year = edition["issued_year"]
            unknown = edition.get("unknown_commencement")
            if unknown is not None and values.get(unknown["parameter"]) == unknown["refuse_value"]:
                start = f"{year + 1}-01-01"
                refused.append(
                    f" ({year} dates are refused under {unknown['parameter']}={unknown['refuse_value']})"
                )
            else:
                start = f"{year}-01-01"
                uncertain = day < f"{year + 1}-01-01"
        if day >= start and (end is None or day <= end):
            return edition, uncertain
    first = policy.instrument["editions"][0]
    raise ProblemsError.one(
        "<query>",
        "as_of",
        f"no edition of {policy.id} is in force on {day} "
        f"（{day}没有有效的版本；最早的版本{first['id']}于{first['issued_year']}年印发，施行日期"
        f"{first['effective_from'] or '未知'}）",
        "a date on or after the edition's start" + "".join(refused),
        code="no-edition",
    )
