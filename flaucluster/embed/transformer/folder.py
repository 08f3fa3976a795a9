"""What a sentence-transformers folder holds: module layout, pooling, and an identity for the cache."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

_SIMPLE_MODULES = ("Transformer", "Pooling", "Normalize")
_POOLING_MODES = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max"}


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


def read_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


def pooling_mode(config: dict, where: Path) -> str:
    modes = [mode for key, mode in _POOLING_MODES.items() if config.get(key)]
    others = [k for k, v in config.items() if k.startswith("pooling_mode") and v and k not in _POOLING_MODES]
    if len(modes) != 1 or others:
        raise ValueError(
            f"{where}: unsupported pooling configuration {config}; flaucluster handles exactly one "
            "of mean, cls or max pooling. Load this model through sentence-transformers instead."
        )
    return modes[0]
