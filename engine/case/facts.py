"""Turn a checked case file into the input facts of the rules (see vocabulary.yaml).

This is deliberately a plain, mechanical translation: every legal conclusion is left to the rules in the
article files, so that each one can be cited and explained. The only computations here are those the
rule language cannot do (date arithmetic with holiday calendars, parameter lookup), and each of them is
recorded in the answer.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

Facts = dict[str, set[tuple]]


def case_facts(case: dict[str, Any]) -> Facts:
    """The facts stated by the case file itself (no parameters, no computed dates)."""
    facts: Facts = defaultdict(set)
    add = _adder(facts)
    posts = {p["id"]: p for p in case.get("posts", [])}
    for p in case["people"]:
        if p.get("staff", True):
            add("staff", p["id"])
        if p.get("enforcement_officer"):
            add("enforcement_officer", p["id"])
        if "leader" in p:
            add("leader_status", p["id"], _yes_no(p["leader"]))
        if "employment" in p:
            add("employment", p["id"], p["employment"])
        if "post" in p:
            add("holds_post", p["id"], p["post"])
            if "post_since" in p:
                add("tenure_from", p["id"], p["post"], p["post_since"])
        for held in p.get("former_posts", []):
            add("holds_post", p["id"], held["post"])
            if "from" in held:
                add("tenure_from", p["id"], held["post"], held["from"])
            add("tenure_to", p["id"], held["post"], held["to"])
    for act in case.get("acts", []):
        _act_facts(act, posts, add)
    for c in case.get("circumstances", []):
        add("circumstance", c["act"], c["person"], c["ground"])
    for fid, f in earlier_fault_ids(case):
        add("earlier_fault", fid, f["person"], f["point"], f["date"])
        if "established" in f:
            add("earlier_fault_established", fid, _yes_no(f["established"]))
    for c in case.get("commendable_conduct", []):
        if c["outstanding"]:
            add("commendable_conduct", c["person"], c["conduct"])
        if "act" in c:
            add("conduct_on_act", c["person"], c["conduct"], c["act"])
    inv = case.get("investigation", {})
    for pid in inv.get("investigated", []):
        add("investigated", pid)
    for pid in inv.get("proposed_members", []):
        add("proposed_member", pid)
    for f in inv.get("interest_findings", []):
        add("interest_finding", f["member"], "yes" if f["may_affect_impartiality"] else "no")
    for pid in inv.get("investigator_wrong_case", []):
        add("investigator_wrong_case", pid)
    rel = case.get("relations", {})
    for link in rel.get("parents", []):
        kind = link.get("kind", "birth")
        if kind == "birth":
            add("parent", link["child"], link["parent"])
        else:
            add("parent_link", link["child"], link["parent"], kind)
    for a, b in rel.get("spouses", []):
        add("spouse", a, b)
    for a, b in rel.get("support", []):
        add("supports", a, b)
    for tie in rel.get("ties", []):
        add("tie", tie["person"], tie["other"], tie["kind"])
    proc = case.get("procedure", {})
    for pid in proc.get("statements_heard", []):
        add("statement_heard", pid)
    report = proc.get("findings_report")
    if report is not None:
        add("report_proposal", _yes_no(report["handling_proposal"]))
        for pid in report["statements_of"]:
            add("report_statement", pid)
    if "investigation_closed_on" in proc:
        add("investigation_closed", proc["investigation_closed_on"])
    return facts


def earlier_fault_ids(case: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each earlier fault with its id: its own, or earlier_fault_<n> by position (from 1)."""
    return [
        (f.get("id", f"earlier_fault_{n}"), f)
        for n, f in enumerate(case.get("earlier_faults", []), start=1)
    ]


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _adder(facts: Facts):
    def add(predicate: str, *args: Any) -> None:
        facts[predicate].add(tuple(args))

    return add


def _act_facts(act: dict[str, Any], posts: dict[str, dict], add) -> None:
    a = act["id"]
    add("act", a)
    if "date" in act:
        add("act_date", a, act["date"])
    for role in ("handler", "reviewer", "approver"):
        if role in act:
            add("role", a, act[role], role)
    for pid in act.get("correct_opinions", []):
        add("opinion_correct", a, pid)
    for change in act.get("opinion_changes", []):
        add("changed_opinion", a, change["by"], change["changed"])
    for c in act.get("culpability", []):
        add("culpability", a, c["person"], c["form"])
    for c in act.get("caused_errors", []):
        add("caused_error", a, c["by"], c["of"])
    for point in act.get("points", []):
        add("point_alleged", a, point["point"])
        if point.get("finding") == "confirmed":
            add("point_confirmed", a, point["point"])
    inspection = act.get("inspection")
    if inspection is not None:
        add("inspection", a)
        if "inspectors" in inspection:
            add("inspectors", a, inspection["inspectors"])
        if "team_members" in inspection:
            add("team_size", a, inspection["team_members"])
        if "certificate_shown" in inspection:
            add("certificate", a, "shown" if inspection["certificate_shown"] else "not_shown")
        for pid in inspection.get("officers", []):
            add("inspecting_officer", a, pid)
    internal = act.get("internal_affairs", {})
    for key in ("submitted_on", "submit_due", "sent_on", "send_due"):
        if key in internal:
            add(key, a, internal[key])
    if "justified_delay" in internal:
        add("justification", a, _yes_no(internal["justified_delay"]))
    if internal.get("outgoing_document"):
        add("outgoing_document", a)
        if "signed_off_by_leader" in internal:
            add("sign_off", a, "yes" if internal["signed_off_by_leader"] else "no")
    for kind in act.get("harm", []):
        add("harm", a, kind)
    inaction = act.get("inaction")
    if inaction:
        add("inaction", a)
        for post_id, post in sorted(posts.items()):
            if inaction["duty"] in post["duties"]:
                add("duty_of_post", a, post_id)
    for ins in act.get("instructions", []):
        add("instruction", a, ins["leader"], ins["subordinate"])
        if ins["objected"]:
            add("objected", a, ins["subordinate"], ins["leader"])
        if ins["manifestly_unlawful"]:
            add("manifestly_unlawful", a, ins["leader"])
        if not ins.get("led_to_fault", True):
            add("instruction_not_causal", a, ins["leader"], ins["subordinate"])
    decision = act.get("collective_decision")
    if decision:
        add("collective_decision", a, decision["id"])
        add("decision_maker", decision["id"], decision["decision_maker"])
        if "presiding_leader" in decision:
            add("presiding", decision["id"], decision["presiding_leader"])
        for v in decision["votes"]:
            add("vote", decision["id"], v["person"], v["vote"])


def parameter_facts(values: dict[str, Any], definitions: dict[str, dict]) -> Facts:
    """Interpretation parameters as facts, so rules can branch on them and explanations show them."""
    facts: Facts = defaultdict(set)
    for pid in sorted(values):
        value, kind = values[pid], definitions[pid]["type"]
        if kind == "integer":
            if value is not None:
                facts["param_int"].add((pid, value))
        elif kind == "list":
            for item in value:
                facts["param_member"].add((pid, str(item)))
        elif kind == "boolean":
            facts["param"].add((pid, "true" if value else "false"))
        elif value is not None:
            facts["param"].add((pid, str(value)))
    return facts
