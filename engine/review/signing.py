"""SSH signatures over sign-offs, made and checked by OpenSSH's ``ssh-keygen -Y``.

A review record says who vouched for an article; a signature proves it. The signed message names
the instrument, the article, the fingerprint of everything reviewed, the reviewer, the date and the
revision, so that none of them can be changed afterwards without breaking the signature. The
namespace is this project's own, so a signature made here cannot be passed off as a git commit or
file signature, nor the other way round. Who may sign is listed in ``allowed_signers`` in the policy
folder (OpenSSH's format: ``PRINCIPAL KEYTYPE BASE64KEY`` per line, the principal being the
reviewer's name as recorded).

``ssh-keygen`` is always run with an argument list, never through a shell, and option-looking
values (a key file or name starting with ``-``) are refused before they reach it. A key file that
is not a regular file of a key's size is refused before ssh-keygen reads it, and every ssh-keygen
run has a time limit, so that no input makes ``review sign`` or ``review verify`` hang.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.files.reader import mode_kind
from engine.problems import ProblemsError, excerpt

NAMESPACE = "wenshui-accountability-review"
ALLOWED_SIGNERS = "allowed_signers"  # in the policy folder
MESSAGE_HEADER = "wenshui-accountability review sign-off"
SSH_KEYGEN = "ssh-keygen"
# An SSH private key file is a few kB (an ed25519 key about 400 bytes, even a 16384-bit RSA key, the
# largest ssh-keygen makes, well under 16 kB); a larger file is not a key, and megabytes of armored
# garbage keep ssh-keygen busy for minutes.
MAX_KEY_BYTES = 64 * 1024
# Signing or checking a few-line message takes ssh-keygen milliseconds; the limit is generous so
# that a passphrase typed at ssh-keygen's prompt still fits, and short enough that nothing hangs.
SSH_KEYGEN_SECONDS = 60
# A reviewer's name is written into every article file they sign, printed by `review status` and
# shown on the site: a person's name, however long, fits in far fewer characters.
MAX_REVIEWER_CHARS = 200
# characters a reviewer's name cannot hold: controls (line breaks, escapes), invisible formatting
# characters (bidi overrides, zero-width spaces) and line and paragraph separators
_NAME_FORBIDDEN_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}
# characters a principal in allowed_signers cannot hold unquoted (pattern lists, options, comments)
_PRINCIPAL_FORBIDDEN = set(' \t,"*?!#\\')


def signed_message(instrument: str, eid: str, review: dict[str, Any]) -> bytes:
    """The exact bytes a sign-off signature is over."""
    lines = [
        MESSAGE_HEADER,
        f"instrument: {instrument}",
        f"article: {eid}",
        f"fingerprint: {review['fingerprint']['sha256']}",
        f"reviewer: {review['reviewer']}",
        f"date: {review['date']}",
        f"revision: {review.get('revision') or '-'}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def check_name(value: str, what: str, *, principal: bool = False) -> None:
    """Refuse a value that could be read as an option, or (``principal``) that allowed_signers
    cannot hold as a principal."""
    if not value or value != value.strip() or value.startswith("-"):
        raise ProblemsError.one(
            "<command line>",
            what,
            f"{value!r} is empty, starts with '-' or has spaces around it",
            "a name or file that does not start with '-'",
        )
    if any(ord(c) < 32 or c == "\x7f" for c in value):
        raise ProblemsError.one(
            "<command line>", what, f"{value!r} holds a control character", "printable text"
        )
    if principal and _PRINCIPAL_FORBIDDEN.intersection(value):
        raise ProblemsError.one(
            "<command line>",
            what,
            f"{value!r} cannot be a principal in {ALLOWED_SIGNERS} "
            "(no spaces, commas, quotes, wildcards or #)",
            "the reviewer's name as one word, e.g. 张三",
        )


def check_reviewer(name: str, *, principal: bool = False) -> None:
    """Refuse a reviewer's name that is too long, holds a control, formatting or line-breaking
    character, or that ``check_name`` refuses: the name is written into the article files and
    printed on terminals and pages, where such characters would break lines or hide text."""
    if len(name) > MAX_REVIEWER_CHARS:
        raise ProblemsError.one(
            "<command line>",
            "--reviewer",
            f"the name is {len(name)} characters long: {excerpt(name)}",
            f"a person's name of at most {MAX_REVIEWER_CHARS} characters",
        )
    for ch in name:
        kind = _NAME_FORBIDDEN_CATEGORIES.get(unicodedata.category(ch))
        if kind is not None:
            raise ProblemsError.one(
                "<command line>",
                "--reviewer",
                f"{excerpt(name)} holds U+{ord(ch):04X}, {kind}",
                "a name in visible characters, on one line",
            )
    check_name(name, "--reviewer", principal=principal)


def check_key_file(key: str) -> None:
    """Refuse a key file ssh-keygen should not be given: missing, not a regular file (a folder, a
    FIFO, a device) or larger than any SSH private key.

    The file is only looked at with ``os.stat``, never opened: opening a FIFO for reading blocks
    until something writes to it."""
    try:
        info = os.stat(key)
    except FileNotFoundError:
        raise ProblemsError.one(
            key, "--key", "no such key file", "an SSH private key file"
        ) from None
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProblemsError.one(
            key, "--key", f"the key file cannot be read: {why}", "an SSH private key file"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise ProblemsError.one(
            key,
            "--key",
            f"not a regular file but a {mode_kind(info.st_mode)}",
            "an SSH private key file",
        )
    if info.st_size > MAX_KEY_BYTES:
        raise ProblemsError.one(
            key,
            "--key",
            f"the file holds {info.st_size} bytes, more than any SSH private key",
            f"an SSH private key file (a few kB; at most {MAX_KEY_BYTES} bytes)",
        )


def sign(message: bytes, key: str) -> str:
    """An armored SSH signature of ``message`` made with the private key file ``key``."""
    check_name(key, "--key")
    check_key_file(key)
    done = _run(["-Y", "sign", "-f", key, "-n", NAMESPACE], message, key)
    signature = done.stdout.decode("ascii", errors="replace")
    if done.returncode != 0 or "-----BEGIN SSH SIGNATURE-----" not in signature:
        raise ProblemsError.one(
            key,
            "--key",
            "ssh-keygen could not sign: " + _stderr(done),
            "a readable SSH private key (ssh-keygen -t ed25519 makes one)",
        )
    return signature.strip("\n") + "\n"


@dataclass
class Verdict:
    """The outcome of checking one signature: ``ok``, or ``problem`` says why not."""

    ok: bool
    principals: list[str]
    problem: str = ""
    key: str = ""  # the signing key's fingerprint, as ssh-keygen prints it


def verify(message: bytes, signature: str, allowed_signers: Path, reviewer: str) -> Verdict:
    """Check a signature: well formed and over ``message`` in our namespace, made by a key that
    ``allowed_signers`` lists, for the principal ``reviewer``."""
    if not reviewer or reviewer.startswith("-"):
        return Verdict(False, [], f"reviewer name {reviewer!r} is empty or starts with '-'")
    with tempfile.TemporaryDirectory(prefix="accountability-verify-") as work:
        sig = Path(work) / "review.sig"
        sig.write_text(signature, encoding="ascii", errors="replace")
        own = _run(
            ["-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)],
            message,
            str(allowed_signers),
        )
        if own.returncode != 0:
            return Verdict(False, [], "bad signature: it is not over this record " + _why(own))
        key = _key_of(own)
        found = _run(
            ["-Y", "find-principals", "-s", str(sig), "-f", str(allowed_signers)],
            b"",
            str(allowed_signers),
        )
        principals = [p for p in found.stdout.decode().splitlines() if p.strip()]
        if found.returncode != 0 or not principals:
            return Verdict(
                False, [], f"unknown key {key}: not listed in {ALLOWED_SIGNERS}".strip(), key
            )
        if reviewer not in principals:
            return Verdict(
                False,
                principals,
                f"signed with the key of {', '.join(principals)}, not of the recorded reviewer "
                f"{reviewer}",
                key,
            )
        done = _run(
            [
                "-Y",
                "verify",
                "-f",
                str(allowed_signers),
                "-I",
                reviewer,
                "-n",
                NAMESPACE,
                "-s",
                str(sig),
            ],
            message,
            str(allowed_signers),
        )
        if done.returncode != 0:
            return Verdict(False, principals, "bad signature " + _why(done), key)
        return Verdict(True, principals, "", key)


def have_ssh_keygen() -> bool:
    return shutil.which(SSH_KEYGEN) is not None


# --- internals ---------------------------------------------------------------------------------


def _run(args: list[str], stdin: bytes, file: str) -> subprocess.CompletedProcess:
    """ssh-keygen with ``args``; a refusal naming ``file`` (what it was given) if it does not finish
    within SSH_KEYGEN_SECONDS (it is stopped then)."""
    if not have_ssh_keygen():
        raise ProblemsError.one(
            SSH_KEYGEN,
            "",
            "ssh-keygen is not installed",
            "OpenSSH's ssh-keygen on PATH (Debian: apt-get install openssh-client)",
        )
    try:
        return subprocess.run(
            [SSH_KEYGEN, *args],
            input=stdin,
            capture_output=True,
            check=False,
            timeout=SSH_KEYGEN_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise ProblemsError.one(
            file,
            f"ssh-keygen {' '.join(args[:2])}",
            f"ssh-keygen did not finish within {SSH_KEYGEN_SECONDS} s and was stopped",
            "an SSH key and signature ssh-keygen reads at once (an unencrypted key, or a "
            "passphrase typed promptly)",
        ) from None


def _stderr(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.decode(errors="replace").splitlines()
    lines = [x for x in lines if x.strip() and not x.startswith("Signing data on standard input")]
    return "; ".join(lines) or f"exit status {done.returncode}"


def _why(done: subprocess.CompletedProcess) -> str:
    return f"({_stderr(done)})"


def _key_of(done: subprocess.CompletedProcess) -> str:
    """The key fingerprint in ssh-keygen's "Good … signature … with ED25519 key SHA256:…"."""
    for text in (done.stdout, done.stderr):
        for word in text.decode(errors="replace").split():
            if word.startswith("SHA256:"):
                return word
    return ""
