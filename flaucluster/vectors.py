"""Vectors a caller gives: checked and normalised once, in memory or on a Dask cluster's workers."""

from __future__ import annotations

from typing import Any

import numpy as np

from .embed.api import l2_normalize
from .errors import ConfigError
from .spread import SpreadVectors


def given_vectors(embeddings: Any, ok: np.ndarray) -> np.ndarray:
    """Vectors given by a caller, one row per text: checked and normalised once (the caller's array itself when
    its rows are unit already), zeros where a row is unusable (``ok`` False). Vectors on a Dask cluster's workers
    (:class:`flaucluster.spread.SpreadVectors`) are checked and normalised there, and stay there."""
    if isinstance(embeddings, SpreadVectors):
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
