"""Nearest sentences by cosine similarity, and kNN assignment of new sentences to clusters."""
from __future__ import annotations

import numpy as np

from .cluster import OUTLIER


def nearest(query: np.ndarray, vectors: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(row indices, cosine scores) of the ``k`` nearest unit ``vectors`` to each unit ``query`` row."""
    scores = query @ vectors.T
    k = min(k, vectors.shape[0])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(scores, top, 1).argsort(axis=1)[:, ::-1]
    idx = np.take_along_axis(top, order, 1)
    return idx, np.take_along_axis(scores, idx, 1)


def knn_assign(query: np.ndarray, vectors: np.ndarray, labels: np.ndarray, k: int = 10,
               batch: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Cluster of each query row by similarity-weighted vote of its ``k`` nearest training rows.

    A query identical to a training row (cosine >= 0.9999) takes that row's cluster, so
    ``transform`` on the training sentences gives back exactly the fitted clusters."""
    out = np.full(len(query), OUTLIER, dtype=int)
    if len(vectors) == 0:
        return out, np.zeros(len(query), dtype=np.float32)
    prob = np.zeros(len(query), dtype=np.float32)
    for s in range(0, len(query), batch):
        idx, sims = nearest(query[s:s + batch], vectors, k)
        for r, (ii, ss) in enumerate(zip(idx, sims)):
            if ss[0] >= 0.9999:
                out[s + r], prob[s + r] = labels[ii[0]], 1.0
                continue
            votes: dict[int, float] = {}
            for i, w in zip(ii, np.maximum(ss, 0)):
                votes[int(labels[i])] = votes.get(int(labels[i]), 0.0) + float(w)
            best = max(votes, key=lambda c: (votes[c], -c))
            total = sum(votes.values())
            out[s + r], prob[s + r] = best, votes[best] / total if total > 0 else 0.0
    return out, prob
