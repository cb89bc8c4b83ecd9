"""The HTTP application: routes, limits, the token rule and problem documents.

Evaluation holds the GIL, so one process answers one case at a time whatever the threads; the
service therefore bounds the requests in flight per process (``max_concurrent``, 503 with
Retry-After beyond it) and evaluates them in two threads off the event loop, so that the loop
keeps accepting, refusing and timing out requests. A request past its deadline gets 504 at once;
an evaluation already running finishes in the background still holding its slot, so a flood of
slow requests cannot pile up work; one still waiting for a thread is not run. More throughput is
more processes (``serve --workers N``).
"""

from __future__ import annotations

import asyncio
import hmac
import sys
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.answer import answer_case
from engine.answer.query import as_of_day
from engine.bulk.answers import BatchOptions, answer_one
from engine.bulk.inputs import case_from_line
from engine.bulk.records import line, problems_of
from engine.case.load import load_case_body
from engine.policy.load import load_policy
from engine.policy.model import Policy
from engine.policy.parameters import parse_overrides
from engine.policy.review_fingerprint import review_parameters
from engine.problems import ProblemsError
from engine.service.openapi import HTML, JSON_LINES, openapi_document
from engine.service.problems import ServiceProblem, problem_body, problem_response, request_problem
from engine.service.schemas import schema_document, schema_names
from engine.service.settings import Settings

T = TypeVar("T")
JSON_LINES_TYPES = (JSON_LINES, "application/x-ndjson", "application/x-jsonlines")
OPEN_PATHS = ("/healthz",)


# Threads that evaluate, per process. An evaluation holds the GIL, so more threads answer no more
# cases: they take turns, and the turns cost (bench/service.py, 32 clients on 2 processes allowing
# 64 requests each: 16 threads per process gave 363–369 answers/s and p99 175–185 ms, 2 threads
# 400–417/s and 117–138 ms).
EVALUATION_THREADS = 2


class Gate:
    """At most ``max_concurrent`` requests evaluated or waiting at a time; their evaluations run
    in ``EVALUATION_THREADS`` worker threads, in the order they came."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.slots = threading.BoundedSemaphore(settings.max_concurrent)
        threads = min(settings.max_concurrent, EVALUATION_THREADS)
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="answer")

    def enter(self) -> None:
        if not self.slots.acquire(blocking=False):
            raise ServiceProblem(
                503,
                "all evaluation slots are busy / 评估已满，请稍后重试",
                [request_problem("", "the service is answering as many cases as it allows")],
                {"Retry-After": str(self.settings.retry_after_seconds)},
            )

    async def run(self, work: Callable[[], T], *, deadline: bool = True, release: bool = True) -> T:
        """``work`` in a worker thread holding a slot (taken by ``enter``) until it ends
        (``release``: give the slot back then; a batch keeps its slot for all its cases)."""

        abandoned = threading.Event()

        def job() -> T:
            try:
                if abandoned.is_set():  # its 504 went out while it waited: nobody wants it
                    raise TimeoutError
                return work()
            finally:
                if release:
                    self.slots.release()

        future = asyncio.get_running_loop().run_in_executor(self.executor, job)
        if not deadline:
            return await future
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.settings.deadline_seconds)
        except TimeoutError:
            abandoned.set()
            future.add_done_callback(lambda f: f.cancelled() or f.exception())
            raise ServiceProblem(
                504,
                "the answer was not ready within the deadline / 未在时限内完成",
                [
                    request_problem(
                        "deadline",
                        f"not answered within {self.settings.deadline_seconds:g} s",
                        "a smaller case (the deadline is set by the service)",
                    )
                ],
            ) from None


class BearerToken:
    """The token rule as plain ASGI: every path but ``OPEN_PATHS`` needs ``Authorization: Bearer
    <token>``, compared in constant time. Installed only when the service has a token, and not as
    Starlette's ``BaseHTTPMiddleware``, which costs every request a task and a stream."""

    def __init__(self, app: Any, token: str):
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        refusal = JSONResponse(
            problem_body(
                401,
                "a bearer token is required / 需要令牌",
                [request_problem("Authorization", "missing or wrong bearer token")],
            ),
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="accountability"'},
            media_type="application/problem+json",
        )
        await refusal(scope, receive, send)

    def _allowed(self, scope: dict[str, Any]) -> bool:
        given = b""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                given = value
                break
        scheme, _, credential = given.partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(credential.strip(), self.token)


def create_app(settings: Settings | None = None, policy: Policy | None = None) -> FastAPI:
    """The application, with the policy loaded once (``policy`` to share one already loaded)."""
    settings = settings or Settings()
    policy = policy or load_policy(settings.policy_dir)
    token = settings.token()
    gate = Gate(settings)
    spec = openapi_document(policy.version, token is not None)
    app = FastAPI(
        title="accountability", docs_url=None, redoc_url=None, openapi_url=None, version="1"
    )

    @app.exception_handler(ServiceProblem)
    async def on_problem(_request: Request, exc: ServiceProblem) -> Response:
        return problem_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        return problem_response(ServiceProblem(exc.status_code, detail, headers=exc.headers))

    @app.exception_handler(Exception)
    async def on_error(_request: Request, exc: Exception) -> Response:
        return problem_response(ServiceProblem(500, "internal error", problems_of(exc)))

    if token is not None:
        app.add_middleware(BearerToken, token=token)

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi() -> JSONResponse:
        return JSONResponse(spec)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/policy")
    async def policy_info() -> dict[str, Any]:
        return {
            "instrument": policy.id,
            "title": policy.instrument["title"],
            "document_number": policy.instrument["document_number"],
            "edition": policy.instrument["editions"][-1],
            "encoding_version": policy.version,
            "fingerprint": policy.fingerprint,
        }

    @app.get("/v1/articles")
    async def articles() -> list[dict[str, Any]]:
        keys = ("eid", "number", "heading", "title", "kind")
        return [{k: a[k] for k in keys} for a in policy.articles]

    @app.get("/v1/articles/{eid}")
    async def article(eid: str) -> dict[str, Any]:
        found = next((a for a in policy.articles if a["eid"] == eid), None)
        if found is None:
            found = policy.article_of.get(eid)
        if found is None:
            raise _not_found("eId", eid, "the eId of an article or of one of its elements")
        return {
            "article": found,
            "parameters": [
                policy.parameter_index[p]
                for p in review_parameters(found, policy.parameters["parameters"])
            ],
        }

    @app.get("/v1/parameters")
    async def parameters() -> dict[str, Any]:
        return policy.parameters

    @app.get("/v1/parameters/{pid}")
    async def parameter(pid: str) -> dict[str, Any]:
        if pid not in policy.parameter_index:
            raise _not_found("id", pid, "a parameter id (GET /v1/parameters)")
        return policy.parameter_index[pid]

    @app.get("/v1/vocabulary")
    async def vocabulary() -> dict[str, Any]:
        return policy.vocabulary

    @app.get("/v1/schemas/{name}")
    async def schema(name: str) -> dict[str, Any]:
        if name not in schema_names():
            raise _not_found("name", name, "one of " + ", ".join(schema_names()))
        return schema_document(name)

    @app.post("/v1/answers")
    async def answers(request: Request) -> Response:
        options, lang = _options(request, policy)
        html = _wants_html(request.headers.get("accept", ""))
        what_if = _flag(request.query_params.get("what_if"), "what_if")
        media_type = request.headers.get("content-type", "application/json")
        raw = await _body(request, settings.max_body_bytes)
        gate.enter()

        def work() -> Any:
            doc = load_case_body(raw, media_type)
            answer = answer_case(
                policy,
                doc,
                options.as_of,
                dict(options.parameters),
                explain=options.explain,
                what_if=what_if,
            )
            if html:
                return answer.render(lang, explain=options.explain, what_if=what_if, format="html")
            return answer.to_dict()

        try:
            result = await gate.run(work)
        except ServiceProblem:
            raise
        except Exception as exc:
            raise _refusal(exc) from None
        return HTMLResponse(result) if html else JSONResponse(result)

    @app.post("/v1/answers:batch")
    async def answer_batch(request: Request) -> Response:
        options, _lang = _options(request, policy)
        if _flag(request.query_params.get("what_if"), "what_if"):
            raise _what_if_per_case()
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type not in JSON_LINES_TYPES:
            raise ServiceProblem(
                415,
                "the body must be JSON Lines / 请求体须为 JSON Lines",
                [
                    request_problem(
                        "Content-Type",
                        f"media type {media_type or '(none)'} is not accepted",
                        "one of " + ", ".join(JSON_LINES_TYPES),
                        "media-type",
                    )
                ],
            )
        body = await _body(request, settings.max_batch_bytes)
        gate.enter()
        return _HoldingSlot(_batch_lines(body, options, policy, gate), gate, media_type=JSON_LINES)

    return app


async def _batch_lines(
    body: bytes, options: BatchOptions, policy: Policy, gate: Gate
) -> AsyncIterator[bytes]:
    """An answer line per line of the body, each sent as soon as it is answered, in the batch's
    slot. (The body is read whole first: while a response streams, the server listens on the
    request for the client going away.)"""
    name = "<request body>"

    def answer(raw: bytes, number: int) -> bytes | None:
        case = case_from_line(raw, name, number)
        return None if case is None else line(answer_one(policy, case, options))

    start = 0
    number = 0
    while start < len(body):
        cut = body.find(b"\n", start)
        end = len(body) if cut < 0 else cut + 1
        raw, start, number = body[start:end], end, number + 1
        out = await gate.run(lambda r=raw, n=number: answer(r, n), deadline=False, release=False)
        if out is not None:
            yield out


class _HoldingSlot(StreamingResponse):
    """A streamed response that gives its evaluation slot back when it ends, however it ends
    (finished, failed, or the client gone before the first line)."""

    def __init__(self, content: AsyncIterator[bytes], gate: Gate, **kwargs: Any):
        super().__init__(content, **kwargs)
        self.gate = gate

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.gate.slots.release()


def _options(request: Request, policy: Policy) -> tuple[BatchOptions, str]:
    query = request.query_params
    try:
        as_of = query.get("as_of")
        if as_of is not None:
            as_of = as_of_day(as_of)
        overrides = parse_overrides(query.getlist("param"), policy.parameter_index)
    except ProblemsError as exc:
        raise ServiceProblem(422, "an option was refused / 选项无效", exc.problems) from None
    lang = query.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise _bad_query("lang", lang, "zh or en")
    return (
        BatchOptions(
            fingerprint=policy.fingerprint,
            as_of=as_of,
            parameters=overrides,
            explain=_flag(query.get("explain"), "explain"),
        ),
        lang,
    )


def _flag(value: str | None, name: str) -> bool:
    if value is None or value.lower() in ("false", "0"):
        return False
    if value.lower() in ("true", "1"):
        return True
    raise _bad_query(name, value, "true or false")


def _bad_query(name: str, value: str, expected: str) -> ServiceProblem:
    return ServiceProblem(
        400,
        f"query parameter {name} cannot be read",
        [request_problem(name, f"{value[:60]!r} is not accepted", expected, "argument")],
    )


def _what_if_per_case() -> ServiceProblem:
    """What-if answers cost tens of evaluations per case: asked for one case at a time, never for
    a whole batch."""
    return ServiceProblem(
        422,
        "what_if is answered per case / 反事实分析只对单个案件提供",
        [
            request_problem(
                "what_if",
                "what_if is not available for a batch",
                "POST /v1/answers with what_if=true for the case in question",
                "argument",
            )
        ],
    )


def _wants_html(accept: str) -> bool:
    types = [part.split(";", 1)[0].strip().lower() for part in accept.split(",")]
    return HTML in types and "application/json" not in types


async def _body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large_problems(settings_or_limit: Settings | int) -> list:
    limit = (
        settings_or_limit
        if isinstance(settings_or_limit, int)
        else settings_or_limit.max_batch_bytes
    )
    return [request_problem("", "the body is too large", f"at most {limit} bytes", "too-large")]


def _too_large(limit: int) -> ServiceProblem:
    return ServiceProblem(413, "the body is too large / 请求体过大", _too_large_problems(limit))


def _not_found(name: str, value: str, expected: str) -> ServiceProblem:
    return ServiceProblem(
        404,
        "no such resource / 未找到",
        [request_problem(name, f"{value[:60]!r} not found", expected, "not-found")],
    )


def _refusal(exc: Exception) -> ServiceProblem:
    """The problem document for what kept a case from being answered."""
    from_case = isinstance(exc, ProblemsError)
    problems = problems_of(exc, "<request body>")
    codes = {p.code for p in problems}
    if from_case and "too-large" in codes:
        return ServiceProblem(413, "the body is too large / 请求体过大", problems)
    if from_case and "media-type" in codes:
        return ServiceProblem(415, "the media type is not accepted / 媒体类型不受支持", problems)
    if from_case:
        return ServiceProblem(422, "the case was refused / 案件无法评估", problems)
    if any(p.where == "time limit" for p in problems):
        return ServiceProblem(504, "the evaluation ran out of time / 评估超时", problems)
    return ServiceProblem(500, "internal error / 内部错误", problems)


def app_from_environment() -> FastAPI:
    """The application of a ``serve`` process (settings from the environment); a policy or token
    file that is refused ends the process with its problems, never a traceback."""
    try:
        return create_app(Settings.from_environment())
    except ProblemsError as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        raise SystemExit(1) from None
