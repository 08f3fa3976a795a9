"""Print where each function named in ARCHITECTURE.md's "How a run flows" is defined: python scripts/flow_lines.py

Use it to mend the section's `file:line` entries when code moves (tests/test_architecture.py checks them).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text[text.index("## How a run flows") : text.index("## Modules")]
    for path, _, name in re.findall(r"`([\w/]+\.py):(\d+)` `(\w+)`", section):
        tree = ast.parse((ROOT / "flaucluster" / path).read_text(encoding="utf-8"))
        top = [n.lineno for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name]
        every = [n.lineno for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name]
        print(f"{path}:{(top or sorted(every))[0]} {name}")


if __name__ == "__main__":
    main()
