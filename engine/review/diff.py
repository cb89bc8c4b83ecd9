"""`accountability diff OLD NEW`: one report of what an encoding change does, for the reviewer.

Per article (eId): the text changes of each element, word by word in Chinese and English, and the
rule changes (added, removed, changed; shown as Datalog). Then interpretation parameters, vocabulary
and editions, the version check, and the outcome impact: every case found is answered under both
sides and every answer that changes is listed with both explanations.

The as-of date must be the same for both sides or the answers do not compare. Default, so that the
same two revisions always give the same report: a case's own recorded date (fixtures and worked
examples record one), else the date of the NEW side's newest changelog entry. ``as_of`` overrides
both.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.files.project import find_project
from engine.policy.citation import eid_order
from engine.policy.editions import edition_ids
from engine.policy.layout import article_file
from engine.policy.versions import policy_fingerprint, semver
from engine.review.outcomes import compare_runs, run_case
from engine.review.sides import (
    CaseSpec,
    Side,
    discover_cases,
    explicit_cases,
    merged_cases,
    open_side,
)
from engine.review.words import text_change

REPORT_FORMAT = 1
RULE_FIELDS = ("datalog", "cites", "displaces", "parameters", "editions", "reads")
FRONT_MATTER = ("title", "document_header", "issuer", "addressees", "salutation", "preamble")


def diff(
    old: str,
    new: str,
    *,
    repo: Path | None = None,
    policy_path: str | None = None,
    cases: list[Path] | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """The report comparing two sides: each a policy folder, a checkout or a revision of ``repo``.

    ``cases`` (files or folders) replaces the default case set; ``as_of`` fixes one date for all.
    ``repo`` defaults to the project checkout the command runs in.
    """
    repo = Path(repo) if repo is not None else default_repo()
    if cases:  # the cases the user named are read first: a refused one costs no policy load
        explicit_cases(cases)
    with tempfile.TemporaryDirectory(prefix="accountability-diff-") as workdir:
        old_side = open_side(old, Path(workdir), repo, policy_path)
        new_side = open_side(new, Path(workdir), repo, policy_path)
        return diff_sides(old_side, new_side, cases=cases, as_of=as_of, repo=repo)


def default_repo() -> Path:
    """The git repository revisions are read from: the current project checkout, else here."""
    project = find_project()
    return project.root if project is not None else Path.cwd()


def diff_sides(
    old: Side,
    new: Side,
    *,
    cases: list[Path] | None = None,
    as_of: str | None = None,
    repo: Path | None = None,
    select: Callable[[CaseSpec], bool] | None = None,
) -> dict[str, Any]:
    """The report comparing two opened sides; ``select`` keeps only some cases for the outcomes."""
    repo = Path(repo) if repo is not None else default_repo()
    a, b = old.policy, new.policy
    default_date = b.instrument["encoding"]["changelog"][-1]["date"]
    articles = article_changes(a, b)
    parameters = parameter_changes(a, b)
    vocabulary = vocabulary_changes(a, b)
    editions = edition_changes(a, b)
    front = [
        {"where": key, **change}
        for key in FRONT_MATTER
        if (change := text_change(_text(a.instrument.get(key)), _text(b.instrument.get(key))))
    ]
    outcomes = outcome_changes(old, new, cases, as_of, default_date, repo, select)
    report = {
        "format": REPORT_FORMAT,
        "old": old.describe(),
        "new": new.describe(),
        "as_of": {"date": as_of, "source": "option"}
        if as_of
        else {
            "date": default_date,
            "source": "each case's recorded date, else the NEW side's newest changelog entry",
        },
        "versioning": versioning_notes(old, new, articles, parameters),
        "front_matter": front,
        "articles": articles,
        "parameters": parameters,
        "vocabulary": vocabulary,
        "editions": editions,
        "outcomes": outcomes,
    }
    report["summary"] = report_summary(report)
    return report


def report_summary(report: dict[str, Any]) -> dict[str, int]:
    """The counts at the head of a report (recounted when a report is narrowed to one article)."""
    articles, outcomes = report["articles"], report["outcomes"]
    return {
        "text_changes": len(report["front_matter"]) + sum(len(x["elements"]) for x in articles),
        "rule_changes": sum(len(x["rules"]) for x in articles),
        "parameter_changes": len(report["parameters"]),
        "vocabulary_changes": len(report["vocabulary"]),
        "edition_changes": len(report["editions"]),
        "cases_run": outcomes["cases_run"],
        "cases_changed": len(outcomes["changes"]),
        "outcome_changes": sum(len(c["changes"]) for c in outcomes["changes"]),
    }


def _text(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return value if isinstance(value, dict) else {"zh": value, "en": value}


# --- text and rules, per article -----------------------------------------------------------------


def article_changes(a, b) -> list[dict[str, Any]]:
    """Per article of either side (NEW's order, removed ones after): element and rule changes."""
    old_articles = {x["eid"]: x for x in a.articles}
    new_articles = {x["eid"]: x for x in b.articles}
    order = [x["eid"] for x in b.articles] + [e for e in old_articles if e not in new_articles]
    old_rules = {r["id"]: (x["eid"], r) for x in a.articles for r in x["rules"]}
    new_rules = {r["id"]: (x["eid"], r) for x in b.articles for r in x["rules"]}
    out = []
    for eid in order:
        before, after = old_articles.get(eid), new_articles.get(eid)
        elements = element_changes(before, after)
        rules = []
        ids = [r["id"] for r in (after or {}).get("rules", [])]
        ids += [r["id"] for r in (before or {}).get("rules", []) if r["id"] not in new_rules]
        for rule_id in ids:
            change = rule_change(old_rules.get(rule_id), new_rules.get(rule_id), eid)
            if change:
                rules.append(change)
        review = None
        if before and after and before["review"]["status"] != after["review"]["status"]:
            review = {"old": before["review"], "new": after["review"]}
        if elements or rules or review or (before is None) != (after is None):
            article = after or before
            out.append(
                {
                    "eid": eid,
                    "file": article_file(eid),
                    "heading": article["heading"],
                    "title": article.get("title"),
                    "change": "added"
                    if before is None
                    else "removed"
                    if after is None
                    else "changed",
                    "elements": elements,
                    "rules": rules,
                    "review": review,
                }
            )
    return out


def element_changes(before: dict | None, after: dict | None) -> list[dict[str, Any]]:
    old = {e["eid"]: e for e in (before or {}).get("elements", [])}
    new = {e["eid"]: e for e in (after or {}).get("elements", [])}
    order = list(new) + [e for e in old if e not in new]
    out = []
    for eid in order:
        o, n = old.get(eid), new.get(eid)
        text = text_change(o and o["text"], n and n["text"])
        editions = None
        if (o or {}).get("editions") != (n or {}).get("editions") and o and n:
            editions = {"old": o.get("editions"), "new": n.get("editions")}
        if text or editions or (o is None) != (n is None):
            out.append(
                {
                    "eid": eid,
                    "change": "added" if o is None else "removed" if n is None else "changed",
                    "text": text,
                    "editions": editions,
                    "in_editions": (n or o).get("editions"),
                }
            )
    return out


def rule_change(old: tuple | None, new: tuple | None, article: str) -> dict[str, Any] | None:
    """A rule's change; only the fields that differ are listed as ``changed_fields``."""
    o = old[1] if old else None
    n = new[1] if new else None
    if o is not None and n is not None:
        changed = [f for f in RULE_FIELDS if _norm(o.get(f)) != _norm(n.get(f))]
        moved = old[0] != new[0]
        if not changed and not moved:
            return None
        return {
            "id": n["id"],
            "change": "changed",
            "changed_fields": changed,
            "moved_from": old[0] if moved else None,
            "old": _rule_view(o),
            "new": _rule_view(n),
        }
    if n is not None:
        return {
            "id": n["id"],
            "change": "added",
            "changed_fields": [],
            "moved_from": None,
            "old": None,
            "new": _rule_view(n),
        }
    return {
        "id": o["id"],
        "change": "removed",
        "changed_fields": [],
        "moved_from": None,
        "old": _rule_view(o),
        "new": None,
    }


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return "\n".join(line.rstrip() for line in value.strip().splitlines())
    return value


def _rule_view(rule: dict) -> dict[str, Any]:
    view = {f: rule.get(f) for f in RULE_FIELDS if rule.get(f) is not None}
    view["datalog"] = _norm(rule["datalog"])
    return view


# --- parameters, vocabulary, editions ------------------------------------------------------------

PARAMETER_DOC_FIELDS = ("rationale", "question", "sources")


def parameter_changes(a, b) -> list[dict[str, Any]]:
    old, new = a.parameter_index, b.parameter_index
    out = []
    for pid in list(new) + [p for p in old if p not in new]:
        o, n = old.get(pid), new.get(pid)
        if o == n:
            continue
        if o is None or n is None:
            out.append(
                {
                    "id": pid,
                    "change": "added" if o is None else "removed",
                    "changed_fields": [],
                    "old": o and _param_view(o),
                    "new": n and _param_view(n),
                    "affects": (n or o)["affects"],
                }
            )
            continue
        fields = sorted({*o, *n} - {"id"})
        changed = [f for f in fields if o.get(f) != n.get(f)]
        o, n = _compact_options(o, n)
        out.append(
            {
                "id": pid,
                "change": "changed",
                "changed_fields": changed,
                "old": {f: o.get(f) for f in changed},
                "new": {f: n.get(f) for f in changed},
                "affects": n["affects"],
            }
        )
    return out


def _compact_options(o: dict, n: dict) -> tuple[dict, dict]:
    """Options shown by value, unless only their labels changed."""
    values = [[x["value"] for x in p.get("options", [])] for p in (o, n)]
    if values[0] == values[1]:
        return o, n
    return (
        {**o, "options": values[0]} if "options" in o else o,
        {**n, "options": values[1]} if "options" in n else n,
    )


def _param_view(p: dict) -> dict[str, Any]:
    view = {k: v for k, v in p.items() if k not in PARAMETER_DOC_FIELDS}
    if "options" in view:
        view["options"] = [o["value"] for o in view["options"]]
    return view


def vocabulary_changes(a, b) -> list[dict[str, Any]]:
    def index(policy):
        return {
            p["name"]: {k: v for k, v in p.items() if k != "description"}
            for p in policy.vocabulary["predicates"]
        }

    old, new = index(a), index(b)
    return [
        {
            "name": name,
            "change": "added" if name not in old else "removed" if name not in new else "changed",
            "old": old.get(name),
            "new": new.get(name),
        }
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]


def edition_changes(a, b) -> list[dict[str, Any]]:
    keys = ("issued_year", "effective_from", "effective_to", "status")

    def index(policy):
        return {e["id"]: {k: e.get(k) for k in keys} for e in policy.instrument["editions"]}

    old, new = index(a), index(b)
    ids = edition_ids(b.instrument) + [e for e in edition_ids(a.instrument) if e not in new]
    return [
        {
            "id": i,
            "change": "added" if i not in old else "removed" if i not in new else "changed",
            "old": old.get(i),
            "new": new.get(i),
        }
        for i in ids
        if old.get(i) != new.get(i)
    ]


# --- the version check across the two sides ------------------------------------------------------


def touched_eids(articles: list[dict], parameters: list[dict]) -> list[str]:
    """eIds a changelog entry for this change should name: changed text, changed rules' citations,
    changed parameters' ``affects``."""
    found: list[str] = []
    for art in articles:
        found += [e["eid"] for e in art["elements"]]
        for rule in art["rules"]:
            for side in ("old", "new"):
                found += (rule[side] or {}).get("cites", [])
    for param in parameters:
        found += param["affects"]

    return sorted(set(found), key=eid_order)


def versioning_notes(old: Side, new: Side, articles: list, parameters: list) -> dict[str, Any]:
    """Whether the change is recorded: version bumped, a changelog entry naming what it touches."""
    a, b = old.policy, new.policy
    changed = policy_fingerprint(a) != policy_fingerprint(b)
    va, vb = semver(a.version), semver(b.version)
    bumped = va is not None and vb is not None and vb > va
    notes: list[dict[str, str]] = []
    if changed and not bumped:
        notes.append(
            {
                "severity": "error",
                "zh": "规则、参数、词汇或版本数据有改动，"
                f"但编码版本未提高（{a.version} → {b.version}）。",
                "en": "rules, parameters, vocabulary or edition data changed but the encoding "
                "version was not "
                f"bumped ({a.version} → {b.version}).",
            }
        )
    if va is not None and vb is not None and vb < va:
        notes.append(
            {
                "severity": "error",
                "zh": f"编码版本倒退：{a.version} → {b.version}。",
                "en": f"the encoding version goes backwards: {a.version} → {b.version}.",
            }
        )
    entry = b.instrument["encoding"]["changelog"][-1]
    missing: list[str] = []
    if bumped:
        named = set(entry["eids"])
        missing = [
            e
            for e in touched_eids(articles, parameters)
            if e not in named and e.split("__")[0] not in named
        ]
        if missing:
            notes.append(
                {
                    "severity": "warning",
                    "zh": f"变更记录{entry['version']}未列出本次改动涉及的：{'、'.join(missing)}。",
                    "en": f"changelog entry {entry['version']} does not name these touched eIds: "
                    f"{', '.join(missing)}.",
                }
            )
    for p in new.versioning:  # what `validate` will say about the NEW side
        where = f"{p.file}:{p.line}: {p.where}" if p.line else f"{p.file}: {p.where}"
        text = f"{where}: {p.message}; expected {p.expected}"
        notes.append({"severity": "error", "zh": text, "en": text})
    before = {e["version"]: e for e in a.instrument["encoding"]["changelog"]}
    changelog = [
        {"change": "added" if e["version"] not in before else "changed", "entry": e}
        for e in b.instrument["encoding"]["changelog"]
        if before.get(e["version"]) != e
    ]
    return {
        "rules_or_parameters_changed": changed,
        "version_bumped": bumped,
        "old_version": a.version,
        "new_version": b.version,
        "new_changelog_entry": entry if bumped else None,
        "changelog_changes": changelog,
        "unnamed_eids": missing,
        "notes": notes,
    }


# --- outcomes ------------------------------------------------------------------------------------


def outcome_changes(
    old: Side,
    new: Side,
    cases: list[Path] | None,
    as_of: str | None,
    default_date: str,
    repo: Path,
    select: Callable[[CaseSpec], bool] | None = None,
) -> dict[str, Any]:
    specs = merged_cases(discover_cases(old, cases, repo), discover_cases(new, cases, repo))
    if select is not None:
        specs = [s for s in specs if select(s)]
    result: dict[str, Any] = {
        "cases_run": 0,
        "cases_found": len(specs),
        "skipped": None,
        "not_answered": [],
        "changes": [],
    }
    if policy_fingerprint(old.policy) == policy_fingerprint(new.policy):
        result["skipped"] = {
            "zh": "规则、参数、词汇和版本数据都没有改动，答案不可能改变，未运行案例。",
            "en": "rules, parameters, vocabulary and edition data are identical: "
            "no answer can change, "
            "so the cases were not run.",
        }
        return result
    for spec in specs:
        day = as_of or spec.as_of or default_date
        run_old, run_new = run_case(old.policy, spec, day), run_case(new.policy, spec, day)
        result["cases_run"] += 1
        about = {
            "key": spec.key,
            "source": spec.source,
            "id": spec.case["case"]["id"],
            "title": spec.case["case"].get("title"),
            "as_of": day,
            "parameters": spec.parameters,
        }
        if run_old["status"] != "answered" and run_new["status"] != "answered":
            result["not_answered"].append({**about, "old": run_old, "new": run_new})
        changes = compare_runs(spec, run_old, run_new, new.policy.labels)
        if changes:
            result["changes"].append({**about, "changes": changes})
    return result
