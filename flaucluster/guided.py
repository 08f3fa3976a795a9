"""Guided analysis over a fitted state: the rows matched to a list of themes, clusters compared across the classes
of a column and over time (:mod:`flaucluster.themes`, :mod:`flaucluster.compare`).

Each function takes a :class:`~flaucluster.state.FittedState` (``model.state_``, a curation's or a loaded one)
and returns tables; nothing is written back.

Examples
--------
>>> from flaucluster import guided
>>> guided.by_class(model.state_, "provider", data=df)  # doctest: +SKIP
>>> guided.over_time(model.state_, df["date"], "quarter")  # doctest: +SKIP
>>> guided.map_themes(model.state_, ["Bureautique", "Langues"])  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import compare, themes, views
from .describe import FrenchDescriber
from .embed.config import EncoderConfig
from .errors import ConfigError
from .state import FittedState

__all__ = ["by_class", "map_themes", "over_time", "tables"]


def map_themes(
    state: FittedState,
    theme_list: Any = None,
    *,
    threshold: float | None = None,
    encoder: Any = None,
    readable: bool = False,
) -> pd.DataFrame:
    """One row per theme (those that received no row too): count, share, mean score, best and weakest matches.

    Without arguments, the themes the model was fitted with, as filed by the fit; given other themes or a
    ``threshold``, the fitted rows are matched to them as they are, without clustering again (``cluster`` then
    lists where those rows are now). Matching anew embeds the themes with the rows' encoder.

    Parameters
    ----------
    state : flaucluster.state.FittedState
        The fitted state.
    theme_list : str, os.PathLike, pandas.DataFrame, list, dict or None, default=None
        The themes, in any form :func:`flaucluster.themes.read_themes` takes; None: the fit's themes.
    threshold : float or None, default=None
        The cosine score a row must reach to match a theme; None: calibrated per theme from the rows (or, without
        ``theme_list``, the fit's own thresholds).
    encoder : flaucluster.embed.Encoder or None, default=None
        The rows' encoder, already loaded (``model.encoder_``); None: loaded from the state's record.
    readable : bool, default=False
        Lists as one string each, for display (:func:`flaucluster.views.readable`).

    Returns
    -------
    pandas.DataFrame
        :func:`flaucluster.themes.theme_table`: ``theme_id, theme_label, threshold, cluster, count, share,
        mean_score, representatives, weakest`` and, with calibrated thresholds, ``p_value``.

    Raises
    ------
    flaucluster.errors.ConfigError
        When the state has no themes and none are given, the themes cannot be read, or the rows' encoder is not
        known (given embeddings without a model name).
    """
    if theme_list is None and state.themes is None:
        raise ConfigError("this model was fitted without themes: give them, guided.map_themes(state, themes).")
    if theme_list is None and threshold is None:
        table = views.theme_info(state)
    else:
        frame = themes.read_themes(state.themes.themes if theme_list is None and state.themes else theme_list)
        config = EncoderConfig.from_record(state.params["encoder"])
        if encoder is None:
            encoder = config.load(state.encoder if state.encoder.get("identity") else None)
        found = themes.match(
            state.embeddings, state.usable, themes.theme_vectors(frame, config.embedder(encoder)), threshold
        )
        ids = frame["id"].tolist()
        docs = views.document_info(state)[["id", "text", "cluster"]].assign(
            theme_id=[ids[t] if m else "" for t, m in zip(found.best, found.matched)],
            theme_score=np.where(found.matched, found.score, np.nan),
        )
        table = themes.theme_table(frame, docs, found.threshold, calibration=found.calibration)
    assert table is not None
    return views.readable(table) if readable else table


def by_class(state: FittedState, values: Any, *, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compare clusters across the classes of a column: counts, shares, over- and under-representation.

    Every row is counted once: rows outside any cluster are the cluster -1 (counted, not tested), an empty class
    is the class ``""`` (:func:`flaucluster.compare.by_class`).

    Parameters
    ----------
    state : flaucluster.state.FittedState
        The fitted state.
    values : pandas.Series, sequence or str
        One class per fitted row, in the fitted order, or the name of a column of ``data``.
    data : pandas.DataFrame or None, default=None
        The frame ``values`` names a column of.

    Returns
    -------
    pandas.DataFrame
        One row per (cluster, class) pair: ``cluster, cluster_name, class, count, share_of_class,
        share_of_cluster, expected, residual, p_value, p_adjusted, representation``; the chi-square test of
        independence is in ``.attrs["test"]``.

    Raises
    ------
    flaucluster.errors.ConfigError
        When ``values`` does not give one value per fitted row, or names a column without ``data``.
    flaucluster.errors.InputError
        When ``data`` has no column of that name.
    """
    name, column = _column(state, values, data)
    return compare.by_class(state.labels, column, state.names(), column=name)


def over_time(
    state: FittedState,
    values: Any,
    freq: compare.Freq = "year",
    *,
    data: pd.DataFrame | None = None,
    by: Any = None,
) -> pd.DataFrame:
    """Compare clusters across the periods of a date column, as :func:`by_class` does across classes.

    Dates that do not parse are kept with an empty period and listed in ``.attrs["unparsed"]``.

    Parameters
    ----------
    state : flaucluster.state.FittedState
        The fitted state.
    values : pandas.Series, sequence or str
        One date per fitted row, in the fitted order, or the name of a column of ``data``.
    freq : {"year", "quarter", "month"}, default="year"
        The length of a period.
    data : pandas.DataFrame or None, default=None
        The frame ``values`` and ``by`` name columns of.
    by : pandas.Series, sequence, str or None, default=None
        A class column (as ``values``): one table per class, stacked, for the clusters over time within each class.

    Returns
    -------
    pandas.DataFrame
        The long table of :func:`by_class` with ``period`` and ``share_of_period``; ``.attrs`` holds ``test``,
        ``unparsed`` (1-based rows with a date but no period) and, without ``by``, ``keywords`` (the words that
        set each period's rows of a cluster apart from its other periods').

    Raises
    ------
    flaucluster.errors.ConfigError
        For an unknown ``freq``, columns that do not give one value per fitted row, or a column name without
        ``data``.
    flaucluster.errors.InputError
        When ``data`` has no column of the name given.
    """
    name, column = _column(state, values, data)
    within_name, within = _column(state, by, data) if by is not None else ("class", None)
    return compare.over_time(
        state.labels,
        column,
        state.names(),
        freq=freq,
        column=name,
        texts=state.clean,
        analyzer=FrenchDescriber(**state.describer).analyzer(),
        within=within,
        within_column=within_name,
    )


def tables(state: FittedState) -> list[pd.DataFrame]:
    """The tables of the run's guide (``flaucluster cluster --by/--time``): one per class column, one over time
    and, with both, the clusters over time within each class of the first class column; none without a guide.

    Parameters
    ----------
    state : flaucluster.state.FittedState
        The fitted state.

    Returns
    -------
    list of pandas.DataFrame
        :func:`by_class` and :func:`over_time` tables.
    """
    guide = state.guide
    if guide is None:
        return []
    out = [by_class(state, pd.Series(values, name=name)) for name, values in guide.by.items()]
    if guide.time is not None:
        dates = pd.Series(guide.dates, name=guide.time)
        out.append(over_time(state, dates, guide.freq))
        for name, values in list(guide.by.items())[:1]:
            out.append(over_time(state, dates, guide.freq, by=pd.Series(values, name=name)))
    return out


def _column(state: FittedState, values: Any, data: pd.DataFrame | None) -> tuple[str, list]:
    """(name, values) of a column given as a Series or list aligned with the rows, or by name in ``data``."""
    if isinstance(values, str):
        if data is None:
            raise ConfigError(f"{values!r}: give the column itself (df[{values!r}]), or data=df.")
        from .rows import require_column

        name = require_column(data, values, source="data", role="class")
        values = data[name]
    name = str(getattr(values, "name", None) or "class")
    out = list(values.tolist() if hasattr(values, "tolist") else values)
    if len(out) != len(state.labels):
        raise ConfigError(f"{name}: {len(out)} values for {len(state.labels)} fitted rows; give one per row.")
    return name, out
