"""Provision by provision: the answers a legal officer relies on for who answers, how, and what is
left to a person (Arts. 2, 3, 6-12, 16-18), each worked out from the text under the default
readings of parameters.yaml.

Every case is built from one small act (handler 韩梅, reviewer 沈涛, approver 庞军); a test changes
only what decides its provision. The expectations are not copied from the engine: each comment says
which words of the text decide it.
"""

from __future__ import annotations

import json
import shutil
from functools import cache

import pytest
from case_builders import case_with_act
from paths import POLICY_DIR

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
    {"id": "officer", "name": "养老服务股执法人员", "duties": ["inspect_care_homes"]},
    {"id": "chief", "name": "养老服务股股长", "duties": ["review"]},
    {"id": "deputy", "name": "分管副局长", "duties": ["approve"]},
    {"id": "clerk", "name": "办公室文秘", "duties": ["mail"]},
]
BASE_ACT = {
    "id": "a1",
    "description": {"zh": "对某养老机构罚款", "en": "A fine on a care home"},
    "handler": "han",
    "reviewer": "shen",
    "approver": "pang",
    "points": [{"point": "art_7__point_1"}],
}
HEADER = {"id": "provisions", "title": {"zh": "条文测试", "en": "provisions"}}


@cache
def policy():
    return load_policy()


def make_case(act: dict | None = None, acts: list[dict] | None = None, **top) -> dict:
    return case_with_act(HEADER, PEOPLE, POSTS, BASE_ACT, act, acts, **top)


@cache
def _answer(case_json: str, params: tuple) -> str:
    data = answer_case(policy(), json.loads(case_json), as_of=AS_OF, parameters=dict(params))
    return json.dumps(data.to_dict(), ensure_ascii=False)


def evaluate(case: dict, **params) -> dict:
    return json.loads(_answer(json.dumps(case, sort_keys=True), tuple(sorted(params.items()))))


def degrees(data: dict, person: str, act: str = "a1") -> set[str]:
    return {
        d["degree"]
        for v in data["verdicts"]
        if v["act"] == act and v["person"] == person and v["verdict"] == "responsible"
        for d in v["degrees"]
    }


def why_not(data: dict, person: str, act: str = "a1") -> set[str]:
    (v,) = [v for v in data["verdicts"] if v["act"] == act and v["person"] == person]
    return {r["kind"] for r in v.get("why_not", [])}


def fault_points(data: dict, act: str = "a1") -> list[str]:
    return [e for f in data["faults"] if f["act"] == act and f["fault"] for e in f["points"]]


def open_points(data: dict, kind: str) -> list[dict]:
    return [p for p in data["open_points"] if p["kind"] == kind]


def about(data: dict, kind: str, key: str = "person") -> set[str]:
    return {p["about"][key] for p in open_points(data, kind)}


def aggravated(data: dict, person: str, act: str | None = None) -> set[str]:
    return {
        a["point"]
        for a in data["aggravation"]
        if a["person"] == person and (act is None or a["act"] == act)
    }


def available(data: dict, person: str) -> set[str]:
    return {f for m in data["mitigation"] if m["person"] == person for f in m["available"]}


def recusal(data: dict, member: str) -> tuple[str, set[tuple[str, str]]]:
    (r,) = [r for r in data["recusal"] if r["member"] == member]
    return r["status"], {(g["point"], g["relation"]) for g in r.get("grounds", [])}


def internal(**fields) -> dict:
    return {"points": [], "reviewer": None, "approver": None, "internal_affairs": fields}


def instruction(leader="lei", subordinate="han", objected=True, unlawful=False, **more) -> dict:
    return {
        "instructions": [
            {
                "leader": leader,
                "subordinate": subordinate,
                "objected": objected,
                "manifestly_unlawful": unlawful,
                **more,
            }
        ]
    }


def circumstances(*grounds: tuple[str, str]) -> list[dict]:
    return [{"act": "a1", "person": p, "ground": g} for p, g in grounds]


ALL_FORMS = {"lighter", "mitigated", "exempted"}

# --- Art. 2: 因故意或过失; 给他人合法权益造成损害、给本单位造成不良影响或给国家造成损失 -------------


def test_art_2_a_member_of_the_chain_with_neither_intent_nor_negligence_is_not_responsible():
    # "因故意或过失" is part of the definition of the fault; the record finds neither for the reviewer
    data = evaluate(make_case({"culpability": [{"person": "shen", "form": "none"}]}))
    assert degrees(data, "shen") == set()
    assert degrees(data, "han") == {"graded"} and degrees(data, "pang") == {"graded"}
    assert about(data, "personal_fault") == {"shen"}


def test_art_2_the_result_required_reading_says_the_result_must_be_found():
    data = evaluate(
        make_case({"points": [{"point": "art_8__point_10"}]}),
        art2_harm_requirement="art2_result_required",
    )
    assert fault_points(data) == []
    (point,) = open_points(data, "result")
    assert point["about"] == {"act": "a1", "point": "art_8__point_10"}


def test_art_2_an_item_whose_own_words_name_a_result_meets_the_result_required_reading():
    # 7(9) 给当事人造成损失: finding the item finds damage to another's rights
    data = evaluate(
        make_case({"points": [{"point": "art_7__point_9"}]}),
        art2_harm_requirement="art2_result_required",
    )
    assert fault_points(data) == ["art_7__point_9"]


# --- Art. 3: 所有工作人员 ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["off_establishment", "seconded", "agency", "public_welfare_post"])
def test_art_3_staff_outside_the_establishment_are_covered_and_flagged(kind):
    case = make_case()
    case["people"][0]["employment"] = kind
    data = evaluate(case)
    assert degrees(data, "han") == {"graded"}
    assert about(data, "staff_category") == {"han"}


def test_art_3_someone_who_does_not_work_for_the_bureau_is_not_covered():
    case = make_case()
    case["people"][0]["employment"] = "external"
    data = evaluate(case)
    assert degrees(data, "han") == set() and why_not(data, "han") == {"rule_not_met"}
    assert open_points(data, "staff_category") == []


# --- Art. 6 against Art. 10(1): a person's own fault ------------------------------------------


def test_art_6_correcting_ones_own_fault_is_not_commended_but_flagged():
    conduct = [
        {"person": "han", "conduct": "corrected", "act": "a1", "outstanding": True},
        {"person": "ouyang", "conduct": "discovered", "act": "a1", "outstanding": True},
    ]
    data = evaluate(make_case(commendable_conduct=conduct))
    # ouyang discovered someone else's fault: Art. 6; han corrected his own: Art. 10(1) instead
    assert [c["person"] for c in data["commendations"]] == ["ouyang"]
    assert about(data, "own_fault") == {"han"}


# --- Art. 7: the inspection itself; the lead-in cited ------------------------------------------


def test_art_7_2_and_7_3_faults_cite_the_lead_in_that_says_responsibility_shall_be_pursued():
    data = evaluate(make_case({"points": [], "inspection": {"inspectors": 1, "team_members": 3}}))
    (fault,) = data["faults"]
    assert fault["points"] == ["art_7__point_3"]
    assert "art_7__intro" in fault["cites"]


def test_art_7_the_officers_who_inspected_answer_for_a_fault_during_the_inspection():
    inspection = {"inspectors": 1, "certificate_shown": True, "officers": ["ouyang"]}
    data = evaluate(make_case({"points": [], "inspection": inspection}))
    assert degrees(data, "ouyang") == {"graded"}
    # the chain that handled, reviewed and approved it still answers by default, flagged
    assert about(data, "inspection_chain") == {"han", "shen", "pang"}


# --- Art. 8(1): two limbs; 无正当理由 is a finding ----------------------------------------------


def test_art_8_1_the_first_limb_found_by_the_record_is_not_cancelled_by_a_timely_submission():
    data = evaluate(
        make_case(
            {
                **internal(submitted_on="2024-05-07", submit_due="2024-05-08"),
                "points": [{"point": "art_8__point_1"}],
            }
        )
    )
    assert fault_points(data) == ["art_8__point_1"]
    assert open_points(data, "contradicted") == []
    assert about(data, "first_limb", "act") == {"a1"}


def test_art_8_1_the_second_limb_alone_is_the_fault_once_no_justification_is_found():
    data = evaluate(
        make_case(
            internal(submitted_on="2024-05-10", submit_due="2024-05-08", justified_delay=False)
        )
    )
    assert fault_points(data) == ["art_8__point_1"]
    assert open_points(data, "first_limb") == []


def test_art_8_1_a_late_submission_with_no_finding_on_a_justification_depends_on_that_finding():
    data = evaluate(make_case(internal(submitted_on="2024-05-10", submit_due="2024-05-08")))
    assert fault_points(data) == []
    (point,) = open_points(data, "justification")
    assert point["cites"] == ["art_8__point_1"]
    assert "not presumed" in point["en"]


def test_art_8_1_a_letter_never_submitted_is_late_once_the_time_limit_has_passed():
    never = make_case(internal(submit_due="2024-05-08", justified_delay=False))
    assert fault_points(evaluate(never)) == ["art_8__point_1"]
    unfound = evaluate(make_case(internal(submit_due="2024-05-08")))
    assert fault_points(unfound) == [] and open_points(unfound, "justification")
    not_yet = make_case(internal(submit_due="2025-05-08", justified_delay=False))
    assert fault_points(evaluate(not_yet)) == []


def test_art_8_1_a_justified_delay_is_no_fault_of_the_second_limb():
    data = evaluate(
        make_case(
            internal(submitted_on="2024-05-10", submit_due="2024-05-08", justified_delay=True)
        )
    )
    assert fault_points(data) == [] and open_points(data, "justification") == []


def test_art_8_2_a_recorded_justification_contradicts_an_allegation_of_8_2():
    data = evaluate(
        make_case(
            {
                **internal(justified_delay=True),
                "points": [{"point": "art_8__point_2"}],
            }
        )
    )
    assert fault_points(data) == []
    assert about(data, "contradicted", "point") == {"art_8__point_2"}


def test_art_8_9_an_outgoing_document_never_sent_is_a_fault_once_its_time_limit_has_passed():
    data = evaluate(make_case(internal(outgoing_document=True, send_due="2024-06-15")))
    assert fault_points(data) == ["art_8__point_9"]
    assert degrees(data, "han") == {"graded"}


# --- Art. 9 ---------------------------------------------------------------------------------


def seal(act_id: str, date: str | None, person: str = "han") -> dict:
    act = {
        "id": act_id,
        "description": {"zh": "未按规定使用公章", "en": "Seal misused"},
        "handler": person,
        "points": [{"point": "art_8__point_10"}],
    }
    if date:
        act["date"] = date
    return act


def test_art_9_3_an_earlier_fault_of_the_same_type_in_the_same_case_counts_by_its_date():
    data = evaluate(make_case(acts=[seal("s1", "2024-03-05"), seal("s2", "2024-09-10")]))
    # the later act repeats the earlier one; the earlier one was no repeat when committed
    assert aggravated(data, "han", "s2") == {"art_9__point_3"}
    assert aggravated(data, "han", "s1") == set()
    assert open_points(data, "repeat_order") == []


@pytest.mark.parametrize(
    "dates", [("2024-04-01", "2024-04-01"), (None, None), ("2024-04-01", None)]
)
def test_art_9_3_faults_whose_order_cannot_be_told_count_by_default_and_are_flagged(dates):
    data = evaluate(make_case(acts=[seal("s1", dates[0]), seal("s2", dates[1])]))
    assert aggravated(data, "han", "s1") == aggravated(data, "han", "s2") == {"art_9__point_3"}
    assert about(data, "repeat_order", "act") == {"s1", "s2"}


def test_art_9_3_an_earlier_fault_counts_only_once_it_is_recorded_as_established():
    fault = {"person": "han", "point": "art_7__point_1", "date": "2024-03-01"}
    unknown = evaluate(make_case(earlier_faults=[fault]))
    assert aggravated(unknown, "han") == set() and about(unknown, "established") == {"han"}
    refused = evaluate(make_case(earlier_faults=[{**fault, "established": False}]))
    assert aggravated(refused, "han") == set() and open_points(refused, "established") == []
    shown = evaluate(make_case(earlier_faults=[{**fault, "established": True}]))
    assert aggravated(shown, "han") == {"art_9__point_3"}


def test_art_9_3_an_earlier_fault_of_another_type_raises_no_point_about_its_establishment():
    fault = {"person": "han", "point": "art_8__point_10", "date": "2024-03-01"}
    assert open_points(evaluate(make_case(earlier_faults=[fault])), "established") == []


def test_art_9_3_two_earlier_faults_on_one_day_stay_two():
    faults = [
        {"person": "han", "point": "art_7__point_1", "date": "2024-03-01", "established": True},
        {"person": "han", "point": "art_7__point_1", "date": "2024-03-01", "established": True},
    ]
    data = evaluate(make_case(earlier_faults=faults), art9_point3_current_counts=False)
    assert aggravated(data, "han") == {"art_9__point_3"}


def test_art_9_3_an_earlier_fault_from_before_the_instrument_counts_and_is_flagged():
    fault = {"person": "han", "point": "art_7__point_1", "date": "2019-03-01", "established": True}
    data = evaluate(make_case(earlier_faults=[fault]))
    assert aggravated(data, "han") == {"art_9__point_3"}
    (point,) = open_points(data, "before_commencement")
    assert "2019-03-01" in point["en"]


def test_art_9_4_favouritism_that_defines_a_7_12_fault_aggravates_only_with_a_flag():
    data = evaluate(
        make_case(
            {"points": [{"point": "art_7__point_12"}]},
            circumstances=circumstances(("han", "favoritism")),
        )
    )
    assert aggravated(data, "han") == {"art_9__point_4"}
    assert about(data, "double_counting") == {"han"}


def test_art_9_5_serious_damage_recorded_against_one_person_is_flagged_for_the_others():
    data = evaluate(
        make_case(
            {"points": [{"point": "art_8__point_6"}], "approver": None, "harm": ["rights_damage"]},
            circumstances=circumstances(("han", "serious_harm")),
        )
    )
    assert aggravated(data, "han") == {"art_9__point_5"} and aggravated(data, "shen") == set()
    assert about(data, "serious_harm_scope") == {"shen"}


# --- Art. 10 ----------------------------------------------------------------------------------


def test_art_10_the_proviso_reaches_a_person_with_an_art7_fault_in_any_act_of_the_case():
    acts = [
        seal("s1", None),
        {
            "id": "i1",
            "description": {"zh": "一人检查", "en": "Inspection by one person"},
            "handler": "han",
            "inspection": {"inspectors": 1},
        },
    ]
    data = evaluate(
        make_case(
            acts=acts,
            circumstances=[{"act": "s1", "person": "han", "ground": "admitted_and_corrected"}],
        )
    )
    # the seal (Art. 8) is not an Art. 7 circumstance, but han has one in i1 (7(3))
    assert available(data, "han") == set()
    (point,) = open_points(data, "confirm_reading")
    assert point["about"] == {"parameter": "art10_tail_reading"}
    assert "literal reading of the Art. 10 proviso" in point["en"]


def test_art_10_without_an_art7_fault_nothing_asks_to_confirm_the_literal_reading():
    data = evaluate(
        make_case(
            {"points": [{"point": "art_8__point_10"}]},
            circumstances=circumstances(("han", "admitted_and_corrected")),
        )
    )
    assert available(data, "han") == ALL_FORMS
    assert open_points(data, "confirm_reading") == []


@pytest.mark.parametrize(
    ("point", "ground", "ruled_out"),
    [
        ("art_8__point_6", "serious_harm", "art_10__point_3"),  # 9(5) damage to others vs 10(3)
        ("art_7__point_9", None, "art_10__point_3"),  # 7(9) 给当事人造成损失
        ("art_8__point_7", None, "art_10__point_2"),  # 8(7) 导致严重后果或造成不良影响
        ("art_7__point_13", None, "art_10__point_2"),  # 7(13) 造成不良影响
    ],
)
def test_art_10_2_and_10_3_are_not_granted_against_a_result_the_same_record_shows(
    point, ground, ruled_out
):
    claimed = "minor" if ruled_out == "art_10__point_2" else "promptly_corrected_and_remedied"
    grounds = [("han", claimed)] + ([("han", ground)] if ground else [])
    data = evaluate(
        make_case({"points": [{"point": point}]}, circumstances=circumstances(*grounds)),
        art10_tail_reading="meant_art_9",
    )
    assert not [m for m in data["mitigation"] if m["person"] == "han"]
    (flag,) = open_points(data, "ground_contradicted")
    assert flag["cites"] == [ruled_out]


def test_art_9_1_and_art_10_a_refusal_to_correct_recorded_with_a_correction_is_flagged():
    data = evaluate(
        make_case(
            {"points": [{"point": "art_8__point_10"}]},
            circumstances=circumstances(
                ("han", "refused_to_correct"), ("han", "admitted_and_corrected")
            ),
        )
    )
    assert about(data, "conflicting_circumstances") == {"han"}


# --- Art. 11 ----------------------------------------------------------------------------------


def test_art_11_5_an_instruction_from_someone_recorded_as_no_leader_is_outside_the_point():
    case = make_case(instruction(leader="ouyang"))
    case["people"][4]["leader"] = False
    data = evaluate(case)
    assert degrees(data, "ouyang") == set()
    assert degrees(data, "han") == {"graded"}  # the objection clears only under 11(5)


def test_art_11_5_an_instruction_whose_leader_status_is_not_recorded_is_applied_and_flagged():
    data = evaluate(make_case(instruction(leader="ouyang")))
    assert degrees(data, "ouyang") == {"direct"} and why_not(data, "han") == {"cleared_subordinate"}
    assert about(data, "leader_status") == {"ouyang"}


def test_art_11_5_an_instruction_that_did_not_lead_to_the_fault_neither_names_nor_clears():
    data = evaluate(make_case(instruction(led_to_fault=False)))
    assert degrees(data, "lei") == set() and degrees(data, "han") == {"graded"}


def test_art_11_5_an_instruction_from_outside_the_bureau_is_flagged_for_referral():
    case = make_case(instruction())
    case["people"][3]["staff"] = False
    data = evaluate(case)
    assert why_not(data, "han") == {"cleared_subordinate"} and degrees(data, "lei") == set()
    assert about(data, "outside_instruction") == {"lei"}


def test_art_11_5_clears_an_objecting_subordinate_whom_point_4_would_name():
    case = make_case(
        {
            "correct_opinions": ["han", "shen"],
            "opinion_changes": [
                {"by": "pang", "changed": "han"},
                {"by": "pang", "changed": "shen"},
            ],
            **instruction(subordinate="pang"),
        }
    )
    data = evaluate(case)
    assert why_not(data, "pang") == {"cleared_subordinate"}
    assert degrees(data, "lei") == {"direct"}
    assert degrees(data, "han") == set() and degrees(data, "shen") == set()


@pytest.mark.parametrize(
    "act",
    [
        # no reviewer at all
        {
            "reviewer": None,
            "correct_opinions": ["han"],
            "opinion_changes": [{"by": "pang", "changed": "han"}],
        },
        # a reviewer whose opinion was not correct
        {"correct_opinions": ["han"], "opinion_changes": [{"by": "pang", "changed": "han"}]},
        # a reviewer whose correct opinion the approver did not change
        {
            "correct_opinions": ["han", "shen"],
            "opinion_changes": [{"by": "pang", "changed": "han"}],
        },
    ],
)
def test_art_11_4_not_met_exactly_leaves_the_correct_opinion_responsible_and_flagged(act):
    data = evaluate(make_case(act))
    assert degrees(data, "han") == {"graded"} and degrees(data, "pang") == {"graded"}
    assert "han" in about(data, "correct_opinion")


def test_art_11_6_a_decision_maker_who_voted_against_is_principal_and_flagged():
    votes = [{"person": "lei", "vote": "against"}, {"person": "ouyang", "vote": "for"}]
    data = evaluate(
        make_case({"collective_decision": {"id": "m", "decision_maker": "lei", "votes": votes}})
    )
    assert degrees(data, "lei") == {"primary"} and about(data, "dissenting_decider") == {"lei"}


def test_art_11_6_a_handler_who_abstained_is_told_the_chapeau_still_holds_them():
    votes = [{"person": "lei", "vote": "for"}, {"person": "han", "vote": "abstain"}]
    data = evaluate(
        make_case({"collective_decision": {"id": "m", "decision_maker": "lei", "votes": votes}})
    )
    assert degrees(data, "han") == {"graded"}
    assert about(data, "chain_vote") == {"han"} and open_points(data, "vote") == []


def test_art_11_a_leader_who_instructed_and_approved_answers_on_two_bases_flagged():
    data = evaluate(make_case(instruction(leader="pang", objected=False)))
    assert degrees(data, "pang") == {"direct", "graded"}
    assert about(data, "multiple_bases") == {"pang"}


# --- Art. 12 ----------------------------------------------------------------------------------

INACTION = {
    "handler": None,
    "reviewer": None,
    "approver": None,
    "date": "2024-09-20",
    "inaction": {"duty": "inspect_care_homes"},
    "points": [{"point": "art_7__point_4"}],
}


def test_art_12_the_holder_of_the_post_when_the_duty_went_unperformed_is_responsible():
    case = make_case(INACTION)
    case["people"][0].update(post="clerk", former_posts=[{"post": "officer", "to": "2024-10-31"}])
    case["people"][4].update(post="officer", post_since="2024-11-01")
    data = evaluate(case)
    assert degrees(data, "han") == {"by_post"}  # held it on 2024-09-20
    assert degrees(data, "ouyang") == set()  # took it over later


def test_art_12_a_duty_that_belongs_to_no_post_leaves_the_fault_and_an_open_point():
    data = evaluate(make_case({**INACTION, "inaction": {"duty": "nobodys_duty"}}))
    assert fault_points(data) == ["art_7__point_4"]
    assert about(data, "inaction", "act") == {"a1"}


def test_art_12_the_chapeau_does_not_make_a_recorded_handler_answer_for_anothers_omission():
    data = evaluate(make_case({**INACTION, "handler": "ouyang"}))
    assert degrees(data, "han") == {"by_post"} and degrees(data, "ouyang") == set()
    assert about(data, "inaction_chain") == {"ouyang"}


# --- Art. 16(1), Art. 18 ------------------------------------------------------------------------


def test_art_16_1_anyone_found_responsible_is_a_party_though_not_listed_as_investigated():
    data = evaluate(
        make_case(investigation={"investigated": ["han"], "proposed_members": ["shen", "lei"]})
    )
    assert recusal(data, "shen") == ("disqualified", {("art_16__point_1", "party")})
    assert recusal(data, "lei")[0] == "admitted"


def test_art_16_a_proposed_member_from_outside_the_bureau_is_flagged():
    case = make_case(investigation={"investigated": ["han"], "proposed_members": ["ouyang"]})
    case["people"][4]["employment"] = "external"
    assert about(evaluate(case), "outside_member", "member") == {"ouyang"}


def test_art_18_everyone_found_responsible_must_be_heard_and_their_statements_reported():
    heard = {"investigation_closed_on": "2024-11-01", "statements_heard": ["han", "shen", "pang"]}
    report = {"statements_of": ["han", "shen", "pang"], "handling_proposal": True}
    base = {"investigation": {"investigated": ["han"]}}
    complete = evaluate(make_case(**base, procedure={**heard, "findings_report": report}))
    assert complete["procedural_defects"] == []
    partial = evaluate(
        make_case(
            **base, procedure={**heard, "findings_report": {**report, "statements_of": ["han"]}}
        )
    )
    assert sorted(d["person"] for d in partial["procedural_defects"]) == ["pang", "shen"]
    no_proposal = evaluate(
        make_case(
            **base, procedure={**heard, "findings_report": {**report, "handling_proposal": False}}
        )
    )
    assert sorted(d["person"] for d in no_proposal["procedural_defects"]) == ["han", "pang", "shen"]
    assert all(d["point"] == "art_18__para_1" for d in no_proposal["procedural_defects"])


# --- Art. 17 ----------------------------------------------------------------------------------


def test_art_17_a_liable_investigators_forms_and_circumstances_are_left_to_a_person():
    data = evaluate(
        make_case(investigation={"investigated": ["han"], "investigator_wrong_case": ["lei"]})
    )
    assert [i["person"] for i in data["investigators"]] == ["lei"]
    assert about(data, "investigator") == {"lei"}


# --- a reading that asks to be confirmed, whatever the parameter ---------------------------------


def test_any_parameter_flagged_confirm_when_relied_on_raises_its_point_when_a_derivation_uses_it(
    tmp_path,
):
    root = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, root)
    path = root / "parameters.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "    default: displace\n"
    assert text.count(anchor) == 1
    path.write_text(
        text.replace(
            anchor,
            anchor
            + "    confirm_when_relied_on:\n"
            + '      text: {zh: "请确认例外排除其他人。", en: "Please confirm the exception displaces."}\n',
        ),
        encoding="utf-8",
    )
    copy = load_policy(root)
    overturned = make_case(
        {"correct_opinions": ["han"], "opinion_changes": [{"by": "shen", "changed": "han"}]}
    )
    data = answer_case(copy, overturned, as_of=AS_OF).to_dict()
    (point,) = [p for p in data["open_points"] if p["kind"] == "confirm_reading"]
    assert point["about"] == {"parameter": "art11_exception_effect"}
    assert point["en"] == "Please confirm the exception displaces."
    # a case whose answer does not go through that reading raises nothing
    plain = answer_case(copy, make_case(), as_of=AS_OF).to_dict()
    assert not [p for p in plain["open_points"] if p["kind"] == "confirm_reading"]


# --- Arts. 15, 19: holidays in the counting -------------------------------------------------------


def period(data: dict, name: str, subject: str = "case") -> dict:
    (found,) = [t for t in data["time_limits"] if t["period"] == name and t["subject"] == subject]
    return found


def test_art_19_an_appeal_period_ending_on_national_day_runs_to_the_first_working_day_after():
    # delivered 2024-09-01; the 30th day, 2024-10-01, is a holiday, and so are 10-02 to 10-07
    case = make_case(
        procedure={
            "decisions": [
                {"person": "han", "delivered_on": "2024-09-01", "appeal_lodged_on": "2024-10-08"}
            ]
        }
    )
    appeal = period(evaluate(case), "appeal", "han")
    assert (appeal["due"], appeal["status"]) == ("2024-10-08", "met")


def test_art_15_five_working_days_from_a_saturday_skip_the_dragon_boat_holiday():
    # found Saturday 2024-06-08; Monday 06-10 is the Dragon Boat holiday: 11, 12, 13, 14, 17 June
    case = make_case(
        procedure={"discovered_on": "2024-06-08", "initial_review_done_on": "2024-06-17"}
    )
    review = period(evaluate(case), "initial_review")
    assert (review["due"], review["status"]) == ("2024-06-17", "met")
