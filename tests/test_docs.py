"""Every public name has a numpydoc docstring that documents its parameters and what it returns: the API
reference of the documentation site (docs/api/) is generated from them. The README stays a manual."""

import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README_MAX_LINES = 260  # a manual; measured figures live in benchmarks/README.md, each with its command

# The modules an analyst imports; their ``__all__`` is the public API (the rest are stages behind it).
PUBLIC_MODULES = [
    "flaucluster.model",
    "flaucluster.embed",
    "flaucluster.embed.config",
    "flaucluster.consensus",
    "flaucluster.describe",
    "flaucluster.state",
    "flaucluster.curation",
    "flaucluster.update",
    "flaucluster.guided",
    "flaucluster.io",
    "flaucluster.partitions",
    "flaucluster.scale",
    "flaucluster.search",
    "flaucluster.cluster",
    "flaucluster.vectors",
    "flaucluster.reduce",
    "flaucluster.hierarchy",
    "flaucluster.layers",
    "flaucluster.advice",
    "flaucluster.plots",
    "flaucluster.palette",
    "flaucluster.metrics",
    "flaucluster.themes",
    "flaucluster.compare",
    "flaucluster.french",
    "flaucluster.views",
    "flaucluster.edits",
    "flaucluster.naming",
    "flaucluster.errors",
    "flaucluster.report",
    "flaucluster.report.widget",
]
# no docstring, an undocumented or unknown parameter, no Returns section for a function that returns
CHECKED = {"GL08", "PR01", "PR02", "RT01"}


def public_names() -> list[str]:
    names = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants are described in their module's docstring
            names.append(f"{module_name}.{name}")
            if inspect.isclass(obj) and obj.__module__.startswith("flaucluster"):
                names += [
                    f"{module_name}.{name}.{attr}"
                    for attr, value in vars(obj).items()
                    if not attr.startswith("_")
                    and (inspect.isfunction(value) or isinstance(value, (classmethod, staticmethod, property)))
                ]
    return names


def test_public_modules_say_what_they_are_for():
    assert all(importlib.import_module(m).__doc__ for m in PUBLIC_MODULES)


def test_every_public_module_lists_its_api():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        assert all(hasattr(module, name) for name in module.__all__), module_name


@pytest.mark.parametrize("name", public_names())
def test_public_name_is_documented(name):
    numpydoc_validate = pytest.importorskip("numpydoc.validate")
    errors = [f"{code}: {message}" for code, message in numpydoc_validate.validate(name)["errors"] if code in CHECKED]
    assert not errors, f"{name}: {errors}"


def test_the_readme_is_a_manual_of_at_most_260_lines():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines: move figures to benchmarks/README.md"


def test_the_readme_keeps_the_two_fresh_machine_commands_near_the_top():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    top = lines[:40]
    assert any(line.startswith("make demo    # main job:") for line in top)
    assert any(line.startswith("make test    # the test suite") for line in top)
