"""mkdocs hook: before each build, run the curated notebooks (notebooks/*.ipynb, stored without outputs) on
the sample and write them, with their outputs and figures, into docs/notebooks/ for mkdocs-jupyter.

A notebook is run again only when it, the package or the data changed since its last run. A cell that fails,
or a write to stderr that tests/test_notebooks.py does not expect, fails the build."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks"
TARGET = ROOT / "docs" / "notebooks"
logger = logging.getLogger("mkdocs.hooks.notebooks")


def _newest(*folders: Path) -> float:
    return max(p.stat().st_mtime for f in folders for p in f.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _unexpected_stderr():
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from test_notebooks import unexpected_stderr
    finally:
        sys.path.pop(0)
    return unexpected_stderr


def on_pre_build(config, **kwargs) -> None:
    import nbformat
    from nbclient import NotebookClient

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    TARGET.mkdir(exist_ok=True)
    unexpected_stderr = _unexpected_stderr()
    changed = _newest(ROOT / "flaucluster", ROOT / "data")
    for path in sorted(SOURCE.glob("*.ipynb")):
        out = TARGET / path.name
        if out.exists() and out.stat().st_mtime > max(path.stat().st_mtime, changed):
            continue
        logger.info("running %s", path.name)
        nb = nbformat.read(path, as_version=4)
        # no widget state: a page that holds it loads the widget manager from unpkg.com
        resources = {"metadata": {"path": str(SOURCE)}}
        # the kernel's own log (its notice about a local TCP connection) is not the notebook's output
        quiet = ["--IPKernelApp.log_level=ERROR"]
        NotebookClient(
            nb, timeout=600, kernel_name="python3", resources=resources, store_widget_state=False, extra_arguments=quiet
        ).execute()
        if unexpected := unexpected_stderr(nb):
            raise RuntimeError(f"{path.name} wrote to stderr: {unexpected[0]}")
        tmp = out.with_suffix(".tmp")
        nbformat.write(nb, tmp)
        tmp.replace(out)
