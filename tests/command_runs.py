"""Running the command in this process as a user runs it: its exit code, stdout and stderr."""

from __future__ import annotations

import contextlib
import io

from engine.cli.app import main


def run(argv: list[str]) -> tuple[int, str, str]:
    """``accountability ARGV``: the exit code (argparse's usage errors included) and the text
    written to stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()
