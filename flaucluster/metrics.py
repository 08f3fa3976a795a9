"""Quality metrics: geometry (silhouette, DBCV), agreement with known labels (ARI, NMI),
and keyword quality (NPMI coherence, diversity)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from itertools import combinations

import numpy as np

from .cluster import OUTLIER

__all__ = ["agreement", "dbcv", "npmi_coherence", "silhouette", "topic_diversity"]

logger = logging.getLogger(__name__)


def silhouette(points: np.ndarray, labels: np.ndarray, *, sample: int = 4000, seed: int = 42) -> float | None:
    """Cosine silhouette over clustered rows (outliers excluded); a seeded sample above ``sample`` rows."""
    from sklearn.metrics import silhouette_score

    m = labels != OUTLIER
    if not 2 <= len(set(labels[m].tolist())) < int(m.sum()):
        return None
    return float(
        silhouette_score(
            points[m], labels[m], metric="cosine", sample_size=min(sample, int(m.sum())), random_state=seed
        )
    )


def dbcv(points: np.ndarray, labels: np.ndarray, *, sample: int = 3000, seed: int = 42) -> float | None:
    """HDBSCAN's density-based validity index (DBCV) on the clustering space; sampled, it is quadratic."""
    from hdbscan.validity import validity_index

    m = np.flatnonzero(labels != OUTLIER)
    if len(set(labels[m].tolist())) < 2:
        return None
    if len(m) > sample:
        m = np.sort(np.random.default_rng(seed).choice(m, sample, replace=False))
    try:
        # identical points make hdbscan's DBCV divide by zero: its overflow warnings are noise, a nan the answer
        with np.errstate(all="ignore"):
            value = float(validity_index(points[m].astype(np.float64), labels[m]))
    except (ValueError, ZeroDivisionError, FloatingPointError, AssertionError) as exc:
        logger.warning("DBCV could not be computed: %s", exc or type(exc).__name__)
        return None
    return value if np.isfinite(value) else None


def agreement(labels: np.ndarray, truth: Sequence) -> dict[str, float]:
    """ARI and NMI against known labels, all rows counted (outliers are one more group)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    known = np.asarray(truth)
    return {"ari": float(adjusted_rand_score(known, labels)), "nmi": float(normalized_mutual_info_score(known, labels))}


def npmi_coherence(keywords: list[list[str]], documents: list[set[str]], top: int = 10) -> float | None:
    """Mean normalised PMI of keyword pairs, from document co-occurrence in the corpus itself."""
    n = len(documents)
    if not n:
        return None
    df: dict[str, set[int]] = {}
    for i, doc in enumerate(documents):
        for term in doc:
            df.setdefault(term, set()).add(i)
    scores = []
    for kws in keywords:
        for a, b in combinations(kws[:top], 2):
            da, db = df.get(a, set()), df.get(b, set())
            both = len(da & db)
            if not da or not db:
                continue
            if both == 0:
                scores.append(-1.0)
                continue
            p_ab, p_a, p_b = both / n, len(da) / n, len(db) / n
            scores.append(1.0 if p_ab == 1 else float(np.log(p_ab / (p_a * p_b)) / -np.log(p_ab)))
    return float(np.mean(scores)) if scores else None


def topic_diversity(keywords: list[list[str]], top: int = 10) -> float | None:
    """Share of distinct words among all clusters' top keywords (1 = no word shared)."""
    words = [w for kws in keywords for kw in kws[:top] for w in kw.split(" ")]
    return len(set(words)) / len(words) if words else None
