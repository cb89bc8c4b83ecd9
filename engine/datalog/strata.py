"""Predicate dependency graph: strongly connected components in evaluation order, negation cycles.

Evaluation materialises one component at a time, dependencies first, so a program is accepted only
when
no negation sits inside a component (stratified negation): pyDatalog would accept the program and
could
loop forever on it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .syntax import Negated, Positive, Rule


@dataclass(frozen=True)
class Edge:
    head: str
    body: str
    negated: bool
    rule: Rule
    condition: Positive | Negated


def dependency_edges(rules: list[Rule]) -> list[Edge]:
    edges = []
    for rule in rules:
        for cond in rule.body:
            if isinstance(cond, Positive | Negated):
                edges.append(
                    Edge(
                        rule.head.predicate,
                        cond.atom.predicate,
                        isinstance(cond, Negated),
                        rule,
                        cond,
                    )
                )
    return edges


def components(rules: list[Rule]) -> list[tuple[str, ...]]:
    """Derived predicates grouped into strongly connected components, each after those it depends
    on.

    Deterministic: predicates are visited in order of first definition.
    """
    derived: list[str] = []
    for rule in rules:
        if rule.head.predicate not in derived:
            derived.append(rule.head.predicate)
    successors: dict[str, list[str]] = {p: [] for p in derived}
    for edge in dependency_edges(rules):
        if edge.body in successors and edge.body not in successors[edge.head]:
            successors[edge.head].append(edge.body)
    return _tarjan(derived, successors)


def strongly_connected_components(
    nodes: list[str], successors: dict[str, list[str]]
) -> list[tuple[str, ...]]:
    """Tarjan's components of any graph, each listed after the components it reaches.

    Shared by stratification and by the documentation's dependency diagrams, so both see one graph.
    """
    return _tarjan(nodes, successors)


def _tarjan(nodes: list[str], successors: dict[str, list[str]]) -> list[tuple[str, ...]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[tuple[str, ...]] = []
    counter = 0
    order = {p: k for k, p in enumerate(nodes)}

    for root in nodes:
        if root in index:
            continue
        # iterative DFS: (node, iterator position)
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = successors[node]
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                result.append(tuple(sorted(members, key=order.__getitem__)))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result


def negation_cycles(rules: list[Rule]) -> list[tuple[Edge, list[Edge]]]:
    """Each negated body atom that closes a cycle, with the path of edges back to its head."""
    comp_of: dict[str, int] = {}
    for k, comp in enumerate(components(rules)):
        for p in comp:
            comp_of[p] = k
    edges = dependency_edges(rules)
    found = []
    for edge in edges:
        if not edge.negated or edge.body not in comp_of:
            continue
        if comp_of[edge.body] != comp_of.get(edge.head):
            continue
        found.append((edge, _path(edge.body, edge.head, edges, comp_of)))
    return found


def _path(start: str, goal: str, edges: list[Edge], comp_of: dict[str, int]) -> list[Edge]:
    """Shortest chain of edges from ``start`` to ``goal`` inside their component (breadth first)."""
    if start == goal:
        return []
    comp = comp_of[start]
    came_from: dict[str, Edge] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for edge in edges:
            if edge.head != node or comp_of.get(edge.body) != comp or edge.body in seen:
                continue
            seen.add(edge.body)
            came_from[edge.body] = edge
            if edge.body == goal:
                path = []
                at = goal
                while at != start:
                    path.append(came_from[at])
                    at = came_from[at].head
                return list(reversed(path))
            queue.append(edge.body)
    return []  # pragma: no cover - same component guarantees a path
