"""Print (or, with --fix, rewrite) where each function named in ARCHITECTURE.md's "How a run flows" is defined.

    python scripts/flow_lines.py          # print path:line name
    python scripts/flow_lines.py --fix    # mend the section's `file:line` entries in place

Use it when code moves (tests/test_architecture.py checks the entries).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = re.compile(r"`([\w/]+\.py):(\d+)` `(\w+)`")


def where(path: str, name: str) -> int:
    tree = ast.parse((ROOT / "flaucluster" / path).read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    top = [n.lineno for n in tree.body if isinstance(n, kinds) and n.name == name]
    every = [n.lineno for n in ast.walk(tree) if isinstance(n, kinds) and n.name == name]
    return (top or sorted(every))[0]


def main() -> None:
    file = ROOT / "ARCHITECTURE.md"
    text = file.read_text(encoding="utf-8")
    start, end = text.index("## How a run flows"), text.index("## Modules")
    section = text[start:end]
    if "--fix" in sys.argv:
        fixed = ENTRY.sub(lambda m: f"`{m[1]}:{where(m[1], m[3])}` `{m[3]}`", section)
        file.write_text(text[:start] + fixed + text[end:], encoding="utf-8")
        return
    for path, _, name in ENTRY.findall(section):
        print(f"{path}:{where(path, name)} {name}")


if __name__ == "__main__":
    main()
