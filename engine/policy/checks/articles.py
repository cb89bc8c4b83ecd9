"""Articles agree with themselves and with the rest of the policy: numbering, eIds, citations, anomalies."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from engine.policy.citation import chinese_number
from engine.policy.layout import article_file
from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.model import Policy


def _article_doc(policy: Policy, article: dict):
    return policy.docs[article_file(article["eid"])]


def check_articles(policy: Policy) -> list[Problem]:
    """Numbers, headings and element eIds must agree with the article they sit in."""
    problems = []
    expected_numbers = list(range(1, len(policy.articles) + 1))
    for index, article in enumerate(policy.articles):
        doc = _article_doc(policy, article)
        eid, number = article["eid"], article["number"]
        if eid != f"art_{number}":
            problems.append(
                doc.problem(("number",), f"number {number} but eid {eid}", f"art_{number}")
            )
        if number != expected_numbers[index]:
            problems.append(
                doc.problem(
                    ("number",),
                    f"article {number} in position {index + 1}",
                    "articles 1, 2, 3 … in order",
                )
            )
        if article["heading"]["zh"] != f"第{chinese_number(number)}条":
            problems.append(
                doc.problem(
                    ("heading", "zh"),
                    f"heading {article['heading']['zh']}",
                    f"第{chinese_number(number)}条",
                )
            )
        if article["heading"]["en"] != f"Article {number}":
            problems.append(
                doc.problem(
                    ("heading", "en"), f"heading {article['heading']['en']}", f"Article {number}"
                )
            )
        problems.extend(_check_elements(doc, article))
    return problems


def _check_elements(doc, article: dict) -> list[Problem]:
    problems = []
    eid = article["eid"]
    points = paras = 0
    kinds = [e["kind"] for e in article["elements"]]
    for i, element in enumerate(article["elements"]):
        path = ("elements", i, "eid")
        kind, element_eid = element["kind"], element["eid"]
        if kind == "point":
            points += 1
            expected = f"{eid}__point_{points}"
            label = f"（{chinese_number(points)}）"
            if element.get("number") != points:
                problems.append(
                    doc.problem(
                        ("elements", i, "number"),
                        f"point number {element.get('number')}",
                        f"{points} (points numbered 1, 2, 3 … in order)",
                    )
                )
            if not element["text"]["zh"].startswith(label):
                problems.append(
                    doc.problem(
                        ("elements", i, "text", "zh"),
                        f"{element_eid} does not start with its label",
                        f"text starting with {label}",
                    )
                )
        elif kind == "para":
            paras += 1
            expected = f"{eid}__para_{paras}"
        else:
            expected = f"{eid}__intro"
            if i != 0:
                problems.append(
                    doc.problem(
                        ("elements", i, "kind"),
                        "a lead-in after other elements",
                        "the lead-in first",
                    )
                )
        if element_eid != expected:
            problems.append(
                doc.problem(path, f"eId {element_eid} does not fit its place in {eid}", expected)
            )
    if "intro" in kinds and "point" not in kinds:
        problems.append(
            doc.problem(
                ("elements",), f"{eid} has a lead-in but no points", "points after a lead-in"
            )
        )
    if "point" in kinds and "intro" not in kinds and "para" not in kinds:
        problems.append(
            doc.problem(
                ("elements",), f"{eid} has points but no lead-in", f"{eid}__intro before the points"
            )
        )
    return problems


def check_unique_ids(policy: Policy) -> list[Problem]:
    """eIds, rule ids and anomaly ids are identifiers used in URLs and answers: each once per policy."""
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for article in policy.articles:
        doc = _article_doc(policy, article)
        items = [
            ("eId", e["eid"], ("elements", i, "eid")) for i, e in enumerate(article["elements"])
        ]
        items += [("rule id", r["id"], ("rules", i, "id")) for i, r in enumerate(article["rules"])]
        items += [
            ("anomaly id", a["id"], ("anomalies", i, "id"))
            for i, a in enumerate(article["anomalies"])
        ]
        for what, value, path in items:
            key = (what, value)
            if key in seen:
                problems.append(
                    doc.problem(
                        path, f"duplicate {what} {value} (also in {seen[key]})", f"a unique {what}"
                    )
                )
            else:
                seen[key] = doc.file
    doc = policy.docs["instrument.yaml"]
    for i, anomaly in enumerate(policy.instrument["anomalies"]):
        key = ("anomaly id", anomaly["id"])
        if key in seen:
            problems.append(
                doc.problem(
                    ("anomalies", i, "id"),
                    f"duplicate anomaly id {anomaly['id']} (also in {seen[key]})",
                    "a unique anomaly id",
                )
            )
        seen[key] = doc.file
    pdoc = policy.docs["parameters.yaml"]
    params = Counter(p["id"] for p in policy.parameters["parameters"])
    for i, p in enumerate(policy.parameters["parameters"]):
        if params[p["id"]] > 1:
            problems.append(
                pdoc.problem(
                    ("parameters", i, "id"),
                    f"duplicate parameter id {p['id']}",
                    "a unique parameter id",
                )
            )
    return problems


FRONT_MATTER = {"title", "preamble", "salutation", "document_header", "document_number"}


def check_citations(policy: Policy) -> list[Problem]:
    """Every eId named anywhere must exist: rule citations, parameters, self-names, changelog, log entries."""
    problems = []

    def need(doc, path, eid, what, allow_front=False):
        if eid in policy.eids or (allow_front and eid in FRONT_MATTER):
            return
        problems.append(doc.problem(path, f"{what} {eid} does not exist", "an eId of this policy"))

    for article in policy.articles:
        doc = _article_doc(policy, article)
        for i, rule in enumerate(article["rules"]):
            for j, eid in enumerate(rule["cites"]):
                need(doc, ("rules", i, "cites", j), eid, f"rule {rule['id']} cites")
    pdoc = policy.docs["parameters.yaml"]
    for i, param in enumerate(policy.parameters["parameters"]):
        for j, eid in enumerate(param["affects"]):
            need(pdoc, ("parameters", i, "affects", j), eid, f"parameter {param['id']} affects")
    idoc = policy.docs["instrument.yaml"]
    for i, name in enumerate(policy.instrument["self_names"]):
        need(idoc, ("self_names", i, "where"), name["where"], "self-name place", allow_front=True)
        if (
            name["where"] in policy.elements
            and name["term"] not in policy.elements[name["where"]]["text"]["zh"]
        ):
            problems.append(
                idoc.problem(
                    ("self_names", i, "term"),
                    f"{name['term']} does not occur in {name['where']}",
                    "a term found in that element",
                )
            )
    for i, change in enumerate(policy.instrument["encoding"]["changelog"]):
        for j, eid in enumerate(change["eids"]):
            need(
                idoc,
                ("encoding", "changelog", i, "eids", j),
                eid,
                "changelog entry names",
                allow_front=True,
            )
    ndoc = policy.docs["normalisation.yaml"]
    for i, entry in enumerate(policy.normalisation["entries"]):
        need(ndoc, ("entries", i, "eid"), entry["eid"], "normalisation entry", allow_front=True)
    return problems


def _front_text(policy: Policy, where: str) -> str | None:
    if where == "title":
        return policy.instrument["title"]["zh"]
    if where in FRONT_MATTER:
        value = policy.instrument.get(where)
        return value["zh"] if isinstance(value, dict) else value
    element = policy.elements.get(where)
    return element["text"]["zh"] if element else None


def check_anomalies(policy: Policy) -> list[Problem]:
    """An anomaly must quote the official text it is about, word for word, in the element it names."""
    problems = []
    places: list[tuple[Any, tuple, dict, str | None]] = []
    for article in policy.articles:
        doc = _article_doc(policy, article)
        for i, anomaly in enumerate(article["anomalies"]):
            own = anomaly["eid"] == article["eid"] or anomaly["eid"].startswith(
                article["eid"] + "__"
            )
            if not own:
                problems.append(
                    doc.problem(
                        ("anomalies", i, "eid"),
                        f"anomaly {anomaly['id']} names {anomaly['eid']}, outside {article['eid']}",
                        f"an eId of {article['eid']}",
                    )
                )
            places.append((doc, ("anomalies", i), anomaly, article["eid"]))
    idoc = policy.docs["instrument.yaml"]
    for i, anomaly in enumerate(policy.instrument["anomalies"]):
        places.append((idoc, ("anomalies", i), anomaly, None))
    for doc, path, anomaly, article_eid in places:
        where = anomaly["eid"]
        if where == article_eid:
            article = policy.article_of[where]
            text = "".join(e["text"]["zh"] for e in article["elements"])
        else:
            text = _front_text(policy, where)
        if text is None:
            problems.append(
                doc.problem(
                    path + ("eid",),
                    f"anomaly {anomaly['id']} names unknown {where}",
                    "an eId of this policy or title/preamble",
                )
            )
        elif anomaly["excerpt"] not in text:
            problems.append(
                doc.problem(
                    path + ("excerpt",),
                    f"excerpt of anomaly {anomaly['id']} is not in the text of {where}",
                    "a verbatim quotation of the official text",
                )
            )
    return problems
