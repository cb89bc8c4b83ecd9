"""What the case generator may put in a case: the values it tries, in order, and how facts are keyed.

Values are tried in a fixed order, so that generation is deterministic. What depends on the
instrument (the points a case can allege, the periods, the facts computed before the rules run)
is read from the policy (``case_domain``); the rest is the case format's own: the ladder of dates,
small integers, the fresh names of people and acts, and the positions that key a fact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.datalog.syntax import Const
from engine.files.project import schema_dir
from generators.cases.from_facts import CASE_PREDICATES

if TYPE_CHECKING:
    from engine.policy.model import Policy

# Rules no case file can make fire, with the reason (the tests compare it with a fresh generation).
NOT_GENERATED: dict[str, str] = {
    # A blood relative beyond the barred set needs a common ancestor at least three generations up;
    # the search builds the nearest one first, which makes a close relative. The worked example
    # art16-relatives-beyond-the-cap-flagged (a second cousin) makes the rule fire.
    "art16_p3_distant_blood_relative": "condition 4 (not relative_either_way(X, M)) fails",
}

# ── values tried ────────────────────────────────────────────────────────────────────────────────

# "today" when no rule asks for one: a Monday after every date of the ladder
AS_OF_DEFAULT = "2024-06-03"
# working Mondays: a period counted in working or calendar days can end on each of them; the last,
# tried last, is before the instrument was issued (2023), for the rules that look at that
DATES = (
    "2024-03-04",
    "2024-03-11",
    "2024-03-18",
    "2024-03-25",
    "2024-04-01",
    "2024-04-08",
    "2022-03-07",
)
WINDOW_MONTHS = 12  # the window set when a rule needs a look-back window to start on a real date
INTS = (1, 2, 3, 0)
OPEN_KINDS = {
    "person": "p",
    "act": "a",
    "decision": "d",
    "post": "post",
    "occurrence": "ef",
}  # fresh name prefixes

# ── predicates by origin ────────────────────────────────────────────────────────────────────────

PARAM_PREDICATES = {"param", "param_int", "param_member"}
# facts a generated case has by default (the case file's own defaults) and may leave out
OPTIONAL_DEFAULTS = {"staff"}
# positions that identify a fact: a case file holds one fact per key (see generators.cases.from_facts)
CASE_KEYS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(
        ["holds_post", "inspectors", "team_size", "certificate", "presiding", "submitted_on"]
        + ["submit_due", "sent_on", "send_due", "sign_off", "collective_decision"]
        + ["decision_maker", "employment", "leader_status", "act_date", "justification"]
        + ["earlier_fault", "earlier_fault_established"],
        (0,),
    ),
    "tenure_from": (0, 1),
    "tenure_to": (0, 1),
    "report_proposal": (),
    "role": (0, 2),
    "vote": (0, 1),
    "due": (0, 1),
    "done": (0, 1),
    "investigation_closed": (),
    "today": (),
}
FLIP = {"=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}

# ── search limits ───────────────────────────────────────────────────────────────────────────────

SEARCH_STEPS = 6000  # goal expansions per search level of a fires case
VARIANT_STEPS = 1000  # the same for a variant (pinned variables: it succeeds fast or not at all)
FALLBACK_STEPS = 600  # further expansions once a variant failing other conditions too is found
REPAIR_STEPS = 400  # expansions to make a blocking negated conclusion true
VERIFICATIONS = 40  # candidate cases evaluated per rule and mode before giving up
MAX_DEPTH = 10  # nesting of derived goals
CHECK_DEPTH = 6  # nesting when looking whether a negated conclusion already follows
PER_BINDING = 2  # solutions of one rule for a derived goal offered per conclusion
PER_RULE = 3  # solutions of one rule for a derived goal offered in all
PER_TOP_GOAL = 2  # solutions tried of each condition of a variant (its variables are pinned)
MAX_OVERRIDES = 3  # parameter readings a case may change beyond those it starts from


@dataclass(frozen=True)
class CaseDomain:
    """The instrument-dependent part of what a generated case may hold."""

    fault_points: tuple[str, ...]  # the points a case can allege, the most varied first
    periods: tuple[str, ...]  # every period id, in the order the articles define them
    decision_periods: frozenset[str]  # periods counted per handling decision (subject: a person)
    windows: dict[str, dict]  # look-back window fact → its definition (policy computed_facts)
    position_kinds: dict[str, tuple]  # predicate → the kind of value at each position
    keys: dict[str, tuple[int, ...]]  # predicate → the positions that identify one fact
    computed: frozenset[str]  # facts computed from the query and the procedure dates
    always_present: dict[str, str]  # computed facts every evaluation has, with why


def case_domain(policy: Policy) -> CaseDomain:
    periods = tuple(d["id"] for d in policy.periods)
    windows = {f["fact"]: f for f in policy.computed_facts}
    kinds = {
        **CASE_PREDICATES,
        "today": ("date",),
        "due": (periods, "subject", "date"),
        "done": (periods, "subject", "date"),
    }
    always = {"today": "每次评估恰有一个评估日 / every evaluation has exactly one evaluation date"}
    for fact in windows:
        kinds[fact] = ("window",)
        always[fact] = "每次评估恰有一个回溯起点 / every evaluation has one look-back start"
    return CaseDomain(
        fault_points=fault_points(policy),
        periods=periods,
        decision_periods=frozenset(d["id"] for d in policy.periods if d["per"] == "decision"),
        windows=windows,
        position_kinds=kinds,
        keys={**CASE_KEYS, **dict.fromkeys(windows, ())},
        computed=frozenset({"today", "due", "done", *windows}),
        always_present=always,
    )


def fault_points(policy: Policy) -> tuple[str, ...]:
    """The points a case file may allege (the case format's ``fault_point``), in document order
    except that one point of each kind the rules tell apart comes first: a goal's callers see only
    its first few solutions, so the first points must differ in what the rules look at."""
    pattern = re.compile(_case_schema_def("fault_point")["pattern"])
    points = [eid for eid in policy.elements if pattern.match(eid)]
    signature: dict[str, set[str]] = {eid: set() for eid in points}
    for rule in policy.program.rules:
        atoms = [rule.head] + [c.atom for c in rule.body if hasattr(c, "atom")]
        for atom in atoms:
            for arg in atom.args:
                if isinstance(arg, Const) and arg.value in signature:
                    signature[arg.value].add(rule.head.predicate)
    first: list[str] = []
    seen: set[frozenset[str]] = set()
    for eid in points:
        kind = frozenset(signature[eid])
        if kind not in seen:
            seen.add(kind)
            first.append(eid)
    return tuple(first + [eid for eid in points if eid not in first])


def _case_schema_def(name: str) -> dict:
    schema = json.loads((schema_dir() / "case.schema.json").read_text(encoding="utf-8"))
    return schema["$defs"][name]
