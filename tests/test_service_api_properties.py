"""Property-based testing of the HTTP API against its own OpenAPI description (schemathesis), in
process: every operation gets generated requests, none may cause a server error, and every
response must match the description (status, media type, body against the project's schemas).

The suite stays fast with a few examples per operation; set SERVICE_API_EXAMPLES=200 for the
full run (``bench/service.py --api-examples 200`` prints how to)."""

from __future__ import annotations

import json
import os

import schemathesis
from hypothesis import HealthCheck, settings

from engine.service.app import create_app

EXAMPLES = int(os.environ.get("SERVICE_API_EXAMPLES", "6"))

# Not ``positive_data_acceptance``: a case can fit its schema and still be refused (422) by the
# checks a schema cannot express (every person referred to exists, dates follow each other).
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]

app = create_app()
FULL = EXAMPLES >= 200  # the full run adds schemathesis' coverage phase (boundary values)
config = schemathesis.config.SchemathesisConfig.from_str(
    f"[phases.coverage]\nenabled = {'true' if FULL else 'false'}\n"
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


@schemathesis.serializer("application/jsonl")
def _json_lines(_context, value) -> bytes:
    """A generated body for the batch operation: the generated case as one JSON line."""
    return (json.dumps(value, ensure_ascii=False) + "\n").encode()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_generated_requests_without_a_server_error_and_as_described(
    case,
):
    case.call_and_validate(checks=CHECKS)
