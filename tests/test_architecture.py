"""The layering contract of docs/dev/architecture.md, read off the source: every import of engine/ and
generators/ points down the layers, no import cycle, and imports inside functions only where they keep
start-up fast (marked ``# lazy``: the command line's subcommands, and the few heavy modules — the
rule parser, JSON Schema, pyDatalog, the policy checks — that a command answered from the policy
cache never needs)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest
from paths import ROOT

# bottom to top, as the table in docs/dev/architecture.md
LAYERS = [
    "engine.problems",
    "engine.files",
    "engine.datalog",
    "engine.dates",
    "engine.case",
    "engine.policy",
    "engine.answer",
    "engine.review",
    "engine.bulk",
    "engine.service",
    "generators.cases",
    "generators.fixtures",
    "generators.docs",
    "engine.cli",
]
PACKAGE_ROOTS = ("engine", "generators")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int | None:
    """The index of the layer a module belongs to (its longest matching prefix)."""
    best = None
    for i, layer in enumerate(LAYERS):
        if module == layer or module.startswith(layer + "."):
            best = i
    return best


def modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for root in PACKAGE_ROOTS
        for p in sorted((ROOT / root).rglob("*.py"))
        if ".venv" not in p.parts
    }


def imports(path: Path) -> list[tuple[str, int, bool, bool]]:
    """(imported module, line, inside a function, only under TYPE_CHECKING) for every project import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_checking: set[int] = set()
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_checking |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function |= {id(n) for n in ast.walk(node)}
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                names = [".".join(base + ([node.module] if node.module else []))]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            found.append((name, node.lineno, id(node) in in_function, id(node) in type_checking))
    return found


def test_every_module_of_engine_and_generators_belongs_to_a_layer_of_the_contract():
    unplaced = [m for m in modules() if m not in PACKAGE_ROOTS and layer_of(m) is None]
    assert not unplaced, f"not in any layer of docs/dev/architecture.md: {unplaced}"


def test_no_module_imports_a_layer_above_its_own():
    wrong = []
    for module, path in modules().items():
        own = layer_of(module)
        if own is None:
            continue
        for name, line, _inside, _tc in imports(path):
            target = layer_of(name)
            if target is not None and target > own:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {name}")
    assert not wrong, "imports against the layering contract:\n" + "\n".join(wrong)


def test_only_the_command_line_imports_the_generators():
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for module, path in modules().items()
        if module.startswith("engine") and not module.startswith("engine.cli")
        for name, line, _inside, _tc in imports(path)
        if name.startswith("generators")
    ]
    assert not wrong, "\n".join(wrong)


def test_the_import_graph_has_no_cycle():
    known = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in known.items():
        for name, _line, _inside, type_checking in imports(path):
            if type_checking:
                continue  # not executed: a type annotation may point anywhere below
            target = name
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                graph[module].add(target)
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt.startswith(node + ".") or node.startswith(nxt + ".") and nxt in PACKAGE_ROOTS:
                continue  # a package's __init__ importing its own submodules is not a cycle
            if state.get(nxt) == 1:
                cycle.extend(trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, [*trail, nxt]):
                return True
        state[node] = 2
        return False

    for module in sorted(known):
        if state.get(module) is None and visit(module, [module]):
            break
    assert not cycle, "import cycle: " + " → ".join(cycle)


def test_imports_inside_functions_are_only_the_ones_marked_lazy():
    wrong = []
    for path in modules().values():
        lines = path.read_text(encoding="utf-8").splitlines()
        for _name, line, inside, type_checking in imports(path):
            if not inside or type_checking:
                continue
            marked = any("# lazy" in lines[i] for i in range(max(0, line - 8), line))
            if not marked:
                wrong.append(f"{path.relative_to(ROOT)}:{line}")
    assert not wrong, "imports inside functions:\n" + "\n".join(wrong)


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_of_the_contract_exists(layer):
    assert layer in modules() or any(m.startswith(layer + ".") for m in modules())
