"""Embedding layer: resolve a model, encode with cache, measure on STS-fr."""

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
