"""The layers of docs/architecture.md hold: a module imports only from its own layer or
the ones below it, so a rule never reaches for a use case, nor a use case for HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "qms"

#: lowest first; a module may import its own rank or a lower one
RANKS = {
    # leaves: they import nothing of qms, and every layer may use them
    "qms.config": 0,
    "qms.domain.errors": 0,  # the one error shape
    "qms.devices.led": 0,  # the boards' drivers
    "qms.words": 0,  # the hall's words for codes and statuses
    "qms.process.cpu": 0,  # the processes' CPU choice, read by each child at its start
    "qms.storage": 1,
    "qms.domain": 2,
    "qms.devices": 3,
    "qms.live.bus": 3,
    "qms.live.bus_redis": 3,
    "qms.live.inbox": 3,
    "qms.usecases": 4,
    "qms.workers": 5,
    "qms.live": 6,  # the websocket edge
    "qms.http": 6,
    "qms.process": 7,
}


def rank(module: str) -> int | None:
    """The rank of the longest prefix of ``module`` that names a layer."""
    parts = module.split(".")
    for n in range(len(parts), 1, -1):
        found = RANKS.get(".".join(parts[:n]))
        if found is not None:
            return found
    return None


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        if rank(name) is not None and "migrations" not in rel.parts:
            out.append((name, path))
    return out


def imported(path: Path) -> set[str]:
    """Every qms module the file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "qms":
                found.update(f"qms.{a.name}" for a in node.names)
            elif node.module.startswith("qms."):
                found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("qms."))
    return found


@pytest.mark.parametrize(("name", "path"), modules(), ids=[m for m, _ in modules()])
def test_a_module_imports_only_its_layer_or_lower(name: str, path: Path) -> None:
    mine = rank(name)
    assert mine is not None
    upward = sorted(dep for dep in imported(path) if (r := rank(dep)) is not None and r > mine)
    assert not upward, f"{name} (layer {mine}) imports from a higher layer: {upward}"


def test_every_module_of_qms_is_in_a_layer() -> None:
    """A new top-level module must say which layer it is (or it escapes the check)."""
    loose = [p.name for p in ROOT.glob("*.py") if p.stem not in ("__init__", "__main__", "config")]
    assert not loose, f"modules outside the layer folders: {loose}"


def test_no_import_cycle_at_module_level() -> None:
    """Within a layer too: a cycle makes import order matter and hides a dependency."""
    graph: dict[str, set[str]] = {}
    for name, path in modules():
        deps: set[str] = set()
        for node in ast.parse(path.read_text()).body:  # top level: what loads at import
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qms"):
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names)
        graph[name] = deps
    for name in graph:
        graph[name] = {d for d in graph[name] if d in graph and d != name}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start] - seen:
            seen.add(nxt)
            if nxt == goal or reaches(nxt, goal, seen):
                return True
        return False

    cyclic = sorted(name for name in graph if reaches(name, name, set()))
    assert not cyclic, f"modules on an import cycle: {cyclic}"
