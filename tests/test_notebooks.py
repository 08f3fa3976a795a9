"""The curated notebooks run end to end, headless, on the sample data, and are stored without outputs."""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_five_curated_notebooks():
    assert [p.stem for p in NOTEBOOKS] == [
        "01_explorer",
        "02_regrouper",
        "03_visualiser_exporter",
        "04_curer",
        "05_guider",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_uses_the_public_api_only(path):
    import ast
    import importlib

    from test_docs import PUBLIC_MODULES

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.ImportFrom) and node.module == "flaucluster":  # from flaucluster import plots
                assert all(f"flaucluster.{a.name}" in PUBLIC_MODULES for a in node.names), path.stem
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flaucluster"):
                assert node.module in PUBLIC_MODULES, f"{path.stem} imports the internal {node.module}"
                public = importlib.import_module(node.module).__all__
                assert all(a.name in public for a in node.names), f"{path.stem}: {[a.name for a in node.names]}"
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith("flaucluster.") or a.name in PUBLIC_MODULES for a in node.names)


# What an executed notebook may write to stderr: messages the user must see, documented where they arise.
EXPECTED_STDERR = (
    # offline, the default FlauBERT model is not there: the fallback is said (README, "Models")
    re.compile(r"^WARNING:flaucluster\.embed\.resolve:Default model inokufu/bertheo is not available"),
    # the sample's one date that is not a date (data/README.md): reported, kept with no period
    re.compile(r"^WARNING:flaucluster\.compare:date: 1 dates could not be read \(rows 797\)"),
)


def unexpected_stderr(nb) -> list[str]:
    """The lines an executed notebook wrote to stderr that EXPECTED_STDERR does not allow (docs/_hooks.py too)."""
    return [
        line
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
        for line in o["text"].splitlines()
        if line.strip() and not any(p.match(line) for p in EXPECTED_STDERR)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_headless_and_writes_to_stderr_only_what_the_user_must_see(path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    unexpected = unexpected_stderr(nb)
    assert not unexpected, f"{path.stem} wrote to stderr: {unexpected[:5]}"
