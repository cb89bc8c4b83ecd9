"""Whatever a program hands the Python API, it gets an answer or located problems: never another
exception (hypothesis, derandomised).

Cases are drawn from the case schema itself (person ids from a small pool, so that references
resolve and many cases reach the rules), then a few of their values are replaced by hostile ones
(huge numbers, NaN, dates as objects and out of range, control characters, deep nesting, types no
file can hold). The other arguments (as-of date, parameters, calendar file, evaluator) are drawn
from valid and invalid values alike.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import EXAMPLES_DIR, SCHEMA_DIR

from engine.answer import Answer, answer_case
from engine.policy.load import load_policy
from engine.problems import ProblemsError

SCHEMA = json.loads((SCHEMA_DIR / "case.schema.json").read_text(encoding="utf-8"))
PEOPLE = ["p1", "p2", "p3", "p4"]
PRINTABLE = st.characters(categories=["L", "N", "P", "Zs"])
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FUZZ = settings(
    derandomize=True,
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@cache
def policy():
    return load_policy()


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def from_schema(node: dict, depth: int = 0) -> st.SearchStrategy:
    """Values valid under (a simple reading of) the schema node."""
    if node.get("$ref") == "#/$defs/id":
        return st.sampled_from(PEOPLE)
    node = _resolve(node)
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "const" in node:
        return st.just(node["const"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            return st.one_of([from_schema(branch, depth + 1) for branch in node[key]])
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        required = [k for k in node.get("required", []) if k in props]
        if node.get("minProperties") and not required:
            required = list(props)
        optional = [k for k in props if k not in required]
        if depth > 4:
            optional = []
        return st.fixed_dictionaries(
            {k: from_schema(props[k], depth + 1) for k in required},
            optional={k: from_schema(props[k], depth + 1) for k in optional},
        )
    if kind == "array":
        return st.lists(
            from_schema(node.get("items", {}), depth + 1),
            min_size=node.get("minItems", 0),
            max_size=min(node.get("maxItems", 3), 3),
        )
    if kind == "string":
        if node.get("format") == "date":
            return st.dates(date(2020, 1, 1), date(2026, 12, 31)).map(date.isoformat)
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True).filter(lambda s: len(s) < 40)
        return st.text(PRINTABLE, min_size=node.get("minLength", 0), max_size=8)
    if kind == "integer":
        return st.integers(node.get("minimum", 0), min(node.get("maximum", 20), 20))
    if kind == "boolean":
        return st.booleans()
    return st.none()


DEEP: list = []
for _ in range(100):
    DEEP = [DEEP]  # nesting past the reader's limit

HOSTILE = st.one_of(
    st.none(),
    st.integers(),
    st.integers(min_value=10**15, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(["\x1b[2J", "\u202e", "\x00", "9999-12-31", "0001-01-01", "2024-02-30", ""]),
    st.binary(max_size=4),
    st.frozensets(st.integers(), max_size=2),
    st.just(DEEP),
    st.dictionaries(st.integers(), st.integers(), max_size=2),
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*path, i))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (_replace(v, rest, new) if k == head else v) for k, v in value.items()}
    return [(_replace(v, rest, new) if i == head else v) for i, v in enumerate(value)]


@st.composite
def cases(draw):
    case = draw(from_schema(SCHEMA))
    case["people"] = [{"id": p, "name": f"职员{p}"} for p in PEOPLE]
    for _ in range(draw(st.integers(0, 2))):
        paths = list(_paths(case))
        case = _replace(case, draw(st.sampled_from(paths)), draw(HOSTILE))
    return case


AS_OF = st.one_of(
    st.none(),
    st.dates(date(2023, 6, 1), date(2026, 6, 30)).map(date.isoformat),
    st.dates(),
    st.datetimes(),
    st.integers(),
    st.text(max_size=12),
    st.sampled_from(["9999-12-31", "20241201", "2024-W48-7", "2024-12-01\x1b"]),
)
PARAMETERS = st.one_of(
    st.none(),
    st.just({}),
    st.dictionaries(
        st.sampled_from(
            [
                "art7_point3_min_inspectors",
                "art9_point3_window_months",
                "art7_art8_computed_items",
                "art10_tail_reading",
                "no_such_parameter",
            ]
        ),
        st.one_of(
            st.integers(),
            st.none(),
            st.booleans(),
            st.lists(st.sampled_from(["art_7__point_2", "art_7__point3", "x"]), max_size=3),
            st.text(max_size=5),
            st.sampled_from(["literal", "meant_art_9"]),
        ),
        max_size=2,
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.integers(), st.integers(), min_size=1, max_size=1),
)
CALENDAR = st.one_of(st.none(), st.none(), st.integers(), st.just(""), st.just(b"cal.json"))
BACKEND = st.one_of(st.none(), st.none(), st.just("native"), st.just("bogus"), st.integers())


def _answer_or_problems(case, **kwargs) -> Answer | ProblemsError:
    try:
        return answer_case(policy(), case, **kwargs)
    except ProblemsError as exc:
        return exc


VALID_AS_OF = st.dates(date(2023, 6, 1), date(2026, 6, 30)).map(date.isoformat)


@st.composite
def api_calls(draw) -> tuple[dict, dict]:
    """A case and the other arguments: valid ones three times in four, so that most calls reach
    the rules, and anything at all otherwise."""
    if draw(st.integers(0, 3)):
        kwargs = {"as_of": draw(VALID_AS_OF), "parameters": draw(st.sampled_from([None, {}]))}
    else:
        kwargs = {
            "as_of": draw(AS_OF),
            "parameters": draw(PARAMETERS),
            "calendar_file": draw(CALENDAR),
            "backend": draw(BACKEND),
        }
    return draw(cases()), kwargs


@FUZZ
@given(call=api_calls())
def test_any_case_and_arguments_give_an_answer_or_located_problems(call):
    case, kwargs = call
    result = _answer_or_problems(case, **kwargs)
    if isinstance(result, ProblemsError):
        assert result.problems
        for p in result.problems:
            assert p.file and p.message, p
            text = p.format()
            assert not RAW_CONTROL.search(text), text
            assert len(text) < 2000, text[:200]
    else:
        json.dumps(result.to_dict(), ensure_ascii=False)
        result.render("en")


def test_a_case_read_with_yaml_safe_load_and_its_date_objects_gets_the_file_s_answer():
    """``yaml.safe_load`` turns unquoted dates into ``datetime.date``: a program passing that
    mapping on must get the same answer as the file."""
    path = EXAMPLES_DIR / "01-reviewer-overturned-correct-opinion.yaml"
    text = re.sub(r'"(\d{4}-\d{2}-\d{2})"', r"\1", path.read_text(encoding="utf-8"))
    data = yaml.safe_load(text)
    assert isinstance(data["case"]["fault_date"], date)
    from_objects = answer_case(policy(), data, as_of=date(2024, 12, 1)).to_dict()
    from_file = answer_case(policy(), path, as_of="2024-12-01").to_dict()
    from_objects["case"].pop("file", None), from_file["case"].pop("file", None)
    assert json.dumps(from_objects, sort_keys=True, default=str) == json.dumps(
        from_file, sort_keys=True, default=str
    )


def test_a_date_with_a_time_of_day_is_refused_where_it_stands():
    data = yaml.safe_load(
        (EXAMPLES_DIR / "01-reviewer-overturned-correct-opinion.yaml").read_text()
    )
    data["case"]["fault_date"] = datetime(2024, 3, 12, 9, 30)
    result = _answer_or_problems(data, as_of="2024-12-01")
    assert isinstance(result, ProblemsError)
    assert [(p.where, p.message) for p in result.problems] == [
        ("$.case.fault_date", "a date with a time of day (2024-03-12T09:30:00)")
    ]


def test_arguments_of_the_wrong_type_are_each_named():
    path = str(EXAMPLES_DIR / "01-reviewer-overturned-correct-opinion.yaml")
    for kwargs, where in (
        ({"as_of": 20241201}, "as_of"),
        ({"as_of": datetime(2024, 12, 1)}, "as_of"),
        ({"parameters": ["art10_tail_reading"]}, "parameters"),
        ({"calendar_file": 3}, "calendar_file"),
        ({"backend": "fast"}, "backend"),
    ):
        result = _answer_or_problems(path, **kwargs)
        assert isinstance(result, ProblemsError), kwargs
        assert [p.where for p in result.problems] == [where], result.problems
    for case in (None, 42, b"case.yaml", ""):
        result = _answer_or_problems(case, as_of="2024-12-01")
        assert isinstance(result, ProblemsError), case
        assert result.problems[0].where == "case"
