"""Review records: a review is of a specific text, and a change to it since is reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.policy.checks.articles import _article_doc
from engine.policy.source_text import element_texts_sha256
from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.model import Policy


def check_reviews(policy: Policy) -> list[Problem]:
    """A review is of a specific text: if the text changed since, the review no longer holds."""

    problems = []
    for article in policy.articles:
        doc = _article_doc(policy, article)
        review = article["review"]
        actual = element_texts_sha256(article["elements"])
        if review["text_sha256"] != actual:
            reviewed = review["status"] == "reviewed"
            problems.append(
                doc.problem(
                    ("review", "text_sha256"),
                    f"{article['eid']} text changed since its review record"
                    + (
                        f" (reviewed by {review['reviewer']} on {review['date']})"
                        if reviewed
                        else ""
                    ),
                    f"text_sha256 {actual} after a new review",
                    severity="error" if reviewed else "warning",
                    code="review-stale",
                )
            )
    return problems
