"""Time limits as they appear in answers (Arts. 15 and 19): due dates, statuses and their reasons.

Due dates are counted by hand on the State Council holiday schedules (2024: National Day 10-01..07,
make-up working days Sunday 09-29 and Saturday 10-12; 2025: Spring Festival 01-28..02-04), with the
default readings: Art. 15 `5日` = 5 working days, Art. 15 `30日` = 30 calendar days
(a soft target), Art. 19 `30日` = 30 calendar days; the start day is not counted; a last day that
is not a working day rolls over to the next working day.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from engine.answer import answer_case
from engine.policy.load import load_policy

FICTITIOUS_2027 = Path(__file__).resolve().parent / "data" / "calendars" / "fictitious-2027.yaml"


@cache
def policy():
    return load_policy()


def procedure_case(**procedure) -> dict:
    return {
        "case": {"id": "time-limit-test", "title": {"zh": "期限测试", "en": "time limit test"}},
        "people": [{"id": "qi", "name": "齐磊"}, {"id": "lu", "name": "鲁静"}],
        "investigation": {"investigated": ["qi"]},
        "procedure": {"statements_heard": ["qi"], **procedure},
    }


def appeal_case(delivered: str, lodged: str | None = None) -> dict:
    decision = {"person": "qi", "delivered_on": delivered}
    if lodged:
        decision["appeal_lodged_on"] = lodged
    return procedure_case(decisions=[decision])


def evaluate(case: dict, as_of: str, calendar_file=None, **params) -> dict:
    """The explained answer: the counting steps in words are part of the explanations."""
    return answer_case(
        policy(), case, as_of=as_of, parameters=params, calendar_file=calendar_file, explain=True
    ).to_dict()


def period(data: dict, name: str, subject: str = "case") -> dict:
    found = [t for t in data["time_limits"] if t["period"] == name and t["subject"] == subject]
    assert len(found) == 1, found
    return found[0]


# --- Art. 15 initial review: 5 working days ------------------------------------------------------


@pytest.mark.parametrize(
    ("discovered", "due"),
    [
        ("2024-09-27", "2024-10-10"),  # Sunday 09-29 counts, the Golden Week does not
        ("2024-10-01", "2024-10-12"),  # from inside the holiday; Saturday 10-12 is a working day
        ("2024-06-03", "2024-06-11"),  # 04-07, then Monday 06-10 is the Dragon Boat Festival
        ("2025-01-24", "2025-02-07"),  # Sunday 01-26 and Monday 01-27 count, 01-28..02-04 do not
    ],
)
def test_the_initial_review_ends_on_the_fifth_working_day_after_the_report(discovered, due):
    data = evaluate(procedure_case(discovered_on=discovered), as_of="2025-06-01")
    review = period(data, "initial_review")
    assert review["due"] == due
    assert review["counting"]["rule"]["unit"] == "working"
    assert review["cites"] == ["art_15__para_1"]


@pytest.mark.parametrize(
    ("done", "as_of", "expected"),
    [
        ("2024-10-10", "2024-12-01", "met"),
        ("2024-10-11", "2024-12-01", "overdue"),
        (None, "2024-10-08", "running"),
        (None, "2024-10-10", "running"),
        (None, "2024-10-11", "overdue"),
    ],
)
def test_the_initial_review_is_met_overdue_or_running_as_of_the_query_date(done, as_of, expected):
    procedure = {"discovered_on": "2024-09-27"}
    if done:
        procedure["initial_review_done_on"] = done
    review = period(evaluate(procedure_case(**procedure), as_of=as_of), "initial_review")
    assert review["status"] == expected
    assert "art_15__para_1" in review["cites"]


def test_the_national_day_counting_names_the_makeup_sunday_and_the_skipped_holidays():
    review = period(
        evaluate(procedure_case(discovered_on="2024-09-27"), as_of="2024-12-01"), "initial_review"
    )
    steps = " ".join(s["en"] for s in review["counting"]["steps"])
    assert "2024-09-29 (Sunday, National Day make-up working day)" in steps
    assert "2024-10-01 to 2024-10-07" in steps
    steps_zh = " ".join(s["zh"] for s in review["counting"]["steps"])
    assert "调休上班日" in steps_zh


# --- Art. 15 investigation: 30 calendar days, a soft target ------------------------------------


def test_an_investigation_ending_in_the_spring_festival_rolls_over_to_the_first_working_day():
    data = evaluate(procedure_case(filing_decision_on="2025-01-01"), as_of="2025-01-20")
    investigation = period(data, "investigation")
    assert investigation["due"] == "2025-02-05"
    assert investigation["counting"]["rolled_over_from"] == "2025-01-31"
    assert investigation["status"] == "running"


@pytest.mark.parametrize(
    ("closed", "as_of", "expected"),
    [
        ("2025-02-05", "2025-03-01", "met"),
        ("2025-02-06", "2025-03-01", "exceeded_normal_limit"),
        (None, "2025-02-05", "running"),
        (None, "2025-02-06", "exceeded_normal_limit"),
    ],
)
def test_a_late_investigation_exceeds_the_normal_limit_rather_than_breaching_it(
    closed, as_of, expected
):
    procedure = {"filing_decision_on": "2025-01-01"}
    if closed:
        procedure["investigation_closed_on"] = closed
    assert (
        period(evaluate(procedure_case(**procedure), as_of=as_of), "investigation")["status"]
        == expected
    )


# --- Art. 19 appeal: 30 calendar days from delivery ---------------------------------------------


@pytest.mark.parametrize(
    ("delivered", "due"),
    [
        ("2024-11-04", "2024-12-04"),
        ("2024-09-05", "2024-10-08"),  # 10-05 is a National Day holiday
        ("2025-01-02", "2025-02-05"),  # 02-01 falls in the Spring Festival holiday
        ("2024-10-13", "2024-11-12"),
    ],
)
def test_the_appeal_period_ends_thirty_days_after_delivery_rolled_past_holidays(delivered, due):
    appeal = period(evaluate(appeal_case(delivered), as_of="2025-06-01"), "appeal", "qi")
    assert appeal["due"] == due
    assert appeal["name"] == "齐磊"


@pytest.mark.parametrize(
    ("lodged", "as_of", "status", "out_of_time"),
    [
        ("2024-12-04", "2025-01-15", "met", False),
        ("2024-12-05", "2025-01-15", "overdue", True),
        (None, "2024-12-04", "running", False),
        (None, "2024-12-05", "expired", False),
    ],
)
def test_an_appeal_is_in_time_late_running_or_lapsed(lodged, as_of, status, out_of_time):
    appeal = period(evaluate(appeal_case("2024-11-04", lodged), as_of=as_of), "appeal", "qi")
    assert appeal["status"] == status
    assert bool(appeal.get("out_of_time")) is out_of_time
    assert "art_19__para_1" in appeal["cites"]


def test_a_late_appeal_is_only_reported_by_default_and_refused_under_the_inadmissible_reading():
    case = appeal_case("2024-11-04", "2024-12-10")
    assert period(evaluate(case, as_of="2025-01-15"), "appeal", "qi")["inadmissible"] is False
    strict = evaluate(case, as_of="2025-01-15", art19_late_appeal="inadmissible")
    assert period(strict, "appeal", "qi")["inadmissible"] is True
    assert {"id": "art19_late_appeal", "value": "inadmissible"}.items() <= next(
        p for p in strict["parameters"] if p["id"] == "art19_late_appeal"
    ).items()


def test_each_decision_has_its_own_appeal_period():
    case = procedure_case(
        decisions=[
            {"person": "qi", "delivered_on": "2024-11-04", "appeal_lodged_on": "2024-11-10"},
            {"person": "lu", "delivered_on": "2024-11-06"},
        ]
    )
    data = evaluate(case, as_of="2025-01-15")
    assert (period(data, "appeal", "qi")["status"], period(data, "appeal", "lu")["status"]) == (
        "met",
        "expired",
    )
    assert period(data, "appeal", "lu")["due"] == "2024-12-06"


def test_an_appeal_period_cites_article_19_and_not_article_15():
    appeal = period(
        evaluate(appeal_case("2024-11-04", "2024-11-20"), as_of="2025-01-15"), "appeal", "qi"
    )
    assert appeal["cites"] == ["art_19__para_1"]


# --- beyond the official calendar -------------------------------------------------------------


def test_a_period_that_runs_past_2026_has_no_due_date_and_becomes_an_open_point():
    data = evaluate(procedure_case(discovered_on="2026-12-28"), as_of="2027-02-01")
    review = period(data, "initial_review")
    assert review["status"] == "unknown" and "due" not in review
    assert "2027-01-01" in review["error"]["en"] and "2027-01-01" in review["error"]["zh"]
    assert [p["kind"] for p in data["open_points"]] == ["calendar"]


def test_a_period_that_merely_passes_through_2026_is_still_computed():
    data = evaluate(procedure_case(discovered_on="2026-12-21"), as_of="2027-02-01")
    assert period(data, "initial_review")["due"] == "2026-12-28"


def test_a_user_calendar_file_lets_periods_beyond_2026_be_computed():
    case = procedure_case(
        discovered_on="2026-12-28",
        initial_review_done_on="2027-01-06",
        filing_decision_on="2027-01-08",
    )
    data = evaluate(case, as_of="2027-03-01", calendar_file=FICTITIOUS_2027)
    review, investigation = period(data, "initial_review"), period(data, "investigation")
    # 12-29, 12-30, 12-31, then 01-01..03 are (fictitious) holidays: 01-04, 01-05
    assert (review["due"], review["status"]) == ("2027-01-05", "overdue")
    # 01-08 + 30 = Sunday 02-07, inside the fictitious Spring Festival 02-06..14 → Monday 02-15
    assert (investigation["due"], investigation["status"]) == (
        "2027-02-15",
        "exceeded_normal_limit",
    )
    assert not [p for p in data["open_points"] if p["kind"] == "calendar"]


# --- one pair per eId ---------------------------------------------------------------------------

PAIRS = {
    # the limit is breached / kept
    "art_15__para_1": (
        procedure_case(discovered_on="2024-09-27", initial_review_done_on="2024-10-11"),
        procedure_case(discovered_on="2024-09-27", initial_review_done_on="2024-10-10"),
        lambda d: period(d, "initial_review")["status"] == "overdue",
    ),
    # the appeal is out of time / in time
    "art_19__para_1": (
        appeal_case("2024-11-04", "2024-12-05"),
        appeal_case("2024-11-04", "2024-12-04"),
        lambda d: bool(period(d, "appeal", "qi").get("out_of_time")),
    ),
}


def test_every_element_of_arts_15_and_19_cited_by_a_rule_has_a_pair_of_cases():
    cited = {
        eid
        for rule in policy().rules
        for eid in rule["cites"]
        if eid.startswith(("art_15__", "art_19__"))
    }
    assert cited <= set(PAIRS), sorted(cited - set(PAIRS))


@pytest.mark.parametrize("eid", sorted(PAIRS))
def test_each_time_limit_is_breached_in_its_case_and_kept_in_the_contrasting_one(eid):
    breached, kept, holds = PAIRS[eid]
    assert holds(evaluate(breached, as_of="2025-01-15"))
    assert not holds(evaluate(kept, as_of="2025-01-15"))
