"""Vectors that stay on a Dask cluster's workers: the rows of a fit with a client, never all in one process.

:func:`flaucluster.scale.embed_texts` with ``keep=True`` leaves each chunk of distinct texts' vectors on the
worker that embedded it and returns a :class:`SpreadVectors`: which chunk, and where in it, holds each row's
vector. The stages that visit every row ask the chunks for what they need and add up the answers:

- the vote's nearest sampled neighbours (:meth:`SpreadVectors.knn_rows`; the search's scores do not depend on
  the rows scored together, so they are the one-process neighbours);
- the vector keys that order repeated texts (:meth:`SpreadVectors.vector_keys`);
- the sums of each cluster's vectors (:meth:`SpreadVectors.cluster_sums`, integers: exact, whatever the split);
- each outlier's two nearest cluster means (:meth:`SpreadVectors.knn_rows` against the means);
- each cluster's rows closest to its mean, for its representative sentences (:meth:`SpreadVectors.best_rows`).

Everything else takes rows by number (``vectors[rows]``): the sample that is clustered, the rows whose keywords
are counted, the map's sample, the silhouette's. Only those come to this process. A NumPy operation on the whole
array (``np.asarray(vectors)``) gathers every vector here, with a warning from 100,000 rows: themes and the
notebook's interactive methods (search, merges by similarity, ``transform``) do that; the ``cluster`` command
without themes does not.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["FileRows", "SpreadVectors", "in_turn", "load_npy"]

GATHER_BLOCK = 16_384  # rows brought here at a time when they are written out, chunk by chunk
CHUNK_CACHE_BYTES = 512 * 2**20  # file rows a worker keeps between stages (read again beyond): its memory's bound
TASKS_PER_WORKER = 2  # chunk tasks sent ahead per worker: one running, one ready
WARN_ROWS = 100_000  # bringing this many rows here, and most of them, is said in a warning


@contextlib.contextmanager
def workers_dying() -> Iterator[None]:
    """A task whose worker died on every try (Dask gives up after a few) is the cluster's problem, not a bug:
    one line saying so."""
    from distributed import KilledWorker

    from .errors import ConfigError

    try:
        yield
    except KilledWorker as exc:
        raise ConfigError(
            f"--scheduler: a task's worker died on every try ({exc.args[0] if exc.args else 'a task'}): out of "
            "memory, or killed; see the workers' logs, and give them more memory or a smaller --batch-size."
        ) from None


@dataclass(frozen=True)
class FileRows:
    """Rows ``start:stop`` of a ``.npy`` file, read (and normalised) by a worker when a task needs them, and
    kept while the worker's :data:`CHUNK_CACHE_BYTES` allow: a worker's memory does not grow with the file."""

    path: str
    start: int
    stop: int
    stamp: tuple[int, int] = (0, 0)  # the file's size and modification time when it was checked

    def read(self) -> np.ndarray:
        from .embed import l2_normalize
        from .errors import ConfigError

        if self.stamp != _stamp(self.path):
            raise ConfigError(f"{self.path}: the file changed during the run; run again.")
        rows = np.array(np.load(self.path, mmap_mode="r")[self.start : self.stop], dtype=np.float32)
        bad = ~np.isfinite(rows).all(axis=1)
        if bad.any():
            raise ConfigError(f"{self.path}: row {self.start + int(np.argmax(bad))} holds NaN or infinite values.")
        return l2_normalize(rows)


def _stamp(path: str) -> tuple[int, int]:
    import os

    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns)


_KEPT: dict[FileRows, np.ndarray] = {}  # chunks a worker read and keeps, up to CHUNK_CACHE_BYTES


def in_turn(client: Any, count: int, submit: Any) -> list[Any]:
    """``[submit(i).result() for i in range(count)]``, with :data:`TASKS_PER_WORKER` tasks a worker in flight
    and each result taken as it comes: the arguments of tasks not started stay here, and a worker holds the
    results of no more than those, whatever ``count``.

    Parameters
    ----------
    client : distributed.Client
        The cluster.
    count : int
        How many tasks.
    submit : callable
        ``submit(i)`` submits task ``i`` and returns its future.

    Returns
    -------
    list
        The results, in task order.
    """
    from distributed import as_completed

    results: list[Any] = [None] * count
    index: dict[str, int] = {}

    def send(i: int) -> Any:
        future = submit(i)
        index[future.key] = i
        return future

    following = min(TASKS_PER_WORKER * max(1, len(client.scheduler_info().get("workers", {}))), count)
    waiting = as_completed([send(i) for i in range(following)])
    with workers_dying():
        for future in waiting:
            results[index.pop(future.key)] = future.result()
            future.release()
            if following < count:
                waiting.add(send(following))
                following += 1
    return results


def _rows(chunk: np.ndarray | FileRows) -> np.ndarray:
    """A chunk's rows: an array as it is; a file's rows read (and normalised) again, unless this worker keeps
    them. The first chunks read are kept, up to :data:`CHUNK_CACHE_BYTES`, and never evicted: the stages scan
    the chunks in turn, where a least-recently-used cache would lose each one just before it is needed again."""
    if not isinstance(chunk, FileRows):
        return chunk
    rows = _KEPT.get(chunk)
    if rows is None:
        rows = chunk.read()
        if sum(a.nbytes for a in _KEPT.values()) + rows.nbytes <= CHUNK_CACHE_BYTES:
            _KEPT[chunk] = rows
    return rows


def _check(chunk: FileRows) -> None:
    _rows(chunk)


def _take(chunk: np.ndarray | FileRows, offsets: np.ndarray) -> np.ndarray:
    return _rows(chunk)[offsets]


def _knn(chunk, offsets: np.ndarray, sample: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    from .search import knn

    return knn(_rows(chunk), sample, k, rows=offsets)


def _sums(chunk, offsets: np.ndarray, labels: np.ndarray, ids: np.ndarray):
    from .vectors import cluster_sums

    return cluster_sums(_rows(chunk)[offsets], labels, ids)


def _vector_keys(chunk, offsets: np.ndarray) -> list[str]:
    from .vectors import vector_keys

    return vector_keys(_rows(chunk)[offsets])


def _best_rows(chunk, offsets, rows, labels, clusters, centres, want: int):
    """This chunk's ``want`` best (scores, rows) for each cluster, by exact score with its centre."""
    from .search import exact_scores

    vectors, out = _rows(chunk), {}
    for c, centre in zip(clusters, centres):
        mine = labels == c
        if mine.any():
            scores = exact_scores(centre[None], vectors, np.zeros(int(mine.sum()), dtype=np.intp), offsets[mine])
            order = np.lexsort((rows[mine], -scores))[:want]
            out[c] = (scores[order], rows[mine][order])
    return out


def load_npy(client: Any, path: str, rows_per_chunk: int = 8192) -> SpreadVectors:
    """The rows of a ``.npy`` file every worker can read (a shared disk), read by the workers a chunk at a time
    when a stage needs them, normalised there (:class:`FileRows`): precomputed vectors for
    ``TopicModel(client=...).fit(texts, embeddings=...)`` that never come whole to one process; a worker keeps at
    most :data:`CHUNK_CACHE_BYTES` of them between stages.

    Parameters
    ----------
    client : distributed.Client
        The cluster.
    path : str
        A 2-D ``.npy`` file, at a path that means the same on every worker.
    rows_per_chunk : int, default 8192
        Rows per chunk (and per task).

    Returns
    -------
    SpreadVectors
        Unit ``float32`` rows, in the file's order.

    Raises
    ------
    flaucluster.errors.ConfigError
        For a file that is not a 2-D array, or a row with NaN or infinite values (named).
    """
    from .errors import ConfigError

    shape = np.load(path, mmap_mode="r").shape  # the header only
    if len(shape) != 2:
        raise ConfigError(f"{path}: holds an array of shape {shape}; expected (rows, dim).")
    stamp = _stamp(path)
    chunks = [FileRows(path, s, min(s + rows_per_chunk, shape[0]), stamp) for s in range(0, shape[0], rows_per_chunk)]
    with workers_dying():  # every row read once now: a bad one fails here, before any clustering
        client.gather(client.map(_check, chunks, pure=False, retries=2))
    where = np.arange(shape[0], dtype=np.intp)
    return SpreadVectors(client, chunks, where // rows_per_chunk, where % rows_per_chunk, int(shape[1]))


@dataclass(eq=False)
class SpreadVectors:
    """Unit rows held in chunks on a Dask cluster's workers; row ``i`` is row ``offset[i]`` of chunk
    ``chunk[i]``, or a zero row where ``chunk[i]`` is -1 (an unusable text).

    Parameters
    ----------
    client : distributed.Client
        The cluster that holds the chunks.
    chunks : list of distributed.Future or FileRows
        One ``(m, dim)`` array each, on a worker (Dask computes a chunk again if its worker dies), or where a
        worker reads it from.
    chunk : numpy.ndarray
        Each row's chunk, -1 for a zero row.
    offset : numpy.ndarray
        Each row's place in its chunk.
    dim : int
        The width of the vectors.
    """

    client: Any
    chunks: list[Any]
    chunk: np.ndarray
    offset: np.ndarray
    dim: int
    dtype: np.dtype = field(default_factory=lambda: np.dtype(np.float32))
    ndim = 2

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.chunk), self.dim)

    def __len__(self) -> int:
        return len(self.chunk)

    def with_rows(self, ok: np.ndarray) -> SpreadVectors:
        """These vectors as the ``ok`` rows of ``len(ok)`` rows, the others zero."""
        chunk = np.full(len(ok), -1, dtype=np.intp)
        offset = np.zeros(len(ok), dtype=np.intp)
        chunk[ok], offset[ok] = self.chunk, self.offset
        return SpreadVectors(self.client, self.chunks, chunk, offset, self.dim, self.dtype)

    def only(self, ok: np.ndarray) -> SpreadVectors:
        """These vectors with the rows outside ``ok`` zero (unusable texts)."""
        return SpreadVectors(self.client, self.chunks, np.where(ok, self.chunk, -1), self.offset, self.dim, self.dtype)

    # ---------------------------------------------------------------- by chunk
    def _by_chunk(self, rows: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
        """(chunk, positions in ``rows``) for every chunk that holds some of ``rows``."""
        of = self.chunk[rows]
        order = np.argsort(of, kind="stable")
        present, start = np.unique(of[order], return_index=True)
        for c, positions in zip(present.tolist(), np.split(order, start[1:])):
            if c >= 0:
                yield c, positions

    def _run(self, function, rows: np.ndarray, *args, per_chunk=None) -> list[tuple[np.ndarray, Any]]:
        """``function(chunk, offsets, *args)`` on each chunk's rows among ``rows``, where the chunk is;
        (positions in ``rows``, result) per chunk. ``per_chunk(positions)`` adds arguments of its own."""
        rows = np.asarray(rows, dtype=np.intp)
        jobs = list(self._by_chunk(rows))

        def submit(i: int) -> Any:
            c, p = jobs[i]
            extra = (per_chunk(p) if per_chunk else ()) + args
            return self.client.submit(function, self.chunks[c], self.offset[rows[p]], *extra, retries=2, pure=False)

        results = in_turn(self.client, len(jobs), submit)
        return [(p, r) for (_, p), r in zip(jobs, results)]

    def __getitem__(self, key: Any) -> np.ndarray:
        """Rows brought to this process: ``vectors[rows]``, ``vectors[mask]``, ``vectors[a:b]``, ``vectors[i]``."""
        if isinstance(key, tuple):
            first, rest = key[0], key[1:]
            return self[first][(slice(None),) + tuple(rest)]
        single = np.ndim(key) == 0 and not isinstance(key, slice)
        rows = np.arange(len(self))[key]
        rows = np.atleast_1d(rows).astype(np.intp)
        if len(rows) >= WARN_ROWS and 2 * len(rows) > len(self):
            logger.warning(
                "bringing %d of the %d vectors on the Dask workers into this process (%.1f GB)",
                len(rows),
                len(self),
                len(rows) * self.dim * self.dtype.itemsize / 1e9,
            )
        out = np.zeros((len(rows), self.dim), dtype=self.dtype)
        for positions, part in self._run(_take, rows):
            out[positions] = part
        return out[0] if single else out

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self[:]
        return out if dtype is None else out.astype(dtype)

    def __deepcopy__(self, memo: dict[int, Any]) -> SpreadVectors:
        return self  # the chunks are never changed in place: a copied model shares them, as it shares the client

    def __reduce__(self) -> tuple[Any, tuple[np.ndarray]]:
        return np.asarray, (np.asarray(self),)  # pickled, a model takes its vectors along (a client does not travel)

    def row_blocks(self, size: int | None = None) -> Iterator[np.ndarray]:
        """The rows in order, ``size`` (:data:`GATHER_BLOCK`) at a time: to write them out without holding them
        all."""
        size = size or GATHER_BLOCK
        for s in range(0, len(self), size):
            yield self[s : s + size]

    def knn_rows(self, rows: np.ndarray, sample: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """:func:`flaucluster.search.knn` of ``vectors[rows]`` among ``sample``, searched where the rows are."""
        from .search import knn

        rows = np.asarray(rows, dtype=np.intp)
        idx = np.zeros((len(rows), min(k, len(sample))), dtype=np.intp)
        sims = np.zeros(idx.shape, dtype=np.float32)
        [shared] = self.client.scatter([np.ascontiguousarray(sample)], broadcast=True, hash=False)
        for positions, (i, s) in self._run(_knn, rows, shared, k):
            idx[positions], sims[positions] = i, s
        zero = self.chunk[rows] < 0  # a zero row's neighbours, as the search finds them for a zero vector
        if zero.any():
            idx[zero], sims[zero] = knn(np.zeros((1, self.dim), dtype=self.dtype), sample, k)
        return idx, sims

    def vector_keys(self, rows: np.ndarray) -> list[str]:
        """:func:`flaucluster.vectors.vector_keys` of ``vectors[rows]``, computed where they are."""
        rows = np.asarray(rows, dtype=np.intp)
        out = [""] * len(rows)
        for positions, keys in self._run(_vector_keys, rows):
            for p, key in zip(positions.tolist(), keys):
                out[p] = key
        zero = np.flatnonzero(self.chunk[rows] < 0)
        if len(zero):
            from .vectors import vector_keys

            [key] = vector_keys(np.zeros((1, self.dim), dtype=self.dtype))
            for p in zero.tolist():
                out[p] = key
        return out

    def cluster_sums(self, labels: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:func:`flaucluster.vectors.cluster_sums` chunk by chunk, added up (integers: the same answer)."""
        ids = np.asarray(ids)
        sums = np.zeros((len(ids), self.dim), dtype=np.int64)
        counts = np.zeros(len(ids), dtype=np.int64)
        rows = np.flatnonzero(np.isin(labels, ids))
        for _, (s, c) in self._run(_sums, rows, ids, per_chunk=lambda p: (np.asarray(labels)[rows[p]],)):
            sums += s
            counts += c
        return sums, counts

    def best_rows(
        self, labels: np.ndarray, clusters: list[int], centres: np.ndarray, want: int
    ) -> dict[int, np.ndarray]:
        """:meth:`flaucluster.vectors.MemoryVectors.best_rows` chunk by chunk: each chunk sends its ``want`` best rows of each
        cluster, and the best of those are the best of all (zero rows score 0)."""
        labels = np.asarray(labels)
        rows = np.flatnonzero(np.isin(labels, clusters))
        found: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {int(c): [] for c in clusters}
        args = (list(clusters), np.asarray(centres, dtype=np.float64), want)
        for _, part in self._run(_best_rows, rows, *args, per_chunk=lambda p: (rows[p], labels[rows[p]])):
            for c, pair in part.items():
                found[int(c)].append(pair)
        zero = rows[self.chunk[rows] < 0]
        for c in clusters:
            z = zero[labels[zero] == c]
            found[int(c)].append((np.zeros(len(z)), z))
        out = {}
        for c, pairs in found.items():
            scores = np.concatenate([p[0] for p in pairs])
            which = np.concatenate([p[1] for p in pairs]).astype(np.intp)
            out[c] = which[np.lexsort((which, -scores))[:want]]
        return out
