"""Shared fixtures: offline assets beside the checkout, and a private embedding cache."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TINY_BERTHEO = SHARED / "models" / "bertheo-shaped-tiny"
SAMPLE = ROOT / "data" / "cours_fr.csv"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (tests expect ../shared beside the checkout, as in CI)")
    return path


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Each test session gets its own cache so nothing leaks from or into the user's."""
    monkeypatch.setenv("FLAUCLUSTER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="session")
def tiny_bertheo() -> Path:
    return need(TINY_BERTHEO)


@pytest.fixture(scope="session")
def offline_encoder():
    from flaucluster.embed import OfflineUSEEncoder

    return OfflineUSEEncoder()
