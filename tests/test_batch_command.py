"""``accountability batch``: many cases into one JSON Lines file, driven as a user drives it."""

from __future__ import annotations

import csv
import gc
import json
import re
import shutil
from functools import cache
from pathlib import Path

import pytest
from paths import EXAMPLES_DIR

import engine.policy.load
from engine.answer import answer_case
from engine.bulk.run import BatchRun, run_batch
from engine.bulk.runner import run_local
from engine.cli.app import main
from engine.policy.load import load_policy

AS_OF = "2024-12-01"
NAMES = [
    "01-reviewer-overturned-correct-opinion.yaml",
    "08-leader-instructions-and-objections.yaml",
    "11-recusal-close-relatives.yaml",
    "14-recusal-interest-ties-and-investigator-fault.yaml",
    "16-statement-not-heard-and-appeals.yaml",
]


@cache
def _policy():
    return load_policy()


@pytest.fixture(autouse=True)
def load_the_policy_once(monkeypatch):
    """The command reads the policy on every call; reading it once keeps these tests fast."""
    monkeypatch.setattr(engine.policy.load, "load_policy", lambda path=None: _policy())


@pytest.fixture
def cases(tmp_path) -> Path:
    """A folder of good cases, one broken case file and a JSON Lines file with a bad line."""
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in NAMES[:3]:
        shutil.copy(EXAMPLES_DIR / name, folder / name)
    (folder / "02-broken.yaml").write_text("case: [unclosed\n", encoding="utf-8")
    import yaml

    lines = [
        json.dumps(yaml.safe_load((EXAMPLES_DIR / name).read_text("utf-8")), default=str)
        for name in NAMES[3:]
    ]
    lines.insert(1, '{"case": {"id": 1}}')
    (folder / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def records(path: Path) -> list[dict]:
    header, *rest = path.read_text(encoding="utf-8").splitlines()
    assert "accountability_batch" in json.loads(header)
    return [json.loads(line) for line in rest]


def test_a_bad_case_among_good_ones_is_reported_in_its_line_and_the_others_are_answered(
    cases, tmp_path, capsys
):
    out = tmp_path / "answers.jsonl"
    summary = tmp_path / "summary.csv"
    code = main(
        ["batch", str(cases), "--out", str(out), "--as-of", AS_OF, "--summary", str(summary)]
    )
    printed = capsys.readouterr().out
    assert code == 0
    found = records(out)
    keys = [r["case"] for r in found]
    assert keys == [
        f"{cases.as_posix()}/01-reviewer-overturned-correct-opinion.yaml",
        f"{cases.as_posix()}/02-broken.yaml",
        f"{cases.as_posix()}/08-leader-instructions-and-objections.yaml",
        f"{cases.as_posix()}/11-recusal-close-relatives.yaml",
        f"{cases.as_posix()}/more.jsonl:1",
        f"{cases.as_posix()}/more.jsonl:2",
        f"{cases.as_posix()}/more.jsonl:3",
    ]
    refused = {r["case"] for r in found if "problems" in r}
    assert refused == {keys[1], keys[5]}
    broken = next(r for r in found if r["case"] == keys[1])
    assert broken["problems"][0]["line"] is not None and broken["problems"][0]["file"] == keys[1]
    # an answered case is the answer `query --format json` gives
    for record, name in zip(
        [found[0], found[2], found[3], found[4], found[6]], NAMES[:3] + NAMES[3:], strict=True
    ):
        expected = answer_case(_policy(), EXAMPLES_DIR / name, AS_OF).to_dict()
        got = record["answer"]
        assert {**got, "case": None} == {**expected, "case": None}
        assert got["case"]["id"] == expected["case"]["id"]
    assert "cases" in printed and " 7 " in printed.replace(",", "")
    rows = list(csv.DictReader(summary.open(encoding="utf-8")))
    verdicts = sum(len(r["answer"]["verdicts"]) for r in found if "answer" in r)
    assert len(rows) == verdicts
    faults = sum(f["fault"] for r in found if "answer" in r for f in r["answer"]["faults"])
    assert re.search(rf"^faults +{faults:,} ", printed, re.MULTILINE)
    assert {r["verdict"] for r in rows} == {"responsible", "not_responsible"}


def test_an_interrupted_run_resumed_gives_the_same_output_as_one_uninterrupted_run(
    cases, tmp_path, capsys
):
    whole, whole_summary = tmp_path / "whole.jsonl", tmp_path / "whole.csv"
    argv = ["batch", str(cases), "--out", str(whole), "--as-of", AS_OF]
    assert main(argv + ["--summary", str(whole_summary)]) == 0
    whole_table = capsys.readouterr().out.split("→")[0]

    class Interrupted(Exception):
        pass

    def two_partitions_then_killed(pending, options):
        for n, lines in enumerate(run_local(pending, options, 1, partition_size=2)):
            if n == 2:
                raise Interrupted
            yield lines

    cut = tmp_path / "cut.jsonl"
    with pytest.raises(Interrupted):
        run_batch(
            _policy(),
            BatchRun([str(cases)], cut, runner=two_partitions_then_killed, progress=False),
            as_of=AS_OF,
        )
    with cut.open("a", encoding="utf-8") as handle:  # a line half written when it was killed
        handle.write('{"answer": {"$schema": "https://')
    assert len(records_prefix := cut.read_text("utf-8").splitlines()) == 1 + 4 + 1
    assert records_prefix
    summary = tmp_path / "summary.csv"
    code = main(
        ["batch", str(cases), "--out", str(cut), "--as-of", AS_OF, "--resume"]
        + ["--summary", str(summary)]
    )
    assert code == 0
    assert cut.read_bytes() == whole.read_bytes()
    # the totals and the spreadsheet count the whole file: the lines read back and those answered
    assert capsys.readouterr().out.split("→")[0] == whole_table
    assert " 7 " in whole_table.replace(",", "")
    assert summary.read_bytes() == whole_summary.read_bytes()


def test_a_batch_leaves_the_garbage_collector_of_its_process_as_it_found_it(cases, tmp_path):
    before = gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()
    run_batch(_policy(), BatchRun([str(cases)], tmp_path / "a.jsonl", progress=False), as_of=AS_OF)
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before


def test_resuming_a_file_with_complete_lines_a_batch_did_not_write_is_refused_and_cuts_nothing(
    cases, tmp_path, capsys
):
    out = tmp_path / "answers.jsonl"
    assert main(["batch", str(cases), "--out", str(out), "--as-of", AS_OF]) == 0
    with out.open("a", encoding="utf-8") as handle:
        handle.write("notes of my own\nmore notes\n")
    before = out.read_bytes()
    argv = ["batch", str(cases), "--out", str(out), "--as-of", AS_OF, "--resume"]
    assert main(argv) == 1
    assert "line 9 is not a line a batch writes" in capsys.readouterr().err
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--param", "fault_notion=x"], "'x' is not an option of fault_notion"),
        (["--param", "art7_point3_min_inspectors=-1"], "-1 is out of range"),
        (["--calendar", "."], "not a regular file"),
        (["--summary", "OUT"], "the summary would be written over the answers"),
    ],
)
def test_an_option_that_would_refuse_every_case_is_refused_before_any_file_is_written(
    cases, tmp_path, capsys, options, said
):
    out = tmp_path / "answers.jsonl"
    options = [str(out) if o == "OUT" else o for o in options]
    assert main(["batch", str(cases), "--out", str(out), *options]) == 1
    assert said in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [cases]


@pytest.mark.parametrize("workers", ["0", "100000"])
def test_a_worker_count_the_machine_cannot_hold_is_refused_before_anything_starts(
    cases, tmp_path, capsys, workers
):
    out = tmp_path / "answers.jsonl"
    assert main(["batch", str(cases), "--out", str(out), "--workers", workers]) == 2
    assert f"--workers: {workers} worker processes; expected 1 to " in capsys.readouterr().err
    assert not out.exists()


def test_worker_processes_give_the_same_output_as_one_process(cases, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["batch", str(cases), "--out", str(one), "--as-of", AS_OF]) == 0
    assert main(["batch", str(cases), "--out", str(two), "--as-of", AS_OF, "--workers", "2"]) == 0
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("option", ["--out", "--summary"])
def test_the_batch_never_replaces_a_file_it_did_not_create(cases, tmp_path, capsys, option):
    precious = tmp_path / "notes.txt"
    precious.write_text("mine\n", encoding="utf-8")
    out = precious if option == "--out" else tmp_path / "answers.jsonl"
    argv = ["batch", str(cases), "--out", str(out), "--as-of", AS_OF]
    if option == "--summary":
        argv += ["--summary", str(precious)]
    assert main(argv) == 1
    assert "did not create" in capsys.readouterr().err
    assert precious.read_text(encoding="utf-8") == "mine\n"


def test_resuming_under_other_options_is_refused(cases, tmp_path, capsys):
    out = tmp_path / "answers.jsonl"
    assert main(["batch", str(cases), "--out", str(out), "--as-of", AS_OF]) == 0
    before = out.read_bytes()
    assert main(["batch", str(cases), "--out", str(out), "--as-of", "2025-01-01", "--resume"]) == 1
    assert "another policy or other options" in capsys.readouterr().err
    assert out.read_bytes() == before


def test_resuming_with_other_inputs_is_refused_before_a_case_is_answered(cases, tmp_path, capsys):
    out = tmp_path / "answers.jsonl"
    argv = ["batch", "--out", str(out), "--as-of", AS_OF, "--no-progress"]
    assert main([*argv, str(cases)]) == 0
    with out.open("rb+") as handle:  # an interrupted run: its last two lines not yet written
        lines = handle.readlines()
        handle.seek(0)
        handle.truncate()
        handle.writelines(lines[:-2])
    before = out.read_bytes()
    first = sorted(cases.iterdir())[0]
    others = tmp_path / "others"
    others.mkdir()
    shutil.copy(EXAMPLES_DIR / NAMES[4], others / NAMES[4])
    for inputs, found in (
        ([str(others)], "where the inputs have the case"),
        ([str(first)], "where the inputs have no more cases"),
    ):
        capsys.readouterr()
        assert main([*argv, *inputs, "--resume"]) == 1
        err = capsys.readouterr().err
        assert f"its case 1 is {first.as_posix()}" in err or "its case 2 is" in err, err
        assert found in err, err
        assert "--resume" in err and "the inputs of the run it continues" in err, err
        assert out.read_bytes() == before
    # the same inputs continue it to the whole file
    assert main([*argv, str(cases), "--resume"]) == 0
    assert out.read_bytes().count(b"\n") == len(lines)


@pytest.mark.parametrize("explain", [False, True])
def test_cases_answered_together_get_the_answers_they_get_alone_and_a_bad_one_its_problems(
    explain,
):
    """Every worked example, with and without the derivation trees: cases answered together
    share one evaluation and the bindings their explanations are drawn from."""
    from engine.answer import answer_cases
    from engine.problems import ProblemsError

    paths = sorted(EXAMPLES_DIR.glob("*.yaml"))
    together = answer_cases(
        _policy(), [*paths[:2], "no-such-case.yaml", *paths[2:]], AS_OF, explain=explain
    )
    assert isinstance(together[2], ProblemsError)
    alone = [answer_case(_policy(), path, AS_OF, explain=explain).to_dict() for path in paths]
    assert [a.to_dict() for a in together[:2] + together[3:]] == alone


def test_answering_cases_together_leaves_nothing_for_the_cyclic_garbage_collector():
    """An answer's objects are freed by reference counting as soon as it is dropped: a
    reference cycle would keep a whole joint evaluation alive until the collector finds it,
    and finding it costs a batch a sixth of its time."""
    from engine.answer import answer_cases

    paths = sorted(EXAMPLES_DIR.glob("*.yaml"))
    for explain in (False, True):
        answer_cases(_policy(), paths, AS_OF, explain=explain)  # fills the policy's caches
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for explain in (False, True):
            answers = answer_cases(_policy(), paths, AS_OF, explain=explain)
            lines = [json.dumps(a.to_dict()) for a in answers]
            del answers
            assert gc.collect() == 0
            assert lines
    finally:
        if enabled:
            gc.enable()


def test_each_line_is_the_canonical_json_of_its_record(cases, tmp_path):
    """Keys sorted, no spaces, text as written: the bytes ``json.dumps(record,
    ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` gives."""
    out = tmp_path / "answers.jsonl"
    assert main(["batch", str(cases), "--out", str(out), "--as-of", AS_OF]) == 0
    for text in out.read_text(encoding="utf-8").splitlines(keepends=True):
        record = json.loads(text)
        canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert text == canonical + "\n"
