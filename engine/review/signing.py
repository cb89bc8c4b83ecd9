"""SSH signatures over sign-offs, made and checked by OpenSSH's ``ssh-keygen -Y``.

A review record says who vouched for an article; a signature proves it. The signed message names
the instrument, the article, the fingerprint of everything reviewed, the reviewer, the date and the
revision, so that none of them can be changed afterwards without breaking the signature. The
namespace is this project's own, so a signature made here cannot be passed off as a git commit or
file signature, nor the other way round. Who may sign is listed in ``allowed_signers`` in the policy
folder (OpenSSH's format: ``PRINCIPAL KEYTYPE BASE64KEY`` per line, the principal being the
reviewer's name as recorded).

``ssh-keygen`` is always run with an argument list, never through a shell, and option-looking
values (a key file or name starting with ``-``) are refused before they reach it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.problems import ProblemsError

NAMESPACE = "wenshui-accountability-review"
ALLOWED_SIGNERS = "allowed_signers"  # in the policy folder
MESSAGE_HEADER = "wenshui-accountability review sign-off"
SSH_KEYGEN = "ssh-keygen"
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


def sign(message: bytes, key: str) -> str:
    """An armored SSH signature of ``message`` made with the private key file ``key``."""
    check_name(key, "--key")
    if not Path(key).is_file():
        raise ProblemsError.one(key, "--key", "no such key file", "an SSH private key file")
    done = _run(["-Y", "sign", "-f", key, "-n", NAMESPACE], message)
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
        own = _run(["-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)], message)
        if own.returncode != 0:
            return Verdict(False, [], "bad signature: it is not over this record " + _why(own))
        key = _key_of(own)
        found = _run(["-Y", "find-principals", "-s", str(sig), "-f", str(allowed_signers)], b"")
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
        )
        if done.returncode != 0:
            return Verdict(False, principals, "bad signature " + _why(done), key)
        return Verdict(True, principals, "", key)


def have_ssh_keygen() -> bool:
    return shutil.which(SSH_KEYGEN) is not None


# --- internals ---------------------------------------------------------------------------------


def _run(args: list[str], stdin: bytes) -> subprocess.CompletedProcess:
    if not have_ssh_keygen():
        raise ProblemsError.one(
            SSH_KEYGEN,
            "",
            "ssh-keygen is not installed",
            "OpenSSH's ssh-keygen on PATH (Debian: apt-get install openssh-client)",
        )
    return subprocess.run(
        [SSH_KEYGEN, *args], input=stdin, capture_output=True, check=False, timeout=120
    )


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
