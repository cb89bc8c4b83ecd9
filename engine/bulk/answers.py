"""Answering a partition of cases where it runs: in this process, a worker process or a Dask worker.

Each case is answered exactly as ``accountability query`` answers it, so a batch line and the
command's JSON are the same answer; the cases of a partition are evaluated jointly
(``answer_cases``: the rules run once for the partition, ``Program.evaluate_batch``). A process
loads the policy once and keeps it; it refuses to answer under a policy whose fingerprint is not
the one the batch was started with (a cluster worker with another checkout installed would
otherwise answer under other rules).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from engine.answer import answer_cases
from engine.bulk.inputs import CaseInput
from engine.bulk.records import answer_record, line, problem_record, problems_of
from engine.bulk.summary import Tally, tally
from engine.case.load import checked_case
from engine.datalog.collector import collector_paused
from engine.files.safe_yaml import load_yaml_bytes
from engine.policy.load import load_policy
from engine.policy.model import Policy
from engine.problems import ProblemsError


@dataclass(frozen=True)
class BatchOptions:
    """What every case of a batch is answered under (as ``accountability query`` takes them)."""

    policy_dir: str | None = None
    fingerprint: str = ""
    as_of: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    calendar_file: str | None = None
    explain: bool = False

    def header(self) -> dict[str, Any]:
        """The options as the output's header records them (the policy by its fingerprint)."""
        options = asdict(self)
        options.pop("policy_dir")
        return options


_POLICIES: dict[tuple[str | None, str], Policy] = {}


def policy_for(options: BatchOptions) -> Policy:
    """The policy of this process (loaded once), checked against the batch's fingerprint."""
    key = (options.policy_dir, options.fingerprint)
    if key not in _POLICIES:
        policy = load_policy(options.policy_dir)
        if options.fingerprint and policy.fingerprint != options.fingerprint:
            raise ProblemsError.one(
                "<worker>",
                "policy",
                f"this worker's policy has fingerprint {policy.fingerprint[:12]}…",
                f"the batch's policy, fingerprint {options.fingerprint[:12]}… (install the same "
                "encoding on every worker)",
                code="policy-mismatch",
            )
        _POLICIES[key] = policy
    return _POLICIES[key]


def remember_policy(options: BatchOptions, policy: Policy) -> None:
    """Use ``policy`` (already loaded and checked) for the batch in this process, and in the worker
    processes forked from it."""
    _POLICIES[(options.policy_dir, options.fingerprint)] = policy


def answer_records(
    policy: Policy, cases: list[CaseInput], options: BatchOptions
) -> list[dict[str, Any]]:
    """The record of each case, in order: its answer, or the problems that refused it. The cases
    that read as cases are evaluated jointly; one bad case never ends the others."""
    records: list[dict[str, Any]] = [{}] * len(cases)
    docs, places = [], []
    for i, case in enumerate(cases):
        if case.problems:
            records[i] = problem_record(case.key, case.problems)
            continue
        try:
            docs.append(
                checked_case(load_yaml_bytes(case.raw, case.name, json_syntax=case.json_syntax))
            )
            places.append(i)
        except Exception as exc:  # reported in its line
            records[i] = problem_record(case.key, problems_of(exc, case.name))
    answers = answer_cases(
        policy,
        docs,
        options.as_of,
        dict(options.parameters),
        options.calendar_file,
        explain=options.explain,
    )
    for i, answer in zip(places, answers, strict=True):
        case = cases[i]
        records[i] = (
            problem_record(case.key, problems_of(answer, case.name))
            if isinstance(answer, Exception)
            else answer_record(case.key, answer.to_dict())
        )
    return records


def answer_one(policy: Policy, case: CaseInput, options: BatchOptions) -> dict[str, Any]:
    """The record of one case: its answer, or the problems that refused it."""
    return answer_records(policy, [case], options)[0]


# a partition's output: each case's line (UTF-8), with what it adds to the totals
Lines = list[tuple[bytes, Tally]]


def answer_partition(cases: list[CaseInput], options: BatchOptions) -> Lines:
    """The output lines of a partition, in its order, each with what it adds to the totals (what
    a worker process or Dask task runs)."""
    # The cyclic collector is off while the partition is answered: answering allocates far more
    # containers than it keeps, reference counting frees them (an answer holds no reference
    # cycle: tests/test_batch_command.py checks it), and each pass of the collector examined
    # whatever happened to be alive, the joint evaluation's relations included (5-6 % of a line).
    with collector_paused():
        return [
            (line(record), tally(record))
            for record in answer_records(policy_for(options), cases, options)
        ]
