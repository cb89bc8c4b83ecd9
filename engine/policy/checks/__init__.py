"""Checks that no single-file schema can express: the policy files must agree with each other.

Each check returns located problems and never stops at the first, so a reviewer sees every broken
citation, duplicated eId or stale review fingerprint in one run. One module per kind of file or
concern; ``check_policy`` runs them all in a fixed order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.policy.checks.answers import check_answer_definitions
from engine.policy.checks.articles import (
    check_anomalies,
    check_articles,
    check_citations,
    check_unique_ids,
)
from engine.policy.checks.editions import check_edition_membership, check_editions
from engine.policy.checks.examples import check_examples
from engine.policy.checks.files import check_article_files
from engine.policy.checks.parameters import check_parameters
from engine.policy.checks.reviews import check_reviews
from engine.policy.checks.rules import check_rules
from engine.policy.checks.source import check_source
from engine.policy.checks.vocabulary import check_vocabulary
from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.model import Policy

__all__ = ["check_article_files", "check_policy"]


def check_policy(policy: Policy, stale_review: str = "error") -> list[Problem]:
    """Every cross-file check, in the order a reviewer reads the files.

    ``stale_review`` is the severity of a reviewed article whose encoding changed since its review
    (engine.policy.checks.reviews).
    """
    problems: list[Problem] = []
    for check in (
        check_articles,
        check_unique_ids,
        check_citations,
        check_anomalies,
        check_parameters,
        check_vocabulary,
        lambda p: check_reviews(p, stale_review),
        check_editions,
        check_edition_membership,
        check_source,
        check_rules,
        check_answer_definitions,
        check_examples,
    ):
        problems.extend(check(policy))
    return problems
