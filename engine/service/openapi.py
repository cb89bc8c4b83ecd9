"""The service's OpenAPI 3.1 description: every body a project JSON Schema (engine.service.schemas).

Written out here rather than derived from Python models: the bodies already have their schemas,
and a second description of them could drift. What is written here is only the HTTP surface —
paths, parameters, media types, status codes — and the one shape the service adds, the problem
document of RFC 9457 with the project's located problems.
"""

from __future__ import annotations

from typing import Any

from engine.service.schemas import component, components, schema_names

JSON = "application/json"
YAML_TYPES = ("application/yaml",)
JSON_LINES = "application/jsonl"
HTML = "text/html"
PROBLEM_JSON = "application/problem+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "description": "RFC 9457 problem details; `problems` are the located problems the command "
    "line prints (file, line, column, where, what is wrong, what was expected).",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "problems": {"type": "array", "items": {"$ref": component("LocatedProblem")}},
    },
    "required": ["type", "title", "status", "detail", "problems"],
}
LOCATED_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "file": {"type": "string"},
        "line": {"type": ["integer", "null"]},
        "column": {"type": ["integer", "null"]},
        "where": {"type": "string"},
        "message": {"type": "string"},
        "expected": {"type": "string"},
        "severity": {"enum": ["error", "warning"]},
        "code": {"type": "string"},
    },
    "required": ["file", "line", "column", "where", "message", "expected", "severity", "code"],
}
BATCH_RECORD_SCHEMA: dict[str, Any] = {
    "description": "One line of a batch: the case's answer, or the problems that refused it.",
    "oneOf": [
        {
            "type": "object",
            "properties": {"case": {"type": "string"}, "answer": {"$ref": component("answer")}},
            "required": ["case", "answer"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "case": {"type": "string"},
                "problems": {"type": "array", "items": {"$ref": component("LocatedProblem")}},
            },
            "required": ["case", "problems"],
            "additionalProperties": False,
        },
    ],
}


def _article_property(name: str) -> dict[str, str]:
    return {"$ref": f"{component('article')}/properties/{name}"}


POLICY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "instrument": {"type": "string"},
        "title": {"$ref": f"{component('common')}/$defs/text"},
        "document_number": {"type": "string"},
        "edition": {"$ref": f"{component('instrument')}/$defs/edition"},
        "encoding_version": {"$ref": f"{component('common')}/$defs/semver"},
        "fingerprint": {"$ref": f"{component('common')}/$defs/sha256"},
    },
    "required": [
        "instrument",
        "title",
        "document_number",
        "edition",
        "encoding_version",
        "fingerprint",
    ],
}
ARTICLE_LIST_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            k: _article_property(k) for k in ("eid", "number", "heading", "title", "kind")
        },
        "required": ["eid", "number", "heading", "title", "kind"],
    },
}
ARTICLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The article as encoded (text, translation, rules with their readings in "
    "words, anomalies, review) and the interpretation parameters that bear on it.",
    "properties": {
        "article": {"$ref": component("article")},
        "parameters": {
            "type": "array",
            "items": {"$ref": f"{component('parameters')}/$defs/parameter"},
        },
    },
    "required": ["article", "parameters"],
}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    problem = {"content": {PROBLEM_JSON: {"schema": {"$ref": component("Problem")}}}}
    reasons = {
        400: "The request cannot be read (a query parameter, a media type).",
        401: "A bearer token is required and was missing or wrong.",
        404: "No such resource.",
        413: "The body is larger than allowed.",
        415: "The body's media type is not accepted.",
        422: "The case (or an option) was refused: its located problems.",
        503: "All evaluation slots are busy; retry after `Retry-After` seconds.",
        504: "The answer was not ready within the per-request deadline.",
    }
    out = {str(code): {"description": reasons[code], **problem} for code in codes}
    out["default"] = {"description": "Any other error, as a problem document.", **problem}
    return out


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, **extra} | {
        "description": description
    }


ANSWER_PARAMETERS = [
    _query(
        "as_of",
        {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "The edition in force and 'today' (default: the case's own as_of, else today).",
    ),
    _query(
        "param",
        {"type": "array", "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*=.*$"}},
        "An interpretation parameter override NAME=VALUE (repeatable; lists comma-separated).",
        style="form",
        explode=True,
    ),
    _query("explain", {"type": "boolean"}, "Keep every step of the reasons and derivations."),
]
WHAT_IF = _query(
    "what_if",
    {"type": "boolean"},
    "Add, per verdict, the smallest changes of the record that would flip it, each verified "
    "(the answer's what_if section, or a section of the HTML report); single answers only, a "
    "batch refuses it with 422.",
)


def _get(
    operation_id: str, summary: str, schema: dict[str, Any], *errors: int, parameters=None
) -> dict[str, Any]:
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "responses": {"200": _json(schema), **_errors(*errors)},
    }
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


def _path_parameter(name: str, schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True, "schema": schema}]


def openapi_document(version: str, token_required: bool) -> dict[str, Any]:
    """The OpenAPI 3.1 document the service publishes at ``/openapi.json``."""
    case = {"$ref": component("case")}
    schemas = dict(components())
    schemas.update(
        Problem=PROBLEM_SCHEMA,
        LocatedProblem=LOCATED_PROBLEM_SCHEMA,
        BatchRecord=BATCH_RECORD_SCHEMA,
        Policy=POLICY_SCHEMA,
        ArticleList=ARTICLE_LIST_SCHEMA,
        Article=ARTICLE_SCHEMA,
    )
    answers = {
        "post": {
            "operationId": "answer",
            "summary": "Answer one case: who is responsible and why",
            "description": "The body is a case (schema `case`) as JSON, or as YAML with its "
            "media type. The answer is the JSON `accountability query --format json` prints, "
            "or, when the client accepts `text/html` (and not JSON), the rendered report.",
            "parameters": [
                *ANSWER_PARAMETERS,
                WHAT_IF,
                _query(
                    "lang",
                    {"enum": ["zh", "en"]},
                    "Language of the HTML report (default zh).",
                ),
            ],
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": case}}
                | {media: {"schema": case} for media in YAML_TYPES},
            },
            "responses": {
                "200": {
                    "description": "The answer (schema `answer`) or its HTML report.",
                    "content": {
                        JSON: {"schema": {"$ref": component("answer")}},
                        HTML: {"schema": {"type": "string"}},
                    },
                },
                **_errors(400, 401, 413, 415, 422, 503, 504),
            },
        }
    }
    batch = {
        "post": {
            "operationId": "answerBatch",
            "summary": "Answer many cases: JSON Lines in, JSON Lines out, streamed",
            "description": "Each line of the body is one case as JSON (schema `case`); each line "
            "of the response, in the same order, is a `BatchRecord`: the answer, or the located "
            "problems of that line. A bad line never stops the others.",
            "parameters": ANSWER_PARAMETERS,
            "requestBody": {"required": True, "content": {JSON_LINES: {"schema": case}}},
            "responses": {
                "200": {
                    "description": "One `BatchRecord` per non-empty input line.",
                    "content": {JSON_LINES: {"schema": {"$ref": component("BatchRecord")}}},
                },
                **_errors(400, 401, 413, 415, 422, 503),
            },
        }
    }
    eid = {"$ref": f"{component('common')}/$defs/eid"}
    paths = {
        "/v1/answers": answers,
        "/v1/answers:batch": batch,
        "/v1/policy": _get("policy", "Instrument, edition, encoding version", POLICY_SCHEMA, 401),
        "/v1/articles": _get("articles", "The articles", {"$ref": component("ArticleList")}, 401),
        "/v1/articles/{eId}": _get(
            "article",
            "One article: text, translation, rules in words, parameters, anomalies",
            {"$ref": component("Article")},
            401,
            404,
            parameters=_path_parameter("eId", eid),
        ),
        "/v1/parameters": _get(
            "parameters", "The interpretation parameters", {"$ref": component("parameters")}, 401
        ),
        "/v1/parameters/{id}": _get(
            "parameter",
            "One interpretation parameter",
            {"$ref": f"{component('parameters')}/$defs/parameter"},
            401,
            404,
            parameters=_path_parameter("id", {"type": "string"}),
        ),
        "/v1/vocabulary": _get(
            "vocabulary", "Every predicate and domain", {"$ref": component("vocabulary")}, 401
        ),
        "/v1/schemas/{name}": _get(
            "schema",
            "One of the project's JSON Schemas, as published",
            {"type": "object"},
            401,
            404,
            parameters=_path_parameter("name", {"enum": schema_names()}),
        ),
        "/healthz": _get(
            "health",
            "Whether the service is up (no token needed)",
            {
                "type": "object",
                "properties": {"status": {"const": "ok"}},
                "required": ["status"],
            },
        ),
    }
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "文水县民政局监管执法责任倒查机制 — accountability service",
            "version": version,
            "description": "Answers cases under the encoding of 文民发[2023]25号. Read-only.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
    if token_required:
        document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        document["security"] = [{"bearer": []}]
        document["paths"]["/healthz"]["get"]["security"] = []
    return document
