"""`accountability review diff ARTICLE`: what changed in one article since it was reviewed.

The sign-off recorded the git revision the reviewed encoding was taken from; this compares that
revision with the policy folder as it stands, with the diff machinery of ``accountability diff``,
narrowed to the article: its text and rules, the parameters its review covers, the other parts of
its encoding (periods, open points, anomalies, worked examples …, listed by id), and the outcome
changes on the fixtures and worked examples about the article. The outcomes are computed with the
whole encoding of each side, so a change to another article that moves this article's fixtures
shows too.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from engine.files.project import display_path
from engine.policy.layout import article_file
from engine.policy.review_fingerprint import (
    PLAIN_PARTS,
    article_eids,
    changed_parts,
    part_names,
    review_fingerprint,
    review_parameters,
)
from engine.problems import ProblemsError
from engine.review.diff import diff_sides, report_summary
from engine.review.markdown import markdown_text
from engine.review.revision import relative_to_repo, repository_of
from engine.review.sides import CaseSpec, open_side
from engine.review.status import resolve_articles

# how the items of each plain part are told apart across the two sides
ITEM_KEYS = {
    "periods": ("id",),
    "computed_facts": ("fact",),
    "open_points": ("kind", "predicate"),
    "anomalies": ("id",),
    "examples": ("id",),
}


def article_diff(
    policy_dir: Path,
    name: str,
    *,
    since: str | None = None,
    repo: Path | None = None,
    cases: list[Path] | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """The diff report for one article between its reviewed revision (or ``since``) and now."""
    policy_dir = Path(policy_dir)
    repo = Path(repo) if repo is not None else repository_of(policy_dir)
    if repo is None:
        raise ProblemsError.one(
            str(policy_dir),
            "",
            "the policy folder is not in a git checkout, so no revision can be compared with",
            "a policy folder inside a git checkout",
        )
    policy_path = _policy_path_in(repo, policy_dir)
    with tempfile.TemporaryDirectory(prefix="accountability-review-diff-") as workdir:
        new = open_side(display_path(policy_dir), Path(workdir), repo)
        eid = resolve_articles(new.policy, [name])[0]
        article = next(a for a in new.policy.articles if a["eid"] == eid)
        record = article["review"]
        baseline = since or record.get("revision")
        if not baseline:
            raise ProblemsError.one(
                new.policy.docs[article_file(eid)].file,
                "$.review.revision",
                f"{eid} has no recorded revision (a draft, or signed outside a git checkout)",
                "a sign-off made in a git checkout, or --since REVISION",
            )
        old = open_side(baseline, Path(workdir), repo, policy_path)
        report = diff_sides(
            old, new, cases=cases, as_of=as_of, repo=repo, select=_about(eid, article)
        )
        before = next((a for a in old.policy.articles if a["eid"] == eid), None)
        return narrow(report, old.policy, new.policy, eid, before, article, baseline)


def narrow(
    report: dict[str, Any],
    old_policy,
    new_policy,
    eid: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    baseline: str,
) -> dict[str, Any]:
    """The report limited to one article, with what its review covers beyond text and rules."""
    old_params = old_policy.parameters["parameters"]
    new_params = new_policy.parameters["parameters"]
    in_scope = set(review_parameters(after, new_params))
    if before is not None:
        in_scope |= set(review_parameters(before, old_params))
    now = review_fingerprint(after, new_params)
    then = review_fingerprint(before, old_params) if before is not None else None
    record = after["review"]
    report["articles"] = [a for a in report["articles"] if a["eid"] == eid]
    report["parameters"] = [p for p in report["parameters"] if p["id"] in in_scope]
    report["front_matter"], report["vocabulary"], report["editions"] = [], [], []
    report["summary"] = report_summary(report)
    changed = changed_parts(then, now) if then is not None else list(now["parts"])
    report["review"] = {
        "article": eid,
        "since": baseline,
        "since_commit": report["old"]["commit"],
        "record": {k: record.get(k) for k in ("status", "reviewer", "date", "revision")},
        "changed_parts": changed,
        "changed_names": {"zh": part_names(changed, "zh"), "en": part_names(changed, "en")},
        "items": {
            part: item_changes(part, (before or {}).get(part), after.get(part))
            for part in PLAIN_PARTS
            if part in changed
        },
    }
    return report


def item_changes(part: str, old: Any, new: Any) -> list[dict[str, str]]:
    """Which items of a plain part were added, removed or changed, by their id."""
    if part not in ITEM_KEYS:  # the answer readings: one mapping, section by section
        old, new = old or {}, new or {}
        return [
            {"id": key, "change": _kind(old.get(key), new.get(key))}
            for key in list(new) + [k for k in old if k not in new]
            if old.get(key) != new.get(key)
        ]
    olds = {_ident(part, x): x for x in old or []}
    news = {_ident(part, x): x for x in new or []}
    return [
        {"id": ident, "change": _kind(olds.get(ident), news.get(ident))}
        for ident in list(news) + [i for i in olds if i not in news]
        if olds.get(ident) != news.get(ident)
    ]


def render_review_header(report: dict[str, Any], lang: str, markdown: bool = False) -> str:
    """What precedes the diff body: whose review, since when, and which parts changed."""
    review = report["review"]
    record = review["record"]
    i = 0 if lang == "zh" else 1
    reviewer = record["reviewer"] or ""
    reviewer = markdown_text(reviewer) if markdown else reviewer
    who = (
        f"{reviewer}, {record['date']}" if record["status"] == "reviewed" else ("草稿", "draft")[i]
    )
    since = f"{review['since']} ({(review['since_commit'] or '')[:10]})"
    title = ("复核以来的改动", "Changes since the review")[i]
    changed = (
        "、".join(review["changed_names"]["zh"])
        if i == 0
        else ", ".join(review["changed_names"]["en"])
    )
    lines = [
        f"{'# ' if markdown else ''}{title}: {review['article']}",
        "",
        f"{'- ' if markdown else '  '}{('复核', 'review')[i]}: {who}",
        f"{'- ' if markdown else '  '}{('比较起点', 'since')[i]}: {since}",
        f"{'- ' if markdown else '  '}{('改动部分', 'changed parts')[i]}: "
        + (changed or ("无", "none")[i]),
    ]
    for part, items in review["items"].items():
        for item in items:
            lines.append(
                f"{'  - ' if markdown else '    '}{part_names([part], lang)[0]}: "
                f"{item['id']} ({item['change']})"
            )
    return "\n".join(lines) + "\n\n"


# --- internals ---------------------------------------------------------------------------------


def _policy_path_in(repo: Path, policy_dir: Path) -> str:
    """Where the policy folder is inside the repository, as git names it. A ``--repo`` that does
    not hold the policy folder has no revision of it to compare with: refused before anything is
    read, naming both folders."""
    try:
        return relative_to_repo(repo, policy_dir)
    except ValueError:
        raise ProblemsError.one(
            display_path(repo),
            "--repo",
            f"the repository does not hold the policy folder {display_path(policy_dir)}",
            "a git repository with the policy folder inside it (without --repo, the one holding "
            "the policy folder is used)",
            code="outside",
        ) from None


def _about(eid: str, article: dict[str, Any]):
    """Cases about the article: its fixtures and its worked examples (by article or cited eId)."""
    eids = article_eids(article)

    def select(spec: CaseSpec) -> bool:
        return spec.article == eid or bool(eids.intersection(spec.eids))

    return select


def _ident(part: str, item: Any) -> str:
    if not isinstance(item, dict):
        return json.dumps(item, ensure_ascii=False, sort_keys=True)
    return "/".join(str(item.get(k)) for k in ITEM_KEYS[part] if item.get(k) is not None)


def _kind(old: Any, new: Any) -> str:
    return "added" if old is None else "removed" if new is None else "changed"
