"""Cluster-to-cluster structure: similarity, a linkage for dendrograms, and merge plans."""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from .cluster import centroids

__all__ = ["similarity"]


def similarity(vectors: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compute the cosine similarity between cluster centroids.

    A centroid is the unit-length mean of a cluster's vectors; outliers (label ``-1``) are left out.

    Parameters
    ----------
    vectors : numpy.ndarray
        One row per sentence, shape ``(n, dim)``.
    labels : numpy.ndarray
        The cluster of each row, shape ``(n,)``.

    Returns
    -------
    ids : numpy.ndarray
        The cluster ids, ascending.
    similarity : numpy.ndarray
        Shape ``(len(ids), len(ids))``: the cosine similarity of each pair of centroids, in ``[-1, 1]``.
    """
    ids, cents = centroids(vectors, labels)
    return ids, np.clip(cents @ cents.T, -1, 1)


def cluster_linkage(vectors: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cluster ids, scipy average-linkage matrix on centroid cosine distance) — for dendrograms."""
    ids, sim = similarity(vectors, labels)
    if len(ids) < 2:
        return ids, np.zeros((0, 4))
    dist = squareform(np.clip(1 - sim, 0, 2), checks=False)
    return ids, linkage(dist, method="average")


def merge_plan(vectors: np.ndarray, labels: np.ndarray, n_clusters: int) -> list[list[int]]:
    """Groups of cluster ids that cutting the hierarchy at ``n_clusters`` puts together."""
    ids, link = cluster_linkage(vectors, labels)
    if n_clusters >= len(ids) or len(ids) < 2:
        return [[int(i)] for i in ids]
    cut = fcluster(link, t=n_clusters, criterion="maxclust")
    return [sorted(int(i) for i in ids[cut == g]) for g in sorted(set(cut.tolist()))]


def apply_merges(labels: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """Each group takes the id of its smallest member; ids not named stay as they are."""
    out = labels.copy()
    for group in groups:
        if len(group) > 1:
            out[np.isin(labels, group)] = min(group)
    return out
