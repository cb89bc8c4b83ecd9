"""What every answer section needs while it is built: the model, explanations, and what it used.

An answer is built section by section; each section asks the same questions of the model (does this
hold? why? why not?) and records what the answer then depends on: the interpretation parameters its
reasons relied on, and the points a person must decide. That shared, growing record is the state
this context holds; the sections themselves are functions (engine.answer.sections).
"""

from __future__ import annotations

import re
from typing import Any

from engine.answer.names import PLACEHOLDER, Namer, fact_text
from engine.answer.query import Evaluation
from engine.datalog import Derivation
from engine.policy.citation import eid_order
from engine.policy.parameter_scope import parameters_read, required_values

PARAM_PREDICATES = ("param", "param_int", "param_member")
# how a variable the explanation did not bind is read, by its domain
INDEFINITE = {
    "person": {"zh": "某人", "en": "someone"},
    "act": {"zh": "该行为", "en": "the act"},
    "decision": {"zh": "某次集体讨论", "en": "a collective discussion"},
    "eid": {"zh": "某项", "en": "a point"},
    "day": {"zh": "某日", "en": "a day"},
    None: {"zh": "某", "en": "some value"},
}
# inputs that are not facts the record states (the as-of date, the case's own existence)
NOT_STATED = {"today", "act"}


class AnswerContext:
    """The model of one case and the record of what its answer relies on, while it is built."""

    def __init__(self, ev: Evaluation, explain: bool = False):
        self.ev = ev
        self.explain = explain  # keep the derivation trees and every step of the reasons
        self.m = ev.model
        self.namer = Namer.for_policy(ev.case, ev.policy)
        # the policy's, worked out once for all the cases it answers
        self.open_point_definitions = ev.policy.open_points_by_predicate
        self.program = ev.policy.program_for(ev.edition["id"])
        self.descriptions = ev.policy.predicate_descriptions
        self.not_stated = ev.policy.computed_fact_names | NOT_STATED
        self.rules = ev.policy.rule_index
        self.used_params: set[str] = set(ev.used_parameters)
        self.scope_params: set[str] = (
            set()
        )  # readings the answer may depend on without a derivation showing them
        self.open_points: list[dict[str, Any]] = []
        self._sorted: dict[str, list[tuple]] = {}
        self._summaries: dict[int, tuple[Any, tuple]] = {}
        self._fact_cache: dict[tuple, dict[str, Any]] = {}
        self._indexes: dict[tuple[str, tuple[int, ...]], dict[tuple, list[tuple]]] = {}
        # readings a derivation shown in the answer went through: parameter id → value
        self.relied_readings: dict[str, Any] = {}

    # --- explanations ---------------------------------------------------------------------------
    def why(self, predicate: str, args: tuple) -> dict[str, Any]:
        """Why a conclusion holds: the rule that concluded it, what it cites, the facts of the
        record it rests on and the readings it relied on (with ``explain``: every step and the
        derivation tree)."""
        derivation = self.m.explain(predicate, args)
        rule_id = derivation.rule.id.split("#")[0]
        # the facts, clauses and readings are gathered once per shared sub-derivation (most of a
        # large case's cost); only the first step is put into words unless ``explain`` asks
        facts, cites, params = self._summary(derivation)
        # the facts the concluding rule states itself first (what sets this finding apart, such
        # as the circumstance of a referral), then those its other conditions rest on
        own = {
            (c.derivation.predicate, tuple(c.derivation.args))
            for c in derivation.conditions
            if c.derivation is not None and c.derivation.rule is None
        }
        facts = tuple(f for f in facts if f in own) + tuple(f for f in facts if f not in own)
        for pid, value in params:
            self.used_params.add(pid)
            self.relied_readings.setdefault(pid, self.ev.parameters.get(pid, value))
        out: dict[str, Any] = {
            "rule": rule_id,
            "cites": sorted(cites, key=eid_order),
            "reading": {
                lang: self._reading(self.rules[rule_id], derivation.bindings, lang)
                for lang in ("zh", "en")
            },
            "facts": [self._fact_words(predicate, args) for predicate, args in facts],
            "readings": sorted({pid for pid, _ in params}),
        }
        if self.explain:
            tree = derivation.to_dict()
            out["reasons"] = self.reasons(derivation)
            out["derivation"] = tree
        return out

    def _summary(self, derivation) -> tuple[tuple, frozenset, tuple]:
        """(facts of the record in order, clauses cited, readings (id, value) in order) of a
        derivation, each once in the order of a depth-first walk (``why`` then puts the
        concluding rule's own facts first), remembered per derivation: the
        explainer shares sub-derivations between the trees that use them."""
        hit = self._summaries.get(id(derivation))
        if hit is not None and hit[0] is derivation:
            return hit[1]
        if derivation.rule is None:
            key = (derivation.predicate, tuple(derivation.args))
            if derivation.predicate in PARAM_PREDICATES:
                summary = ((), frozenset(), ((derivation.args[0], derivation.args[1]),))
            elif derivation.predicate in self.not_stated:
                summary = ((), frozenset(), ())
            else:
                summary = ((key,), frozenset(), ())
        else:
            facts: dict[tuple, None] = {}
            cites = set(derivation.rule.cites)
            params: dict[tuple, None] = {}
            not_stated = self.not_stated
            for condition in derivation.conditions:
                sub = condition.derivation
                if sub is None:
                    continue
                if sub.rule is None:  # a fact: as above, without remembering it on its own
                    if sub.predicate in PARAM_PREDICATES:
                        params[(sub.args[0], sub.args[1])] = None
                    elif sub.predicate not in not_stated:
                        facts[(sub.predicate, tuple(sub.args))] = None
                    continue
                f, c, p = self._summary(sub)
                facts.update(dict.fromkeys(f))
                cites |= c
                params.update(dict.fromkeys(p))
            summary = (tuple(facts), frozenset(cites), tuple(params))
        self._summaries[id(derivation)] = (derivation, summary)
        return summary

    def _fact_words(self, predicate: str, args: tuple) -> dict[str, Any]:
        """``fact`` remembered per fact: the same facts support many conclusions of a case."""
        found = self._fact_cache.get((predicate, args))
        if found is None:
            found = self._fact_cache[(predicate, args)] = self.fact(predicate, args)
        return {**found, "args": list(args)}

    def fact(self, predicate: str, args: tuple) -> dict[str, Any]:
        """One fact of the record in words, by the vocabulary's reading of its predicate."""
        words = {
            lang: fact_text(self.ev.policy, self.namer, predicate, args, lang)
            for lang in ("zh", "en")
        }
        return {"fact": predicate, "args": list(args), **words}

    def why_not(self, predicate: str, args: tuple, depth: int = 0) -> dict[str, Any]:
        found = self.m.why_not(predicate, args)
        reasons = []
        for w in found:
            rule = self.rules.get(w.rule.id.split("#")[0])
            compiled = self.program.rule(w.rule.id)
            self.scope_params |= parameters_read(compiled)
            if not self._in_force(compiled):
                continue  # a rule for another reading says nothing about this answer
            if w.blocked_by is not None:
                blocked = self.reasons(w.blocked_by)
                reasons.extend({**r, "depth": r["depth"] + 1} for r in blocked)
            failed = w.failed
            what = {lang: self._condition(failed, lang) for lang in ("zh", "en")}
            negated = failed["kind"] == "negation"
            reasons.append(
                {
                    "rule": w.rule.id,
                    "cites": list(w.rule.cites),
                    "zh": f"不适用“{self._reading(rule, w.bindings, 'zh')}”：因为"
                    + ("" if negated else self._not_established(failed, "zh"))
                    + what["zh"],
                    "en": f"“{self._reading(rule, w.bindings, 'en')}” does not apply because "
                    + ("" if negated else self._not_established(failed, "en"))
                    + what["en"],
                    "depth": depth,
                }
            )
            nested = self._failed_atom(failed)
            if nested and depth < 3:
                reasons.extend(self.why_not(*nested, depth=depth + 1)["reasons"])
        cites = sorted({c for w in found for c in w.rule.cites}, key=eid_order)
        out: dict[str, Any] = {"cites": cites, "reasons": _dedupe(reasons)}
        if self.explain:  # the whole trees, each rule's text and readings filled in
            out["why_not_trees"] = [w.to_dict() for w in found]
        else:  # the rules that did not apply and the condition each lacked; deeper steps on request
            out["reasons"] = [r for r in out["reasons"] if r["depth"] <= depth + 1]
        return out

    def _not_established(self, failed: dict, lang: str) -> str:
        """An input fact the case lacks is 'not recorded'; a conclusion that fails is 'not established'."""
        m = _ATOM_TEXT.match(failed["text"])
        program = self.program
        is_input = (
            bool(m)
            and m.group(1) in program.predicates
            and program.predicates[m.group(1)].kind == "input"
        )
        if lang == "zh":
            return "案件未记录" if is_input else "不能认定"
        return "the case does not record that " if is_input else "it is not established that "

    def _in_force(self, rule) -> bool:
        """Whether every enum/boolean reading the rule requires is the one this query uses."""
        for pid, value in required_values(rule).items():
            current = self.ev.parameters.get(pid)
            if isinstance(current, bool):
                current = "true" if current else "false"
            if current is not None and str(current) != value:
                return False
        return True

    def _failed_atom(self, failed: dict) -> tuple[str, tuple] | None:
        """The ground derived atom a positive condition failed on, to say in turn why it fails."""
        if failed["kind"] != "atom":
            return None
        m = _ATOM_TEXT.match(failed["text"])
        if not m or m.group(1) not in self.ev.model_predicates:
            return None
        sig = self.program.predicates[m.group(1)]
        if sig.kind != "derived":
            return None  # an input fact the case does not record: the reason already says so
        args = tuple(_constant(a) for a in _split_args(m.group(2)))
        if any(isinstance(a, str) and a[:1].isupper() for a in args) or len(args) != sig.arity:
            return None  # not ground: the condition failed before all its variables were bound
        return m.group(1), args

    def _condition(self, failed: dict, lang: str) -> str:
        """A failed condition in words: the predicate's description with its arguments named."""
        m = _ATOM_TEXT.match(failed["text"])
        description = self.descriptions.get(m.group(1)) if m else None
        if not description:
            return failed["text"]
        domains = self.ev.policy.argument_domains.get(m.group(1), ())
        args = ("、" if lang == "zh" else ", ").join(
            self._indefinite(domains[i] if i < len(domains) else None, lang)
            if _is_variable(a)
            else self.namer.value(_constant(a), lang)
            for i, a in enumerate(_split_args(m.group(2)))
        )
        sep = "：" if lang == "zh" else ": "
        text = (
            description[lang]
            if lang == "zh"
            else description[lang][:1].lower() + description[lang][1:]
        )
        return f"{text}{sep}{args}" if args else text

    def _reading(self, rule: dict | None, bindings: dict, lang: str) -> str:
        """A rule's reading with its variables named; a variable the explanation left unbound (a
        rule that did not apply) reads as an indefinite word of its kind (某人 / someone)."""
        if rule is None:
            return ""
        text = self.namer.fill(rule["reads"][lang], bindings, lang)
        if "{" not in text:
            return text
        domains = self._variable_domains(rule["id"])

        return PLACEHOLDER.sub(lambda m: self._indefinite(domains.get(m.group(1)), lang), text)

    def _indefinite(self, domain: str | None, lang: str) -> str:
        """How an unbound value of a domain is read: 某人 / someone; for a domain of a few named
        values, the values themselves (承办人、审核人或批准人), since 某 alone says nothing."""
        if domain in INDEFINITE:
            return INDEFINITE[domain][lang]
        labels = self.ev.policy.domain_labels(domain) if domain else {}
        words = [v[lang] for v in labels.values()]
        if 1 < len(words) <= 4:
            if lang == "zh":
                return "、".join(words[:-1]) + "或" + words[-1]
            return ", ".join(words[:-1]) + " or " + words[-1]
        return INDEFINITE[None][lang]

    def _variable_domains(self, rule_id: str) -> dict[str, str]:
        """Variable → the domain of the first argument position it appears in (head or body)."""
        return self.ev.policy.rule_variable_domains.get(rule_id, {})

    def reasons(self, derivation: Derivation) -> list[dict[str, Any]]:
        """The derivation as a list of readable steps, deepest facts last, each step once."""
        steps: list[dict[str, Any]] = []
        seen: set = set()
        # depth first, each node before its conditions, in their order (an explicit stack: a
        # recursive closure would refer to itself, a cycle only the cyclic collector frees)
        pending: list[tuple[Derivation, int]] = [(derivation, 0)]
        while pending:
            node, depth = pending.pop()
            if node.rule is None:  # a fact of the case, or a reading
                if node.predicate in PARAM_PREDICATES:
                    pid, value = node.args[0], node.args[1]
                    self.used_params.add(pid)
                    self.relied_readings.setdefault(pid, self.ev.parameters.get(pid, value))
                    key = ("param", pid, value)
                    if key not in seen:
                        seen.add(key)
                        steps.append(
                            {
                                **_param_step(self.ev.policy.parameter_index[pid], value),
                                "depth": depth,
                            }
                        )
                continue
            rule_id = node.rule.id.split("#")[0]
            conditions = node.conditions
            key = (rule_id, tuple(sorted((k, str(v)) for k, v in node.bindings.items())))
            if key not in seen and (depth == 0 or conditions):
                seen.add(key)
                rule = self.rules[rule_id]
                steps.append(
                    {
                        "rule": rule_id,
                        "cites": list(rule["cites"]),
                        "zh": self._reading(rule, node.bindings, "zh"),
                        "en": self._reading(rule, node.bindings, "en"),
                        "depth": depth,
                    }
                )
            pending.extend(
                (cond.derivation, depth + 1)
                for cond in reversed(conditions)
                if cond.derivation is not None
            )
        return steps

    def holds(self, predicate: str, args: tuple) -> bool:
        return predicate in self.ev.model_predicates and self.m.holds(predicate, args)

    def tuples(self, predicate: str) -> list[tuple]:
        """Sorted tuples; a policy whose vocabulary lacks the predicate simply has none of them.
        Sorted once per answer: the model does not change while the answer is built."""
        rows = self._sorted.get(predicate)
        if rows is None:
            found = self.m.tuples(predicate) if predicate in self.ev.model_predicates else ()
            if all(type(v) is str for t in found for v in t):  # most: text only, its own order
                rows = sorted(found)
            else:
                rows = sorted(found, key=lambda t: tuple(map(str, t)))
            self._sorted[predicate] = rows
        return rows

    def matching(self, predicate: str, *prefix: Any) -> list[tuple]:
        """The sorted tuples whose first arguments are ``prefix``. Sections ask this once per act,
        person or member; an index per predicate and prefix length, built on first use, keeps a
        case of many acts linear instead of scanning the whole relation for each."""
        return self.where(predicate, dict(enumerate(prefix)))

    def where(self, predicate: str, bound: dict[int, Any]) -> list[tuple]:
        """The sorted tuples with the given values at the given argument positions."""
        positions = tuple(sorted(bound))
        index = self._indexes.get((predicate, positions))
        if index is None:
            index = self._indexes[(predicate, positions)] = {}
            for row in self.tuples(predicate):
                index.setdefault(tuple(row[i] for i in positions), []).append(row)
        return index.get(tuple(bound[i] for i in positions), [])

    def open_point(self, kind: str, eids: list[str], zh: str, en: str, **about: Any) -> None:
        self.open_points.append({"kind": kind, "cites": eids, "zh": zh, "en": en, "about": about})

    def raise_open_points(self, predicate: str, *prefix: Any) -> None:
        """The open points the policy defines on ``predicate``, one per tuple (only those starting
        with ``prefix`` when given; tuples equal on the named arguments give one), worded as the
        article file says."""
        definition = self.open_point_definitions.get(predicate)
        if definition is None:
            return
        rows = self.matching(predicate, *prefix) if prefix else self.tuples(predicate)
        if not rows:  # most predicates in most cases
            return
        names = definition["args"]
        domains = self.ev.policy.argument_domains.get(predicate, ())
        named = {n: domains[i] if i < len(domains) else None for i, n in enumerate(names)}
        seen: set[tuple] = set()
        for row in rows:
            bindings = {n: row[i] for i, n in enumerate(names) if n != "_"}
            key = tuple(bindings.values())
            if key in seen:
                continue
            seen.add(key)
            self.open_point(
                definition["kind"],
                [bindings.get(c, c) for c in definition["cites"]],
                *(
                    self.namer.fill_arguments(definition["text"][lang], bindings, named, lang)
                    for lang in ("zh", "en")
                ),
                **{k: bindings[v] for k, v in definition.get("about", {}).items()},
            )

    def raise_text_open_points(self) -> None:
        """Open points of the text itself, raised when the case reaches the fields they concern
        (the article files say which, and under which reading); then the readings to confirm."""
        for definition in self.ev.policy.open_point_definitions:
            when = definition.get("when")
            if when is None or not any(_recorded(self.ev.case, f) for f in when["case_has"]):
                continue
            self.used_params.update(definition.get("relies_on", ()))
            if all(self.ev.parameters.get(k) == v for k, v in when["parameter"].items()):
                self.open_point(
                    definition["kind"],
                    list(definition["cites"]),
                    definition["text"]["zh"],
                    definition["text"]["en"],
                )
        self.raise_confirmation_open_points()

    def raise_confirmation_open_points(self) -> None:
        """A reading whose parameter asks to be confirmed when relied on (parameters.yaml,
        confirm_when_relied_on), and that a derivation in this answer went through, is listed as a
        point for legal officers to confirm."""
        for pid, value in sorted(self.relied_readings.items()):
            confirm = self.ev.policy.parameter_index[pid].get("confirm_when_relied_on")
            if confirm is None or ("values" in confirm and value not in confirm["values"]):
                continue
            self.open_point(
                "confirm_reading",
                list(self.ev.policy.parameter_index[pid]["affects"]),
                confirm["text"]["zh"],
                confirm["text"]["en"],
                parameter=pid,
            )


_ATOM_TEXT = re.compile(r"^([a-z][a-z0-9_]*)\((.*)\)$")


def _split_args(text: str) -> list[str]:
    return [a.strip() for a in text.split(",")] if text.strip() else []


def _is_variable(text: str) -> bool:
    """An argument the failed condition left unbound (the rule language's variables are capitalised)."""
    return bool(re.fullmatch(r"[A-Z_][A-Za-z0-9_]*", text))


def _constant(text: str) -> Any:
    """An argument as the explanation printed it: integers back to int, quotes removed."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text.strip('"')


def option_label(param: dict, value: Any) -> dict[str, str]:
    """The name of a parameter's value: its option's label, yes/no, or the number."""
    for option in param.get("options", []):
        if str(option["value"]) == str(value):
            return dict(option["label"])
    if isinstance(value, bool):
        return {"zh": "是", "en": "yes"} if value else {"zh": "否", "en": "no"}
    if value is None:
        return {"zh": "无", "en": "none"}
    return {"zh": str(value), "en": str(value)}


def _param_step(param: dict, value: Any) -> dict[str, Any]:
    label = option_label(param, value)
    return {
        "parameter": param["id"],
        "value": value,
        "cites": list(param["affects"]),
        "zh": f"按解释“{param['title']['zh']}”：{label['zh']}",
        "en": f"under the reading “{param['title']['en']}”: {label['en']}",
    }


def _dedupe(steps: list[dict]) -> list[dict]:
    seen, out = set(), []
    for s in steps:
        key = (s.get("rule"), s["zh"])
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _recorded(case: dict, dotted: str) -> bool:
    """Whether the case records a (non-empty) value at a dotted path such as ``procedure.decisions``."""
    value: Any = case
    for key in dotted.split("."):
        if not isinstance(value, dict):
            return False
        value = value.get(key)
    return bool(value)
