"""Layers: the clusters as a tree of named groups (domaine > thème > groupe), planned from the data, described
like clusters, curated through the edit log, saved, reported."""

import json

import numpy as np
import pandas as pd
import pytest

from flaucluster import layers
from flaucluster.cli import main
from flaucluster.edits import EditError
from flaucluster.errors import ConfigError
from flaucluster.model import TopicModel


def nested_blobs(domains=3, themes=3, rows=40, seed=0):
    """Unit vectors in ``domains`` far-apart directions, each split into ``themes`` nearby ones."""
    rng = np.random.default_rng(seed)
    dim = 32
    vectors, domain_of, theme_of = [], [], []
    for d in range(domains):
        centre = np.zeros(dim)
        centre[d] = 1.0
        for t in range(themes):
            offset = np.zeros(dim)
            offset[domains + d * themes + t] = 0.45
            points = centre + offset + rng.normal(0, 0.05, (rows, dim))
            vectors.append(points / np.linalg.norm(points, axis=1, keepdims=True))
            domain_of += [d] * rows
            theme_of += [d * themes + t] * rows
    return np.vstack(vectors).astype(np.float32), np.array(domain_of), np.array(theme_of)


def test_the_coarse_layer_finds_the_domains_that_hold_the_clusters():
    vectors, domain, theme = nested_blobs()
    tree = layers.plan(vectors, theme, np.ones(len(theme), bool))
    groups = layers.row_labels(tree, theme)[0]
    assert tree.depth >= 1 and len(set(groups)) == 3
    assert all(len(set(groups[domain == d])) == 1 for d in range(3))  # each domain whole, in one group


def test_few_clusters_have_no_coarser_layer():
    vectors, _, theme = nested_blobs(domains=1, themes=3)
    assert layers.plan(vectors, theme, np.ones(len(theme), bool)).depth == 0


def test_a_fit_yields_nested_named_layers_from_a_handful_to_the_clusters(fitted):
    state = fitted.state_
    tiers = fitted.layers_
    assert tiers is state.layers and tiers.depth >= 1
    coarse = fitted.topic_info(layer=0)
    assert 2 <= len(coarse) <= layers.MAX_COARSE
    assert coarse["name"].is_unique and (coarse["name"].str.len() > 0).all()  # distinct names within a layer
    assert coarse["size"].sum() == (state.labels >= 0).sum()
    finest = tiers.tree.parents[-1]
    assert set(finest) == {t.cluster for t in state.topics}  # every cluster has one parent
    for level in range(tiers.depth):  # nested: a row's coarse group is its finer group's parent
        below = tiers.labels[level + 1] if level + 1 < tiers.depth else state.labels
        up = tiers.tree.parents[level]
        assert all(g == up[int(b)] for g, b in zip(tiers.labels[level], below) if b >= 0)
    assert list(fitted.topic_info(layer=tiers.depth)["cluster"]) == [t.cluster for t in state.topics]
    with pytest.raises(ConfigError, match="layer=9: this state has layers 0 to"):
        fitted.topic_info(layer=9)


def test_curating_layers_renames_a_domain_moves_a_cluster_and_undoes(fitted):
    cur = fitted.curate()
    depth = fitted.layers_.depth
    cur.rename(0, "Informatique et données", layer=0)
    assert cur.state.layers.topics[0][0].name == "Informatique et données"
    assert fitted.topic_info(layer=0)["name"].iloc[0] != "Informatique et données"  # the model never changes

    finest = cur.state.layers.tree.parents[-1]
    cluster = min(finest)
    other = next(g for g in sorted(set(finest.values())) if g != finest[cluster])
    before = {t.cluster: t for t in cur.state.layers.topics[-1]}
    cur.reparent(cluster, other, layer=depth - 1)
    assert cur.state.layers.tree.parents[-1][cluster] == other
    moved_into = cur.topic_info(layer=depth - 1).set_index("cluster").loc[other]
    assert moved_into["size"] == before[other].size + (cur.state.labels == cluster).sum()  # described anew
    assert cluster in moved_into["children"]

    cur.split(cluster, k=2)  # the new part stays under its parent
    new = max(cur.state.names())
    assert cur.state.layers.tree.parents[-1][new] == other
    cur.undo(2)
    assert cur.state.layers.tree.parents[-1][cluster] == finest[cluster]
    assert cur.state.layers.topics[0][0].name == "Informatique et données"


def test_layer_edits_are_checked_and_refused_in_one_message(fitted):
    cur = fitted.curate()
    depth = fitted.layers_.depth
    with pytest.raises(EditError, match="group 99 does not exist in layer 0"):
        cur.rename(99, "Nulle part", layer=0)
    with pytest.raises(EditError, match=f"layer {depth + 1} does not exist"):
        cur.rename(0, "Trop bas", layer=depth + 1)
    with pytest.raises(EditError, match=f"layer {depth} does not exist.*reparent names a coarser one"):
        cur.reparent(0, 0, layer=depth)
    with pytest.raises(EditError, match="must be 0 .the coarsest. or more"):
        cur.apply_edits([{"op": "rename", "cluster": 0, "name": "x", "layer": -1}])
    assert cur.edits == []


def test_layers_and_their_edits_survive_a_save_and_a_load(fitted, tmp_path):
    cur = fitted.curate().rename(1, "Langues", layer=0)
    cur.save(tmp_path / "m")
    loaded = TopicModel.load(tmp_path / "m")
    assert loaded.layers_.tree == cur.state.layers.tree
    assert loaded.topic_info(layer=0)["name"].tolist() == cur.topic_info(layer=0)["name"].tolist()
    assert loaded.curate().undo(1).state.layers.tree.names[0] == {}  # the log replays from the fit's tree


def test_an_altered_layers_file_is_refused(fitted, tmp_path):
    from flaucluster.errors import ModelFolderError
    from flaucluster.runfolder import write_manifest

    fitted.save(tmp_path / "m")
    doc = json.loads((tmp_path / "m" / "layers.json").read_text(encoding="utf-8"))
    doc["topics"][0] = doc["topics"][0][1:]  # a group no longer described
    (tmp_path / "m" / "layers.json").write_text(json.dumps(doc), encoding="utf-8")
    write_manifest(tmp_path / "m", "model")
    with pytest.raises(ModelFolderError, match="layers.json does not describe the groups"):
        TopicModel.load(tmp_path / "m")


@pytest.fixture(scope="module")
def run(tmp_path_factory, sample):
    folder = tmp_path_factory.mktemp("layers")
    sample.frame.to_csv(folder / "cours.csv", index=False)
    args = ["cluster", str(folder / "cours.csv"), "--text-column", "title", "--text-column", "description"]
    assert main([*args, "--id-column", "id", "--model", "usem3", "--stability", "1", "--out", str(folder / "run")]) == 0
    return folder


def test_the_run_folder_holds_the_layers_in_topics_json_assignments_and_the_report(run):
    topics = json.loads((run / "run" / "topics.json").read_text(encoding="utf-8"))
    levels = topics["layers"]
    assert len(levels) >= 2 and [c["id"] for c in levels[-1]] == [c["id"] for c in topics["clusters"]]
    for coarse, fine in zip(levels, levels[1:]):
        ids = {g["id"] for g in coarse}
        assert all(c["parent"] in ids for c in fine)
        assert sum(g["size"] for g in coarse) == sum(c["size"] for c in fine)
    assert all(g["parent"] is None for g in levels[0])

    table = pd.read_csv(run / "run" / "assignments.csv", dtype=str, keep_default_na=False)
    names = {g["id"]: g["name"] for g in levels[0]}
    placed = table[table["cluster"] != "-1"]
    assert (placed["layer0_name"] == placed["layer0"].astype(int).map(names)).all()

    html = (run / "run" / "report.html").read_text(encoding="utf-8")
    assert 'id="arborescence"' in html
    assert html.count('data-testid="tree-node"') == sum(len(level) for level in levels)


def test_edit_renames_a_domain_and_moves_a_cluster_from_a_file(run):
    topics = json.loads((run / "run" / "topics.json").read_text(encoding="utf-8"))
    depth = len(topics["layers"]) - 1
    cluster = topics["layers"][-1][0]
    target = next(g["id"] for g in topics["layers"][-2] if g["id"] != cluster["parent"])
    (run / "edits.json").write_text(
        json.dumps(
            {
                "format": "flaucluster-edits/1",
                "edits": [
                    {"op": "rename", "layer": 0, "cluster": 0, "name": "Domaine <b>choisi</b>"},
                    {"op": "reparent", "layer": depth - 1, "cluster": cluster["id"], "to": target},
                ],
            }
        ),
        encoding="utf-8",
    )
    assert main(["edit", str(run / "run"), str(run / "edits.json"), "--out", str(run / "edited")]) == 0
    edited = json.loads((run / "edited" / "topics.json").read_text(encoding="utf-8"))
    assert edited["layers"][0][0]["name"] == "Domaine <b>choisi</b>" and edited["layers"][0][0]["renamed"]
    assert next(c for c in edited["layers"][-1] if c["id"] == cluster["id"])["parent"] == target
    html = (run / "edited" / "report.html").read_text(encoding="utf-8")
    assert "Domaine &lt;b&gt;choisi&lt;/b&gt;" in html and "<b>choisi</b>" not in html
