"""Turn input facts back into a case file: the inverse of ``engine.case.facts.case_facts``.

Generated test cases are found as sets of facts (what a rule needs), but a fixture must be a case
file a person can read and the engine checks like any other. This module writes the plainest case
file whose facts are exactly the given ones, and refuses, with a ValueError saying why, a fact set
that no case file can produce (two handlers of one act, a certificate without an inspection, a
computed fact such as ``due``).

Round trip: ``case_facts(case_from_facts(F)) == F`` for every representable ``F`` (empty
relations aside).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from typing import Any

from engine.files.project import schema_dir

Facts = dict[str, set[tuple]]

ID = re.compile(r"^[a-z][a-z0-9_]*$")
ROLES = ("handler", "reviewer", "approver")


def _schema_enum(*path: str) -> tuple[str, ...]:
    """An enumeration of the case schema (read from it, so that the two never disagree)."""
    node: Any = json.loads((schema_dir() / "case.schema.json").read_text(encoding="utf-8"))
    for key in path:
        node = node[key]
    return tuple(node["enum"])


def _schema_node(*path: str) -> Any:
    node: Any = json.loads((schema_dir() / "case.schema.json").read_text(encoding="utf-8"))
    for key in path:
        node = node[key]
    return node


FAULT_POINT = re.compile(_schema_node("$defs", "fault_point")["pattern"])
_ACT = ("$defs", "act", "properties")
CULPABILITY = _schema_enum(*_ACT, "culpability", "items", "properties", "form")
EMPLOYMENT = _schema_enum("properties", "people", "items", "properties", "employment")
PARENT_KINDS = _schema_enum(
    "properties", "relations", "properties", "parents", "items", "properties", "kind"
)
YES_NO = ("yes", "no")
VOTES = _schema_enum(
    *_ACT, "collective_decision", "properties", "votes", "items", "properties", "vote"
)
HARM = _schema_enum(*_ACT, "harm", "items")
CONDUCT = _schema_enum("properties", "commendable_conduct", "items", "properties", "conduct")
TIES = _schema_enum("properties", "relations", "properties", "ties", "items", "properties", "kind")
GROUNDS = _schema_enum("$defs", "ground")
INTERNAL_DATES = ("submitted_on", "submit_due", "sent_on", "send_due")

# predicate → the kind of value at each position ("person", "act", "decision", "post", "date",
# "point", "int", or a tuple of allowed symbols)
CASE_PREDICATES: dict[str, tuple] = {
    "staff": ("person",),
    "enforcement_officer": ("person",),
    "leader_status": ("person", YES_NO),
    "employment": ("person", EMPLOYMENT),
    "holds_post": ("person", "post"),
    "tenure_from": ("person", "post", "date"),
    "tenure_to": ("person", "post", "date"),
    "act": ("act",),
    "act_date": ("act", "date"),
    "role": ("act", "person", ROLES),
    "opinion_correct": ("act", "person"),
    "changed_opinion": ("act", "person", "person"),
    "culpability": ("act", "person", CULPABILITY),
    "caused_error": ("act", "person", "person"),
    "point_alleged": ("act", "point"),
    "point_confirmed": ("act", "point"),
    "inspection": ("act",),
    "inspectors": ("act", "int"),
    "team_size": ("act", "int"),
    "certificate": ("act", ("shown", "not_shown")),
    "inspecting_officer": ("act", "person"),
    **{key: ("act", "date") for key in INTERNAL_DATES},
    "justification": ("act", YES_NO),
    "outgoing_document": ("act",),
    "sign_off": ("act", ("yes", "no")),
    "harm": ("act", HARM),
    "inaction": ("act",),
    "duty_of_post": ("act", "post"),
    "instruction": ("act", "person", "person"),
    "objected": ("act", "person", "person"),
    "manifestly_unlawful": ("act", "person"),
    "instruction_not_causal": ("act", "person", "person"),
    "collective_decision": ("act", "decision"),
    "decision_maker": ("decision", "person"),
    "presiding": ("decision", "person"),
    "vote": ("decision", "person", VOTES),
    "circumstance": ("act", "person", GROUNDS),
    "earlier_fault": ("occurrence", "person", "point", "date"),
    "earlier_fault_established": ("occurrence", YES_NO),
    "commendable_conduct": ("person", CONDUCT),
    "conduct_on_act": ("person", CONDUCT, "act"),
    "investigated": ("person",),
    "proposed_member": ("person",),
    "interest_finding": ("person", ("yes", "no")),
    "investigator_wrong_case": ("person",),
    "parent": ("person", "person"),
    "parent_link": ("person", "person", tuple(k for k in PARENT_KINDS if k != "birth")),
    "spouse": ("person", "person"),
    "supports": ("person", "person"),
    "tie": ("person", "person", TIES),
    "statement_heard": ("person",),
    "report_statement": ("person",),
    "report_proposal": (YES_NO,),
    "investigation_closed": ("date",),
}

# facts the engine computes or takes from the query, never from the case file's facts
NOT_FROM_CASE = {
    "today": "the evaluation date (as_of)",
    "repeat_window_start": "case.fault_date and parameter art9_point3_window_months",
    "due": "the procedure's start dates and the holiday calendar",
    "done": "the procedure's completion dates (only together with their start dates)",
    "param": "the interpretation parameters of the query",
    "param_int": "the interpretation parameters of the query",
    "param_member": "the interpretation parameters of the query",
}

# Chinese names for the ids p1, p2, … that generated cases use (any other id is named 人员<id>)
NAMES = (
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞",
    "徐明", "孙丽", "马超", "朱红", "胡斌", "郭瑞", "何平", "高峰", "林涛", "罗兰",
)  # fmt: skip


def person_name(pid: str) -> str:
    """A readable name for a person id: 张伟 for p1, 王芳 for p2, …, 人员<id> otherwise."""
    m = re.fullmatch(r"p([1-9][0-9]*)", pid)
    if m and int(m.group(1)) <= len(NAMES):
        return NAMES[int(m.group(1)) - 1]
    return f"人员{pid}"


def case_from_facts(
    facts: dict[str, set[tuple]],
    *,
    case_id: str,
    title: str | dict[str, str],
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The plainest case file whose ``case_facts`` are exactly ``facts``; ValueError if none exists.

    Every person constant becomes a person (staff unless no ``staff`` fact says so); a case file
    needs at least one person, so a fact set without any gets one non-staff placeholder, which adds
    no fact.
    """
    rows = _checked_rows(facts)
    _check_structure(rows)
    names = names or {}
    persons = sorted(_values_of(rows, "person"))
    people = []
    for pid in persons:
        person: dict[str, Any] = {"id": pid, "name": names.get(pid, person_name(pid))}
        person.update(_posts_held(pid, rows))
        if (pid,) not in rows["staff"]:
            person["staff"] = False
        for p, kind in rows["employment"]:
            if p == pid:
                person["employment"] = kind
        for p, flag in rows["leader_status"]:
            if p == pid:
                person["leader"] = flag == "yes"
        if (pid,) in rows["enforcement_officer"]:
            person["enforcement_officer"] = True
        people.append(person)
    if not people:
        placeholder = "placeholder"
        people.append(
            {"id": placeholder, "name": names.get(placeholder, "占位人员"), "staff": False}
        )
    case: dict[str, Any] = {"case": {"id": case_id, "title": title}, "people": people}
    posts = _posts(rows)
    if posts:
        case["posts"] = posts
    acts = [_act(a, rows) for a in sorted(_values_of(rows, "act"))]
    if acts:
        case["acts"] = acts
    _add_list(
        case,
        "circumstances",
        [{"act": a, "person": p, "ground": g} for a, p, g in sorted(rows["circumstance"])],
    )
    established = dict(rows["earlier_fault_established"])
    _add_list(
        case,
        "earlier_faults",
        [
            {"id": f, "person": p, "point": e, "date": d}
            | ({"established": established[f] == "yes"} if f in established else {})
            for f, p, e, d in sorted(rows["earlier_fault"])
        ],
    )
    on_act = sorted(rows["conduct_on_act"])
    _add_list(
        case,
        "commendable_conduct",
        [
            {
                "person": p,
                "conduct": c,
                "act": a,
                "outstanding": (p, c) in rows["commendable_conduct"],
            }
            for p, c, a in on_act
        ]
        + [
            {"person": p, "conduct": c, "outstanding": True}
            for p, c in sorted(rows["commendable_conduct"])
            if not any(row[:2] == (p, c) for row in on_act)
        ],
    )
    investigation: dict[str, Any] = {}
    for key, predicate in (
        ("investigated", "investigated"),
        ("proposed_members", "proposed_member"),
    ):
        if rows[predicate]:
            investigation[key] = sorted(p for (p,) in rows[predicate])
    if rows["interest_finding"]:
        investigation["interest_findings"] = [
            {"member": m, "may_affect_impartiality": v == "yes"}
            for m, v in sorted(rows["interest_finding"])
        ]
    if rows["investigator_wrong_case"]:
        investigation["investigator_wrong_case"] = sorted(
            p for (p,) in rows["investigator_wrong_case"]
        )
    if investigation:
        case["investigation"] = investigation
    relations: dict[str, Any] = {}
    if rows["parent"] or rows["parent_link"]:
        relations["parents"] = [{"child": c, "parent": p} for c, p in sorted(rows["parent"])] + [
            {"child": c, "parent": p, "kind": k} for c, p, k in sorted(rows["parent_link"])
        ]
    if rows["spouse"]:
        relations["spouses"] = [[a, b] for a, b in sorted(rows["spouse"])]
    if rows["supports"]:
        relations["support"] = [[a, b] for a, b in sorted(rows["supports"])]
    if rows["tie"]:
        relations["ties"] = [
            {"person": p, "other": o, "kind": k} for p, o, k in sorted(rows["tie"])
        ]
    if relations:
        case["relations"] = relations
    procedure: dict[str, Any] = {}
    if rows["statement_heard"]:
        procedure["statements_heard"] = sorted(p for (p,) in rows["statement_heard"])
    if rows["report_proposal"]:
        ((proposal,),) = rows["report_proposal"]
        procedure["findings_report"] = {
            "statements_of": sorted(p for (p,) in rows["report_statement"]),
            "handling_proposal": proposal == "yes",
        }
    if rows["investigation_closed"]:
        procedure["investigation_closed_on"] = next(iter(rows["investigation_closed"]))[0]
    if procedure:
        case["procedure"] = procedure
    return case


def _posts_held(pid: str, rows: dict[str, set[tuple]]) -> dict[str, Any]:
    """A person's posts: one held now (no end date) as post, the others as former_posts."""
    since = {post: d for p, post, d in rows["tenure_from"] if p == pid}
    until = {post: d for p, post, d in rows["tenure_to"] if p == pid}
    held = sorted(post for p, post in rows["holds_post"] if p == pid)
    current = [post for post in held if post not in until]
    out: dict[str, Any] = {}
    if current:
        out["post"] = current[0]
        if current[0] in since:
            out["post_since"] = since[current[0]]
    former = [
        {"post": post} | ({"from": since[post]} if post in since else {}) | {"to": until[post]}
        for post in held
        if post in until
    ]
    if former:
        out["former_posts"] = former
    return out


def _add_list(case: dict, key: str, items: list) -> None:
    if items:
        case[key] = items


def _checked_rows(facts: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
    """The facts, every value checked against what a case file can hold."""
    rows: dict[str, set[tuple]] = defaultdict(set)
    for predicate in sorted(facts):
        tuples = facts[predicate]
        if predicate in NOT_FROM_CASE:
            if tuples:
                raise ValueError(
                    f"{predicate} is not stated by a case file: "
                    f"it comes from {NOT_FROM_CASE[predicate]}"
                )
            continue
        kinds = CASE_PREDICATES.get(predicate)
        if kinds is None:
            raise ValueError(
                f"unknown input predicate {predicate!r}: no case file field produces it"
            )
        for row in tuples:
            row = tuple(row)
            if len(row) != len(kinds):
                raise ValueError(
                    f"{predicate}{row!r}: takes {len(kinds)} argument(s), got {len(row)}"
                )
            for value, kind in zip(row, kinds, strict=True):
                why = _bad_value(value, kind)
                if why:
                    raise ValueError(f"{predicate}{row!r}: {why}")
            rows[predicate].add(row)
    return rows


def _bad_value(value: Any, kind: str | tuple) -> str | None:
    if isinstance(kind, tuple):
        return None if value in kind else f"{value!r} is not one of {', '.join(kind)}"
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1000
        return None if ok else f"{value!r} is not a whole number from 0 to 1000"
    if not isinstance(value, str):
        return f"{value!r} is not a string"
    if kind == "date":
        try:
            ok = date.fromisoformat(value).isoformat() == value
        except ValueError:
            ok = False
        return None if ok else f"{value!r} is not a date YYYY-MM-DD"
    if kind == "occurrence":
        ok = isinstance(value, str) and ID.match(value) is not None
        return None if ok else f"{value!r} is not an id (lower-case letters, digits, _)"
    if kind == "point":
        return (
            None
            if FAULT_POINT.match(value)
            else f"{value!r} is not the eId of a point of Art. 7 or 8"
        )
    return None if ID.match(value) else f"{value!r} is not an id (lower-case letters, digits, _)"


def _one_per(rows: set[tuple], key: tuple[int, ...], what: str) -> None:
    seen: dict[tuple, tuple] = {}
    for row in sorted(rows):
        k = tuple(row[i] for i in key)
        if k in seen:
            raise ValueError(f"{what}: both {seen[k]!r} and {row!r}, but a case file holds one")
        seen[k] = row


def need(predicate: str, row: tuple, required: str, present: bool) -> None:
    if not present:
        raise ValueError(f"{predicate}{row!r} needs {required}")


def _check_structure(rows: dict[str, set[tuple]]) -> None:
    """Everything a case file's shape forces on its facts (see case_facts and case_input)."""
    acts = {a for (a,) in rows["act"]}
    for predicate, kinds in CASE_PREDICATES.items():
        for row in rows[predicate]:
            for value, kind in zip(row, kinds, strict=True):
                if kind == "act" and value not in acts:
                    raise ValueError(
                        f"{predicate}{row!r} names act {value} but act({value}) is not a fact"
                    )
    held = defaultdict(set)
    for p, post in rows["holds_post"]:
        held[p].add(post)
    for p, post, _ in rows["tenure_from"] | rows["tenure_to"]:
        need("tenure", (p, post), f"holds_post({p}, {post})", post in held[p])
    for p, posts in sorted(held.items()):
        ended = {post for pp, post, _ in rows["tenure_to"] if pp == p}
        if len(posts - ended) > 1:
            raise ValueError(
                f"{p} holds {len(posts - ended)} posts with no end date; a case file holds one"
            )
    _one_per(rows["tenure_from"], (0, 1), "one start date per tenure")
    _one_per(rows["tenure_to"], (0, 1), "one end date per tenure")
    _one_per(rows["employment"], (0,), "one employment per person")
    _one_per(rows["leader_status"], (0,), "one leader finding per person")
    _one_per(rows["act_date"], (0,), "one date per act")
    _one_per(rows["justification"], (0,), "one justification finding per act")
    _one_per(rows["earlier_fault"], (0,), "one earlier fault per id")
    _one_per(rows["earlier_fault_established"], (0,), "one finding per earlier fault")
    _one_per(rows["report_proposal"], (), "one findings report")
    for p, kind in rows["employment"]:
        if (p,) not in rows["staff"] and kind != "external":
            raise ValueError(
                f"employment({p}, {kind}) needs staff({p}): only external staff are not staff"
            )
    _one_per(rows["role"], (0, 2), "one person per role of an act")
    _one_per(rows["inspectors"], (0,), "one number of inspectors per act")
    _one_per(rows["team_size"], (0,), "one team size per act")
    _one_per(rows["presiding"], (0,), "one presiding leader per decision")
    _one_per(rows["certificate"], (0,), "one certificate finding per act")
    for key in INTERNAL_DATES:
        _one_per(rows[key], (0,), f"one {key} date per act")
    _one_per(rows["sign_off"], (0,), "one sign-off finding per act")
    _one_per(rows["collective_decision"], (0,), "one collective decision per act")
    _one_per(rows["decision_maker"], (0,), "one decision maker per decision")
    _one_per(rows["vote"], (0, 1), "one vote per participant")
    _one_per(rows["investigation_closed"], (), "one investigation closing date")

    inspections = {a for (a,) in rows["inspection"]}
    for predicate in ("inspectors", "team_size", "certificate", "inspecting_officer"):
        for row in rows[predicate]:
            need(predicate, row, f"inspection({row[0]})", row[0] in inspections)
    outgoing = {a for (a,) in rows["outgoing_document"]}
    for row in rows["sign_off"]:
        need("sign_off", row, f"outgoing_document({row[0]})", row[0] in outgoing)
    inaction = {a for (a,) in rows["inaction"]}
    with_duty = {a for a, _ in rows["duty_of_post"]}
    for row in rows["duty_of_post"]:
        need("duty_of_post", row, f"inaction({row[0]})", row[0] in inaction)
    for a in sorted(inaction - with_duty):
        raise ValueError(
            f"inaction({a!r}) needs some duty_of_post({a}, post): the duty must belong to a post"
        )
    for row in rows["point_confirmed"]:
        need("point_confirmed", row, f"point_alleged{row!r}", row in rows["point_alleged"])
    for a, s, leader in rows["objected"]:
        need(
            "objected",
            (a, s, leader),
            f"instruction({a}, {leader}, {s})",
            (a, leader, s) in rows["instruction"],
        )
    for a, leader, s in rows["instruction_not_causal"]:
        need(
            "instruction_not_causal",
            (a, leader, s),
            f"instruction({a}, {leader}, {s})",
            (a, leader, s) in rows["instruction"],
        )
    ids = {f for f, *_ in rows["earlier_fault"]}
    for row in rows["earlier_fault_established"]:
        need("earlier_fault_established", row, f"an earlier_fault({row[0]}, …)", row[0] in ids)
    for f in ids & {a for (a,) in rows["act"]}:
        raise ValueError(f"earlier fault id {f} is also an act")
    for row in rows["report_statement"]:
        need("report_statement", row, "report_proposal(yes or no)", bool(rows["report_proposal"]))
    for a, leader in rows["manifestly_unlawful"]:
        need(
            "manifestly_unlawful",
            (a, leader),
            f"an instruction({a}, {leader}, _)",
            any(i[0] == a and i[1] == leader for i in rows["instruction"]),
        )
    decisions = {d for _, d in rows["collective_decision"]}
    makers = {d for d, _ in rows["decision_maker"]}
    voted = {d for d, _, _ in rows["vote"]}
    presided = {d for d, _ in rows["presiding"]}
    for d in sorted(decisions):
        if d not in makers:
            raise ValueError(f"collective decision {d} needs a decision_maker({d}, person)")
        if d not in voted:
            raise ValueError(f"collective decision {d} needs at least one vote({d}, person, vote)")
    for d in sorted((makers | voted | presided) - decisions):
        raise ValueError(
            f"decision {d} has a decision maker, presiding leader or votes "
            f"but no collective_decision(act, {d})"
        )
    for predicate in ("parent", "spouse"):
        for a, b in rows[predicate]:
            if a == b:
                raise ValueError(
                    f"{predicate}({a!r}, {b!r}): a person cannot be their own {predicate}"
                )
    _check_acyclic(rows["parent"] | {(c, p) for c, p, _ in rows["parent_link"]})


def _check_acyclic(links: set[tuple]) -> None:
    parents: dict[str, set[str]] = defaultdict(set)
    for child, parent in links:
        parents[child].add(parent)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for p in sorted(parents.get(node, ())):
            if state.get(p) == 1:
                raise ValueError(f"parent links form a cycle: {' → '.join(path + [node, p])}")
            if p not in state:
                visit(p, path + [node])
        state[node] = 2

    for start in sorted(parents):
        if start not in state:
            visit(start, [])


def _values_of(rows: dict[str, set[tuple]], kind: str) -> set[str]:
    found = set()
    for predicate, kinds in CASE_PREDICATES.items():
        for row in rows[predicate]:
            found.update(v for v, k in zip(row, kinds, strict=True) if k == kind)
    return found


def _posts(rows: dict[str, set[tuple]]) -> list[dict[str, Any]]:
    """Posts held or owing an unperformed duty (each inaction act has its own duty <act>_duty)."""
    duties: dict[str, list[str]] = defaultdict(list)
    for a, post in sorted(rows["duty_of_post"]):
        duties[post].append(_duty_id(a))
    posts = sorted(_values_of(rows, "post"))
    return [{"id": post, "name": f"岗位{post}", "duties": duties.get(post, [])} for post in posts]


def _duty_id(act_id: str) -> str:
    return f"{act_id}_duty"


def _act(a: str, rows: dict[str, set[tuple]]) -> dict[str, Any]:
    act: dict[str, Any] = {
        "id": a,
        "description": {"zh": f"被倒查的行为{a}", "en": f"Act {a} under review"},
    }

    def of(predicate: str) -> list[tuple]:
        return sorted(row[1:] for row in rows[predicate] if row[0] == a)

    if of("act_date"):
        act["date"] = of("act_date")[0][0]
    for person, role in of("role"):
        act[role] = person
    act_roles = {r: act.pop(r) for r in ROLES if r in act}
    act.update(act_roles)  # handler, reviewer, approver in that order
    if of("opinion_correct"):
        act["correct_opinions"] = [p for (p,) in of("opinion_correct")]
    if of("changed_opinion"):
        act["opinion_changes"] = [{"by": b, "changed": c} for b, c in of("changed_opinion")]
    if of("culpability"):
        act["culpability"] = [{"person": p, "form": f} for p, f in of("culpability")]
    if of("caused_error"):
        act["caused_errors"] = [{"by": b, "of": o} for b, o in of("caused_error")]
    confirmed = {e for (e,) in of("point_confirmed")}
    if of("point_alleged"):
        act["points"] = [
            {"point": e, "finding": "confirmed"} if e in confirmed else {"point": e}
            for (e,) in sorted(of("point_alleged"), key=lambda r: _point_order(r[0]))
        ]
    if (a,) in rows["inspection"]:
        inspection: dict[str, Any] = {}
        if of("inspectors"):
            inspection["inspectors"] = of("inspectors")[0][0]
        if of("team_size"):
            inspection["team_members"] = of("team_size")[0][0]
        if of("certificate"):
            inspection["certificate_shown"] = of("certificate")[0][0] == "shown"
        if of("inspecting_officer"):
            inspection["officers"] = [p for (p,) in of("inspecting_officer")]
        act["inspection"] = inspection
    internal: dict[str, Any] = {}
    for key in INTERNAL_DATES:
        if of(key):
            internal[key] = of(key)[0][0]
    if (a,) in rows["outgoing_document"]:
        internal["outgoing_document"] = True
        if of("sign_off"):
            internal["signed_off_by_leader"] = of("sign_off")[0][0] == "yes"
    if of("justification"):
        internal["justified_delay"] = of("justification")[0][0] == "yes"
    if internal:
        act["internal_affairs"] = internal
    if of("harm"):
        act["harm"] = [h for h in HARM if (h,) in of("harm")]
    if (a,) in rows["inaction"]:
        act["inaction"] = {"duty": _duty_id(a)}
    if of("instruction"):
        objected = set(of("objected"))
        unlawful = {leader for (leader,) in of("manifestly_unlawful")}
        not_causal = set(of("instruction_not_causal"))
        act["instructions"] = [
            {
                "leader": leader,
                "subordinate": s,
                "objected": (s, leader) in objected,
                "manifestly_unlawful": leader in unlawful,
            }
            | ({"led_to_fault": False} if (leader, s) in not_causal else {})
            for leader, s in of("instruction")
        ]
    if of("collective_decision"):
        (d,) = of("collective_decision")[0]
        maker = next(p for dd, p in sorted(rows["decision_maker"]) if dd == d)
        record: dict[str, Any] = {"id": d, "decision_maker": maker}
        presiding = [p for dd, p in sorted(rows["presiding"]) if dd == d]
        if presiding:
            record["presiding_leader"] = presiding[0]
        record["votes"] = [{"person": p, "vote": v} for dd, p, v in sorted(rows["vote"]) if dd == d]
        act["collective_decision"] = record
    return act


def _point_order(eid: str) -> tuple[int, int]:
    """Point 2 before point 10 of an article (legal order, not string order)."""
    article, point = eid[len("art_") :].split("__point_")
    return int(article), int(point)
