"""Dimensionality reduction before clustering: UMAP (seeded, cosine), PCA, or none."""

from __future__ import annotations

import logging
from typing import Literal

import numpy as np

logger = logging.getLogger(__name__)

Reduction = Literal["umap", "pca", "none"]
REDUCTIONS: tuple[str, ...] = Reduction.__args__  # type: ignore[attr-defined]


_SAME_POINT = 1e-5  # cosine distances below this are float32 rounding of 0 (unit vectors: 1 - 1e-7 and so on)


def neighbour_graph(vectors: np.ndarray, n_neighbors: int = 15) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine k-nearest neighbours (indices, distances) of unit vectors, by BLAS.

    Why not UMAP's own: below 4,096 rows UMAP computes every pairwise distance through a numba
    metric called once per pair from Python; above, it switches to pynndescent, whose numba
    compilation every new process pays again. An exact search is deterministic and computed once
    for every seed of a consensus (benchmarks/README.md has the timings)."""
    from .search import knn

    idx, sims = knn(vectors, vectors, min(n_neighbors, len(vectors)))
    dist = np.clip(1.0 - sims, 0.0, None).astype(np.float32)
    # A row's similarity to itself (or a duplicate) comes out of float32 BLAS as 1 - 1e-7, not 1. UMAP
    # takes the first *positive* distance as a row's scale (rho): left positive, these rounding errors
    # would become that scale and distort much of the graph.
    dist[dist < _SAME_POINT] = 0.0
    return idx, dist


def reduce(
    vectors: np.ndarray,
    method: Reduction = "umap",
    *,
    n_components: int = 5,
    n_neighbors: int = 15,
    seed: int = 42,
    min_dist: float = 0.0,
    graph: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Low-dimensional coordinates for clustering. Same input and seed give the same output.

    ``graph``: a precomputed :func:`neighbour_graph` of ``vectors`` for UMAP (unit vectors assumed)."""
    if method not in REDUCTIONS:
        raise ValueError(f"reduction={method!r}; choose one of {REDUCTIONS}.")
    n = len(vectors)
    if method == "none" or n <= n_components + 1:
        return np.asarray(vectors, dtype=np.float32)
    if method == "pca":
        from sklearn.decomposition import PCA

        k = min(n_components, vectors.shape[1], n - 1)
        return (
            PCA(n_components=k, random_state=seed, svd_solver="full" if n < 5000 else "randomized")
            .fit_transform(vectors)
            .astype(np.float32)
        )
    import warnings

    import umap

    n_neighbors = min(n_neighbors, n - 1)
    if graph is None:
        graph = neighbour_graph(vectors, n_neighbors)
    logger.info("UMAP: %d points -> %d dims (n_neighbors=%d, seed=%d)", n, n_components, n_neighbors, seed)
    reducer = umap.UMAP(
        n_components=n_components,
        n_neighbors=n_neighbors,
        min_dist=min_dist,
        metric="cosine",
        random_state=seed,
        n_jobs=1,
        low_memory=True,
        precomputed_knn=(graph[0].copy(), graph[1].copy()),
    )  # UMAP edits them in place
    with warnings.catch_warnings():  # "no search index: transform unavailable" — we never use UMAP.transform
        warnings.filterwarnings("ignore", message=".*knn_search_index.*")
        return reducer.fit_transform(vectors).astype(np.float32)


def map_2d(vectors: np.ndarray, *, seed: int = 42, n_neighbors: int = 15) -> np.ndarray:
    """2-D coordinates for plotting (UMAP; PCA for tiny inputs; zeros for fewer than 3 points), always
    ``(len(vectors), 2)``."""
    out = np.zeros((len(vectors), 2), dtype=np.float32)
    if len(vectors) < 3:
        out[:, 0] = np.arange(len(vectors))  # one or two points: side by side
        return out
    if len(vectors) < 10:
        from sklearn.decomposition import PCA

        points = PCA(n_components=min(2, len(vectors) - 1), random_state=seed).fit_transform(vectors)
        out[:, : points.shape[1]] = points
        return out
    return reduce(vectors, "umap", n_components=2, n_neighbors=n_neighbors, seed=seed, min_dist=0.1)
