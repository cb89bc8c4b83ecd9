"""Read and check one case file: untrusted input that must be refused whole, with every problem named.

The schema checks shapes; this module checks what a schema cannot: that every person referred to exists,
that nobody is their own ancestor, that procedure dates follow each other, that earlier faults are earlier.
Nothing is evaluated from a case with any problem.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from engine.case.facts import earlier_fault_ids
from engine.files.safe_yaml import (
    SourceDoc,
    document_from_data,
    load_body,
    load_yaml_file,
)
from engine.files.schemas import schema_problems
from engine.problems import Problem, ProblemsError, did_you_mean, excerpt


def load_case(source: str | Path | dict) -> SourceDoc:
    """A checked case from a path (YAML or JSON) or an already parsed mapping; ProblemsError otherwise.

    A mapping is held to the same limits as a file; the dates ``yaml.safe_load`` gives for unquoted
    dates are taken as dates."""
    if isinstance(source, dict):
        doc = document_from_data(source, "<case>")
    elif isinstance(source, str | Path) and str(source):
        doc = load_yaml_file(Path(source))
    else:
        raise ProblemsError.one(
            "<case>",
            "case",
            f"a value of type {type(source).__name__} ({excerpt(source)})",
            "a case file path (str or pathlib.Path) or a mapping",
            code="argument",
        )
    return checked_case(doc)


def load_case_body(
    raw: bytes, media_type: str = "application/json", name: str = "<request body>"
) -> SourceDoc:
    """A checked case from a request body (JSON, or YAML with its media type), read like a file:
    the same limits, the same located problems (lines and columns inside the body)."""
    return checked_case(load_body(raw, name, media_type))


def checked_case(doc: SourceDoc) -> SourceDoc:
    """``doc`` once it fits the case schema and the checks below; ProblemsError otherwise."""
    problems = schema_problems(doc, "case")
    if not problems:
        problems = case_problems(doc)
    if problems:
        raise ProblemsError(problems)
    return doc


def case_problems(doc: SourceDoc) -> list[Problem]:
    data = doc.data
    problems: list[Problem] = []
    people = [p["id"] for p in data["people"]]
    known = set(people)
    for pid, n in Counter(people).items():
        if n > 1:
            problems.append(
                doc.problem(
                    ("people",), f"person id {excerpt(pid)} used {n} times", "unique person ids"
                )
            )
    posts = {p["id"]: p for p in data.get("posts", [])}
    acts = [a["id"] for a in data.get("acts", [])]
    for aid, n in Counter(acts).items():
        if n > 1:
            problems.append(
                doc.problem(("acts",), f"act id {excerpt(aid)} used {n} times", "unique act ids")
            )

    def person(path: tuple, value: str) -> None:
        if value not in known:
            problems.append(
                doc.problem(
                    path,
                    f"unknown person {excerpt(value)}{did_you_mean(value, known)}",
                    "the id of someone listed under people",
                )
            )

    for i, p in enumerate(data["people"]):
        problems.extend(_posts_held(doc, i, p, posts))
        if p.get("staff") is False and p.get("employment", "external") != "external":
            problems.append(
                doc.problem(
                    ("people", i, "employment"),
                    f"staff is false but employment is {p['employment']}",
                    "employment external (or no employment) for someone who does not work for the bureau",
                )
            )
    for i, act in enumerate(data.get("acts", [])):
        base = ("acts", i)
        for role in ("handler", "reviewer", "approver"):
            if role in act:
                person(base + (role,), act[role])
        for j, pid in enumerate(act.get("correct_opinions", [])):
            person(base + ("correct_opinions", j), pid)
        for j, change in enumerate(act.get("opinion_changes", [])):
            person(base + ("opinion_changes", j, "by"), change["by"])
            person(base + ("opinion_changes", j, "changed"), change["changed"])
        for j, c in enumerate(act.get("culpability", [])):
            person(base + ("culpability", j, "person"), c["person"])
        for j, c in enumerate(act.get("caused_errors", [])):
            person(base + ("caused_errors", j, "by"), c["by"])
            person(base + ("caused_errors", j, "of"), c["of"])
        for j, pid in enumerate(act.get("inspection", {}).get("officers", [])):
            person(base + ("inspection", "officers", j), pid)
        for j, ins in enumerate(act.get("instructions", [])):
            person(base + ("instructions", j, "leader"), ins["leader"])
            person(base + ("instructions", j, "subordinate"), ins["subordinate"])
        decision = act.get("collective_decision")
        if decision:
            person(base + ("collective_decision", "decision_maker"), decision["decision_maker"])
            if "presiding_leader" in decision:
                person(
                    base + ("collective_decision", "presiding_leader"), decision["presiding_leader"]
                )
            voters = [v["person"] for v in decision["votes"]]
            for j, pid in enumerate(voters):
                person(base + ("collective_decision", "votes", j, "person"), pid)
            for pid, n in Counter(voters).items():
                if n > 1:
                    problems.append(
                        doc.problem(
                            base + ("collective_decision", "votes"),
                            f"{excerpt(pid)} votes {n} times",
                            "one vote per participant",
                        )
                    )
        internal = act.get("internal_affairs", {})
        if internal.get("signed_off_by_leader") and internal.get("outgoing_document") is False:
            problems.append(
                doc.problem(
                    base + ("internal_affairs",),
                    "signed off as an outgoing document but outgoing_document is false",
                    "consistent facts",
                )
            )
    known_acts = set(acts)
    for i, c in enumerate(data.get("circumstances", [])):
        person(("circumstances", i, "person"), c["person"])
        if c["act"] not in known_acts:
            problems.append(
                doc.problem(
                    ("circumstances", i, "act"),
                    f"unknown act {excerpt(c['act'])}{did_you_mean(c['act'], known_acts)}",
                    "the id of an act listed under acts",
                )
            )
    fault_date = data["case"].get("fault_date")
    ids = [fid for fid, _ in earlier_fault_ids(data)]
    for i, fid in enumerate(ids):
        if ids.count(fid) > 1 or fid in known_acts:
            problems.append(
                doc.problem(
                    ("earlier_faults", i),
                    f"earlier fault id {fid} is also used by "
                    + ("an act" if fid in known_acts else "another earlier fault"),
                    "an id of its own",
                )
            )
    for i, f in enumerate(data.get("earlier_faults", [])):
        person(("earlier_faults", i, "person"), f["person"])
        if fault_date and f["date"] >= fault_date:
            problems.append(
                doc.problem(
                    ("earlier_faults", i, "date"),
                    f"earlier fault dated {f['date']}, not before this fault ({fault_date})",
                    f"a date before {fault_date}",
                )
            )
    for i, c in enumerate(data.get("commendable_conduct", [])):
        person(("commendable_conduct", i, "person"), c["person"])
        if "act" in c and c["act"] not in known_acts:
            problems.append(
                doc.problem(
                    ("commendable_conduct", i, "act"),
                    f"unknown act {excerpt(c['act'])}{did_you_mean(c['act'], known_acts)}",
                    "the id of an act listed under acts",
                )
            )
    inv = data.get("investigation", {})
    for key in ("investigated", "proposed_members", "investigator_wrong_case"):
        for j, pid in enumerate(inv.get(key, [])):
            person(("investigation", key, j), pid)
    for j, f in enumerate(inv.get("interest_findings", [])):
        person(("investigation", "interest_findings", j, "member"), f["member"])
    rel = data.get("relations", {})
    for j, link in enumerate(rel.get("parents", [])):
        person(("relations", "parents", j, "child"), link["child"])
        person(("relations", "parents", j, "parent"), link["parent"])
        if link["child"] == link["parent"]:
            problems.append(
                doc.problem(
                    ("relations", "parents", j),
                    f"{excerpt(link['child'])} is their own parent",
                    "two different people",
                )
            )
    for j, pair in enumerate(rel.get("spouses", [])):
        for k, pid in enumerate(pair):
            person(("relations", "spouses", j, k), pid)
        if pair[0] == pair[1]:
            problems.append(
                doc.problem(
                    ("relations", "spouses", j),
                    f"{excerpt(pair[0])} is their own spouse",
                    "two different people",
                )
            )
    for j, pair in enumerate(rel.get("support", [])):
        for k, pid in enumerate(pair):
            person(("relations", "support", j, k), pid)
    for j, tie in enumerate(rel.get("ties", [])):
        person(("relations", "ties", j, "person"), tie["person"])
        person(("relations", "ties", j, "other"), tie["other"])
    problems.extend(_ancestry_cycles(doc, rel.get("parents", [])))
    problems.extend(_procedure_order(doc, data.get("procedure", {})))
    for j, pid in enumerate(data.get("procedure", {}).get("statements_heard", [])):
        person(("procedure", "statements_heard", j), pid)
    report = data.get("procedure", {}).get("findings_report", {})
    for j, pid in enumerate(report.get("statements_of", [])):
        person(("procedure", "findings_report", "statements_of", j), pid)
    for j, d in enumerate(data.get("procedure", {}).get("decisions", [])):
        person(("procedure", "decisions", j, "person"), d["person"])
    return problems


def _posts_held(doc: SourceDoc, i: int, p: dict[str, Any], posts: dict) -> list[Problem]:
    """Posts must exist; a person holds each post once, over a tenure that runs forwards."""
    problems = []
    held = ([("post",)] if "post" in p else []) + [
        ("former_posts", j, "post") for j in range(len(p.get("former_posts", [])))
    ]
    seen: set[str] = set()
    for path in held:
        post = p["post"] if path == ("post",) else p["former_posts"][path[1]]["post"]
        if post not in posts:
            problems.append(
                doc.problem(
                    ("people", i, *path),
                    f"unknown post {excerpt(post)}{did_you_mean(post, posts)}",
                    "the id of a post listed under posts",
                )
            )
        if post in seen:
            problems.append(
                doc.problem(
                    ("people", i, *path),
                    f"{p['id']} holds post {excerpt(post)} twice",
                    "one tenure per post and person",
                )
            )
        seen.add(post)
    if "post_since" in p and "post" not in p:
        problems.append(
            doc.problem(("people", i, "post_since"), "post_since without a post", "a post")
        )
    for j, former in enumerate(p.get("former_posts", [])):
        if "from" in former and former["to"] < former["from"]:
            problems.append(
                doc.problem(
                    ("people", i, "former_posts", j, "to"),
                    f"tenure ends {former['to']} before it starts ({former['from']})",
                    f"a date on or after {former['from']}",
                )
            )
    return problems


def _ancestry_cycles(doc: SourceDoc, links: list[dict[str, Any]]) -> list[Problem]:
    """A person who is their own ancestor makes kinship meaningless (and Datalog recursion endless)."""
    parents: dict[str, list[tuple[int, str]]] = {}
    for j, link in enumerate(links):
        parents.setdefault(link["child"], []).append((j, link["parent"]))
    if not _has_cycle(parents):
        return []  # the usual case, found in one pass; the search below words each cycle
    problems, reported = [], set()
    for start in sorted(parents):
        stack = [(start, [start], None)]
        seen = set()
        while stack:
            node, trail, via = stack.pop()
            for j, parent in parents.get(node, []):
                if parent == start and start not in reported:
                    reported.update(trail)
                    problems.append(
                        doc.problem(
                            ("relations", "parents", j),
                            f"{start} is their own ancestor: {' → '.join(trail + [parent])}",
                            "parent links without a cycle",
                        )
                    )
                elif parent not in seen:
                    seen.add(parent)
                    stack.append((parent, trail + [parent], j))
    return problems


def _has_cycle(parents: dict[str, list[tuple[int, str]]]) -> bool:
    """Whether the parent links hold a cycle: what is left once every person without a parent
    on record, then every person whose parents are all removed, is removed (Kahn)."""
    waiting = {child: len(links) for child, links in parents.items()}
    children: dict[str, list[str]] = {}
    for child, links in parents.items():
        for _j, parent in links:
            children.setdefault(parent, []).append(child)
    ready = [person for person in children if person not in waiting]
    while ready:
        for child in children.get(ready.pop(), ()):
            waiting[child] -= 1
            if not waiting[child]:
                del waiting[child]
                ready.append(child)
    return bool(waiting)


PROCEDURE_ORDER = (
    "discovered_on",
    "initial_review_done_on",
    "filing_decision_on",
    "investigation_closed_on",
)


def _procedure_order(doc: SourceDoc, proc: dict[str, Any]) -> list[Problem]:
    """Arts. 15 and 18 describe a sequence; dates that run backwards are a recording error."""
    problems = []
    present = [(k, proc[k]) for k in PROCEDURE_ORDER if k in proc]
    for (k1, d1), (k2, d2) in zip(present, present[1:], strict=False):
        if d2 < d1:
            problems.append(
                doc.problem(
                    ("procedure", k2), f"{k2} {d2} is before {k1} {d1}", f"a date on or after {d1}"
                )
            )
    closed = proc.get("investigation_closed_on")
    for j, d in enumerate(proc.get("decisions", [])):
        if closed and d["delivered_on"] < closed:
            problems.append(
                doc.problem(
                    ("procedure", "decisions", j, "delivered_on"),
                    f"decision delivered {d['delivered_on']} before the investigation closed ({closed})",
                    f"a date on or after {closed}",
                )
            )
        if "appeal_lodged_on" in d and d["appeal_lodged_on"] < d["delivered_on"]:
            problems.append(
                doc.problem(
                    ("procedure", "decisions", j, "appeal_lodged_on"),
                    f"appeal lodged {d['appeal_lodged_on']} before the decision was delivered ({d['delivered_on']})",
                    f"a date on or after {d['delivered_on']}",
                )
            )
    return problems
