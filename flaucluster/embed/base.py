"""What every encoder offers: a name, an identity for the cache, and ``encode``."""
from __future__ import annotations

import abc
import logging
from typing import Literal, Sequence

import numpy as np

logger = logging.getLogger(__name__)

Device = Literal["auto", "cpu", "cuda", "mps"]
Precision = Literal["auto", "fp32", "fp16", "bf16"]


class Encoder(abc.ABC):
    """A loaded sentence encoder. ``name`` is what users typed (or the default chosen);
    ``identity`` changes whenever the weights or anything affecting the vectors change."""

    name: str
    identity: str
    dim: int

    @abc.abstractmethod
    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """Return float32 vectors, one row per text, in order (not normalised)."""

    def describe(self) -> dict:
        return {"model": self.name, "identity": self.identity, "dim": self.dim, "kind": type(self).__name__}


def select_device(device: Device = "auto") -> str:
    """cuda, then Apple mps, then cpu; an explicit choice that is not available is an error."""
    import torch

    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device='cuda' was asked for but torch sees no CUDA GPU; use device='auto' or 'cpu'.")
    if device == "mps" and not torch.backends.mps.is_available():
        raise RuntimeError("device='mps' was asked for but it is not available; use device='auto' or 'cpu'.")
    return device


def select_dtype(device: str, precision: Precision = "auto"):
    """fp16 on GPU by default (2x memory bandwidth); fp32 on CPU where half precision is slow."""
    import torch

    if precision == "auto":
        precision = "fp16" if device == "cuda" else "fp32"
    if precision != "fp32" and device == "cpu":
        raise ValueError(f"precision={precision!r} on CPU is slower and less exact than fp32; use 'auto' or 'fp32'.")
    return {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[precision]
