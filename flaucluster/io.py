"""Reading tables of French text and writing results safely.

Every input row survives: rows that cannot be embedded are *flagged* with a reason
(``missing``, ``empty``, ``not_text``, ``no_letters``), never dropped.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

_UMASK = os.umask(0o022)
os.umask(_UMASK)
READERS = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet", ".jsonl", ".json")
ROW_STATUSES = ("ok", "missing", "empty", "not_text", "no_letters")


class InputError(ValueError):
    """A problem with the user's input file, worded so they know what to do."""


# ---------------------------------------------------------------- reading
def read_table(path: str | os.PathLike, *, encoding: str | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read CSV/TSV/XLSX/Parquet/JSONL into a DataFrame of the file's own columns.

    CSV cells are read as strings (no type guessing, so ``"0123"`` stays text).
    A CSV that is not UTF-8 is read as Windows-1252 (French Excel exports) with a
    warning, or refused with a message naming the file and the ``--encoding`` option.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise InputError(f"{path}: unsupported file type {suffix!r}; use one of {', '.join(READERS)}.")
    if suffix in (".xlsx", ".xls"):
        return pd.read_excel(path, sheet_name=sheet or 0)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".jsonl", ".json"):
        text = _decode(path, encoding)
        try:
            return pd.read_json(io.StringIO(text), lines=suffix == ".jsonl", dtype=False)
        except ValueError as exc:
            raise InputError(f"{path}: not valid {'JSON Lines' if suffix == '.jsonl' else 'JSON'} ({exc}).") from exc
    text = _decode(path, encoding)
    sep = "\t" if suffix == ".tsv" else _sniff_separator(text)
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""])


def _decode(path: Path, encoding: str | None) -> str:
    raw = path.read_bytes()
    if encoding:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: cannot be decoded as {encoding} at byte {exc.start}.") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not UTF-8 (first bad byte at offset {first_bad}) nor Windows-1252. "
            "Re-save it as UTF-8, or pass its encoding with --encoding (e.g. --encoding latin-1)."
        ) from None
    logger.warning("%s is not UTF-8 (byte %d); read it as Windows-1252 (cp1252), the usual encoding of "
                   "French Excel exports. Pass --encoding to choose another.", path, first_bad)
    return text


def _sniff_separator(text: str) -> str:
    # French Excel writes ';' separated CSV; sniff among the usual separators only.
    sample = text[:20000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


# ------------------------------------------------------------- validation
def require_column(df: pd.DataFrame, column: str, *, source: str = "input", role: str = "text") -> None:
    if column not in df.columns:
        available = ", ".join(repr(str(c)) for c in df.columns)
        raise InputError(f"{source}: no {role} column {column!r}. Available columns: {available}. "
                         f"Pass the right one with --{role}-column.")


def row_status(value: Any) -> str:
    """Why a cell can or cannot be embedded; ``"ok"`` when it can."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return "missing"
    if not isinstance(value, str):
        return "not_text"
    if not value.strip():
        return "empty"
    if not any(ch.isalpha() for ch in value):
        return "no_letters"
    return "ok"


def join_columns(df: pd.DataFrame, columns: Sequence[str]) -> list[Any]:
    """Several text columns read as one text per row ("Titre. Description"); missing parts skipped."""
    out: list[Any] = []
    for parts in zip(*(df[c].tolist() for c in columns)):
        texts = [p.strip() for p in parts if row_status(p) == "ok"]
        if not texts:  # keep the most telling reason: an empty or non-text cell rather than "missing"
            out.append(next((p for p in parts if row_status(p) != "missing"), None))
            continue
        ends = [t if t[-1] in ".!?…:;" or i == len(texts) - 1 else t + "." for i, t in enumerate(texts)]
        out.append(" ".join(ends))
    return out


def text_rows(df: pd.DataFrame, text_column: str | Sequence[str], *, id_column: str | None = None,
              source: str = "input") -> pd.DataFrame:
    """One row per input row, in input order: ``id``, ``text``, ``status``.

    ``text`` is the cell as a string ("" for missing cells); ``status`` says whether it is usable.
    Several columns are joined into one text per row.
    """
    columns = [text_column] if isinstance(text_column, str) else list(text_column)
    for column in columns:
        require_column(df, column, source=source)
    if id_column is not None:
        require_column(df, id_column, source=source, role="id")
        ids = df[id_column].astype(str).tolist()
    else:
        ids = [str(i) for i in range(len(df))]
    values = df[columns[0]].tolist() if len(columns) == 1 else join_columns(df, columns)
    status = [row_status(v) for v in values]
    texts = ["" if s in ("missing",) else (v if isinstance(v, str) else str(v)) for v, s in zip(values, status)]
    rows = pd.DataFrame({"id": ids, "text": texts, "status": status})
    bad = rows[rows.status != "ok"]
    if len(bad):
        shown = ", ".join(f"row {i + 1} ({s})" for i, s in zip(bad.index[:10], bad.status[:10]))
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        logger.warning("%s: %d of %d rows in %s cannot be embedded; they are kept, outside any cluster, with "
                       "a reason: %s%s.", source, len(bad), len(rows), " + ".join(map(repr, columns)), shown, more)
    return rows


# ---------------------------------------------------------------- writing
@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; exports are for colleagues too
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: str | os.PathLike, obj: Any) -> None:
    write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def write_npy(path: str | os.PathLike, array: np.ndarray) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.save(fh, array, allow_pickle=False)


def write_csv(path: str | os.PathLike, df: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8")
