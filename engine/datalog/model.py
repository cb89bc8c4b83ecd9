"""The outcome of one evaluation: tuples per predicate, and explanations on demand."""

from __future__ import annotations

from .explain import Derivation, Explainer, WhyNot
from .values import check_value, to_external, to_internal, tuple_key

# argument types whose values are text inside the engine as at the API
_TEXT_TYPES = frozenset({None, "symbol", "string"})


class Model:
    """Everything that holds for one case. Explanations are computed lazily and memoised."""

    def __init__(self, program, result):
        self.program = program
        self._result = result.attach(program.plan)
        self._explainer: Explainer | None = None
        self._external: dict[str, frozenset[tuple]] = {}

    def __getstate__(self) -> dict:
        return {"program": self.program, "result": self._result}

    def __setstate__(self, state: dict) -> None:
        # the result travels without its plan; the program (rebuilt from its sources) brings it
        self.__init__(state["program"], state["result"])

    def _relation(self, predicate: str) -> set[tuple]:
        found = self._result.relations.get(predicate)
        if found is not None:  # a predicate of the program, evaluated (asked for every answer)
            return found
        sig = self.program.predicates.get(predicate)
        if sig is None:
            raise KeyError(f"unknown predicate {predicate!r}")
        if predicate not in self._result.relations:
            raise KeyError(
                f"{predicate} was not evaluated: it is not needed for the outputs asked for"
            )
        return self._result.relations[predicate]

    def _types(self, predicate: str) -> tuple:
        sig = self.program.predicates[predicate]
        return sig.arg_types if len(sig.arg_types) == sig.arity else (None,) * sig.arity

    def _internal_args(self, predicate: str, args) -> tuple:
        sig = self.program.predicates.get(predicate)
        if sig is None:
            raise KeyError(f"unknown predicate {predicate!r}")
        args = tuple(args)
        if len(args) != sig.arity:
            raise ValueError(
                f"{predicate} takes {sig.arity} argument(s), got {len(args)}: {args!r}"
            )
        types = self._types(predicate)
        if all(type(v) is str for v in args) and _TEXT_TYPES.issuperset(types):
            return args  # text for text arguments: nothing to check or convert (most questions)
        for value, t in zip(args, types, strict=True):
            why = check_value(value, t)
            if why:
                raise ValueError(f"{predicate}{args!r}: {why}")
        return tuple(to_internal(v, t) for v, t in zip(args, types, strict=True))

    def tuples(self, predicate: str) -> frozenset[tuple]:
        """Every tuple of ``predicate`` (input or derived), in API values (dates as ISO text)."""
        found = self._external.get(predicate)
        if found is None:
            types = self._types(predicate) if predicate in self.program.predicates else ()
            relation = self._relation(predicate)
            if "date" not in types:  # no argument to convert: the tuples as they are
                found = frozenset(relation)
            else:
                found = frozenset(
                    tuple(to_external(v, t) for v, t in zip(row, types, strict=True))
                    for row in relation
                )
            self._external[predicate] = found
        return found

    def holds(self, predicate: str, args: tuple) -> bool:
        return self._internal_args(predicate, args) in self._relation(predicate)

    def _explainer_(self) -> Explainer:
        if self._explainer is None:
            self._explainer = Explainer(self.program, self._result)
        return self._explainer

    def explain(self, predicate: str, args: tuple) -> Derivation:
        """The derivation tree of a tuple that holds; ``KeyError`` if it does not hold."""
        values = self._internal_args(predicate, args)
        if values not in self._relation(predicate):
            raise KeyError(f"{predicate}{tuple(args)!r} does not hold; use why_not()")
        return self._explainer_().explain(predicate, values)

    def why_not(self, predicate: str, args: tuple) -> list[WhyNot]:
        """For each rule whose head could produce the tuple, the first body condition that fails.

        Empty for input predicates and when no rule's head matches; ``ValueError`` if the tuple
        holds.
        """
        values = self._internal_args(predicate, args)
        if values in self._relation(predicate):
            raise ValueError(f"{predicate}{tuple(args)!r} holds; use explain()")
        return self._explainer_().why_not(predicate, values)

    def fired(self, rule_id: str) -> list[dict]:
        """The bindings of every instance of a rule whose body holds in this model.

        ``rule_id`` is a rule's id, or the id of a multi-clause source (``art11_x`` for
        ``art11_x#1``, ``art11_x#2``…: their instances in clause order). Each instance is
        ``{variable: value}`` over the named variables (``_`` is left out; instances equal on the
        named variables appear once), in sorted order. ``KeyError`` for an unknown id or for a rule
        not evaluated (``outputs``).
        """
        rules = [r for r in self.program.rules if r.id == rule_id]
        if not rules:
            rules = [
                r for r in self.program.rules if r.id.rsplit("#", 1)[0] == rule_id and "#" in r.id
            ]
        if not rules:
            raise KeyError(f"no rule {rule_id!r}")
        out: list[dict] = []
        position = {id(r): i for i, r in enumerate(self.program.rules)}
        for rule in rules:
            index = position[id(rule)]
            if rule.head.predicate not in self._result.evaluated:
                raise KeyError(
                    f"rule {rule.id} was not evaluated: not needed for the outputs asked for"
                )
            rp = self.program.plan.rules[index]
            types = self.program.var_types.get(rule.id, {})
            named = [i for i, name in enumerate(rp.columns) if not name.startswith("_#")]
            seen = sorted(
                {tuple(row[i] for i in named) for row in self._result.body_rows(index)},
                key=tuple_key,
            )
            out.extend(
                {
                    rp.columns[i]: to_external(v, types.get(rp.columns[i]))
                    for i, v in zip(named, row, strict=True)
                }
                for row in seen
            )
        return out

    def fired_ids(self) -> set[str]:
        """The ids of the rules with at least one instance whose body holds, each clause of a
        multi-clause source also under the source's id (``art11_x`` for ``art11_x#2``): what
        ``fired`` would find non-empty, without building every instance's bindings."""
        out: set[str] = set()
        for index, rule in enumerate(self.program.rules):
            source = rule.id.rsplit("#", 1)[0] if "#" in rule.id else rule.id
            if rule.id in out and source in out:
                continue
            if rule.head.predicate not in self._result.evaluated:
                raise KeyError(
                    f"rule {rule.id} was not evaluated: not needed for the outputs asked for"
                )
            if self._result.body_holds(index):
                out |= {rule.id, source}
        return out

    def to_dict(self) -> dict:
        """``{predicate: sorted list of tuples}`` for every input and every evaluated predicate."""
        return {
            name: sorted(self.tuples(name), key=tuple_key)
            for name in sorted(self._result.relations)
        }

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}: {len(r)}" for n, r in sorted(self._result.relations.items()))
        return f"<Model of {self.program.name} {{{sizes}}}>"
