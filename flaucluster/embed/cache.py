"""Content-addressed on-disk cache of sentence vectors.

Layout: ``<cache_dir>/<digest of model identity>/shard-*.npz``. Each shard holds the
sha256 of every text (``keys``), its float32 vector (``vectors``), and a checksum of both
(``digest``), written atomically. A truncated or altered shard fails its checksum, is
logged, deleted, and its texts are simply embedded again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..io import atomic_path

logger = logging.getLogger(__name__)

ENV_VAR = "FLAUCLUSTER_CACHE_DIR"
_MAX_SHARDS = 32  # beyond this, shards are merged so start-up stays one read per few files


def default_cache_dir() -> Path:
    """``$FLAUCLUSTER_CACHE_DIR``, else ``$XDG_CACHE_HOME/flaucluster``, else ``~/.cache/flaucluster``."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")).expanduser() / "flaucluster"


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    """A cache that cannot be read or written (read-only disk, no permission) is no error: it warns
    once and the texts are embedded without it."""

    def __init__(self, cache_dir: str | os.PathLike | None, model_identity: str) -> None:
        root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
        self.dir = root / hashlib.sha256(model_identity.encode()).hexdigest()[:24]
        self.model_identity = model_identity
        self._index: dict[bytes, np.ndarray] | None = None
        self._writable = True

    def _unusable(self, action: str, exc: OSError) -> None:
        logger.warning(
            "Embedding cache %s cannot be %s (%s); going on without it. Pass --cache-dir to use "
            "another folder, or --no-cache.",
            self.dir,
            action,
            exc.strerror or exc,
        )

    def _load(self) -> dict[bytes, np.ndarray]:
        if self._index is not None:
            return self._index
        index: dict[bytes, np.ndarray] = {}
        try:
            shards = sorted(self.dir.glob("shard-*.npz"))
        except OSError as exc:
            self._unusable("read", exc)
            self._index = index
            return index
        for shard in shards:
            loaded = _read_shard(shard)
            if loaded is None:
                logger.warning(
                    "Embedding cache file %s is truncated or corrupted; deleted, its texts will be embedded again.",
                    shard,
                )
                with contextlib.suppress(OSError):  # a read-only cache: the bad shard is skipped, not deleted
                    shard.unlink(missing_ok=True)
                continue
            keys, vectors = loaded
            index.update(zip(map(bytes, keys), vectors))
        self._index = index
        if len(shards) > _MAX_SHARDS and index:
            try:
                self._compact(shards)
            except OSError as exc:
                self._unusable("compacted", exc)
        return index

    def get(self, keys: Sequence[bytes]) -> list[np.ndarray | None]:
        index = self._load()
        return [index.get(k) for k in keys]

    def put(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        if len(keys) == 0 or not self._writable:
            return
        keys_arr = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32)
        try:
            _write_shard(self.dir / f"shard-{time.time_ns()}-{os.getpid()}.npz", keys_arr, vectors.astype(np.float32))
        except OSError as exc:
            self._writable = False
            self._unusable("written", exc)
        if self._index is not None:
            self._index.update(zip(keys, vectors))

    def _compact(self, shards: list[Path]) -> None:
        index = self._index or {}
        keys = list(index)
        _write_shard(
            self.dir / f"shard-{time.time_ns()}-{os.getpid()}.npz",
            np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32),
            np.stack([index[k] for k in keys]),
        )
        for shard in shards:
            shard.unlink(missing_ok=True)


def _checksum(keys: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    h = hashlib.sha256(keys.tobytes())
    h.update(np.ascontiguousarray(vectors).tobytes())
    return np.frombuffer(h.digest(), dtype=np.uint8)


def _write_shard(path: Path, keys: np.ndarray, vectors: np.ndarray) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, keys=keys, vectors=vectors, digest=_checksum(keys, vectors))


def _read_shard(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            keys, vectors, digest = z["keys"], z["vectors"], z["digest"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    if keys.ndim != 2 or keys.shape[1] != 32 or len(keys) != len(vectors):
        return None
    if not np.array_equal(digest, _checksum(keys, vectors)):
        return None
    return keys, vectors
