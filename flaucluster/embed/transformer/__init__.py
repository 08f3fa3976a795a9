"""Transformer + pooling sentence-transformers folders (FlauBERT and others), loaded without
``SentenceTransformer``: folder inspection, the encoder, its schedule, the SDPA re-play, token
containers and the thread/CUDA pipeline, one module each."""

from .encoder import TransformerFolderEncoder
from .folder import folder_identity, is_simple_st_folder
from .schedule import Schedule

__all__ = ["Schedule", "TransformerFolderEncoder", "folder_identity", "is_simple_st_folder"]
