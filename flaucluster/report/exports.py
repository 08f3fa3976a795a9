"""Writing every export of a fitted (or loaded) model into one folder, complete or not at all.

The report works from results (DataFrames, dicts, arrays) gathered once in :class:`ReportInputs`,
so ``flaucluster report`` on a saved model gives the same files as ``flaucluster cluster``.
Everything a user wrote is escaped on the way out: HTML (autoescaped templates and a
Content-Security-Policy that allows no script and no request), Markdown, and spreadsheet cells
(:mod:`flaucluster.report.cells`).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..io import atomic_path, write_csv, write_json, write_text
from ..palette import OUTLIER_COLOR
from ..runfolder import staged
from ..timing import stage
from .cells import safe_frame, write_xlsx
from .figures import FigureData, draw_pngs
from .templating import environment as _environment

if TYPE_CHECKING:
    from ..state import FittedState

logger = logging.getLogger(__name__)
ASSIGNMENT_COLUMNS = ["id", "text", "cluster", "cluster_name", "probability", "is_outlier"]
RUN_KIND = "run"
# clusters.xlsx speaks French like its sheet names (the CSV, Parquet and JSON keep the English names code reads)
XLSX_HEADERS = {
    "id": "id",
    "text": "texte",
    "cluster": "groupe",
    "cluster_name": "nom du groupe",
    "probability": "probabilité",
    "is_outlier": "hors groupe",
    "cluster_original": "groupe initial",
    "cluster_reassigned": "groupe réattribué",
    "status": "statut",
    "confidence": "confiance",
    "row": "ligne du fichier",
    "size": "lignes",
    "name": "nom",
    "keywords": "mots-clés",
    "keyword_weights": "poids des mots-clés",
    "representatives": "phrases représentatives",
    "edited": "modifié",
    "color": "couleur",
    "stability": "stabilité",
    "unstable": "instable",
    "theme_id": "thème",
    # the guided analysis's sheets
    "theme_label": "libellé du thème",
    "theme_score": "score du thème",
    "threshold": "seuil",
    "count": "lignes",
    "share": "part",
    "mean_score": "score moyen",
    "weakest": "les plus faibles",
    "class": "classe",
    "period": "période",
    "within": "dans",
    "share_of_class": "part de la classe",
    "share_of_cluster": "part du groupe",
    "share_of_period": "part de la période",
    "expected": "attendu",
    "residual": "résidu",
    "p_value": "p",
    "p_adjusted": "p ajusté",
    "representation": "représentation",
    # an update's sheets
    "change": "changement",
    "cluster_before": "groupe avant",
    "cluster_after": "groupe après",
    "name_before": "nom avant",
    "name_after": "nom après",
    "row_before": "ligne avant",
    "size_before": "lignes avant",
    "size_after": "lignes après",
    "gained": "gagnées",
    "lost": "perdues",
    # the layers above the clusters (0 the coarsest)
    **{f"layer{i}": f"niveau {i}" for i in range(4)},
    **{f"layer{i}_name": f"nom du niveau {i}" for i in range(4)},
}
# The report needs inline styles and data: images, nothing else: no script, no request, no form. No
# frame-ancestors: a <meta> policy cannot carry it (browsers ignore it there and log an error on every open).
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@dataclass
class ReportInputs:
    """Everything the report shows of a model, gathered once: results, not the estimator.

    Made by :func:`report_inputs`; :func:`write_report` writes every export from it alone, so a saved
    model reports the same as the run that fitted it.

    Parameters
    ----------
    topics : pandas.DataFrame
        One row per cluster (:func:`flaucluster.views.topic_info`).
    documents : pandas.DataFrame
        One row per input row (:func:`flaucluster.views.document_info`).
    summary : dict
        :func:`flaucluster.views.summary`: row counts, clusters, outliers, model, clustering, advice.
    parameters : dict
        The model's parameters as plain data, by component (the state's ``params``).
    metrics : dict
        :func:`flaucluster.views.evaluate`, with ARI/NMI when ``truth`` is given.
    coords : numpy.ndarray
        2-D map coordinates, one row per document.
    tree : dict
        :func:`flaucluster.views.hierarchy`: cluster ids, names and linkage matrix.
    similarity : tuple of numpy.ndarray
        (cluster ids, cosine similarity between their centroids), :func:`flaucluster.hierarchy.similarity`.
    truth : list or None, optional
        Known labels, one per row, for ARI/NMI only.
    edits : list of dict, optional
        The model's edit log, oldest first.
    next_cluster : int, default 0
        The id a new cluster made on the map gets (the same as ``flaucluster edit`` gives).
    custom_names : dict of int to str, optional
        The cluster names a user set.
    themes : pandas.DataFrame or None, optional
        One row per theme, empty ones included (:func:`flaucluster.views.theme_info`); None without themes.
    breakdowns : list of pandas.DataFrame, optional
        The guided analysis's tables (:func:`flaucluster.guided.by_class` / :func:`flaucluster.guided.over_time`).
    row_columns : dict of str to list, optional
        Each row's class or period, by column name, added to the assignments.
    parts : list of (str, int), optional
        The input files and their number of rows, when there were several: ``assignments.parquet`` is then a
        folder with one ``part-NNNNN.parquet`` per input file that has rows, in order.
    drawing : list of concurrent.futures.Future, optional
        The PNG figures being drawn elsewhere (``report_inputs(executor=...)``), the map's first; none: drawn
        when written.
    changes : pandas.DataFrame or None, optional
        For a run made by an update, what changed row by row (:func:`flaucluster.lineage.changes_table`):
        written as ``changes.csv``.
    evolution : dict or None, optional
        For a run made by an update, the clusters before and after (:func:`flaucluster.lineage.evolution`): the
        report's section « Évolutions ».
    layers : list of pandas.DataFrame, optional
        One table per layer above the clusters, the coarsest first (:func:`flaucluster.views.topic_info`).
    parents : dict of int to int, optional
        Each cluster's group in the finest of those layers.
    new_colors : list of str, optional
        The colours of the next clusters an edit makes (ids ``next_cluster`` on), for the map's own edits.
    """

    topics: pd.DataFrame  # views.topic_info
    documents: pd.DataFrame  # views.document_info
    summary: dict[str, Any]
    parameters: dict[str, Any]
    metrics: dict[str, Any]
    coords: np.ndarray  # 2-D map coordinates, one row per document
    tree: dict[str, Any]  # views.hierarchy
    similarity: tuple[np.ndarray, np.ndarray]
    truth: list | None = None  # known labels, for ARI/NMI only
    edits: list[dict[str, Any]] = field(default_factory=list)  # the model's edit log, oldest first
    next_cluster: int = 0  # the id a new cluster made on the map gets (the same as `flaucluster edit` gives)
    custom_names: dict[int, str] = field(default_factory=dict)
    themes: pd.DataFrame | None = None  # views.theme_info: one row per theme, empty ones included
    breakdowns: list[pd.DataFrame] = field(default_factory=list)  # guided.by_class / over_time tables
    row_columns: dict[str, list] = field(default_factory=dict)  # each row's class or period, for the assignments
    parts: list[tuple[str, int]] | None = None  # the input files and their rows: assignments.parquet by file
    drawing: list[Future] = field(default_factory=list, repr=False, compare=False)  # figure name -> PNG, aside
    changes: pd.DataFrame | None = None  # an update's changes, row by row (changes.csv)
    evolution: dict[str, Any] | None = None  # an update's clusters before and after (« Évolutions »)
    layers: list[pd.DataFrame] = field(default_factory=list)  # views.topic_info(state, layer) per coarser layer
    parents: dict[int, int] = field(default_factory=dict)  # each cluster's group in the finest coarser layer
    new_colors: list[str] = field(default_factory=list)  # palette.py: the next new clusters' colours, in order


def report_inputs(
    state: FittedState,
    *,
    truth=None,
    breakdowns: Sequence[pd.DataFrame] | None = None,
    executor: Executor | Sequence[Executor] | None = None,
) -> ReportInputs:
    """Gather what the report shows of a fitted state (a fit's, a curation's or a loaded one: the same function).

    The guided analysis's tables are ``breakdowns`` when given (:func:`flaucluster.guided.by_class`,
    :func:`flaucluster.guided.over_time`), else those of the run's guide (:func:`flaucluster.guided.tables`).
    The map is the state's (laid out by the fit and kept through edits), so every report draws the same map.

    Parameters
    ----------
    state : flaucluster.state.FittedState
        A fitted state: ``model.state_``, ``curation.state`` or :func:`flaucluster.persist.load_state`'s.
    truth : sequence or None, optional
        Known labels, one per row: the metrics then include ARI and NMI.
    breakdowns : sequence of pandas.DataFrame or None, optional
        Guided-analysis tables to report; None: those of the state's guide, or none.
    executor : concurrent.futures.Executor, sequence of them, or None, optional
        Where to draw the PNG figures, from as soon as what they show is known, while the rest is gathered and
        written (the ``cluster`` command's :class:`flaucluster.offload.Helper` processes, or a process pool);
        given two, each draws about half of them. If that fails, :func:`write_report` draws them itself.
        None: drawn by :func:`write_report`.

    Returns
    -------
    ReportInputs
        The results to write with :func:`write_report`.
    """
    from ..guided import tables
    from ..lineage import changes_table, evolution
    from ..state import complete
    from ..views import document_info, evaluate, hierarchy, layer_tables, next_colors, summary, theme_info, topic_info

    if state.map_coords is None or state.similarity is None or state.labels_reassigned is None:
        state = complete(state)  # a state built by hand: the same derived views a fit adds
    assert state.map_coords is not None and state.similarity is not None
    guide = state.guide
    row_columns = guide.columns() if guide is not None else {}
    if breakdowns is None:
        with stage("guided analysis"):
            breakdowns = tables(state)
    topics, documents, info = topic_info(state), document_info(state), summary(state)
    tree = hierarchy(state)
    drawing: list[Future] = []
    if executor is not None:  # drawn while the metrics are computed and the tables written
        data = FigureData.of(topics, documents, info, state.map_coords, tree, state.similarity, breakdowns)
        executors = [executor] if isinstance(executor, Executor) else list(executor)
        drawing = [executors[0].submit(draw_pngs, data, "first"), executors[-1].submit(draw_pngs, data, "second")]
    truth = None if truth is None else list(truth)
    with stage("metrics"):
        metrics = evaluate(state, truth)
    history = state.history
    return ReportInputs(
        topics,
        documents,
        info,
        state.params,
        metrics,
        state.map_coords,
        tree,
        state.similarity,
        truth,
        [dict(e) for e in history.edits] if history is not None else [],
        history.next_id if history is not None else max(state.names(), default=-1) + 1,
        dict(state.custom_names),
        theme_info(state),
        list(breakdowns),
        row_columns,
        state.parts,
        drawing,
        changes_table(state),
        evolution(state),
        *layer_tables(state),
        next_colors(state),
    )


def assignments(inputs: ReportInputs) -> pd.DataFrame:
    docs = inputs.documents.copy()
    for name, values in inputs.row_columns.items():  # each row's class and period, as the tables counted them
        docs[name if name not in docs else f"{name}_"] = values
    extra = [c for c in docs.columns if c not in ASSIGNMENT_COLUMNS]
    return docs[ASSIGNMENT_COLUMNS + extra]


def french(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with clusters.xlsx's French headers; a column of the user's that has a French header's name
    keeps it, and the column that would take it keeps its English one."""
    taken = set(table.columns)
    renamed: dict[str, str] = {}
    for column in table.columns:
        french_name = XLSX_HEADERS.get(column)
        if french_name is not None and (french_name == column or french_name not in taken):
            renamed[column] = french_name
            taken.add(french_name)  # two columns never take the same header
    return table.rename(columns=renamed)


def guided_payload(inputs: ReportInputs) -> dict[str, Any]:
    """topics.json's guided analysis: the themes, and ``by`` / ``over_time`` as {column: {class or period:
    {cluster_id: count}}}, with each table's test."""
    from ..compare import nested_counts

    out: dict[str, Any] = {}
    if inputs.themes is not None:
        themes = inputs.summary["clustering"].get("themes", {})
        out["themes"] = {**themes, "table": inputs.themes.to_dict(orient="records")}
    for table in inputs.breakdowns:
        a = table.attrs
        if a.get("within"):  # {class: {period: {cluster_id: count}}}, in one pass: there may be 100,000 classes
            per_class: dict[str, dict[str, dict[str, int]]] = {}
            for k, period, c, n in zip(table["class"], table["period"], table["cluster"], table["count"]):
                if n:
                    per_class.setdefault(str(k), {}).setdefault(str(period), {})[str(c)] = int(n)
            out.setdefault("over_time_by", {}).setdefault(a["column"], {})[a["within"]] = per_class
            continue
        key = "by" if a["kind"] == "class" else "over_time"
        out.setdefault(key, {})[a["column"]] = nested_counts(table, "class" if key == "by" else "period")
        out.setdefault("tests", {}).setdefault(key, {})[a["column"]] = {
            **(a.get("test") or {}),
            **({"freq": a["freq"], "unparsed_rows": a["unparsed"]} if key == "over_time" else {}),
        }
    return out


def topics_payload(inputs: ReportInputs) -> dict[str, Any]:
    clusters = []
    for _, t in inputs.topics.iterrows():
        entry = {
            "id": int(t["cluster"]),
            "size": int(t["size"]),
            "name": t["name"],
            "keywords": [{"keyword": k, "weight": w} for k, w in zip(t["keywords"], t["keyword_weights"])],
            "representatives": list(t["representatives"]),
            "color": t["color"],  # palette.py: the map, the widget and the figures paint this cluster so
        }
        entry["edited"] = bool(t["edited"])
        if "stability" in t:
            entry["stability"] = None if pd.isna(t["stability"]) else float(t["stability"])
            entry["unstable"] = bool(t["unstable"])
        clusters.append(entry)
    s = inputs.summary
    return {
        "model": s["model"],
        "parameters": inputs.parameters,
        "clustering": s["clustering"],
        "rows": s["rows"],
        "usable_rows": s["usable_rows"],
        "unusable_rows": s["unusable_rows"],
        "unassigned_rows": s["outliers"],
        "unassigned_after_reassignment": s["outliers_after_reassignment"],
        "outliers_note": "assignments: cluster_original keeps the first assignment (-1 = outlier), "
        "cluster_reassigned puts every outlier in its nearest cluster, cluster is the one in use "
        "(outliers moved there only up to the --max-unassigned target, or all with --reassign-outliers)",
        "stability": s.get("stability"),
        "metrics": inputs.metrics,
        "advice": s.get("advice", []),
        "clusters": clusters,
        "unassigned_color": OUTLIER_COLOR,  # the one grey
        "layers": layers_payload(inputs, clusters),
        "edits": inputs.edits,
        **guided_payload(inputs),
        **({"parent": inputs.evolution["parent"], "evolution": inputs.evolution} if inputs.evolution else {}),
    }


def layers_payload(inputs: ReportInputs, clusters: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """topics.json's ``layers``: from the coarsest to the clusters, each group with its ``parent`` (None at the top)."""
    out = [
        [
            {
                "id": int(g["cluster"]),
                "name": g["name"],
                "size": int(g["size"]),
                "parent": None if pd.isna(g["parent"]) else int(g["parent"]),
                "children": [int(c) for c in g["children"]],
                "keywords": list(g["keywords"]),
                "renamed": bool(g["renamed"]),
            }
            for _, g in table.iterrows()
        ]
        for table in inputs.layers
    ]
    finest = [
        {
            **{k: c[k] for k in ("id", "name", "size")},
            "parent": inputs.parents.get(c["id"]),
            "keywords": [k["keyword"] for k in c["keywords"]],
        }
        for c in clusters
    ]
    return [*out, finest]


def tree_nodes(levels: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The layers as nested nodes for the report's tree (``children`` holding nodes); none with a single level."""

    def node(level: int, group: dict[str, Any]) -> dict[str, Any]:
        below = levels[level + 1] if level + 1 < len(levels) else []
        return {
            **group,
            "leaf": not below,
            "children": [node(level + 1, c) for c in below if c["parent"] == group["id"]],
        }

    return [node(0, g) for g in levels[0]] if len(levels) > 1 else []


def guided_sheets(inputs: ReportInputs) -> dict[str, pd.DataFrame]:
    """The XLSX sheets of the guided analysis: themes, one per --by / --time table, period keywords."""
    sheets: dict[str, pd.DataFrame] = {}
    if inputs.themes is not None:
        sheets["thèmes"] = inputs.themes.assign(
            cluster=inputs.themes["cluster"].map(lambda c: "" if c is None else str(c)),
            representatives=inputs.themes["representatives"].map(" | ".join),
            weakest=inputs.themes["weakest"].map(" | ".join),
        )
    for table in inputs.breakdowns:
        a = table.attrs
        kind = "temps" if a["kind"] == "period" else "par"
        name = f"{kind} {a['column']}" + (f" par {a['within']}" if a.get("within") else "")
        sheets[_sheet_name(name, sheets)] = table
        if isinstance(a.get("keywords"), pd.DataFrame):
            sheets[_sheet_name(f"mots {a['column']}", sheets)] = a["keywords"].assign(
                keywords=a["keywords"]["keywords"].map(", ".join)
            )
    return {name: french(sheet) for name, sheet in sheets.items()}


def evolution_sheets(inputs: ReportInputs) -> dict[str, pd.DataFrame]:
    """An update's sheets: « évolutions » (per cluster) and « changements » (per row)."""
    if inputs.evolution is None or inputs.changes is None:
        return {}
    from ..lineage import evolution_frame

    return {"évolutions": french(evolution_frame(inputs.evolution)), "changements": french(inputs.changes)}


def _sheet_name(name: str, taken: dict) -> str:
    """An Excel sheet name: 31 characters at most, none of []:*?/\\, unique."""
    base = "".join("_" if c in "[]:*?/\\" else c for c in name)[:28].strip("'") or "feuille"
    out, n = base, 2
    while out.casefold() in {k.casefold() for k in taken}:
        out, n = f"{base} {n}", n + 1
    return out


def write_report(
    inputs: ReportInputs,
    out_dir: str | Path,
    *,
    state: FittedState | None = None,
    raw_cells: bool = False,
) -> dict[str, Path]:
    """Write every export (and, given ``state``, the saved model in ``model/``) into ``out_dir``.

    The folder is written aside and replaces ``out_dir`` as a whole only once everything is written:
    ``assignments.csv`` and ``.parquet``, ``topics.json``, ``clusters.xlsx``, ``summary.md``,
    ``report.html``, ``map.html`` and the PNG figures under ``figures/`` (the map also as ``carte.svg``).

    Parameters
    ----------
    inputs : ReportInputs
        What to report (:func:`report_inputs`).
    out_dir : str or os.PathLike
        The report folder: new, empty, or a report folder flaucluster wrote and nobody changed since.
    state : flaucluster.state.FittedState or None, optional
        When given, saved into ``out_dir/model`` (with ``inputs.truth``): the state the inputs came from.
    raw_cells : bool, default False
        True writes CSV text cells exactly as they are, without the apostrophe that keeps a spreadsheet
        from running them as formulas.

    Returns
    -------
    dict of str to pathlib.Path
        Kind -> final path: ``assignments_csv``, ``assignments_parquet``, ``topics_json``, ``xlsx``,
        ``markdown``, ``html`` and ``map``.

    Raises
    ------
    InputError
        If ``out_dir`` is a file, cannot be written, or holds files that a new report would destroy
        (checked before anything is written).

    Examples
    --------
    >>> from flaucluster.report import report_inputs, write_report
    >>> paths = write_report(report_inputs(model.state_), "rapport", state=model.state_)  # doctest: +SKIP
    >>> paths["html"]  # doctest: +SKIP
    PosixPath('rapport/report.html')
    """
    out = Path(out_dir)
    with staged(out, RUN_KIND) as tmp:
        if state is not None:
            from ..persist import save_state

            save_state(state, tmp / "model", truth=inputs.truth)
        names = _write_exports(inputs, tmp, raw_cells)
    logger.info("Report written to %s", out)
    return {kind: out / name for kind, name in names.items()}


def _pngs(inputs: ReportInputs) -> dict[str, bytes]:
    """The figures drawn aside, or here when that failed (or was not asked): file name -> bytes."""
    if inputs.drawing:
        try:
            return {name: png for part in inputs.drawing for name, png in part.result().items()}
        except Exception as exc:
            logger.info("the figures were not drawn aside (%s): drawing them here", exc)
    return draw_pngs(
        FigureData.of(
            inputs.topics,
            inputs.documents,
            inputs.summary,
            inputs.coords,
            inputs.tree,
            inputs.similarity,
            inputs.breakdowns,
        )
    )


def _write_exports(inputs: ReportInputs, out: Path, raw_cells: bool) -> dict[str, str]:
    table = assignments(inputs)
    write_csv(out / "assignments.csv", safe_frame(table, raw_cells))
    if inputs.parts:  # one Parquet file per input file, in order: a dataset that Dask, Spark or pandas read whole
        (out / "assignments.parquet").mkdir()
        start = 0
        for i, (_, rows) in enumerate(inputs.parts):
            if rows:
                with atomic_path(out / "assignments.parquet" / f"part-{i:05d}.parquet") as tmp:
                    table.iloc[start : start + rows].to_parquet(tmp, index=False)
            start += rows
    else:
        with atomic_path(out / "assignments.parquet") as tmp:
            table.to_parquet(tmp, index=False)
    if inputs.changes is not None:
        write_csv(out / "changes.csv", safe_frame(inputs.changes, raw_cells))
    payload = topics_payload(inputs)
    write_json(out / "topics.json", payload)
    topics_sheet = inputs.topics.assign(
        keywords=inputs.topics["keywords"].map(", ".join),
        keyword_weights=inputs.topics["keyword_weights"].map(lambda ws: ", ".join(f"{w:.4f}" for w in ws)),
        representatives=inputs.topics["representatives"].map(" | ".join),
    )
    with atomic_path(out / "clusters.xlsx") as tmp:
        write_xlsx(
            tmp,
            {
                "groupes": french(topics_sheet),
                "lignes": french(table),
                **guided_sheets(inputs),
                **evolution_sheets(inputs),
            },
        )
    pngs = _pngs(inputs)
    for name, data in pngs.items():
        with atomic_path(out / "figures" / name) as tmp:
            tmp.write_bytes(data)
    from markupsafe import Markup

    context = {
        "p": payload,
        "guided": guided_context(inputs),
        "tree": tree_nodes(payload["layers"]),
        "summary": inputs.summary,
        "csp": Markup(CSP),  # our constant, not user text
        "images": {
            k[: -len(".png")]: base64.b64encode(v).decode("ascii") for k, v in pngs.items() if k.endswith(".png")
        },
    }
    write_text(out / "summary.md", _environment(markdown=True).get_template("summary.md.j2").render(**context))
    write_text(out / "report.html", _environment(markdown=False).get_template("report.html.j2").render(**context))
    with stage("map"):
        write_text(out / "map.html", render_map(inputs))
    return {
        "assignments_csv": "assignments.csv",
        "assignments_parquet": "assignments.parquet",
        "topics_json": "topics.json",
        "xlsx": "clusters.xlsx",
        "markdown": "summary.md",
        "html": "report.html",
        "map": "map.html",
        **({"changes": "changes.csv"} if inputs.changes is not None else {}),
    }


def guided_context(inputs: ReportInputs) -> dict[str, Any]:
    """What the report's guided-analysis section shows (the template escapes every text)."""
    tables = []
    for i, table in enumerate(inputs.breakdowns):
        a = table.attrs
        if a.get("within"):
            continue
        marked = table[table["representation"] != ""].sort_values("residual", key=abs, ascending=False)
        tables.append(
            {
                "index": i,
                "column": a["column"],
                "kind": a["kind"],
                "freq": a.get("freq"),
                "test": a.get("test") or {},
                "unparsed": a.get("unparsed", []),
                "marked": marked.head(30).to_dict(orient="records"),
                "n_marked": len(marked),
                "keywords": a["keywords"].head(60).to_dict(orient="records")
                if isinstance(a.get("keywords"), pd.DataFrame)
                else [],
            }
        )
    themes = None if inputs.themes is None else inputs.themes.to_dict(orient="records")
    new_groups = []
    if inputs.themes is not None:
        new_groups = inputs.topics[inputs.topics["theme_id"] == ""].to_dict(orient="records")
    return {"tables": tables, "themes": themes, "new_groups": new_groups}


def render_map(inputs: ReportInputs) -> str:
    """The interactive map page (:mod:`flaucluster.report.map`)."""
    from .map import render_page

    return render_page(
        inputs.documents,
        inputs.topics,
        inputs.coords,
        next_cluster=inputs.next_cluster,
        custom=set(inputs.custom_names),
        new_colors=inputs.new_colors,
        added=None if inputs.changes is None else _added(inputs),
        layers=inputs.layers,
        parents=inputs.parents,
    )


def _added(inputs: ReportInputs) -> list[bool]:
    """Whether each row of the run is new since the parent run (added, or its text changed)."""
    assert inputs.changes is not None
    change = inputs.changes["change"].iloc[: len(inputs.documents)]
    return [c in ("added", "changed") for c in change]
