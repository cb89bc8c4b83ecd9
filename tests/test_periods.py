"""Time limits of Arts. 15 and 19 counted on real dates of the official schedule.

Expected dates below were worked out by hand from the State Council notices and are cross-checked
against the ``chinese-calendar`` package where the test depends on a 调休 day.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.answer.periods import period_rule
from engine.dates.calendar import (
    CalendarCoverageError,
    ChainedCalendar,
    FileCalendar,
    HolidayCalendar,
    OfficialCalendar,
    load_calendar_file,
    official_calendar,
)
from engine.dates.counting import (
    DueDate,
    PeriodRule,
    compute_due,
    status,
)
from engine.policy.load import load_policy
from engine.problems import ProblemsError

CALENDARS = Path(__file__).parent / "data" / "calendars"
OFFICIAL = official_calendar()


def _default_rules() -> dict[str, PeriodRule]:
    """The periods of Arts. 15 and 19 as the policy defines them, under the default readings."""
    policy = load_policy()
    defaults = {pid: p["default"] for pid, p in policy.parameter_index.items()}
    return {d["id"]: period_rule(d, defaults) for d in policy.periods}


_RULES = _default_rules()
ART15_INITIAL_REVIEW = _RULES["initial_review"]
ART15_INVESTIGATION = _RULES["investigation"]
ART19_APPEAL = _RULES["appeal"]


def noted(due: DueDate, treatment: str) -> list[tuple[str, str, str | None]]:
    return [
        (n.info.day.isoformat(), n.info.kind, n.info.name_zh)
        for n in due.noted_days
        if n.treatment == treatment
    ]


def problems_of(path: Path) -> dict[str, tuple[int | None, str, str]]:
    with pytest.raises(ProblemsError) as caught:
        load_calendar_file(path)
    for p in caught.value.problems:
        assert p.file == str(path)
    return {p.where: (p.line, p.message, p.expected) for p in caught.value.problems}


# --- the official calendar -------------------------------------------------------------------


def test_the_official_calendar_covers_exactly_the_years_the_package_can_answer():
    first, last = OFFICIAL.coverage
    assert (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
    chinese_calendar.is_workday(first)
    chinese_calendar.is_workday(last)
    for outside in (first - timedelta(days=1), last + timedelta(days=1)):
        assert not OFFICIAL.covers(outside)
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(outside)


def test_the_official_calendar_names_holidays_in_chinese_and_english():
    assert OFFICIAL.holiday_name(date(2024, 10, 1)) == "国庆节 National Day"
    assert OFFICIAL.holiday_name(date(2024, 9, 17)) == "中秋节 Mid-autumn Festival"
    assert OFFICIAL.holiday_name(date(2024, 9, 28)) is None  # an ordinary Saturday
    assert OFFICIAL.holiday_name(date(2024, 9, 29)) is None  # a make-up working Sunday
    assert not OFFICIAL.is_working_day(date(2024, 9, 28))


def test_the_national_day_2024_make_up_days_are_the_sunday_before_and_the_saturday_after():
    for d in (date(2024, 9, 29), date(2024, 10, 12)):
        assert d.weekday() >= 5 and chinese_calendar.is_workday(d)
        assert OFFICIAL.is_makeup_working_day(d) and OFFICIAL.is_working_day(d)
    assert not OFFICIAL.is_makeup_working_day(date(2024, 10, 8))  # an ordinary Tuesday
    assert isinstance(OFFICIAL, HolidayCalendar)


# --- working days --------------------------------------------------------------------------


def test_five_working_days_from_the_friday_before_national_day_skip_the_holiday_week():
    due = compute_due(ART15_INITIAL_REVIEW, date(2024, 9, 27), OFFICIAL)
    assert due.due == date(2024, 10, 10)
    assert due.first_counted_day == date(2024, 9, 28)
    assert not due.rolled_over
    assert noted(due, "counted") == [("2024-09-29", "makeup_working_day", "国庆节")]
    skipped = noted(due, "skipped")
    assert skipped[0] == ("2024-09-28", "rest_day", None)
    assert [d for d, _, _ in skipped[1:]] == [f"2024-10-0{i}" for i in range(1, 8)]
    assert {name for _, _, name in skipped[1:]} == {"国庆节"}
    assert due.steps[0].zh.startswith("起算日2024-09-27（星期五）不计入")
    assert "2024-10-01至2024-10-07（国庆节法定节假日）" in due.steps[3].zh
    assert "National Day make-up working day" in due.steps[2].en
    assert len(chinese_calendar.get_workdays(due.first_counted_day, due.due)) == 5


def test_a_start_on_the_make_up_sunday_is_not_counted_so_the_period_ends_a_day_later():
    start = date(2024, 9, 29)
    excluded = compute_due(ART15_INITIAL_REVIEW, start, OFFICIAL)
    included = compute_due(replace(ART15_INITIAL_REVIEW, exclude_start_day=False), start, OFFICIAL)
    assert excluded.due == date(2024, 10, 11)
    assert included.due == date(2024, 10, 10)
    assert included.first_counted_day == start
    assert "计入期间，为第1日" in included.steps[0].zh


def test_the_make_up_saturday_after_national_day_counts_as_a_working_day():
    due = compute_due(ART15_INITIAL_REVIEW, date(2024, 10, 8), OFFICIAL)
    # 10-09, 10-10, 10-11, Saturday 10-12 (调休上班), Sunday 10-13 off, 10-14.
    assert due.due == date(2024, 10, 14)
    assert noted(due, "counted") == [("2024-10-12", "makeup_working_day", "国庆节")]
    assert noted(due, "skipped") == [("2024-10-13", "rest_day", None)]
    assert "第4日2024-10-12（星期六，国庆节调休上班日）" in due.steps[2].zh


def test_with_the_start_day_included_a_start_on_a_rest_day_is_simply_not_counted():
    rule = replace(ART15_INITIAL_REVIEW, exclude_start_day=False)
    due = compute_due(rule, date(2024, 9, 28), OFFICIAL)  # ordinary Saturday
    assert due.due == date(2024, 10, 10)
    assert noted(due, "skipped")[0] == ("2024-09-28", "rest_day", None)


# --- calendar days -------------------------------------------------------------------------


def test_an_appeal_period_ending_in_spring_festival_2025_rolls_over_to_the_next_working_day():
    due = compute_due(ART19_APPEAL, date(2025, 1, 1), OFFICIAL)
    assert due.rolled_over_from == date(2025, 1, 31)
    assert due.due == date(2025, 2, 5)
    assert chinese_calendar.is_workday(due.due)
    assert noted(due, "passed_over") == [
        (d, "holiday", "春节")
        for d in ("2025-01-31", "2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04")
    ]
    assert ("2025-01-26", "makeup_working_day", "春节") in noted(due, "counted")
    assert "民法典第二百零三条第一款" in due.steps[3].zh
    assert "Civil Code Art. 203(1)" in due.steps[3].en


def test_an_investigation_ending_in_spring_festival_2026_rolls_over_past_the_nine_day_break():
    due = compute_due(ART15_INVESTIGATION, date(2026, 1, 17), OFFICIAL)
    assert (due.rolled_over_from, due.due) == (date(2026, 2, 16), date(2026, 2, 24))
    assert len(noted(due, "passed_over")) == 8
    assert any("一般" in s.zh for s in due.steps)


def test_without_roll_over_a_calendar_day_period_ends_on_the_holiday_itself():
    rule = replace(ART19_APPEAL, roll_over_holidays=False)
    due = compute_due(rule, date(2025, 1, 1), OFFICIAL)
    assert due.due == date(2025, 1, 31)
    assert not due.rolled_over
    assert not chinese_calendar.is_workday(due.due)


def test_including_the_start_day_ends_a_calendar_day_period_one_day_earlier():
    start = date(2024, 5, 6)
    excluded = compute_due(ART19_APPEAL, start, OFFICIAL)
    included = compute_due(replace(ART19_APPEAL, exclude_start_day=False), start, OFFICIAL)
    assert excluded.due == date(2024, 6, 5)
    assert included.due == date(2024, 6, 4)


def test_a_due_date_is_plain_json_and_the_same_every_time():
    a = compute_due(ART19_APPEAL, date(2025, 1, 1), OFFICIAL).to_dict()
    b = compute_due(ART19_APPEAL, date(2025, 1, 1), OfficialCalendar()).to_dict()
    text = json.dumps(a, ensure_ascii=False, sort_keys=True)
    assert text == json.dumps(b, ensure_ascii=False, sort_keys=True)
    assert json.loads(text) == a
    assert a["due"] == "2025-02-05" and a["rolled_over_from"] == "2025-01-31"


# --- coverage ------------------------------------------------------------------------------


def test_a_date_beyond_the_package_schedule_raises_a_coverage_error_naming_the_remedy():
    first, last = OFFICIAL.coverage
    beyond = date(last.year + 1, 1, 4)
    with pytest.raises(CalendarCoverageError) as caught:
        compute_due(ART15_INITIAL_REVIEW, beyond, OFFICIAL)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert "--calendar FILE" in message
    assert first.isoformat() in message and last.isoformat() in message
    assert (
        "超出节假日日历的覆盖范围" in message
        and "outside the holiday calendar's coverage" in message
    )
    assert caught.value.coverage == (first, last)


def test_a_working_day_period_that_runs_past_the_schedule_raises_instead_of_guessing():
    last = OFFICIAL.coverage[1]
    with pytest.raises(CalendarCoverageError) as caught:
        compute_due(ART15_INITIAL_REVIEW, last - timedelta(days=2), OFFICIAL)
    assert caught.value.day == last + timedelta(days=1)


def test_a_calendar_day_period_past_the_schedule_answers_only_when_no_roll_over_is_needed():
    last = OFFICIAL.coverage[1]
    start = last - timedelta(days=10)
    with pytest.raises(CalendarCoverageError):
        compute_due(ART19_APPEAL, start, OFFICIAL)
    due = compute_due(replace(ART19_APPEAL, roll_over_holidays=False), start, OFFICIAL)
    assert due.due == start + timedelta(days=30)
    assert len(due.warnings) == 1
    assert (last + timedelta(days=1)).isoformat() in due.warnings[0].en


def test_the_same_date_works_with_a_user_calendar_file():
    calendar = load_calendar_file(CALENDARS / "fictitious-2027.yaml")
    assert not OFFICIAL.covers(date(2027, 9, 30)), "package now covers 2027: pick a later year"
    due = compute_due(ART15_INITIAL_REVIEW, date(2027, 9, 30), calendar)
    # 10-01..10-07 off; 10-08 Fri, make-up Saturday 10-09, then 10-11, 10-12, 10-13.
    assert due.due == date(2027, 10, 13)
    assert noted(due, "counted") == [("2027-10-09", "makeup_working_day", "国庆节")]
    assert "fictitious-2027.yaml" in due.calendar_source
    assert calendar.holiday_name(date(2027, 4, 5)) == "清明节 Tomb-sweeping Day"
    with pytest.raises(CalendarCoverageError):
        calendar.is_working_day(date(2028, 1, 3))


def test_a_chained_calendar_counts_across_the_end_of_the_official_schedule():
    user = load_calendar_file(CALENDARS / "fictitious-2027.yaml")
    chained = ChainedCalendar([user, OFFICIAL])
    assert chained.coverage == (OFFICIAL.coverage[0], date(2027, 12, 31))
    due = compute_due(ART15_INITIAL_REVIEW, date(2026, 12, 28), chained)
    # 12-29, 12-30, 12-31 (official data), 2027-01-01..03 off (user file), 01-04, 01-05.
    assert due.due == date(2027, 1, 5)
    gap = FileCalendar("later", "test", (date(2029, 1, 1), date(2029, 12, 31)), {})
    with pytest.raises(ValueError, match="gap"):
        ChainedCalendar([gap, OFFICIAL])


def test_a_tab_indented_json_calendar_file_is_read_like_yaml():
    calendar = load_calendar_file(CALENDARS / "fictitious-2027-01.json")
    assert calendar.holiday_name(date(2027, 1, 2)) == "元旦 New Year's Day"
    assert calendar.is_makeup_working_day(date(2027, 1, 9))
    assert not calendar.is_working_day(date(2027, 1, 10))  # an ordinary Sunday
    assert calendar.is_working_day(date(2027, 1, 11))


# --- malformed calendar files --------------------------------------------------------------


def test_a_calendar_file_breaking_the_schema_is_reported_by_json_path_and_line():
    found = problems_of(CALENDARS / "bad-schema.yaml")
    assert set(found) == {"$.holidays[1].date", "$.holidays[2]", "$.makeup_working_days[0]"}
    assert found["$.holidays[1].date"][0] == 9
    assert "YYYY-MM-DD" in found["$.holidays[1].date"][2]
    assert "`from` and `to`" in found["$.holidays[2]"][2]
    assert "name_en" in found["$.makeup_working_days[0]"][2]


def test_a_calendar_file_with_impossible_dates_is_reported_by_json_path():
    found = problems_of(CALENDARS / "bad-dates.yaml")
    assert set(found) == {
        "$.holidays[0].to",
        "$.holidays[1].date",
        "$.makeup_working_days[0].date",
        "$.makeup_working_days[1].date",
    }
    assert "on or after `from`" in found["$.holidays[0].to"][2]
    assert "inside coverage" in found["$.holidays[1].date"][2]
    assert "Saturday or Sunday" in found["$.makeup_working_days[0].date"][2]
    assert "$.holidays[2].date" in found["$.makeup_working_days[1].date"][1]


def test_a_calendar_file_with_an_unknown_key_or_bad_json_is_refused(tmp_path: Path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "name: x\nsource: y\ncoverage: {first: 2027-01-01, last: 2027-01-31}\n"
        "holidays: []\nmakeup_working_days: []\nweekends: [6, 7]\n",
        encoding="utf-8",
    )
    found = problems_of(extra)
    assert "makeup_working_days" in found["$"][2] and "weekends" in found["$"][1]
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "name": "x",\n  "source": }\n', encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        load_calendar_file(broken)
    assert caught.value.problems[0].line == 3
    assert caught.value.problems[0].expected == "well-formed JSON"


def test_a_calendar_file_ending_before_it_starts_is_refused(tmp_path: Path):
    backwards = tmp_path / "backwards.yaml"
    backwards.write_text(
        "name: x\nsource: y\ncoverage: {first: 2027-12-31, last: 2027-01-01}\n"
        "holidays: []\nmakeup_working_days: []\n",
        encoding="utf-8",
    )
    assert list(problems_of(backwards)) == ["$.coverage.last"]


# --- status --------------------------------------------------------------------------------


def test_an_appeal_lodged_on_the_last_day_is_in_time_and_one_day_later_is_overdue():
    due = compute_due(ART19_APPEAL, date(2025, 1, 1), OFFICIAL)  # ends 2025-02-05
    assert status(due, date(2025, 2, 5), today=date(2025, 3, 1)) == "met"
    assert status(due, date(2025, 2, 6), today=date(2025, 3, 1)) == "overdue"
    assert status(due, None, today=date(2025, 2, 5)) == "running"
    assert status(due, None, today=date(2025, 2, 6)) == "overdue"


def test_a_late_investigation_exceeds_the_normal_limit_rather_than_being_overdue():
    due = compute_due(ART15_INVESTIGATION, date(2026, 1, 17), OFFICIAL)  # ends 2026-02-24
    assert status(due, date(2026, 2, 24), today=date(2026, 3, 1)) == "met"
    assert status(due, date(2026, 2, 25), today=date(2026, 3, 1)) == "exceeded_normal_limit"
    assert status(due, None, today=date(2026, 2, 25)) == "exceeded_normal_limit"
    assert status(due, None, today=date(2026, 2, 20)) == "running"


def test_status_refuses_a_done_date_in_the_future_or_before_the_start():
    due = compute_due(ART19_APPEAL, date(2025, 1, 1), OFFICIAL)
    with pytest.raises(ValueError):
        status(due, date(2025, 2, 1), today=date(2025, 1, 20))
    with pytest.raises(ValueError):
        status(due, date(2024, 12, 31), today=date(2025, 1, 20))


def test_a_period_rule_refuses_zero_days_and_unknown_units():
    with pytest.raises(ValueError):
        PeriodRule("x", 0)
    with pytest.raises(ValueError):
        PeriodRule("x", 5, "weeks")  # type: ignore[arg-type]


# --- properties ----------------------------------------------------------------------------

_FIRST, _LAST = OFFICIAL.coverage
starts = st.dates(min_value=_FIRST, max_value=_LAST - timedelta(days=150))
rules = st.builds(
    PeriodRule,
    id=st.just("p"),
    days=st.integers(min_value=1, max_value=60),
    unit=st.sampled_from(["working", "calendar"]),
    exclude_start_day=st.booleans(),
    roll_over_holidays=st.booleans(),
)


@settings(deadline=None)
@given(rule=rules, a=starts, b=starts)
def test_a_later_start_never_gives_an_earlier_due_date(rule: PeriodRule, a: date, b: date):
    early, late = sorted((a, b))
    assert compute_due(rule, early, OFFICIAL).due <= compute_due(rule, late, OFFICIAL).due


@settings(deadline=None)
@given(rule=rules, start=starts)
def test_the_due_date_is_a_working_day_whenever_roll_over_is_on(rule: PeriodRule, start: date):
    due = compute_due(replace(rule, roll_over_holidays=True), start, OFFICIAL)
    assert chinese_calendar.is_workday(due.due)


@settings(deadline=None)
@given(days=st.integers(min_value=1, max_value=60), start=starts, exclude=st.booleans())
def test_a_working_day_period_holds_exactly_its_number_of_package_workdays(
    days: int, start: date, exclude: bool
):
    rule = PeriodRule("p", days, "working", exclude_start_day=exclude)
    due = compute_due(rule, start, OFFICIAL)
    assert len(chinese_calendar.get_workdays(due.first_counted_day, due.due)) == days
    assert due.first_counted_day == (start + timedelta(days=1) if exclude else start)
