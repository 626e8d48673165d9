"""The package structure the code relies on: imports go one way, between lpr_geo's parts too."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
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


#: Modules of lpr_geo that dashboard may name besides the root: the wording (its own public module).
PUBLIC_MODULES = {"lpr_geo", "lpr_geo.vocabulary"}


def test_the_dashboard_imports_lpr_geo_only_through_its_public_api():
    reach_ins = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        allowed = PUBLIC_MODULES | ({"lpr_geo.cli"} if name == "dashboard/cli.py" else set())
        for module, line in _runtime_imports(path):
            if module.startswith("lpr_geo") and module not in allowed:
                reach_ins.append(f"{name}:{line} {module}")
    assert reach_ins == []


def test_the_public_api_is_listed_documented_and_loads():
    import lpr_geo

    documented = set(re.findall(r"^(\w+) : ", lpr_geo.__doc__, re.MULTILINE))
    assert documented == set(lpr_geo.__all__)
    for name in lpr_geo.__all__:
        assert getattr(lpr_geo, name) is not None, name


def test_importing_lpr_geo_loads_none_of_its_parts():
    """The command line imports lpr_geo first: its public names load only when used."""
    probe = (
        "import sys, lpr_geo; print(sorted(m for m in sys.modules if m.startswith(('lpr_geo.', 'pandas'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
