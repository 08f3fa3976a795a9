"""Layers: the clusters as a tree (domaine > thème > groupe), each coarser group named like a cluster.

A catalogue is read as a tree. The tree is cut from the clusters' own hierarchy (Ward's linkage of their unit mean vectors), at
the numbers of groups where the groups are best separated (a silhouette over the clusters' cosine distances,
each cluster weighted by its rows): the coarsest layer holds a handful of groups (3 to 8; 2 when there are fewer
than 9 clusters); a middle layer is added, cut the same way between twice the coarse groups and half the
clusters, when the clusters are at least four times the coarse groups. With fewer than 4 clusters there is no
coarser layer. Cuts of one
average-linkage hierarchy are nested, so every cluster has one parent per coarser layer.

The tree is data of the state (:class:`Layers`); curation changes it through the edit log (rename a group of any
layer, move a cluster or a group under another parent) and the groups whose rows changed are described again,
by the same describer, with the same encoder, as the clusters.

Layers are numbered from the coarsest (0); the clusters are the finest layer, numbered ``depth``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from .cluster import OUTLIER, centroids
from .label import Topic

__all__ = ["MAX_COARSE", "Layers", "Tree", "plan", "row_labels", "table"]

MAX_COARSE = 8  # a first view a person takes in at a glance: a handful of domains
MIN_CLUSTERS = 4  # fewer clusters are their own overview: no coarser layer
MIDDLE_FROM = 4  # a middle layer when the coarse groups hold this many clusters each, on average


@dataclass(frozen=True)
class Tree:
    """Who is under whom, and the names a person gave.

    Parameters
    ----------
    parents : tuple of dict of int to int, default=()
        ``parents[i]`` maps each id of layer ``i + 1`` (the clusters, for the last) to its group in layer ``i``.
    names : tuple of dict of int to str, default=()
        ``names[i]``: the names a person gave to groups of layer ``i``.
    """

    parents: tuple[dict[int, int], ...] = ()
    names: tuple[dict[int, str], ...] = ()

    @property
    def depth(self) -> int:
        """The number of layers above the clusters."""
        return len(self.parents)

    def renamed(self, level: int, group: int, name: str) -> Tree:
        """This tree with ``group`` of layer ``level`` named ``name`` by a person.

        Parameters
        ----------
        level : int
            The layer, 0 the coarsest.
        group : int
            The group's id in it.
        name : str
            Its name.

        Returns
        -------
        Tree
            A new tree.
        """
        names = list(self.names)
        names[level] = {**names[level], group: name}
        return Tree(self.parents, tuple(names))

    def reparented(self, level: int, item: int, group: int) -> Tree:
        """This tree with ``item`` (an id of layer ``level + 1``) under ``group`` of layer ``level``; a group left
        with no member is gone.

        Parameters
        ----------
        level : int
            The layer of ``group``, 0 the coarsest.
        item : int
            An id of the layer below it.
        group : int
            The group that takes it.

        Returns
        -------
        Tree
            A new tree.
        """
        parents = list(self.parents)
        parents[level] = {**parents[level], item: group}
        return _pruned(parents, list(self.names))

    def following(self, before: np.ndarray, after: np.ndarray) -> Tree:
        """This tree after an edit of the clusters (``before`` -> ``after`` labels): a cluster that is gone leaves
        its group; a new cluster joins the group most of its rows came from (its parent cluster's, for a split),
        else the largest; a group left with no member is gone.

        Parameters
        ----------
        before, after : numpy.ndarray
            Each row's cluster before and after.

        Returns
        -------
        Tree
            The tree after (this one when no cluster appeared or went).
        """
        if not self.depth:
            return self
        alive = set(np.unique(after).tolist()) - {OUTLIER}
        finest = dict(self.parents[-1])
        if alive == set(finest):
            return self
        for c in sorted(alive - set(finest)):
            came = Counter(finest[int(b)] for b in before[after == c] if b != OUTLIER and int(b) in finest)
            finest[c] = min(came, key=lambda g: (-came[g], g)) if came else _largest(self.parents[-1], before)
        for c in set(finest) - alive:
            del finest[c]
        return _pruned([*self.parents[:-1], finest], list(self.names))

    def as_dict(self) -> dict[str, Any]:
        """Plain data (JSON keys are text).

        Returns
        -------
        dict
            ``{"parents": [...], "names": [...]}``.
        """
        return {
            "parents": [{str(k): v for k, v in sorted(p.items())} for p in self.parents],
            "names": [{str(k): v for k, v in sorted(n.items())} for n in self.names],
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Tree:
        """The tree :meth:`as_dict` wrote.

        Parameters
        ----------
        doc : dict
            What :meth:`as_dict` gave.

        Returns
        -------
        Tree
            The tree.
        """
        parents = tuple({int(k): int(v) for k, v in p.items()} for p in doc.get("parents", []))
        names = tuple({int(k): str(v) for k, v in n.items()} for n in doc.get("names", []))
        return cls(parents, names or tuple({} for _ in parents))


@dataclass(frozen=True)
class Layers:
    """The tree, each row's group in each coarser layer, and each group's description.

    Parameters
    ----------
    tree : Tree
        Who is under whom, and the names a person gave.
    labels : numpy.ndarray of shape (depth, n_rows)
        Each row's group in each coarser layer; -1 for rows outside any cluster.
    topics : tuple of list of flaucluster.label.Topic
        Per coarser layer, one description per group, by id (its ``name`` the person's where one was given).
    """

    tree: Tree
    labels: np.ndarray
    topics: tuple[list[Topic], ...] = field(default_factory=tuple)

    @property
    def depth(self) -> int:
        """The number of layers above the clusters."""
        return self.tree.depth


def _weighted_silhouette(dist: np.ndarray, cut: np.ndarray, weight: np.ndarray) -> float:
    """The silhouette of a grouping of clusters, each cluster counting as many times as it has rows."""
    groups, own = np.unique(cut, return_inverse=True)
    if len(groups) < 2:
        return -1.0
    member = np.eye(len(groups))[own]  # (clusters, groups)
    total = member.T @ weight  # each group's rows
    summed = dist @ (member * weight[:, None])  # weighted distance of each cluster to each group
    rest = total[own] - weight  # the rows of a cluster's group, the cluster left out (its distance to itself is 0)
    a = summed[np.arange(len(cut)), own] / np.maximum(rest, 1e-12)
    others = summed / total
    others[np.arange(len(cut)), own] = np.inf
    b = others.min(1)
    s = np.where(rest > 0, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)  # alone in its group: 0
    return float((s * weight).sum() / weight.sum())


def _best_cut(link: np.ndarray, dist: np.ndarray, weight: np.ndarray, ks: range) -> tuple[int, np.ndarray] | None:
    best: tuple[float, int, np.ndarray] | None = None
    for k in ks:
        cut = fcluster(link, t=k, criterion="maxclust")
        found = len(np.unique(cut))
        if found < 2 or (best is not None and found == len(np.unique(best[2]))):
            continue
        score = _weighted_silhouette(dist, cut, weight)
        if best is None or score > best[0] + 1e-12:
            best = (score, found, cut)
    return None if best is None else (best[1], best[2])


def plan(vectors: np.ndarray, labels: np.ndarray, usable: np.ndarray) -> Tree:
    """The tree of a clustering, chosen from the data (see the module's text).

    Parameters
    ----------
    vectors : numpy.ndarray of shape (n_rows, dim)
        Unit vectors.
    labels : numpy.ndarray of shape (n_rows,)
        Each row's cluster; -1 outside any.
    usable : numpy.ndarray of bool
        Rows that have a vector.

    Returns
    -------
    Tree
        With no layer when there are fewer than 4 clusters; else one or two coarser layers, nested.
    """
    placed = np.where(usable, labels, OUTLIER)
    ids, means = centroids(vectors, placed)  # through the vector store: spread vectors are never gathered
    means = np.asarray(means, dtype=np.float64)
    n = len(ids)
    if n < MIN_CLUSTERS:
        return Tree()
    link = linkage(means, method="ward")  # balanced groups; average linkage chains into one giant group
    dist = np.clip(1 - means @ means.T, 0, 2)
    np.fill_diagonal(dist, 0.0)
    weight = np.bincount(np.searchsorted(ids, placed[placed != OUTLIER]), minlength=n).astype(np.float64)
    low = 3 if n >= 3 * 3 else 2  # a handful: two groups only when there are few clusters to group
    coarse = _best_cut(link, dist, weight, range(low, min(MAX_COARSE, n // 2) + 1))
    if coarse is None:
        return Tree()
    cuts = [coarse[1]]
    if n >= MIDDLE_FROM * coarse[0] and n // 2 >= 2 * coarse[0]:
        middle = _best_cut(link, dist, weight, range(2 * coarse[0], n // 2 + 1))
        if middle is not None:
            cuts.append(middle[1])
    return _tree_of_cuts(ids, weight, cuts)


def _tree_of_cuts(ids: np.ndarray, weight: np.ndarray, cuts: list[np.ndarray]) -> Tree:
    """Nested cuts (coarse first, one group number per cluster) as a tree; groups numbered by size, largest 0."""
    numbered = []
    for cut in cuts:
        groups = sorted(np.unique(cut), key=lambda g: (-weight[cut == g].sum(), ids[cut == g].min()))
        renumber = {g: i for i, g in enumerate(groups)}
        numbered.append(np.array([renumber[g] for g in cut]))
    parents: list[dict[int, int]] = []
    for level, cut in enumerate(numbered):
        finer = numbered[level + 1] if level + 1 < len(numbered) else ids
        parents.append({int(f): int(c) for f, c in zip(finer, cut)})
    return Tree(tuple(parents), tuple({} for _ in parents))


def row_labels(tree: Tree, labels: np.ndarray) -> np.ndarray:
    """Each row's group in each coarser layer, shape ``(depth, n_rows)``; -1 outside any cluster.

    Parameters
    ----------
    tree : Tree
        The tree.
    labels : numpy.ndarray
        Each row's cluster.

    Returns
    -------
    numpy.ndarray of int
        Row ``i`` is layer ``i`` (the coarsest first).
    """
    out = np.full((tree.depth, len(labels)), OUTLIER, dtype=np.int64)
    current = np.asarray(labels, dtype=np.int64)
    for level in range(tree.depth - 1, -1, -1):
        mapping = tree.parents[level]
        if not mapping:  # every group of this layer is gone
            current = np.full_like(current, OUTLIER)
        else:  # a lookup by sorted keys: -1 and ids no longer in the tree are no key
            keys = np.array(sorted(mapping), dtype=np.int64)
            values = np.array([mapping[k] for k in keys.tolist()], dtype=np.int64)
            at = np.minimum(np.searchsorted(keys, current), len(keys) - 1)
            current = np.where(keys[at] == current, values[at], OUTLIER)
        out[level] = current
    return out


def _pruned(parents: list[dict[int, int]], names: list[dict[int, str]]) -> Tree:
    """The tree without the groups that hold nothing any more (from the finest layer up) and their names."""
    for level in range(len(parents) - 1, -1, -1):
        members = set(parents[level].values())
        names[level] = {g: n for g, n in names[level].items() if g in members}
        if level:
            parents[level - 1] = {g: p for g, p in parents[level - 1].items() if g in members}
    return Tree(tuple(parents), tuple(names))


def _largest(mapping: dict[int, int], labels: np.ndarray) -> int:
    clusters, counts = np.unique(labels[labels != OUTLIER], return_counts=True)
    sizes: Counter[int] = Counter()
    for c, k in zip(clusters.tolist(), counts.tolist()):
        if c in mapping:
            sizes[mapping[c]] += k
    return min(sizes, key=lambda g: (-sizes[g], g)) if sizes else 0


def describe(
    previous: Layers | None,
    tree: Tree,
    describer: Any,
    texts: Sequence[str],
    labels: np.ndarray,
    vectors: Any,
    *,
    usable: np.ndarray,
    seed: int,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    drop_roles: bool = False,
) -> Layers:
    """Each coarser group's description: kept from ``previous`` where the group holds the same rows, made anew
    (by ``describer``, as the clusters are) for the others; the names a person gave win.

    Parameters
    ----------
    previous : Layers or None
        The layers before an edit (None: a fit's, or a loaded state's first view).
    tree : Tree
        The tree now.
    describer : flaucluster.describe.FrenchDescriber
        The clusters' describer.
    texts : sequence of str
        Each row's text as the model saw it.
    labels : numpy.ndarray
        Each row's cluster.
    vectors : numpy.ndarray
        Each row's unit vector.
    usable : numpy.ndarray of bool
        Rows with a vector.
    seed : int
        The run's seed.
    embed : callable or None, default=None
        texts -> vectors of the rows' encoder, to rank names by meaning (as for the clusters).
    drop_roles : bool, default=False
        Role words were left out of the embedding: a name made of them alone comes last.

    Returns
    -------
    Layers
        The tree, each row's group per layer and the groups' descriptions.
    """
    from .french import ROLE_WORDS

    rows = row_labels(tree, np.where(usable, labels, OUTLIER))
    described: list[list[Topic]] = []
    for level in range(tree.depth):
        now = rows[level]
        groups = [g for g in np.unique(now).tolist() if g != OUTLIER]
        kept: dict[int, Topic] = {}
        if previous is not None and level < previous.depth and previous.labels.shape == rows.shape:
            old = {t.cluster: t for t in previous.topics[level]}
            moved = now != previous.labels[level]  # a group holds the same rows unless a moved row left or joined it
            changed = set(np.unique(now[moved]).tolist()) | set(np.unique(previous.labels[level][moved]).tolist())
            kept = {g: old[g] for g in groups if g in old and g not in changed}
        fresh = [g for g in groups if g not in kept]
        names = tree.names[level]
        topics = list(kept.values())
        if fresh:
            topics += describer.describe(
                texts,
                now,
                vectors,
                only=fresh,
                taken={names.get(t.cluster, t.name) for t in kept.values()} | set(names.values()),
                demote=ROLE_WORDS if drop_roles else (),
                embed=embed,
                seed=seed,
            )
        described.append(sorted((replace(t, name=names.get(t.cluster, t.name)) for t in topics), key=_by_id))
    return Layers(tree, rows, tuple(described))


def _by_id(topic: Topic) -> int:
    return topic.cluster


def table(layers: Layers, level: int) -> list[dict[str, Any]]:
    """One record per group of a coarser layer: ``id, name, size, parent, children, keywords, representatives,
    renamed`` (named by a person).

    Parameters
    ----------
    layers : Layers
        The state's layers.
    level : int
        The layer, 0 the coarsest.

    Returns
    -------
    list of dict
        By id.
    """
    up = layers.tree.parents[level - 1] if level else {}
    children: dict[int, list[int]] = {}
    for child, parent in layers.tree.parents[level].items():
        children.setdefault(parent, []).append(child)
    return [
        {
            "id": t.cluster,
            "name": t.name,
            "size": t.size,
            "parent": up.get(t.cluster),
            "children": sorted(children.get(t.cluster, [])),
            "keywords": [k for k, _ in t.keywords],
            "representatives": list(t.representatives),
            "renamed": t.cluster in layers.tree.names[level],
        }
        for t in layers.topics[level]
    ]
