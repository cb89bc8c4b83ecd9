"""Every interpretation parameter that a rule or a computation reads: the default and each
alternative give the answer that reading implies, and the answer says which value it relied on.

A guard test reads the rules' Datalog for `param(…)`, `param_int(…)` and `param_member(…)` (and the
vote parameters reached through `vote_parameter`), so a parameter newly used by a rule without a
test here makes the suite fail.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from case_builders import case_with_act

from engine.answer import answer_case
from engine.policy.load import load_policy
from engine.problems import ProblemsError

AS_OF = "2024-12-01"
FICTITIOUS_2027 = Path(__file__).resolve().parent / "data" / "calendars" / "fictitious-2027.yaml"


@cache
def policy():
    return load_policy()


PEOPLE = [
    {"id": "han", "name": "韩梅", "post": "officer", "enforcement_officer": True},
    {"id": "shen", "name": "沈涛", "post": "chief", "enforcement_officer": True},
    {"id": "pang", "name": "庞军", "post": "deputy", "leader": True, "enforcement_officer": True},
    {"id": "lei", "name": "雷鸣", "post": "deputy", "leader": True},
    {"id": "ouyang", "name": "欧阳青", "post": "clerk"},
]
POSTS = [
    {"id": "officer", "name": "社会救助股工作人员", "duties": ["home_visits"]},
    {"id": "chief", "name": "社会救助股股长", "duties": ["review"]},
    {"id": "deputy", "name": "分管副局长", "duties": ["approve"]},
    {"id": "clerk", "name": "办公室文秘", "duties": ["mail"]},
]


BASE_ACT = {
    "id": "a1",
    "description": "对某养老机构的处罚",
    "handler": "han",
    "reviewer": "shen",
    "approver": "pang",
    "points": [{"point": "art_7__point_1"}],
}
HEADER = {"id": "parameter-test", "title": "参数测试"}


def make_case(act: dict | None = None, **top) -> dict:
    return case_with_act(HEADER, PEOPLE, POSTS, BASE_ACT, act, **top)


def evaluate(case: dict, as_of: str = AS_OF, calendar_file=None, **params) -> dict:
    return answer_case(
        policy(), case, as_of=as_of, parameters=params, calendar_file=calendar_file
    ).to_dict()


def degrees(data: dict, person: str) -> set[str]:
    return {
        d["degree"]
        for v in data["verdicts"]
        if v["person"] == person and v["verdict"] == "responsible"
        for d in v["degrees"]
    }


def fault_points(data: dict) -> list[str]:
    return [e for f in data["faults"] if f["fault"] for e in f["points"]]


def aggravated(data: dict, person: str) -> set[str]:
    return {a["point"] for a in data["aggravation"] if a["person"] == person}


def available(data: dict, person: str) -> set[str]:
    return {f for m in data["mitigation"] if m["person"] == person for f in m["available"]}


def relied_on(data: dict, pid: str) -> dict:
    found = [p for p in data["parameters"] if p["id"] == pid]
    assert found, f"{pid} is not among the parameters relied on"
    return found[0]


def open_kinds(data: dict) -> list[str]:
    return [p["kind"] for p in data["open_points"]]


def due(data: dict, name: str, subject: str = "case") -> str:
    return next(
        t["due"] for t in data["time_limits"] if t["period"] == name and t["subject"] == subject
    )


def status_of(data: dict, name: str, subject: str = "case") -> str:
    return next(
        t["status"] for t in data["time_limits"] if t["period"] == name and t["subject"] == subject
    )


def recusal_status(data: dict, member: str) -> tuple[str, set]:
    r = next(r for r in data["recusal"] if r["member"] == member)
    return r["status"], {(g["point"], g["relation"]) for g in r.get("grounds", [])}


ALL_FORMS = {"lighter", "mitigated", "exempted"}
TESTED: set[str] = set()


def covers_parameters(*pids: str):
    """Register the parameters a test covers, for the guard test below."""
    TESTED.update(pids)
    return lambda f: f


# --- Arts. 2, 3, 7 ------------------------------------------------------------------------------


@covers_parameters("art2_harm_requirement")
def test_whether_an_art2_result_must_be_found_separately():
    bare, harmed = make_case(), make_case({"harm": ["bad_influence"]})
    assert fault_points(evaluate(bare)) == ["art_7__point_1"]
    assert fault_points(evaluate(bare, art2_harm_requirement="art2_result_required")) == []
    assert fault_points(evaluate(harmed, art2_harm_requirement="art2_result_required")) == [
        "art_7__point_1"
    ]


@covers_parameters("art3_personal_scope")
def test_whether_art7_faults_reach_only_certified_enforcement_officers():
    case = make_case()
    case["people"][0]["enforcement_officer"] = False
    assert degrees(evaluate(case), "han") == {"graded"}
    narrow = evaluate(case, art3_personal_scope="enforcement_officers_for_art7")
    assert degrees(narrow, "han") == set()
    assert degrees(narrow, "shen") == {"graded"}
    internal = make_case({"points": [{"point": "art_8__point_2"}]})
    internal["people"][0]["enforcement_officer"] = False
    assert degrees(
        evaluate(internal, art3_personal_scope="enforcement_officers_for_art7"), "han"
    ) == {"graded"}


@covers_parameters("art7_art8_computed_items")
def test_which_items_are_computed_from_facts_rather_than_taken_from_the_record():
    lone = make_case({"points": [], "inspection": {"inspectors": 1, "certificate_shown": True}})
    disputed = make_case(
        {
            "points": [{"point": "art_7__point_3"}],
            "inspection": {"inspectors": 2, "certificate_shown": True},
        }
    )
    assert fault_points(evaluate(lone)) == ["art_7__point_3"]
    assert fault_points(evaluate(disputed)) == [] and open_kinds(evaluate(disputed)) == [
        "contradicted"
    ]
    without_7_3 = ["art_7__point_2", "art_8__point_1", "art_8__point_8", "art_8__point_9"]
    assert fault_points(evaluate(lone, art7_art8_computed_items=without_7_3)) == []
    # not computed: the record's allegation stands, whatever the head count
    assert fault_points(evaluate(disputed, art7_art8_computed_items=without_7_3)) == [
        "art_7__point_3"
    ]


@covers_parameters("art7_point3_min_inspectors")
def test_the_minimum_number_of_inspectors():
    pair = make_case({"points": [], "inspection": {"inspectors": 2, "certificate_shown": True}})
    assert fault_points(evaluate(pair)) == []
    assert fault_points(evaluate(pair, art7_point3_min_inspectors=3)) == ["art_7__point_3"]


# --- Arts. 9, 10 --------------------------------------------------------------------------------

INTERNAL = {"points": [{"point": "art_8__point_2"}]}


def circumstances(*pairs: tuple[str, str]) -> list[dict]:
    return [{"act": "a1", "person": p, "ground": g} for p, g in pairs]


@covers_parameters("art9_art10_combination")
def test_how_aggravating_and_mitigating_circumstances_combine():
    case = make_case(
        INTERNAL, circumstances=circumstances(("han", "dereliction_of_duty"), ("han", "minor"))
    )
    both = evaluate(case)
    assert aggravated(both, "han") == {"art_9__point_4"} and available(both, "han") == ALL_FORMS
    excludes = evaluate(case, art9_art10_combination="aggravation_excludes_mitigation")
    assert aggravated(excludes, "han") == {"art_9__point_4"} and available(excludes, "han") == set()
    offset = evaluate(case, art9_art10_combination="offset")
    assert available(offset, "han") == ALL_FORMS and "combination" in open_kinds(offset)
    assert "combination" not in open_kinds(both)


def established(point: str, date: str, person: str = "han") -> dict:
    """An earlier fault the record says was established (Art. 9(3) counts only those by default)."""
    return {"person": person, "point": point, "date": date, "established": True}


@covers_parameters("art9_point3_same_type")
def test_what_counts_as_the_same_type_of_fault_for_a_repeat():
    same_article = make_case(earlier_faults=[established("art_7__point_8", "2023-05-01")])
    other_article = make_case(earlier_faults=[established("art_8__point_2", "2023-05-01")])
    expected = {
        "same_point": (set(), set()),
        "same_article": ({"art_9__point_3"}, set()),
        "any_fault": ({"art_9__point_3"}, {"art_9__point_3"}),
    }
    for reading, (first, second) in expected.items():
        assert aggravated(evaluate(same_article, art9_point3_same_type=reading), "han") == first, (
            reading
        )
        assert (
            aggravated(evaluate(other_article, art9_point3_same_type=reading), "han") == second
        ), reading


@covers_parameters("art9_point3_window_months")
def test_the_look_back_window_for_a_repeat():
    case = make_case(earlier_faults=[established("art_7__point_1", "2023-01-05")])
    case["case"]["fault_date"] = "2024-03-12"
    assert aggravated(evaluate(case), "han") == {"art_9__point_3"}
    assert aggravated(evaluate(case, art9_point3_window_months=12), "han") == set()
    assert aggravated(evaluate(case, art9_point3_window_months=24), "han") == {"art_9__point_3"}
    assert (
        relied_on(evaluate(case, art9_point3_window_months=12), "art9_point3_window_months")[
            "value"
        ]
        == 12
    )


@covers_parameters("art9_point3_current_counts")
def test_whether_the_current_fault_counts_towards_two_or_more():
    once = [established("art_7__point_1", "2023-05-01")]
    twice = [*once, established("art_7__point_1", "2023-05-01")]  # two faults on one day
    assert aggravated(evaluate(make_case(earlier_faults=once)), "han") == {"art_9__point_3"}
    assert (
        aggravated(
            evaluate(make_case(earlier_faults=once), art9_point3_current_counts=False), "han"
        )
        == set()
    )
    assert aggravated(
        evaluate(make_case(earlier_faults=twice), art9_point3_current_counts=False), "han"
    ) == {"art_9__point_3"}


@covers_parameters("art9_point5_zongdui_reading")
def test_whether_a_bad_influence_on_this_bureau_is_the_zongdui_of_art9_5():
    case = make_case(circumstances=circumstances(("han", "bad_influence_on_unit")))
    literal = evaluate(case)
    assert aggravated(literal, "han") == set() and "aggravation" in open_kinds(literal)
    this_unit = evaluate(case, art9_point5_zongdui_reading="read_as_this_unit")
    assert aggravated(this_unit, "han") == {"art_9__point_5"} and "aggravation" not in open_kinds(
        this_unit
    )


@covers_parameters("art10_tail_reading")
@pytest.mark.parametrize(
    ("point", "reading", "expected"),
    [
        ("art_7__point_7", "literal", set()),
        ("art_7__point_7", "meant_art_9", ALL_FORMS),
        ("art_7__point_7", "only_exemption", {"lighter", "mitigated"}),
        ("art_7__point_7", "only_intentional_art7", ALL_FORMS),
        ("art_7__point_5", "only_intentional_art7", set()),  # 隐瞒、包庇: an intentional item
        ("art_8__point_2", "literal", ALL_FORMS),  # no Art. 7 circumstance at all
    ],
)
def test_each_reading_of_the_art10_tail(point, reading, expected):
    case = make_case(
        {"points": [{"point": point}]},
        circumstances=circumstances(("han", "admitted_and_corrected")),
    )
    data = evaluate(case, art10_tail_reading=reading)
    assert available(data, "han") == expected
    assert relied_on(data, "art10_tail_reading")["value"] == reading


def test_under_the_art9_reading_only_aggravation_shuts_out_leniency():
    case = make_case(
        {"points": [{"point": "art_7__point_7"}]},
        circumstances=circumstances(
            ("han", "admitted_and_corrected"), ("han", "refused_to_correct")
        ),
    )
    assert available(evaluate(case, art10_tail_reading="meant_art_9"), "han") == set()


@covers_parameters("art10_intentional_art7_items")
def test_which_art7_items_count_as_intentional_for_the_art10_tail():
    case = make_case(
        {"points": [{"point": "art_7__point_7"}]},
        circumstances=circumstances(("han", "admitted_and_corrected")),
    )
    reading = {"art10_tail_reading": "only_intentional_art7"}
    assert available(evaluate(case, **reading), "han") == ALL_FORMS
    assert (
        available(evaluate(case, **reading, art10_intentional_art7_items=["art_7__point_7"]), "han")
        == set()
    )


# --- Art. 11 ----------------------------------------------------------------------------------

OVERTURNED = {"correct_opinions": ["han"], "opinion_changes": [{"by": "shen", "changed": "han"}]}


@covers_parameters("art11_exception_effect")
def test_whether_an_exception_displaces_the_others_or_leaves_them_lesser_responsibility():
    case = make_case(OVERTURNED)
    displaced = evaluate(case)
    assert [degrees(displaced, p) for p in ("han", "shen", "pang")] == [
        set(),
        {"responsible"},
        set(),
    ]
    lesser = evaluate(case, art11_exception_effect="principal_plus_lesser")
    assert [degrees(lesser, p) for p in ("han", "shen", "pang")] == [
        {"lesser"},
        {"responsible"},
        {"lesser"},
    ]


@covers_parameters("art11_mixed_cases")
def test_whether_exceptions_naming_different_people_fall_back_or_apply_each():
    case = make_case(
        {
            "culpability": [
                {"person": "han", "form": "intent"},
                {"person": "shen", "form": "intent"},
            ],
            "caused_errors": [{"by": "han", "of": "pang"}, {"by": "shen", "of": "pang"}],
        }
    )
    default = evaluate(case)
    assert [degrees(default, p) for p in ("han", "shen", "pang")] == [{"graded"}] * 3
    each = evaluate(case, art11_mixed_cases="apply_each_item")
    assert [degrees(each, p) for p in ("han", "shen", "pang")] == [
        {"responsible"},
        {"responsible"},
        set(),
    ]


@covers_parameters("art11_handler_term")
def test_whether_the_specific_member_of_staff_is_only_the_handler():
    case = make_case(
        {
            "culpability": [{"person": "ouyang", "form": "intent"}],
            "caused_errors": [{"by": "ouyang", "of": "shen"}],
        }
    )
    default = evaluate(case)
    assert [degrees(default, p) for p in ("han", "shen", "pang")] == [{"graded"}] * 3
    wide = evaluate(case, art11_handler_term="any_involved_staff")
    assert [degrees(wide, p) for p in ("han", "shen", "pang")] == [set(), set(), set()]
    assert [s["person"] for s in wide["sanctions"]] == ["ouyang"]


@covers_parameters("art11_point5_obeying_subordinate")
def test_what_happens_to_a_subordinate_who_carried_out_a_leaders_instruction():
    def instructed(objected: bool) -> dict:
        return make_case(
            {
                "instructions": [
                    {
                        "leader": "lei",
                        "subordinate": "han",
                        "objected": objected,
                        "manifestly_unlawful": False,
                    }
                ]
            }
        )

    expected = {
        "not_responsible_if_objected": (set(), {"graded"}),
        "always_responsible_as_handler": ({"graded"}, {"graded"}),
        "never_responsible": (set(), set()),
    }
    for reading, (objecting, silent) in expected.items():
        assert (
            degrees(evaluate(instructed(True), art11_point5_obeying_subordinate=reading), "han")
            == objecting
        )
        assert (
            degrees(evaluate(instructed(False), art11_point5_obeying_subordinate=reading), "han")
            == silent
        )
        assert degrees(
            evaluate(instructed(False), art11_point5_obeying_subordinate=reading), "lei"
        ) == {"direct"}


def collective(vote: str) -> dict:
    votes = [{"person": "lei", "vote": "for"}, {"person": "ouyang", "vote": vote}]
    return make_case(
        {"collective_decision": {"id": "meeting", "decision_maker": "lei", "votes": votes}}
    )


@covers_parameters("art11_point6_abstained", "art11_point6_absent")
@pytest.mark.parametrize(
    ("vote", "pid"), [("abstain", "art11_point6_abstained"), ("absent", "art11_point6_absent")]
)
def test_whether_abstaining_or_absent_members_share_in_a_collective_decision(vote, pid):
    default = evaluate(collective(vote))
    assert degrees(default, "ouyang") == set()
    assert [p["about"]["person"] for p in default["open_points"] if p["kind"] == "vote"] == [
        "ouyang"
    ]
    secondary = evaluate(collective(vote), **{pid: "secondary"})
    assert degrees(secondary, "ouyang") == {"secondary"}
    assert "vote" not in open_kinds(secondary)
    # the other kind of vote is not affected by this parameter
    other = "absent" if vote == "abstain" else "abstain"
    assert degrees(evaluate(collective(other), **{pid: "secondary"}), "ouyang") == set()


# --- Arts. 12, 14 -----------------------------------------------------------------------------


@covers_parameters("art12_responsibility_basis")
def test_whether_inaction_is_charged_by_post_or_left_to_a_human_finding():
    case = make_case(
        {
            "handler": None,
            "reviewer": None,
            "approver": None,
            "inaction": {"duty": "home_visits"},
            "points": [{"point": "art_7__point_4"}],
        }
    )
    by_post = evaluate(case)
    assert degrees(by_post, "han") == {"by_post"} and "inaction" not in open_kinds(by_post)
    finding = evaluate(case, art12_responsibility_basis="human_finding")
    assert degrees(finding, "han") == set() and "inaction" in open_kinds(finding)


@covers_parameters("art14_recovery_fault_threshold")
def test_whether_compensation_is_recovered_for_ordinary_negligence():
    case = make_case(
        {"culpability": [{"person": "pang", "form": "negligence"}]},
        circumstances=circumstances(("pang", "compensation_paid")),
    )
    assert evaluate(case)["referrals"] == []
    anyfault = evaluate(case, art14_recovery_fault_threshold="any_fault")
    assert [(r["person"], r["to"]) for r in anyfault["referrals"]] == [
        ("pang", "compensation_recovery")
    ]


# --- Arts. 15, 19 and the calendar -----------------------------------------------------------


def procedure(**kw) -> dict:
    return make_case({"points": []}, procedure=kw)


@covers_parameters(
    "art15_review_day_unit", "art15_review_exclude_start_day", "art15_review_holiday_rollover"
)
def test_how_the_five_days_of_the_initial_review_are_counted():
    case = procedure(discovered_on="2024-09-27")
    assert due(evaluate(case), "initial_review") == "2024-10-10"
    # start day counted as day 1: 09-27, 09-29, 09-30, 10-08, 10-09
    assert (
        due(evaluate(case, art15_review_exclude_start_day=False), "initial_review") == "2024-10-09"
    )
    # calendar days: 09-27 + 5 = 10-02, a holiday, rolled over to 10-08 (or not)
    assert (
        due(evaluate(case, art15_review_day_unit="calendar_days"), "initial_review") == "2024-10-08"
    )
    assert (
        due(
            evaluate(
                case, art15_review_day_unit="calendar_days", art15_review_holiday_rollover=False
            ),
            "initial_review",
        )
        == "2024-10-02"
    )


@covers_parameters("art15_review_scope")
def test_whether_the_initial_review_period_also_covers_the_report_to_the_party_group():
    case = procedure(
        discovered_on="2024-09-27",
        initial_review_done_on="2024-10-10",
        reported_to_party_group_on="2024-10-11",
    )
    assert status_of(evaluate(case), "initial_review") == "met"
    assert (
        status_of(evaluate(case, art15_review_scope="review_and_report"), "initial_review")
        == "overdue"
    )


@covers_parameters(
    "art15_investigation_day_unit",
    "art15_investigation_exclude_start_day",
    "art15_investigation_holiday_rollover",
)
def test_how_the_thirty_days_of_the_investigation_are_counted():
    festival = procedure(filing_decision_on="2025-01-01")
    assert due(evaluate(festival), "investigation") == "2025-02-05"
    assert (
        due(evaluate(festival, art15_investigation_holiday_rollover=False), "investigation")
        == "2025-01-31"
    )
    # 30 working days from 01-02, counting Sunday 01-26 and Saturday 02-08, skipping 01-28..02-04
    assert (
        due(evaluate(festival, art15_investigation_day_unit="working_days"), "investigation")
        == "2025-02-18"
    )
    ordinary = procedure(filing_decision_on="2024-11-05")
    assert due(evaluate(ordinary), "investigation") == "2024-12-05"
    assert (
        due(evaluate(ordinary, art15_investigation_exclude_start_day=False), "investigation")
        == "2024-12-04"
    )


@covers_parameters("art15_investigation_limit_nature")
def test_whether_the_thirty_day_investigation_limit_is_a_soft_target_or_a_hard_limit():
    case = procedure(filing_decision_on="2025-01-01", investigation_closed_on="2025-02-06")
    assert status_of(evaluate(case, as_of="2025-03-01"), "investigation") == "exceeded_normal_limit"
    hard = evaluate(case, as_of="2025-03-01", art15_investigation_limit_nature="hard_limit")
    assert status_of(hard, "investigation") == "overdue"


@covers_parameters(
    "art19_appeal_day_unit", "art19_appeal_exclude_start_day", "art19_appeal_holiday_rollover"
)
def test_how_the_thirty_days_for_an_appeal_are_counted():
    november = procedure(decisions=[{"person": "han", "delivered_on": "2024-11-04"}])
    assert due(evaluate(november), "appeal", "han") == "2024-12-04"
    assert (
        due(evaluate(november, art19_appeal_exclude_start_day=False), "appeal", "han")
        == "2024-12-03"
    )
    # 30 working days from 11-05: 4 + 5 + 5 + 5 + 5 + 5 in November and to 12-13, then Monday 12-16
    assert (
        due(evaluate(november, art19_appeal_day_unit="working_days"), "appeal", "han")
        == "2024-12-16"
    )
    golden_week = procedure(decisions=[{"person": "han", "delivered_on": "2024-09-05"}])
    assert due(evaluate(golden_week), "appeal", "han") == "2024-10-08"
    assert (
        due(evaluate(golden_week, art19_appeal_holiday_rollover=False), "appeal", "han")
        == "2024-10-05"
    )


@covers_parameters("art19_late_appeal")
def test_whether_a_late_appeal_is_only_reported_or_inadmissible():
    case = procedure(
        decisions=[
            {"person": "han", "delivered_on": "2024-11-04", "appeal_lodged_on": "2024-12-05"}
        ]
    )
    late = next(
        t for t in evaluate(case, as_of="2024-12-20")["time_limits"] if t["period"] == "appeal"
    )
    assert (late["out_of_time"], late["inadmissible"]) == (True, False)
    strict = next(
        t
        for t in evaluate(case, as_of="2024-12-20", art19_late_appeal="inadmissible")["time_limits"]
        if t["period"] == "appeal"
    )
    assert (strict["out_of_time"], strict["inadmissible"]) == (True, True)


@covers_parameters("art19_supervision_body")
def test_whether_appeals_go_to_the_obsolete_body_as_written_or_to_the_supervisory_commission():
    case = procedure(decisions=[{"person": "han", "delivered_on": "2024-11-04"}])
    verbatim = evaluate(case, as_of="2024-11-10")
    commission = evaluate(case, as_of="2024-11-10", art19_supervision_body="supervisory_commission")
    (appeal,) = [t for t in verbatim["time_limits"] if t["period"] == "appeal"]
    assert "监察部门" in appeal["appeal_to"]["zh"]
    (appeal,) = [t for t in commission["time_limits"] if t["period"] == "appeal"]
    assert "监察委员会" in appeal["appeal_to"]["zh"]
    asked = [p for p in verbatim["open_points"] if p["cites"] == ["art_19__para_1"]]
    assert len(asked) == 1 and "监察部门" in asked[0]["zh"]
    assert not [p for p in commission["open_points"] if p["cites"] == ["art_19__para_1"]]


@covers_parameters("calendar_holiday_source")
def test_whether_holidays_come_from_the_official_schedule_or_a_user_file():
    case = procedure(discovered_on="2026-12-28")
    official = evaluate(case, as_of="2027-02-01")
    assert status_of(official, "initial_review") == "unknown"
    with pytest.raises(ProblemsError, match="--calendar"):
        evaluate(case, as_of="2027-02-01", calendar_holiday_source="user_file")
    with_file = evaluate(
        case, as_of="2027-02-01", calendar_file=FICTITIOUS_2027, calendar_holiday_source="user_file"
    )
    assert due(with_file, "initial_review") == "2027-01-05"


# --- Arts. 16, 18 and editions ------------------------------------------------------------------


def recusal_case(ties=(), parents=(), members=("ouyang",), **investigation) -> dict:
    return make_case(
        investigation={"investigated": ["han"], "proposed_members": list(members), **investigation},
        relations={
            "ties": [{"person": a, "other": b, "kind": k} for a, b, k in ties],
            "parents": [{"child": c, "parent": p} for c, p in parents],
        },
    )


@covers_parameters("art16_party_meaning")
def test_whether_the_complainant_is_also_a_party_for_recusal():
    case = recusal_case(
        ties=[("ouyang", "han", "complainant")],
        parents=[("lei", "ouyang")],
        members=("ouyang", "lei"),
    )
    default = evaluate(case)
    assert recusal_status(default, "ouyang") == (
        "needs_finding",
        {("art_16__point_3", "complainant")},
    )
    assert recusal_status(default, "lei") == ("admitted", set())
    wide = evaluate(case, art16_party_meaning="investigated_and_complainant")
    assert recusal_status(wide, "ouyang")[0] == "disqualified"
    assert ("art_16__point_1", "party") in recusal_status(wide, "ouyang")[1]
    assert ("art_16__point_2", "child") in recusal_status(wide, "lei")[1]


COUSINS = [("han", "han_dad"), ("han_dad", "grandpa"), ("uncle", "grandpa"), ("ouyang", "uncle")]
SECOND_COUSINS = [
    ("han", "han_dad"),
    ("han_dad", "grandpa"),
    ("grandpa", "gg"),
    ("great_uncle", "gg"),
    ("uncle2", "great_uncle"),
    ("lei", "uncle2"),
]


def with_family(case: dict, links) -> dict:
    known = {p["id"] for p in case["people"]}
    for child, parent in links:
        for pid in (child, parent):
            if pid not in known:
                case["people"].append({"id": pid, "name": f"亲属{pid}", "staff": False})
                known.add(pid)
    return case


@covers_parameters("art16_relatives_scope")
def test_how_far_relatives_extend_for_recusal():
    case = with_family(
        recusal_case(parents=SECOND_COUSINS + COUSINS[1:], members=("ouyang", "lei")),
        SECOND_COUSINS + COUSINS,
    )
    default = evaluate(case)
    assert recusal_status(default, "ouyang") == (
        "disqualified",
        {("art_16__point_2", "collateral_within_three_generations")},
    )
    # a second cousin is beyond the Art. 74 set: flagged under item (3), never admitted silently
    beyond = ("needs_finding", {("art_16__point_3", "distant_relative")})
    assert recusal_status(default, "lei") == beyond
    close = evaluate(case, art16_relatives_scope="close_relatives_only")
    # a first cousin is no close relative: no longer barred, but still flagged
    assert recusal_status(close, "ouyang") == beyond
    assert recusal_status(close, "lei") == beyond


@covers_parameters("art16_close_in_law_kinds")
def test_which_in_law_relations_are_close_in_laws():
    case = make_case(
        investigation={"investigated": ["han"], "proposed_members": ["ouyang"]},
        relations={
            "spouses": [["han", "han_wife"]],
            "parents": [{"child": "han_wife", "parent": "ouyang"}],
        },
    )
    case["people"].append({"id": "han_wife", "name": "韩妻", "staff": False})
    # the member is the party's spouse's parent, and the party the member's child's spouse
    assert recusal_status(evaluate(case), "ouyang") == (
        "disqualified",
        {("art_16__point_2", "spouse_parent"), ("art_16__point_2", "child_spouse")},
    )
    kinds = list(policy().parameter_index["art16_close_in_law_kinds"]["default"])
    kinds.remove("spouse_parent")
    narrower = evaluate(case, art16_close_in_law_kinds=kinds)
    # the party is still the member's child's spouse, a close in-law from the member's side: barred
    assert recusal_status(narrower, "ouyang") == (
        "disqualified",
        {("art_16__point_2", "child_spouse")},
    )


@covers_parameters("art16_interest_checklist")
def test_which_connections_are_on_the_interest_checklist():
    case = recusal_case(ties=[("ouyang", "han", "money_tie")])
    assert recusal_status(evaluate(case), "ouyang") == (
        "needs_finding",
        {("art_16__point_3", "money_tie")},
    )
    checklist = list(policy().parameter_index["art16_interest_checklist"]["default"])
    checklist.remove("money_or_business_ties")
    assert recusal_status(evaluate(case, art16_interest_checklist=checklist), "ouyang") == (
        "admitted",
        set(),
    )


@covers_parameters("art16_interest_decision")
def test_whether_a_checklist_connection_needs_a_finding_or_disqualifies_by_itself():
    case = recusal_case(ties=[("ouyang", "han", "close_friendship")])
    assert recusal_status(evaluate(case), "ouyang")[0] == "needs_finding"
    strict = evaluate(case, art16_interest_decision="checklist_disqualifies")
    assert recusal_status(strict, "ouyang") == (
        "disqualified",
        {("art_16__point_3", "close_friendship")},
    )
    assert "interest" not in open_kinds(strict)


@covers_parameters("art16_complainant_witness_item3")
def test_whether_complainants_and_witnesses_fall_under_16_3():
    case = recusal_case(ties=[("ouyang", "han", "witness")])
    assert recusal_status(evaluate(case), "ouyang") == (
        "needs_finding",
        {("art_16__point_3", "witness")},
    )
    assert recusal_status(evaluate(case, art16_complainant_witness_item3=False), "ouyang") == (
        "admitted",
        set(),
    )


def unheard() -> dict:
    """The investigation closed without hearing han; the others found responsible were heard."""
    return make_case(
        investigation={"investigated": ["han"]},
        procedure={"investigation_closed_on": "2024-11-01", "statements_heard": ["shen", "pang"]},
    )


@covers_parameters("art18_statement_not_heard")
def test_whether_an_unheard_statement_is_flagged_or_withholds_the_result():
    flagged = evaluate(unheard())
    assert flagged["result_withheld"] is False
    assert [(d["person"], d["point"]) for d in flagged["procedural_defects"]] == [
        ("han", "art_18__para_1")
    ]
    assert degrees(flagged, "han") == {"graded"}
    withheld = evaluate(unheard(), art18_statement_not_heard="withhold_result")
    assert withheld["result_withheld"] is True
    assert "未听取被调查人意见" in answer_case(
        policy(),
        unheard(),
        as_of=AS_OF,
        parameters={"art18_statement_not_heard": "withhold_result"},
    ).render("zh")


def test_a_withheld_result_states_no_responsibility_and_offers_no_sanction():
    withheld = evaluate(unheard(), art18_statement_not_heard="withhold_result")
    assert not [v for v in withheld["verdicts"] if v["verdict"] == "responsible"]
    assert withheld["sanctions"] == []


@covers_parameters("art18_deciding_body")
def test_whether_the_deciding_body_of_art18_is_left_unidentified():
    case = unheard()
    art18_open = [p for p in evaluate(case)["open_points"] if p["cites"] == ["art_18__para_1"]]
    assert len(art18_open) == 1
    named = evaluate(case, art18_deciding_body="bureau_party_group")
    assert [p for p in named["open_points"] if p["cites"] == ["art_18__para_1"]] == []
    assert relied_on(named, "art18_deciding_body")["value"] == "bureau_party_group"


@covers_parameters("edition_2023_dates")
def test_whether_dates_in_2023_are_answered_with_a_warning_or_refused():
    presumed = evaluate(make_case(), as_of="2023-06-01")
    assert presumed["policy"]["edition_uncertain"] is True
    assert any("2023" in w["en"] for w in presumed["warnings"])
    with pytest.raises(ProblemsError, match="2023-06-01"):
        evaluate(make_case(), as_of="2023-06-01", edition_2023_dates="refuse_2023_dates")
    later = evaluate(make_case(), as_of="2024-06-01", edition_2023_dates="refuse_2023_dates")
    assert later["policy"]["edition_uncertain"] is False and later["warnings"] == []


# --- the answer names the readings it turned on, negative findings included -----------------------


def cousin_member() -> dict:
    return with_family(recusal_case(parents=COUSINS), COUSINS)


RELIED_ON_FOR_A_NEGATIVE_FINDING = {
    "art2_harm_requirement": (make_case(), "art2_result_required"),  # → no fault
    "art16_relatives_scope": (cousin_member(), "close_relatives_only"),  # → the cousin may sit
    "art16_complainant_witness_item3": (
        recusal_case(ties=[("ouyang", "han", "witness")]),
        False,
    ),  # → may sit
    "art9_point3_current_counts": (  # → no repeat
        make_case(
            earlier_faults=[{"person": "han", "point": "art_7__point_1", "date": "2022-05-01"}]
        ),
        False,
    ),
    "art12_responsibility_basis": (  # → nobody is responsible by post
        make_case(
            {
                "handler": None,
                "reviewer": None,
                "approver": None,
                "inaction": {"duty": "home_visits"},
                "points": [{"point": "art_7__point_4"}],
            }
        ),
        "human_finding",
    ),
}


@pytest.mark.parametrize("pid", sorted(RELIED_ON_FOR_A_NEGATIVE_FINDING))
def test_a_reading_that_leads_to_a_negative_finding_is_listed_among_the_parameters_relied_on(pid):
    case, value = RELIED_ON_FOR_A_NEGATIVE_FINDING[pid]
    listed = relied_on(evaluate(case, **{pid: value}), pid)
    assert (listed["value"], listed["default"]) == (value, False)


# --- a reading the answer says it relied on must make a difference ------------------------------

LISTED_BUT_WITHOUT_EFFECT = {
    "art13_forms_exhaustive": (make_case(), True),
    "art13_forms_combinable": (make_case(), False),
    "art13_severity_order": (make_case(), "no_order"),
    "art13_point5_nature": (make_case(), "bureau_sanction"),
    "art19_supervision_body": (
        procedure(decisions=[{"person": "han", "delivered_on": "2024-11-04"}]),
        "supervisory_commission",
    ),
}


def without_parameters(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "parameters"}


@pytest.mark.parametrize("pid", sorted(LISTED_BUT_WITHOUT_EFFECT))
def test_a_non_default_reading_listed_as_relied_on_changes_the_answer(pid):
    case, value = LISTED_BUT_WITHOUT_EFFECT[pid]
    as_of = "2027-02-01"
    default = evaluate(case, as_of=as_of)
    other = evaluate(case, as_of=as_of, **{pid: value})
    assert relied_on(other, pid)["default"] is False
    texts = [
        answer_case(policy(), case, as_of=as_of, parameters=ps)
        .render("en")
        .split("Interpretation parameters")[0]
        for ps in ({}, {pid: value})
    ]
    assert without_parameters(default) != without_parameters(other) or texts[0] != texts[1]


# --- the guard --------------------------------------------------------------------------------

# Read by the engine outside the rules (the policy files name them: Policy.parameters_outside_rules).
# --- parameters whose alternatives change who is responsible in a collective decision -----------


@covers_parameters("fault_notion")
def test_whether_internal_affairs_faults_need_the_art2_result_depends_on_the_notion_of_fault():
    seal = make_case({"points": [{"point": "art_8__point_10"}], "reviewer": None, "approver": None})
    strict = {"art2_harm_requirement": "art2_result_required"}
    assert fault_points(evaluate(seal, **strict)) == []
    assert fault_points(evaluate(seal, fault_notion="distinct_notions", **strict)) == [
        "art_8__point_10"
    ]
    enforcement = make_case()
    assert fault_points(evaluate(enforcement, fault_notion="distinct_notions", **strict)) == []


@covers_parameters("art7_point3_counted_persons")
def test_whether_non_officers_on_the_team_count_towards_two_inspectors():
    case = make_case({"points": None, "inspection": {"inspectors": 1, "team_members": 2}})
    assert fault_points(evaluate(case)) == ["art_7__point_3"]
    assert fault_points(evaluate(case, art7_point3_counted_persons="all_team_members")) == []
    unrecorded = make_case({"points": None, "inspection": {"inspectors": 1}})
    assert fault_points(evaluate(unrecorded, art7_point3_counted_persons="all_team_members")) == [
        "art_7__point_3"
    ]


@covers_parameters("art9_point3_prior_fault_basis")
def test_whether_an_earlier_fault_must_have_been_established_to_count_as_a_repeat():
    case = make_case(
        earlier_faults=[
            {"person": "han", "point": "art_7__point_1", "date": "2022-01-10", "established": False}
        ]
    )
    assert "art_9__point_3" not in aggravated(evaluate(case), "han")
    relaxed = evaluate(case, art9_point3_prior_fault_basis="any_recorded_occurrence")
    assert "art_9__point_3" in aggravated(relaxed, "han")


@covers_parameters("art11_point6_decision_maker")
def test_whether_the_decision_maker_is_the_final_decider_or_the_presiding_leader():
    decision = {
        "id": "m",
        "decision_maker": "pang",
        "presiding_leader": "lei",
        "votes": [{"person": "pang", "vote": "for"}, {"person": "lei", "vote": "for"}],
    }
    case = make_case({"collective_decision": decision})
    default = evaluate(case)
    assert "primary" in degrees(default, "pang") and degrees(default, "lei") == {"secondary"}
    presiding = evaluate(case, art11_point6_decision_maker="presiding_leader")
    assert degrees(presiding, "lei") == {"primary"} and "primary" not in degrees(presiding, "pang")


@covers_parameters("art11_point6_chain_effect")
def test_whether_a_collective_decision_displaces_the_chapeau_for_the_handling_chain():
    decision = {"id": "m", "decision_maker": "lei", "votes": [{"person": "lei", "vote": "for"}]}
    case = make_case({"collective_decision": decision})
    assert degrees(evaluate(case), "han") == {"graded"}
    assert degrees(evaluate(case, art11_point6_chain_effect="displace"), "han") == set()


@covers_parameters("art16_close_relatives_definition")
def test_whether_a_support_relation_makes_a_close_relative():
    case = make_case(
        investigation={"investigated": ["han"], "proposed_members": ["ouyang"]},
        relations={"support": [["han", "ouyang"]]},
    )
    assert recusal_status(evaluate(case), "ouyang")[0] == "admitted"
    status, grounds = recusal_status(
        evaluate(case, art16_close_relatives_definition="with_support_relations"), "ouyang"
    )
    assert status == "disqualified" and ("art_16__point_2", "support") in grounds


@covers_parameters("calendar_beyond_coverage")
def test_beyond_the_calendar_the_default_warns_and_user_file_refuses_without_a_file():
    case = procedure(discovered_on="2026-12-28")
    assert status_of(evaluate(case, as_of="2027-02-01"), "initial_review") == "unknown"
    with pytest.raises(ProblemsError, match="--calendar"):
        evaluate(case, as_of="2027-02-01", calendar_beyond_coverage="user_file")
    with_file = evaluate(
        case,
        as_of="2027-02-01",
        calendar_file=FICTITIOUS_2027,
        calendar_beyond_coverage="user_file",
    )
    assert status_of(with_file, "initial_review") != "unknown"


@covers_parameters(
    "art13_forms_exhaustive",
    "art13_forms_combinable",
    "art13_severity_order",
    "art13_point5_nature",
)
def test_the_art13_readings_shape_how_the_available_forms_are_reported():
    default = evaluate(make_case())["sanctions"][0]
    assert (default["exhaustive"], default["combinable"]) == (False, True)
    assert default["severity_order"][0] == ["art_13__point_1", "art_13__point_2", "art_13__point_3"]
    assert default["referral_forms"] == ["art_13__point_5"]
    other = evaluate(
        make_case(),
        art13_forms_exhaustive=True,
        art13_forms_combinable=False,
        art13_severity_order="no_order",
        art13_point5_nature="bureau_sanction",
    )["sanctions"][0]
    assert (
        other["exhaustive"],
        other["combinable"],
        other["severity_order"],
        other["referral_forms"],
    ) == (True, False, None, [])


# --- readings added with the review of Arts. 2, 3, 6-12 and 16-17 ------------------------------


@covers_parameters("art2_personal_fault")
def test_whether_a_member_of_the_chain_without_intent_or_negligence_is_responsible():
    case = make_case({"culpability": [{"person": "shen", "form": "none"}]})
    default = evaluate(case)
    assert degrees(default, "shen") == set() and degrees(default, "han") == {"graded"}
    assert "personal_fault" in open_kinds(default)
    regardless = evaluate(case, art2_personal_fault="chapeau_regardless")
    assert degrees(regardless, "shen") == {"graded"}
    assert "personal_fault" not in open_kinds(regardless)


@covers_parameters("art3_staff_categories")
def test_whether_staff_outside_the_establishment_are_covered():
    case = make_case()
    case["people"][0]["employment"] = "agency"
    default = evaluate(case)
    assert degrees(default, "han") == {"graded"}
    assert [
        p["about"]["person"] for p in default["open_points"] if p["kind"] == "staff_category"
    ] == ["han"]
    narrow = evaluate(case, art3_staff_categories="establishment_only")
    assert degrees(narrow, "han") == set()
    assert "staff_category" not in open_kinds(narrow)


@covers_parameters("art6_own_fault")
def test_whether_correcting_ones_own_fault_earns_a_commendation():
    conduct = [{"person": "han", "conduct": "corrected", "act": "a1", "outstanding": True}]
    case = make_case(commendable_conduct=conduct)
    default = evaluate(case)
    assert default["commendations"] == [] and "own_fault" in open_kinds(default)
    commend = evaluate(case, art6_own_fault="commend")
    assert [c["person"] for c in commend["commendations"]] == ["han"]
    assert "own_fault" not in open_kinds(commend)


@covers_parameters("art7_inspection_chain")
def test_whether_the_chain_also_answers_for_a_fault_during_the_inspection():
    inspection = {"inspectors": 1, "certificate_shown": True, "officers": ["ouyang"]}
    case = make_case({"points": [], "inspection": inspection})
    default = evaluate(case)
    assert degrees(default, "ouyang") == {"graded"}
    assert degrees(default, "shen") == {"graded"}
    flagged = {
        p["about"]["person"] for p in default["open_points"] if p["kind"] == "inspection_chain"
    }
    assert flagged == {"han", "shen", "pang"}
    only = evaluate(case, art7_inspection_chain="officers_only")
    assert degrees(only, "ouyang") == {"graded"}
    assert degrees(only, "han") == set() and degrees(only, "shen") == set()


@covers_parameters("art8_justification_finding")
def test_whether_the_absence_of_a_justification_must_be_found():
    late = {
        "points": [],
        "internal_affairs": {"submitted_on": "2024-05-10", "submit_due": "2024-05-08"},
    }
    case = make_case(late)
    default = evaluate(case)
    assert fault_points(default) == [] and "justification" in open_kinds(default)
    presumed = evaluate(case, art8_justification_finding="presumed_absent")
    assert fault_points(presumed) == ["art_8__point_1"]
    assert "justification" not in open_kinds(presumed)


@covers_parameters("art9_point3_order_unknown")
def test_whether_same_day_faults_of_the_same_type_count_for_each_other():
    acts = [
        {
            "id": f"s{n}",
            "description": "未按规定使用公章",
            "date": "2024-04-01",
            "handler": "han",
            "points": [{"point": "art_8__point_10"}],
        }
        for n in (1, 2)
    ]
    case = make_case(acts=acts)
    default = evaluate(case)
    assert {(a["act"], a["point"]) for a in default["aggravation"]} == {
        ("s1", "art_9__point_3"),
        ("s2", "art_9__point_3"),
    }
    assert "repeat_order" in open_kinds(default)
    apart = evaluate(case, art9_point3_order_unknown="not_counted")
    assert apart["aggravation"] == [] and "repeat_order" in open_kinds(apart)


@covers_parameters("art9_point3_before_commencement")
def test_whether_an_earlier_fault_from_before_the_instrument_counts():
    case = make_case(earlier_faults=[established("art_7__point_1", "2021-06-01")])
    default = evaluate(case)
    assert aggravated(default, "han") == {"art_9__point_3"}
    assert "before_commencement" in open_kinds(default)
    counted = evaluate(case, art9_point3_before_commencement="count")
    assert aggravated(counted, "han") == {"art_9__point_3"}
    assert "before_commencement" not in open_kinds(counted)
    excluded = evaluate(case, art9_point3_before_commencement="exclude")
    assert aggravated(excluded, "han") == set()


@covers_parameters("art9_point4_double_counting")
def test_whether_favouritism_in_a_7_12_fault_also_aggravates_under_9_4():
    case = make_case(
        {"points": [{"point": "art_7__point_12"}]},
        circumstances=[{"act": "a1", "person": "han", "ground": "favoritism"}],
    )
    default = evaluate(case)
    assert aggravated(default, "han") == {"art_9__point_4"}
    assert "double_counting" in open_kinds(default)
    excluded = evaluate(case, art9_point4_double_counting="exclude")
    assert aggravated(excluded, "han") == set()


@covers_parameters("art9_point5_scope")
def test_whether_serious_harm_aggravates_for_everyone_responsible_for_the_fault():
    case = make_case(circumstances=[{"act": "a1", "person": "han", "ground": "serious_harm"}])
    default = evaluate(case)
    assert aggravated(default, "han") == {"art_9__point_5"} and aggravated(default, "shen") == set()
    assert {
        p["about"]["person"] for p in default["open_points"] if p["kind"] == "serious_harm_scope"
    } == {
        "shen",
        "pang",
    }
    everyone = evaluate(case, art9_point5_scope="every_person_responsible")
    assert all(aggravated(everyone, p) == {"art_9__point_5"} for p in ("han", "shen", "pang"))


@covers_parameters("art11_point4_without_reviewer")
def test_whether_11_4_applies_by_analogy_where_there_is_no_reviewer():
    case = make_case(
        {
            "reviewer": None,
            "correct_opinions": ["han"],
            "opinion_changes": [{"by": "pang", "changed": "han"}],
        }
    )
    default = evaluate(case)
    assert degrees(default, "han") == {"graded"} and degrees(default, "pang") == {"graded"}
    assert "correct_opinion" in open_kinds(default)
    analogy = evaluate(case, art11_point4_without_reviewer="apply_by_analogy")
    assert degrees(analogy, "pang") == {"responsible"} and degrees(analogy, "han") == set()


@covers_parameters("art11_point6_dissenting_decider")
def test_whether_a_decision_maker_who_voted_against_is_principally_responsible():
    votes = [{"person": "lei", "vote": "against"}, {"person": "ouyang", "vote": "for"}]
    case = make_case({"collective_decision": {"id": "m", "decision_maker": "lei", "votes": votes}})
    default = evaluate(case)
    assert degrees(default, "lei") == {"primary"} and "dissenting_decider" in open_kinds(default)
    relieved = evaluate(case, art11_point6_dissenting_decider="not_responsible")
    assert degrees(relieved, "lei") == set()
    assert degrees(relieved, "ouyang") == {"secondary"}


@covers_parameters("art11_scope")
def test_whether_the_chapeau_reaches_the_reviewer_of_an_internal_matter():
    case = make_case({"points": [{"point": "art_8__point_10"}]})
    default = evaluate(case)
    assert all(degrees(default, p) == {"graded"} for p in ("han", "shen", "pang"))
    handler_only = evaluate(case, art11_scope="internal_handler_only")
    assert degrees(handler_only, "han") == {"graded"}
    assert degrees(handler_only, "shen") == set() and degrees(handler_only, "pang") == set()


@covers_parameters("art12_inaction_chain")
def test_whether_a_recorded_chain_answers_for_an_omission_beside_the_post_holder():
    case = make_case(
        {
            "reviewer": None,
            "approver": None,
            "handler": "ouyang",
            "inaction": {"duty": "home_visits"},
            "points": [{"point": "art_7__point_4"}],
        }
    )
    default = evaluate(case)
    assert degrees(default, "han") == {"by_post"} and degrees(default, "ouyang") == set()
    assert "inaction_chain" in open_kinds(default)
    both = evaluate(case, art12_inaction_chain="chain_too")
    assert degrees(both, "ouyang") == {"graded"} and degrees(both, "han") == {"by_post"}


@covers_parameters("art17_consequence")
def test_whether_the_art13_forms_are_listed_for_a_liable_investigator():
    case = make_case(investigation={"investigated": ["han"], "investigator_wrong_case": ["lei"]})
    default = evaluate(case)
    assert "lei" in {s["person"] for s in default["sanctions"]}
    assert "investigator" in open_kinds(default)
    unspecified = evaluate(case, art17_consequence="unspecified")
    assert [i["person"] for i in unspecified["investigators"]] == ["lei"]
    assert "lei" not in {s["person"] for s in unspecified["sanctions"]}


def engine_reads() -> set[str]:
    """The parameters read outside the rules, as the policy files name them."""
    return policy().parameters_outside_rules


def parameters_read_by_rules() -> set[str]:
    found: set[str] = set()
    for rule in policy().rules:
        found.update(re.findall(r"\bparam(?:_int|_member)?\(\s*([a-z][a-z0-9_]*)", rule["datalog"]))
        # vote_parameter(abstain, art11_point6_abstained): the rule then reads param(Q, …)
        found.update(
            re.findall(r"\bvote_parameter\(\s*[a-z_]+\s*,\s*([a-z][a-z0-9_]*)", rule["datalog"])
        )
    return found & set(policy().parameter_index)


def test_every_parameter_a_rule_or_computation_reads_has_a_test_of_its_alternatives():
    used = parameters_read_by_rules() | engine_reads()
    assert "art10_tail_reading" in used and "art11_point6_absent" in used
    assert used <= set(policy().parameter_index)
    assert used <= TESTED, f"untested parameters: {sorted(used - TESTED)}"
