"""Review records: a review is of a specific encoding of an article, and a change to it since shows.

The record keeps the fingerprint of everything the officer judged (engine.policy.review_fingerprint)
and, for compatibility with records written before that, ``text_sha256`` over the texts alone. A
reviewed article whose encoding changed since is *stale*: an error for ``validate`` (and CI), a
warning when the policy is only loaded to be used, so that the author of a change can still run it.
A draft record that no longer matches is always a warning: nothing was vouched for, but the record
should be brought up to date (``accountability review refresh``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.policy.checks.articles import _article_doc
from engine.policy.review_fingerprint import changed_parts, part_names
from engine.policy.source_text import element_texts_sha256
from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.model import Policy

STALE_CODE = "review-stale"


def review_changes(policy: Policy, article: dict[str, Any]) -> list[str]:
    """The parts of ``article`` changed since its review record (empty: the record holds)."""
    review = article["review"]
    current = policy.review_fingerprints[article["eid"]]
    text_changed = review["text_sha256"] != element_texts_sha256(article["elements"])
    recorded = review.get("fingerprint")
    changed = changed_parts(recorded, current) if recorded is not None else []
    if text_changed and "text" not in changed:
        changed.insert(0, "text")
    return changed


def check_reviews(policy: Policy, severity: str = "error") -> list[Problem]:
    """Every review record whose article changed since, naming what changed.

    ``severity`` is that of a stale *reviewed* article: "error" for ``validate``, "warning" when the
    policy is loaded to be used.
    """
    problems = []
    for article in policy.articles:
        changed = review_changes(policy, article)
        if not changed:
            continue
        eid = article["eid"]
        review = article["review"]
        reviewed = review["status"] == "reviewed"
        what = f"{', '.join(part_names(changed, 'en'))} ({'、'.join(part_names(changed, 'zh'))})"
        if reviewed:
            message = (
                f"{eid} changed since its review by {review['reviewer']} on {review['date']}: "
                f"{what}"
            )
            expected = (
                f"a new sign-off (`accountability review sign {eid} --reviewer NAME`; "
                f"`accountability review diff {eid}` shows what changed)"
            )
        else:
            message = f"{eid} changed since its draft review record: {what}"
            expected = (
                f"the current fingerprint in the record (`accountability review refresh {eid}`)"
            )
        where = ("fingerprint", "sha256") if "fingerprint" in review else ("text_sha256",)
        problems.append(
            _article_doc(policy, article).problem(
                ("review", *where),
                message,
                expected,
                severity=severity if reviewed else "warning",
                code=STALE_CODE,
            )
        )
    return problems
