"""Writing an article's review record back into its file, leaving every other line as it was.

The article files are written by people, with comments and a layout chosen for reading; a sign-off
must not reformat them. So only the top-level ``review:`` block is replaced, by one written in a
fixed layout, and the result is read back before it is saved: if anything but the review record
would change, nothing is written.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from engine.files.safe_yaml import load_yaml_text
from engine.problems import ProblemsError

COMMENT = (
    "# Review record, written by `accountability review sign` / `review refresh`: not by hand."
)
# the record's keys in the order they are written; optional ones are left out when null
KEYS = ("status", "reviewer", "date", "revision", "text_sha256", "fingerprint", "signature")
OPTIONAL = ("revision", "signature")


def review_block(review: dict[str, Any]) -> str:
    """The ``review:`` block (with its comment line) for a record, in the fixed layout."""
    unknown = set(review) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown review keys: {sorted(unknown)}")
    lines = [COMMENT, "review:"]
    for key in KEYS:
        if key not in review or (key in OPTIONAL and review[key] is None):
            continue
        value = review[key]
        if key == "fingerprint":
            lines.append("  fingerprint:")
            lines.append(f"    sha256: {_scalar(value['sha256'])}")
            lines.append("    parts:")
            lines += [f"      {part}: {_scalar(sha)}" for part, sha in value["parts"].items()]
        elif key == "signature":
            lines.append("  signature: |")
            lines += [f"    {line}" for line in value.strip("\n").split("\n")]
        elif key == "status" and value in ("draft", "reviewed"):  # an enum word, written plain
            lines.append(f"  status: {value}")
        else:
            lines.append(f"  {key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def replace_review(text: str, review: dict[str, Any], name: str) -> str:
    """``text`` (an article file) with its top-level ``review:`` block replaced by ``review``."""
    lines = text.splitlines(keepends=True)
    start = _review_key_line(text, name)
    end = start + 1
    while end < len(lines):  # the block: indented lines, and blank lines inside it
        line = lines[end]
        indented = line[:1] in (" ", "\t")
        inside = not line.strip() and any(x[:1] in (" ", "\t") for x in _next_non_blank(lines, end))
        if not (indented or inside):
            break
        end += 1
    if start > 0 and lines[start - 1].rstrip("\n") == COMMENT:
        start -= 1
    block = review_block(review)
    if end == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    new_text = "".join(lines[:start]) + block + "".join(lines[end:])
    _check_only_review_changed(text, new_text, review, name)
    return new_text


def write_review(path: Path, review: dict[str, Any], name: str | None = None) -> None:
    """Replace the review record of the article file at ``path``; the file is replaced atomically."""
    text = path.read_text(encoding="utf-8")
    new_text = replace_review(text, review, name or str(path))
    if new_text == text:
        return
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(new_text)
        os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- internals ---------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    """A YAML scalar: null, or a double-quoted string (JSON's escapes are YAML's)."""
    if value is None:
        return "null"
    return json.dumps(str(value), ensure_ascii=False)


def _next_non_blank(lines: list[str], at: int) -> list[str]:
    for line in lines[at:]:
        if line.strip():
            return [line]
    return []


def _review_key_line(text: str, name: str) -> int:
    """The 0-based line of the top-level ``review:`` key (composed safely: node tree only)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ProblemsError.one(name, "$", f"not readable YAML: {exc}", "an article file") from exc
    if isinstance(root, yaml.MappingNode):
        for key, _ in root.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value == "review"
                and key.start_mark.column == 0
            ):
                return key.start_mark.line
    raise ProblemsError.one(
        name, "$.review", "no top-level review record", "a `review:` block at the top level"
    )


def _check_only_review_changed(old: str, new: str, review: dict[str, Any], name: str) -> None:
    before = load_yaml_text(old, name).data
    after = load_yaml_text(new, name).data
    expected = {k: v for k, v in review.items() if not (k in OPTIONAL and v is None)}
    if "signature" in expected:
        expected["signature"] = expected["signature"].strip("\n") + "\n"
    others_before = {k: v for k, v in before.items() if k != "review"}
    others_after = {k: v for k, v in after.items() if k != "review"}
    if list(before) != list(after) or others_before != others_after or after["review"] != expected:
        raise ProblemsError.one(
            name,
            "$.review",
            "the review record could not be replaced without changing other content",
            "a `review:` block written as `accountability review` writes it, at the top level",
        )
