"""The model cards' metric: Spearman x 100 between cosine similarity and gold STS scores.

The French STS benchmark (``stsb_multi_mt``, ``fr``) comes from ``--sts-dir`` /
``$FLAUCLUSTER_STS_DIR`` (a folder of ``stsb-fr-{train,dev,test}.csv``: ``sentence1,sentence2,score``,
no header), else from the Hugging Face hub when it is reachable.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ..errors import InputError
from .api import embed_texts
from .base import Encoder

logger = logging.getLogger(__name__)

Split = Literal["train", "dev", "test"]
ENV_VAR = "FLAUCLUSTER_STS_DIR"
HUB_DATASET = "PhilipMay/stsb_multi_mt"


@dataclass(frozen=True)
class STSResult:
    model: str
    split: str
    n_pairs: int
    spearman_x100: float


def load_sts(split: Split = "test", sts_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Pairs ``sentence1, sentence2, score`` (0-5) of one split."""
    folder = sts_dir or os.environ.get(ENV_VAR)
    if folder:
        path = Path(folder).expanduser() / f"stsb-fr-{split}.csv"
        if not path.is_file():
            raise InputError(
                f"{path} not found: --sts-dir (or ${ENV_VAR}) must be a folder holding stsb-fr-{{train,dev,test}}.csv."
            )
        return _read_pairs(path)
    return _from_hub(split)


_FORMAT = "each line is sentence1,sentence2,score (a number from 0 to 5), with no header"


def _read_pairs(path: Path) -> pd.DataFrame:
    """The pairs of an STS file, each line checked: a malformed one is an :class:`InputError` naming it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not UTF-8 text; {_FORMAT}.") from None
    pairs: list[tuple[str, str, float]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # a blank line, such as the last one
            if len(record) != 3:
                raise InputError(f"{path}: line {line}: {len(record)} fields where {_FORMAT}.")
            first, second, written = record
            try:
                score = float(written)
            except ValueError:
                if not pairs and written.strip().lower() in ("score", "similarity_score"):
                    continue  # a header line after all
                raise InputError(
                    f"{path}: line {line}: the score {written[:40]!r} is not a number; {_FORMAT}."
                ) from None
            if not 0 <= score <= 5:  # NaN too
                raise InputError(f"{path}: line {line}: the score {written[:40]!r} is not between 0 and 5; {_FORMAT}.")
            pairs.append((first, second, score))
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num}: {exc}; {_FORMAT}.") from None
    if len(pairs) < 2:
        raise InputError(f"{path}: {len(pairs)} pair(s); a Spearman correlation needs at least two, and {_FORMAT}.")
    if len({score for _, _, score in pairs}) < 2:
        raise InputError(
            f"{path}: all {len(pairs)} pairs have the same score ({pairs[0][2]:g}); a Spearman correlation needs "
            f"scores that differ, and {_FORMAT}."
        )
    return pd.DataFrame(pairs, columns=["sentence1", "sentence2", "score"])


def _from_hub(split: Split) -> pd.DataFrame:
    way_out = (
        f"pass --sts-dir FOLDER (stsb-fr-{{train,dev,test}}.csv) or set ${ENV_VAR}, or run once where the "
        f"Hugging Face hub is reachable (dataset {HUB_DATASET}, config 'fr')."
    )
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false"):
        raise InputError(f"No STS benchmark folder given and HF_HUB_OFFLINE is set: {way_out}")
    try:
        from datasets import load_dataset
    except ImportError:
        load_dataset = None
    try:
        if load_dataset is not None:
            data = load_dataset(HUB_DATASET, "fr", split=split).to_pandas()
        else:  # the hub's own Parquet conversion, through huggingface_hub (already a dependency)
            from huggingface_hub import hf_hub_download

            path = hf_hub_download(
                HUB_DATASET, f"fr/{split}/0000.parquet", repo_type="dataset", revision="refs/convert/parquet"
            )
            data = pd.read_parquet(path)
    except Exception as exc:  # network, hub or format errors all end the same way for the user
        raise InputError(
            f"The STS benchmark could not be fetched from the hub ({type(exc).__name__}): {way_out}"
        ) from None
    logger.info("STS-fr %s split from the hub (%s).", split, HUB_DATASET)
    return data.rename(columns={"similarity_score": "score"})[["sentence1", "sentence2", "score"]]


def evaluate_sts(
    encoder: Encoder,
    split: Split = "test",
    sts_dir: str | os.PathLike | None = None,
    *,
    pairs: pd.DataFrame | None = None,
    **embed_kwargs,
) -> STSResult:
    pairs = load_sts(split, sts_dir) if pairs is None else pairs
    a = embed_texts(pairs.sentence1.tolist(), encoder, normalize=True, **embed_kwargs)
    b = embed_texts(pairs.sentence2.tolist(), encoder, normalize=True, **embed_kwargs)
    rho = spearmanr(np.einsum("ij,ij->i", a, b), pairs.score.to_numpy(dtype=float)).statistic
    if not np.isfinite(rho):  # scores or similarities all equal: there is no correlation to report
        raise InputError(
            f"Spearman is undefined on these {len(pairs)} pairs: their scores, or the model's similarities, are all "
            "equal. Use the benchmark's pairs (stsb-fr-{train,dev,test}.csv)."
        )
    return STSResult(encoder.name, split, len(pairs), round(float(rho) * 100, 2))
