"""Check an answer against an outcome stated the way a legal officer states it.

Authored examples in the article files say things like "the reviewer is the one responsible; the handler
is not, because an exception displaced the default". This module turns each such statement into a check
on the answer and returns every statement that does not hold, in words.
"""

from __future__ import annotations

from typing import Any


def unmet_expectations(expect: dict[str, Any], answer: dict[str, Any]) -> list[str]:
    """Every statement of ``expect`` that the answer contradicts (empty when all hold)."""
    out: list[str] = []
    faults = {f["act"]: f for f in answer["faults"]}
    verdicts = {(v["act"], v["person"]): v for v in answer["verdicts"]}
    recusal = {r["member"]: r for r in answer["recusal"]}

    for f in expect.get("faults", []):
        got = faults.get(f["act"])
        if not got or not got["fault"] or sorted(got["points"]) != sorted(f["points"]):
            out.append(
                f"fault {f['act']} with points {f['points']}: got {got and (got['fault'], got['points'])}"
            )
    for act in expect.get("no_fault", []):
        if faults.get(act, {}).get("fault"):
            out.append(f"act {act} should not be a fault")
    for r in expect.get("responsible", []):
        v = verdicts.get((r["act"], r["person"]))
        degrees = [d["degree"] for d in v.get("degrees", [])] if v else []
        if r["degree"] not in degrees:
            out.append(
                f"{r['person']} should be responsible ({r['degree']}) for {r['act']}: got {degrees or 'not responsible'}"
            )
    for r in expect.get("not_responsible", []):
        v = verdicts.get((r["act"], r["person"]))
        if v is None or v["verdict"] != "not_responsible":
            out.append(
                f"{r['person']} should not be responsible for {r['act']}: got {v and v['verdict']}"
            )
        elif "because" in r and r["because"] not in [w["kind"] for w in v["why_not"]]:
            out.append(
                f"{r['person']} should be cleared by {r['because']}: got {[w['kind'] for w in v['why_not']]}"
            )
    _same_set(out, "investigators", expect, [i["person"] for i in answer["investigators"]])
    for a in expect.get("aggravated", []):
        if not any(
            x["person"] == a["person"] and x["point"] == a["point"] for x in answer["aggravation"]
        ):
            out.append(f"{a['person']} should be aggravated under {a['point']}")
    for m in expect.get("mitigation", []):
        got = sorted(
            f for x in answer["mitigation"] if x["person"] == m["person"] for f in x["available"]
        )
        if got != sorted(m["available"]):
            out.append(f"{m['person']} mitigation available {sorted(m['available'])}: got {got}")
    for r in expect.get("referrals", []):
        if not any(x["person"] == r["person"] and x["to"] == r["to"] for x in answer["referrals"]):
            out.append(f"{r['person']} should be referred ({r['to']})")
    _same_set(out, "commendations", expect, [c["person"] for c in answer["commendations"]])
    for status, key in (("admitted", "admitted"), ("needs_finding", "needs_finding")):
        for member in expect.get(key, []):
            got = recusal.get(member, {}).get("status")
            if got != status:
                out.append(f"{member} should be {status}: got {got}")
    for d in expect.get("disqualified", []):
        r = recusal.get(d["member"], {})
        grounds = r.get("grounds", [])
        ok = r.get("status") == "disqualified" and any(
            g["point"] == d["point"] and ("relation" not in d or g["relation"] == d["relation"])
            for g in grounds
        )
        if not ok:
            out.append(
                f"{d['member']} should be disqualified under {d['point']} {d.get('relation', '')}: got {r.get('status')} {grounds and [(g['point'], g['relation']) for g in grounds]}"
            )
    for t in expect.get("time_limits", []):
        match = [
            x
            for x in answer["time_limits"]
            if x["period"] == t["period"] and x["subject"] == t.get("subject", "case")
        ]
        if not match:
            out.append(f"time limit {t['period']} missing")
            continue
        got = match[0]
        if got["status"] != t["status"] or ("due" in t and got.get("due") != t["due"]):
            out.append(
                f"time limit {t['period']}: expected {t.get('due')} {t['status']}, got {got.get('due')} {got['status']}"
            )
    _same_set(
        out, "procedural_defects", expect, [p["person"] for p in answer["procedural_defects"]]
    )
    kinds = [o["kind"] for o in answer["open_points"]]
    for kind in expect.get("open_points", []):
        if kind not in kinds:
            out.append(f"open point {kind} expected: got {kinds}")
    return out


def _same_set(out: list[str], key: str, expect: dict, got: list[str]) -> None:
    if key in expect and sorted(expect[key]) != sorted(got):
        out.append(f"{key}: expected {sorted(expect[key])}, got {sorted(got)}")
