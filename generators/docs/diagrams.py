"""Diagrams drawn from the Policy as inline SVG: exception trees, the procedure timeline, dependency
graphs.

Pure Python on purpose: no Graphviz binary to install, no JavaScript, nothing fetched from a CDN,
and the same policy always gives the same bytes. Nodes are links (to the rule, provision or
predicate they show), which is why the SVG is inlined into the page rather than referenced as an
image.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.answer.names import eid_label
from engine.answer.periods import period_rule
from engine.datalog import Negated, Positive
from engine.datalog.strata import strongly_connected_components
from engine.policy.parameters import resolve_parameters
from generators.docs import svg
from generators.docs.markdown import reading_plain, url

if TYPE_CHECKING:
    from engine.datalog import Rule
    from engine.policy.model import Policy

INK = "#1f2937"
DEFAULT_FILL, DEFAULT_STROKE = "#dbeafe", "#1d4ed8"
EXCEPTION_FILL, EXCEPTION_STROKE = "#ffedd5", "#c2410c"
INPUT_FILL, INPUT_STROKE = "#e0f2fe", "#0369a1"
DERIVED_FILL, DERIVED_STROKE = "#fef3c7", "#b45309"
NEGATION = "#dc2626"


def article_page(eid: str) -> str:
    return f"articles/{eid}.md"


def cites_label(eids: list[str] | tuple[str, ...], lang: str) -> str:
    """Points 1 and 2 of Article 11 → 第十一条第（一）项、第（二）项 / Art. 11(1), (2)."""
    out: list[str] = []
    last_article = None
    for eid in eids:
        article = eid.split("__")[0]
        label = eid_label(eid, lang)
        if article == last_article:
            head = eid_label(article, lang)
            label = label[len(head) :].strip() or label
        out.append(label)
        last_article = article
    return ("、" if lang == "zh" else ", ").join(out)


def wrap(content: str, max_width: float, size: float) -> list[str]:
    """Greedy line breaking: between words for Latin text, between characters for CJK."""
    lines: list[str] = []
    current = ""
    tokens: list[str] = []
    word = ""
    for ch in content:
        if ch == " " or svg.text_width(ch, 1) >= 1:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    for token in tokens:
        candidate = current + token
        if current and svg.text_width(candidate.rstrip(), size) > max_width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    return lines


# ── exception trees ──────────────────────────────────────────────────────────────────────────────


@dataclass
class _TreeNode:
    rule_id: str
    depth: int
    children: list[_TreeNode]
    y: float = 0.0


def exception_edges(policy: Policy, article: dict) -> list[tuple[str, str]]:
    """(exception, displaced) pairs in which a rule of ``article`` takes part, in policy order."""
    mine = {r["id"] for r in article["rules"]}
    edges = []
    for rule in policy.rules:
        for displaced in rule.get("displaces", []):
            if rule["id"] in mine or displaced in mine:
                edges.append((rule["id"], displaced))
    return edges


def exception_tree_svg(policy: Policy, article: dict, page: str) -> str | None:
    """Default rules on the left, the exceptions that displace them to their right; None if none."""
    edges = exception_edges(policy, article)
    if not edges:
        return None
    order = {r["id"]: i for i, r in enumerate(policy.rules)}
    displacers: dict[str, list[str]] = defaultdict(list)
    for exception, displaced in edges:
        if exception not in displacers[displaced]:
            displacers[displaced].append(exception)
    exceptions = {e for e, _ in edges}
    roots = sorted({d for _, d in edges if d not in exceptions}, key=order.__getitem__)
    if not roots:  # every displaced rule is itself an exception (a cycle): show them all as roots
        roots = sorted({d for _, d in edges}, key=order.__getitem__)

    def build(rule_id: str, depth: int, seen: frozenset) -> _TreeNode:
        kids = [] if rule_id in seen else sorted(displacers.get(rule_id, []), key=order.__getitem__)
        return _TreeNode(
            rule_id, depth, [build(k, depth + 1, seen | {rule_id}) for k in kids if k not in seen]
        )

    trees = [build(r, 0, frozenset()) for r in roots]
    line_h, pad = 15.0, 8.0
    box_h = 3 * line_h + 2 * pad
    gap_y, gap_x, top = 12.0, 90.0, 34.0

    def lines_of(rule_id: str) -> list[str]:
        """The clause in Chinese first (what a reader knows it by), then in English, the id last."""
        cites = policy.rule_index[rule_id]["cites"]
        return [cites_label(cites, "zh"), cites_label(cites, "en"), rule_id]

    def box_w(rule_id: str) -> float:
        a, b, c = lines_of(rule_id)
        widths = [svg.text_width(a, 13), svg.text_width(b, 11), svg.text_width(c, 10, mono=True)]
        return min(max(widths), 420) + 2 * pad

    col_w: dict[int, float] = defaultdict(float)
    leaves = [0]

    def place(node: _TreeNode) -> None:
        col_w[node.depth] = max(col_w[node.depth], box_w(node.rule_id))
        if not node.children:
            node.y = top + leaves[0] * (box_h + gap_y)
            leaves[0] += 1
            return
        for child in node.children:
            place(child)
        node.y = (node.children[0].y + node.children[-1].y) / 2

    for tree in trees:
        place(tree)
        leaves[0] += 0.5  # breathing space between separate trees
    col_x = {0: 16.0}
    for depth in sorted(col_w)[1:]:
        col_x[depth] = col_x[depth - 1] + col_w[depth - 1] + gap_x
    width = max(col_x[d] + col_w[d] for d in col_w) + 16
    height = top + leaves[0] * (box_h + gap_y) + 8
    zh, en = eid_label(article["eid"], "zh"), eid_label(article["eid"], "en")
    title = f"{zh}的例外关系 · Exceptions in {en}"
    doc = svg.Svg(width, height, title)
    doc.arrow_marker("arrow-displaces", EXCEPTION_STROKE)
    doc.add(svg.text(16, 18, "默认规则 default rule", size=11, fill=DEFAULT_STROKE, weight="bold"))
    doc.add(
        svg.text(
            width - 16,
            18,
            "例外 exception ——排除 displaces→",
            size=11,
            anchor="end",
            fill=EXCEPTION_STROKE,
            weight="bold",
        )
    )

    def draw(node: _TreeNode) -> None:
        x, y = col_x[node.depth], node.y
        for child in node.children:
            cx, cy = col_x[child.depth], child.y
            x1, y1 = cx, cy + box_h / 2
            x2, y2 = x + box_w(node.rule_id), y + box_h / 2
            mid = (x1 + x2) / 2
            doc.add(
                svg.path(
                    f"M{svg.num(x1)},{svg.num(y1)} C{svg.num(mid)},{svg.num(y1)} "
                    f"{svg.num(mid)},{svg.num(y2)} {svg.num(x2 + 1)},{svg.num(y2)}",
                    stroke=EXCEPTION_STROKE,
                    width=1.4,
                    marker="arrow-displaces",
                )
            )
            draw(child)
        is_default = node.depth == 0
        fill, stroke = (
            (DEFAULT_FILL, DEFAULT_STROKE) if is_default else (EXCEPTION_FILL, EXCEPTION_STROKE)
        )
        w = box_w(node.rule_id)
        a, b, c = lines_of(node.rule_id)
        inner = svg.rect(x, y, w, box_h, fill=fill, stroke=stroke)
        inner += svg.text(
            x + pad, y + pad + 11, svg.clip(a, w - 2 * pad, 13), size=13, weight="bold", fill=INK
        )
        inner += svg.text(x + pad, y + pad + 11 + line_h, svg.clip(b, w - 2 * pad, 11), size=11)
        inner += svg.text(x + pad, y + pad + 11 + 2 * line_h, c, size=10, mono=True, fill="#4b5563")
        rule = policy.rule_index[node.rule_id]
        owner = policy.article_of[rule["cites"][0]]["eid"]
        href = url(page, article_page(owner), node.rule_id)
        doc.add(
            svg.link(
                href,
                inner,
                f"{reading_plain(rule['reads']['zh'])}\n{reading_plain(rule['reads']['en'])}",
            )
        )

    for tree in trees:
        draw(tree)
    return doc.render()


# ── the procedure timeline (Arts. 15, 16, 18, 19) ─────────────────────────────────────────────────


def period_label(rule) -> tuple[str, str]:
    """How a PeriodRule reads: 5 个工作日 / 5 working days; 一般 30 日 / generally 30 days."""
    if rule.unit == "working":
        zh, en = f"{rule.days} 个工作日", f"{rule.days} working days"
    else:
        zh, en = f"{rule.days} 日", f"{rule.days} days"
    if rule.soft:
        zh, en = f"一般 {zh}", f"generally {en}"
    notes_zh, notes_en = [], []
    if rule.exclude_start_day:
        notes_zh.append("不含起算日")
        notes_en.append("start day not counted")
    if rule.roll_over_holidays and rule.unit == "calendar":
        notes_zh.append("末日遇节假日顺延")
        notes_en.append("last day rolls over holidays")
    return (
        zh + (f"（{'，'.join(notes_zh)}）" if notes_zh else ""),
        en + (f" ({'; '.join(notes_en)})" if notes_en else ""),
    )


def default_period_rules(policy: Policy) -> dict:
    """Period id → how it is counted under the default readings (what the site shows)."""
    values = resolve_parameters(policy.parameter_index, None)
    return {d["id"]: period_rule(d, values) for d in policy.periods}


def procedure_timeline_svg(policy: Policy, page: str) -> str:
    """Top to bottom: the steps of the procedure, the provision behind each, and the time limits
    between them on the left (vertical, so that it fits the text column without shrinking)."""
    rules = default_period_rules(policy)
    timeline = policy.presentation["timeline"]
    milestones = [
        (m["id"], m["eid"], m["label"]["zh"], m["label"]["en"]) for m in timeline["milestones"]
    ]
    step, top, line_x, span_x = 74.0, 30.0, 214.0, 190.0
    y_of = {name: top + i * step for i, (name, *_rest) in enumerate(milestones)}
    height = top + (len(milestones) - 1) * step + 50
    label_w = max(
        max(svg.text_width(zh, 13), svg.text_width(en, 11)) for _n, _e, zh, en in milestones
    )
    width = line_x + 20 + label_w + 16
    doc = svg.Svg(
        width, height, "倒查程序的时间线 · Timeline of the procedure (Arts. 15, 16, 18, 19)"
    )
    doc.arrow_marker("arrow-time", INK)
    first, last = y_of[milestones[0][0]], y_of[milestones[-1][0]]
    doc.add(
        svg.path(
            f"M{svg.num(line_x)},{svg.num(first - 14)} V{svg.num(last + 34)}",
            stroke=INK,
            width=1.6,
            marker="arrow-time",
        )
    )
    for name, eid, zh, en in milestones:
        y = y_of[name]
        cite = f"{eid_label(eid, 'zh')} · {eid_label(eid, 'en')}"
        inner = (
            f'<circle cx="{svg.num(line_x)}" cy="{svg.num(y)}" r="6" fill="#ffffff" '
            f'stroke="{INK}" stroke-width="2"/>'
        )
        inner += svg.text(line_x + 18, y + 4, zh, size=13, weight="bold")
        inner += svg.text(line_x + 18, y + 21, en, size=11, fill="#374151")
        inner += svg.text(line_x + 18, y + 36, cite, size=10, fill=DEFAULT_STROKE)
        doc.add(svg.link(url(page, article_page(eid.split("__")[0]), eid), inner, f"{zh} · {en}"))
    # spans between milestones: the time limits are the policy's periods, counted by default readings
    for span in timeline["spans"]:
        start, end, period = span["from"], span["to"], span.get("period")
        zh, en = (span["note"]["zh"], span["note"]["en"]) if "note" in span else ("", "")
        y1, y2 = y_of[start] + 4, y_of[end] - 4
        if period:
            rule = rules[period]
            zh, en = period_label(rule)
            eid = rule.cites[0]
            color, dash = EXCEPTION_STROKE, None
        else:
            eid, color, dash = None, "#6b7280", "4 3"
        bracket = svg.path(
            f"M{svg.num(span_x + 8)},{svg.num(y1)} H{svg.num(span_x)} V{svg.num(y2)} "
            f"H{svg.num(span_x + 8)}",
            stroke=color,
            width=1.6,
            dash=dash,
        )
        lines = [(line, 11, "bold") for line in wrap(zh, span_x - 16, 11)]
        lines += [(line, 10, "normal") for line in wrap(en, span_x - 16, 10)]
        y = (y1 + y2) / 2 - (len(lines) - 1) * 13 / 2 + 4
        label = bracket
        for i, (line, size, weight) in enumerate(lines):
            label += svg.text(
                span_x - 8, y + i * 13, line, size=size, anchor="end", fill=color, weight=weight
            )
        if eid:
            doc.add(
                svg.link(url(page, article_page(eid.split("__")[0]), eid), label, f"{zh} · {en}")
            )
        else:
            doc.add(label)
    return doc.render()


# ── predicate dependency graphs ──────────────────────────────────────────────────────────────────


def dependency_edges(rules: list[Rule]) -> dict[tuple[str, str], bool]:
    """(body predicate, head predicate) → True when the body uses it under negation (anywhere)."""
    edges: dict[tuple[str, str], bool] = {}
    for rule in rules:
        head = rule.head.predicate
        for cond in rule.body:
            if isinstance(cond, Positive | Negated):
                key = (cond.atom.predicate, head)
                edges[key] = edges.get(key, False) or isinstance(cond, Negated)
    return edges


def _layers(
    nodes: list[str], edges: dict[tuple[str, str], bool], inputs: set[str]
) -> dict[str, int]:
    """Longest-path layering over strongly connected components (recursion shares a layer)."""
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        succ[a].append(b)
    components = strongly_connected_components(nodes, succ)
    component = {node: k for k, members in enumerate(components) for node in members}
    layer: dict[str, int] = {}
    members: dict[int, list[str]] = defaultdict(list)
    for node in nodes:
        members[component[node]].append(node)
    # Tarjan numbers components in reverse topological order: walk from the highest number down
    for comp in sorted(members, reverse=True):
        level = 0
        for node in members[comp]:
            for a, b in edges:
                if b == node and component[a] != comp:
                    level = max(level, layer[a] + 1)
        if all(n in inputs for n in members[comp]):
            level = 0
        for node in members[comp]:
            layer[node] = level
    return layer


def _order(columns: dict[int, list[str]], edges: dict[tuple[str, str], bool]) -> None:
    """Barycentre sweeps to reduce crossings (in place); ties broken by name for stable output."""
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        if a != b:
            preds[b].append(a)
            succs[a].append(b)
    for col in columns.values():
        col.sort()
    layers = sorted(columns)

    def positions() -> dict[str, float]:
        pos = {}
        for col in columns.values():
            n = max(len(col) - 1, 1)
            for i, node in enumerate(col):
                pos[node] = i / n
        return pos

    for sweep in range(8):
        forward = sweep % 2 == 0
        for layer in layers[1:] if forward else list(reversed(layers[:-1])):
            pos = positions()
            neighbours = preds if forward else succs
            col = columns[layer]

            def key(node: str, pos=pos, neighbours=neighbours) -> tuple[float, str]:
                near = [pos[m] for m in neighbours[node] if m in pos]
                return (sum(near) / len(near) if near else pos[node], node)

            col.sort(key=key)


def dependency_graph_svg(
    rules: list[Rule], policy: Policy, page: str, title: str, vocabulary_page: str = "vocabulary.md"
) -> str:
    """Every predicate the rules mention: inputs left, each conclusion right of what it rests on."""
    edges = dependency_edges(rules)
    nodes = sorted({r.head.predicate for r in rules} | {a for a, _ in edges})
    signatures = policy.program.predicates
    inputs = {n for n in nodes if signatures.get(n) and signatures[n].kind == "input"}
    layer = _layers(nodes, edges, inputs)
    columns: dict[int, list[str]] = defaultdict(list)
    for node in nodes:
        columns[layer[node]].append(node)
    _order(columns, edges)
    row_h, box_h, gap_x, top, size = 22.0, 17.0, 110.0, 44.0, 11.0
    col_w = {
        k: max(svg.text_width(n, size, mono=True) for n in col) + 14 for k, col in columns.items()
    }
    col_x: dict[int, float] = {}
    x = 16.0
    for k in sorted(columns):
        col_x[k] = x
        x += col_w[k] + gap_x
    width = max(x - gap_x + 16, 520)
    tallest = max(len(col) for col in columns.values())
    height = top + tallest * row_h + 16
    place: dict[str, tuple[float, float, float]] = {}  # node → (x, y centre, width)
    for k, col in columns.items():
        offset = top + (tallest - len(col)) * row_h / 2
        for i, node in enumerate(col):
            place[node] = (col_x[k], offset + i * row_h + row_h / 2, col_w[k])
    doc = svg.Svg(width, height, title)
    doc.arrow_marker("arrow-dep", "#64748b")
    doc.arrow_marker("arrow-neg", NEGATION)
    legend = svg.rect(16, 10, 14, 12, fill=INPUT_FILL, stroke=INPUT_STROKE, rx=3)
    legend += svg.text(36, 20, "输入 input", size=11)
    legend += svg.rect(116, 10, 14, 12, fill=DERIVED_FILL, stroke=DERIVED_STROKE, rx=3)
    legend += svg.text(136, 20, "推导 derived", size=11)
    legend += svg.path("M236,16 H266", stroke="#64748b", width=1.4, marker="arrow-dep")
    legend += svg.text(272, 20, "依据 uses", size=11)
    legend += svg.path("M346,16 H376", stroke=NEGATION, width=1.4, dash="4 3", marker="arrow-neg")
    legend += svg.text(382, 20, "否定 uses negated (not …)", size=11)
    doc.add(legend)
    drawn: dict[bool, list[str]] = {False: [], True: []}  # negated? → the edges' paths
    for (a, b), negated in sorted(edges.items()):
        xa, ya, wa = place[a]
        xb, yb, _ = place[b]
        if a == b:  # recursion: a loop on the right of the box
            x0 = xa + wa
            d = (
                f"M{svg.num(x0)},{svg.num(ya - 4)} C{svg.num(x0 + 34)},{svg.num(ya - 22)} "
                f"{svg.num(x0 + 34)},{svg.num(ya + 22)} {svg.num(x0 + 2)},{svg.num(ya + 5)}"
            )
        elif layer[a] < layer[b]:
            x1, x2 = xa + wa, xb - 1
            mid = (x1 + x2) / 2
            d = (
                f"M{svg.num(x1)},{svg.num(ya)} C{svg.num(mid)},{svg.num(ya)} "
                f"{svg.num(mid)},{svg.num(yb)} {svg.num(x2)},{svg.num(yb)}"
            )
        else:  # same layer (mutual recursion): an arc on the right
            x1 = xa + wa
            bulge = x1 + 40
            d = (
                f"M{svg.num(x1)},{svg.num(ya)} C{svg.num(bulge)},{svg.num(ya)} "
                f"{svg.num(bulge)},{svg.num(yb)} {svg.num(xb + place[b][2] + 2)},{svg.num(yb)}"
            )
        drawn[negated].append(f'<path d="{d}"/>')
    # the edges of one kind share their stroke, written once on their group
    for negated, paths in drawn.items():
        if paths:
            color, marker = (NEGATION, "arrow-neg") if negated else ("#64748b", "arrow-dep")
            dash = ' stroke-dasharray="4 3"' if negated else ""
            doc.add(
                svg.group(
                    f'fill="none" stroke="{color}" stroke-width="1.1" stroke-opacity="0.55" '
                    f'marker-end="url(#{marker})"{dash}',
                    paths,
                )
            )
    vocabulary = {p["name"]: p for p in policy.vocabulary["predicates"]}
    boxes = []
    for node in nodes:
        x0, yc, w = place[node]
        is_input = node in inputs
        fill, stroke = (INPUT_FILL, INPUT_STROKE) if is_input else (DERIVED_FILL, DERIVED_STROKE)
        inner = svg.rect(x0, yc - box_h / 2, w, box_h, fill=fill, stroke=stroke, rx=4, width=None)
        inner += svg.text(x0 + 7, yc + 4, node, size=None)
        entry = vocabulary.get(node)
        tip = node
        if entry:
            description = entry["description"]
            tip = f"{node} ({entry['kind']})\n{description['zh']}\n{description['en']}"
        boxes.append(svg.link(url(page, vocabulary_page, node), inner, tip))
    # the boxes' labels in the monospace face and one size, their borders one width
    doc.add(
        svg.group(f'font-family="{svg.MONO}" font-size="{svg.num(size)}" stroke-width="1"', boxes)
    )
    return doc.render()
