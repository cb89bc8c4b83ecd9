"""One shape for every problem the project reports, so that CLI, tests and tools agree.

A legal officer or developer fixing a policy or case file needs to land on the exact spot:
file, line, column, the eId / JSON path / rule id concerned, what is wrong and what was expected.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

EXCERPT_CHARS = 60  # the most of an input value any message repeats
FORMAT_CHARS = 1200  # the most of a message or expectation a formatted problem shows


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
        """``file:line:column: where: message, expected …`` — the form editors and CI can jump to.

        Each part is cut at a length no real problem reaches, so that no input, however a check
        quotes it, can flood the terminal."""
        loc = _cut(self.file, FORMAT_CHARS // 4)
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        where, message = _cut(self.where, FORMAT_CHARS // 4), _cut(self.message, FORMAT_CHARS)
        text = f"{loc}: {where}: {message}" if where else f"{loc}: {message}"
        if self.expected:
            text += f"; expected {_cut(self.expected, FORMAT_CHARS)}"
        if self.severity != "error":
            text = f"{text} [{self.severity}]"
        return escape_controls(text)

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


# Characters that move the cursor, change colours or reorder text when printed: C0/C1 controls,
# line and paragraph separators, and the bidirectional overrides (a name could otherwise rewrite
# the terminal, or read backwards).
_BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}


def _unsafe(ch: str, keep: str) -> bool:
    if ch in keep:
        return False
    return ord(ch) in _BIDI or unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def escape_controls(text: str, keep: str = "") -> str:
    """``text`` with every control, separator and bidi-override character written as an escape
    (``\\x1b``, ``\\u202e``), so that input repeated in output cannot drive the terminal.
    ``keep`` names characters to leave alone (a report's own newlines)."""
    if text.isprintable() and not any(ord(c) in _BIDI for c in text):
        return text
    out = []
    for ch in text:
        if _unsafe(ch, keep):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A short, escaped rendering of an input value for a message: never more than ``limit``
    characters of it, whatever the input holds."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape_controls(text)


def did_you_mean(value: object, choices: Iterable[object]) -> str:
    """`` (did you mean 'x'?)`` for a value close to one of ``choices``, else ``""``.

    A misspelt field, person, parameter or option is the commonest input error; naming the
    likely intended one saves reading a long list of allowed values."""
    if not isinstance(value, str) or len(value) > 200:
        return ""
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.75)
    return f" (did you mean {excerpt(close[0])}?)" if close else ""
