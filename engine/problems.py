"""One shape for every problem the project reports, so that CLI, tests and tools agree.

A legal officer or developer fixing a policy or case file needs to land on the exact spot:
file, line, column, the eId / JSON path / rule id concerned, what is wrong and what was expected.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    where: str  # eId, JSON path (``$.elements[2].text.zh``) or ``rule <id>``
    message: str  # what is wrong
    expected: str = ""  # what was expected instead
    severity: str = "error"  # "error" | "warning"
    code: str = field(
        default="", compare=False
    )  # stable machine-readable id, e.g. "schema", "dup-key"

    def format(self) -> str:
        """``file:line:column: where: message, expected …`` — the form editors and CI can jump to."""
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        text = f"{loc}: {self.where}: {self.message}" if self.where else f"{loc}: {self.message}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.severity != "error":
            text = f"{text} [{self.severity}]"
        return text

    def to_dict(self) -> dict:
        return asdict(self)


class ProblemsError(Exception):
    """Raised when input cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_sort_key)
        super().__init__("\n".join(p.format() for p in self.problems))

    @classmethod
    def one(
        cls, file: str, where: str, message: str, expected: str = "", *, code: str = ""
    ) -> ProblemsError:
        """A refusal with a single problem that has no line to point at: an unreadable file, a
        bad option value, a revision that does not exist."""
        return cls([Problem(file, None, None, where, message, expected, code=code)])


def _sort_key(p: Problem) -> tuple:
    return (p.file, p.line or 0, p.column or 0, p.where, p.message)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
