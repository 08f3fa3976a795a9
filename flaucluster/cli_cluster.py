"""``flaucluster cluster`` (file -> groups -> report folder) and ``flaucluster report`` (saved model -> report)."""
from __future__ import annotations

import argparse
import inspect
import logging
import time
from pathlib import Path

from .cluster import METHODS

logger = logging.getLogger("flaucluster")


def _defaults() -> dict:
    """The estimator's own defaults: the command line declares none of its own."""
    from .model import TopicModel

    return {k: p.default for k, p in inspect.signature(TopicModel.__init__).parameters.items()}


def add_commands(sub, add_input_options, add_model_options) -> None:
    p = sub.add_parser("cluster", help="group the rows of a file and write assignments, topics and a report")
    add_input_options(p)
    add_model_options(p)
    d = _defaults()
    g = p.add_argument_group("clustering")
    g.add_argument("--method", default=d["method"], choices=METHODS)
    g.add_argument("--k", type=int, default=None, help="KMeans clusters (default: chosen by silhouette)")
    g.add_argument("--min-cluster-size", type=int, default=d["min_cluster_size"],
                   help=f"HDBSCAN smallest group (default {d['min_cluster_size']})")
    g.add_argument("--seed", type=int, default=d["seed"])
    g.add_argument("--stability", type=int, default=d["n_runs"], metavar="N",
                   help="runs with N seeds, keeps the consensus run and scores each cluster's stability "
                        f"(default {d['n_runs']}; 1 = a single run)")
    g.add_argument("--reassign-outliers", action="store_true",
                   help="put outliers in their nearest cluster (cluster_original keeps the first answer)")
    g.add_argument("--fold-gender", action="store_true",
                   help="fold inclusive writing (apprenant·e·s -> apprenants) before embedding")
    p.add_argument("--truth-column", default=None,
                   help="known labels, never shown to the model, used only for ARI/NMI in the report")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.set_defaults(func=_cluster)

    p = sub.add_parser("report", help="write the report folder again from a saved model folder")
    p.add_argument("model_dir", type=Path, help="a folder written by `flaucluster cluster` (its model/) or save()")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=_report)

    from .cli import COMMANDS

    COMMANDS["cluster"] = _cluster
    COMMANDS["report"] = _report


def _cluster(args: argparse.Namespace) -> int:
    from .cli import embed_kwargs, read_rows
    from .model import TopicModel
    from .report import report_inputs, write_report

    start = time.perf_counter()
    df, rows = read_rows(args)
    truth = None
    if args.truth_column:
        from .io import require_column

        require_column(df, args.truth_column, source=str(args.input), role="truth")
        truth = df[args.truth_column].tolist()
    kw = embed_kwargs(args)
    model = TopicModel(args.model, method=args.method, k=args.k, min_cluster_size=args.min_cluster_size,
                       seed=args.seed, n_runs=args.stability, reassign_outliers=args.reassign_outliers,
                       fold_before_embedding=args.fold_gender, device=args.device, batch_size=kw["batch_size"],
                       cache_dir=kw["cache_dir"], use_cache=kw["use_cache"])
    model.fit(rows["text"].where(rows["status"] != "missing", None).tolist(), ids=rows["id"].tolist())
    model.save(args.out / "model")
    written = write_report(report_inputs(model, truth=truth), args.out)
    s = model.summary()
    print(f"{s['rows']} rows -> {s['clusters']} clusters ({s['outliers']} outliers, {s['unusable_rows']} unusable "
          f"rows kept) with model {s['model']['model']} in {time.perf_counter() - start:.0f} s")
    for c in model.topic_info().itertuples():
        print(f"  {c.cluster:>3}  {c.size:>5}  {c.name}")
    print(f"report: {written['html']}  (also {', '.join(p.name for k, p in written.items() if k != 'html')}, model/)")
    return 0


def _report(args: argparse.Namespace) -> int:
    from .model import TopicModel
    from .report import report_inputs, write_report

    folder = args.model_dir / "model" if (args.model_dir / "model" / "flaucluster.json").is_file() else args.model_dir
    model = TopicModel.load(folder)
    written = write_report(report_inputs(model), args.out)
    print(f"report: {written['html']}")
    return 0
