"""UMAP layouts without a JIT: the fuzzy neighbour graph, a spectral start and the embedding
optimisation, in numpy and scipy, for several seeds in one pass.

Why not umap-learn here: its numba functions compile on first use in each process and nothing is
kept between processes (no ``cache=True``), so every new process pays seconds of compilation before
its first epoch (since lmcinnes/umap#1152 the epoch function compiles once per process, no longer at
every call); torchdr, the torch port, costs seconds of imports (torch, torch._dynamo). This module
needs no JIT and serves every size: from 20,000 to 100,000 points its layouts cluster as umap-learn's
do, in less time and memory. It follows umap-learn's definitions (McInnes et al. 2018;
``umap_.fuzzy_simplicial_set``, ``spectral.spectral_layout``, ``layouts.optimize_layout_euclidean``)
and applies each epoch's updates in one vectorised step, the batched scheme of cuML and TorchDR,
instead of one edge at a time. ``reduction="umap-learn"`` still runs the reference library;
``benchmarks/bench_layout.py``, ``bench_main_job.py`` and ``tests/test_layout.py`` compare the two.

Reproducibility: a seed's layout depends only on the graph, the start and that seed (each seed draws
from its own generator and sums run in a fixed edge order), never on which other seeds share the pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from .machine import one_blas_thread

logger = logging.getLogger(__name__)

NEGATIVE_SAMPLE_RATE = 5  # umap-learn's default
_CLIP = 4.0  # umap-learn clips each gradient component to this


@dataclass(frozen=True)
class FuzzyGraph:
    """The symmetric fuzzy set of umap-learn as directed edges, both directions listed."""

    heads: np.ndarray
    tails: np.ndarray
    weights: np.ndarray
    n: int

    def matrix(self) -> sp.csr_matrix:
        return sp.csr_matrix((self.weights, (self.heads, self.tails)), shape=(self.n, self.n))


def fuzzy_graph(idx: np.ndarray, dist: np.ndarray) -> FuzzyGraph:
    """umap-learn's fuzzy simplicial set of a kNN graph (``idx``, ``dist``: row i's neighbours nearest
    first, the row itself among them); ``local_connectivity=1``, ``set_op_mix_ratio=1``."""
    n, k = idx.shape
    d = dist.astype(np.float64)
    positive = d > 0
    rho = np.where(positive.any(1), d[np.arange(n), positive.argmax(1)], 0.0)
    sigma = _bandwidths(d, rho, np.log2(k))
    self_loop = idx == np.arange(n)[:, None]
    excess = d - rho[:, None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # np.where computes both sides
        strength = np.where((excess <= 0) | (sigma[:, None] == 0), 1.0, np.exp(-excess / sigma[:, None]))
    strength[self_loop] = 0.0
    a = sp.csr_matrix((strength.ravel(), (np.repeat(np.arange(n), k), idx.ravel())), shape=(n, n))
    sym = (a + a.T - a.multiply(a.T)).tocoo()
    keep = sym.data > 0
    order = np.lexsort((sym.col[keep], sym.row[keep]))  # edges by head, then tail: a fixed summation order
    return FuzzyGraph(
        sym.row[keep][order].astype(np.intp),
        sym.col[keep][order].astype(np.intp),
        sym.data[keep][order].astype(np.float32),
        n,
    )


def _bandwidths(d: np.ndarray, rho: np.ndarray, target: float, n_iter: int = 64) -> np.ndarray:
    """umap-learn's ``smooth_knn_dist`` as one binary search over all rows at once."""
    excess = d[:, 1:] - rho[:, None]  # the first neighbour is the row itself, as in umap-learn
    n = len(d)
    lo, hi, mid = np.zeros(n), np.full(n, np.inf), np.ones(n)
    settled = np.zeros(n, dtype=bool)
    for _ in range(n_iter):
        with np.errstate(over="ignore"):
            psum = np.where(excess > 0, np.exp(-excess / mid[:, None]), 1.0).sum(1)
        settled |= np.abs(psum - target) < 1e-5
        over = (psum > target) & ~settled
        under = (psum <= target) & ~settled
        hi = np.where(over, mid, hi)
        lo = np.where(under, mid, lo)
        mid = np.where(over | (under & np.isfinite(hi)), (lo + hi) / 2.0, np.where(under, mid * 2.0, mid))
        if settled.all():
            break
    floor = 1e-3 * np.where(rho > 0, d.mean(1), d.mean())
    return np.maximum(mid, floor)


def spectral_start(graph: FuzzyGraph, dim: int, vectors: np.ndarray) -> np.ndarray:
    """Leading eigenvectors of the graph's normalised adjacency (umap-learn's spectral start).

    A graph in several pieces has no such start (each piece gives a zero eigenvalue of its own):
    then the vectors' first principal axes, which keep the pieces apart."""
    with one_blas_thread():  # the same start, to the bit, whatever the cores
        return _spectral_start(graph, dim, vectors)


def _spectral_start(graph: FuzzyGraph, dim: int, vectors: np.ndarray) -> np.ndarray:
    from scipy.sparse.csgraph import connected_components
    from scipy.sparse.linalg import eigsh

    w = graph.matrix()
    n = graph.n
    if dim + 1 < n and connected_components(w, directed=False)[0] == 1:
        deg = np.asarray(w.sum(0)).ravel()
        scale = sp.diags(1.0 / np.sqrt(deg))
        try:
            # largest of D^-1/2 W D^-1/2 = smallest of the normalised Laplacian, found much faster
            values, vecs = eigsh(
                scale @ w @ scale,
                dim + 1,
                which="LA",
                ncv=max(2 * dim + 3, int(np.sqrt(n))),
                tol=1e-4,
                v0=np.ones(n),
                maxiter=n * 5,
            )
            return vecs[:, np.argsort(values)[::-1][1 : dim + 1]].astype(np.float32)
        except Exception as exc:  # ArpackNoConvergence and kin: the PCA start below still works
            logger.info("spectral start failed (%s); starting from principal axes", exc)
    centred = vectors - vectors.mean(0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    start = np.zeros((n, dim), dtype=np.float32)
    k = min(dim, u.shape[1])
    start[:, :k] = u[:, :k] * s[:k]
    return start


# curve_params of the settings flaucluster uses (clustering, the 2-D map), fitted once here rather than with an
# import of scipy.optimize and a fit in every process (tests/test_layout.py fits them again)
_FITTED = {(0.0, 1.0): (1.93280839734315, 0.7904949732233831), (0.1, 1.0): (1.5769434602697652, 0.8950608778515733)}


@lru_cache(maxsize=8)
def curve_params(min_dist: float, spread: float = 1.0) -> tuple[float, float]:
    """umap-learn's (a, b): the curve 1 / (1 + a d^2b) fitted to the offset exponential of ``min_dist``."""
    if (min_dist, spread) in _FITTED:
        return _FITTED[min_dist, spread]
    return _fit_curve(min_dist, spread)


def _fit_curve(min_dist: float, spread: float) -> tuple[float, float]:
    from scipy.optimize import curve_fit

    x = np.linspace(0, spread * 3, 300)
    y = np.where(x < min_dist, 1.0, np.exp(-(x - min_dist) / spread))
    (a, b), _ = curve_fit(lambda x, a, b: 1.0 / (1.0 + a * x ** (2 * b)), x, y)
    return float(a), float(b)


def default_epochs(n: int) -> int:
    """100 epochs up to 3,333 points, then 3 per 100 points, 300 from 10,000 points on. umap-learn
    runs 500 up to 10,000 points and 200 above, one edge at a time; from a shared spectral start the
    batched updates reach clusters as good in fewer on small inputs, and the larger the graph the more
    epochs they need (each epoch carries a move one edge further). 300 was still enough at 100,000
    points (``benchmarks/bench_layout.py``)."""
    return max(100, min(300, round(n * 3 / 100)))


def optimise(
    graph: FuzzyGraph,
    start: np.ndarray,
    seeds: list[int],
    *,
    min_dist: float = 0.0,
    n_epochs: int | None = None,
) -> list[np.ndarray]:
    """One layout per seed from the same ``start``: umap-learn's schedule (each edge sampled in
    proportion to its weight, ``NEGATIVE_SAMPLE_RATE`` negatives per sample, a linearly decaying
    learning rate from 1, gradients clipped to 4), every edge due in an epoch updated at once."""
    n, dim = start.shape
    n_epochs = n_epochs or default_epochs(n)
    a, b = curve_params(float(min_dist))
    w = graph.weights.astype(np.float64)
    kept = w >= w.max() / n_epochs  # umap-learn drops edges too weak to be sampled once
    heads, tails, w = graph.heads[kept], graph.tails[kept], w[kept]
    per_sample = w.max() / w
    next_sample = per_sample.copy()
    rngs = [np.random.default_rng(s) for s in seeds]
    n_seeds = len(seeds)
    # dimension first, (dim, seeds * n): every elementwise step below runs along long contiguous rows
    y = np.ascontiguousarray(np.stack([_initial(start, rng) for rng in rngs]).transpose(2, 0, 1).reshape(dim, -1))
    offsets = (np.arange(n_seeds) * n)[:, None]
    for epoch in range(n_epochs):
        due = np.flatnonzero(next_sample <= epoch)
        if not len(due):
            continue
        alpha = np.float32(1.0 - epoch / n_epochs)
        h = heads[due]
        next_sample[due] += per_sample[due]
        shape = (dim, n_seeds, len(due))
        here = np.take(y, (offsets + h).ravel(), axis=1).reshape(shape)
        there = np.take(y, (offsets + tails[due]).ravel(), axis=1).reshape(shape)
        # attraction: the graph is symmetric, so edge (t, h) is due with (h, t) and carries the opposite
        # gradient; umap-learn's "move both ends" is then twice the sum over heads
        force = _gradient(here, there, a, b, attract=True) * np.float32(2.0)
        # repulsion: NEGATIVE_SAMPLE_RATE uniform draws per sampled edge, each pushing the edge's head
        for _ in range(NEGATIVE_SAMPLE_RATE):
            others = np.stack([rng.integers(0, n, len(due), dtype=np.uint32) for rng in rngs]) + offsets
            there = np.take(y, others.ravel(), axis=1).reshape(shape)
            force += _gradient(here, there, a, b, attract=False)
        starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])  # heads are sorted: sum each run
        step = np.add.reduceat(force, starts, axis=2)
        step *= alpha
        y.reshape(dim, n_seeds, n)[:, :, h[starts]] += step
    return list(y.reshape(dim, n_seeds, n).transpose(1, 2, 0).copy())


def _gradient(here: np.ndarray, there: np.ndarray, a: float, b: float, *, attract: bool) -> np.ndarray:
    """Clipped gradient (dim, seeds, edges) on each point of ``here`` from its point in ``there``."""
    diff = here - there
    d2 = np.einsum("d...,d...->...", diff, diff)
    safe = np.where(d2 > 0, d2, np.float32(1.0))
    power = np.exp(np.float32(b) * np.log(safe))  # d2 ** b
    if attract:
        coef = np.float32(-2.0 * a * b) * power / safe / (np.float32(a) * power + 1)
    else:
        coef = np.float32(2.0 * b) / ((np.float32(0.001) + safe) * (np.float32(a) * power + 1))
    coef[d2 <= 0] = 0
    diff *= coef
    return np.clip(diff, -_CLIP, _CLIP, out=diff)


def _initial(start: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """umap-learn's preparation of a start: scaled to 10, a little seeded noise, each axis to [0, 10]."""
    peak = np.abs(start).max()
    y = start * (10.0 / peak if peak > 0 else 1.0) + rng.normal(scale=1e-4, size=start.shape)
    span = y.max(0) - y.min(0)
    return (10.0 * (y - y.min(0)) / np.where(span > 0, span, 1.0)).astype(np.float32)
