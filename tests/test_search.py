"""Nearest-neighbour search: exact, nearest first, the same whichever top-k routine picks the rows."""

import numpy as np

from flaucluster import search


def unit(n, dim, seed):
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_numpy_and_torch_top_k_give_the_same_exact_neighbours(monkeypatch):
    query, vectors = unit(300, 32, 0), unit(500, 32, 1)
    scores = query @ vectors.T
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :7]
    small = search.knn(query, vectors, 7)  # numpy argpartition below the size threshold
    monkeypatch.setattr(search, "_TORCH_TOPK_CELLS", 1)
    big = search.knn(query, vectors, 7)  # torch.topk above it
    for idx, sims in (small, big):
        np.testing.assert_array_equal(idx, expected)
        np.testing.assert_allclose(sims, np.take_along_axis(scores, expected, 1), rtol=0, atol=1e-6)
