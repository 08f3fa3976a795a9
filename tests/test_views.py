"""Tables for reading: readable() turns list cells into text a person reads without losing the data; a report
reads a saved folder as it reads the live fit."""

import numpy as np
import pandas as pd
import pytest

from flaucluster.model import TopicModel
from flaucluster.report.exports import report_inputs
from flaucluster.views import readable


def test_a_readable_table_shows_whole_keywords_and_leaves_the_data_alone():
    info = pd.DataFrame(
        {
            "cluster": [0, 1],
            "keywords": [["données", "IA", "applications métier", "statistique", "tableaux croisés dynamiques"], []],
            "keyword_weights": [[0.5, 0.4, 0.3, 0.2, 0.1], []],
            "representatives": [["Une phrase courte."], ["x" * 120]],
        }
    )
    info.attrs["test"] = {"p": 0.01}
    shown = readable(info)
    assert shown["keywords"].tolist() == ["données, IA, applications métier, statistique, …", ""]
    assert all(len(cell) <= 50 for cell in shown["keywords"])  # pandas shows 50 characters: nothing cut mid-word
    assert shown["representatives"].tolist() == ["Une phrase courte.", "x" * 49 + "…"]
    assert "keyword_weights" not in shown and shown.attrs == {"test": {"p": 0.01}}
    assert isinstance(info["keywords"][0], list) and "keyword_weights" in info  # the model's table is untouched


def test_topic_info_readable_is_the_same_table_for_reading(fitted):
    plain, shown = fitted.topic_info(), fitted.topic_info(readable=True)
    assert shown["cluster"].tolist() == plain["cluster"].tolist() and shown["name"].tolist() == plain["name"].tolist()
    assert all(
        isinstance(k, str) and k.split(", ")[0] == words[0] for k, words in zip(shown["keywords"], plain["keywords"])
    )


@pytest.mark.parametrize("edited", [False, True], ids=["fit", "curated"])
def test_a_saved_folder_reports_the_same_tables_and_map_as_the_live_fit(fitted, tmp_path, edited):
    state = fitted.state_
    if edited:
        ids = [i for i, c in zip(state.ids, state.labels) if c == 0][:4]
        cur = fitted.curate().rename(1, "Renommé").move(ids, to="new", name="Nouveau")
        state = cur.state
        cur.save(tmp_path / "m")
    else:
        fitted.save(tmp_path / "m")
    live, saved = report_inputs(state), report_inputs(TopicModel.load(tmp_path / "m").state_)  # one function
    pd.testing.assert_frame_equal(saved.documents, live.documents)
    pd.testing.assert_frame_equal(saved.topics, live.topics)
    assert np.array_equal(saved.coords, live.coords) and np.array_equal(live.coords, state.map_coords)
    assert np.isfinite(live.coords[state.usable]).all() and len(np.unique(live.coords[state.usable], axis=0)) > 1
    assert saved.edits == live.edits and saved.next_cluster == live.next_cluster
    assert saved.custom_names == live.custom_names == dict(state.custom_names)
    assert ("Renommé" in set(live.topics["name"])) is edited
