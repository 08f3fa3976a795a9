"""``flaucluster update``: a saved run brought up to a new version of its file, as a new run folder with
``changes.csv`` and the report's « Évolutions » (:mod:`flaucluster.update`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import (
    add_input_options,
    add_model_options,
    add_namer_options,
    check_cache_apart,
    namer_from_args,
    read_rows,
)


def register(sub) -> None:
    from ..update import REFIT_NEW_SHARE, REFIT_UNPLACED_SHARE

    p = sub.add_parser(
        "update",
        help="update a run with a new version of its file (rows added, edited, removed) into a new run folder",
    )
    p.add_argument("run_dir", type=Path, help="a folder written by `flaucluster cluster`, `report`, `edit` or `update`")
    add_input_options(p)
    add_model_options(p)
    for action in p._actions:  # the same option as `cluster`'s, with another default
        if action.dest == "model":
            action.help = (
                "the run's model, to embed the new rows: the run's is taken when flaucluster ships it (usem3) or "
                "publishes it as a default; any other (a folder, a hub id) must be given again here, and must give "
                "the same vectors"
            )
    p.add_argument(
        "--refit",
        choices=("never", "auto", "always"),
        default="auto",
        help="never: unchanged rows keep their groups, new rows join one or form new groups (ids above every id "
        "used so far); always: every row grouped again, groups that persist keep their ids and names; auto "
        f"(default): always when more than {REFIT_NEW_SHARE:.0%} of the rows are new or more than "
        f"{REFIT_UNPLACED_SHARE:.0%} fit no group, else never".replace("%", "%%"),
    )
    add_namer_options(p)  # names the new groups; a namer recorded in the run is never called
    p.add_argument("--out", type=Path, required=True, help="a new output folder, never the one read")
    p.add_argument("--raw-cells", action="store_true", help="CSV text cells as they are (see `cluster --help`)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..embed.config import EncoderConfig
    from ..lineage import evolution
    from ..report import report_inputs, write_report
    from ..runfolder import check_destination
    from ..state import RunContext
    from ..timing import stage
    from ..update import parent_record, update
    from .report_cmd import load_source

    out = check_destination(args.out)  # before any work, as `cluster`
    check_cache_apart(args, out)
    namer = namer_from_args(args)
    model, _ = load_source(
        args.run_dir, args.out, encoder=args.model
    )  # a whole run, never the folder written; its truth fits its rows
    state = model.state_
    # the run's model is data: loaded on the folder's word only when flaucluster knows it, else given again
    config = EncoderConfig.from_record(state.params.get("encoder") or {})
    if args.model is not None:
        config = config.with_model(args.model)
    config.set_params(
        device=args.device,
        precision=args.precision,
        batch_size=args.batch_size,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
    )
    with stage("read"):
        df, rows = read_rows(args)
    result = update(
        state,
        rows,
        ids=rows["id"].tolist(),
        refit=args.refit,
        encoder=config,
        context=RunContext(None, df.attrs.get("parts")),
        parent=parent_record(args.run_dir),
        namer=namer,
    )
    with stage("report"):
        written = write_report(report_inputs(result.state), args.out, state=result.state, raw_cells=args.raw_cells)
    counts = result.changes["change"].value_counts()
    evo = evolution(result.state)
    assert evo is not None
    print(
        f"{len(rows)} rows: {counts.get('unchanged', 0)} unchanged, {counts.get('changed', 0)} changed, "
        f"{counts.get('added', 0)} added, {counts.get('removed', 0)} removed -> {len(result.state.topics)} clusters "
        f"({len(evo['new_groups'])} new, {len(evo['emptied'])} emptied; "
        + ("every row clustered again" if result.refitted else "unchanged rows kept their clusters")
        + ")"
    )
    for g in evo["new_groups"]:
        print(f"  new  {g['cluster']:>3}  {g['size']:>5}  {g['name']}")
    for g in evo["emptied"]:
        print(f"  emptied  {g['cluster']:>3}  {g['name']}")
    for line in result.state.advice:
        print(f"advice: {line}")
    print(f"report: {written['html']}  (changes: {written['changes']}, map: {written['map']})")
    return 0
