"""The rows' vectors as one interface, in memory or on a Dask cluster's workers: :class:`VectorStore`.

The stages that go over every row (the canonical order's keys, the vote's neighbour search, cluster sums, each
cluster's best rows, writing the vectors out) ask the store to do it where the vectors are: :class:`MemoryVectors`
here, :class:`flaucluster.spread.SpreadVectors` by chunk on the workers. :func:`as_store` is the one place that
tells them apart; the kernels below are what both run on rows in memory, so the answers are the same to the bit
(docs/decisions/0001-bit-identical-results.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .embed.api import l2_normalize
from .errors import ConfigError
from .search import distinct_rows, exact_scores, knn

__all__ = ["MemoryVectors", "VectorStore", "as_store"]

FIXED = 2.0**30  # a component's units in cluster sums: finer than float32 carries near 1, room for 2**33 rows
_BLOCK = 4096  # rows turned into integers, or keyed, at a time


@runtime_checkable
class VectorStore(Protocol):
    """Unit rows and the passes over them that the stages need, run where the rows are.

    A protocol: :class:`MemoryVectors` and :class:`flaucluster.spread.SpreadVectors` implement it.

    Other Parameters
    ----------------
    *args, **kwargs : object
        A protocol is not constructed.
    """

    shape: tuple[int, int]
    dtype: np.dtype

    def __len__(self) -> int: ...

    def __getitem__(self, key: Any) -> np.ndarray: ...

    def row_blocks(self, size: int | None = None) -> Iterator[np.ndarray]:
        """The rows in order, a block at a time (to write them out without holding them all).

        Parameters
        ----------
        size : int or None, default=None
            Rows per block; None: the store's own.

        Returns
        -------
        iterator of numpy.ndarray
            The blocks, in row order.
        """
        ...

    def only(self, ok: np.ndarray) -> VectorStore:
        """These vectors with the rows outside ``ok`` zero (unusable texts).

        Parameters
        ----------
        ok : numpy.ndarray of bool
            The rows kept.

        Returns
        -------
        VectorStore
            A new store.
        """
        ...

    def knn_rows(self, rows: np.ndarray, sample: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """The exact ``k`` nearest ``sample`` rows of each of ``rows`` (:func:`flaucluster.search.knn`).

        Parameters
        ----------
        rows : numpy.ndarray
            The rows to search for.
        sample : numpy.ndarray
            Unit rows to search among, in memory.
        k : int, default=10
            How many neighbours.

        Returns
        -------
        tuple of numpy.ndarray
            (indices into ``sample``, cosine scores), one row per row of ``rows``.
        """
        ...

    def vector_keys(self, rows: np.ndarray) -> list[str]:
        """The vector part of each row's canonical sort key (:func:`vector_keys`).

        Parameters
        ----------
        rows : numpy.ndarray
            The rows.

        Returns
        -------
        list of str
            One key per row.
        """
        ...

    def cluster_sums(self, labels: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of each cluster added up in fixed point, and counted (:func:`cluster_sums`).

        Parameters
        ----------
        labels : numpy.ndarray
            Each row's cluster.
        ids : numpy.ndarray
            The clusters, ascending.

        Returns
        -------
        tuple of numpy.ndarray
            (int64 sums, counts).
        """
        ...

    def best_rows(
        self, labels: np.ndarray, clusters: list[int], centres: np.ndarray, want: int
    ) -> dict[int, np.ndarray]:
        """Each cluster's ``want`` rows with the highest exact score with its centre, best first.

        Parameters
        ----------
        labels : numpy.ndarray
            Each row's cluster.
        clusters : list of int
            The clusters.
        centres : numpy.ndarray
            One centre per cluster.
        want : int
            How many rows.

        Returns
        -------
        dict of int to numpy.ndarray
            Cluster -> its best rows, equal scores in row order.
        """
        ...


class MemoryVectors:
    """A :class:`VectorStore` over an array in this process.

    Parameters
    ----------
    array : numpy.ndarray
        Rows of shape ``(n, dim)``.
    """

    def __init__(self, array: np.ndarray) -> None:
        self.array = array
        self.shape = array.shape
        self.dtype = array.dtype

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, key: Any) -> np.ndarray:
        return self.array[key]

    def only(self, ok: np.ndarray) -> MemoryVectors:
        """These vectors with the rows outside ``ok`` zero.

        Parameters
        ----------
        ok : numpy.ndarray of bool
            The rows kept.

        Returns
        -------
        MemoryVectors
            A new store.
        """
        return MemoryVectors(np.where(np.asarray(ok)[:, None], self.array, 0).astype(self.dtype))

    def row_blocks(self, size: int | None = None) -> Iterator[np.ndarray]:
        """The rows, all at once (they are here already).

        Parameters
        ----------
        size : int or None, default=None
            Ignored here: the rows are in memory.

        Returns
        -------
        iterator of numpy.ndarray
            One block: the array.
        """
        yield self.array

    def knn_rows(self, rows: np.ndarray, sample: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """:func:`flaucluster.search.knn` of ``array[rows]`` among ``sample``, repeated vectors searched once.

        Parameters
        ----------
        rows : numpy.ndarray
            The rows to search for.
        sample : numpy.ndarray
            The rows to search among.
        k : int, default=10
            How many neighbours.

        Returns
        -------
        tuple of numpy.ndarray
            (indices into ``sample``, cosine scores), one row per row of ``rows``.
        """
        first, inverse = distinct_rows(self.array, rows)
        idx, sims = knn(self.array, sample, k, rows=np.asarray(rows)[first])
        return idx[inverse], sims[inverse]

    def vector_keys(self, rows: np.ndarray) -> list[str]:
        """:func:`vector_keys` of ``array[rows]``, a block at a time.

        Parameters
        ----------
        rows : numpy.ndarray
            The rows.

        Returns
        -------
        list of str
            One key per row.
        """
        rows = np.asarray(rows)
        return [key for s in range(0, len(rows), _BLOCK) for key in vector_keys(self.array[rows[s : s + _BLOCK]])]

    def cluster_sums(self, labels: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:func:`cluster_sums` of the array.

        Parameters
        ----------
        labels : numpy.ndarray
            Each row's cluster.
        ids : numpy.ndarray
            The clusters, ascending.

        Returns
        -------
        tuple of numpy.ndarray
            (int64 sums, counts).
        """
        return cluster_sums(self.array, labels, ids)

    def best_rows(
        self, labels: np.ndarray, clusters: list[int], centres: np.ndarray, want: int
    ) -> dict[int, np.ndarray]:
        """Each cluster's ``want`` rows with the highest exact score with its centre, best first.

        Parameters
        ----------
        labels : numpy.ndarray
            Each row's cluster.
        clusters : list of int
            The clusters.
        centres : numpy.ndarray
            One centre per cluster.
        want : int
            How many rows.

        Returns
        -------
        dict of int to numpy.ndarray
            Cluster -> its best rows, equal scores in row order.
        """
        out = {}
        for c, centre in zip(clusters, centres):
            rows = np.flatnonzero(labels == c)
            scores = exact_scores(centre[None], self.array, np.zeros(len(rows), dtype=np.intp), rows)
            out[int(c)] = rows[np.argsort(-scores, kind="stable")[:want]]
        return out


def as_store(vectors: Any) -> VectorStore:
    """``vectors`` as a :class:`VectorStore`: a store itself (vectors on a Dask cluster), else the array in memory.

    Parameters
    ----------
    vectors : numpy.ndarray or VectorStore
        The rows.

    Returns
    -------
    VectorStore
        The store the stages ask.
    """
    return vectors if isinstance(vectors, VectorStore) else MemoryVectors(np.asarray(vectors))


def cluster_sums(vectors: np.ndarray, labels: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows (in memory) of each cluster in ``ids`` added up in fixed point, and counted: (sums, counts).

    Integers (``int64``, :data:`FIXED` to a unit of the components) are exact: the same whatever the order of the
    rows, and whether they are added up at once or by parts (a Dask cluster's chunks).
    """
    sums = np.zeros((len(ids), vectors.shape[1]), dtype=np.int64)
    counts = np.zeros(len(ids), dtype=np.int64)
    if not len(ids):
        return sums, counts
    for s in range(0, len(labels), _BLOCK):
        block = np.asarray(labels[s : s + _BLOCK])
        codes = np.minimum(np.searchsorted(ids, block), len(ids) - 1)
        rows = np.flatnonzero(ids[codes] == block)
        rows = rows[np.argsort(codes[rows], kind="stable")]
        if not len(rows):
            continue
        fixed = np.rint(np.asarray(vectors[s + rows], dtype=np.float64) * FIXED).astype(np.int64)
        present, start, count = np.unique(codes[rows], return_index=True, return_counts=True)
        sums[present] += np.add.reduceat(fixed, start, axis=0)
        counts[present] += count
    return sums, counts


def vector_keys(vectors: np.ndarray) -> list[str]:
    """The vector part of a row's canonical sort key (:func:`flaucluster.consensus.row_key`): the vector to 4
    decimals, hashed, so that the last bits of a vector never change the order."""
    return [_vector_key(c) for c in coarse(vectors)]


def coarse(vectors: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(vectors, dtype=np.float64) * 1e4).astype(np.int64)


def _vector_key(coarse_row: np.ndarray) -> str:
    return hashlib.blake2b(coarse_row.tobytes(), digest_size=6).hexdigest()


def given_vectors(embeddings: Any, ok: np.ndarray) -> np.ndarray:
    """Vectors given by a caller, one row per text: checked and normalised once (the caller's array itself when
    its rows are unit already), zeros where a row is unusable (``ok`` False). Vectors on a Dask cluster's workers
    (:class:`flaucluster.spread.SpreadVectors`) are checked and normalised there, and stay there.

    Parameters
    ----------
    embeddings : numpy.ndarray or VectorStore
        One row per text.
    ok : numpy.ndarray of bool
        Which texts are usable.

    Returns
    -------
    numpy.ndarray or VectorStore
        Unit rows, zeros for unusable texts.

    Raises
    ------
    flaucluster.errors.ConfigError
        For a shape that does not fit the texts, or NaN or infinite values in usable rows.
    """
    if isinstance(embeddings, VectorStore):
        if len(embeddings) != len(ok):
            raise ConfigError(f"embeddings has {len(embeddings)} rows for {len(ok)} texts.")
        return embeddings.only(ok)  # type: ignore[return-value]  # array-like: rows by number
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2 or len(embeddings) != len(ok):
        raise ConfigError(
            f"embeddings has shape {embeddings.shape}; expected ({len(ok)}, dim), one row per text in the same order."
        )
    if not all(np.isfinite(embeddings[s : s + 4096][ok[s : s + 4096]]).all() for s in range(0, len(ok), 4096)):
        raise ConfigError("embeddings holds NaN or infinite values in usable rows.")
    out = l2_normalize(embeddings)
    if (~ok).any() and out[~ok].any():
        if np.may_share_memory(out, embeddings):
            out = out.copy()
        out[~ok] = 0
    return out
