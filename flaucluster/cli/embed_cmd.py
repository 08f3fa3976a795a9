"""``flaucluster embed``: one text column into a .npy file, one row per input row."""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import (
    add_input_options,
    add_model_options,
    check_file_destination,
    embed_kwargs,
    encoder_from_args,
    read_rows,
)


def register(sub) -> None:
    p = sub.add_parser("embed", help="embed one text column into a .npy file (one row per input row)")
    add_input_options(p)
    add_model_options(p)
    p.add_argument("--out", type=Path, required=True, help="output .npy file")
    p.add_argument("--no-normalize", action="store_true", help="keep raw (not unit-length) vectors")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..embed import embed_rows
    from ..io import write_csv, write_json, write_npy
    from ..report.cells import safe_frame

    out = args.out if args.out.suffix == ".npy" else args.out.with_suffix(".npy")
    check_file_destination(out)
    _, rows = read_rows(args)
    encoder = encoder_from_args(args)
    vectors = embed_rows(rows, encoder, normalize=not args.no_normalize, **embed_kwargs(args))
    stem = out.with_suffix("")
    write_npy(out, vectors)
    write_csv(f"{stem}.rows.csv", safe_frame(rows[["row", "id", "status", "note"]]))
    counts = rows.status.value_counts().to_dict()
    write_json(
        f"{stem}.meta.json",
        {
            **encoder.describe(),
            "input": str(args.input),
            "text_columns": args.text_column,
            "rows": len(rows),
            "status_counts": counts,
            "normalized": not args.no_normalize,
        },
    )
    print(f"{out}: {vectors.shape[0]} rows x {vectors.shape[1]} dims, model {encoder.name} ({encoder.identity})")
    print(
        f"rows: {counts.get('ok', 0)} embedded, {len(rows) - counts.get('ok', 0)} unusable "
        f"(zero vectors, reasons in {stem}.rows.csv)"
    )
    return 0
