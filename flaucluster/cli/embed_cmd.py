"""``flaucluster embed``: one text column into a .npy file, one row per input row."""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import (
    add_input_options,
    add_model_options,
    add_scheduler_option,
    check_file_destination,
    embed_kwargs,
    encoder_from_args,
    read_rows,
)

META_FORMAT = "flaucluster-embed/1"


def _check_outputs(source: Path, paths: list[Path]) -> None:
    """Refuse, before any work, outputs that would replace the input or files an earlier ``embed`` did not write."""
    from ..errors import InputError

    if paths[0].suffix != ".npy":
        raise InputError(f"--out {paths[0]}: give a file name ending in .npy (its .rows.csv and .meta.json go beside).")
    if any(p.exists() and source.exists() and p.resolve() == source.resolve() for p in paths):
        raise InputError(f"--out {paths[0]} would write over the input file {source}; choose another name.")
    existing = [p for p in paths if p.exists()]
    if existing and not _earlier_embed(paths[2]):
        raise InputError(
            f"--out {paths[0]}: {', '.join(str(p) for p in existing)} already exist and were not written by "
            "flaucluster embed; choose another name (nothing was written)."
        )


def _earlier_embed(meta: Path) -> bool:
    from ..io import load_json

    try:
        return load_json(meta.read_text(encoding="utf-8")).get("format") == META_FORMAT
    except (OSError, ValueError, AttributeError, UnicodeDecodeError):
        return False


def _embed_on(client, rows, encoder, args: argparse.Namespace):
    """``embed_rows`` with the texts embedded on the workers of ``client``."""
    from ..embed import embed_rows
    from ..scale import EncoderSpec, embed_exact

    kw = embed_kwargs(args)
    spec = EncoderSpec.of(encoder, args.device, args.precision)
    return embed_rows(rows, encoder, embed=lambda texts: embed_exact(client, texts, spec, **kw))


def register(sub) -> None:
    p = sub.add_parser("embed", help="embed one text column into a .npy file (one row per input row)")
    add_input_options(p)
    add_model_options(p)
    add_scheduler_option(p)
    p.add_argument("--out", type=Path, required=True, help="output .npy file")
    p.add_argument("--no-normalize", action="store_true", help="keep raw (not unit-length) vectors")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..embed import embed_rows
    from ..io import atomic_paths, write_csv, write_json, write_npy
    from ..report.cells import safe_frame
    from ..scale import session

    out = args.out
    stem = out.with_suffix("")
    companions = [out, Path(f"{stem}.rows.csv"), Path(f"{stem}.meta.json")]
    _check_outputs(Path(args.input), companions)
    check_file_destination(out)
    if args.no_normalize and args.scheduler:
        from ..errors import ConfigError

        raise ConfigError("--no-normalize with --scheduler: the workers return unit vectors; drop one of them.")
    with session(args.scheduler) as client:
        _, rows = read_rows(args, client=client)  # a bad file is found before the model loads
        encoder = encoder_from_args(args)
        if client is None:
            vectors = embed_rows(rows, encoder, normalize=not args.no_normalize, **embed_kwargs(args))
        else:
            vectors = _embed_on(client, rows, encoder, args)
    counts = rows.status.value_counts().to_dict()
    meta = {
        "format": META_FORMAT,
        **encoder.describe(),
        "input": str(args.input),
        "text_columns": args.text_column,
        "rows": len(rows),
        "status_counts": counts,
        "normalized": not args.no_normalize,
    }
    # the three land together or not at all: a full disk leaves the earlier three as they were
    with atomic_paths(*companions) as (npy_tmp, rows_tmp, meta_tmp):
        write_npy(npy_tmp, vectors)
        write_csv(rows_tmp, safe_frame(rows[["row", "id", "status", "note"]]))
        write_json(meta_tmp, meta)
    print(f"{out}: {vectors.shape[0]} rows x {vectors.shape[1]} dims, model {encoder.name} ({encoder.identity})")
    print(
        f"rows: {counts.get('ok', 0)} embedded, {len(rows) - counts.get('ok', 0)} unusable "
        f"(zero vectors, reasons in {stem}.rows.csv)"
    )
    return 0
