"""Content-addressed on-disk cache of sentence vectors, read row by row.

Layout: ``<cache_dir>/<digest of model identity>/shard-*.vectors.npy`` (float32 rows) and its
``shard-*.keys.npy``: the sha256 of every row's text, sorted, each with a check (8 bytes of
BLAKE2b) of its vector. The keys file is written last, so a shard exists once both are whole. A
lookup reads the (small) keys files and only the vector rows it needs, whose checks it verifies: a
run with 2,000 texts costs the same whether the cache holds 2,000 vectors or a million. A shard that
fails (truncated, altered, another kind of file such as a zip archive) is logged once, deleted, and its texts
are simply embedded again.
Shards of the earlier single-file format (``shard-*.npz``) are read whole once and rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
import zipfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np

from ..io import atomic_path, default_cache_dir

logger = logging.getLogger(__name__)

_MAX_SHARDS = 32  # beyond this, shards are merged so start-up stays one read per few files


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


_KEYS = np.dtype([("key", "S32"), ("check", "<u8")])


def _row_check(rows: np.ndarray) -> np.ndarray:
    rows = np.ascontiguousarray(rows, dtype=np.float32)
    return np.array(
        [int.from_bytes(hashlib.blake2b(r.tobytes(), digest_size=8).digest(), "little") for r in rows], dtype="<u8"
    )


def _vectors_file(keys_file: Path) -> Path:
    """The vector file that goes with a shard's keys file."""
    return keys_file.with_name(keys_file.name.removesuffix(".keys.npy") + ".vectors.npy")


def _load_npy(path: Path, mmap_mode: Literal["r"] | None = None) -> np.ndarray:
    """The array of a ``.npy`` file; ValueError for anything else there, such as a zip archive (which
    :func:`numpy.load` opens as an ``.npz``, a mapping of arrays)."""
    loaded = np.load(path, mmap_mode=mmap_mode, allow_pickle=False)
    if not isinstance(loaded, np.ndarray):
        loaded.close()
        raise ValueError(f"{path.name} is not a .npy file")
    return loaded


class _Shard:
    def __init__(self, keys_file: Path) -> None:
        self.keys_file = keys_file
        self.vectors_file = _vectors_file(keys_file)
        self.keys = _load_npy(keys_file)
        self.vectors = _load_npy(self.vectors_file, mmap_mode="r")
        if self.keys.dtype != _KEYS or self.vectors.ndim != 2 or len(self.vectors) != len(self.keys):
            raise ValueError("keys and vectors do not match")

    def find(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``wanted`` found here, their vectors); a row failing its check raises ValueError."""
        at = np.searchsorted(self.keys["key"], wanted)
        inside = at < len(self.keys)
        hit = np.zeros(len(wanted), dtype=bool)
        hit[inside] = self.keys["key"][at[inside]] == wanted[inside]
        rows = at[hit]
        vectors = np.asarray(self.vectors[rows], dtype=np.float32)
        if not np.array_equal(_row_check(vectors), self.keys["check"][rows]):
            raise ValueError("a vector does not match its check")
        return np.flatnonzero(hit), vectors

    def remove(self) -> None:
        for f in (self.keys_file, self.vectors_file):
            f.unlink(missing_ok=True)


_REPORTED: set[str] = set()  # damaged files already named in this process
_OPENED: dict[tuple, _Shard] = {}  # shards read in this process, by their files' identity and state
_MAX_OPENED = 128


def _open_shard(keys_file: Path) -> _Shard:
    """The shard of ``keys_file``, its keys read once per process while neither file changes: a notebook's
    every fit looks its phrases up again, and reading the keys of a large cache was a good part of a re-fit."""
    state = tuple(
        (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) for st in (keys_file.stat(), _vectors_file(keys_file).stat())
    )
    memo = (str(keys_file), state)
    shard = _OPENED.get(memo)
    if shard is None:
        if len(_OPENED) >= _MAX_OPENED:
            _OPENED.clear()
        shard = _OPENED[memo] = _Shard(keys_file)
    return shard


class EmbeddingCache:
    """The on-disk cache of one model's vectors, keyed by the sha256 of each text.

    The layout and the checks are described in :mod:`flaucluster.embed.cache`. A cache that cannot be read or
    written (read-only disk, no permission) is no error: a warning is logged and the texts are embedded without
    it (after a failed write, no other write is tried). Vectors put in this session are also kept in memory.

    Parameters
    ----------
    cache_dir : str or os.PathLike or None
        The cache folder (``~`` is expanded); ``None`` for :func:`flaucluster.io.default_cache_dir`.
    model_identity : str
        The encoder's :attr:`~flaucluster.embed.Encoder.identity`: each identity has its own subfolder.

    Attributes
    ----------
    dir : pathlib.Path
        The folder of this model's shards: ``cache_dir`` / the first 24 hex digits of the identity's sha256.
    model_identity : str
        The identity given.
    """

    def __init__(self, cache_dir: str | os.PathLike | None, model_identity: str) -> None:
        root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
        self.dir = root / hashlib.sha256(model_identity.encode()).hexdigest()[:24]
        self.model_identity = model_identity
        self._fresh: dict[bytes, np.ndarray] = {}  # put in this session
        self._writable = True

    def _unusable(self, action: str, exc: OSError) -> None:
        logger.warning(
            "Embedding cache %s cannot be %s (%s); going on without it. Pass --cache-dir to use "
            "another folder, or --no-cache.",
            self.dir,
            action,
            exc.strerror or exc,
        )

    def _corrupted(self, path: Path, remove: Callable[[], None], why: object = None) -> None:
        if str(path) not in _REPORTED:  # a shard that cannot be deleted (read-only cache) is named once
            _REPORTED.add(str(path))
            logger.warning(
                "Embedding cache file %s is truncated or corrupted%s; deleted, its texts will be embedded again.",
                path,
                f" ({why})" if why else "",
            )
        with contextlib.suppress(OSError):  # a read-only cache: the bad shard is skipped, not deleted
            remove()

    def _shards(self) -> list[_Shard]:
        try:
            self._upgrade(sorted(self.dir.glob("shard-*.npz")))
            names = sorted(self.dir.glob("shard-*.keys.npy"))
        except OSError as exc:
            self._unusable("read", exc)
            return []
        shards = []
        for name in names:
            try:
                shards.append(_open_shard(name))
            except (ValueError, EOFError, FileNotFoundError) as exc:  # truncated, altered, or half a pair
                self._corrupted(name, partial(_remove_pair, name), exc)
            except OSError as exc:
                self._unusable("read", exc)
        if len(shards) > _MAX_SHARDS:
            try:
                shards = self._compact(shards)
            except (OSError, ValueError) as exc:
                if isinstance(exc, OSError):
                    self._unusable("compacted", exc)
        return shards

    def get(self, keys: Sequence[bytes]) -> list[np.ndarray | None]:
        """Look up the vectors of ``keys``.

        Only the keys files and the vector rows needed are read, and each row is checked; a shard that is
        truncated or altered is logged and deleted, and its texts count as not cached.

        Parameters
        ----------
        keys : sequence of bytes
            The 32-byte sha256 digest of each text's UTF-8 bytes.

        Returns
        -------
        list of numpy.ndarray or None
            One entry per key, in order: its ``float32`` vector, or ``None`` where the cache does not hold it.
        """
        out: list[np.ndarray | None] = [self._fresh.get(k) for k in keys]
        todo = [i for i, v in enumerate(out) if v is None]
        if not todo:
            return out
        wanted = np.array([keys[i] for i in todo], dtype="S32")
        for shard in self._shards():
            if not len(wanted):
                break
            try:
                found, vectors = shard.find(wanted)
            except (OSError, ValueError):
                self._corrupted(shard.vectors_file, shard.remove)
                continue
            for j, v in zip(found, vectors):
                out[todo[j]] = v
            left = np.ones(len(wanted), dtype=bool)
            left[found] = False
            wanted, todo = wanted[left], [t for t, keep in zip(todo, left) if keep]
        return out

    def put(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Store ``vectors`` under ``keys``, in memory for this session and as a new shard on disk.

        A write that fails (read-only disk, no permission) logs a warning, and later calls keep the vectors in
        memory only. Nothing is done for no keys.

        Parameters
        ----------
        keys : sequence of bytes
            The 32-byte sha256 digest of each text's UTF-8 bytes.
        vectors : numpy.ndarray
            One row per key, stored as ``float32``.
        """
        if len(keys) == 0:
            return
        self._fresh.update(zip(keys, np.asarray(vectors, dtype=np.float32)))
        if not self._writable:
            return
        try:
            _write_shard(self.dir, list(keys), np.asarray(vectors, dtype=np.float32))
        except OSError as exc:
            self._writable = False
            self._unusable("written", exc)

    def _compact(self, shards: list[_Shard]) -> list[_Shard]:
        keys = np.concatenate([s.keys["key"] for s in shards])
        vectors = np.concatenate([np.asarray(s.vectors, dtype=np.float32) for s in shards])
        _, first = np.unique(keys, return_index=True)
        path = _write_shard(self.dir, list(keys[first]), vectors[first])
        for shard in shards:
            shard.remove()
        return [_Shard(path)]

    def _upgrade(self, old: list[Path]) -> None:
        """Rewrite shards of the single-file format as row-readable ones (once)."""
        for shard in old:
            loaded = _read_old_shard(shard)
            if loaded is None:
                self._corrupted(shard, partial(shard.unlink, missing_ok=True))
                continue
            try:
                _write_shard(self.dir, list(map(bytes, loaded[0])), loaded[1])
                shard.unlink(missing_ok=True)
            except OSError:  # a read-only cache keeps its old shards; they are still read, whole
                self._fresh.update(zip(map(bytes, loaded[0]), loaded[1]))


def _remove_pair(keys_file: Path) -> None:
    keys_file.unlink(missing_ok=True)
    _vectors_file(keys_file).unlink(missing_ok=True)


def _write_shard(folder: Path, keys: list[bytes], vectors: np.ndarray) -> Path:
    """Vectors first, keys last (the keys file is what makes the shard exist); rows sorted by key."""
    order = np.argsort(np.array(keys, dtype="S32"), kind="stable")
    vectors = np.ascontiguousarray(vectors[order], dtype=np.float32)
    table = np.empty(len(keys), dtype=_KEYS)
    table["key"] = np.array(keys, dtype="S32")[order]
    table["check"] = _row_check(vectors)
    keys_file = folder / f"shard-{time.time_ns()}-{os.getpid()}.keys.npy"
    with atomic_path(_vectors_file(keys_file)) as tmp, open(tmp, "wb") as fh:
        np.save(fh, vectors)
    with atomic_path(keys_file) as tmp, open(tmp, "wb") as fh:
        np.save(fh, table)
    return keys_file


def _checksum(keys: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    h = hashlib.sha256(keys.tobytes())
    h.update(np.ascontiguousarray(vectors).tobytes())
    return np.frombuffer(h.digest(), dtype=np.uint8)


def _read_old_shard(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):  # a .npy under the name of an .npz
            return None
        with loaded as z:
            keys, vectors, digest = z["keys"], z["vectors"], z["digest"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    if keys.ndim != 2 or keys.shape[1] != 32 or len(keys) != len(vectors):
        return None
    if not np.array_equal(digest, _checksum(keys, vectors)):
        return None
    return keys, vectors
