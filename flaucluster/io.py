"""Reading users' tables (CSV, TSV, XLSX, XLS, Parquet, JSON Lines, JSON, compressed or not) and
writing results safely.

Reading never loses a line of data: blank lines are rows, a one-column file is never split on
commas, a few bad bytes in a UTF-8 file are decoded on their own lines and named, and every
problem is an :class:`InputError` naming the file, line, sheet or column and what to do. Writing goes
through a temporary file renamed over the target (:func:`atomic_path`): a result file is whole or absent.

Attributes
----------
READERS : tuple of str
    The file extensions :func:`read_table` reads, each also compressed (``.gz``, ``.bz2``, ``.xz``) or alone in
    a ``.zip``.
ROW_STATUSES : tuple of str
    The values of the ``status`` column of :func:`text_rows`: ``"ok"``, and the reasons a row cannot be embedded
    (``"missing"``, ``"empty"``, ``"not_text"``, ``"no_letters"``).
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import logging
import lzma
import os
import re
import tempfile
import textwrap
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import EmptyTableError, InputError
from .rows import LONE_SURROGATE, ROW_STATUSES, cell_text, examples, require_column, row_status, text_rows

__all__ = [
    "READERS",
    "ROW_STATUSES",
    "InputError",
    "atomic_path",
    "default_cache_dir",
    "read_table",
    "require_column",
    "row_status",
    "text_rows",
    "write_csv",
    "write_json",
    "write_npy",
    "write_text",
]

logger = logging.getLogger(__name__)

UMASK = os.umask(0o022)  # read once (os.umask can only be read by setting it): new files honour it
os.umask(UMASK)
READERS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet", ".jsonl", ".ndjson", ".json")
_DECOMPRESS = {".gz": gzip.decompress, ".bz2": bz2.decompress, ".xz": lzma.decompress}
_SEPARATORS = (";", ",", "\t", "|")
_SNIFF_RECORDS = 50
_HEADER_SEARCH = 20  # a title block above the header is at most this many lines


# ---------------------------------------------------------------- reading
def read_table(
    path: str | os.PathLike,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    sep: str | None = None,
    header_row: int | None = None,
    columns: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a table into a DataFrame of the file's own columns, cells as written.

    CSV cells are strings (``"0123"`` stays text) and blank lines are rows; spreadsheet numbers keep their type
    for :func:`flaucluster.rows.cell_text`. A title block above the header is skipped with a warning.

    Parameters
    ----------
    path : str or os.PathLike
        The file: one of :data:`READERS`, optionally compressed (``.gz``, ``.bz2``, ``.xz``) or the only table
        file in a ``.zip``.
    encoding : str, optional
        The encoding of a CSV, TSV, TXT or JSON file. ``None``: UTF-8 (with or without BOM), UTF-16 with BOM, or
        Windows-1252; in a UTF-8 file with a few bad lines, only those are read as Windows-1252, and named.
    sheet : str or int, optional
        The XLSX/XLS sheet, by name or 0-based number; ``None``: the first visible sheet (with a warning when
        there are several).
    sep : str, optional
        The separator of a CSV, TSV or TXT file. ``None``: a tab for ``.tsv``, else the one an Excel ``sep=``
        first line names, else the one the header is written with among ``;``, ``,``, tab and ``|`` (a header
        with none of them is one column: each line is one cell).
    header_row : int, optional
        The 1-based line (or sheet row) of the header. ``None``: the first line, or the first of the first 20
        lines that holds all of ``columns``.
    columns : sequence of str, default ()
        The columns the caller needs; they help find the separator and a header that sits below a title block.

    Returns
    -------
    pandas.DataFrame
        The file's columns, one row per data line, sheet row or JSON object.

    Raises
    ------
    InputError
        The file is missing, a folder, unreadable, of an unsupported type, empty, has a header but no data rows,
        or content that does not match its extension; an option does not apply to its type; a line cannot be
        parsed.

    See Also
    --------
    text_rows : The texts to embed, from the frame read here.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the table file inside it (CSV, TSV, XLSX, Parquet or JSONL).")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    name, raw = _decompress(path, raw)
    suffix = Path(name).suffix.lower()
    if suffix not in READERS:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; use one of {', '.join(READERS)} "
            "(optionally .gz, .bz2, .xz or .zip)."
        )
    if not raw.strip():
        raise EmptyTableError(f"{path} is empty: there is no header and no row to read.")
    actual = _looks_like(raw)
    if actual and not _compatible(suffix, actual):
        raise InputError(
            f"{path} is named {suffix} but its content is {actual}; rename it with the right "
            "extension (or export it again)."
        )
    if header_row is not None and header_row < 1:
        raise InputError(f"--header-row {header_row}: lines are counted from 1.")
    excel, delimited = suffix in (".xlsx", ".xlsm", ".xls"), suffix in (".csv", ".tsv", ".txt")
    for given, option, applies, kinds in (
        (sheet, "--sheet", excel, "XLSX/XLS"),
        (sep, "--sep", delimited, "CSV/TSV/TXT"),
        (header_row, "--header-row", excel or delimited, "CSV/TSV/TXT and XLSX/XLS"),
        (encoding, "--encoding", not excel and suffix != ".parquet", "CSV/TSV/TXT and JSON"),
    ):
        if given is not None and not applies:
            raise InputError(f"{option} applies to {kinds} files, not to {path} ({suffix}); remove it.")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        df = _read_excel(path, raw, suffix, sheet, header_row, columns)
    elif suffix == ".parquet":
        try:
            df = pd.read_parquet(io.BytesIO(raw))
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise InputError(f"{path}: not a readable Parquet file ({exc}).") from None
    elif suffix in (".jsonl", ".ndjson"):
        df = _read_jsonl(path, _decode(raw, path, encoding))
    elif suffix == ".json":
        df = _read_json(path, _decode(raw, path, encoding))
    else:
        df = _read_delimited(
            path, _decode(raw, path, encoding), "\t" if suffix == ".tsv" and sep is None else sep, header_row, columns
        )
    if len(df) == 0:
        names = examples([repr(textwrap.shorten(str(c), 60, placeholder="…")) for c in df.columns])
        raise EmptyTableError(f"{path}: has a header ({names}) but no data rows.")
    return df


_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook or a zip archive (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"PAR1", "a Parquet file (.parquet)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "gzip-compressed (.gz)"),
)


def _looks_like(raw: bytes) -> str | None:
    return next((what for magic, what in _MAGIC if raw.startswith(magic)), None)


def _compatible(suffix: str, actual: str) -> bool:
    return (
        (suffix in (".xlsx", ".xlsm") and "(.xlsx)" in actual)
        or (suffix == ".xls" and "(.xls)" in actual)
        or (suffix == ".parquet" and "Parquet" in actual)
    )


def _decompress(path: Path, raw: bytes) -> tuple[str, bytes]:
    suffix = path.suffix.lower()
    if suffix in _DECOMPRESS:
        try:
            return path.stem, _DECOMPRESS[suffix](raw)
        except (OSError, EOFError, lzma.LZMAError, ValueError, zlib.error) as exc:
            raise InputError(f"{path}: not a valid {suffix} file ({exc}).") from None
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                members = [m for m in zf.namelist() if not m.endswith("/") and not m.startswith("__MACOSX/")]
                tables = [m for m in members if Path(m).suffix.lower() in READERS]
                if len(tables) != 1:
                    listed = examples(members) or "nothing"
                    raise InputError(
                        f"{path}: a .zip must hold exactly one table file; it holds {listed}. "
                        "Unzip it and give the file you mean."
                    )
                return tables[0], zf.read(tables[0])
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, zlib.error) as exc:
            # RuntimeError: an encrypted member; NotImplementedError: an unknown compression
            raise InputError(f"{path}: cannot be read as a .zip ({exc}); unzip it and give the table inside.") from None
    return path.name, raw


def _decode(raw: bytes, path: Path, encoding: str | None) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252; a UTF-8 file with a few bad
    lines keeps its good lines as they are and names the bad ones."""
    if encoding:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            where = raw[: exc.start].count(b"\n") + 1
            raise InputError(
                f"{path}: line {where}: byte 0x{raw[exc.start]:02x} is not valid {encoding}. "
                "Pass the file's real encoding with --encoding (e.g. utf-8, cp1252)."
            ) from None
        except LookupError:
            raise InputError(f"--encoding {encoding!r}: unknown encoding (try utf-8, cp1252, latin-1).") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines: list[bytes] = raw.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    decoded: list[str | None] = []
    bad: list[int] = []
    utf8_multibyte = False
    for number, chunk in enumerate(lines, 1):
        try:
            decoded.append(chunk.decode("utf-8"))
            utf8_multibyte |= not chunk.isascii()
        except UnicodeDecodeError:
            bad.append(number)
            decoded.append(None)
    if utf8_multibyte:  # a UTF-8 file with a few lines pasted from elsewhere
        for number in bad:
            decoded[number - 1] = _decode_8bit(lines[number - 1])
        shown = examples(bad)
        logger.warning(
            "%s is UTF-8 except on line%s %s, read as Windows-1252: check %s (the other lines are unchanged).",
            path,
            "s" if len(bad) > 1 else "",
            shown,
            "them" if len(bad) > 1 else "it",
        )
        return "\n".join(d or "" for d in decoded)
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not UTF-8 (line {bad[0]}) nor Windows-1252. Re-save it as UTF-8, or pass its encoding "
            "with --encoding (e.g. --encoding latin-1)."
        ) from None
    logger.warning(
        "%s is not UTF-8 (first at line %d); read it as Windows-1252 (cp1252), the usual encoding of "
        "French Excel exports. Pass --encoding to choose another.",
        path,
        bad[0],
    )
    return text


def _decode_8bit(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def _records(text: str, sep: str) -> list[list[str]]:
    head = text[:200_000]
    reader = csv.reader(io.StringIO(head), delimiter=sep)
    out = []
    try:
        for record in reader:
            out.append(record)
            if len(out) >= _SNIFF_RECORDS + _HEADER_SEARCH:
                break
    except csv.Error:
        pass
    return out


def _header_index(records: list[list[str]], columns: Sequence[str], header_row: int | None) -> int:
    if header_row is not None:
        return header_row - 1
    if columns:
        for i, record in enumerate(records[:_HEADER_SEARCH]):
            if set(columns) <= {c.strip() for c in record} | set(record):
                return i
    return 0


def _choose_separator(text: str, columns: Sequence[str], header_row: int | None) -> str | None:
    """The separator the header is written with; ``None`` for a one-column file (whose cells may
    hold commas and semicolons: a header without any separator means one column)."""
    best, best_score = None, (0, 0, 0)
    for sep in _SEPARATORS:
        records = _records(text, sep)
        h = _header_index(records, columns, header_row)
        if h >= len(records) or len(records[h]) < 2:
            continue
        width = len(records[h])
        body = [r for r in records[h + 1 : h + 1 + _SNIFF_RECORDS] if r]
        consistent = sum(len(r) == width for r in body) >= 0.8 * len(body) if body else True
        has_columns = bool(columns) and set(columns) <= set(records[h]) | {c.strip() for c in records[h]}
        score = (int(has_columns), int(consistent), width)
        if score > best_score:
            best, best_score = sep, score
    if columns and best is not None and not best_score[0]:
        # the needed columns are in no split header: a one-column file whose header holds a separator?
        first = text.split("\n", 1)[0].strip().strip('"')
        if first in columns:
            return None
    return best


_SEP_HINT = re.compile(r'^"?sep=(.)"?\r?$')  # Excel's first line "sep=;" names the separator


def _read_delimited(
    path: Path, text: str, sep: str | None, header_row: int | None, columns: Sequence[str]
) -> pd.DataFrame:
    if "\n" not in text and "\r" in text:  # old Mac line endings: every CR ends a line
        text = text.replace("\r", "\n")
    hint = _SEP_HINT.match(text.split("\n", 1)[0])
    removed = 0  # lines taken off the top before pandas counts lines (for error messages)
    if hint:
        text, removed = (text.split("\n", 1)[1] if "\n" in text else ""), 1
        sep = sep or hint.group(1)
    if sep is None:
        sep = _choose_separator(text, columns, header_row)
    if sep is None:
        return _read_one_column(path, text, columns, header_row, removed)
    records = _records(text, sep)
    skip = _header_index(records, columns, header_row)
    if header_row is not None and skip >= text.count("\n") + 1:
        raise InputError(f"{path}: --header-row {header_row} is past the last line ({text.count(chr(10)) + 1}).")
    _warn_title_block(path, skip, removed)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            skiprows=range(skip),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        where = (
            f"line {int(m.group(2)) + removed} has {m.group(3)} fields where the header has {m.group(1)}"
            if m
            else str(exc).strip()
        )
        shown = {"\t": "tab"}.get(sep, sep)
        raise InputError(
            f"{path}: {where} (separator {shown!r}). Put cells that contain the separator in "
            "double quotes, or pass the right one with --sep."
        ) from None
    except pd.errors.EmptyDataError:
        raise EmptyTableError(f"{path} is empty: there is no header and no row to read.") from None


def _no_surrogates(value: Any) -> Any:
    """JSON escapes can spell lone surrogates (``\\ud800``), which no file can hold: U+FFFD instead."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    return value


def _warn_surrogates(path: Path, lines: list[int]) -> None:
    if lines:
        logger.warning(
            "%s: line(s) %s hold invalid Unicode (lone surrogates), shown as U+FFFD; their rows are "
            "noted 'invalid_unicode'.",
            path,
            examples(lines),
        )


def _warn_title_block(path: Path, skip: int, removed: int = 0) -> None:
    """Say so when ``skip`` lines above the header (after ``removed`` lines such as ``sep=;``) are not data."""
    if skip:
        logger.warning(
            "%s: the header is on line %d; the %d line(s) above it (a title?) are not data and were "
            "skipped. Pass --header-row to choose another line.",
            path,
            skip + removed + 1,
            skip,
        )


def _unquote(line: str) -> str:
    """A line that is one CSV-quoted cell (a comma inside, quotes doubled) as its text; any other line as is."""
    if len(line) >= 2 and line[0] == line[-1] == '"' and '"' not in line[1:-1].replace('""', ""):
        return line[1:-1].replace('""', '"')
    return line


def _read_one_column(path: Path, text: str, columns: Sequence[str], header_row: int | None, removed: int):
    """A file with no separator in its header: each line is one cell, exactly as written (quotes,
    commas and semicolons included); only a line that is a whole quoted cell is unquoted."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line, it does not start a row
    skip = header_row - 1 if header_row is not None else 0
    if header_row is None and columns:
        skip = next((i for i, line in enumerate(lines[:_HEADER_SEARCH]) if _unquote(line).strip() in columns), 0)
    if skip >= len(lines):
        raise InputError(f"{path}: --header-row {skip + 1} is past the last line ({len(lines)}).")
    _warn_title_block(path, skip, removed)
    logger.info("%s: one column (no separator in the header): every line is one cell.", path)
    cells = [_unquote(line) if line else None for line in lines[skip + 1 :]]
    return pd.DataFrame({_unquote(lines[skip]).strip(): pd.Series(cells, dtype=object)})


def _read_jsonl(path: Path, text: str) -> pd.DataFrame:
    records, broken = [], []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}: line {number}: not valid JSON ({exc.msg} at column {exc.colno}). "
                "Each line must hold one JSON object."
            ) from None
        if not isinstance(record, dict):
            raise InputError(
                f'{path}: line {number}: a JSON {type(record).__name__}, not an object ({{"column": value, ...}}).'
            )
        if LONE_SURROGATE.search(line) or "\\ud" in line.lower():
            fixed = _no_surrogates(record)
            if fixed != record:
                broken.append(number)
            record = fixed
        records.append(record)
    _warn_surrogates(path, broken)
    return pd.DataFrame(records, dtype=object) if records else pd.DataFrame()  # object: ids stay as written


def _read_json(path: Path, text: str) -> pd.DataFrame:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg} at column {exc.colno}).") from None
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(
            f"{path}: expected a JSON array of objects (one per row); for one object per line name the file .jsonl."
        )
    fixed = _no_surrogates(data)
    if fixed != data:
        _warn_surrogates(path, [i + 1 for i, (a, b) in enumerate(zip(data, fixed)) if a != b])
    return pd.DataFrame(fixed, dtype=object) if fixed else pd.DataFrame()


def _read_excel(
    path: Path, raw: bytes, suffix: str, sheet: str | int | None, header_row: int | None, columns: Sequence[str]
) -> pd.DataFrame:
    engine = "xlrd" if suffix == ".xls" else "openpyxl"
    try:
        book = pd.ExcelFile(io.BytesIO(raw), engine=engine)
    except ImportError:
        raise InputError(
            f"{path}: old Excel files (.xls) need the xlrd package: `pip install xlrd`, or re-save the file as .xlsx."
        ) from None
    except Exception as exc:  # zipfile/openpyxl/xlrd raise several types for damaged files
        raise InputError(f"{path}: not a readable {suffix} workbook ({type(exc).__name__}: {exc}).") from None
    names = book.sheet_names
    hidden = _hidden_sheets(book)
    if sheet is None:
        chosen = next((n for n in names if n not in hidden), names[0])
        if len(names) > 1:
            logger.warning(
                "%s has %d sheets (%s%s); reading the first visible one, %r. Pass --sheet NAME to read another.",
                path,
                len(names),
                ", ".join(map(repr, names)),
                f"; hidden: {', '.join(map(repr, hidden))}" if hidden else "",
                chosen,
            )
    elif str(sheet) in names:
        chosen = str(sheet)
    elif isinstance(sheet, int) or str(sheet).isdigit():
        index = int(sheet)
        if not 0 <= index < len(names):
            raise InputError(f"{path}: no sheet number {index}; its sheets are {', '.join(map(repr, names))}.")
        chosen = names[index]
    else:
        raise InputError(
            f"{path}: no sheet {sheet!r}; its sheets are {', '.join(map(repr, names))}. Pass one of them with --sheet."
        )
    try:
        grid = book.parse(chosen, header=None, dtype=object)
    except Exception as exc:  # a damaged sheet: openpyxl/xlrd raise several types
        raise InputError(f"{path}: sheet {chosen!r} cannot be read ({type(exc).__name__}: {exc}).") from None
    if grid.empty:
        raise InputError(f"{path}: sheet {chosen!r} is empty.")
    records = [
        [("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)) for v in row]
        for row in grid.head(_HEADER_SEARCH).itertuples(index=False)
    ]
    h = _header_index(records, columns, header_row)
    if h >= len(grid):
        raise InputError(f"{path}: --header-row {h + 1} is past the last row of sheet {chosen!r}.")
    if h:
        logger.warning(
            "%s, sheet %r: the header is on row %d; the %d row(s) above it (a title?) are not data "
            "and were skipped. Pass --header-row to choose another row.",
            path,
            chosen,
            h + 1,
            h,
        )
    header = [_header_name(v, i) for i, v in enumerate(grid.iloc[h])]
    body = grid.iloc[h + 1 :].reset_index(drop=True)
    body.columns = _unique(header)
    return body


def _hidden_sheets(book: pd.ExcelFile) -> list[str]:
    try:
        return [ws.title for ws in book.book.worksheets if ws.sheet_state != "visible"]
    except AttributeError:  # xlrd books have no sheet_state
        return []


def _header_name(value: Any, position: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return f"Unnamed: {position}"
    return cell_text(value).strip()  # "Intitulé " is the column Intitulé


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}.{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out


# ---------------------------------------------------------------- writing
CACHE_ENV = "FLAUCLUSTER_CACHE_DIR"


def default_cache_dir() -> Path:
    """The folder of the embedding cache and what else is worth keeping between processes (the accent index).

    Returns
    -------
    pathlib.Path
        ``$FLAUCLUSTER_CACHE_DIR``, else ``$XDG_CACHE_HOME/flaucluster``, else ``~/.cache/flaucluster`` (``~``
        expanded); it may not exist yet.
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")).expanduser() / "flaucluster"


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Write ``path`` atomically: a context manager giving a temporary path to write instead.

    The missing parent folders of ``path`` are created. When the block succeeds, the temporary file is given the
    usual permissions (those the umask allows) and renamed over ``path``; when it raises, it is deleted and
    ``path`` is left as it was.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.

    Yields
    ------
    pathlib.Path
        An empty temporary file next to ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600 files; exports are for colleagues too
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` in UTF-8, atomically (:func:`atomic_path`).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    text : str
        Its content.
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: str | os.PathLike, obj: Any) -> None:
    """Write ``obj`` to ``path`` as indented UTF-8 JSON (non-ASCII characters as they are), atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    obj : Any
        What JSON can hold; numpy scalars and arrays, and paths, are converted (``.item()``, ``.tolist()``,
        ``str``).

    Raises
    ------
    TypeError
        ``obj`` holds a value of another type.
    """
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
    """Write ``array`` to ``path`` in numpy's ``.npy`` format, atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    array : numpy.ndarray
        The array; object arrays are refused (no pickles).
    """
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.save(fh, array, allow_pickle=False)


def write_csv(path: str | os.PathLike, df: pd.DataFrame) -> None:
    """Write ``df`` to ``path`` as UTF-8 CSV without the index, atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    df : pandas.DataFrame
        The table.
    """
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8")
