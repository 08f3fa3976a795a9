"""Saving a fitted model as plain files, loadable without pickle, with versions recorded.

Folder layout (format 2), written whole or not at all (:mod:`flaucluster.runfolder`):
- ``flaucluster.json``: format version, package versions, parameters, encoder used, clustering, names, advice
- ``documents.json``: one record per input row (id, text as written, text the model saw, status, note)
- ``topics.json``: clusters with names, keywords, representative sentences
- ``arrays.npz``: embeddings, labels, original labels, probabilities, reduced points, row confidence
- ``edits.json``: the edit log (:mod:`flaucluster.edits` format), the edits undone (for redo) and the
  fit's own names and descriptions; the fit's labels and confidences are ``labels_base`` and
  ``probabilities_base`` in ``arrays.npz`` once there is anything to undo or redo
- ``themes.json`` (with themes): the themes, each theme's threshold and how it was chosen, which cluster holds which
  theme; their adapted vectors and each row's neighbours are ``theme_vectors`` and ``theme_neighbours``
- ``guided.json`` (with ``--by`` / ``--time``): those columns, one value per row as written, and the period
- ``parts.json`` (an input of several files): each file and its number of rows, in order
- ``lineage.json`` (a run made by ``flaucluster update``): the parent run, each row's change, the clusters before
  (:mod:`flaucluster.lineage`)
- ``truth.json`` (optional): known labels given for evaluation only (ARI/NMI in reports)
- ``manifest.json``: every file's size and SHA-256, written last and checked by :func:`load_state`
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np

from . import __version__
from .cluster import OUTLIER
from .compare import FREQS, Guide
from .edits import EditError, History, document, read, start
from .errors import ConfigError, InputError, ModelFolderError
from .io import MAX_INPUT_BYTES, atomic_path, load_json, require_file, write_json
from .label import Topic
from .layers import Layers, Tree, row_labels
from .lineage import check as check_lineage
from .rows import ROW_STATUSES
from .runfolder import package_versions, staged, verify
from .stability import Stability
from .state import FittedState, complete
from .themes import ThemeFit, read_themes
from .vectors import VectorStore

FORMAT_VERSION = 3  # 3: parameters by component (encoder, clusterer, describer, ...)
READABLE_FORMATS = (2, 3)
KIND = "model"
ARRAYS = ("embeddings", "labels", "labels_original", "probabilities", "reduced")


def save_state(state: FittedState, folder: str | os.PathLike, *, truth: Sequence[Any] | None = None) -> None:
    """Write ``state`` to ``folder`` (replaced as a whole when it holds an earlier save)."""
    with staged(folder, KIND, option="folder") as tmp:
        _write(state, tmp, truth)


def _write(state: FittedState, folder: Path, truth: Sequence[Any] | None) -> None:
    arrays = {name: getattr(state, name) for name in ARRAYS}
    if state.stability is not None:
        arrays["row_confidence"] = state.stability.row_confidence
    if state.map_coords is not None:
        arrays["map_coords"] = state.map_coords
    if state.themes is not None:
        arrays["theme_vectors"], arrays["theme_neighbours"] = state.themes.vectors, state.themes.neighbours
        write_json(
            folder / "themes.json",
            {
                "themes": state.themes.records(),
                "thresholds": [float(t) for t in state.themes.threshold],
                "calibration": state.themes.calibration,
                "cluster_theme": {str(c): t for c, t in state.themes.cluster_theme.items()},
            },
        )
    # a state built by hand, with no history, is a fit's result with an empty log
    history = state.history or History(start(state.labels, state.probabilities, state.custom_names), state.topics)
    if history.edits or history.undone:
        arrays["labels_base"], arrays["probabilities_base"] = history.base.labels, history.base.probabilities
    with atomic_path(folder / "arrays.npz") as tmp, open(tmp, "wb") as fh:
        _savez(fh, arrays)
    write_json(
        folder / "documents.json",
        [
            {"id": i, "text": t, "clean": c, "status": s, "note": n}
            for i, t, c, s, n in zip(state.ids, state.texts, state.clean, state.status, state.notes)
        ],
    )
    write_json(folder / "topics.json", [t.as_dict() for t in state.topics])
    if state.layers is not None:
        write_json(
            folder / "layers.json",
            {
                "tree": state.layers.tree.as_dict(),
                "topics": [[t.as_dict() for t in level] for level in state.layers.topics],
            },
        )
    # the fit's tree, so that a replay on another machine starts from the same one (a fit saves it unedited)
    base_tree = history.base.tree
    if base_tree is None and not history.edits and state.layers is not None:
        base_tree = state.layers.tree
    write_json(
        folder / "edits.json",
        document(
            history.edits,
            undone=history.undone,
            edited_clusters=sorted(history.touched),
            next_cluster_id=history.next_id if state.history is not None else history.base.next_id,
            base={
                "custom_names": {str(k): v for k, v in history.base.custom_names.items()},
                "topics": [t.as_dict() for t in history.base_topics],
                **({"tree": base_tree.as_dict()} if base_tree is not None else {}),
            },
        ),
    )
    stab = None
    if state.stability is not None:
        stab = {
            **state.stability.summary(),
            "cluster_stability": {str(k): v for k, v in state.stability.cluster_stability.items()},
        }
    write_json(
        folder / "flaucluster.json",
        {
            "format_version": FORMAT_VERSION,
            "versions": package_versions(),
            "params": state.params,
            "encoder": state.encoder,
            "clustering": state.clustering,
            "custom_names": {str(k): v for k, v in state.custom_names.items()},
            "stability": stab,
            "advice": list(state.advice),
        },
    )
    if state.guide is not None:
        write_json(folder / "guided.json", state.guide.as_dict())
    if state.parts is not None:
        write_json(folder / "parts.json", [{"file": f, "rows": n} for f, n in state.parts])
    if state.lineage is not None:
        write_json(folder / "lineage.json", state.lineage)
    if truth is not None:
        write_json(folder / "truth.json", [None if v is None else str(v) for v in truth])


def _savez(fh, arrays: dict[str, Any]) -> None:
    """``np.savez``, with the rows of vectors held on a Dask cluster (:mod:`flaucluster.spread`) written a block
    at a time as they come, not gathered whole first."""
    import zipfile

    with zipfile.ZipFile(fh, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, value in arrays.items():
            with zf.open(f"{name}.npy", "w", force_zip64=True) as out:
                if not isinstance(value, VectorStore):
                    np.lib.format.write_array(out, np.asanyarray(value), allow_pickle=False)
                    continue
                header = {"descr": np.lib.format.dtype_to_descr(value.dtype), "fortran_order": False}
                np.lib.format.write_array_header_1_0(out, {**header, "shape": tuple(value.shape)})
                for block in value.row_blocks():
                    out.write(np.ascontiguousarray(block, dtype=value.dtype).tobytes())


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


_DEFLATE_RATIO = 1032  # the most deflate can shrink data: a member said to unzip to more is lying


def _check_npz(folder: Path, path: Path) -> None:
    """Refuse, before numpy allocates anything, an ``.npz`` whose arrays' headers claim more bytes than their
    members hold (numpy makes the whole array first, then fills it), or members said to unzip to more than
    their compressed bytes can."""
    size = _regular(folder, path)
    try:
        with zipfile.ZipFile(path) as zf:
            for member in zf.infolist():
                stored = member.compress_size if member.compress_type != zipfile.ZIP_STORED else size
                if member.file_size > max(stored, 1) * _DEFLATE_RATIO or (
                    member.compress_type == zipfile.ZIP_STORED and member.file_size > size
                ):
                    raise ModelFolderError(
                        f"{folder}: arrays.npz member {member.filename} claims {member.file_size:,} bytes from "
                        f"{member.compress_size:,} on disk; the file is damaged or forged."
                    )
                if not member.filename.endswith(".npy"):
                    continue
                with zf.open(member) as fh:
                    version = np.lib.format.read_magic(fh)
                    if version == (1, 0):
                        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
                    else:  # 2.0 (a header over 64 kB); 3.0, which flaucluster never writes, fails here
                        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
                    header = fh.tell()
                claimed = int(np.prod(shape, dtype=object)) * dtype.itemsize
                if header + claimed > member.file_size:
                    raise ModelFolderError(
                        f"{folder}: arrays.npz[{member.filename.removesuffix('.npy')!r}] claims shape {shape} "
                        f"({claimed:,} bytes) in a member of {member.file_size:,} bytes; the file is damaged or "
                        "forged (nothing was allocated). Run cluster again to make the model."
                    )
    except ModelFolderError:
        raise
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
        raise ModelFolderError(f"{folder}: arrays.npz is not a readable numpy archive ({exc}).") from None


def _regular(folder: Path, path: Path, max_bytes: int | None = None) -> int:
    """The size of ``path``, a regular file (a device or a FIFO in a model folder is refused before opening)."""
    try:
        size = require_file(path)
    except InputError as exc:
        if "file not found" in str(exc):
            raise ModelFolderError(f"{folder}: {path.name} is missing; the folder is incomplete.") from None
        raise ModelFolderError(f"{folder}: {exc}") from None
    if max_bytes is not None and size > max_bytes:
        raise ModelFolderError(
            f"{folder}: {path.name} is {size:,} bytes, more than the {max_bytes:,} a model folder's JSON file "
            "may hold (its texts were read under that limit); this folder was not written by flaucluster."
        )
    return size


def _read_json(folder: Path, name: str) -> Any:
    _regular(folder, folder / name, MAX_INPUT_BYTES)  # the texts it holds were bounded so when they were read
    try:
        return load_json((folder / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFolderError(f"{folder}: {name} is missing; the folder is incomplete.") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelFolderError(f"{folder}: {name} is not valid JSON ({exc}).") from None


def load_truth(folder: str | Path) -> list[str | None] | None:
    """The known labels saved beside a model for evaluation, or None."""
    folder = Path(folder)
    return _read_json(folder, "truth.json") if (folder / "truth.json").is_file() else None


def load_state(folder: str | os.PathLike) -> FittedState:
    """The :class:`FittedState` saved in ``folder``; a :class:`ModelFolderError` says exactly what
    is wrong with an incomplete, mixed or altered folder."""
    folder = Path(folder)
    if not (folder / "flaucluster.json").is_file():
        raise ModelFolderError(
            f"{folder} is not a saved flaucluster model (no flaucluster.json). Give the model/ "
            "folder of a run, or a folder written by TopicModel.save()."
        )
    meta = _read_json(folder, "flaucluster.json")
    saved = meta.get("format_version") if isinstance(meta, dict) else None
    if _is_int(saved) and saved > FORMAT_VERSION:
        versions = meta.get("versions")
        writer = versions.get("flaucluster") if isinstance(versions, dict) else None
        by = f"flaucluster {writer}" if isinstance(writer, str) and len(writer) < 40 else "a newer flaucluster"
        raise ModelFolderError(
            f"{folder}: model format {saved} was written by {by}; this one ({__version__}) reads formats up to "
            f"{FORMAT_VERSION}: upgrade flaucluster (pip install --upgrade flaucluster) to read it."
        )
    if saved not in READABLE_FORMATS or not _is_int(saved):
        raise ModelFolderError(
            f"{folder}: model format {saved!r}, but this flaucluster reads formats "
            f"{READABLE_FORMATS}; run `flaucluster cluster` again to write it anew."
        )
    verify(folder, KIND)
    try:
        return _read(folder, meta)
    except ModelFolderError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OSError, zipfile.BadZipFile) as exc:
        raise ModelFolderError(f"{folder}: the saved model is inconsistent ({type(exc).__name__}: {exc}).") from None


def _read(folder: Path, meta: dict) -> FittedState:
    params = dict(meta["params"]) if meta["format_version"] == FORMAT_VERSION else nest_params(meta["params"])
    docs = _read_json(folder, "documents.json")
    if not isinstance(docs, list):
        raise ModelFolderError(f"{folder}: documents.json must be a list of rows.")
    status = [str(d["status"]) for d in docs]
    bad_status = set(status) - set(ROW_STATUSES)
    if bad_status:
        raise ModelFolderError(f"{folder}: documents.json has unknown row statuses {sorted(bad_status)}.")
    _check_npz(folder, folder / "arrays.npz")
    with np.load(folder / "arrays.npz", allow_pickle=False) as z:
        missing = [a for a in ARRAYS if a not in z.files]
        if missing:
            raise ModelFolderError(f"{folder}: arrays.npz lacks {missing}.")
        arrays = {name: z[name] for name in ARRAYS}
        confidence = z["row_confidence"] if "row_confidence" in z.files else None
        base_arrays = [z[n] if n in z.files else None for n in ("labels_base", "probabilities_base")]
        map_coords = z["map_coords"] if "map_coords" in z.files else None
        theme_arrays = [z[n] if n in z.files else None for n in ("theme_vectors", "theme_neighbours")]
    if map_coords is not None and map_coords.shape != (len(docs), 2):
        raise ModelFolderError(f"{folder}: arrays.npz map_coords has shape {map_coords.shape}, not ({len(docs)}, 2).")
    for name, array in arrays.items():
        if len(array) != len(docs):
            raise ModelFolderError(f"{folder}: arrays.npz[{name!r}] has {len(array)} rows for {len(docs)} documents.")
    if arrays["embeddings"].ndim != 2 or not np.isfinite(arrays["embeddings"]).all():
        raise ModelFolderError(f"{folder}: the saved embeddings are not a finite 2-D array.")
    topics = _topics(_read_json(folder, "topics.json"))
    described = {t.cluster for t in topics}
    used = set(arrays["labels"].tolist()) - {OUTLIER}
    if used != described:
        raise ModelFolderError(
            f"{folder}: labels name clusters {sorted(used)} but topics.json describes {sorted(described)}."
        )
    stab = meta.get("stability")
    if stab and (confidence is None or len(confidence) != status.count("ok")):
        raise ModelFolderError(f"{folder}: row confidence does not match the usable rows.")
    stability = None
    if stab and confidence is not None:
        stability = Stability(
            stab["n_runs"],
            stab["seeds"],
            stab["mean_pairwise_ari"],
            {int(k): v for k, v in stab["cluster_stability"].items()},
            confidence,
            stab["unstable_threshold"],
            stab["unstable_clusters"],
        )
    history = _history(folder, arrays, base_arrays, len(docs))
    themes = _themes(folder, theme_arrays[0], theme_arrays[1], len(docs)) if (folder / "themes.json").exists() else None
    guide = _guide(folder, len(docs)) if (folder / "guided.json").exists() else None
    parts = _parts(folder, len(docs)) if (folder / "parts.json").exists() else None
    lineage = None
    if (folder / "lineage.json").exists():
        lineage = check_lineage(_read_json(folder, "lineage.json"), len(docs), str(folder))
    usable = np.array([s == "ok" for s in status])
    tiers = _layers(folder, np.where(usable, arrays["labels"], OUTLIER)) if (folder / "layers.json").exists() else None
    state = FittedState(
        params=params,
        ids=[str(d["id"]) for d in docs],
        texts=[str(d["text"]) for d in docs],
        clean=[str(d["clean"]) for d in docs],
        status=status,
        notes=[str(d.get("note", "")) for d in docs],
        topics=topics,
        encoder=dict(meta["encoder"]),
        clustering=dict(meta["clustering"]),
        custom_names={int(k): str(v) for k, v in meta.get("custom_names", {}).items()},
        advice=[str(a) for a in meta.get("advice", [])],
        stability=stability,
        history=history,
        map_coords=map_coords,
        themes=themes,
        guide=guide,
        parts=parts,
        lineage=lineage,
        layers=tiers,
        **arrays,
    )
    return complete(state)  # the views derived from the labels, the same function as a fit's


def _themes(folder: Path, vectors: np.ndarray | None, neighbours: np.ndarray | None, n_rows: int) -> ThemeFit:
    meta = _read_json(folder, "themes.json")
    try:
        frame = read_themes(meta["themes"])
        cluster_theme = {int(c): int(t) for c, t in meta["cluster_theme"].items()}
        threshold = np.asarray([float(t) for t in meta["thresholds"]], dtype=np.float64)
        calibration = dict(meta["calibration"])
    except (KeyError, TypeError, ValueError, AttributeError, InputError, ConfigError) as exc:
        raise ModelFolderError(f"{folder}: themes.json is not a themes record ({exc}).") from None
    if (
        vectors is None
        or neighbours is None
        or len(vectors) != len(frame)
        or len(neighbours) != n_rows
        or len(threshold) != len(frame)
    ):
        raise ModelFolderError(
            f"{folder}: arrays.npz lacks the themes' vectors or the rows' neighbours, or they do not fit."
        )
    if any(not 0 <= t < len(frame) for t in cluster_theme.values()):
        raise ModelFolderError(f"{folder}: themes.json files a cluster under a theme it does not list.")
    return ThemeFit(frame, vectors, neighbours, threshold, calibration, cluster_theme)


def _parts(folder: Path, n_rows: int) -> list[tuple[str, int]]:
    records = _read_json(folder, "parts.json")
    try:
        parts = [(str(r["file"]), int(r["rows"])) for r in records]
    except (TypeError, KeyError, ValueError) as exc:
        raise ModelFolderError(f"{folder}: parts.json is not a list of files and row counts ({exc}).") from None
    if sum(n for _, n in parts) != n_rows or any(n < 0 for _, n in parts):
        raise ModelFolderError(f"{folder}: parts.json counts {sum(n for _, n in parts)} rows, not {n_rows}.")
    return parts


def _guide(folder: Path, n_rows: int) -> Guide:
    meta = _read_json(folder, "guided.json")
    try:
        guide = Guide(
            {str(k): [str(v) for v in vs] for k, vs in meta["by"].items()},
            None if meta["time"] is None else str(meta["time"]),
            [str(v) for v in meta["dates"]],
            meta["freq"],
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ModelFolderError(f"{folder}: guided.json is not a record of columns ({exc}).") from None
    lengths = [len(v) for v in guide.by.values()] + ([len(guide.dates)] if guide.time is not None else [])
    if guide.freq not in FREQS or any(n != n_rows for n in lengths):
        raise ModelFolderError(f"{folder}: guided.json does not hold one value per row, or its period is unknown.")
    return guide


def _topics(records: list[dict]) -> list[Topic]:
    return [
        Topic(
            int(t["cluster"]),
            int(t["size"]),
            str(t["name"]),
            [(str(k), float(w)) for k, w in t["keywords"]],
            [str(r) for r in t["representatives"]],
            [int(r) for r in t.get("representative_rows", [])],
        )
        for t in records
    ]


def _layers(folder: Path, labels: np.ndarray) -> Layers:
    """The saved layers; their groups must be those the tree makes of the labels."""
    doc = _read_json(folder, "layers.json")
    try:
        tree = Tree.from_dict(doc["tree"])
        described = tuple(_topics(level) for level in doc["topics"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFolderError(f"{folder}: layers.json is damaged ({exc}).") from None
    rows = row_labels(tree, labels)
    if len(described) != tree.depth or any(
        {t.cluster for t in described[i]} != set(rows[i].tolist()) - {OUTLIER} for i in range(tree.depth)
    ):
        raise ModelFolderError(f"{folder}: layers.json does not describe the groups its tree makes of the labels.")
    return Layers(tree, rows, described)


def _history(folder: Path, arrays: dict[str, np.ndarray], base_arrays: list, n_rows: int) -> History | None:
    """The edit log saved beside the model (None for a save older than edits.json)."""
    if not (folder / "edits.json").is_file():
        return None
    doc = _read_json(folder, "edits.json")
    try:
        edits = read(doc)
        undone = read({**doc, "edits": doc.get("undone", [])})
    except EditError as exc:
        raise ModelFolderError(f"{folder}: edits.json is damaged ({exc}).") from None
    labels, probabilities = base_arrays
    if (edits or undone) and (labels is None or probabilities is None):
        raise ModelFolderError(f"{folder}: edits.json lists edits but arrays.npz lacks the fit's labels_base.")
    if labels is None:
        labels, probabilities = arrays["labels"], arrays["probabilities"]
    if len(labels) != n_rows or len(probabilities) != n_rows:
        raise ModelFolderError(f"{folder}: arrays.npz labels_base does not have one entry per document.")
    base = doc["base"]
    names = {int(k): str(v) for k, v in base["custom_names"].items()}
    touched = {int(c) for c in doc.get("edited_clusters", [])}
    tree = Tree.from_dict(base["tree"]) if isinstance(base.get("tree"), dict) else None
    first = start(labels, probabilities, names, tree)
    next_id = int(doc.get("next_cluster_id", first.next_id))
    return History(first, _topics(base["topics"]), edits, undone, touched, next_id)


# format 2 kept every parameter flat on the estimator; format 3 keeps them by component
_COMPONENT_OF = {
    "encoder": ("model", "device", "precision", "batch_size", "cache_dir", "use_cache", "show_progress", "role_words"),
    "clusterer": (
        "method",
        "reduction",
        "n_components",
        "n_neighbors",
        "n_epochs",
        "min_cluster_size",
        "min_samples",
        "k",
        "k_range",
        "n_runs",
        "max_fit_rows",
        "n_clusters",
    ),
    "describer": ("n_keywords", "n_representatives", "diversity", "stop_words", "extra_stop_words", "gender_pairs"),
}


def nest_params(flat: dict[str, Any]) -> dict[str, Any]:
    """A format-2 folder's flat parameters, by component (what format 3 writes)."""
    nested: dict[str, Any] = {c: {k: flat[k] for k in keys if k in flat} for c, keys in _COMPONENT_OF.items()}
    nested["encoder"]["fold_gender"] = bool(flat.get("fold_before_embedding", False))
    nested["clusterer"]["seed"] = flat.get("seed", 42)
    nested["clusterer"]["merge_below"] = None  # fitted before clusters were merged: refit as it was fitted
    themes = flat.get("themes")
    nested["themes"] = (
        None
        if themes is None
        else {"themes": themes, "threshold": flat.get("theme_threshold"), "mode": flat.get("theme_mode", "assign")}
    )
    nested["namer"] = flat.get("namer")
    nested["max_unassigned"] = 0.0 if flat.get("reassign_outliers") else flat.get("max_unassigned", 0.05)
    nested["missing_values"] = flat.get("missing_values")
    nested["seed"] = flat.get("seed", 42)
    return nested
