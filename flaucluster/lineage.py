"""What an update changed, as plain data: the parent run, each row's change, the clusters before.

:func:`flaucluster.update.update` makes this record; the state keeps it (``FittedState.lineage``), the saved
folder holds it as ``model/lineage.json``, and the report reads it: ``changes.csv`` (:func:`changes_table`) and
the section « Évolutions » (:func:`evolution`). Only the side *before* the update is recorded; the side after is
read from the state's labels and names, so that a run edited after its update still reports what it is now.

The record (``format`` ``"flaucluster-lineage/1"``)::

    {"format": ..., "parent": {"manifest_sha256": ..., "written": ..., "rows": ..., "clusters": ...},
     "policy": {"refit": "auto", "refitted": false, ...},
     "rows": {"change": [...], "cluster_before": [...], "row_before": [...]},   # one entry per row of the state
     "removed": [{"id": ..., "text": ..., "row_before": ..., "cluster_before": ...}],
     "clusters_before": [{"cluster": ..., "name": ..., "size": ...}],
     "new_clusters": [...]}

No import of ``model``: persistence and the report read it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .cluster import OUTLIER
from .errors import ModelFolderError

if TYPE_CHECKING:
    from .state import FittedState

FORMAT = "flaucluster-lineage/1"
CHANGES = ("added", "removed", "changed", "unchanged")
CHANGE_COLUMNS = [
    "id",
    "change",
    "cluster_before",
    "cluster_after",
    "name_before",
    "name_after",
    "row",
    "row_before",
    "text",
]
UNUSABLE = "(texte inutilisable)"  # as the assignments name a row that cannot be embedded
#: How many of a new group's best rows the report shows.
BEST_ROWS = 3


def check(record: Any, n_rows: int, where: str) -> dict[str, Any]:
    """``record`` if it is a lineage record for ``n_rows`` rows, else a :class:`ModelFolderError` naming ``where``."""
    try:
        ok = (
            isinstance(record, Mapping)
            and record.get("format") == FORMAT
            and all(len(record["rows"][k]) == n_rows for k in ("change", "cluster_before", "row_before"))
            and set(record["rows"]["change"]) <= set(CHANGES)
            and isinstance(record["removed"], list)
            and isinstance(record["clusters_before"], list)
        )
    except (KeyError, TypeError):
        ok = False
    if not ok:
        raise ModelFolderError(f"{where}: lineage.json is not an update record for {n_rows} rows.")
    return dict(record)


def _names_before(lineage: Mapping[str, Any]) -> dict[int, str]:
    return {int(c["cluster"]): str(c["name"]) for c in lineage["clusters_before"]}


def changes_table(state: FittedState) -> pd.DataFrame | None:
    """One row per row of the update and per row it removed: ``id, change`` (``added``, ``removed``, ``changed``,
    ``unchanged``), ``cluster_before, cluster_after`` (empty where the row was not there; -1 outside any
    cluster), ``name_before, name_after``, ``row`` (1-based, in the new file), ``row_before`` (in the parent run)
    and ``text`` (as written; the parent's for a removed row). None for a state that is not an update.

    Parameters
    ----------
    state : flaucluster.state.FittedState
        The state of an update (or of a run made from one).

    Returns
    -------
    pandas.DataFrame or None
        The changes, the state's rows in order then the removed rows.
    """
    lineage = state.lineage
    if lineage is None:
        return None
    before_names = _names_before(lineage)
    after_names = state.names()
    usable = state.usable
    after = [int(c) if u else OUTLIER for c, u in zip(state.labels, usable)]

    def name(names: dict[int, str], c: Any) -> str:
        return "" if c is None else names.get(int(c), "(hors groupe)" if int(c) == OUTLIER else "")

    rows = lineage["rows"]
    current = pd.DataFrame(
        {
            "id": state.ids,
            "change": rows["change"],
            "cluster_before": pd.array(rows["cluster_before"], dtype="Int64"),
            "cluster_after": pd.array(after, dtype="Int64"),
            "name_before": [name(before_names, c) for c in rows["cluster_before"]],
            "name_after": [name(after_names, c) if u else UNUSABLE for c, u in zip(after, usable)],
            "row": pd.array(np.arange(1, len(after) + 1), dtype="Int64"),
            "row_before": pd.array(rows["row_before"], dtype="Int64"),
            "text": state.texts,
        }
    )
    removed = lineage["removed"]
    gone = pd.DataFrame(
        {
            "id": [str(r["id"]) for r in removed],
            "change": ["removed"] * len(removed),
            "cluster_before": pd.array([r["cluster_before"] for r in removed], dtype="Int64"),
            "cluster_after": pd.array([None] * len(removed), dtype="Int64"),
            "name_before": [name(before_names, r["cluster_before"]) for r in removed],
            "name_after": [""] * len(removed),
            "row": pd.array([None] * len(removed), dtype="Int64"),
            "row_before": pd.array([r["row_before"] for r in removed], dtype="Int64"),
            "text": [str(r["text"]) for r in removed],
        }
    )
    return pd.concat([current, gone], ignore_index=True)[CHANGE_COLUMNS] if len(gone) else current[CHANGE_COLUMNS]


def evolution(state: FittedState) -> dict[str, Any] | None:
    """What the report's section « Évolutions » shows: per cluster its size before and after, the rows it gained
    and lost, whether it is new, kept or emptied; the new groups with their best rows; the counts of each change.

    Parameters
    ----------
    state : flaucluster.state.FittedState
        The state of an update.

    Returns
    -------
    dict or None
        ``parent``, ``policy``, ``counts`` (change -> rows), ``clusters`` (one dict per cluster before or after:
        ``cluster, name, name_before, size_before, size_after, gained, lost, status``), ``new_groups`` (``cluster,
        name, size, best``) and ``emptied`` (``cluster, name, size_before``); None for a state that is not an update.
    """
    lineage = state.lineage
    if lineage is None:
        return None
    rows = lineage["rows"]
    usable = state.usable
    after = [int(c) if u else OUTLIER for c, u in zip(state.labels, usable)]
    before_sizes = {int(c["cluster"]): int(c["size"]) for c in lineage["clusters_before"]}
    before_names = _names_before(lineage)
    after_sizes = Counter(c for c in after if c != OUTLIER)
    gained: Counter[int] = Counter()
    lost: Counter[int] = Counter()
    for b, a in zip(rows["cluster_before"], after):
        if b is not None and int(b) != a and int(b) != OUTLIER:
            lost[int(b)] += 1
        if a != OUTLIER and (b is None or int(b) != a):
            gained[a] += 1
    for r in lineage["removed"]:
        if r["cluster_before"] is not None and int(r["cluster_before"]) != OUTLIER:
            lost[int(r["cluster_before"])] += 1
    names = state.names()
    new = {int(c) for c in lineage.get("new_clusters", [])}
    topics = {t.cluster: t for t in state.topics}
    clusters: list[dict[str, Any]] = []
    for c in sorted(set(before_sizes) | set(after_sizes)):
        size_after = after_sizes.get(c, 0)
        status = "new" if c in new else ("emptied" if not size_after else ("kept" if c in before_sizes else "new"))
        clusters.append(
            {
                "cluster": c,
                "name": names.get(c, before_names.get(c, "")),
                "name_before": before_names.get(c, ""),
                "size_before": before_sizes.get(c, 0),
                "size_after": size_after,
                "gained": gained.get(c, 0),
                "lost": lost.get(c, 0),
                "status": status,
            }
        )
    new_groups = [
        {
            "cluster": c["cluster"],
            "name": c["name"],
            "size": c["size_after"],
            "best": _best(topics.get(int(c["cluster"]))),
        }
        for c in clusters
        if c["status"] == "new" and c["size_after"]
    ]
    emptied = [
        {"cluster": c["cluster"], "name": c["name_before"], "size_before": c["size_before"]}
        for c in clusters
        if c["status"] == "emptied"
    ]
    counts = Counter(rows["change"])
    counts["removed"] = len(lineage["removed"])
    return {
        "parent": dict(lineage["parent"]),
        "policy": dict(lineage.get("policy", {})),
        "counts": {k: int(counts.get(k, 0)) for k in CHANGES},
        "clusters": clusters,
        "new_groups": new_groups,
        "emptied": emptied,
    }


def _best(topic: Any) -> list[str]:
    return [] if topic is None else list(topic.representatives[:BEST_ROWS])


def evolution_frame(evo: Mapping[str, Any]) -> pd.DataFrame:
    """The per-cluster table of :func:`evolution`, as a frame (the workbook's sheet « évolutions »)."""
    columns = ["cluster", "name", "name_before", "size_before", "size_after", "gained", "lost", "status"]
    return pd.DataFrame(evo["clusters"], columns=columns)
