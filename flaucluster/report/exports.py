"""Writing every export of a fitted (or loaded) model into one folder, atomically file by file.

The report works from results (DataFrames, dicts, arrays) gathered once in :class:`ReportInputs`,
so ``flaucluster report`` on a saved model gives the same files as ``flaucluster cluster``.
"""
from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import plots
from ..io import atomic_path, write_csv, write_json, write_text

if TYPE_CHECKING:
    from ..model import TopicModel

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
ASSIGNMENT_COLUMNS = ["id", "text", "cluster", "cluster_name", "probability", "is_outlier"]


@dataclass
class ReportInputs:
    topics: pd.DataFrame          # topic_info()
    documents: pd.DataFrame       # document_info()
    summary: dict[str, Any]
    parameters: dict[str, Any]
    metrics: dict[str, Any]
    coords: np.ndarray            # 2-D map coordinates, one row per document
    tree: dict[str, Any]          # hierarchy()
    similarity: tuple[np.ndarray, np.ndarray]


def report_inputs(model: "TopicModel", *, truth=None, coords: np.ndarray | None = None) -> ReportInputs:
    from ..hierarchy import similarity
    from ..reduce import map_2d

    if coords is None:
        coords = np.zeros((len(model.texts_), 2), dtype=np.float32)
        ok = np.array(model.status_) == "ok"
        coords[ok] = map_2d(model.embeddings_[ok], seed=model.seed)
    params = {k: v for k, v in model.get_params().items() if isinstance(v, (str, int, float, bool, tuple, list,
                                                                            type(None)))}
    return ReportInputs(model.topic_info(), model.document_info(), model.summary(), params,
                        model.evaluate(truth), coords, model.hierarchy(),
                        similarity(model.embeddings_, model.labels_))


def assignments(inputs: ReportInputs) -> pd.DataFrame:
    docs = inputs.documents
    extra = [c for c in docs.columns if c not in ASSIGNMENT_COLUMNS]
    return docs[ASSIGNMENT_COLUMNS + extra]


def topics_payload(inputs: ReportInputs) -> dict[str, Any]:
    clusters = []
    for _, t in inputs.topics.iterrows():
        entry = {"id": int(t["cluster"]), "size": int(t["size"]), "name": t["name"],
                 "keywords": [{"keyword": k, "weight": w} for k, w in zip(t["keywords"], t["keyword_weights"])],
                 "representatives": list(t["representatives"])}
        if "stability" in t:
            entry["stability"] = float(t["stability"])
            entry["unstable"] = bool(t["unstable"])
        clusters.append(entry)
    s = inputs.summary
    return {"model": s["model"], "parameters": inputs.parameters, "clustering": s["clustering"],
            "rows": s["rows"], "usable_rows": s["usable_rows"], "unusable_rows": s["unusable_rows"],
            "unassigned_rows": s["outliers"], "unassigned_after_reassignment": s["outliers_after_reassignment"],
            "outliers_note": "assignments: cluster_original keeps the first assignment (-1 = outlier), "
                             "cluster_reassigned puts every outlier in its nearest cluster, cluster is the one "
                             "in use (reassigned only with --reassign-outliers)",
            "stability": s.get("stability"), "metrics": inputs.metrics, "clusters": clusters}


def figures(inputs: ReportInputs) -> dict[str, Any]:
    names = {int(c): n for c, n in zip(inputs.topics["cluster"], inputs.topics["name"])}
    labels = inputs.documents["cluster"].to_numpy()
    ids, sim = inputs.similarity
    return {
        "carte": plots.cluster_map(inputs.coords, labels, names),
        "tailles": plots.cluster_sizes(inputs.topics, n_outliers=inputs.summary["outliers_after_reassignment"]),
        "mots_cles": plots.top_keywords(inputs.topics),
        "similarite": plots.similarity_heatmap(ids, sim, names),
        "hierarchie": plots.dendrogram(inputs.tree),
    }


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def write_report(inputs: ReportInputs, out_dir: str | Path) -> dict[str, Path]:
    """Write every export into ``out_dir``; returns {kind: path}."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    table = assignments(inputs)
    write_csv(out / "assignments.csv", table)
    with atomic_path(out / "assignments.parquet") as tmp:
        table.to_parquet(tmp, index=False)
    payload = topics_payload(inputs)
    write_json(out / "topics.json", payload)
    topics_sheet = inputs.topics.assign(
        keywords=inputs.topics["keywords"].map(", ".join),
        keyword_weights=inputs.topics["keyword_weights"].map(lambda ws: ", ".join(f"{w:.4f}" for w in ws)),
        representatives=inputs.topics["representatives"].map(" | ".join))
    with atomic_path(out / "clusters.xlsx") as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            topics_sheet.to_excel(xl, sheet_name="groupes", index=False)
            table.to_excel(xl, sheet_name="lignes", index=False)
    pngs = {name: _png(fig) for name, fig in figures(inputs).items()}
    for name, data in pngs.items():
        with atomic_path(out / "figures" / f"{name}.png") as tmp:
            tmp.write_bytes(data)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    context = {"p": payload, "summary": inputs.summary,
               "images": {k: base64.b64encode(v).decode("ascii") for k, v in pngs.items()}}
    write_text(out / "summary.md", env.get_template("summary.md.j2").render(**context))
    write_text(out / "report.html", env.get_template("report.html.j2").render(**context))
    for kind, name in [("assignments_csv", "assignments.csv"), ("assignments_parquet", "assignments.parquet"),
                       ("topics_json", "topics.json"), ("xlsx", "clusters.xlsx"), ("markdown", "summary.md"),
                       ("html", "report.html")]:
        written[kind] = out / name
    logger.info("Report written to %s", out)
    return written
