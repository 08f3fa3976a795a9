"""Nearest sentences by cosine similarity, and kNN assignment of new sentences to clusters.

Vectors are taken to be of unit length (as :func:`flaucluster.embed.embed_texts` gives them), so a dot product
is a cosine similarity.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .cluster import OUTLIER

__all__ = ["distinct_rows", "knn", "near_duplicates", "nearest"]

# Score cells above which torch.topk picks the top k: on large blocks it beats np.argpartition, which
# dominated neighbour votes at 100k rows; below it numpy's is cheaper than importing torch.
_TORCH_TOPK_CELLS = 1 << 22


def nearest(query: np.ndarray, vectors: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Find the ``k`` nearest ``vectors`` to each ``query`` row, by cosine similarity.

    Parameters
    ----------
    query : numpy.ndarray
        Unit rows, shape ``(m, dim)``.
    vectors : numpy.ndarray
        Unit rows to search, shape ``(n, dim)``.
    k : int, default 10
        How many neighbours; at most ``n`` are returned.

    Returns
    -------
    indices : numpy.ndarray
        Shape ``(m, min(k, n))``: the rows of ``vectors``, nearest first (equal scores in either order).
    scores : numpy.ndarray
        Their cosine similarities, same shape.

    See Also
    --------
    knn : The same for many queries, in batches.
    """
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
    if not len(idx):
        return out, share
    ids, code = np.unique(labels, return_inverse=True)  # ascending: the first of equal maxima is the smaller id
    code = code.ravel()
    k = idx.shape[1]
    for s in range(0, len(idx), _VOTE_BLOCK):  # a (rows, clusters) table a block at a time
        cast = code[idx[s : s + _VOTE_BLOCK]]
        weight = np.maximum(sims[s : s + _VOTE_BLOCK], 0).astype(np.float64)
        table = np.zeros((len(cast), len(ids)))
        rows = np.repeat(np.arange(len(cast)), k)
        np.add.at(table, (rows, cast.ravel()), weight.ravel())
        total = table.sum(1)
        best = np.where(total > 0, table.argmax(1), cast.min(1))  # no positive vote: the smallest id among them
        top = table[np.arange(len(cast)), best]
        out[s : s + _VOTE_BLOCK] = ids[best]
        share[s : s + _VOTE_BLOCK] = np.divide(top, total, out=np.zeros_like(top), where=total > 0)
    return out, share


_VOTE_BLOCK = 4096


def knn(query: np.ndarray, vectors: np.ndarray, k: int = 10, batch: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Find the ``k`` nearest ``vectors`` to each ``query`` row: :func:`nearest` in batches, for many queries.

    Parameters
    ----------
    query : numpy.ndarray
        Unit rows, shape ``(m, dim)``.
    vectors : numpy.ndarray
        Unit rows to search, shape ``(n, dim)``.
    k : int, default 10
        How many neighbours; at most ``n`` are returned.
    batch : int, default 2048
        Query rows scored at a time (this bounds memory).

    Returns
    -------
    indices : numpy.ndarray
        Shape ``(m, min(k, n))``: the rows of ``vectors``, nearest first (``(0, k)`` for no query).
    scores : numpy.ndarray
        Their cosine similarities, same shape.
    """
    parts = [nearest(query[s : s + batch], vectors, k) for s in range(0, len(query), batch)]
    if not parts:
        return np.zeros((0, k), dtype=int), np.zeros((0, k), dtype=np.float32)
    return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])


def distinct_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Find the rows whose vectors repeat an earlier row's, bit for bit.

    Corpora repeat texts (a course in several sessions): their neighbours need searching once.

    Parameters
    ----------
    vectors : numpy.ndarray
        Rows, shape ``(n, dim)``.

    Returns
    -------
    first : numpy.ndarray
        The first row of each distinct vector, in row order.
    inverse : numpy.ndarray
        For every row, the position of its vector in ``first``: ``vectors[first][inverse]`` equals ``vectors``.
    """
    seen: dict[bytes, int] = {}
    a = np.ascontiguousarray(vectors)
    inverse = np.fromiter(
        (seen.setdefault(hashlib.blake2b(r.tobytes(), digest_size=16).digest(), len(seen)) for r in a),
        dtype=np.intp,
        count=len(a),
    )
    first = np.full(len(seen), -1, dtype=np.intp)
    first[inverse[::-1]] = np.arange(len(a) - 1, -1, -1)  # the last write, in reverse, is each one's first row
    for s in range(0, len(a), 4096):  # a digest collision would give a row another's neighbours: check
        if not np.array_equal(a[s : s + 4096], a[first[inverse[s : s + 4096]]]):
            return np.arange(len(a)), np.arange(len(a))
    return first, inverse


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
    """Find the pairs of rows whose vectors are almost the same.

    A zero row (a row with no vector) has cosine 0 with every row, so with a positive ``threshold`` it is in no
    pair.

    Parameters
    ----------
    vectors : numpy.ndarray
        Unit rows, shape ``(n, dim)``.
    threshold : float, default 0.95
        The least cosine similarity of a pair.
    batch : int, default 2048
        Rows scored against all the others at a time (this bounds memory).

    Returns
    -------
    list of tuple of (int, int, float)
        ``(i, j, cosine)`` with ``i < j`` for each pair with cosine >= ``threshold``, most similar first (then by
        ``i`` and ``j``).
    """
    pairs: list[tuple[int, int, float]] = []
    for s in range(0, len(vectors), batch):
        sims = vectors[s : s + batch] @ vectors.T
        for r, c in zip(*np.nonzero(sims >= threshold)):
            i = s + int(r)
            if i < int(c) and vectors[i].any():
                pairs.append((i, int(c), float(sims[r, c])))
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))
