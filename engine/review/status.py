"""Where each article's review stands: reviewed, stale (changed since its review) or draft.

One function answers it for the command line (``accountability review status``), for ``verify`` and
for the documentation site, so that all three say the same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from engine.policy.checks.reviews import review_changes
from engine.policy.review_fingerprint import part_names
from engine.problems import ProblemsError

if TYPE_CHECKING:
    from engine.policy.model import Policy

# state → (zh, en)
STATE_LABELS = {
    "reviewed": ("已复核", "reviewed"),
    "stale": ("复核后已改动", "stale: changed since its review"),
    "draft": ("草稿，待复核", "draft, not yet reviewed"),
}


@dataclass
class ArticleReview:
    """One article's review record, read against the article as it stands now."""

    eid: str
    heading: dict[str, str]
    title: dict[str, str]
    state: str  # "reviewed" | "stale" | "draft"
    reviewer: str | None
    date: str | None
    revision: str | None
    signed: bool
    changed: list[str] = field(default_factory=list)  # parts changed since the record
    covers_text_only: bool = False  # an old record, with text_sha256 and no fingerprint

    @property
    def record_outdated(self) -> bool:
        """A draft whose record no longer matches (``review refresh`` brings it up to date)."""
        return self.state == "draft" and bool(self.changed)

    def changed_names(self, lang: str) -> list[str]:
        return part_names(self.changed, lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "changed_names": {"zh": self.changed_names("zh"), "en": self.changed_names("en")},
        }


def article_review(policy: Policy, article: dict[str, Any]) -> ArticleReview:
    review = article["review"]
    changed = review_changes(policy, article)
    reviewed = review["status"] == "reviewed"
    return ArticleReview(
        eid=article["eid"],
        heading=article["heading"],
        title=article["title"],
        state=("stale" if changed else "reviewed") if reviewed else "draft",
        reviewer=review.get("reviewer"),
        date=review.get("date"),
        revision=review.get("revision"),
        signed=bool(review.get("signature")),
        changed=changed,
        covers_text_only="fingerprint" not in review,
    )


def review_statuses(policy: Policy, eids: list[str] | None = None) -> list[ArticleReview]:
    """The review of every article (or of ``eids``), in document order."""
    wanted = set(eids) if eids else None
    return [
        article_review(policy, a) for a in policy.articles if wanted is None or a["eid"] in wanted
    ]


def progress(statuses: list[ArticleReview]) -> dict[str, Any]:
    """How far review has come: counts, and the stale articles by eId."""
    return {
        "total": len(statuses),
        "reviewed": sum(s.state == "reviewed" for s in statuses),
        "stale": [s.eid for s in statuses if s.state == "stale"],
        "draft": sum(s.state == "draft" for s in statuses),
        "signed": sum(s.signed and s.state == "reviewed" for s in statuses),
    }


def resolve_articles(policy: Policy, names: list[str]) -> list[str]:
    """Article eIds from what a user typed: ``art_11`` or ``11``; every unknown name is refused."""
    known = {a["eid"]: a for a in policy.articles}
    by_number = {str(a["number"]): a["eid"] for a in policy.articles}
    out: list[str] = []
    unknown = []
    for name in names:
        eid = name if name in known else by_number.get(name.strip())
        if eid is None:
            unknown.append(name)
        elif eid not in out:
            out.append(eid)
    if unknown:
        raise ProblemsError.one(
            "<command line>",
            "ARTICLE",
            f"no such article: {', '.join(unknown)}",
            f"an article eId ({next(iter(known), 'art_1')} …) or number",
        )
    return out
