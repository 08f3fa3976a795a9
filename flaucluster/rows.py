"""From table cells to the texts that are embedded: one normalisation, every row kept with a reason.

Each row keeps the text as written (``text``, what every export shows) and gets the text the
models see (``clean``, :func:`clean_text`): a cell that is an HTML document converted to text (decided per
cell, from evidence: :func:`html_evidence`; a ``<word>`` in plain text stays as written), control characters
and broken Unicode replaced, Unicode composed (NFC). A row that cannot be embedded is never dropped: its
``status`` says why (``missing``, ``empty``, ``not_text``, ``no_letters``, ``too_long``: longer than
``MAX_CELL_CHARS``, one million characters unless told), and ``note`` lists what cleaning changed.
"""

from __future__ import annotations

import datetime as _dt
import html
import html.entities
import json
import logging
import math
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .errors import InputError

logger = logging.getLogger(__name__)

ROW_STATUSES = ("ok", "missing", "empty", "not_text", "no_letters", "too_long")
# a cell longer than this is kept but never cleaned nor embedded: a page of text is ~3,000 characters, and
# a 50 MB cell took 4.7 GB and ended in MemoryError
MAX_CELL_CHARS = 1_000_000
# What spreadsheets and databases write for "no value"; compared case-insensitively, after trimming.
PLACEHOLDERS = (
    "null",
    "n/a",
    "#n/a",
    "na",
    "nan",
    "none",
    "nil",
    "undefined",
    "#null!",
    "#value!",
    "#valeur!",
    "#ref!",
    "#réf!",
    "#div/0!",
    "#name?",
    "#nom?",
    "(vide)",
    "(blank)",
    "(null)",
)

# Something html.parser may read as a tag: a cell without one is never parsed.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# A character reference written whole: "&eacute;", "&#233;", "&#xE9;" (never "R&D" nor "AT&T")
_ENTITY = re.compile(r"&(?:([A-Za-z][A-Za-z0-9]{1,31})|#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6}));")
_NAMESPACED = re.compile(r"[a-z][a-z0-9]*:[a-z][a-z0-9_.-]*")
_PARSE_STEP = 4096  # characters html.parser reads before the evidence is looked at
_DOCTYPE = re.compile(r"<!doctype\s+html", re.I)
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")  # \x0b: Excel's in-cell line break
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero-width, BOM
# Any character one of the steps of clean_text would act on: most cells have none, and skip them all.
_ACTED_ON = re.compile(
    "[<&\r\x0b\x0c\x85\u2028\u2029\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
    "\u00ad\u200b\u200c\u200d\u2060\ufeff\ud800-\udfff]"
)
# The elements of HTML (WHATWG HTML Living Standard, index of elements) and the obsolete ones editors still
# write: a tag of another name (<tab>, <Nom Prénom>, vector<int>) is text, even inside an HTML cell.
_ELEMENT_NAMES = """
    a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col
    colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2
    h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark math menu
    meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script
    search section select slot small source span strong style sub summary sup svg table tbody td template textarea
    tfoot th thead time title tr track u ul var video wbr
    acronym applet basefont big blink center dir font frame frameset marquee nobr noframes strike tt
"""
HTML_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
_BLOCK_NAMES = """
    p div br li ul ol dl dd dt tr td th table caption section article aside nav main blockquote pre h1 h2 h3 h4 h5 h6
    header footer hr figure figcaption details summary
"""
_BLOCK_TAGS = frozenset(_BLOCK_NAMES.split())
# <br> written between two characters with no space nor quote beside it ("ligne 1<br>ligne 2"), as an editor
# writes it; a text about HTML sets it apart ("la balise <br> insère", "« <br> »")
_GLUED_BREAK = re.compile(r"(?<=[^\s\"'`«»‹›“”‘’()\[\]])<br\s*/?>(?=[^\s\"'`«»‹›“”‘’()\[\]])", re.I)


class Recoded(str):
    """A cell's text whose bytes were not all UTF-8, and the note that says which were read as Windows-1252.

    :func:`flaucluster.io.read_table` gives such cells; :func:`text_rows` puts the note in the row's ``note``.
    """

    note: str

    def __new__(cls, text: str, note: str) -> Recoded:
        cell = super().__new__(cls, text)
        cell.note = note
        return cell

    def __reduce__(self):  # a cell read on a Dask worker comes back with its note
        return (Recoded, (str(self), self.note))


NESTED = (list, dict, tuple, np.ndarray)  # lists and records (Parquet gives a list as an array): not text


class Cells(NamedTuple):
    """One entry per row: the text as written, the text the models see, usability, cleaning notes."""

    text: list[str]
    clean: list[str]
    status: list[str]
    note: list[str]


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell_text(value: Any) -> str:
    """A cell's written form: strings as they are, numbers as a spreadsheet shows them, "" when missing."""
    if is_missing(value):
        return ""
    if isinstance(value, str):  # a lone surrogate (from a JSON escape) cannot be written to any file
        value = str(value)  # a Recoded cell is text like any other from here on
        return LONE_SURROGATE.sub("\ufffd", value) if LONE_SURROGATE.search(value) else value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):  # spreadsheets store every number as a float: 12.0 is written "12"
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (_dt.datetime, _dt.date, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def row_status(value: Any, placeholders: Iterable[str] = PLACEHOLDERS) -> str:
    """Say why a cell can or cannot be embedded.

    The cell is judged as written; :func:`text_rows` also judges the cleaned text, so a cell of markup only is
    ``"ok"`` here but ``"empty"`` there.

    Parameters
    ----------
    value : Any
        The cell.
    placeholders : iterable of str, default PLACEHOLDERS
        What spreadsheets and databases write for "no value" (``"null"``, ``"n/a"``, ``"#N/A"``, ...), compared
        case-insensitively after trimming.

    Returns
    -------
    str
        One of :data:`ROW_STATUSES`: ``"missing"`` (``None``, NaN, ``NA``, ``NaT`` or a placeholder),
        ``"not_text"`` (a list, dict, tuple, array, bool or bytes), ``"empty"`` (blank), ``"no_letters"`` (no letter at
        all), else ``"ok"``.
    """
    return _status(value, cell_text(value), _lowered(placeholders))


def _lowered(placeholders: Iterable[str]) -> frozenset[str]:
    return frozenset(p.strip().lower() for p in placeholders)


def _status(value: Any, text: str, placeholders: frozenset[str]) -> str:
    if is_missing(value):
        return "missing"
    if isinstance(value, (*NESTED, bool, bytes)):
        return "not_text"
    if not text.strip():
        return "empty"
    if text.strip().lower() in placeholders:
        return "missing"
    if not any(ch.isalpha() for ch in text):
        return "no_letters"
    return "ok"


def _is_element(tag: str) -> bool:
    """An element of HTML, or a namespaced one as Word writes them (``o:p``, ``w:sdt``)."""
    return tag in HTML_ELEMENTS or _NAMESPACED.fullmatch(tag) is not None


class _Evidence(HTMLParser):
    """Reads a cell's tags for evidence that it is HTML: a closing tag that closes an element opened before it,
    an attribute given a value, a self-closed element (``<br/>``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found = ""
        self.tags = 0  # things read as tags, of any name
        self._open: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        if _is_element(tag):
            self._open.add(tag)
            if not self.found and any(value is not None for _, value in attrs):
                self.found = f"<{tag}> with an attribute"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        if _is_element(tag) and not self.found:
            self.found = f"<{tag}/>"

    def handle_endtag(self, tag: str) -> None:
        self.tags += 1
        if tag in self._open and not self.found:
            self.found = f"<{tag}>...</{tag}>"


def html_evidence(text: str) -> str:
    """Why ``text`` is an HTML document, or ``""`` when it is plain text (whose ``<word>`` stays as written).

    A cell is HTML when its markup shows at least one of: a comment or a doctype; a character reference written
    whole (``&eacute;``, ``&amp;``, ``&#233;``); a closing tag that closes an element of HTML opened before it
    (``<b>...</b>``, ``<ul><li>...</ul>``); an element of HTML with an attribute given a value
    (``<a href="...">``); a self-closed element (``<br/>``); a ``<br>`` written between two characters
    (``ligne 1<br>ligne 2``). A tag alone is not evidence: ``suivi de <tab>``, ``les balises <div> et <span>``,
    ``<Nom Prénom>``, ``vector<int>``, ``<<Bonjour>>``, ``x<3 et y>2`` are text.

    Parameters
    ----------
    text : str
        A cell's text.

    Returns
    -------
    str
        The first evidence found (``"<p>...</p>"``, ``"&eacute;"``, ...), or ``""``.
    """
    return _evidence(text)[0]


def _evidence(text: str) -> tuple[str, bool]:
    """(:func:`html_evidence`, whether html.parser read anything as a tag) of ``text``."""
    for match in _ENTITY.finditer(text):
        name, decimal, hexa = match.groups()
        if name is not None and f"{name};" in html.entities.html5:
            return match.group(), False
        code = int(decimal) if decimal is not None else int(hexa, 16) if hexa is not None else -1
        if 0 < code <= 0x10FFFF:
            return match.group(), False
    if "<" not in text:
        return "", False
    opened = text.find("<!--")
    if opened >= 0 and text.find("-->", opened + 4) >= 0:  # find, not a lazy regex: linear on any cell
        return "a comment", False
    if _DOCTYPE.search(text):
        return "a doctype", False
    if not _TAG.search(text):
        return "", False
    glued = _GLUED_BREAK.search(text)
    if glued:
        return glued.group(), True
    reader = _Evidence()
    for start in range(0, len(text), _PARSE_STEP):  # an HTML document shows its evidence early: stop there
        reader.feed(text[start : start + _PARSE_STEP])
        if reader.found:
            return reader.found, True
    reader.close()
    return reader.found, reader.tags > 0


class _TextOfHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif not _is_element(tag):  # <tab>, <Nom Prénom>: text a person wrote, kept as written
            self.handle_data(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif not _is_element(tag):
            self.handle_data(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif not _is_element(tag):
            self.handle_data(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(text: str) -> str:
    """Visible text of an HTML document: tags of HTML removed (script and style content too), block elements as
    line breaks, entities decoded; a tag of another name (``<tab>``) kept as written.

    Call it on a cell that :func:`html_evidence` finds to be HTML; :func:`clean_text` does.

    Parameters
    ----------
    text : str
        An HTML document or fragment.

    Returns
    -------
    str
        Its text.
    """
    parser = _TextOfHTML()
    parser.feed(text)
    parser.close()
    out = "".join(parser.parts)
    return re.sub(r"[ \t]*\n\s*", "\n", out).strip()


def clean_text(text: str) -> tuple[str, list[str]]:
    """The text the models see, and what was changed to get it: the one normalisation of every path.

    ``TopicModel.fit``, ``predict`` and ``transform``, :func:`flaucluster.embed.embed_texts`, ``flaucluster embed``
    and ``flaucluster cluster`` all embed this text, so fitting from texts equals fitting from their embeddings.
    Invisible characters (soft hyphen, zero-width, BOM) are removed, a lone surrogate is replaced, Unicode is
    composed (NFC), an HTML document (:func:`html_evidence`) is converted to its text (:func:`html_to_text`),
    line breaks are unified, control characters become spaces, and the ends are trimmed. Plain text keeps every
    ``<`` and ``>`` as written.

    Parameters
    ----------
    text : str
        A cell's text (:func:`cell_text`).

    Returns
    -------
    clean : str
        The text the models see.
    notes : list of str
        What was changed, or worth saying: ``"html"`` (converted from HTML), ``"not_html"`` (something that looks
        like a tag, kept as text for want of evidence of HTML), ``"control_characters"``; empty when nothing was.
    """
    if not _ACTED_ON.search(text) and unicodedata.is_normalized("NFC", text):
        return text.strip(), []
    notes = []
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", LONE_SURROGATE.sub("\ufffd", text)))
    found, tags = _evidence(text) if "<" in text or "&" in text else ("", False)
    if found:
        converted = html_to_text(text)
        if converted != text:
            text = converted
            notes.append("html")
    elif tags:
        notes.append("not_html")
    text = _LINE_BREAKS.sub("\n", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
        notes.append("control_characters")
    return text.strip(), notes


def model_text(value: Any) -> str:
    """The text the models see of one cell or text: :func:`clean_text` of its written form (:func:`cell_text`).

    Parameters
    ----------
    value : Any
        A cell or a text.

    Returns
    -------
    str
        The text an encoder is given for it.
    """
    return clean_text(cell_text(value))[0]


def normalise_cells(
    values: Sequence[Any], placeholders: Iterable[str] = PLACEHOLDERS, max_chars: int = MAX_CELL_CHARS
) -> Cells:
    """:class:`Cells` for one column of values (the one normalisation every path uses); a text longer than
    ``max_chars`` is ``"too_long"``, its length in its note."""
    lowered = _lowered(placeholders)
    out = Cells([], [], [], [])
    for value in values:
        text = cell_text(value)
        status = _status(value, text, lowered)
        if status == "ok" and len(text) > max_chars:
            out.text.append(text)
            out.clean.append("")
            out.status.append("too_long")
            out.note.append(f"{len(text):,} characters, more than the cap of {max_chars:,} (--max-cell-chars)")
            continue
        clean, notes = clean_text(text) if status == "ok" else (text.strip(), [])
        if "\ufffd" in text:  # a lone surrogate replaced here or by the reader, or a byte lost before us
            notes.insert(0, "invalid_unicode")
        if isinstance(value, Recoded):  # said even of a row that is not embedded: its text as written differs
            notes.insert(0, value.note)
        if status == "ok" and not any(ch.isalpha() for ch in clean):  # e.g. only markup
            status = "empty" if not clean else "no_letters"
        out.text.append(text)
        out.clean.append(clean if status == "ok" else "")
        out.status.append(status)
        out.note.append("; ".join(notes))
    return out


def _join(parts: Sequence[str]) -> str:
    ends = [t if t[-1] in ".!?…:;" or i == len(parts) - 1 else t + "." for i, t in enumerate(parts)]
    return " ".join(ends)


def join_cells(columns: Sequence[Cells]) -> Cells:
    """Several text columns read as one text per row ("Titre. Description"). The text as written keeps
    every part that holds anything; the text the model sees keeps the usable parts only."""
    if len(columns) == 1:
        return columns[0]
    out = Cells([], [], [], [])
    for parts in zip(*(zip(*c) for c in columns)):  # per row: one (text, clean, status, note) per column
        written = [p[0].strip() for p in parts if p[0].strip()]
        out.text.append(_join(written) if written else "")
        reasons = [p[2] for p in parts]
        # a row with a too-long part is not embedded in part: the model would see less than the row holds
        usable = [p[1] for p in parts if p[2] == "ok"] if "too_long" not in reasons else []
        out.clean.append(_join(usable) if usable else "")
        # unusable: the most telling reason, a too-long, empty or non-text cell rather than "missing"
        telling = "too_long" if "too_long" in reasons else next((r for r in reasons if r != "missing"), "missing")
        out.status.append("ok" if usable else telling)
        out.note.append("; ".join(dict.fromkeys(n for p in parts for n in p[3].split("; ") if n)))
    return out


def require_column(
    df: pd.DataFrame, column: str, *, source: str = "input", role: str = "text", option: str | None = None
) -> str:
    """Find ``column`` in ``df``, spaces around a header not counting.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    column : str
        The column asked for.
    source : str, default "input"
        What the table is (a file name), for the message.
    role : str, default "text"
        What the column is for, for the message ("no text column ...").
    option : str, optional
        The option that names the column, for the message; ``None``: ``--{role}-column``.

    Returns
    -------
    str
        The column's name as ``df`` spells it.

    Raises
    ------
    InputError
        No column (or more than one, once spaces are trimmed) has that name: a one-line message listing the
        columns there are, and one that differs only in case if there is one.
    """
    if column in df.columns:
        return column
    spaced = [c for c in df.columns if str(c).strip() == column.strip()]
    if len(spaced) == 1:
        return spaced[0]
    names = [str(c) for c in df.columns]
    shown = examples([repr(textwrap.shorten(n, 60, placeholder="…")) for n in names])
    near = [n for n in names if n.strip().casefold() == column.strip().casefold()]
    hint = f" Did you mean {near[0]!r}?" if near else ""
    raise InputError(
        f"{source}: no {role} column {column!r}.{hint} Available columns: {shown}. "
        f"Pass the right one with {option or f'--{role}-column'}."
    )


def _refuse_not_text(values: pd.Series, column: str, source: str) -> None:
    """A text column of lists or records only (a Parquet list or struct column), or of bytes only (a Parquet
    binary column that is not all UTF-8), is no text column: refused, rather than every row reported unusable.
    A JSON column where some cells are lists keeps them, as not_text rows."""
    cells = values.tolist()
    first = next((v for v in cells if not is_missing(v)), None)
    if not isinstance(first, (*NESTED, bytes)):  # most columns: their first value is text
        return
    given = [(i, v) for i, v in enumerate(cells, 1) if not is_missing(v)]
    if all(isinstance(v, NESTED) for _, v in given):
        row, first = given[0]
        what = f"lists or records, not text (row {row} is {'a record' if isinstance(first, dict) else 'a list'})"
    elif all(isinstance(v, bytes) for _, v in given):
        bad = next((i for i, v in given if not _is_utf8(v)), None)
        what = "binary data, not text" + (f" (row {bad} is not UTF-8)" if bad else "")
    else:
        return
    raise InputError(
        f"{source}: column {column!r} holds {what}; give a column of text with --text-column, or turn this one "
        "into text first."
    )


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def examples(items: Sequence[Any], limit: int = 10) -> str:
    """The first ``limit`` items for a message, and how many more there are: "a, b and 3 more"."""
    shown = ", ".join(str(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def text_rows(
    df: pd.DataFrame,
    text_column: str | Sequence[str],
    *,
    id_column: str | None = None,
    source: str = "input",
    placeholders: Iterable[str] | None = None,
    max_cell_chars: int = MAX_CELL_CHARS,
) -> pd.DataFrame:
    """Give the texts to embed of a table: one row per input row, in input order, none dropped.

    Each row keeps the text as written and gets the text the models see (see :mod:`flaucluster.rows`). Several
    columns are joined into one text per row ("Titre. Description"). Unusable rows, blank and duplicate ids are
    reported in the log and kept.

    Parameters
    ----------
    df : pandas.DataFrame
        The table, as :func:`flaucluster.io.read_table` returns it.
    text_column : str or sequence of str
        The column (or columns, joined in this order) holding the text.
    id_column : str, optional
        The column holding each row's id; ``None``: ids are the row numbers, as text (``"1"``, ``"2"``, ...).
    source : str, default "input"
        What the table is (a file name), for messages.
    placeholders : iterable of str, optional
        What counts as "no value" (see :func:`row_status`); ``None``: ``PLACEHOLDERS``.
    max_cell_chars : int, default MAX_CELL_CHARS
        The longest text a cell may hold to be embedded (1,000,000 characters): a longer one keeps its row, with
        the status ``"too_long"`` and its length in the note, never cut nor embedded.

    Returns
    -------
    pandas.DataFrame
        Columns ``row`` (1-based), ``id`` (as written), ``text`` (as written), ``clean`` (the text the models
        see; ``""`` unless ``status`` is ``"ok"``), ``status`` (one of :data:`ROW_STATUSES`) and ``note`` (what
        reading and cleaning changed, ``"; "``-separated: ``cp1252 bytes: 0xE9 as é`` for bytes of a UTF-8 file
        that were read as Windows-1252, ``html`` (an HTML cell, converted to its text: :func:`html_evidence`),
        ``not_html`` (a ``<word>`` that looks like a tag, kept as text), ``control_characters``,
        ``invalid_unicode``).

    Raises
    ------
    InputError
        A text or id column is not in ``df`` (see :func:`require_column`), a text column is given twice, or a text
        column holds no text: lists or records only (a Parquet list or struct column), or bytes only (a Parquet
        binary column not all UTF-8).
    """
    asked = [text_column] if isinstance(text_column, str) else list(text_column)
    columns = [require_column(df, column, source=source) for column in asked]
    twice = next((c for i, c in enumerate(columns) if c in columns[:i]), None)
    if twice is not None:  # joined twice, every text would be doubled
        raise InputError(f"the text column {twice!r} is given twice (--text-column); give each column once.")
    if id_column is not None:
        id_column = require_column(df, id_column, source=source, role="id")
        ids = [cell_text(v) for v in df[id_column].tolist()]
    else:
        ids = [str(i + 1) for i in range(len(df))]
    for column in columns:
        _refuse_not_text(df[column], column, source)
    placeholders = PLACEHOLDERS if placeholders is None else placeholders
    cells = join_cells([normalise_cells(df[c].tolist(), placeholders, max_cell_chars) for c in columns])
    rows = pd.DataFrame(
        {
            "row": range(1, len(df) + 1),
            "id": ids,
            "text": cells.text,
            "clean": cells.clean,
            "status": cells.status,
            "note": cells.note,
        }
    )
    bad = rows[rows.status != "ok"]
    if len(bad):
        logger.warning(
            "%s: %d of %d rows in %s cannot be embedded; they are kept, outside any cluster, with a reason: %s.",
            source,
            len(bad),
            len(rows),
            " + ".join(map(repr, columns)),
            examples([f"row {r} ({s})" for r, s in zip(bad.row, bad.status)]),
        )
    said = [set(n.split("; ")) for n in rows.note]
    kept = [r for r, n in zip(rows.row, said) if "not_html" in n]
    if kept:
        logger.info(
            "%s: rows %s: <...> kept as text (no closing tag, attribute, entity or comment shows HTML).",
            source,
            examples(kept),
        )
    for note in ("html", "control_characters", "invalid_unicode"):
        hit = [r for r, n in zip(rows.row, said) if note in n]
        if hit:
            logger.info(
                "%s: rows %s: %s converted for embedding (the text as written is kept in the outputs).",
                source,
                examples(hit),
                note.replace("_", " "),
            )
    if id_column is not None:
        blank = rows.row[rows.id.str.strip() == ""].tolist()
        if blank:
            logger.warning(
                "%s: %d rows have no %r: rows %s (kept; the `row` column identifies them).",
                source,
                len(blank),
                id_column,
                examples(blank),
            )
        counts = rows.id[rows.id.str.strip() != ""].value_counts()
        dup = counts[counts > 1]
        if len(dup):
            desc = ", ".join(f"{i!r} ×{n}" for i, n in dup.head(5).items())
            logger.warning(
                "%s: %d ids appear more than once (%s%s); every row is kept, and the `row` column tells them apart.",
                source,
                len(dup),
                desc,
                " ..." if len(dup) > 5 else "",
            )
    return rows
