"""``TopicModel``: the scikit-learn-style estimator that composes the stages.

It keeps fitted state and calls the stage modules (embed, reduce, cluster, label, stability,
hierarchy, search, metrics, persist); it does none of their work itself.

Reproducibility: rows are processed in a canonical order (sorted by a hash of text and vector)
and clusters are numbered by size, so the same rows and seed give the same clusters and labels
whatever the input order.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from . import hierarchy, metrics, stability
from .cluster import METHODS, OUTLIER, cluster, reassign_outliers, renumber_by_size
from .french import fold_inclusive
from .io import row_status
from .label import TopicLabel, label_clusters
from .reduce import REDUCTIONS, neighbour_graph, reduce
from .search import knn, knn_assign, nearest, vote

logger = logging.getLogger(__name__)

ReductionChoice = Literal["auto", "umap", "pca", "none"]
UNUSABLE_NAME = "(texte inutilisable)"
OUTLIER_NAME = "(hors groupe)"


class TopicModel(BaseEstimator):
    """Thematic groups of French sentences, with names, keywords and representative sentences.

    Parameters are only stored here; ``fit`` validates them and loads the encoder.
    ``n_runs`` (default 5) clusters with that many seeds, keeps the consensus (medoid) run and
    measures each cluster's stability across runs; ``n_runs=1`` is a single, faster run. Above ``max_fit_rows`` usable rows, a seeded
    sample of that size is clustered and every other row joins the cluster its 10 nearest
    sampled neighbours vote for (``probability`` is then the vote share).
    """

    def __init__(self, model: str | None = None, *, method: str | Any = "hdbscan",
                 reduction: ReductionChoice = "auto", n_components: int = 5, n_neighbors: int = 15,
                 min_cluster_size: int = 15, min_samples: int | None = None, k: int | None = None,
                 k_range: tuple[int, int] = (2, 30), n_runs: int = 5, max_fit_rows: int | None = 20_000,
                 reassign_outliers: bool = False,
                 n_keywords: int = 10, n_representatives: int = 3, diversity: float = 0.3,
                 stop_words: Sequence[str] | None = None, extra_stop_words: Sequence[str] = (),
                 gender_pairs: dict[str, str] | None = None, fold_before_embedding: bool = False,
                 seed: int = 42, batch_size: int = 64, cache_dir: str | None = None, use_cache: bool = True,
                 device: str = "auto", show_progress: bool | None = None) -> None:
        self.model = model
        self.method = method
        self.reduction = reduction
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.k = k
        self.k_range = k_range
        self.n_runs = n_runs
        self.max_fit_rows = max_fit_rows
        self.reassign_outliers = reassign_outliers
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.diversity = diversity
        self.stop_words = stop_words
        self.extra_stop_words = extra_stop_words
        self.gender_pairs = gender_pairs
        self.fold_before_embedding = fold_before_embedding
        self.seed = seed
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.device = device
        self.show_progress = show_progress

    # ------------------------------------------------------------------ validation
    def _validate(self) -> None:
        if isinstance(self.method, str) and self.method not in METHODS:
            raise ValueError(f"method={self.method!r}: choose one of {METHODS}, or pass a scikit-learn clusterer.")
        if self.reduction not in ("auto", *REDUCTIONS):
            raise ValueError(f"reduction={self.reduction!r}: choose one of {('auto', *REDUCTIONS)}.")
        if self.max_fit_rows is not None and self.max_fit_rows < 100:
            raise ValueError(f"max_fit_rows={self.max_fit_rows!r}: use None (all rows) or at least 100.")
        for name in ("n_components", "n_neighbors", "min_cluster_size", "n_runs", "n_keywords", "batch_size"):
            if not isinstance(getattr(self, name), (int, np.integer)) or getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)!r}: must be a positive integer.")
        if self.k is not None and self.k < 2:
            raise ValueError(f"k={self.k!r}: must be at least 2 (or None for automatic k).")
        if not 0 <= self.diversity <= 1:
            raise ValueError(f"diversity={self.diversity!r}: must be within [0, 1].")

    def _reduction(self) -> str:
        if self.reduction != "auto":
            return self.reduction
        # KMeans works on unit vectors directly; density clustering needs few dimensions.
        return "none" if self.method == "kmeans" else "umap"

    # ------------------------------------------------------------------ embedding
    def _encoder(self):
        if getattr(self, "encoder_", None) is None:
            from .embed import load_encoder

            self.encoder_ = load_encoder(self.model, device=self.device)
        return self.encoder_

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        from .embed import embed_texts

        if self.fold_before_embedding:
            texts = [fold_inclusive(t, self.gender_pairs) for t in texts]
        return embed_texts(texts, self._encoder(), cache_dir=self.cache_dir, use_cache=self.use_cache,
                           batch_size=self.batch_size, show_progress=self.show_progress)

    def _vectors(self, texts: list[str], status: list[str], embeddings: np.ndarray | None) -> np.ndarray:
        ok = np.array([s == "ok" for s in status])
        if embeddings is not None:
            embeddings = np.asarray(embeddings, dtype=np.float32)
            if embeddings.ndim != 2 or len(embeddings) != len(texts):
                raise ValueError(f"embeddings has shape {embeddings.shape}; expected ({len(texts)}, dim), "
                                 "one row per text in the same order.")
            from .embed import l2_normalize

            out = l2_normalize(embeddings)
            out[~ok] = 0
            return out
        out = None
        if ok.any():
            vec = self._embed([t for t, o in zip(texts, ok) if o])
            out = np.zeros((len(texts), vec.shape[1]), dtype=np.float32)
            out[ok] = vec
        return out if out is not None else np.zeros((len(texts), 1), dtype=np.float32)

    # ------------------------------------------------------------------ fitting
    def fit(self, X: Sequence[Any], y: Any = None, *, embeddings: np.ndarray | None = None,
            ids: Sequence[Any] | None = None) -> "TopicModel":
        """Cluster ``X`` (texts; unusable ones are kept, flagged and left out of clusters)."""
        self._validate()
        values = list(X.tolist() if hasattr(X, "tolist") else X)
        status = [row_status(v) for v in values]
        texts = [v if isinstance(v, str) else ("" if s == "missing" else str(v)) for v, s in zip(values, status)]
        self.ids_ = [str(i) for i in (ids if ids is not None else range(len(texts)))]
        if len(self.ids_) != len(texts):
            raise ValueError(f"ids has {len(self.ids_)} entries for {len(texts)} texts.")
        self.texts_, self.status_ = texts, status
        self.encoder_info_ = {"model": "precomputed"} if embeddings is not None else None
        self.embeddings_ = self._vectors(texts, status, embeddings)
        if self.encoder_info_ is None:
            self.encoder_info_ = self._encoder().describe()
        usable = np.flatnonzero(np.array(status) == "ok")
        if len(usable) < 3:
            raise ValueError(f"only {len(usable)} usable texts; at least 3 are needed to form clusters.")

        canon = usable[np.argsort([_row_hash(texts[i], self.embeddings_[i]) for i in usable], kind="stable")]
        runs, probs, reduced, details, fit_rows, rest = self._seed_runs(canon, len(texts))
        seeds = [self.seed + r for r in range(self.n_runs)]
        best = stability.medoid(runs)
        labels = np.full(len(texts), OUTLIER, dtype=int)
        labels[canon] = runs[best]
        self.labels_original_ = labels.copy()
        self.probabilities_ = probs[best]
        self.reduced_ = np.full((len(texts), reduced[best].shape[1]), np.nan, dtype=np.float32)
        self.reduced_[fit_rows] = reduced[best]  # rows outside the fitted sample have no reduced point
        self.clustering_details_ = {**details[best], "seed": seeds[best], "reduction": self._reduction(),
                                    "clustered_rows": len(fit_rows), "assigned_by_neighbours": len(rest)}
        self.stability_ = None
        if self.n_runs > 1:
            order = np.argsort(canon)  # runs are in canonical order; assess in input order
            self.stability_ = stability.assess(labels[usable], [r[order] for r in runs], seeds)
        self.labels_ = reassign_outliers(self.embeddings_, labels) if self.reassign_outliers else labels
        self.labels_[np.array(status) != "ok"] = OUTLIER
        self.custom_names_: dict[int, str] = {}
        self._relabel()
        logger.info("%d rows -> %d clusters, %d outliers, %d unusable", len(texts), len(self.topics_),
                    int(((self.labels_original_ == OUTLIER) & (np.array(status) == "ok")).sum()),
                    len(texts) - len(usable))
        return self

    def _seed_runs(self, canon: np.ndarray, n: int):
        """Reduce + cluster once per seed, rows in canonical order. Above ``max_fit_rows`` a seeded
        sample is clustered and the other rows follow their nearest sampled neighbours."""
        fit_rows, rest = canon, canon[:0]
        if self.max_fit_rows and len(canon) > self.max_fit_rows:
            pick = np.sort(np.random.default_rng(self.seed).choice(len(canon), self.max_fit_rows, replace=False))
            fit_rows, rest = canon[pick], np.delete(canon, pick)
            logger.info("Clustering a seeded sample of %d rows; the other %d join by nearest-neighbour vote.",
                        len(fit_rows), len(rest))
            neighbours = knn(self.embeddings_[rest], self.embeddings_[fit_rows])  # once, for every run
        graph = None
        if self._reduction() == "umap":  # one exact neighbour graph for every seed
            graph = neighbour_graph(self.embeddings_[fit_rows], min(self.n_neighbors, len(fit_rows) - 1))
        runs, probs, reduced, details = [], [], [], []
        for r in range(self.n_runs):
            points = reduce(self.embeddings_[fit_rows], self._reduction(), n_components=self.n_components,
                            n_neighbors=self.n_neighbors, seed=self.seed + r, graph=graph)
            result = cluster(points, self.method, min_cluster_size=self.min_cluster_size,
                             min_samples=self.min_samples, k=self.k, k_range=self.k_range, seed=self.seed + r)
            run = np.full(n, OUTLIER, dtype=int)
            prob = np.zeros(n, dtype=np.float32)
            run[fit_rows], prob[fit_rows] = renumber_by_size(result.labels), result.probabilities
            if len(rest):
                run[rest], prob[rest] = vote(*neighbours, run[fit_rows])
            runs.append(run[canon])
            probs.append(prob)
            reduced.append(points)
            details.append(result.details)
        return runs, probs, reduced, details, fit_rows, rest

    def fit_transform(self, X: Sequence[Any], y: Any = None, **kwargs) -> np.ndarray:
        return self.fit(X, y, **kwargs).labels_

    fit_predict = fit_transform

    def _relabel(self) -> None:
        ok = np.array(self.status_) == "ok"
        labels = np.where(ok, self.labels_, OUTLIER)
        encoder = getattr(self, "encoder_", None)
        embed_kw = (lambda words: self._embed(words)) if encoder is not None and self.diversity > 0 else None
        self.topics_: list[TopicLabel] = label_clusters(
            self.texts_, labels, self.embeddings_, stop_words=self.stop_words, extra_stop_words=self.extra_stop_words,
            gender_pairs=self.gender_pairs, n_keywords=self.n_keywords, n_representatives=self.n_representatives,
            embed_keywords=embed_kw, diversity=self.diversity)
        for t in self.topics_:
            t.name = self.custom_names_.get(t.cluster, t.name)

    # ------------------------------------------------------------------ prediction
    def transform(self, X: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """Clusters of new sentences: vote of their nearest training sentences (cosine).
        The training sentences themselves get exactly their fitted clusters."""
        return self.predict_proba_labels(X, embeddings=embeddings)[0]

    predict = transform

    def predict_proba_labels(self, X: Sequence[str], *, embeddings: np.ndarray | None = None
                             ) -> tuple[np.ndarray, np.ndarray]:
        """(clusters, vote shares) for new sentences; -1 for unusable ones."""
        self._check_fitted()
        values = list(X.tolist() if hasattr(X, "tolist") else X)
        status = np.array([row_status(v) for v in values])
        texts = [v if isinstance(v, str) else "" for v in values]
        train = np.array(self.status_) == "ok"
        labels = np.full(len(texts), OUTLIER, dtype=int)
        probs = np.zeros(len(texts), dtype=np.float32)
        # a sentence seen in training gets its fitted cluster (near-identical texts must not outvote it)
        seen = {t: int(c) for t, c, tr in zip(self.texts_, self.labels_, train) if tr}
        known = np.array([s == "ok" and t in seen for t, s in zip(texts, status)], dtype=bool)
        labels[known] = [seen[t] for t, k in zip(texts, known) if k]
        probs[known] = 1.0
        todo = (status == "ok") & ~known
        if todo.any():
            rows = np.flatnonzero(todo)
            vectors = self._vectors([texts[i] for i in rows], ["ok"] * len(rows),
                                    None if embeddings is None else np.asarray(embeddings)[rows])
            labels[rows], probs[rows] = knn_assign(vectors, self.embeddings_[train], self.labels_[train])
        return labels, probs

    # ------------------------------------------------------------------ results
    def _check_fitted(self) -> None:
        if not hasattr(self, "labels_"):
            raise RuntimeError("This TopicModel is not fitted yet: call fit(texts) first, or TopicModel.load(folder).")

    def names(self) -> dict[int, str]:
        self._check_fitted()
        return {t.cluster: t.name for t in self.topics_}

    def topic_info(self) -> pd.DataFrame:
        """One row per cluster: id, size, name, keywords (with weights), representative sentences."""
        self._check_fitted()
        rows = []
        for t in self.topics_:
            row = {"cluster": t.cluster, "size": t.size, "name": t.name,
                   "keywords": [k for k, _ in t.keywords], "keyword_weights": [round(w, 5) for _, w in t.keywords],
                   "representatives": t.representatives}
            if self.stability_ is not None:
                row["stability"] = round(self.stability_.cluster_stability.get(t.cluster, float("nan")), 4)
                row["unstable"] = t.cluster in self.stability_.unstable
            rows.append(row)
        return pd.DataFrame(rows)

    def document_info(self) -> pd.DataFrame:
        """One row per input row, in input order."""
        self._check_fitted()
        names = self.names()
        ok = np.array(self.status_) == "ok"
        df = pd.DataFrame({
            "id": self.ids_, "text": self.texts_, "cluster": self.labels_,
            "cluster_name": [names.get(int(c), OUTLIER_NAME) if o else UNUSABLE_NAME
                             for c, o in zip(self.labels_, ok)],
            "probability": np.round(self.probabilities_, 4),
            "is_outlier": ok & (self.labels_original_ == OUTLIER),
            "cluster_original": self.labels_original_,
            # the reassigned view, always offered: outliers in their nearest cluster, others unchanged
            "cluster_reassigned": np.where(ok, reassign_outliers(self.embeddings_, self.labels_), OUTLIER),
            "status": self.status_})
        if self.stability_ is not None:
            conf = np.zeros(len(df), dtype=np.float32)
            conf[ok] = self.stability_.row_confidence
            df["confidence"] = np.round(conf, 4)
        return df

    def summary(self) -> dict[str, Any]:
        self._check_fitted()
        ok = np.array(self.status_) == "ok"
        unassigned = int((ok & (self.labels_original_ == OUTLIER)).sum())
        out = {"rows": len(self.texts_), "usable_rows": int(ok.sum()), "unusable_rows": int((~ok).sum()),
               "clusters": len(self.topics_), "outliers": unassigned,
               "outliers_after_reassignment": int((ok & (self.labels_ == OUTLIER)).sum()),
               "model": self.encoder_info_, "clustering": self.clustering_details_}
        if self.stability_ is not None:
            out["stability"] = self.stability_.summary()
        return out

    # ------------------------------------------------------------------ editing
    def set_names(self, names: dict[int, str]) -> "TopicModel":
        """Give clusters names of your own; they survive merges of other clusters."""
        self._check_fitted()
        unknown = set(names) - set(self.names())
        if unknown:
            raise KeyError(f"no cluster {sorted(unknown)}; clusters are {sorted(self.names())}.")
        self.custom_names_.update({int(k): str(v) for k, v in names.items()})
        self._relabel()
        return self

    def merge_clusters(self, groups: list[list[int]]) -> "TopicModel":
        """Merge each group of cluster ids into its smallest id; keywords and names are recomputed."""
        self._check_fitted()
        known = set(self.names())
        for g in groups:
            if set(g) - known:
                raise KeyError(f"cannot merge {g}: clusters are {sorted(known)}.")
        self.labels_ = hierarchy.apply_merges(self.labels_, groups)
        self.labels_original_ = np.where(self.labels_original_ == OUTLIER, OUTLIER,
                                         hierarchy.apply_merges(self.labels_original_, groups))
        for g in groups:
            for c in g:
                if c != min(g):
                    self.custom_names_.pop(c, None)
        self._relabel()
        return self

    def reduce_clusters(self, n_clusters: int) -> "TopicModel":
        """Merge the most similar clusters until ``n_clusters`` remain (cut of the hierarchy)."""
        self._check_fitted()
        return self.merge_clusters(hierarchy.merge_plan(self.embeddings_, self.labels_, n_clusters))

    def reduce_outliers(self) -> "TopicModel":
        """Assign each outlier to its nearest cluster; ``cluster_original`` keeps the first answer."""
        self._check_fitted()
        self.labels_ = reassign_outliers(self.embeddings_, self.labels_)
        self.labels_[np.array(self.status_) != "ok"] = OUTLIER
        self._relabel()
        return self

    def hierarchy(self) -> dict[str, Any]:
        """Cluster ids, their names and a scipy linkage matrix (for ``scipy...dendrogram``)."""
        self._check_fitted()
        ids, link = hierarchy.cluster_linkage(self.embeddings_, self.labels_)
        names = self.names()
        return {"clusters": ids.tolist(), "names": [names[int(i)] for i in ids], "linkage": link}

    def search(self, query: str, k: int = 10) -> pd.DataFrame:
        """The ``k`` training sentences nearest to ``query``, with their clusters."""
        self._check_fitted()
        q = self._embed([query])
        ok = np.flatnonzero(np.array(self.status_) == "ok")
        idx, scores = nearest(q, self.embeddings_[ok], k)
        rows = ok[idx[0]]
        doc = self.document_info().iloc[rows]
        return doc[["id", "text", "cluster", "cluster_name"]].assign(score=np.round(scores[0], 4)).reset_index(
            names="row")

    def evaluate(self, y_true: Sequence | None = None) -> dict[str, float | None]:
        """Silhouette (cosine, embeddings), DBCV (clustering space), NPMI, diversity; ARI/NMI if ``y_true``."""
        self._check_fitted()
        from .french import stop_set
        from .label import FrenchPhraseAnalyzer

        ok = np.array(self.status_) == "ok"
        has_point = ok & np.isfinite(self.reduced_).all(axis=1)
        out: dict[str, float | None] = {
            "silhouette": metrics.silhouette(self.embeddings_[ok], self.labels_[ok], seed=self.seed),
            "dbcv": metrics.dbcv(self.reduced_[has_point], self.labels_original_[has_point], seed=self.seed),
            "outlier_share": float((self.labels_original_[ok] == OUTLIER).mean()),
        }
        # NPMI on single words, with the same stopwords as the labels
        analyzer = FrenchPhraseAnalyzer(stop_set(self.stop_words, self.extra_stop_words), self.gender_pairs,
                                        max_words=1)
        docs = [set(analyzer(t)) for t, o in zip(self.texts_, ok) if o]
        keys = [[word for kw, _ in t.keywords for word in analyzer(kw)] for t in self.topics_]
        out["npmi"] = metrics.npmi_coherence(keys, docs)
        out["diversity"] = metrics.topic_diversity([[k for k, _ in t.keywords] for t in self.topics_])
        if y_true is not None:
            truth = np.asarray(list(y_true))
            if len(truth) != len(self.labels_):
                raise ValueError(f"y_true has {len(truth)} labels for {len(self.labels_)} rows.")
            out.update(metrics.agreement(self.labels_[ok], truth[ok]))
        return out

    # ------------------------------------------------------------------ persistence
    def save(self, folder: str) -> None:
        """Plain files (JSON + .npy); see :mod:`flaucluster.persist`."""
        from .persist import save_model

        self._check_fitted()
        save_model(self, folder)

    @classmethod
    def load(cls, folder: str) -> "TopicModel":
        from .persist import load_model

        return load_model(folder)

    def topics_as_dicts(self) -> list[dict]:
        return [{**asdict(t), "keywords": [[k, round(w, 5)] for k, w in t.keywords]} for t in self.topics_]


def _row_hash(text: str, vector: np.ndarray) -> str:
    return hashlib.blake2b(text.encode("utf-8") + vector.tobytes(), digest_size=12).hexdigest()
