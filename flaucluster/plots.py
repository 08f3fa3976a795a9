"""Static figures (matplotlib) from results — DataFrames and arrays, not the estimator — so they
work from a saved model or report too. Each returns a ``Figure`` (:func:`interactive_map` a plotly
one); nothing is shown or saved here.

Large maps stay practical: 100,000 points draw to PNG in about a second, and the points are rasterised
so SVG/PDF exports stay small and quick (benchmarks/bench_plots.py).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg") if matplotlib.get_backend().lower() in ("", "agg") else None
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .palette import OUTLIER_COLOR, color_at  # noqa: E402

__all__ = [
    "class_shares",
    "cluster_color",
    "cluster_map",
    "cluster_sizes",
    "place_labels",
    "dendrogram",
    "interactive_map",
    "over_time_lines",
    "representation_heatmap",
    "similarity_heatmap",
    "top_keywords",
]

MAX_ROWS_SHOWN = 80  # bars or leaves in one figure: more would be unreadable (and past a PNG's size limit)


def cluster_color(cluster: int, colors: Mapping[int, str] | None = None) -> str:
    """The colour of a cluster, the same in every figure, on the map and in the widget.

    ``colors`` is ``topic_info()``'s ``color`` column as a dict (:mod:`flaucluster.palette`: the fit's
    clusters by size, then those edits made); a cluster it lacks takes the palette's colour of its id, which
    is the same for a model never edited. Rows outside any group (a negative id) are the one grey
    (:data:`flaucluster.palette.OUTLIER_COLOR`).

    Parameters
    ----------
    cluster : int
        A cluster id; -1 for the rows outside any group.
    colors : mapping of int to str or None, optional
        Cluster id -> ``#rrggbb``, as ``dict(zip(topic_info["cluster"], topic_info["color"]))``.

    Returns
    -------
    str
        A ``#rrggbb`` colour.
    """
    if cluster < 0:
        return OUTLIER_COLOR
    if colors is not None and int(cluster) in colors:
        return str(colors[int(cluster)])
    return color_at(int(cluster))


def _colors_of(topic_info: pd.DataFrame) -> dict[int, str] | None:
    if "color" not in topic_info:
        return None
    return {int(c): str(v) for c, v in zip(topic_info["cluster"], topic_info["color"])}


def _label_room(labels: Sequence[str], points: float) -> float:
    """Inches to keep beside an axis for these tick labels. From their length (about 0.6 em a character),
    not from tight_layout, which lays every label out once more before the figure is drawn."""
    return 0.3 + 0.6 * points / 72 * max((len(label) for label in labels), default=4)


def _short(name: str, width: int = 28) -> str:
    """A label that fits, shown as written: ``$`` would start matplotlib's math mode."""
    return textwrap.shorten(str(name), width=width, placeholder="…").replace("$", r"\$")


def cluster_map(
    coords: np.ndarray,
    labels: np.ndarray,
    names: dict[int, str],
    *,
    colors: Mapping[int, str] | None = None,
    title: str = "Carte des groupes",
    max_labels: int = 40,
    figsize=(11, 8),
) -> Figure:
    """2-D map of the rows coloured by cluster, with cluster names placed so that none overlaps another.

    Rows outside any group (label -1) are drawn grey. The names of the ``max_labels`` largest clusters
    (of those in ``names`` that have rows) are placed largest first: at their point nearest the median, or, where
    that place is taken, beside it with a leader line; a name with no free place near its cluster is left out
    (:func:`place_labels`). Point size shrinks with the number of rows, and the points are rasterised so that
    vector exports (SVG, PDF) stay small; the layout holds at any resolution.

    Parameters
    ----------
    coords : numpy.ndarray
        Map coordinates, shape ``(n_rows, 2)``; a row with NaN coordinates (left out of a sampled map) is not
        drawn.
    labels : numpy.ndarray
        The cluster id of each row, -1 outside any group.
    names : dict of int to str
        Cluster id -> name, as ``TopicModel.names()`` gives.
    colors : mapping of int to str or None, optional
        Cluster id -> ``#rrggbb`` (``topic_info()``'s ``color`` column); None: :func:`cluster_color` by id.
    title : str, default "Carte des groupes"
        The figure's title.
    max_labels : int, default 40
        At most this many cluster names are written on the map (the largest clusters).
    figsize : tuple of float, default (11, 8)
        Width and height in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The map; nothing is shown or saved.

    See Also
    --------
    interactive_map : The same map with hover text (plotly).
    """
    fig, ax = plt.subplots(figsize=figsize)
    placed = np.isfinite(coords).all(axis=1)  # a row left out of a sampled map has no place
    coords, labels = coords[placed], np.asarray(labels)[placed]
    out = labels == -1
    size = max(1.0, min(12.0, 30000 / max(len(labels), 1)))
    ax.scatter(coords[out, 0], coords[out, 1], s=size, c=OUTLIER_COLOR, lw=0, rasterized=True, label="hors groupe")
    ids, counts = np.unique(labels[~out], return_counts=True)
    present = {int(c): int(n) for c, n in zip(ids, counts) if int(c) in names}
    lookup = np.array([cluster_color(c, colors) for c in range(int(ids.max()) + 1 if len(ids) else 1)])
    ax.scatter(coords[~out, 0], coords[~out, 1], s=size, c=lookup[labels[~out]], lw=0, rasterized=True)
    ax.set_title(title)
    ax.set_xticks([]), ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    fig.tight_layout()
    by_size = sorted(present, key=lambda c: (-present[c], c))[:max_labels]
    centres = [_anchor(coords[labels == c]) for c in by_size]
    place_labels(ax, centres, [_short(names[c]) for c in by_size], [cluster_color(c, colors) for c in by_size])
    return fig


def place_labels(ax, points: Sequence[tuple[float, float]], texts: Sequence[str], colors: Sequence[str]) -> list:
    """Write ``texts`` at ``points`` (data coordinates), in order, none overlapping another or leaving the axes.

    A greedy placement on bounding boxes: each text goes at its point if that box is free, else at the first
    free place of a ring of places around it (nearest first, joined to its point by a leader line), else it
    is left out. The earlier texts (the larger clusters) win. Call it once the axes have their final place
    and limits (after ``tight_layout``).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to write on.
    points : sequence of (float, float)
        Where each text belongs, in data coordinates.
    texts : sequence of str
        The texts, most important first.
    colors : sequence of str
        Each text's frame colour.

    Returns
    -------
    list of matplotlib.text.Annotation
        The texts written (those left out are not), in the order written.
    """
    fig = ax.figure
    ax.set_xlim(ax.get_xlim()), ax.set_ylim(ax.get_ylim())  # frozen: the texts must not move the view
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    to_data = ax.transData.inverted()
    boxes: list[tuple[float, float, float, float]] = []
    written = []
    fontsize = 8
    style = {"fontsize": fontsize, "ha": "center", "va": "center", "weight": "bold"}
    for (x, y), text, color in zip(points, texts, colors):
        probe = ax.text(0, 0, text, **style)
        extent = probe.get_window_extent(renderer)
        probe.remove()
        pad = 2 * 0.2 * fontsize * fig.dpi / 72  # the frame's pad (boxstyle pad=0.2), both sides
        w, h = extent.width + pad + 2, extent.height + pad + 2
        px, py = ax.transData.transform((x, y))
        spot = None
        for dx, dy in _ring(w, h):
            cx, cy = px + dx, py + dy
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            inside = box[0] >= frame.x0 and box[2] <= frame.x1 and box[1] >= frame.y0 and box[3] <= frame.y1
            if inside and not any(_overlap(box, b) for b in boxes):
                spot = (cx, cy, dx or dy)
                break
        if spot is None:
            continue
        cx, cy, moved = spot
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
        written.append(
            ax.annotate(
                text,
                (x, y),
                xytext=tuple(to_data.transform((cx, cy))),
                textcoords="data",
                **style,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": color, "alpha": 0.9},
                arrowprops={"arrowstyle": "-", "color": "#4a5160", "lw": 0.8, "shrinkA": 0, "shrinkB": 2}
                if moved
                else None,
            )
        )
    return written


def _anchor(points: np.ndarray) -> tuple[float, float]:
    """Where a cluster's name goes: its point nearest the median, on the points even for a group in two parts."""
    middle = np.median(points, axis=0)
    x, y = points[int(np.argmin(((points - middle) ** 2).sum(axis=1)))]
    return float(x), float(y)


def _ring(w: float, h: float):
    """Offsets (display units) where a label of size ``w`` x ``h`` may go: its point first, then nearer first."""
    yield 0.0, 0.0
    for step in (1.0, 1.6, 2.4):
        for fx, fy in ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1)):
            yield fx * step * (w / 2 + 6), fy * step * (h + 4)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def cluster_sizes(topic_info: pd.DataFrame, *, n_outliers: int | None = None, figsize=(9, None)) -> Figure:
    """Horizontal bars: the number of rows in each cluster, and outside any group when given.

    Only the :data:`MAX_ROWS_SHOWN` largest clusters are drawn, the largest at the top; the outliers' bar,
    grey, is at the bottom.

    Parameters
    ----------
    topic_info : pandas.DataFrame
        One row per cluster with the columns ``cluster``, ``size`` and ``name``
        (``TopicModel.topic_info()``).
    n_outliers : int or None, optional
        The number of rows outside any group; None or 0 draws no bar for them.
    figsize : tuple, default (9, None)
        Width and height in inches; a height of None grows with the number of bars.

    Returns
    -------
    matplotlib.figure.Figure
        The bar chart; nothing is shown or saved.
    """
    df = topic_info.sort_values("size").tail(MAX_ROWS_SHOWN)
    names = [f"{_short(n, 40)} ({c})" for n, c in zip(df["name"], df["cluster"])]
    sizes = df["size"].tolist()
    colors = [cluster_color(c, _colors_of(topic_info)) for c in df["cluster"]]
    if n_outliers:
        names, sizes, colors = ["(hors groupe)"] + names, [n_outliers] + sizes, [OUTLIER_COLOR] + colors
    width, height = figsize[0], figsize[1] or max(3, 0.28 * len(names) + 1)
    fig, ax = plt.subplots(figsize=(width, height))
    ax.barh(names, sizes, color=colors)
    ax.set_xlabel("nombre de lignes")
    ax.set_title("Taille des groupes")
    fig.subplots_adjust(left=_label_room(names, 10) / width, right=0.97, top=1 - 0.45 / height, bottom=0.55 / height)
    return fig


def top_keywords(topic_info: pd.DataFrame, *, n_clusters: int = 12, n_words: int = 8, cols: int = 3) -> Figure:
    """Small bar charts of the top keywords (c-TF-IDF weight) of the largest clusters.

    One panel per cluster, largest first, laid out ``cols`` panels a row; each panel's bars have the
    cluster's colour (:func:`cluster_color`).

    Parameters
    ----------
    topic_info : pandas.DataFrame
        One row per cluster with the columns ``cluster``, ``size``, ``name``, ``keywords`` and
        ``keyword_weights`` (``TopicModel.topic_info()``, not its ``readable`` form).
    n_clusters : int, default 12
        The number of clusters shown (the largest).
    n_words : int, default 8
        The number of keywords shown per cluster.
    cols : int, default 3
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
        The grid of bar charts; nothing is shown or saved.
    """
    df = topic_info.sort_values("size", ascending=False).head(n_clusters)
    rows = int(np.ceil(len(df) / cols)) or 1
    width, height = 4.2 * cols, 2.6 * rows
    labels = [[_short(w, 26) for w in list(t["keywords"])[:n_words]] for _, t in df.iterrows()]
    pad = _label_room([w for ws in labels for w in ws], 8)
    fig, axes = plt.subplots(rows, cols, figsize=(width, height), squeeze=False)
    axes_width = (width - cols * pad - 0.2) / cols
    fig.subplots_adjust(
        left=pad / width,
        right=1 - 0.2 / width,
        top=1 - 0.75 / height,
        bottom=0.1 / height,
        wspace=pad / axes_width,
        hspace=0.45,
    )
    for ax, (_, t), words in zip(axes.flat, df.iterrows(), labels):
        color = cluster_color(t["cluster"], _colors_of(topic_info))
        weights = list(t["keyword_weights"])[:n_words][::-1]
        ax.barh(words[::-1], weights, color=color)
        ax.set_title(f"{t['cluster']} · {_short(t['name'], 34)}", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.set_xticks([])
    for ax in list(axes.flat)[len(df) :]:
        ax.axis("off")
    fig.suptitle("Mots-clés principaux par groupe")
    return fig


def similarity_heatmap(ids: Sequence[int] | np.ndarray, sim: np.ndarray, names: dict[int, str]) -> Figure:
    """Heatmap of the cosine similarity between cluster centroids.

    Only the first :data:`MAX_ROWS_SHOWN` clusters of ``ids`` are drawn (with clusters numbered by size,
    the largest). Without any cluster, the figure says so ("aucun groupe").

    Parameters
    ----------
    ids : sequence of int or numpy.ndarray
        The cluster ids, in the order of the rows and columns of ``sim``.
    sim : numpy.ndarray
        The similarity matrix, shape ``(len(ids), len(ids))``; ``ids`` and ``sim`` are what
        :func:`flaucluster.hierarchy.similarity` returns.
    names : dict of int to str
        Cluster id -> name; every id of ``ids`` must be in it.

    Returns
    -------
    matplotlib.figure.Figure
        The heatmap; nothing is shown or saved.
    """
    ids, sim = list(ids)[:MAX_ROWS_SHOWN], np.asarray(sim)[:MAX_ROWS_SHOWN, :MAX_ROWS_SHOWN]
    n = len(ids)
    fig, ax = plt.subplots(figsize=(min(4 + 0.35 * n, 18), min(3.5 + 0.35 * n, 17)))
    if n == 0:
        ax.text(0.5, 0.5, "aucun groupe", ha="center")
        ax.axis("off")
        return fig
    im = ax.imshow(sim, cmap="viridis", vmin=min(0.0, float(sim.min())), vmax=1.0)
    labels = [f"{_short(names[int(i)], 30)} ({i})" for i in ids]
    ax.set_xticks(range(n), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(n), labels, fontsize=7)
    fig.colorbar(im, ax=ax, fraction=0.04, label="similarité cosinus")
    ax.set_title("Similarité entre groupes")
    fig.tight_layout()
    return fig


MAX_COLUMNS_SHOWN = 40  # classes (the largest) or periods (the latest) in one figure


def _wide(table: pd.DataFrame, column: str, value: str, top: int) -> pd.DataFrame:
    """clusters x ``column`` of ``value`` from a long breakdown table (:mod:`flaucluster.compare`): the
    ``top`` largest clusters, rows outside any group last; the :data:`MAX_COLUMNS_SHOWN` largest classes or
    latest periods (chosen before the table is made wide: it may have 100,000 classes)."""
    keep = _shown(table, column)
    if keep is not None:
        table = table[table[column].isin(keep)]
    wide = table.pivot_table(index="cluster", columns=column, values=value, aggfunc="sum", fill_value=0)
    sizes = table.groupby("cluster")["count"].sum()
    order = [c for c in sizes.sort_values(ascending=False, kind="stable").index if c >= 0][:top]
    return wide.reindex(order + ([-1] if -1 in wide.index else []))


def _shown(table: pd.DataFrame, column: str) -> list | None:
    """The :data:`MAX_COLUMNS_SHOWN` classes (the largest) or periods (the latest) a figure draws, sorted;
    None when it draws them all."""
    values = table[column].unique()
    if len(values) <= MAX_COLUMNS_SHOWN:
        return None
    if column == "period":
        return sorted(values)[-MAX_COLUMNS_SHOWN:]
    counts = table.groupby(column)["count"].sum().sort_values(ascending=False, kind="stable")
    return sorted(counts.index[:MAX_COLUMNS_SHOWN])


def _of_how_many(table: pd.DataFrame, column: str) -> str:
    """What a title adds when the figure draws only some of the classes or periods: " (40 sur 10 000)"."""
    total = table[column].nunique()
    if total <= MAX_COLUMNS_SHOWN:
        return ""
    which = "dernières périodes" if column == "period" else "plus grandes classes"
    return f" ({MAX_COLUMNS_SHOWN} {which} sur {total:,})".replace(",", "\u202f")


def _cluster_label(table: pd.DataFrame, cluster: int) -> str:
    names = dict(zip(table["cluster"], table["cluster_name"]))
    return "(hors groupe)" if cluster < 0 else f"{_short(names.get(cluster, ''), 30)} ({cluster})"


def representation_heatmap(table: pd.DataFrame, *, top: int = 30) -> Figure:
    """Heatmap of the adjusted standardised residuals, clusters x classes (or periods).

    Red where a cluster is over-represented in a class, blue where under; the cells the test marks
    (a non-empty ``representation``, :func:`flaucluster.compare.compare`) are outlined. Rows outside any
    group are left out. At most :data:`MAX_COLUMNS_SHOWN` columns are drawn: the largest classes, or the
    latest periods (the title then says of how many). Without any cluster or class, the figure says so ("aucun groupe").

    Parameters
    ----------
    table : pandas.DataFrame
        A long table of :func:`flaucluster.compare.by_class` or :func:`flaucluster.compare.over_time`
        (a ``class`` or a ``period`` column); ``table.attrs["column"]``, when set, names the column in
        the title.
    top : int, default 30
        The number of clusters shown (the largest).

    Returns
    -------
    matplotlib.figure.Figure
        The heatmap; nothing is shown or saved.
    """
    column = "class" if "class" in table else "period"
    wide = _wide(table[table["cluster"] >= 0], column, "residual", top)
    marks = _wide(
        table[table["cluster"] >= 0].assign(flag=(table["representation"] != "").astype(int)), column, "flag", top
    )
    n, m = wide.shape
    fig, ax = plt.subplots(figsize=(min(4 + 0.6 * m, 16), min(2.5 + 0.3 * n, 16)))
    if not n or not m:
        ax.text(0.5, 0.5, "aucun groupe", ha="center")
        ax.axis("off")
        return fig
    lim = max(2.0, float(np.nanmax(np.abs(wide.to_numpy()))))
    im = ax.imshow(wide.to_numpy(dtype=float), cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    for i, j in zip(*np.nonzero(marks.to_numpy() > 0)):
        ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=1.5, color="black"))
    ax.set_xticks(range(m), [_short(c or "(vide)", 20) for c in wide.columns], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(n), [_cluster_label(table, int(c)) for c in wide.index], fontsize=7)
    fig.colorbar(im, ax=ax, fraction=0.04, label="résidu standardisé ajusté")
    ax.set_title(
        f"Groupes sur- et sous-représentés par {_short(table.attrs.get('column', column), 30)}"
        + _of_how_many(table, column)
    )
    fig.tight_layout()
    return fig


def class_shares(table: pd.DataFrame, *, top: int = 12, colors: Mapping[int, str] | None = None) -> Figure:
    """Stacked bars: what each class (or period) is made of, the share of its rows in each cluster.

    One bar per class (at most :data:`MAX_COLUMNS_SHOWN`: the largest classes, or the latest periods, the
    title then saying of how many),
    stacked from the ``top`` largest clusters, then the rows outside any group. Shares are of all the
    class's rows, so a bar falls short of 1 by the share of the clusters not shown.

    Parameters
    ----------
    table : pandas.DataFrame
        A long table of :func:`flaucluster.compare.by_class` or :func:`flaucluster.compare.over_time`
        (a ``class`` or a ``period`` column); ``table.attrs["column"]``, when set, names the column in
        the title.
    top : int, default 12
        The number of clusters stacked (the largest).
    colors : mapping of int to str or None, optional
        Cluster id -> ``#rrggbb`` (``topic_info()``'s ``color`` column); None: :func:`cluster_color` by id.

    Returns
    -------
    matplotlib.figure.Figure
        The bar chart; nothing is shown or saved.
    """
    column = "class" if "class" in table else "period"
    wide = _wide(table, column, "count", top)
    totals = table.groupby(column)["count"].sum().reindex(wide.columns)  # the rows of the columns shown
    shares = wide.div(np.maximum(totals, 1), axis=1)
    fig, ax = plt.subplots(figsize=(min(4 + 0.7 * shares.shape[1], 16), 5))
    bottom = np.zeros(shares.shape[1])
    for c in shares.index:
        ax.bar(
            range(shares.shape[1]),
            shares.loc[c],
            bottom=bottom,
            color=cluster_color(int(c), colors),
            label=_cluster_label(table, int(c)),
        )
        bottom += shares.loc[c].to_numpy()
    ax.set_xticks(
        range(shares.shape[1]), [_short(c or "(vide)", 20) for c in shares.columns], rotation=45, ha="right", fontsize=8
    )
    ax.set_ylabel("part des lignes")
    ax.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
    ax.set_title(f"Composition par {_short(table.attrs.get('column', column), 30)}" + _of_how_many(table, column))
    fig.tight_layout()
    return fig


def over_time_lines(table: pd.DataFrame, *, top: int = 10, colors: Mapping[int, str] | None = None) -> Figure:
    """Lines: the number of rows of each of the ``top`` largest clusters in each period.

    Rows without a period (no date, or one that does not parse) and rows outside any group are left out;
    at most the :data:`MAX_COLUMNS_SHOWN` latest periods are drawn (the title then says of how many).

    Parameters
    ----------
    table : pandas.DataFrame
        A long table of :func:`flaucluster.compare.over_time` (a ``period`` column).
    top : int, default 10
        The number of clusters drawn (the largest).
    colors : mapping of int to str or None, optional
        Cluster id -> ``#rrggbb`` (``topic_info()``'s ``color`` column); None: :func:`cluster_color` by id.

    Returns
    -------
    matplotlib.figure.Figure
        The line chart; nothing is shown or saved.
    """
    dated = table[table["period"] != ""]
    wide = _wide(dated, "period", "count", top)
    wide = wide.loc[[c for c in wide.index if c >= 0]]
    fig, ax = plt.subplots(figsize=(9, 5))
    for c in wide.index:
        ax.plot(
            range(wide.shape[1]),
            wide.loc[c],
            marker="o",
            color=cluster_color(int(c), colors),
            label=_cluster_label(table, int(c)),
        )
    ax.set_xticks(range(wide.shape[1]), list(wide.columns), rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("lignes")
    if len(wide):
        ax.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
    ax.set_title("Groupes dans le temps" + _of_how_many(dated, "period"))
    fig.tight_layout()
    return fig


def dendrogram(tree: dict) -> Figure:
    """Dendrogram of the clusters, from :meth:`TopicModel.hierarchy`.

    With more than :data:`MAX_ROWS_SHOWN` clusters, only the top of the tree is drawn (its last merges,
    leaf counts in brackets); with fewer than two, the figure says there is no hierarchy.

    Parameters
    ----------
    tree : dict
        ``clusters`` (the cluster ids), ``names`` (their names, in the same order) and ``linkage`` (the
        scipy average-linkage matrix of :func:`flaucluster.hierarchy.cluster_linkage`), as
        :meth:`TopicModel.hierarchy` returns them.

    Returns
    -------
    matplotlib.figure.Figure
        The dendrogram; nothing is shown or saved.
    """
    from scipy.cluster.hierarchy import dendrogram as scipy_dendrogram

    n = len(tree["clusters"])
    fig, ax = plt.subplots(figsize=(9, max(3, 0.3 * min(n, MAX_ROWS_SHOWN) + 1)))
    if n >= 2:
        labels = [f"{_short(nm, 34)} ({c})" for c, nm in zip(tree["clusters"], tree["names"])]
        scipy_dendrogram(
            np.asarray(tree["linkage"]),
            labels=labels,
            orientation="right",
            ax=ax,
            leaf_font_size=8,
            color_threshold=None,
            # many clusters: the top of the tree, its last merges (leaf counts in brackets)
            **({"truncate_mode": "lastp", "p": MAX_ROWS_SHOWN} if n > MAX_ROWS_SHOWN else {}),
        )
        ax.set_xlabel("distance cosinus (liaison moyenne)")
    else:
        ax.text(0.5, 0.5, "un seul groupe : pas de hiérarchie", ha="center")
    ax.set_title("Hiérarchie des groupes")
    fig.tight_layout()
    return fig


def interactive_map(coords: np.ndarray, documents: pd.DataFrame):
    """Interactive map: a plotly scatter of the rows, coloured by cluster name, with hover text.

    Needs plotly (the ``notebooks`` extra). Hovering a point shows the first lines of its text (escaped:
    plotly reads hover text as HTML), its id and its cluster. The figure is self-contained when written
    with ``fig.write_html(path, include_plotlyjs=True)``.

    Parameters
    ----------
    coords : numpy.ndarray
        Map coordinates, shape ``(n_rows, 2)``, in the order of ``documents``.
    documents : pandas.DataFrame
        One row per point with the columns ``id``, ``text``, ``cluster`` and ``cluster_name``
        (``TopicModel.document_info()``).

    Returns
    -------
    plotly.graph_objects.Figure
        The scatter plot; nothing is shown or saved.

    See Also
    --------
    cluster_map : The static map (matplotlib).
    """
    import html

    import plotly.express as px

    # plotly reads hover text as (a subset of) HTML: the user's text is escaped, our <br> is not
    df = documents.assign(
        x=coords[:, 0],
        y=coords[:, 1],
        hover=documents["text"].map(lambda t: "<br>".join(html.escape(line) for line in textwrap.wrap(str(t), 80)[:4])),
    )
    return px.scatter(
        df,
        x="x",
        y="y",
        color=df["cluster_name"].astype(str),
        hover_name="hover",
        hover_data={"x": False, "y": False, "id": True, "cluster": True},
        render_mode="webgl",
        height=700,
    )
