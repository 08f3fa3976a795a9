"""Tables and figures-of-merit a person reads, computed from a :class:`~flaucluster.persist.FittedState`
(a fitted or a loaded model alike): one row per cluster, one row per input row, a summary, metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import layers, metrics
from .advice import advise
from .cluster import OUTLIER, assign_outliers
from .errors import ConfigError
from .french import stop_set
from .hierarchy import cluster_linkage
from .label import FrenchPhraseAnalyzer
from .palette import cluster_colors, new_cluster_colors
from .state import FittedState
from .themes import NO_THEME, row_themes, theme_table

__all__ = ["hierarchy", "readable"]

UNUSABLE_NAME = "(texte inutilisable)"
OUTLIER_NAME = "(hors groupe)"
TOPIC_COLUMNS = ["cluster", "size", "name", "keywords", "keyword_weights", "representatives", "edited", "color"]
LAYER_COLUMNS = ["id", "size", "name", "parent", "children", "keywords", "representatives", "renamed"]


def readable(frame: pd.DataFrame, width: int = 50) -> pd.DataFrame:
    """A copy of ``frame`` for reading, not for computing.

    List cells (keywords, representatives) become one string: their items ``", "``-joined, as many whole items
    as fit in ``width`` characters, then "…"; longer texts are cut with "…"; ``keyword_weights`` is left out.
    ``width`` defaults to the 50 characters pandas shows of a cell, so that no keyword is cut in the middle. Only the columns of ``object`` dtype
    are changed; ``frame.attrs`` is copied over. The frame itself is unchanged.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table of results, such as ``TopicModel.topic_info()`` or ``TopicModel.map_themes()``.
    width : int, default 50
        The longest cell shown whole, in characters.

    Returns
    -------
    pandas.DataFrame
        The copy for display.

    See Also
    --------
    flaucluster.model.TopicModel.topic_info : ``readable=True`` returns this view.
    """

    def cell(value: Any) -> Any:
        if isinstance(value, (list, tuple)):  # whole items only, as many as fit
            shown: list[str] = []
            for item in map(str, value):
                if len(", ".join([*shown, item])) > width - 3:
                    return ", ".join(shown) + ", …" if shown else item[: width - 1] + "…"
                shown.append(item)
            return ", ".join(shown)
        if isinstance(value, str) and len(value) > width:
            return value[: width - 1].rstrip() + "…"
        return value

    out = frame.drop(columns=["keyword_weights"], errors="ignore")
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(cell)
    out.attrs = dict(frame.attrs)
    return out


def usable(state: FittedState) -> np.ndarray:
    return np.array([s == "ok" for s in state.status], dtype=bool)


def topic_info(state: FittedState, layer: int | None = None) -> pd.DataFrame:
    """One row per cluster: id, size, name, keywords (with weights), representative sentences, stability; with a
    coarser ``layer`` (0 the coarsest), one row per group of it: id, size, name, parent, children, keywords."""
    depth = state.layers.depth if state.layers is not None else 0
    if layer is not None and layer != depth:
        if not (isinstance(layer, (int, np.integer)) and 0 <= layer < depth):
            raise ConfigError(
                f"layer={layer!r}: this state has layers 0 to {depth} (0 the coarsest, {depth} the clusters)."
            )
        assert state.layers is not None
        return pd.DataFrame(layers.table(state.layers, int(layer)), columns=LAYER_COLUMNS).rename(
            columns={"id": "cluster"}
        )
    stab = state.stability
    edited = state.history.touched if state.history is not None else set()
    colors = cluster_colors([t.cluster for t in state.topics], *_fit_labels(state))
    rows = []
    for t in state.topics:
        row: dict[str, Any] = {
            "cluster": t.cluster,
            "size": t.size,
            "name": t.name,
            "keywords": [k for k, _ in t.keywords],
            "keyword_weights": [round(w, 5) for _, w in t.keywords],
            "representatives": t.representatives,
            "edited": t.cluster in edited,
            "color": colors[t.cluster],  # palette.py: the same colour on the map, in the widget and the figures
        }
        if state.themes is not None:  # "" for a new group: what the themes miss
            theme = state.themes.cluster_theme.get(t.cluster, NO_THEME)
            row["theme_id"] = state.themes.themes["id"].iloc[theme] if theme != NO_THEME else ""
        if stab is not None:  # an edited cluster is not the one the seeds agreed on: no stability to show
            row["stability"] = (
                float("nan") if row["edited"] else round(stab.cluster_stability.get(t.cluster, float("nan")), 4)
            )
            row["unstable"] = t.cluster in stab.unstable and not row["edited"]
        rows.append(row)
    extra = (["stability", "unstable"] if stab is not None else []) + (["theme_id"] if state.themes is not None else [])
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS + extra)


def _fit_labels(state: FittedState) -> tuple[np.ndarray, int | None]:
    """The fit's labels and the id of the first cluster an edit made: what the colours follow."""
    if state.history is None:
        return np.asarray(state.labels), None
    return state.history.base.labels, state.history.base.next_id


def next_colors(state: FittedState, count: int = 32) -> list[str]:
    """The colours of the next ``count`` clusters an edit would make (for the map's own edits)."""
    next_id = state.history.next_id if state.history is not None else max(state.names(), default=-1) + 1
    return new_cluster_colors(next_id, *_fit_labels(state), count=count)


def layer_tables(state: FittedState) -> tuple[list[pd.DataFrame], dict[int, int]]:
    """(:func:`topic_info` of each coarser layer, the coarsest first; each cluster's group in the finest of them),
    what the map names as the view zooms out; none without layers."""
    if state.layers is None or not state.layers.depth:
        return [], {}
    return [topic_info(state, level) for level in range(state.layers.depth)], dict(state.layers.tree.parents[-1])


def layer_columns(state: FittedState, ok: np.ndarray) -> dict[str, Any]:
    """Each row's group and its name in each coarser layer: ``layer0, layer0_name, layer1, ...`` (0 the coarsest)."""
    if state.layers is None:
        return {}
    out: dict[str, Any] = {}
    for level, described in enumerate(state.layers.topics):
        names = {t.cluster: t.name for t in described}
        groups = state.layers.labels[level]
        out[f"layer{level}"] = groups
        out[f"layer{level}_name"] = [
            names.get(int(g), OUTLIER_NAME) if o else UNUSABLE_NAME for g, o in zip(groups, ok)
        ]
    return out


def document_info(state: FittedState) -> pd.DataFrame:
    """One row per input row, in input order."""
    names = {t.cluster: t.name for t in state.topics}
    ok = usable(state)
    df = pd.DataFrame(
        {
            "id": state.ids,
            "text": state.texts,
            "cluster": state.labels,
            "cluster_name": [names.get(int(c), OUTLIER_NAME) if o else UNUSABLE_NAME for c, o in zip(state.labels, ok)],
            **layer_columns(state, ok),
            "probability": np.round(state.probabilities, 4),
            "is_outlier": ok & (state.labels_original == OUTLIER),
            "cluster_original": state.labels_original,
            # the reassigned view, always offered: outliers in their nearest cluster, others unchanged
            "cluster_reassigned": state.labels_reassigned
            if state.labels_reassigned is not None
            else np.where(ok, assign_outliers(state.embeddings, state.labels), OUTLIER),
            "status": state.status,
        }
    )
    if state.stability is not None:
        conf = np.zeros(len(df), dtype=np.float32)
        conf[ok] = state.stability.row_confidence
        df["confidence"] = np.round(conf, 4)
    if state.themes is not None:
        themed = row_themes(state.themes, state.embeddings, np.where(ok, state.labels, OUTLIER), ok)
        df = pd.concat([df, themed], axis=1)
    df["note"] = state.notes  # what cleaning changed before embedding (html, control characters, ...)
    df["row"] = np.arange(1, len(df) + 1)
    return df


def theme_info(state: FittedState) -> pd.DataFrame | None:
    """One row per theme, those that received no row included (:func:`flaucluster.themes.theme_table`);
    None for a model fitted without themes."""
    if state.themes is None:
        return None
    return theme_table(
        state.themes.themes, document_info(state), state.themes.threshold, calibration=state.themes.calibration
    )


def summary(state: FittedState) -> dict[str, Any]:
    ok = usable(state)
    out = {
        "rows": len(state.texts),
        "usable_rows": int(ok.sum()),
        "unusable_rows": int((~ok).sum()),
        "clusters": len(state.topics),
        "outliers": int((ok & (state.labels_original == OUTLIER)).sum()),
        "outliers_after_reassignment": int((ok & (state.labels == OUTLIER)).sum()),
        "model": state.encoder,
        "clustering": state.clustering,
        "advice": list(state.advice) + advise(state),  # the fit's own, then what to try from the groups' shape
    }
    if state.stability is not None:
        out["stability"] = state.stability.summary()
    return out


def evaluate(state: FittedState, y_true: Sequence | None = None) -> dict[str, float | None]:
    """Silhouette (cosine, embeddings), DBCV (clustering space), NPMI, diversity; ARI/NMI if ``y_true``."""
    seed, p = state.seed, state.describer
    ok = usable(state)
    has_point = ok & np.isfinite(state.reduced).all(axis=1)
    out: dict[str, float | None] = {
        # unusable rows count as outliers, which it leaves out: no vector is taken but its sample's
        "silhouette": metrics.silhouette(state.embeddings, np.where(ok, state.labels, OUTLIER), seed=seed),
        "dbcv": metrics.dbcv(state.reduced[has_point], state.labels_original[has_point], seed=seed),
        "outlier_share": float((state.labels_original[ok] == OUTLIER).mean()) if ok.any() else None,
    }
    # NPMI on single words, with the same stopwords and folding as the labels
    analyzer = FrenchPhraseAnalyzer(stop_set(p.get("stop_words"), p.get("extra_stop_words", ())), p.get("gender_pairs"))

    def words(text: str) -> list[str]:  # the labels' own analysis (replayed, not redone), one-word keys
        return [k for k in analyzer(text) if " " not in k]

    docs = [set(words(t)) for t, o in zip(state.clean, ok) if o]
    keys = [[word for kw, _ in t.keywords for word in words(kw)] for t in state.topics]
    out["npmi"] = metrics.npmi_coherence(keys, docs)
    out["diversity"] = metrics.topic_diversity([[k for k, _ in t.keywords] for t in state.topics])
    if y_true is not None:
        truth = np.asarray(list(y_true))
        if len(truth) != len(state.labels):
            raise ConfigError(f"y_true has {len(truth)} labels for {len(state.labels)} rows.")
        out.update(metrics.agreement(state.labels[ok], truth[ok]))
    return out


def hierarchy(state: FittedState) -> dict[str, Any]:
    """Cluster ids, their names and a scipy linkage matrix (for ``scipy.cluster.hierarchy.dendrogram`` and
    :func:`flaucluster.plots.dendrogram`).

    Parameters
    ----------
    state : flaucluster.state.FittedState
        A fitted state (``model.state_``).

    Returns
    -------
    dict
        ``clusters`` (the ids, a list), ``names`` (in the same order) and ``linkage``: the average-linkage
        matrix on the cosine distance between the clusters' mean vectors, of shape (n_clusters - 1, 4) (empty with
        fewer than two clusters).
    """
    ids, link = cluster_linkage(state.embeddings, state.labels)
    names = state.names()
    return {"clusters": ids.tolist(), "names": [names[int(i)] for i in ids], "linkage": link}
