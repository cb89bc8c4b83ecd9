"""A corpus of broken policies: each mutation of the real policy must be refused with a located error.

Each case copies the real policy into a temporary folder, breaks one thing the way an editor could, runs
``accountability validate`` and checks that the exit code is 1 and that the report names the right file,
line and eId / JSON path, and says what was expected.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from paths import POLICY_DIR as DEFAULT_POLICY_DIR

from engine.cli.app import main


@dataclass
class Broken:
    id: str
    break_it: Callable[[Path], str]  # edits the copy; returns the regex the report must contain


def replace(rel: str, old: str, new: str, expect: str, count: int = 1) -> Callable[[Path], str]:
    """Replace text in one file; ``{line}`` in ``expect`` becomes the line where ``old`` was."""

    def run(root: Path) -> str:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"mutation anchor {old!r} not in {rel}"
        line = text[: text.index(old)].count("\n") + 1
        path.write_text(text.replace(old, new, count), encoding="utf-8")
        return expect.format(line=line, file=re.escape(rel))

    return run


def line_of(root: Path, rel: str, needle: str, nth: int = 1) -> int:
    text = (root / rel).read_text(encoding="utf-8")
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text[:at].count("\n") + 1


def insert_after(rel: str, anchor: str, addition: str, expect: str) -> Callable[[Path], str]:
    def run(root: Path) -> str:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        at = text.index(anchor) + len(anchor)
        line = text[:at].count("\n") + 2  # the first inserted line
        path.write_text(text[:at] + addition + text[at:], encoding="utf-8")
        return expect.format(line=line, file=re.escape(rel))

    return run


def write_bytes(rel: str, data: Callable[[bytes], bytes], expect: str) -> Callable[[Path], str]:
    def run(root: Path) -> str:
        path = root / rel
        path.write_bytes(data(path.read_bytes()))
        return expect.format(file=re.escape(rel))

    return run


def remove(rel: str, expect: str) -> Callable[[Path], str]:
    def run(root: Path) -> str:
        (root / rel).unlink()
        return expect

    return run


A7 = "articles/art_07.yaml"
A11 = "articles/art_11.yaml"
A16 = "articles/art_16.yaml"
INS = "instrument.yaml"
PAR = "parameters.yaml"
VOC = "vocabulary.yaml"
NRM = "normalisation.yaml"
PRE = "presentation.yaml"

RULE = (
    "rules:\n"
    "  - id: {id}\n"
    "    cites: [{cite}]\n"
    "    datalog: |\n"
    "      {datalog}\n"
    '    reads: {{zh: "测试", en: "test"}}\n'
)


def add_rule(
    rel: str, datalog: str, expect: str, rid: str = "broken_rule", cite: str = "art_7__point_1"
):
    """Give an article a (broken) rule; {line} is the line of the Datalog text."""

    def run(root: Path) -> str:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        block = RULE.format(id=rid, cite=cite, datalog=datalog)
        if "rules: []\n" in text:
            at = text.index("rules: []\n")
            text = text[:at] + block + text[at + len("rules: []\n") :]
        else:
            at = text.index("rules:\n")
            text = text[:at] + block + text[at + len("rules:\n") :]
        line = text[:at].count("\n") + 5
        path.write_text(text, encoding="utf-8")
        return expect.format(line=line, file=re.escape(rel))

    return run


CORPUS = [
    Broken(
        "duplicate key",
        replace(
            A7,
            "kind: normative\n",
            "kind: normative\nkind: procedural\n",
            r"{file}:\d+:1: \$\.kind: duplicate key 'kind' \(first at line {line}\)",
        ),
    ),
    Broken(
        "yaml alias",
        replace(
            A7,
            "computed: true",
            "computed: &c true\nx_alias: *c",
            r"{file}:{line}:\d+: YAML anchor &c is not allowed",
        ),
    ),
    Broken(
        "yaml merge key",
        replace(
            A7,
            "computed: true\n",
            "computed: true\n<<: {kind: normative}\n",
            r"{file}:\d+:1: \$: YAML merge key << is not allowed",
        ),
    ),
    Broken(
        "python tag",
        replace(
            A7,
            "computed: true",
            "computed: !!python/object/apply:os.system [echo]",
            r"{file}:{line}:\d+: \$\.computed: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed",
        ),
    ),
    Broken(
        "not utf-8",
        write_bytes(
            A7,
            lambda b: b.replace("第七条".encode(), "第七条".encode("gbk"), 1),
            r"{file}:1:\d+: byte 0x\w\w is not valid UTF-8; expected UTF-8 text",
        ),
    ),
    Broken(
        "too large",
        write_bytes(
            A7,
            lambda b: b + b"#" + b"x" * (1024 * 1024) + b"\n",
            r"{file}: file is \d+ bytes; expected at most 1048576 bytes",
        ),
    ),
    Broken(
        "yaml syntax",
        replace(A7, "computed: true", "computed: [true", r"{file}:\d+:\d+: YAML syntax error"),
    ),
    Broken(
        "two documents",
        replace(
            A7,
            "computed: true\n",
            "computed: true\n---\nx: 1\n",
            r"{file}: \$: file holds 2 YAML documents",
        ),
    ),
    Broken(
        "missing kind",
        replace(A7, "kind: normative\n", "", r"{file}:\d+:1: art_7 \$: missing property kind"),
    ),
    Broken(
        "unknown property",
        replace(
            A7,
            "computed: true\n",
            "computed: true\ncomputd: true\n",
            r"{file}:\d+:1: art_7 \$: unknown property computd \(did you mean computed\?\); "
            r"expected only ",
        ),
    ),
    Broken(
        "kind not allowed",
        replace(
            A7,
            "kind: normative",
            "kind: normative-ish",
            r"{file}:{line}:7: art_7 \$\.kind: \"normative-ish\" is not an allowed value "
            r"\(did you mean normative\?\); expected one of",
        ),
    ),
    Broken(
        "malformed eId",
        replace(
            A7,
            "eid: art_7__point_3\n",
            "eid: art_7__pt_3\n",
            r"{file}:{line}:\d+: art_7__pt_3 \$\.elements\[3\]\.eid: \"art_7__pt_3\" does not have the required form",
        ),
    ),
    Broken(
        "eId out of place",
        replace(
            A7,
            "eid: art_7__point_3\n",
            "eid: art_7__point_4\n",
            r"{file}:{line}:\d+: \$\.elements\[3\]\.eid: eId art_7__point_4 does not fit its place in art_7; expected art_7__point_3",
        ),
    ),
    Broken(
        "point label missing",
        replace(
            A7,
            'zh: "（三）检查人数',
            'zh: "检查人数',
            r"{file}:{line}:\d+: \$\.elements\[3\]\.text\.zh: art_7__point_3 does not start with its label; expected text starting with （三）",
        ),
    ),
    Broken(
        "restating reading names no rule",
        replace(
            PRE,
            "  - art11_default_chain ",
            "  - art11_default_chian ",
            r"{file}:{line}:\d+: \$\.restating_readings\[0\]: art11_default_chian is not a rule "
            r"of this policy; expected the id of a rule in an article file",
        ),
    ),
    Broken(
        "heading wrong",
        replace(
            A7,
            'zh: "第七条"',
            'zh: "第八条"',
            r"{file}:{line}:\d+: \$\.heading\.zh: heading 第八条; expected 第七条",
        ),
    ),
    Broken(
        "number wrong",
        replace(
            A7,
            "number: 7\n",
            "number: 8\n",
            r"{file}:{line}:\d+: \$\.number: number 8 but eid art_7; expected art_8",
        ),
    ),
    Broken(
        "computed false without reason",
        replace(
            A7,
            "computed: true",
            "computed: false",
            r"{file}:\d+:\d+: art_7 \$\.not_computed_reason: null is of type null; expected type object",
        ),
    ),
    Broken(
        "article file missing",
        remove(
            A16,
            r"instrument\.yaml: \$\.articles: art_16 is listed but articles/art_16\.yaml does not exist",
        ),
    ),
    Broken(
        "stray article file",
        lambda root: (
            shutil.copy(root / A7, root / "articles/art_20.yaml"),
            r"articles/art_20\.yaml: file is not listed in instrument\.yaml articles",
        )[1],
    ),
    Broken(
        "parameter affects unknown eId",
        replace(
            PAR,
            "affects: [",
            "affects: [art_7__point_99, ",
            r"{file}:{line}:\d+: \$\.parameters\[0\]\.affects\[0\]: parameter \w+ affects art_7__point_99 does not exist; expected an eId of this policy",
        ),
    ),
    Broken("parameter default not an option", lambda root: _break_default(root)),
    Broken(
        "anomaly excerpt not in text",
        replace(
            A11,
            'excerpt: "承担确定各自相应的责任"',
            'excerpt: "承担并确定各自相应的责任"',
            r"{file}:{line}:\d+: \$\.anomalies\[0\]\.excerpt: excerpt of anomaly art11-intro-double-verb is not in the text of art_11__intro",
        ),
    ),
    Broken("reviewed article whose text changed", lambda root: _break_review(root)),
    Broken(
        "reviewed without reviewer",
        replace(
            A7,
            "status: draft",
            "status: reviewed",
            r"{file}:\d+:\d+: art_7 \$\.review\.reviewer: null is of type null; expected type string",
        ),
    ),
    Broken(
        "text changed without log",
        replace(
            A7,
            "无法定依据实施检查",
            "无法律依据实施检查",
            r"normalisation\.yaml:\d+:\d+: \$\.entries: the encoded text with the log undone differs from the received text at line \d+",
        ),
    ),
    Broken(
        "normalisation names unknown eId",
        replace(
            NRM,
            "eid: art_2__para_1\n",
            "eid: art_2__para_9\n",
            r"{file}:{line}:\d+: \$\.entries\[0\]\.eid: normalisation entry art_2__para_9 does not exist",
        ),
    ),
    Broken(
        "changelog names unknown eId",
        replace(
            INS,
            "eids: [",
            "eids: [art_42, ",
            r"{file}:{line}:\d+: \$\.encoding\.changelog\[0\]\.eids\[0\]: changelog entry names art_42 does not exist",
        ),
    ),
    Broken(
        "self-name not in its element",
        replace(
            INS,
            '{term: "本规定", where: art_3__para_1}',
            '{term: "本办法", where: art_3__para_1}',
            r"{file}:{line}:\d+: \$\.self_names\[3\]\.term: 本办法 does not occur in art_3__para_1",
        ),
    ),
    Broken(
        "edition ends before it starts",
        replace(
            INS,
            "effective_from: null",
            'effective_from: "2023-06-01"\n    effective_to_x: null',
            r"{file}:\d+:\d+: \$\.editions\[0\]: unknown property effective_to_x",
        ),
    ),
    Broken("vocabulary duplicate predicate", lambda root: _duplicate_predicate(root)),
    Broken(
        "vocabulary unknown domain",
        replace(
            VOC,
            "args: [{name: person, domain: person}]\n",
            "args: [{name: person, domain: human}]\n",
            r"{file}:{line}:\d+: \$\.predicates\[0\]\.args\[0\]\.domain: unknown domain human",
        ),
    ),
    Broken(
        "rule syntax error",
        add_rule(
            A7,
            "point_applies(A, E) :- point_alleged(A, E)",
            r"{file}:{line}:\d+: rule broken_rule: .*",
        ),
    ),
    Broken(
        "rule cites unknown eId",
        add_rule(
            A7,
            "covered(P) :- staff(P).",
            r"{file}:\d+:\d+: \$\.rules\[0\]\.cites\[0\]: rule broken_rule cites art_7__point_18 does not exist",
            cite="art_7__point_18",
        ),
    ),
    Broken(
        "rule with unsafe head variable",
        add_rule(A7, "covered(Q) :- staff(P).", r"{file}:{line}:\d+: rule broken_rule: .*Q"),
    ),
    Broken(
        "rule with unknown predicate",
        add_rule(
            A7, "covered(P) :- employee(P).", r"{file}:{line}:\d+: rule broken_rule: .*employee"
        ),
    ),
    Broken(
        "rule with input predicate in head",
        add_rule(A7, "staff(P) :- person(P).", r"{file}:{line}:\d+: rule broken_rule: .*staff"),
    ),
    Broken("rule displaces unknown rule", lambda root: _displaces_unknown(root)),
]


def _break_default(root: Path) -> str:
    path = root / PAR
    text = path.read_text(encoding="utf-8")
    m = re.search(r"\n    type: enum\n(?:.*\n)*?    default: (\S+)\n", text)
    assert m, "no enum parameter found"
    old = m.group(0)
    new = old.replace(f"default: {m.group(1)}", "default: no_such_option")
    line = text[: m.start()].count("\n") + old.count("\n")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rf"{PAR}:{line}:\d+: \$\.parameters\[\d+\]\.default: 'no_such_option' is not an option of \w+"


def _break_review(root: Path) -> str:
    path = root / A11
    text = path.read_text(encoding="utf-8")
    text = text.replace("status: draft", "status: reviewed").replace(
        "reviewer: null", "reviewer: 法制股"
    )
    text = text.replace("date: null", 'date: "2026-01-05"')
    text = text.replace(
        "the extent of their respective responsibility",
        "the size of their respective responsibility",
    )
    path.write_text(text, encoding="utf-8")
    line = line_of(root, A11, "    sha256: ")
    return rf"{A11}:{line}:\d+: \$\.review\.fingerprint\.sha256: art_11 changed since its review by 法制股 on 2026-01-05: text and translation"


def _duplicate_predicate(root: Path) -> str:
    path = root / VOC
    text = path.read_text(encoding="utf-8")
    block = text[text.index("  - name: staff\n") : text.index("  - name: holds_post\n")]
    text = text.replace(block, block + block, 1)
    path.write_text(text, encoding="utf-8")
    line = line_of(root, VOC, "  - name: staff\n", nth=2) + 1 - 1
    return rf"{VOC}:{line}:\d+: \$\.predicates\[\d+\]\.name: duplicate predicate staff"


def _displaces_unknown(root: Path) -> str:
    expect = add_rule(A7, "covered(P) :- staff(P).", "")(root)
    del expect
    path = root / A7
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    cites: [art_7__point_1]\n",
        "    cites: [art_7__point_1]\n    displaces: [no_such_rule]\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    line = line_of(root, A7, "displaces: [no_such_rule]")
    return rf"{A7}:{line}:\d+: \$\.rules\[0\]\.displaces\[0\]: rule broken_rule displaces unknown rule no_such_rule"


@pytest.fixture
def policy_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, root)
    monkeypatch.chdir(root)  # problems name files relative to the working directory
    return root


def test_the_real_policy_validates_with_exit_code_0(capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(DEFAULT_POLICY_DIR)]) == 0
    out = capsys.readouterr().out
    assert "policy valid" in out and "文民发[2023]25号" in out and "articles: 19" in out
    # the edition's status in words, as the vocabulary names it, never its raw value
    assert "推定有效（施行日期未知） / presumed in force" in out and "in_force_presumed" not in out


def test_the_corpus_holds_at_least_25_distinct_breakages() -> None:
    assert len({b.id for b in CORPUS}) == len(CORPUS) >= 25


@pytest.mark.parametrize("broken", CORPUS, ids=[b.id for b in CORPUS])
def test_a_broken_policy_is_refused_with_a_located_error(
    broken: Broken, policy_copy: Path, capsys: pytest.CaptureFixture
) -> None:
    expected = broken.break_it(policy_copy)
    assert main(["validate", str(policy_copy)]) == 1
    report = capsys.readouterr().err
    assert re.search(expected, report), f"expected /{expected}/ in:\n{report}"


def test_every_problem_is_reported_not_just_the_first(policy_copy: Path, capsys) -> None:
    replace(A7, "kind: normative", "kind: normative-ish", "")(policy_copy)
    replace(A11, 'zh: "第十一条"', 'zh: "第十一"', "")(policy_copy)
    replace(PAR, "affects: [", "affects: [art_99__pt, ", "")(policy_copy)
    assert main(["validate", str(policy_copy)]) == 1
    report = capsys.readouterr().err
    assert "art_07.yaml" in report and "art_11.yaml" in report and "parameters.yaml" in report
    assert report.count("\n") >= 4


def test_validate_reports_problems_as_json_for_machines(policy_copy: Path, capsys) -> None:
    replace(A7, "kind: normative", "kind: normative-ish", "")(policy_copy)
    assert main(["validate", str(policy_copy), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    (problem,) = [p for p in report["problems"] if p["severity"] == "error"]
    assert problem["file"].endswith("art_07.yaml") and problem["where"] == "art_7 $.kind"
    assert problem["line"] == line_of(policy_copy, A7, "kind: normative-ish")


def test_validate_summarises_the_real_policy_as_json(capsys) -> None:
    assert main(["validate", str(DEFAULT_POLICY_DIR), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True
    assert report["summary"]["articles"] == 19
    assert report["summary"]["elements_by_kind"]["point"] == 3 + 17 + 11 + 5 + 3 + 6 + 5 + 3
