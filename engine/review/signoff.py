"""Recording, refreshing and verifying sign-offs in the article files.

``sign``: a legal officer vouches for the encoding of some articles as it stands. The policy must
validate (apart from the very staleness a new sign-off resolves); the record gets the status, the
reviewer, the date, the git revision and the fingerprint of everything reviewed, and with a key an
SSH signature over them. In a git checkout the article must be committed as it is signed, so that
the recorded revision holds exactly what was reviewed and ``review diff`` can compare with it.

``refresh``: a draft record is brought up to date with the article (nobody vouches for a draft, but
its fingerprint is the baseline the next change is reported against). Reviewed records are never
touched: only a new sign-off replaces them.

``verify``: every signature is checked against ``allowed_signers`` in the policy folder, and the
fingerprint it vouches for against the article now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.files.safe_yaml import load_yaml_bytes
from engine.policy.layout import article_file
from engine.policy.load import read_policy
from engine.policy.model import Policy
from engine.policy.review_fingerprint import changed_parts, part_names, review_fingerprint
from engine.policy.source_text import element_texts_sha256
from engine.problems import Problem, ProblemsError, errors
from engine.review.records import write_review
from engine.review.revision import file_at, head_commit, relative_to_repo, repository_of
from engine.review.signing import (
    ALLOWED_SIGNERS,
    Verdict,
    check_key_file,
    check_name,
    check_reviewer,
    sign,
    signed_message,
    verify,
)
from engine.review.status import article_review, resolve_articles


@dataclass
class Signed:
    eid: str
    review: dict[str, Any]
    verdict: Verdict | None = None  # the new signature checked against allowed_signers


def load_for_signing(policy_dir: Path) -> Policy:
    """The policy, validated as ``validate`` does except that stale reviews do not count."""
    policy, problems = read_policy(policy_dir, versioning="error", stale_review="warning")
    if policy is None:
        found = errors(problems) or problems
        raise ProblemsError(
            [*found, _refusal(policy_dir, f"validation fails ({len(found)} error(s))")]
        )
    return policy


def sign_off(
    policy_dir: Path, names: list[str], reviewer: str, date: str, key: str | None = None
) -> list[Signed]:
    """Record (and with ``key`` sign) a review of each named article; nothing is written unless
    every article can be signed."""
    check_reviewer(reviewer, principal=key is not None)
    if key is not None:  # before the policy is loaded: a bad key file is refused at once
        check_name(key, "--key")
        check_key_file(key)
    policy = load_for_signing(policy_dir)
    eids = resolve_articles(policy, names)
    repo = repository_of(policy_dir)
    revision = head_commit(repo) if repo is not None else None
    done: list[Signed] = []
    for eid in eids:
        article = next(a for a in policy.articles if a["eid"] == eid)
        current = policy.review_fingerprints[eid]
        if repo is not None:
            _require_committed(policy, repo, revision, article, current)
        review = {
            "status": "reviewed",
            "reviewer": reviewer,
            "date": date,
            "revision": revision,
            "text_sha256": element_texts_sha256(article["elements"]),
            "fingerprint": current,
            "signature": None,
        }
        signed = Signed(eid, review)
        if key is not None:
            message = signed_message(policy.id, eid, review)
            review["signature"] = sign(message, key)
            signed.verdict = verify(
                message, review["signature"], Path(policy_dir) / ALLOWED_SIGNERS, reviewer
            )
        done.append(signed)
    for signed in done:
        write_review(Path(policy_dir) / article_file(signed.eid), signed.review)
    return done


def refresh(policy_dir: Path, names: list[str] | None = None) -> dict[str, list[str]]:
    """Bring draft records up to date; report what was refreshed and what was left, and why."""
    policy, problems = read_policy(policy_dir, versioning="warning")
    if policy is None:
        raise ProblemsError(errors(problems) or problems)
    eids = resolve_articles(policy, names) if names else [a["eid"] for a in policy.articles]
    out: dict[str, list[str]] = {"refreshed": [], "current": [], "reviewed": []}
    for eid in eids:
        article = next(a for a in policy.articles if a["eid"] == eid)
        status = article_review(policy, article)
        if status.state != "draft":
            out["reviewed"].append(eid)
            continue
        if not status.changed and not status.covers_text_only:
            out["current"].append(eid)
            continue
        review = {
            "status": "draft",
            "reviewer": None,
            "date": None,
            "text_sha256": element_texts_sha256(article["elements"]),
            "fingerprint": policy.review_fingerprints[eid],
        }
        write_review(Path(policy_dir) / article_file(eid), review)
        out["refreshed"].append(eid)
    return out


@dataclass
class Checked:
    """One signed article, checked: ``problems`` empty means the signature holds."""

    eid: str
    reviewer: str | None
    key: str = ""
    problems: list[str] = field(default_factory=list)


def verify_all(policy: Policy) -> tuple[list[Checked], list[str]]:
    """Every signature checked; also the eIds of reviewed articles that carry no signature."""
    allowed = policy.root / ALLOWED_SIGNERS
    checked: list[Checked] = []
    unsigned: list[str] = []
    for article in policy.articles:
        review = article["review"]
        eid = article["eid"]
        if not review.get("signature"):
            if review["status"] == "reviewed":
                unsigned.append(eid)
            continue
        result = Checked(eid, review.get("reviewer"))
        checked.append(result)
        if review["status"] != "reviewed" or "fingerprint" not in review:
            result.problems.append("a signature on a record that is not a complete sign-off")
            continue
        if not allowed.is_file():
            result.problems.append(f"no {ALLOWED_SIGNERS} file in the policy folder")
            continue
        verdict = verify(
            signed_message(policy.id, eid, review),
            review["signature"],
            allowed,
            str(review["reviewer"]),
        )
        result.key = verdict.key
        if not verdict.ok:
            result.problems.append(verdict.problem)
        changed = changed_parts(review["fingerprint"], policy.review_fingerprints[eid])
        if changed:
            result.problems.append(
                "fingerprint mismatch: the article changed since it was signed ("
                + ", ".join(part_names(changed, "en"))
                + ")"
            )
    return checked, unsigned


# --- internals ---------------------------------------------------------------------------------


def _require_committed(
    policy: Policy,
    repo: Path,
    revision: str | None,
    article: dict[str, Any],
    current: dict[str, Any],
) -> None:
    """Refuse to sign what the recorded revision does not hold."""
    eid = article["eid"]
    rel_article = relative_to_repo(repo, policy.root / article_file(eid))
    rel_parameters = relative_to_repo(repo, policy.root / "parameters.yaml")
    committed = None
    if revision is not None:
        article_bytes = file_at(repo, revision, rel_article)
        parameter_bytes = file_at(repo, revision, rel_parameters)
        if article_bytes is not None and parameter_bytes is not None:
            try:
                old_article = load_yaml_bytes(article_bytes, rel_article).data
                old_parameters = load_yaml_bytes(parameter_bytes, rel_parameters).data
                committed = review_fingerprint(old_article, old_parameters["parameters"])
            except (ProblemsError, KeyError, TypeError):
                committed = None
    if committed is not None and committed["sha256"] == current["sha256"]:
        return
    what = (
        ", ".join(part_names(changed_parts(committed, current), "en"))
        if committed is not None
        else "not committed"
    )
    where = f"HEAD {revision[:10]}" if revision else "no commit yet"
    raise ProblemsError.one(
        policy.docs[article_file(eid)].file,
        "$.review",
        f"{eid} as it stands is not what the last commit ({where}) holds: {what}",
        "commit the encoding first, so that the review records the revision it covers",
        code="review-uncommitted",
    )


def _refusal(policy_dir: Path, why: str) -> Problem:
    return Problem(
        str(policy_dir),
        None,
        None,
        "",
        f"no article is signed: {why}",
        "a policy that `accountability validate` accepts (a stale review aside)",
        code="review-refused",
    )
