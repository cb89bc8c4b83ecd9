"""Explanations an officer reads: one block per person, the decisive facts, nothing said twice.

`query --explain` prints, per finding, the verdict with its clause and the record's facts; a rule's
reading only where it says more than the finding; the readings that decided a finding as footnotes.
"""

from __future__ import annotations

import functools
import json
import re
import statistics

from paths import EXAMPLES_DIR
from text_checks import RULE_VARIABLE_IN_CHINESE

from engine.answer import answer_case
from engine.cli.app import main
from engine.policy.load import load_policy

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
AS_OF = {"19-deadlines-beyond-calendar-coverage.yaml": "2027-03-01"}


def explained(capsys, name: str, lang: str = "zh", *extra: str) -> str:
    path = EXAMPLES_DIR / name
    args = [
        "query",
        str(path),
        "--explain",
        "--lang",
        lang,
        "--as-of",
        AS_OF.get(name, "2025-03-01"),
    ]
    assert main([*args, *extra]) == 0
    return capsys.readouterr().out


@functools.cache
def explanation(name: str, lang: str) -> str:
    """A worked example's explained answer as `query --explain` prints it (read by two tests)."""
    return _explained_answer(name).render(lang, explain=True)


@functools.cache
def _explained_answer(name: str):
    path = EXAMPLES_DIR / name
    return answer_case(load_policy(), path, as_of=AS_OF.get(name, "2025-03-01"), explain=True)


def test_the_median_explanation_of_the_worked_examples_is_at_most_45_lines_in_either_language():
    lengths: dict[str, list[int]] = {"zh": [], "en": []}
    for path in EXAMPLES:
        for lang in lengths:
            lengths[lang].append(len(explanation(path.name, lang).splitlines()))
    for lang, found in lengths.items():
        assert statistics.median(found) <= 45, (lang, sorted(found))


def test_a_person_cleared_because_the_act_is_no_fault_gets_one_line_that_says_so(capsys):
    text = explained(capsys, "07-internal-affairs-deadlines-and-mitigation.yaml")
    lines = [line for line in text.splitlines() if line.strip().startswith("冯宇就")]
    assert len(lines) == 1
    assert lines[0].endswith("不承担责任（该行为不构成行政过错）")
    assert "冯宇是其" not in text  # no rule-by-rule reasons with an unbound part


def test_a_reading_that_only_restates_the_finding_is_not_printed_and_one_that_says_more_is(capsys):
    restating = load_policy().presentation["restating_readings"]
    assert "art11_default_chain" in restating
    chapeau = explained(capsys, "11-recusal-close-relatives.yaml")
    assert "按第十一条首段属行政过错责任人" not in chapeau
    assert "韩雪就“批准不符合条件的家庭享受低保”（承办人）：按责任和过错大小承担相应责任" in chapeau
    displaced = explained(capsys, "01-reviewer-overturned-correct-opinion.yaml")
    assert "理由：第十一条第（三）项只认定王建国为责任人" in displaced


def zh_strings(node) -> list[str]:
    if isinstance(node, dict):
        return [
            s
            for key, value in node.items()
            for s in ([value] if key == "zh" and isinstance(value, str) else zh_strings(value))
        ]
    if isinstance(node, list):
        return [s for item in node for s in zh_strings(item)]
    return []


def test_no_reason_of_an_explained_answer_leaves_a_variable_of_the_rule_language(capsys):
    strings = []
    for path in EXAMPLES:
        strings += zh_strings(json.loads(explained(capsys, path.name, "zh", "--format", "json")))
    assert sum("不适用" in s for s in strings) > 10  # the why-not reasons are there
    leaks = [s for s in strings if RULE_VARIABLE_IN_CHINESE.search(s)]
    assert not leaks, leaks[:3]


# a value of the case format or of the rules written as code (``party_or_government_discipline``)
RAW_VALUE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}\b")


def test_no_explained_answer_to_a_worked_example_shows_a_value_as_code():
    """Every value the record gives (a circumstance, a role, a relation) reaches the officer by
    its label in the vocabulary, in either language, never as the token the format uses."""
    shown = []
    for path in EXAMPLES:
        for lang in ("zh", "en"):
            text = explanation(path.name, lang)
            shown += [f"{path.name} ({lang}): {m}" for m in RAW_VALUE.findall(text)]
    assert not shown, "\n".join(shown[:20])


def test_a_finding_lists_first_the_facts_its_own_rule_states(capsys):
    """The referral of Art. 18(2) rests on the person being responsible (six facts) and on the
    circumstance that Party or government discipline is involved: the circumstance, which sets
    the finding apart, comes first, so the shortened answer still shows it."""
    name = "02-handler-intent-misled-reviewer-and-approver.yaml"
    answer = json.loads(explained(capsys, name, "zh", "--format", "json"))
    (referral,) = [r for r in answer["referrals"] if "art_18__para_2" in r["cites"]]
    assert referral["facts"][0]["fact"] == "circumstance"
    assert referral["facts"][0]["args"][-1] == "party_or_government_discipline"
    assert main(["query", str(EXAMPLES_DIR / name), "--as-of", "2025-03-01"]) == 0
    text = capsys.readouterr().out
    assert (
        "事实：李红梅在“批准一户不符合条件的家庭享受城乡居民最低生活保障”中的情节：涉及党纪政纪处分"
        in text
    )
