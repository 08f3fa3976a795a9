"""What every encoder offers: a name, an identity for the cache, and ``encode``."""

from __future__ import annotations

import abc
import logging
from collections.abc import Sequence
from typing import Literal

import numpy as np

from ..errors import ConfigError

logger = logging.getLogger(__name__)

Device = Literal["auto", "cpu", "cuda", "mps"]
DEVICES: tuple[str, ...] = Device.__args__  # type: ignore[attr-defined]
Precision = Literal["auto", "fp32", "fp16", "bf16", "int8"]
PRECISIONS: tuple[str, ...] = Precision.__args__  # type: ignore[attr-defined]


class Encoder(abc.ABC):
    """A loaded sentence encoder: a name, an identity for the cache, and :meth:`encode`.

    Subclasses set the three attributes and implement :meth:`encode`; :func:`flaucluster.embed.load_encoder`
    gives the right one for what the user typed.

    Attributes
    ----------
    name : str
        What the user typed (or the default chosen).
    identity : str
        Changes whenever the weights or anything affecting the vectors change; the embedding cache keeps the
        vectors of each identity apart.
    dim : int
        The length of a vector.
    """

    name: str
    identity: str
    dim: int

    @abc.abstractmethod
    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """Embed ``texts``, one vector per text, in order.

        Parameters
        ----------
        texts : sequence of str
            The texts to embed.
        batch_size : int, default 64
            How many texts go through the model at a time.
        show_progress : bool, default False
            Show a progress bar.

        Returns
        -------
        numpy.ndarray
            ``float32`` array of shape ``(len(texts), dim)``, not normalised.
        """

    def describe(self) -> dict:
        """Describe the encoder, as outputs record it.

        Returns
        -------
        dict
            ``model`` (:attr:`name`), ``identity``, ``dim`` and ``kind`` (the class name).
        """
        return {"model": self.name, "identity": self.identity, "dim": self.dim, "kind": type(self).__name__}


def select_device(device: Device = "auto") -> str:
    """Choose the torch device to compute on.

    ``"auto"`` takes a CUDA GPU if torch sees one, then Apple ``mps``, then the CPU; an explicit choice that is
    not available is an error.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda", "mps"}, default "auto"
        The device asked for.

    Returns
    -------
    str
        ``"cuda"``, ``"mps"`` or ``"cpu"``.

    Raises
    ------
    ConfigError
        ``"cuda"`` or ``"mps"`` was asked for and is not available.
    """
    import torch

    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device='cuda' was asked for but torch sees no CUDA GPU; use device 'auto' or 'cpu'.")
    if device == "mps" and not torch.backends.mps.is_available():
        raise ConfigError("device='mps' was asked for but it is not available; use device 'auto' or 'cpu'.")
    return device


def select_dtype(device: str, precision: Precision = "auto"):
    """The dtype weights load in: fp16 on GPU by default (2x memory bandwidth); fp32 on CPU, where
    half precision is slow. ``int8`` loads fp32 and is quantized afterwards (:func:`quantize_int8`)."""
    import torch

    if precision not in PRECISIONS:
        raise ConfigError(f"precision={precision!r}; choose one of {PRECISIONS}.")
    if precision == "auto":
        precision = "fp16" if device == "cuda" else "fp32"
    if precision == "int8" and device != "cpu":
        raise ConfigError(
            f"precision='int8' is a CPU option (dynamic int8 matrix products); on {device} use "
            "'auto', 'fp16' or 'bf16'."
        )
    if precision in ("fp16", "bf16") and device == "cpu":
        raise ConfigError(
            f"precision={precision!r} on CPU is slower and less exact than fp32; use 'auto', 'fp32' or 'int8'."
        )
    return {"fp32": torch.float32, "int8": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[precision]


def compute_name(dtype, precision: Precision) -> str:
    """What the weights compute in, for cache identities: ``int8`` or the torch dtype's name."""
    return "int8" if precision == "int8" else str(dtype).split(".")[-1]


def quantize_int8(model):
    """``model`` with its ``nn.Linear`` layers replaced by dynamic int8 ones (per-channel weights).

    Why: on a CPU the forward pass is matrix products, and fp32 ones already run near the cores'
    peak; int8 products do about twice the work per cycle on AVX2. The vectors change slightly
    (cosine to fp32 >= 0.999 on FlauBERT base, benchmarks/results/bench_encode_cpu.md), so this is
    an opt-in, recorded in the encoder's identity. Uses ``torch.ao.quantization.quantize_dynamic``."""
    import warnings

    import torch

    try:
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
    except ImportError as error:  # torch announced its removal in favour of torchao
        raise RuntimeError(
            f"precision='int8' needs torch.ao.quantization.quantize_dynamic, which this torch "
            f"({torch.__version__}) lacks; use precision='fp32'."
        ) from error
    with warnings.catch_warnings():  # torch >= 2.10 flags the torch.ao API as deprecated; it still works
        warnings.simplefilter("ignore")
        return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
