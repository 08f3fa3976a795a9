"""Spreadsheet cells that cannot run: CSV and XLSX exports safe to open in Excel or LibreOffice.

Following OWASP's advice on CSV injection, a text cell that a spreadsheet would read as a formula
(it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, also after leading spaces)
is written with a leading apostrophe in CSV. In XLSX every text cell is written as a string, never
a formula, and such cells also carry Excel's "quote prefix" flag, so editing them keeps them text.
``raw=True`` (``--raw-cells``) writes CSV text exactly as it is; XLSX cells stay strings either way.

Each sheet opens ready to read: its header row frozen, a filter on every column, each column as wide as
its content (up to :data:`XLSX_MAX_WIDTH`), and single-precision numbers written as the CSV writes them
(``0.5912``, not ``0.5911999940872192``).

XLSX cannot hold most control characters: they are shown as U+FFFD (the CSV and Parquet files
keep them); a cell longer than Excel's 32,767-character limit is cut with a note.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_MAX_CHARS = 32_767
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_WIDTH = 60  # characters: a longer text wraps in the cell rather than pushing the next column away
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CUT = " […] (cut: Excel holds 32,767 characters a cell; assignments.csv has the whole text)"


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) or text.lstrip(" \u00a0").startswith(FORMULA_START[:4])


def neutralise(value: object) -> object:
    """``value`` with a leading apostrophe if a spreadsheet would run it as a formula."""
    return "'" + value if isinstance(value, str) and looks_like_formula(value) else value


def safe_frame(df: pd.DataFrame, raw: bool = False) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) cannot run as formulas."""
    if raw:
        return df
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def xlsx_text(text: str) -> str:
    text = _XLSX_ILLEGAL.sub("\ufffd", text)
    if _utf16_units(text) <= XLSX_MAX_CHARS:
        return text
    room = XLSX_MAX_CHARS - len(_CUT)  # Excel counts UTF-16 units: an emoji is two
    while _utf16_units(text[:room]) > XLSX_MAX_CHARS - len(_CUT):
        room -= max(1, (_utf16_units(text[:room]) - (XLSX_MAX_CHARS - len(_CUT))) // 2)
    return text[:room] + _CUT


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def write_xlsx(path: str | Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Write ``sheets`` with every text cell a string (never a formula, a number or a link); long
    tables continue on further sheets (``lignes (2)``) past Excel's row limit.

    XlsxWriter, not openpyxl: it streams rows (``constant_memory``) several times faster, and its
    options turn off every guess that would make a text cell something else."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        },
    )
    bold, quoted = book.add_format({"bold": True}), book.add_format({"quote_prefix": True})
    bold_quoted = book.add_format({"bold": True, "quote_prefix": True})

    def put(ws, r: int, c: int, value, header: bool = False) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            ws.write_number(r, c, value)  # headers are column names: always text
            return
        if isinstance(value, bool):
            ws.write_boolean(r, c, value)
            return
        # text (and None, NaN, inf: shown as text, never as a broken number)
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        if looks_like_formula(text):  # Excel's own "this is text" flag: editing the cell keeps it text
            ws.write_string(r, c, xlsx_text(text), bold_quoted if header else quoted)
        elif text:
            ws.write_string(r, c, xlsx_text(text), bold if header else None)
        else:
            ws.write_blank(r, c, None)

    for name, df in sheets.items():
        df = _as_in_csv(df)
        widths = column_widths(df)
        per_sheet = XLSX_MAX_ROWS - 1
        chunks = [df.iloc[i : i + per_sheet] for i in range(0, max(len(df), 1), per_sheet)]
        for part, chunk in enumerate(chunks, 1):
            ws = book.add_worksheet(name if part == 1 else f"{name} ({part})")
            for c, width in enumerate(widths):  # before any row: constant_memory writes rows as they come
                ws.set_column(c, c, width)
            ws.freeze_panes(1, 0)
            if len(df.columns):
                ws.autofilter(0, 0, max(len(chunk), 1), len(df.columns) - 1)
            for c, column in enumerate(df.columns):
                put(ws, 0, c, str(column), header=True)
            for r, row in enumerate(chunk.itertuples(index=False, name=None), 1):
                for c, value in enumerate(row):
                    put(ws, r, c, _plain(value))
    book.close()


def _as_in_csv(df: pd.DataFrame) -> pd.DataFrame:
    """Single-precision columns as the CSV writes them: their shortest decimal, not float64's expansion."""
    narrow = [c for c in df.columns if df[c].dtype in (np.float32, np.float16)]
    if not narrow:
        return df
    return df.assign(**{str(c): df[c].astype(str).astype("float64") for c in narrow})


def column_widths(df: pd.DataFrame) -> list[float]:
    """Each column's width in characters: its longest cell or header, plus room for the filter button."""
    out = []
    for column in df.columns:
        values = df[column]
        if values.dtype == object:
            longest = values.map(lambda v: len(str(_plain(v)))).max()
        else:
            longest = values.astype(str).str.len().max()
        longest = 0 if pd.isna(longest) else int(longest)
        out.append(float(min(XLSX_MAX_WIDTH, max(longest, len(str(column)) + 3) + 2)))
    return out


def _plain(value: object) -> object:
    """numpy scalars as Python numbers; lists as readable text."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, str)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return value
