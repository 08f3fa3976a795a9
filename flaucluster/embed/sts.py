"""The model cards' metric: Spearman x 100 between cosine similarity and gold STS scores."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from .api import embed_texts
from .base import Encoder

Split = Literal["train", "dev", "test"]


def default_sts_dir() -> Path:
    """``$FLAUCLUSTER_STS_DIR``, else ``../shared/stsb-fr`` beside the project checkout."""
    if os.environ.get("FLAUCLUSTER_STS_DIR"):
        return Path(os.environ["FLAUCLUSTER_STS_DIR"])
    return Path(__file__).resolve().parents[3] / "shared" / "stsb-fr"


@dataclass(frozen=True)
class STSResult:
    model: str
    split: str
    n_pairs: int
    spearman_x100: float


def load_sts(split: Split = "test", sts_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    path = Path(sts_dir or default_sts_dir()) / f"stsb-fr-{split}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: pass --sts-dir (a folder with stsb-fr-{{train,dev,test}}.csv) "
                                "or set FLAUCLUSTER_STS_DIR.")
    return pd.read_csv(path, header=None, names=["sentence1", "sentence2", "score"], dtype={0: str, 1: str},
                       keep_default_na=False)


def evaluate_sts(encoder: Encoder, split: Split = "test", sts_dir: str | os.PathLike | None = None,
                 **embed_kwargs) -> STSResult:
    pairs = load_sts(split, sts_dir)
    a = embed_texts(pairs.sentence1.tolist(), encoder, normalize=True, **embed_kwargs)
    b = embed_texts(pairs.sentence2.tolist(), encoder, normalize=True, **embed_kwargs)
    rho = spearmanr(np.einsum("ij,ij->i", a, b), pairs.score.to_numpy()).statistic
    return STSResult(encoder.name, split, len(pairs), round(float(rho) * 100, 2))
