"""What to try when the groups of a run look wrong, with this run's numbers: advice over a fitted state.

Two shapes of a clustering usually mean that the defaults did not suit the file:

- **a few groups hold most of the file**: the largest ``max(1, k // 5)`` of ``k`` groups hold at least
  :data:`DOMINANT_SHARE` of the grouped rows (two groups of 86 and 28 rows for a 120-row catalogue of six
  topics), or there are fewer than :data:`FEW_GROUPS` groups for :data:`FEW_ROWS` rows or more; a smaller
  ``--min-cluster-size`` or a target ``--n-clusters`` splits them. The target splits the largest groups into
  groups of the median size of the others; with no others, it is the rule of thumb ``sqrt(rows / 2)``;
- **a loose group**: its rows are much further from its centre than the rows of the other groups are from
  theirs (its cohesion, the mean cosine of its rows to its unit centre, under :data:`LOOSE_RATIO` times the
  median group's), so it likely holds unrelated rows.

The numbers suggested come from the run: the smallest group it allowed, the sizes of its other groups, the
cohesion of each group. Nothing here changes the state; :func:`advise` returns sentences that
:func:`flaucluster.views.summary` adds to the run's own advice, so the report, ``topics.json`` and the command
line show them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .cluster import OUTLIER, centroids
from .state import FittedState

__all__ = [
    "DOMINANT_SHARE",
    "LOOSE_RATIO",
    "RunShape",
    "advise",
    "cohesion",
    "dominant_groups",
    "loose_groups",
    "shape_advice",
]

DOMINANT_SHARE = 0.6  # the share of the grouped rows that a few groups may hold before the advice speaks
LOOSE_RATIO = 0.85  # a group whose cohesion is under this times the median group's is called loose
MAX_LOOSE = 3  # advice on the loosest few only: more lines would drown the report
FEW_GROUPS = 4  # fewer groups than this for FEW_ROWS rows or more: the file is held in too few groups
FEW_ROWS = 100


@dataclass(frozen=True)
class RunShape:
    """What the advice reads from a run.

    Parameters
    ----------
    sizes : mapping of int to int
        Group id -> rows.
    cohesion : mapping of int to float
        Group id -> cohesion (:func:`cohesion`).
    min_cluster_size : int or None
        The smallest group HDBSCAN was allowed; None when the method has no such knob (KMeans, custom).
    names : mapping of int to str
        Group id -> name, for the sentences.
    """

    sizes: Mapping[int, int]
    cohesion: Mapping[int, float]
    min_cluster_size: int | None  # None: not HDBSCAN (no such knob)
    names: Mapping[int, str]


def cohesion(vectors: np.ndarray, labels: np.ndarray) -> dict[int, float]:
    """The cohesion of each group: the mean cosine of its rows to its unit centre (1: all rows alike).

    Parameters
    ----------
    vectors : numpy.ndarray
        Unit rows, shape ``(n, dim)``.
    labels : numpy.ndarray
        The group of each row; outliers (-1) are left out.

    Returns
    -------
    dict of int to float
        Group id -> cohesion, from 0 to 1 (the length of the mean of its unit rows).
    """
    ids, means = centroids(vectors, labels, unit=False)
    return {int(i): float(np.linalg.norm(m)) for i, m in zip(ids, means)}


def dominant_groups(sizes: Mapping[int, int], *, share: float = DOMINANT_SHARE) -> list[int]:
    """The few largest groups that hold most of the grouped rows, or [] when no few groups do.

    Parameters
    ----------
    sizes : mapping of int to int
        Group id -> rows.
    share : float, default=DOMINANT_SHARE
        The share of the grouped rows that the largest ``max(1, k // 5)`` groups must hold.

    Returns
    -------
    list of int
        Their ids, largest first; [] for no group or when the largest ones hold less than ``share``.
    """
    order = sorted(sizes, key=lambda c: (-sizes[c], c))
    total = sum(sizes.values())
    top = order[: max(1, len(order) // 5)]
    if not total or sum(sizes[c] for c in top) < share * total:
        return []
    return top


def loose_groups(sizes: Mapping[int, int], cohesions: Mapping[int, float], *, ratio: float = LOOSE_RATIO) -> list[int]:
    """Groups whose cohesion is under ``ratio`` times the median group's, loosest first (at least 3 groups).

    Parameters
    ----------
    sizes : mapping of int to int
        Group id -> rows.
    cohesions : mapping of int to float
        Group id -> cohesion (:func:`cohesion`).
    ratio : float, default=LOOSE_RATIO
        How far under the median a group's cohesion must be.

    Returns
    -------
    list of int
        Their ids, loosest first.
    """
    ids = [c for c in sizes if c in cohesions and sizes[c] >= 2]
    if len(ids) < 3:  # with two groups there is no "the others" to compare with
        return []
    median = float(np.median([cohesions[c] for c in ids]))
    return sorted((c for c in ids if cohesions[c] < ratio * median), key=lambda c: (cohesions[c], c))


def smaller_size(min_cluster_size: int) -> int:
    """The smallest group to suggest instead of ``min_cluster_size``: 60 % of it, at least 2 (a step that
    changes what HDBSCAN finds; one row less seldom does)."""
    return max(2, round(min_cluster_size * 0.6))


def advise(state: FittedState) -> list[str]:
    """Advice for this run: what to try when a few groups hold most rows or a group is loose.

    Parameters
    ----------
    state : flaucluster.state.FittedState
        A fitted run (``model.state_``), edits included.

    Returns
    -------
    list of str
        One sentence per finding, with the options to try (``--min-cluster-size N``, ``--n-clusters ~N``) and
        numbers from this run; [] when the groups look sound.
    """
    ok = state.usable
    labels = np.where(ok, state.labels, OUTLIER)
    grouped = labels != OUTLIER
    if not grouped.any() or len(state.embeddings) != len(labels):
        return []
    ids, counts = np.unique(labels[grouped], return_counts=True)
    method = state.clustering.get("method")
    size = state.clustering.get("min_cluster_size_used", state.clustering.get("min_cluster_size"))
    shape = RunShape(
        sizes={int(c): int(n) for c, n in zip(ids, counts)},
        cohesion=cohesion(state.embeddings[grouped], labels[grouped]),
        min_cluster_size=int(size) if method == "hdbscan" and size is not None else None,
        names=state.names(),
    )
    return shape_advice(shape, usable_rows=int(ok.sum()))


def shape_advice(shape: RunShape, *, usable_rows: int) -> list[str]:
    """The sentences of :func:`advise` from a run's shape (sizes, cohesion, smallest group allowed).

    Parameters
    ----------
    shape : RunShape
        The run's groups.
    usable_rows : int
        The rows that could be grouped (grouped or not).

    Returns
    -------
    list of str
        As :func:`advise`.
    """
    out: list[str] = []
    sizes, k = shape.sizes, len(shape.sizes)
    grouped = sum(sizes.values())
    top = dominant_groups(sizes)
    if not top and 0 < k < FEW_GROUPS and usable_rows >= FEW_ROWS:
        top = sorted(sizes, key=lambda c: (-sizes[c], c))  # too few groups: every one of them is "most"
    if top:
        held = sum(sizes[c] for c in top)
        rest = [sizes[c] for c in sizes if c not in top]
        # split the largest groups into groups of the size the others have; with none, sqrt(n / 2) groups
        if rest:
            target = max(k + 1, k - len(top) + math.ceil(held / max(float(np.median(rest)), 2.0)))
        else:
            target = max(k + 1, round(math.sqrt(grouped / 2)))
        tries = [f"--n-clusters ~{target}"]
        if shape.min_cluster_size is not None and shape.min_cluster_size > 2:
            tries.insert(0, f"--min-cluster-size {smaller_size(shape.min_cluster_size)} (now {shape.min_cluster_size})")
        if rest:
            which = "the largest group holds" if len(top) == 1 else f"the {len(top)} largest groups hold"
            found = f"{which} {held} of the {grouped} grouped rows ({held / grouped:.0%}; {k} groups in all)"
            out.append(f"A few groups hold most of the file: {found}. To split them, try {' or '.join(tries)}.")
        else:  # a file of two or three topics looks the same: the advice says when to follow it
            found = f"only {k} group{'s' if k != 1 else ''} for {usable_rows} usable rows ({grouped} grouped)"
            out.append(
                f"A few groups hold the whole file: {found}. If it has more topics than that, try {' or '.join(tries)}."
            )
    loose = [c for c in loose_groups(sizes, shape.cohesion) if c not in top][:MAX_LOOSE]
    if loose:
        median_coh = float(np.median([shape.cohesion[c] for c in sizes if c in shape.cohesion]))
        median_size = float(np.median(list(sizes.values())))
        for c in loose:
            parts = max(2, round(sizes[c] / max(median_size, 1.0)))
            name = shape.names.get(c, "")
            tries = [f"--n-clusters ~{k + parts - 1}"]
            if shape.min_cluster_size is not None and shape.min_cluster_size > 2:
                tries.insert(
                    0, f"--min-cluster-size {smaller_size(shape.min_cluster_size)} (now {shape.min_cluster_size})"
                )
            out.append(
                f"Group {c}{f' ({name})' if name else ''}, {sizes[c]} rows, is loose: its rows are at a mean "
                f"cosine of {shape.cohesion[c]:.2f} from its centre, against {median_coh:.2f} for the median "
                f"group, so it likely holds unrelated rows (about {parts} kinds). Try {' or '.join(tries)}, or "
                f'split it alone (an edit {{"op": "split", "cluster": {c}, "k": {parts}}}, '
                "flaucluster edit)."
            )
    return out
