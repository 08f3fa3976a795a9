"""``flaucluster report``: the same report folder again, from a saved run or model folder."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("report", help="write the report folder again from a saved run (or its model/ folder)")
    p.add_argument("model_dir", type=Path, help="a folder written by `flaucluster cluster` (or its model/), or save()")
    p.add_argument("--out", type=Path, required=True, help="a new output folder, never the one read")
    p.add_argument("--raw-cells", action="store_true", help="CSV text cells as they are (see `cluster --help`)")
    p.set_defaults(run=run)


def _overlaps(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or a in b.parents or b in a.parents


def load_source(source: Path, out: Path, *, encoder: str | None = None):
    """(the model saved in a run folder or model folder, its known labels); refuses, before any work,
    an ``out`` that overlaps the source and a run folder that is not whole."""
    from ..errors import InputError
    from ..model import TopicModel
    from ..persist import load_truth
    from ..runfolder import MANIFEST, check_destination, verify

    if not source.is_dir():
        what = "is a file" if source.exists() else "no such folder"
        raise InputError(f"{source}: {what}; give the folder written by `flaucluster cluster` (or its model/).")
    run_dir = source if (source / "model" / "flaucluster.json").is_file() else None
    folder = source / "model" if run_dir else source
    if _overlaps(out, folder) or (run_dir is not None and _overlaps(out, run_dir)):
        raise InputError(
            f"--out {out} is (or holds, or sits inside) the folder being read ({source}); a "
            "folder is never both the source and the target: choose a new folder."
        )
    check_destination(out)
    if run_dir is not None and ((run_dir / MANIFEST).is_file() or (folder / MANIFEST).is_file()):
        verify(run_dir, "run")  # a run folder of this version must be whole, not only its model
    return TopicModel.load(folder, encoder=encoder), load_truth(folder)


def run(args: argparse.Namespace) -> int:
    from ..report import report_inputs, write_report

    model, truth = load_source(args.model_dir, args.out)
    write_report(report_inputs(model.state_, truth=truth), args.out, state=model.state_, raw_cells=args.raw_cells)
    print(f"report: {args.out / 'report.html'}")
    return 0
