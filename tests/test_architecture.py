"""The whiteboard, enforced: what each part may import, and that the Dagster shell stays a shell.

- ``orchestration/`` declares Dagster objects (assets, checks, jobs, schedules, sensors, resources, definitions):
  every module in it imports Dagster;
- the parts below it never import it (nor the ``trm`` command, which sits above everything);
- no import circle between modules, counting imports inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["cli", "demo_company", "expectations", "ingestion", "ml", "operations", "orchestration", "privacy",
            "publication", "reports"]
# Who may import whom. Anything else from the project is a violation (tests and benchmarks are outside).
ALLOWED = {
    "ingestion": set(),
    "demo_company": set(),  # writes landing files like a real export; reads nothing of the product
    "expectations": {"ingestion"},
    "ml": {"ingestion", "operations"},
    "operations": {"ingestion", "expectations"},
    "publication": {"ingestion", "expectations", "operations"},
    "privacy": {"ingestion", "ml", "operations", "publication"},  # erasure reaches every layer
    "reports": set(),
    "orchestration": {"ingestion", "ml", "expectations", "operations", "publication", "reports", "privacy"},
    "cli": {"ingestion", "ml", "expectations", "operations", "publication", "reports", "demo_company",
            "orchestration", "privacy"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path, module: str) -> set[str]:
    """Every project module ``path`` imports, at any depth of the file (function-level imports count)."""
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in names if n in MODULES}


def _all_imports() -> dict[str, set[str]]:
    return {name: _imports(path, name) for name, path in MODULES.items()}


def _imports_dagster(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0].startswith("dagster") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0].startswith("dagster"):
            return True
    return False


def test_every_orchestration_module_declares_dagster_objects():
    lacking = [str(p.relative_to(ROOT)) for name, p in MODULES.items()
               if name.startswith("orchestration") and not _imports_dagster(p)
               and not (p.name == "__init__.py" and len(p.read_text().strip().splitlines()) <= 3)]
    assert lacking == [], f"plain logic belongs in a package Dagster wraps, not in orchestration/: {lacking}"


def test_each_part_imports_only_what_the_whiteboard_allows():
    violations = []
    for module, imported in _all_imports().items():
        part = module.split(".")[0]
        for target in imported:
            other = target.split(".")[0]
            if other != part and other not in ALLOWED[part]:
                violations.append(f"{module} imports {target}")
    assert violations == []


def test_no_import_circle():
    graph = _all_imports()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # A package's __init__ importing its own submodules is how packages export; not a circle of logic.
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert cycles == [], "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_whiteboard_rules_can_fail(tmp_path):
    """The scanners see an import inside a function, and a module without Dagster."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from orchestration.resources import TRMResource\n")
    assert _imports(sample, "ml.sample") == {"orchestration.resources"}
    assert not _imports_dagster(sample)
