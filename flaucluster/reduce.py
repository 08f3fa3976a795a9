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
    metric called once per pair from Python (~4 s for 2,000 rows on 2 cores); above, it switches
    to pynndescent, whose numba compilation costs each new process a minute or more. An exact
    search of 20,000 rows takes seconds, is deterministic, and is computed once for every seed of
    a consensus."""
    from .search import knn

    idx, sims = knn(vectors, vectors, min(n_neighbors, len(vectors)))
    dist = np.clip(1.0 - sims, 0.0, None).astype(np.float32)
    # A row's similarity to itself (or a duplicate) comes out of float32 BLAS as 1 - 1e-7, not 1. UMAP
    # takes the first *positive* distance as a row's scale (rho): left positive, these rounding errors
    # would become that scale and distort a quarter of the graph (measured on data/, titles only).
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
    """2-D coordinates for plotting (UMAP; PCA for tiny inputs)."""
    if len(vectors) < 10:
        return reduce(vectors, "pca", n_components=2, seed=seed)
    return reduce(vectors, "umap", n_components=2, n_neighbors=n_neighbors, seed=seed, min_dist=0.1)
