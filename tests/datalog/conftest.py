"""Print the per-suite conformance counts at the end of the session (also recorded in
docs/engine/conformance.md)."""

from __future__ import annotations

import conformance_adapter
import pytest

from engine.datalog import program as program_module


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001 - hook signature
    if not conformance_adapter.OUTCOMES:
        return
    terminalreporter.section(
        "datalog-conformance core suites (passed / rejected-as-unsupported / failed)"
    )
    for line in conformance_adapter.summary_lines():
        terminalreporter.write_line(line)


# The engine behaviour tests hold for both evaluators: the default (native hash joins) and the
# pyDatalog one. Each test of these modules runs once per evaluator.
BOTH_EVALUATORS = {
    "test_pydatalog_traps",
    "test_evaluation",
    "test_explanations",
    "test_case_isolation",
}


def pytest_generate_tests(metafunc):
    if metafunc.module.__name__ in BOTH_EVALUATORS:
        metafunc.parametrize("evaluator", ["native", "pydatalog"], indirect=True)


@pytest.fixture(autouse=True)
def evaluator(request, monkeypatch):
    name = getattr(request, "param", "native")
    monkeypatch.setattr(program_module, "DEFAULT_BACKEND", name)
    return name
