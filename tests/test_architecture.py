"""The package's shape: imports run one way, with no cycle anywhere (lazy imports included)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "flaucluster"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every flaucluster module ``path`` imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("flaucluster")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("flaucluster"):
                found.add(target)
                found |= {f"{target}.{a.name}" for a in node.names}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        # an import of a package means its __init__; "from .x import y" may name a module y or a symbol
        edges[name] = {t for t in imports_of(path) if t in modules and t != name}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_anywhere_in_the_package():
    cycle = find_cycle(graph())
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def fitted_attribute_writes(path: Path) -> list[str]:
    """``x.name_ = ...`` in ``path`` where ``x`` is not ``self``: a fitted attribute written from outside."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AugAssign | ast.AnnAssign)
            else []
        )
        for t in targets:
            if (
                isinstance(t, ast.Attribute)
                and t.attr.endswith("_")
                and not t.attr.startswith("_")
                and not (isinstance(t.value, ast.Name) and t.value.id in ("self", "cls"))
            ):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(t)}")
    return found


def test_nobody_writes_a_fitted_attribute_of_the_estimator_from_outside():
    # the command line, the report and curation read model.state_ and write new states or files, never the model
    writes = [w for p in PACKAGE.rglob("*.py") for w in fitted_attribute_writes(p)]
    assert writes == []


def test_the_write_back_finder_finds_one(tmp_path):
    src = tmp_path / "cli.py"
    src.write_text("model.parts_ = df.attrs['parts']\nself.labels_ = labels\n", encoding="utf-8")
    assert fitted_attribute_writes(src) == ["cli.py:1 model.parts_"]


def test_the_estimator_stays_small():
    # issue 34's bounds, printed by `python scripts/api_counts.py`
    import sys

    sys.path.insert(0, str(PACKAGE.parent / "scripts"))
    from api_counts import counts

    c = counts()
    assert c["parameters"] <= 12, c
    assert c["public_names"] <= 16, c
    assert c["model_py_lines"] <= 700, c


ARCHITECTURE = PACKAGE.parent / "ARCHITECTURE.md"


def described_paths() -> set[str]:
    """Every ``*.py`` path written in backquotes in ARCHITECTURE.md (``embed/cache.py``, ``docs/_hooks.py``)."""
    return set(re.findall(r"`([\w./-]+\.py)`", ARCHITECTURE.read_text(encoding="utf-8")))


def test_every_module_has_an_entry_in_architecture_md():
    """A module's entry names it by its path from flaucluster/ (``spread.py``, ``embed/cache.py``); a package's
    ``__init__.py`` and ``__main__.py`` need none."""
    modules = {
        p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py")
    }
    missing = sorted(modules - described_paths())
    assert not missing, f"ARCHITECTURE.md has no entry for {missing}"


def test_architecture_md_names_no_module_that_is_gone():
    root = PACKAGE.parent
    gone = sorted(p for p in described_paths() if not (PACKAGE / p).exists() and not (root / p).exists())
    assert not gone, f"ARCHITECTURE.md names files that do not exist: {gone}"


def test_each_step_of_how_a_run_flows_names_its_function_at_its_line():
    # ARCHITECTURE.md's walk through a run gives `file:line` `name`: the line must still define that name
    import re

    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text[text.index("## How a run flows") : text.index("## Modules")]
    steps = re.findall(r"`([\w/]+\.py):(\d+)` `(\w+)`", section)
    assert len(steps) >= 20
    wrong = []
    for path, line, name in steps:
        source = (PACKAGE / path).read_text(encoding="utf-8").splitlines()
        if not re.match(rf"\s*(?:def|class) {name}\b", source[int(line) - 1]):
            wrong.append(f"{path}:{line} is not `{name}` (python scripts/flow_lines.py prints the lines)")
    assert wrong == []
