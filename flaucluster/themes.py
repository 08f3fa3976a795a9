"""Guided analysis, first half: filing rows under a list of themes the user is given (a regional
catalogue's domains, the Formacode, ROME families, an offer tree), and telling what fits none.

Vectors in, matches out; nothing here clusters, reads rows or writes reports. The flow:
:func:`read_themes` (a file or a Python list, checked) -> :func:`theme_texts` (what each theme's vector
is made of) -> :func:`match` (scores, the calibrated threshold, the matched rows) -> :func:`theme_table`.

A theme's vector is the mean of its label's, its label's parts' ("Banque, assurance, immobilier":
each field on its own), its description's and its keywords' vectors. Matching then adapts each theme
to the rows it draws (twice, halfway toward their mean direction: a title alone is a thin description of
a field) and scores each row together with its nearest neighbours (a row's context says more than its
few words). Rows whose score is under the threshold match no theme: they are clustered into new groups.

The threshold, unless given, comes from the rows themselves: a row is matched when its score for its
best theme stands out from its scores for the others, that is when it is above what the rows typically
score with a theme that is not theirs (the median over rows of their second-best score). The median
second-best is the score of a row "between" themes; above it, a row is nearer to one theme than the
typical row is to any other one.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError
from .french import fold_key, unshout
from .rows import cell_text, examples, is_missing
from .search import knn

logger = logging.getLogger(__name__)

THEME_COLUMNS = ("id", "label", "description", "keywords")
NO_THEME = -1
ADAPT_STEPS = 2  # each: theme <- theme + ADAPT_WEIGHT x mean direction of the rows it draws
ADAPT_WEIGHT = 0.5
CONTEXT_NEIGHBOURS = 10  # a row is scored with the mean of itself and its neighbours, half each
_PARTS = re.compile(r"\s*(?:[,;:/()|]|\bet\b|\bou\b)\s*")


@dataclass
class ThemeMatch:
    """Where each row goes: its best theme and score (every usable row), and whether it is matched."""

    best: np.ndarray  # index of the best theme per row; NO_THEME for unusable rows
    score: np.ndarray  # the row's score for that theme; NaN for unusable rows
    matched: np.ndarray  # bool: score >= threshold
    threshold: float
    calibration: dict[str, Any]  # how the threshold was chosen, for the report
    vectors: np.ndarray  # the themes' vectors after adapting to the rows (what the scores use)
    neighbours: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))


# ---------------------------------------------------------------------------- reading
def read_themes(source: Any, *, option: str = "--themes") -> pd.DataFrame:
    """The themes as a frame ``id, label, description, keywords`` (keywords a list), checked.

    ``source``: a CSV/XLSX/... file (columns ``id``, ``label``, optional ``description`` and
    ``keywords``; keywords separated by ``,`` ``;`` or ``|``), a DataFrame with those columns, a list of
    labels, a list of dicts, or a ``{id: label}`` mapping. A theme without a label, two themes with the
    same id or the same label (accents and case aside) are one-line errors naming the rows."""
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

    ids, labels = column("id"), column("label")
    out = pd.DataFrame(
        {
            "id": ids,
            "label": labels,
            "description": column("description"),
            "keywords": [[k.strip() for k in re.split(r"[,;|]", v) if k.strip()] for v in column("keywords")],
        }
    )
    for key, values in (("id", ids), ("label", labels)):
        blank = [i + 2 for i, v in enumerate(values) if not v]  # + 2: the header is line 1
        if blank:
            raise InputError(f"{name}: rows {examples(blank)} have no {key}; every theme needs an id and a label.")
        seen: dict[str, int] = {}
        for i, v in enumerate(values):
            k = fold_key(v.casefold()) if key == "label" else v
            if k in seen:
                raise InputError(
                    f"{name}: rows {seen[k] + 2} and {i + 2} have the same {key} {v!r}"
                    + (" (accents and case aside)" if key == "label" else "")
                    + "; merge them or tell them apart."
                )
            seen[k] = i
    return out


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
def context(vectors: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """Each row's vector averaged, half and half, with the mean of its neighbours' (``neighbours``: row
    indices, -1 for none)."""
    out = vectors.astype(np.float32, copy=True)
    has = neighbours.shape[1] > 0 and (neighbours >= 0).all(axis=1)
    if has.any():
        out[has] = 0.5 * vectors[has] + 0.5 * vectors[neighbours[has]].mean(axis=1)
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


def adapt(vectors: np.ndarray, themes: np.ndarray) -> np.ndarray:
    """The theme vectors moved toward the rows they draw (:data:`ADAPT_STEPS` times)."""
    out = themes
    for _ in range(ADAPT_STEPS):
        best = np.argmax(vectors @ out.T, axis=1)
        moved = themes.astype(np.float64, copy=True)
        for j in np.unique(best):
            moved[j] += ADAPT_WEIGHT * _unit(vectors[best == j].mean(axis=0, keepdims=True))[0]
        out = _unit(moved.astype(np.float32))
    return out


def calibrate(scores: np.ndarray) -> tuple[float, dict[str, Any]]:
    """The threshold from the rows' scores (rows x themes): the median of every row's second-best score
    (with one theme: the 10th percentile of the scores)."""
    if scores.shape[1] < 2:
        value = float(np.quantile(scores[:, 0], 0.10)) if len(scores) else 0.0
        return value, {"rule": "10th percentile of the scores (one theme only)", "value": round(value, 4)}
    second = np.sort(scores, axis=1)[:, -2]
    value = float(np.median(second)) if len(second) else 0.0
    return value, {
        "rule": "median of the rows' second-best theme scores: a matched row is nearer to its theme than "
        "the typical row is to a theme that is not its own",
        "value": round(value, 4),
    }


def match(vectors: np.ndarray, usable: np.ndarray, themes: np.ndarray, threshold: float | None = None) -> ThemeMatch:
    """Score every usable row against every theme (adapted to the rows, each row with its context) and
    keep as matched the rows whose best score reaches ``threshold`` (None: :func:`calibrate`)."""
    n = len(vectors)
    best = np.full(n, NO_THEME, dtype=int)
    score = np.full(n, np.nan, dtype=np.float32)
    neighbours = neighbours_of(vectors, usable)
    rows = np.flatnonzero(usable)
    adapted = adapt(vectors[rows], themes) if len(rows) else themes
    scores = context(vectors, neighbours)[rows] @ adapted.T
    if threshold is None:
        threshold, calibration = calibrate(scores)
    else:
        calibration = {"rule": "given", "value": float(threshold)}
    if len(rows):
        best[rows] = np.argmax(scores, axis=1)
        score[rows] = scores[np.arange(len(rows)), best[rows]]
    matched = usable & (np.nan_to_num(score, nan=-np.inf) >= threshold)
    calibration["matched_rows"] = int(matched.sum())
    calibration["usable_rows"] = int(usable.sum())
    return ThemeMatch(best, score, matched, float(threshold), calibration, adapted, neighbours)


def scores_for(vectors: np.ndarray, neighbours: np.ndarray, themes: np.ndarray, rows: np.ndarray, theme: np.ndarray):
    """Score of each of ``rows`` for its ``theme`` (an index each), as :func:`match` computes it."""
    if not len(rows):
        return np.zeros(0, dtype=np.float32)
    ctx = context(vectors, neighbours)[rows]
    return np.einsum("ij,ij->i", ctx, themes[theme]).astype(np.float32)


@dataclass
class ThemeFit:
    """What a fitted model keeps of its themes: the themes, their adapted vectors, each row's
    neighbours (so any row's score for any theme can be computed again), the threshold, and which
    cluster holds which theme's rows."""

    themes: pd.DataFrame  # read_themes' frame
    vectors: np.ndarray
    neighbours: np.ndarray
    threshold: float
    calibration: dict[str, Any]
    cluster_theme: dict[int, int]  # cluster id -> theme index (row of ``themes``)

    def records(self) -> list[dict[str, Any]]:
        return [
            {"id": i, "label": lab, "description": d, "keywords": list(k)}
            for i, lab, d, k in self.themes[["id", "label", "description", "keywords"]].itertuples(index=False)
        ]


def combine(found: ThemeMatch, labels: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Labels for every row: one cluster per theme that drew rows (ids from 0, in the themes' order),
    then the new groups found among the unmatched rows (``labels``, shifted after them); and the map
    cluster id -> theme index."""
    used = sorted(set(found.best[found.matched].tolist()))
    cluster_of = {t: c for c, t in enumerate(used)}
    out = np.where(labels == NO_THEME, labels, labels + len(used))
    out[found.matched] = [cluster_of[int(t)] for t in found.best[found.matched]]
    return out, {c: t for t, c in cluster_of.items()}


def row_themes(fit: ThemeFit, vectors: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """``theme_id, theme_label, theme_score`` of every row: those of its cluster's theme, empty (NaN score)
    for rows in a new group, outside any group or unusable."""
    theme = np.array([fit.cluster_theme.get(int(c), NO_THEME) for c in labels], dtype=int)
    rows = np.flatnonzero(theme != NO_THEME)
    score = np.full(len(labels), np.nan, dtype=np.float32)
    score[rows] = scores_for(vectors, fit.neighbours, fit.vectors, rows, theme[rows])
    ids, names = fit.themes["id"].tolist(), fit.themes["label"].tolist()
    return pd.DataFrame(
        {
            "theme_id": [ids[t] if t != NO_THEME else "" for t in theme],
            "theme_label": [names[t] if t != NO_THEME else "" for t in theme],
            "theme_score": np.round(score, 4),
        }
    )


# ---------------------------------------------------------------------------- results
def theme_table(
    themes: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    n_examples: int = 3,
) -> pd.DataFrame:
    """One row per theme, in the file's order, those that received no row included: ``theme_id,
    theme_label, cluster, count, share, mean_score, representatives`` (best-scoring rows) and
    ``weakest`` (lowest-scoring matched rows, the first to check). ``documents``: document_info with the
    ``theme_id``, ``theme_score`` columns."""
    rows = []
    total = int((documents["theme_id"] != "").sum()) if len(documents) else 0
    for theme_id, label in zip(themes["id"], themes["label"]):
        mine = documents[documents["theme_id"] == theme_id].sort_values("theme_score", ascending=False, kind="stable")
        clusters = sorted(set(mine["cluster"].tolist()))
        rows.append(
            {
                "theme_id": theme_id,
                "theme_label": label,
                "cluster": clusters[0] if len(clusters) == 1 else (clusters or None),
                "count": len(mine),
                "share": round(len(mine) / total, 4) if total else 0.0,
                "mean_score": round(float(mine["theme_score"].mean()), 4) if len(mine) else None,
                "representatives": mine["text"].head(n_examples).tolist(),
                "weakest": mine["text"].tail(n_examples).iloc[::-1].tolist() if len(mine) > n_examples else [],
            }
        )
    return pd.DataFrame(rows)


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)).astype(np.float32)
