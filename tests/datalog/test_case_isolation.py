"""One evaluation = one case: no fact of a case is visible to another, in turn or at once."""

from __future__ import annotations

import os
import pickle
import random
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from dl_helpers import program
from processes import children

from engine.datalog import EvaluationError, EvaluationTimeout, InvalidFacts, WorkerLost

RULES = (
    "reach(X, Y) :- link(X, Y).",
    "reach(X, Y) :- link(X, Z), reach(Z, Y).",
    "isolated(X) :- node(X), not reach(X, _), not reach(_, X).",
    "tag(X, T) :- node(X), label(X, T), T != hidden.",
)


def random_case(seed: int) -> dict:
    rnd = random.Random(seed)
    nodes = [f"c{seed}_n{i}" for i in range(rnd.randint(2, 7))]
    return {
        "node": [(n,) for n in nodes],
        "link": [(rnd.choice(nodes), rnd.choice(nodes)) for _ in range(rnd.randint(0, 6))],
        "label": [(rnd.choice(nodes), rnd.choice(["a", "b", "hidden"])) for _ in range(3)],
    }


def expected_model(case: dict) -> dict:
    """The same semantics computed in plain Python, independently of the engine."""
    reach = set(case["link"])
    while True:
        more = {(a, d) for (a, b) in reach for (c, d) in reach if b == c} - reach
        if not more:
            break
        reach |= more
    touched = {a for a, _ in reach} | {b for _, b in reach}
    return {
        "reach": reach,
        "isolated": {(n,) for (n,) in case["node"] if n not in touched},
        "tag": {(n, t) for (n, t) in case["label"] if t != "hidden" and (n,) in set(case["node"])},
    }


def assert_matches(model, case):
    for name, tuples in expected_model(case).items():
        assert model.tuples(name) == tuples, name


def test_cases_evaluated_one_after_another_never_see_each_others_facts():
    compiled = program(*RULES)
    cases = [random_case(i) for i in range(30)]
    for case in cases:
        assert_matches(compiled.evaluate(case), case)
    # and the first again, after all the others
    assert_matches(compiled.evaluate(cases[0]), cases[0])


def test_an_empty_case_after_a_full_one_derives_nothing():
    compiled = program(*RULES)
    compiled.evaluate(random_case(1))
    model = compiled.evaluate({})
    assert all(not model.tuples(p) for p in ("reach", "isolated", "tag", "node", "link"))


@pytest.mark.parametrize(
    "failing",
    [
        pytest.param(
            lambda c: c.evaluate({"node": [(1,)], "link": [(1, 2)]}, time_limit=0.0), id="timeout"
        ),
        pytest.param(
            lambda c: c.evaluate({"node": [("a",)], "num": [("a",), (3,)]}), id="runtime-type-error"
        ),
        pytest.param(
            lambda c: c.evaluate({"node": [("a",)], "link": [("a",)]}), id="invalid-facts"
        ),
    ],
)
def test_a_case_that_fails_midway_leaves_nothing_behind_for_the_next(failing):
    compiled = program(*RULES, "big(X) :- num(X), X > 2.")
    with pytest.raises((EvaluationTimeout, EvaluationError, InvalidFacts)):
        failing(compiled)
    case = random_case(5)
    model = compiled.evaluate(case)
    assert_matches(model, case)
    assert model.tuples("node") == set(case["node"])


def test_cases_evaluated_in_several_threads_at_once_stay_isolated():
    compiled = program(*RULES)
    cases = [random_case(i) for i in range(120)]
    barrier = threading.Barrier(4)

    def run(index: int):
        if index < 4:
            barrier.wait()  # make the first four really start together
        case = cases[index]
        model = compiled.evaluate(case)
        return index, {name: model.tuples(name) for name in ("reach", "isolated", "tag")}

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, range(len(cases))))
    for index, got in results:
        want = expected_model(cases[index])
        assert got == {name: frozenset(t) for name, t in want.items()}, index


def test_a_model_stays_valid_after_later_cases_are_evaluated():
    compiled = program(*RULES)
    first_case = random_case(3)
    first = compiled.evaluate(first_case)
    for i in range(10):
        compiled.evaluate(random_case(100 + i))
    assert_matches(first, first_case)
    some = sorted(first.tuples("reach"))
    if some:
        assert first.explain("reach", some[0]).args == some[0]


def test_a_batch_in_one_process_yields_the_same_models_in_order():
    compiled = program(*RULES)
    cases = [random_case(i) for i in range(25)]
    for case, model in zip(cases, compiled.evaluate_batch(cases), strict=True):
        assert_matches(model, case)


def test_a_batch_across_worker_processes_yields_the_same_models_in_order():
    compiled = program(*RULES)
    cases = [random_case(i) for i in range(40)]
    models = list(compiled.evaluate_batch(iter(cases), workers=2))
    assert len(models) == len(cases)
    for case, model in zip(cases, models, strict=True):
        assert_matches(model, case)
    reach = sorted(models[7].tuples("reach"))
    if reach:  # explanations work on models built in a worker
        assert "link" in models[7].explain("reach", reach[-1]).render()


def test_a_failing_case_in_a_parallel_batch_raises_when_its_turn_comes():
    compiled = program(*RULES)
    cases = [random_case(1), {"nodee": [("x",)]}, random_case(2)]
    batch = compiled.evaluate_batch(cases, workers=2)
    assert_matches(next(batch), cases[0])
    with pytest.raises(InvalidFacts):
        next(batch)


def test_a_worker_killed_in_a_parallel_batch_raises_worker_lost_instead_of_waiting_forever():
    compiled = program(*RULES)
    nodes = [f"n{i}" for i in range(400)]  # a chain: its closure keeps a worker busy a while
    chain = {
        "node": [(n,) for n in nodes],
        "link": list(zip(nodes, nodes[1:], strict=False)),
        "label": [],
    }
    batch = compiled.evaluate_batch([chain] * 40, workers=2, batch_size=1)
    assert len(next(batch).tuples("reach")) == 400 * 399 // 2
    # the pool's workers: the children of the forkserver that forks them (where there is one)
    forkservers = [
        c
        for c in children(os.getpid())
        if b"multiprocessing.forkserver" in Path(f"/proc/{c}/cmdline").read_bytes()
    ]
    workers = (
        [w for c in forkservers for w in children(c)] if forkservers else children(os.getpid())
    )
    assert workers, "no worker process found"
    os.kill(workers[0], signal.SIGKILL)
    caught: list[BaseException] = []

    def rest() -> None:
        try:
            for _model in batch:
                pass
        except BaseException as error:  # noqa: BLE001 - what the batch raised is the subject
            caught.append(error)

    waiting = threading.Thread(target=rest, daemon=True)
    waiting.start()
    waiting.join(60)
    assert not waiting.is_alive(), "the batch waited for the killed worker's cases"
    assert len(caught) == 1 and isinstance(caught[0], WorkerLost), caught
    assert "worker process ended" in str(caught[0])


# --- batches: many cases in one joint evaluation (engine/datalog/batch.py) ----------------------

SHARED = (
    *RULES,
    "origin(start).",  # a fact: holds once in every case
    "alone :- not link(_, _).",  # no positive atom: must be decided per case
    "self_loop(X) :- link(X, X).",
    "marked(X, yes) :- node(X), label(X, a).",
)


def shared_case(seed: int) -> dict:
    """Cases over the same few constants, so that a leak between cases would show."""
    rnd = random.Random(seed)
    nodes = ["a", "b", "c", "d"][: rnd.randint(1, 4)]
    return {
        "node": [(n,) for n in nodes],
        "link": [(rnd.choice(nodes), rnd.choice(nodes)) for _ in range(rnd.randint(0, 4))],
        "label": [(rnd.choice(nodes), rnd.choice(["a", "b", "hidden"])) for _ in range(2)],
    }


@pytest.mark.parametrize("batch_size", [1, 3, 200])
def test_a_batch_evaluated_jointly_gives_each_case_exactly_its_model_alone(batch_size):
    compiled = program(*SHARED)
    cases = [shared_case(i) for i in range(60)] + [{"node": [], "link": [], "label": []}]
    alone = [compiled.evaluate(case).to_dict() for case in cases]
    batched = compiled.evaluate_batch(cases, batch_size=batch_size)
    for i, (want, model) in enumerate(zip(alone, batched, strict=True)):
        assert model.to_dict() == want, i
        assert_matches(model, cases[i])
        assert model.holds("origin", ("start",))
        assert model.holds("alone", ()) == (not cases[i].get("link"))


def test_the_models_of_a_batch_read_one_relation_at_a_time_in_any_order_hold_only_their_case():
    # a batch's derived relations are split per case when first read: reading them piecemeal,
    # models in reverse order, a model sent to another process half read, must change nothing
    compiled = program(*SHARED)
    cases = [shared_case(i) for i in range(30)]
    alone = [compiled.evaluate(case) for case in cases]
    batched = list(compiled.evaluate_batch(cases, batch_size=30))
    for i in reversed(range(len(cases))):
        assert batched[i].tuples("reach") == alone[i].tuples("reach"), i
    sent = pickle.loads(pickle.dumps(batched[7]))
    assert sent.to_dict() == alone[7].to_dict()
    assert batched[3].holds("alone", ()) == alone[3].holds("alone", ())
    for i, model in enumerate(batched):
        assert model.to_dict() == alone[i].to_dict(), i
        assert repr(model) == repr(alone[i])


def test_the_models_of_one_batch_read_from_several_threads_at_once_hold_only_their_case():
    compiled = program(*SHARED)
    cases = [shared_case(i) for i in range(40)]
    alone = [compiled.evaluate(case).to_dict() for case in cases]
    batched = list(compiled.evaluate_batch(cases, batch_size=40))
    names = ["reach", "isolated", "tag", "origin", "alone"]

    def read(offset: int) -> list:
        order = names[offset:] + names[:offset]
        return [[m.tuples(n) for n in order] for m in batched[offset::2]]

    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(read, range(5)))
    assert [m.to_dict() for m in batched] == alone


def test_cases_of_a_batch_that_pass_the_same_relation_objects_get_their_models_alone():
    # variants of one case (what-if analyses, other readings) share the relations they do not
    # change; the batch converts such a relation once, and no case may see another's facts
    compiled = program(*SHARED)
    nodes = [("a",), ("b",), ("c",)]
    links = [("a", "b")]
    invalid = [("a",)]  # one value where link takes two
    cases = [
        {"node": nodes, "link": links, "label": []},
        {"node": nodes, "link": [*links, ("b", "c")], "label": []},
        {"node": nodes, "link": links, "label": [("c", "a")]},
        {"node": nodes, "link": invalid, "label": []},
        {"node": nodes, "link": invalid, "label": [("a", "b")]},
        {"node": nodes, "link": links, "label": []},
    ]
    alone = []
    for case in cases:
        try:
            alone.append(compiled.evaluate(case).to_dict())
        except InvalidFacts as error:
            alone.append(type(error))
    batched = list(compiled.evaluate_batch(cases, batch_size=len(cases), on_error="yield"))
    for i, (want, got) in enumerate(zip(alone, batched, strict=True)):
        if want is InvalidFacts:
            assert isinstance(got, InvalidFacts), i
        else:
            assert got.to_dict() == want, i
    assert batched[0].to_dict() != batched[1].to_dict()


def test_explanations_of_a_jointly_evaluated_case_cite_only_its_own_facts():
    compiled = program(*SHARED)
    first = {"node": [("a",), ("b",)], "link": [("a", "b")], "label": []}
    second = {"node": [("a",), ("b",)], "link": [("b", "a")], "label": []}
    models = list(compiled.evaluate_batch([first, second], batch_size=2))
    assert models[0].explain("reach", ("a", "b")).to_dict()["conditions"][0]["args"] == ["a", "b"]
    assert not models[1].holds("reach", ("a", "b"))
    assert models[1].why_not("reach", ("a", "b"))
    assert (
        models[1].explain("reach", ("b", "a")).render()
        == compiled.evaluate(second).explain("reach", ("b", "a")).render()
    )


def test_a_case_that_runs_out_of_time_in_a_batch_fails_alone():
    compiled = program(*RULES, "triple(A, B, C) :- num(A), num(B), num(C).")
    slow = {"num": [(i,) for i in range(200)]}  # 8 million bindings
    cases = [random_case(1), slow, random_case(2)]
    first, failed, third = compiled.evaluate_batch(
        cases, time_limit=0.1, batch_size=3, on_error="yield"
    )
    assert_matches(first, cases[0])
    assert isinstance(failed, EvaluationTimeout)
    assert_matches(third, cases[2])
    with pytest.raises(EvaluationTimeout):  # the default: raised when its turn comes
        list(compiled.evaluate_batch(cases, time_limit=0.1, batch_size=3))


def test_a_case_whose_comparison_meets_mixed_types_in_a_batch_fails_alone():
    compiled = program(*RULES, "big(X) :- num(X), X > 2.")
    cases = [{"num": [(5,)]}, {"num": [("a",), (3,)]}, {"num": [(1,), (4,)]}]
    first, failed, third = compiled.evaluate_batch(cases, batch_size=3, on_error="yield")
    assert first.tuples("big") == {(5,)}
    assert isinstance(failed, EvaluationError) and failed.rule_id == "r4"
    assert third.tuples("big") == {(4,)}


def test_a_case_with_invalid_facts_in_a_parallel_batch_fails_alone_and_the_rest_go_on():
    compiled = program(*RULES)
    cases = [random_case(1), {"nodee": [("x",)]}, random_case(2)]
    first, failed, third = compiled.evaluate_batch(cases, workers=2, on_error="yield")
    assert_matches(first, cases[0])
    assert isinstance(failed, InvalidFacts) and "nodee" in str(failed)
    assert_matches(third, cases[2])


def test_relations_sent_to_worker_processes_are_refused_or_answered_as_in_process():
    compiled = program(*RULES)

    def cases() -> list[dict]:
        return [
            {"node": iter([("a",), ("b",)]), "link": (row for row in [("a", "b")])},  # iterators
            {"node": "ab"},  # a text where a list of rows belongs
            {"node": ["a", "b"]},  # texts where rows belong
            {"node": 7},
        ]

    def shown(outcome) -> object:
        return str(outcome) if isinstance(outcome, InvalidFacts) else outcome.to_dict()

    in_process = []
    for case in cases():
        try:
            in_process.append(shown(compiled.evaluate(case)))
        except InvalidFacts as error:
            in_process.append(shown(error))
    sent = compiled.evaluate_batch(cases(), workers=2, on_error="yield")
    assert [shown(outcome) for outcome in sent] == in_process
    assert in_process[0]["reach"] == [("a", "b")]
    assert all(isinstance(outcome, str) for outcome in in_process[1:])


def test_a_batch_refuses_bad_settings_and_an_unknown_output_before_any_work():
    compiled = program(*RULES)
    with pytest.raises(ValueError, match="on_error"):
        next(compiled.evaluate_batch([{}], on_error="ignore"))
    with pytest.raises(ValueError, match="batch_size"):
        next(compiled.evaluate_batch([{}], batch_size=0))
    with pytest.raises(KeyError, match="nowhere"):
        next(compiled.evaluate_batch([{}], outputs=["nowhere"]))
    with pytest.raises(ValueError, match="100000 worker processes; expected 1 to"):
        next(compiled.evaluate_batch([{}], workers=100_000))


def test_a_model_sent_to_another_process_still_explains_its_tuples():
    compiled = program(*RULES)
    case = {"node": [("a",), ("b",)], "link": [("a", "b")], "label": []}
    model = compiled.evaluate(case)
    copy = pickle.loads(pickle.dumps(model))
    assert copy.to_dict() == model.to_dict()
    assert copy.explain("reach", ("a", "b")).render() == model.explain("reach", ("a", "b")).render()
