"""Cluster-to-cluster structure: similarity, a linkage for dendrograms, and merge plans."""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from .cluster import centroids

__all__ = ["similarity", "unseparated_merges"]


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


def unseparated_merges(vectors: np.ndarray, labels: np.ndarray, below: float) -> list[list[int]]:
    """Groups of cluster ids that the vectors do not separate, merged pair by pair, closest first.

    The separation of two clusters is how much closer, on average, their rows are to their own centre than to
    the other's: for unit rows, a cluster's rows are at mean cosine ``c_A = |mean_A|`` from their own unit centre
    and ``c_A cos(A, B)`` from the other's, so the margin is ``c_A (1 - cos(A, B))``; the pair's separation is
    that margin averaged over the rows of both. While the least separated pair is under ``below`` it is merged
    (its sums and counts added) and its separations to the others recomputed.

    Parameters
    ----------
    vectors : numpy.ndarray
        Unit rows, shape ``(n, dim)``.
    labels : numpy.ndarray
        The cluster of each row, shape ``(n,)``; outliers (-1) are left out.
    below : float
        The separation (a cosine margin) under which two clusters are one.

    Returns
    -------
    list of list of int
        Every cluster id once, in groups (a group of one: not merged), for :func:`apply_merges`.
    """
    ids, found = centroids(vectors, labels, unit=False)
    if len(ids) < 2:
        return [[int(i)] for i in ids]
    counts = np.array([np.count_nonzero(labels == i) for i in ids], dtype=np.float64)
    means = found.astype(np.float64)
    members = {j: [int(i)] for j, i in enumerate(ids)}

    def margins(j: np.ndarray | int) -> np.ndarray:
        """Separation of cluster(s) ``j`` from every cluster: rows of the pair's mean cosine margin."""
        coh = np.linalg.norm(means, axis=1)
        unit = means / np.maximum(coh, 1e-12)[:, None]
        cos = np.atleast_2d(unit[j] @ unit.T)
        cj, nj = np.atleast_1d(coh[j])[:, None], np.atleast_1d(counts[j])[:, None]
        return (cj * nj + coh[None, :] * counts[None, :]) / (nj + counts[None, :]) * (1 - cos)

    alive = np.ones(len(ids), dtype=bool)
    sep = margins(np.arange(len(ids)))
    np.fill_diagonal(sep, np.inf)
    while alive.sum() > 2:  # never down to one group: a file of one topic still shows its two sides
        i, j = np.unravel_index(np.argmin(sep), sep.shape)
        if sep[i, j] >= below:
            break
        a, b = int(min(i, j)), int(max(i, j))
        means[a] = (means[a] * counts[a] + means[b] * counts[b]) / (counts[a] + counts[b])
        counts[a] += counts[b]
        members[a] += members.pop(b)
        alive[b] = False
        row = margins(a)[0]
        row[~alive] = np.inf
        row[a] = np.inf
        sep[a], sep[:, a] = row, row
        sep[b], sep[:, b] = np.inf, np.inf
    return [sorted(m) for _, m in sorted(members.items())]
