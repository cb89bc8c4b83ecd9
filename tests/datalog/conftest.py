"""Print the per-suite conformance counts at the end of the session (also recorded in
docs/engine/conformance.md)."""

from __future__ import annotations

import conformance_adapter


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001 - hook signature
    if not conformance_adapter.OUTCOMES:
        return
    terminalreporter.section(
        "datalog-conformance core suites (passed / rejected-as-unsupported / failed)"
    )
    for line in conformance_adapter.summary_lines():
        terminalreporter.write_line(line)
