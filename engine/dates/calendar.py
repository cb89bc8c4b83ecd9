"""Which days are working days: the official Chinese holiday schedule, or one the user supplies.

Time limits in the regulation (Arts. 15, 19) are counted in working days or roll over to the next
working day, so the answer depends on the State Council's yearly holiday schedule, including 调休
(a Saturday or Sunday made a working day to lengthen a holiday). That schedule is published one
year at a time, so any calendar has a last day it knows about. Past that day this module refuses
to answer (``CalendarCoverageError``) instead of guessing from weekends alone: a wrong deadline in
an accountability case is worse than no deadline. The remedy is a calendar file
(``--calendar FILE``, format in ``schema/calendar.schema.json``), loaded as a ``FileCalendar``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import chinese_calendar

from engine.files.safe_yaml import SourceDoc, json_path, load_yaml_file
from engine.files.schemas import schema_problems
from engine.problems import Problem, ProblemsError

MAX_HOLIDAY_RUN_DAYS = (
    31  # longest official run is 9 days; the cap keeps a hostile file from exhausting memory
)

DayKind = Literal["working_day", "rest_day", "holiday", "makeup_working_day"]

WEEKDAY_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class DayInfo:
    """What one date is, and the holiday it belongs to (a make-up day: the one it makes up for)."""

    day: date
    kind: DayKind
    name_zh: str | None = None
    name_en: str | None = None

    @property
    def working(self) -> bool:
        return self.kind in ("working_day", "makeup_working_day")

    def describe_zh(self) -> str:
        """``2024-09-29（星期日，国庆节调休上班日）`` — the form used in explanations."""
        extra = {
            "working_day": "",
            "rest_day": "休息日",
            "holiday": f"{self.name_zh or ''}法定节假日",
            "makeup_working_day": f"{self.name_zh or ''}调休上班日",
        }[self.kind]
        inner = WEEKDAY_ZH[self.day.weekday()] + (f"，{extra}" if extra else "")
        return f"{self.day.isoformat()}（{inner}）"

    def describe_en(self) -> str:
        """``2024-09-29 (Sunday, National Day make-up working day)``."""
        name = f"{self.name_en} " if self.name_en else ""
        extra = {
            "working_day": "",
            "rest_day": "rest day",
            "holiday": f"{name}public holiday",
            "makeup_working_day": f"{name}make-up working day",
        }[self.kind]
        inner = WEEKDAY_EN[self.day.weekday()] + (f", {extra}" if extra else "")
        return f"{self.day.isoformat()} ({inner})"


class CalendarCoverageError(ValueError):
    """A date the calendar has no schedule for: say so, in both languages, with the remedy."""

    def __init__(self, day: date, coverage: tuple[date, date], source: str):
        self.day = day
        self.coverage = coverage
        self.source = source
        first, last = (d.isoformat() for d in coverage)
        super().__init__(
            f"日期{day.isoformat()}超出节假日日历的覆盖范围（{first}至{last}，来源：{source}），"
            "无法判断该日是否为工作日；请用 --calendar FILE 提供涵盖该日期的节假日安排文件"
            "（格式见 schema/calendar.schema.json）。"
            f" / Date {day.isoformat()} is outside the holiday calendar's coverage "
            f"({first} to {last}, source: {source}), so whether it is a working day is unknown; "
            "supply a holiday calendar file that covers it with --calendar FILE "
            "(format: schema/calendar.schema.json)."
        )


@runtime_checkable
class HolidayCalendar(Protocol):
    """What period computation needs to know about days. Every query outside ``coverage`` raises."""

    source: str

    @property
    def coverage(self) -> tuple[date, date]: ...

    def covers(self, d: date) -> bool: ...

    def day_info(self, d: date) -> DayInfo: ...

    def is_working_day(self, d: date) -> bool: ...

    def holiday_name(self, d: date) -> str | None: ...

    def is_makeup_working_day(self, d: date) -> bool: ...


class _Calendar:
    """Shared behaviour: subclasses only say what a covered day is (``_classify``)."""

    source: str
    _coverage: tuple[date, date]

    @property
    def coverage(self) -> tuple[date, date]:
        """First and last date (inclusive) this calendar knows."""
        return self._coverage

    def covers(self, d: date) -> bool:
        return self._coverage[0] <= d <= self._coverage[1]

    def day_info(self, d: date) -> DayInfo:
        if not self.covers(d):
            raise CalendarCoverageError(d, self._coverage, self.source)
        return self._classify(d)

    def is_working_day(self, d: date) -> bool:
        return self.day_info(d).working

    def holiday_name(self, d: date) -> str | None:
        """``"国庆节 National Day"`` for an official holiday; None for any other day."""
        info = self.day_info(d)
        if info.kind != "holiday":
            return None
        return " ".join(n for n in (info.name_zh, info.name_en) if n)

    def is_makeup_working_day(self, d: date) -> bool:
        return self.day_info(d).kind == "makeup_working_day"

    def _classify(self, d: date) -> DayInfo:
        raise NotImplementedError


def _plain_day(d: date) -> DayInfo:
    return DayInfo(d, "rest_day" if d.weekday() >= 5 else "working_day")


# The package's Chinese names are abbreviations; the State Council notices use the full names.
_FULL_ZH = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


class OfficialCalendar(_Calendar):
    """The State Council schedule as shipped by the ``chinese-calendar`` package.

    Coverage is read from the package's own data (whole years, from its first to its last listed
    holiday), the same rule the package applies before it raises ``NotImplementedError``, so
    upgrading the package extends coverage without touching this code.
    """

    def __init__(self) -> None:
        years = [d.year for d in chinese_calendar.holidays]
        self._coverage = (date(min(years), 1, 1), date(max(years), 12, 31))
        # the package and the years of State Council holiday schedules it holds: no words, so the
        # same text reads in a Chinese and an English message
        self.source = f"chinese-calendar {chinese_calendar.__version__}, {min(years)}–{max(years)}"
        self._zh = {h.value: _FULL_ZH.get(h.chinese, h.chinese) for h in chinese_calendar.Holiday}
        # day → its kind: the package validates and looks up every date anew, and a period count
        # or a what-if analysis asks about the same few weeks again and again; bounded by coverage
        self._known: dict[date, DayInfo] = {}

    def _classify(self, d: date) -> DayInfo:
        known = self._known.get(d)
        if known is None:
            known = self._known[d] = self._look_up(d)
        return known

    def _look_up(self, d: date) -> DayInfo:
        try:
            on_holiday, name_en = chinese_calendar.get_holiday_detail(d)
            working = chinese_calendar.is_workday(d)
        except (
            NotImplementedError
        ) as exc:  # coverage rule drifted from the package's: still never guess
            raise CalendarCoverageError(d, self._coverage, self.source) from exc
        name_zh = self._zh.get(name_en) if name_en else None
        if working and d.weekday() >= 5:
            return DayInfo(d, "makeup_working_day", name_zh, name_en)
        if not working and name_en:
            return DayInfo(d, "holiday", name_zh, name_en)
        return _plain_day(d)


@cache
def official_calendar() -> OfficialCalendar:
    """The built-in calendar; built once because its data never changes while the program runs."""
    return OfficialCalendar()


class FileCalendar(_Calendar):
    """A schedule from a user's calendar file; weekends rest unless listed as make-up days."""

    def __init__(
        self,
        name: str,
        source: str,
        coverage: tuple[date, date],
        days: dict[date, DayInfo],
    ):
        self.name = name
        self.source = source
        self._coverage = coverage
        self._days = dict(days)

    def _classify(self, d: date) -> DayInfo:
        return self._days.get(d) or _plain_day(d)


class ChainedCalendar(_Calendar):
    """Several calendars read in order, the first that covers a date answers.

    A period that starts in December of the last official year and ends in January needs the
    built-in schedule and a user file together. Put the user's file first to let it correct the
    built-in data. Coverage must be one unbroken stretch, or ``coverage`` would claim days that
    nobody knows.
    """

    def __init__(self, calendars: Sequence[HolidayCalendar]):
        if not calendars:
            raise ValueError("ChainedCalendar needs at least one calendar")
        self._calendars = tuple(calendars)
        spans = sorted(c.coverage for c in calendars)
        first, last = spans[0]
        for lo, hi in spans[1:]:
            if lo > last + timedelta(days=1):
                raise ValueError(
                    f"日历覆盖范围不连续：{last.isoformat()}与{lo.isoformat()}之间无数据 / "
                    f"calendar coverage has a gap between {last.isoformat()} and {lo.isoformat()}"
                )
            last = max(last, hi)
        self._coverage = (first, last)
        self.source = " + ".join(c.source for c in calendars)

    def _classify(self, d: date) -> DayInfo:
        for cal in self._calendars:
            if cal.covers(d):
                return cal.day_info(d)
        raise CalendarCoverageError(
            d, self._coverage, self.source
        )  # unreachable: coverage is unbroken


# --- loading a calendar file ---------------------------------------------------------------------


def load_calendar_file(path: Path | str, display: str | None = None) -> FileCalendar:
    """Read, validate and check a calendar file; ``ProblemsError`` lists every problem found."""
    doc = load_yaml_file(Path(path), display or str(path))
    problems = schema_problems(doc, "calendar")
    if problems:
        raise ProblemsError(problems)
    return _build_calendar(doc)


def _build_calendar(doc: SourceDoc) -> FileCalendar:
    """Turn a schema-valid document into a calendar, checking what JSON Schema cannot express."""
    data: dict[str, Any] = doc.data
    problems: list[Problem] = []
    first = date.fromisoformat(data["coverage"]["first"])
    last = date.fromisoformat(data["coverage"]["last"])
    if first > last:  # every listed date would also be "outside coverage": report the cause only
        raise ProblemsError(
            [
                doc.problem(
                    ("coverage", "last"),
                    f"coverage ends ({last}) before it starts ({first})",
                    "coverage.last on or after coverage.first",
                )
            ]
        )
    days: dict[date, DayInfo] = {}
    listed_at: dict[date, str] = {}

    def add(d: date, info: DayInfo, at: tuple[str | int, ...]) -> bool:
        """Record one day; False (with a problem) if it cannot be, so a range reports it once."""
        if not first <= d <= last:
            problems.append(
                doc.problem(
                    at,
                    f"{d} is outside the file's coverage {first}..{last}",
                    "a date inside coverage",
                )
            )
        elif d in days:
            problems.append(
                doc.problem(at, f"{d} is already listed at {listed_at[d]}", "each date listed once")
            )
        else:
            days[d] = info
            listed_at[d] = json_path(at)
            return True
        return False

    for i, entry in enumerate(data["holidays"]):
        lo = date.fromisoformat(entry.get("date") or entry["from"])
        hi = date.fromisoformat(entry.get("date") or entry["to"])
        at = ("holidays", i, "date" if "date" in entry else "from")
        if hi < lo:
            problems.append(
                doc.problem(
                    ("holidays", i, "to"),
                    f"range ends ({hi}) before it starts ({lo})",
                    "`to` on or after `from`",
                )
            )
            continue
        if (hi - lo).days + 1 > MAX_HOLIDAY_RUN_DAYS:
            problems.append(
                doc.problem(
                    ("holidays", i, "to"),
                    f"range spans {(hi - lo).days + 1} days",
                    f"at most {MAX_HOLIDAY_RUN_DAYS} days per entry (split longer closures)",
                )
            )
            continue
        for n in range((hi - lo).days + 1):
            d = lo + timedelta(days=n)
            if not add(d, DayInfo(d, "holiday", entry["name_zh"], entry["name_en"]), at):
                break
    for i, entry in enumerate(data["makeup_working_days"]):
        d = date.fromisoformat(entry["date"])
        at = ("makeup_working_days", i, "date")
        if d.weekday() < 5:
            problems.append(
                doc.problem(
                    at,
                    f"{d} is a {WEEKDAY_EN[d.weekday()]}, already a working day",
                    "a Saturday or Sunday made a working day by 调休",
                )
            )
            continue
        add(d, DayInfo(d, "makeup_working_day", entry["name_zh"], entry["name_en"]), at)
    if problems:
        raise ProblemsError(problems)
    source = data["source"] + (f" ({data['reference']})" if data.get("reference") else "")
    return FileCalendar(data["name"], f"{data['name']}: {source} [{doc.file}]", (first, last), days)
