"""The fitted state: everything a report, a map, an edit or a saved folder needs of a fit, as plain data.

``TopicModel.fit`` returns it complete (:func:`complete` adds the views derived from the labels: each
outlier's nearest cluster, the clusters' similarities, the 2-D map); the report, the map, curation and
the command line read it and make new states or files, never attributes of the estimator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from . import hierarchy, layers
from .cluster import OUTLIER, assign_outliers
from .compare import Guide
from .describe import FrenchDescriber
from .edits import History
from .label import Topic
from .layers import Layers
from .reduce import map_2d
from .stability import Stability
from .themes import ThemeFit
from .timing import stage

__all__ = ["MAP_MAX_ROWS", "FittedState", "RunContext", "complete"]

#: Above this many usable rows the map lays out and draws a seeded sample of them (the page says so): a layout
#: of millions of points takes long and its page would be hundreds of MB; assignments still hold every row.
MAP_MAX_ROWS = 200_000


@dataclass(frozen=True)
class RunContext:
    """What a run knows about its rows besides their texts: kept with the state, reported, never clustered.

    Parameters
    ----------
    guide : flaucluster.compare.Guide or None, default None
        The columns the run compares clusters across (``flaucluster cluster --by/--time``).
    parts : list of (str, int) or None, default None
        The input files and their number of rows, in order, when the input was several files.
    """

    guide: Guide | None = None
    parts: list[tuple[str, int]] | None = None


@dataclass
class FittedState:
    """Everything a fitted model knows, as plain data (what is saved, loaded, reported and curated).

    Parameters
    ----------
    params : dict
        The model's parameters as plain data, by component: ``encoder``, ``clusterer``, ``describer``, ``namer``,
        ``themes``, ``max_unassigned``, ``missing_values``, ``seed``.
    ids, texts, clean, status, notes : list of str
        Each row's id, text as written, text as the model saw it, status (``"ok"`` or why it is unusable) and
        what cleaning changed.
    embeddings : numpy.ndarray of shape (n_rows, dim)
        Unit vectors; zeros for unusable rows.
    labels : numpy.ndarray of shape (n_rows,)
        Each row's cluster in use (outliers moved up to ``max_unassigned``, edits applied); -1 outside any.
    labels_original : numpy.ndarray of shape (n_rows,)
        The clustering's own answer.
    probabilities : numpy.ndarray of shape (n_rows,)
        Membership strength, from 0 to 1.
    reduced : numpy.ndarray of shape (n_rows, n_dims)
        The clustering space of the consensus run; NaN for rows without a point.
    topics : list of flaucluster.label.Topic
        One per cluster, by id.
    encoder : dict
        The encoder used (``model``, ``identity``, ...).
    clustering : dict
        How the clusters were found.
    custom_names : dict of int to str, default {}
        Names given by edits.
    advice : list of str, default []
        Advice on the fit.
    stability : flaucluster.stability.Stability or None, default None
        Stability across runs.
    history : flaucluster.edits.History or None, default None
        The edit log; None: a fit's result, never edited.
    map_coords : numpy.ndarray of shape (n_rows, 2) or None, default None
        The 2-D map (NaN: no place), kept through edits.
    themes : flaucluster.themes.ThemeFit or None, default None
        The themes rows were filed under.
    guide : flaucluster.compare.Guide or None, default None
        The columns the run compares clusters across.
    parts : list of (str, int) or None, default None
        The input files and their rows.
    labels_reassigned : numpy.ndarray or None, default None
        Every outlier in its nearest cluster (:func:`complete`).
    similarity : tuple of numpy.ndarray or None, default None
        (cluster ids, cosine similarity of their mean vectors) (:func:`complete`).
    lineage : dict or None, default None
        What an update changed (:mod:`flaucluster.lineage`): the parent run, each row's change, the clusters
        before; None for a run that is not an update.
    layers : flaucluster.layers.Layers or None, default None
        The coarser layers above the clusters, described (:func:`complete`; an edit's tree, to describe anew).
    """

    params: dict[str, Any]  # the model's parameters as plain data (components as dicts)
    ids: list[str]
    texts: list[str]  # as written
    clean: list[str]  # as the model saw them
    status: list[str]
    notes: list[str]
    embeddings: np.ndarray
    labels: np.ndarray
    labels_original: np.ndarray
    probabilities: np.ndarray
    reduced: np.ndarray
    topics: list[Topic]
    encoder: dict[str, Any]
    clustering: dict[str, Any]
    custom_names: dict[int, str] = field(default_factory=dict)
    advice: list[str] = field(default_factory=list)
    stability: Stability | None = None
    history: History | None = None  # the edit log; None: the fit's result, never edited
    map_coords: np.ndarray | None = None  # the 2-D map, kept so that edits and reports redraw the same map
    themes: ThemeFit | None = None  # the themes rows were filed under
    guide: Guide | None = None  # the columns the run compares clusters across (--by, --time)
    parts: list[tuple[str, int]] | None = None  # the input files and their rows, when there were several
    labels_reassigned: np.ndarray | None = None  # every outlier in its nearest cluster (:func:`complete`)
    similarity: tuple[np.ndarray, np.ndarray] | None = None  # (cluster ids, centroid cosine similarity)
    lineage: dict[str, Any] | None = None  # what an update changed (flaucluster.lineage); None: not an update
    layers: Layers | None = None  # the tree above the clusters, described (:func:`complete`)

    @property
    def usable(self) -> np.ndarray:
        """Whether each row could be embedded (its status is ``"ok"``)."""
        return np.array([s == "ok" for s in self.status], dtype=bool)

    @property
    def seed(self) -> int:
        """The run's seed."""
        return int(self.params.get("seed", 42))

    @property
    def describer(self) -> dict[str, Any]:
        """The describer's parameters (stop words, gender pairs, ...)."""
        return dict(self.params.get("describer") or {})

    def names(self) -> dict[int, str]:
        """The name of each cluster, the names given by edits included.

        Returns
        -------
        dict of int to str
            Cluster id -> name, by id.
        """
        return {t.cluster: t.name for t in self.topics}


def complete(state: FittedState, *, embed: Callable[[list[str]], np.ndarray] | None = None) -> FittedState:
    """``state`` with the views derived from its labels: each outlier's nearest cluster, the clusters' similarity,
    the layers above the clusters (their tree planned from the data where the state has none, their groups
    described where their rows changed) and (only where the state has none yet) the 2-D map.

    Parameters
    ----------
    state : FittedState
        A state; it is not changed.
    embed : callable or None, default=None
        texts -> vectors of the rows' encoder, to name new groups of the layers by meaning (as the clusters).

    Returns
    -------
    FittedState
        A new state with ``labels_reassigned``, ``similarity``, ``layers`` and ``map_coords``.
    """
    ok = state.usable
    reassigned = np.where(ok, assign_outliers(state.embeddings, state.labels), OUTLIER)
    coords = state.map_coords
    if coords is None or len(coords) != len(state.texts):
        coords = map_coords(state.embeddings, ok, state.seed)
    before = state.layers
    tree = before.tree if before is not None else layers.plan(state.embeddings, state.labels, ok)
    with stage("layers"):
        described = layers.describe(
            before,
            tree,
            FrenchDescriber(**state.describer),
            state.clean,
            state.labels,
            state.embeddings,
            usable=ok,
            seed=state.seed,
            embed=embed,
            drop_roles=bool(state.clustering.get("role_words_dropped", False)),
        )
    return replace(
        state,
        labels_reassigned=reassigned,
        similarity=hierarchy.similarity(state.embeddings, state.labels),
        map_coords=coords,
        layers=described,
    )


def map_coords(vectors: np.ndarray, usable: np.ndarray, seed: int) -> np.ndarray:
    """The 2-D map of the usable rows (:func:`flaucluster.reduce.map_2d`); above :data:`MAP_MAX_ROWS` usable rows, a
    seeded sample of that many is laid out and the others get NaN (no place: not drawn)."""
    coords = np.zeros((len(usable), 2), dtype=np.float32)
    ok = usable.copy()
    if ok.sum() > MAP_MAX_ROWS:
        drawn = np.zeros_like(ok)
        drawn[np.random.default_rng(seed).choice(np.flatnonzero(ok), MAP_MAX_ROWS, replace=False)] = True
        coords[ok & ~drawn] = np.nan
        ok = drawn
    with stage("map layout"):
        coords[ok] = map_2d(vectors[ok], seed=seed)
    return coords
