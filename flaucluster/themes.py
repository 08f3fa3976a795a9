"""Guided analysis, first half: filing rows under a list of themes the user is given (a regional
catalogue's domains, the Formacode, ROME families, an offer tree), and telling what fits none.

Vectors in, matches out; nothing here clusters, reads rows or writes reports. The flow:
:func:`read_themes` (a file or a Python list, checked) -> :func:`theme_texts` (what each theme's vector
is made of) -> :func:`match` (scores, the calibrated threshold, the matched rows) -> :func:`theme_table`.

A theme's vector is the mean of its label's, its label's parts' ("Banque, assurance, immobilier":
each field on its own), its description's and its keywords' vectors. Matching then adapts each theme
to the rows it draws surely (twice, halfway toward their mean direction: a title alone is a thin
description of a field) and scores each row together with its nearest neighbours (a row's context says
more than its few words). "Surely": with calibrated thresholds, the rows that pass the theme's
test (below); with a threshold given (``-1`` files every row), the half of the rows it draws whose margin
over their second best theme is widest (:func:`confident_rows`). A theme re-centred on every row it draws,
the ambiguous ones too, drifts toward the middle of everything (benchmarks/results/themes.md measures both). Rows whose score is under the threshold match no theme: they are clustered into new groups.

Each theme's threshold, unless one is given for all, comes from the rows themselves, as a one-sided test
against "this theme is not the row's": the scores the theme gets from the rows it does not draw (found
in three rounds, starting from every row) show what an unrelated row scores with it; a row is filed
under its best theme when its score is :data:`NULL_Z` robust standard deviations (1.4826 x MAD) above
their median, a 1 % test were they normal. Per theme, because themes differ in how close they are to
everything ("Cuisine" to any course text). A 1 % test on each of n rows lets about n / 100 unrelated
rows through by chance, so a theme keeps its rows only when it draws significantly more than that
(one-sided binomial test, p < :data:`THEME_ALPHA`); otherwise it is listed as having no row. The
thresholds and each theme's p-value are reported with the results.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator

from .errors import ConfigError, InputError
from .french import fold_key, unshout
from .rows import cell_text, examples, is_missing
from .search import knn
from .stability import Stability

__all__ = ["Themes", "read_themes"]

logger = logging.getLogger(__name__)

THEME_COLUMNS = ("id", "label", "description", "keywords")
TABLE_COLUMNS = ["theme_id", "theme_label", "threshold", "cluster", "count", "share", "mean_score"]
TABLE_COLUMNS += ["representatives", "weakest"]
NO_THEME = -1
ADAPT_STEPS = 2  # each: theme <- theme + ADAPT_WEIGHT x mean direction of the rows it draws
ADAPT_WEIGHT = 0.5
CONFIDENT_SHARE = 0.5  # threshold given: a theme is re-centred on the half of its rows surest of it
NULL_Z = 2.326  # a one-sided 1 % test, were the scores of unrelated rows normal
THEME_ALPHA = 0.001  # a theme must draw clearly more rows than chance would
NULL_MIN_ROWS = 5  # fewer rows outside a theme: its null is every row's score
NULL_ROUNDS = 3
CONTEXT_NEIGHBOURS = 10  # a row is scored with the mean of itself and its neighbours, half each
_PARTS = re.compile(r"\s*(?:[,;:/()|]|\bet\b|\bou\b)\s*")


@dataclass
class ThemeMatch:
    """Where each row goes: its best theme and score (every usable row), and whether it is matched."""

    best: np.ndarray  # index of the best theme per row; NO_THEME for unusable rows
    score: np.ndarray  # the row's score for that theme; NaN for unusable rows
    matched: np.ndarray  # bool: score >= its theme's threshold
    threshold: np.ndarray  # one per theme
    calibration: dict[str, Any]  # how the threshold was chosen, for the report
    vectors: np.ndarray  # the themes' vectors after adapting to the rows (what the scores use)
    neighbours: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))


# ---------------------------------------------------------------------------- reading
class Themes(BaseEstimator):
    """A given list of themes to file rows under: a component of :class:`~flaucluster.model.TopicModel`
    (its ``themes=``).

    Parameters
    ----------
    source : str, os.PathLike, pandas.DataFrame, list or dict
        The themes, in any form :func:`read_themes` takes: a file or a frame ``id, label[, description,
        keywords]``, a list of labels.
    threshold : float or None, default=None
        The cosine score, from -1 to 1, a row must reach to be filed under a theme; None calibrates one
        threshold per theme from the rows.
    mode : {"assign", "seed"}, default="assign"
        ``"assign"`` files the matched rows under their themes and clusters the others; ``"seed"`` clusters
        every row, the matched ones pulled toward their theme, and lets themes attract clusters (:func:`attract`).
    """

    def __init__(self, source: Any, *, threshold: float | None = None, mode: Literal["assign", "seed"] = "assign"):
        self.source = source
        self.threshold = threshold
        self.mode = mode

    def read(self) -> pd.DataFrame:
        """The themes, read and checked (:func:`read_themes`), after the threshold and mode are checked.

        Returns
        -------
        pandas.DataFrame
            ``id, label, description, keywords``, one row per theme.

        Raises
        ------
        flaucluster.errors.ConfigError
            For a threshold outside -1..1 or an unknown mode.
        flaucluster.errors.InputError
            For themes that cannot be read.
        """
        if self.threshold is not None and not (
            isinstance(self.threshold, (int, float))
            and not isinstance(self.threshold, bool)
            and -1 <= self.threshold <= 1
        ):
            raise ConfigError(
                f"theme_threshold={self.threshold!r} (Themes(threshold=...), --theme-threshold): give a cosine score "
                "from -1 to 1, or None to have it calibrated from the rows."
            )
        if self.mode not in ("assign", "seed"):
            raise ConfigError(f"theme_mode={self.mode!r} (Themes(mode=...), --theme-mode): choose 'assign' or 'seed'.")
        return read_themes(self.source)


def read_themes(source: Any, *, option: str = "--themes") -> pd.DataFrame:
    """Read and check a list of themes.

    Column names are matched with case and surrounding spaces aside; cells are read as text, stripped.
    Blank rows are left out (and logged). A theme without an id or a label, and two themes with the same
    id or the same label, are one-line errors naming the rows (counted from the header, line 1). Two ids or
    labels are the same when they print the same (:func:`printed`: a no-break space, a zero-width space or
    a double space make no other label), and labels with accents and case aside too; each label is kept as
    written.

    Parameters
    ----------
    source : str, os.PathLike, pandas.DataFrame, list or mapping
        The themes: a CSV/XLSX/... file (columns ``id``, ``label``, optional ``description`` and
        ``keywords``; keywords separated by ``,`` ``;`` or ``|``), a DataFrame with those columns, a list
        of labels (ids ``"1"``, ``"2"``, ...), a list of dicts with those keys, or an ``{id: label}``
        mapping.
    option : str, default "--themes"
        The option named in the error messages about a themes file.

    Returns
    -------
    pandas.DataFrame
        One row per theme, in the given order, with the columns ``id``, ``label``, ``description`` (all
        text, ``""`` when absent) and ``keywords`` (a list of strings).

    Raises
    ------
    ConfigError
        If ``source`` is none of the accepted kinds.
    InputError
        If there is no ``id`` or ``label`` column, no theme, a theme without an id or a label (one that
        prints nothing), or two themes with the same id or label.

    See Also
    --------
    flaucluster.model.TopicModel.map_themes : The themes matched to a fitted model's rows.

    Examples
    --------
    >>> read_themes(["Comptabilité", "Langues étrangères"])[["id", "label"]]
      id               label
    0  1        Comptabilité
    1  2  Langues étrangères
    """
    name = str(source) if isinstance(source, (str, os.PathLike)) else "themes"
    if isinstance(source, (str, os.PathLike)):
        from .io import read_table

        path = Path(source)
        frame = read_table(path, columns=("id", "label"))
        name = f"{option} {path}"
    elif isinstance(source, pd.DataFrame):
        frame = source
    elif isinstance(source, Mapping):
        frame = pd.DataFrame({"id": list(source.keys()), "label": list(source.values())})
    elif isinstance(source, Sequence) and all(isinstance(s, str) for s in source):
        frame = pd.DataFrame({"id": [str(i + 1) for i in range(len(source))], "label": list(source)})
    elif isinstance(source, Sequence) and all(isinstance(s, Mapping) for s in source):
        frame = pd.DataFrame(list(source))
    else:
        raise ConfigError(
            f"themes={type(source).__name__}: give a file, a DataFrame (id, label[, description, keywords]), "
            "a list of labels, a list of dicts or an {id: label} mapping."
        )
    columns = {str(c).strip().casefold(): c for c in frame.columns}
    missing = [c for c in ("id", "label") if c not in columns]
    if missing:
        shown = examples([repr(str(c)) for c in frame.columns])
        raise InputError(
            f"{name}: no {' and no '.join(repr(m) for m in missing)} column (found {shown or 'none'}). "
            "A themes file has the columns id, label and optionally description and keywords."
        )
    if not len(frame):
        raise InputError(f"{name}: no theme in it; give at least one row (id, label).")

    def column(key: str) -> list[str]:
        if key not in columns:
            return [""] * len(frame)
        return ["" if is_missing(v) else cell_text(v).strip() for v in frame[columns[key]].tolist()]

    cells = {key: column(key) for key in ("id", "label", "description", "keywords")}
    # a blank line is no theme: said, and left out of the list; lines count from the header, line 1
    lines = [i + 2 for i in range(len(frame)) if any(cells[k][i] for k in cells)]
    if len(lines) < len(frame):
        logger.info("%s: %d empty rows are not themes.", name, len(frame) - len(lines))
    if not lines:
        raise InputError(f"{name}: no theme in it; give at least one row (id, label).")
    ids, labels = [cells["id"][i - 2] for i in lines], [cells["label"][i - 2] for i in lines]
    out = pd.DataFrame(
        {
            "id": ids,
            "label": labels,
            "description": [cells["description"][i - 2] for i in lines],
            "keywords": [[k.strip() for k in re.split(r"[,;|]", cells["keywords"][i - 2]) if k.strip()] for i in lines],
        }
    )
    for key, values in (("id", ids), ("label", labels)):
        keys = [printed(v) for v in values]
        blank = [line for line, k in zip(lines, keys) if not k]  # the header is line 1
        if blank:
            raise InputError(f"{name}: rows {examples(blank)} have no {key}; every theme needs an id and a label.")
        seen: dict[str, int] = {}
        for i, (v, k) in enumerate(zip(values, keys)):
            if key == "label":
                k = fold_key(k.casefold())
            if k in seen:
                first = values[seen[k]]
                alike = (
                    f" {v!r}"
                    if first == v
                    else f" once spaces, invisible characters, accents and case are set aside ({first!r} and {v!r})"
                )
                raise InputError(
                    f"{name}: rows {lines[seen[k]]} and {lines[i]} have the same {key}{alike}; "
                    "merge them or tell them apart."
                )
            seen[k] = i
    return out


def printed(text: str) -> str:
    """How a label or an id prints, to compare two of them: NFC, without invisible characters (format
    characters such as a zero-width space or a BOM, and controls other than spaces), any run of spaces (a
    no-break space, a tab) one space. The label itself is kept as written."""
    text = unicodedata.normalize("NFC", text)
    shown = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc") or c.isspace())
    return " ".join(shown.split())


def theme_texts(themes: pd.DataFrame) -> list[list[str]]:
    """What each theme's vector is the mean of: its label (in lower case if typed in capitals), the
    label's parts when it lists several fields, its description, and each keyword."""
    out = []
    for label, description, keywords in zip(themes["label"], themes["description"], themes["keywords"]):
        label = unshout(label)
        parts = [p for p in _PARTS.split(label) if len(p) > 2 and p != label]
        pieces = [label, *parts]
        out.append(pieces + ([unshout(description)] if description else []) + [unshout(k) for k in keywords])
    return out


def theme_vectors(themes: pd.DataFrame, embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Unit vector of each theme: the label's vector, plus the mean of its parts', plus the description's,
    plus the mean of the keywords' (each of these counts once, however many pieces it has)."""
    texts = theme_texts(themes)
    flat = [t for pieces in texts for t in pieces]
    vectors = _unit(np.asarray(embed(flat), dtype=np.float32))
    out, at = [], 0
    for description, keywords, pieces in zip(themes["description"], themes["keywords"], texts):
        block = vectors[at : at + len(pieces)]
        at += len(pieces)
        n_parts = len(pieces) - 1 - bool(description) - len(keywords)
        groups = [block[:1], block[1 : 1 + n_parts]]
        groups += [block[1 + n_parts : 2 + n_parts]] if description else []
        groups += [block[len(pieces) - len(keywords) :]] if keywords else []
        out.append(sum(g.mean(0) for g in groups if len(g)))
    return _unit(np.asarray(out, dtype=np.float32))


# ---------------------------------------------------------------------------- matching
def context(vectors: np.ndarray, neighbours: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The vector of each of ``rows`` (default: all) averaged, half and half, with the mean of its
    neighbours' (``neighbours``: row indices, -1 for none)."""
    rows = np.arange(len(vectors)) if rows is None else np.asarray(rows)
    out = vectors[rows].astype(np.float32, copy=True)
    near = neighbours[rows]
    has = near.shape[1] > 0 and (near >= 0).all(axis=1)
    if np.any(has):
        out[has] = 0.5 * out[has] + 0.5 * vectors[near[has]].mean(axis=1)
    return out


def neighbours_of(vectors: np.ndarray, usable: np.ndarray, k: int = CONTEXT_NEIGHBOURS) -> np.ndarray:
    """The ``k`` nearest usable rows of each usable row (itself excluded); -1 rows elsewhere."""
    rows = np.flatnonzero(usable)
    k = min(k, len(rows) - 1)
    out = np.full((len(vectors), max(k, 0)), -1, dtype=np.int32)
    if k < 1:
        return out
    idx, _ = knn(vectors[rows], vectors[rows], k + 1)
    for r, row_idx in enumerate(idx):
        others = [i for i in row_idx if i != r][:k]  # a row is its own nearest, except among duplicates
        out[rows[r]] = rows[others]
    return out


def margins(scores: np.ndarray) -> np.ndarray:
    """Each row's margin (rows x themes scores): its best score less its second best (0 with one theme)."""
    if scores.shape[1] < 2:
        return np.zeros(len(scores), dtype=scores.dtype)
    top = np.partition(scores, -2, axis=1)[:, -2:]
    return top[:, 1] - top[:, 0]


def confident_rows(scores: np.ndarray, drawn: np.ndarray, share: float = CONFIDENT_SHARE) -> np.ndarray:
    """Of the ``drawn`` rows (bool), those whose margin (:func:`margins`) is in the top ``share`` of the drawn
    rows' margins: the rows that tell their theme from the next one most clearly."""
    margin = margins(scores)
    if not drawn.any() or share >= 1:
        return drawn.copy()
    return drawn & (margin >= np.quantile(margin[drawn], 1 - share))


def adapt(
    vectors: np.ndarray, themes: np.ndarray, threshold: float | None = None, share: float = CONFIDENT_SHARE
) -> np.ndarray:
    """The theme vectors moved toward the rows they draw surely (:data:`ADAPT_STEPS` times): each theme starts
    from its own vector again and moves :data:`ADAPT_WEIGHT` toward the mean direction of the rows whose best
    theme it is and that it is sure of. Calibrated (``threshold`` None): the rows that pass its test
    (:func:`calibrate`), sure already. With a threshold given (-1 files every row): of the rows that reach
    it, those whose margin over the second theme is in the top ``share`` (:func:`confident_rows`; 1: all of
    them). A theme re-centred on its ambiguous rows too drifts toward the middle of everything."""
    out = themes
    for _ in range(ADAPT_STEPS):
        scores = vectors @ out.T
        best = np.argmax(scores, axis=1)
        limit = calibrate(scores)[0] if threshold is None else np.full(len(themes), threshold)
        drawn = scores[np.arange(len(best)), best] >= limit[best]
        if threshold is not None:
            drawn = confident_rows(scores, drawn, share)
        moved = themes.astype(np.float64, copy=True)
        for j in np.unique(best[drawn]):
            moved[j] += ADAPT_WEIGHT * _unit(vectors[drawn & (best == j)].mean(axis=0, keepdims=True))[0]
        out = _unit(moved.astype(np.float32))
    return out


def calibrate(scores: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """Each theme's threshold from the rows' scores (rows x themes): median + :data:`NULL_Z` x 1.4826 x MAD
    of the scores it gets from the rows it does not draw (those whose best theme it is and which pass its
    threshold: :data:`NULL_ROUNDS` rounds, starting from every row)."""
    out = np.zeros(scores.shape[1], dtype=np.float64)
    if not len(scores):
        return out, {"rule": "no usable row"}
    best = np.argmax(scores, axis=1)
    members = np.zeros(scores.shape, dtype=bool)
    for _ in range(NULL_ROUNDS):  # the null leaves out the rows the theme currently draws
        for j in range(scores.shape[1]):
            null = scores[~members[:, j], j]
            null = null if len(null) >= NULL_MIN_ROWS else scores[:, j]
            median = float(np.median(null))
            out[j] = median + NULL_Z * 1.4826 * float(np.median(np.abs(null - median)))
        members = (best[:, None] == np.arange(scores.shape[1])) & (scores >= out)
    return out, {
        "rule": f"per theme: median + {NULL_Z} robust standard deviations of the scores it gets from the rows it "
        "does not draw (a one-sided 1% test against an unrelated row)"
    }


def match(vectors: np.ndarray, usable: np.ndarray, themes: np.ndarray, threshold: float | None = None) -> ThemeMatch:
    """Score every usable row against every theme (adapted to the rows, each row with its context) and
    keep as matched the rows whose best score reaches ``threshold`` (None: :func:`calibrate`)."""
    n = len(vectors)
    best = np.full(n, NO_THEME, dtype=int)
    score = np.full(n, np.nan, dtype=np.float32)
    neighbours = neighbours_of(vectors, usable)
    rows = np.flatnonzero(usable)
    if not len(rows):  # no usable row: every theme is listed, none drew a row
        limits = np.full(len(themes), np.nan if threshold is None else float(threshold))
        calibration = {"rule": "no usable row", "matched_rows": 0, "usable_rows": 0}
        return ThemeMatch(best, score, np.zeros(n, dtype=bool), limits, calibration, themes, neighbours)
    ctx = context(vectors, neighbours, rows)
    adapted = adapt(ctx, themes, threshold) if len(rows) else themes
    scores = ctx @ adapted.T
    if threshold is None:
        limits, calibration = calibrate(scores)
    else:
        limits, calibration = np.full(len(themes), float(threshold)), {"rule": "given", "value": float(threshold)}
    if len(rows):
        best[rows] = np.argmax(scores, axis=1)
        score[rows] = scores[np.arange(len(rows)), best[rows]]
    matched = usable & (np.nan_to_num(score, nan=-np.inf) >= limits[np.maximum(best, 0)])
    if threshold is None:  # a theme must draw more rows than the per-row test lets through by chance
        chance = float(stats.norm.sf(NULL_Z))
        drawn = np.bincount(best[matched], minlength=len(themes))
        p_values = stats.binom.sf(drawn - 1, len(rows), chance)
        empty = (p_values >= THEME_ALPHA) & (drawn > 0)
        matched &= ~np.isin(best, np.flatnonzero(empty))
        calibration["theme_p_values"] = [float(f"{p:.3g}") for p in p_values]
        calibration["chance_rows"] = round(chance * len(rows), 1)
        calibration["themes_left_empty"] = np.flatnonzero(empty).tolist()
    calibration["matched_rows"] = int(matched.sum())
    calibration["usable_rows"] = int(usable.sum())
    return ThemeMatch(best, score, matched, limits, calibration, adapted, neighbours)


def match_themes(
    themes: pd.DataFrame,
    vectors: np.ndarray,
    usable: np.ndarray,
    embed: Callable[[list[str]], np.ndarray],
    threshold: float | None = None,
) -> ThemeMatch:
    """Every usable row scored against the ``themes`` (embedded with ``embed``, the rows' encoder): :func:`match`,
    and a line in the log of what was filed."""
    found = match(vectors, usable, theme_vectors(themes, embed), threshold)
    logger.info(
        "themes: %d of %d usable rows filed under %d themes (thresholds %.3f to %.3f, %s)",
        int(found.matched.sum()),
        int(usable.sum()),
        len(set(found.best[found.matched].tolist())),
        found.threshold.min(),
        found.threshold.max(),
        found.calibration["rule"].split(":")[0],
    )
    return found


def scores_for(vectors: np.ndarray, neighbours: np.ndarray, themes: np.ndarray, rows: np.ndarray, theme: np.ndarray):
    """Score of each of ``rows`` for its ``theme`` (an index each), as :func:`match` computes it."""
    if not len(rows):
        return np.zeros(0, dtype=np.float32)
    ctx = context(vectors, neighbours, rows)
    return np.einsum("ij,ij->i", ctx, themes[theme]).astype(np.float32)


@dataclass
class ThemeFit:
    """What a fitted model keeps of its themes: the themes, their adapted vectors, each row's
    neighbours (so any row's score for any theme can be computed again), the threshold, and which
    cluster holds which theme's rows."""

    themes: pd.DataFrame  # read_themes' frame
    vectors: np.ndarray
    neighbours: np.ndarray
    threshold: np.ndarray  # one per theme
    calibration: dict[str, Any]
    cluster_theme: dict[int, int]  # cluster id -> theme index (row of ``themes``)

    def records(self) -> list[dict[str, Any]]:
        return records(self.themes)

    def names(self) -> dict[int, str]:
        """cluster id -> the label of the theme it holds (clusters filed under a theme only)."""
        labels = self.themes["label"].tolist()
        return {c: labels[t] for c, t in self.cluster_theme.items()}


def records(themes: pd.DataFrame) -> list[dict[str, Any]]:
    """The themes of :func:`read_themes`' frame as plain records (what a saved model keeps)."""
    return [
        {"id": i, "label": lab, "description": d, "keywords": list(k)}
        for i, lab, d, k in themes[["id", "label", "description", "keywords"]].itertuples(index=False)
    ]


@dataclass
class Filed:
    """Every row's cluster once the matched rows are filed under their themes (:func:`file_rows`)."""

    labels: np.ndarray
    probabilities: np.ndarray
    fit: ThemeFit
    renamed: dict[int, int]  # the clustering's id -> its id among the themes' clusters
    details: dict[str, Any]


def file_rows(
    found: ThemeMatch, themes: pd.DataFrame, mode: str, labels: np.ndarray, probabilities: np.ndarray
) -> Filed:
    """Theme clusters first (one per theme that drew rows), then the new groups of the other rows. Assign mode
    (:func:`combine`): a theme row's probability is its theme score (clipped to 0..1); seed mode
    (:func:`attract`): clusters join their theme."""
    if mode == "assign":
        out, cluster_theme, renamed = combine(found, labels)
        probabilities = np.where(found.matched, np.clip(np.nan_to_num(found.score), 0, 1), probabilities)
        probabilities = probabilities.astype(np.float32)
    else:
        out, cluster_theme, renamed = attract(found, labels)
    fit = ThemeFit(themes, found.vectors, found.neighbours, found.threshold, found.calibration, cluster_theme)
    details = {
        "thresholds": [round(float(t), 4) for t in found.threshold],
        "calibration": found.calibration,
        "themes": len(themes),
        "mode": mode,
        "themes_with_rows": len(cluster_theme),
        "matched_rows": int(found.matched.sum()),
    }
    return Filed(out, probabilities, fit, renamed, details)


def restate_stability(found: Stability | None, renamed: dict[int, int], clustered: np.ndarray) -> Stability | None:
    """The clustering's stability in the filed ids: a theme row's confidence is unknown (NaN), and so is the
    stability of clusters merged into one (no single seed run's). ``clustered``: which usable rows were clustered."""
    if found is None:
        return None
    conf = np.full(len(clustered), np.nan, dtype=np.float32)
    conf[clustered] = found.row_confidence
    merged = {n for n in renamed.values() if list(renamed.values()).count(n) > 1}
    return replace(
        found,
        cluster_stability={renamed[c]: v for c, v in found.cluster_stability.items() if renamed[c] not in merged},
        unstable=[renamed[c] for c in found.unstable if renamed[c] not in merged],
        row_confidence=conf,
    )


def combine(found: ThemeMatch, labels: np.ndarray) -> tuple[np.ndarray, dict[int, int], dict[int, int]]:
    """Labels for every row: one cluster per theme that drew rows (ids from 0, in the themes' order),
    then the new groups found among the unmatched rows (``labels``, shifted after them); the map
    cluster id -> theme index; and old cluster id -> new id."""
    used = sorted(set(found.best[found.matched].tolist()))
    cluster_of = {t: c for c, t in enumerate(used)}
    out = np.where(labels == NO_THEME, labels, labels + len(used))
    out[found.matched] = [cluster_of[int(t)] for t in found.best[found.matched]]
    shifted = {int(c): int(c) + len(used) for c in set(labels.tolist()) - {NO_THEME}}
    return out, {c: t for t, c in cluster_of.items()}, shifted


SEED_SHARE = 0.5  # seed mode: a cluster joins the theme that draws at least this share of its rows


def seeded(vectors: np.ndarray, found: ThemeMatch) -> np.ndarray:
    """Vectors to cluster in seed mode: each matched row halfway toward its theme (as BERTopic's seeded
    topics average a document with its seed topic), the others as they are."""
    out = vectors.copy()
    rows = np.flatnonzero(found.matched)
    out[rows] = _unit(vectors[rows] + found.vectors[found.best[rows]])
    return out


def attract(found: ThemeMatch, labels: np.ndarray) -> tuple[np.ndarray, dict[int, int], dict[int, int]]:
    """Seed mode: each cluster most of whose rows (:data:`SEED_SHARE`) a theme draws joins that theme, the
    clusters of one theme merged into one. Returns (labels: theme clusters first, in the themes' order, then
    the others by their old order; cluster id -> theme index; old cluster id -> new id)."""
    joins: dict[int, int] = {}
    for c in sorted(set(labels.tolist()) - {NO_THEME}):
        rows = labels == c
        drawn = found.best[rows & found.matched]
        if len(drawn):
            theme, n = np.unique(drawn, return_counts=True)
            if n.max() >= SEED_SHARE * rows.sum():
                joins[c] = int(theme[np.argmax(n)])
    used = sorted(set(joins.values()))
    others = [c for c in sorted(set(labels.tolist()) - {NO_THEME}) if c not in joins]
    new_id = {c: used.index(t) for c, t in joins.items()} | {c: len(used) + k for k, c in enumerate(others)}
    out = np.array([new_id.get(int(c), NO_THEME) for c in labels], dtype=int)
    return out, dict(enumerate(used)), new_id


def row_themes(fit: ThemeFit, vectors: np.ndarray, labels: np.ndarray, usable: np.ndarray) -> pd.DataFrame:
    """``theme_id, theme_label, theme_score`` of every row: those of its cluster's theme, empty (NaN score)
    for rows in a new group, outside any group or unusable; and ``theme_nearest, theme_nearest_score``: the
    theme each usable row scores best with, filed under it or not (the near misses, for checking)."""
    theme = np.array([fit.cluster_theme.get(int(c), NO_THEME) for c in labels], dtype=int)
    rows = np.flatnonzero(theme != NO_THEME)
    score = np.full(len(labels), np.nan, dtype=np.float32)
    score[rows] = scores_for(vectors, fit.neighbours, fit.vectors, rows, theme[rows])
    near, near_score = np.full(len(labels), NO_THEME), np.full(len(labels), np.nan, dtype=np.float32)
    ok = np.flatnonzero(usable)
    if len(ok):
        all_scores = context(vectors, fit.neighbours, ok) @ fit.vectors.T
        near[ok] = np.argmax(all_scores, axis=1)
        near_score[ok] = all_scores[np.arange(len(ok)), near[ok]]
    ids, names = fit.themes["id"].tolist(), fit.themes["label"].tolist()
    return pd.DataFrame(
        {
            "theme_id": [ids[t] if t != NO_THEME else "" for t in theme],
            "theme_label": [names[t] if t != NO_THEME else "" for t in theme],
            "theme_score": np.round(score, 4),
            "theme_nearest": [ids[t] if t != NO_THEME else "" for t in near],
            "theme_nearest_score": np.round(near_score, 4),
        }
    )


# ---------------------------------------------------------------------------- results
def theme_table(
    themes: pd.DataFrame,
    documents: pd.DataFrame,
    thresholds: Sequence[float] | np.ndarray,
    *,
    calibration: Mapping[str, Any] | None = None,
    n_examples: int = 3,
) -> pd.DataFrame:
    """One row per theme, in the file's order, those that received no row included: ``theme_id,
    theme_label, threshold, cluster, count, share, mean_score, representatives`` (best-scoring rows) and
    ``weakest`` (lowest-scoring matched rows, the first to check), and with a calibrated threshold
    ``p_value`` (the theme drew more rows than chance would: :func:`match`). ``documents``: document_info
    with the ``theme_id``, ``theme_score`` columns."""
    rows = []
    total = int((documents["theme_id"] != "").sum()) if len(documents) else 0
    for theme_id, label, limit in zip(themes["id"], themes["label"], thresholds):
        mine = documents[documents["theme_id"] == theme_id].sort_values("theme_score", ascending=False, kind="stable")
        clusters = sorted(set(mine["cluster"].tolist()))
        rows.append(
            {
                "theme_id": theme_id,
                "theme_label": label,
                "threshold": round(float(limit), 4),
                "cluster": clusters[0] if len(clusters) == 1 else (clusters or None),
                "count": len(mine),
                "share": round(len(mine) / total, 4) if total else 0.0,
                "mean_score": round(float(mine["theme_score"].mean()), 4) if len(mine) else None,
                "representatives": mine["text"].head(n_examples).tolist(),
                "weakest": mine["text"].tail(n_examples).iloc[::-1].tolist() if len(mine) > n_examples else [],
            }
        )
    out = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for name in ("cluster", "mean_score"):  # None stays None (no cluster, no score), not NaN
        out[name] = pd.Series([r[name] for r in rows], dtype=object)
    if calibration and "theme_p_values" in calibration:
        out["p_value"] = calibration["theme_p_values"]
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)).astype(np.float32)
