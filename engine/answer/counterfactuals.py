"""What would change a verdict: the readings that decide it, and the smallest changes of the record
that flip it — each one found by evaluating the changed case, never assumed.

A legal officer asks two questions of an answer: which of the contested readings does this verdict
depend on, and what, in the record, would have made it go the other way ("what would have cleared
the reviewer?"). Both are answered the same way: build variants of the case's input facts (another
value of one interpretation parameter; one fact of the record removed, added, or given another value;
at most two such changes at once), evaluate each with the rules, and compare the verdicts.

The verdicts compared are the law's outcomes: whether an act is a fault, each person's responsibility
(and its degrees), each proposed member's recusal, aggravation, the mitigation available, the status
of each time limit.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine.answer.names import Namer, fact_text
from engine.answer.query import Evaluation, query_facts
from engine.case.facts import case_facts, parameter_facts
from engine.datalog import Model
from engine.problems import ProblemsError

# the conclusions a verdict is read from
VERDICT_PREDICATES = (
    "fault",
    "responsible",
    "disqualified",
    "recusal_needs_finding",
    "aggravated",
    "mitigation_available",
    "period_status",
)
PARAMETER_FACTS = ("param", "param_int", "param_member")
# input facts that are not the record's: readings, the as-of date, computed due dates
NOT_RECORDED = {"param", "param_int", "param_member", "today", "due"}
MAX_SINGLE = 120  # single changes tried per case
MAX_PAIRS = 80  # pairs of changes tried per case, for verdicts no single change flips
MAX_REPORTED = 4  # changes reported per verdict, the smallest first
_ATOM = re.compile(r"^([a-z][a-z0-9_]*)\((.*)\)$")

Facts = dict[str, set[tuple]]
Verdicts = dict[tuple, Any]


@dataclass(frozen=True)
class Change:
    """One change of the record: a fact removed, added, or replaced by another."""

    kind: str  # "remove" | "add" | "replace"
    old: tuple | None  # (predicate, args)
    new: tuple | None

    def apply(self, facts: Facts) -> None:
        if self.old is not None:
            facts[self.old[0]].discard(self.old[1])
        if self.new is not None:
            facts[self.new[0]].add(self.new[1])


# --- verdicts ---------------------------------------------------------------------------------------


def verdicts_of(
    model: Model, case: dict[str, Any], chain: set[tuple], periods: set[tuple]
) -> Verdicts:
    """The law's outcomes in one model, keyed so that two models of one case compare."""
    known = set(model.program.predicates)

    def rows(predicate: str) -> frozenset[tuple]:
        return model.tuples(predicate) if predicate in known else frozenset()

    out: Verdicts = {}
    for act in case.get("acts", []):
        out[("fault", act["id"])] = (act["id"],) in rows("fault")
    degrees: dict[tuple, set[str]] = defaultdict(set)
    for a, p, d in rows("responsible"):
        degrees[(a, p)].add(d)
    for a, p in chain | set(degrees):
        out[("responsible", a, p)] = tuple(sorted(degrees.get((a, p), ())))
    disqualified = {m for m, *_ in rows("disqualified")}
    pending = {m for m, *_ in rows("recusal_needs_finding")}
    for member in case.get("investigation", {}).get("proposed_members", []):
        out[("recusal", member)] = (
            "disqualified"
            if member in disqualified
            else "needs_finding"
            if member in pending
            else "admitted"
        )
    grouped: dict[tuple, set[str]] = defaultdict(set)
    for a, p, e in rows("aggravated"):
        grouped[("aggravated", a, p)].add(e)
    for a, p, f in rows("mitigation_available"):
        grouped[("mitigation", a, p)].add(f)
    for key, values in grouped.items():
        out[key] = tuple(sorted(values))
    status = {(t, s): st for t, s, st in rows("period_status")}
    for t, s in periods | set(status):
        out[("period", t, s)] = status.get((t, s), "unknown")
    return out


def _default(key: tuple) -> Any:
    """A verdict's value when a model has none for its key (nothing aggravated, no form …)."""
    return {"fault": False, "responsible": (), "aggravated": (), "mitigation": ()}.get(key[0])


def _changed(base: Verdicts, other: Verdicts) -> dict[tuple, tuple[Any, Any]]:
    keys = set(base) | set(other)
    return {
        k: (base.get(k, _default(k)), other.get(k, _default(k)))
        for k in keys
        if base.get(k, _default(k)) != other.get(k, _default(k))
    }


# --- the readings that decide ----------------------------------------------------------------------


def alternatives(definition: dict[str, Any], value: Any) -> list[Any]:
    """The other values of a parameter worth trying: every other option, the other truth value,
    the neighbouring integers, each list with one member more or fewer."""
    kind = definition["type"]
    if kind == "enum":
        return [o["value"] for o in definition["options"] if o["value"] != value]
    if kind == "boolean":
        return [not value]
    if kind == "integer":
        low = definition.get("minimum")
        out = [v for v in (value - 1, value + 1) if value is not None and (low is None or v >= low)]
        return out + ([None] if definition.get("nullable") and value is not None else [])
    if kind == "list":
        allowed = definition.get("items", {}).get("enum", [])
        fewer = [[x for x in value if x != member] for member in value]
        more = [[*value, extra] for extra in allowed if extra not in value]
        return fewer + more
    return []


def deciding_readings(ev: Evaluation, relied_on: list[str]) -> dict[tuple, list[dict[str, Any]]]:
    """Verdict key → the readings that decide it: for each parameter the answer relied on, the
    alternative values under which that verdict comes out otherwise (re-evaluated, not assumed)."""
    chain, periods = _keys(ev)
    base = verdicts_of(ev.model, ev.case, chain, periods)
    program = ev.policy.program_for(ev.edition["id"])
    variants: list[tuple[str, Any]] = []
    fact_sets: list[Facts] = []
    base_facts = {p: set(r) for p, r in ev.facts.items() if p in program.predicates}
    outside = ev.policy.parameters_outside_rules
    read = _members_read(ev.policy)
    for pid in relied_on:
        definition = ev.policy.parameter_index[pid]
        for value in alternatives(definition, ev.parameters[pid]):
            if not _may_matter(pid, ev.parameters[pid], value, read, outside):
                continue
            values = {**ev.parameters, pid: value}
            if pid in outside:  # periods, windows …: the facts computed before the rules change
                try:
                    facts = query_facts(ev.policy, ev.case, values, ev.as_of).facts
                except ProblemsError:
                    continue  # a reading under which the case cannot be answered at all
            else:  # only the reading itself, as the facts the rules read it from
                facts = {p: r for p, r in base_facts.items() if p not in PARAMETER_FACTS}
                for p, rows in parameter_facts(values, ev.policy.parameter_index).items():
                    facts[p] = set(rows)
            variants.append((pid, value))
            # a relation no different from the case's own is passed as that very set, which the
            # batch then converts once for all the variants
            fact_sets.append(
                {
                    p: base_facts[p] if base_facts.get(p) == r else r
                    for p, r in facts.items()
                    if p in program.predicates
                }
            )
    decided: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for (pid, value), model in zip(variants, _evaluate(program, fact_sets), strict=True):
        if isinstance(model, Exception):
            continue
        for key, (old, new) in _changed(base, verdicts_of(model, ev.case, chain, periods)).items():
            decided[key].append({"parameter": pid, "value": value, "from": old, "to": new})
    return dict(decided)


_PARAM_MEMBER = re.compile(
    r"param_member\(\s*([a-z][a-z0-9_]*)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)"
)


def _members_read(policy: Any) -> dict[str, set[str] | None]:
    """List parameter → the members some rule reads by name; None when a rule reads any member (a
    variable). A member no rule names cannot change a model, so a variant that only adds or
    removes such members needs no evaluation: the same verdicts, found without the work."""
    cached = policy.__dict__.get("_members_read")
    if cached is not None:
        return cached
    read: dict[str, set[str] | None] = {}
    for rule in policy.rules:
        for pid, member in _PARAM_MEMBER.findall(rule.get("datalog", "")):
            if member[:1].isupper() or member[:1] == "_":
                read[pid] = None
            elif read.get(pid, set()) is not None:
                read.setdefault(pid, set()).add(member)
    policy.__dict__["_members_read"] = read
    return read


def _may_matter(
    pid: str, current: Any, value: Any, read: dict[str, set[str] | None], outside: Any
) -> bool:
    if pid in outside or not isinstance(value, list) or not isinstance(current, list):
        return True
    named = read.get(pid, set())
    if named is None:
        return True
    return bool(set(current).symmetric_difference(value) & named)


# --- what would change a verdict ---------------------------------------------------------------------


def what_if(ev: Evaluation, answer: dict[str, Any]) -> list[dict[str, Any]]:
    """For each verdict of the answer, the smallest changes of the record (one, else two) that flip
    it, each verified by evaluating the changed facts, in words and with the clause that turns."""
    chain, periods = _keys(ev)
    base = verdicts_of(ev.model, ev.case, chain, periods)
    program = ev.policy.program_for(ev.edition["id"])
    facts = {p: set(r) for p, r in ev.facts.items() if p in program.predicates}
    record = {(p, r) for p, rows in case_facts(ev.case).items() for r in rows if p in facts}
    singles = _candidates(ev, answer, record)[:MAX_SINGLE]
    flips: dict[tuple, list[tuple[tuple[Change, ...], Any, Model]]] = defaultdict(list)
    models = _evaluate(program, [_changed_facts(facts, (c,)) for c in singles])
    relevant: dict[tuple, list[Change]] = defaultdict(list)
    for change, model in zip(singles, models, strict=True):
        if isinstance(model, Exception):
            continue
        for key, (_old, new) in _changed(base, verdicts_of(model, ev.case, chain, periods)).items():
            flips[key].append(((change,), new, model))
    for key in base:
        if key not in flips:
            relevant[key] = [c for c in singles if _touches(c, key)]
    pairs = [
        (key, pair)
        for key, changes in relevant.items()
        for pair in itertools.combinations(changes[:10], 2)
        if pair[0].old != pair[1].old
    ][:MAX_PAIRS]
    models = _evaluate(program, [_changed_facts(facts, pair) for _key, pair in pairs])
    for (key, pair), model in zip(pairs, models, strict=True):
        if isinstance(model, Exception):
            continue
        new = verdicts_of(model, ev.case, chain, periods).get(key, _default(key))
        if new != base.get(key, _default(key)):
            flips[key].append((pair, new, model))
    namer = Namer.for_policy(ev.case, ev.policy)
    out = []
    for key in sorted(base, key=_order):
        found = sorted(flips.get(key, []), key=lambda f: (len(f[0]), _change_order(f[0])))
        entry = {
            "verdict": _verdict_words(key, base[key], namer),
            "key": list(key),
            "now": _jsonable(base[key]),
            "flips": [
                _describe(ev, namer, key, changes, new, model)
                for changes, new, model in found[:MAX_REPORTED]
            ],
        }
        out.append(entry)
    return out


def _keys(ev: Evaluation) -> tuple[set[tuple], set[tuple]]:
    """The handling chain of every act and the periods of the case: verdicts exist for them even
    when nothing is concluded (a person not responsible, a period with no status)."""
    chain = set()
    for act in ev.case.get("acts", []):
        for role in ("handler", "reviewer", "approver"):
            if role in act:
                chain.add((act["id"], act[role]))
        for ins in act.get("instructions", []):
            chain.add((act["id"], ins["leader"]))
            chain.add((act["id"], ins["subordinate"]))
        decision = act.get("collective_decision")
        if decision:
            chain.add((act["id"], decision["decision_maker"]))
            chain |= {(act["id"], v["person"]) for v in decision["votes"]}
    periods = {(p.period, p.subject) for p in ev.periods}
    return chain, periods


def _candidates(ev: Evaluation, answer: dict[str, Any], record: set[tuple]) -> list[Change]:
    """Single changes worth trying, in a fixed order: facts the findings rest on removed or given
    another value of their domain, facts whose absence made a rule fail added, dates moved."""
    relied: list[tuple] = []
    for fact in _answer_facts(answer):
        key = (fact["fact"], tuple(fact["args"]))
        if key in record and key not in relied:
            relied.append(key)
    changes: list[Change] = [Change("remove", f, None) for f in relied]
    values = _domain_values(ev)
    for predicate, args in relied:
        domains = ev.policy.argument_domains.get(predicate, ())
        for i, (arg, domain) in enumerate(zip(args, domains, strict=False)):
            for other in values.get(domain, ()):
                if other != arg:
                    new = (predicate, args[:i] + (other,) + args[i + 1 :])
                    changes.append(Change("replace", (predicate, args), new))
    stated = (
        set(ev.policy.argument_domains)
        - NOT_RECORDED
        - {f["fact"] for f in ev.policy.computed_facts}
    )
    for atom in _missing_inputs(ev, answer):
        if atom not in record and atom[0] in stated:
            changes.append(Change("add", None, atom))
    changes += _date_moves(ev, relied)
    unique, seen = [], set()
    for change in changes:
        if (change.old, change.new) not in seen:
            seen.add((change.old, change.new))
            unique.append(change)
    return unique


def _answer_facts(node: Any):
    if isinstance(node, dict):
        if "fact" in node and "args" in node and "zh" in node:
            yield node
        for value in node.values():
            yield from _answer_facts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _answer_facts(item)


def _domain_values(ev: Evaluation) -> dict[str, list]:
    """Enumerated domains (role, vote, culpability …) and the finding-like yes/no values."""
    out = {}
    for domain in ev.policy.vocabulary["domains"]:
        if domain.get("values") and domain["name"] not in ("period", "status", "degree"):
            out[domain["name"]] = list(domain["values"])
    return out


def _missing_inputs(ev: Evaluation, answer: dict[str, Any]) -> list[tuple]:
    """Input facts whose absence made a rule fail, read off the explanations: for a person not
    responsible, what each rule that could have made them responsible lacked; for a person found
    responsible, what each exception the concluding rule checks (its negated conditions) lacked."""
    program = ev.policy.program_for(ev.edition["id"])
    inputs = {n for n, sig in program.predicates.items() if sig.kind == "input"}
    found: list[tuple] = []

    def lacking(predicate: str, args: tuple, depth: int) -> None:
        if depth > 2 or predicate not in program.predicates:
            return
        for why in ev.model.why_not(predicate, args):
            failed = why.to_dict()["failed"]
            atom = _ground(failed["text"])
            if atom is None or failed["kind"] != "atom":
                continue
            if atom[0] in inputs:
                found.append(atom)
            else:
                lacking(*atom, depth + 1)

    def exceptions(node: dict) -> None:
        for cond in node.get("conditions", []):
            if cond["kind"] == "negation":
                atom = _ground(cond["text"])
                if atom is not None:
                    lacking(*atom, 1)
            elif cond.get("derivation"):
                exceptions(cond["derivation"])

    for verdict in answer["verdicts"]:
        a, p = verdict["act"], verdict["person"]
        if verdict["verdict"] == "not_responsible":
            degrees = next(
                (
                    d.get("values", [])
                    for d in ev.policy.vocabulary["domains"]
                    if d["name"] == "degree"
                ),
                [],
            )
            for degree in degrees:
                lacking("responsible", (a, p, degree), 0)
        else:
            for degree in verdict["degrees"]:
                tree = ev.model.explain("responsible", (a, p, degree["degree"])).to_dict()
                exceptions(tree)
    return found


def _ground(text: str) -> tuple | None:
    """A ground atom from an explanation's text (None when a variable is left in it)."""
    m = _ATOM.match(text)
    if not m:
        return None
    args = tuple(_value(a) for a in _split(m.group(2)))
    if any(isinstance(a, str) and a[:1].isupper() for a in args):
        return None
    return m.group(1), args


def _date_moves(ev: Evaluation, relied: list[tuple]) -> list[Change]:
    """A date the findings rest on moved to each other date they rest on, and a day either side."""
    dated = []
    days = set()
    for predicate, args in relied:
        domains = ev.policy.argument_domains.get(predicate, ())
        for i, domain in enumerate(domains):
            if domain == "day" and i < len(args):
                dated.append((predicate, args, i))
                days.add(args[i])
    targets = set()
    for day in days:
        d = date.fromisoformat(day)
        targets |= {day, (d - timedelta(days=1)).isoformat(), (d + timedelta(days=1)).isoformat()}
    changes = []
    for predicate, args, i in dated:
        for target in sorted(targets):
            if target != args[i]:
                new = (predicate, args[:i] + (target,) + args[i + 1 :])
                changes.append(Change("replace", (predicate, args), new))
    return changes


def _touches(change: Change, key: tuple) -> bool:
    """Whether a change concerns the act or person of a verdict (pairs are tried among those)."""
    subjects = set(key[1:])
    return any(f is not None and subjects & set(f[1]) for f in (change.old, change.new))


def _changed_facts(facts: Facts, changes: tuple[Change, ...]) -> Facts:
    """The facts with ``changes`` applied; the relations they do not touch are the same sets
    (never changed), which the batch converts once for all the variants."""
    out = dict(facts)
    for change in changes:
        for fact in (change.old, change.new):
            if fact is not None and out.get(fact[0]) is facts.get(fact[0]):
                out[fact[0]] = set(facts.get(fact[0], ()))
    for change in changes:
        change.apply(out)
    return out


def _evaluate(program, fact_sets: list[Facts]) -> list[Model | Exception]:
    """Every variant evaluated, in one batch, for the conclusions verdicts are read from."""
    if not fact_sets:
        return []
    outputs = [p for p in VERDICT_PREDICATES if p in program.predicates]
    return list(program.evaluate_batch(fact_sets, outputs=outputs, on_error="yield"))


# --- words -------------------------------------------------------------------------------------------


def _verdict_words(key: tuple, value: Any, namer: Namer) -> dict[str, str]:
    kind = key[0]
    if kind == "fault":
        act = {lang: namer.act(key[1], lang) for lang in ("zh", "en")}
        return {
            "zh": f"{act['zh']}{'构成' if value else '不构成'}行政过错",
            "en": f"{act['en']} is {'' if value else 'not '}an administrative fault",
        }
    if kind == "responsible":
        person, act = namer.person(key[2]), {lang: namer.act(key[1], lang) for lang in ("zh", "en")}
        if value:
            degrees = {
                lang: ("、" if lang == "zh" else ", ").join(namer.label(d, lang) for d in value)
                for lang in ("zh", "en")
            }
            return {
                "zh": f"{person}对{act['zh']}负责（{degrees['zh']}）",
                "en": f"{person} is responsible for {act['en']} ({degrees['en']})",
            }
        return {
            "zh": f"{person}对{act['zh']}不承担责任",
            "en": f"{person} is not responsible for {act['en']}",
        }
    if kind == "recusal":
        return {
            "zh": f"{namer.person(key[1])}：{namer.label(value, 'zh')}",
            "en": f"{namer.person(key[1])}: {namer.label(value, 'en')}",
        }
    if kind in ("aggravated", "mitigation"):
        person = namer.person(key[2])
        listed = {
            lang: ("、" if lang == "zh" else ", ").join(namer.value(v, lang) for v in value)
            for lang in ("zh", "en")
        }
        if kind == "aggravated":
            return {
                "zh": f"{person}从重：{listed['zh'] or '无'}",
                "en": f"{person} aggravated: {listed['en'] or 'no'}",
            }
        return {
            "zh": f"{person}可以：{listed['zh'] or '无'}",
            "en": f"{person} may be granted: {listed['en'] or 'nothing'}",
        }
    subject = "" if key[2] == "case" else f"（{namer.person(key[2])}）"
    subject_en = "" if key[2] == "case" else f" ({namer.person(key[2])})"
    return {
        "zh": f"{namer.label(key[1], 'zh')}{subject}：{namer.label(value, 'zh')}",
        "en": f"{namer.label(key[1], 'en')}{subject_en}: {namer.label(value, 'en')}",
    }


def _describe(
    ev: Evaluation, namer: Namer, key: tuple, changes: tuple[Change, ...], new: Any, model: Model
) -> dict[str, Any]:
    from_context = _fact_words(ev, namer)
    words = [_change_words(change, from_context) for change in changes]
    becomes = _verdict_words(key, new, namer)
    return {
        "changes": [
            {
                "kind": c.kind,
                **({"old": {"fact": c.old[0], "args": list(c.old[1])}} if c.old else {}),
                **({"new": {"fact": c.new[0], "args": list(c.new[1])}} if c.new else {}),
                **w,
            }
            for c, w in zip(changes, words, strict=True)
        ],
        "becomes": _jsonable(new),
        "zh": "若" + "，并且".join(w["zh"] for w in words) + f"，则{becomes['zh']}",
        "en": "If " + ", and ".join(w["en"] for w in words) + f", then {becomes['en']}",
        "cites": _turning_clause(ev, key, new, model),
    }


def _fact_words(ev: Evaluation, namer: Namer):
    def words(fact: tuple, lang: str) -> str:
        return fact_text(ev.policy, namer, fact[0], tuple(fact[1]), lang)

    return words


def _inner(text: str) -> str:
    """Quotation marks inside a quotation, as Chinese writes them: ‘…’ within “…”."""
    return text.translate(_INNER_QUOTES)


_INNER_QUOTES = str.maketrans({"“": "‘", "”": "’"})
_FOUND_ZH, _FOUND_EN = "案件记录认定", "the record finds that "


def _change_words(change: Change, words) -> dict[str, str]:
    if change.kind == "remove":
        zh, en = words(change.old, "zh"), words(change.old, "en")
        # a finding of the record itself: "had the record not found …", not "not said it found"
        if zh.startswith(_FOUND_ZH) and en.startswith(_FOUND_EN):
            return {
                "zh": "记录未认定" + zh.removeprefix(_FOUND_ZH),
                "en": "the record did not find that " + en.removeprefix(_FOUND_EN),
            }
        return {
            "zh": f"记录中没有“{_inner(words(change.old, 'zh'))}”",
            "en": f"the record did not say that {words(change.old, 'en')}",
        }
    if change.kind == "add":
        return {
            "zh": f"记录还载明“{_inner(words(change.new, 'zh'))}”",
            "en": f"the record also said that {words(change.new, 'en')}",
        }
    return {
        "zh": f"记录载明的是“{_inner(words(change.new, 'zh'))}”"
        f"而非“{_inner(words(change.old, 'zh'))}”",
        "en": f"the record said that {words(change.new, 'en')} instead of that {words(change.old, 'en')}",
    }


def _turning_clause(ev: Evaluation, key: tuple, new: Any, model: Model) -> list[str]:
    """The clause that turns: the citations of the rule that now concludes the verdict, or, when it
    is lost, of the rule that concluded it before."""
    old = verdicts_of(ev.model, ev.case, *_keys(ev)).get(key, _default(key))
    for source, value in ((model, new), (ev.model, old)):
        atom = _finding(source, key, value)
        if atom is not None:
            return list(source.explain(*atom).to_dict()["rule"]["cites"])
    return []


def _finding(model: Model, key: tuple, value: Any) -> tuple[str, tuple] | None:
    """The conclusion a verdict value rests on in a model, if it rests on one."""
    kind = key[0]
    if kind == "fault":
        return ("fault", (key[1],)) if value else None
    if kind == "responsible" and value:
        return "responsible", (key[1], key[2], value[0])
    if kind == "aggravated" and value:
        return "aggravated", (key[1], key[2], value[0])
    if kind == "mitigation" and value:
        return "mitigation_available", (key[1], key[2], value[0])
    if kind == "recusal" and value == "disqualified":
        row = next((r for r in model.tuples("disqualified") if r[0] == key[1]), None)
        return ("disqualified", row) if row else None
    if kind == "period" and value != "unknown":
        return "period_status", (key[1], key[2], value)
    return None


def _order(key: tuple) -> tuple:
    rank = ["fault", "responsible", "aggravated", "mitigation", "recusal", "period"]
    return (rank.index(key[0]), tuple(str(k) for k in key[1:]))


def _change_order(changes: tuple[Change, ...]) -> tuple:
    return tuple((c.kind, str(c.old), str(c.new)) for c in changes)


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _split(text: str) -> list[str]:
    return [a.strip() for a in text.split(",")] if text.strip() else []


def _value(text: str) -> Any:
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text.strip('"')
