"""The layers hold: no module imports another in a circle, and no import runs a forbidden way.

The forbidden directions are written once, in ``docs/design.md`` (the list under "Which way
imports run"), for people to read; this test reads the same list. Every import counts, at the
top of a file or inside a function, under ``TYPE_CHECKING`` too: a circle that only the type
checker sees is still a circle in the design.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("controller", "display", "firmware")
DESIGN = ROOT / "docs" / "design.md"
SECTION = "## Which way imports run"
RULE = re.compile(r"^- (?P<sources>.+?) imports? none of (?P<targets>.+)$")


def module_files() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name (a package by its own name)."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports (``from pkg import mod`` imports ``pkg.mod``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in modules else base)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    """Each module and the project modules it imports."""
    modules = module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def within(module: str, pattern: str) -> bool:
    """Whether ``module`` is ``pattern`` or lies inside it (``controller.modes.engine`` lies in
    ``controller.modes``)."""
    return module == pattern or module.startswith(pattern + ".")


def forbidden_directions() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The rules of ``docs/design.md``: ``(sources, targets)``, read from its list."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rules = []
    for line in section.replace("\n  ", " ").splitlines():
        match = RULE.match(line.strip())
        if match:
            names = [re.findall(r"`([\w.]+)`", match[part]) for part in ("sources", "targets")]
            rules.append((tuple(names[0]), tuple(names[1])))
    return rules


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


GRAPH = import_graph()
RULES = forbidden_directions()


def test_no_module_imports_another_in_a_circle():
    assert circles(GRAPH) == []


def test_the_design_document_lists_the_forbidden_directions_by_existing_modules():
    assert len(RULES) >= 5
    for sources, targets in RULES:
        for name in (*sources, *targets):
            assert any(within(module, name) for module in GRAPH), f"{name} names no module"


@pytest.mark.parametrize("sources, targets", RULES, ids=lambda names: "+".join(names)[:60])
def test_no_import_runs_a_forbidden_way(sources, targets):
    crossings = [
        f"{module} imports {target}"
        for module, imported in sorted(GRAPH.items())
        if any(within(module, s) for s in sources)
        for target in sorted(imported)
        if any(within(target, t) for t in targets)
    ]
    assert crossings == []


def test_the_reader_sees_a_circle_and_a_crossing():
    """The checks themselves: a made-up circle is found, and a made-up crossing matches."""
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert within("controller.modes.engine", "controller.modes")
    assert not within("controller.modesty", "controller.modes")
