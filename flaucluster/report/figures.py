"""The report's PNG figures, from the few results they draw (:class:`FigureData`).

Kept apart from the other exports so that they can be drawn in a helper process
(:mod:`flaucluster.offload`) while the main one writes the tables: :class:`FigureData` is small to send,
and only this module needs matplotlib.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

PNG_DPI = 110


@dataclass(frozen=True)
class FigureData:
    """What the figures show of a :class:`~flaucluster.report.exports.ReportInputs`: little, to send to another process."""

    topics: pd.DataFrame  # one row per cluster: cluster, name, size, keywords, keyword_weights, color
    labels: np.ndarray  # each row's cluster
    coords: np.ndarray  # each row's place on the map
    similarity: tuple[np.ndarray, np.ndarray]  # (cluster ids, centroid cosine similarities)
    tree: dict
    n_outliers: int  # rows left unassigned
    breakdowns: list[tuple[int, pd.DataFrame]]  # the guided analysis's tables drawn, by their index

    @classmethod
    def of(
        cls,
        topics: pd.DataFrame,
        documents: pd.DataFrame,
        summary: dict,
        coords: np.ndarray,
        tree: dict,
        similarity: tuple[np.ndarray, np.ndarray],
        breakdowns: Sequence[pd.DataFrame],
    ) -> FigureData:
        """From the parts of :class:`~flaucluster.report.exports.ReportInputs` of the same names."""
        return cls(
            topics=topics[["cluster", "name", "size", "keywords", "keyword_weights", "color"]],
            labels=documents["cluster"].to_numpy(),
            coords=coords,
            similarity=similarity,
            tree=tree,
            n_outliers=int(summary["outliers_after_reassignment"]),
            breakdowns=[(i, t) for i, t in enumerate(breakdowns) if not t.attrs.get("within")],
        )


Part = Literal["all", "first", "second"]
FIRST = ("carte", "tailles", "similarite")
"""The figures of the ``"first"`` part, about half of the time to draw them all: two helpers draw the halves."""


def figures(data: FigureData, part: Part = "all") -> dict[str, Any]:
    """Figure name -> matplotlib figure: the map, cluster sizes, keywords, similarity, hierarchy, and for
    each guided-analysis table its residuals, shares and (periods) lines; ``part``: all of them, those of
    :data:`FIRST`, or the others."""
    import matplotlib.pyplot as plt

    from .. import plots

    names = {int(c): n for c, n in zip(data.topics["cluster"], data.topics["name"])}
    colors = {int(c): str(v) for c, v in zip(data.topics["cluster"], data.topics["color"])}  # the map's own
    ids, sim = data.similarity
    coords = data.coords
    make: dict[str, Callable[[], Any]] = {
        "carte": lambda: plots.cluster_map(coords, data.labels, names, colors=colors),
        "tailles": lambda: plots.cluster_sizes(data.topics, n_outliers=data.n_outliers),
        "mots_cles": lambda: plots.top_keywords(data.topics),
        "similarite": lambda: plots.similarity_heatmap(ids, sim, names),
        "hierarchie": lambda: plots.dendrogram(data.tree),
    }
    for i, table in data.breakdowns:
        make[f"residus_{i}"] = partial(plots.representation_heatmap, table)
        make[f"parts_{i}"] = partial(plots.class_shares, table, colors=colors)
        if table.attrs["kind"] == "period":
            make[f"temps_{i}"] = partial(plots.over_time_lines, table, colors=colors)
    if part != "all":
        make = {name: draw for name, draw in make.items() if (name in FIRST) == (part == "first")}
    # made at the resolution they are saved at: text laid out for the layout is not laid out again
    with plt.rc_context({"figure.dpi": PNG_DPI}):
        return {name: draw() for name, draw in make.items()}


def draw_pngs(data: FigureData, part: Part = "all") -> dict[str, bytes]:
    """File name under ``figures/`` -> bytes of :func:`figures`: each a PNG (``carte.png``), the map also in
    SVG (``carte.svg``, for a slide or print); the same bytes in any process."""
    out = {}
    for name, fig in figures(data, part).items():
        if name == "carte":
            out["carte.svg"] = svg(fig)
        out[f"{name}.png"] = png(fig)
    return out


def warm_up() -> None:
    """Import matplotlib and draw a small figure with text, so that the first real one finds its fonts loaded
    (a helper process does this while it waits for the figures' data)."""
    import matplotlib.pyplot as plt

    from .. import plots  # noqa: F401  -- imported for the figures to come

    with plt.rc_context({"figure.dpi": PNG_DPI}):
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.set_title("Étudiant·e 0123")
        ax.barh(["a"], [1.0])
        png(fig)


def svg(fig: Any) -> bytes:
    """The SVG bytes of a matplotlib figure (its points rasterised at :data:`PNG_DPI`), leaving it open.

    No date and no random ids in the file: the same figure gives the same bytes."""
    buf = io.BytesIO()
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "flaucluster"}):
        fig.savefig(buf, format="svg", dpi=PNG_DPI, metadata={"Date": None})
    return buf.getvalue()


def png(fig: Any) -> bytes:
    """The PNG bytes of a matplotlib figure at :data:`PNG_DPI`, closing it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI)
    plt.close(fig)
    return buf.getvalue()
