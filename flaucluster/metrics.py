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
    """Compute the cosine silhouette of a clustering, outliers excluded.

    Parameters
    ----------
    points : numpy.ndarray
        The rows that were clustered, shape ``(n, d)``.
    labels : numpy.ndarray
        The cluster of each row (``-1``: outlier).
    sample : int, default 4000
        Above this many clustered rows, the score is computed on a seeded sample of this size.
    seed : int, default 42
        Seed of the sample.

    Returns
    -------
    float or None
        The mean silhouette, in ``[-1, 1]``; ``None`` unless there are at least 2 clusters and fewer clusters
        than clustered rows.
    """
    from sklearn.metrics import silhouette_score

    m = labels != OUTLIER
    if not 2 <= len(set(labels[m].tolist())) < int(m.sum()):
        return None
    # the sample scikit-learn's sample_size draws, drawn here so that only its rows are read
    rows = np.flatnonzero(m)[np.random.RandomState(seed).permutation(int(m.sum()))[: min(sample, int(m.sum()))]]
    if len(set(labels[rows].tolist())) < 2:
        return None
    return float(silhouette_score(points[rows], labels[rows], metric="cosine"))


def dbcv(points: np.ndarray, labels: np.ndarray, *, sample: int = 3000, seed: int = 42) -> float | None:
    """Compute HDBSCAN's density-based validity index (DBCV) of a clustering, outliers excluded.

    It is quadratic in the rows, so above ``sample`` rows a seeded sample is scored.

    Parameters
    ----------
    points : numpy.ndarray
        The rows in the clustering space, shape ``(n, d)``.
    labels : numpy.ndarray
        The cluster of each row (``-1``: outlier).
    sample : int, default 3000
        Above this many clustered rows, the index is computed on a seeded sample of this size.
    seed : int, default 42
        Seed of the sample.

    Returns
    -------
    float or None
        The index, in ``[-1, 1]``; ``None`` with fewer than 2 clusters, when it cannot be computed (a warning
        says why) or when it is not finite (identical points, for one).
    """
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
    """Measure agreement with known labels: ARI and NMI, all rows counted (outliers are one more group).

    Parameters
    ----------
    labels : numpy.ndarray
        The cluster of each row (``-1``: outlier).
    truth : sequence
        The known label of each row, in the same order.

    Returns
    -------
    dict of str to float
        ``{"ari": adjusted Rand index, "nmi": normalised mutual information}``.
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    known = np.asarray(truth)
    return {"ari": float(adjusted_rand_score(known, labels)), "nmi": float(normalized_mutual_info_score(known, labels))}


def npmi_coherence(keywords: list[list[str]], documents: list[set[str]], top: int = 10) -> float | None:
    """Compute the mean normalised PMI (NPMI) of keyword pairs, from document co-occurrence in the corpus itself.

    Pairs are taken within each cluster's top keywords; a pair in which a word occurs in no document is left
    out, and a pair never seen together scores -1.

    Parameters
    ----------
    keywords : list of list of str
        Each cluster's keywords, best first.
    documents : list of set of str
        The terms of each document, in the form the keywords are written.
    top : int, default 10
        How many of each cluster's first keywords are paired.

    Returns
    -------
    float or None
        The mean NPMI over all pairs, in ``[-1, 1]``; ``None`` with no document or no pair scored.
    """
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
    """Compute the share of distinct words among all clusters' top keywords (1 = no word shared).

    Keywords of several words count each word.

    Parameters
    ----------
    keywords : list of list of str
        Each cluster's keywords, best first.
    top : int, default 10
        How many of each cluster's first keywords are counted.

    Returns
    -------
    float or None
        Distinct words / words, in ``(0, 1]``; ``None`` with no keyword.
    """
    words = [w for kws in keywords for kw in kws[:top] for w in kw.split(" ")]
    return len(set(words)) / len(words) if words else None
