"""Nearest sentences by cosine similarity, and kNN assignment of new sentences to clusters.

Vectors are taken to be of unit length (as :func:`flaucluster.embed.embed_texts` gives them), so a dot product
is a cosine similarity.
"""

from __future__ import annotations

import hashlib
from math import isqrt

import numpy as np

__all__ = ["distinct_rows", "exact_scores", "knn", "near_duplicates", "nearest"]

# Score cells above which the top k are looked for in the best groups of columns only (_grouped_candidates): on large
# blocks a partition of every row dominated neighbour votes at 100k rows.
_GROUPED_CELLS = 1 << 22
_BLOCK = 4096  # rows per block where every row is visited: a copy of them all costs seconds at 100k rows
_PAIRS = 256  # pairs scored again at a time: their float64 products stay in the processor's cache


def nearest(
    query: np.ndarray, vectors: np.ndarray, k: int = 10, *, out: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Find the ``k`` nearest ``vectors`` to each ``query`` row, by cosine similarity.

    Parameters
    ----------
    query : numpy.ndarray
        Unit rows, shape ``(m, dim)``.
    vectors : numpy.ndarray
        Unit rows to search, shape ``(n, dim)``.
    k : int, default 10
        How many neighbours; at most ``n`` are returned.
    out : numpy.ndarray, optional
        Room for the scores, at least ``(m, n)`` of their dtype, re-used from call to call: a fresh score
        matrix each time is slower than the product itself.

    Returns
    -------
    indices : numpy.ndarray
        Shape ``(m, min(k, n))``: the rows of ``vectors``, nearest first (equal scores: the earlier row first).
    scores : numpy.ndarray
        Their cosine similarities, same shape, computed in float64 and rounded to the vectors' dtype: the same
        whatever the rows searched with them, the batch, or the processor.

    See Also
    --------
    knn : The same for many queries, in batches.
    """
    return _nearest(query, vectors, k, out, _largest_norm(vectors))


def _largest_norm(vectors: np.ndarray) -> float:
    """The largest row norm (NaN if a row holds NaN), a block at a time: no copy of the rows."""
    peaks = [np.linalg.norm(vectors[s : s + _BLOCK], axis=1).max() for s in range(0, len(vectors), _BLOCK)]
    return float(np.max(peaks)) if peaks else 0.0


def _nearest(
    query: np.ndarray, vectors: np.ndarray, k: int, out: np.ndarray | None, largest: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`nearest`, with the largest norm of ``vectors`` known (it bounds the product's rounding), or
    None: BLAS's scores as they come.

    The product (BLAS) finds the candidates; their scores are then computed again in float64, one pair at a
    time, and those decide the order. BLAS adds up a product in an order that depends on the shape of the
    matrices and on the processor, so its last bits, and the neighbours they rank, would change with the
    batch, the rows searched together, or the machine of a Dask worker. The candidates are every column
    within twice the product's worst rounding error of a row's k-th best: they hold its true k best."""
    k = min(k, vectors.shape[0])
    dtype = np.result_type(query, vectors)
    if k == 0:  # no neighbour asked for, or none to find
        return np.zeros((len(query), 0), dtype=np.intp), np.zeros((len(query), 0), dtype=dtype)
    scores = np.matmul(query, vectors.T, out=None if out is None else out[: len(query), : len(vectors)])
    pick = _grouped_candidates if scores.size >= _GROUPED_CELLS else _candidates
    if largest is None:
        rows, cols = pick(scores, k)
        return _first_k(rows, cols, scores[rows, cols], len(scores), k)
    # |error| of a dot product of length d <= d * eps * |q| * |v| (rounding in any order), on each side
    norms = np.linalg.norm(query, axis=1).astype(np.float64)
    slack = 2.0 * 1.01 * query.shape[1] * float(np.finfo(dtype).eps) * norms * largest
    rows, cols = pick(scores, k, slack)
    idx, values = _first_k(rows, cols, exact_scores(query, vectors, rows, cols), len(scores), k)
    return idx, values.astype(dtype)


def exact_scores(query: np.ndarray, vectors: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``query[rows] . vectors[cols]`` pair by pair, in float64.

    The products of float32 are exact in float64, and each pair's sum runs in an order that depends on the
    length of the vectors only: a score never depends on which other pairs are scored with it, nor on the
    processor, as a BLAS product's last bits do.

    Parameters
    ----------
    query, vectors : numpy.ndarray
        Rows of the same width.
    rows, cols : numpy.ndarray
        The pairs: row ``rows[i]`` of ``query`` with row ``cols[i]`` of ``vectors``.

    Returns
    -------
    numpy.ndarray
        float64, one score per pair.
    """
    out = np.empty(len(rows), dtype=np.float64)
    for s in range(0, len(rows), _PAIRS):
        pairs = query[rows[s : s + _PAIRS]].astype(np.float64)
        pairs *= vectors[cols[s : s + _PAIRS]]
        out[s : s + _PAIRS] = pairs.sum(axis=1)
    return out


def _candidates(scores: np.ndarray, k: int, slack: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the candidates of each row: the cells within ``slack`` (per row) of its ``k``-th
    largest score."""
    bound = np.partition(scores, scores.shape[1] - k, axis=1)[:, scores.shape[1] - k]  # each row's k-th best
    rows, cols = np.nonzero(scores >= (bound - slack)[:, None])
    return rows, cols


def _grouped_candidates(scores: np.ndarray, k: int, slack: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_candidates` (or a few more), without partitioning whole rows: the columns are cut into
    groups of about sqrt(n), and a row's k-th highest group maximum is a floor for its k best scores (k scores
    reach it), so only the groups whose maximum comes within ``slack`` of that floor, and the few columns left
    over after the last whole group, are searched."""
    scores = np.ascontiguousarray(scores)
    b, n = scores.shape
    width = max(1, isqrt(n))
    groups = n // width
    if groups <= k:  # too few groups to leave any out
        return _candidates(scores, k, slack)
    whole = scores[:, : groups * width].reshape(b, groups, width)
    peaks = whole.max(2)
    floor = np.partition(peaks, groups - k, axis=1)[:, groups - k] - slack
    picked = np.flatnonzero(peaks >= floor[:, None])  # k groups a row, more only where maxima come close
    g_rows, g_ids = np.divmod(picked, groups)
    if groups * width == n:  # the picked groups copied as whole rows: fast
        inside = np.take(scores.reshape(b * groups, width), picked, axis=0)
    else:
        inside = np.take(scores.reshape(-1), (g_rows * n + g_ids * width)[:, None] + np.arange(width))
    hit, offset = np.divmod(np.flatnonzero(inside >= floor[g_rows, None]), width)
    rows, cols = g_rows[hit], g_ids[hit] * width + offset
    if groups * width < n:
        r, c = np.nonzero(scores[:, groups * width :] >= floor[:, None])
        rows, cols = np.concatenate([rows, r]), np.concatenate([cols, c + groups * width])
    return rows, cols


def _first_k(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, b: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """From candidates ``(rows, cols, values)``, at least ``k`` in each of ``b`` rows and every one of a
    row's k best among them: each row's k best, highest first, equal values in column order."""
    if np.bincount(rows, minlength=b).min(initial=k) < k:  # a NaN score compares false with everything
        raise FloatingPointError("a similarity is NaN: a vector holds NaN or infinity")
    order = np.lexsort((cols, -values, rows))
    first = np.searchsorted(rows[order], np.arange(b))
    take = order[(first[:, None] + np.arange(k)).ravel()]
    return cols[take].reshape(b, k), values[take].reshape(b, k)


def vote(idx: np.ndarray, sims: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Similarity-weighted majority of the neighbours' ``labels``; (winner, its share of the votes).
    Ties go to the smaller cluster id, so the answer never depends on neighbour order."""
    out = np.empty(len(idx), dtype=int)
    share = np.zeros(len(idx), dtype=np.float32)
    if not len(idx):
        return out, share
    ids, code = np.unique(labels, return_inverse=True)  # ascending: the first of equal maxima is the smaller id
    code = code.ravel()
    for s in range(0, len(idx), _BLOCK):  # a (rows, clusters) table a block at a time
        cast = code[idx[s : s + _BLOCK]]
        table = _vote_table(cast, sims[s : s + _BLOCK], len(ids))
        total = table.sum(1)
        best = np.where(total > 0, table.argmax(1), cast.min(1))  # no positive vote: the smallest id among them
        top = table[np.arange(len(cast)), best]
        out[s : s + _BLOCK] = ids[best]
        share[s : s + _BLOCK] = np.divide(top, total, out=np.zeros_like(top), where=total > 0)
    return out, share


def _vote_table(cast: np.ndarray, sims: np.ndarray, n_ids: int) -> np.ndarray:
    """(rows, clusters): each row's neighbours' positive similarities added up by their cluster's code."""
    table = np.zeros((len(cast), n_ids))
    rows = np.repeat(np.arange(len(cast)), cast.shape[1])
    np.add.at(table, (rows, cast.ravel()), np.maximum(sims, 0).astype(np.float64).ravel())
    return table


def vote_shares(idx: np.ndarray, sims: np.ndarray, labels: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Each query row's share of its neighbours' similarity-weighted votes for each cluster of ``ids`` (float32,
    shape ``(len(idx), len(ids))``); votes of outliers count in the total, not in a column."""
    names, code = np.unique(np.concatenate([np.asarray(ids, dtype=int), labels]), return_inverse=True)
    code = code.ravel()[len(ids) :]
    table = _vote_table(code[idx], sims, len(names))
    total = table.sum(1, keepdims=True)
    shares = np.divide(table, total, out=np.zeros_like(table), where=total > 0)
    return shares[:, np.searchsorted(names, ids)].astype(np.float32)


def knn(
    query: np.ndarray,
    vectors: np.ndarray,
    k: int = 10,
    batch: int = 2048,
    *,
    rows: np.ndarray | None = None,
    exact: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
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
    rows : numpy.ndarray, optional
        Search for ``query[rows]`` only, taken a batch at a time (no copy of them all); None: every row.
    exact : bool, default True
        Scores as :func:`nearest` gives them, the same whatever the batch and the processor. False: BLAS's
        own, without the second pass, the same only for the same rows, batch and processor (enough for a
        graph that is always built in one piece, such as a layout's).

    Returns
    -------
    indices : numpy.ndarray
        Shape ``(len(rows), min(k, n))``: the rows of ``vectors``, nearest first (``(0, k)`` for no query).
    scores : numpy.ndarray
        Their cosine similarities, same shape.
    """
    count = len(query) if rows is None else len(rows)
    room = np.empty((min(batch, count), len(vectors)), dtype=np.result_type(query, vectors)) if count else None
    largest = _largest_norm(vectors) if count and exact else None
    parts = [
        _nearest(query[s : s + batch] if rows is None else query[rows[s : s + batch]], vectors, k, room, largest)
        for s in range(0, count, batch)
    ]
    if not parts:
        return np.zeros((0, k), dtype=int), np.zeros((0, k), dtype=np.float32)
    return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])


def distinct_rows(vectors: np.ndarray, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Find the rows whose vectors repeat an earlier row's, bit for bit.

    Corpora repeat texts (a course in several sessions): their neighbours need searching once.

    Parameters
    ----------
    vectors : numpy.ndarray
        Rows, shape ``(n, dim)``.
    rows : numpy.ndarray, optional
        Look at ``vectors[rows]`` only (read a block at a time, not copied whole); None: every row.

    Returns
    -------
    first : numpy.ndarray
        The first of each distinct vector, as positions in ``rows`` (in ``vectors`` without it), in order.
    inverse : numpy.ndarray
        For each of them, the position of its vector in ``first``: ``vectors[rows][first][inverse]`` equals
        ``vectors[rows]``.
    """
    rows = np.arange(len(vectors)) if rows is None else np.asarray(rows)
    seen: dict[bytes, int] = {}
    inverse = np.empty(len(rows), dtype=np.intp)
    for s in range(0, len(rows), _BLOCK):
        block = np.ascontiguousarray(vectors[rows[s : s + _BLOCK]])
        inverse[s : s + len(block)] = [
            seen.setdefault(hashlib.blake2b(r.tobytes(), digest_size=16).digest(), len(seen)) for r in block
        ]
    first = np.full(len(seen), -1, dtype=np.intp)
    first[inverse[::-1]] = np.arange(len(rows) - 1, -1, -1)  # the last write, in reverse, is each one's first row
    for s in range(0, len(rows), _BLOCK):  # a digest collision would give a row another's neighbours: check
        if not np.array_equal(vectors[rows[s : s + _BLOCK]], vectors[rows[first[inverse[s : s + _BLOCK]]]]):
            return np.arange(len(rows)), np.arange(len(rows))
    return first, inverse


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
