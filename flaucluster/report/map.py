"""``map.html``: every usable row on an interactive canvas map, in one file that works from ``file://``.

The page carries its data as JSON (``<script type="application/json">``, with ``<``, ``>`` and ``&``
escaped so no text can close the block) and flaucluster's own script (``static/map.js``), allowed by
its SHA-256 in a Content-Security-Policy that forbids every request. Why no plotting library: the
WebGL ones (deck.gl, regl-scatterplot, Plotly's scattergl) draw nothing where WebGL is missing (remote
desktops, virtual machines, headless browsers); Plotly's SVG and Bokeh's canvas inline 1–4.6 MB of
script and slow down well before 100k points, and curation (edit log, undo, download) would be our
code around them all the same.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..edits import fingerprint
from ..palette import OUTLIER_COLOR, color_at, shades
from ..state import MAP_MAX_ROWS

STATIC = Path(__file__).parent / "static"
MAP_TEXT = 300  # characters of each row's text carried into the page (search and tooltip) ...
TEXT_BUDGET = 15_000_000  # ... and fewer past 50,000 rows, so that 100k rows stay under 25 MB


def text_limit(n_rows: int) -> int:
    """Characters of each text the page carries: all of a title, the start of a description."""
    return max(80, min(MAP_TEXT, TEXT_BUDGET // max(n_rows, 1)))


_JSON_IN_HTML = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def map_payload(
    documents: pd.DataFrame,
    topics: pd.DataFrame,
    coords: np.ndarray,
    *,
    next_cluster: int,
    custom: set[int] | frozenset[int] = frozenset(),
    new_colors: Sequence[str] = (),
    added: list[bool] | None = None,
    layers: Sequence[pd.DataFrame] = (),
    parents: dict[int, int] | None = None,
) -> dict[str, Any]:
    """What the page draws: the usable rows (unit-square coordinates, id, text, cluster, confidence, and after
    an update whether each is new) and the clusters (id, name, size, keywords, colour); ``new_colors``, those of
    the clusters its edits make; ``layers`` (:func:`flaucluster.views.topic_info` per coarser layer, the
    coarsest first) and ``parents`` (each cluster's group in the finest of them), named as the view zooms out."""
    usable = (documents["status"] == "ok").to_numpy()
    placed = np.isfinite(np.asarray(coords, dtype=np.float64)).all(axis=1)
    ok = usable & placed  # above MAP_MAX_ROWS usable rows, a seeded sample has a place (state.map_coords)
    xy = np.asarray(coords, dtype=np.float64)[ok]
    if len(xy):
        lo, span = xy.min(0), float(np.ptp(xy, axis=0).max()) or 1.0
        xy = (xy - lo) / span * 0.96 + 0.02 + (1 - np.ptp(xy, axis=0) / span) * 0.48  # centred, one scale
    conf = documents["confidence"] if "confidence" in documents else documents["probability"]
    ids = documents["id"].astype(str)
    shared = ids.duplicated(keep=False).to_numpy()[ok]  # among all rows, drawn or not: such rows go by number
    docs = documents[ok]
    limit = text_limit(len(docs))
    return {
        "x": np.round(xy[:, 0], 4).tolist() if len(xy) else [],  # 1/10,000 of the map: finer than a pixel
        "y": np.round(xy[:, 1], 4).tolist() if len(xy) else [],
        "row": docs["row"].astype(int).tolist(),
        "id": docs["id"].astype(str).tolist(),
        "shared": np.flatnonzero(shared).tolist(),
        "text": [t if len(t) <= limit else t[: limit - 1] + "…" for t in docs["text"].astype(str)],
        "cluster": docs["cluster"].astype(int).tolist(),
        "conf": np.round(conf[ok].astype(float).fillna(0.0), 2).tolist(),
        "clusters": [
            {
                "id": int(t.cluster),
                "name": str(t.name),
                "size": int(t.size),
                "keywords": list(t.keywords)[:5],
                "custom": int(t.cluster) in custom,
                "theme": str(getattr(t, "theme_id", "")),  # "" for a new group: what the themes miss
                "color": str(getattr(t, "color", "") or color_at(int(t.cluster))),
            }
            for t in topics.itertuples()
        ],
        "outlier_color": OUTLIER_COLOR,
        # a new group made on the page takes these in turn, never a colour in use (palette.py)
        "new_colors": list(new_colors) or [color_at(int(next_cluster) + i) for i in range(32)],
        "has_themes": "theme_id" in topics,
        "next_id": int(next_cluster),
        "made_on": fingerprint(ids.tolist(), documents["cluster"].astype(int).to_numpy()),
        "layers": map_layers(layers, parents or {}),
        "unusable": int((~usable).sum()),
        "not_drawn": int((usable & ~placed).sum()),
        **({"added": np.asarray(added, dtype=bool)[ok].astype(int).tolist()} if added is not None else {}),
    }


def map_layers(tables: Sequence[pd.DataFrame], parents: dict[int, int]) -> list[dict[str, Any]]:
    """Per coarser layer (the coarsest first): its groups (id, name) and each cluster's group in it (``of``); the
    coarsest also gives each group a colour and each of its clusters a shade of it (``shade``)."""
    out: list[dict[str, Any]] = []
    of = {int(c): int(g) for c, g in parents.items()}
    for table in reversed(tables):
        out.append(
            {
                "groups": [{"id": int(g.cluster), "name": str(g.name)} for g in table.itertuples()],
                "of": {str(c): g for c, g in sorted(of.items())},
            }
        )
        up = {int(g.cluster): g.parent for g in table.itertuples()}
        of = {c: int(up[g]) for c, g in of.items() if g in up and not pd.isna(up[g])}
    out = out[::-1]
    if out:  # colour by domain: each top group a colour of the palette, its clusters shades of it
        top = out[0]
        colors: dict[str, str] = {}
        for slot, group in enumerate(top["groups"]):
            members = sorted(int(c) for c, g in top["of"].items() if g == group["id"])
            group["color"] = color_at(slot)
            colors.update({str(c): s for c, s in zip(members, shades(group["color"], len(members)))})
        top["shade"] = colors
    return out


def json_for_html(payload: dict[str, Any]) -> str:
    """JSON that can sit inside a ``<script type="application/json">`` whatever the texts hold."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).translate(_JSON_IN_HTML)


def script() -> str:
    return (STATIC / "map.js").read_text(encoding="utf-8")


def page_script() -> str:
    """map.js and the lines that start it on the page's data."""
    return (
        script()
        + '\nwindow.flaumap = flauMount(document.getElementById("flau-root"), '
        + 'JSON.parse(document.getElementById("flau-data").textContent));\n'
    )


def csp(inline_script: str) -> str:
    """No request of any kind; only this exact script runs."""
    digest = base64.b64encode(hashlib.sha256(inline_script.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data: blob:; "
        "connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


def stylesheet() -> str:
    return (STATIC / "map.css").read_text(encoding="utf-8")


def render_page(
    documents: pd.DataFrame,
    topics: pd.DataFrame,
    coords: np.ndarray,
    *,
    next_cluster: int,
    custom: set[int] | frozenset[int] = frozenset(),
    new_colors: Sequence[str] = (),
    added: list[bool] | None = None,
    layers: Sequence[pd.DataFrame] = (),
    parents: dict[int, int] | None = None,
) -> str:
    """The whole map.html: rows from :meth:`~flaucluster.model.TopicModel.document_info`, clusters
    from ``topic_info()``, 2-D coordinates one row per document."""
    from markupsafe import Markup

    from .templating import environment

    payload = map_payload(
        documents,
        topics,
        coords,
        next_cluster=next_cluster,
        custom=custom,
        new_colors=new_colors,
        added=added,
        layers=layers,
        parents=parents,
    )
    code = page_script()
    return (
        environment(markdown=False)
        .get_template("map.html.j2")
        .render(
            csp=Markup(csp(code)),  # ours, not user text; the data below is escaped for a script block
            stylesheet=Markup(stylesheet()),
            script=Markup(code),
            data=Markup(json_for_html(payload)),
            n_rows=len(payload["x"]),
            n_clusters=len(payload["clusters"]),
            unusable=payload["unusable"],
            not_drawn=payload["not_drawn"],
            max_rows=f"{MAP_MAX_ROWS:,}".replace(",", "\u202f"),
        )
    )
