"""What a batch found, counted while it streams: totals for the table at the end and one row per
person and verdict for a spreadsheet (``--summary FILE.csv``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

LATE = {"overdue", "exceeded_normal_limit", "expired"}
CSV_COLUMNS = ("case", "case_id", "act", "person", "name", "verdict", "degrees")


class Tally(NamedTuple):
    """What one output line adds to the totals and the spreadsheet: counted where the line is
    written (a worker process or a cluster task), so that the process writing the output never
    parses the answers again."""

    refused: bool
    faults: int = 0
    responsible: int = 0
    disqualified: int = 0
    late_limits: int = 0
    open_points: int = 0
    rows: tuple[tuple[str, ...], ...] = ()


def tally(record: dict[str, Any]) -> Tally:
    """The counts of one record (an answer, or the problems that refused its case)."""
    answer = record.get("answer")
    if answer is None:
        return Tally(refused=True)
    return Tally(
        refused=False,
        faults=sum(1 for f in answer["faults"] if f["fault"]),
        responsible=len({v["person"] for v in answer["verdicts"] if v["verdict"] == "responsible"}),
        disqualified=sum(1 for r in answer["recusal"] if r["status"] == "disqualified"),
        late_limits=sum(1 for t in answer["time_limits"] if t.get("status") in LATE),
        open_points=len(answer["open_points"]),
        rows=tuple(csv_rows(record)),
    )


@dataclass
class Totals:
    cases: int = 0
    answered: int = 0
    refused: int = 0
    faults: int = 0
    responsible: int = 0  # persons responsible, counted once per case
    disqualified: int = 0
    late_limits: int = 0
    open_points: int = 0

    def add(self, counts: Tally) -> None:
        self.cases += 1
        if counts.refused:
            self.refused += 1
            return
        self.answered += 1
        self.faults += counts.faults
        self.responsible += counts.responsible
        self.disqualified += counts.disqualified
        self.late_limits += counts.late_limits
        self.open_points += counts.open_points

    def rows(self) -> list[tuple[str, str, int]]:
        """(Chinese, English, count) for the table printed at the end of a run."""
        return [
            ("案件", "cases", self.cases),
            ("已作答", "answered", self.answered),
            ("无法评估", "not evaluated (problems)", self.refused),
            ("行政过错", "faults", self.faults),
            ("责任人", "persons responsible", self.responsible),
            ("应回避成员", "disqualified members", self.disqualified),
            ("逾期时限", "late time limits", self.late_limits),
            ("待认定事项", "open points", self.open_points),
        ]


def csv_rows(record: dict[str, Any]) -> list[tuple[str, ...]]:
    """One row per person and verdict of an answered case (none for a refused one)."""
    answer = record.get("answer")
    if answer is None:
        return []
    return [
        (
            record["case"],
            answer["case"].get("id", ""),
            v["act"],
            v["person"],
            v.get("name", ""),
            v["verdict"],
            " ".join(sorted(d["degree"] for d in v.get("degrees", []))),
        )
        for v in answer["verdicts"]
    ]


def render_table(totals: Totals) -> str:
    width = max(len(en) for _zh, en, _n in totals.rows())
    lines = [f"{en:<{width}}  {n:>9,}  {zh}" for zh, en, n in totals.rows()]
    return "\n".join(lines) + "\n"
