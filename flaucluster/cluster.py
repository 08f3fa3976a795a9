"""Grouping the reduced vectors: HDBSCAN, KMeans (given or automatic k), or any scikit-learn clusterer."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

logger = logging.getLogger(__name__)

Method = Literal["hdbscan", "kmeans"]
METHODS: tuple[str, ...] = Method.__args__  # type: ignore[attr-defined]
OUTLIER = -1


@dataclass
class Clustering:
    labels: np.ndarray  # cluster per row, -1 = outlier
    probabilities: np.ndarray  # membership strength in [0, 1]
    details: dict[str, Any] = field(default_factory=dict)


def cluster(
    points: np.ndarray,
    method: Method | Any = "hdbscan",
    *,
    min_cluster_size: int = 15,
    min_samples: int | None = None,
    k: int | None = None,
    k_range: tuple[int, int] = (2, 30),
    seed: int = 42,
) -> Clustering:
    """Cluster ``points``. ``method`` is ``"hdbscan"``, ``"kmeans"``, or an unfitted scikit-learn clusterer."""
    if not isinstance(method, str):
        return _sklearn(points, method)
    if method == "hdbscan":
        return _hdbscan(points, min_cluster_size, min_samples)
    if method == "kmeans":
        return _kmeans(points, k, k_range, seed)
    raise ValueError(f"method={method!r}; choose one of {METHODS} or pass a scikit-learn clusterer.")


def _hdbscan(points: np.ndarray, min_cluster_size: int, min_samples: int | None) -> Clustering:
    import hdbscan

    if len(points) < 2 * min_cluster_size:
        raise ValueError(
            f"{len(points)} usable rows is too few for min_cluster_size={min_cluster_size}; "
            "lower min_cluster_size or use method='kmeans'."
        )
    model = hdbscan.HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        metric="euclidean",
        cluster_selection_method="eom",
        core_dist_n_jobs=1,
    )
    labels = model.fit_predict(points)
    return Clustering(
        labels.astype(int),
        model.probabilities_.astype(np.float32),
        {"method": "hdbscan", "min_cluster_size": min_cluster_size, "min_samples": min_samples},
    )


def _kmeans(points: np.ndarray, k: int | None, k_range: tuple[int, int], seed: int) -> Clustering:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    def fit(n: int) -> KMeans:
        return KMeans(n_clusters=n, n_init=4, random_state=seed).fit(points)

    scores: dict[int, float] = {}
    if k is None:
        lo, hi = max(2, k_range[0]), min(k_range[1], len(points) - 1)
        if lo > hi:
            raise ValueError(f"{len(points)} usable rows is too few for automatic k in {k_range}; pass k.")
        sample = min(len(points), 4000)  # silhouette is quadratic: a seeded sample keeps auto-k fast
        for n in range(lo, hi + 1):
            found = fit(n).labels_
            # identical points can leave KMeans with a single distinct cluster, where silhouette is undefined
            scores[n] = (
                float(silhouette_score(points, found, sample_size=sample, random_state=seed))
                if 1 < len(set(found.tolist())) < len(points)
                else -1.0
            )
        k = max(scores, key=scores.__getitem__)
        logger.info("KMeans: automatic k=%d (best silhouette %.3f over k=%d..%d)", k, scores[k], lo, hi)
    model = fit(k)
    # membership strength: how much closer the own centroid is than the next one
    d = model.transform(points)
    d.sort(axis=1)
    probs = 1.0 - d[:, 0] / np.maximum(d[:, 1], 1e-12) if k > 1 else np.ones(len(points))
    return Clustering(
        model.labels_.astype(int),
        probs.astype(np.float32),
        {"method": "kmeans", "k": int(k), "silhouette_by_k": scores},
    )


def _sklearn(points: np.ndarray, estimator: Any) -> Clustering:
    if not hasattr(estimator, "fit_predict") and not hasattr(estimator, "fit"):
        raise TypeError(f"{estimator!r} is not a scikit-learn clusterer (no fit/fit_predict).")
    labels = estimator.fit_predict(points) if hasattr(estimator, "fit_predict") else estimator.fit(points).labels_
    probs = getattr(estimator, "probabilities_", None)
    probs = np.ones(len(points), np.float32) if probs is None else np.asarray(probs, np.float32)
    return Clustering(np.asarray(labels, int), probs, {"method": type(estimator).__name__})


def renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Clusters numbered 0, 1, ... by decreasing size (ties: first appearance); -1 stays -1.

    Together with the canonical row order this makes ids independent of input order."""
    ids, first, counts = np.unique(labels[labels != OUTLIER], return_index=True, return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(ids[i]): new for new, i in enumerate(order)}
    return np.array([mapping.get(int(l), OUTLIER) for l in labels], dtype=int)


_FIXED = 2.0**30  # a component's units in cluster_sums: finer than float32 carries near 1, room for 2**33 rows
_BLOCK = 4096  # rows turned into integers at a time


def cluster_sums(vectors: np.ndarray, labels: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of each cluster in ``ids`` added up, and counted: (sums, counts).

    The sums are integers (``int64``, :data:`_FIXED` to a unit of the components, which are at most 1 in a unit
    vector), so they are exact: the same whatever the order of the rows, and whether they are added up at once
    or by parts and then together (as a Dask cluster's partitions are). A float sum moves in its last bits with
    the order, and the clusters' mean directions would move with it.

    Parameters
    ----------
    vectors : numpy.ndarray
        Rows of shape ``(n, dim)``, components in ``[-1, 1]`` (unit rows, or zeros).
    labels : numpy.ndarray
        The cluster of each row; rows whose cluster is not in ``ids`` are left out.
    ids : numpy.ndarray
        The clusters, ascending.

    Returns
    -------
    sums : numpy.ndarray
        ``int64``, shape ``(len(ids), dim)``: divide by :data:`_FIXED` for the vectors' sum.
    counts : numpy.ndarray
        Rows in each cluster.
    """
    ids = np.asarray(ids)
    if hasattr(vectors, "cluster_sums"):  # vectors on a Dask cluster (flaucluster.spread): added up where they are
        return vectors.cluster_sums(labels, ids)
    sums = np.zeros((len(ids), vectors.shape[1]), dtype=np.int64)
    counts = np.zeros(len(ids), dtype=np.int64)
    if not len(ids):
        return sums, counts
    for s in range(0, len(labels), _BLOCK):
        block = np.asarray(labels[s : s + _BLOCK])
        codes = np.minimum(np.searchsorted(ids, block), len(ids) - 1)
        rows = np.flatnonzero(ids[codes] == block)
        rows = rows[np.argsort(codes[rows], kind="stable")]
        if not len(rows):
            continue
        fixed = np.rint(np.asarray(vectors[s + rows], dtype=np.float64) * _FIXED).astype(np.int64)
        present, start, count = np.unique(codes[rows], return_index=True, return_counts=True)
        sums[present] += np.add.reduceat(fixed, start, axis=0)
        counts[present] += count
    return sums, counts


def centroids(vectors: np.ndarray, labels: np.ndarray, *, unit: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(cluster ids, mean vector of each cluster), unit length unless ``unit=False``; outliers excluded.
    The means come from :func:`cluster_sums`: the same, to the bit, whatever the order of the rows."""
    ids = np.array(sorted(set(labels.tolist()) - {OUTLIER}), dtype=int)
    sums, counts = cluster_sums(vectors, labels, ids)
    cents = (sums / (np.maximum(counts, 1)[:, None] * _FIXED)).astype(np.result_type(vectors.dtype, np.float32))
    if not unit:
        return ids, cents
    norms = np.linalg.norm(cents, axis=1, keepdims=True)
    return ids, cents / np.where(norms > 0, norms, 1)
