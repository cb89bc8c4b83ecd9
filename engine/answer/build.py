"""From the rules' model to the answer a legal officer reads: verdicts, each with why (and why not).

The model is a set of tuples; the answer arranges them the way the regulation is applied: faults found,
then everyone in the handling chain with a verdict, aggravation and mitigation, the forms of Art. 13,
referrals, commendations, recusal, time limits, procedural defects and the points a person must still
decide. Every finding carries the eIds it rests on and its derivation down to the case's facts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from engine.answer.names import VALUE_LABELS, Namer, eid_label
from engine.answer.query import Evaluation, run_query
from engine.answer.text import render_answer
from engine.files.safe_yaml import SourceDoc
from engine.policy.citation import eid_order
from engine.policy.model import Policy
from engine.policy.parameter_scope import parameters_in_scope, parameters_read, required_values
from engine.problems import Problem, ProblemsError

ANSWER_FORMAT = 1
PARAM_PREDICATES = ("param", "param_int", "param_member")


@dataclass
class Answer:
    """The answer to one case; ``to_dict`` for programs, ``explain``/``render`` for people."""

    data: dict[str, Any]
    evaluation: Evaluation | None = (
        None  # the model behind it, for programs that need more than the JSON
    )

    def to_dict(self) -> dict[str, Any]:
        return self.data

    def holds(self, predicate: str, args: tuple) -> bool:
        """Whether a conclusion (any derived predicate of the vocabulary) holds in this case."""
        return self.evaluation.model.holds(predicate, args)

    def fired_rules(self) -> set[str]:
        """Ids of the rules with at least one instance whose body held in this case."""
        model = self.evaluation.model
        return {r["id"] for r in self.evaluation.policy.rules if model.fired(r["id"])}

    def render(self, lang: str = "zh", explain: bool = False) -> str:
        return render_answer(self.data, lang, explain)

    def explain(self, lang: str = "zh") -> str:
        """Readable text with the reasons for every finding."""
        return self.render(lang, explain=True)


class _Builder:
    def __init__(self, ev: Evaluation):
        self.ev = ev
        self.m = ev.model
        self.namer = Namer(ev.case)
        self.program = ev.policy.program_for(ev.edition["id"])
        self.descriptions = {
            p["name"]: p["description"] for p in ev.policy.vocabulary["predicates"]
        }
        self.rules = ev.policy.rule_index
        self.used_params: set[str] = set(ev.used_parameters)
        self.scope_params: set[str] = (
            set()
        )  # readings the answer may depend on without a derivation showing them
        self.open_points: list[dict[str, Any]] = []

    # --- explanations ---------------------------------------------------------------------------
    def why(self, predicate: str, args: tuple) -> dict[str, Any]:
        tree = self.m.explain(predicate, args).to_dict()
        return {"reasons": self.reasons(tree), "cites": self.cites(tree), "derivation": tree}

    def why_not(self, predicate: str, args: tuple, depth: int = 0) -> dict[str, Any]:
        trees = [w.to_dict() for w in self.m.why_not(predicate, args)]
        reasons = []
        for t in trees:
            rule = self.rules.get(t["rule"]["id"].split("#")[0])
            compiled = self.program.rule(t["rule"]["id"])
            self.scope_params |= parameters_read(compiled)
            if not self._in_force(compiled):
                continue  # a rule for another reading says nothing about this answer
            blocked = t.get("blocked_by")
            if blocked:
                reasons.extend({**r, "depth": r["depth"] + 1} for r in self.reasons(blocked))
            failed = t["failed"]
            what = {lang: self._condition(failed, lang) for lang in ("zh", "en")}
            negated = failed["kind"] == "negation"
            reasons.append(
                {
                    "rule": t["rule"]["id"],
                    "cites": t["rule"]["cites"],
                    "zh": f"不适用“{self._reading(rule, t['bindings'], 'zh')}”：因为"
                    + ("" if negated else self._not_established(failed, "zh"))
                    + what["zh"],
                    "en": f"“{self._reading(rule, t['bindings'], 'en')}” does not apply because "
                    + ("" if negated else self._not_established(failed, "en"))
                    + what["en"],
                    "depth": depth,
                }
            )
            nested = self._failed_atom(failed)
            if nested and depth < 3:
                reasons.extend(self.why_not(*nested, depth=depth + 1)["reasons"])
        cites = sorted({c for t in trees for c in t["rule"]["cites"]})
        return {"reasons": _dedupe(reasons), "cites": cites, "why_not": trees}

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
        args = "、".join(self.namer.value(_constant(a), lang) for a in _split_args(m.group(2)))
        sep = "：" if lang == "zh" else ": "
        text = (
            description[lang]
            if lang == "zh"
            else description[lang][:1].lower() + description[lang][1:]
        )
        return f"{text}{sep}{args}" if args else text

    def _reading(self, rule: dict | None, bindings: dict, lang: str) -> str:
        if rule is None:
            return ""
        return self.namer.fill(rule["reads"][lang], bindings, lang)

    def reasons(self, tree: dict) -> list[dict[str, Any]]:
        """The derivation as a list of readable steps, deepest facts last, each step once."""
        steps: list[dict[str, Any]] = []
        seen: set = set()

        def walk(node: dict, depth: int) -> None:
            if node.get("source") == "input":
                if node["predicate"] in PARAM_PREDICATES:
                    pid, value = node["args"][0], node["args"][1]
                    self.used_params.add(pid)
                    key = ("param", pid, value)
                    if key not in seen:
                        seen.add(key)
                        steps.append(
                            {
                                **_param_step(self.ev.policy.parameter_index[pid], value),
                                "depth": depth,
                            }
                        )
                return
            if node.get("source") != "rule":
                return
            rule_id = node["rule"]["id"].split("#")[0]
            conditions = node.get("conditions", [])
            key = (rule_id, tuple(sorted((k, str(v)) for k, v in node["bindings"].items())))
            if key not in seen and (depth == 0 or conditions):
                seen.add(key)
                rule = self.rules[rule_id]
                steps.append(
                    {
                        "rule": rule_id,
                        "cites": list(rule["cites"]),
                        "zh": self._reading(rule, node["bindings"], "zh"),
                        "en": self._reading(rule, node["bindings"], "en"),
                        "depth": depth,
                    }
                )
            for cond in conditions:
                if cond.get("derivation"):
                    walk(cond["derivation"], depth + 1)

        walk(tree, 0)
        return steps

    def cites(self, tree: dict) -> list[str]:
        found: set[str] = set()

        def walk(node: dict) -> None:
            if node.get("source") == "rule":
                found.update(node["rule"]["cites"])
                for cond in node.get("conditions", []):
                    if cond.get("derivation"):
                        walk(cond["derivation"])

        walk(tree)
        return sorted(found, key=eid_order)

    def holds(self, predicate: str, args: tuple) -> bool:
        return predicate in self.ev.model_predicates and self.m.holds(predicate, args)

    def tuples(self, predicate: str) -> list[tuple]:
        """Sorted tuples; a policy whose vocabulary lacks the predicate simply has none of them."""
        if predicate not in self.ev.model_predicates:
            return []
        return sorted(self.m.tuples(predicate), key=lambda t: tuple(str(x) for x in t))

    def open_point(self, kind: str, eids: list[str], zh: str, en: str, **about: Any) -> None:
        self.open_points.append({"kind": kind, "cites": eids, "zh": zh, "en": en, "about": about})

    # --- sections -------------------------------------------------------------------------------
    def faults(self) -> list[dict[str, Any]]:
        out = []
        for act in self.ev.case.get("acts", []):
            a = act["id"]
            entry: dict[str, Any] = {
                "act": a,
                "description": act["description"],
                "fault": self.holds("fault", (a,)),
                "points": [e for (x, e) in self.tuples("point_applies") if x == a],
                "kinds": [
                    k
                    for k, p in (
                        ("enforcement", "enforcement_fault"),
                        ("internal", "internal_fault"),
                        ("inaction", "inaction"),
                    )
                    if self.holds(p, (a,)) and (k != "inaction" or self.holds("fault", (a,)))
                ],
            }
            if "fault" in self.ev.model_predicates:
                entry.update(
                    self.why("fault", (a,)) if entry["fault"] else self.why_not("fault", (a,))
                )
            else:
                entry.update({"reasons": [], "cites": []})
            out.append(entry)
            for x, e in self.tuples("awaiting_finding"):
                if x == a:
                    self.open_point(
                        "catch_all",
                        [e],
                        f"行为{a}被指称属于兜底条款{eid_label(e, 'zh')}，须经人工认定（finding: confirmed）后才适用。",
                        f"Act {a} is alleged to fall under the catch-all {eid_label(e, 'en')}; it applies only on a confirmed human finding.",
                        act=a,
                        point=e,
                    )
            for x, e in self.tuples("contradicted"):
                if x == a:
                    self.open_point(
                        "contradicted",
                        [e],
                        f"记录称行为{a}属于{eid_label(e, 'zh')}，但记录的事实不符合该项，须人工核实。",
                        f"The record alleges act {a} falls under {eid_label(e, 'en')} but the recorded facts do not meet it; a person must check.",
                        act=a,
                        point=e,
                    )
        return out

    def chain(self, act: dict) -> list[tuple[str, list[str]]]:
        """Everyone the regulation could hold responsible for this act, with how they are involved."""
        a = act["id"]
        involved: dict[str, list[str]] = defaultdict(list)
        for role in ("handler", "reviewer", "approver"):
            if role in act:
                involved[act[role]].append(role)
        for ins in act.get("instructions", []):
            involved[ins["leader"]].append("instructing_leader")
            involved[ins["subordinate"]].append("instructed_subordinate")
        decision = act.get("collective_decision")
        if decision:
            involved[decision["decision_maker"]].append("decision_maker")
            for v in decision["votes"]:
                involved[v["person"]].append(f"vote_{v['vote']}")
        for x, post in self.tuples("duty_of_post"):
            if x == a:
                for p, held in self.tuples("holds_post"):
                    if held == post:
                        involved[p].append("post_holder")
        for c in act.get("culpability", []) + act.get("caused_errors", []):
            pid = c.get("person") or c.get("by")
            if pid not in involved:
                involved[pid].append("involved")
        for x, p, _degree in self.tuples("responsible"):
            if x == a and p not in involved:
                involved[p].append("involved")
        return [(p, sorted(set(r))) for p, r in involved.items()]

    def verdicts(self) -> list[dict[str, Any]]:
        out = []
        responsible = self.tuples("responsible")
        for act in self.ev.case.get("acts", []):
            a = act["id"]
            for person, involvement in self.chain(act):
                entry: dict[str, Any] = {
                    "act": a,
                    "person": person,
                    "name": self.namer.person(person),
                    "involvement": involvement,
                }
                degrees = [d for (x, p, d) in responsible if x == a and p == person]
                if degrees:
                    entry["verdict"] = "responsible"
                    entry["degrees"] = [
                        {"degree": d, **self.why("responsible", (a, person, d))} for d in degrees
                    ]
                else:
                    entry["verdict"] = "not_responsible"
                    entry["why_not"] = self._why_not_responsible(a, person, involvement)
                out.append(entry)
        for a, p, v in self.tuples("vote_needs_finding"):
            self.open_point(
                "vote",
                ["art_11__point_6"],
                f"{self.namer.person(p)}在集体讨论中{VALUE_LABELS[v][0]}，第十一条第（六）项未作规定；按默认解释不承担责任，须人工确认。",
                f"{self.namer.person(p)} {VALUE_LABELS[v][1]} in the collective discussion, which Art. 11(6) does not address; by default not responsible, to be confirmed by a person.",
                act=a,
                person=p,
            )
        for (a,) in self.tuples("inaction_needs_finding"):
            self.open_point(
                "inaction",
                ["art_12__para_1"],
                f"行为{a}因不作为发生过错，其责任人须人工认定。",
                f"Who is responsible for the inaction fault in act {a} needs a human finding.",
                act=a,
            )
        return out

    def _why_not_responsible(
        self, a: str, person: str, involvement: list[str]
    ) -> list[dict[str, Any]]:
        reasons = []
        for x, p, e in self.tuples("displaced"):
            if x == a and p == person:
                reasons.append({"kind": "displaced", "by": e, **self.why("displaced", (x, p, e))})
        if self.holds("cleared_subordinate", (a, person)):
            reasons.append(
                {"kind": "cleared_subordinate", **self.why("cleared_subordinate", (a, person))}
            )
        for x, p, v in self.tuples("cleared_by_vote"):
            if x == a and p == person:
                reasons.append(
                    {"kind": "cleared_by_vote", "vote": v, **self.why("cleared_by_vote", (x, p, v))}
                )
        if not reasons:
            degree = (
                "graded"
                if any(r in involvement for r in ("handler", "reviewer", "approver"))
                else "direct"
                if "instructing_leader" in involvement
                else "by_post"
                if "post_holder" in involvement
                else "secondary"
            )
            reasons.append(
                {"kind": "rule_not_met", **self.why_not("responsible", (a, person, degree))}
            )
        return reasons

    def investigators(self) -> list[dict[str, Any]]:
        return [
            {"person": p, "name": self.namer.person(p), **self.why("investigator_liable", (p,))}
            for (p,) in self.tuples("investigator_liable")
        ]

    def aggravation(self) -> list[dict[str, Any]]:
        out = [
            {
                "act": a,
                "person": p,
                "name": self.namer.person(p),
                "point": e,
                **self.why("aggravated", (a, p, e)),
            }
            for (a, p, e) in self.tuples("aggravated")
        ]
        for a, p, e in self.tuples("aggravation_needs_finding"):
            self.open_point(
                "aggravation",
                [e],
                f"{self.namer.person(p)}给本单位造成不良影响；第九条第（五）项所称“总队”并非本局，是否从重须人工认定。",
                f"{self.namer.person(p)} caused a bad influence on the bureau; the 总队 of Art. 9(5) is not this bureau, so whether this aggravates needs a human finding.",
                act=a,
                person=p,
            )
        return out

    def mitigation(self) -> list[dict[str, Any]]:
        grouped: dict[tuple, list[str]] = defaultdict(list)
        for a, p, e in self.tuples("mitigation_ground"):
            grouped[(a, p)].append(e)
        out = []
        for (a, p), grounds in sorted(grouped.items()):
            self.used_params.add("art10_tail_reading")
            self.used_params.add("art9_art10_combination")
            entry = {
                "act": a,
                "person": p,
                "name": self.namer.person(p),
                "grounds": [
                    {"point": e, **self.why("mitigation_ground", (a, p, e))} for e in grounds
                ],
                "available": [
                    f for (x, q, f) in self.tuples("mitigation_available") if (x, q) == (a, p)
                ],
                "excluded": [
                    {"form": f, **self.why("tail_blocks", (a, p, f))}
                    for (x, q, f) in self.tuples("tail_blocks")
                    if (x, q) == (a, p)
                ],
                "tail_reading": self.ev.parameters["art10_tail_reading"],
            }
            out.append(entry)
            if entry["available"]:
                self.open_point(
                    "discretion",
                    ["art_10__intro"],
                    f"第十条是“可以”：是否对{self.namer.person(p)}从轻、减轻或免于追究，由处理机关裁量。",
                    f"Art. 10 says “may”: whether {self.namer.person(p)} gets lighter, mitigated or no sanction is for the deciding body.",
                    act=a,
                    person=p,
                )
        for a, p in self.tuples("combination_needs_finding"):
            self.open_point(
                "combination",
                ["art_9__intro", "art_10__intro"],
                f"{self.namer.person(p)}同时具有从重和从轻情节，须由处理机关决定如何相抵。",
                f"{self.namer.person(p)} has aggravating and mitigating circumstances; the deciding body must decide how they combine.",
                act=a,
                person=p,
            )
        return out

    def sanctions(self) -> list[dict[str, Any]]:
        forms: dict[str, list[str]] = defaultdict(list)
        for p, f in self.tuples("available_form"):
            forms[p].append(f)
        if forms:
            self.used_params.update(
                (
                    "art13_forms_exhaustive",
                    "art13_forms_combinable",
                    "art13_severity_order",
                    "art13_point5_nature",
                )
            )
        values = self.ev.parameters
        order = SEVERITY_ORDERS[values["art13_severity_order"]]
        out = []
        for p, fs in sorted(forms.items()):
            forms_sorted = sorted(fs, key=eid_order)
            out.append(
                {
                    "person": p,
                    "name": self.namer.person(p),
                    "forms": forms_sorted,
                    "exhaustive": values["art13_forms_exhaustive"],
                    "combinable": values["art13_forms_combinable"],
                    "severity_order": order,
                    "referral_forms": ["art_13__point_5"]
                    if values["art13_point5_nature"] == "referral"
                    else [],
                    **self.why("available_form", (p, forms_sorted[0])),
                }
            )
        return out

    def referrals(self) -> list[dict[str, Any]]:
        out = [
            {"person": p, "name": self.namer.person(p), "to": k, **self.why("referral", (p, k))}
            for (p, k) in self.tuples("referral")
        ]
        for a, p in self.tuples("recovery_needs_finding"):
            self.open_point(
                "recovery",
                ["art_14__para_1"],
                f"行为{a}导致行政赔偿，但未记录{self.namer.person(p)}的过错形态；是否追偿须人工认定。",
                f"Act {a} led to compensation but {self.namer.person(p)}'s form of fault is not recorded; recovery needs a human finding.",
                act=a,
                person=p,
            )
        return out

    def commendations(self) -> list[dict[str, Any]]:
        return [
            {
                "person": p,
                "name": self.namer.person(p),
                "conduct": g,
                **self.why("commendation", (p, g)),
            }
            for (p, g) in self.tuples("commendation")
        ]

    def recusal(self) -> list[dict[str, Any]]:
        out = []
        for member in self.ev.case.get("investigation", {}).get("proposed_members", []):
            entry: dict[str, Any] = {"member": member, "name": self.namer.person(member)}
            disq = [(pt, rel) for (m, pt, rel) in self.tuples("disqualified") if m == member]
            pending = [k for (m, k) in self.tuples("recusal_needs_finding") if m == member]
            if disq:
                entry["status"] = "disqualified"
                entry["grounds"] = [
                    {"point": pt, "relation": rel, **self.why("disqualified", (member, pt, rel))}
                    for pt, rel in disq
                ]
            elif pending:
                entry["status"] = "needs_finding"
                entry["grounds"] = [
                    {
                        "point": "art_16__point_3",
                        "relation": k,
                        **self.why("recusal_needs_finding", (member, k)),
                    }
                    for k in pending
                ]
                for k in pending:
                    self.open_point(
                        "interest",
                        ["art_16__point_3"],
                        f"{self.namer.person(member)}与当事人有联系（{self.namer.value(k, 'zh')}），是否“可能影响案件公正处理”须人工认定。",
                        f"{self.namer.person(member)} has a tie with the party ({self.namer.value(k, 'en')}); whether it may affect fair handling needs a human finding.",
                        member=member,
                        tie=k,
                    )
            else:
                entry["status"] = "admitted"
                entry.update(self.why("admitted", (member,)))
            out.append(entry)
        return out

    def time_limits(self) -> list[dict[str, Any]]:
        out = []
        status = {(t, s): st for (t, s, st) in self.tuples("period_status")}
        for p in self.ev.periods:
            entry: dict[str, Any] = {
                "period": p.period,
                "subject": p.subject,
                "name": self.namer.person(p.subject) if p.subject != "case" else None,
                "start_field": p.start_field,
                "start": p.start,
                "done": p.done,
                "cites": list(p.rule.cites),
            }
            if p.due is None:
                entry["status"] = "unknown"
                entry["error"] = p.error
                self.open_point(
                    "calendar", list(p.rule.cites), p.error["zh"], p.error["en"], period=p.period
                )
            else:
                entry["due"] = p.due.due.isoformat()
                entry["counting"] = p.due.to_dict()
                st = status.get((p.period, p.subject))
                entry["status"] = st or "unknown"
                if st:
                    why = self.why("period_status", (p.period, p.subject, st))
                    why["cites"] = sorted(set(why["cites"]) | set(p.rule.cites), key=eid_order)
                    entry.update(why)
                if p.period == "appeal":
                    entry["appeal_to"] = APPEAL_BODIES[self.ev.parameters["art19_supervision_body"]]
                if p.period == "appeal" and self.holds("appeal_out_of_time", (p.subject,)):
                    entry["out_of_time"] = True
                    entry["inadmissible"] = self.holds("appeal_inadmissible", (p.subject,))
                    self.used_params.add("art19_late_appeal")
            out.append(entry)
        return out

    def procedure(self) -> list[dict[str, Any]]:
        out = [
            {
                "person": p,
                "name": self.namer.person(p),
                "point": e,
                **self.why("procedural_defect", (p, e)),
            }
            for (p, e) in self.tuples("procedural_defect")
        ]
        if out:
            self.used_params.add("art18_statement_not_heard")
        return out

    def fixed_open_points(self) -> None:
        """Questions the text itself leaves to people, raised whenever the case reaches them."""
        case = self.ev.case
        if case.get("procedure", {}).get("investigation_closed_on") or case.get(
            "procedure", {}
        ).get("decisions"):
            self.used_params.add("art18_deciding_body")
            if self.ev.parameters["art18_deciding_body"] == "unidentified":
                self.open_point(
                    "text",
                    ["art_18__para_1"],
                    "第十八条“相关部门”未指明由谁作出处理决定。",
                    "Art. 18 does not say which “relevant department” issues the decision.",
                )
        if case.get("procedure", {}).get("decisions"):
            self.used_params.add("art19_supervision_body")
            if self.ev.parameters["art19_supervision_body"] == "verbatim_unidentified":
                self.open_point(
                    "text",
                    ["art_19__para_1"],
                    "第十九条所称“监察部门”已不存在（现为监察委员会），申诉受理机关须人工确认。",
                    "The 监察部门 of Art. 19 no longer exists (now the supervisory commission); the body receiving appeals must be confirmed by a person.",
                )


# The conclusions the answer reports, with the arity its sections read them at. Another instrument may
# lack some (its sections stay empty) but must not declare them with another shape.
ANSWER_PREDICATES = {
    "fault": 1,
    "point_applies": 2,
    "enforcement_fault": 1,
    "internal_fault": 1,
    "inaction": 1,
    "awaiting_finding": 2,
    "contradicted": 2,
    "responsible": 3,
    "displaced": 3,
    "cleared_subordinate": 2,
    "cleared_by_vote": 3,
    "vote_needs_finding": 3,
    "inaction_needs_finding": 1,
    "investigator_liable": 1,
    "aggravated": 3,
    "aggravation_needs_finding": 3,
    "mitigation_ground": 3,
    "mitigation_available": 3,
    "tail_blocks": 3,
    "combination_needs_finding": 2,
    "available_form": 2,
    "referral": 2,
    "recovery_needs_finding": 2,
    "commendation": 2,
    "disqualified": 3,
    "recusal_needs_finding": 2,
    "admitted": 1,
    "period_status": 3,
    "appeal_out_of_time": 1,
    "appeal_inadmissible": 1,
    "procedural_defect": 2,
    "result_withheld": 0,
    "duty_of_post": 2,
    "holds_post": 2,
}


def _check_shape(ev: Evaluation) -> None:
    program = ev.policy.program_for(ev.edition["id"])
    wrong = [
        Problem(
            "vocabulary.yaml",
            None,
            None,
            name,
            f"{name} has {program.predicates[name].arity} arguments; the answer reads it with {arity}",
            f"{name}/{arity} as in the reference vocabulary (or another name)",
        )
        for name, arity in sorted(ANSWER_PREDICATES.items())
        if name in program.predicates and program.predicates[name].arity != arity
    ]
    if wrong:
        raise ProblemsError(wrong)


# Art. 19: 向上级组织人事部门或监察部门申诉 — the second body no longer exists under that name.
APPEAL_BODIES = {
    "verbatim_unidentified": {
        "zh": "上级组织人事部门或监察部门（原文；监察部门现已不存在，待确认）",
        "en": "the superior organisation and personnel department or the 监察部门 (as written; that body no longer exists, to be confirmed)",
    },
    "supervisory_commission": {
        "zh": "上级组织人事部门或监察委员会（按解释参数）",
        "en": "the superior organisation and personnel department or the supervisory commission (by the reading chosen)",
    },
}

# Art. 13 sets no severity order; the parameter art13_severity_order says which one to report (if any).
SEVERITY_ORDERS: dict[str, list[list[str]] | None] = {
    "partial_order": [
        ["art_13__point_1", "art_13__point_2", "art_13__point_3"],
        ["art_13__point_4"],
        ["art_13__point_5"],
    ],
    "numbering_order": [[f"art_13__point_{n}"] for n in range(1, 6)],
    "no_order": None,
}

# Which conclusions each section reports, and when a case reaches it; the readings those conclusions
# depend on are listed in the answer even when they made something not happen.
SECTION_SCOPES: list[tuple[str, set[str]]] = [
    (
        "acts",
        {
            "fault",
            "point_applies",
            "awaiting_finding",
            "contradicted",
            "responsible",
            "displaced",
            "cleared_subordinate",
            "cleared_by_vote",
            "vote_needs_finding",
            "inaction_needs_finding",
            "available_form",
            "referral",
            "recovery_needs_finding",
        },
    ),
    (
        "circumstances",
        {
            "aggravated",
            "aggravation_needs_finding",
            "mitigation_available",
            "tail_blocks",
            "combination_needs_finding",
            "referral",
        },
    ),
    ("earlier_faults", {"aggravated"}),
    ("commendable_conduct", {"commendation"}),
    (
        "investigation",
        {
            "disqualified",
            "recusal_needs_finding",
            "admitted",
            "investigator_liable",
            "procedural_defect",
        },
    ),
    (
        "procedure",
        {
            "period_status",
            "appeal_out_of_time",
            "appeal_inadmissible",
            "procedural_defect",
            "result_withheld",
        },
    ),
]


def build_answer(ev: Evaluation) -> Answer:
    _check_shape(ev)
    b = _Builder(ev)
    withheld = "result_withheld" in ev.model_predicates and ev.model.holds("result_withheld", ())
    data: dict[str, Any] = {
        "format": ANSWER_FORMAT,
        "case": {
            "id": ev.case["case"]["id"],
            "title": ev.case["case"]["title"],
            "file": ev.case_file,
        },
        "as_of": ev.as_of,
        "policy": {
            "instrument": ev.policy.id,
            "document_number": ev.policy.instrument["document_number"],
            "edition": ev.edition["id"],
            "edition_effective_from": ev.edition["effective_from"],
            "edition_uncertain": ev.edition_uncertain,
            "encoding_version": ev.policy.version,
        },
        "faults": b.faults(),
        "verdicts": b.verdicts(),
        "investigators": b.investigators(),
        "aggravation": b.aggravation(),
        "mitigation": b.mitigation(),
        "sanctions": b.sanctions(),
        "referrals": b.referrals(),
        "commendations": b.commendations(),
        "recusal": b.recusal(),
        "time_limits": b.time_limits(),
        "procedural_defects": b.procedure(),
        "result_withheld": withheld,
    }
    if withheld:
        # Art. 18 (reading withhold_result): without the investigated person's statement no result is given.
        for key in (
            "verdicts",
            "investigators",
            "aggravation",
            "mitigation",
            "sanctions",
            "referrals",
        ):
            data[key] = []
        b.open_point(
            "statement",
            ["art_18__para_1"],
            "未听取被调查人意见，按所选解释不出具责任认定；听取意见后重新评估。",
            "The investigated person's statement was not heard; under the reading used no responsibility finding is given until it is.",
        )
    b.fixed_open_points()
    data["open_points"] = b.open_points
    data["warnings"] = ev.warnings
    definitions = ev.policy.parameter_index
    reached = set().union(*(preds for key, preds in SECTION_SCOPES if ev.case.get(key)))
    b.scope_params |= parameters_in_scope(b.program.rules, reached)
    overridden = {pid for pid, v in ev.parameters.items() if v != definitions[pid]["default"]}
    basis = {pid: "scope" for pid in b.scope_params} | {pid: "override" for pid in overridden}
    basis |= {pid: "derivation" for pid in b.used_params}
    data["parameters"] = [
        {
            "id": pid,
            "value": ev.parameters[pid],
            "default": pid not in overridden,
            "basis": basis[pid],
            "title": definitions[pid]["title"],
            "affects": definitions[pid]["affects"],
        }
        for pid in sorted(basis)
        if pid in definitions
    ]
    return Answer(data, ev)


_ATOM_TEXT = re.compile(r"^([a-z][a-z0-9_]*)\((.*)\)$")


def _split_args(text: str) -> list[str]:
    return [a.strip() for a in text.split(",")] if text.strip() else []


def _constant(text: str) -> Any:
    """An argument as the explanation printed it: integers back to int, quotes removed."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text.strip('"')


def _param_step(param: dict, value: Any) -> dict[str, Any]:
    label = {"zh": str(value), "en": str(value)}
    for option in param.get("options", []):
        if str(option["value"]) == str(value):
            label = option["label"]
    return {
        "parameter": param["id"],
        "value": value,
        "cites": list(param["affects"]),
        "zh": f"解释参数 {param['id']}（{param['title']['zh']}）= {label['zh']}",
        "en": f"interpretation parameter {param['id']} ({param['title']['en']}) = {label['en']}",
    }


def _dedupe(steps: list[dict]) -> list[dict]:
    seen, out = set(), []
    for s in steps:
        key = (s.get("rule"), s["zh"])
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def answer_case(
    policy: Policy,
    case: str | Path | dict | SourceDoc,
    as_of: str | date | None = None,
    parameters: dict[str, Any] | None = None,
    calendar_file: str | Path | None = None,
    *,
    backend: str | None = None,
) -> Answer:
    """Answer one case (path, mapping or loaded document): who is responsible, and why.

    ``as_of`` picks the edition in force and is "today" for running time limits (default: the
    case's own ``as_of``, else today); ``parameters`` overrides interpretation parameters by id;
    ``calendar_file`` supplies holidays the built-in calendar does not cover; ``backend`` picks the
    evaluator (``"native"`` by default, or ``"pydatalog"``: the same answer, slower).
    """
    return build_answer(run_query(policy, case, as_of, parameters, calendar_file, backend=backend))
