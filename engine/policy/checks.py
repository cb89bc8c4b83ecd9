"""Checks that no single-file schema can express: the policy files must agree with each other.

Each check returns located problems and never stops at the first, so a reviewer sees every broken
citation, duplicated eId or stale review fingerprint in one run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.load import Policy

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 17 → 十七, 19 → 十九, 20 → 二十 (enough for article and point numbers)."""
    if n < 1 or n > 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    out = ""
    if tens:
        out += ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十"
    if ones:
        out += CHINESE_NUMERALS[ones - 1]
    return out


def check_article_files(root: Path, article_eids: list[str], display: Callable) -> list[Problem]:
    """instrument.yaml's article list and the files in articles/ must match one to one."""
    from engine.policy.load import article_file

    problems = []
    instrument = display(root / "instrument.yaml")
    for eid, count in Counter(article_eids).items():
        if count > 1:
            problems.append(
                Problem(instrument, None, None, "$.articles", f"{eid} listed {count} times", "once")
            )
    listed = {article_file(eid) for eid in article_eids}
    for eid in article_eids:
        if not (root / article_file(eid)).is_file():
            problems.append(
                Problem(
                    instrument,
                    None,
                    None,
                    "$.articles",
                    f"{eid} is listed but {article_file(eid)} does not exist",
                    "one file per listed article",
                )
            )
    for path in sorted((root / "articles").glob("*")):
        rel = f"articles/{path.name}"
        if rel not in listed:
            problems.append(
                Problem(
                    display(path),
                    None,
                    None,
                    "",
                    "file is not listed in instrument.yaml articles",
                    "articles/art_NN.yaml for each listed article, nothing else",
                )
            )
    return problems


def check_policy(policy: Policy) -> list[Problem]:
    problems: list[Problem] = []
    for check in (
        check_articles,
        check_unique_ids,
        check_citations,
        check_anomalies,
        check_parameters,
        check_vocabulary,
        check_reviews,
        check_editions,
        check_edition_membership,  # issue 6: rules and elements tagged with editions
        check_source,
        check_rules,
        check_examples,
    ):
        problems.extend(check(policy))
    return problems


def _article_doc(policy: Policy, article: dict):
    from engine.policy.load import article_file

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


def check_parameters(policy: Policy) -> list[Problem]:
    """Defaults must be allowed values; rules may only depend on parameters that exist."""
    problems = []
    doc = policy.docs["parameters.yaml"]
    for i, p in enumerate(policy.parameters["parameters"]):
        problems.extend(
            parameter_value_problems(p, p["default"], doc, ("parameters", i, "default"))
        )
        if p["type"] == "enum":
            values = Counter(o["value"] for o in p["options"])
            for value, n in values.items():
                if n > 1:
                    problems.append(
                        doc.problem(
                            ("parameters", i, "options"),
                            f"option {value!r} listed {n} times",
                            "each option once",
                        )
                    )
    for article in policy.articles:
        adoc = _article_doc(policy, article)
        for i, rule in enumerate(article["rules"]):
            for j, pid in enumerate(rule.get("parameters", [])):
                if pid not in policy.parameter_index:
                    problems.append(
                        adoc.problem(
                            ("rules", i, "parameters", j),
                            f"rule {rule['id']} depends on unknown parameter {pid}",
                            "a parameter id from parameters.yaml",
                        )
                    )
    return problems


def parameter_value_problems(param: dict, value: Any, doc, path: tuple) -> list[Problem]:
    """Whether ``value`` is allowed for ``param``; shared by the policy check and per-query overrides."""
    kind = param["type"]
    if kind == "enum":
        allowed = [o["value"] for o in param["options"]]
        if value not in allowed:
            return [
                doc.problem(
                    path,
                    f"{value!r} is not an option of {param['id']}",
                    "one of " + ", ".join(map(repr, allowed)),
                )
            ]
    elif kind == "integer":
        if value is None and param.get("nullable"):
            return []
        if not isinstance(value, int) or isinstance(value, bool):
            return [
                doc.problem(path, f"{value!r} is not an integer", f"an integer for {param['id']}")
            ]
        low, high = param.get("minimum"), param.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            return [
                doc.problem(
                    path, f"{value} is out of range for {param['id']}", f"between {low} and {high}"
                )
            ]
    elif kind == "boolean":
        if not isinstance(value, bool):
            return [
                doc.problem(path, f"{value!r} is not true/false", f"a boolean for {param['id']}")
            ]
    elif kind == "list" and not isinstance(value, list):
        return [doc.problem(path, f"{value!r} is not a list", f"a list for {param['id']}")]
    return []


def check_vocabulary(policy: Policy) -> list[Problem]:
    problems = []
    doc = policy.docs["vocabulary.yaml"]
    domains = Counter(d["name"] for d in policy.vocabulary["domains"])
    for i, d in enumerate(policy.vocabulary["domains"]):
        if domains[d["name"]] > 1:
            problems.append(
                doc.problem(
                    ("domains", i, "name"), f"duplicate domain {d['name']}", "a unique domain name"
                )
            )
    names = Counter(p["name"] for p in policy.vocabulary["predicates"])
    for i, pred in enumerate(policy.vocabulary["predicates"]):
        if names[pred["name"]] > 1:
            problems.append(
                doc.problem(
                    ("predicates", i, "name"),
                    f"duplicate predicate {pred['name']}",
                    "a unique predicate name",
                )
            )
        for j, arg in enumerate(pred["args"]):
            if arg["domain"] not in domains:
                problems.append(
                    doc.problem(
                        ("predicates", i, "args", j, "domain"),
                        f"unknown domain {arg['domain']}",
                        "a domain declared under domains",
                    )
                )
        if pred.get("acyclic") and len(pred["args"]) != 2:
            problems.append(
                doc.problem(
                    ("predicates", i, "acyclic"),
                    f"{pred['name']} is declared acyclic but has {len(pred['args'])} arguments",
                    "a binary relation",
                )
            )
    return problems


def check_reviews(policy: Policy) -> list[Problem]:
    """A review is of a specific text: if the text changed since, the review no longer holds."""
    from engine.policy.source_text import element_texts_sha256

    problems = []
    for article in policy.articles:
        doc = _article_doc(policy, article)
        review = article["review"]
        actual = element_texts_sha256(article["elements"])
        if review["text_sha256"] != actual:
            reviewed = review["status"] == "reviewed"
            problems.append(
                doc.problem(
                    ("review", "text_sha256"),
                    f"{article['eid']} text changed since its review record"
                    + (
                        f" (reviewed by {review['reviewer']} on {review['date']})"
                        if reviewed
                        else ""
                    ),
                    f"text_sha256 {actual} after a new review",
                    severity="error" if reviewed else "warning",
                    code="review-stale",
                )
            )
    return problems


def check_edition_membership(policy: Policy) -> list[Problem]:
    from engine.policy.versions import check_edition_membership as check

    return check(policy)


def check_editions(policy: Policy) -> list[Problem]:
    """Edition periods must be well ordered: no overlap, no gap once the first has started."""
    problems = []
    doc = policy.docs["instrument.yaml"]
    editions = policy.instrument["editions"]
    for i, edition in enumerate(editions):
        start, end = edition["effective_from"], edition["effective_to"]
        if start and end and end < start:
            problems.append(
                doc.problem(
                    ("editions", i, "effective_to"),
                    f"edition {edition['id']} ends ({end}) before it starts ({start})",
                    "effective_to on or after effective_from",
                )
            )
        if start and int(start[:4]) < edition["issued_year"]:
            problems.append(
                doc.problem(
                    ("editions", i, "effective_from"),
                    f"edition {edition['id']} takes effect in {start[:4]}, before it was issued ({edition['issued_year']})",
                    "an effective date in or after the year of issue",
                )
            )
    for i in range(1, len(editions)):
        prev, cur = editions[i - 1], editions[i]
        if prev["effective_to"] is None:
            problems.append(
                doc.problem(
                    ("editions", i - 1, "effective_to"),
                    f"edition {prev['id']} has no end but edition {cur['id']} follows it",
                    "an end date for every edition but the last",
                )
            )
        elif (
            cur["effective_from"] is not None
            and _day_after(prev["effective_to"]) != cur["effective_from"]
        ):
            # issue 6: say which it is, overlap or gap, and by how many days
            days = _days_between(_day_after(prev["effective_to"]), cur["effective_from"])
            what = f"a gap of {days} day(s)" if days > 0 else f"an overlap of {-days} day(s)"
            problems.append(
                doc.problem(
                    ("editions", i, "effective_from"),
                    f"edition {cur['id']} starts {cur['effective_from']} but {prev['id']} ends "
                    f"{prev['effective_to']}: {what}",
                    f"{_day_after(prev['effective_to'])} (no gap, no overlap)",
                    code="edition-gap" if days > 0 else "edition-overlap",
                )
            )
    return problems


def _days_between(first: str, second: str) -> int:
    from datetime import date

    return (date.fromisoformat(second) - date.fromisoformat(first)).days


def _day_after(iso: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()


def check_source(policy: Policy) -> list[Problem]:
    """The encoded text, with the normalisation log undone, must give back the received file byte for byte."""
    from engine.policy.source_text import check_normalisation, rebuild_received

    doc = policy.docs["normalisation.yaml"]
    positions = [doc.position(("entries", i)) for i in range(len(policy.normalisation["entries"]))]
    problems = [
        p
        for p in check_normalisation(
            policy.instrument, policy.articles, policy.normalisation, positions=positions
        )
        if p.code != "round-trip"  # reported below, with the line where the texts part
    ]
    if problems:
        return problems
    doc = policy.docs["normalisation.yaml"]
    received_path = policy.root / policy.normalisation["received_file"]
    try:
        received = received_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [
            doc.problem(
                ("received_file",),
                f"cannot read the received text: {exc}",
                "the received file, UTF-8",
            )
        ]
    from engine.policy.source_text import sha256_hex

    if sha256_hex(received) != policy.normalisation["received_sha256"]:
        return [
            doc.problem(
                ("received_sha256",),
                f"{policy.normalisation['received_file']} has sha256 {sha256_hex(received)}, "
                "not the recorded received_sha256",
                "the received text exactly as it was received (it is never edited)",
                code="received-changed",
            )
        ]
    rebuilt = rebuild_received(policy.instrument, policy.articles, policy.normalisation)
    if rebuilt != received:
        at = next(
            (i for i, (a, b) in enumerate(zip(rebuilt, received, strict=False)) if a != b),
            min(len(rebuilt), len(received)),
        )
        line = received.count("\n", 0, at) + 1
        return [
            doc.problem(
                ("entries",),
                f"the encoded text with the log undone differs from the received text at line {line} of "
                f"{policy.normalisation['received_file']}: {received[at : at + 12]!r} vs {rebuilt[at : at + 12]!r}",
                "every change from the received text recorded in normalisation.yaml",
                code="round-trip",
            )
        ]
    return []


def check_rules(policy: Policy) -> list[Problem]:
    """Compile the rules with the vocabulary; every static-check problem is located in its article file."""
    from engine.policy.compile import compile_edition_programs

    programs, problems = compile_edition_programs(policy)  # one program per edition (issue 6)
    if programs is not None:
        policy.programs_by_edition.update(programs)  # compiled once: the check's programs are used
    problems = list(problems)
    ids = {r["id"] for r in policy.rules}
    for article in policy.articles:
        doc = _article_doc(policy, article)
        for i, rule in enumerate(article["rules"]):
            for j, other in enumerate(rule.get("displaces", [])):
                if other not in ids:
                    problems.append(
                        doc.problem(
                            ("rules", i, "displaces", j),
                            f"rule {rule['id']} displaces unknown rule {other}",
                            "the id of a rule of this policy",
                        )
                    )
                elif other == rule["id"]:
                    problems.append(
                        doc.problem(
                            ("rules", i, "displaces", j),
                            f"rule {rule['id']} displaces itself",
                            "another rule's id",
                        )
                    )
    return problems


def check_examples(policy: Policy) -> list[Problem]:
    """Worked examples must be valid cases citing real eIds, under parameters that exist."""
    from engine.case.load import case_problems
    from engine.files.schemas import schema_problems
    from engine.policy.parameters import resolve_parameters
    from engine.problems import ProblemsError

    problems = []
    seen: dict[str, str] = {}
    for article in policy.articles:
        doc = _article_doc(policy, article)
        for i, example in enumerate(article.get("examples", [])):
            base = ("examples", i)
            if example["id"] in seen:
                problems.append(
                    doc.problem(
                        base + ("id",),
                        f"duplicate example id {example['id']} (also in {seen[example['id']]})",
                        "a unique example id",
                    )
                )
            seen[example["id"]] = doc.file
            for j, eid in enumerate(example["eids"]):
                if eid not in policy.eids:
                    problems.append(
                        doc.problem(
                            base + ("eids", j),
                            f"example {example['id']} names {eid}, which does not exist",
                            "an eId of this policy",
                        )
                    )
            case = doc.part(base + ("case",))
            found = schema_problems(case, "case") or case_problems(case)
            problems.extend(found)
            try:
                resolve_parameters(policy.parameter_index, example.get("parameters"))
            except ProblemsError as exc:
                problems.extend(
                    doc.problem(base + ("parameters",), p.message, p.expected) for p in exc.problems
                )
    return problems
