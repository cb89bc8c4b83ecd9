"""The encoded text is the received text minus logged conversion artefacts, and nothing else.

These tests protect the promise made to legal officers: undoing normalisation.yaml on the encoded
Chinese gives back the received file byte for byte, every anomaly quotes the text it is about, and
every review record still matches the text it reviewed.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.policy.source_text import (
    check_normalisation,
    element_texts_sha256,
    load_policy_texts,
    rebuild_received,
)
from engine.problems import ProblemsError

REPO = Path(__file__).resolve().parents[1]
POLICY_DIR = REPO / "policy" / "wenshui-mca-2023-25"
RECEIVED_NAME = "000_fc28963c1495fafd.txt"

LABEL_DIGITS = "一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1..99 as written in item labels: 一 … 十 … 十七."""
    tens, units = divmod(n, 10)
    text = ("" if tens <= 1 else LABEL_DIGITS[tens - 1]) + ("十" if tens else "")
    return text + (LABEL_DIGITS[units - 1] if units else "")


@pytest.fixture(scope="module")
def texts():
    return load_policy_texts(POLICY_DIR)


@pytest.fixture(scope="module")
def received_bytes() -> bytes:
    return (POLICY_DIR / "source" / RECEIVED_NAME).read_bytes()


def all_elements(articles):
    return [e for a in articles for e in a["elements"]]


def test_undoing_the_log_on_the_encoded_text_gives_back_the_received_file_byte_for_byte(
    texts, received_bytes
):
    rebuilt = rebuild_received(*texts)
    assert rebuilt.encode("utf-8") == received_bytes
    assert check_normalisation(*texts, POLICY_DIR) == []


def test_the_encoded_chinese_carries_no_conversion_artefacts(texts):
    instrument, articles, _ = texts
    zh_texts = {e["eid"]: e["text"]["zh"] for e in all_elements(articles)}
    zh_texts["preamble"] = instrument["preamble"]["zh"]
    zh_texts["salutation"] = instrument["salutation"]["zh"]
    for eid, zh in zh_texts.items():
        assert not re.search(r"[;,:()]", zh), f"{eid} has half-width punctuation: {zh}"
        assert not re.search(r"\s[0-9]|[0-9]\s", zh), f"{eid} has spaces around a digit: {zh}"
        assert not zh.startswith("- ") and "\n- " not in zh, f"{eid} has a list marker: {zh}"
        assert "\n" not in zh, f"{eid} has a line break: {zh!r}"


def test_every_point_starts_with_its_full_width_label_and_eids_follow_the_pattern(texts):
    _, articles, _ = texts
    for article in articles:
        kinds = [e["kind"] for e in article["elements"]]
        with_points = ["intro"] + ["point"] * (len(kinds) - 1)
        assert kinds in (["para"] * len(kinds), with_points), article["eid"]
        for element in article["elements"]:
            if element["kind"] == "intro":
                assert element["eid"] == f"{article['eid']}__intro"
            else:
                number = element["number"]
                assert element["eid"] == f"{article['eid']}__{element['kind']}_{number}"
            if element["kind"] == "point":
                label = f"（{chinese_numeral(element['number'])}）"
                assert element["text"]["zh"].startswith(label), element["eid"]
                assert element["text"]["en"].startswith(f"({element['number']})"), element["eid"]


def test_changing_one_character_of_an_element_makes_the_rebuild_differ(texts, received_bytes):
    instrument, articles, normalisation = texts
    mutated = copy.deepcopy(articles)
    para = next(e for e in all_elements(mutated) if e["eid"] == "art_3__para_1")
    assert "所有工作人员" in para["text"]["zh"]
    para["text"]["zh"] = para["text"]["zh"].replace("所有", "全体")
    assert rebuild_received(instrument, mutated, normalisation).encode("utf-8") != received_bytes
    problems = check_normalisation(instrument, mutated, normalisation)
    assert [p.where for p in problems] == ["$.received_sha256"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_unlogged_one_character_edit_of_any_element_is_caught(texts, data):
    instrument, articles, normalisation = texts
    mutated = copy.deepcopy(articles)
    element = data.draw(st.sampled_from(all_elements(mutated)))
    zh = element["text"]["zh"]
    at = data.draw(st.integers(0, len(zh) - 1))
    char = data.draw(st.sampled_from("的，。；之和或（）规定"))
    if char == zh[at]:
        char = "乙"
    element["text"]["zh"] = zh[:at] + char + zh[at + 1 :]
    assert check_normalisation(instrument, mutated, normalisation) != []


def test_a_log_entry_that_no_longer_matches_its_text_is_reported_at_that_entry_with_its_line(texts):
    instrument, articles, normalisation = texts
    mutated = copy.deepcopy(articles)
    para = next(e for e in all_elements(mutated) if e["eid"] == "art_2__para_1")
    para["text"]["zh"] = para["text"]["zh"].replace("规定的职责", "规定之职责")
    index = next(
        i for i, entry in enumerate(normalisation["entries"]) if entry["eid"] == "art_2__para_1"
    )
    problems = check_normalisation(instrument, mutated, normalisation, POLICY_DIR)
    assert [p.where for p in problems] == [f"$.entries[{index}]"]
    assert problems[0].file == "normalisation.yaml" and problems[0].line is not None
    with pytest.raises(ProblemsError):
        rebuild_received(instrument, mutated, normalisation)


def test_dropping_any_kind_of_log_entry_breaks_the_round_trip(texts):
    instrument, articles, normalisation = texts
    for kind in ("list_marker", "separator", "punctuation", "spacing", "line_break"):
        mutated = copy.deepcopy(normalisation)
        index = next(i for i, e in enumerate(mutated["entries"]) if e["kind"] == kind)
        del mutated["entries"][index]
        assert check_normalisation(instrument, articles, mutated) != [], kind


def test_every_anomaly_excerpt_is_quoted_verbatim_from_its_element_and_ids_are_unique(texts):
    instrument, articles, _ = texts
    zh_texts = {e["eid"]: e["text"]["zh"] for e in all_elements(articles)}
    zh_texts["title"] = instrument["title"]["zh"]
    zh_texts["preamble"] = instrument["preamble"]["zh"]
    anomalies = list(instrument["anomalies"])
    for article in articles:
        for anomaly in article["anomalies"]:
            assert anomaly["eid"].startswith(article["eid"] + "__"), anomaly["id"]
            anomalies.append(anomaly)
    for anomaly in anomalies:
        assert anomaly["excerpt"] in zh_texts[anomaly["eid"]], anomaly["id"]
    ids = [a["id"] for a in anomalies]
    assert len(ids) == len(set(ids))


def test_every_review_fingerprint_matches_the_texts_it_reviewed(texts):
    _, articles, _ = texts
    assert len(articles) == 19
    for article in articles:
        fingerprint = element_texts_sha256(article["elements"])
        assert article["review"]["text_sha256"] == fingerprint, article["eid"]


def test_the_review_fingerprint_covers_the_translation_as_well_as_the_chinese(texts):
    _, articles, _ = texts
    elements = copy.deepcopy(articles[6]["elements"])
    before = element_texts_sha256(elements)
    elements[0]["text"]["en"] += " "
    assert element_texts_sha256(elements) != before
