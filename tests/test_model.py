"""The estimator on the shipped corpus: conventions, determinism, round-trips, editing, metrics."""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import AgglomerativeClustering
from sklearn.exceptions import NotFittedError

from flaucluster.french import STOPWORDS_FR
from flaucluster.model import TopicModel

from twins import twins


def test_every_row_is_returned_in_input_order(fitted, sample):
    df, texts = sample
    docs = fitted.document_info()
    assert len(docs) == len(df) and docs["id"].tolist() == df["id"].tolist()
    assert set(docs.columns) >= {"id", "text", "cluster", "cluster_name", "probability", "is_outlier"}


def test_it_finds_the_hidden_themes(fitted, sample):
    scores = fitted.evaluate(sample.frame["theme"])
    assert scores["ari"] > 0.6 and scores["nmi"] > 0.7
    assert set(scores) >= {"silhouette", "dbcv", "npmi", "diversity", "ari", "nmi"}


def test_keywords_are_clean_french_and_twin_free(fitted, sample):
    corpus = " ".join(sample.texts).lower().replace("’", "'")
    for topic in fitted.topics_:
        kws = [k for k, _ in topic.keywords]
        assert len(kws) == 10
        assert twins(kws) == [], kws
        for kw in kws:
            assert kw.lower() not in STOPWORDS_FR and not kw.startswith(("l'", "d'", "qu'", "s'", "n'"))
            assert not any(w in {"l", "d", "qu", "s", "n", "j", "c"} for w in kw.lower().split(" "))
            base = kw.split("·")[0].lower()  # shown as written in the corpus: accents intact
            assert base in corpus, kw


def test_same_seed_same_result_whatever_the_row_order(fitted, sample, sample_embeddings):
    df, texts = sample
    again = TopicModel("usem3", seed=7, n_runs=1).fit(texts, embeddings=sample_embeddings, ids=df["id"].tolist())
    assert np.array_equal(again.labels_, fitted.labels_)
    perm = np.random.default_rng(1).permutation(len(texts))
    shuffled = TopicModel("usem3", seed=7, n_runs=1).fit(
        [texts[i] for i in perm], embeddings=sample_embeddings[perm], ids=df["id"].iloc[perm].tolist()
    )
    by_id = dict(zip(shuffled.ids_, shuffled.labels_))
    assert [by_id[i] for i in fitted.ids_] == fitted.labels_.tolist()
    pd.testing.assert_frame_equal(
        shuffled.topic_info().drop(columns="representatives"), fitted.topic_info().drop(columns="representatives")
    )


def test_transform_agrees_with_fit_and_survives_save_and_load(fitted, sample, sample_embeddings, tmp_path):
    texts = sample.texts
    assert np.array_equal(fitted.transform(texts, embeddings=sample_embeddings), fitted.labels_)
    fitted.save(tmp_path / "m")
    assert not list(tmp_path.rglob("*.pkl")) and not list(tmp_path.rglob("*.pickle"))
    loaded = TopicModel.load(tmp_path / "m")
    assert np.array_equal(loaded.transform(texts), fitted.labels_)
    pd.testing.assert_frame_equal(loaded.topic_info(), fitted.topic_info())
    assert loaded.get_params() == fitted.get_params()


def test_new_sentences_are_assigned_to_a_sensible_cluster(fitted):
    (label,) = fitted.transform(["Apprendre à programmer en Python : boucles, fonctions et tests unitaires"])
    assert label != -1
    names = fitted.names()
    hits = fitted.search("apprendre python", k=5)
    assert len(hits) == 5 and hits["score"].is_monotonic_decreasing
    assert names[label] == hits["cluster_name"].iloc[0] or label in hits["cluster"].tolist()


def test_a_model_that_has_loaded_its_encoder_can_still_be_copied_and_pickled(fitted):
    import copy
    import pickle

    fitted.search("apprendre python", k=1)  # loads the encoder, which holds native handles
    for twin in (copy.deepcopy(fitted), pickle.loads(pickle.dumps(fitted))):
        assert twin.labels_.tolist() == fitted.labels_.tolist() and twin.labels_ is not fitted.labels_
        assert (
            twin.search("apprendre python", k=3)["id"].tolist() == fitted.search("apprendre python", k=3)["id"].tolist()
        )


def test_clone_makes_an_unfitted_model_with_the_same_parameters(fitted):
    from sklearn.base import clone

    twin = clone(fitted)
    assert twin.get_params() == fitted.get_params() and not hasattr(twin, "labels_")


def test_get_params_and_validation():
    model = TopicModel("usem3", method="kmeans", k=5)
    assert model.get_params()["k"] == 5 and model.get_params()["method"] == "kmeans"
    assert model.get_params()["n_runs"] == 5, "the seed-stable consensus is the default"
    with pytest.raises(ValueError, match="method"):
        TopicModel(method="dbscan").fit(["a b c"] * 5)
    with pytest.raises(NotFittedError, match="not fitted"):
        TopicModel().topic_info()


def test_kmeans_auto_k_given_k_and_any_sklearn_clusterer(sample, sample_embeddings):
    texts = sample.texts[:400]
    emb = sample_embeddings[:400]
    auto = TopicModel(method="kmeans", k_range=(4, 10), n_runs=1).fit(texts, embeddings=emb)
    assert 4 <= len(auto.topics_) <= 10 and auto.clustering_details_["silhouette_by_k"]
    given = TopicModel(method="kmeans", k=6, n_runs=1).fit(texts, embeddings=emb)
    assert len(given.topics_) == 6 and (given.labels_ >= 0).all()
    agglo = TopicModel(method=AgglomerativeClustering(n_clusters=5), reduction="none", n_runs=1).fit(
        texts, embeddings=emb
    )
    assert len(agglo.topics_) == 5


def test_full_outlier_reassignment_keeps_the_original(sample, sample_embeddings):
    texts, emb = sample.texts[:600], sample_embeddings[:600]
    # one run on 600 rows finds either 2 groups and no outlier or a dozen with outliers, by seed: 0 gives a dozen
    plain = TopicModel(seed=0, n_runs=1, max_unassigned=None).fit(texts, embeddings=emb)
    moved = TopicModel(seed=0, n_runs=1, reassign_outliers=True).fit(texts, embeddings=emb)
    default = TopicModel(seed=0, n_runs=1).fit(texts, embeddings=emb)
    docs = moved.document_info()
    assert plain.labels_.min() == -1, "this sample should have outliers"
    assert 0 < (default.labels_ == -1).mean() <= 0.05 < (plain.labels_ == -1).mean()  # the default target
    assert (docs["cluster"] >= 0).all()
    assert np.array_equal(docs["cluster_original"].to_numpy(), plain.labels_)
    assert docs["is_outlier"].sum() == (plain.labels_ == -1).sum()
    offered = plain.document_info()["cluster_reassigned"].to_numpy()  # the reassigned view is always there
    assert np.array_equal(offered, moved.labels_)


def test_merge_reduce_and_custom_names(sample, sample_embeddings):
    model = TopicModel(seed=7, n_runs=1).fit(sample.texts, embeddings=sample_embeddings)
    n = len(model.topics_)
    model.set_names({0: "Développement logiciel"})
    model.merge_clusters([[0, n - 1]])
    assert len(model.topics_) == n - 1 and model.names()[0] == "Développement logiciel"
    assert (model.labels_ != n - 1).all()
    model.merge_similar(5)
    assert len(model.topics_) == 5
    tree = model.hierarchy()
    assert tree["linkage"].shape == (4, 4) and len(tree["names"]) == 5


def test_unusable_rows_are_kept_flagged_and_outside_clusters(sample, sample_embeddings):
    texts = list(sample.texts[:300]) + ["", None, "   ", "2024"]
    emb = np.vstack([sample_embeddings[:300], np.zeros((4, sample_embeddings.shape[1]), np.float32)])
    docs = TopicModel(seed=1, n_runs=1).fit(texts, embeddings=emb).document_info()
    assert len(docs) == 304
    assert docs["status"].tolist()[-4:] == ["empty", "missing", "empty", "no_letters"]
    assert (docs["cluster"].iloc[-4:] == -1).all() and not docs["is_outlier"].iloc[-4:].any()


def test_given_unit_embeddings_are_kept_without_a_copy_and_never_written_to(sample, sample_embeddings):
    texts = list(sample.texts[:300]) + [""]
    unit = np.vstack([sample_embeddings[:300], np.zeros((1, sample_embeddings.shape[1]), np.float32)])
    assert TopicModel(seed=1, n_runs=1).fit(texts, embeddings=unit).embeddings_ is unit
    stray = unit.copy()
    stray[-1] = unit[0]  # a vector given for an empty text: zeroed in the model, not in the caller's array
    model = TopicModel(seed=1, n_runs=1).fit(texts, embeddings=stray)
    assert not model.embeddings_[-1].any() and (stray[-1] == unit[0]).all()
    np.testing.assert_array_equal(model.embeddings_[:-1], unit[:-1])


def test_stability_runs_score_clusters_and_rows(sample, sample_embeddings):
    model = TopicModel(seed=7, n_runs=3).fit(sample.texts, embeddings=sample_embeddings)
    info, docs, summary = model.topic_info(), model.document_info(), model.summary()
    assert {"stability", "unstable"} <= set(info.columns) and info["stability"].between(0, 1).all()
    assert docs["confidence"].between(0, 1).all()
    assert summary["stability"]["n_runs"] == 3 and 0 <= summary["stability"]["mean_pairwise_ari"] <= 1


def test_large_inputs_cluster_a_sample_and_assign_the_rest_by_neighbours(fitted, sample, sample_embeddings):
    df, texts = sample
    model = TopicModel(seed=7, max_fit_rows=800, n_runs=2).fit(texts, embeddings=sample_embeddings)
    details = model.clustering_details_
    assert details["clustered_rows"] == 800 and details["assigned_by_neighbours"] == len(texts) - 800
    assert len(model.document_info()) == len(texts)
    assert model.evaluate(df["theme"])["ari"] > 0.6
    assert model.document_info()["confidence"].between(0, 1).all()


def test_repeated_rows_outside_the_sample_are_searched_once_with_the_same_result(
    sample, sample_embeddings, monkeypatch
):
    from flaucluster import consensus

    _, texts = sample
    texts, vectors = texts + texts[:500], np.vstack([sample_embeddings, sample_embeddings[:500]])
    params = {"seed": 7, "max_fit_rows": 800, "n_runs": 1}
    once = TopicModel(**params).fit(texts, embeddings=vectors)
    monkeypatch.setattr(consensus, "distinct_rows", lambda v, rows: (np.arange(len(rows)), np.arange(len(rows))))
    every = TopicModel(**params).fit(texts, embeddings=vectors)
    np.testing.assert_array_equal(once.labels_, every.labels_)
    np.testing.assert_array_equal(once.probabilities_, every.probabilities_)


def test_a_command_line_run_without_options_fits_the_estimators_defaults():
    from flaucluster.cli import build_parser
    from flaucluster.cli.cluster_cmd import model_from_args

    args = build_parser().parse_args(["cluster", "in.csv", "--text-column", "t", "--out", "o"])
    built, defaults = model_from_args(args).get_params(), TopicModel().get_params()
    assert {k for k in defaults if built[k] != defaults[k]} == set()


@pytest.mark.parametrize(
    "option, param, value",
    [
        (["--stability", "3"], "n_runs", 3),
        (["--min-cluster-size", "7"], "min_cluster_size", 7),
        (["--method", "kmeans", "--k", "4"], "k", 4),
        (["--seed", "9"], "seed", 9),
        (["--precision", "int8"], "precision", "int8"),
        (["--device", "cpu"], "device", "cpu"),
        (["--reassign-outliers"], "reassign_outliers", True),
        (["--fold-gender"], "fold_before_embedding", True),
        (["--batch-size", "8"], "batch_size", 8),
        (["--no-cache"], "use_cache", False),
        (["--missing-values", "x,y"], "missing_values", ("x", "y")),
        (["--model", "usem3"], "model", "usem3"),
    ],
)
def test_every_clustering_option_reaches_the_estimator(option, param, value):
    from flaucluster.cli import build_parser
    from flaucluster.cli.cluster_cmd import model_from_args

    args = build_parser().parse_args(["cluster", "in.csv", "--text-column", "t", "--out", "o", *option])
    assert model_from_args(args).get_params()[param] == value


def test_an_outlier_target_leaves_at_most_that_share_and_moves_the_clearest_first(sample, sample_embeddings):
    from flaucluster.cluster import OUTLIER
    from flaucluster.search import assign_outliers

    kept = TopicModel("usem3", n_runs=1, min_cluster_size=40).fit(sample.texts, embeddings=sample_embeddings)
    ok = kept._usable()
    share = float((kept.labels_[ok] == OUTLIER).mean())
    assert share > 0.01  # enough outliers for the target to matter
    target = TopicModel("usem3", n_runs=1, min_cluster_size=40, max_unassigned=0.005).fit(
        sample.texts, embeddings=sample_embeddings
    )
    left = float((target.labels_[ok] == OUTLIER).mean())
    assert 0.004 <= left <= 0.005
    assert np.array_equal(target.labels_original_, kept.labels_original_)  # the first answer is kept
    moved = (kept.labels_ == OUTLIER) & (target.labels_ != OUTLIER)
    assert target.clustering_details_["outliers_moved"] == int(moved.sum())
    # every moved row is in its nearest cluster, and was less ambiguous than any row left behind
    full = assign_outliers(kept.embeddings_, kept.labels_original_)
    assert np.array_equal(target.labels_[moved], full[moved])
    ids, sims = _cluster_sims(kept)
    top2 = np.sort(sims, axis=1)
    margin = top2[:, -1] - top2[:, -2]
    still = (target.labels_ == OUTLIER) & ok
    assert margin[moved].min() >= margin[still].max()
    assert (
        TopicModel("usem3", n_runs=1, min_cluster_size=40, max_unassigned=0)
        .fit(sample.texts, embeddings=sample_embeddings)
        .labels_[ok]
        .min()
        >= 0
    )


def _cluster_sims(model):
    from flaucluster.cluster import centroids

    ids, means = centroids(model.embeddings_, model.labels_original_, unit=False)
    return ids, model.embeddings_ @ means.T


def test_a_number_of_groups_is_a_target_reached_from_above_and_below(sample, sample_embeddings):
    found = len(TopicModel("usem3", n_runs=1).fit(sample.texts, embeddings=sample_embeddings).topics_)
    for n in (found - 6, found + 8):
        model = TopicModel("usem3", n_runs=1, n_clusters=n).fit(sample.texts, embeddings=sample_embeddings)
        assert len(model.topics_) == n, (found, n)
        assert model.clustering_details_["n_clusters_target"] == n
    assert (
        len(TopicModel("usem3", method="kmeans", n_clusters=6).fit(sample.texts, embeddings=sample_embeddings).topics_)
        == 6
    )


@pytest.mark.parametrize("bad", [{"max_unassigned": 1.5}, {"max_unassigned": "10%"}, {"n_clusters": 1}])
def test_targets_out_of_range_are_refused(bad):
    from flaucluster.errors import ConfigError

    with pytest.raises(ConfigError, match=next(iter(bad))):
        TopicModel(**bad).check_params()


@pytest.mark.parametrize(
    "both, said",
    [({"namer_model": "mistral"}, "namer_model"), ({"k": 5, "n_clusters": 8, "method": "kmeans"}, "not both")],
)
def test_an_option_that_would_be_ignored_is_refused(both, said):
    from flaucluster.errors import ConfigError

    with pytest.raises(ConfigError, match=said):
        TopicModel(**both).check_params()
