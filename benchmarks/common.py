"""Shared by the benchmark scripts: the sample corpus, cached embeddings, machine description."""

from __future__ import annotations

import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
STS_DIR = ROOT.parent / "shared" / "stsb-fr"  # test asset beside the checkout (see ../shared/README.md)

# Pasted into the child scripts that measure one system each: VmHWM resets on exec, while
# ru_maxrss would keep the parent's peak.
PEAK_RSS = r"""
def peak_rss_mb():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
"""
sys.path.insert(0, str(ROOT / "tests"))  # the independent twin checker used by the tests


def machine() -> dict:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    from flaucluster.persist import package_versions

    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "versions": package_versions(),
    }


def sts_pairs(split: str = "test") -> pd.DataFrame:
    """STS-fr pairs ``sentence1, sentence2, score`` of one split, read as flaucluster reads them."""
    from flaucluster.embed.sts import load_sts

    return load_sts(split, STS_DIR)  # type: ignore[arg-type]


def min_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """The lowest cosine between matching rows of two embedding matrices."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    cos = (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)
    return float(cos.min())


def sample(variant: str = "title+description") -> tuple[pd.DataFrame, list[str]]:
    df = pd.read_csv(ROOT / "data" / "cours_fr.csv", dtype=str, keep_default_na=False)
    texts = df["title"].tolist() if variant == "title" else (df["title"] + ". " + df["description"]).tolist()
    return df, texts


def embeddings(texts: list[str]) -> np.ndarray:
    from flaucluster.embed import OfflineUSEEncoder, embed_texts

    return embed_texts(texts, OfflineUSEEncoder(), cache_dir=os.environ.get("FLAUCLUSTER_CACHE_DIR"))


def write_results(name: str, payload: dict, markdown: str) -> None:
    from flaucluster.io import write_json, write_text

    write_json(RESULTS / f"{name}.json", payload)
    write_text(RESULTS / f"{name}.md", markdown)
    print(markdown)
