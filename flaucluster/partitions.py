"""Inputs in several files: a glob (``parts/*.parquet``) or an fsspec URL (``s3://bucket/parts/*.csv``) read as
one table, the files in sorted order, every row kept.

The rows of the files follow one another, so ``row`` numbers and default ids run on across files: a run on the
parts is the run on their concatenation. A file is read like a single input (:func:`flaucluster.io.read_table`),
and its errors name it.
"""

from __future__ import annotations

import functools
import glob
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from .errors import EmptyTableError, InputError

logger = logging.getLogger(__name__)

__all__ = ["expand", "read_parts"]

_GLOB = set("*?[")


def is_url(source: str) -> bool:
    return "://" in source and not source.startswith("file://")


def is_pattern(source: str | os.PathLike) -> bool:
    """Whether ``source`` names several files (a glob or a URL) rather than one that exists as written."""
    text = str(source)
    return is_url(text) or (bool(_GLOB & set(text)) and not Path(text).exists())


def expand(source: str | os.PathLike) -> list[str]:
    """The files ``source`` names, sorted.

    Parameters
    ----------
    source : str or os.PathLike
        A file, a glob (``parts/*.parquet``, ``**`` included) or an fsspec URL (``s3://…``, ``gs://…``; the
        filesystem package, such as ``s3fs``, must be installed).

    Returns
    -------
    list of str
        Paths (or URLs), sorted; one for a plain file.

    Raises
    ------
    InputError
        When nothing matches, or when a URL's filesystem is not installed.
    """
    text = str(source)
    if is_url(text):
        try:
            import fsspec

            fs, _, paths = fsspec.get_fs_token_paths(text)
        except (ImportError, ValueError) as exc:
            raise InputError(f"{text}: cannot read this URL ({exc}); install its filesystem package.") from None
        protocol = text.split("://", 1)[0]
        found = sorted(p if "://" in p else f"{protocol}://{p}" for p in paths if not fs.isdir(p))
    elif is_pattern(text):
        found = sorted(p for p in glob.glob(text, recursive=True) if not os.path.isdir(p))
    else:
        return [text]
    if not found:
        raise InputError(f"{text}: no file matches; check the pattern (quote it so the shell does not expand it).")
    return found


def read_parts(
    source: str | os.PathLike,
    read: Callable[[str], pd.DataFrame],
    *,
    map_parts: Callable[[Callable, list[str]], Iterable[pd.DataFrame | None]] | None = None,
) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
    """The files of ``source`` read with ``read`` and put one after the other.

    Parameters
    ----------
    source : str or os.PathLike
        What :func:`expand` accepts.
    read : callable
        Reads one local path into a DataFrame (:func:`flaucluster.io.read_table` with the run's options).
    map_parts : callable, optional
        ``map_parts(function, paths)`` -> the function's results in path order: where the files are read (on a
        Dask cluster, :func:`flaucluster.scale.map_in_order`); ``None``: here, one after the other.

    Returns
    -------
    pandas.DataFrame
        Every row of every file, in file order (the columns asked for are in every file: ``read`` checks).
    list of (str, int)
        Each file and its number of rows (0 for a file with no data row, which is named in a warning).

    Raises
    ------
    EmptyTableError
        When no file has a data row.
    """
    paths = expand(source)
    if len(paths) == 1:
        frame = _read_one(paths[0], read)
        return frame, [(paths[0], len(frame))]
    part = functools.partial(_read_part, read=read)
    frames = list(map_parts(part, paths) if map_parts is not None else map(part, paths))
    sizes = [(path, 0 if frame is None else len(frame)) for path, frame in zip(paths, frames)]
    if empty := [path for path, frame in zip(paths, frames) if frame is None]:
        logger.warning("%d of %d files have no data row: %s", len(empty), len(paths), ", ".join(empty[:5]))
    kept = [frame for frame in frames if frame is not None]
    if not kept:
        raise EmptyTableError(f"{source}: none of its {len(paths)} files has a data row.")
    return pd.concat(kept, ignore_index=True), sizes


def _read_one(path: str, read: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    return _read_remote(path, read) if is_url(path) else read(path)


def _read_part(path: str, read: Callable[[str], pd.DataFrame]) -> pd.DataFrame | None:
    """One of several files; None for a part with nothing in it (as Spark and Dask write them): it adds no row."""
    try:
        return _read_one(path, read)
    except EmptyTableError:
        return None


def _read_remote(url: str, read: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """A URL's file copied to a local temporary file of the same name, then read like a local one."""
    import fsspec

    folder = tempfile.mkdtemp(prefix="flaucluster-part-")
    try:
        local = os.path.join(folder, url.rstrip("/").rsplit("/", 1)[-1])
        with fsspec.open(url, "rb") as remote, open(local, "wb") as out:
            shutil.copyfileobj(remote, out)
        try:
            return read(local)
        except InputError as exc:  # name the URL, not the temporary copy
            raise InputError(str(exc).replace(local, url)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
