"""Liability, point by point (Arts. 7-14, 17, 18): for every eId the rules cite, one small case
where the point applies and one where it does not.

Cases are built as Python dicts from one minimal valid case (a handler, a reviewer and an approver
on one act), so each pair differs only in the fact that decides the point.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest
from case_builders import case_with_act

from engine.answer import answer_case
from engine.policy.load import load_policy

AS_OF = "2024-12-01"

PEOPLE = [
    {"id": "han", "name": "韩梅", "post": "officer"},
    {"id": "shen", "name": "沈涛", "post": "chief"},
    {"id": "pang", "name": "庞军", "post": "deputy", "leader": True},
    {"id": "lei", "name": "雷鸣", "post": "deputy", "leader": True},
    {"id": "ouyang", "name": "欧阳青", "post": "clerk"},
]
POSTS = [
    {"id": "officer", "name": "社会救助股工作人员", "duties": ["home_visits"]},
    {"id": "chief", "name": "社会救助股股长", "duties": ["review"]},
    {"id": "deputy", "name": "分管副局长", "duties": ["approve"]},
    {"id": "clerk", "name": "办公室文秘", "duties": ["mail"]},
]


@cache
def policy():
    return load_policy()


BASE_ACT = {
    "id": "a1",
    "description": {"zh": "批准一户低保", "en": "A subsistence allowance approved"},
    "handler": "han",
    "reviewer": "shen",
    "approver": "pang",
    "points": [{"point": "art_7__point_1"}],
}
HEADER = {"id": "liability-test", "title": {"zh": "责任测试", "en": "liability test"}}


def make_case(act: dict | None = None, acts: list[dict] | None = None, **top) -> dict:
    """One valid case; ``act`` overrides fields of the one standard act (None deletes a field)."""
    return case_with_act(HEADER, PEOPLE, POSTS, BASE_ACT, act, acts, **top)


def evaluate(case: dict, **params) -> dict:
    return answer_case(policy(), case, as_of=AS_OF, parameters=params).to_dict()


# --- what "the point applies" means in an answer ----------------------------------------------


def fault_has(eid: str) -> Callable[[dict], bool]:
    return lambda d: any(eid in f["points"] and f["fault"] for f in d["faults"])


def fault_kind(kind: str) -> Callable[[dict], bool]:
    return lambda d: any(kind in f["kinds"] for f in d["faults"])


def aggravated_under(eid: str) -> Callable[[dict], bool]:
    return lambda d: any(a["point"] == eid for a in d["aggravation"])


def mitigation_ground(eid: str) -> Callable[[dict], bool]:
    return lambda d: any(g["point"] == eid for m in d["mitigation"] for g in m["grounds"])


def any_leniency_available(d: dict) -> bool:
    return any(m["available"] for m in d["mitigation"])


def any_aggravation(d: dict) -> bool:
    return bool(d["aggravation"])


def has_degree(degree: str) -> Callable[[dict], bool]:
    return lambda d: any(
        x["degree"] == degree
        for v in d["verdicts"]
        if v["verdict"] == "responsible"
        for x in v["degrees"]
    )


def displaces_by(eid: str) -> Callable[[dict], bool]:
    return lambda d: any(
        r["kind"] == "displaced" and r["by"] == eid
        for v in d["verdicts"]
        for r in v.get("why_not", [])
    )


def sanction_form(eid: str) -> Callable[[dict], bool]:
    return lambda d: any(eid in s["forms"] for s in d["sanctions"])


def referral_to(kind: str) -> Callable[[dict], bool]:
    return lambda d: any(r["to"] == kind for r in d["referrals"])


def investigator_liable(d: dict) -> bool:
    return bool(d["investigators"])


def procedural_defect(d: dict) -> bool:
    return any(p["point"] == "art_18__para_1" for p in d["procedural_defects"])


def commended(d: dict) -> bool:
    return bool(d["commendations"])


def responsible(person: str) -> Callable[[dict], bool]:
    return lambda d: any(
        v["person"] == person and v["verdict"] == "responsible" for v in d["verdicts"]
    )


# --- the pairs -------------------------------------------------------------------------------


def alleged(eid: str, finding: str | None = None) -> dict:
    point = {"point": eid}
    if finding:
        point["finding"] = finding
    return {"points": [point]}


def circumstance(person: str, ground: str, act: str = "a1") -> list[dict]:
    return [{"act": act, "person": person, "ground": ground}]


def other_point(eid: str) -> str:
    return "art_7__point_1" if eid != "art_7__point_1" else "art_7__point_7"


# eId → (case where it applies, case where it does not, test on the answer)
PAIRS: dict[str, tuple[dict, dict, Callable[[dict], bool]]] = {}

# Art. 7: items taken from the record (1, 4-16)
for n in [1, *range(4, 17)]:
    eid = f"art_7__point_{n}"
    PAIRS[eid] = (make_case(alleged(eid)), make_case(alleged(other_point(eid))), fault_has(eid))
# 7(2): computed from the inspection record, even unalleged; a contradicted allegation fails
PAIRS["art_7__point_2"] = (
    make_case({"inspection": {"inspectors": 2, "certificate_shown": False}, "points": []}),
    make_case(
        {"inspection": {"inspectors": 2, "certificate_shown": True}, **alleged("art_7__point_2")}
    ),
    fault_has("art_7__point_2"),
)
# 7(3): computed from the head count, even unalleged; an allegation the head count contradicts fails
PAIRS["art_7__point_3"] = (
    make_case({"inspection": {"inspectors": 1, "certificate_shown": True}, "points": []}),
    make_case(
        {"inspection": {"inspectors": 2, "certificate_shown": True}, **alleged("art_7__point_3")}
    ),
    fault_has("art_7__point_3"),
)
PAIRS["art_7__point_17"] = (
    make_case(alleged("art_7__point_17", "confirmed")),
    make_case(alleged("art_7__point_17", "alleged")),
    fault_has("art_7__point_17"),
)
PAIRS["art_7__intro"] = (
    make_case(alleged("art_7__point_7")),
    make_case(alleged("art_8__point_2")),
    fault_kind("enforcement"),
)

# Art. 8: items taken from the record (2-7, 10)
for n in [2, 3, 4, 5, 6, 7, 10]:
    eid = f"art_8__point_{n}"
    other = "art_8__point_2" if n != 2 else "art_8__point_3"
    PAIRS[eid] = (make_case(alleged(eid)), make_case(alleged(other)), fault_has(eid))
PAIRS["art_8__point_1"] = (
    make_case(
        {
            "points": [],
            "internal_affairs": {
                "submitted_on": "2024-05-10",
                "submit_due": "2024-05-08",
                "justified_delay": False,
            },
        }
    ),
    make_case(
        {
            "points": [],
            "internal_affairs": {
                "submitted_on": "2024-05-08",
                "submit_due": "2024-05-08",
                "justified_delay": False,
            },
        }
    ),
    fault_has("art_8__point_1"),
)
PAIRS["art_8__point_8"] = (
    make_case(
        {
            "points": [],
            "internal_affairs": {"outgoing_document": True, "signed_off_by_leader": False},
        }
    ),
    make_case(
        {
            "points": [],
            "internal_affairs": {"outgoing_document": True, "signed_off_by_leader": True},
        }
    ),
    fault_has("art_8__point_8"),
)
PAIRS["art_8__point_9"] = (
    make_case(
        {"points": [], "internal_affairs": {"sent_on": "2024-06-04", "send_due": "2024-06-03"}}
    ),
    make_case(
        {"points": [], "internal_affairs": {"sent_on": "2024-06-03", "send_due": "2024-06-03"}}
    ),
    fault_has("art_8__point_9"),
)
PAIRS["art_8__point_11"] = (
    make_case(alleged("art_8__point_11", "confirmed")),
    make_case(alleged("art_8__point_11", "alleged")),
    fault_has("art_8__point_11"),
)
PAIRS["art_8__intro"] = (
    make_case(alleged("art_8__point_3")),
    make_case(
        alleged("art_7__point_3")
    ),  # alleged, but with no head count recorded it is an Art. 7 item
    fault_kind("internal"),
)

# Art. 9: only responsible people are aggravated
OVERTURNED = {"correct_opinions": ["han"], "opinion_changes": [{"by": "shen", "changed": "han"}]}
PAIRS["art_9__intro"] = (
    make_case(circumstances=circumstance("han", "obstructed_investigation")),
    make_case(),
    any_aggravation,
)
PAIRS["art_9__point_1"] = (
    make_case(circumstances=circumstance("han", "refused_to_correct")),
    make_case(
        OVERTURNED, circumstances=circumstance("han", "refused_to_correct")
    ),  # han is displaced
    aggravated_under("art_9__point_1"),
)
PAIRS["art_9__point_2"] = (
    make_case(circumstances=circumstance("shen", "retaliation")),
    make_case(circumstances=circumstance("ouyang", "retaliation")),  # not in the chain
    aggravated_under("art_9__point_2"),
)
PAIRS["art_9__point_3"] = (
    make_case(
        earlier_faults=[
            {"person": "han", "point": "art_7__point_1", "date": "2023-03-01", "established": True}
        ]
    ),
    make_case(
        earlier_faults=[
            {"person": "han", "point": "art_7__point_8", "date": "2023-03-01", "established": True}
        ]
    ),
    aggravated_under("art_9__point_3"),
)
PAIRS["art_9__point_4"] = (
    make_case(circumstances=circumstance("pang", "bribery")),
    make_case({"points": []}, circumstances=circumstance("pang", "bribery")),  # no fault at all
    aggravated_under("art_9__point_4"),
)
PAIRS["art_9__point_5"] = (
    make_case(circumstances=circumstance("han", "serious_harm")),
    make_case(circumstances=circumstance("han", "bad_influence_on_unit")),  # 总队 ≠ this bureau
    aggravated_under("art_9__point_5"),
)

# Art. 10, on an internal-affairs fault (the Art. 10 tail excludes Art. 7 faults)
INTERNAL = alleged("art_8__point_2")
PAIRS["art_10__intro"] = (
    make_case(INTERNAL, circumstances=circumstance("han", "admitted_and_corrected")),
    make_case(
        circumstances=circumstance("han", "admitted_and_corrected")
    ),  # Art. 7 fault: tail bites
    any_leniency_available,
)
PAIRS["art_10__point_1"] = (
    make_case(INTERNAL, circumstances=circumstance("han", "admitted_and_corrected")),
    make_case(INTERNAL),
    mitigation_ground("art_10__point_1"),
)
PAIRS["art_10__point_2"] = (
    make_case(INTERNAL, circumstances=circumstance("han", "minor")),
    make_case({**INTERNAL, "harm": ["bad_influence"]}, circumstances=circumstance("han", "minor")),
    mitigation_ground("art_10__point_2"),
)
PAIRS["art_10__point_3"] = (
    make_case(INTERNAL, circumstances=circumstance("han", "promptly_corrected_and_remedied")),
    make_case(
        {**INTERNAL, "harm": ["rights_damage"]},
        circumstances=circumstance("han", "promptly_corrected_and_remedied"),
    ),
    mitigation_ground("art_10__point_3"),
)

# Art. 11
PAIRS["art_11__intro"] = (make_case(), make_case(OVERTURNED), has_degree("graded"))
PAIRS["art_11__point_1"] = (
    make_case(
        {
            "culpability": [{"person": "han", "form": "intent"}],
            "caused_errors": [{"by": "han", "of": "shen"}],
        }
    ),
    make_case(
        {
            "culpability": [{"person": "han", "form": "negligence"}],
            "caused_errors": [{"by": "han", "of": "shen"}],
        }
    ),
    displaces_by("art_11__point_1"),
)
PAIRS["art_11__point_2"] = (
    make_case(
        {
            "culpability": [{"person": "shen", "form": "intent"}],
            "caused_errors": [{"by": "shen", "of": "pang"}],
        }
    ),
    make_case(
        {
            "culpability": [{"person": "shen", "form": "intent"}],
            "caused_errors": [{"by": "shen", "of": "han"}],
        }
    ),
    displaces_by("art_11__point_2"),
)
PAIRS["art_11__point_3"] = (
    make_case(OVERTURNED),
    make_case({"opinion_changes": [{"by": "shen", "changed": "han"}]}),  # the handler was not right
    displaces_by("art_11__point_3"),
)
PAIRS["art_11__point_4"] = (
    make_case(
        {
            "correct_opinions": ["han", "shen"],
            "opinion_changes": [
                {"by": "pang", "changed": "han"},
                {"by": "pang", "changed": "shen"},
            ],
        }
    ),
    # the reviewer's opinion was not correct: (4) needs both correct opinions overturned
    make_case({"correct_opinions": ["han"], "opinion_changes": [{"by": "pang", "changed": "han"}]}),
    displaces_by("art_11__point_4"),
)
PAIRS["art_11__point_5"] = (
    make_case(
        {
            "instructions": [
                {
                    "leader": "lei",
                    "subordinate": "han",
                    "objected": False,
                    "manifestly_unlawful": False,
                }
            ]
        }
    ),
    make_case(),
    has_degree("direct"),
)
COLLECTIVE = {
    "collective_decision": {
        "id": "meeting",
        "decision_maker": "lei",
        "votes": [{"person": "lei", "vote": "for"}, {"person": "pang", "vote": "for"}],
    }
}
PAIRS["art_11__point_6"] = (make_case(COLLECTIVE), make_case(), has_degree("primary"))

# Art. 12
INACTION = {
    "handler": None,
    "reviewer": None,
    "approver": None,
    "inaction": {"duty": "home_visits"},
}
PAIRS["art_12__para_1"] = (
    make_case({**INACTION, **alleged("art_7__point_4")}),
    make_case({**INACTION, "points": []}),  # inaction, but no listed fault
    has_degree("by_post"),
)

# Art. 13: the forms are available to a responsible person, and to nobody when there is no fault
for n in range(1, 6):
    PAIRS[f"art_13__point_{n}"] = (
        make_case(),
        make_case({"points": []}),
        sanction_form(f"art_13__point_{n}"),
    )
PAIRS["art_13__intro"] = (make_case(), make_case({"points": []}), lambda d: bool(d["sanctions"]))

# Art. 14: compensation is recovered only for intent or gross negligence
PAIRS["art_14__para_1"] = (
    make_case(
        {"culpability": [{"person": "pang", "form": "gross_negligence"}]},
        circumstances=circumstance("pang", "compensation_paid"),
    ),
    make_case(
        {"culpability": [{"person": "pang", "form": "negligence"}]},
        circumstances=circumstance("pang", "compensation_paid"),
    ),
    referral_to("compensation_recovery"),
)

# Art. 17
PAIRS["art_17__para_1"] = (
    make_case(investigation={"investigated": ["han"], "investigator_wrong_case": ["ouyang"]}),
    make_case(investigation={"investigated": ["han"]}),
    investigator_liable,
)

# Art. 18
HEARING = {"investigation_closed_on": "2024-11-01"}
PAIRS["art_18__para_1"] = (
    make_case(investigation={"investigated": ["han"]}, procedure=HEARING),
    # everyone found responsible (han, shen, pang) must be heard, not only the one investigated
    make_case(
        investigation={"investigated": ["han"]},
        procedure={**HEARING, "statements_heard": ["han", "shen", "pang"]},
    ),
    procedural_defect,
)
PAIRS["art_18__para_2"] = (
    make_case(circumstances=circumstance("han", "party_or_government_discipline")),
    make_case(OVERTURNED, circumstances=circumstance("han", "party_or_government_discipline")),
    referral_to("discipline"),
)

ARTICLES_HERE = {7, 8, 9, 10, 11, 12, 13, 14, 17, 18}


def test_every_element_of_arts_7_to_14_17_and_18_cited_by_a_rule_has_a_pair_of_cases():
    cited = {
        eid
        for rule in policy().rules
        for eid in rule["cites"]
        if int(eid.split("_")[1]) in ARTICLES_HERE and "__" in eid
    }
    assert cited, "no rule cites these articles"
    assert cited <= set(PAIRS), f"no applies/does-not-apply pair for {sorted(cited - set(PAIRS))}"


@pytest.mark.parametrize("eid", sorted(PAIRS))
def test_each_point_applies_in_its_case_and_not_in_the_contrasting_one(eid):
    applies, does_not, holds = PAIRS[eid]
    assert holds(evaluate(applies)), f"{eid} should apply"
    assert not holds(evaluate(does_not)), f"{eid} should not apply"


# --- principles across the points ------------------------------------------------------------


def test_a_catch_all_allegation_without_a_finding_is_left_open_rather_than_decided():
    data = evaluate(make_case(alleged("art_8__point_11", "alleged")))
    assert [p["kind"] for p in data["open_points"]] == ["catch_all"]
    assert data["open_points"][0]["cites"] == ["art_8__point_11"]
    assert data["sanctions"] == []


def test_a_person_outside_the_bureaus_staff_is_not_responsible_even_in_the_handling_chain():
    case = make_case()
    case["people"][0]["staff"] = False
    data = evaluate(case)
    assert not responsible("han")(data)
    assert responsible("shen")(data) and responsible("pang")(data)


def test_only_outstanding_conduct_by_a_member_of_staff_is_commended():
    conduct = [
        {"person": "ouyang", "conduct": "discovered", "outstanding": True},
        {"person": "lei", "conduct": "corrected", "outstanding": False},
    ]
    data = evaluate(make_case(commendable_conduct=conduct))
    assert [(c["person"], c["conduct"], c["cites"]) for c in data["commendations"]] == [
        ("ouyang", "discovered", ["art_3__para_1", "art_6__para_1"])
    ]


def test_criminal_conduct_of_a_responsible_person_is_referred_to_the_judicial_organs():
    data = evaluate(make_case(circumstances=circumstance("shen", "criminal_conduct")))
    assert [(r["person"], r["to"]) for r in data["referrals"]] == [("shen", "judicial")]
    assert "art_14__para_1" in data["referrals"][0]["cites"]


def test_compensation_without_a_recorded_form_of_fault_leaves_recovery_to_a_human_finding():
    data = evaluate(make_case(circumstances=circumstance("pang", "compensation_paid")))
    assert data["referrals"] == []
    assert sorted(p["about"]["person"] for p in data["open_points"] if p["kind"] == "recovery") == [
        "han",
        "pang",
        "shen",
    ]


def test_an_objector_is_cleared_only_for_a_lawful_order_and_the_leader_is_always_direct():
    def instructed(objected: bool, unlawful: bool) -> dict:
        return make_case(
            {
                "instructions": [
                    {
                        "leader": "lei",
                        "subordinate": "han",
                        "objected": objected,
                        "manifestly_unlawful": unlawful,
                    }
                ]
            }
        )

    cleared = evaluate(instructed(True, False))
    assert not responsible("han")(cleared)
    assert [
        r["kind"] for v in cleared["verdicts"] if v["person"] == "han" for r in v["why_not"]
    ] == ["cleared_subordinate"]
    for objected, unlawful in ((True, True), (False, False), (False, True)):
        data = evaluate(instructed(objected, unlawful))
        assert responsible("han")(data), (objected, unlawful)
        assert has_degree("direct")(data)


def test_a_decision_maker_is_primary_even_when_recorded_as_voting_against():
    votes = [{"person": "lei", "vote": "against"}, {"person": "pang", "vote": "for"}]
    data = evaluate(
        make_case({"collective_decision": {"id": "m", "decision_maker": "lei", "votes": votes}})
    )
    degrees = {v["person"]: [x["degree"] for x in v.get("degrees", [])] for v in data["verdicts"]}
    assert degrees["lei"] == ["primary"]
    # by default (art11_point6_chain_effect=chain_remains) the chain stays under the chapeau
    assert degrees["pang"] == ["graded", "secondary"]
    assert degrees["han"] == ["graded"] and degrees["shen"] == ["graded"]


def test_a_chain_member_who_voted_against_the_collective_decision_is_not_responsible_at_all():
    votes = [{"person": "lei", "vote": "for"}, {"person": "shen", "vote": "against"}]
    data = evaluate(
        make_case({"collective_decision": {"id": "m", "decision_maker": "lei", "votes": votes}})
    )
    (shen,) = [v for v in data["verdicts"] if v["person"] == "shen"]
    assert shen["verdict"] == "not_responsible"
    assert "cleared_by_vote" in [r["kind"] for r in shen["why_not"]]


def test_when_point_6_displaces_the_chapeau_a_chain_member_who_did_not_vote_is_not_responsible():
    votes = [{"person": "lei", "vote": "against"}, {"person": "pang", "vote": "for"}]
    data = evaluate(
        make_case({"collective_decision": {"id": "m", "decision_maker": "lei", "votes": votes}}),
        art11_point6_chain_effect="displace",
    )
    degrees = {v["person"]: [x["degree"] for x in v.get("degrees", [])] for v in data["verdicts"]}
    assert degrees["lei"] == ["primary"] and degrees["pang"] == ["secondary"]
    assert degrees["han"] == [] and degrees["shen"] == []


def test_two_holders_of_the_post_with_the_unperformed_duty_are_both_responsible_by_post():
    case = make_case({**INACTION, **alleged("art_7__point_4")})
    case["people"][4]["post"] = "officer"  # ouyang now holds the same post as han
    data = evaluate(case)
    by_post = {v["person"] for v in data["verdicts"] if has_degree("by_post")({"verdicts": [v]})}
    assert by_post == {"han", "ouyang"}


def test_under_the_any_involved_staff_reading_the_misleading_clerk_appears_among_the_verdicts():
    case = make_case(
        {
            "culpability": [{"person": "ouyang", "form": "intent"}],
            "caused_errors": [{"by": "ouyang", "of": "shen"}],
        }
    )
    data = evaluate(case, art11_handler_term="any_involved_staff")
    # the clerk is liable (Art. 13 forms are offered for him) ...
    assert [s["person"] for s in data["sanctions"]] == ["ouyang"]
    # ... so the Responsibility section must say so
    assert responsible("ouyang")(data)


def test_an_inspection_recorded_without_the_certificate_shown_is_a_fault_without_any_allegation():
    data = evaluate(
        make_case({"points": [], "inspection": {"inspectors": 2, "certificate_shown": False}})
    )
    assert [(f["act"], f["points"]) for f in data["faults"]] == [("a1", ["art_7__point_2"])]
    assert data["open_points"] == []
