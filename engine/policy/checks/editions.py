"""Editions: periods in force that follow each other, and rules that cite only what their edition has."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from engine.policy.editions import edition_ids, in_edition
from engine.policy.layout import article_file
from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.model import Policy


def check_edition_membership(policy: Policy) -> list[Problem]:
    """Edition ids are unique and known; a rule cites only text that exists in each of its editions.

    Without this a rule tagged for the amended edition could cite a point that only the old edition
    has, and an answer would cite law that was not in force on its date.
    """
    problems: list[Problem] = []
    idoc = policy.docs["instrument.yaml"]
    known = edition_ids(policy.instrument)
    seen: set[str] = set()
    for i, edition_id in enumerate(known):
        if edition_id in seen:
            problems.append(
                idoc.problem(
                    ("editions", i, "id"),
                    f"duplicate edition id {edition_id}",
                    "a unique edition id",
                )
            )
        seen.add(edition_id)
    element_editions = {e["eid"]: e.get("editions") for a in policy.articles for e in a["elements"]}
    rules = {r["id"]: r for r in policy.rules}
    for article in policy.articles:
        doc = policy.docs[article_file(article["eid"])]
        for i, element in enumerate(article["elements"]):
            for j, edition_id in enumerate(element.get("editions", [])):
                if edition_id not in seen:
                    problems.append(
                        doc.problem(
                            ("elements", i, "editions", j),
                            f"{element['eid']} names unknown edition {edition_id}",
                            "an edition id from instrument.yaml: " + ", ".join(known),
                        )
                    )
        for i, rule in enumerate(article["rules"]):
            tagged = rule.get("editions")
            for j, edition_id in enumerate(tagged or []):
                if edition_id not in seen:
                    problems.append(
                        doc.problem(
                            ("rules", i, "editions", j),
                            f"rule {rule['id']} names unknown edition {edition_id}",
                            "an edition id from instrument.yaml: " + ", ".join(known),
                        )
                    )
            rule_editions = [e for e in (tagged or known) if e in seen]
            for j, eid in enumerate(rule["cites"]):
                cited = element_editions.get(eid)
                if cited is None:
                    continue  # untagged element or an article eId: in every edition
                missing = [e for e in rule_editions if e not in cited]
                if missing:
                    problems.append(
                        doc.problem(
                            ("rules", i, "cites", j),
                            f"rule {rule['id']} applies in edition(s) {', '.join(missing)} but "
                            "cites "
                            f"{eid}, which only edition(s) {', '.join(cited)} contain",
                            f"`editions: [{', '.join(cited)}]` on the rule, or a citation of text "
                            "in "
                            "force in every edition of the rule",
                            code="edition-cite",
                        )
                    )
            for j, other in enumerate(rule.get("displaces", [])):
                target = rules.get(other)
                if target is None:
                    continue  # check_rules reports unknown rules
                missing = [e for e in rule_editions if not in_edition(target, e)]
                if missing:
                    problems.append(
                        doc.problem(
                            ("rules", i, "displaces", j),
                            f"rule {rule['id']} displaces {other}, which is not part of edition(s) "
                            f"{', '.join(missing)}",
                            "an exception and the rule it displaces in the same editions",
                            severity="warning",
                            code="edition-displaces",
                        )
                    )
    return problems


def check_editions(policy: Policy) -> list[Problem]:
    """Edition periods must be well ordered: no overlap, no gap once the first has started."""
    problems = []
    doc = policy.docs["instrument.yaml"]
    editions = policy.instrument["editions"]
    for i, edition in enumerate(editions):
        start, end = edition["effective_from"], edition["effective_to"]
        if start and end and end < start:
            problems.append(
                doc.problem(
                    ("editions", i, "effective_to"),
                    f"edition {edition['id']} ends ({end}) before it starts ({start})",
                    "effective_to on or after effective_from",
                )
            )
        if start and int(start[:4]) < edition["issued_year"]:
            problems.append(
                doc.problem(
                    ("editions", i, "effective_from"),
                    f"edition {edition['id']} takes effect in {start[:4]}, before it was issued ({edition['issued_year']})",
                    "an effective date in or after the year of issue",
                )
            )
    for i in range(1, len(editions)):
        prev, cur = editions[i - 1], editions[i]
        if prev["effective_to"] is None:
            problems.append(
                doc.problem(
                    ("editions", i - 1, "effective_to"),
                    f"edition {prev['id']} has no end but edition {cur['id']} follows it",
                    "an end date for every edition but the last",
                )
            )
        elif (
            cur["effective_from"] is not None
            and _day_after(prev["effective_to"]) != cur["effective_from"]
        ):
            # say which it is, overlap or gap, and by how many days
            days = _days_between(_day_after(prev["effective_to"]), cur["effective_from"])
            what = f"a gap of {days} day(s)" if days > 0 else f"an overlap of {-days} day(s)"
            problems.append(
                doc.problem(
                    ("editions", i, "effective_from"),
                    f"edition {cur['id']} starts {cur['effective_from']} but {prev['id']} ends "
                    f"{prev['effective_to']}: {what}",
                    f"{_day_after(prev['effective_to'])} (no gap, no overlap)",
                    code="edition-gap" if days > 0 else "edition-overlap",
                )
            )
    return problems


def _days_between(first: str, second: str) -> int:

    return (date.fromisoformat(second) - date.fromisoformat(first)).days


def _day_after(iso: str) -> str:

    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()
