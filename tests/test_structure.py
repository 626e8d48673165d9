"""The package structure the code relies on: imports go one way, between lpr_geo's parts too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _runtime_imports(path: Path) -> list[tuple[str, int]]:
    """Modules a file imports when it runs (``if TYPE_CHECKING:`` blocks left out), with line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.append((base, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _part(module: str) -> str | None:
    """``lpr_geo.register.models`` -> ``register``; ``lpr_geo.settings`` -> ``settings``."""
    parts = module.split(".")
    return parts[1] if parts[0] == "lpr_geo" and len(parts) > 1 else None


def test_the_parts_of_lpr_geo_import_each_other_without_a_cycle():
    edges: dict[str, set[str]] = {}
    for path in (ROOT / "lpr_geo").rglob("*.py"):
        source = _part(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module, _ in _runtime_imports(path):
            target = _part(module)
            if source and target and target != source:
                edges.setdefault(source, set()).add(target)

    def cycle_from(start: str, node: str, seen: tuple[str, ...]) -> tuple[str, ...] | None:
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                return (*seen, nxt)
            if nxt not in seen:
                found = cycle_from(start, nxt, (*seen, nxt))
                if found:
                    return found
        return None

    cycles = [c for part in sorted(edges) if (c := cycle_from(part, part, (part,)))]
    assert cycles == []
