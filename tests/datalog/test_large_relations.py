"""Large relations looked up by a few keys, and the collector around large evaluations.

A relation of thousands of tuples that rows ask about by a few keys is not indexed whole: the
matching tuples are taken in a pass and only their keys are indexed, that partial index kept up
to date as the relation grows, and the whole index built once many keys are asked for. Each test
holds the model to a reference computed directly in Python.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from dl_helpers import program

from engine.datalog import EvaluationTimeout
from engine.datalog.joins import Store

STAR = 6000  # leaves of a star: above the size from which few-key look-ups take a pass


def _chain(prefix: str, length: int) -> set[tuple]:
    """Edges prefix0 → prefix1 → … → prefix{length-1}."""
    return {(f"{prefix}{i}", f"{prefix}{i + 1}") for i in range(length - 1)}


def _closure(edges: set[tuple]) -> set[tuple]:
    """The transitive closure, by a search from every node."""
    successors: dict = {}
    for x, y in edges:
        successors.setdefault(x, set()).add(y)
    reach = set()
    for start in successors:
        seen, frontier = set(), [start]
        while frontier:
            for y in successors.get(frontier.pop(), ()):
                if y not in seen:
                    seen.add(y)
                    frontier.append(y)
        reach |= {(start, y) for y in seen}
    return reach


def test_a_large_relation_asked_about_by_a_few_keys_gives_the_same_rows_as_a_direct_search():
    compiled = program(
        "hit(X, Y) :- probe(X), big(X, Y).",
        "miss(X) :- probe(X), not big(X, X).",
    )
    big = {(f"k{i % 50}", f"v{i}") for i in range(STAR)} | {("k7", "k7")}
    probes = {("k3",), ("k7",), ("absent",)}
    model = compiled.evaluate({"big": big, "probe": probes})
    assert set(model.tuples("hit")) == {(x, y) for (x,) in probes for x2, y in big if x == x2}
    assert set(model.tuples("miss")) == {("k3",), ("absent",)}


def test_a_partly_indexed_relation_that_grows_round_by_round_still_finds_every_new_tuple():
    # reach is looked up by the few nodes new in each round (a chain) while it holds thousands
    # of tuples (a star): the partial index must take in the tuples each round adds
    compiled = program(
        "reach(X, Y) :- edge(X, Y).",
        "reach(X, Z) :- reach(X, Y), reach(Y, Z).",
    )
    edges = _chain("c", 12) | {("c11", "hub")} | {("hub", f"leaf{i}") for i in range(STAR)}
    model = compiled.evaluate({"edge": edges})
    assert set(model.tuples("reach")) == _closure(edges)


def test_an_index_of_the_keys_asked_for_takes_in_the_tuples_added_later_under_those_keys():
    # the store's own contract, which the semi-naive rounds rely on: a look-up after the relation
    # grew sees the new tuples of the keys already indexed, and finds the other keys too
    relation = {(f"k{i % 100}", i) for i in range(STAR)}
    store = Store({"big": relation})
    spec = ("big", (), (0,), (1,))
    index = store.index_for(spec, [("k1",), ("k2",)], ("slot", 0))
    assert set(index["k1"]) == {(i,) for i in range(1, STAR, 100)}
    store.extend("big", [("k1", -1), ("k3", -3)])
    index = store.index_for(spec, [("k1",), ("k3",)], ("slot", 0))
    assert (-1,) in index["k1"]
    assert set(index["k3"]) == {(i,) for i in range(3, STAR, 100)} | {(-3,)}
    assert "k4" not in index  # only the keys asked for are indexed


def test_many_keys_asked_in_turn_end_with_the_whole_index_and_the_same_answer():
    # each round asks about a few more keys; after a few passes the whole index is built
    compiled = program(
        "seen(Y) :- start(Y).",
        "seen(Z) :- seen(Y), next(Y, Z).",
    )
    edges = _chain("n", 40) | {(f"x{i}", f"y{i}") for i in range(STAR)}
    model = compiled.evaluate({"next": edges, "start": {("n0",)}})
    assert set(model.tuples("seen")) == {(f"n{i}",) for i in range(40)}


def test_explaining_a_tuple_of_a_large_relation_names_the_rule_and_the_facts_it_rests_on():
    compiled = program("hit(X, Y) :- probe(X), big(X, Y).")
    big = {(f"k{i % 50}", f"v{i}") for i in range(STAR)}
    model = compiled.evaluate({"big": big, "probe": {("k3",)}})
    tree = model.explain("hit", ("k3", "v3")).to_dict()
    assert tree["rule"]["id"] == "r0"
    assert [c["text"] for c in tree["conditions"]] == ["probe(k3)", "big(k3, v3)"]


def _young_objects_program():
    return program("pair(X, Y) :- a(X), b(Y).")


def test_after_a_large_evaluation_the_collector_is_on_and_nothing_is_left_frozen():
    compiled = _young_objects_program()
    facts = {"a": {(f"a{i}",) for i in range(400)}, "b": {(f"b{i}",) for i in range(400)}}
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # no evaluation before this one left anything frozen
    model = compiled.evaluate(facts)
    assert len(model.tuples("pair")) == 160_000
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_objects_a_caller_froze_stay_frozen_through_a_large_evaluation():
    compiled = _young_objects_program()
    facts = {"a": {(f"a{i}",) for i in range(400)}, "b": {(f"b{i}",) for i in range(400)}}
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        compiled.evaluate(facts)
        assert gc.get_freeze_count() == frozen
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_the_collector_is_on_again_after_an_evaluation_that_runs_out_of_time():
    compiled = program(
        "reach(X, Y) :- edge(X, Y).",
        "reach(X, Z) :- reach(X, Y), edge(Y, Z).",
    )
    edges = {(i, j) for i in range(300) for j in range(300)}
    with pytest.raises(EvaluationTimeout):
        compiled.evaluate({"edge": edges}, time_limit=0.05)
    assert gc.isenabled()


def test_a_caller_that_turned_the_collector_off_finds_it_still_off():
    compiled = _young_objects_program()
    gc.disable()
    try:
        compiled.evaluate({"a": {("x",)}, "b": {("y",)}})
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_conclusion_over_a_large_relation_is_explained_by_the_facts_it_rests_on():
    # the recusal shape: a member, the case's party, and a relation of the whole family between
    # them; the explanation's bindings are those of the one row that derives the conclusion
    compiled = program("barred(M) :- member(M), party(X), related(X, M).")
    related = {(f"p{i}", f"p{i + 1}") for i in range(STAR)}
    model = compiled.evaluate(
        {"member": {("p7",), ("p9",)}, "party": {("p6",), ("p40",)}, "related": related}
    )
    assert model.tuples("barred") == {("p7",)}
    tree = model.explain("barred", ("p7",)).to_dict()
    assert tree["bindings"] == {"M": "p7", "X": "p6"}
    assert [c["text"] for c in tree["conditions"]] == ["member(p7)", "party(p6)", "related(p6, p7)"]


def test_the_models_of_a_batch_are_freed_when_dropped_without_waiting_for_the_collector():
    # (the native evaluator only: pyDatalog's own fact stores keep references, as its traps say)
    compiled = program(
        "reach(X, Y) :- link(X, Y).",
        "reach(X, Y) :- link(X, Z), reach(Z, Y).",
        "isolated(X) :- node(X), not reach(X, _).",
    )
    cases = [
        {
            "node": [(f"c{i}n{j}",) for j in range(6)],
            "link": [(f"c{i}n{j}", f"c{i}n{j + 1}") for j in range(5)],
        }
        for i in range(200)
    ]
    for _ in range(3):  # compiled pipelines and small caches stay: not counted
        list(compiled.evaluate_batch(cases, batch_size=200))
    gc.disable()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        models = list(compiled.evaluate_batch(cases, batch_size=200))
        models[0].tuples("reach")  # one relation split off, the others still joint
        held = tracemalloc.get_traced_memory()[0] - before
        del models
        left = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.enable()
    # with a reference cycle between a batch's models, most of it stayed until collected
    assert held > 100_000
    assert left < held / 4
