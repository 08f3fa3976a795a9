"""The clustering stage: canonical row order, a seeded sample for large inputs, one reduce +
cluster run per seed, and the consensus (medoid) run with its stability.

Unit vectors in, labels out (:class:`ConsensusClusterer`, a scikit-learn estimator); nothing here knows about
encoders or reports.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from . import hierarchy, stability
from .cluster import METHODS, OUTLIER, Clustering, cluster, n_groups, renumber_by_size
from .errors import ConfigError
from .machine import one_blas_thread
from .reduce import REDUCTIONS, Reduction, layouts_by, reduce_seeds
from .search import vote
from .stability import Stability
from .timing import stage
from .vectors import MemoryVectors, as_store, vector_keys

__all__ = ["ConsensusClusterer"]

logger = logging.getLogger(__name__)

ReductionChoice = Literal["auto", "umap", "umap-learn", "pca", "none"]
DEFAULT_SEED = 42  # a clusterer fitted on its own, without a TopicModel's seed
MIN_GROUPS = 3  # fewer groups than this from a file is a split in two, rarely its topics: HDBSCAN's leaves instead


class ConsensusClusterer(ClusterMixin, BaseEstimator):
    """The clustering stage as a scikit-learn estimator: ``n_runs`` seeded reduce + cluster runs, the consensus.

    Rows are taken in a canonical order (by a hash of their text, then of their vector), so the same rows give
    the same clusters whatever the input order; clusters are numbered by size. Each run reduces the vectors
    (UMAP, PCA or none) and clusters them (HDBSCAN, KMeans or any scikit-learn clusterer); the medoid run (the
    one that agrees best with the others) is kept and each cluster's stability across runs is measured.

    Parameters
    ----------
    method : {"hdbscan", "kmeans"} or object, default="hdbscan"
        ``"hdbscan"`` (rows in no dense group are outliers), ``"kmeans"``, or an unfitted scikit-learn clusterer
        (with ``fit_predict``, or ``fit`` and ``labels_``; its ``probabilities_`` are used when it has them). A
        custom clusterer is recorded by name only: to refit a saved model, pass the clusterer again.
    reduction : {"auto", "umap", "umap-learn", "pca", "none"}, default="auto"
        Dimensionality reduction before clustering. ``"umap"`` is flaucluster's own UMAP
        (:mod:`~flaucluster.layout`, no JIT), ``"umap-learn"`` runs the reference library, ``"none"`` clusters
        the unit vectors themselves. ``"auto"``: ``"none"`` with ``method="kmeans"`` (KMeans works on unit vectors
        directly), ``"umap"`` otherwise (density clustering needs few dimensions).
    n_components : int, default=5
        Dimensions of the clustering space (UMAP or PCA).
    n_neighbors : int, default=15
        Neighbours of each point in UMAP's graph.
    n_epochs : int or None, default=None
        UMAP epochs; None: :func:`flaucluster.layout.default_epochs` for flaucluster's UMAP, umap-learn's default
        for umap-learn.
    min_cluster_size : int or None, default=None
        HDBSCAN's smallest cluster, at least 2. None adapts it to the rows clustered (:func:`adaptive_min_cluster_size`:
        2 % of them, from 5 to 15), so that a file of a hundred rows is not held to groups of 15; where HDBSCAN's
        most persistent clusters are then fewer than 3, its leaf clusters are taken (:func:`leaves_if_too_few`).
        HDBSCAN needs at least twice as many usable rows: with fewer, every row is left unassigned and the advice
        says why.
    min_samples : int or None, default=None
        HDBSCAN's ``min_samples`` (a positive integer); None: HDBSCAN's default.
    k : int or None, default=None
        KMeans' number of clusters, at least 2. None: ``n_clusters`` when given, else the ``k`` of ``k_range``
        with the best silhouette. Not together with ``n_clusters``.
    k_range : tuple of (int, int), default=(2, 30)
        ``(low, high)`` with ``2 <= low <= high``: the values tried when KMeans chooses ``k``.
    n_runs : int, default=5
        Clusterings run, with seeds ``seed``, ``seed + 1``, ...: the consensus (medoid) run is kept and each
        cluster's stability across runs is measured; ``n_runs=1`` is a single, faster run.
    max_fit_rows : int or None, default=10000
        Above this many rows (at least 100), a seeded sample of that size is clustered and every other row joins
        the cluster its 10 nearest sampled neighbours vote for (its probability is then the vote share). None
        clusters every row. The sample bounds the time and memory of the layouts and of HDBSCAN, which grow
        faster than the rows; a larger sample finds smaller groups (``min_cluster_size`` counts sampled rows).
    n_clusters : int or None, default=None
        A target number of clusters, at least 2: HDBSCAN is run finer while it finds fewer groups, and the most
        similar groups are merged while it finds more; with KMeans it is ``k``. Not together with ``k``.
    merge_below : float or None, default=0.12
        With HDBSCAN and no ``n_clusters``: two clusters whose rows are, on average, less than this (a cosine
        margin) closer to their own centre than to the other's are merged, closest pair first, in every run
        (:func:`flaucluster.hierarchy.unseparated_merges`). Density clustering splits a broad topic into dense
        patches that the vectors barely tell apart; this puts them back together, and stops where the groups are
        apart. None (or 0) keeps every group HDBSCAN found.
    seed : int or None, default=None
        Seeds the sample, the layouts and the clusterings. None: the seed of the
        :class:`~flaucluster.model.TopicModel` it belongs to (42 when fitted on its own).

    Attributes
    ----------
    labels_ : numpy.ndarray of shape (n_rows,)
        Each row's cluster, numbered by size; -1 for outliers and rows not clustered.
    probabilities_ : numpy.ndarray of shape (n_rows,)
        Membership strength, from 0 to 1.
    reduced_ : numpy.ndarray of shape (n_rows, n_dims)
        The rows in the clustering space of the consensus run; NaN for rows without a point.
    stability_ : flaucluster.stability.Stability or None
        Each cluster's stability and each row's confidence across runs; None for one run.
    details_ : dict
        How the clusters were found: method, seed of the consensus run, reduction, rows clustered and assigned
        by neighbours.
    advice_ : list of str
        Why no clustering could run, or why nothing was found.

    Examples
    --------
    >>> from flaucluster.consensus import ConsensusClusterer
    >>> labels = ConsensusClusterer(min_cluster_size=10, n_runs=3).fit_predict(vectors)  # doctest: +SKIP

    Given the texts too (``fit(vectors, texts=...)``), rows are ordered as a :class:`~flaucluster.model.TopicModel`
    orders them, and the labels are the model's ``state_.labels_original`` (no themes) to the bit.
    """

    def __init__(
        self,
        method: str | Any = "hdbscan",
        *,
        reduction: ReductionChoice = "auto",
        n_components: int = 5,
        n_neighbors: int = 15,
        n_epochs: int | None = None,
        min_cluster_size: int | None = None,
        min_samples: int | None = None,
        k: int | None = None,
        k_range: tuple[int, int] = (2, 30),
        n_runs: int = 5,
        max_fit_rows: int | None = 10_000,
        n_clusters: int | None = None,
        merge_below: float | None = 0.12,
        seed: int | None = None,
    ) -> None:
        self.method = method
        self.reduction = reduction
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.n_epochs = n_epochs
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.k = k
        self.k_range = k_range
        self.n_runs = n_runs
        self.max_fit_rows = max_fit_rows
        self.n_clusters = n_clusters
        self.merge_below = merge_below
        self.seed = seed

    def check(self) -> ConsensusClusterer:
        """Check every parameter before any work.

        Returns
        -------
        ConsensusClusterer
            Itself, unchanged.

        Raises
        ------
        flaucluster.errors.ConfigError
            For a parameter that cannot work, with the values that can.
        """
        if isinstance(self.method, str) and self.method not in METHODS:
            if self.method.startswith("custom:"):
                raise ConfigError(
                    f"method={self.method!r}: this model was fitted with a custom clusterer, which "
                    "is not saved; pass the clusterer object again as method= to refit."
                )
            raise ConfigError(f"method={self.method!r}: choose one of {METHODS}, or pass a scikit-learn clusterer.")
        if not isinstance(self.method, str) and not callable(getattr(self.method, "fit", None)):
            raise ConfigError(f"method={self.method!r} is not a scikit-learn clusterer (no fit/fit_predict).")
        if self.reduction not in ("auto", *REDUCTIONS):
            raise ConfigError(f"reduction={self.reduction!r}: choose one of {('auto', *REDUCTIONS)}.")
        if self.max_fit_rows is not None and (not _is_int(self.max_fit_rows) or self.max_fit_rows < 100):
            raise ConfigError(f"max_fit_rows={self.max_fit_rows!r}: use None (all rows) or at least 100.")
        for name in ("n_components", "n_neighbors", "n_runs"):
            if not _is_int(getattr(self, name)) or getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)!r}: must be a positive integer.")
        # HDBSCAN cannot form a cluster of one row: every row would be its own "cluster"
        if self.min_cluster_size is not None and (not _is_int(self.min_cluster_size) or self.min_cluster_size < 2):
            raise ConfigError(
                f"min_cluster_size={self.min_cluster_size!r}: must be an integer of at least 2, or None (adapted)."
            )
        if self.merge_below is not None and (
            isinstance(self.merge_below, bool)
            or not isinstance(self.merge_below, (int, float, np.floating))
            or not 0 <= self.merge_below < 1
        ):
            raise ConfigError(f"merge_below={self.merge_below!r}: must be a number from 0 to 1 (excluded), or None.")
        if self.n_epochs is not None and (not _is_int(self.n_epochs) or self.n_epochs < 1):
            raise ConfigError(f"n_epochs={self.n_epochs!r}: must be a positive integer or None (the default).")
        if self.min_samples is not None and (not _is_int(self.min_samples) or self.min_samples < 1):
            raise ConfigError(f"min_samples={self.min_samples!r}: must be a positive integer or None.")
        if self.n_clusters is not None and (not _is_int(self.n_clusters) or self.n_clusters < 2):
            raise ConfigError(f"n_clusters={self.n_clusters!r}: must be an integer of at least 2, or None.")
        if self.k is not None and (not _is_int(self.k) or self.k < 2):
            raise ConfigError(f"k={self.k!r}: must be an integer of at least 2 (or None for automatic k).")
        lo, hi = self.k_range
        if not (_is_int(lo) and _is_int(hi) and 2 <= lo <= hi):
            raise ConfigError(f"k_range={self.k_range!r}: must be (low, high) with 2 <= low <= high.")
        if self.n_clusters is not None and self.k is not None:
            raise ConfigError(
                f"k={self.k} and n_clusters={self.n_clusters}: give one of them (--k or --n-clusters), not both."
            )
        seed = self.seed if self.seed is not None else DEFAULT_SEED
        if not _is_int(seed) or not 0 <= seed <= 2**32 - self.n_runs:
            raise ConfigError(f"seed={seed!r}: must be an integer from 0 to {2**32 - self.n_runs} (numpy's range).")
        return self

    # what the stage runs with, resolved from the parameters
    @property
    def method_name(self) -> str:
        """The method's name: ``"hdbscan"``, ``"kmeans"`` or ``"custom:<class name>"``."""
        return self.method if isinstance(self.method, str) else f"custom:{type(self.method).__name__}"

    @property
    def reduction_used(self) -> Reduction:
        """The reduction that runs: ``"auto"`` resolved (``"none"`` for KMeans, ``"umap"`` otherwise)."""
        if self.reduction != "auto":
            return self.reduction
        return "none" if self.method == "kmeans" else "umap"

    @property
    def seed_used(self) -> int:
        """The seed that runs: ``seed``, or 42 when None."""
        return DEFAULT_SEED if self.seed is None else int(self.seed)

    def min_cluster_size_for(self, n_rows: int) -> int:
        """HDBSCAN's smallest cluster for ``n_rows`` rows: ``min_cluster_size``, or the adapted one when None.

        Parameters
        ----------
        n_rows : int
            The rows to cluster (usable rows; the sample's size above ``max_fit_rows``).

        Returns
        -------
        int
            At least 2.
        """
        if self.min_cluster_size is not None:
            return int(self.min_cluster_size)
        fitted = min(n_rows, self.max_fit_rows) if self.max_fit_rows else n_rows
        return adaptive_min_cluster_size(fitted)

    @property
    def merges(self) -> bool:
        """Whether each run's unseparated clusters are merged (HDBSCAN, no ``n_clusters``, ``merge_below`` set)."""
        return self.method == "hdbscan" and self.n_clusters is None and bool(self.merge_below)

    @property
    def k_used(self) -> int | None:
        """KMeans' k: ``k``, else ``n_clusters`` with KMeans."""
        return self.k if self.k is not None or self.method != "kmeans" else self.n_clusters

    def too_few_rows(self, n_usable: int) -> str | None:
        """Why no clustering can run on this many rows (the reason becomes advice).

        Parameters
        ----------
        n_usable : int
            The number of rows to cluster.

        Returns
        -------
        str or None
            The reason, or None when a clustering can run.

        Raises
        ------
        flaucluster.errors.ConfigError
            When the parameters themselves cannot work on them (a ``k`` above the rows).
        """
        return too_few_rows(self, n_usable)

    def fit(
        self,
        X: Any,
        y: Any = None,
        *,
        texts: list[str] | None = None,
        rows: np.ndarray | None = None,
    ) -> ConsensusClusterer:
        """Cluster the rows of ``X`` (unit vectors; rows given by number in ``rows``, the others outliers).

        Parameters
        ----------
        X : numpy.ndarray of shape (n_rows, dim) or flaucluster.vectors.VectorStore
            Unit vectors, in memory or on a Dask cluster's workers (:class:`flaucluster.spread.SpreadVectors`),
            where the passes over every row then run.
        y : None
            Ignored (scikit-learn convention).
        texts : list of str or None, default=None
            Each row's text: the canonical order sorts by text first. None: by vector alone.
        rows : numpy.ndarray or None, default=None
            The rows to cluster (by position); None: every row.

        Returns
        -------
        ConsensusClusterer
            Itself, fitted.
        """
        self.check()
        n = len(X)
        if texts is None:
            texts = [""] * n
        usable = np.arange(n) if rows is None else np.asarray(rows, dtype=np.intp)
        result = fit(X, texts, usable, self)
        self.labels_, self.probabilities_, self.reduced_ = result.labels, result.probabilities, result.reduced
        self.stability_, self.details_, self.advice_ = result.stability, result.details, result.advice
        return self


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
    return _text_key(text) + vector_keys(np.asarray(vector)[None])[0]


def canonical_order(rows: np.ndarray, texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """``rows`` sorted by :func:`row_key`: the same rows give the same order whatever the input order."""
    keys = [_text_key(texts[i]) for i in rows]
    seen = Counter(keys)
    # a text's key decides its place unless the text repeats: only then is the vector's part compared
    repeated = np.array([j for j, key in enumerate(keys) if seen[key] > 1], dtype=np.intp)
    found = as_store(vectors).vector_keys(rows[repeated])  # keyed where the vectors are
    for j, key in zip(repeated, found):
        keys[j] += key
    return rows[np.argsort(keys, kind="stable")]


def _text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()  # always 24 characters


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def too_few_rows(settings: ConsensusClusterer, n_usable: int) -> str | None:
    """Why no clustering can run on this many rows (the reason becomes advice), or None; a
    :class:`ConfigError` when the settings themselves cannot work on them."""
    size = settings.min_cluster_size_for(n_usable)
    if n_usable == 0:  # no setting helps: the texts are the problem
        return (
            "No usable row: every text is missing, empty, too long or without letters (the status column says "
            "which). Check --text-column, or add rows with text."
        )
    if settings.method == "hdbscan" and settings.n_clusters is not None and settings.n_clusters > n_usable // 2:
        raise ConfigError(
            f"n_clusters={settings.n_clusters} but only {n_usable} usable rows, which make at most {n_usable // 2} "
            "groups of 2 rows; choose a smaller --n-clusters."
        )
    if settings.method == "hdbscan" and n_usable < 2 * size:
        return (
            f"Only {n_usable} usable rows: HDBSCAN needs at least 2 x min_cluster_size = "
            f"{2 * size} to find two groups. Every row is unassigned; lower "
            "--min-cluster-size or add rows."
        )
    if settings.method == "kmeans":
        if settings.k_used is not None and n_usable < settings.k_used:
            raise ConfigError(f"k={settings.k_used} but only {n_usable} usable rows; choose a smaller k (--k).")
        if settings.k_used is None and n_usable < max(3, settings.k_range[0] + 1):
            return (
                f"Only {n_usable} usable rows: too few to choose k automatically. Every row is "
                "unassigned; pass --k or add rows."
            )
    if n_usable < 3:
        return f"Only {n_usable} usable rows: at least 3 are needed to form groups. Every row is unassigned."
    return None


def fit(
    vectors: np.ndarray,
    texts: list[str],
    usable: np.ndarray,
    settings: ConsensusClusterer,
) -> Consensus:
    """Cluster the ``usable`` rows of ``vectors`` (unit rows, or a :class:`~flaucluster.vectors.VectorStore`); every
    other row stays an outlier. Above ``max_fit_rows``, each other row joins by the vote of its nearest sampled
    rows, searched where the vectors are."""
    n = len(vectors)
    why_not = too_few_rows(settings, len(usable))
    if why_not:
        return Consensus(
            np.full(n, OUTLIER, dtype=int),
            np.zeros(n, dtype=np.float32),
            np.full((n, settings.n_components), np.nan, dtype=np.float32),
            {
                "method": settings.method_name,
                "reduction": settings.reduction_used,
                "seed": settings.seed_used,
                "clustered_rows": 0,
                "assigned_by_neighbours": 0,
                "skipped": why_not,
            },
            advice=[why_not],
        )
    canon = canonical_order(usable, texts, vectors)
    runs, probs, reduced, details, fit_rows, rest = _seed_runs(vectors, canon, settings)
    seeds = [settings.seed_used + r for r in range(settings.n_runs)]
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
            "reduction": settings.reduction_used,
            **(
                {"layouts_by": layouts_by(settings.reduction_used)}
                if settings.reduction_used.startswith("umap")
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
            f"(now {settings.min_cluster_size_for(len(usable))}; --min-cluster-size), or method='kmeans' (--method kmeans, "
            "optionally with --k)."
        )
    return result


def toward_n_clusters(points: np.ndarray, vectors: np.ndarray, found: Clustering, s: ConsensusClusterer) -> Clustering:
    """Bring a run to about ``s.n_clusters`` groups: HDBSCAN with smaller ``min_cluster_size`` (halved
    each time, down to 2) while it finds too few, then the most similar clusters merged along the
    centroid hierarchy (:func:`flaucluster.hierarchy.merge_plan`) while there are too many."""
    target = int(s.n_clusters or 0)
    size = s.min_cluster_size_for(len(points))
    while n_groups(found.labels) < target and s.method == "hdbscan" and size > 2:
        size = max(2, size // 2)
        found = cluster(points, "hdbscan", min_cluster_size=size, min_samples=s.min_samples)
    before = n_groups(found.labels)
    labels = found.labels
    if before > target:
        labels = hierarchy.apply_merges(labels, hierarchy.merge_plan(vectors, labels, target))
    details = {**found.details, "n_clusters_target": target, "min_cluster_size_used": size, "clusters_found": before}
    return Clustering(labels, found.probabilities, details)


def adaptive_min_cluster_size(n_rows: int) -> int:
    """The default smallest group for ``n_rows`` clustered rows: 2 % of them, at least 5 and at most 15.

    Fifteen rows suit catalogues of 750 rows and more (and samples of up to ``max_fit_rows``); a smaller file
    held to 15 gets two or three groups whatever its topics (120 rows of 6 topics: 2 groups), so the smallest
    group follows the file down to 5 rows (a 250-row file or less), under which a "group" is a few near-duplicates.

    Parameters
    ----------
    n_rows : int
        The rows clustered.

    Returns
    -------
    int
        From 5 to 15.
    """
    return int(min(15, max(5, round(n_rows / 50))))


def leaves_if_too_few(points: np.ndarray, found: Clustering, size: int, min_samples: int | None) -> Clustering:
    """HDBSCAN's leaf clusters where its most persistent ones are fewer than :data:`MIN_GROUPS`, else ``found``.

    On a small file, HDBSCAN's default selection often keeps the first split of its tree (120 job titles of six
    domains: two groups, one of 86 rows); its leaves, each of ``size`` rows at least, are the finest groups it
    found, which :func:`merge_unseparated` then merges where the vectors do not separate them. Taken only when
    there are more of them, and no more than the rule of thumb ``sqrt(rows / 2)`` (at least :data:`MIN_GROUPS`):
    a large file of one broad subject has hundreds of leaves, and its advice says what to try instead.
    """
    if n_groups(found.labels) >= MIN_GROUPS:
        return found
    leaves = cluster(points, "hdbscan", min_cluster_size=size, min_samples=min_samples, selection="leaf")
    most = max(MIN_GROUPS, round(math.sqrt(len(points) / 2)))
    return leaves if n_groups(found.labels) < n_groups(leaves.labels) <= most else found


def merge_unseparated(vectors: np.ndarray, found: Clustering, below: float) -> Clustering:
    """One run's clusters that the vectors do not separate, merged (:func:`flaucluster.hierarchy.unseparated_merges`)."""
    labels = hierarchy.apply_merges(found.labels, hierarchy.unseparated_merges(vectors, found.labels, below))
    details = {**found.details, "clusters_found": n_groups(found.labels), "merged_into": n_groups(labels)}
    return Clustering(labels, found.probabilities, details)


def _seed_runs(vectors: np.ndarray, canon: np.ndarray, s: ConsensusClusterer):
    """Reduce + cluster once per seed, rows in canonical order. Above ``max_fit_rows`` a seeded
    sample is clustered and the other rows follow their nearest sampled neighbours."""
    n = len(vectors)
    fit_rows, rest = canon, canon[:0]
    search: Future[tuple[np.ndarray, np.ndarray]] | None = None
    if s.max_fit_rows and len(canon) > s.max_fit_rows:
        pick = np.sort(np.random.default_rng(s.seed_used).choice(len(canon), s.max_fit_rows, replace=False))
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
        search = pool.submit(as_store(vectors).knn_rows, rest, sample)
        pool.shutdown(wait=False)
    if search is None:
        sample = vectors[fit_rows]
    seeds = [s.seed_used + r for r in range(s.n_runs)]
    # while the search runs here, BLAS gets one thread a side: two threads each would take turns on the cores
    here = search is not None and isinstance(as_store(vectors), MemoryVectors)
    with one_blas_thread() if here else nullcontext():
        layouts = reduce_seeds(
            sample,
            s.reduction_used,
            seeds,
            n_components=s.n_components,
            n_neighbors=s.n_neighbors,
            n_epochs=s.n_epochs,
        )
    runs, probs, reduced, details = [], [], [], []
    size = s.min_cluster_size_for(len(fit_rows))
    for r, points in enumerate(layouts):
        with stage("clustering"):
            result = cluster(
                points,
                s.method,
                min_cluster_size=size,
                min_samples=s.min_samples,
                k=s.k_used,
                k_range=s.k_range,
                seed=s.seed_used + r,
            )
            if s.n_clusters is not None and s.method != "kmeans":
                result = toward_n_clusters(points, sample, result, s)
            else:
                if s.method == "hdbscan" and s.min_cluster_size is None:  # adapted to the file, as the size is
                    result = leaves_if_too_few(points, result, size, s.min_samples)
                if s.merges:
                    result = merge_unseparated(sample, result, float(s.merge_below or 0))
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
