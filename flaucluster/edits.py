"""The edit log: rename, merge, move, split and unassign, applied to a clustering as plain data.

One format everywhere (the map's "download edits", ``flaucluster edit``, ``TopicModel.apply_edits``
and a saved model's ``edits.json``)::

    {"format": "flaucluster-edits/1", "edits": [
      {"op": "rename", "cluster": 3, "name": "Bureautique"},
      {"op": "merge", "clusters": [4, 7]},
      {"op": "move", "ids": ["c12", "c40"], "to": 5},
      {"op": "move", "ids": ["c77"], "to": "new", "name": "Nouveau groupe"},
      {"op": "split", "cluster": 2, "k": 2},
      {"op": "unassign", "ids": ["c91"]}],
     "made_on": "sha256:..."}

``made_on`` (optional) is the :func:`fingerprint` of the state the edits were made on; a state with another one
refuses them unless forced.

Rows are named by ``ids`` (their id column), or by ``rows`` (1-based row numbers, the ``row``
column of the assignments) where an id is not unique. Ids are stable: untouched rows keep their
cluster; a merge keeps the first id listed; a split keeps the id for its largest part; new clusters
get ids above every id used so far. Edits are checked one by one against the state the earlier ones
leave, and a log is applied whole or not at all (:class:`EditError` names the edit and the fix).

Attributes
----------
FORMAT : str
    ``"flaucluster-edits/1"``: the ``format`` an edits document must have.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import reprlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import layers
from .cluster import OUTLIER
from .errors import ConfigError, InputError
from .io import load_json, require_file
from .label import Topic

__all__ = ["FORMAT", "EditError", "fingerprint", "read", "read_document"]

FORMAT = "flaucluster-edits/1"
OPS = {  # op -> (required keys, optional keys)
    "rename": ({"cluster", "name"}, {"layer"}),
    "merge": ({"clusters"}, set()),
    "move": ({"to"}, {"ids", "rows", "name"}),
    "split": ({"cluster"}, {"k"}),
    "unassign": (set(), {"ids", "rows"}),
    "reparent": ({"cluster", "to", "layer"}, set()),
}
_MAX_BYTES = 100_000_000  # an edits file is a few kB; a hundred MB is not one
MAX_NAME = 200  # characters: a name is a label on a map, not a description
_FINGERPRINT = re.compile(r"sha256:[0-9a-f]{64}")


class EditError(ConfigError):
    """An edit that cannot apply, or an edits file that cannot be read; nothing was changed.

    The message names the edit (its number and op) or the file, and what to do. It is a
    :class:`~flaucluster.errors.ConfigError`: the command line prints it as one line.
    """


@dataclass
class Assignment:
    """What edits change: each row's cluster and confidence, and the names a person gave."""

    labels: np.ndarray
    probabilities: np.ndarray
    custom_names: dict[int, str]
    touched: set[int] = field(default_factory=set)  # clusters whose members an edit changed
    next_id: int = 0  # the id a new cluster gets
    tree: layers.Tree | None = None  # the layers above the clusters (None: not known, as in an old saved log)

    def copy(self) -> Assignment:
        return Assignment(
            self.labels.copy(),
            self.probabilities.copy(),
            dict(self.custom_names),
            set(self.touched),
            self.next_id,
            self.tree,  # immutable: edits make a new one
        )


@dataclass
class History:
    """A fit's result, the edits applied to it (in order) and those undone (for redo, latest last)."""

    base: Assignment
    base_topics: list[Topic]  # the fit's descriptions, kept for every cluster no edit touches
    edits: list[dict[str, Any]] = field(default_factory=list)
    undone: list[dict[str, Any]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)  # clusters the edits changed (their stability no longer holds)
    next_id: int = 0  # the id the next new cluster gets


@dataclass(frozen=True)
class Rows:
    """How the rows of a model are named: ids (as written), usable or not, canonical rank (for splits)."""

    ids: Sequence[str]
    usable: np.ndarray
    rank: np.ndarray  # position of each row in the canonical order: splits do not depend on input order
    vectors: np.ndarray

    def positions(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, row_id in enumerate(self.ids):
            out.setdefault(row_id, []).append(i)
        return out


def start(
    labels: np.ndarray,
    probabilities: np.ndarray,
    custom_names: Mapping[int, str],
    tree: layers.Tree | None = None,
) -> Assignment:
    """The state edits start from (a fit's result, and its layers' tree when known)."""
    used = [int(c) for c in np.unique(labels) if c != OUTLIER]
    return Assignment(
        np.asarray(labels, dtype=int).copy(),
        np.asarray(probabilities, dtype=np.float32).copy(),
        dict(custom_names),
        set(),
        max(used, default=-1) + 1,
        tree,
    )


def read(source: str | os.PathLike | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Read the edits of a file or a dict in the edits format, checked for shape (not yet against a model).

    :func:`read_document` also gives the state they were made on.

    Each edit must have a known ``op`` and exactly the keys that op takes; ``move`` and ``unassign`` name their
    rows by ``ids`` or by ``rows`` (one of them); names must be non-empty texts of at most 200 characters with no
    control, invisible or lone surrogate character, and are stored composed (NFC) (a ``move`` has one only with
    ``"to": "new"``), and a split's ``k`` an integer of at least 2. The document may nest 64 levels at most.

    Parameters
    ----------
    source : str or os.PathLike or Mapping
        A JSON file of edits (such as "download edits" in ``map.html`` gives), or the document itself:
        ``{"format": FORMAT, "edits": [...]}``.

    Returns
    -------
    list of dict
        The edits, in order, as new dicts (names stripped of surrounding spaces).

    Raises
    ------
    EditError
        The file is missing or not JSON, the document's format is not :data:`FORMAT`, ``edits`` is not a list,
        or an edit is not of the right shape.
    """
    return read_document(source)[0]


def read_document(source: str | os.PathLike | Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """The edits of a file or a dict (as :func:`read`), and the :func:`fingerprint` of the state they were made on.

    Parameters
    ----------
    source : str or os.PathLike or Mapping
        A JSON file of edits, or the document itself.

    Returns
    -------
    edits : list of dict
        As :func:`read`.
    made_on : str or None
        The document's ``made_on`` (``"sha256:<hex>"``), None where it has none (a file written by hand).

    Raises
    ------
    EditError
        As :func:`read`, and for a ``made_on`` that is not a fingerprint.
    """
    where = "the edits"
    if not isinstance(source, Mapping):
        where = str(source)
        try:
            if os.path.exists(source):  # a device or a FIFO is refused before it is opened
                require_file(source, max_bytes=_MAX_BYTES)
            source = load_json(Path(source).read_text(encoding="utf-8"))
        except InputError as exc:
            raise EditError(str(exc)) from None
        except FileNotFoundError:
            raise EditError(
                f'{where}: no such file; give the JSON file of edits ("download edits" in map.html).'
            ) from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise EditError(f"{where}: not a JSON file of edits ({exc}).") from None
    if not isinstance(source, Mapping) or source.get("format") != FORMAT:
        found = source.get("format") if isinstance(source, Mapping) else type(source).__name__
        raise EditError(
            f'{where}: format is {_shown(found)}; an edits file starts {{"format": "{FORMAT}", "edits": [...]}}.'
        )
    edits = source.get("edits")
    if not isinstance(edits, list):
        raise EditError(f'{where}: "edits" must be a list of edits.')
    made_on = source.get("made_on")
    if made_on is not None and not (isinstance(made_on, str) and _FINGERPRINT.fullmatch(made_on)):
        raise EditError(f'{where}: "made_on" is {_shown(made_on)}, not a fingerprint ("sha256:" and 64 hex digits).')
    return [_shape(i, e, where) for i, e in enumerate(edits, 1)], made_on


def document(edits: Sequence[Mapping[str, Any]], **extra: Any) -> dict[str, Any]:
    """The edits as a document of the edits format (what ``edits.json`` and "download edits" hold)."""
    return {"format": FORMAT, "edits": [dict(e) for e in edits], **extra}


def fingerprint(ids: Sequence[Any], labels: Sequence[int] | np.ndarray) -> str:
    """What a set of edits is made on: a hash of every row's id and cluster, in row order.

    Edits name clusters and rows by ids that another run may also use; a document carries the fingerprint of the
    state it was made on (``made_on``), and applying it to a state with another one is refused unless forced.

    Parameters
    ----------
    ids : sequence
        Each row's id (compared as text).
    labels : sequence of int
        Each row's cluster.

    Returns
    -------
    str
        ``"sha256:"`` and 64 hex digits.
    """
    digest = hashlib.sha256(json.dumps([str(i) for i in ids], ensure_ascii=False).encode("utf-8", "surrogatepass"))
    digest.update(np.asarray(labels, dtype="<i8").tobytes())
    return "sha256:" + digest.hexdigest()


def _shape(n: int, edit: Any, where: str) -> dict[str, Any]:
    op = edit.get("op") if isinstance(edit, Mapping) else None
    if not isinstance(op, str) or op not in OPS:
        shown = _shown(op if isinstance(edit, Mapping) else edit)
        raise EditError(f"{where}: edit {n} has op {shown}; choose one of {sorted(OPS)}.")
    op = edit["op"]
    required, optional = OPS[op]
    keys = set(edit) - {"op"}
    if required - keys or keys - required - optional:
        raise EditError(
            f"{where}: edit {n} ({op}) has keys {sorted(keys)}; it takes {sorted(required)}"
            + (f" and optionally {sorted(optional)}" if optional else "")
            + "."
        )
    if op in ("move", "unassign") and ("ids" in edit) == ("rows" in edit):
        raise EditError(f'{where}: edit {n} ({op}) names its rows by "ids" or by "rows", exactly one of them.')
    out = dict(edit)
    if op == "rename":
        out["name"] = _name(n, op, edit["name"], where)
    if op == "move" and "name" in edit:
        if edit["to"] != "new":
            raise EditError(f'{where}: edit {n} (move): "name" only goes with "to": "new".')
        out["name"] = _name(n, op, edit["name"], where)
    if "layer" in edit and not (_is_int(edit["layer"]) and edit["layer"] >= 0):
        raise EditError(f"{where}: edit {n} ({op}): layer={_shown(edit['layer'])} must be 0 (the coarsest) or more.")
    if op == "split" and not (_is_int(edit.get("k", 2)) and edit.get("k", 2) >= 2):
        raise EditError(f"{where}: edit {n} (split): k={_shown(edit.get('k'))} must be an integer of at least 2.")
    return out


def _name(n: int, op: str, name: Any, where: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise EditError(f"{where}: edit {n} ({op}): the name must be a non-empty text.")
    name = unicodedata.normalize("NFC", name).strip()  # "é" typed as e + accent is the name "é"
    if len(name) > MAX_NAME:
        raise EditError(f"{where}: edit {n} ({op}): the name has {len(name)} characters; keep it under {MAX_NAME}.")
    # the rule the namer's names follow: no control, format (bidi, zero-width), surrogate or unassigned character
    bad = next((i for i, c in enumerate(name) if unicodedata.category(c)[0] == "C"), None)
    if bad is not None:
        kind = {"Cs": "half of a surrogate pair", "Cc": "a control character", "Cf": "an invisible character"}
        raise EditError(
            f"{where}: edit {n} ({op}): the name holds U+{ord(name[bad]):04X} at character {bad + 1}, "
            f"{kind.get(unicodedata.category(name[bad]), 'a character with no visible form')}; write it with "
            "ordinary characters."
        )
    return name


def apply(state: Assignment, edits: Sequence[Mapping[str, Any]], rows: Rows, *, seed: int = 0) -> Assignment:
    """``state`` after ``edits`` (a new object: ``state`` is left as it was, also on error)."""
    out = state.copy()
    positions = rows.positions()
    for n, edit in enumerate(edits, 1):
        _apply_one(out, edit, n, rows, positions, seed)
    return out


def _apply_one(s: Assignment, edit: Mapping[str, Any], n: int, rows: Rows, positions, seed: int) -> None:
    op = edit["op"]
    clusters = {int(c) for c in np.unique(s.labels) if c != OUTLIER}

    def known(value: Any, what: str = "cluster") -> int:
        if not _is_int(value) or int(value) not in clusters:
            raise EditError(
                f"edit {n} ({op}): {what} {_shown(value)} does not exist at this point; clusters are {_listed(clusters)}."
            )
        return int(value)

    depth = s.tree.depth if s.tree is not None else 0
    if "layer" in edit and not (edit["layer"] < depth or (op == "rename" and edit["layer"] == depth)):
        raise EditError(
            f"edit {n} ({op}): layer {edit['layer']} does not exist; this run has layers 0 to {depth} "
            f"(0 the coarsest, {depth} the clusters)"
            + ("" if op == "rename" else f", and {op} names a coarser one")
            + "."
        )
    before = s.labels.copy()
    if op == "rename" and edit.get("layer", depth) < depth:
        assert s.tree is not None
        level = edit["layer"]
        groups = set(s.tree.parents[level].values())
        if not _is_int(edit["cluster"]) or int(edit["cluster"]) not in groups:
            raise EditError(
                f"edit {n} (rename): group {_shown(edit['cluster'])} does not exist in layer {level}; its groups "
                f"are {_listed(groups)}."
            )
        s.tree = s.tree.renamed(level, int(edit["cluster"]), edit["name"])
    elif op == "rename":
        s.custom_names[known(edit["cluster"])] = edit["name"]
    elif op == "reparent":
        assert s.tree is not None
        level = edit["layer"]
        items, groups = s.tree.parents[level], set(s.tree.parents[level].values())
        what = "cluster" if level + 1 == depth else f"group of layer {level + 1}"
        if not _is_int(edit["cluster"]) or int(edit["cluster"]) not in items:
            raise EditError(
                f"edit {n} (reparent): {what} {_shown(edit['cluster'])} does not exist; they are {_listed(items)}."
            )
        if not _is_int(edit["to"]) or int(edit["to"]) not in groups:
            raise EditError(
                f"edit {n} (reparent): group {_shown(edit['to'])} does not exist in layer {level}; its groups are "
                f"{_listed(groups)}."
            )
        s.tree = s.tree.reparented(level, int(edit["cluster"]), int(edit["to"]))
    elif op == "merge":
        group = edit["clusters"]
        if not isinstance(group, list) or len(group) < 2 or len({repr(c) for c in group}) != len(group):
            raise EditError(f'edit {n} (merge): "clusters" must list at least two different cluster ids.')
        keep, *others = [known(c) for c in group]
        s.labels[np.isin(s.labels, others)] = keep
        name = next((s.custom_names[c] for c in [keep, *others] if c in s.custom_names), None)
        for c in others:
            s.custom_names.pop(c, None)
        if name is not None:
            s.custom_names[keep] = name
        s.touched.add(keep)
        s.touched.difference_update(others)
    elif op in ("move", "unassign"):
        picked = _rows(edit, n, rows, positions)
        if op == "unassign":
            target = OUTLIER
        elif edit["to"] == "new":
            target = s.next_id
            s.next_id += 1
            if "name" in edit:
                s.custom_names[target] = edit["name"]
        else:
            target = known(edit["to"], "target cluster")
        s.touched.update(int(c) for c in np.unique(s.labels[picked]) if c != OUTLIER)
        s.labels[picked] = target
        s.probabilities[picked] = 0.0 if target == OUTLIER else 1.0  # a person's decision
        if target != OUTLIER:
            s.touched.add(target)
    elif op == "split":
        c = known(edit["cluster"])
        _split(s, c, int(edit.get("k", 2)), n, rows, seed)
    _forget_empty(s)
    if s.tree is not None and op in ("merge", "move", "unassign", "split"):
        s.tree = s.tree.following(before, s.labels)


def _rows(edit: Mapping[str, Any], n: int, rows: Rows, positions: dict[str, list[int]]) -> np.ndarray:
    op = edit["op"]
    picked: list[int] = []
    if "ids" in edit:
        ids = edit["ids"]
        if not isinstance(ids, list) or not ids:
            raise EditError(f'edit {n} ({op}): "ids" must be a non-empty list of row ids.')
        for row_id in ids:
            where = (
                positions.get(str(row_id)) if isinstance(row_id, (str, int)) and not isinstance(row_id, bool) else None
            )
            if not where:
                raise EditError(
                    f"edit {n} ({op}): id {_shown(row_id)} is not a row of this model; check the id column."
                )
            if len(where) > 1:
                raise EditError(
                    f"edit {n} ({op}): id {row_id!r} is used by {len(where)} rows ({_listed(i + 1 for i in where)}); "
                    'name them by "rows" (the row column of assignments.csv) instead.'
                )
            picked.append(where[0])
    else:
        numbers = edit["rows"]
        if not isinstance(numbers, list) or not numbers:
            raise EditError(f'edit {n} ({op}): "rows" must be a non-empty list of row numbers.')
        for number in numbers:
            if not _is_int(number) or not 1 <= number <= len(rows.ids):
                raise EditError(
                    f"edit {n} ({op}): row {_shown(number)} does not exist; rows run from 1 to {len(rows.ids)}."
                )
            picked.append(int(number) - 1)
    unusable = [i for i in picked if not rows.usable[i]]
    if unusable and op == "move":
        raise EditError(
            f"edit {n} (move): row {unusable[0] + 1} (id {rows.ids[unusable[0]]!r}) is unusable (see its status "
            "and note in assignments.csv): it has no vector and cannot join a cluster."
        )
    return np.array(sorted(set(picked)), dtype=int)


def _split(s: Assignment, c: int, k: int, n: int, rows: Rows, seed: int) -> None:
    from sklearn.cluster import KMeans

    members = np.flatnonzero(s.labels == c)
    if len(members) < k:
        raise EditError(f"edit {n} (split): cluster {c} has {len(members)} rows, fewer than k={k} parts.")
    members = members[np.argsort(rows.rank[members], kind="stable")]  # the same parts whatever the input order
    parts = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(rows.vectors[members])
    sizes = np.bincount(parts, minlength=k)
    if (sizes == 0).any() or len(np.unique(rows.vectors[members], axis=0)) < k:
        raise EditError(
            f"edit {n} (split): cluster {c} holds fewer than {k} distinct texts; it cannot be split in {k}."
        )
    first = [int(np.flatnonzero(parts == p)[0]) for p in range(k)]
    order = sorted(range(k), key=lambda p: (-sizes[p], first[p]))  # largest part keeps the id
    for p in order[1:]:
        s.labels[members[parts == p]] = s.next_id
        s.touched.add(s.next_id)
        s.next_id += 1
    s.touched.add(c)


def _forget_empty(s: Assignment) -> None:
    alive = {int(c) for c in np.unique(s.labels)}
    for c in [c for c in s.custom_names if c not in alive]:
        del s.custom_names[c]
    s.touched.intersection_update(alive)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80


def _shown(value: Any) -> str:
    """A value of an edits file for a message: its repr, cut short (a file may hold anything)."""
    return _REPR.repr(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _listed(values) -> str:
    values = sorted(values)
    shown = ", ".join(str(v) for v in values[:20])
    return (shown + f", ... ({len(values)} in all)") if len(values) > 20 else shown or "none"
