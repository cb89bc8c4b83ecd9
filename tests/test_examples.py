"""The worked examples in examples/: each one is answered, and says what it was written to show.

Every expectation below is worked out from the regulation and the default readings of
docs/dev/architecture.md and parameters.yaml, not copied from the engine's output: who is responsible and to what degree,
who is not and why, recusal, and the dates of the time limits (counted by hand on the State
Council holiday schedule).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from engine.answer import answer_case
from engine.case.load import load_case
from engine.policy.load import load_policy

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# The date each example is read on ("today" for running time limits). Every example must be here,
# so that a new example cannot be added without someone writing down what it shows.
AS_OF = {
    "01-reviewer-overturned-correct-opinion.yaml": "2024-12-01",
    "02-handler-intent-misled-reviewer-and-approver.yaml": "2024-12-01",
    "03-reviewer-intent-misled-approver.yaml": "2024-12-01",
    "04-approver-overturned-correct-opinions.yaml": "2024-12-01",
    "05-mixed-exceptions-fall-back-to-chapeau.yaml": "2024-12-01",
    "06-chapeau-default-and-art10-tail.yaml": "2024-12-01",
    "07-internal-affairs-deadlines-and-mitigation.yaml": "2024-12-01",
    "08-leader-instructions-and-objections.yaml": "2024-12-01",
    "09-collective-decision-votes-and-commendation.yaml": "2024-12-01",
    "10-inaction-by-post-spring-festival.yaml": "2025-03-01",
    "11-recusal-close-relatives.yaml": "2024-12-01",
    "12-recusal-wider-blood-relatives.yaml": "2024-12-01",
    "13-recusal-close-in-laws-asymmetric.yaml": "2024-12-01",
    "14-recusal-interest-ties-and-investigator-fault.yaml": "2024-12-01",
    "15-repeat-offence-and-serious-harm.yaml": "2024-12-01",
    "16-statement-not-heard-and-appeals.yaml": "2025-01-15",
    "17-inspection-certificate-and-too-few-inspectors.yaml": "2024-12-01",
    "18-catch-all-alleged-and-confirmed.yaml": "2024-12-01",
    "19-deadlines-beyond-calendar-coverage.yaml": "2027-03-01",
}


@cache
def policy():
    return load_policy()


@cache
def _answer_json(name: str, params: tuple = ()) -> str:
    answer = answer_case(policy(), EXAMPLES / name, as_of=AS_OF[name], parameters=dict(params))
    return json.dumps(answer.to_dict(), ensure_ascii=False)


def answer(name: str, **params) -> dict:
    """A fresh copy of the answer (cached as JSON so a test cannot spoil another's data)."""
    return json.loads(_answer_json(name, tuple(sorted(params.items()))))


def verdict(data: dict, act: str, person: str) -> dict:
    found = [v for v in data["verdicts"] if v["act"] == act and v["person"] == person]
    assert len(found) == 1, f"expected one verdict for {person} on {act}, got {found}"
    return found[0]


def degrees(data: dict, act: str, person: str) -> set[str]:
    v = verdict(data, act, person)
    return {d["degree"] for d in v.get("degrees", [])} if v["verdict"] == "responsible" else set()


def why_not(data: dict, act: str, person: str) -> set[str]:
    v = verdict(data, act, person)
    assert v["verdict"] == "not_responsible", f"{person} on {act} is {v['verdict']}"
    return {r["kind"] for r in v["why_not"]}


def displaced_by(data: dict, act: str, person: str) -> set[str]:
    v = verdict(data, act, person)
    return {r["by"] for r in v.get("why_not", []) if r["kind"] == "displaced"}


def responsible_people(data: dict, act: str) -> set[str]:
    return {
        v["person"] for v in data["verdicts"] if v["act"] == act and v["verdict"] == "responsible"
    }


def recusal(data: dict) -> dict[str, tuple[str, set[tuple[str, str]]]]:
    return {
        r["member"]: (r["status"], {(g["point"], g["relation"]) for g in r.get("grounds", [])})
        for r in data["recusal"]
    }


def period(data: dict, name: str, subject: str = "case") -> dict:
    found = [t for t in data["time_limits"] if t["period"] == name and t["subject"] == subject]
    assert len(found) == 1, f"expected one {name} period for {subject}, got {found}"
    return found[0]


def aggravations(data: dict) -> set[tuple[str, str]]:
    return {(a["person"], a["point"]) for a in data["aggravation"]}


def referrals(data: dict) -> set[tuple[str, str]]:
    return {(r["person"], r["to"]) for r in data["referrals"]}


def mitigation(data: dict, person: str) -> dict:
    found = [m for m in data["mitigation"] if m["person"] == person]
    assert len(found) == 1, f"expected one mitigation entry for {person}, got {found}"
    m = found[0]
    return {
        "grounds": {g["point"] for g in m["grounds"]},
        "available": set(m["available"]),
        "excluded": {x["form"] for x in m["excluded"]},
    }


def open_kinds(data: dict) -> list[str]:
    return [p["kind"] for p in data["open_points"]]


# --- every example: valid, answered in both languages, in text and JSON -------------------------


def example_files() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def test_there_are_at_least_fifteen_examples_and_each_has_a_reading_date_and_expectations():
    names = example_files()
    assert len(names) >= 15
    assert set(names) == set(AS_OF), "every example needs an entry in AS_OF and its own test"


@pytest.mark.parametrize("name", example_files())
def test_every_example_is_named_by_number_and_slug_and_summarised_in_both_languages(name):
    assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.yaml", name), name
    case = load_case(EXAMPLES / name).data["case"]
    for key in ("title", "summary"):
        assert isinstance(case[key], dict), f"{name}: case.{key} must have zh and en"
        assert case[key].get("zh") and case[key].get("en"), f"{name}: case.{key} needs zh and en"
        assert re.search(r"[\u4e00-\u9fff]", case[key]["zh"]), (
            f"{name}: case.{key}.zh is not Chinese"
        )


@pytest.mark.parametrize("name", example_files())
def test_every_example_is_answered_in_chinese_and_english_text_and_json(name):
    result = answer_case(policy(), EXAMPLES / name, as_of=AS_OF[name])
    data = result.to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    title = load_case(EXAMPLES / name).data["case"]["title"]
    for lang, heading in (("zh", "二、责任认定"), ("en", "2. Responsibility")):
        for text in (result.render(lang), result.explain(lang)):
            assert title[lang] in text
            assert heading in text
    assert data["faults"] or data["recusal"] or data["time_limits"], "the example shows nothing"


# --- Art. 11 ---------------------------------------------------------------------------------


def test_a_reviewer_who_overturned_a_correct_opinion_is_the_one_responsible():
    data = answer("01-reviewer-overturned-correct-opinion.yaml")
    act = "penalty_2024_017"
    assert degrees(data, act, "wang_jianguo") == {"responsible"}
    for other in ("zhang_li", "liu_zhiqiang"):
        assert why_not(data, act, other) == {"displaced"}
        assert displaced_by(data, act, other) == {"art_11__point_3"}
    assert [s["person"] for s in data["sanctions"]] == ["wang_jianguo"]
    assert {r["member"]: r["status"] for r in data["recusal"]} == {
        "zhao_min": "admitted",
        "sun_hao": "admitted",
    }


def test_national_day_2024_stretches_five_working_days_from_27_september_to_10_october():
    data = answer("01-reviewer-overturned-correct-opinion.yaml")
    review = period(data, "initial_review")
    assert (review["start"], review["due"], review["status"]) == ("2024-09-27", "2024-10-10", "met")
    noted = {
        (d["date"], d.get("until")): (d["kind"], d["treatment"])
        for d in review["counting"]["noted_days"]
    }
    # the Sunday 29 September was a 调休 working day and counts; the seven holidays do not
    assert noted[("2024-09-29", None)] == ("makeup_working_day", "counted")
    assert noted[("2024-10-01", "2024-10-07")] == ("holiday", "skipped")
    investigation = period(data, "investigation")
    # 2024-10-11 + 30 days = Sunday 2024-11-10, rolled over to Monday 2024-11-11
    assert (investigation["due"], investigation["status"]) == ("2024-11-11", "met")
    appeal = period(data, "appeal", "wang_jianguo")
    assert (appeal["due"], appeal["status"]) == ("2024-12-20", "running")


def test_a_handler_who_deliberately_misled_the_review_and_approval_is_alone_responsible():
    data = answer("02-handler-intent-misled-reviewer-and-approver.yaml")
    act = "dibao_approval_2024_0418"
    assert degrees(data, act, "li_hongmei") == {"responsible"}
    for other in ("chen_gang", "zhou_jianhua"):
        assert displaced_by(data, act, other) == {"art_11__point_1"}
    assert aggravations(data) == {("li_hongmei", "art_9__point_4")}
    assert referrals(data) == {("li_hongmei", "judicial"), ("li_hongmei", "discipline")}
    assert [s["person"] for s in data["sanctions"]] == ["li_hongmei"]


def test_a_reviewer_named_by_two_points_is_no_mixed_case_and_refusal_and_retaliation_aggravate():
    data = answer("03-reviewer-intent-misled-approver.yaml")
    act = "cemetery_inspection_2024_06"
    assert degrees(data, act, "guo_zhiyuan") == {"responsible"}
    # Art. 11(2) (intent misled the approver) and 11(3) (changed the correct opinion) both name him
    for other in ("ma_xiaodong", "han_weidong"):
        assert why_not(data, act, other) == {"displaced"}
        assert displaced_by(data, act, other) == {"art_11__point_2", "art_11__point_3"}
    assert aggravations(data) == {
        ("guo_zhiyuan", "art_9__point_1"),
        ("guo_zhiyuan", "art_9__point_2"),
    }
    assert data["mitigation"] == []


def test_an_approver_who_overrode_both_correct_opinions_is_responsible_and_repays_compensation():
    data = answer("04-approver-overturned-correct-opinions.yaml")
    act = "revocation_2024_009"
    assert degrees(data, act, "hu_jianjun") == {"responsible"}
    for other in ("yang_fan", "wu_jing"):
        assert displaced_by(data, act, other) == {"art_11__point_4"}
    assert referrals(data) == {("hu_jianjun", "compensation_recovery")}


def test_exceptions_naming_different_people_fall_back_to_the_chapeau_and_intent_is_recovered():
    data = answer("05-mixed-exceptions-fall-back-to-chapeau.yaml")
    act = "marriage_registration_2024_0709"
    for person in ("liu_qian", "zhao_lei", "zhou_min"):
        assert degrees(data, act, person) == {"graded"}
    # intent → recovery; the approver's ordinary negligence → none, and nothing left open about it
    assert referrals(data) == {
        ("liu_qian", "compensation_recovery"),
        ("zhao_lei", "compensation_recovery"),
    }
    assert "recovery" not in open_kinds(data)


def test_under_the_apply_each_item_reading_the_mixed_case_names_the_handler_and_the_reviewer():
    data = answer(
        "05-mixed-exceptions-fall-back-to-chapeau.yaml", art11_mixed_cases="apply_each_item"
    )
    act = "marriage_registration_2024_0709"
    assert degrees(data, act, "liu_qian") == {"responsible"}
    assert degrees(data, act, "zhao_lei") == {"responsible"}
    assert why_not(data, act, "zhou_min") == {"displaced"}


def test_without_an_exception_handler_reviewer_and_approver_are_all_responsible_by_fault():
    data = answer("06-chapeau-default-and-art10-tail.yaml")
    act = "care_home_fine_2024_021"
    assert responsible_people(data, act) == {"wang_fang", "li_qiang", "zhang_wei"}
    for person in ("wang_fang", "li_qiang", "zhang_wei"):
        assert degrees(data, act, person) == {"graded"}
    assert aggravations(data) == {("wang_fang", "art_9__point_4")}


ALL_FORMS = {"lighter", "mitigated", "exempted"}

# Art. 10 tail 但有第七条规定情形的除外, on an Art. 7(7) fault (not an intentional item):
# Wang Fang has 10(1) and is aggravated under 9(4); Li Qiang has 10(2) and is not aggravated.
TAIL_READINGS = {
    "literal": {"wang_fang": set(), "li_qiang": set()},
    "meant_art_9": {"wang_fang": set(), "li_qiang": ALL_FORMS},
    "only_exemption": {"wang_fang": {"lighter", "mitigated"}, "li_qiang": {"lighter", "mitigated"}},
    "only_intentional_art7": {"wang_fang": ALL_FORMS, "li_qiang": ALL_FORMS},
}


@pytest.mark.parametrize("reading", sorted(TAIL_READINGS))
def test_each_reading_of_the_art10_tail_leaves_the_expected_forms_of_leniency(reading):
    data = answer("06-chapeau-default-and-art10-tail.yaml", art10_tail_reading=reading)
    assert mitigation(data, "wang_fang")["grounds"] == {"art_10__point_1"}
    assert mitigation(data, "li_qiang")["grounds"] == {"art_10__point_2"}
    for person, available in TAIL_READINGS[reading].items():
        m = mitigation(data, person)
        assert m["available"] == available, (reading, person)
        assert m["excluded"] == ALL_FORMS - available, (reading, person)
    relied_on = {p["id"]: p["value"] for p in data["parameters"]}
    assert relied_on["art10_tail_reading"] == reading


def test_internal_affairs_faults_are_computed_from_dates_and_sign_off_and_leniency_stays_open():
    data = answer("07-internal-affairs-deadlines-and-mitigation.yaml")
    faults = {f["act"]: (f["fault"], f["points"], f["kinds"]) for f in data["faults"]}
    assert faults["letter_2024_0502"] == (True, ["art_8__point_1"], ["internal"])
    assert faults["notice_2024_0520"] == (True, ["art_8__point_8"], ["internal"])
    assert faults["annual_inspection_notice_2024"] == (True, ["art_8__point_9"], ["internal"])
    # late, but for a good reason: not a fault, and nobody is responsible for it
    assert faults["letter_2024_0610"] == (False, [], [])
    assert why_not(data, "letter_2024_0610", "feng_yu") == {"rule_not_met"}
    # never passed on and the due date long past, but nobody has found whether there was a reason:
    # 无正当理由 is not presumed, so it is no fault yet and a person must decide (Art. 8(1))
    assert faults["letter_2024_0805"] == (False, [], [])
    waiting = [p for p in data["open_points"] if p["kind"] == "justification"]
    assert [(p["about"]["act"], p["cites"]) for p in waiting] == [
        ("letter_2024_0805", ["art_8__point_1"])
    ]
    assert degrees(data, "notice_2024_0520", "deng_hua") == {"graded"}
    expected = {
        "chen_jing": "art_10__point_1",
        "huang_lei": "art_10__point_2",
        "xu_li": "art_10__point_3",
    }
    for person, point in expected.items():
        assert mitigation(data, person) == {
            "grounds": {point},
            "available": ALL_FORMS,
            "excluded": set(),
        }
    assert open_kinds(data).count("discretion") == 3


def test_an_instructing_leader_is_directly_responsible_and_an_objector_cleared_only_if_lawful():
    data = answer("08-leader-instructions-and-objections.yaml")
    acts = ("penalty_evidence_cut_short", "penalty_forged_record", "penalty_below_standard")
    for act in acts:
        assert degrees(data, act, "zhao_guoqing") == {"direct"}
        assert degrees(data, act, "zheng_li") == {"graded"}
    # objected, not manifestly unlawful → cleared
    assert why_not(data, "penalty_evidence_cut_short", "sun_yue") == {"cleared_subordinate"}
    # objected, but forging a record is manifestly unlawful → still responsible
    assert degrees(data, "penalty_forged_record", "zhou_tao") == {"graded"}
    # did not object → responsible
    assert degrees(data, "penalty_below_standard", "wu_lei") == {"graded"}
    # the leader is recorded as a leader and is bureau staff: nothing about 11(5) is left open
    assert not {"leader_status", "outside_instruction"} & set(open_kinds(data))


def test_a_collective_decision_makes_the_decider_primary_supporters_secondary_and_opponents_free():
    data = answer("09-collective-decision-votes-and-commendation.yaml")
    act = "revocation_by_meeting_2024_10"
    assert degrees(data, act, "wang_jianping") == {"primary"}
    assert degrees(data, act, "li_wei") == {"secondary"}
    # the handler also voted for it: secondary under 11(6), and still graded under the chapeau
    # (art11_point6_chain_effect=chain_remains, the default); which basis governs is left open
    assert degrees(data, act, "chen_chen") == {"graded", "secondary"}
    bases = [p["about"]["person"] for p in data["open_points"] if p["kind"] == "multiple_bases"]
    assert bases == ["chen_chen"]
    assert why_not(data, act, "zhang_min") == {"cleared_by_vote"}
    for person, vote in (("liu_yang", "abstain"), ("he_tao", "absent")):
        v = verdict(data, act, person)
        assert v["verdict"] == "not_responsible"
        assert [r.get("vote") for r in v["why_not"] if r["kind"] == "cleared_by_vote"] == [vote]
    flagged = {p["about"]["person"] for p in data["open_points"] if p["kind"] == "vote"}
    assert flagged == {"liu_yang", "he_tao"}
    # the reviewer did not vote: under the default chain_remains he stays responsible under the chapeau
    assert degrees(data, act, "wu_tao") == {"graded"}


def test_only_outstanding_conduct_by_staff_is_commended():
    data = answer("09-collective-decision-votes-and-commendation.yaml")
    assert [(c["person"], c["conduct"]) for c in data["commendations"]] == [
        ("lin_xiaoyu", "stopped")
    ]


# --- Art. 12, Art. 15 ---------------------------------------------------------------------------


def test_inaction_is_charged_to_those_holding_the_post_with_the_duty_when_it_went_unperformed():
    data = answer("10-inaction-by-post-spring-festival.yaml")
    act = "care_home_complaints_2024"
    assert degrees(data, act, "ma_li") == {"by_post"}
    # a public-welfare post holder is covered by default (Art. 3), and the point is flagged
    assert degrees(data, act, "feng_jun") == {"by_post"}
    flagged = [p["about"]["person"] for p in data["open_points"] if p["kind"] == "staff_category"]
    assert flagged == ["feng_jun"]
    # held the post until 2024-08-31, before the duty went unperformed on 2024-09-20 (Art. 12)
    assert why_not(data, act, "zhao_hong") == {"rule_not_met"}
    # a post without the duty is not in the chain at all
    assert "tian_ye" not in {v["person"] for v in data["verdicts"]}
    assert [s["person"] for s in data["sanctions"]] == ["feng_jun", "ma_li"]
    assert data["faults"][0]["kinds"] == ["enforcement", "inaction"]


def test_a_thirty_day_investigation_ending_in_the_spring_festival_rolls_over_to_5_february_2025():
    data = answer("10-inaction-by-post-spring-festival.yaml")
    investigation = period(data, "investigation")
    counting = investigation["counting"]
    assert (investigation["start"], investigation["due"], investigation["status"]) == (
        "2025-01-01",
        "2025-02-05",
        "met",
    )
    assert counting["rolled_over"] is True
    assert counting["rolled_over_from"] == "2025-01-31"
    review = period(data, "initial_review")
    # 2024-12-24 (Tuesday) + 5 working days: 25, 26, 27, 30, 31 December
    assert (review["due"], review["status"]) == ("2024-12-31", "met")


# --- Art. 16 ------------------------------------------------------------------------------------


def test_the_party_and_each_kind_of_close_relative_are_barred_from_the_investigation_group():
    status = recusal(answer("11-recusal-close-relatives.yaml"))
    expected = {
        "zheng_hai": ("art_16__point_1", "party"),
        "lin_fang": ("art_16__point_2", "spouse"),
        "zheng_li": ("art_16__point_2", "sibling"),
        "han_jianhua": ("art_16__point_2", "parent"),
        "han_wenbin": ("art_16__point_2", "grandparent"),
        "feng_xiao": ("art_16__point_2", "child"),
        "feng_yiming": ("art_16__point_2", "grandchild"),
    }
    for member, ground in expected.items():
        assert status[member][0] == "disqualified", member
        assert ground in status[member][1], member
    assert status["sun_hao"] == ("admitted", set())


def test_lineal_relatives_and_collateral_relatives_within_three_generations_are_barred():
    status = recusal(answer("12-recusal-wider-blood-relatives.yaml"))
    assert status["gao_zhenshan"] == ("disqualified", {("art_16__point_2", "lineal")})
    collateral = ("art_16__point_2", "collateral_within_three_generations")
    for member in ("gao_jianjun", "gao_ting", "luo_xiaojun"):  # uncle, cousin, nephew
        assert status[member] == ("disqualified", {collateral}), member
    # a great-uncle shares an ancestor three generations up: beyond the limit of item (2), but
    # still a blood relative, so flagged under item (3) rather than admitted
    assert status["gao_ren"] == ("needs_finding", {("art_16__point_3", "distant_relative")})
    assert status["pan_yue"] == ("admitted", set())


def test_each_close_in_law_is_barred_and_the_asymmetric_list_is_checked_from_both_sides():
    data = answer("13-recusal-close-in-laws-asymmetric.yaml")
    status = recusal(data)
    # the member's relation to the party, and (where the list gives one) the party's to the member
    expected = {
        "chen_zhi": {"spouse_parent", "child_spouse"},  # Huang is his daughter's husband
        "chen_gang": {
            "spouse_sibling",
            "collateral_relative_spouse",
        },  # Huang: his sister's husband
        "wu_jing": {"spouse_sibling_spouse"},
        "lin_tao": {"child_spouse", "spouse_parent"},  # Huang is his wife's father
        "lin_guohua": {"child_spouse_parent"},
        "zhao_xue": {"collateral_relative_spouse"},  # the member is the party's cousin's spouse
        # from the party's side a spouse's cousin is on no list; from the member's side the party is
        # his cousin's spouse: either direction bars
        "zhou_peng": {"collateral_relative_spouse"},
    }
    for member, relations in expected.items():
        assert status[member] == (
            "disqualified",
            {("art_16__point_2", r) for r in relations},
        ), member
    assert status["ye_qing"] == ("admitted", set())
    assert "interest" not in open_kinds(data)


def test_interest_ties_are_flagged_and_a_human_finding_decides_them_either_way():
    data = answer("14-recusal-interest-ties-and-investigator-fault.yaml")
    status = recusal(data)
    assert status["he_ping"] == ("needs_finding", {("art_16__point_3", "complainant")})
    assert status["tang_ning"] == ("needs_finding", {("art_16__point_3", "former_spouse")})
    assert status["deng_chao"] == ("disqualified", {("art_16__point_3", "superior")})
    assert status["xu_liang"] == ("admitted", set())
    assert status["liang_chen"] == ("admitted", set())


def test_an_investigator_whose_serious_fault_caused_a_wrong_case_is_liable_under_art17():
    data = answer("14-recusal-interest-ties-and-investigator-fault.yaml")
    assert [i["person"] for i in data["investigators"]] == ["feng_lei"]
    assert "art_17__para_1" in data["investigators"][0]["cites"]
    sanctioned = {s["person"] for s in data["sanctions"]}
    assert "feng_lei" in sanctioned
    assert "feng_lei" not in {v["person"] for v in data["verdicts"]}


# --- Arts. 9, 18, 19, 7 -------------------------------------------------------------------------


def test_a_repeat_of_the_same_point_and_serious_harm_aggravate_but_another_type_does_not():
    data = answer("15-repeat-offence-and-serious-harm.yaml")
    assert aggravations(data) == {("wei_qiang", "art_9__point_3"), ("wei_qiang", "art_9__point_5")}
    flagged = {(p["kind"], p["about"]["person"]) for p in data["open_points"]}
    assert {
        ("aggravation", "tian_tian"),  # 总队 is not this bureau (Art. 9(5))
        ("serious_harm_scope", "tian_tian"),  # the serious damage is recorded against Wei only
        ("before_commencement", "wei_qiang"),  # Wei's earlier fault is from 2022
    } <= flagged
    assert "established" not in open_kinds(data)  # both earlier faults say they were established


def test_an_unheard_statement_is_a_procedural_defect_and_appeals_are_in_time_late_or_lapsed():
    data = answer("16-statement-not-heard-and-appeals.yaml")
    assert [(d["person"], d["point"]) for d in data["procedural_defects"]] == [
        ("cao_yang", "art_18__para_1")
    ]
    assert not data["result_withheld"]
    act = "operating_subsidy_2024_q1"
    assert responsible_people(data, act) == {"luo_juan", "jiang_tao", "cao_yang"}
    # delivered Monday 2024-11-04; + 30 days = Wednesday 2024-12-04, a working day
    luo, jiang, cao = (period(data, "appeal", p) for p in ("luo_juan", "jiang_tao", "cao_yang"))
    assert {luo["due"], jiang["due"], cao["due"]} == {"2024-12-04"}
    assert luo["status"] == "met" and not luo.get("out_of_time")
    assert jiang["status"] == "overdue" and jiang["out_of_time"] is True
    assert jiang["inadmissible"] is False  # default: reported as out of time, not refused
    assert cao["status"] == "expired"
    review, investigation = period(data, "initial_review"), period(data, "investigation")
    assert (review["due"], review["status"]) == ("2024-08-26", "met")
    assert (investigation["due"], investigation["status"]) == (
        "2024-09-27",
        "exceeded_normal_limit",
    )


def test_one_inspector_and_an_unshown_certificate_are_faults_but_a_contradicted_claim_is_not():
    data = answer("17-inspection-certificate-and-too-few-inspectors.yaml")
    faults = {f["act"]: (f["fault"], f["points"]) for f in data["faults"]}
    assert faults["fire_inspection_lone_inspector"] == (True, ["art_7__point_3"])
    assert faults["fire_inspection_no_certificate"] == (True, ["art_7__point_2"])
    assert faults["fire_inspection_disputed_headcount"] == (False, [])
    contradicted = [p for p in data["open_points"] if p["kind"] == "contradicted"]
    assert [(p["about"]["act"], p["about"]["point"]) for p in contradicted] == [
        ("fire_inspection_disputed_headcount", "art_7__point_3")
    ]
    # the two officers who inspected answer for the unshown certificates (Art. 7 lead-in) …
    for officer in ("yuan_bo", "kong_yue"):
        assert degrees(data, "fire_inspection_no_certificate", officer) == {"graded"}
    # … and the approver who was not there is still responsible under the chapeau, flagged
    assert degrees(data, "fire_inspection_no_certificate", "wei_min") == {"graded"}
    chain = [p["about"]["person"] for p in data["open_points"] if p["kind"] == "inspection_chain"]
    assert chain == ["wei_min"]
    assert why_not(data, "fire_inspection_disputed_headcount", "qiu_lin") == {"rule_not_met"}


def test_a_catch_all_point_applies_only_once_a_person_has_confirmed_it():
    data = answer("18-catch-all-alleged-and-confirmed.yaml")
    faults = {f["act"]: (f["fault"], f["points"]) for f in data["faults"]}
    assert faults["change_registration_2024_31"] == (False, [])
    assert faults["founding_registration_2024_07"] == (True, ["art_7__point_17"])
    assert faults["seal_use_2024_11"] == (True, ["art_8__point_11"])
    waiting = [p for p in data["open_points"] if p["kind"] == "catch_all"]
    assert [(p["about"]["act"], p["about"]["point"]) for p in waiting] == [
        ("change_registration_2024_31", "art_7__point_17")
    ]
    assert why_not(data, "change_registration_2024_31", "lu_ming") == {"rule_not_met"}


def test_time_limits_running_into_2027_have_no_due_date_and_say_a_calendar_is_needed():
    data = answer("19-deadlines-beyond-calendar-coverage.yaml")
    for name in ("initial_review", "investigation"):
        p = period(data, name)
        assert p["status"] == "unknown"
        assert "due" not in p
        assert "2026-12-31" in p["error"]["en"] and "--calendar" in p["error"]["en"]
    calendar_points = [p for p in data["open_points"] if p["kind"] == "calendar"]
    assert len(calendar_points) == 2
    assert all(p["cites"] == ["art_15__para_1"] for p in calendar_points)
    relied_on = {p["id"] for p in data["parameters"]}
    assert "calendar_beyond_coverage" in relied_on
