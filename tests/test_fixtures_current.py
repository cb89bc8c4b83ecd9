"""The committed fixtures are exactly what the generator produces from the policy today.

Its own module: regenerating every fixture (every rule's cases, their answers and the witness
search) is the longest single test, and the test workers balance modules, not tests.
"""

from __future__ import annotations

import pytest

from engine.cli.app import main


def test_committed_fixtures_are_what_the_generator_produces(capsys: pytest.CaptureFixture) -> None:
    code = main(["fixtures", "--check"])
    assert code == 0, capsys.readouterr().err
