"""Guided analysis, second half: clusters compared across classes (provider, level, format, region)
and periods (year, quarter, month), with a standard test of which clusters are over- or
under-represented where.

Labels and column values in, DataFrames out. Every row is counted exactly once per class and per
period: rows outside any group are the cluster -1, an empty class is the class "", and a date that
does not parse is kept with an empty period (and reported), never dropped.

The test: Pearson's chi-square test of independence on the clusters x classes table (clusters only,
rows outside any group are counted but not tested), and for each cell its adjusted standardised
residual (Haberman 1973): (observed - expected) / sqrt(expected x (1 - row share) x (1 - column share)),
about normal under independence. Its two-sided p-value is Holm-adjusted over the cells; a cell with an
adjusted p-value under 0.05 is over- (residual > 0) or under-represented (< 0).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.feature_extraction.text import CountVectorizer

from .cluster import OUTLIER
from .errors import ConfigError
from .rows import cell_text, examples, is_missing

__all__ = ["Guide", "by_class", "compare", "crosstab", "independence_test", "over_time", "parse_dates"]

logger = logging.getLogger(__name__)

Freq = Literal["year", "quarter", "month"]
FREQS: tuple[str, ...] = ("year", "quarter", "month")
ALPHA = 0.05
OVER, UNDER = "sur-représenté", "sous-représenté"
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("janvier", "janv"),
            ("février", "fevrier", "févr", "fevr"),
            ("mars",),
            ("avril", "avr"),
            ("mai",),
            ("juin",),
            ("juillet", "juil"),
            ("août", "aout"),
            ("septembre", "sept"),
            ("octobre", "oct"),
            ("novembre", "nov"),
            ("décembre", "decembre", "déc", "dec"),
        ]
    )
    for m in names
}
_FRENCH_DATE = re.compile(r"^(?:(\d{1,2})(?:er)?\s+)?([a-zéèêûôâîç]+)\.?\s+(\d{4})$")
_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d/%m/%y",
)
_FORMATS += ("%Y/%m/%d", "%Y-%m", "%m/%Y", "%Y")
_PRECISION = {"%Y-%m": "month", "%m/%Y": "month", "%Y": "year"}
_NEEDS = {"year": ("day", "month", "year"), "quarter": ("day", "month"), "month": ("day", "month")}


@dataclass
class Guide:
    """The columns a run compares its clusters across (``--by``, ``--time``), one value per row as written.

    Kept with the saved model (``guided.json``), so that a report made again from it has the same tables.

    Parameters
    ----------
    by : dict of str to list of str, optional
        Class column name -> each row's value as written (``--by``); empty by default.
    time : str or None, optional
        The name of the date column (``--time``); None when the run compares no periods.
    dates : list of str, optional
        Each row's date as written, when ``time`` is set; empty by default.
    freq : {"year", "quarter", "month"}, default "year"
        The length of a period.
    """

    by: dict[str, list[str]] = field(default_factory=dict)
    time: str | None = None
    dates: list[str] = field(default_factory=list)
    freq: Freq = "year"

    def columns(self) -> dict[str, list[str]]:
        """Each row's class and period, as the guided tables count them, for the assignments.

        Returns
        -------
        dict of str to list of str
            One entry per ``by`` column (each value stripped, ``""`` for an empty cell) and, when ``time``
            is set, ``<time>_period`` (each row's period, ``""`` where the date gives none: see
            :func:`over_time`).
        """
        out = {name: class_values(values) for name, values in self.by.items()}
        if self.time is not None:
            out[f"{self.time}_period"] = periods(self.dates, self.freq, warn=False)[0]
        return out

    def as_dict(self) -> dict[str, Any]:
        """The guide as a JSON-ready record, as it is saved with the model.

        Returns
        -------
        dict
            ``by``, ``time``, ``dates`` and ``freq``, the fields as they are.
        """
        return {"by": self.by, "time": self.time, "dates": self.dates, "freq": self.freq}


# ---------------------------------------------------------------------------- values
def class_values(values: Sequence[Any]) -> list[str]:
    """Each cell's class as written, spaces around it aside; "" for an empty cell."""
    return ["" if is_missing(v) else cell_text(v).strip() for v in values]


def parse_dates(values: Sequence[Any]) -> tuple[pd.Series, pd.Series]:
    """Read dates as French files write them, and how precise each is.

    Read: ISO dates and datetimes, French day-first dates (15/03/2024, 15-03-2024, 15.03.2024, 15/03/24),
    2024/03/15, 2024-03, 03/2024, a year, French month names ("mars 2024", "1er avril 2024"), and date
    cells of a spreadsheet (``datetime``, ``date``, ``pandas.Timestamp``, or an integer year). A month or
    a year alone gives its first day; a date with a time zone gives its date there. A date pandas cannot
    hold (before 1677-09-22 or after 2262-04-11, such as 9999-12-31) is NaT, as one that does not parse
    (:func:`periods` reports them apart).

    Parameters
    ----------
    values : sequence
        One cell per row: text, a date or datetime, a year as an integer, or an empty cell.

    Returns
    -------
    dates : pandas.Series
        The date of each value (``datetime64[ns]``, indexed from 0), NaT where it is empty, does not parse
        or is out of range.
    precision : pandas.Series
        How precise each date is: ``"day"``, ``"month"`` or ``"year"`` (``"day"`` where the date is NaT).

    See Also
    --------
    over_time : Clusters across the periods of these dates.

    Examples
    --------
    >>> dates, precision = parse_dates(["2024-03-15", "mars 2024", "2024", "?", "9999-12-31"])
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), precision.tolist()
    (['2024-03-15', '2024-03-01', '2024-01-01', nan, nan], ['day', 'month', 'year', 'day', 'day'])
    """
    return _parse_dates(values)[:2]


_FIRST, _LAST = pd.Timestamp.min, pd.Timestamp.max  # what datetime64[ns] holds: 1677-09-21 to 2262-04-11


def _parse_dates(values: Sequence[Any]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """:func:`parse_dates`, and a mask of the dates read but out of pandas' range (9999-12-31, 0001-01-01)."""
    out = pd.Series(pd.NaT, index=range(len(values)), dtype="datetime64[ns]")
    precision = pd.Series("day", index=range(len(values)), dtype=object)
    too_far = pd.Series(False, index=range(len(values)))
    text = pd.Series(["" if is_missing(v) else cell_text(v).strip() for v in values], dtype=object)

    def put(i: int, when: Any, how: str = "day") -> None:
        stamp = pd.Timestamp(when)
        if stamp.tzinfo is not None:  # its date where it was written, as the text would read
            stamp = stamp.tz_localize(None)
        if _FIRST <= stamp <= _LAST:
            out[i], precision[i] = stamp.as_unit("ns"), how
        else:
            too_far[i] = True

    for i, v in enumerate(values):
        if isinstance(v, (datetime, date, pd.Timestamp, np.datetime64)) and not is_missing(v):
            put(i, v)
        elif isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 1000 <= int(v) <= 9999:
            put(i, date(int(v), 1, 1), "year")
    for fmt in _FORMATS:
        todo = out.isna() & ~too_far & (text != "")
        if not todo.any():
            break
        found = pd.to_datetime(text[todo], format=fmt, errors="coerce")  # any unit: 9999-12-31 is read too
        inside = found.notna() & (found >= _FIRST) & (found <= _LAST)
        too_far[found.index[found.notna() & ~inside]] = True
        kept = found.index[inside]
        out[kept] = found[inside].astype("datetime64[ns]")
        precision[kept] = _PRECISION.get(fmt, "day")
    for i in np.flatnonzero(out.isna() & ~too_far & (text != "")).tolist():
        m = _FRENCH_DATE.match(text[i].lower())
        if m and m.group(2) in _MONTHS:
            with suppress(ValueError):  # "31 février 2024": not a date
                put(
                    i,
                    date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1) or 1)),
                    "day" if m.group(1) else "month",
                )
    return out, precision, too_far


def periods(
    values: Sequence[Any], freq: Freq = "year", *, column: str = "date", warn: bool = True
) -> tuple[list[str], list[int]]:
    """(period of each row: "2024", "2024-T1" or "2024-03"; "" where the date does not parse, is out of
    pandas' range, is empty, or is less precise than ``freq``: a year alone has no quarter), and the 1-based
    rows with a date written but no period (reported in the log, kept)."""
    if freq not in FREQS:
        raise ConfigError(f"freq={freq!r}: choose one of {FREQS}.")
    dates, precision, too_far = _parse_dates(values)
    written = ["" if is_missing(v) else cell_text(v).strip() for v in values]
    far = np.flatnonzero(too_far.to_numpy()) + 1
    unread = [i + 1 for i, (d, w, f) in enumerate(zip(dates, written, too_far)) if pd.isna(d) and w and not f]
    vague = [i + 1 for i, (d, p) in enumerate(zip(dates, precision)) if not pd.isna(d) and p not in _NEEDS[freq]]
    if unread and warn:
        logger.warning(
            "%s: %d dates could not be read (rows %s); those rows are kept, with no period.",
            column,
            len(unread),
            examples(unread),
        )
    if len(far) and warn:
        logger.warning(
            "%s: %d dates are out of range (rows %s; dates from %s to %s are read); those rows are kept, "
            "with no period.",
            column,
            len(far),
            examples(far.tolist()),
            _FIRST.ceil("D").date(),
            _LAST.floor("D").date(),
        )
    if vague and warn:
        logger.warning(
            "%s: %d dates give no %s (a year alone: rows %s); those rows are kept, with no period.",
            column,
            len(vague),
            {"quarter": "quarter", "month": "month"}[freq],
            examples(vague),
        )
    out = []
    for d, p in zip(dates, precision):
        if pd.isna(d) or p not in _NEEDS[freq]:
            out.append("")
        elif freq == "year":
            out.append(f"{d.year:04d}")
        elif freq == "quarter":
            out.append(f"{d.year:04d}-T{(d.month - 1) // 3 + 1}")
        else:
            out.append(f"{d.year:04d}-{d.month:02d}")
    return out, sorted(unread + far.tolist() + vague)


# ---------------------------------------------------------------------------- tables
def crosstab(labels: np.ndarray, classes: Sequence[str]) -> pd.DataFrame:
    """Count the rows of each cluster in each class; every row is counted once.

    Parameters
    ----------
    labels : numpy.ndarray
        The cluster id of each row, -1 outside any group.
    classes : sequence of str
        The class of each row (``""`` for none), as long as ``labels``.

    Returns
    -------
    pandas.DataFrame
        Counts, clusters (index ``cluster``, sorted, -1 included when present) x classes (columns
        ``class``, sorted).

    Raises
    ------
    ConfigError
        If ``classes`` and ``labels`` differ in length.
    """
    if len(labels) != len(classes):
        raise ConfigError(f"{len(classes)} class values for {len(labels)} rows: give one value per row.")
    table = pd.crosstab(pd.Series(np.asarray(labels), name="cluster"), pd.Series(list(classes), name="class"))
    return table.sort_index().reindex(sorted(table.columns), axis=1)


_GRID_PER_ROW, _GRID_LEAST = 2, 16  # a table of at most 2 cells a row (+ 16) is computed whole: as cheap
COLUMNS = ["cluster", "cluster_name", "class", "count", "share_of_class", "share_of_cluster", "expected"]
COLUMNS += ["residual", "p_value", "p_adjusted", "representation"]


def compare(labels: np.ndarray, classes: Sequence[str], names: dict[int, str] | None = None) -> pd.DataFrame:
    """Compare clusters across classes: counts, shares and which clusters are over- or under-represented.

    The test is the one of the module's description: each cell's adjusted standardised residual, its
    two-sided p-value Holm-adjusted over the cells (every cell of the tested clusters, empty ones
    included), marked under 0.05 (:data:`ALPHA`). The rows outside any group (cluster -1) are counted,
    not tested: their ``expected``, ``residual`` and p-values are None. The work grows with the rows, not
    with clusters x classes: 100,000 classes of a row or two each take seconds.

    Parameters
    ----------
    labels : numpy.ndarray
        The cluster id of each row, -1 outside any group.
    classes : sequence of str
        The class of each row (``""`` for none), as long as ``labels``.
    names : dict of int to str or None, optional
        Cluster id -> name, for the ``cluster_name`` column (``""`` for an id not in it).

    Returns
    -------
    pandas.DataFrame
        A long table, sorted by cluster then class: one row per (cluster, class) pair with rows, and per
        empty pair of a tested cluster where at least one row was expected or that the test marks (a
        cluster absent from a class where it should be; the other empty pairs, of which there may be
        clusters x classes, are neither listed nor ever marked). Columns ``cluster, cluster_name, class,
        count, share_of_class`` (of the class's rows, this cluster's), ``share_of_cluster``,
        ``expected`` (under independence), ``residual`` (adjusted standardised), ``p_value``,
        ``p_adjusted`` (Holm) and ``representation`` (sur-représenté / sous-représenté / "").

    Raises
    ------
    ConfigError
        If ``classes`` and ``labels`` differ in length.

    See Also
    --------
    by_class : This table for a column of values, with the chi-square test.
    independence_test : The test of the whole table.
    """
    return _long_table(labels, classes, names)


def _long_table(
    labels: np.ndarray, classes: Sequence[str], names: dict[int, str] | None, within: Sequence[str] | None = None
) -> pd.DataFrame:
    """:func:`compare`'s table; with ``within`` (a class per row), one such table per class, each tested on
    its own, stacked in the order of the classes with a ``within`` column."""
    labels = np.asarray(labels)
    if len(labels) != len(classes):
        raise ConfigError(f"{len(classes)} class values for {len(labels)} rows: give one value per row.")
    cells = _cells(labels, classes, within)
    names = names or {}
    p_adj = cells["p_adjusted"]
    marked = p_adj < ALPHA  # NaN (untested) is never under it
    count = cells["count"]
    out = {
        "cluster": cells["cluster"].astype(int),
        "cluster_name": [names.get(int(c), "") for c in cells["cluster"]],
        "class": cells["class"],
        "count": count.astype(int),
        "share_of_class": np.round(count / cells["class_total"], 4),
        "share_of_cluster": np.round(count / cells["cluster_total"], 4),
        "expected": _rounded(cells["expected"], 2),
        "residual": _rounded(cells["residual"], 3),
        "p_value": _rounded(cells["p_value"], 6),
        "p_adjusted": _rounded(p_adj, 6),
        "representation": np.where(marked, np.where(cells["residual"] > 0, OVER, UNDER), ""),
    }
    table = pd.DataFrame(out, columns=COLUMNS)
    if within is not None:
        table["within"] = cells["within"]
    return table


def _rounded(values: np.ndarray, digits: int) -> list[float | None]:
    """As Python's round writes each value (the table's numbers), None for NaN."""
    return [None if x != x else round(x, digits) for x in values.tolist()]


def _cells(labels: np.ndarray, classes: Sequence[str], within: Sequence[str] | None) -> dict[str, np.ndarray]:
    """The listed cells of the clusters x classes table of each ``within`` group (one group without it), with
    their test, computed from the cells with rows and a bounded number of empty ones (never every pair).

    Why it is exact. An empty cell's squared residual is N u v, with u = R / (N - R) of its cluster and
    v = C / (N - C) of its class (N tested rows of the group, R of the cluster, C of the class), so the
    empty cells whose residual is at least 1 in size are found from the classes sorted by size, per cluster
    (at most about 4 N + clusters + classes of them). Every other cell has p > 0.317, ranks after them in
    Holm's order, and has a Holm-adjusted p-value of exactly 1 as soon as four or more cells do (from there
    (m - rank + 1) p >= 4 x 0.317 > 1); a group with fewer is small, and all its cells are computed."""
    n = len(labels)
    if n == 0:
        empty = np.zeros(0)
        keys = ("cluster", "count", "class_total", "cluster_total", "expected", "residual", "p_value", "p_adjusted")
        return {"class": np.zeros(0, dtype=object), "within": np.zeros(0, dtype=object), **dict.fromkeys(keys, empty)}
    cluster_ids, c_code = np.unique(labels, return_inverse=True)  # -1 (outside any group) first
    k_code, k_values = pd.factorize(_as_text(classes), sort=True)
    if within is None:
        g_code, g_values = np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    else:
        g_code, g_values = pd.factorize(_as_text(within), sort=True)
    n_groups = len(g_values)
    full_cells = pd.DataFrame({"g": g_code, "c": c_code, "k": k_code}).groupby(["g", "c", "k"], sort=True).size()
    cg, cc, ck = (full_cells.index.get_level_values(i).to_numpy(dtype=np.int64) for i in range(3))
    observed = full_cells.to_numpy(dtype=float)
    tested_cell = cluster_ids[cc] != OUTLIER
    # rows of each group's table: (group, cluster); columns: (group, class), both sorted
    rows = pd.Series(observed, index=pd.MultiIndex.from_arrays([cg, cc])).groupby(level=[0, 1], sort=True).sum()
    rg, rc = (rows.index.get_level_values(i).to_numpy(dtype=np.int64) for i in range(2))
    row_total = rows.to_numpy()
    tested_row = cluster_ids[rc] != OUTLIER
    cols = pd.DataFrame({"g": cg, "k": ck, "all": observed, "tested": observed * tested_cell})
    cols = cols.groupby(["g", "k"], sort=True)[["all", "tested"]].sum()
    kg, kk = (cols.index.get_level_values(i).to_numpy(dtype=np.int64) for i in range(2))
    col_total, col_tested = cols["all"].to_numpy(), cols["tested"].to_numpy()
    n_cols = len(kg)
    row_of = np.searchsorted(rg * len(cluster_ids) + rc, cg * len(cluster_ids) + cc)
    col_of = np.searchsorted(kg * len(k_values) + kk, cg * len(k_values) + ck)
    tested_n = np.bincount(rg[tested_row], weights=row_total[tested_row], minlength=n_groups)
    m = np.bincount(rg[tested_row], minlength=n_groups) * np.bincount(kg, minlength=n_groups)  # cells tested
    m = np.where(tested_n > 0, m, 0)

    # the columns of each group sorted by their tested rows, to find the empty cells worth computing
    by_size = np.lexsort((col_tested, kg))
    size_key = kg[by_size] * (n + 1) + col_tested[by_size].astype(np.int64)
    group_start, group_end = (
        np.searchsorted(kg[by_size], np.arange(n_groups)),
        np.searchsorted(kg[by_size], np.arange(n_groups), side="right"),
    )
    nonempty = row_of[tested_cell] * n_cols + col_of[tested_cell]
    full = m <= _GRID_PER_ROW * np.bincount(g_code, minlength=n_groups) + _GRID_LEAST  # small: every cell
    while True:
        ids = _worth_computing(
            rg, row_total, tested_row, tested_n, full, by_size, size_key, group_start, group_end, n, n_cols
        )
        ids = np.union1d(nonempty, ids)
        ri, ci = ids // n_cols, ids % n_cols
        g = rg[ri]
        count = np.zeros(len(ids))
        count[np.searchsorted(ids, nonempty)] = observed[tested_cell]
        big_n, r_n, c_n = tested_n[g], row_total[ri], col_tested[ci]
        expected = r_n * c_n / big_n
        var = expected * (1 - r_n / big_n) * (1 - c_n / big_n)
        with np.errstate(divide="ignore", invalid="ignore"):
            residual = np.where(var > 0, (count - expected) / np.sqrt(var), 0.0)
        p = 2 * stats.norm.sf(np.abs(residual))
        strong = np.abs(residual) >= 1
        short = ~full & (m > 0) & (m - np.bincount(g[strong], minlength=n_groups) < 4)
        if not short.any():
            break
        full |= short  # too few weak cells to know their Holm rank: every cell of those groups
    p_adj = np.ones(len(ids))
    holm = np.flatnonzero(full[g] | strong)
    order = holm[np.lexsort((p[holm], g[holm]))]
    rank = np.arange(len(order)) - np.searchsorted(g[order], g[order])  # from 0 within each group
    steps = np.minimum(1.0, (m[g[order]] - rank) * p[order])
    p_adj[order] = pd.Series(steps).groupby(g[order]).cummax().to_numpy()
    listed = (count > 0) | (expected >= 1) | (p_adj < ALPHA)
    ri, ci = ri[listed], ci[listed]
    # the rows outside any group: counted, not tested
    out_ri, out_ci = row_of[~tested_cell], col_of[~tested_cell]
    nan = np.full(len(out_ri), np.nan)
    all_ri, all_ci = np.concatenate([ri, out_ri]), np.concatenate([ci, out_ci])
    order = np.lexsort((kk[all_ci], rc[all_ri], rg[all_ri]))
    all_ri, all_ci = all_ri[order], all_ci[order]

    def joined(tested: np.ndarray, outside: np.ndarray) -> np.ndarray:
        return np.concatenate([tested, outside])[order]

    return {
        "cluster": cluster_ids[rc[all_ri]],
        "class": np.asarray(k_values, dtype=object)[kk[all_ci]],
        "within": np.asarray(g_values, dtype=object)[rg[all_ri]],
        "count": joined(count[listed], observed[~tested_cell]),
        "class_total": col_total[all_ci],
        "cluster_total": row_total[all_ri],
        "expected": joined(expected[listed], nan),
        "residual": joined(residual[listed], nan),
        "p_value": joined(p[listed], nan),
        "p_adjusted": joined(p_adj[listed], nan),
    }


def _as_text(values: Sequence[Any]) -> pd.Series:
    """Each class as text; a missing one is the class "" (an empty cell), never a row left out."""
    series = pd.Series(list(values), dtype=object)
    return series.where(series.notna(), "").astype(str)


def _worth_computing(
    rg: np.ndarray,
    row_total: np.ndarray,
    tested_row: np.ndarray,
    tested_n: np.ndarray,
    full: np.ndarray,
    by_size: np.ndarray,
    size_key: np.ndarray,
    group_start: np.ndarray,
    group_end: np.ndarray,
    n: int,
    n_cols: int,
) -> np.ndarray:
    """Cell ids (row entry x number of columns + column entry) of the cells of the tested clusters whose
    residual, were they empty, would be about 1 or more in size (0.999: rounding aside), and of every cell of
    the ``full`` groups (see :func:`_cells`)."""
    rows = np.flatnonzero(tested_row)
    g, r_n = rg[rows], row_total[rows]
    big_n = tested_n[g]
    lo, hi = group_start[g].copy(), group_end[g].copy()
    some = ~full[g] & (r_n < big_n)  # one cluster only: no residual (the variance is 0)
    with np.errstate(divide="ignore"):
        w = 0.999 * (big_n - r_n) / (big_n * r_n)  # N u v >= 0.999  <=>  v >= w  <=>  C >= N w / (1 + w)
    least = np.maximum(np.ceil(big_n * w / (1 + w)), 1).astype(np.int64)
    base = g * (n + 1)
    lo[~full[g]] = np.searchsorted(size_key, base + least)[~full[g]]
    hi[~full[g]] = np.searchsorted(size_key, base + big_n.astype(np.int64) - 1, side="right")[~full[g]]
    hi = np.where(full[g] | some, np.maximum(hi, lo), lo)
    lengths = hi - lo
    starts = np.repeat(lo - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    columns = by_size[starts + np.arange(lengths.sum())]
    return np.repeat(rows, lengths).astype(np.int64) * n_cols + columns


def independence_test(labels: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    """Pearson's chi-square test of independence of clusters and classes.

    Rows outside any group (cluster -1) are left out, and so are clusters and classes with no row left.
    Computed from the cells with rows (the others add their expected counts), so as fast for 100,000
    classes as for ten.

    Parameters
    ----------
    labels : numpy.ndarray
        The cluster id of each row, -1 outside any group.
    classes : sequence of str
        The class of each row (``""`` for none), as long as ``labels``.

    Returns
    -------
    dict
        ``test`` (``"chi-square"``), ``statistic``, ``dof`` (degrees of freedom), ``p_value`` and
        ``cramers_v`` (Cramér's V); all but ``test`` are None when the table has fewer than two clusters
        or two classes.

    Raises
    ------
    ConfigError
        If ``classes`` and ``labels`` differ in length.
    """
    labels = np.asarray(labels)
    if len(labels) != len(classes):
        raise ConfigError(f"{len(classes)} class values for {len(labels)} rows: give one value per row.")
    tested = labels != OUTLIER
    k_code = pd.factorize(_as_text(classes))[0][tested]
    c_code = np.unique(labels[tested], return_inverse=True)[1]
    observed = pd.DataFrame({"c": c_code, "k": k_code}).groupby(["c", "k"]).size()
    rows, cols = np.bincount(c_code), np.bincount(k_code) if len(k_code) else np.zeros(0)
    cols = cols[cols > 0]
    if len(rows) < 2 or len(cols) < 2:
        return {"test": "chi-square", "statistic": None, "dof": None, "p_value": None, "cramers_v": None}
    n = float(tested.sum())
    o = observed.to_numpy(dtype=float)
    e = rows[observed.index.get_level_values(0)] * np.bincount(k_code)[observed.index.get_level_values(1)] / n
    # sum over every cell of (O - E)^2 / E: the empty cells' terms are their expected counts, n less the others'
    chi2 = max(0.0, float(((o - e) ** 2 / e).sum() + (n - e.sum())))
    dof = (len(rows) - 1) * (len(cols) - 1)
    v = np.sqrt(chi2 / (n * (min(len(rows), len(cols)) - 1)))
    return {
        "test": "chi-square",
        "statistic": round(chi2, 3),
        "dof": int(dof),
        "p_value": float(stats.chi2.sf(chi2, dof)),
        "cramers_v": round(float(v), 4),
    }


def nested_counts(table: pd.DataFrame, outer: str = "class") -> dict[str, dict[str, int]]:
    """``{class: {cluster_id: count}}`` from :func:`compare`'s long table (every counted row once)."""
    out: dict[str, dict[str, int]] = {}
    for key, c, n in zip(table[outer], table["cluster"], table["count"]):
        if n:
            out.setdefault(str(key), {})[str(c)] = int(n)
    return out


def period_keywords(
    texts: Sequence[str], labels: np.ndarray, periods: Sequence[str], analyzer, n: int = 5
) -> pd.DataFrame:
    """``cluster, period, count, keywords``: for each cluster, the words that set each period's rows apart
    from its other periods' (c-TF-IDF over the cluster's periods), as BERTopic's topics over time."""
    from .label import class_tfidf

    records = []
    labels = np.asarray(labels)
    for c in sorted(set(labels.tolist()) - {OUTLIER}):
        rows = np.flatnonzero(labels == c).tolist()
        keys = sorted({periods[i] for i in rows})
        try:
            counts = CountVectorizer(analyzer=analyzer).fit(texts[i] for i in rows)
        except ValueError:  # no content word in this cluster
            continue
        matrix = counts.transform(texts[i] for i in rows).tocsr()
        terms = counts.get_feature_names_out()
        period_ids = np.array([keys.index(periods[i]) for i in rows])
        weights, _ = class_tfidf(matrix, period_ids, list(range(len(keys))))
        for j, key in enumerate(keys):
            top = [analyzer.display(terms[t]) for t in np.argsort(-weights[j], kind="stable")[:n] if weights[j, t] > 0]
            records.append({"cluster": int(c), "period": key, "count": int((period_ids == j).sum()), "keywords": top})
    return pd.DataFrame(records, columns=["cluster", "period", "count", "keywords"])


def by_class(labels: np.ndarray, values: Sequence[Any], names: dict[int, str], column: str = "class") -> pd.DataFrame:
    """Compare clusters across the classes of a column, with the chi-square test.

    Each value is a class as written (spaces around it aside; ``""`` for an empty cell).

    Parameters
    ----------
    labels : numpy.ndarray
        The cluster id of each row, -1 outside any group.
    values : sequence
        The class of each row, as long as ``labels``.
    names : dict of int to str
        Cluster id -> name.
    column : str, default "class"
        The column's name, kept in ``.attrs["column"]`` (for titles and sheet names).

    Returns
    -------
    pandas.DataFrame
        :func:`compare`'s table; ``.attrs`` holds ``column``, ``kind`` (``"class"``) and ``test``
        (:func:`independence_test`).

    Raises
    ------
    ConfigError
        If ``values`` and ``labels`` differ in length.

    See Also
    --------
    flaucluster.model.TopicModel.by_class : The same from a fitted model.
    """
    classes = class_values(values)
    table = compare(labels, classes, names)
    table.attrs.update(column=column, kind="class", test=independence_test(labels, classes))
    return table


def over_time(
    labels: np.ndarray,
    values: Sequence[Any],
    names: dict[int, str],
    *,
    freq: Freq = "year",
    column: str = "date",
    texts: Sequence[str] | None = None,
    analyzer=None,
    within: Sequence[Any] | None = None,
    within_column: str = "class",
) -> pd.DataFrame:
    """Compare clusters across periods of a date column.

    Dates are read by :func:`parse_dates`; a row whose date is empty, does not parse, or is less precise
    than ``freq`` (a year alone has no quarter) is kept, with an empty period; the rows whose date was
    written but gives no period are logged (without ``within``). With ``within`` (a class per row), one table per class
    stacked with a ``class`` column: clusters over time within each class.

    Parameters
    ----------
    labels : numpy.ndarray
        The cluster id of each row, -1 outside any group.
    values : sequence
        The date of each row, as long as ``labels``.
    names : dict of int to str
        Cluster id -> name.
    freq : {"year", "quarter", "month"}, default "year"
        The length of a period: periods read ``"2024"``, ``"2024-T1"`` or ``"2024-03"``.
    column : str, default "date"
        The date column's name, for the log and ``.attrs["column"]``.
    texts : sequence of str or None, optional
        The text of each row; with ``analyzer``, the keywords of each cluster in each period are found.
    analyzer : callable or None, optional
        The labels' analyzer (:class:`flaucluster.label.FrenchPhraseAnalyzer`), text -> keys, with a
        ``display`` method.
    within : sequence or None, optional
        A class per row: one table per class, stacked.
    within_column : str, default "class"
        The name of the ``within`` column, kept in ``.attrs["within"]``.

    Returns
    -------
    pandas.DataFrame
        :func:`compare`'s table with ``period`` (``""`` for no period) and ``share_of_period`` in place of
        ``class`` and ``share_of_class``, and with ``within`` a ``class`` column. ``.attrs`` holds
        ``column``, ``kind`` (``"period"``), ``freq``, ``test`` (:func:`independence_test`; None with
        ``within``), ``unparsed`` (the 1-based rows with a date written but no period), ``within`` (with
        ``within``) and ``keywords`` (with ``texts`` and ``analyzer``, without ``within``: a frame
        ``cluster, period, count, keywords``, the words that set each period apart within the cluster).

    Raises
    ------
    ConfigError
        If ``freq`` is not one of :data:`FREQS`, or ``values`` or ``within`` differ in length from
        ``labels``.

    See Also
    --------
    flaucluster.model.TopicModel.over_time : The same from a fitted model.
    """
    labels = np.asarray(labels)
    spans, bad = periods(values, freq, column=column, warn=within is None)  # per class: said once already
    if within is None:
        table = compare(labels, spans, names).rename(columns={"class": "period", "share_of_class": "share_of_period"})
        test = independence_test(labels, spans)
    else:
        classes = class_values(within)
        if len(classes) != len(labels):
            raise ConfigError(f"{len(classes)} class values for {len(labels)} rows: give one value per row.")
        stacked = _long_table(labels, spans, names, within=classes)  # each class's table tested on its own
        table = stacked.rename(columns={"class": "period", "share_of_class": "share_of_period", "within": "class"})
        test = None
    table.attrs.update(column=column, kind="period", freq=freq, test=test, unparsed=bad)
    if within is not None:
        table.attrs["within"] = within_column
    if texts is not None and analyzer is not None and within is None:
        table.attrs["keywords"] = period_keywords(texts, labels, spans, analyzer)
    return table
