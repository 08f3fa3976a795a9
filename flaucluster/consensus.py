"""The clustering stage: canonical row order, a seeded sample for large inputs, one reduce +
cluster run per seed, and the consensus (medoid) run with its stability.

Unit vectors in, labels out; nothing here knows about texts, encoders or reports.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import hierarchy, stability
from .cluster import OUTLIER, Clustering, cluster, renumber_by_size
from .errors import ConfigError
from .machine import one_blas_thread
from .reduce import Reduction, layouts_by, reduce_seeds
from .search import distinct_rows, knn, vote
from .stability import Stability
from .timing import stage

logger = logging.getLogger(__name__)

_KEY_BLOCK = 4096  # repeated texts whose vectors are rounded for their keys at a time


@dataclass(frozen=True)
class Settings:
    """The knobs of the stage (a :class:`~flaucluster.model.TopicModel`'s clustering parameters)."""

    method: Any = "hdbscan"  # "hdbscan", "kmeans" or a scikit-learn clusterer
    method_name: str = "hdbscan"
    reduction: Reduction = "umap"  # resolved: "umap", "umap-learn", "pca" or "none"
    n_epochs: int | None = None  # UMAP epochs; None: flaucluster.layout.default_epochs
    n_components: int = 5
    n_neighbors: int = 15
    min_cluster_size: int = 15
    min_samples: int | None = None
    k: int | None = None
    k_range: tuple[int, int] = (2, 30)
    n_clusters: int | None = None  # a target: HDBSCAN is refined or its clusters merged toward it
    n_runs: int = 5
    max_fit_rows: int | None = 10_000
    seed: int = 42


@dataclass
class Consensus:
    labels: np.ndarray  # one per row, OUTLIER for outliers and rows not clustered
    probabilities: np.ndarray
    reduced: np.ndarray  # clustering space; NaN for rows without a point
    details: dict[str, Any]
    stability: Stability | None = None
    advice: list[str] = field(default_factory=list)


def row_key(text: str, vector: np.ndarray) -> str:
    """Canonical sort key: the text, then (only between identical texts) the vector to 4 decimals, so
    that the last bits of a vector, which move with batch composition, never change the order."""
    return _key(text, _coarse(np.asarray(vector)[None])[0])


def canonical_order(rows: np.ndarray, texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """``rows`` sorted by :func:`row_key`: the same rows give the same order whatever the input order."""
    keys = [_text_key(texts[i]) for i in rows]
    seen = Counter(keys)
    # a text's key decides its place unless the text repeats: only then is the vector's part compared
    repeated = np.array([j for j, key in enumerate(keys) if seen[key] > 1], dtype=np.intp)
    if hasattr(vectors, "vector_keys"):  # on a Dask cluster (flaucluster.spread): keyed where they are
        found = vectors.vector_keys(rows[repeated])
    else:  # vectors rounded a block at a time, not row by row
        blocks = (repeated[s : s + _KEY_BLOCK] for s in range(0, len(repeated), _KEY_BLOCK))
        found = [key for block in blocks for key in vector_keys(vectors[rows[block]])]
    for j, key in zip(repeated, found):
        keys[j] += key
    return rows[np.argsort(keys, kind="stable")]


def vector_keys(vectors: np.ndarray) -> list[str]:
    """The vector part of :func:`row_key` for each row of ``vectors``."""
    return [_vector_key(c) for c in _coarse(vectors)]


def _coarse(vectors: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(vectors, dtype=np.float64) * 1e4).astype(np.int64)


def _key(text: str, coarse: np.ndarray) -> str:
    return _text_key(text) + _vector_key(coarse)


def _text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()  # always 24 characters


def _vector_key(coarse: np.ndarray) -> str:
    return hashlib.blake2b(coarse.tobytes(), digest_size=6).hexdigest()


def too_few_rows(settings: Settings, n_usable: int) -> str | None:
    """Why no clustering can run on this many rows (the reason becomes advice), or None; a
    :class:`ConfigError` when the settings themselves cannot work on them."""
    if settings.method == "hdbscan" and n_usable < 2 * settings.min_cluster_size:
        return (
            f"Only {n_usable} usable rows: HDBSCAN needs at least 2 x min_cluster_size = "
            f"{2 * settings.min_cluster_size} to find two groups. Every row is unassigned; lower "
            "--min-cluster-size or add rows."
        )
    if settings.method == "kmeans":
        if settings.k is not None and n_usable < settings.k:
            raise ConfigError(f"k={settings.k} but only {n_usable} usable rows; choose a smaller k (--k).")
        if settings.k is None and n_usable < max(3, settings.k_range[0] + 1):
            return (
                f"Only {n_usable} usable rows: too few to choose k automatically. Every row is "
                "unassigned; pass --k or add rows."
            )
    if n_usable < 3:
        return f"Only {n_usable} usable rows: at least 3 are needed to form groups. Every row is unassigned."
    return None


Neighbours = Callable[..., tuple[np.ndarray, np.ndarray]]  # (query, vectors, *, rows) as search.knn


def fit(
    vectors: np.ndarray, texts: list[str], usable: np.ndarray, settings: Settings, neighbours: Neighbours = knn
) -> Consensus:
    """Cluster the ``usable`` rows of ``vectors`` (unit rows); every other row stays an outlier. ``neighbours``
    finds, above ``max_fit_rows``, each other row's nearest sampled rows (:func:`flaucluster.search.knn`, or the
    same search on a Dask cluster: :func:`flaucluster.scale.knn`)."""
    n = len(vectors)
    why_not = too_few_rows(settings, len(usable))
    if why_not:
        return Consensus(
            np.full(n, OUTLIER, dtype=int),
            np.zeros(n, dtype=np.float32),
            np.full((n, settings.n_components), np.nan, dtype=np.float32),
            {
                "method": settings.method_name,
                "reduction": settings.reduction,
                "seed": settings.seed,
                "clustered_rows": 0,
                "assigned_by_neighbours": 0,
                "skipped": why_not,
            },
            advice=[why_not],
        )
    canon = canonical_order(usable, texts, vectors)
    runs, probs, reduced, details, fit_rows, rest = _seed_runs(vectors, canon, settings, neighbours)
    seeds = [settings.seed + r for r in range(settings.n_runs)]
    best = stability.medoid(runs)
    labels = np.full(n, OUTLIER, dtype=int)
    labels[canon] = runs[best]
    points = np.full((n, reduced[best].shape[1]), np.nan, dtype=np.float32)
    points[fit_rows] = reduced[best]  # rows outside the fitted sample have no reduced point
    result = Consensus(
        labels,
        probs[best],
        points,
        {
            **details[best],
            "method": settings.method_name,
            "seed": seeds[best],
            "reduction": settings.reduction,
            **(
                {"layouts_by": layouts_by(settings.reduction, len(fit_rows))}
                if settings.reduction.startswith("umap")
                else {}
            ),
            "clustered_rows": len(fit_rows),
            "assigned_by_neighbours": len(rest),
        },
    )
    if settings.n_runs > 1:
        order = np.argsort(canon)  # runs are in canonical order; assess in input order
        result.stability = stability.assess(labels[usable], [r[order] for r in runs], seeds)
    if len(usable) and not (labels[usable] != OUTLIER).any():
        result.advice.append(
            f"No group was found: all {len(usable)} usable rows are unassigned. Try a smaller min_cluster_size "
            f"(now {settings.min_cluster_size}; --min-cluster-size), or method='kmeans' (--method kmeans, "
            "optionally with --k)."
        )
    return result


def toward_n_clusters(points: np.ndarray, vectors: np.ndarray, found: Clustering, s: Settings) -> Clustering:
    """Bring a run to about ``s.n_clusters`` groups: HDBSCAN with smaller ``min_cluster_size`` (halved
    each time, down to 2) while it finds too few, then the most similar clusters merged along the
    centroid hierarchy (:func:`flaucluster.hierarchy.merge_plan`) while there are too many."""
    target = int(s.n_clusters or 0)
    size = s.min_cluster_size

    def count(c: Clustering) -> int:
        return len(set(c.labels.tolist()) - {OUTLIER})

    while count(found) < target and s.method == "hdbscan" and size > 2:
        size = max(2, size // 2)
        found = cluster(points, "hdbscan", min_cluster_size=size, min_samples=s.min_samples)
    before = count(found)
    labels = found.labels
    if before > target:
        labels = hierarchy.apply_merges(labels, hierarchy.merge_plan(vectors, labels, target))
    details = {**found.details, "n_clusters_target": target, "min_cluster_size_used": size, "clusters_found": before}
    return Clustering(labels, found.probabilities, details)


def _seed_runs(vectors: np.ndarray, canon: np.ndarray, s: Settings, neighbours_of: Neighbours = knn):
    """Reduce + cluster once per seed, rows in canonical order. Above ``max_fit_rows`` a seeded
    sample is clustered and the other rows follow their nearest sampled neighbours."""
    n = len(vectors)
    fit_rows, rest = canon, canon[:0]
    search: Future[tuple[np.ndarray, np.ndarray]] | None = None
    if s.max_fit_rows and len(canon) > s.max_fit_rows:
        pick = np.sort(np.random.default_rng(s.seed).choice(len(canon), s.max_fit_rows, replace=False))
        fit_rows, rest = canon[pick], np.delete(canon, pick)
        sample = vectors[fit_rows]  # brought once (from the workers, for vectors on a Dask cluster)
        logger.info(
            "Clustering a seeded sample of %d rows; the other %d join by nearest-neighbour vote.",
            len(fit_rows),
            len(rest),
        )
        # once for every run, in a thread while the layouts are made: both spend their time in BLAS and numpy
        # loops, which let go of the GIL
        pool = ThreadPoolExecutor(1, thread_name_prefix="flaucluster-vote")
        search = pool.submit(_sample_neighbours, vectors, sample, rest, neighbours_of)
        pool.shutdown(wait=False)
    if search is None:
        sample = vectors[fit_rows]
    seeds = [s.seed + r for r in range(s.n_runs)]
    # while the search runs here, BLAS gets one thread a side: two threads each would take turns on the cores
    here = search is not None and neighbours_of is knn and isinstance(vectors, np.ndarray)
    with one_blas_thread() if here else nullcontext():
        layouts = reduce_seeds(
            sample,
            s.reduction,
            seeds,
            n_components=s.n_components,
            n_neighbors=s.n_neighbors,
            n_epochs=s.n_epochs,
        )
    runs, probs, reduced, details = [], [], [], []
    for r, points in enumerate(layouts):
        with stage("clustering"):
            result = cluster(
                points,
                s.method,
                min_cluster_size=s.min_cluster_size,
                min_samples=s.min_samples,
                k=s.k,
                k_range=s.k_range,
                seed=s.seed + r,
            )
            if s.n_clusters is not None and s.method != "kmeans":
                result = toward_n_clusters(points, sample, result, s)
        run = np.full(n, OUTLIER, dtype=int)
        prob = np.zeros(n, dtype=np.float32)
        run[fit_rows], prob[fit_rows] = renumber_by_size(result.labels), result.probabilities
        if search is not None:
            run[rest], prob[rest] = vote(*search.result(), run[fit_rows])
        runs.append(run[canon])
        probs.append(prob)
        reduced.append(points)
        details.append(result.details)
    return runs, probs, reduced, details, fit_rows, rest


def _sample_neighbours(
    vectors: np.ndarray, sample: np.ndarray, rest: np.ndarray, neighbours_of: Neighbours
) -> tuple[np.ndarray, np.ndarray]:
    """The nearest ``sample`` rows of each row of ``rest``, repeated vectors searched once, rows read where they
    are (a copy of them all costs seconds at 100k rows). Vectors on a Dask cluster (:mod:`flaucluster.spread`)
    are searched where they are."""
    if hasattr(vectors, "knn_rows"):
        return vectors.knn_rows(rest, sample)
    first, inverse = distinct_rows(vectors, rest)
    idx, sims = neighbours_of(vectors, sample, rows=rest[first])
    return idx[inverse], sims[inverse]
