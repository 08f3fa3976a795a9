"""Saving a fitted model as plain files, loadable without pickle, with versions recorded.

Folder layout (format 2), written whole or not at all (:mod:`flaucluster.runfolder`):
- ``flaucluster.json``: format version, package versions, parameters, encoder used, clustering, names, advice
- ``documents.json``: one record per input row (id, text as written, text the model saw, status, note)
- ``topics.json``: clusters with names, keywords, representative sentences
- ``arrays.npz``: embeddings, labels, original labels, probabilities, reduced points, row confidence
- ``truth.json`` (optional): known labels given for evaluation only (ARI/NMI in reports)
- ``manifest.json``: every file's size and SHA-256, written last and checked by :func:`load_model`
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ModelFolderError
from .io import atomic_path, write_json
from .label import TopicLabel
from .rows import ROW_STATUSES
from .runfolder import package_versions, staged, verify
from .stability import Stability

if TYPE_CHECKING:
    from .model import TopicModel

FORMAT_VERSION = 2
KIND = "model"
_ARRAYS = ("embeddings", "labels", "labels_original", "probabilities", "reduced")


def save_model(model: TopicModel, folder: str | Path, *, truth: Sequence[Any] | None = None) -> None:
    """Write ``model`` to ``folder`` (replaced as a whole when it holds an earlier save)."""
    with staged(folder, KIND, option="folder") as tmp:
        _write(model, tmp, truth)


def _write(model: TopicModel, folder: Path, truth: Sequence[Any] | None) -> None:
    params = {k: v for k, v in model.get_params(deep=False).items() if k != "method"}
    params["method"] = model._method_name()  # a custom clusterer is recorded by name: it cannot be stored
    arrays = {name: getattr(model, f"{name}_") for name in _ARRAYS}
    if model.stability_ is not None:
        arrays["row_confidence"] = model.stability_.row_confidence
    with atomic_path(folder / "arrays.npz") as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    write_json(
        folder / "documents.json",
        [
            {"id": i, "text": t, "clean": c, "status": s, "note": n}
            for i, t, c, s, n in zip(model.ids_, model.texts_, model.clean_, model.status_, model.notes_)
        ],
    )
    write_json(folder / "topics.json", model.topics_as_dicts())
    stab = None
    if model.stability_ is not None:
        stab = {**model.stability_.summary(), "cluster_stability": model.stability_.cluster_stability}
        stab["cluster_stability"] = {str(k): v for k, v in stab["cluster_stability"].items()}
    write_json(
        folder / "flaucluster.json",
        {
            "format_version": FORMAT_VERSION,
            "versions": package_versions(),
            "params": params,
            "encoder": model.encoder_info_,
            "clustering": model.clustering_details_,
            "custom_names": {str(k): v for k, v in model.custom_names_.items()},
            "stability": stab,
            "advice": list(model.advice_),
        },
    )
    if truth is not None:
        write_json(folder / "truth.json", [None if v is None else str(v) for v in truth])


def _read_json(folder: Path, name: str) -> Any:
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFolderError(f"{folder}: {name} is missing; the folder is incomplete.") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelFolderError(f"{folder}: {name} is not valid JSON ({exc}).") from None


def load_truth(folder: str | Path) -> list[str | None] | None:
    """The known labels saved beside a model for evaluation, or None."""
    folder = Path(folder)
    return _read_json(folder, "truth.json") if (folder / "truth.json").is_file() else None


def load_model(folder: str | Path) -> TopicModel:
    """A :class:`~flaucluster.model.TopicModel` from ``folder``; a :class:`ModelFolderError` says
    exactly what is wrong with an incomplete, mixed or altered folder."""
    folder = Path(folder)
    if not (folder / "flaucluster.json").is_file():
        raise ModelFolderError(
            f"{folder} is not a saved flaucluster model (no flaucluster.json). Give the model/ "
            "folder of a run, or a folder written by TopicModel.save()."
        )
    meta = _read_json(folder, "flaucluster.json")
    if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
        saved = meta.get("format_version") if isinstance(meta, dict) else None
        raise ModelFolderError(
            f"{folder}: model format {saved!r}, but this flaucluster reads format "
            f"{FORMAT_VERSION}; run `flaucluster cluster` again to write it anew."
        )
    verify(folder, KIND)
    try:
        return _build(folder, meta)
    except ModelFolderError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, OSError, zipfile.BadZipFile) as exc:
        raise ModelFolderError(f"{folder}: the saved model is inconsistent ({type(exc).__name__}: {exc}).") from None


def _build(folder: Path, meta: dict) -> TopicModel:
    from .model import TopicModel

    params = dict(meta["params"])
    for name in ("k_range", "extra_stop_words"):  # JSON has no tuples
        if isinstance(params.get(name), list):
            params[name] = tuple(params[name])
    unknown = set(params) - set(TopicModel().get_params())
    if unknown:
        raise ModelFolderError(f"{folder}: unknown parameters {sorted(unknown)} in flaucluster.json.")
    model = TopicModel(**params)
    docs = _read_json(folder, "documents.json")
    if not isinstance(docs, list):
        raise ModelFolderError(f"{folder}: documents.json must be a list of rows.")
    model.ids_ = [str(d["id"]) for d in docs]
    model.texts_ = [str(d["text"]) for d in docs]
    model.clean_ = [str(d["clean"]) for d in docs]
    model.status_ = [str(d["status"]) for d in docs]
    model.notes_ = [str(d.get("note", "")) for d in docs]
    bad_status = set(model.status_) - set(ROW_STATUSES)
    if bad_status:
        raise ModelFolderError(f"{folder}: documents.json has unknown row statuses {sorted(bad_status)}.")
    with np.load(folder / "arrays.npz", allow_pickle=False) as z:
        missing = [a for a in _ARRAYS if a not in z.files]
        if missing:
            raise ModelFolderError(f"{folder}: arrays.npz lacks {missing}.")
        for name in _ARRAYS:
            setattr(model, f"{name}_", z[name])
        confidence = z["row_confidence"] if "row_confidence" in z.files else None
    n = len(docs)
    for name in _ARRAYS:
        if len(getattr(model, f"{name}_")) != n:
            raise ModelFolderError(
                f"{folder}: arrays.npz[{name!r}] has {len(getattr(model, f'{name}_'))} rows for {n} documents."
            )
    if model.embeddings_.ndim != 2 or not np.isfinite(model.embeddings_).all():
        raise ModelFolderError(f"{folder}: the saved embeddings are not a finite 2-D array.")
    model.topics_ = [
        TopicLabel(
            int(t["cluster"]),
            int(t["size"]),
            str(t["name"]),
            [(str(k), float(w)) for k, w in t["keywords"]],
            [str(r) for r in t["representatives"]],
            [int(r) for r in t.get("representative_rows", [])],
        )
        for t in _read_json(folder, "topics.json")
    ]
    ids = {t.cluster for t in model.topics_}
    used = set(model.labels_.tolist()) - {-1}
    if used != ids:
        raise ModelFolderError(
            f"{folder}: labels name clusters {sorted(used)} but topics.json describes {sorted(ids)}."
        )
    model.encoder_info_ = meta["encoder"]
    model.clustering_details_ = meta["clustering"]
    model.custom_names_ = {int(k): str(v) for k, v in meta.get("custom_names", {}).items()}
    model.advice_ = [str(a) for a in meta.get("advice", [])]
    model.encoder_ = None
    if model.model is None and model.encoder_info_.get("model") not in (None, "precomputed"):
        model.model = model.encoder_info_["model"]  # the encoder actually used, never a later default
    stab = meta.get("stability")
    model.stability_ = (
        None
        if not stab
        else Stability(
            stab["n_runs"],
            stab["seeds"],
            stab["mean_pairwise_ari"],
            {int(k): v for k, v in stab["cluster_stability"].items()},
            confidence,
            stab["unstable_threshold"],
            stab["unstable_clusters"],
        )
    )
    if model.stability_ is not None and (
        confidence is None or len(confidence) != int(np.sum(np.array(model.status_) == "ok"))
    ):
        raise ModelFolderError(f"{folder}: row confidence does not match the usable rows.")
    return model
