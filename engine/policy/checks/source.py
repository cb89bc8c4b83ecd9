"""The source round trip: the encoded text with every recorded normalisation undone is the received file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.policy.source_text import (
    check_normalisation,
    read_received,
    rebuild_received,
    sha256_hex,
)
from engine.problems import Problem, ProblemsError, excerpt

if TYPE_CHECKING:
    from engine.policy.model import Policy


def check_source(policy: Policy) -> list[Problem]:
    """The encoded text, with the normalisation log undone, must give back the received file byte for byte."""

    doc = policy.docs["normalisation.yaml"]
    positions = [doc.position(("entries", i)) for i in range(len(policy.normalisation["entries"]))]
    problems = [
        p
        for p in check_normalisation(
            policy.instrument, policy.articles, policy.normalisation, positions=positions
        )
        if p.code != "round-trip"  # reported below, with the line where the texts part
    ]
    if problems:
        return problems
    doc = policy.docs["normalisation.yaml"]
    try:
        received = read_received(policy.root, policy.normalisation["received_file"]).decode("utf-8")
    except ProblemsError as exc:
        return [
            doc.problem(
                ("received_file",),
                f"cannot read the received text: {exc.problems[0].message}",
                exc.problems[0].expected or "the received file, UTF-8",
            )
        ]
    except UnicodeDecodeError as exc:
        return [
            doc.problem(
                ("received_file",),
                f"the received text is not UTF-8 (byte {exc.start})",
                "the received file, UTF-8",
            )
        ]

    if sha256_hex(received) != policy.normalisation["received_sha256"]:
        return [
            doc.problem(
                ("received_sha256",),
                f"{policy.normalisation['received_file']} has sha256 {sha256_hex(received)}, "
                "not the recorded received_sha256",
                "the received text exactly as it was received (it is never edited)",
                code="received-changed",
            )
        ]
    rebuilt = rebuild_received(policy.instrument, policy.articles, policy.normalisation)
    if rebuilt != received:
        at = next(
            (i for i, (a, b) in enumerate(zip(rebuilt, received, strict=False)) if a != b),
            min(len(rebuilt), len(received)),
        )
        line = received.count("\n", 0, at) + 1
        return [
            doc.problem(
                ("entries",),
                f"the encoded text with the log undone differs from the received text at line {line} of "
                f"{policy.normalisation['received_file']}: '{excerpt(received[at : at + 12])}' vs '{excerpt(rebuilt[at : at + 12])}'",
                "every change from the received text recorded in normalisation.yaml",
                code="round-trip",
            )
        ]
    return []
