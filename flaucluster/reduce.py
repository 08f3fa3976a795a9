"""Dimensionality reduction before clustering: UMAP (seeded, cosine; :mod:`flaucluster.layout`, or
umap-learn itself with ``"umap-learn"``), PCA, or none.

Its public function, :func:`map_2d`, gives the 2-D coordinates plots draw sentences at.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Literal

import numpy as np

from .machine import one_blas_thread
from .timing import stage

__all__ = ["map_2d"]

if TYPE_CHECKING:
    from .layout import FuzzyGraph

logger = logging.getLogger(__name__)

Reduction = Literal["umap", "umap-learn", "pca", "none"]
REDUCTIONS: tuple[str, ...] = Reduction.__args__  # type: ignore[attr-defined]


_SAME_POINT = 1e-5  # cosine distances below this are float32 rounding of 0 (unit vectors: 1 - 1e-7 and so on)


def neighbour_graph(vectors: np.ndarray, n_neighbors: int = 15) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine k-nearest neighbours (indices, distances) of unit vectors, by BLAS.

    Why not UMAP's own: below 4,096 rows UMAP computes every pairwise distance through a numba
    metric called once per pair from Python; above, it switches to pynndescent, whose numba
    compilation every new process pays again. An exact search is deterministic and computed once
    for every seed of a consensus (benchmarks/README.md has the timings)."""
    from .search import knn

    # BLAS's scores as they come: the graph of a sample is always built in one piece, here
    idx, sims = knn(vectors, vectors, min(n_neighbors, len(vectors)), exact=False)
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
    n_epochs: int | None = None,
    graph: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Low-dimensional coordinates for clustering. Same input and seed give the same output.

    ``graph``: a precomputed :func:`neighbour_graph` of ``vectors`` for UMAP (unit vectors assumed)."""
    return reduce_seeds(
        vectors,
        method,
        [seed],
        n_components=n_components,
        n_neighbors=n_neighbors,
        min_dist=min_dist,
        n_epochs=n_epochs,
        graph=graph,
    )[0]


def reduce_seeds(
    vectors: np.ndarray,
    method: Reduction,
    seeds: list[int],
    *,
    n_components: int = 5,
    n_neighbors: int = 15,
    min_dist: float = 0.0,
    n_epochs: int | None = None,
    graph: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[np.ndarray]:
    """:func:`reduce` for each of ``seeds``. UMAP layouts already computed in this process for the
    same vectors and settings are re-used (a re-fit with other clustering parameters redoes none);
    the others share one neighbour graph, one spectral start and one vectorised pass."""
    if method not in REDUCTIONS:
        raise ValueError(f"reduction={method!r}; choose one of {REDUCTIONS}.")
    n = len(vectors)
    if method == "none" or n <= n_components + 1:
        return [np.asarray(vectors, dtype=np.float32) for _ in seeds]
    if method == "pca":
        from sklearn.decomposition import PCA

        k = min(n_components, vectors.shape[1], n - 1)
        solver = "full" if n < 5000 else "randomized"
        return [
            PCA(n_components=k, random_state=seed, svd_solver=solver).fit_transform(vectors).astype(np.float32)
            for seed in seeds
        ]
    n_neighbors = min(n_neighbors, n - 1)
    from . import layout

    epochs = n_epochs or (layout.default_epochs(n) if method == "umap" else None)
    key = (_digest(vectors), method, n_components, n_neighbors, float(min_dist), epochs)
    todo = [s for s in seeds if key + (s,) not in _LAYOUTS]
    if len(todo) < len(seeds):
        logger.info("UMAP: re-using %d layout(s) computed earlier in this process", len(seeds) - len(todo))
    if todo and method == "umap-learn":
        with stage("neighbour graph"):
            graph = graph if graph is not None else neighbour_graph(vectors, n_neighbors)  # once for every seed
        with stage("layouts"):
            for s in todo:
                _remember(key + (s,), _umap_learn(vectors, n_components, s, min_dist, n_epochs, graph))
    elif todo:
        logger.info(
            "UMAP: %d points -> %d dims (n_neighbors=%d, %d epochs, seeds %s)",
            n,
            n_components,
            n_neighbors,
            epochs,
            ", ".join(map(str, todo)),
        )
        with stage("neighbour graph"):
            fuzzy = _fuzzy_graph(vectors, n_neighbors, key[0], graph)
        with stage("layouts"):
            start = layout.spectral_start(fuzzy, n_components, vectors)
            for s, points in zip(todo, _optimise(fuzzy, start, todo, min_dist, epochs)):
                _remember(key + (s,), points)
    return [_LAYOUTS[key + (s,)].copy() for s in seeds]


_SHARED_FROM = 5_000
"""Points times seeds from which the layouts are shared with a second process (below, its fork costs more)."""


def _optimise(fuzzy: FuzzyGraph, start: np.ndarray, seeds: list[int], min_dist: float, epochs: int | None) -> list:
    """The seeds' layouts (:func:`flaucluster.layout.optimise`), the later ones in a forked process where a
    second core is usable: a layout is the same bits whichever seeds are computed beside it (tested)."""
    from . import layout
    from .machine import second_process

    def here(part: list[int]) -> list:
        return layout.optimise(fuzzy, start, part, min_dist=min_dist, n_epochs=epochs)

    first, later = seeds[: (len(seeds) + 1) // 2], seeds[(len(seeds) + 1) // 2 :]
    if not later or len(start) * len(seeds) < _SHARED_FROM:
        return here(seeds)
    with second_process() as pool:
        if pool is None:
            return here(seeds)
        there = pool.submit(layout.optimise, fuzzy, start, later, min_dist=min_dist, n_epochs=epochs)
        mine = here(first)
        try:
            return mine + there.result()
        except Exception as exc:  # the process failed or could not be reached: its seeds are done here
            logger.info("the second process could not lay out seeds %s (%s): done here", later, exc)
            return mine + here(later)


def layouts_by(reduction: str) -> str:
    """Which code computes the UMAP layouts (recorded with the results): umap-learn when it is asked
    for, flaucluster's own otherwise, at every size."""
    return "umap-learn" if reduction == "umap-learn" else "flaucluster.layout"


# Layouts and graphs of this process, newest last, bounded in bytes: a notebook re-fit reads them back.
_LAYOUTS: OrderedDict[tuple, np.ndarray] = OrderedDict()
_GRAPHS: OrderedDict[tuple, FuzzyGraph] = OrderedDict()
MEMO_BYTES = 256 * 2**20


def clear_memo() -> None:
    """Forget the layouts and graphs kept by :func:`reduce_seeds` (they are recomputed identically)."""
    _LAYOUTS.clear()
    _GRAPHS.clear()


def _digest(vectors: np.ndarray) -> str:
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    return hashlib.blake2b(v.tobytes(), digest_size=16, person=str(v.shape).encode()[:16]).hexdigest()


def _remember(key: tuple, points: np.ndarray) -> None:
    _LAYOUTS[key] = points
    while sum(p.nbytes for p in _LAYOUTS.values()) > MEMO_BYTES and len(_LAYOUTS) > 1:
        _LAYOUTS.popitem(last=False)


def _fuzzy_graph(vectors: np.ndarray, n_neighbors: int, digest: str, graph) -> FuzzyGraph:
    from . import layout

    key = (digest, n_neighbors)
    if key not in _GRAPHS:
        idx, dist = graph if graph is not None else neighbour_graph(vectors, n_neighbors)
        _GRAPHS[key] = layout.fuzzy_graph(idx[:, :n_neighbors], dist[:, :n_neighbors])
        while len(_GRAPHS) > 4:
            _GRAPHS.popitem(last=False)
    _GRAPHS.move_to_end(key)
    return _GRAPHS[key]


def _umap_learn(vectors, n_components, seed, min_dist, n_epochs, graph) -> np.ndarray:
    """The reference library itself (numba: its functions compile on first use in every new process)."""
    import warnings

    import umap

    n_neighbors = graph[0].shape[1]
    logger.info(
        "umap-learn: %d points -> %d dims (n_neighbors=%d, seed=%d)", len(vectors), n_components, n_neighbors, seed
    )
    reducer = umap.UMAP(
        n_components=n_components,
        n_neighbors=n_neighbors,
        min_dist=min_dist,
        metric="cosine",
        random_state=seed,
        n_epochs=n_epochs,
        n_jobs=1,
        low_memory=True,
        precomputed_knn=(graph[0].copy(), graph[1].copy()),
    )  # UMAP edits them in place
    with warnings.catch_warnings(), one_blas_thread():  # its spectral start too: the same whatever the cores
        warnings.filterwarnings("ignore", message=".*knn_search_index.*")  # we never use UMAP.transform
        return reducer.fit_transform(vectors).astype(np.float32)


def map_2d(vectors: np.ndarray, *, seed: int = 42, n_neighbors: int = 15) -> np.ndarray:
    """Give 2-D coordinates for plotting ``vectors``.

    UMAP (cosine, ``min_dist=0.1``) from 10 points on; PCA from 3 to 9 points; fewer than 3 points are put side
    by side on the x axis. The same input and seed give the same output.

    Parameters
    ----------
    vectors : numpy.ndarray
        Unit rows, shape ``(n, dim)``.
    seed : int, default 42
        Random seed of UMAP (and PCA).
    n_neighbors : int, default 15
        UMAP's neighbourhood size (at most ``n - 1`` are used).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(vectors), 2)``, always.
    """
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
