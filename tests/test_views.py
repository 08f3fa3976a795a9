"""Tables for reading: readable() turns list cells into text a person reads without losing the data."""

import pandas as pd

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
