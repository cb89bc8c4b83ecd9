"""Rebuild the received source file, byte for byte, from the encoded policy and its change log.

Why: the encoded Chinese text differs from the file we received only by conversion artefacts
(Markdown list markers, half-width punctuation, spaces around digits, a broken line, uneven blank
lines). A legal officer must be able to trust that nothing else changed. Every change is recorded
in ``normalisation.yaml``; undoing the log on the encoded text must give back the received file
exactly. If it does, the log is complete and the encoded wording is the official wording; if anyone
edits a text without logging the change, the round trip fails.

How the log is undone: entries are taken in reverse log order; each replaces one occurrence of its
``normalised`` string by its ``received`` string in the zh text of its element (or front-matter
block). Entries of kind ``separator`` instead give the whitespace that precedes their element in the
received file where it differs from the layout default. The layout (prefix, suffix, separators,
block order) is read from the log's ``layout`` mapping, not hard-coded.

Also here: ``element_texts_sha256``, the hash of an article's texts that review records keep as
``text_sha256`` (the full review fingerprint, over rules, parameters and examples as well, is
engine.policy.review_fingerprint).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from engine.files.reader import read_input_bytes
from engine.files.safe_yaml import load_yaml_file
from engine.problems import Problem, ProblemsError

NORMALISATION_FILE = "normalisation.yaml"
ENTRY_KINDS = ("list_marker", "line_break", "punctuation", "spacing", "separator")
ARTICLES_BLOCK = "articles"
# front-matter blocks that layout.blocks may name; each is read from the key of that name in
# instrument.yaml (a {zh, en} text, or a plain string for document_number)
FRONT_BLOCKS = ("document_header", "document_number", "title", "salutation", "preamble")


def element_texts_sha256(elements: list[dict[str, Any]]) -> str:
    """Fingerprint of an article's texts (eId, zh, en of every element), kept in its review record.

    A review vouches for a specific wording and translation; when either changes, the stored
    fingerprint no longer matches and the review is visibly stale instead of silently covering a
    different text.
    """
    joined = "\n".join(f"{e['eid']}\t{e['text']['zh']}\t{e['text']['en']}" for e in elements)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def sha256_hex(data: bytes | str) -> str:
    """sha256 of bytes, or of a string's UTF-8 encoding (the received file is UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def rebuild_received(
    instrument: dict[str, Any], articles: list[dict[str, Any]], normalisation: dict[str, Any]
) -> str:
    """The received file's text, rebuilt from the encoded texts by undoing the normalisation log.

    Raises ProblemsError when the log cannot be undone (an entry names an unknown eId or its
    ``normalised`` string is not where it says): a partial rebuild would only hide the real problem.
    """
    text, problems = _rebuild(instrument, articles, normalisation)
    if problems:
        raise ProblemsError(problems)
    return text


def check_normalisation(
    instrument: dict[str, Any],
    articles: list[dict[str, Any]],
    normalisation: dict[str, Any],
    policy_dir: str | Path | None = None,
    positions: list[tuple[int, int]] | None = None,
) -> list[Problem]:
    """Every problem with the change log, each located at ``$.entries[i]`` in normalisation.yaml.

    Checks: each entry names an existing eId, has a known kind, a unique id, a non-empty
    ``normalised`` string found at the stated occurrence (in the text as it stands when that entry
    is undone), and separator entries replace the separator the layout would otherwise put there.
    Then the rebuilt text must have the recorded ``received_sha256``; with ``policy_dir``, the
    received copy in the policy folder must have it too. Lines and columns are filled in when
    ``policy_dir`` is given (read from normalisation.yaml itself).
    """
    if positions is None:
        positions = (
            _entry_positions(Path(policy_dir) / NORMALISATION_FILE)
            if policy_dir is not None
            else []
        )
    text, problems = _rebuild(instrument, articles, normalisation, positions)
    expected_sha = normalisation.get("received_sha256")
    if not problems and sha256_hex(text) != expected_sha:
        problems.append(
            Problem(
                NORMALISATION_FILE,
                None,
                None,
                "$.received_sha256",
                f"the encoded text with the log undone has sha256 {sha256_hex(text)}, "
                f"not the recorded received_sha256 {expected_sha}",
                "every change from the received text recorded in normalisation.yaml",
                code="round-trip",
            )
        )
    if policy_dir is not None:
        try:
            actual = sha256_hex(read_received(policy_dir, normalisation.get("received_file", "")))
        except ProblemsError as exc:
            problems.extend(
                replace(
                    p,
                    file=NORMALISATION_FILE,
                    where="$.received_file",
                    message=f"the received file: {p.message}",
                    expected="a copy of the received file in the policy folder",
                    code="received-missing",
                )
                for p in exc.problems
            )
        else:
            if actual != expected_sha:
                problems.append(
                    Problem(
                        NORMALISATION_FILE,
                        None,
                        None,
                        "$.received_sha256",
                        f"{normalisation.get('received_file')} has sha256 {actual}, "
                        f"not the recorded {expected_sha}",
                        "the received file exactly as it was received",
                        code="received-changed",
                    )
                )
    return problems


class PolicyTexts(NamedTuple):
    """The three inputs of the round trip, as plain data."""

    instrument: dict[str, Any]
    articles: list[dict[str, Any]]
    normalisation: dict[str, Any]


def load_policy_texts(policy_dir: str | Path) -> PolicyTexts:
    """Read instrument.yaml, every articles/*.yaml (in the order instrument.yaml lists) and the log.

    A deliberately small loader (safe_load, no schema checks) so that the round trip can be tested
    on its own; the full, checked loader is engine.policy.load.
    """
    root = Path(policy_dir)
    instrument = _safe_load(root / "instrument.yaml")
    by_eid = {}
    for path in sorted((root / "articles").glob("*.yaml")):
        article = _safe_load(path)
        by_eid[article["eid"]] = article
    articles = [by_eid[eid] for eid in instrument["articles"] if eid in by_eid]
    return PolicyTexts(instrument, articles, _safe_load(root / NORMALISATION_FILE))


def rebuild_received_from_dir(policy_dir: str | Path) -> str:
    """``rebuild_received`` for a policy folder on disk."""
    return rebuild_received(*load_policy_texts(policy_dir))


# --- internals ---------------------------------------------------------------------------------


def read_received(policy_dir: str | Path, received_file: str) -> bytes:
    """The bytes of the received file, which must lie inside the policy folder (the log names it,
    and a policy file must not make the engine read anything outside its own folder)."""
    root = Path(policy_dir).resolve()
    path = root / str(received_file)
    if not path.resolve().is_relative_to(root) or not str(received_file):
        raise ProblemsError.one(
            str(path),
            "",
            "not inside the policy folder",
            "a path inside the policy folder",
            code="outside",
        )
    return read_input_bytes(path, str(received_file))


def _safe_load(path: Path) -> Any:
    return load_yaml_file(path).data


def _entry_positions(path: Path) -> list[tuple[int, int]]:
    """1-based (line, column) of each entry of the log, so problems point into the file."""
    try:
        doc = load_yaml_file(path)
    except ProblemsError:
        return []
    entries = doc.data.get("entries") if isinstance(doc.data, dict) else None
    if not isinstance(entries, list):
        return []
    return [doc.position(("entries", i)) for i in range(len(entries))]


def _front_text(instrument: dict[str, Any], block: str) -> str:
    value = instrument[block]
    return value if isinstance(value, str) else value["zh"]


def _replace_occurrence(text: str, old: str, new: str, occurrence: int | str | None) -> str | None:
    """``text`` with the chosen occurrence of ``old`` replaced; None when it does not exist.

    ``occurrence`` None means ``old`` must occur exactly once, so that a log entry can never
    silently apply to a different spot after the text around it changes.
    """
    count = text.count(old)
    if occurrence == "all":
        return text.replace(old, new) if count else None
    if occurrence is None:
        if count != 1:
            return None
        occurrence = 1
    if (
        not isinstance(occurrence, int)
        or isinstance(occurrence, bool)
        or not 1 <= occurrence <= count
    ):
        return None
    at = -1
    for _ in range(occurrence):
        at = text.find(old, at + 1)
    return text[:at] + new + text[at + len(old) :]


def _rebuild(
    instrument: dict[str, Any],
    articles: list[dict[str, Any]],
    normalisation: dict[str, Any],
    positions: list[tuple[int, int]] | None = None,
) -> tuple[str, list[Problem]]:
    """Undo the log and lay the texts out; return the text and every problem met on the way."""
    positions = positions or []
    layout = normalisation["layout"]
    default_sep = layout["default_separator"]
    heading_sep = layout["heading_separator"]
    by_eid = {a["eid"]: a for a in articles}
    ordered = [by_eid[eid] for eid in instrument["articles"] if eid in by_eid]

    # eId or front block → its zh text, turned back into the received text as entries are undone
    texts: dict[str, str] = {}
    # document order: (eId or block, layout separator before it (None at the very start),
    # whether the piece is an article heading)
    items: list[tuple[str, str | None, bool]] = []
    problems: list[Problem] = []
    for j, block in enumerate(layout["blocks"]):
        if block not in FRONT_BLOCKS and block != ARTICLES_BLOCK:
            problems.append(
                Problem(
                    NORMALISATION_FILE,
                    None,
                    None,
                    f"$.layout.blocks[{j}]",
                    f"unknown block {block!r}",
                    f"one of {', '.join((*FRONT_BLOCKS, ARTICLES_BLOCK))}",
                    code="layout",
                )
            )
        elif block == ARTICLES_BLOCK:
            for article in ordered:
                items.append((article["eid"], default_sep if items else None, True))
                for i, element in enumerate(article["elements"]):
                    texts[element["eid"]] = element["text"]["zh"]
                    items.append((element["eid"], heading_sep if i == 0 else default_sep, False))
        else:
            texts[block] = _front_text(instrument, block)
            items.append((block, default_sep if items else None, False))
    default_before = {name: sep for name, sep, _ in items if sep is not None}

    separators: dict[str, str] = {}
    entries = normalisation.get("entries") or []
    seen_ids: dict[str, int] = {}

    def problem(i: int, message: str, expected: str, code: str) -> None:
        line, column = positions[i] if i < len(positions) else (None, None)
        problems.append(
            Problem(
                NORMALISATION_FILE, line, column, f"$.entries[{i}]", message, expected, code=code
            )
        )

    for i in range(len(entries) - 1, -1, -1):  # reverse log order
        entry = entries[i]
        entry_id, eid, kind = entry.get("id"), entry.get("eid"), entry.get("kind")
        received, normalised = entry.get("received"), entry.get("normalised")
        if entry_id in seen_ids:
            problem(
                i,
                f"entry id {entry_id} is used twice (also $.entries[{seen_ids[entry_id]}])",
                "a unique id",
                "dup-id",
            )
        seen_ids.setdefault(entry_id, i)
        if kind not in ENTRY_KINDS:
            problem(i, f"unknown kind {kind!r}", f"one of {', '.join(ENTRY_KINDS)}", "kind")
            continue
        if not isinstance(normalised, str) or not normalised or not isinstance(received, str):
            problem(
                i,
                "`normalised` must be a non-empty string and `received` a string",
                "the two strings of the change",
                "strings",
            )
            continue
        if kind == "separator":
            if eid not in default_before:
                problem(
                    i,
                    f"{eid!r} is not an element, article or block preceded by a separator",
                    "the eId of the element the separator precedes",
                    "eid",
                )
            elif eid in separators:
                problem(
                    i, f"a second separator entry for {eid}", "one separator entry per place", "dup"
                )
            elif normalised != default_before[eid]:
                problem(
                    i,
                    f"`normalised` {normalised!r} is not the layout separator before {eid} "
                    f"({default_before[eid]!r})",
                    repr(default_before[eid]),
                    "separator",
                )
            else:
                separators[eid] = received
            continue
        if eid not in texts:
            problem(
                i,
                f"{eid!r} names no element or front-matter block with a text",
                "an element eId or a block of layout.blocks",
                "eid",
            )
            continue
        undone = _replace_occurrence(texts[eid], normalised, received, entry.get("occurrence"))
        if undone is None:
            occurrence = entry.get("occurrence")
            where = "exactly once" if occurrence is None else f"at occurrence {occurrence}"
            problem(
                i,
                f"`normalised` {normalised!r} is not found {where} in the zh text of {eid} "
                f"(as it stands when the later entries are undone; found "
                f"{texts[eid].count(normalised)} time(s))",
                "a `normalised` string that locates exactly one spot",
                "not-found",
            )
            continue
        texts[eid] = undone

    pieces = [layout["document_prefix"]]
    for name, default, is_heading in items:
        if default is not None:
            pieces.append(separators.get(name, default))
        pieces.append(by_eid[name]["heading"]["zh"] if is_heading else texts[name])
    pieces.append(layout["document_suffix"])
    return "".join(pieces), problems
