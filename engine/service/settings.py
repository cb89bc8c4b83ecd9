"""What a running service allows: body sizes, the deadline, concurrent evaluations, the token."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.files.reader import DEFAULT_LIMITS, read_input_bytes
from engine.problems import ProblemsError

ENVIRONMENT = "ACCOUNTABILITY_SERVICE"  # how ``serve --workers N`` hands settings to its processes
# a bearer token is guessed by trying: a short one is not a protection (RFC 6750 token68 characters)
MIN_TOKEN_LENGTH = 16
_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]+")


@dataclass(frozen=True)
class Settings:
    """Limits of one service process. ``max_body_bytes`` is the reader's file limit, so a body is
    refused exactly when the same case as a file would be; the reader's nesting and size limits
    apply to every body too."""

    policy_dir: str | None = None
    max_body_bytes: int = DEFAULT_LIMITS.max_bytes
    max_batch_bytes: int = 64 * DEFAULT_LIMITS.max_bytes
    deadline_seconds: float = 10.0
    max_concurrent: int = 4
    retry_after_seconds: int = 1
    token_file: str | None = None

    def to_environment(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(**json.loads(os.environ.get(ENVIRONMENT, "{}")))

    def token(self) -> str | None:
        """The bearer token clients must send (read once at start), or None when not required."""
        if self.token_file is None:
            return None
        text = read_input_bytes(Path(self.token_file), self.token_file).decode("utf-8", "replace")
        token = text.strip()
        if not token or any(c.isspace() for c in token):
            raise ProblemsError.one(
                self.token_file,
                "--token-file",
                "the token file holds no token (or a token with spaces)",
                "one line: the bearer token",
                code="token",
            )
        if len(token) < MIN_TOKEN_LENGTH or not _TOKEN.fullmatch(token):
            raise ProblemsError.one(
                self.token_file,
                "--token-file",
                f"the token has {len(token)} characters, or characters an HTTP client cannot send",
                f"at least {MIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / = "
                "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')",
                code="token",
            )
        return token
