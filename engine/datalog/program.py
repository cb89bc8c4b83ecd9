"""Compile once, evaluate many cases: the program object callers hold."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from engine.datalog.declarations import ARG_TYPES, KINDS

from ..problems import Problem, ProblemsError
from . import batch, fixpoint
from .checks import analyse
from .collector import collector_paused
from .declarations import PredicateSig, RuleSource
from .errors import InvalidFacts
from .explain import ExplainSteps, explain_steps
from .facts import internal_facts
from .model import Model
from .plan import build_plan
from .syntax import Negated, Positive, Rule


# The evaluators: "native" (semi-naive hash joins in Python, the default) and "pydatalog" (the
# same fixpoint with every join run as a pyDatalog query). Both give the same model; the tests
# hold them to it (and to clingo). See engine/datalog/README.md, "Two evaluators".
def _pydatalog_evaluate(*args, **kwargs):
    # lazy: pyDatalog (and its start-up) is not needed by the default evaluator
    from . import pydatalog_backend

    return pydatalog_backend.evaluate(*args, **kwargs)


BACKENDS = {"native": fixpoint.evaluate, "pydatalog": _pydatalog_evaluate}
DEFAULT_BACKEND = "native"
BATCH_SIZE = 100  # cases per joint evaluation in evaluate_batch (docs/engine/performance.md)
# worker processes allowed per core: more only take turns on the cores, each holding a copy of
# the program, and a mistyped count (100000) would start processes until the machine gives out
WORKERS_PER_CORE = 4


def workers_problem(workers: int) -> str | None:
    """What is wrong with a number of worker processes (for a batch or the service), or None."""
    most = max(8, WORKERS_PER_CORE * (os.cpu_count() or 1))
    if 1 <= workers <= most:
        return None
    return f"{workers} worker processes; expected 1 to {most} on this machine ({WORKERS_PER_CORE} per core)"


# codes whose findings may be mere echoes of a clause that failed to parse
_CASCADING = {"undefined-derived", "unused-input"}


def compile_program(
    sources: list[RuleSource],
    vocabulary: dict[str, PredicateSig] | None = None,
    *,
    name: str | None = None,
    parsed: tuple[list[Rule], list[Problem]] | None = None,
) -> Program:
    """Parse, check and plan ``sources``; raise ``ProblemsError`` carrying every error found.

    ``parsed``: the rules and parse problems of exactly these sources, from an earlier parse
    (a cache, ``rule_json``); the parser is then neither run nor imported.
    """
    sources = list(sources)
    if parsed is None:
        from .parser import parse_rules  # lazy: the parser and lark cost start-up time

        rules, problems = parse_rules(sources)
    else:
        rules, problems = list(parsed[0]), list(parsed[1])
    problems += _vocabulary_problems(vocabulary)
    analysis = analyse(rules, vocabulary)
    found = analysis.problems
    if problems:
        found = [p for p in found if p.code not in _CASCADING]
    problems += found
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ProblemsError(errors)
    warnings = sorted(p for p in problems if p.severity != "error")
    return Program(sources, vocabulary, rules, analysis, warnings, name or _default_name(sources))


def _default_name(sources: list[RuleSource]) -> str:
    files = list(dict.fromkeys(s.file for s in sources))
    if not files:
        return "<empty program>"
    return files[0] + (f" (+{len(files) - 1} files)" if len(files) > 1 else "")


def _vocabulary_problems(vocabulary: dict[str, PredicateSig] | None) -> list[Problem]:
    if vocabulary is None:
        return []

    problems = []
    for key in sorted(vocabulary):
        sig = vocabulary[key]
        where = f"predicate {key}"

        def bad(message, expected, _where=where):
            problems.append(
                Problem("<vocabulary>", None, None, _where, message, expected, code="vocabulary")
            )

        if sig.name != key:
            bad(f"declared under the key {key!r} but named {sig.name!r}", "the same name")
        if sig.kind not in KINDS:
            bad(f"kind {sig.kind!r}", " or ".join(KINDS))
        if sig.arg_types and len(sig.arg_types) != sig.arity:
            bad(f"{len(sig.arg_types)} argument types for arity {sig.arity}", f"{sig.arity} types")
        for t in sig.arg_types:
            if t not in ARG_TYPES:
                bad(f"unknown argument type {t!r}", ", ".join(ARG_TYPES))
        if sig.acyclic and (sig.arity != 2 or sig.kind != "input"):
            bad(
                "`acyclic` is set on a predicate that is not a binary input relation",
                "acyclic only on input predicates of arity 2",
            )
    return problems


class Program:
    """A checked program, ready to evaluate cases. Cheap to evaluate many times in one thread.

    Picklable (it pickles as its sources and vocabulary, recompiled on load) so that it can be sent
    to
    worker processes.
    """

    def __init__(self, sources, vocabulary, rules: list[Rule], analysis, warnings, name: str):
        self.name = name
        self.sources = sources
        self.vocabulary = vocabulary
        self.rules: list[Rule] = rules
        self.warnings: list[Problem] = warnings
        self.predicates: dict[str, PredicateSig] = analysis.signatures
        self.var_types: dict[str, dict[str, str]] = analysis.var_types
        self.plan = build_plan(rules, analysis)
        self._component_of = {p: k for k, comp in enumerate(self.plan.components) for p in comp}
        # predicate → the rules concluding it, in program order (where explanations search)
        self.rules_by_head: dict[str, list[int]] = {}
        for rp in self.plan.rules:
            self.rules_by_head.setdefault(rp.head[0], []).append(rp.index)
        self._depends: dict[str, set[str]] = {}
        for rule in rules:
            deps = self._depends.setdefault(rule.head.predicate, set())
            for cond in rule.body:
                if isinstance(cond, Positive | Negated):
                    deps.add(cond.atom.predicate)

    def __reduce__(self):
        return (_rebuild, (self.sources, self.vocabulary, self.name))

    def __repr__(self) -> str:
        return f"<Program {self.name}: {len(self.rules)} rules>"

    @property
    def fingerprint(self) -> str:
        return self.plan.fingerprint

    @functools.cached_property
    def explain_steps(self) -> ExplainSteps:
        """The rules as explanations walk them, worked out on the first explanation."""
        return explain_steps(self)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def _needed(self, outputs: Iterable[str] | None) -> set[int]:
        if outputs is None:
            return set(range(len(self.plan.components)))
        wanted = [outputs] if isinstance(outputs, str) else list(outputs)
        unknown = [p for p in wanted if p not in self.predicates]
        if unknown:
            raise KeyError(f"unknown output predicate(s): {', '.join(map(str, unknown))}")
        seen: set[str] = set()
        todo = list(wanted)
        while todo:
            p = todo.pop()
            if p in seen:
                continue
            seen.add(p)
            todo.extend(self._depends.get(p, ()))
        return {self._component_of[p] for p in seen if p in self._component_of}

    def evaluate(
        self,
        facts: Mapping[str, Iterable[tuple]],
        *,
        outputs: Iterable[str] | None = None,
        time_limit: float = 10.0,
        backend: str | None = None,
    ) -> Model:
        """Evaluate one case in isolation: nothing of it remains visible to any later evaluation.

        ``outputs`` limits evaluation to those predicates and what they depend on. Raises
        ``InvalidFacts``, ``EvaluationTimeout`` (after ``time_limit`` seconds) or
        ``EvaluationError``. ``backend``: ``"native"`` or ``"pydatalog"`` (same model, slower).
        """
        evaluate = _backend(backend)
        needed = self._needed(outputs)
        with collector_paused():
            internal = internal_facts(facts, self.predicates)
            result = evaluate(self.plan, internal, needed, program=self.name, time_limit=time_limit)
        return Model(self, result)

    def evaluate_batch(
        self,
        cases: Iterable[Mapping[str, Iterable[tuple]]],
        *,
        outputs: Iterable[str] | None = None,
        workers: int = 1,
        time_limit: float = 10.0,
        backend: str | None = None,
        batch_size: int = BATCH_SIZE,
        on_error: str = "raise",
        apply: Callable[[Model], Any] | None = None,
    ) -> Iterator[Any]:
        """Evaluate many cases, yielding models (or ``apply(model)``) in the order of ``cases``.

        Cases are evaluated ``batch_size`` at a time in one joint evaluation (``batch.py``: the
        program with a case argument; each case still sees only its own facts), which divides
        the per-rule cost among them. ``workers > 1`` spreads the batches over that many worker
        processes (``forkserver`` where available, else ``spawn``): evaluation holds the GIL, so
        threads would not run cases in parallel. A case that fails (invalid facts, time limit,
        run-time error) fails alone, never the other cases of its batch: with
        ``on_error="raise"`` its exception is raised when its turn comes (which ends the
        iteration); with ``on_error="yield"`` the exception is yielded in its place and the
        iteration goes on. A worker process that dies (killed, out of memory) raises
        ``WorkerLost`` (``engine.datalog.errors``): the iteration ends instead of waiting for it.

        ``apply``: a function of one model whose result is yielded instead of the model, called
        where the case was evaluated. With workers it must be picklable (a module-level
        function); only its result travels back, which is what makes many workers pay off: the
        parent no longer unpickles whole models (docs/engine/performance.md).
        """
        if on_error not in ("raise", "yield"):
            raise ValueError(f"on_error must be 'raise' or 'yield', not {on_error!r}")
        needed = self._needed(outputs)  # unknown outputs fail now, not in a worker
        name = backend or DEFAULT_BACKEND
        _backend(name)
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if workers > 1 and (wrong := workers_problem(workers)):
            raise ValueError(wrong)
        if workers <= 1:
            yield from self._models(
                (
                    _evaluate_chunk(self, chunk, needed, time_limit, name, apply)
                    for chunk in _chunks(cases, batch_size, plain=False)
                ),
                on_error,
                applied=apply is not None,
            )
            return
        # lazy: only worker processes need them (multiprocessing and the pool cost 15-20 ms at
        # every start of a command)
        import multiprocessing
        from concurrent.futures import Future

        from .parallel import in_order, process_pool

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        jobs = (
            (chunk, needed, time_limit, name, apply)
            for chunk in _chunks(cases, batch_size, plain=True)
        )
        with process_pool(
            workers, context, _worker_init, (self.sources, self.vocabulary, self.name)
        ) as pool:
            yield from self._models(
                in_order(
                    lambda job: pool.submit(_worker_evaluate, job), Future.result, jobs, 2 * workers
                ),
                on_error,
                applied=apply is not None,
            )

    def _models(self, batches, on_error: str, *, applied: bool) -> Iterator[Any]:
        """Each batch's outcomes in order: a model (or what ``apply`` made of it), or the case's
        exception raised or yielded."""
        for outcomes in batches:
            for outcome in outcomes:
                if isinstance(outcome, _Applied):
                    yield outcome.value
                elif not isinstance(outcome, Exception):
                    yield Model(self, outcome)
                elif on_error == "raise":
                    raise outcome
                else:
                    yield outcome


_SENT_AS_IS = (list, tuple, set, frozenset, str, bytes)


def _sendable(rows):
    """A relation as it can travel to a worker: an iterator made a list, anything else as it is
    (so that the worker refuses what ``evaluate`` would, with the same words)."""
    if type(rows) in _SENT_AS_IS or not isinstance(rows, Iterable):
        return rows
    return list(rows)


def _chunks(cases, size: int, *, plain: bool) -> Iterator[list]:
    """Lists of ``size`` cases; ``plain``: each relation as a list (or the list, set or tuple it
    already is), for sending to a process. Rows are sent as given, so that a worker finds in them
    what ``evaluate`` would (a text where a tuple belongs is refused, not taken apart)."""
    chunk: list = []
    for case in cases:
        if plain and isinstance(case, Mapping):
            case = {name: _sendable(rows) for name, rows in case.items()}
        chunk.append(case)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Applied:
    """What ``apply`` returned for one case (so that a returned exception is not mistaken for a
    failure)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __reduce__(self):
        return (_Applied, (self.value,))


def _evaluate_chunk(
    program: Program,
    chunk: list,
    needed: set[int],
    time_limit: float,
    backend: str,
    apply: Callable[[Model], Any] | None = None,
):
    """One result (or ``apply``'s value) or exception per case of ``chunk``, in order."""
    with collector_paused():
        return _evaluate_chunk_now(program, chunk, needed, time_limit, backend, apply)


def _evaluate_chunk_now(program, chunk, needed, time_limit, backend, apply):
    outcomes: list = [None] * len(chunk)
    valid: list[int] = []
    converted = []
    known: dict = {}  # relations passed by several cases are converted once
    for i, case in enumerate(chunk):
        try:
            converted.append(internal_facts(case, program.predicates, known))
            valid.append(i)
        except InvalidFacts as error:
            outcomes[i] = error
    results = batch.evaluate_cases(
        BACKENDS[backend],
        program.plan,
        converted,
        needed,
        program=program.name,
        time_limit=time_limit,
    )
    for i, result in zip(valid, results, strict=True):
        if apply is not None and not isinstance(result, Exception):
            result = _Applied(apply(Model(program, result)))
        outcomes[i] = result
    return outcomes


def _backend(name: str | None):
    if name is None:
        name = DEFAULT_BACKEND
    try:
        return BACKENDS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown backend {name!r}; expected one of {', '.join(sorted(BACKENDS))}"
        ) from None


def _rebuild(sources, vocabulary, name) -> Program:
    return compile_program(sources, vocabulary, name=name)


_WORKER_PROGRAM: Program | None = None


def _worker_init(sources, vocabulary, name) -> None:
    global _WORKER_PROGRAM
    _WORKER_PROGRAM = compile_program(sources, vocabulary, name=name)


def _worker_evaluate(job):
    chunk, needed, time_limit, backend, apply = job
    program = _WORKER_PROGRAM
    assert program is not None
    try:
        return _evaluate_chunk(program, chunk, needed, time_limit, backend, apply)
    except Exception as error:  # sent back to the parent and raised there, in case order
        return [error] * len(chunk)
