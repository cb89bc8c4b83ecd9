"""The one reader of input files and request bodies: what it lets through, with the limits it keeps
(the hostile side is in tests/hostile_inputs.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from paths import EXAMPLES_DIR, ROOT

from engine.answer import answer_case
from engine.case.load import load_case, load_case_body
from engine.files.reader import Limits, read_input_bytes
from engine.files.safe_yaml import document_from_data, load_body, load_yaml_file, load_yaml_text
from engine.policy.load import load_policy
from engine.problems import ProblemsError

EXAMPLE = EXAMPLES_DIR / "01-reviewer-overturned-correct-opinion.yaml"


def problems_of(call) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        call()
    return [p.format() for p in caught.value.problems]


def test_a_link_to_a_file_in_the_same_folder_is_read(tmp_path):
    (tmp_path / "real.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    assert load_yaml_file(tmp_path / "link.yaml").data == {"a": 1}


def test_a_link_into_the_project_is_read_from_anywhere_inside_it(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    link = tmp_path / "cases" / "case.yaml"
    link.parent.mkdir()
    link.symlink_to(EXAMPLE)
    assert load_case(link).data["case"]["id"] == "wsmz-2024-003"


def test_a_link_out_of_its_folder_and_the_project_is_refused_without_reading_it(tmp_path):
    secret = tmp_path / "private" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text("password: hunter2\n", encoding="utf-8")
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "case.yaml").symlink_to(secret)
    shown = problems_of(lambda: load_yaml_file(tmp_path / "public" / "case.yaml"))
    assert len(shown) == 1 and "hunter2" not in shown[0]
    assert "a symbolic link that leads outside the project and outside its own folder" in shown[0]


def test_at_most_the_limit_plus_one_byte_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a" * 101)
    assert read_input_bytes(path, limits=Limits(max_bytes=101)) == b"a" * 101
    assert problems_of(lambda: read_input_bytes(path, limits=Limits(max_bytes=100))) == [
        f"{path}: file is 101 bytes; expected at most 100 bytes"
    ]


def test_a_json_request_body_is_read_like_a_json_file():
    body = EXAMPLE.read_text(encoding="utf-8")
    data = load_yaml_file(EXAMPLE).data
    as_json = json.dumps(data, ensure_ascii=False, indent="\t").encode("utf-8")
    assert load_body(as_json).data == data
    assert (
        load_body(body.encode("utf-8"), media_type="application/yaml; charset=utf-8").data == data
    )


def test_a_request_body_of_another_media_type_or_too_large_or_too_deep_is_refused():
    assert problems_of(lambda: load_body(b"{}", media_type="text/html")) == [
        "<request body>: media type text/html is not accepted; expected one of "
        "application/json, application/yaml, application/x-yaml, text/yaml, text/x-yaml"
    ]
    assert problems_of(lambda: load_body(b"[" * 10 + b"]" * 10, limits=Limits(max_depth=5))) == [
        "<request body>:1:6: nested too deeply; expected at most 5 levels of nesting"
    ]
    assert problems_of(lambda: load_body(b" " * 11, limits=Limits(max_bytes=10))) == [
        "<request body>: file is 11 bytes; expected at most 10 bytes"
    ]


def test_values_handed_over_in_python_are_held_to_the_same_limits():
    doc = document_from_data({"d": date(2024, 3, 12), "n": [1, (2, 3)]}, "<case>")
    assert doc.data == {"d": "2024-03-12", "n": [1, [2, 3]]}
    shown = problems_of(
        lambda: document_from_data(
            {"a": 10**20, "b": date(9999, 1, 1), "c": float("nan"), 3: "x", "e": {1, 2}}, "<case>"
        )
    )
    assert shown == [
        "<case>: $: a mapping key of type int (3); expected text keys",
        "<case>: $.a: integer with 21 digits is too large; expected an integer between "
        "-9007199254740991 and 9007199254740991",
        "<case>: $.b: date 9999-01-01 is outside the years 1900–2200; expected a date from "
        "1900-01-01 to 2200-12-31",
        "<case>: $.c: nan is not a finite number; expected a finite number",
        "<case>: $.e: a value of type set; expected text, a number, true/false or null",
    ]


def test_a_case_posted_as_a_request_body_gets_the_answer_of_the_file():
    data = load_yaml_file(EXAMPLE).data
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    policy = load_policy()
    posted = answer_case(policy, load_case_body(body), as_of="2024-12-01").to_dict()
    from_file = answer_case(policy, EXAMPLE, as_of="2024-12-01").to_dict()
    assert posted["verdicts"] == from_file["verdicts"]
    assert posted["faults"] == from_file["faults"]


def test_a_bad_case_body_is_refused_with_lines_and_columns_inside_the_body():
    body = b'{"case": {"id": "x", "title": "t"},\n "people": [{"id": "p1", "nam": "x"}]}'
    shown = problems_of(lambda: load_case_body(body))
    assert shown[0] == (
        "<request body>:2:13: $.people[0]: missing property name; expected the required "
        "properties id, name"
    )
    assert shown[1].startswith(
        "<request body>:2:13: $.people[0]: unknown property nam (did you mean name?); expected only "
    )
    assert len(shown) == 2


def _full_reading(text: str):
    """The YAML reading JSON goes through when the JSON parser alone cannot be trusted with it."""
    return load_yaml_text(text.replace("\t", " "), "<request body>")


@pytest.mark.parametrize("example", sorted(EXAMPLES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_json_case_read_by_the_json_parser_has_the_values_and_positions_of_the_full_reading(
    example,
):
    data = load_yaml_file(example).data
    for text in (json.dumps(data, ensure_ascii=False), json.dumps(data, indent="\t")):
        if "\\" in text:  # escapes go the full way: nothing to compare
            continue
        full = _full_reading(text)
        doc = load_body(text.encode("utf-8"))
        assert doc.data == full.data
        assert doc.lines == full.lines
        assert not doc.positions  # not located until a problem asks
        deepest = max(full.positions, key=len)
        assert doc.position(deepest) == full.position(deepest)
        assert doc.positions == full.positions


def test_a_part_of_a_json_case_locates_its_problems_in_the_whole_body():
    body = b'{"case": {"id": "x"},\n "people": [\n  {"id": "p1", "name": 7}]}'
    doc = load_body(body)
    person = doc.part(("people", 0))
    assert person.problem(("name",), "not text").format() == (
        "<request body>:3:24: $.people[0].name: not text"
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',  # a repeated key
        '{"a": 1.5}',
        '{"a": "tab\\tinside"}',  # an escape
        '{"a": "\\ud83d\\ude00"}',  # a surrogate pair
        '{"a": "\u202eevil"}',  # a bidirectional override
        '{"' + "k" * 1200 + '": 1}',  # a key too long for YAML
        '{"a": 123456789012345678901234567890}',
        "[" * 70 + "]" * 70,
        '{"when": "1800-01-01"}',
    ],
)
def test_json_that_the_two_readings_could_take_differently_is_read_the_full_way(text):
    # the full way: as YAML, of which JSON is a part (the JSON media type checks the grammar first)
    raw = text.encode("utf-8")

    def outcome(read):
        try:
            doc = read()
        except ProblemsError as caught:
            return [p.format() for p in caught.problems]
        return doc.data, doc.positions

    full = outcome(lambda: load_body(raw, media_type="application/yaml"))
    assert outcome(lambda: load_body(raw)) == full


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1e5", 100000),  # YAML 1.1 alone would read these three as text
        ("1E+2", 100),
        ("2.5e1", 25),
        ("2.0", 2),
        ("-0.0", 0),
        ("7", 7),
        ("1.5", 1.5),
        ("2.5e-1", 0.25),
    ],
)
def test_a_number_in_json_is_the_number_json_reads_and_a_whole_one_is_an_integer(written, read):
    # read by the JSON parser, and the full way (an escape sends a text there)
    for s in ('"x"', '"\\u0078"'):
        doc = load_body(('{"n": ' + written + ', "s": ' + s + "}").encode("utf-8"))
        assert doc.data == {"n": read, "s": "x"}
        assert type(doc.data["n"]) is type(read)
    assert document_from_data({"n": float(read)}, "<case>").data["n"] == read


@pytest.mark.parametrize("written", ["1e400", "-1e400", "1e-400", "2.5E-999"])
def test_a_number_beyond_what_can_be_represented_is_refused_at_its_place(written):
    for s in ('"x"', '"\\u0078"'):
        with pytest.raises(ProblemsError) as caught:
            load_body(('{"s": ' + s + ',\n "n": ' + written + "}").encode("utf-8"))
        assert [p.format() for p in caught.value.problems] == [
            f"<request body>:2:7: $.n: the number {written} is beyond what can be represented; "
            "expected a number between -1e308 and 1e308, and not closer to zero than 1e-300"
        ]


@pytest.mark.parametrize("written", ["1.0e+999", ".5e-999", "1_0.0e+999"])
def test_a_yaml_number_beyond_what_can_be_represented_is_refused_at_its_place(written):
    with pytest.raises(ProblemsError) as caught:
        load_yaml_text(f"s: x\nn: {written}\n", "f.yaml")
    assert [p.format() for p in caught.value.problems] == [
        f"f.yaml:2:4: $.n: the number {written} is beyond what can be represented; "
        "expected a number between -1e308 and 1e308, and not closer to zero than 1e-300"
    ]


def _answer_with_inspectors(written: str, suffix: str, tmp_path):
    text = (EXAMPLES_DIR / "01-reviewer-overturned-correct-opinion.yaml").read_text("utf-8")
    data = load_yaml_text(text, "01").data
    assert data["acts"][0]["inspection"]["inspectors"] == 2
    body = json.dumps(data, ensure_ascii=False, indent=1).replace(
        '"inspectors": 2', f'"inspectors": {written}'
    )
    if suffix == ".yaml":  # the same number in a YAML file
        body = text.replace("{inspectors: 2,", f"{{inspectors: {written},")
        assert body != text or written == "2"
    path = tmp_path / f"case{suffix}"
    path.write_text(body, encoding="utf-8")
    return answer_case(load_policy(), path, "2024-12-01").to_dict()


@pytest.mark.parametrize(
    ("written", "suffix"), [("2.0", ".yaml"), ("2.0", ".json"), ("2e0", ".json")]
)
def test_a_count_written_with_a_zero_fraction_gets_the_answer_of_the_integer(
    written, suffix, tmp_path
):
    expected = _answer_with_inspectors("2", suffix, tmp_path)
    got = _answer_with_inspectors(written, suffix, tmp_path)
    assert {**got, "case": None} == {**expected, "case": None}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_count_with_a_fraction_is_refused_at_its_place(suffix, tmp_path):
    with pytest.raises(ProblemsError) as caught:
        _answer_with_inspectors("1.5", suffix, tmp_path)
    (problem,) = caught.value.problems
    assert problem.line is not None
    assert "$.acts[0].inspection.inspectors: 1.5 is of type number; expected type integer" in (
        problem.format()
    )


def _family_case(extra_links: list[tuple[str, str]], people: list[str]) -> dict:
    data = load_yaml_file(EXAMPLES_DIR / "12-recusal-wider-blood-relatives.yaml").data
    data["people"] += [{"id": p, "name": p} for p in people]
    data["relations"]["parents"] += [{"child": c, "parent": p} for c, p in extra_links]
    return data


def test_a_parent_cycle_among_hundreds_of_ancestors_is_refused_with_its_trail():
    chain = [f"a{i}" for i in range(300)]
    links = [(chain[i], chain[i + 1]) for i in range(299)]
    links += [("x", "y"), ("y", "z"), ("z", "x"), ("a0", "x")]  # a0's line runs into the cycle
    shown = problems_of(lambda: load_case(_family_case(links, [*chain, "x", "y", "z"])))
    # the example's nine links come first: z → x is link 9 + 299 + 2
    assert shown == [
        "<case>: $.relations.parents[310]: x is their own ancestor: x → y → z → x; "
        "expected parent links without a cycle"
    ]


def test_hundreds_of_generations_without_a_cycle_load_without_a_problem():
    chain = [f"a{i}" for i in range(300)]
    links = [(chain[i], chain[i + 1]) for i in range(299)] + [("a150", "gao_de")]
    assert load_case(_family_case(links, chain)).data["relations"]["parents"][-1] == {
        "child": "a150",
        "parent": "gao_de",
    }
