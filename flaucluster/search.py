"""Nearest sentences by cosine similarity, and kNN assignment of new sentences to clusters."""

from __future__ import annotations

import numpy as np

from .cluster import OUTLIER

__all__ = ["knn", "near_duplicates", "nearest"]

# Score cells above which torch.topk picks the top k: on large blocks it beats np.argpartition, which
# dominated neighbour votes at 100k rows; below it numpy's is cheaper than importing torch.
_TORCH_TOPK_CELLS = 1 << 22


def nearest(query: np.ndarray, vectors: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(row indices, cosine scores) of the ``k`` nearest unit ``vectors`` to each unit ``query`` row,
    nearest first (equal scores in either order)."""
    scores = query @ vectors.T
    k = min(k, vectors.shape[0])
    if scores.size >= _TORCH_TOPK_CELLS:
        import torch

        top_sims, top_idx = torch.topk(torch.from_numpy(scores), k, dim=1)
        return top_idx.numpy().astype(np.intp), top_sims.numpy()
    top = np.argpartition(scores, -k, axis=1)[:, -k:]
    order = np.take_along_axis(scores, top, 1).argsort(axis=1)[:, ::-1]
    idx = np.take_along_axis(top, order, 1)
    return idx, np.take_along_axis(scores, idx, 1)


def vote(idx: np.ndarray, sims: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Similarity-weighted majority of the neighbours' ``labels``; (winner, its share of the votes).
    Ties go to the smaller cluster id, so the answer never depends on neighbour order."""
    out = np.empty(len(idx), dtype=int)
    share = np.zeros(len(idx), dtype=np.float32)
    for r, (ii, ss) in enumerate(zip(idx, sims)):
        votes: dict[int, float] = {}
        for i, w in zip(ii, np.maximum(ss, 0)):
            votes[int(labels[i])] = votes.get(int(labels[i]), 0.0) + float(w)
        best = max(votes, key=lambda c: (votes[c], -c))
        total = sum(votes.values())
        out[r], share[r] = best, votes[best] / total if total > 0 else 0.0
    return out, share


def knn(query: np.ndarray, vectors: np.ndarray, k: int = 10, batch: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """:func:`nearest` in batches, for many queries."""
    parts = [nearest(query[s : s + batch], vectors, k) for s in range(0, len(query), batch)]
    if not parts:
        return np.zeros((0, k), dtype=int), np.zeros((0, k), dtype=np.float32)
    return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])


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


def near_duplicates(vectors: np.ndarray, threshold: float = 0.95, batch: int = 2048) -> list[tuple[int, int, float]]:
    """Pairs of rows (i < j) whose unit vectors have cosine >= ``threshold``, most similar first."""
    pairs: list[tuple[int, int, float]] = []
    for s in range(0, len(vectors), batch):
        sims = vectors[s : s + batch] @ vectors.T
        for r, c in zip(*np.nonzero(sims >= threshold)):
            i = s + int(r)
            if i < int(c) and vectors[i].any():
                pairs.append((i, int(c), float(sims[r, c])))
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))
