"""generators.cases.from_facts: the case file written for a set of facts has exactly those facts.

The property is checked on the facts of random valid case files (so every fact set tried is one a
case file can produce), and the refusals on fact sets no case file can produce.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.case.facts import case_facts
from engine.case.load import load_case
from engine.policy.load import load_policy
from generators.cases.from_facts import (
    CASE_PREDICATES,
    CONDUCT,
    CULPABILITY,
    EMPLOYMENT,
    GROUNDS,
    HARM,
    NOT_FROM_CASE,
    PARENT_KINDS,
    TIES,
    VOTES,
    case_from_facts,
)

PEOPLE = ["p1", "p2", "p3", "p4"]
ACTS = ["a1", "a2"]
POSTS = ["post1", "post2"]
DATES = ["2024-01-08", "2024-02-05", "2024-03-04"]
POINTS = [
    "art_7__point_1",
    "art_7__point_3",
    "art_7__point_17",
    "art_8__point_8",
    "art_8__point_11",
]


def _subset(items):
    return st.lists(st.sampled_from(items), unique=True, max_size=len(items)).map(sorted)


@st.composite
def acts(draw, people: list[str], posts: list[dict]) -> list[dict]:
    out = []
    for a in draw(_subset(ACTS)):
        act: dict = {"id": a, "description": f"act {a}"}
        for role in ("handler", "reviewer", "approver"):
            if draw(st.booleans()):
                act[role] = draw(st.sampled_from(people))
        if draw(st.booleans()):
            act["correct_opinions"] = draw(_subset(people))
        pairs = st.tuples(st.sampled_from(people), st.sampled_from(people))
        changes = draw(st.lists(pairs, unique=True, max_size=2))
        if changes:
            act["opinion_changes"] = [{"by": b, "changed": c} for b, c in changes]
        forms = draw(
            st.lists(
                st.tuples(st.sampled_from(people), st.sampled_from(CULPABILITY)),
                unique=True,
                max_size=2,
            )
        )
        if forms:
            act["culpability"] = [{"person": p, "form": f} for p, f in forms]
        errors = draw(st.lists(pairs, unique=True, max_size=2))
        if errors:
            act["caused_errors"] = [{"by": b, "of": o} for b, o in errors]
        points = draw(_subset(POINTS))
        if points:
            act["points"] = [
                {"point": e} | ({"finding": "confirmed"} if draw(st.booleans()) else {})
                for e in points
            ]
        if draw(st.booleans()):
            act["date"] = draw(st.sampled_from(DATES))
        if draw(st.booleans()):
            inspection = {}
            for key in ("inspectors", "team_members"):
                if draw(st.booleans()):
                    inspection[key] = draw(st.integers(0, 5))
            if draw(st.booleans()):
                inspection["certificate_shown"] = draw(st.booleans())
            officers = draw(_subset(people))
            if officers:
                inspection["officers"] = officers
            act["inspection"] = inspection
        internal = {}
        for key in ("submitted_on", "submit_due", "sent_on", "send_due"):
            if draw(st.booleans()):
                internal[key] = draw(st.sampled_from(DATES))
        if draw(st.booleans()):
            internal["justified_delay"] = draw(st.booleans())
        if draw(st.booleans()):
            internal["outgoing_document"] = True
            if draw(st.booleans()):
                internal["signed_off_by_leader"] = draw(st.booleans())
        if internal:
            act["internal_affairs"] = internal
        harm = draw(_subset(list(HARM)))
        if harm:
            act["harm"] = harm
        duties = [d for p in posts for d in p["duties"]]
        if duties and draw(st.booleans()):
            act["inaction"] = {"duty": draw(st.sampled_from(duties))}
        instructions = draw(st.lists(pairs, unique=True, max_size=2))
        if instructions:
            unlawful = {leader: draw(st.booleans()) for leader, _ in instructions}
            act["instructions"] = [
                {
                    "leader": leader,
                    "subordinate": s,
                    "objected": draw(st.booleans()),
                    "manifestly_unlawful": unlawful[leader],
                }
                | ({"led_to_fault": draw(st.booleans())} if draw(st.booleans()) else {})
                for leader, s in instructions
            ]
        if draw(st.booleans()):
            voters = draw(st.lists(st.sampled_from(people), unique=True, min_size=1, max_size=3))
            decision = {"id": f"d_{a}", "decision_maker": draw(st.sampled_from(people))}
            if draw(st.booleans()):
                decision["presiding_leader"] = draw(st.sampled_from(people))
            decision["votes"] = [
                {"person": p, "vote": draw(st.sampled_from(VOTES))} for p in voters
            ]
            act["collective_decision"] = decision
        out.append(act)
    return out


@st.composite
def cases(draw) -> dict:
    people_ids = draw(st.lists(st.sampled_from(PEOPLE), unique=True, min_size=1).map(sorted))
    posts = [
        {"id": p, "name": p, "duties": draw(_subset([f"{p}_duty_a", f"{p}_duty_b"]))}
        for p in draw(_subset(POSTS))
    ]
    people = []
    for pid in people_ids:
        person: dict = {"id": pid, "name": pid}
        post_ids = [p["id"] for p in posts]
        held = draw(_subset(post_ids)) if post_ids else []
        if held and draw(st.booleans()):
            person["post"] = held.pop()
            if draw(st.booleans()):
                person["post_since"] = draw(st.sampled_from(DATES))
        if held:
            person["former_posts"] = [
                {"post": post, "to": DATES[-1]}
                | ({"from": DATES[0]} if draw(st.booleans()) else {})
                for post in held
            ]
        if draw(st.booleans()):
            person["staff"] = draw(st.booleans())
        if draw(st.booleans()):
            person["employment"] = (
                "external" if person.get("staff") is False else draw(st.sampled_from(EMPLOYMENT))
            )
        if draw(st.booleans()):
            person["leader"] = draw(st.booleans())
        if draw(st.booleans()):
            person["enforcement_officer"] = draw(st.booleans())
        people.append(person)
    case: dict = {"case": {"id": "random", "title": "random"}, "people": people}
    if posts:
        case["posts"] = posts
    case_acts = draw(acts(people_ids, posts))
    if case_acts:
        case["acts"] = case_acts
        act_ids = [a["id"] for a in case_acts]
        circumstances = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(act_ids), st.sampled_from(people_ids), st.sampled_from(GROUNDS)
                ),
                unique=True,
                max_size=2,
            )
        )
        if circumstances:
            case["circumstances"] = [
                {"act": a, "person": p, "ground": g} for a, p, g in circumstances
            ]
    faults = draw(
        st.lists(
            st.tuples(st.sampled_from(people_ids), st.sampled_from(POINTS), st.sampled_from(DATES)),
            unique=True,
            max_size=2,
        )
    )
    if faults:
        case["earlier_faults"] = [
            {"person": p, "point": e, "date": d}
            | ({"established": draw(st.booleans())} if draw(st.booleans()) else {})
            | ({"id": f"earlier_{n}"} if draw(st.booleans()) else {})
            for n, (p, e, d) in enumerate(faults)
        ]
    conduct = draw(
        st.lists(
            st.tuples(st.sampled_from(people_ids), st.sampled_from(CONDUCT), st.booleans()),
            unique_by=lambda t: t[:2],
            max_size=2,
        )
    )
    if conduct:
        act_ids = [a["id"] for a in case.get("acts", [])]
        case["commendable_conduct"] = [
            {"person": p, "conduct": c, "outstanding": o}
            | ({"act": draw(st.sampled_from(act_ids))} if act_ids and draw(st.booleans()) else {})
            for p, c, o in conduct
        ]
    investigation = {}
    for key in ("investigated", "proposed_members", "investigator_wrong_case"):
        chosen = draw(_subset(people_ids))
        if chosen:
            investigation[key] = chosen
    findings = draw(
        st.lists(st.tuples(st.sampled_from(people_ids), st.booleans()), unique=True, max_size=2)
    )
    if findings:
        investigation["interest_findings"] = [
            {"member": m, "may_affect_impartiality": v} for m, v in findings
        ]
    if investigation:
        case["investigation"] = investigation
    relations = {}
    # parents only from a later person to an earlier one in the list: never a cycle
    ordered = [(people_ids[i], people_ids[j]) for i in range(len(people_ids)) for j in range(i)]
    parents = draw(_subset(ordered)) if ordered else []
    if parents:
        relations["parents"] = [
            {"child": c, "parent": p}
            | ({"kind": draw(st.sampled_from(PARENT_KINDS))} if draw(st.booleans()) else {})
            for c, p in parents
        ]
    distinct = [(a, b) for a in people_ids for b in people_ids if a != b]
    for key in ("spouses", "support"):
        pairs = draw(_subset(distinct)) if distinct else []
        if pairs:
            relations[key] = [list(pair) for pair in pairs[:2]]
    ties = draw(
        st.lists(
            st.tuples(
                st.sampled_from(people_ids), st.sampled_from(people_ids), st.sampled_from(TIES)
            ),
            unique=True,
            max_size=2,
        )
    )
    if ties:
        relations["ties"] = [{"person": p, "other": o, "kind": k} for p, o, k in ties]
    if relations:
        case["relations"] = relations
    procedure = {}
    heard = draw(_subset(people_ids))
    if heard:
        procedure["statements_heard"] = heard
    if draw(st.booleans()):
        procedure["investigation_closed_on"] = draw(st.sampled_from(DATES))
    if draw(st.booleans()):
        procedure["findings_report"] = {
            "statements_of": draw(_subset(people_ids)),
            "handling_proposal": draw(st.booleans()),
        }
    if procedure:
        case["procedure"] = procedure
    return case


def _plain(facts) -> dict[str, set]:
    return {p: set(rows) for p, rows in facts.items() if rows}


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_the_case_written_for_the_facts_of_any_valid_case_has_exactly_those_facts(case):
    load_case(case)  # the random case is itself valid: its facts are representable
    facts = _plain(case_facts(case))
    written = case_from_facts(facts, case_id="round-trip", title="round trip")
    load_case(json.loads(json.dumps(written)))
    assert _plain(case_facts(written)) == facts


def test_people_get_readable_names_and_only_non_staff_are_marked():
    facts = {"staff": {("p1",)}, "investigated": {("p2",)}, "proposed_member": {("x_9",)}}
    case = case_from_facts(facts, case_id="names", title="names")
    assert case["people"] == [
        {"id": "p1", "name": "张伟"},
        {"id": "p2", "name": "王芳", "staff": False},
        {"id": "x_9", "name": "人员x_9", "staff": False},
    ]


def test_facts_naming_nobody_still_give_a_case_with_one_person_who_adds_no_fact():
    facts = {"investigation_closed": {("2024-03-04",)}}
    case = case_from_facts(facts, case_id="nobody", title="nobody")
    load_case(case)
    assert len(case["people"]) == 1
    assert _plain(case_facts(case)) == facts


@pytest.mark.parametrize(
    ("facts", "says"),
    [
        (
            {"act": {("a1",)}, "role": {("a1", "p1", "handler"), ("a1", "p2", "handler")}},
            "one person per role",
        ),
        ({"act": {("a1",)}, "certificate": {("a1", "shown")}}, "needs inspection(a1)"),
        ({"act": {("a1",)}, "inaction": {("a1",)}}, "duty must belong to a post"),
        ({"act": {("a1",)}, "point_confirmed": {("a1", "art_7__point_17")}}, "needs point_alleged"),
        ({"role": {("a1", "p1", "handler")}}, "act(a1) is not a fact"),
        ({"vote": {("d1", "p1", "for")}}, "no collective_decision"),
        ({"act": {("a1",)}, "collective_decision": {("a1", "d1")}}, "needs a decision_maker"),
        ({"parent": {("p1", "p2"), ("p2", "p1")}}, "cycle"),
        ({"spouse": {("p1", "p1")}}, "their own spouse"),
        ({"due": {("appeal", "p1", "2024-03-04")}}, "not stated by a case file"),
        ({"param": {("fault_notion", "single_notion")}}, "not stated by a case file"),
        ({"responsible": {("a1", "p1", "graded")}}, "unknown input predicate"),
        ({"staff": {("P1",)}}, "is not an id"),
        ({"act": {("a1",)}, "harm": {("a1", "ruin")}}, "is not one of"),
        (
            {"earlier_fault": {("ef1", "p1", "art_9__point_1", "2024-03-04")}},
            "point of Art. 7 or 8",
        ),
        ({"investigation_closed": {("2024-02-30",)}}, "is not a date"),
        ({"act": {("a1",)}, "inspection": {("a1",)}, "inspectors": {("a1", "2")}}, "whole number"),
    ],
)
def test_a_fact_set_no_case_file_can_produce_is_refused_with_the_reason(facts, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        case_from_facts(facts, case_id="bad", title="bad")


def test_every_input_predicate_of_the_vocabulary_is_written_back_or_known_to_be_computed():
    policy = load_policy()
    inputs = {p["name"] for p in policy.vocabulary["predicates"] if p["kind"] == "input"}
    assert inputs == set(CASE_PREDICATES) | set(NOT_FROM_CASE)
