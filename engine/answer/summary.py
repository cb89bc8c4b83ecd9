"""The outcome of an answer without its explanations: what fixtures record and reviews compare.

Explanations change whenever a reading is reworded; outcomes change only when the law's application
changes. Fixtures and the semantic diff compare this projection, so a reworded reading is not reported
as a changed outcome, while any change of who is responsible, which deadline, or who must recuse is.
"""

from __future__ import annotations

from typing import Any


def summarize(answer: dict[str, Any]) -> dict[str, Any]:
    """A deterministic, explanation-free projection of an answer dict (see schema/answer.schema.json)."""
    return {
        "faults": [
            {"act": f["act"], "fault": f["fault"], "points": list(f["points"])}
            for f in answer["faults"]
        ],
        "verdicts": sorted(
            (
                {
                    "act": v["act"],
                    "person": v["person"],
                    "verdict": v["verdict"],
                    "degrees": sorted(d["degree"] for d in v.get("degrees", [])),
                    "why_not": sorted(_why_not_key(r) for r in v.get("why_not", [])),
                }
                for v in answer["verdicts"]
            ),
            key=lambda v: (v["act"], v["person"]),
        ),
        "investigators": sorted(i["person"] for i in answer["investigators"]),
        "aggravation": sorted(
            (
                {"act": a["act"], "person": a["person"], "point": a["point"]}
                for a in answer["aggravation"]
            ),
            key=lambda a: (a["act"], a["person"], a["point"]),
        ),
        "mitigation": [
            {
                "act": m["act"],
                "person": m["person"],
                "grounds": sorted(g["point"] for g in m["grounds"]),
                "available": sorted(m["available"]),
                "excluded": sorted(x["form"] for x in m["excluded"]),
            }
            for m in answer["mitigation"]
        ],
        # the readings of Art. 13 say what the deciding body may do with the forms (combine them,
        # go beyond them, rank them, impose 13(5) itself): outcomes, not wording
        "sanctions": [
            {
                "person": s["person"],
                "forms": list(s["forms"]),
                "exhaustive": s["exhaustive"],
                "combinable": s["combinable"],
                "severity_order": s["severity_order"],
                "referral_forms": list(s["referral_forms"]),
            }
            for s in answer["sanctions"]
        ],
        "referrals": sorted(
            ({"person": r["person"], "to": r["to"]} for r in answer["referrals"]),
            key=lambda r: (r["person"], r["to"]),
        ),
        "commendations": sorted(
            ({"person": c["person"], "conduct": c["conduct"]} for c in answer["commendations"]),
            key=lambda c: (c["person"], c["conduct"]),
        ),
        "recusal": [
            {
                "member": r["member"],
                "status": r["status"],
                "grounds": sorted(
                    (
                        {"point": g["point"], "relation": g["relation"]}
                        for g in r.get("grounds", [])
                    ),
                    key=lambda g: (g["point"], g["relation"]),
                ),
            }
            for r in answer["recusal"]
        ],
        "time_limits": [
            {
                "period": t["period"],
                "subject": t["subject"],
                "start": t["start"],
                "due": t.get("due"),
                "done": t.get("done"),
                "status": t["status"],
                # a late appeal: whether it is inadmissible (Art. 19's reading) is an outcome too
                **({"inadmissible": t["inadmissible"]} if "inadmissible" in t else {}),
            }
            for t in answer["time_limits"]
        ],
        "procedural_defects": sorted(
            ({"person": p["person"], "point": p["point"]} for p in answer["procedural_defects"]),
            key=lambda p: (p["person"], p["point"]),
        ),
        "open_points": sorted(
            (
                {"kind": o["kind"], "cites": list(o["cites"]), "about": o["about"]}
                for o in answer["open_points"]
            ),
            key=lambda o: (o["kind"], o["cites"], sorted(o["about"].items())),
        ),
        "result_withheld": answer["result_withheld"],
    }


def _why_not_key(reason: dict[str, Any]) -> str:
    kind = reason["kind"]
    if kind == "displaced":
        return f"displaced:{reason['by']}"
    if kind == "cleared_by_vote":
        return f"cleared_by_vote:{reason['vote']}"
    return kind
