"""Art. 16: who may not sit on the investigation group, on small family graphs built per test.

当事人 is the person investigated; 亲属 is capped by default at the Civil Servants Law Art. 74 set
(spouse, lineal blood relatives, collateral blood relatives within three generations, close
in-laws); close in-laws are a fixed list that is not symmetric, so the relation is checked from both
sides, and either direction bars under Art. 16(2). Relatives beyond the cap are flagged under
Art. 16(3) for a person's finding, never admitted silently.
"""

from __future__ import annotations

from functools import cache

import pytest

from engine.answer import answer_case
from engine.policy.load import load_policy

AS_OF = "2024-12-01"
PARTY, MEMBER = "party", "member"


@cache
def policy():
    return load_policy()


def recusal_case(
    parents: list[tuple[str, str]] = (),
    spouses: list[tuple[str, str]] = (),
    ties: list[tuple[str, str, str]] = (),
    findings: dict[str, bool] | None = None,
    members: tuple[str, ...] = (MEMBER,),
    investigated: tuple[str, ...] = (PARTY,),
) -> dict:
    """A case whose only question is recusal.

    Parents are (child, parent) pairs, ties (person, other, kind) triples.
    """
    names = {PARTY, MEMBER, *members, *investigated}
    for child, parent in parents:
        names |= {child, parent}
    for a, b in spouses:
        names |= {a, b}
    for a, b, _ in ties:
        names |= {a, b}
    investigation = {"investigated": list(investigated), "proposed_members": list(members)}
    if findings:
        investigation["interest_findings"] = [
            {"member": m, "may_affect_impartiality": v} for m, v in findings.items()
        ]
    return {
        "case": {"id": "recusal-test", "title": {"zh": "回避测试", "en": "recusal test"}},
        "people": [{"id": n, "name": f"人员{n}"} for n in sorted(names)],
        "investigation": investigation,
        "relations": {
            "parents": [{"child": c, "parent": p} for c, p in parents],
            "spouses": [list(pair) for pair in spouses],
            "ties": [{"person": a, "other": b, "kind": k} for a, b, k in ties],
        },
    }


@cache
def _status(case_repr: str, params: tuple) -> tuple:
    import json

    data = answer_case(
        policy(), json.loads(case_repr), as_of=AS_OF, parameters=dict(params)
    ).to_dict()
    return tuple(
        (
            r["member"],
            r["status"],
            tuple(sorted((g["point"], g["relation"]) for g in r.get("grounds", []))),
        )
        for r in data["recusal"]
    )


def status(case: dict, member: str = MEMBER, **params) -> tuple[str, set[tuple[str, str]]]:
    """(status, {(point, relation)}) of one proposed member."""
    import json

    for m, st, grounds in _status(json.dumps(case, sort_keys=True), tuple(sorted(params.items()))):
        if m == member:
            return st, set(grounds)
    raise AssertionError(f"{member} is not a proposed member")


# --- family graphs: the member's relation to the party ---------------------------------------

# kind → (parent links, spouse links) making MEMBER that kind of relative of PARTY
FAMILY: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "spouse": ([], [(PARTY, MEMBER)]),
    "parent": ([(PARTY, MEMBER)], []),
    "child": ([(MEMBER, PARTY)], []),
    "sibling": ([(PARTY, "mum"), (MEMBER, "mum")], []),
    "grandparent": ([(PARTY, "dad"), ("dad", MEMBER)], []),
    "grandchild": ([("son", PARTY), (MEMBER, "son")], []),
    "great_grandparent": ([(PARTY, "dad"), ("dad", "grandpa"), ("grandpa", MEMBER)], []),
    "great_grandchild": ([("son", PARTY), ("grandson", "son"), (MEMBER, "grandson")], []),
    "uncle": ([(PARTY, "dad"), ("dad", "grandpa"), (MEMBER, "grandpa")], []),
    "nephew": ([(PARTY, "mum"), ("sister", "mum"), (MEMBER, "sister")], []),
    "first_cousin": (
        [(PARTY, "dad"), ("dad", "grandpa"), ("uncle", "grandpa"), (MEMBER, "uncle")],
        [],
    ),
    "spouse_parent": ([("wife", MEMBER)], [(PARTY, "wife")]),
    "spouse_sibling": ([("wife", "in_law_mum"), (MEMBER, "in_law_mum")], [(PARTY, "wife")]),
    "spouse_sibling_spouse": (
        [("wife", "in_law_mum"), ("wife_brother", "in_law_mum")],
        [(PARTY, "wife"), ("wife_brother", MEMBER)],
    ),
    "child_spouse": ([("daughter", PARTY)], [("daughter", MEMBER)]),
    "child_spouse_parent": (
        [("daughter", PARTY), ("son_in_law", MEMBER)],
        [("daughter", "son_in_law")],
    ),
    "collateral_relative_spouse": (
        [(PARTY, "dad"), ("dad", "grandpa"), ("uncle", "grandpa"), ("cousin", "uncle")],
        [("cousin", MEMBER)],
    ),
}

# the relation Art. 16(2) reports for each kind (lineal and collateral relatives beyond the close
# ones are reported by their class)
EXPECTED_RELATION = {
    "spouse": "spouse",
    "parent": "parent",
    "child": "child",
    "sibling": "sibling",
    "grandparent": "grandparent",
    "grandchild": "grandchild",
    "great_grandparent": "lineal",
    "great_grandchild": "lineal",
    "uncle": "collateral_within_three_generations",
    "nephew": "collateral_within_three_generations",
    "first_cousin": "collateral_within_three_generations",
    "spouse_parent": "spouse_parent",
    "spouse_sibling": "spouse_sibling",
    "spouse_sibling_spouse": "spouse_sibling_spouse",
    "child_spouse": "child_spouse",
    "child_spouse_parent": "child_spouse_parent",
    "collateral_relative_spouse": "collateral_relative_spouse",
}


def swap(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same graph with PARTY and MEMBER exchanged: the relation seen from the other side."""
    other = {PARTY: MEMBER, MEMBER: PARTY}
    return [(other.get(a, a), other.get(b, b)) for a, b in links]


def test_every_relation_kind_the_rules_can_report_has_a_family_graph():
    kinds = {
        "spouse",
        "parent",
        "child",
        "sibling",
        "grandparent",
        "grandchild",
        "lineal",
        "collateral_within_three_generations",
        *policy().parameter_index["art16_close_in_law_kinds"]["items"]["enum"],
    }
    assert kinds <= set(EXPECTED_RELATION.values())
    assert all(k in policy().labels for k in kinds)


@pytest.mark.parametrize("kind", sorted(FAMILY))
def test_a_member_who_is_the_partys_relative_of_each_kind_is_disqualified_under_16_2(kind):
    parents, spouses = FAMILY[kind]
    st, grounds = status(recusal_case(parents, spouses))
    assert st == "disqualified"
    assert ("art_16__point_2", EXPECTED_RELATION[kind]) in grounds
    assert {p for p, _ in grounds} == {"art_16__point_2"}


# Seen from the other side: the party's relation to the member. Either direction bars, so even where
# the member is only the party's spouse's cousin (on no list from the party's side), the party is the
# spouse of the member's collateral relative, which is on the list from the member's side.
REVERSE = {
    "spouse": "spouse",
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
    "great_grandparent": "lineal",
    "great_grandchild": "lineal",
    "uncle": "collateral_within_three_generations",
    "nephew": "collateral_within_three_generations",
    "first_cousin": "collateral_within_three_generations",
    "spouse_parent": "child_spouse",
    "spouse_sibling": "collateral_relative_spouse",
    "spouse_sibling_spouse": "spouse_sibling_spouse",
    "child_spouse": "spouse_parent",
    "child_spouse_parent": "child_spouse_parent",
    "collateral_relative_spouse": "collateral_relative_spouse",
}


@pytest.mark.parametrize("kind", sorted(REVERSE))
def test_art_16_2_bars_the_same_relation_seen_from_the_other_side(kind):
    parents, spouses = FAMILY[kind]
    st, grounds = status(recusal_case(swap(parents), swap(spouses)))
    assert st == "disqualified"
    assert ("art_16__point_2", REVERSE[kind]) in grounds


def test_a_member_who_is_the_partys_cousins_spouse_is_disqualified():
    parents, spouses = FAMILY["collateral_relative_spouse"]
    assert status(recusal_case(parents, spouses)) == (
        "disqualified",
        {("art_16__point_2", "collateral_relative_spouse")},
    )


def test_art_16_2_bars_a_member_whose_cousins_spouse_is_the_party_from_the_members_side():
    parents, spouses = FAMILY["collateral_relative_spouse"]
    case = recusal_case(swap(parents), swap(spouses))
    assert status(case) == ("disqualified", {("art_16__point_2", "collateral_relative_spouse")})
    # a finding that impartiality is not affected cannot undo a bar under item (2)
    cleared = recusal_case(swap(parents), swap(spouses), findings={MEMBER: False})
    assert status(cleared)[0] == "disqualified"


def test_art_16_3_flags_a_great_uncle_and_a_second_cousin_beyond_three_generations():
    great_uncle = [(PARTY, "dad"), ("dad", "grandpa"), ("grandpa", "gg"), (MEMBER, "gg")]
    second_cousin = [
        (PARTY, "dad"),
        ("dad", "grandpa"),
        ("grandpa", "gg"),
        ("great_uncle", "gg"),
        ("uncle2", "great_uncle"),
        (MEMBER, "uncle2"),
    ]
    for parents in (great_uncle, second_cousin):
        assert status(recusal_case(parents)) == (
            "needs_finding",
            {("art_16__point_3", "distant_relative")},
        )
        # a person decides: a finding either way settles it
        assert status(recusal_case(parents, findings={MEMBER: False})) == ("admitted", set())
        assert status(recusal_case(parents, findings={MEMBER: True}))[0] == "disqualified"


def test_art_16_2_bars_a_spouses_cousin_from_the_members_side_but_not_a_cousins_parent_in_law():
    spouse_cousin = (
        [
            ("wife", "wife_dad"),
            ("wife_dad", "wife_grandpa"),
            ("wife_uncle", "wife_grandpa"),
            (MEMBER, "wife_uncle"),
        ],
        [(PARTY, "wife")],
    )
    cousin_parent_in_law = (
        [
            (PARTY, "dad"),
            ("dad", "grandpa"),
            ("uncle", "grandpa"),
            ("cousin", "uncle"),
            ("cousin_wife", MEMBER),
        ],
        [("cousin", "cousin_wife")],
    )
    # the party is the spouse of the member's first cousin: a close in-law from the member's side
    assert status(recusal_case(*spouse_cousin)) == (
        "disqualified",
        {("art_16__point_2", "collateral_relative_spouse")},
    )
    # a blood relative of a blood relative's spouse is no relative at all (民法典 Art. 1045: 姻亲
    # are a spouse's blood relatives and blood relatives' spouses)
    assert status(recusal_case(*cousin_parent_in_law)) == ("admitted", set())


def test_art_16_3_flags_in_laws_beyond_the_close_in_law_list():
    # the party's spouse's grandparent, and the spouse of the party's great-uncle
    spouse_grandparent = ([("wife", "wife_dad"), ("wife_dad", MEMBER)], [(PARTY, "wife")])
    great_uncles_wife = (
        [(PARTY, "dad"), ("dad", "grandpa"), ("grandpa", "gg"), ("great_uncle", "gg")],
        [("great_uncle", MEMBER)],
    )
    for parents, spouses in (spouse_grandparent, great_uncles_wife):
        assert status(recusal_case(parents, spouses)) == (
            "needs_finding",
            {("art_16__point_3", "distant_in_law")},
        )


def kinds_of_parent(kind: str, child: str = PARTY, parent: str = MEMBER) -> dict:
    case = recusal_case()
    case["people"].append({"id": "x", "name": "人员x"})
    case["relations"]["parents"] = [{"child": child, "parent": parent, "kind": kind}]
    return case


@pytest.mark.parametrize("kind", ["birth", "adoptive", "step_raised"])
def test_art_16_2_bars_birth_and_adoptive_parents_and_the_step_parent_who_raised_the_party(kind):
    assert ("art_16__point_2", "parent") in status(kinds_of_parent(kind))[1]
    # and the other way round: the party's child of each kind
    assert ("art_16__point_2", "child") in status(kinds_of_parent(kind, MEMBER, PARTY))[1]


def test_art_16_3_flags_a_step_parent_who_did_not_raise_the_party():
    assert status(kinds_of_parent("step_not_raised")) == (
        "needs_finding",
        {("art_16__point_3", "step_relative")},
    )


def test_art_16_2_extends_adoption_to_the_adoptive_family_but_step_raising_only_to_the_pair():
    links = [
        {"child": PARTY, "parent": "p", "kind": "adoptive"},
        {"child": "p", "parent": MEMBER},
    ]
    case = recusal_case()
    case["people"].append({"id": "p", "name": "人员p"})
    case["relations"]["parents"] = links
    # the adoptive parent's parent is the party's grandparent (民法典 Art. 1111)
    assert ("art_16__point_2", "grandparent") in status(case)[1]
    links[0]["kind"] = "step_raised"
    # a step-parent's parent is not the party's relative (民法典 Art. 1072): flagged only
    assert status(case) == ("needs_finding", {("art_16__point_3", "step_relative")})


def test_the_party_is_disqualified_as_a_member_under_16_1():
    assert status(recusal_case(members=(PARTY,)), PARTY) == (
        "disqualified",
        {("art_16__point_1", "party")},
    )


def test_a_relative_of_any_one_of_several_parties_is_disqualified():
    case = recusal_case(parents=[("second_party", MEMBER)], investigated=(PARTY, "second_party"))
    st, grounds = status(case)
    assert st == "disqualified"
    assert ("art_16__point_2", "parent") in grounds


def test_a_relative_of_someone_who_is_not_investigated_may_sit():
    case = recusal_case(parents=[("bystander", MEMBER)], spouses=[("bystander", "other")])
    assert status(case) == ("admitted", set())


# --- Art. 16(3): ties and the human finding ----------------------------------------------------

TIE_KINDS = [
    "complainant",
    "witness",
    "same_chain",
    "superior",
    "subordinate",
    "money_tie",
    "business_tie",
    "former_spouse",
    "enmity",
    "close_friendship",
]


@pytest.mark.parametrize("kind", TIE_KINDS)
def test_each_kind_of_tie_with_the_party_is_flagged_for_a_human_finding(kind):
    assert status(recusal_case(ties=[(MEMBER, PARTY, kind)])) == (
        "needs_finding",
        {("art_16__point_3", kind)},
    )


@pytest.mark.parametrize("kind", ["money_tie", "superior", "former_spouse", "close_friendship"])
def test_a_tie_recorded_from_the_partys_side_is_flagged_too(kind):
    assert status(recusal_case(ties=[(PARTY, MEMBER, kind)])) == (
        "needs_finding",
        {("art_16__point_3", kind)},
    )


def test_a_finding_that_the_tie_may_affect_impartiality_disqualifies_and_the_opposite_admits():
    ties = [(MEMBER, PARTY, "money_tie")]
    assert status(recusal_case(ties=ties, findings={MEMBER: True})) == (
        "disqualified",
        {("art_16__point_3", "money_tie")},
    )
    assert status(recusal_case(ties=ties, findings={MEMBER: False})) == ("admitted", set())


def test_a_tie_with_someone_who_is_not_the_party_is_not_an_interest_in_this_case():
    assert status(recusal_case(ties=[(MEMBER, "someone_else", "enmity")])) == ("admitted", set())


def test_art_16_3_a_finding_of_an_interest_off_the_checklist_disqualifies_all_the_same():
    assert status(recusal_case(findings={MEMBER: True})) == (
        "disqualified",
        {("art_16__point_3", "other")},
    )
    assert status(recusal_case(findings={MEMBER: False})) == ("admitted", set())


def test_a_member_without_any_connection_is_admitted_with_the_reason_cited():
    data = answer_case(policy(), recusal_case(), as_of=AS_OF).to_dict()
    assert data["recusal"][0]["status"] == "admitted"
    assert data["recusal"][0]["cites"] == ["art_16__intro"]
    assert data["open_points"] == []


# --- one pair per eId of Art. 16 --------------------------------------------------------------

PAIRS = {
    "art_16__intro": (
        recusal_case(members=(PARTY,)),
        recusal_case(),
        lambda s: s[0] == "disqualified",
    ),
    "art_16__point_1": (
        recusal_case(members=(PARTY,)),
        recusal_case(),
        lambda s: ("art_16__point_1", "party") in s[1],
    ),
    "art_16__point_2": (
        recusal_case(*FAMILY["sibling"]),
        recusal_case([(PARTY, "dad"), ("dad", "grandpa"), ("grandpa", "gg"), (MEMBER, "gg")]),
        lambda s: any(p == "art_16__point_2" for p, _ in s[1]),
    ),
    "art_16__point_3": (
        recusal_case(ties=[(MEMBER, PARTY, "business_tie")], findings={MEMBER: True}),
        recusal_case(ties=[(MEMBER, PARTY, "business_tie")], findings={MEMBER: False}),
        lambda s: any(p == "art_16__point_3" for p, _ in s[1]),
    ),
}


def test_every_element_of_art16_cited_by_a_rule_has_a_pair_of_cases():
    cited = {eid for rule in policy().rules for eid in rule["cites"] if eid.startswith("art_16__")}
    assert cited <= set(PAIRS), sorted(cited - set(PAIRS))


@pytest.mark.parametrize("eid", sorted(PAIRS))
def test_each_element_of_art16_applies_in_its_case_and_not_in_the_contrasting_one(eid):
    applies, does_not, holds = PAIRS[eid]
    member = PARTY if applies["investigation"]["proposed_members"] == [PARTY] else MEMBER
    assert holds(status(applies, member))
    other = PARTY if does_not["investigation"]["proposed_members"] == [PARTY] else MEMBER
    assert not holds(status(does_not, other))


def test_art_16_1_bars_members_of_the_handling_chain_the_case_finds_responsible():
    case = {
        "case": {"id": "same-chain", "title": "同一办理链条"},
        "people": [
            {"id": i, "name": n} for i, n in (("han", "韩梅"), ("shen", "沈涛"), ("pang", "庞军"))
        ],
        "acts": [
            {
                "id": "a1",
                "description": "批准一户低保",
                "handler": "han",
                "reviewer": "shen",
                "approver": "pang",
                "points": [{"point": "art_7__point_8"}],
            }
        ],
        "investigation": {"investigated": ["han"], "proposed_members": ["shen", "pang"]},
    }
    # the reviewer and the approver are responsible under the Art. 11 chapeau: parties themselves
    for member in ("shen", "pang"):
        assert status(case, member) == ("disqualified", {("art_16__point_1", "party")})
    # once Art. 11(1) clears them (the handler deliberately misled both), they are no longer
    # parties; being in the same handling chain is then flagged under 16(3), with no tie recorded
    case["acts"][0]["culpability"] = [{"person": "han", "form": "intent"}]
    case["acts"][0]["caused_errors"] = [{"by": "han", "of": "shen"}, {"by": "han", "of": "pang"}]
    for member in ("shen", "pang"):
        assert status(case, member) == ("needs_finding", {("art_16__point_3", "same_chain")})
