"""What a legal officer's review of an article covers, as a fingerprint that any later change breaks.

A review vouches for everything the officer judged, not only the wording: the official text and its
translation, the rules (Datalog, readings, notes, citations, displacements), the periods, computed
facts, open points and answer readings the article defines, the interpretation parameters that bear
on it (their options, default, rationale and question), its drafting anomalies and its worked
examples. Each of these is hashed as one *part*, and the parts are hashed together into the
article's fingerprint. The review record keeps the fingerprint and its parts, so that a change after a
sign-off makes the review visibly stale and says which part changed (text, rules, parameters …),
without needing the files as they were.

The fingerprint is computed from the plain article and parameter data (no compiled program), so that
the same function works on a loaded policy and on a file read from a git revision.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from engine.policy.readings import parameters_mentioned

# part → (zh, en) name, in the order a reviewer reads an article
REVIEW_PARTS: dict[str, tuple[str, str]] = {
    "text": ("条文与译文", "text and translation"),
    "rules": ("规则", "rules"),
    "periods": ("期限", "periods"),
    "computed_facts": ("计算事实", "computed facts"),
    "open_points": ("待人工认定事项", "open points"),
    "answer": ("答案读法", "answer readings"),
    "parameters": ("解释参数", "parameters"),
    "anomalies": ("起草异常", "anomalies"),
    "examples": ("示例", "worked examples"),
}
# article keys that make up the text part besides its elements: what the article is and is called
TEXT_KEYS = ("eid", "number", "heading", "title", "kind", "computed", "not_computed_reason")
# article keys hashed as they are, one part each; the first four also read parameters
ANSWER_PARTS = ("periods", "computed_facts", "open_points", "answer")
PLAIN_PARTS = (*ANSWER_PARTS, "anomalies", "examples")
# a parameter read in a rule's Datalog: param(ID, …), param_int(ID, …), param_member(ID, …). Read
# textually, not parsed, so that a rule that does not parse still counts (its check reports it) and
# loading stays fast; a mention inside a comment only widens what the review covers.
PARAM_READ = re.compile(r"\bparam(?:_int|_member)?\s*\(\s*([a-z][a-z0-9_]*)\s*,")


def article_eids(article: dict[str, Any]) -> set[str]:
    """The article's eId and those of its elements."""
    return {article["eid"], *(e["eid"] for e in article.get("elements", []))}


def review_parameters(article: dict[str, Any], parameters: list[dict[str, Any]]) -> list[str]:
    """The ids of the parameters a review of ``article`` covers, in parameters.yaml order: those
    whose ``affects`` names the article or one of its elements, those its rules list or read, and
    those its periods, computed facts, open points and answer readings read."""
    eids = article_eids(article)
    used: set[str] = set()
    for rule in article.get("rules", []):
        used.update(rule.get("parameters", []))
        used.update(PARAM_READ.findall(str(rule.get("datalog", ""))))
    used |= parameters_mentioned([article.get(k) for k in ANSWER_PARTS])
    return [
        p["id"] for p in parameters if p["id"] in used or eids.intersection(p.get("affects", []))
    ]


def review_material(article: dict[str, Any], parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """Part → the data it hashes. Moving a rule within the file is no change; rewording is."""
    index = {p["id"]: p for p in parameters}
    material: dict[str, Any] = {
        "text": {
            **{k: article.get(k) for k in TEXT_KEYS},
            "elements": article.get("elements", []),
        },
        "rules": sorted(
            (_normalised(r) for r in article.get("rules", [])), key=lambda r: str(r.get("id"))
        ),
        # `affects` is left out: what it says about other articles is not this review's business,
        # and what it says about this one already decides which parameters are in the part
        "parameters": [
            {k: v for k, v in index[pid].items() if k != "affects"}
            for pid in review_parameters(article, parameters)
        ],
    }
    for key in PLAIN_PARTS:
        material[key] = article.get(key, [] if key != "answer" else {})
    return {part: material[part] for part in REVIEW_PARTS}


def review_fingerprint(article: dict[str, Any], parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"sha256": …, "parts": {part: sha256}}``: the fingerprint a review record keeps.

    ``parameters`` is the list under ``parameters:`` in parameters.yaml.
    """
    parts = {part: _sha256(value) for part, value in review_material(article, parameters).items()}
    return {"sha256": _sha256(parts), "parts": parts}


def changed_parts(recorded: dict[str, Any] | None, current: dict[str, Any]) -> list[str]:
    """The parts whose hash differs from the record, in reading order (empty: nothing changed).

    A record whose overall hash differs although no part it lists does (a record written before a
    part was added to the fingerprint) reports ``fingerprint``.
    """
    if recorded is None:
        return []
    if recorded.get("sha256") == current["sha256"]:
        return []
    old = recorded.get("parts") or {}
    changed = [p for p in current["parts"] if p in old and old[p] != current["parts"][p]]
    return changed or ["fingerprint"]


def part_names(parts: list[str], lang: str) -> list[str]:
    """The parts' names in one language (``zh`` or ``en``)."""
    i = 0 if lang == "zh" else 1
    return [REVIEW_PARTS[p][i] if p in REVIEW_PARTS else p for p in parts]


def _normalised(value: Any) -> Any:
    """Trailing spaces and the final newline of a block are layout, not content."""
    if isinstance(value, str):
        return "\n".join(line.rstrip() for line in value.strip().splitlines())
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def _sha256(value: Any) -> str:
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
