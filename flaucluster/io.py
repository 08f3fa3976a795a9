"""Reading users' tables (CSV, TSV, XLSX, XLS, Parquet, JSON Lines, JSON, compressed or not) and
writing results safely.

Reading never loses a line of data: blank lines are rows, a one-column file is never split on
commas, a few bytes of a UTF-8 file that are not UTF-8 are read alone (as Windows-1252) and named in their rows'
notes, JSON nesting is bounded (:func:`load_json`), and every problem is an :class:`InputError` naming the file,
line, sheet or column and what to do. Writing goes through a temporary file renamed over the target
(:func:`atomic_path`, :func:`atomic_paths` for files that go together): a result file is whole or absent.

Attributes
----------
READERS : tuple of str
    The file extensions :func:`read_table` reads, each also compressed (``.gz``, ``.bz2``, ``.xz``) or alone in
    a ``.zip``.
MAX_INPUT_BYTES : int
    The default limit on the bytes of one input file as read, after decompression (2 GB): a file beyond it is
    refused before it is read whole (``--max-input-bytes`` on the command line).
MAX_JSON_DEPTH : int
    How deeply :func:`load_json` lets arrays and objects nest (64): far more than any file flaucluster reads
    or writes needs, far less than what exhausts Python's stack.
ROW_STATUSES : tuple of str
    The values of the ``status`` column of :func:`text_rows`: ``"ok"``, and the reasons a row cannot be embedded
    (``"missing"``, ``"empty"``, ``"not_text"``, ``"no_letters"``, ``"too_long"``).
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import json
import logging
import lzma
import os
import re
import stat
import tempfile
import textwrap
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import EmptyTableError, InputError
from .rows import (
    LONE_SURROGATE,
    ROW_STATUSES,
    Recoded,
    cell_text,
    examples,
    require_column,
    row_status,
    text_rows,
)

__all__ = [
    "READERS",
    "ROW_STATUSES",
    "MAX_JSON_DEPTH",
    "MAX_INPUT_BYTES",
    "InputError",
    "atomic_path",
    "atomic_paths",
    "default_cache_dir",
    "load_json",
    "require_file",
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
_DECOMPRESS: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_SEPARATORS = (";", ",", "\t", "|")
_SNIFF_RECORDS = 50
_HEADER_SEARCH = 20  # a title block above the header is at most this many lines
MAX_JSON_DEPTH = 64
MAX_INPUT_BYTES = 2_000_000_000
_CHUNK = 1 << 20  # decompressed a megabyte at a time, so that a limit is noticed within a megabyte
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


# ---------------------------------------------------------------- JSON
def load_json(text: str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text, refusing arrays and objects nested deeper than ``max_depth``.

    Every JSON file a user gives (an input table, edits, a themes table, a model or run folder) is read with
    it: the standard library's parser exhausts Python's stack on deep nesting (``RecursionError``), and what
    reads the values afterwards may do so on less.

    Parameters
    ----------
    text : str
        The JSON text.
    max_depth : int, default MAX_JSON_DEPTH
        The deepest nesting accepted (``[[1]]`` is 2).

    Returns
    -------
    Any
        The value, as :func:`json.loads` gives it.

    Raises
    ------
    json.JSONDecodeError
        The text is not JSON, or is nested deeper than ``max_depth`` (the message says so, with the line and
        column of the first bracket too deep). It is a :class:`ValueError`, never a ``RecursionError``.
    """
    try:
        value = json.loads(text)
    except RecursionError:
        too_deep = True  # deeper than Python's stack: deeper than any limit
    else:  # a cheap bound first: most documents hold fewer brackets than the limit
        too_deep = text.count("[") + text.count("{") > max_depth and _json_depth(text) > max_depth
    if too_deep:
        raise json.JSONDecodeError(
            f"arrays or objects nested deeper than {max_depth} levels", text, _too_deep_at(text, max_depth)
        )
    return value


def _json_depth(text: str) -> int:
    """The deepest nesting of valid JSON ``text``: its brackets outside strings, counted at C speed."""
    brackets = np.frombuffer(_NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode("ascii"), dtype=np.uint8)
    steps = np.where((brackets == ord("[")) | (brackets == ord("{")), 1, -1)
    return int(np.cumsum(steps).max(initial=0))


def _too_deep_at(text: str, max_depth: int) -> int:
    """The position of the first bracket that opens level ``max_depth + 1`` (0 if none is found)."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > max_depth:
                return token.start()
        elif bracket in "]}":
            depth -= 1
    return 0


# ---------------------------------------------------------------- reading
def read_table(
    path: str | os.PathLike,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    sep: str | None = None,
    header_row: int | None = None,
    columns: Sequence[str] = (),
    max_bytes: int = MAX_INPUT_BYTES,
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
        Windows-1252; in a UTF-8 file with a few bytes that are not UTF-8, only those bytes are read as
        Windows-1252, and named (in a warning, and in the note of each row that holds one: see :func:`text_rows`).
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
    max_bytes : int, default MAX_INPUT_BYTES
        The most bytes the file may hold once decompressed (a compressed file is decompressed a megabyte at a
        time and refused as soon as it passes the limit), and the most an XLSX workbook's parts may hold
        unzipped.

    Returns
    -------
    pandas.DataFrame
        The file's columns, one row per data line, sheet row or JSON object.

    Raises
    ------
    InputError
        The file is missing, a folder, not a regular file (a device, a FIFO, a socket), larger than ``max_bytes``
        (decompressed), unreadable, of an unsupported type, empty, has a header but no data rows,
        or content that does not match its extension; an option does not apply to its type; a line cannot be
        parsed.

    See Also
    --------
    text_rows : The texts to embed, from the frame read here.
    """
    path = Path(path)
    require_file(
        path, folder_hint="give the table file inside it (CSV, TSV, XLSX, Parquet or JSONL)", max_bytes=max_bytes
    )
    try:
        return _read_table(path, encoding, sheet, sep, header_row, columns, max_bytes)
    except MemoryError:  # the limit is more than this machine (or its ulimit) can hold: one line, not a traceback
        raise InputError(
            f"{path}: not enough memory to read it within --max-input-bytes {_size(max_bytes)}; give a lower limit "
            "(e.g. --max-input-bytes 500MB) to be told at once, or split the file."
        ) from None


def _read_table(
    path: Path,
    encoding: str | None,
    sheet: str | int | None,
    sep: str | None,
    header_row: int | None,
    columns: Sequence[str],
    max_bytes: int,
) -> pd.DataFrame:
    name, raw = _decompress(path, max_bytes)
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
        df = _read_excel(path, raw, suffix, sheet, header_row, columns, max_bytes)
    elif suffix == ".parquet":
        _check_parquet_size(path, raw, max_bytes)
        try:
            df = pd.read_parquet(io.BytesIO(raw))
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise InputError(f"{path}: not a readable Parquet file ({exc}).") from None
        df = _binary_as_text(df, path)
    else:
        text, mark = _decode(raw, path, encoding)
        if suffix in (".jsonl", ".ndjson"):
            df = _read_jsonl(path, text)
        elif suffix == ".json":
            df = _read_json(path, text)
        else:
            df = _read_delimited(path, text, "\t" if suffix == ".tsv" and sep is None else sep, header_row, columns)
        if mark is not None:
            df = _note_recoded(df, mark)
    if len(df) == 0:
        names = examples([repr(textwrap.shorten(str(c), 60, placeholder="…")) for c in df.columns])
        raise EmptyTableError(f"{path}: has a header ({names}) but no data rows.")
    return df


def _check_parquet_size(path: Path, raw: bytes, max_bytes: int) -> None:
    """Refuse a Parquet file whose row groups say they decompress to more than ``max_bytes``, before reading
    them (its columns are compressed inside the file)."""
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(io.BytesIO(raw)).metadata
        total = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception:  # not readable: pandas says why below
        return
    if total > max_bytes:
        raise _too_big(path, max_bytes)


def _binary_as_text(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """A Parquet binary column whose every value is UTF-8 text, as that text; another stays bytes (not text)."""
    for i, name in enumerate(df.columns):
        values = df.iloc[:, i].tolist()
        given = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
        if not given or not all(isinstance(v, bytes) for v in given):
            continue
        try:
            decoded = [v.decode("utf-8") if isinstance(v, bytes) else v for v in values]
        except UnicodeDecodeError:
            logger.info("%s: column %r holds binary data that is not UTF-8 text; its cells are not text.", path, name)
            continue
        logger.info("%s: column %r is binary; its values are UTF-8 text, read as such.", path, name)
        df.isetitem(i, pd.Series(decoded, index=df.index, dtype=object))
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


def require_file(
    path: str | os.PathLike, *, option: str | None = None, folder_hint: str = "", max_bytes: int | None = None
) -> int:
    """Check that ``path`` is a regular file (and at most ``max_bytes`` long) before anything opens it.

    ``/dev/zero`` never ends and opening a FIFO waits for a writer: :func:`os.stat` tells them apart from a file
    without opening them.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    option : str, optional
        The option that named it (``"--themes"``), for the message.
    folder_hint : str, default ""
        What to say when ``path`` is a folder (e.g. which file inside it to give).
    max_bytes : int, optional
        The largest size accepted (``None``: any).

    Returns
    -------
    int
        The file's size in bytes.

    Raises
    ------
    InputError
        ``path`` does not exist, is a folder, a device, a FIFO or a socket, cannot be examined, or is larger
        than ``max_bytes``: one line naming it (and ``option``).
    """
    named = f"{option} {path}" if option else str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{named}: file not found.") from None
    except OSError as exc:
        raise InputError(f"{named}: cannot be read ({exc.strerror or exc}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{named} is a folder; {folder_hint or 'give a file'}.")
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a device"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a FIFO (named pipe)"
            if stat.S_ISFIFO(info.st_mode)
            else "a socket"
            if stat.S_ISSOCK(info.st_mode)
            else "not a regular file"
        )
        raise InputError(f"{named} is {kind}, not a regular file; save the data to a file and give that file.")
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputError(
            f"{named} is {_size(info.st_size)}, more than the limit of {_size(max_bytes)}; raise it with "
            "--max-input-bytes if your machine has the memory, or split the file."
        )
    return info.st_size


def _size(n: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def _too_big(path: Path, max_bytes: int, what: str = "decompressed") -> InputError:
    return InputError(
        f"{path}: more than {_size(max_bytes)} {what}, the limit (a decompression bomb?); raise it with "
        "--max-input-bytes if the file is genuine and your machine has the memory."
    )


def _read_limited(path: Path, stream: Any, max_bytes: int) -> bytes:
    """The bytes of ``stream``, read a megabyte at a time, refused as soon as they pass ``max_bytes``."""
    out = io.BytesIO()
    while chunk := stream.read(_CHUNK):
        out.write(chunk)
        if out.tell() > max_bytes:
            raise _too_big(path, max_bytes)
    return out.getvalue()


def _decompress(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> tuple[str, bytes]:
    """The name of the table file and its bytes, decompressed in a streaming way within ``max_bytes``."""
    suffix = path.suffix.lower()
    try:
        if suffix in _DECOMPRESS:
            try:
                with _DECOMPRESS[suffix](path, "rb") as stream:
                    return path.stem, _read_limited(path, stream, max_bytes)
            except InputError:
                raise
            except (EOFError, lzma.LZMAError, ValueError, zlib.error, gzip.BadGzipFile) as exc:
                raise InputError(f"{path}: not a valid {suffix} file ({exc}).") from None
            except OSError as exc:
                if exc.errno is None:  # bz2 and gzip say a damaged file with a bare OSError
                    raise InputError(f"{path}: not a valid {suffix} file ({exc}).") from None
                raise
        if suffix == ".zip":
            return _unzip(path, max_bytes)
        with open(path, "rb") as fh:
            return path.name, _read_limited(path, fh, max_bytes)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def _unzip(path: Path, max_bytes: int) -> tuple[str, bytes]:
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/") and not m.startswith("__MACOSX/")]
            tables = [m for m in members if Path(m).suffix.lower() in READERS]
            if len(tables) != 1:
                listed = examples(members) or "nothing"
                raise InputError(
                    f"{path}: a .zip must hold exactly one table file; it holds {listed}. "
                    "Unzip it and give the file you mean."
                )
            if zf.getinfo(tables[0]).file_size > max_bytes:  # what the archive says, checked again while reading
                raise _too_big(path, max_bytes)
            with zf.open(tables[0]) as stream:
                return tables[0], _read_limited(path, stream, max_bytes)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression
        raise InputError(f"{path}: cannot be read as a .zip ({exc}); unzip it and give the table inside.") from None


def _decode(raw: bytes, path: Path, encoding: str | None) -> tuple[str, str | None]:
    """The text of ``raw``, and the mark that follows each byte read as Windows-1252 in it (None: no such byte).

    UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252. A file of UTF-8 text with a few bytes that
    are not (a line pasted from an old export) is read character by character: UTF-8 where it is valid, each
    other byte as Windows-1252, followed by a mark (:func:`_note_recoded` turns them into row notes)."""
    if encoding:
        try:
            return raw.decode(encoding), None
        except UnicodeDecodeError as exc:
            where = raw[: exc.start].count(b"\n") + 1
            raise InputError(
                f"{path}: line {where}: byte 0x{raw[exc.start]:02x} is not valid {encoding}. "
                "Pass the file's real encoding with --encoding (e.g. utf-8, cp1252)."
            ) from None
        except LookupError:
            raise InputError(f"--encoding {encoding!r}: unknown encoding (try utf-8, cp1252, latin-1).") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return raw.decode("utf-16"), None
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        first = raw[: exc.start].count(b"\n") + 1
    mark = next((m for m in _MARKS if m.encode("utf-8") not in raw), None)
    if mark is not None:
        text = raw.decode("utf-8-sig", errors=_cp1252_handler(mark))
        recoded = text.count(mark)
        # characters beyond ASCII that the UTF-8 decoder read (each recoded byte adds two: itself and the mark)
        if len(text) - len(text.encode("ascii", "ignore")) > 2 * recoded:
            lines = [n for n, line in enumerate(text.split("\n"), 1) if mark in line]
            logger.warning(
                "%s is UTF-8 but for %d byte%s on line%s %s, read as Windows-1252 (cp1252); the note column of "
                "%s says which: check %s (the rest of the text is unchanged).",
                path,
                recoded,
                "s" if recoded > 1 else "",
                "s" if len(lines) > 1 else "",
                examples(lines),
                "their rows" if len(lines) > 1 else "its row",
                "them" if len(lines) > 1 else "it",
            )
            return text, mark
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not UTF-8 (line {first}) nor Windows-1252. Re-save it as UTF-8, or pass its encoding "
            "with --encoding (e.g. --encoding latin-1)."
        ) from None
    logger.warning(
        "%s is not UTF-8 (first at line %d); read it as Windows-1252 (cp1252), the usual encoding of "
        "French Excel exports. Pass --encoding to choose another.",
        path,
        first,
    )
    return text, None


# Unicode's noncharacters, "for internal use": a file that holds all of them is read as Windows-1252 whole
_MARKS = tuple(chr(c) for c in range(0xFDD0, 0xFDF0))
_NONCHARACTER = re.compile("[\ufdd0-\ufdef]")
_HANDLERS: set[str] = set()


def _cp1252_handler(mark: str) -> str:
    """The name of a codec error handler (:func:`codecs.register_error`) that reads each byte a UTF-8 decoder
    rejects as Windows-1252 (Latin-1 for the five bytes Windows-1252 leaves undefined), followed by ``mark``."""
    name = f"flaucluster-cp1252-{ord(mark):04x}"
    if name not in _HANDLERS:

        def handler(exc: UnicodeError) -> tuple[str, int]:
            if not isinstance(exc, UnicodeDecodeError):
                raise exc
            # one byte at a time: the decoder then reads what follows it as UTF-8 again
            return _decode_8bit(exc.object[exc.start : exc.start + 1]) + mark, exc.start + 1

        codecs.register_error(name, handler)
        _HANDLERS.add(name)
    return name


def _decode_8bit(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def _note_recoded(df: pd.DataFrame, mark: str) -> pd.DataFrame:
    """Take the marks :func:`_decode` left out of ``df``: a text cell that had any becomes a :class:`Recoded`
    text whose note says which bytes were read as Windows-1252 (a row's ``note``, see :func:`text_rows`)."""
    df.columns = [c.replace(mark, "") if isinstance(c, str) else c for c in df.columns]
    for i in range(df.shape[1]):
        values = df.iloc[:, i].tolist()
        hit = [j for j, v in enumerate(values) if _holds(v, mark)]
        if not hit:
            continue
        for j in hit:
            values[j] = _recoded(values[j], mark)
        df.isetitem(i, pd.Series(values, index=df.index, dtype=object))
    return df


def _holds(value: Any, mark: str) -> bool:
    if isinstance(value, str):
        return mark in value
    if isinstance(value, list):
        return any(_holds(v, mark) for v in value)
    if isinstance(value, dict):
        return any(_holds(k, mark) or _holds(v, mark) for k, v in value.items())
    return False


def _recoded(value: Any, mark: str) -> Any:
    if isinstance(value, list):  # a JSON cell: not text, but as written all the same
        return [_recoded(v, mark) for v in value]
    if isinstance(value, dict):
        return {_recoded(k, mark): _recoded(v, mark) for k, v in value.items()}
    if not isinstance(value, str) or mark not in value:
        return value
    read = [value[i - 1] for i in range(len(value)) if value[i] == mark]
    shown = [f"0x{_byte_of(ch):02X} as {ch if ch.isprintable() else f'U+{ord(ch):04X}'}" for ch in dict.fromkeys(read)]
    return Recoded(value.replace(mark, ""), f"cp1252 bytes: {examples(shown, 5)}")


def _byte_of(char: str) -> int:
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        return char.encode("latin-1")[0]


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
    if _NONCHARACTER.search(head):  # a mark of a byte read as Windows-1252 is no part of a header
        out = [[_NONCHARACTER.sub("", cell) for cell in record] for record in out]
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
        skip = next(
            (
                i
                for i, line in enumerate(lines[:_HEADER_SEARCH])
                if _NONCHARACTER.sub("", _unquote(line)).strip() in columns
            ),
            0,
        )
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
            record = load_json(line)
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
        data = load_json(text)
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
    path: Path,
    raw: bytes,
    suffix: str,
    sheet: str | int | None,
    header_row: int | None,
    columns: Sequence[str],
    max_bytes: int = MAX_INPUT_BYTES,
) -> pd.DataFrame:
    engine = "xlrd" if suffix == ".xls" else "openpyxl"
    if engine == "openpyxl":
        _check_workbook_parts(path, raw, max_bytes)
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
    if engine == "openpyxl":
        _check_sheet_extent(path, book, chosen, max_bytes)
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


def _check_workbook_parts(path: Path, raw: bytes, max_bytes: int) -> None:
    """Refuse a workbook whose parts (the shared strings, a sheet) unzip to more than ``max_bytes``, before any
    is parsed: the sizes are those the archive states, and zipfile stops a part that unzips to more."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            parts = zf.infolist()
    except zipfile.BadZipFile:
        return  # not a zip: the workbook reader says what is wrong with it
    total = sum(p.file_size for p in parts)
    if total > max_bytes:
        largest = max(parts, key=lambda p: p.file_size)
        raise InputError(
            f"{path}: its parts unzip to {_size(total)} ({largest.filename}: {_size(largest.file_size)}), more than "
            f"the limit of {_size(max_bytes)}; raise it with --max-input-bytes if the workbook is genuine."
        )


def _check_sheet_extent(path: Path, book: pd.ExcelFile, chosen: str, max_bytes: int) -> None:
    """Refuse a sheet whose grid (last row x last column holding a cell) is too large for ``max_bytes``: the
    reader makes every cell of the grid, so one cell in XFD1048576 means 17 billion. The extent is measured by
    reading the sheet's rows as a stream (the dimension the file states may lie)."""
    try:
        ws = book.book[chosen]
    except (AttributeError, KeyError):
        return
    if not hasattr(ws, "reset_dimensions"):
        return
    ws.reset_dimensions()
    try:
        ws.calculate_dimension(force=True)
        rows, width = ws.max_row or 0, ws.max_column or 0
    except Exception:  # an empty or damaged sheet: the reader says so
        return
    finally:
        ws.reset_dimensions()
    if rows * width > max_bytes // _CELL_BYTES:
        raise InputError(
            f"{path}: sheet {chosen!r} spans {rows:,} rows x {width:,} columns (its last cell is far from its "
            f"first), more cells than the limit of {_size(max_bytes)} allows; delete the stray cells (Ctrl+End "
            "in Excel shows the last one) or raise --max-input-bytes."
        )


_CELL_BYTES = 8  # what the reader holds at least for each cell of a sheet's grid, empty or not


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


@contextmanager
def atomic_paths(*paths: str | os.PathLike) -> Iterator[list[Path]]:
    """Write several files that land together or not at all: a context manager giving a temporary path for each.

    Each path is written as by :func:`atomic_path`. When the block raises (a full disk at the third file), every
    temporary file is deleted and every ``path`` is left as it was; when it succeeds, the files are renamed into
    place in the order given (a rename needs no space, so the last one given, renamed last, says the set is
    whole).

    Parameters
    ----------
    *paths : str or os.PathLike
        The files to write.

    Yields
    ------
    list of pathlib.Path
        An empty temporary file next to each path, in the same order.
    """
    with ExitStack() as stack:
        # entered last to first: the stack renames them first to last
        temporary = [stack.enter_context(atomic_path(p)) for p in reversed(paths)]
        yield temporary[::-1]


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
