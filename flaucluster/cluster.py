"""Grouping the reduced vectors: HDBSCAN, KMeans (given or automatic k), or any scikit-learn clusterer."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .search import knn, vote
from .vectors import FIXED as _FIXED
from .vectors import as_store

logger = logging.getLogger(__name__)

Method = Literal["hdbscan", "kmeans"]
METHODS: tuple[str, ...] = Method.__args__  # type: ignore[attr-defined]
OUTLIER = -1

__all__ = ["assign_outliers"]


@dataclass
class Clustering:
    labels: np.ndarray  # cluster per row, -1 = outlier
    probabilities: np.ndarray  # membership strength in [0, 1]
    details: dict[str, Any] = field(default_factory=dict)


def cluster(
    points: np.ndarray,
    method: Method | Any = "hdbscan",
    *,
    min_cluster_size: int = 2,
    min_samples: int | None = None,
    k: int | None = None,
    k_range: tuple[int, int] | None = None,
    seed: int = 0,
    selection: str = "eom",
) -> Clustering:
    """Cluster ``points``. ``method`` is ``"hdbscan"``, ``"kmeans"``, or an unfitted scikit-learn clusterer.

    One run with the knobs given; the package's defaults are :class:`flaucluster.consensus.ConsensusClusterer`'s
    (here only the loosest values: HDBSCAN's smallest cluster of 2, KMeans' k given or a ``k_range`` to try).
    ``selection`` is HDBSCAN's ``cluster_selection_method``: ``"eom"`` (its most persistent clusters) or
    ``"leaf"`` (the finest clusters of its tree)."""
    if not isinstance(method, str):
        return _sklearn(points, method)
    if method == "hdbscan":
        return _hdbscan(points, min_cluster_size, min_samples, selection)
    if method == "kmeans":
        if k is None and k_range is None:
            raise ValueError("KMeans needs k, or a k_range to choose it from.")
        return _kmeans(points, k, k_range or (k, k), seed)  # type: ignore[arg-type]  # one of them is given
    raise ValueError(f"method={method!r}; choose one of {METHODS} or pass a scikit-learn clusterer.")


def _hdbscan(points: np.ndarray, min_cluster_size: int, min_samples: int | None, selection: str = "eom") -> Clustering:
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
        cluster_selection_method=selection,
        core_dist_n_jobs=1,
    )
    labels = model.fit_predict(points)
    return Clustering(
        labels.astype(int),
        model.probabilities_.astype(np.float32),
        {"method": "hdbscan", "min_cluster_size": min_cluster_size, "min_samples": min_samples, "selection": selection},
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


def n_groups(labels: np.ndarray) -> int:
    """How many clusters ``labels`` hold (outliers are none)."""
    return len(set(np.asarray(labels).tolist()) - {OUTLIER})


def renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Clusters numbered 0, 1, ... by decreasing size (ties: first appearance); -1 stays -1.

    Together with the canonical row order this makes ids independent of input order."""
    ids, first, counts = np.unique(labels[labels != OUTLIER], return_index=True, return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(ids[i]): new for new, i in enumerate(order)}
    return np.array([mapping.get(int(l), OUTLIER) for l in labels], dtype=int)


def cluster_sums(vectors: np.ndarray, labels: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of each cluster in ``ids`` added up, and counted: (sums, counts).

    The sums are integers (``int64``, :data:`flaucluster.vectors.FIXED` to a unit of the components, which are at most 1 in a unit
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
        ``int64``, shape ``(len(ids), dim)``: divide by :data:`flaucluster.vectors.FIXED` for the vectors' sum.
    counts : numpy.ndarray
        Rows in each cluster.
    """
    return as_store(vectors).cluster_sums(labels, np.asarray(ids))


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


def knn_assign(
    query: np.ndarray, vectors: np.ndarray, labels: np.ndarray, k: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster of each query row by similarity-weighted vote of its ``k`` nearest training rows.

    A query identical to a training row (cosine >= 0.9999) takes that row's cluster."""
    if len(vectors) == 0:
        return np.full(len(query), OUTLIER, dtype=int), np.zeros(len(query), dtype=np.float32)
    idx, sims = knn(query, vectors, k)
    out, share = vote(idx, sims, labels)
    exact = sims[:, 0] >= 0.9999
    out[exact], share[exact] = labels[idx[exact, 0]], 1.0
    return out, share


def assign_outliers(
    vectors: np.ndarray, labels: np.ndarray, max_share: float = 0.0, among: np.ndarray | None = None
) -> np.ndarray:
    """Give outliers the cluster whose mean vector they have the largest dot product with.

    The two nearest means of each outlier are found with exact scores (:func:`knn`), where the vectors are
    (on a Dask cluster's workers for :class:`flaucluster.spread.SpreadVectors`). Rows tied at the cut all
    move, so the share left is at most ``max_share`` and the choice never depends on the order of the rows.

    Parameters
    ----------
    vectors : numpy.ndarray
        Unit rows, shape ``(n, dim)``.
    labels : numpy.ndarray
        The cluster of each row, ``-1`` for an outlier.
    max_share : float, default 0.0
        Above 0, this share of the rows in ``among`` is left unassigned: the least ambiguous outliers move first
        (the widest margin between their nearest and their second nearest cluster), the others stay outliers.
    among : numpy.ndarray, optional
        A mask of the rows that may move and that the share counts; None: every row.

    Returns
    -------
    numpy.ndarray
        The labels, with the moved outliers in their nearest cluster.
    """
    out = labels.copy()
    among = np.ones(len(labels), dtype=bool) if among is None else among
    rows = np.flatnonzero((labels == OUTLIER) & among)
    ids, means = centroids(vectors, labels, unit=False)
    if not len(rows) or not len(ids):
        return out
    # the two nearest means, scored exactly (flaucluster.search): the same however the rows are split
    near, top = as_store(vectors).knn_rows(rows, means, 2)
    best = near[:, 0]
    to_move = len(rows) - int(np.floor(max_share * among.sum() + 1e-9))
    if to_move <= 0:
        return out
    if to_move < len(rows):
        margin = top[:, 0] - top[:, 1] if len(ids) > 1 else top[:, 0]
        moving = margin >= np.sort(margin)[::-1][to_move - 1]
        rows, best = rows[moving], best[moving]
    out[rows] = ids[best]
    return out


def reassign_outliers(
    vectors: np.ndarray,
    labels: np.ndarray,
    usable: np.ndarray,
    among: np.ndarray,
    max_unassigned: float | None,
    details: dict,
) -> np.ndarray:
    """The labels in use after a clustering: the least ambiguous outliers among ``among`` moved to their nearest
    cluster (:func:`assign_outliers`) until at most ``max_unassigned`` of the ``usable`` rows are left (None: none
    moves); unusable rows are outliers. ``details`` gets the share and the number of rows moved."""
    clustered = np.where(among, labels, OUTLIER)
    out = labels.copy()
    if max_unassigned is not None and among.any():
        budget = min(1.0, max_unassigned * usable.sum() / among.sum())
        out = np.where(among, assign_outliers(vectors, clustered, budget, among), out)
    out[~usable] = OUTLIER
    if max_unassigned is not None:
        details["max_unassigned"] = max_unassigned
        details["outliers_moved"] = int(((labels == OUTLIER) & (out != OUTLIER)).sum())
    return out
