"""Transformer + pooling sentence-transformers folders, loaded without ``SentenceTransformer``.

Why: the seed models (``inokufu/bertheo``, ``hugorosen/flaubert_base_uncased-xnli-sts``) are
old-format folders whose ``sentence_bert_config.json`` says ``"do_lower_case": true``.
sentence-transformers 6 answers that by poking ``tokenizer.basic_tokenizer``, which
``FlaubertTokenizer`` does not have, so ``SentenceTransformer('inokufu/bertheo')`` crashes.
This module follows the model card's own recipe instead — lowercase, tokenize with
truncation at ``max_seq_length``, run the transformer, pool with the attention mask — using
only ``AutoTokenizer``/``AutoModel``, which keeps it working across library releases.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Sequence

import numpy as np
from tqdm.auto import tqdm

from .base import Device, Encoder, Precision, select_device, select_dtype

logger = logging.getLogger(__name__)

_SIMPLE_MODULES = ("Transformer", "Pooling", "Normalize")
_POOLING_MODES = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls",
                  "pooling_mode_max_tokens": "max"}


def is_simple_st_folder(folder: Path) -> bool:
    """True for folders made only of Transformer, Pooling and Normalize modules (all FlauBERT ST models)."""
    modules = folder / "modules.json"
    if not modules.is_file():
        return False
    types = [m.get("type", "").rsplit(".", 1)[-1] for m in json.loads(modules.read_text())]
    return bool(types) and types[0] == "Transformer" and all(t in _SIMPLE_MODULES for t in types)


def folder_identity(folder: Path) -> str:
    """A digest of the folder's files: names, sizes, and content (head and tail for big weight files)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".cache" not in p.parts):
        size = path.stat().st_size
        h.update(f"{path.relative_to(folder).as_posix()}:{size}".encode())
        with open(path, "rb") as fh:
            if size <= 4 << 20:
                h.update(fh.read())
            else:  # weights: head and tail are enough to tell two checkpoints apart, and fast
                h.update(fh.read(1 << 20))
                fh.seek(-(1 << 20), 2)
                h.update(fh.read())
    return h.hexdigest()[:16]


class TransformerFolderEncoder(Encoder):
    """Encode with a Transformer + Pooling (+ Normalize) sentence-transformers folder."""

    def __init__(self, folder: str | Path, *, name: str | None = None, device: Device = "auto",
                 precision: Precision = "auto", max_seq_length: int | None = None,
                 fast_tokenizer: bool = True) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.folder = Path(folder)
        self.name = name or str(self.folder)
        modules = json.loads((self.folder / "modules.json").read_text())
        st_config = _read_json(self.folder / "sentence_bert_config.json")
        self.lowercase = bool(st_config.get("do_lower_case", False))
        self.max_seq_length = int(max_seq_length or st_config.get("max_seq_length") or 512)
        pooling_dir = next(self.folder / m.get("path", "") for m in modules if m["type"].endswith("Pooling"))
        self.pooling = _pooling_mode(_read_json(pooling_dir / "config.json"), pooling_dir)
        self.normalize = any(m["type"].endswith("Normalize") for m in modules)

        self.device = select_device(device)
        self.dtype = select_dtype(self.device, precision)
        self.tokenizer = AutoTokenizer.from_pretrained(self.folder)
        self.model = AutoModel.from_pretrained(self.folder, dtype=self.dtype).to(self.device).eval()
        limit = getattr(self.model.config, "max_position_embeddings", None)
        if limit:
            self.max_seq_length = min(self.max_seq_length, int(limit))
        self.dim = int(getattr(self.model.config, "hidden_size", 0) or self.model.config.emb_dim)
        self._fast = self._load_fast_tokenizer() if fast_tokenizer else None
        settings = f"lower={self.lowercase};max={self.max_seq_length};pool={self.pooling};" \
                   f"norm={self.normalize};dtype={str(self.dtype).split('.')[-1]}"
        self.identity = f"st-folder:{folder_identity(self.folder)}:{settings}"
        self._torch = torch

    def _load_fast_tokenizer(self):
        if type(self.tokenizer).__name__ != "FlaubertTokenizer":
            return None
        from .fast_tokenizer import FastFlaubertTokenizer

        return FastFlaubertTokenizer(self.tokenizer)

    def prepare(self, texts: Sequence[str]) -> list[str]:
        """What the card's recipe feeds the tokenizer: stripped, and lowercased when configured."""
        return [t.strip().lower() if self.lowercase else t.strip() for t in texts]

    def tokenize(self, texts: Sequence[str]) -> dict:
        texts = self.prepare(texts)
        if self._fast is not None:
            return self._fast(texts, max_length=self.max_seq_length, return_tensors="pt")
        return self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_seq_length,
                              return_tensors="pt")

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        torch = self._torch
        texts = list(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        # Length-sorted batches: padding is what a transformer wastes most time on.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        with torch.inference_mode():
            for idx in tqdm(batches, desc=f"embedding ({self.name})", unit="batch", disable=not show_progress):
                features = {k: v.to(self.device) for k, v in self.tokenize([texts[i] for i in idx]).items()}
                hidden = self.model(**features)[0]
                out[idx] = self._pool(hidden, features["attention_mask"]).float().cpu().numpy()
        if self.normalize:
            out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        return out

    def _pool(self, hidden, mask):
        mask = mask.unsqueeze(-1).to(hidden.dtype)
        if self.pooling == "cls":
            return hidden[:, 0]
        if self.pooling == "max":
            return hidden.masked_fill(mask == 0, -1e4).max(dim=1).values
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


def _pooling_mode(config: dict, where: Path) -> str:
    modes = [mode for key, mode in _POOLING_MODES.items() if config.get(key)]
    others = [k for k, v in config.items() if k.startswith("pooling_mode") and v and k not in _POOLING_MODES]
    if len(modes) != 1 or others:
        raise ValueError(f"{where}: unsupported pooling configuration {config}; flaucluster handles exactly one "
                         "of mean, cls or max pooling. Load this model through sentence-transformers instead.")
    return modes[0]
