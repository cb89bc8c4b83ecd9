"""Errors as ``application/problem+json`` (RFC 9457), carrying the same located problems as the
command line; no stack trace ever reaches a client."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

from engine.problems import Problem

PROBLEM_JSON = "application/problem+json"


class ServiceProblem(Exception):
    """A refusal to answer with ``status`` and the located problems that say why."""

    def __init__(
        self,
        status: int,
        detail: str,
        problems: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = problems or []
        self.headers = headers or {}


def problem_body(status: int, detail: str, problems: list[Problem] | None = None) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "problems": [p.to_dict() for p in problems or []],
    }


def problem_response(exc: ServiceProblem) -> JSONResponse:
    return JSONResponse(
        problem_body(exc.status, exc.detail, exc.problems),
        status_code=exc.status,
        headers=exc.headers,
        media_type=PROBLEM_JSON,
    )


def request_problem(where: str, message: str, expected: str = "", code: str = "") -> Problem:
    return Problem("<request>", None, None, where, message, expected, code=code)
