"""Time limits of the procedure (Arts. 15, 19): when a period ends, how, and whether it was met.

The regulation says only "在5日内" and "30日内"; how such days are counted comes from general
law [民法典 Arts. 200–204]: the start day is not counted (Art. 201) and a period whose last day
is a public holiday or rest day ends on the next working day (Art. 203(1)); the last day ends at
24:00 (Art. 203(2)). Which reading applies to each period is an interpretation choice, so every
choice is a field of ``PeriodRule``, and every answer (``DueDate``) carries the steps it took in
Chinese and English, for a legal officer to check by hand against a paper calendar.

Counting, with ``exclude_start_day`` true (the 民法典 default):
  * working days: the Nth working day after the start day (make-up working weekends count;
    holidays and ordinary weekends do not). The result is a working day by construction, so
    roll-over never applies.
  * calendar days: start + N; then, if ``roll_over_holidays`` and that day is not a working day,
    the next working day.
With ``exclude_start_day`` false the start day is day 1 of the period (inclusive counting): for
calendar days the last day is start + N − 1; for working days the start day is day 1 only if it
is a working day, otherwise counting begins with the first working day after it (a rest day never
counts in a working-day period).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from engine.dates.calendar import WEEKDAY_EN, WEEKDAY_ZH, DayInfo, HolidayCalendar

Unit = Literal["working", "calendar"]
Treatment = Literal["counted", "skipped", "passed_over"]
Status = Literal["met", "overdue", "running", "exceeded_normal_limit"]

MAX_DAYS = (
    3660  # the periods here are 5 and 30 days; the cap turns a typo into an error, not a hang
)


@dataclass(frozen=True)
class Words:
    """One sentence in both languages."""

    zh: str
    en: str

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class PeriodRule:
    """How one time limit is counted (the policy's period definitions, read under the query's
    interpretation parameters, give every field; defaults follow 民法典)."""

    id: str
    days: int
    unit: Unit = "calendar"
    exclude_start_day: bool = True
    roll_over_holidays: bool = True
    soft: bool = (
        False  # "一般应在…内": finishing later exceeds the normal limit but is not a breach
    )
    cites: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("PeriodRule.id must not be empty")
        if isinstance(self.days, bool) or not isinstance(self.days, int):
            raise ValueError(f"PeriodRule {self.id}: days must be an integer, got {self.days!r}")
        if not 1 <= self.days <= MAX_DAYS:
            raise ValueError(f"PeriodRule {self.id}: days must be 1..{MAX_DAYS}, got {self.days}")
        if self.unit not in ("working", "calendar"):
            raise ValueError(f"PeriodRule {self.id}: unit must be 'working' or 'calendar'")
        if not isinstance(self.cites, tuple):
            raise ValueError(f"PeriodRule {self.id}: cites must be a tuple of eIds")

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "days": self.days,
            "unit": self.unit,
            "exclude_start_day": self.exclude_start_day,
            "roll_over_holidays": self.roll_over_holidays,
            "soft": self.soft,
            "cites": list(self.cites),
        }


@dataclass(frozen=True)
class NotedDay:
    """A day in the period that is not an ordinary weekday, and what the counting did with it."""

    info: DayInfo
    treatment: (
        Treatment  # counted as a day / skipped by working-day counting / passed over by roll-over
    )

    def to_dict(self) -> dict:
        return {
            "date": self.info.day.isoformat(),
            "kind": self.info.kind,
            "name_zh": self.info.name_zh,
            "name_en": self.info.name_en,
            "treatment": self.treatment,
        }


@dataclass(frozen=True)
class DueDate:
    """The end of one period and everything needed to re-check it by hand."""

    rule: PeriodRule
    start: date
    first_counted_day: date
    due: date  # the last day of the period; the limit is met by anything done on or before it
    rolled_over_from: (
        date | None
    )  # the last counted day, when it was not a working day and rolled over
    calendar_source: str
    noted_days: tuple[NotedDay, ...]
    steps: tuple[Words, ...]
    warnings: tuple[Words, ...]

    @property
    def rolled_over(self) -> bool:
        return self.rolled_over_from is not None

    def to_dict(self) -> dict:
        return {
            "rule": self.rule.to_dict(),
            "start": self.start.isoformat(),
            "first_counted_day": self.first_counted_day.isoformat(),
            "due": self.due.isoformat(),
            "rolled_over": self.rolled_over,
            "rolled_over_from": self.rolled_over_from and self.rolled_over_from.isoformat(),
            "calendar_source": self.calendar_source,
            "noted_days": [n.to_dict() for n in self.noted_days],
            "steps": [s.to_dict() for s in self.steps],
            "warnings": [w.to_dict() for w in self.warnings],
        }


def compute_due(rule: PeriodRule, start: date, calendar: HolidayCalendar) -> DueDate:
    """Last day of ``rule``'s period starting on ``start``.

    Raises ``CalendarCoverageError`` when the answer depends on a day the calendar does not know
    (any day counted in working days; the last day and the roll-over in calendar days). Days that
    only feed the explanation (holidays inside a calendar-day period) are listed when known, and a
    warning says when not.
    """
    first = start + timedelta(days=1) if rule.exclude_start_day else start
    steps = [_start_step(rule, start, first)]
    if rule.unit == "working":
        due, rolled_from, notes, more_steps, warnings = _count_working(rule.days, first, calendar)
    else:
        due, rolled_from, notes, more_steps, warnings = _count_calendar(rule, first, calendar)
    steps += more_steps
    if rule.soft:
        steps.append(
            Words(
                "本期限为“一般应在…内”的通常期限：逾期记为“超出通常期限”，并非当然违反期限。",
                "The text says the work 'should generally' end within this period: it is a "
                "normal limit, so finishing later is recorded as 'exceeded the normal limit', "
                "not as a breach.",
            )
        )
    steps.append(
        Words(
            f"期限届满日为{_zh(due)}，当日二十四时截止〔民法典第二百零三条第二款〕。",
            f"The period ends on {_en(due)} at 24:00 [Civil Code Art. 203(2)].",
        )
    )
    return DueDate(
        rule, start, first, due, rolled_from, calendar.source, tuple(notes), tuple(steps), warnings
    )


def status(due: DueDate, done: date | None, today: date) -> Status:
    """Whether the step the period is about was taken in time, judged on ``today``.

    ``done`` is the day the step was taken (review reported, investigation ended, appeal
    lodged), or None.
    Late is "overdue", or "exceeded_normal_limit" for a soft limit (Art. 15 "一般").
    """
    if done is not None and done < due.start:
        raise ValueError(
            f"完成日{done}早于起算日{due.start} / "
            f"done date {done} is before the start date {due.start}"
        )
    if done is not None and done > today:
        raise ValueError(f"完成日{done}晚于今天{today} / done date {done} is after today {today}")
    late: Status = "exceeded_normal_limit" if due.rule.soft else "overdue"
    if done is not None:
        return "met" if done <= due.due else late
    return "running" if today <= due.due else late


# --- counting -----------------------------------------------------------------------------------

_Counted = tuple[date, date | None, list[NotedDay], list[Words], tuple[Words, ...]]


def _count_working(days: int, first: date, calendar: HolidayCalendar) -> _Counted:
    counted: list[DayInfo] = []
    notes: list[NotedDay] = []
    d = first
    while len(counted) < days:
        info = calendar.day_info(d)  # raises past coverage: a working-day count cannot guess
        if info.working:
            counted.append(info)
            if info.kind == "makeup_working_day":
                notes.append(NotedDay(info, "counted"))
        else:
            notes.append(NotedDay(info, "skipped"))
        d += timedelta(days=1)
    due = counted[-1].day
    steps = [
        Words(
            f"按工作日计算{days}日：只计工作日（含调休上班日），法定节假日和休息日不计。",
            f"Counting {days} working days: only working days count (make-up working weekends "
            "included); public holidays and rest days do not.",
        ),
        Words(
            "计入的工作日："
            + "、".join(f"第{i}日{c.describe_zh()}" for i, c in enumerate(counted, 1))
            + "。",
            "Working days counted: "
            + ", ".join(f"day {i} {c.describe_en()}" for i, c in enumerate(counted, 1))
            + ".",
        ),
    ]
    skipped = [n.info for n in notes if n.treatment == "skipped"]
    if skipped:
        steps.append(
            Words(
                "不计入的日子：" + "；".join(_run_zh(r) for r in _runs(skipped)) + "。",
                "Days not counted: " + "; ".join(_run_en(r) for r in _runs(skipped)) + ".",
            )
        )
    steps.append(
        Words(
            f"第{days}个工作日为{_zh(due)}，是工作日，无需顺延。",
            f"The {_ordinal(days)} working day is {_en(due)}, a working day: no roll-over.",
        )
    )
    return due, None, notes, steps, ()


def _count_calendar(rule: PeriodRule, first: date, calendar: HolidayCalendar) -> _Counted:
    last = first + timedelta(days=rule.days - 1)
    notes: list[NotedDay] = []
    unknown: list[date] = []
    for n in range(rule.days):
        d = first + timedelta(days=n)
        if not calendar.covers(d):
            unknown.append(d)
            continue
        info = calendar.day_info(d)
        if info.kind != "working_day":
            notes.append(NotedDay(info, "counted"))
    steps = [
        Words(
            f"按自然日计算{rule.days}日（节假日、休息日照常计算），期间最后一日为{_zh(last)}。",
            f"Counting {rule.days} calendar days (holidays and rest days count like any other "
            f"day), the last day of the period is {_en(last)}.",
        )
    ]
    holidays = [n.info for n in notes if n.info.kind != "rest_day"]
    if holidays:
        steps.append(
            Words(
                "期间内照常计入的节假日和调休上班日："
                + "；".join(_run_zh(r) for r in _runs(holidays))
                + "。",
                "Holidays and make-up working days inside the period, counted like any other day: "
                + "; ".join(_run_en(r) for r in _runs(holidays))
                + ".",
            )
        )
    warnings = tuple(
        Words(
            f"期间内{lo}至{hi}超出节假日日历的覆盖范围（{calendar.source}），其中的节假日未能列出；"
            "自然日计算的结果不受影响。",
            f"{lo} to {hi} inside the period are outside the holiday calendar's coverage "
            f"({calendar.source}), so holidays there are not listed; the calendar-day count does "
            "not depend on them.",
        )
        for lo, hi in _date_ranges(unknown)
    )
    if not rule.roll_over_holidays:
        steps.append(
            Words(
                "本期限设定为届满日遇节假日不顺延。",
                "This period is set not to roll over when its last day is a holiday or rest day.",
            )
        )
        return last, None, notes, steps, warnings
    info = calendar.day_info(last)  # raises past coverage: whether to roll over cannot be guessed
    if info.working:
        steps.append(
            Words(
                f"{_zh(last)}是工作日，无需顺延。", f"{_en(last)} is a working day: no roll-over."
            )
        )
        return last, None, notes, steps, warnings
    notes = [n for n in notes if n.info.day != last]
    passed: list[DayInfo] = []
    while not info.working:
        passed.append(info)
        notes.append(NotedDay(info, "passed_over"))
        info = calendar.day_info(info.day + timedelta(days=1))
    due = info.day
    steps.append(
        Words(
            f"期间最后一日{passed[0].describe_zh()}不是工作日，顺延至其后第一个工作日{_zh(due)}"
            f"〔民法典第二百零三条第一款〕；顺延跳过："
            + "；".join(_run_zh(r) for r in _runs(passed))
            + "。",
            f"The last day of the period, {passed[0].describe_en()}, is not a working day, so "
            f"the period ends on the next working day, {_en(due)} [Civil Code Art. 203(1)]; "
            "passed over: " + "; ".join(_run_en(r) for r in _runs(passed)) + ".",
        )
    )
    return due, last, notes, steps, warnings


# --- wording ------------------------------------------------------------------------------------


def _start_step(rule: PeriodRule, start: date, first: date) -> Words:
    if rule.exclude_start_day:
        return Words(
            f"起算日{_zh(start)}不计入，自次日{first.isoformat()}起算〔民法典第二百零一条〕。",
            f"The start day {_en(start)} is not counted; counting begins the next day, "
            f"{first.isoformat()} [Civil Code Art. 201].",
        )
    return Words(
        f"起算日{_zh(start)}计入期间，为第1日"
        "（本期限设定为起算日计入；按工作日计算时，起算日须为工作日才计数）。",
        f"The start day {_en(start)} is day 1 of the period (this period is set to include the "
        "start day; in working-day counting it counts only if it is a working day).",
    )


def _zh(d: date) -> str:
    return f"{d.isoformat()}（{WEEKDAY_ZH[d.weekday()]}）"


def _en(d: date) -> str:
    return f"{d.isoformat()} ({WEEKDAY_EN[d.weekday()]})"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _date_ranges(days: list[date]) -> list[tuple[date, date]]:
    """Sorted dates as inclusive ranges of consecutive days."""
    ranges: list[tuple[date, date]] = []
    for d in days:
        if ranges and d - ranges[-1][1] == timedelta(days=1):
            ranges[-1] = (ranges[-1][0], d)
        else:
            ranges.append((d, d))
    return ranges


def _runs(infos: Iterable[DayInfo]) -> list[list[DayInfo]]:
    """Consecutive days of the same kind and name, so seven days of 国庆节 read as one range."""
    runs: list[list[DayInfo]] = []
    for info in infos:
        prev = runs[-1][-1] if runs else None
        if (
            prev is not None
            and info.day - prev.day == timedelta(days=1)
            and (info.kind, info.name_zh, info.name_en) == (prev.kind, prev.name_zh, prev.name_en)
        ):
            runs[-1].append(info)
        else:
            runs.append([info])
    return runs


def _run_zh(run: list[DayInfo]) -> str:
    if len(run) == 1:
        return run[0].describe_zh()
    head = run[0]
    label = {
        "rest_day": "休息日",
        "holiday": f"{head.name_zh or ''}法定节假日",
        "makeup_working_day": f"{head.name_zh or ''}调休上班日",
        "working_day": "工作日",
    }[head.kind]
    return f"{head.day.isoformat()}至{run[-1].day.isoformat()}（{label}）"


def _run_en(run: list[DayInfo]) -> str:
    if len(run) == 1:
        return run[0].describe_en()
    head = run[0]
    name = f"{head.name_en} " if head.name_en else ""
    label = {
        "rest_day": "rest days",
        "holiday": f"{name}public holidays",
        "makeup_working_day": f"{name}make-up working days",
        "working_day": "working days",
    }[head.kind]
    return f"{head.day.isoformat()} to {run[-1].day.isoformat()} ({label})"
