"""Curation: the edit verbs (rename, merge, move, new cluster, split, unassign, undo, redo) over a fitted state.

Every edit goes through one log (:mod:`flaucluster.edits`): it can be undone, redone, saved and replayed on the
fit's result. An edit never changes the state it starts from, nor the model: it makes a new
:class:`~flaucluster.state.FittedState` (``Curation.state``), which reports, saves and loads like a fit's.
Untouched clusters keep their ids, keywords and names; the clusters an edit changed are described anew.

Examples
--------
>>> cur = model.curate()  # doctest: +SKIP
>>> cur.rename(0, "Bureautique").merge([3, 7]).new_cluster(["c12", "c40"], name="Tableurs")  # doctest: +SKIP
>>> cur.undo().topic_info()  # doctest: +SKIP
>>> cur.save("out/curated")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from . import edits as edit_log
from . import hierarchy, layers, views
from .cluster import OUTLIER, assign_outliers
from .consensus import canonical_order
from .describe import FrenchDescriber, describe_clusters
from .embed.config import EncoderConfig
from .errors import ConfigError, ModelFolderError
from .rows import cell_text
from .state import FittedState, complete

__all__ = ["Curation", "check_log"]

logger = logging.getLogger(__name__)


class Curation:
    """Edits over a fitted state; each edit makes a new ``state``.

    Parameters
    ----------
    state : flaucluster.state.FittedState
        A fit's state (``model.state_``), a loaded one, or a curation's. It is never changed.
    encoder : flaucluster.embed.Encoder or None, default=None
        The encoder that embedded the rows, to name changed clusters by meaning; None: loaded from the state's
        record when a cluster has to be named (names by coverage alone if it cannot be loaded).
    config : flaucluster.embed.config.EncoderConfig or None, default=None
        How that encoder is run and cached; None: the state's record, without its cache folder (the user's own
        cache is used).
    namer : object or None, default=None
        Names the clusters an edit changes (``.name(topics, taken)``); None: the keyphrase names. A namer recorded
        in the state is never used.

    Attributes
    ----------
    state : flaucluster.state.FittedState
        The state after the edits so far.
    """

    def __init__(
        self, state: FittedState, *, encoder: Any = None, config: EncoderConfig | None = None, namer: Any = None
    ) -> None:
        if state.history is None:  # a state that was never edited: its own result is the base
            tree = state.layers.tree if state.layers is not None else None
            base = edit_log.start(state.labels, state.probabilities, state.custom_names, tree)
            state = replace(state, history=edit_log.History(base, list(state.topics), next_id=base.next_id))
        self.state = state
        self.namer = namer
        self._encoder = encoder
        self._config = config or EncoderConfig.from_record(state.params["encoder"])
        self._current = _replay(state, list(self._history.edits))

    # ------------------------------------------------------------------ the log
    @property
    def edits(self) -> list[dict[str, Any]]:
        """The edits applied since the fit, oldest first, in the edits format (:mod:`flaucluster.edits`)."""
        return [dict(e) for e in self._history.edits]

    def document(self) -> dict[str, Any]:
        """The edits since the fit as an edits document (what ``flaucluster edit`` and :meth:`apply_edits` read),
        with the :func:`~flaucluster.edits.fingerprint` of the fit's state they were made on (``made_on``).

        Returns
        -------
        dict
            ``{"format": "flaucluster-edits/1", "edits": [...], "made_on": "sha256:..."}``; write it with
            ``json.dump``.
        """
        base = self._history.base
        return edit_log.document(self.edits, made_on=edit_log.fingerprint(self.state.ids, base.labels))

    @property
    def _history(self) -> edit_log.History:
        assert self.state.history is not None
        return self.state.history

    def apply_edits(
        self, edits: str | os.PathLike | dict[str, Any] | Sequence[dict[str, Any]], *, force: bool = False
    ) -> Curation:
        """Apply edits: all of them or, on an :class:`~flaucluster.edits.EditError`, none.

        New edits clear the edits undone (nothing is left to :meth:`redo`). A document made on another state
        (its ``made_on`` differs from this state's :func:`~flaucluster.edits.fingerprint`) is refused unless
        ``force``: its cluster ids and row ids may only look like this run's.

        Parameters
        ----------
        edits : str, os.PathLike, dict or sequence of dict
            An edits file (JSON), an edits document (``{"format": "flaucluster-edits/1", "edits": [...]}``),
            or a list of edits such as ``{"op": "merge", "clusters": [4, 7]}``.
        force : bool, default=False
            Apply a document made on another state all the same (each edit is still checked).

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply (naming the edit and the fix); nothing was changed.
        """
        source = edits if isinstance(edits, (str, os.PathLike, dict)) else edit_log.document(edits)
        new, made_on = edit_log.read_document(source)
        here = edit_log.fingerprint(self.state.ids, self._current.labels)
        if made_on is not None and made_on != here and not force:
            where = f"{edits}: " if isinstance(edits, (str, os.PathLike)) else ""
            raise edit_log.EditError(
                f"{where}these edits were made on another run or state ({made_on[:19]}…, this one is {here[:19]}…): "
                "their cluster and row ids may only look alike. Apply them to the run they were made on, or force "
                "them (--force, force=True)."
            )
        try:
            after = edit_log.apply(self._current, new, _rows(self.state), seed=self.state.seed)
        except edit_log.EditError as exc:
            if isinstance(edits, (str, os.PathLike)):  # say which file, as for errors of shape
                raise edit_log.EditError(f"{edits}: {exc}") from None
            raise
        undone = self._history.undone if not new else []
        return self._show(after, self._history.edits + new, undone)

    def rename(self, cluster: int, name: str, *, layer: int | None = None) -> Curation:
        """Give ``cluster`` (or a group of a coarser ``layer``) a name of your own; it survives later edits of
        other clusters.

        Parameters
        ----------
        cluster : int
            The cluster id, or the group's id in ``layer``.
        name : str
            Its new name, not empty, at most 200 characters (trimmed).
        layer : int or None, default=None
            A coarser layer (0 the coarsest: ``state.layers``); None: the clusters.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply; nothing was changed.
        """
        edit: dict[str, Any] = {"op": "rename", "cluster": cluster, "name": name}
        return self.apply_edits([edit if layer is None else {**edit, "layer": layer}])

    def reparent(self, item: int, to: int, *, layer: int) -> Curation:
        """Put ``item`` under the group ``to`` of ``layer``: a cluster under another theme or domain, or a theme
        under another domain; a group left with nothing under it is gone. The groups whose rows changed are
        described anew.

        Parameters
        ----------
        item : int
            An id of the layer below ``layer`` (a cluster id, when ``layer`` is the finest coarser layer).
        to : int
            The group of ``layer`` that takes it.
        layer : int
            The layer of ``to``, 0 the coarsest.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply; nothing was changed.
        """
        return self.apply_edits([{"op": "reparent", "cluster": item, "to": to, "layer": layer}])

    def merge(self, clusters: Sequence[int]) -> Curation:
        """Merge ``clusters`` into the first one listed, which keeps its id.

        A name given by an edit to one of them is kept (the first listed first); otherwise the merged cluster is
        named anew.

        Parameters
        ----------
        clusters : sequence of int
            At least two different cluster ids.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply; nothing was changed.
        """
        return self.apply_edits([{"op": "merge", "clusters": list(clusters)}])

    def move(self, ids: Sequence[Any], to: int | str, *, name: str | None = None) -> Curation:
        """Move the rows with these ``ids`` to cluster ``to``; their probability becomes 1 (a person's decision).

        Parameters
        ----------
        ids : sequence
            Row ids, each naming exactly one usable row.
        to : int or "new"
            The target cluster id, or ``"new"`` for a new cluster (its id above every id used so far).
        name : str or None, default=None
            The new cluster's name; only with ``to="new"``. None: a name is found as for any cluster.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply; nothing was changed.
        """
        edit: dict[str, Any] = {"op": "move", "ids": [cell_text(i) for i in ids], "to": to}
        return self.apply_edits([{**edit, **({} if name is None else {"name": name})}])

    def new_cluster(self, ids: Sequence[Any], name: str | None = None) -> Curation:
        """Put the rows with these ``ids`` in a new cluster (its id above every id used so far).

        Parameters
        ----------
        ids : sequence
            Row ids, each naming exactly one usable row.
        name : str or None, default=None
            The new cluster's name; None: a name is found as for any cluster.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply; nothing was changed.
        """
        return self.move(ids, "new", name=name)

    def split(self, cluster: int, k: int = 2) -> Curation:
        """Split ``cluster`` in ``k`` by KMeans on its embeddings; the largest part keeps the id.

        The rows are taken in their canonical order and KMeans is seeded with the run's seed, so the parts do not
        depend on the input order; the other parts get new ids.

        Parameters
        ----------
        cluster : int
            The cluster id.
        k : int, default=2
            The number of parts, at least 2.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply; nothing was changed.
        """
        return self.apply_edits([{"op": "split", "cluster": cluster, "k": k}])

    def unassign(self, ids: Sequence[Any]) -> Curation:
        """Take the rows with these ``ids`` out of every cluster (cluster -1, probability 0).

        Parameters
        ----------
        ids : sequence
            Row ids, each naming exactly one row.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply; nothing was changed.
        """
        return self.apply_edits([{"op": "unassign", "ids": [cell_text(i) for i in ids]}])

    def merge_similar(self, n_clusters: int) -> Curation:
        """Merge the most similar clusters until ``n_clusters`` remain (BERTopic's ``reduce_topics``).

        The cut of the average-linkage hierarchy of the clusters' mean vectors into ``n_clusters`` groups, each
        merged into its smallest id (one merge edit each); nothing changes with no more clusters than that.

        Parameters
        ----------
        n_clusters : int
            How many clusters remain.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply; nothing was changed.
        """
        groups = hierarchy.merge_plan(self.state.embeddings, self.state.labels, n_clusters)
        return self.apply_edits([{"op": "merge", "clusters": sorted(g)} for g in groups if len(set(g)) > 1])

    def assign_outliers(self) -> Curation:
        """Move each outlier to its nearest cluster (BERTopic's ``reduce_outliers``).

        The nearest cluster is the one whose mean vector has the largest dot product with the row's; one move edit
        per cluster, naming the rows by number. ``cluster_original`` keeps the fit's answer.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.edits.EditError
            For an edit that cannot apply; nothing was changed.
        """
        s = self.state
        target = assign_outliers(s.embeddings, s.labels)
        moved = (s.labels == OUTLIER) & (target != OUTLIER) & s.usable
        return self.apply_edits(
            [
                {"op": "move", "rows": (np.flatnonzero(moved & (target == c)) + 1).tolist(), "to": int(c)}
                for c in np.unique(target[moved])
            ]
        )

    def undo(self, n: int = 1) -> Curation:
        """Drop the last ``n`` edits (the fit's result is replayed with the others); :meth:`redo` brings them back.

        Parameters
        ----------
        n : int, default=1
            How many edits to undo, from 1 to the number of edits.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.errors.ConfigError
            When there are fewer than ``n`` edits.
        """
        log = self._history.edits
        if not _is_int(n) or not 1 <= n <= len(log):
            raise ConfigError(f"undo {n!r}: there are {len(log)} edits to undo.")
        kept, dropped = log[:-n], log[-n:]
        return self._show(_replay(self.state, kept), kept, self._history.undone + dropped[::-1])

    def redo(self, n: int = 1) -> Curation:
        """Apply again the last ``n`` edits undone.

        Parameters
        ----------
        n : int, default=1
            How many edits to redo, from 1 to the number of edits undone.

        Returns
        -------
        Curation
            Itself, with the new state.

        Raises
        ------
        flaucluster.errors.ConfigError
            When fewer than ``n`` edits were undone.
        """
        undone = self._history.undone
        if not _is_int(n) or not 1 <= n <= len(undone):
            raise ConfigError(f"redo {n!r}: there are {len(undone)} undone edits to redo.")
        log = self._history.edits + undone[: -n - 1 : -1]
        return self._show(_replay(self.state, log), log, undone[:-n])

    # ------------------------------------------------------------------ views
    def topic_info(self, *, layer: int | None = None, readable: bool = False) -> pd.DataFrame:
        """One row per cluster of the curated state (as :meth:`flaucluster.model.TopicModel.topic_info`).

        Parameters
        ----------
        layer : int or None, default=None
            A coarser layer (0 the coarsest): one row per group of it.
        readable : bool, default=False
            Lists as one string each, for display (:func:`flaucluster.views.readable`).

        Returns
        -------
        pandas.DataFrame
            ``cluster, size, name, keywords, keyword_weights, representatives, edited``, ...
        """
        info = views.topic_info(self.state, layer)
        return views.readable(info) if readable else info

    def document_info(self) -> pd.DataFrame:
        """One row per input row of the curated state (as :meth:`flaucluster.model.TopicModel.document_info`).

        Returns
        -------
        pandas.DataFrame
            ``id, text, cluster, cluster_name, probability, is_outlier, ...``, in input order.
        """
        return views.document_info(self.state)

    def save(self, folder: str | os.PathLike, *, truth: Sequence[Any] | None = None) -> None:
        """Save the curated state, its edit log included (:func:`flaucluster.persist.save_state`).

        Parameters
        ----------
        folder : str or os.PathLike
            The folder to write (whole or not at all).
        truth : sequence or None, default=None
            Known labels, kept beside the model for evaluation only.
        """
        from .persist import save_state

        save_state(self.state, folder, truth=truth)

    # ------------------------------------------------------------------ internals
    def _show(self, after: edit_log.Assignment, log: list[dict[str, Any]], undone: list[dict[str, Any]]) -> Curation:
        """``after`` becomes the state: labels, confidences, names, and new descriptions for the clusters an edit
        touched (the others keep the fit's)."""
        s = self.state
        history = replace(
            self._history, edits=list(log), undone=list(undone), touched=set(after.touched), next_id=after.next_id
        )
        names = {} if s.themes is None else s.themes.names()
        touched = set(after.touched)
        embed = self._phrase_embedder() if touched or after.tree != self._current.tree else None
        topics, naming = describe_clusters(
            FrenchDescriber(**s.describer),
            s.clean,
            after.labels,
            s.embeddings,
            usable=s.usable,
            seed=s.seed,
            base_topics=history.base_topics,
            touched=touched,
            custom_names=after.custom_names,
            theme_names=names,
            drop_roles=bool(s.clustering.get("role_words_dropped", False)),
            embed=embed,
            namer=self.namer,
        )
        clustering = s.clustering if naming is None else {**s.clustering, "naming": naming}
        self.state = complete(
            replace(
                s,
                labels=after.labels.copy(),
                probabilities=after.probabilities.copy(),
                custom_names=dict(after.custom_names),
                topics=topics,
                history=history,
                clustering=clustering,
                layers=_with_tree(s.layers, after.tree),
            ),
            embed=embed,
        )
        self._current = after
        return self

    def _phrase_embedder(self):
        """texts -> vectors of the rows' encoder (the one named, for given embeddings), to rank names by meaning;
        None (names by coverage alone) when the encoder is not known (given embeddings, none named) or cannot be
        loaded."""
        s = self.state
        if not self._config.knows(s.encoder):
            return None

        def load() -> Any:
            if self._encoder is None:
                self._encoder = self._config.load(s.encoder)
            return self._encoder

        return self._config.phrase_embedder(load, s.embeddings.shape[1])


def _rows(state: FittedState) -> edit_log.Rows:
    """How edits name the rows: ids, usable or not, and each row's canonical rank (splits do not depend on the
    input order)."""
    n = len(state.ids)
    rank = np.empty(n, dtype=np.int64)
    rank[canonical_order(np.arange(n), state.clean, state.embeddings)] = np.arange(n)
    return edit_log.Rows(state.ids, state.usable, rank, state.embeddings)


def _with_tree(before: layers.Layers | None, tree: layers.Tree | None) -> layers.Layers | None:
    """The layers to describe after an edit: the new tree, with the groups as they were (kept where unchanged)."""
    if tree is None:
        return before
    if before is None:
        return layers.Layers(tree, np.empty((0, 0), dtype=np.int64))
    return replace(before, tree=tree)


def _replay(state: FittedState, log: list[dict[str, Any]]) -> edit_log.Assignment:
    assert state.history is not None
    base = state.history.base
    if base.tree is None:  # the fit's tree is planned from the fit's labels, as the fit planned it
        base = replace(base, tree=layers.plan(state.embeddings, base.labels, state.usable))
    return edit_log.apply(base, log, _rows(state), seed=state.seed)


def check_log(state: FittedState, source: str) -> None:
    """Refuse a state whose edit log, replayed on the fit's result, does not give its labels (an altered folder).

    Parameters
    ----------
    state : flaucluster.state.FittedState
        The state to check.
    source : str
        Where it comes from, for the message.

    Raises
    ------
    flaucluster.errors.ModelFolderError
        When the log does not apply, or does not give the state's labels.
    """
    if state.history is None:
        return
    try:
        after = _replay(state, list(state.history.edits))
    except edit_log.EditError as exc:
        raise ModelFolderError(f"{source}: edits.json does not apply to the saved fit ({exc}).") from None
    if not np.array_equal(after.labels, state.labels) or (state.layers is not None and after.tree != state.layers.tree):
        raise ModelFolderError(
            f"{source}: replaying edits.json on the fit does not give the saved labels and layers (the folder "
            "was altered, or a split ran on another scikit-learn); run the edits again on a fresh run."
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)
