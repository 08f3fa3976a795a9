"""``flaucluster cluster``: file -> groups -> a complete report folder (or nothing at all)."""

from __future__ import annotations

import argparse
import inspect
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .. import timing
from ..cluster import METHODS
from ..timing import stage
from .options import (
    about_n,
    add_input_options,
    add_model_options,
    add_namer_options,
    add_scheduler_option,
    at_least,
    check_cache_apart,
    embed_kwargs,
    namer_from_args,
    placeholders,
    positive_int,
    read_rows,
    share,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pandas as pd

    from ..model import TopicModel
    from ..offload import Helper

logger = logging.getLogger(__name__)


def estimator_defaults() -> dict:
    """The defaults of the estimator and its components: the command line declares none of its own."""
    from ..consensus import ConsensusClusterer
    from ..embed.config import EncoderConfig
    from ..model import TopicModel
    from ..themes import Themes

    out: dict = {}
    for cls in (EncoderConfig, ConsensusClusterer, Themes, TopicModel):  # each name is one component's field
        out.update({k: p.default for k, p in inspect.signature(cls.__init__).parameters.items()})
    return out


def register(sub) -> None:
    p = sub.add_parser("cluster", help="group the rows of a file and write assignments, topics and a report")
    add_input_options(p)
    add_model_options(p)
    add_scheduler_option(p)
    d = estimator_defaults()
    g = p.add_argument_group("clustering")
    g.add_argument("--method", default=d["method"], choices=METHODS)
    g.add_argument("--k", type=at_least(2), default=None, help="KMeans clusters (default: chosen by silhouette)")
    g.add_argument(
        "--min-cluster-size",
        type=at_least(2),
        default=d["min_cluster_size"],
        help="HDBSCAN smallest group, at least 2 (default: 2 %% of the rows, from 5 to 15)",
    )
    g.add_argument("--seed", type=int, default=d["seed"])
    g.add_argument(
        "--stability",
        type=positive_int,
        default=d["n_runs"],
        metavar="N",
        help="runs with N seeds, keeps the consensus run and scores each cluster's stability "
        f"(default {d['n_runs']}; 1 = a single run)",
    )
    g.add_argument(
        "--n-clusters",
        type=about_n,
        default=d["n_clusters"],
        metavar="~N",
        help="about how many groups you want: HDBSCAN is refined or its closest groups merged toward N "
        "(with --method kmeans it is k)",
    )
    g.add_argument(
        "--max-unassigned",
        type=share,
        default=argparse.SUPPRESS,  # absent unless given: --reassign-outliers then conflicts with it
        metavar="SHARE",
        help="leave at most this share of rows unassigned (0.1 or 10%%): the least ambiguous outliers join "
        "their nearest group, the others stay flagged; 1 keeps every outlier "
        f"(default {d['max_unassigned']}; cluster_original keeps the first answer)",
    )
    g.add_argument(
        "--reassign-outliers",
        action="store_true",
        help="put every outlier in its nearest cluster: --max-unassigned 0 (cluster_original keeps the first answer)",
    )
    g.add_argument(
        "--fold-gender",
        action="store_true",
        help="fold inclusive writing (apprenant·e·s -> apprenants) before embedding",
    )
    add_namer_options(p)
    g.add_argument(
        "--role-words",
        choices=("keep", "drop", "auto"),
        default=d["role_words"],
        help="drop: embed titles without their leading role word (Technicien de maintenance -> maintenance) so "
        f"that job or course titles group by field; auto: only for short texts (default {d['role_words']})",
    )
    t = p.add_argument_group("guided analysis (a given list of themes, classes, periods)")
    t.add_argument(
        "--themes",
        type=Path,
        default=None,
        metavar="FILE",
        help="CSV/XLSX of themes (id, label[, description, keywords]): each row is filed under its nearest theme "
        "when its score reaches the threshold; the other rows are clustered into new groups",
    )
    t.add_argument(
        "--theme-threshold",
        type=float,
        default=None,
        metavar="SCORE",
        help="score (cosine) a row needs to be filed under a theme (default: calibrated from the rows, and reported)",
    )
    t.add_argument(
        "--theme-mode",
        choices=("assign", "seed"),
        default=d["mode"],
        help="assign: rows over a theme's threshold are filed under it, the others clustered anew; seed: every row is "
        "clustered, pulled toward its theme, and a cluster most of whose rows a theme draws joins it "
        f"(default {d['mode']})",
    )
    t.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="COLUMN",
        help="compare groups across the classes of this column (provider, level, format, region); repeatable",
    )
    t.add_argument("--time", default=None, metavar="COLUMN", help="compare groups across periods of this date column")
    t.add_argument(
        "--freq", choices=("year", "quarter", "month"), default="year", help="period for --time (default year)"
    )
    p.add_argument(
        "--truth-column",
        default=None,
        help="known labels, never shown to the model, used only for ARI/NMI in the report",
    )
    p.add_argument("--out", type=Path, required=True, help="output folder (replaced as a whole when complete)")
    p.add_argument(
        "--raw-cells",
        action="store_true",
        help="write CSV text cells as they are, without the apostrophe that stops a spreadsheet from "
        "running a cell starting with = + - @ as a formula",
    )
    p.set_defaults(run=run)


def model_from_args(args: argparse.Namespace, client=None, themes=None):
    """The estimator the flags describe: each flag sets one field of one component."""
    from ..consensus import ConsensusClusterer
    from ..embed.config import EncoderConfig
    from ..errors import ConfigError
    from ..model import TopicModel
    from ..themes import Themes

    if args.reassign_outliers and hasattr(args, "max_unassigned"):
        raise ConfigError("--reassign-outliers is --max-unassigned 0: give one of them, not both.")
    if args.theme_threshold is not None and args.themes is None:
        raise ConfigError(f"--theme-threshold {args.theme_threshold} is only used with --themes FILE.")
    if args.theme_mode != "assign" and args.themes is None:
        raise ConfigError(f"--theme-mode {args.theme_mode} is only used with --themes FILE.")
    namer = namer_from_args(args)
    kw = embed_kwargs(args)
    return TopicModel(
        EncoderConfig(
            args.model,
            device=args.device,
            precision=args.precision,
            batch_size=kw["batch_size"],
            cache_dir=kw["cache_dir"],
            use_cache=kw["use_cache"],
            client=client,
            fold_gender=args.fold_gender,
            role_words=args.role_words,
        ),
        clusterer=ConsensusClusterer(
            args.method,
            k=args.k,
            min_cluster_size=args.min_cluster_size,
            n_runs=args.stability,
            n_clusters=args.n_clusters,
        ),
        namer=namer,
        themes=None if themes is None else Themes(themes, threshold=args.theme_threshold, mode=args.theme_mode),
        max_unassigned=0.0
        if args.reassign_outliers
        else getattr(args, "max_unassigned", estimator_defaults()["max_unassigned"]),
        missing_values=placeholders(args),
        seed=args.seed,
    )


def run(args: argparse.Namespace, helper: Helper | None = None) -> int:
    """The command; ``helper`` (started by :func:`flaucluster.cli.main.main`) takes the work that can wait."""
    from ..scale import session

    with session(args.scheduler) as client:  # embedding on the cluster's workers, the rest here
        return _run(args, client, helper)


def _analyse_aside(helper: Helper, model, rows) -> Future | None:
    """Have ``helper`` analyse the words of the usable rows, as the labels will, while this process clusters
    (not above the labels' sample size: there they count a sample of rows not known yet); then load what the
    figures need.

    Returns
    -------
    concurrent.futures.Future or None
        The future of :func:`flaucluster.label.analyse_texts`, for ``label_clusters(..., analyses=...)``;
        None above the sample size.
    """
    from .. import label
    from ..describe import FrenchDescriber
    from ..report import figures

    texts = rows.loc[rows["status"] == "ok", "clean"].tolist()
    analyses = None
    if len(texts) <= label.MAX_DOCS:
        describer = model.describer or FrenchDescriber()  # the settings the fit's labels will count with
        analyses = helper.submit(
            label.analyse_texts,
            texts,
            stop_words=describer.stop_words,
            extra_stop_words=describer.extra_stop_words,
            gender_pairs=describer.gender_pairs,
        )
    helper.submit(figures.warm_up)
    return analyses


def _run(args: argparse.Namespace, client, helper: Helper | None) -> int:
    from ..offload import start_helper
    from ..runfolder import check_destination

    start = time.perf_counter()
    out = check_destination(args.out)  # before any work: a bad --out is found in a second
    check_cache_apart(args, out)
    themes = None
    if args.themes is not None:
        from ..io import require_file
        from ..themes import read_themes

        require_file(args.themes, option="--themes")  # /dev/zero or a FIFO: refused before it is opened
        themes = read_themes(args.themes)  # read once, before any work: a bad themes file fails at once
    model = model_from_args(args, client, themes)
    if args.freq != "year" and not args.time:
        from ..errors import ConfigError

        raise ConfigError(f"--freq {args.freq} is only used with --time COLUMN: give the date column too.")
    with stage("read"):
        df, rows = read_rows(args, args.truth_column, *args.by, args.time, client=client)
    analyses = _analyse_aside(helper, model, rows) if helper is not None else None
    # a second helper for half of the figures: started now, it loads matplotlib while the cores are idle
    drawer = start_helper("figures") if helper is not None else None
    try:
        helpers = [h for h in (helper, drawer) if h is not None]
        return _fit_and_report(args, df, rows, model, analyses, helpers, start)
    finally:
        if drawer is not None:
            drawer.shutdown(cancel_futures=True)


def _fit_and_report(
    args: argparse.Namespace,
    df: pd.DataFrame,
    rows: pd.DataFrame,
    model: TopicModel,
    analyses: Future | None,
    helpers: list[Helper],
    start: float,
) -> int:
    """The fit and the report folder, the figures drawn by ``helpers`` where there are any."""
    from ..report import report_inputs, write_report
    from ..rows import require_column
    from ..state import RunContext

    source = str(args.input)
    truth = None
    if args.truth_column:
        truth = df[require_column(df, args.truth_column, source=source, role="truth")].tolist()
    by = {c: df[require_column(df, c, source=source, role="class", option="--by")] for c in args.by}
    when = df[require_column(df, args.time, source=source, role="date", option="--time")] if args.time else None
    guide = None
    if by or when is not None:  # kept in the state: `report` and `edit` make the same tables again
        from ..compare import Guide
        from ..rows import cell_text

        def as_written(values) -> list[str]:
            return [cell_text(v) for v in values.tolist()]

        guide = Guide(
            {name: as_written(values) for name, values in by.items()},
            args.time,
            as_written(when) if when is not None else [],
            args.freq,
        )
    context = RunContext(guide, df.attrs.get("parts"))
    model.fit(rows, ids=rows["id"].tolist(), context=context, analyses=analyses)
    inputs = report_inputs(model.state_, truth=truth, executor=helpers or None)
    with stage("report"):
        written = write_report(inputs, args.out, state=model.state_, raw_cells=args.raw_cells)
    s = model.summary()
    print(
        f"{s['rows']} rows -> {s['clusters']} clusters ({s['outliers']} outliers, "
        f"{s['outliers_after_reassignment']} of them left unassigned; {s['unusable_rows']} unusable "
        f"rows kept) with model {s['model']['model']} in {time.perf_counter() - start:.0f} s"
    )
    for c in model.topic_info().itertuples():
        print(f"  {c.cluster:>3}  {c.size:>5}  {c.name}")
    for line in s["advice"]:
        print(f"advice: {line}")
    logger.info("seconds by stage: %s", timing.line())
    print(f"report: {written['html']}  (also {', '.join(p.name for k, p in written.items() if k != 'html')}, model/)")
    return 0
