"""Properties that must hold for every case, checked on generated cases (hypothesis, derandomised).

- Art. 11(6): a participant who voted against is never responsible for the collective decision.
- Art. 11(1)-(4): an exception never makes anyone responsible who was not in the handling chain.
- Art. 16(2): a member is disqualified as a relative exactly when the member is in the party's
  relative set (computed here independently, from the definitions in parameters.yaml); when only
  the party is in the member's relative set, the member is flagged, not disqualified.
- Art. 19: a later delivery never makes an appeal due earlier, however the days are counted.
- Every `cites` anywhere in an answer names an eId that exists in the policy.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.answer import answer_case
from engine.policy.load import load_policy

AS_OF = "2024-12-01"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FEW = settings(
    derandomize=True, max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@cache
def policy():
    return load_policy()


def evaluate(case: dict, as_of: str = AS_OF, **params) -> dict:
    return answer_case(policy(), case, as_of=as_of, parameters=params).to_dict()


def people(ids) -> list[dict]:
    return [{"id": p, "name": f"职员{p[-1]}"} for p in ids]


def one_act_case(act: dict, ids, **top) -> dict:
    case = {
        "case": {"id": "property-test", "title": "性质测试"},
        "people": people(ids),
        "acts": [
            {"id": "a1", "description": "测试行为", "points": [{"point": "art_7__point_8"}], **act}
        ],
    }
    case.update(top)
    return case


# --- Art. 11(6) ---------------------------------------------------------------------------------

STAFF = [f"p{i}" for i in range(6)]
VOTES = ["for", "against", "against", "abstain", "absent"]


@st.composite
def collective_cases(draw):
    voters = draw(st.lists(st.sampled_from(STAFF), min_size=1, max_size=6, unique=True))
    votes = [{"person": p, "vote": draw(st.sampled_from(VOTES))} for p in voters]
    act = {
        "collective_decision": {
            "id": "meeting",
            "decision_maker": draw(st.sampled_from(voters)),
            "votes": votes,
        }
    }
    for role in ("handler", "reviewer", "approver"):
        if draw(st.booleans()):
            act[role] = draw(st.sampled_from(STAFF))
    params = {
        "art11_point6_abstained": draw(st.sampled_from(["not_responsible_flagged", "secondary"])),
        "art11_point6_absent": draw(st.sampled_from(["not_responsible_flagged", "secondary"])),
    }
    return one_act_case(act, STAFF), params


@FEW
@given(collective_cases())
def test_a_participant_who_voted_against_is_never_responsible_for_the_collective_decision(
    generated,
):
    case, params = generated
    decision = case["acts"][0]["collective_decision"]
    opponents = {
        v["person"]
        for v in decision["votes"]
        if v["vote"] == "against" and v["person"] != decision["decision_maker"]
    }
    data = evaluate(case, **params)
    for v in data["verdicts"]:
        if v["person"] in opponents:
            assert v["verdict"] == "not_responsible", v
            assert "cleared_by_vote" in {r["kind"] for r in v["why_not"]}
    assert not opponents & {s["person"] for s in data["sanctions"]}
    decider = [v for v in data["verdicts"] if v["person"] == decision["decision_maker"]]
    # primary under 11(6); a decider who is also in the handling chain stays graded under the chapeau
    assert {d["degree"] for d in decider[0]["degrees"]} - {"graded"} == {"primary"}


# --- Art. 11(1)-(4): nobody outside the chain ----------------------------------------------------

CHAIN_POOL = ["p0", "p1", "p2", "p3"]
OUTSIDERS = ["p4", "p5"]
EVERYONE = CHAIN_POOL + OUTSIDERS


@st.composite
def exception_cases(draw):
    """Roles from a pool, and opinions, culpability and caused errors that usually involve the chain
    (so that the exceptions of Art. 11(1)-(4) fire) but may involve outsiders too."""
    handler, reviewer, approver = draw(st.permutations(CHAIN_POOL))[:3]
    act = {"handler": handler}
    if draw(st.integers(0, 3)):
        act["reviewer"] = reviewer
    if draw(st.integers(0, 3)):
        act["approver"] = approver
    chain = sorted(set(act.values()))
    someone = st.one_of(st.sampled_from(chain), st.sampled_from(chain), st.sampled_from(EVERYONE))
    act["correct_opinions"] = draw(st.lists(someone, max_size=3, unique=True))
    act["opinion_changes"] = [
        {"by": b, "changed": c}
        for b, c in draw(st.lists(st.tuples(someone, someone), max_size=3, unique=True))
    ]
    act["culpability"] = [
        {
            "person": p,
            "form": draw(st.sampled_from(["intent", "intent", "gross_negligence", "negligence"])),
        }
        for p in draw(st.lists(someone, max_size=3, unique=True))
    ]
    act["caused_errors"] = [
        {"by": b, "of": o}
        for b, o in draw(st.lists(st.tuples(someone, someone), max_size=3, unique=True))
    ]
    params = {
        "art11_exception_effect": draw(st.sampled_from(["displace", "principal_plus_lesser"])),
        "art11_mixed_cases": draw(st.sampled_from(["fall_back_to_chapeau", "apply_each_item"])),
    }
    return one_act_case(act, EVERYONE), params


@FEW
@given(exception_cases())
def test_an_exception_never_makes_anyone_outside_the_handling_chain_responsible(generated):
    case, params = generated
    act = case["acts"][0]
    chain = {act[r] for r in ("handler", "reviewer", "approver") if r in act}
    data = evaluate(case, **params)
    responsible = {v["person"] for v in data["verdicts"] if v["verdict"] == "responsible"}
    liable = {s["person"] for s in data["sanctions"]}
    assert responsible <= chain
    assert liable <= chain
    # and the chapeau, or an exception, always leaves someone in the chain responsible
    assert responsible


# --- Art. 16(2), (3): relations from both sides, and relatives beyond the cap ---------------------


@st.composite
def families(draw):
    """Four generations; parents come from the generation above, spouses from the same one. Some
    people have no recorded parents (they married into the family), which is how the asymmetric
    in-law relations arise."""
    generations = [[f"g{g}m{i}" for i in range(draw(st.integers(2, 5)))] for g in range(4)]
    parents = []
    for g in range(1, 4):
        for child in generations[g]:
            if draw(st.integers(0, 3)) == 0:
                continue  # married in
            for parent in draw(
                st.lists(st.sampled_from(generations[g - 1]), min_size=1, max_size=2, unique=True)
            ):
                parents.append((child, parent))
    spouses = []
    for gen in generations:
        free = list(gen)
        while len(free) >= 2 and draw(st.integers(0, 3)):
            a = draw(st.sampled_from(free))
            free.remove(a)
            b = draw(st.sampled_from(free))
            free.remove(b)
            spouses.append((a, b))
    everyone = [p for gen in generations for p in gen]
    has_parents = {c for c, _ in parents}
    married_in = [p for pair in spouses for p in pair if p not in has_parents]
    pool = married_in if married_in and draw(st.booleans()) else everyone
    party = draw(st.sampled_from(pool))
    return everyone, parents, spouses, party


def relatives_of(x: str, everyone, parents, spouses) -> set[str]:
    """The 公务员法 Art. 74 set of the default reading, computed directly from its definitions."""
    up = {p: set() for p in everyone}
    for child, parent in parents:
        up[child].add(parent)
    down = {p: {c for c in everyone if p in up[c]} for p in everyone}
    spouse = {p: set() for p in everyone}
    for a, b in spouses:
        spouse[a].add(b)
        spouse[b].add(a)

    def ancestors(p):
        seen, todo = set(), list(up[p])
        while todo:
            q = todo.pop()
            if q not in seen:
                seen.add(q)
                todo.extend(up[q])
        return seen

    def descendants(p):
        return {q for q in everyone if p in ancestors(q)}

    def within_two_up(p):
        return up[p] | {g for q in up[p] for g in up[q]}

    def siblings(p):
        return {q for q in everyone if q != p and up[p] & up[q]}

    def collateral(p):
        lineal = ancestors(p) | descendants(p)
        return {
            q
            for q in everyone
            if q != p and q not in lineal and within_two_up(p) & within_two_up(q)
        }

    close = spouse[x] | up[x] | down[x] | siblings(x)
    close |= {g for q in up[x] for g in up[q]} | {g for q in down[x] for g in down[q]}
    wide = ancestors(x) | descendants(x) | collateral(x)
    in_laws = set()
    for s in spouse[x]:
        in_laws |= up[s] | siblings(s) | {t for b in siblings(s) for t in spouse[b]}
    for c in down[x]:
        for cs in spouse[c]:
            in_laws |= {cs} | (up[cs] - spouse[x])
    in_laws |= {t for r in collateral(x) for t in spouse[r]}
    return (close | wide | in_laws) - {x}


def beyond_the_cap(x: str, everyone, parents, spouses) -> dict[str, str]:
    """Everyone related to ``x`` at all, by blood or by marriage (民法典 Art. 1045: blood relatives,
    a spouse's blood relatives, blood relatives' spouses, a spouse's blood relatives' spouses), with
    the relation Art. 16(3) flags when Art. 16(2) does not bar them."""
    up = {p: set() for p in everyone}
    for child, parent in parents:
        up[child].add(parent)
    spouse = {p: set() for p in everyone}
    for a, b in spouses:
        spouse[a].add(b)
        spouse[b].add(a)

    def ancestors(p):
        seen, todo = set(), list(up[p])
        while todo:
            q = todo.pop()
            if q not in seen:
                seen.add(q)
                todo.extend(up[q])
        return seen

    def blood(p):
        mine = ancestors(p)
        return {
            q
            for q in everyone
            if q != p and (q in mine or p in ancestors(q) or mine & ancestors(q))
        }

    kin = blood(x)
    affine = set()
    for s in spouse[x]:
        affine |= blood(s) | {t for r in blood(s) for t in spouse[r]} - {s}
    affine |= {t for r in kin for t in spouse[r]}
    affine -= {x}
    return {q: "distant_relative" for q in kin} | {
        q: "distant_in_law" for q in affine if q not in kin
    }


@settings(
    derandomize=True, max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(families())
def test_art_16_2_bars_a_relative_from_either_side_and_16_3_flags_any_other_relation(family):
    everyone, parents, spouses, party = family
    members = [p for p in everyone if p != party]
    case = {
        "case": {"id": "family", "title": "亲属关系测试"},
        "people": [{"id": p, "name": p} for p in everyone],
        "investigation": {"investigated": [party], "proposed_members": members},
        "relations": {
            "parents": [{"child": c, "parent": p} for c, p in parents],
            "spouses": [list(pair) for pair in spouses],
        },
    }
    data = evaluate(case)
    by_member = {r["member"]: r for r in data["recusal"]}
    party_relatives = relatives_of(party, everyone, parents, spouses)
    related = beyond_the_cap(party, everyone, parents, spouses)
    for m in members:
        entry = by_member[m]
        points = {g["point"] for g in entry.get("grounds", [])}
        either_side = m in party_relatives or party in relatives_of(m, everyone, parents, spouses)
        assert ("art_16__point_2" in points) == either_side, (m, party, entry.get("grounds"))
        if not either_side:
            expected = ("needs_finding", {related[m]}) if m in related else ("admitted", set())
            assert (
                entry["status"],
                {g["relation"] for g in entry.get("grounds", [])},
            ) == expected, m


# --- Art. 19: monotone due dates -----------------------------------------------------------------

FIRST, LAST = date(2024, 1, 2), date(2026, 10, 31)


@FEW
@given(
    st.dates(min_value=FIRST, max_value=LAST),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(["calendar_days", "working_days"]),
    st.booleans(),
    st.booleans(),
)
def test_a_later_delivery_never_makes_an_appeal_due_earlier(
    first, gap, unit, exclude_start, rollover
):
    second = min(first + timedelta(days=gap), LAST)
    case = {
        "case": {"id": "appeal-order", "title": "申诉期限测试"},
        "people": people(["p0", "p1"]),
        "procedure": {
            "decisions": [
                {"person": "p0", "delivered_on": first.isoformat()},
                {"person": "p1", "delivered_on": second.isoformat()},
            ]
        },
    }
    params = {
        "art19_appeal_day_unit": unit,
        "art19_appeal_exclude_start_day": exclude_start,
        "art19_appeal_holiday_rollover": rollover,
    }
    dues = {
        t["subject"]: t["due"] for t in evaluate(case, as_of="2027-06-01", **params)["time_limits"]
    }
    assert dues["p0"] <= dues["p1"]
    assert dues["p0"] > first.isoformat()


# --- citations -------------------------------------------------------------------------------


def all_cites(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "cites":
                assert isinstance(value, list), value
                found.extend(value)
            else:
                found.extend(all_cites(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(all_cites(item))
    return found


def test_every_citation_in_every_example_answer_names_an_eid_of_the_policy():
    known = policy().eids
    for path in sorted(EXAMPLES.glob("*.yaml")):
        cites = all_cites(answer_case(policy(), path, as_of="2027-03-01").to_dict())
        assert cites, path.name
        assert set(cites) <= known, (path.name, sorted(set(cites) - known))


@FEW
@given(exception_cases(), collective_cases())
def test_every_citation_in_an_answer_to_a_generated_case_names_an_eid_of_the_policy(
    chain_case, decision_case
):
    known = policy().eids
    for case, params in (chain_case, decision_case):
        case = {
            **case,
            "circumstances": [
                {"act": "a1", "person": "p1", "ground": g}
                for g in (
                    "refused_to_correct",
                    "admitted_and_corrected",
                    "compensation_paid",
                    "criminal_conduct",
                )
            ],
            "investigation": {"investigated": ["p1"], "proposed_members": ["p2"]},
            "procedure": {
                "investigation_closed_on": "2024-11-01",
                "decisions": [{"person": "p1", "delivered_on": "2024-11-04"}],
            },
        }
        cites = all_cites(evaluate(case, **params))
        assert set(cites) <= known, sorted(set(cites) - known)
