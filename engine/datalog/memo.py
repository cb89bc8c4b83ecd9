"""Per-program memo tables that cannot grow without end."""

from __future__ import annotations


class Memo(dict):
    """A dict that forgets everything once it holds ``limit`` entries.

    Compiled pipelines, batch plans and index getters are cheap to rebuild, and keyed by the
    program's fingerprint; a long-running process that sees many programs (policy versions, a
    test run that compiles thousands) must not keep every one of them alive.
    """

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def put(self, key, value):
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
